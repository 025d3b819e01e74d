// The bundle manifest (`manifest.json`): what the runtime must know about a model to feed its graphs. The format is
// documented in docs/bundle-format.md so that users can export their own models into it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../core/errors.ts';

/** How an image becomes the square input of the vision graph. */
export type ResizeMode =
  /** The paper's: keep the aspect ratio, pad to a square with the mean colour. */
  | 'pad'
  /** CLIP's: resize the short side, take the centre square. */
  | 'center-crop'
  /** Stretch to the square. */
  | 'squash';

export interface BundleManifest {
  format: string;
  name: string;
  family: string;
  parameters: number;
  contextLength: number;
  image: {
    size: number;
    resize: ResizeMode;
    mean: [number, number, number];
    std: [number, number, number];
    /** Frames per video the vision graph takes at most (its learned time embeddings). */
    maxFrames: number;
  };
  /** Visual tokens per medium (Perceiver Resampler latents) and their width. */
  visualTokens: number;
  visualDim: number;
  decoder: { layers: number; heads: number; headDim: number; vocabSize: number };
  tokens: { bos: string; eos: string; pad: string; image: string; endOfChunk: string };
  files: { tokenizer: string; vision: string; decoder: string; parity?: string };
}

const RESIZE_MODES: ResizeMode[] = ['pad', 'center-crop', 'squash'];

export async function readManifest(dir: string): Promise<BundleManifest> {
  const file = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError(`${file}: no manifest.json in the model bundle folder ${dir}`, file);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`, file);
  }
  const m = new Checker(file, raw);
  return {
    format: m.string('format'),
    name: m.string('name'),
    family: m.string('family'),
    parameters: m.integer('parameters'),
    contextLength: m.integer('contextLength'),
    image: {
      size: m.integer('image.size'),
      resize: m.oneOf('image.resize', RESIZE_MODES),
      mean: m.triple('image.mean'),
      std: m.triple('image.std'),
      maxFrames: m.integer('image.maxFrames'),
    },
    visualTokens: m.integer('visualTokens'),
    visualDim: m.integer('visualDim'),
    decoder: {
      layers: m.integer('decoder.layers'),
      heads: m.integer('decoder.heads'),
      headDim: m.integer('decoder.headDim'),
      vocabSize: m.integer('decoder.vocabSize'),
    },
    tokens: {
      bos: m.string('tokens.bos'),
      eos: m.string('tokens.eos'),
      pad: m.string('tokens.pad'),
      image: m.string('tokens.image'),
      endOfChunk: m.string('tokens.endOfChunk'),
    },
    files: {
      tokenizer: m.string('files.tokenizer'),
      vision: m.string('files.vision'),
      decoder: m.string('files.decoder'),
      ...(m.has('files.parity') ? { parity: m.string('files.parity') } : {}),
    },
  };
}

class Checker {
  constructor(
    private readonly file: string,
    private readonly raw: unknown,
  ) {}

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  string(path: string): string {
    const v = this.get(path);
    if (typeof v !== 'string' || v === '') this.fail(path, 'a non-empty string', v);
    return v as string;
  }

  integer(path: string): number {
    const v = this.get(path);
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) this.fail(path, 'a positive integer', v);
    return v as number;
  }

  triple(path: string): [number, number, number] {
    const v = this.get(path);
    if (!Array.isArray(v) || v.length !== 3 || v.some((x) => typeof x !== 'number')) {
      this.fail(path, 'three numbers (R, G, B)', v);
    }
    return v as [number, number, number];
  }

  oneOf<T extends string>(path: string, values: T[]): T {
    const v = this.get(path);
    if (!values.includes(v as T)) this.fail(path, `one of ${values.join(', ')}`, v);
    return v as T;
  }

  private get(path: string): unknown {
    let v: unknown = this.raw;
    for (const key of path.split('.')) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[key];
    }
    return v;
  }

  private fail(path: string, expected: string, got: unknown): never {
    const shown = got === undefined ? 'missing' : `got ${JSON.stringify(got)}`;
    throw new InputError(`${this.file}: field "${path}" must be ${expected} (${shown})`, this.file);
  }
}
