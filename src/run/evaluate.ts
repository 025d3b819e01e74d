// One evaluation, top to bottom: resolve tasks and backend -> load data -> choose demonstrations and build prompts
// -> run what the journal does not hold yet (bounded, journaled) -> score each trial -> write one record per shots.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { identityArgs, resolveArgs, routeArgs, type ArgAssignment } from '../core/args.ts';
import { InputError, RunError, UsageError, exitCodeOf } from '../core/errors.ts';
import { backendScope, openBackend, type OpenedBackend } from '../backends/index.ts';
import type { ArgSpec, ArgValues, Backend, Example, Prompt, PromptTemplates, RunRecord, Task, TaskData, Trial } from '../core/types.ts';
import { checkedBackend } from './checked.ts';
import { isSampleData } from '../core/sample-data.ts';
import { setDataFallback } from '../core/data-files.ts';
import { excludedSupportNotice, excludeMissingSupport, setAsideUnreadable, unusableQueries } from './unusable-media.ts';
import { safeName } from '../core/safe-name.ts';
import {
  configIdentity,
  ensembleSize,
  journalDir,
  journalStem,
  modelDir,
  recordConfig,
  recordFile,
  resolveRunConfig,
  type RunConfig,
  type RunFacts,
} from './config.ts';
import { dataIdentity, identityDifferences, modelIdentity, taskIdentity } from './identity.ts';
import { Journal, entryKey, hasJournal, otherJournals } from './journal.ts';
import { dataDirFor, type RunOptions } from './options.ts';
import { undefinedAdvice } from './undefined-metric.ts';
import { planTrials, type PlannedQuery, type RicesFeatures, type TrialPlan } from './plan.ts';
import { createProgress, type Progress } from './progress.ts';
import { assembleRecord, buildTrial, writeRecord } from './record.ts';
import { embedExamples, poolFeatures, type Features } from './rices.ts';
import { ablationRefusal, type Ablation } from './ablation.ts';
import { promptTemplates } from './prompt.ts';
import { runPending, type PendingQuery } from './runner.ts';
import { formatShard, inShard, shardRecordPath, shardTrial, writeShardRecord } from './shard.ts';
import { drawPool, querySubset, querySubsetPerClass } from './sampler.ts';
import { buildSubmissionTrial, checkSubmissionTask } from './submission.ts';
import { resolveRunTasks, type RunTask } from './tasks.ts';

export interface RecordOutcome {
  path: string;
  record: RunRecord;
  /** A sweep's variant the record is of (for the summary). */
  variant?: string;
}

/** A cell of the run (model x task x shots; `shots` null when the whole task could not start) that did not run. */
export interface TaskFailure {
  task: string;
  error: unknown;
  /** The model's spec, in a run of several models. */
  model?: string;
  shots?: number | null;
  /** A sweep's variant name. */
  variant?: string;
  /** `--ablation`: the ablation of the cell. */
  ablation?: string;
}

/**
 * Some cells of a run of several (models x tasks x shots) could not run: carries the records the others wrote, so
 * they are still reported, and what was skipped and why.
 */
export class TaskFailures extends Error {
  constructor(
    readonly outcomes: RecordOutcome[],
    readonly failures: TaskFailure[],
  ) {
    super(
      `${failures.length} of ${outcomes.length + failures.length} cell${outcomes.length + failures.length === 1 ? '' : 's'} did not run: ` +
        failures.map((f) => `${cellLabel(f)} (${clauseOf(f.error)})`).join('; ') +
        '; the journals keep every finished example: fix the cause and run the same command again to finish what is missing',
    );
    this.name = 'TaskFailures';
  }

  /**
   * 1: the run did part of what it was asked and failed the rest; 2 when no cell ran and every failure was bad input
   * (a data folder without the files, a bad flag of a plugin): nothing was run, the input must change.
   */
  get exitCode(): number {
    return this.outcomes.length === 0 && this.failures.every((f) => exitCodeOf(f.error) === 2) ? 2 : 1;
  }
}

/** `okvqa 4-shot`, `tiny-l okvqa 4-shot`, `tiny-l [rices] okvqa`: what names a cell, in messages and the summary. */
export function cellLabel(cell: Omit<TaskFailure, 'error'>): string {
  return [
    ...(cell.model !== undefined ? [cell.model] : []),
    ...(cell.variant !== undefined ? [`[${cell.variant}]`] : []),
    cell.task + (cell.shots !== undefined && cell.shots !== null ? ` ${cell.shots}-shot` : ''),
    ...(cell.ablation !== undefined ? [`(ablation ${cell.ablation})`] : []),
  ].join(' ');
}

