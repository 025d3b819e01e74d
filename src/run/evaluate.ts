// One evaluation, top to bottom: resolve tasks and backend -> load data -> choose demonstrations and build prompts
// -> run what the journal does not hold yet (bounded, journaled) -> score each trial -> write one record per shots.
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { InputError, RunError, UsageError, exitCodeOf } from '../core/errors.ts';
import { createBackend } from '../backends/index.ts';
import { excludedSupportNotice, excludeMissingSupport } from './missing-media.ts';
import type { Backend, Example, GenerationSettings, RunRecord, Task, TaskData, Trial } from '../core/types.ts';
import { okvqaTask } from '../tasks/okvqa.ts';
import { isSampleData } from '../core/sample-data.ts';
import { dataIdentity, identityDifferences, modelIdentity, runIdentities, taskIdentity, type ModelIdentity } from './identity.ts';
import { formatFrameSampling } from '../media/sampling.ts';
import { Journal, entryKey, hasJournal, otherJournals } from './journal.ts';
import type { RunOptions } from './options.ts';
import { planTrials, type PlannedQuery, type RicesFeatures, type TrialPlan } from './plan.ts';
import { createProgress, type Progress } from './progress.ts';
import { assembleRecord, buildTrial, recordPath, slug, writeRecord } from './record.ts';
import { embedExamples, poolFeatures, type Features } from './rices.ts';
import { promptTemplates } from './prompt.ts';
import { runPending, type PendingQuery } from './runner.ts';
import { formatShard, inShard, shardRecordPath, shardTrial, writeShardRecord } from './shard.ts';
import { defaultZeroShotTextDemos, querySubset, querySubsetPerClass } from './sampler.ts';
import { buildSubmissionTrial, checkSubmissionTask } from './submission.ts';
import { resolveRunTasks, type RunTask } from './tasks.ts';

export interface RecordOutcome {
  path: string;
  record: RunRecord;
}

export interface TaskFailure {
  task: string;
  error: unknown;
}

/** Some tasks of a multi-task run failed: carries the records the others wrote, so they are still reported. */
export class TaskFailures extends Error {
  constructor(
    readonly outcomes: RecordOutcome[],
    readonly failures: TaskFailure[],
  ) {
    super(
      `${failures.length} task(s) failed: ` + failures.map((f) => `${f.task} (${clauseOf(f.error)})`).join('; ') +
        '; the journals keep every finished example: fix the cause and run the same command again to resume',
    );
    this.name = 'TaskFailures';
  }

  /** 2 when every failure was bad input, else 1 (a run failed). */
  get exitCode(): number {
    return this.failures.every((f) => exitCodeOf(f.error) === 2) ? 2 : 1;
  }
}

/** An error's message inside a longer sentence: without its closing full stop (not `...only one.; going on`). */
function clauseOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
}

export interface EvaluateIO {
  stderr?: NodeJS.WriteStream;
}

export async function evaluate(options: RunOptions, io: EvaluateIO = {}): Promise<RecordOutcome[]> {
  const resolved = withOkvqaStem(
    await resolveRunTasks(options.tasks, options, (message) => io.stderr?.write(`${message}\n`)),
    options,
  );
  for (const { task } of resolved) promptTemplates(task, options.promptStyle);

  const backend = await createBackend(options.model, {
    threads: options.threads,
    workers: options.workers,
    baseUrl: options.baseUrl,
    frames: options.frames,
    concurrency: options.concurrency,
    apiKeyEnv: options.apiKeyEnv,
    requestTimeoutMs: options.requestTimeoutMs,
    retries: options.retries,
    imageSize: options.imageSize,
  });
  try {
    if (options.sampler === 'rices' && !backend.embed) {
      throw new UsageError(`--sampler rices: model ${options.model} has no embed() for visual features; use --sampler random`);
    }
    const model = await modelIdentity(options.model, backend.info(), { baseUrl: options.baseUrl, imageSize: options.imageSize });
    const outcomes: RecordOutcome[] = [];
    const failures: TaskFailure[] = [];
    for (const entry of resolved) {
      try {
        outcomes.push(...(await evaluateTask(entry, backend, model, options, io)));
      } catch (error) {
        // A run of several tasks goes on past one task's bad data (its journal keeps what was done); a bad flag or a
        // failing backend (RunError) would fail every task the same way, so those stop at once.
        if (resolved.length === 1 || error instanceof UsageError || error instanceof RunError) throw error;
        failures.push({ task: entry.task.id, error });
        io.stderr?.write(`flamingo-eval: task ${entry.task.id} failed: ${clauseOf(error)}; going on with the other tasks\n`);
      }
    }
    if (failures.length > 0) throw new TaskFailures(outcomes, failures);
    return outcomes;
  } finally {
    await backend.close();
  }
}

