// Splitting a run across machines: `--shard i/n` evaluates the queries whose hash of (task, id) is i-1 modulo n —
// disjoint slices that cover the query set, the same in every seed, whatever --limit is — with the demonstrations of
// a whole run (they depend only on seed, task, query id and shots). Each shard writes its own journal and a shard
// record, `<record>.shard<i>of<n>.json`: the record's form with this shard's examples and no metrics, plus the whole
// query set's ids in evaluation order, so that `flamingo-eval merge` can check coverage and rebuild the record of a
// single-machine run. A shard record starts with its "shard" field, not "tool", so leaderboards skip it.
// `--shard auto` takes the index and count from a Slurm array job or a Kubernetes indexed Job.
import { UsageError } from '../core/errors.ts';
import { hashKey } from '../core/random.ts';
import type { RunRecord, Task, Trial } from '../core/types.ts';
import type { JournalEntry } from './journal.ts';
import type { TrialPlan } from './plan.ts';
import { journaledExamples, writeRecord } from './record.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface ShardInfo extends Shard {
  /** Ids of the whole query set, in evaluation order (the same for every seed). */
  queries: string[];
}

/** A shard's record: a RunRecord whose trials hold only this shard's examples, and no metrics. */
export interface ShardRecord extends RunRecord {
  shard: ShardInfo;
}

export function inShard(shard: Shard | undefined, taskId: string, id: string): boolean {
  // The key keeps the name of the --part mechanism it grew from, so that existing journals split the same way.
  return shard === undefined || hashKey('part', taskId, id) % shard.count === shard.index - 1;
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/**
 * `--shard i/n` or `--shard auto` (with `--shard-count n` for a Kubernetes indexed Job, whose pods are not told the
 * number of completions). A Slurm array's index counts from its first task id in steps of its step, so
 * `--array=0-15`, `--array=1-16` and `--array=0-30:2` all give shards 1..16.
 */
export function parseShard(value: string, countFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): Shard {
  const count = countFlag === undefined ? undefined : positiveInteger('--shard-count', countFlag);
  const text = value.trim();
  if (text !== 'auto') {
    if (count !== undefined) throw new UsageError('--shard-count goes with --shard auto; --shard i/n already gives the count');
    const match = /^(\d+)\/(\d+)$/.exec(text);
    const index = Number(match?.[1]);
    const total = Number(match?.[2]);
    if (!match || total < 1 || index < 1 || index > total) {
      throw new UsageError(`--shard ${value}: expected i/n with 1 <= i <= n (e.g. --shard 2/4), or auto`);
    }
    return { index, count: total };
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) return slurmShard(env, count);
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const index = nonNegativeInteger('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX);
    if (count === undefined) {
      throw new UsageError('--shard auto in a Kubernetes indexed Job needs --shard-count N (the Job\'s completions)');
    }
    if (index >= count) {
      throw new UsageError(`--shard auto: JOB_COMPLETION_INDEX=${index} is not below --shard-count ${count}`);
    }
    return { index: index + 1, count };
  }
  throw new UsageError(
    '--shard auto: this process is neither a Slurm array task (SLURM_ARRAY_TASK_ID) nor a pod of a Kubernetes ' +
      'indexed Job (JOB_COMPLETION_INDEX); give --shard i/n',
  );
}

function slurmShard(env: NodeJS.ProcessEnv, countFlag: number | undefined): Shard {
  const id = nonNegativeInteger('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID);
  if (env.SLURM_ARRAY_TASK_COUNT === undefined || env.SLURM_ARRAY_TASK_MIN === undefined) {
    throw new UsageError('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MIN is not');
  }
  const count = positiveInteger('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT);
  const min = nonNegativeInteger('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN);
  const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : positiveInteger('SLURM_ARRAY_TASK_STEP', env.SLURM_ARRAY_TASK_STEP);
  const offset = (id - min) / step;
  if (!Number.isInteger(offset) || offset < 0 || offset >= count) {
    throw new UsageError(
      `--shard auto: Slurm array task ${id} is not one of ${count} tasks from ${min} in steps of ${step}; ` +
        'use a regular --array=a-b[:step], or give --shard i/n',
    );
  }
  if (countFlag !== undefined && countFlag !== count) {
    throw new UsageError(`--shard-count ${countFlag} disagrees with the Slurm array's ${count} tasks (SLURM_ARRAY_TASK_COUNT)`);
  }
  return { index: offset + 1, count };
}

function positiveInteger(name: string, value: string): number {
  const number = nonNegativeInteger(name, value);
  if (number < 1) throw new UsageError(`${name} ${value}: expected an integer >= 1`);
  return number;
}

function nonNegativeInteger(name: string, value: string | undefined): number {
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${name} ${text}: expected an integer >= 0`);
  }
  return Number(text);
}

/** `<results>/<model>/<task>-<shots>shot<variant>.shard<i>of<n>.json`, beside the record it is a slice of. */
export function shardRecordPath(recordPath: string, shard: Shard): string {
  return recordPath.replace(/\.json$/, '') + `.shard${shard.index}of${shard.count}.json`;
}

/** A trial of a shard: this shard's journaled examples, in the plan's query order, unscored. */
export function shardTrial(task: Task, plan: TrialPlan, entries: Map<string, JournalEntry>, shard: Shard): Trial {
  const queries = plan.queries.filter((query) => inShard(shard, task.id, query.example.id));
  const examples = journaledExamples(task, { ...plan, queries }, entries);
  const skipped = examples.filter((example) => example.skipped !== undefined).length;
  return { seed: plan.seed, metrics: {}, n: examples.length - skipped, skipped, examples };
}

/** Writes the shard record, its "shard" field first (so that leaderboards, which read records by "tool", skip it). */
export function writeShardRecord(path: string, record: RunRecord, shard: Shard, plans: TrialPlan[]): ShardRecord {
  const queries = plans[0]?.queries.map((query) => query.example.id) ?? [];
  const shardRecord = { shard: { index: shard.index, count: shard.count, queries }, ...record } as ShardRecord;
  writeRecord(path, shardRecord);
  return shardRecord;
}
