// The run command's flags, checked and resolved into RunOptions. Every error names the flag it is about.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgAssignment, type ArgAssignment } from '../core/args.ts';
import { UsageError } from '../core/errors.ts';
import { DEFAULT_MODEL } from '../backends/index.ts';
import { FLAMINGO_SAMPLING, formatFrameSampling, parseFrameSampling } from '../media/sampling.ts';
import type { FrameSampling } from '../core/types.ts';
import { parseAblations, type Ablation } from './ablation.ts';
import { parseShard, type Shard } from './shard.ts';

export type SamplerName = 'random' | 'rices';
export type ProtocolName = 'none' | 'flamingo';
export type MediaErrorPolicy = 'fail' | 'skip';

export interface RunOptions {
  /** Built-in task ids or task module paths, in the order given. */
  tasks: string[];
  /** The model of this run (the first of `models`; each model of `--model a,b,c` runs with its own copy). */
  model: string;
  /** `--model a,b,c`: every model, in the order given; absent: `model` alone. */
  models?: string[];
  shots: number[];
  seeds: number[];
  /** Support pool size (default 2048, the paper's). */
  supportSize: number;
  /** Query-set size; undefined means the whole split (or the task's protocol size under --protocol flamingo). */
  limit?: number;
  protocol: ProtocolName;
  sampler: SamplerName;
  /** Undefined: the Flamingo default for the task's kind (2 for generate, 0 for rank). */
  zeroShotTextDemos?: number;
  promptStyle: string;
  /** Close-ended tasks: orderings of the demonstrations whose log-likelihoods are averaged (1: no ensembling). */
  promptEnsemble: number;
  dataDir?: string;
  /** `--data <task>=<dir>`: a folder per task, which that task reads instead of the root (dataDirFor). */
  dataDirs?: Record<string, string>;
  /** Set per task by the run: the root searched for files the task's own folder lacks (data-files setDataFallback). */
  dataRoot?: string;
  split?: string;
  resultsDir: string;
  concurrency: number;
  batchSize: number;
  maxNewTokens?: number;
  numBeams?: number;
  lengthPenalty?: number;
  /** `--task-arg [<task>.]<name>=<value>`: arguments of the run's tasks, checked by each task (src/core/args.ts). */
  taskArgs: ArgAssignment[];
  /** `--model-arg [<scheme>.]<name>=<value>`: arguments of the backend, checked by it. */
  modelArgs: ArgAssignment[];
  /** `--call-timeout` (given in seconds): how long one backend call may take; 0 for no limit (src/run/checked.ts). */
  callTimeoutMs?: number;
  /** `--shard i/n` (or `auto`): run only the i-th of n disjoint slices of the queries (1-based); src/run/shard.ts. */
  shard?: Shard;
  /** How videos become frames (`--frames`, default the paper's 30 frames at 3 FPS). */
  frames: FrameSampling;
  /** `--on-media-error`: stop the run on an unreadable image or video (default), or skip the examples that need it. */
  onMediaError: MediaErrorPolicy;
  /** `--ablation`: the variants to run, each its own configuration and record (null: the plain run, the default). */
  ablations: (Ablation | null)[];
  fresh: boolean;
  json: boolean;
  quiet: boolean;
}

export { DEFAULT_SEED, DEFAULT_SUPPORT_SIZE } from './defaults.ts';
import { DEFAULT_SEED, DEFAULT_SUPPORT_SIZE } from './defaults.ts';

/** Raw commander values (strings, booleans, undefined). */
export type RawRunFlags = Record<string, unknown>;

