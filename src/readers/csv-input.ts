// The CSV annotation files of the video benchmarks (iVQA, NExT-QA, RareAct, Kinetics), read with the project's CSV
// reader (src/readers/csv-file.ts) and viewed through typed accessors whose errors name the file, the line and the
// column.
import { InputError } from '../core/errors.ts';
import { readCsv } from './csv-file.ts';

export class CsvRecord {
  constructor(
    readonly file: string,
    readonly line: number,
    private readonly values: Record<string, string>,
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

/** The rows of a CSV file with a header; every `required` column must be in the header (else an error naming it). */
export function readCsvRecords(file: string, required: readonly string[]): CsvRecord[] {
  return readCsv(file, required).map((row) => new CsvRecord(file, row.line, row.values));
}

/** A segment [start, end] in seconds from two columns: start >= 0 and end > start. */
export function segmentOf(row: CsvRecord, startColumn: string, endColumn: string): { start: number; end: number } {
  const start = row.number(startColumn);
  const end = row.number(endColumn);
  if (start < 0) row.fail(startColumn, `the segment start ${start} is negative`);
  if (!(end > start)) row.fail(endColumn, `the segment end ${end} is not after its start ${start}`);
  return { start, end };
}
