// A small validation kit for the JSON files flamingo-eval reads back (run records): a schema is a function that checks
// a value and returns it typed, or throws naming the field at fault (`summary.metrics.cider.mean`). `parse()` turns
// that into an InputError that names the file too. Written here rather than taken from a library: records are read
// from a few KB at each end of files of tens of MB (src/leaderboard/record-file.ts), the checks are a page, and the
// messages users get (`<file>: field <path> is missing or not a finite number`) predate it.
import { InputError } from './errors.ts';

/** A field that fails its check: where (a dotted path from the file's root) and what is wrong with it. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`field ${field} ${problem}`);
    this.name = 'FieldError';
  }
}

/** Checks `value` found at `path` and returns it typed; throws FieldError. */
export type Schema<T> = (value: unknown, path: string) => T;

export type Infer<S> = S extends Schema<infer T> ? T : never;

/** `<file>: field <path> <problem>` as an InputError (exit 2). */
export function parse<T>(file: string, value: unknown, schema: Schema<T>): T {
  try {
    return schema(value, '');
  } catch (error) {
    if (error instanceof FieldError) throw new InputError(`${file}: ${error.message}`, file);
    throw error;
  }
}

const at = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`);

export const string: Schema<string> = (value, path) => {
  if (typeof value !== 'string' || value === '') throw new FieldError(path, 'is missing or not a non-empty string');
  return value;
};

export const text: Schema<string> = (value, path) => {
  if (typeof value !== 'string') throw new FieldError(path, 'is missing or not a string');
  return value;
};

export const number: Schema<number> = (value, path) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new FieldError(path, 'is missing or not a finite number');
  return value;
};

export function integer(min: number): Schema<number> {
  return (value, path) => {
    const n = number(value, path);
    if (!Number.isInteger(n) || n < min) throw new FieldError(path, `is ${n}, not an integer >= ${min}`);
    return n;
  };
}

export const boolean: Schema<boolean> = (value, path) => {
  if (typeof value !== 'boolean') throw new FieldError(path, 'is missing or not true/false');
  return value;
};

export function oneOf<const T extends string>(...choices: T[]): Schema<T> {
  return (value, path) => {
    if (!(choices as readonly unknown[]).includes(value)) throw new FieldError(path, `is ${JSON.stringify(value)}, not one of ${choices.join(', ')}`);
    return value as T;
  };
}

/** null or absent -> null. */
export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return (value, path) => (value === null || value === undefined ? null : schema(value, path));
}

/** Absent (or null, in records that wrote null for "not set") -> the default. */
export function withDefault<T>(schema: Schema<T>, fallback: T): Schema<T> {
  return (value, path) => (value === null || value === undefined ? fallback : schema(value, path));
}

/** Absent -> undefined. */
export function optional<T>(schema: Schema<T>): Schema<T | undefined> {
  return (value, path) => (value === undefined ? undefined : schema(value, path));
}

export function array<T>(item: Schema<T>): Schema<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) throw new FieldError(path, 'is missing or not a list');
    return value.map((element, i) => item(element, `${path}[${i}]`));
  };
}

/** An object of any keys, each value checked by `item`. */
export function record<T>(item: Schema<T>): Schema<Record<string, T>> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldError(path, 'is missing or not an object');
    return Object.fromEntries(Object.entries(value).map(([key, element]) => [key, item(element, at(path, key))]));
  };
}

/** An object with these fields checked (others are kept as they are, unchecked). */
export function object<S extends Record<string, Schema<unknown>>>(
  fields: S,
): Schema<{ [K in keyof S]: Infer<S[K]> } & Record<string, unknown>> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldError(path, 'is missing or not an object');
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = { ...source };
    for (const [key, schema] of Object.entries(fields)) {
      const checked = schema(source[key], at(path, key));
      if (checked === undefined) delete out[key];
      else out[key] = checked;
    }
    return out as { [K in keyof S]: Infer<S[K]> } & Record<string, unknown>;
  };
}

/** Any JSON value, unchecked. */
export const unknown: Schema<unknown> = (value) => value;
