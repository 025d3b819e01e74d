// Reading the JSON and JSONL files `flamingo-eval score` takes. A whole JSON document goes through the native
// JSON.parse (far faster than any streaming parser written in JavaScript); JSONL is streamed line by line. Every
// error names the file and the line (and column) where the input goes wrong.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError } from '../core/errors.ts';

export function readText(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read the file (${code === 'ENOENT' ? 'no such file' : String(code ?? error)})`, file);
  }
  if (text.trim() === '') throw new InputError(`${file}: the file is empty`, file);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses a JSON file; a syntax error names its line and column. */
export function readJson(file: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const { line, column } = lineColumn(text, offset);
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError(`${file}: line ${line}, column ${column}: malformed JSON (${detail})`, file);
  }
}

export interface JsonLine {
  /** 1-based line number in the file. */
  line: number;
  value: unknown;
}

/** Parses a JSONL file (one JSON value a line; blank lines allowed), streaming it. */
export async function readJsonLines(file: string): Promise<JsonLine[]> {
  try {
    statSync(file);
  } catch {
    throw new InputError(`${file}: cannot read the file (no such file)`, file);
  }
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const out: JsonLine[] = [];
  let number = 0;
  for await (let text of lines) {
    number++;
    if (number === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') continue;
    try {
      out.push({ line: number, value: JSON.parse(text) });
    } catch (error) {
      const column = lineColumn(text, jsonErrorOffset(text)).column;
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new InputError(`${file}: line ${number}, column ${column}: malformed JSON line (${detail})`, file);
    }
  }
  if (out.length === 0) throw new InputError(`${file}: the file is empty`, file);
  return out;
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
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