/**
 * `--okvqa-stem`: the built-in OK-VQA task scores with open_flamingo's answer stemming (okvqaTask({stem: true})).
 * A run without OK-VQA has nothing to stem, which is a usage error rather than a flag silently ignored.
 */
function withOkvqaStem(tasks: RunTask[], options: RunOptions): RunTask[] {
  if (!options.okvqaStem) return tasks;
  const isOkvqa = (entry: RunTask) => entry.task.id === 'okvqa' && entry.source === 'builtin';
  if (!tasks.some(isOkvqa)) {
    throw new UsageError(
      `--okvqa-stem stems OK-VQA answers, but --task ${options.tasks.join(',')} runs no OK-VQA: add --task okvqa or drop the flag`,
    );
  }
  return tasks.map((entry) => (isOkvqa(entry) ? { ...entry, task: okvqaTask({ stem: true }) } : entry));
}

/** Whether this run's task scores OK-VQA with open_flamingo's stemming (named in the record and its file name). */
function stems(task: Task, options: RunOptions): boolean {
  return options.okvqaStem && task.id === 'okvqa';
}

async function evaluateTask(
  { task, source, shots: shotsList }: RunTask,
  backend: Backend,
  model: ModelIdentity,
  options: RunOptions,
  io: EvaluateIO,
): Promise<RecordOutcome[]> {
  const loaded = checkData(task, await task.load({ dataDir: options.dataDir, split: options.split }));
  // Sample data is sample data wherever it lives: a copy passed with --data carries the generator's marker.
  // Support items whose media are not on disk leave the pool before any demonstration is drawn (missing-media.ts).
  const data: TaskData = excludeMissingSupport({ ...loaded, sample: loaded.sample || isSampleData(loaded.files, options.dataDir) });
  const excludedNotice = excludedSupportNotice(task.id, data);
  if (excludedNotice) io.stderr?.write(`flamingo-eval: ${excludedNotice}\n`);
  checkSubmissionTask(task, data);
  // --protocol flamingo: the paper's query-set size, or for classification a number of queries and pool items per class.
  const perClass = options.protocol === 'flamingo' ? task.protocolPerClass : undefined;
  const requested = options.limit ?? (options.protocol === 'flamingo' && !perClass ? task.protocolQuerySize : undefined);
  const queries = perClass
    ? querySubsetPerClass(data.query, task.id, perClass.query, perClass.classOf)
    : querySubset(data.query, task.id, requested);
  if (requested !== undefined && queries.length < requested) {
    // Not an error (a partial download, the sample data), but the record's n would otherwise be the only hint.
    const asked = options.limit !== undefined ? `--limit ${requested}` : `--protocol flamingo (${requested} queries)`;
    io.stderr?.write(`${task.id}: ${asked} asks for more queries than the ${task.splits.query} split has: evaluating all ${queries.length}\n`);
  }
  // A limit the split does not exceed evaluates the whole split: the record is the whole split's (same identity, no
  // `-limit<n>` in its name, not a subset on the leaderboard).
  const limit = requested !== undefined && queries.length < data.query.length ? requested : undefined;
  const zeroShotTextDemos = options.zeroShotTextDemos ?? defaultZeroShotTextDemos(task.kind);
  const generation: GenerationSettings = {
    ...task.generation,
    ...(options.maxNewTokens !== undefined ? { maxNewTokens: options.maxNewTokens } : {}),
    ...(options.numBeams !== undefined ? { numBeams: options.numBeams } : {}),
    ...(options.lengthPenalty !== undefined ? { lengthPenalty: options.lengthPenalty } : {}),
  };
  const info = backend.info();
  const modelDir = join(options.resultsDir, slug(info.name));
  const rices = options.sampler === 'rices' ? ricesFeatures(backend, options, task, modelDir, io) : undefined;

  const templates = promptTemplates(task, options.promptStyle);
  const promptEnsemble = ensembleOf(task, options);
  const taskPart = await taskIdentity(task.id, source);
  const outcomes: RecordOutcome[] = [];
  for (const shots of shotsList) {
    const started = performance.now();
    const plans = await planTrials({
      task,
      support: data.support,
      queries,
      shots,
      seeds: options.seeds,
      supportSize: options.supportSize,
      perClass,
      zeroShotTextDemos,
      templates,
      rices,
      promptEnsemble,
    });
    // The configuration identity (src/run/identity.ts): what decides each example's output (the journal's hash; not
    // --limit or --seeds, since examples are journaled by seed and id, so a run can be extended and reuse it), and
    // with the query set, seeds and scoring, the record's. --concurrency, --batch-size and --threads change nothing.
    const identities = runIdentities({
      format: 2,
      model,
      task: taskPart,
      shots,
      data: dataIdentity(data.files, data.sample, options.split, options.dataDir),
      demonstrations: {
        supportSize: perClass ? { perClass: perClass.support } : options.supportSize,
        sampler: options.sampler,
        zeroShotTextDemos: shots === 0 ? zeroShotTextDemos : null,
        promptEnsemble,
        // Support items whose media are missing change the pool, so the draws: a run after the clips come back is
        // another configuration (absent, and the hash unchanged, when nothing is missing).
        ...(data.excludedSupport?.length ? { excluded: data.excludedSupport.map((e) => e.id) } : {}),
      },
      prompt: { style: options.promptStyle, candidatePrefix: templates.candidatePrefix ?? '' },
      output: task.kind === 'generate' ? { generation } : { lengthNormalize: task.lengthNormalize ?? false },
      frames: task.modality === 'video' ? formatFrameSampling(options.frames) : undefined,
      queries: { protocol: options.protocol, limit: limit ?? null, perClass: perClass?.query ?? null },
      seeds: options.seeds,
      scoring: stems(task, options) ? { okvqaStem: true } : undefined,
    });
    const configHash = identities.journal.hash;
    const path = recordPath(
      options.resultsDir,
      info.name,
      task.id,
      shots,
      variantSuffix(options, task) + recordSuffix(options, task, data, limit),
      identities.record.hash,
    );
    const journalDir = join(modelDir, 'journals');
    const journalStem = `${slug(`${task.id}-${shots}shot${variantSuffix(options, task)}`)}`;
    // Said when this configuration starts its journal, so that a changed model file or data folder is not taken for a
    // lost journal (once this configuration has its own, the run resumes that and the others are not news).
    if (!options.fresh && !hasJournal(journalDir, `${journalStem}-${configHash}`)) {
      for (const other of otherJournals(journalDir, journalStem, configHash)) {
        const differs = other.parts ? identityDifferencesText(other.parts, identities.journal.parts) : 'written by an earlier version';
        io.stderr?.write(
          `${task.id} ${shots}-shot: not resuming ${shorten(other.path)} (${other.examples} examples): it was written ` +
            `under another configuration (${differs}); this configuration has its own journal\n`,
        );
      }
    }
    const journal = Journal.open(
      { dir: journalDir, base: `${journalStem}-${configHash}`, shard: options.shard },
      configHash,
      { parts: identities.journal.parts },
      options.fresh,
    );
    try {
      const outcome = await runShots({ task, backend, options, io, plans, journal, shots, generation, data, path });
      const assemble = (trials: Trial[]) =>
        assembleRecord({
          task,
          shots,
          model: { ...info, spec: options.model },
          data,
          querySize: queries.length,
          plans,
          trials,
          resumed: outcome.resumed,
          startedAt: started,
          config: {
            task: task.id,
            taskSource: source,
            model: options.model,
            shots,
            seeds: options.seeds,
            supportSize: perClass ? null : options.supportSize,
            perClass: perClass ? { query: perClass.query, support: perClass.support } : null,
            limit: limit ?? null,
            protocol: options.protocol,
            sampler: options.sampler,
            zeroShotTextDemos: shots === 0 ? zeroShotTextDemos : null,
            promptStyle: options.promptStyle,
            promptEnsemble: task.kind === 'rank' ? options.promptEnsemble : null,
            dataDir: options.dataDir ?? null,
            split: options.split ?? null,
            resultsDir: options.resultsDir,
            concurrency: options.concurrency,
            batchSize: options.batchSize,
            generation,
            lengthNormalize: task.lengthNormalize ?? false,
            threads: options.threads ?? null,
            frames: task.modality === 'video' ? options.frames : null,
            onMediaError: options.onMediaError,
            shard: options.shard ? formatShard(options.shard) : null,
            fresh: options.fresh,
            okvqaStem: stems(task, options) ? true : null,
            keepAllScores: task.goldCandidate ? options.keepAllScores : null,
            journal: journal.path,
            configHash,
            identity: identities.record.hash,
            identityParts: identities.record.parts,
          },
        });
      if (options.shard) {
        const shard = options.shard;
        const shardPath = shardRecordPath(path, shard);
        writeShardRecord(shardPath, assemble(plans.map((plan) => shardTrial(task, plan, journal.entries, shard))), shard, plans);
        io.stderr?.write(
          `${task.id} ${shots}-shot: shard ${formatShard(shard)} done: ${shardPath}` +
            (outcome.trials ? '\n' : '; join the shards with `flamingo-eval merge` (with a shared results folder, the shard that finishes last writes the record)\n'),
        );
      }
      if (outcome.trials) {
        const record = assemble(outcome.trials);
        writeRecord(path, record);
        outcomes.push({ path, record });
      }
    } finally {
      journal.close();
    }
  }
  return outcomes;
}

