// A small CSV reader (RFC 4180: comma separated, fields optionally in double quotes with "" for a quote, one record
// a line) for the reference files published as CSV, such as RareAct's rareact.csv.
import { InputError } from '../core/errors.ts';
import { readText } from './json-file.ts';

export interface CsvRow {
  /** 1-based line number in the file. */
  line: number;
  values: Record<string, string>;
}

/** Rows keyed by the header's column names; `required` columns must all be in the header. */
export function readCsv(file: string, required: readonly string[]): CsvRow[] {
  const lines = readText(file).split(/\r?\n/);
  const header = splitCsvLine(lines[0]!, file, 1);
  const missing = required.filter((name) => !header.includes(name));
  if (missing.length) {
    throw new InputError(`${file}: line 1: the header lacks column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`, file);
  }
  const rows: CsvRow[] = [];
  lines.slice(1).forEach((text, k) => {
    const line = k + 2;
    if (text.trim() === '') return;
    const fields = splitCsvLine(text, file, line);
    if (fields.length !== header.length) {
      throw new InputError(`${file}: line ${line}: expected ${header.length} fields as in the header, found ${fields.length}`, file);
    }
    rows.push({ line, values: Object.fromEntries(header.map((name, i) => [name, fields[i]!])) });
  });
  if (rows.length === 0) throw new InputError(`${file}: no rows after the header`, file);
  return rows;
}

function splitCsvLine(text: string, file: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let value = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new InputError(`${file}: line ${line}: unterminated quoted field`, file);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      if (i < text.length && text[i] !== ',') throw new InputError(`${file}: line ${line}, column ${i + 1}: expected a comma after a quoted field`, file);
    } else {
      const end = text.indexOf(',', i);
      value = text.slice(i, end === -1 ? text.length : end);
      i = end === -1 ? text.length : end;
    }
    fields.push(value);
    if (i >= text.length) return fields;
    i++; // the comma
  }
}