/** An error's message inside a longer sentence: without its closing full stop (not `...only one.; going on`). */
function clauseOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
}

export interface EvaluateIO {
  stderr?: NodeJS.WriteStream;
}

/**
 * One part of a run: options for one model (`options.model`) with its tasks and shots. `run --model a,b` makes one
 * per model; a sweep (src/run/sweep.ts) one per model x variant x data. Each becomes RunConfigs (run/config.ts) as a
 * single `run` would: the parts are nothing but the options a `run` command would have been given.
 */
export interface RunPart {
  options: RunOptions;
  /** A sweep's variant name (for labels); absent in a `run`. */
  variant?: string;
  /** Where the part comes from (a plan's file and line), to start its usage errors; absent in a `run`. */
  where?: string;
}

/** `--model a,b,c`: the same run for each model, in the order given (each gets the same queries and demonstrations). */
export async function evaluate(options: RunOptions, io: EvaluateIO = {}): Promise<RecordOutcome[]> {
  const models = options.models ?? [options.model];
  return evaluateParts(models.map((model) => ({ options: { ...options, model, models: [model] } })), io);
}

/** A task of a part, resolved, with its data and query set (or why they could not be loaded). */
export interface PreparedTask {
  entry: RunTask;
  /** The part's options with the task's own data folder (`dataDir`) and the root it falls back to (`dataRoot`). */
  options: RunOptions;
  loaded?: LoadedQueries;
  failure?: unknown;
  /** Examples this process evaluates per shots: seeds x the queries in its --shard slice. */
  examplesPerShots: number;
}

export interface PreparedPart {
  part: RunPart;
  tasks: PreparedTask[];
}

/**
 * Resolves every part's tasks and loads each task's data once (parts that read the same task, arguments and data
 * share it): everything a run or a sweep's --dry-run knows before a model is loaded. Bad flags and unknown tasks are
 * usage errors here, before anything runs; a task whose data cannot be loaded is returned with its failure.
 */
export async function prepareParts(parts: RunPart[], io: EvaluateIO = {}): Promise<PreparedPart[]> {
  const said = new Set<string>();
  const say = (message: string) => {
    if (said.has(message)) return;
    said.add(message);
    io.stderr?.write(`${message}\n`);
  };
  const sayer: EvaluateIO = { stderr: { write: (text: string) => (say(text.replace(/\n$/, '')), true) } as NodeJS.WriteStream };
  await checkModelArgs(parts);
  const loads = new Map<string, Promise<LoadedQueries>>();
  const prepared: PreparedPart[] = [];
  for (const part of parts) {
    const { options } = part;
    let resolved: RunTask[];
    try {
      resolved = await resolveRunTasks(options.tasks, options, say);
      for (const { task } of resolved) promptTemplates(task, options.promptStyle);
    } catch (error) {
      if (part.where === undefined || !(error instanceof UsageError)) throw error;
      throw new UsageError(`${part.where}: ${error.message}`);
    }
    // A meaningless ablation (shuffled answers at 0 shots) is refused before anything runs.
    for (const { task, shots } of resolved) {
      for (const ablation of options.ablations) {
        for (const count of shots) {
          const refusal = ablation ? ablationRefusal(ablation, count) : undefined;
          if (refusal) {
            const message = `${refusal} (task ${task.id}); drop ${count} from --shots or run it without this ablation`;
            throw new UsageError(part.where === undefined ? message : `${part.where}: ${message}`);
          }
        }
      }
    }
    const unknownData = Object.keys(options.dataDirs ?? {}).filter((id) => !resolved.some((entry) => entry.task.id === id));
    if (unknownData.length > 0) {
      const message = `--data ${unknownData[0]}=...: ${unknownData[0]} is not a task of this run (tasks: ${resolved.map((e) => e.task.id).join(', ')})`;
      throw new UsageError(part.where === undefined ? message : `${part.where}: ${message}`);
    }
    const tasks: PreparedTask[] = [];
    for (const entry of resolved) {
      // The task's own data folder (--data <task>=<dir>, or <root>/<task id>/ when it exists, else the root).
      const taskDir = dataDirFor(options, entry.task.id);
      const dataRoot = taskDir !== undefined && options.dataDir !== undefined && taskDir !== options.dataDir ? options.dataDir : undefined;
      const taskOptions: RunOptions = { ...options, dataDir: taskDir, dataRoot };
      const key = JSON.stringify([entry.source, entry.task.id, entry.args, taskDir ?? null, dataRoot ?? null, options.split ?? null, options.protocol, options.limit ?? null]);
      if (!loads.has(key)) {
        if (taskDir !== undefined) setDataFallback(taskDir, dataRoot);
        const loading = loadQueries(entry.task, entry.source, taskOptions, sayer);
        loading.catch(() => {});
        loads.set(key, loading);
      }
      try {
        const loaded = await loads.get(key)!;
        const inSlice = loaded.queries.filter((query) => inShard(options.shard, entry.task.id, query.id)).length;
        tasks.push({ entry, options: taskOptions, loaded, examplesPerShots: inSlice * options.seeds.length });
      } catch (failure) {
        tasks.push({ entry, options: taskOptions, failure, examplesPerShots: 0 });
      }
    }
    prepared.push({ part, tasks });
  }
  return prepared;
}

