// Finds the run records under the leaderboard's folders and reads the part of each a leaderboard shows.
// A record is a `.json` file written by flamingo-eval (it starts with `tool`); journals (`.jsonl`) and other files are
// ignored, but a record that does not parse, or that lacks a field the leaderboard needs, is an error naming the file.
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { RunVariant } from './board.ts';
import { readRecordHead, type RecordHead } from './record-file.ts';

/** What the leaderboard reads from one run record (one model x task x shots). */
export interface RecordEntry extends RunVariant {
  file: string;
  createdAt: string;
  model: string;
  /** The model family (`model.family` of the record; sizes of one family are joined by a line in size plots). */
  family?: string;
  parameters: number;
  task: string;
  metric: string;
  /** `--split` of the run; null for the task's default query split. */
  split: string | null;
  shots: number;
  /** Mean and sample std of the primary metric over the record's trials (seeds). */
  mean: number;
  std: number;
  trials: number;
  sample: boolean;
  /** Queries evaluated per trial. */
  queries: number;
  /** Evaluated on a `--limit` subset of the query split rather than the whole split or the paper's protocol. */
  subset: boolean;
  /**
   * The run's configuration identity (src/run/identity.ts) and its parts' hashes; records written before identities
   * existed get one from what they hold (configuration hash, limit, seeds, sample flag) and no parts.
   */
  identity?: string;
  identityParts?: Record<string, string>;
}

/** All `.json` files under the folders, recursively, in a stable order. A missing folder is an error. */
export async function findRecordFiles(dirs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const dir of dirs) {
    let info;
    try {
      info = await stat(dir);
    } catch {
      throw new InputError(`${dir}: no such folder or file of run records`, dir);
    }
    if (info.isFile()) {
      files.push(dir);
      continue;
    }
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (entry.isFile() && entry.name.endsWith('.json')) files.push(join(entry.parentPath, entry.name));
    }
  }
  return [...new Set(files)].sort();
}