export function parseRunOptions(raw: RawRunFlags): RunOptions {
  const tasks = list('--task', raw.task);
  if (tasks.length === 0) {
    throw new UsageError('--task is required: a built-in task id (see `flamingo-eval tasks`), a list, or a path');
  }
  const protocol = choice('--protocol', raw.protocol ?? 'none', ['none', 'flamingo'] as const);
  const sampler = choice('--sampler', raw.sampler ?? 'random', ['random', 'rices'] as const);
  const { root: dataDir, perTask: dataDirs } = parseDataFlag(raw.data);
  if (protocol === 'flamingo') {
    // The protocol fixes the pool (2048) and the query-set sizes; a different value would not be the paper's protocol.
    for (const [flag, value] of [['--support-size', raw.supportSize], ['--limit', raw.limit]] as const) {
      if (value !== undefined) {
        throw new UsageError(`${flag} cannot be combined with --protocol flamingo, which fixes it; drop one of them`);
      }
    }
  }
  const frames = raw.frames === undefined ? { ...FLAMINGO_SAMPLING } : parseFrameSampling(String(raw.frames));
  if (protocol === 'flamingo' && formatFrameSampling(frames) !== 'flamingo') {
    throw new UsageError(`--frames ${String(raw.frames)} cannot be combined with --protocol flamingo, which samples 30 frames at 3 FPS; drop one of them`);
  }
  const models = list('--model', raw.model ?? DEFAULT_MODEL);
  return {
    tasks,
    model: models[0]!,
    models,
    shots: integerList('--shots', raw.shots ?? '0', 0, '0,4,32'),
    seeds: integerList('--seeds', raw.seeds ?? String(DEFAULT_SEED), 0, '42,43,44'),
    supportSize: raw.supportSize === undefined ? DEFAULT_SUPPORT_SIZE : integer('--support-size', raw.supportSize, 1),
    limit: raw.limit === undefined ? undefined : integer('--limit', raw.limit, 1),
    protocol,
    sampler,
    zeroShotTextDemos:
      raw.zeroShotTextDemos === undefined ? undefined : integer('--zero-shot-text-demos', raw.zeroShotTextDemos, 0),
    promptStyle: nonEmpty('--prompt-style', raw.promptStyle ?? 'paper'),
    promptEnsemble: raw.promptEnsemble === undefined ? 1 : integer('--prompt-ensemble', raw.promptEnsemble, 1),
    dataDir,
    dataDirs,
    split: raw.split === undefined ? undefined : nonEmpty('--split', raw.split),
    resultsDir: writableDir('--results-dir', nonEmpty('--results-dir', raw.resultsDir ?? 'results')),
    concurrency: raw.concurrency === undefined ? 1 : integer('--concurrency', raw.concurrency, 1),
    batchSize: raw.batchSize === undefined ? 4 : integer('--batch-size', raw.batchSize, 1),
    maxNewTokens: raw.maxNewTokens === undefined ? undefined : integer('--max-new-tokens', raw.maxNewTokens, 1),
    numBeams: raw.numBeams === undefined ? undefined : integer('--num-beams', raw.numBeams, 1),
    lengthPenalty: raw.lengthPenalty === undefined ? undefined : finite('--length-penalty', raw.lengthPenalty),
    taskArgs: strings(raw.taskArg).map((text) => parseArgAssignment('--task-arg', text)),
    modelArgs: strings(raw.modelArg).map((text) => parseArgAssignment('--model-arg', text)),
    callTimeoutMs: raw.callTimeout === undefined ? undefined : nonNegative('--call-timeout', raw.callTimeout) * 1000,
    shard: raw.shard === undefined ? shardCountAlone(raw.shardCount) : parseShard(String(raw.shard), optionalString(raw.shardCount)),
    frames,
    onMediaError: choice('--on-media-error', raw.onMediaError ?? 'fail', ['fail', 'skip'] as const),
    ablations: raw.ablation === undefined ? [null] : parseAblations(String(raw.ablation)),
    fresh: raw.fresh === true,
    json: raw.json === true,
    quiet: raw.quiet === true,
  };
}

function list(flag: string, value: unknown): string[] {
  if (value === undefined) return [];
  const items = String(value)
    .split(',')
    .map((item) => item.trim());
  if (items.some((item) => item === '')) throw new UsageError(`${flag} ${String(value)}: an empty item in the list`);
  return [...new Set(items)];
}

function nonEmpty(flag: string, value: unknown): string {
  const text = String(value).trim();
  if (text === '') throw new UsageError(`${flag} needs a value`);
  return text;
}

function integer(flag: string, value: unknown, min: number): number {
  const text = String(value).trim();
  const number = Number(text);
  if (!/^[+]?\d+$/.test(text) || !Number.isSafeInteger(number) || number < min) {
    throw new UsageError(`${flag} ${text}: expected an integer >= ${min}`);
  }
  return number;
}

