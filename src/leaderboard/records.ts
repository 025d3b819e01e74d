// Finds the run records under the leaderboard's folders and reads the part of each a leaderboard shows.
// A record is a `.json` file written by flamingo-eval (it starts with `tool`); journals (`.jsonl`) and other files are
// ignored, but a record that does not parse, or that lacks a field the leaderboard needs, is an error naming the file.
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { parseRecord, parseRecordHead, type RecordHead as RecordFields } from '../run/record-schema.ts';
import type { RecordEntry } from './entry.ts';
import { readRecordHead, type RecordHead } from './record-file.ts';

export type { RecordEntry } from './entry.ts';

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
    if ((record.tool as { name?: unknown } | undefined)?.name !== 'flamingo-eval') continue;
    const head = parseRecordHead(file, record);
    if (head.data.unannotated) read.unscored.push({ file, server: head.data.unannotated.server });
    else read.entries.push(recordEntry(file, head, trialCount));
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

function recordEntry(file: string, head: RecordFields, trials: number): RecordEntry {
  if (trials === 0) throw new InputError(`${file}: field trials is missing or empty`, file);
  const { config, summary } = head;
  const primary = summary.metrics[summary.primary]! as { mean: number | null; std: number | null; undefined?: string };
  const args = {
    ...Object.fromEntries(Object.entries(config.variant.task).map(([name, value]) => [`${head.task.id}.${name}`, value])),
    ...config.variant.model,
  };
  return {
    file,
    createdAt: head.createdAt,
    model: head.model.name,
    ...(head.model.family ? { family: head.model.family } : {}),
    parameters: head.model.parameters,
    task: head.task.id,
    metric: summary.primary,
    split: config.split,
    shots: head.shots,
    // A metric undefined on the queries evaluated: NaN, shown as n/a with the reason (Cell.undefined).
    mean: primary.mean ?? Number.NaN,
    std: primary.std ?? Number.NaN,
    ...(primary.undefined !== undefined ? { undefined: primary.undefined } : {}),
    trials,
    sample: head.data.sample,
    demonstrations: config.sampler,
    promptStyle: config.promptStyle,
    ensemble: config.promptEnsemble,
    queries: summary.n,
    ...(summary.ci ? { ci: { low: summary.ci.low, high: summary.ci.high, level: summary.ci.level } } : {}),
    ...(config.seeds && config.seeds.length === trials ? { seeds: config.seeds } : {}),
    // Under --protocol flamingo the limit is the paper's query-set size, not a subset.
    subset: config.limit !== null && config.protocol !== 'flamingo',
    ...(head.data.protocolShortfall ? { protocolShortfall: head.data.protocolShortfall } : {}),
    ...(Object.keys(args).length > 0 ? { args } : {}),
    // A served model that decoded greedily in place of the task's beam search (its server has none): marked.
    ...(head.model.greedyInsteadOfBeams === true && head.task.kind === 'generate' ? { greedy: true } : {}),
    identity: config.identity ?? `legacy:${JSON.stringify([config.configHash ?? null, config.limit, config.seeds ?? null, head.data.sample])}`,
    ...(config.identityParts ? { identityParts: config.identityParts } : {}),
    ...(config.ablation ? { ablation: config.ablation } : {}),
    ...(summary.contextUse ? { contextUse: summary.contextUse } : {}),
  };
}

/** Each trial's seed and primary metric value, from the whole record read through its schema (`leaderboard --per-seed`). */
export async function readTrialValues(file: string, metric: string): Promise<{ seed: number; value: number; n: number }[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`, file);
  }
  const record = parseRecord(file, json);
  return record.trials.map((trial, i) => {
    const value = (trial.metrics as Record<string, unknown> | undefined)?.[metric];
    if (typeof value !== 'number') throw new InputError(`${file}: field trials[${i}].metrics.${metric} is missing or not a number`, file);
    return { seed: trial.seed, value, n: typeof trial.n === 'number' ? trial.n : Number.NaN };
  });
}
