// `flamingo-eval merge`: shard records (src/run/shard.ts) -> the record a single-machine run writes. The shards of
// one record must be of one configuration, each index once, all present, their examples disjoint and covering the
// query set; errors name the files. Corpus metrics (CIDEr, ROC-AUC, ...) do not add up over shards, so each trial is
// scored again from the joined examples, by the task's own scorer, against the references of the dataset files the
// shards read (loaded again, and checked by hash).
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../core/errors.ts';
import type { Example, ExampleRecord, RunRecord, TaskData } from '../core/types.ts';
import { entryKey, type JournalEntry } from './journal.ts';
import type { TrialPlan } from './plan.ts';
import { assembleRecord, buildTrial, writeRecord } from './record.ts';
import type { ShardRecord } from './shard.ts';
import { buildSubmissionTrial } from './submission.ts';
import { configureTask, resolveTask } from './tasks.ts';
import { resolveArgs } from '../core/args.ts';
import { safeName } from '../core/safe-name.ts';
import { parseRecord, recordedTaskArgs, type RecordHead } from './record-schema.ts';
import { isSampleData } from '../core/sample-data.ts';
import { setDataFallback } from '../core/data-files.ts';

export interface MergeOptions {
  /** A `.json` file (the shards are of one record) or a folder (records go to `<folder>/<model>/<name>.json`). */
  output?: string;
  /** Where the dataset files are, when not at the shards' --data. */
  dataDir?: string;
}

export interface MergedRecord {
  path: string;
  record: RunRecord;
  shards: string[];
}

const SHARD_FILE = /\.shard(\d+)of(\d+)\.json$/;

interface ShardFile {
  file: string;
  record: ShardRecord;
  /** Its config as the record schema reads it. */
  config: RecordHead['config'];
}

export async function mergeShards(inputs: string[], options: MergeOptions = {}): Promise<MergedRecord[]> {
  if (inputs.length === 0) throw new UsageError('merge: give the shard records, or folders holding them');
  const files = await findShardFiles(inputs);
  const shards = await Promise.all(files.map(readShard));
  const groups = new Map<string, ShardFile[]>();
  for (const shard of shards) {
    const key = `${shard.record.model.name}\u0000${recordStem(shard.file)}`;
    groups.set(key, [...(groups.get(key) ?? []), shard]);
  }
  const output = options.output === undefined ? undefined : resolve(options.output);
  if (output?.endsWith('.json') && groups.size > 1) {
    throw new UsageError(
      `-o ${options.output}: the shards given belong to ${groups.size} records ` +
        `(${[...groups.values()].map((group) => recordStem(group[0]!.file)).join(', ')}); give -o a folder, or the shards of one record`,
    );
  }
  const merged: MergedRecord[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => a.record.shard.index - b.record.shard.index || a.file.localeCompare(b.file));
    checkGroup(group);
    const first = group[0]!;
    const stem = recordStem(first.file);
    const path = output === undefined
      ? join(dirname(first.file), `${stem}.json`)
      : output.endsWith('.json') ? output : join(output, safeName(first.record.model.name), `${stem}.json`);
    const record = await mergeGroup(group, path, options.dataDir);
    writeRecord(path, record);
    merged.push({ path, record, shards: group.map((shard) => shard.file) });
  }
  return merged;
}

function recordStem(file: string): string {
  return basename(file).replace(SHARD_FILE, '');
}

async function findShardFiles(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new InputError(`${input}: no such file or folder`, input);
    if (info.isFile()) {
      files.push(resolve(input));
      continue;
    }
    const found = (await readdir(input, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile() && SHARD_FILE.test(entry.name))
      .map((entry) => resolve(entry.parentPath, entry.name));
    if (found.length === 0) throw new InputError(`${input}: no shard records (<record>.shard<i>of<n>.json) in this folder`, input);
    files.push(...found);
  }
  return [...new Set(files)].sort();
}