interface ShotsRun {
  task: Task;
  backend: Backend;
  options: RunOptions;
  io: EvaluateIO;
  plans: TrialPlan[];
  journal: Journal;
  shots: number;
  generation: GenerationSettings;
  data: TaskData;
  /** The record's path (answers files of unannotated splits go beside it). */
  path: string;
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
      // An example skipped for an unreadable medium is tried again (the file may have been fixed since).
      if (isJournaled(journal, plan.seed, query) && !wasSkipped(journal, plan.seed, query)) resumed++;
      else if (inShard(options.shard, task.id, query.example.id)) pending.push({ seed: plan.seed, query });
    }
  }
  const total = plans.reduce((n, plan) => n + plan.queries.length, 0);
  const progress = createProgress({
    label: `${task.id} ${shots}-shot`,
    total: resumed + pending.length,
    already: resumed,
    quiet: options.quiet,
    stream: run.io.stderr,
  });
  try {
    await runPending({
      backend: run.backend,
      task,
      generation: run.generation,
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
  } finally {
    progress.done();
  }
  if (options.shard) {
    journal.readSiblings();
    if (countJournaled(plans, journal) < total) return { resumed };
  }
  const trials = plans.map((plan) =>
    run.data.unannotated
      ? buildSubmissionTrial(task, plan, journal.entries, run.path, run.data)
      : buildTrial(task, plan, journal.entries, { keepAllScores: options.keepAllScores }),
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

/**
 * Record names carry the non-default choices, so that a RICES run does not overwrite a random-sampler one, nor a
 * test-dev run a val one.
 */
function variantSuffix(options: RunOptions, task: Task): string {
  return (
    (options.split !== undefined ? `-${slug(options.split)}` : '') +
    (options.sampler !== 'random' ? `-${options.sampler}` : '') +
    (options.promptStyle !== 'paper' ? `-${options.promptStyle}` : '') +
    (ensembleOf(task, options) > 1 ? `-ensemble${options.promptEnsemble}` : '')
  );
}

/**
 * What else a record's name says, after the journal's variant: OK-VQA stemming, sample data, a --limit subset. The
 * name ends with the record's identity hash, so configurations these words do not tell apart still get their own file.
 */
function recordSuffix(options: RunOptions, task: Task, data: TaskData, limit: number | undefined): string {
  return (
    (stems(task, options) ? '-stem' : '') +
    (data.sample ? '-sample' : '') +
    (options.limit !== undefined && limit !== undefined ? `-limit${limit}` : '')
  );
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

/** --prompt-ensemble applies to close-ended tasks; open-ended ones ignore it. */
function ensembleOf(task: Task, options: RunOptions): number {
  return task.kind === 'rank' ? options.promptEnsemble : 1;
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
      if (seen.has(example.id)) throw new InputError(`${where}: two ${split} examples share the id "${example.id}"`);
      seen.add(example.id);
    }
  }
  return { ...data, files: data.files ?? [], sample: data.sample === true };
}

function ricesFeatures(
  backend: Backend,
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
          .update(JSON.stringify([options.model, backend.info(), task.id, seed, pool.map((example) => example.id)]))
          .digest('hex')
          .slice(0, 16);
        const file = join(modelDir, 'cache', `rices-${slug(task.id)}-seed${seed}-${key}.features`);
        const progress = reporter(`${task.id} RICES support features (seed ${seed})`);
        pools.set(seed, poolFeatures(backend, pool, file, options.batchSize, progress));
      }
      return pools.get(seed)!;
    },
    queries(examples: Example[]) {
      queries ??= embedExamples(backend, examples, options.batchSize, reporter(`${task.id} RICES query features`));
      return queries;
    },
  };
}