// flamingo-eval writes a record's `tool` field first; JSON without it at the start (feature caches, a damaged one
// included, which the run recomputes) is skipped after reading its first bytes only.
const RECORD_START = /^\s*\{\s*"tool"\s*:/;

/** A record of a run on a split without public annotations: answers for an evaluation server, no score. */
export interface UnscoredRecord {
  file: string;
  server: string;
}

export interface RecordsRead {
  entries: RecordEntry[];
  unscored: UnscoredRecord[];
}

/** Reads the run records among the files; other JSON files are skipped. */
export async function readRecords(files: string[]): Promise<RecordsRead> {
  const read: RecordsRead = { entries: [], unscored: [] };
  for (const file of files) {
    if (!RECORD_START.test(await readStart(file))) continue;
    const bytes = await readFile(file);
    const { record, trialCount } = readRecordHead(bytes) ?? parseWhole(file, bytes);
    const tool = record.tool as { name?: unknown } | undefined;
    if (tool?.name !== 'flamingo-eval') continue;
    const unannotated = (record.data as { unannotated?: { server?: unknown } } | undefined)?.unannotated;
    if (unannotated) read.unscored.push({ file, server: String(unannotated.server ?? 'its evaluation server') });
    else read.entries.push(recordEntry(file, record, trialCount));
  }
  return read;
}

async function readStart(file: string): Promise<string> {
  const handle = await open(file);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
    return buffer.toString('utf8', 0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** JSON.parse of the whole file: for any layout but the one flamingo-eval writes, and for the errors' messages. */
function parseWhole(file: string, bytes: Buffer): RecordHead {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(
      `${file}: not valid JSON (${(error as Error).message}); a run record cut short? Rerun its command or remove it`,
      file,
    );
  }
  return { record: json, trialCount: Array.isArray(json.trials) ? json.trials.length : 0 };
}

function recordEntry(file: string, record: Record<string, unknown>, trials: number): RecordEntry {
  const field = (path: string): unknown => {
    let value: unknown = record;
    for (const key of path.split('.')) {
      value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    }
    return value;
  };
  const bad = (path: string, what: string) => new InputError(`${file}: field ${path} ${what}`, file);
  const string = (path: string): string => {
    const value = field(path);
    if (typeof value !== 'string' || value === '') throw bad(path, 'is missing or not a non-empty string');
    return value;
  };
  const number = (path: string): number => {
    const value = field(path);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(path, 'is missing or not a finite number');
    return value;
  };

  const shots = number('shots');
  if (!Number.isInteger(shots) || shots < 0) throw bad('shots', `is ${shots}, not a non-negative integer`);
  const primary = string('summary.primary');
  // Metric names may hold dots (wups_0.9), so the summary is indexed directly, not through a dotted path.
  const metrics = field('summary.metrics') as Record<string, { mean?: unknown; std?: unknown }> | undefined;
  const summary = typeof metrics === 'object' && metrics !== null ? metrics[primary] : undefined;
  if (typeof summary !== 'object' || summary === null) {
    throw bad(`summary.metrics.${primary}`, `is missing (summary.primary names "${primary}")`);
  }
  const statistic = (name: 'mean' | 'std'): number => {
    const value = summary[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw bad(`summary.metrics.${primary}.${name}`, 'is missing or not a finite number');
    }
    return value;
  };
  if (trials === 0) throw bad('trials', 'is missing or empty');
  const sample = field('data.sample');
  if (typeof sample !== 'boolean') throw bad('data.sample', 'is missing or not true/false');
  const sampler = field('config.sampler') ?? 'random';
  if (sampler !== 'random' && sampler !== 'rices') throw bad('config.sampler', `is ${JSON.stringify(sampler)}`);
  const limit = field('config.limit') ?? null;
  if (limit !== null && typeof limit !== 'number') throw bad('config.limit', 'is neither a number nor null');
  const promptStyle = field('config.promptStyle') ?? 'paper';
  if (typeof promptStyle !== 'string' || promptStyle === '') {
    throw bad('config.promptStyle', 'is not a non-empty string');
  }
  const ensemble = field('config.promptEnsemble') ?? 1;
  if (typeof ensemble !== 'number' || !Number.isInteger(ensemble) || ensemble < 1) {
    throw bad('config.promptEnsemble', 'is not a positive integer or null');
  }
  const split = field('config.split') ?? null;
  if (split !== null && (typeof split !== 'string' || split === '')) throw bad('config.split', 'is not a split name');
  const identity = field('config.identity');
  if (identity !== undefined && (typeof identity !== 'string' || identity === '')) throw bad('config.identity', 'is not a hash');
  const parts = field('config.identityParts');
  const identityParts =
    typeof parts === 'object' && parts !== null && Object.values(parts).every((v) => typeof v === 'string')
      ? (parts as Record<string, string>)
      : undefined;

  return {
    file,
    createdAt: string('createdAt'),
    model: string('model.name'),
    ...(typeof field('model.family') === 'string' && field('model.family') !== '' ? { family: field('model.family') as string } : {}),
    parameters: number('model.parameters'),
    task: string('task.id'),
    metric: primary,
    split,
    shots,
    mean: statistic('mean'),
    std: statistic('std'),
    trials,
    sample,
    demonstrations: sampler,
    promptStyle,
    ensemble,
    queries: number('summary.n'),
    // Under --protocol flamingo the limit is the paper's query-set size, not a subset.
    subset: limit !== null && field('config.protocol') !== 'flamingo',
    ...variantField(record.config as Record<string, unknown> | undefined, string('task.id'), bad),
    identity:
      typeof identity === 'string'
        ? identity
        : `legacy:${JSON.stringify([field('config.configHash') ?? null, limit, field('config.seeds') ?? null, sample])}`,
    ...(identityParts ? { identityParts } : {}),
  };
}

/**
 * The run's variant arguments: `config.variant` (`{task: {stem: true}, model: {}}` -> `{"okvqa.stem": true}`), or in
 * records written before task arguments, a config key `<task id><Name>` set true (`okvqaStem`), as the flag it came from.
 */
function variantField(
  config: Record<string, unknown> | undefined,
  task: string,
  bad: (path: string, what: string) => Error,
): { args?: Record<string, boolean | number | string> } {
  const args: Record<string, boolean | number | string> = {};
  const variant = config?.variant;
  if (variant !== undefined) {
    const owners = variant as Record<string, unknown>;
    for (const owner of ['task', 'model'] as const) {
      const values = owners?.[owner];
      if (typeof values !== 'object' || values === null || Array.isArray(values)) throw bad(`config.variant.${owner}`, 'is not an object of argument values');
      for (const [name, value] of Object.entries(values)) {
        if (!['boolean', 'number', 'string'].includes(typeof value)) throw bad(`config.variant.${owner}.${name}`, 'is not a boolean, number or string');
        args[owner === 'task' ? `${task}.${name}` : name] = value as boolean | number | string;
      }
    }
  } else {
    for (const [key, value] of Object.entries(config ?? {})) {
      if (!key.startsWith(task) || !/^[A-Z]/.test(key.slice(task.length))) continue;
      if (value !== null && typeof value !== 'boolean') throw bad(`config.${key}`, 'is not true, false or null');
      if (value === true) args[`${task}.${key.slice(task.length).replace(/[A-Z]/g, (c, i: number) => (i > 0 ? '-' : '') + c.toLowerCase())}`] = true;
    }
  }
  return Object.keys(args).length > 0 ? { args } : {};
}
