// Reading the official JSON files of a dataset with errors that name the file, the line and the field, so a user
// with a truncated download or the wrong file sees exactly what is wrong.
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.ts';

/** A parsed JSON file; `where(path)` formats a location for error messages ("file: images[3].split"). */
export interface JsonDocument {
  file: string;
  data: unknown;
}

export async function readJsonFile(file: string): Promise<JsonDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read (${(error as Error).message})`, file);
  }
  try {
    return { file, data: JSON.parse(text) };
  } catch (error) {
    throw new InputError(`${file}${lineOf(text, (error as Error).message)}: not valid JSON (${(error as Error).message})`, file);
  }
}

/** Reads a JSON Lines file: one value per non-empty line; a bad line is named by its number. */
export async function readJsonLines(file: string): Promise<{ file: string; lines: { line: number; data: unknown }[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read (${(error as Error).message})`, file);
  }
  const lines: { line: number; data: unknown }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      lines.push({ line: i + 1, data: JSON.parse(raw) });
    } catch (error) {
      throw new InputError(`${file}:${i + 1}: not valid JSON (${(error as Error).message})`, file);
    }
  });
  return { file, lines };
}

// V8 reports "... at position N" (and newer versions "(line L column C)"); turn the position into a line number.
function lineOf(text: string, message: string): string {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return `:${lineColumn[1]}`;
  const position = /at position (\d+)/.exec(message);
  if (!position) return '';
  let line = 1;
  const end = Math.min(Number(position[1]), text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return `:${line}`;
}

/**
 * A typed view of one JSON value at a known place, whose accessors throw InputErrors naming file and field. The path
 * ("images[3].split") is built only when an error needs it: the Karpathy file alone has 600k sentences.
 */
export class Field {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly parent?: Field,
    private readonly key?: string | number,
  ) {}

  static root(doc: JsonDocument): Field {
    return new Field(doc.file, doc.data);
  }

  get path(): string {
    if (this.parent === undefined || this.key === undefined) return '';
    const above = this.parent.path;
    if (typeof this.key === 'number') return `${above}[${this.key}]`;
    return above === '' ? this.key : `${above}.${this.key}`;
  }

  where(): string {
    const path = this.path;
    return path === '' ? this.file : `${this.file}: ${path}`;
  }

  fail(problem: string): never {
    throw new InputError(`${this.where()}: ${problem}`, this.file);
  }

  get(key: string): Field {
    const object = this.object();
    if (!(key in object)) new Field(this.file, undefined, this, key).fail('missing field');
    return new Field(this.file, object[key], this, key);
  }

  has(key: string): boolean {
    return key in this.object();
  }

  object(): Record<string, unknown> {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value))
      this.fail(`expected an object, found ${describe(this.value)}`);
    return this.value as Record<string, unknown>;
  }

  items(): Field[] {
    if (!Array.isArray(this.value)) this.fail(`expected a list, found ${describe(this.value)}`);
    return (this.value as unknown[]).map((v, i) => new Field(this.file, v, this, i));
  }

  string(): string {
    if (typeof this.value !== 'string') this.fail(`expected a string, found ${describe(this.value)}`);
    return this.value as string;
  }

  number(): number {
    if (typeof this.value !== 'number' || !Number.isFinite(this.value))
      this.fail(`expected a number, found ${describe(this.value)}`);
    return this.value as number;
  }

  /** An id that the dataset writes as a number (COCO, VQA) or a string. */
  id(): string {
    // An integer past 2^53 has lost digits in JSON.parse: two 20-digit ids may be the same number now. Refused rather
    // than let them collide (no official release has such ids; a file that does must write them as strings).
    if (typeof this.value === 'number' && Number.isInteger(this.value) && !Number.isSafeInteger(this.value)) {
      return this.fail(`the id ${this.value} is too large to be read exactly as a JSON number (over 2^53): write it as a string ("...")`);
    }
    if (typeof this.value === 'number' && Number.isInteger(this.value)) return String(this.value);
    if (typeof this.value === 'string' && this.value !== '') return this.value;
    return this.fail(`expected an id (integer or non-empty string), found ${describe(this.value)}`);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `${typeof value === 'object' ? 'an object' : `the ${typeof value} ${String(value)}`}`;
}
