// A run's configuration identity: a hash over everything that changes its predictions or its scores, so that records
// and journals of different configurations never share a file. It is made of named parts (model, data, generation,
// ...), each hashed on its own as well, so that two identities can say in what they differ.
//
// Two hashes come out of the same parts: the journal's covers what decides each example's output (a journal is
// reused by a run with a larger --limit or more seeds, since examples are journaled by seed and id); the record's adds
// the query set, the seeds and the scoring options. Content, not place, decides: the data part holds the used files'
// sizes and sha256 (two copies of the same files are one configuration; the sample data copied elsewhere is the sample
// data), and the model part what the backend reports (an ONNX bundle: the sha256 of its files, so a retrained model
// under the same name is another model).
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
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

/**
 * The model part: its info, the backend's own part (Backend.identity(): the sha256 of a bundle's files, where a model
 * is served; a module backend's file; else the spec), and the backend arguments that are part of the identity when
 * they are not at their default.
 */
export function modelIdentity(info: ModelInfo, backendPart: unknown, args: Record<string, unknown> = {}): unknown {
  const own = typeof backendPart === 'object' && backendPart !== null && !Array.isArray(backendPart) ? backendPart : { backend: backendPart };
  return { info, ...own, ...(Object.keys(args).length > 0 ? { args } : {}) };
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
