// The one reader of JSON and JSON Lines files, for the tasks (official annotation files) and for `flamingo-eval score`
// (prediction and reference files). A whole document goes through the native JSON.parse (far faster than any parser
// written in JavaScript); only when it fails is the text walked again to find the line and column of the first error,
// because V8's messages do not always carry a position. Every error names the file, and the line (and column, or the
// field) where the input goes wrong, so a user with a truncated download or the wrong file sees exactly what is wrong.
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.ts';

/** A parsed JSON file. */
export interface JsonDocument {
  file: string;
  data: unknown;
}

/** One value of a JSON Lines file and its 1-based line number. */
export interface JsonLine {
  line: number;
  data: unknown;
}

function cannotRead(file: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : String(code ?? error);
  throw new InputError(`${file}: cannot read the file (${reason})`, file);
}

/** The text of a file without its byte-order mark; a blank file is an error naming it. */
export function textOf(file: string, text: string): string {
  if (isBlank(text)) throw new InputError(`${file}: the file is empty`, file);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Whether the text is only whitespace (or a byte-order mark), looking no further than its first other character. */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0xfeff && !(c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(text[i]!)))) return false;
  }
  return true;
}

export function readText(file: string): string {
  try {
    return textOf(file, readFileSync(file, 'utf8'));
  } catch (error) {
    if (error instanceof InputError) throw error;
    return cannotRead(file, error);
  }
}

/**
 * readText for async callers. It reads synchronously all the same: fs/promises reads a file in 512 KiB chunks through
 * a string decoder, which took a tenth of the time of a VQAv2-sized annotation file (155 MB) on top of one read.
 */
export async function readTextAsync(file: string): Promise<string> {
  return readText(file);
}

/** Parses the text of a JSON file; a syntax error names its line and column. */
export function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw syntaxError(file, text, error);
  }
}

function syntaxError(file: string, text: string, error: unknown, lineOffset = 0): InputError {
  const { line, column } = lineColumn(text, jsonErrorOffset(text));
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new InputError(`${file}:${line + lineOffset}: not valid JSON at column ${column} (${detail})`, file);
}

/** Reads and parses a JSON file (synchronously: `score` reads its two files one after the other). */
export function readJson(file: string): unknown {
  return parseJson(file, readText(file));
}

/** Reads and parses a JSON file. */
export async function readJsonFile(file: string): Promise<JsonDocument> {
  return { file, data: parseJson(file, await readTextAsync(file)) };
}

/**
 * Reads a JSON file with every `"key": [...]` list of numbers emptied first. VisDial's train dialogues file is about
 * 1 GB of JSON, nine tenths of it the 100 answer options of each of its 1.2M rounds, which demonstrations never use and
 * which make it too long for one string (V8 holds at most 512 MB): the lists are emptied in the bytes (in place)
 * before one JSON.parse of the rest (bench/visdial-load.ts). Inside a JSON string the key's quotes would be escaped,
 * so the byte pattern only matches the key itself. A syntax error cannot name a line of the file (the text parsed is
 * not the file's), only the file.
 */
export async function readJsonFileWithoutNumberLists(file: string, key: string): Promise<JsonDocument> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return cannotRead(file, error);
  }
  const pattern = Buffer.from(JSON.stringify(key));
  let kept = 0;
  let from = 0;
  for (let at = bytes.indexOf(pattern); at >= 0; at = bytes.indexOf(pattern, from)) {
    let p = skipSpace(bytes, at + pattern.length);
    if (bytes[p] === 0x3a) p = skipSpace(bytes, p + 1);
    const close = bytes[p] === 0x5b ? bytes.indexOf(0x5d, p) : -1;
    if (close < 0) {
      // Not `"key": [`: leave it for JSON.parse to judge.
      bytes.copyWithin(kept, from, p);
      kept += p - from;
      from = p;
      continue;
    }
    bytes.copyWithin(kept, from, p + 1);
    kept += p + 1 - from;
    from = close;
  }
  bytes.copyWithin(kept, from);
  kept += bytes.length - from;
  const text = textOf(file, bytes.toString('utf8', 0, kept));
  try {
    return { file, data: JSON.parse(text) };
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message.split('\n')[0]}, read without its ${key} lists)`, file);
  }
}

function skipSpace(bytes: Buffer, at: number): number {
  let p = at;
  while (bytes[p] === 0x20 || bytes[p] === 0x0a || bytes[p] === 0x0d || bytes[p] === 0x09) p++;
  return p;
}

/** Reads a JSON Lines file: one value per non-blank line (LF or CRLF); a bad line is named by its number. */
export async function readJsonLines(file: string): Promise<{ file: string; lines: JsonLine[] }> {
  const text = await readTextAsync(file);
  const lines: JsonLine[] = [];
  let start = 0;
  for (let number = 1; start <= text.length; number++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end);
    start = end + 1;
    if (raw.trim() === '') continue;
    try {
      lines.push({ line: number, data: JSON.parse(raw) });
    } catch (error) {
      throw syntaxError(file, raw, error, number - 1);
    }
  }
  return { file, lines };
}

/** The 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The offset of the first syntax error in `text` (its length when the text ends too early). Only run after
 * JSON.parse has failed, because V8's messages do not always carry a position.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail();
      const ch = text.charCodeAt(i);
      if (ch === 34) return void i++;
      if (ch < 32) fail();
      if (ch === 92) {
        i++;
        const esc = text[i];
        if (esc === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail();
        } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) i++;
        else fail();
      } else i++;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '' || match[0] === '-') fail();
    i += match![0].length;
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{') {
      i++;
      space();
      if (text[i] === '}') return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') fail();
        string();
        space();
        if (text[i] !== ':') fail();
        i++;
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (ch === '[') {
      i++;
      space();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) number();
    else fail();
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return text.length;
  } catch (offset) {
    if (typeof offset === 'number') return Math.min(offset, text.length);
    throw offset;
  }
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

  /** The list's element `index` (which must exist). */
  at(index: number): Field {
    const list = this.value;
    if (!Array.isArray(list)) this.fail(`expected a list, found ${describe(list)}`);
    if (index >= (list as unknown[]).length) new Field(this.file, undefined, this, index).fail('missing element');
    return new Field(this.file, (list as unknown[])[index], this, index);
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