function integerList(flag: string, value: unknown, min: number, example: string): number[] {
  const items = list(flag, value);
  if (items.length === 0) throw new UsageError(`${flag} needs at least one value`);
  const numbers = items.map((item) => {
    if (!/^\d+$/.test(item) || !Number.isSafeInteger(Number(item)) || Number(item) < min) {
      throw new UsageError(`${flag} ${String(value)}: "${item}" is not an integer >= ${min} (e.g. ${flag} ${example})`);
    }
    return Number(item);
  });
  return [...new Set(numbers)];
}

function finite(flag: string, value: unknown): number {
  const text = String(value).trim();
  const number = Number(text);
  if (text === '' || !Number.isFinite(number)) throw new UsageError(`${flag} ${text}: expected a number`);
  return number;
}

function nonNegative(flag: string, value: unknown): number {
  const number = finite(flag, value);
  if (number < 0) throw new UsageError(`${flag} ${String(value).trim()}: expected a number >= 0 (0: no limit)`);
  return number;
}

/** A repeatable flag's values (commander collects them in a list; one value when set in code). */
function strings(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function shardCountAlone(count: unknown): undefined {
  if (count !== undefined) throw new UsageError('--shard-count goes with --shard auto (a Kubernetes indexed Job)');
  return undefined;
}

function optionalString(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}

function choice<T extends string>(flag: string, value: unknown, choices: readonly T[]): T {
  const text = String(value);
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`${flag} ${text}: expected one of ${choices.join(', ')}`);
  }
  return text as T;
}

/**
 * A folder that exists or can be created, and can be written. The missing levels are made one at a time: Node's
 * recursive mkdir loops forever under a folder that refuses new entries with ENOENT (/proc, /sys), and a file on the
 * way must be named. A probe file checks writing (a read-only mount, a folder of another user).
 */
function writableDir(flag: string, value: string): string {
  const path = resolve(value);
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    throw new UsageError(`${flag} ${value}: ${existing === path ? 'not a directory' : `${existing} is a file, not a directory`}`);
  }
  const cannot = (what: string, error: unknown) =>
    new UsageError(`${flag} ${value}: cannot ${what} (${(error as { code?: string }).code ?? (error as Error).message}); give a folder you can write`);
  const missing: string[] = [];
  for (let dir = path; dir !== existing; dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw cannot(`create ${dir}`, error);
    }
  }
  const probe = join(path, `.flamingo-eval-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    throw cannot('write in it', error);
  }
  return path;
}

/**
 * `--data`: a root folder (`~/datasets`), folders per task (`coco=/d/coco,imagenet=/d/imagenet`), or both
 * (`~/datasets,coco=/mnt/nfs/coco`). Every folder must exist (symlinks are followed).
 */
export function parseDataFlag(value: unknown): { root?: string; perTask: Record<string, string> } {
  const perTask: Record<string, string> = {};
  if (value === undefined) return { perTask };
  let root: string | undefined;
  for (const entry of String(value).split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const named = /^([a-z0-9][a-z0-9_-]*)=(.+)$/i.exec(entry);
    if (named) {
      const [, task, dir] = named;
      if (perTask[task!] !== undefined) throw new UsageError(`--data ${task}=...: given twice`);
      perTask[task!] = existingDir(`--data ${task}=`, dir!);
    } else {
      if (root !== undefined) {
        throw new UsageError(`--data ${String(value)}: one root folder at most; name the others per task (<task>=<folder>)`);
      }
      root = existingDir('--data', entry);
    }
  }
  return { root, perTask };
}

/**
 * The folder a task reads: its own (`--data <task>=<dir>`), else `<root>/<task id>/` when that folder exists, else the
 * root (the task finds its files by name under it); undefined for the built-in sample data.
 */
export function dataDirFor(options: Pick<RunOptions, 'dataDir' | 'dataDirs'>, taskId: string): string | undefined {
  const own = options.dataDirs?.[taskId];
  if (own !== undefined) return own;
  if (options.dataDir === undefined) return undefined;
  const sub = join(options.dataDir, taskId);
  return existsSync(sub) && statSync(sub).isDirectory() ? sub : options.dataDir;
}

function existingDir(flag: string, value: string): string {
  const path = resolve(value);
  if (!existsSync(path)) throw new UsageError(`${flag} ${value}: no such directory`);
  if (!statSync(path).isDirectory()) throw new UsageError(`${flag} ${value}: not a directory`);
  return path;
}
