// The bundle's tokenizer: a Hugging Face `tokenizer.json`, read with @huggingface/tokenizers so that a real model's
// BPE / WordPiece / Unigram tokenizer works as well as ours.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { InputError } from '../../core/errors.ts';
import type { BundleManifest } from './manifest.ts';

export interface SpecialIds {
  bos: number;
  eos: number;
  pad: number;
  image: number;
  endOfChunk: number;
}

export class BundleTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly special: SpecialIds,
  ) {}

  static async load(dir: string, manifest: BundleManifest): Promise<BundleTokenizer> {
    const file = join(dir, manifest.files.tokenizer);
    let json: object;
    try {
      json = JSON.parse(await readFile(file, 'utf8')) as object;
    } catch (error) {
      throw new InputError(`${file}: cannot read the tokenizer (${(error as Error).message})`, file);
    }
    let config: object = {};
    try {
      config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8')) as object;
    } catch {
      // tokenizer_config.json is optional: our bundles need none.
    }
    const tokenizer = new Tokenizer(json, config);
    const id = (field: keyof SpecialIds): number => {
      const token = manifest.tokens[field];
      const value = tokenizer.token_to_id(token);
      if (value === undefined) {
        throw new InputError(`${file}: the manifest's tokens.${field} "${token}" is not in the vocabulary`, file);
      }
      return value;
    };
    return new BundleTokenizer(tokenizer, {
      bos: id('bos'),
      eos: id('eos'),
      pad: id('pad'),
      image: id('image'),
      endOfChunk: id('endOfChunk'),
    });
  }

  /** Ids of plain text, without any special token added. */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** Text of generated ids, special tokens removed. */
  decode(ids: number[]): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode(ids, { skip_special_tokens: true }).trim();
  }
}
