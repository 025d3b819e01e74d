// A run's configuration identity: a hash over everything that changes its predictions or its scores, so that records
// and journals of different configurations never share a file. It is made of named parts (model, data, generation,
// ...), each hashed on its own as well, so that two identities can say in what they differ.
//
// Two hashes come out of the same parts: the journal's covers what decides each example's output (a journal is
// reused by a run with a larger --limit or more seeds, since examples are journaled by seed and id); the record's adds
// the query set, the seeds and the scoring options. Content, not place, decides: the data part holds the used files'
// sizes and sha256 (two copies of the same files are one configuration; the sample data copied elsewhere is the sample
// data), and the model part the sha256 of the bundle's files (a retrained model under the same name is another model).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expandModelSpec, isModuleSpec } from '../backends/index.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { ModelInfo, UsedFile } from '../core/types.ts';

export interface RunIdentity {
  /** 16 hex digits over every part. */
  hash: string;
  /** Each part's own hash (8 hex digits), by part name. */
  parts: Record<string, string>;
}

/** Parts that decide the query set and the score but not an example's output: the record's identity only. */
export const RECORD_ONLY_PARTS = ['queries', 'seeds', 'scoring'] as const;

function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** The identity of the given parts (undefined parts are left out, so adding an optional part keeps old hashes). */
export function identityOf(parts: Record<string, unknown>): RunIdentity {
  const present = Object.entries(parts).filter(([, value]) => value !== undefined);
  present.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    hash: sha256(present).slice(0, 16),
    parts: Object.fromEntries(present.map(([name, value]) => [name, sha256(value).slice(0, 8)])),
  };
}

/** The journal's identity (RECORD_ONLY_PARTS left out) and the record's (every part). */
export function runIdentities(parts: Record<string, unknown>): { journal: RunIdentity; record: RunIdentity } {
  const journalParts = Object.fromEntries(
    Object.entries(parts).filter(([name]) => !(RECORD_ONLY_PARTS as readonly string[]).includes(name)),
  );
  return { journal: identityOf(journalParts), record: identityOf(parts) };
}

/** The names of the parts whose hashes differ (or that only one side has), sorted. */
export function identityDifferences(a: Record<string, string>, b: Record<string, string>): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((name) => a[name] !== b[name]).sort();
}

/** What identifies a model: its info, and the sha256 of its files where it has some (else the spec it was run with). */
export interface ModelIdentity {
  info: ModelInfo;
  files?: { name: string; bytes: number; sha256: string }[];
  spec?: string;
  /** Served models: where they were served and the image size they were sent (both change the answers). */
  baseUrl?: string;
  imageSize?: number;
}

/**
 * The model part of the identity. `onnx:<folder>` (and the built-in models): the bundle's top-level files;
 * `./backend.js`: the module file; anything else (a scheme without files, a served model): the spec as given.
 * Large files have their hash cached by path, size and mtime (src/core/data-files.ts), so this is quick on a rerun.
 */
export async function modelIdentity(
  spec: string,
  info: ModelInfo,
  served: { baseUrl?: string; imageSize?: number } = {},
): Promise<ModelIdentity> {
  const identity: ModelIdentity = { info, ...definedOnly(served) };
  const files = modelFiles(expandModelSpec(spec));
  if (files.length === 0) return { ...identity, spec };
  const described = await Promise.all(files.map((file) => describeUsedFile('model', file.path)));
  return { ...identity, files: described.map((used, i) => ({ name: files[i]!.name, bytes: used.bytes, sha256: used.sha256 })) };
}

function modelFiles(expanded: string): { name: string; path: string }[] {
  if (expanded.startsWith('onnx:')) {
    const dir = resolve(expanded.slice('onnx:'.length));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
    // The bundle is its top-level files (manifest, tokenizer, graphs); subfolders hold test fixtures (parity/).
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => ({ name: entry.name, path: join(dir, entry.name) }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  if (isModuleSpec(expanded)) {
    const file = resolve(/^(.+\.(?:m?js|cjs|m?ts))(?::.*)?$/.exec(expanded)?.[1] ?? expanded);
    return existsSync(file) && statSync(file).isFile() ? [{ name: file.split('/').pop()!, path: file }] : [];
  }
  return [];
}

/**
 * The data part: whether it is sample data, the split, and each used file's role, size and sha256 (not its path). A
 * task that reports no used files (a user's module may not) is identified by its --data folder instead.
 */
export function dataIdentity(files: UsedFile[], sample: boolean, split: string | undefined, dataDir?: string): unknown {
  return {
    sample,
    split: split ?? null,
    files: files.map((file) => [file.role, file.bytes, file.sha256]).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
    ...(files.length === 0 ? { dir: dataDir === undefined ? null : resolve(dataDir) } : {}),
  };
}

/** The task part: a built-in task by id, a user's module by id and content. */
export async function taskIdentity(id: string, source: string): Promise<unknown> {
  if (source === 'builtin') return { id };
  const used = await describeUsedFile('task module', source);
  return { id, module: used.sha256 };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