/**
 * `--model-arg` goes to the backends it is for (`onnx.threads=2` to every onnx model of the run; an argument without a
 * scheme when the models are of one): checked for every model before anything runs.
 */
async function checkModelArgs(parts: RunPart[]): Promise<void> {
  const scopes = new Map<string, { scope: string; argSpecs: ArgSpec[] }>();
  for (const { options } of parts) if (!scopes.has(options.model)) scopes.set(options.model, await backendScope(options.model));
  const names = [...new Set([...scopes.values()].map(({ scope }) => scope))];
  for (const { options, where } of parts) {
    const { scope, argSpecs } = scopes.get(options.model)!;
    try {
      resolveArgs({ kind: 'backend', id: scope }, argSpecs, routeArgs(options.modelArgs, names, 'backend').get(scope) ?? []);
    } catch (error) {
      if (where === undefined || !(error instanceof UsageError)) throw error;
      throw new UsageError(`${where}: ${error.message}`);
    }
  }
}

/** The backend arguments of one part's model: those routed to its scheme among the run's models' schemes. */
async function modelArgsOf(part: RunPart, schemes: string[]): Promise<ArgAssignment[]> {
  const { scope } = await backendScope(part.options.model);
  return routeArgs(part.options.modelArgs, schemes, 'backend').get(scope) ?? [];
}

interface OpenModel {
  key: string;
  opened: OpenedBackend;
  identity: unknown;
}

/**
 * Runs the parts' cells (model x task x shots), one model loaded at a time, with one progress display for the whole
 * run. With one cell, its error is the run's. With several, a cell that cannot run (too few demonstrations, data that
 * does not load, a model that does not load or fails) is reported and skipped, the others finish, and the run ends
 * with TaskFailures (the records written, and what was skipped and why).
 */