async function readShard(file: string): Promise<ShardFile> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: not a JSON file (${(error as Error).message})`, file);
  }
  const shard = (value as Partial<ShardRecord> | null)?.shard;
  if (!shard || !Number.isInteger(shard.index) || !Number.isInteger(shard.count) || !Array.isArray(shard.queries)) {
    throw new InputError(
      `${file}: not a shard record (no "shard" field with index, count and queries); merge joins the ` +
        '<record>.shard<i>of<n>.json files that runs with --shard write',
      file,
    );
  }
  // The record's fields, checked as every reader of records checks them (src/run/record-schema.ts).
  const record = parseRecord(file, value, { scored: false });
  if (!record.config.configHash || !record.config.seeds) throw new InputError(`${file}: field config.configHash or config.seeds is missing`, file);
  return { file, record: value as ShardRecord, config: record.config };
}

/** One configuration, each index once, none missing, examples disjoint and covering the query set. */
function checkGroup(group: ShardFile[]): void {
  const first = group[0]!;
  const same: [string, (record: ShardRecord) => unknown][] = [
    ['configuration (config.configHash: model, task, shots, sampler, prompts, generation, data files)', (r) => r.config.configHash],
    ['model spec', (r) => r.model.spec],
    ['seeds', (r) => r.config.seeds],
    ['shard count', (r) => r.shard.count],
    ['query sets (--limit / --protocol)', (r) => r.shard.queries],
  ];
  for (const other of group.slice(1)) {
    for (const [what, value] of same) {
      if (JSON.stringify(value(other.record)) !== JSON.stringify(value(first.record))) {
        throw new InputError(
          `${first.file} and ${other.file} are shards of different runs (their ${what} differ); merge joins the ` +
            'shards of one configuration',
          other.file,
        );
      }
    }
  }
  const count = first.record.shard.count;
  const byIndex = new Map<number, ShardFile>();
  for (const shard of group) {
    const twin = byIndex.get(shard.record.shard.index);
    if (twin) {
      throw new InputError(
        `${twin.file} and ${shard.file} are both shard ${shard.record.shard.index}/${count}: overlapping shards; give each shard once`,
        shard.file,
      );
    }
    byIndex.set(shard.record.shard.index, shard);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
  if (missing.length > 0) {
    throw new InputError(
      `${recordStem(first.file)}: missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} ` +
        `(given: ${group.map((shard) => shard.file).join(', ')})`,
      first.file,
    );
  }
  const owner = new Map<string, string>();
  const seeds = first.config.seeds!;
  for (const shard of group) {
    const trialSeeds = shard.record.trials.map((trial) => trial.seed);
    if (JSON.stringify(trialSeeds) !== JSON.stringify(seeds)) {
      throw new InputError(`${shard.file}: its trials are of seeds ${trialSeeds.join(', ')}, its configuration of ${seeds.join(', ')}`, shard.file);
    }
    for (const trial of shard.record.trials) {
      for (const example of trial.examples) {
        const key = entryKey(trial.seed, example.id);
        const other = owner.get(key);
        if (other) {
          throw new InputError(`${other} and ${shard.file} both hold example ${example.id} (seed ${trial.seed}): overlapping shards`, shard.file);
        }
        owner.set(key, shard.file);
      }
    }
  }
  for (const seed of seeds) {
    for (const id of first.record.shard.queries) {
      if (!owner.has(entryKey(seed, id))) {
        throw new InputError(
          `${recordStem(first.file)}: no shard holds example ${id} (seed ${seed}); the shard that should was not finished ` +
            '(run it again with the same command)',
          first.file,
        );
      }
    }
  }
}

async function mergeGroup(group: ShardFile[], path: string, dataDirOverride: string | undefined): Promise<RunRecord> {
  const first = group[0]!.record;
  const config = group[0]!.config;
  const resolved = await resolveTask(config.taskSource === 'builtin' || config.taskSource === undefined ? String(config.task) : config.taskSource);
  // Scored as the shards' run was: the task configured by the arguments they were run with.
  const args = resolveArgs({ kind: 'task', id: resolved.task.id }, resolved.task.args, recordedTaskArgs(first.config, resolved.task.args));
  const task = configureTask(resolved.task, args, resolved.source);
  const dataDir = dataDirOverride ?? config.dataDir ?? undefined;
  // A task that read its own folder under a --data root looks for shared files at the root, as its shards did.
  if (dataDir !== undefined && dataDirOverride === undefined) setDataFallback(dataDir, config.dataRoot ?? undefined);
  const loaded = await task.load({ dataDir, split: config.split ?? undefined });
  const data: TaskData = {
    ...loaded,
    sample: first.data.sample || loaded.sample || isSampleData(loaded.files ?? [], dataDir),
    // The shards' marks of what the run left out or fell short of carry over to the merged record.
    ...(first.data.excludedSupport ? { excludedSupport: first.data.excludedSupport } : {}),
    ...(first.data.protocolShortfall ? { protocolShortfall: first.data.protocolShortfall } : {}),
  };
  checkSameData(group[0]!.file, first, data, dataDir);

  const byId = new Map(data.query.map((example) => [example.id, example]));
  const queries = first.shard.queries.map((id): Example => {
    const example = byId.get(id);
    if (!example) throw new InputError(`${group[0]!.file}: query ${id} is not in the task's query split as loaded now`, group[0]!.file);
    return example;
  });
  const entries = new Map<string, JournalEntry>();
  for (const shard of group) {
    for (const trial of shard.record.trials) {
      for (const example of trial.examples as ExampleRecord[]) entries.set(entryKey(trial.seed, example.id), { seed: trial.seed, example });
    }
  }
  // The scorer needs only each query's example; prompts and demonstrations are already in the examples' records.
  const plans: TrialPlan[] = config.seeds!.map((seed) => ({
    seed,
    supportPoolSize: first.data.supportSize,
    queries: queries.map((example) => ({ example, shots: [], prompt: [] })),
  }));
  const trials = plans.map((plan) =>
    data.unannotated
      ? buildSubmissionTrial(task, plan, entries, path, data)
      : buildTrial(task, plan, entries),
  );
  const shardsTimings = group.map((shard) => shard.record.timings);
  const record = assembleRecord({
    task,
    shots: first.shots,
    model: first.model,
    data,
    querySize: first.data.querySize,
    plans,
    trials,
    resumed: shardsTimings.reduce((n, timings) => n + (timings.resumedExamples ?? 0), 0),
    startedAt: performance.now(),
    config: { ...first.config, shard: null, journal: null, mergedFrom: group.map((shard) => shard.file) },
  });
  // Wall time of the machines added up (they may have run at once).
  record.timings.totalMs = shardsTimings.reduce((sum, timings) => sum + timings.totalMs, 0);
  return record;
}

function checkSameData(file: string, shard: ShardRecord, data: TaskData, dataDir: string | undefined): void {
  const where = dataDir ?? 'the built-in sample data';
  const now = new Map((data.files ?? []).map((used) => [used.role, used]));
  for (const used of shard.data.files) {
    const found = now.get(used.role);
    if (!found || found.sha256 !== used.sha256) {
      throw new InputError(
        `${file}: the shards read ${used.path} (${used.role}, sha256 ${used.sha256.slice(0, 12)}...), but under ${where} ` +
          `${found ? `${found.path} has sha256 ${found.sha256.slice(0, 12)}...` : 'there is no such file'}; ` +
          'merge scores against the same files: give --data <dir> holding them',
        file,
      );
    }
  }
}
