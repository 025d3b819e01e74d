// The one CSV reader, for the annotation files of the video benchmarks (iVQA, NExT-QA, RareAct, Kinetics) and the
// reference files `flamingo-eval score` takes as CSV (RareAct's rareact.csv). Files are parsed per RFC 4180 by
// csv-parse (comma separated, fields optionally in double quotes, "" for a quote inside them, line breaks allowed
// inside quoted fields: what Python's csv module and pandas write), with a header row naming the columns. A quote
// inside an unquoted field is kept as a character, as Python's reader does. Line breaks are read as LF whether the file
// has LF or CRLF (inside quoted fields too); a byte-order mark is dropped. Rows are viewed through typed accessors
// whose errors name the file, the line and the column.
import { parse, type CsvError } from 'csv-parse/sync';
import { closeSync, openSync, readSync } from 'node:fs';
import { InputError } from '../core/errors.ts';
import { readText } from './json.ts';

export class CsvRecord {
  constructor(
    readonly file: string,
    /** The 1-based line the row starts on (a quoted field may carry it over several lines). */
    readonly line: number,
    /** The row's cells by column name. */
    readonly values: Record<string, string>,
  ) {}

  where(column?: string): string {
    return `${this.file}:${this.line}${column === undefined ? '' : ` column "${column}"`}`;
  }

  fail(column: string, problem: string): never {
    throw new InputError(`${this.where(column)}: ${problem}`, this.file);
  }

  /** The column's text, which must not be empty. */
  text(column: string): string {
    const value = this.values[column];
    if (value === undefined) this.fail(column, 'missing column');
    if (value.trim() === '') this.fail(column, 'empty');
    return value;
  }

  /** The column's text, or undefined when the file has no such column or the cell is empty. */
  optional(column: string): string | undefined {
    const value = this.values[column];
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  number(column: string): number {
    const text = this.text(column);
    const value = Number(text);
    if (!Number.isFinite(value)) this.fail(column, `expected a number, found ${JSON.stringify(text)}`);
    return value;
  }

  integer(column: string): number {
    const value = this.number(column);
    if (!Number.isInteger(value)) this.fail(column, `expected an integer, found ${value}`);
    return value;
  }
}

const OPTIONS = {
  relax_column_count: true, // checked below, with a message naming the line
  relax_quotes: true,
} as const;

/**
 * The rows of a CSV file with a header, keyed by the header's column names; every `required` column must be in the
 * header (else an error naming it). Blank lines are skipped; a row with another number of fields than the header is
 * an error naming its line.
 */
export function readCsv(file: string, required: readonly string[]): CsvRecord[] {
  const text = readText(file).replace(/\r\n/g, '\n');
  let parsed: string[][];
  try {
    parsed = parse(text, OPTIONS);
  } catch (error) {
    throw csvError(file, text, error as CsvError);
  }
  // Every row ends with one line break, and a blank line is a row of one empty field, so a row starts on the line
  // after the previous row's last one: line breaks inside quoted fields move the rows after them down. (csv-parse's
  // on_record callback, which reports lines, doubled the time of reading Kinetics-700's 545,000-row train.csv.)
  const rows: { line: number; record: string[] }[] = [];
  let line = 1;
  for (const record of parsed) {
    if (!(record.length === 1 && record[0]!.trim() === '')) rows.push({ line, record });
    line++;
    for (const value of record) for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) line++;
  }
  if (rows.length === 0) throw new InputError(`${file}: the file is empty`, file);
  const header = rows[0]!.record;
  const missing = required.filter((name) => !header.includes(name));
  if (missing.length) {
    throw new InputError(
      `${file}: line ${rows[0]!.line}: the header lacks column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`,
      file,
    );
  }
  const records = rows.slice(1).map(({ line, record }) => {
    if (record.length !== header.length) {
      throw new InputError(`${file}: line ${line}: expected ${header.length} fields as in the header, found ${record.length}`, file);
    }
    const values: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) values[header[i]!] = record[i]!;
    return new CsvRecord(file, line, values);
  });
  if (records.length === 0) throw new InputError(`${file}: no rows after the header`, file);
  return records;
}

/** csv-parse's error as one naming the file and the line (and the field) where the row goes wrong. */
function csvError(file: string, text: string, error: CsvError): Error {
  if (typeof error?.code !== 'string') return error;
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    // csv-parse reports the end of the file; the row that opened the quote starts after the last complete row (a
    // blank line is a row here too), found by parsing again with the rows' lines reported.
    let lastLine = 0;
    try {
      parse(text, { ...OPTIONS, on_record: (record: string[], context) => ((lastLine = context.lines), record) });
    } catch {
      // the same error again
    }
    return new InputError(`${file}: line ${lastLine + 1}: unterminated quoted field (its closing quote is missing)`, file);
  }
  const field = typeof error.column === 'number' ? `, field ${error.column + 1}` : '';
  return new InputError(`${file}: line ${error.lines}${field}: not valid CSV (${error.message})`, file);
}

/**
 * The column names of a CSV file's header (to tell releases apart before reading a file whole): parsed from the
 * file's first 64 KiB, or the whole file when its first line is longer; an empty file or a malformed header gives [].
 */
export function readCsvHeader(file: string): string[] {
  let text: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      const size = readSync(fd, buffer, 0, buffer.length, 0);
      text = buffer.toString('utf8', 0, size);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    readText(file); // throws the error naming the file
    throw error;
  }
  if (text.trim() === '') return [];
  if (!text.includes('\n')) text = readText(file);
  try {
    const [header] = parse(text.replace(/^\uFEFF/, ''), { to_line: 1, relax_column_count: true, relax_quotes: true }) as string[][];
    return (header ?? []).map((name) => name.trim());
  } catch {
    return [];
  }
}

/** A segment [start, end] in seconds from two columns: start >= 0 and end > start. */
export function segmentOf(row: CsvRecord, startColumn: string, endColumn: string): { start: number; end: number } {
  const start = row.number(startColumn);
  const end = row.number(endColumn);
  if (start < 0) row.fail(startColumn, `the segment start ${start} is negative`);
  if (!(end > start)) row.fail(endColumn, `the segment end ${end} is not after its start ${start}`);
  return { start, end };
}