export async function evaluateParts(parts: RunPart[], io: EvaluateIO = {}, how: { reuseRecords?: boolean } = {}): Promise<RecordOutcome[]> {
  const prepared = await prepareParts(parts, io);
  const keysOf = (part: RunPart, task: PreparedTask) => cellKeys(part.options, task.entry.shots);
  const cells = prepared.reduce((n, p) => n + p.tasks.reduce((m, t) => m + keysOf(p.part, t).length, 0), 0);
  const single = cells === 1;
  const models = new Set(parts.map(({ options }) => options.model));
  const schemes = [...new Set(await Promise.all([...models].map(async (model) => (await backendScope(model)).scope)))];
  const total = prepared.reduce((n, p) => n + p.tasks.reduce((m, t) => m + t.examplesPerShots * keysOf(p.part, t).length, 0), 0);
  const quiet = parts.every(({ options }) => options.quiet);
  const progress = createProgress({ label: '', total, already: 0, quiet, stream: io.stderr });
  const outcomes: RecordOutcome[] = [];
  const failures: TaskFailure[] = [];
  let done = 0;
  const cellOf = (part: RunPart, task: string, key: CellKey | null) => ({
    task,
    shots: key?.shots ?? null,
    ...(key?.ablation ? { ablation: key.ablation } : {}),
    ...(models.size > 1 ? { model: part.options.model } : {}),
    ...(part.variant !== undefined ? { variant: part.variant } : {}),
  });
  const skip = (part: RunPart, task: PreparedTask, keys: CellKey[], error: unknown, left: number) => {
    if (single) throw error;
    for (const key of keys) failures.push({ ...cellOf(part, task.entry.task.id, key), error });
    done += keys.length;
    progress.drop(left);
    const which =
      keys.length === 1
        ? cellLabel(cellOf(part, task.entry.task.id, keys[0]!))
        : `${cellLabel(cellOf(part, task.entry.task.id, null))} (${keys.length} cells: ${keys.map((key) => `${key.shots}-shot${key.ablation ? ` ${key.ablation}` : ''}`).join(', ')})`;
    io.stderr?.write(`${io.stderr.isTTY && !quiet ? '\n' : ''}flamingo-eval: skipping ${which}: ${clauseOf(error)}; going on with the others\n`);
  };
  let open: OpenModel | undefined;
  try {
    for (const { part, tasks } of prepared) {
      const { options } = part;
      for (const task of tasks) {
        if (task.failure !== undefined) skip(part, task, keysOf(part, task), task.failure, 0);
      }
      const runnable = tasks.filter((task) => task.loaded);
      if (runnable.length === 0) continue;
      try {
        const args = await modelArgsOf(part, schemes);
        const key = JSON.stringify([options.model, args.map((a) => a.text), options.frames, options.concurrency, options.callTimeoutMs]);
        if (open?.key !== key) {
          await open?.opened.backend.close();
          open = undefined;
          const raw = await openBackend(options.model, { args, frames: options.frames, concurrency: options.concurrency });
          // Every call checked and timed out at the boundary, errors naming the module (src/run/checked.ts).
          const opened: OpenedBackend = { ...raw, backend: checkedBackend(raw.backend, options.model, { callTimeoutMs: options.callTimeoutMs }) };
          open = { key, opened, identity: undefined };
          open.identity = modelIdentity(opened.backend.info(), await opened.identity(), identityArgs(opened.argSpecs, opened.args));
        }
        if (options.sampler === 'rices' && !open.opened.backend.embed) {
          throw new UsageError(`--sampler rices: model ${options.model} has no embed() for visual features; use --sampler random`);
        }
      } catch (error) {
        const failure = single ? error : new RunError(`model ${options.model} could not be used: ${clauseOf(error)}`, { cause: error });
        for (const task of runnable) skip(part, task, keysOf(part, task), failure, task.examplesPerShots * keysOf(part, task).length);
        continue;
      }
      let broken: unknown;
      for (const task of runnable) {
        if (broken !== undefined) {
          skip(part, task, keysOf(part, task), new RunError(`not run: model ${options.model} failed earlier (${clauseOf(broken)})`), task.examplesPerShots * keysOf(part, task).length);
          continue;
        }
        await evaluateTask(task, open.opened, open.identity, io, {
          progress,
          begin(key) {
            done++;
            if (!single) progress.stage(`[${done}/${cells}] ${cellLabel(cellOf(part, task.entry.task.id, key))}`);
            else progress.stage(cellLabel(cellOf(part, task.entry.task.id, key)));
          },
          fail(keys, error, left) {
            done--;
            skip(part, task, keys, error, left);
            // A backend that failed (a server gone, a model that crashed) would fail its other cells the same way.
            if (error instanceof RunError) broken = error;
            return broken === undefined;
          },
          outcome: (outcome) => void outcomes.push(part.variant !== undefined ? { ...outcome, variant: part.variant } : outcome),
          reuseRecords: how.reuseRecords === true,
          single,
        });
      }
    }
  } finally {
    progress.done();
    await open?.opened.backend.close();
  }
  // A metric that could not be computed (one class in a query subset) is n/a in its record: said, with what to do.
  for (const { record } of outcomes) {
    const primary = record.summary.metrics[record.summary.primary];
    if (primary?.undefined === undefined) continue;
    io.stderr?.write(
      `flamingo-eval: warning: ${record.task.id} ${record.shots}-shot: ${record.summary.primary} is n/a: ` +
        `${undefinedAdvice({ n: record.summary.n, undefined: primary.undefined })}\n`,
    );
  }
  const shards = parts.some(({ options }) => options.shard);
  if (shards && !single && outcomes.length < cells - failures.length) io.stderr?.write(`flamingo-eval: shard records written: ${SHARD_HINT}\n`);
  if (failures.length > 0) throw new TaskFailures(outcomes, failures);
  return outcomes;
}

/** A cell of a task: its shot count and its ablation (`--ablation`; null: the plain run). */
interface CellKey {
  shots: number;
  ablation: Ablation | null;
}

/** A task's cells, ablation by ablation (the plain run first when it is asked), each at every shot count. */
function cellKeys(options: RunOptions, shots: number[]): CellKey[] {
  return options.ablations.flatMap((ablation) => shots.map((count) => ({ shots: count, ablation })));
}

/** What evaluateTask reports to the run: each cell's start, its record, and a cell that could not run. */
interface CellHooks {
  progress: Progress;
  begin(key: CellKey): void;
  /** Cells failed (`left`: their examples not done); false: do not start the task's other cells. */
  fail(keys: CellKey[], error: unknown, left: number): boolean;
  outcome(outcome: RecordOutcome): void;
  /** A sweep: a cell whose record exists (same identity, not under --shard or --fresh) is not scored again. */
  reuseRecords: boolean;
  single: boolean;
}

