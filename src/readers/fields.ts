// Checked access to the records of a scored file. Every error names the file, the record (JSON array index or JSONL
// line) and the field, so a user can go straight to the bad value.
import { InputError } from '../core/errors.ts';

/** Where a record sits: its file and `index 3` (JSON array) or `line 12` (JSONL, CSV). */
export interface Place {
  file: string;
  at: string;
}

export function fail(place: Place, message: string): never {
  throw new InputError(`${place.file}: ${place.at}: ${message}`, place.file);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** The top-level array of a JSON file (`what` describes its elements for the message). */
export function topArray(value: unknown, file: string, what: string): unknown[] {
  if (!Array.isArray(value)) throw new InputError(`${file}: expected a JSON array of ${what}, found ${kind(value)}`, file);
  if (value.length === 0) throw new InputError(`${file}: the array is empty (no ${what})`, file);
  return value;
}

export function record(value: unknown, place: Place): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(place, `expected an object, found ${kind(value)}`);
  return value as Record<string, unknown>;
}

export function field(obj: Record<string, unknown>, name: string, place: Place): unknown {
  if (!(name in obj) || obj[name] === undefined) fail(place, `missing field "${name}"`);
  return obj[name];
}

/** An id given as a number or a non-empty string, as a string (42 and "42" are the same id). */
export function idField(obj: Record<string, unknown>, name: string, place: Place): string {
  const value = field(obj, name, place);
  // An integer past 2^53 has lost digits in JSON.parse, and two such ids may now be equal: refused, not collided.
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    return fail(place, `field "${name}" is ${value}, too large to be read exactly as a JSON number (over 2^53): write the id as a string ("...")`);
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value !== '') return value;
  return fail(place, `field "${name}" must be a number or a non-empty string, found ${kind(value)}`);
}

export function stringField(obj: Record<string, unknown>, name: string, place: Place): string {
  const value = field(obj, name, place);
  if (typeof value !== 'string') fail(place, `field "${name}" must be a string, found ${kind(value)}`);
  return value as string;
}

export function numberField(obj: Record<string, unknown>, name: string, place: Place): number {
  const value = field(obj, name, place);
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(place, `field "${name}" must be a finite number, found ${kind(value)}`);
  return value as number;
}

export function numberArrayField(obj: Record<string, unknown>, name: string, place: Place): number[] {
  const value = field(obj, name, place);
  if (!Array.isArray(value)) fail(place, `field "${name}" must be an array of numbers, found ${kind(value)}`);
  const array = value as unknown[];
  array.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(place, `field "${name}"[${i}] must be a finite number, found ${kind(x)}`);
  });
  return array as number[];
}

export function stringArrayField(obj: Record<string, unknown>, name: string, place: Place): string[] {
  const value = field(obj, name, place);
  if (!Array.isArray(value)) fail(place, `field "${name}" must be an array of strings, found ${kind(value)}`);
  const array = value as unknown[];
  if (array.length === 0) fail(place, `field "${name}" is empty`);
  array.forEach((x, i) => {
    if (typeof x !== 'string') fail(place, `field "${name}"[${i}] must be a string, found ${kind(x)}`);
  });
  return array as string[];
}

export interface Keyed<T> {
  id: string;
  place: Place;
  value: T;
}

/** Records by id; a repeated id is an error naming both places. */
export function uniqueById<T>(records: readonly Keyed<T>[], idName: string): Map<string, Keyed<T>> {
  const byId = new Map<string, Keyed<T>>();
  for (const entry of records) {
    const first = byId.get(entry.id);
    if (first) fail(entry.place, `duplicate ${idName} ${entry.id} (already at ${first.place.at})`);
    byId.set(entry.id, entry);
  }
  return byId;
}

/**
 * Joins each prediction with its reference, in prediction order. A prediction whose id the references lack is an
 * error; references without a prediction are not scored (the reference file usually covers a whole split).
 */
export function joinById<P, R>(
  predictions: readonly Keyed<P>[],
  references: ReadonlyMap<string, Keyed<R>>,
  idName: string,
  referenceFile: string,
): { id: string; prediction: P; reference: R; place: Place }[] {
  uniqueById(predictions, idName);
  return predictions.map((p) => {
    const ref = references.get(p.id);
    if (!ref) fail(p.place, `${idName} ${p.id} is not in the references (${referenceFile})`);
    return { id: p.id, prediction: p.value, reference: ref!.value, place: p.place };
  });
}

/** A place whose text is made only when a message needs it (a file of VQAv2 val's size has 214,354 records). */
class LazyPlace implements Place {
  constructor(
    readonly file: string,
    private readonly word: string,
    private readonly number: number,
  ) {}

  get at(): string {
    return `${this.word} ${this.number}`;
  }
}

export const at = (file: string, index: number): Place => new LazyPlace(file, 'index', index);
export const onLine = (file: string, line: number): Place => new LazyPlace(file, 'line', line);