export interface LoadedQueries {
  data: TaskData;
  /** The evaluated queries, in evaluation order. */
  queries: Example[];
  perClass: Task['protocolPerClass'];
  /** The query subset's size, when the run evaluates fewer queries than the split has. */
  limit: number | undefined;
}

/** The task's data, checked, and the query set the run evaluates (a --limit or protocol subset, or the whole split). */
async function loadQueries(task: Task, source: string, options: RunOptions, io: EvaluateIO): Promise<LoadedQueries> {
  const loaded = checkData(task, await task.load({ dataDir: options.dataDir, split: options.split }));
  // Sample data is sample data wherever it lives: a copy passed with --data carries the generator's marker.
  // Support items whose media are not on disk leave the pool before any demonstration is drawn (unusable-media.ts).
  let data: TaskData = excludeMissingSupport({ ...loaded, sample: loaded.sample || isSampleData(loaded.files, options.dataDir, source === 'builtin') });
  checkSubmissionTask(task, data);
  // --protocol flamingo: the paper's query-set size, or for classification a number of queries and pool items per class.
  const perClass = options.protocol === 'flamingo' ? task.protocolPerClass : undefined;
  const requested = options.limit ?? (options.protocol === 'flamingo' && !perClass ? task.protocolQuerySize : undefined);
  const queries = perClass
    ? querySubsetPerClass(data.query, task.id, perClass.query, perClass.classOf)
    : querySubset(data.query, task.id, requested);
  // Media that are there but cannot be used: the pools' and the queries' probed before any demonstration is drawn.
  data = await setAsideUnreadable({
    data,
    queries,
    pools: (support) => options.seeds.map((seed) => drawPool(support, { supportSize: options.supportSize, perClass }, seed, task.id)),
  });
  const excludedNotice = excludedSupportNotice(task.id, data);
  if (excludedNotice) io.stderr?.write(`flamingo-eval: ${excludedNotice}\n`);
  const unusable = unusableQueries(task.id, queries, options.onMediaError === 'skip');
  if (unusable.error) throw unusable.error;
  if (unusable.notice) io.stderr?.write(`flamingo-eval: ${unusable.notice}\n`);
  if (requested !== undefined && queries.length < requested) {
    // Not an error (a partial download, the sample data), but the record's n would otherwise be the only hint.
    const asked = options.limit !== undefined ? `--limit ${requested}` : `--protocol flamingo (${requested} queries)`;
    io.stderr?.write(`${task.id}: ${asked} asks for more queries than the ${task.splits.query} split has: evaluating all ${queries.length}\n`);
  }
  // --protocol flamingo on a copy smaller than the protocol's query set: said at the start, and marked in the record
  // (data.protocolShortfall) and on the leaderboard, so the cell is never read as a full-protocol score.
  const protocolAsked =
    options.protocol !== 'flamingo'
      ? undefined
      : perClass
        ? perClass.query * new Set(data.query.map((example) => perClass.classOf(example))).size
        : task.protocolQuerySize;
  if (protocolAsked !== undefined && queries.length < protocolAsked) {
    if (perClass) {
      io.stderr?.write(
        `${task.id}: --protocol flamingo asks for ${perClass.query} queries per class (${protocolAsked} in all); ` +
          `the ${task.splits.query} split has ${queries.length}: evaluating those, marked as short of the protocol\n`,
      );
    }
    data.protocolShortfall = { asked: protocolAsked, evaluated: queries.length };
  }
  // A limit the split does not exceed evaluates the whole split: the record is the whole split's (same identity, no
  // `-limit<n>` in its name, not a subset on the leaderboard).
  const limit = requested !== undefined && queries.length < data.query.length ? requested : undefined;
  return { data, queries, perClass, limit };
}

async function evaluateTask(
  { entry: { task, source, shots: shotsList, args: taskArgs }, loaded, examplesPerShots, options: taskOptions }: PreparedTask,
  opened: OpenedBackend,
  model: unknown,
  io: EvaluateIO,
  hooks: CellHooks,
): Promise<void> {
  // The task's own data folder and root, resolved when its data was loaded (prepareParts).
  const options = taskOptions;
  const { data, queries, perClass, limit } = loaded!;
  const templates = promptTemplates(task, options.promptStyle);
  let run: TaskRun;
  try {
    const facts: RunFacts = {
      modelName: opened.backend.info().name,
      model,
      task: await taskIdentity(task.id, source),
      data: dataIdentity(data.files, data.sample, options.split, options.dataDir),
      sample: data.sample,
      excludedSupport: (data.excludedSupport ?? []).map((example) => example.id),
      kind: task.kind,
      candidatePrefix: templates.candidatePrefix ?? '',
    };
    const reuse = hooks.reuseRecords && !options.shard && !options.fresh;
    run = { task, source, taskArgs, opened, options, io, data, queries, perClass, limit, templates, facts, progress: hooks.progress, reuse, single: hooks.single };
    if (opened.backend.preflight && options.sampler !== 'rices' && shotsList.length > 1) {
      // The largest shot count's prompts carry the most media: a backend that cannot take them (a served model's
      // image limit) says so before the smaller shot counts run, and the task's cells are skipped (RICES plans need
      // the model's features, so those are checked shot count by shot count).
      const shots = Math.max(...shotsList);
      const config = resolveRunConfig({ options, task, source, taskArgs, model: opened, shots, perClass, limit, ablation: null });
      await opened.backend.preflight(promptsOf(await planShots(run, shots, config)));
    }
  } catch (error) {
    hooks.fail(cellKeys(options, shotsList), error, examplesPerShots * cellKeys(options, shotsList).length);
    return;
  }
  // Each --ablation is a variant with its own configuration (identity, journal, record), so a cell of its own; null
  // is the plain run.
  const keys = cellKeys(options, shotsList);
  for (const [i, key] of keys.entries()) {
    hooks.begin(key);
    const before = hooks.progress.finished;
    try {
      const outcome = await evaluateShots(run, key.shots, key.ablation);
      // A reused record's examples are done: the display counts them as resumed.
      if (outcome?.reused) hooks.progress.resume(examplesPerShots - (hooks.progress.finished - before));
      if (outcome) hooks.outcome({ path: outcome.path, record: outcome.record });
    } catch (error) {
      const left = examplesPerShots - (hooks.progress.finished - before);
      if (!hooks.fail([key], error, left)) {
        const rest = keys.slice(i + 1);
        if (rest.length > 0) hooks.fail(rest, new RunError(`not run: model ${options.model} failed earlier (${clauseOf(error)})`), examplesPerShots * rest.length);
        return;
      }
    }
  }
}

/** What the shot counts of one task share: the task, its data and query set, the facts of its identity. */
interface TaskRun {
  task: Task;
  source: string;
  taskArgs: ArgValues;
  opened: OpenedBackend;
  options: RunOptions;
  io: EvaluateIO;
  data: TaskData;
  queries: Example[];
  perClass: Task['protocolPerClass'];
  limit: number | undefined;
  templates: PromptTemplates;
  facts: RunFacts;
  /** RICES features, computed on first use and shared by the shot counts. */
  rices?: RicesFeatures;
  /** The run's progress display. */
  progress: Progress;
  /** Return the record already written for this configuration, if there is one, instead of running and scoring. */
  reuse: boolean;
  /** The run's only cell (a run of several says how to join shards once, at its end). */
  single: boolean;
}

const SHARD_HINT = 'join the shards with `flamingo-eval merge` (with a shared results folder, the shard that finishes last writes the record)';

/** The trials' plans of one task x shots (demonstrations drawn, prompts built). */
function planShots(run: TaskRun, shots: number, config: ReturnType<typeof resolveRunConfig>): Promise<TrialPlan[]> {
  return planTrials({
    task: run.task,
    support: run.data.support,
    queries: run.queries,
    shots,
    seeds: config.seeds,
    supportSize: run.options.supportSize,
    perClass: run.perClass,
    zeroShotTextDemos: config.zeroShotTextDemos ?? 0,
    templates: run.templates,
    rices: run.rices,
    promptEnsemble: ensembleSize(config),
    sample: run.data.sample,
    ...(config.ablation ? { ablation: config.ablation } : {}),
  });
}

/** Every prompt of the plans, ensemble orderings included. */
function promptsOf(plans: TrialPlan[]): Prompt[] {
  return plans.flatMap((plan) => plan.queries.flatMap((query) => [query.prompt, ...(query.orderings ?? []).map((ordering) => ordering.prompt)]));
}

/** One task x shots: its configuration, plans and journal; runs what is left; writes the record (or shard record). */
async function evaluateShots(run: TaskRun, shots: number, ablation: Ablation | null): Promise<(RecordOutcome & { reused?: boolean }) | undefined> {
  const { task, options, io, data, queries, perClass, facts } = run;
  const backend = run.opened.backend;
  const started = performance.now();
  const config = resolveRunConfig({
    options,
    task,
    source: run.source,
    taskArgs: run.taskArgs,
    model: run.opened,
    shots,
    perClass,
    limit: run.limit,
    ablation,
  });
  const identities = configIdentity(config, facts);
  const path = recordFile(config, facts, identities.record);
  if (run.reuse) {
    const record = finishedRecord(path, identities.record.hash);
    if (record) return { path, record, reused: true };
  }
  if (config.sampler === 'rices') run.rices ??= ricesFeatures(backend, config, options, task, modelDir(config, facts), io);
  const plans = await planShots(run, shots, config);
  // The backend may refuse prompts it cannot take (a served model's image limit) before any is sent.
  await backend.preflight?.(promptsOf(plans));
  const journal = openJournal(config, facts, identities.journal, options, io);
  try {
    const outcome = await runShots({ task, backend, options, io, plans, journal, shots, config, data, path, progress: run.progress });
    const assemble = (trials: Trial[]) =>
      assembleRecord({
        task,
        shots,
        model: { ...backend.info(), spec: options.model },
        data,
        querySize: queries.length,
        plans,
        trials,
        resumed: outcome.resumed,
        startedAt: started,
        config: recordConfig(config, identities, journal.path),
      });
    if (options.shard) {
      const shard = options.shard;
      const shardPath = shardRecordPath(path, shard);
      writeShardRecord(shardPath, assemble(plans.map((plan) => shardTrial(task, plan, journal.entries, shard))), shard, plans);
      io.stderr?.write(
        `${io.stderr?.isTTY && !options.quiet ? '\n' : ''}${task.id} ${shots}-shot: shard ${formatShard(shard)} done: ${shardPath}` +
          (outcome.trials || !run.single ? '\n' : `; ${SHARD_HINT}\n`),
      );
    }
    if (!outcome.trials) return undefined;
    const record = assemble(outcome.trials);
    writeRecord(path, record);
    return { path, record };
  } finally {
    journal.close();
  }
}

/**
 * The record at `path` when it is a finished record of this configuration (the same record identity: model files,
 * task, data files, shots, demonstrations, prompts, queries, seeds and scoring), else undefined (then the cell runs,
 * resuming its journal, and writes it again).
 */
function finishedRecord(path: string, identity: string): RunRecord | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
    return record.config?.identity === identity && Array.isArray(record.trials) && record.summary ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * This configuration's journal. When it has none yet, the journals of the same task, shots and variant written under
 * another configuration are named on stderr with how they differ, so that a changed model file, data folder or task
 * is not taken for a lost journal (once this configuration has its own, the run resumes that and the others are not news).
 */
function openJournal(
  config: RunConfig,
  facts: RunFacts,
  identity: { hash: string; parts: Record<string, string> },
  options: RunOptions,
  io: EvaluateIO,
): Journal {
  const dir = journalDir(config, facts);
  const stem = journalStem(config);
  if (!options.fresh && !hasJournal(dir, `${stem}-${identity.hash}`)) {
    for (const other of otherJournals(dir, stem, identity.hash)) {
      const differs = other.parts ? identityDifferencesText(other.parts, identity.parts) : 'written by an earlier version';
      io.stderr?.write(
        `${config.task} ${config.shots}-shot: not resuming ${shorten(other.path)} (${other.examples} examples): it was written ` +
          `under another configuration (${differs}); this configuration has its own journal\n`,
      );
    }
  }
  return Journal.open({ dir, base: `${stem}-${identity.hash}`, shard: options.shard }, identity.hash, { parts: identity.parts }, options.fresh);
}

interface ShotsRun {
  task: Task;
  backend: Backend;
  options: RunOptions;
  io: EvaluateIO;
  plans: TrialPlan[];
  journal: Journal;
  shots: number;
  config: RunConfig;
  data: TaskData;
  /** The record's path (answers files of unannotated splits go beside it). */
  path: string;
  /** The run's progress display. */
  progress: Progress;
}

/**
 * Runs what the journal does not hold yet and scores every trial. No trials when other --shard runs still have
 * examples to do (with a shared results folder, the shard that finishes last writes the record).
 */
async function runShots(run: ShotsRun): Promise<{ trials?: Trial[]; resumed: number }> {
  const { task, options, plans, journal, shots } = run;
  const pending: PendingQuery[] = [];
  let resumed = 0;
  for (const plan of plans) {
    for (const query of plan.queries) {
      if (!inShard(options.shard, task.id, query.example.id)) continue;
      // An example skipped for an unreadable medium is tried again (the file may have been fixed since).
      if (isJournaled(journal, plan.seed, query) && !wasSkipped(journal, plan.seed, query)) resumed++;
      else pending.push({ seed: plan.seed, query });
    }
  }
  const total = plans.reduce((n, plan) => n + plan.queries.length, 0);
  const progress = run.progress;
  progress.resume(resumed);
  try {
    await runPending({
      backend: run.backend,
      task,
      generation: run.config.generation,
      candidatePrefix: promptTemplates(task, options.promptStyle).candidatePrefix ?? '',
      work: pending,
      batchSize: options.batchSize,
      concurrency: options.concurrency,
      journal,
      onMediaError: options.onMediaError,
      onProgress: (count) => progress.advance(count),
    });
  } catch (error) {
    if (!(error instanceof RunError)) throw error;
    throw new RunError(
      `${error.message}\n${countJournaled(plans, journal)} of ${total} examples are in the journal ${journal.path}; ` +
        'run the same command again to resume',
      { cause: error },
    );
  }
  if (options.shard) {
    journal.readSiblings();
    if (countJournaled(plans, journal) < total) return { resumed };
  }
  const trials = plans.map((plan) =>
    run.data.unannotated
      ? buildSubmissionTrial(task, plan, journal.entries, run.path, run.data)
      : buildTrial(task, plan, journal.entries),
  );
  return { trials, resumed };
}

/** A journaled example counts only if it was asked exactly this prompt (guards against changed templates). */
function isJournaled(journal: Journal, seed: number, query: PlannedQuery): boolean {
  const done = journal.entries.get(entryKey(seed, query.example.id));
  return done !== undefined && JSON.stringify(done.example.prompt) === JSON.stringify(query.prompt);
}

function wasSkipped(journal: Journal, seed: number, query: PlannedQuery): boolean {
  return journal.entries.get(entryKey(seed, query.example.id))?.example.skipped !== undefined;
}

function countJournaled(plans: TrialPlan[], journal: Journal): number {
  return plans.reduce((n, plan) => n + plan.queries.filter((q) => isJournaled(journal, plan.seed, q)).length, 0);
}

function identityDifferencesText(a: Record<string, string>, b: Record<string, string>): string {
  const names = identityDifferences(a, b);
  return names.length > 0 ? `it differs in: ${names.join(', ')}` : 'same parts, another hash';
}

/** A path relative to the working folder when it is inside it. */
function shorten(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

function checkData(task: Task, data: TaskData): TaskData {
  const where = `task ${task.id}: load()`;
  if (!Array.isArray(data?.support) || !Array.isArray(data?.query)) {
    throw new InputError(`${where} must return {support: Example[], query: Example[], files, sample}`);
  }
  if (data.query.length === 0) throw new InputError(`${where} returned no query examples (split ${task.splits.query})`);
  for (const [split, examples] of [['support', data.support], ['query', data.query]] as const) {
    const seen = new Set<string>();
    for (const example of examples) {
      if (typeof example?.id !== 'string') throw new InputError(`${where}: a ${split} example has no string "id"`);
      if (seen.has(example.id)) {
        const files = (data.files ?? []).map((file) => file.path).join(', ');
        throw new InputError(`${where}: two ${split} examples share the id "${example.id}"${files ? ` (read from ${files})` : ''}`, data.files?.[0]?.path);
      }
      seen.add(example.id);
    }
  }
  return { ...data, files: data.files ?? [], sample: data.sample === true };
}

function ricesFeatures(
  backend: Backend,
  config: RunConfig,
  options: RunOptions,
  task: Task,
  modelDir: string,
  io: EvaluateIO,
): RicesFeatures {
  const pools = new Map<number, Promise<Features>>();
  let queries: Promise<Features> | undefined;
  // Embedding thousands of images can take a while: show it like the run itself.
  const reporter = (label: string) => {
    let progress: Progress | undefined;
    return (done: number, total: number) => {
      progress ??= createProgress({ label, total, already: 0, quiet: options.quiet, unit: 'media', stream: io.stderr });
      progress.advance(done - progress.finished);
      if (done === total) progress.done();
    };
  };
  return {
    pool(seed: number, pool: Example[]) {
      if (!pools.has(seed)) {
        const key = createHash('sha256')
          .update(JSON.stringify([config.model, backend.info(), task.id, seed, pool.map((example) => example.id)]))
          .digest('hex')
          .slice(0, 16);
        const file = join(modelDir, 'cache', `rices-${safeName(task.id)}-seed${seed}-${key}.features`);
        const progress = reporter(`${task.id} RICES support features (seed ${seed})`);
        pools.set(seed, poolFeatures(backend, pool, file, config.batchSize, progress));
      }
      return pools.get(seed)!;
    },
    queries(examples: Example[]) {
      queries ??= embedExamples(backend, examples, config.batchSize, reporter(`${task.id} RICES query features`));
      return queries;
    },
  };
}
