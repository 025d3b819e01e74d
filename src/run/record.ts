// Run records: one JSON file per model x task x shots with every trial (seed) inside, built from the journal.
import { writeFileAtomic } from '../core/atomic-file.ts';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { RunError, isUndefinedMetric } from '../core/errors.ts';
import type { Example, ExampleRecord, MetricSummary, RunRecord, Shot, Task, TaskData, Trial } from '../core/types.ts';
import { VERSION } from '../core/version.ts';
import { contextItems, contextUse, meanContextUse } from './context-use.ts';
import { entryKey, type JournalEntry } from './journal.ts';
import type { TrialPlan } from './plan.ts';
import { answerOf } from './runner.ts';
import { attachResampler, recordInterval } from './record-ci.ts';

/**
 * Scores one trial from its journaled examples, in the plan's query order. The answer is post-processed again from
 * the raw output, so a record always reflects the task's current post-processing.
 */
export function buildTrial(task: Task, plan: TrialPlan, entries: Map<string, JournalEntry>): Trial {
  const examples = journaledExamples(task, plan, entries);
  // Examples skipped for an unreadable medium (--on-media-error skip) stay in the record but are not scored.
  const scored = examples.flatMap((example, i) => (example.skipped === undefined ? [i] : []));
  if (scored.length === 0) {
    throw new RunError(
      `task ${task.id}: all ${examples.length} examples of seed ${plan.seed} were skipped for unreadable media ` +
        `(first: ${examples[0]?.skipped ?? 'none'}); nothing to score`,
    );
  }
  const items = scored.map((i) => ({
    example: plan.queries[i]!.example,
    answer: examples[i]!.answer,
    ...(examples[i]!.candidateScores ? { scores: examples[i]!.candidateScores } : {}),
  }));
  let score: ReturnType<Task['score']>;
  try {
    score = task.score(items);
  } catch (error) {
    if (!isUndefinedMetric(error)) throw error;
    // The metric has no value on these queries (one class only, no positive, ...): recorded as null with the reason.
    const kept = keptExamples(task, plan, examples);
    // How the model used its demonstrations needs no metric (the score split is then null on both sides).
    const undefinedContext = trialContextUse(task, plan, examples, task.metric);
    return {
      seed: plan.seed,
      metrics: { [task.metric]: null },
      undefinedMetric: error.message,
      n: scored.length,
      skipped: examples.length - scored.length,
      examples: kept,
      ...(undefinedContext ? { contextUse: undefinedContext } : {}),
    };
  }
  if (!(score.primary in score.metrics)) {
    throw new RunError(`task ${task.id}: score() names primary metric "${score.primary}" but does not return it`);
  }
  if (score.perItem) score.perItem.forEach((value, k) => (examples[scored[k]!]!.score = value));
  const contextUse = trialContextUse(task, plan, examples, score.primary);
  const skipped = examples.length - scored.length;
  const kept = keptExamples(task, plan, examples);
  const trial: Trial = {
    seed: plan.seed,
    metrics: score.metrics,
    n: scored.length,
    skipped,
    ...(contextUse ? { contextUse } : {}),
    examples: kept,
  };
  attachResampler(trial, task, plan.queries.map((query) => query.example.id), scored, items, score);
  return trial;
}

/** The trial's context-use figures (src/run/context-use.ts); the score split is the task's own primary metric. */
function trialContextUse(task: Task, plan: TrialPlan, examples: ExampleRecord[], primary: string) {
  const compared = contextItems(task, examples);
  if (!compared) return undefined;
  return contextUse(compared.items, (indices) => {
    const subset = indices.map((k) => compared.indices[k]!);
    // A scorer may refuse a subset (ROC-AUC of memes of one class): that side then has no score, and the run goes on.
    let score;
    try {
      score = task.score(
        subset.map((i) => ({
          example: plan.queries[i]!.example,
          answer: examples[i]!.answer,
          ...(examples[i]!.candidateScores ? { scores: examples[i]!.candidateScores } : {}),
        })),
      );
    } catch {
      return null;
    }
    const value = score.metrics[primary];
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  });
}

/** The examples as the record keeps them: classification examples summarised (rankSummary), others as they are. */
function keptExamples(task: Task, plan: TrialPlan, examples: ExampleRecord[]): ExampleRecord[] {
  return task.goldCandidate ? examples.map((example, i) => rankSummary(task, plan.queries[i]!.example, example)) : examples;
}

/** Candidates a classification record keeps per example (top-5 accuracy needs five). */
export const TOP_CANDIDATES = 5;

/**
 * A classification example as the record keeps it: the TOP_CANDIDATES best candidates with their scores and the
 * correct one's rank and score, instead of a score per class (ImageNet: 1000 per query, ~200 MB per seed at the
 * protocol's 10,000 queries). Best first, equal scores in candidate order: the order the scorer ranks them in
 * (scoreClassRankings), so top-k for k <= 5 can be recomputed from the record.
 */
export function rankSummary(task: Task, query: Example, example: ExampleRecord): ExampleRecord {
  const scores = example.candidateScores;
  const candidates = query.candidates;
  if (!scores || !candidates || !task.goldCandidate) return example;
  const gold = task.goldCandidate(query);
  const goldScore = scores[gold]!;
  let rank = 1;
  scores.forEach((score, i) => {
    if (score > goldScore || (score === goldScore && i < gold)) rank++;
  });
  // The best few by insertion (a pass over 1000 scores, not a sort of them); a strictly higher score moves up, so
  // equal scores keep candidate order.
  const top: number[] = [];
  scores.forEach((score, i) => {
    if (top.length === TOP_CANDIDATES && score <= scores[top[TOP_CANDIDATES - 1]!]!) return;
    let at = top.length;
    while (at > 0 && score > scores[top[at - 1]!]!) at--;
    top.splice(at, 0, i);
    if (top.length > TOP_CANDIDATES) top.pop();
  });
  const { candidateScores: _all, ...rest } = example;
  return {
    ...rest,
    topCandidates: top.map((i) => ({ candidate: candidates[i]!, score: scores[i]! })),
    gold: { candidate: candidates[gold]!, rank, score: goldScore },
  };
}

export interface RecordInput {
  task: Task;
  shots: number;
  model: RunRecord['model'];
  data: TaskData;
  querySize: number;
  plans: TrialPlan[];
  trials: Trial[];
  /** Examples taken from the journal rather than computed by this invocation. */
  resumed: number;
  /** performance.now() when this invocation started on these shots. */
  startedAt: number;
  config: Record<string, unknown>;
}

export function assembleRecord(input: RecordInput): RunRecord {
  const { task, trials } = input;
  const examples = trials.flatMap((trial) => trial.examples);
  const metrics = trials[0]?.metrics ?? {};
  const primary = task.metric in metrics ? task.metric : (Object.keys(metrics)[0] ?? task.metric);
  return {
    tool: { name: 'flamingo-eval', version: VERSION },
    createdAt: new Date().toISOString(),
    config: input.config,
    model: input.model,
    task: { id: task.id, title: task.title, modality: task.modality, kind: task.kind, metric: task.metric },
    shots: input.shots,
    data: {
      sample: input.data.sample,
      files: input.data.files,
      querySize: input.querySize,
      supportSize: input.plans[0]?.supportPoolSize ?? 0,
      ...(input.data.unannotated ? { unannotated: { server: input.data.unannotated.server } } : {}),
      ...(input.data.excludedSupport?.length ? { excludedSupport: input.data.excludedSupport } : {}),
      ...(input.data.protocolShortfall ? { protocolShortfall: input.data.protocolShortfall } : {}),
    },
    trials,
    summary: withInterval(summarize(trials, primary), trials),
    timings: {
      totalMs: performance.now() - input.startedAt,
      backendMs: examples.reduce((sum, example) => sum + example.backendMs, 0),
      mediaMs: examples.reduce((sum, example) => sum + (example.mediaMs ?? 0), 0),
      resumedExamples: input.resumed,
    },
  };
}

/** The trial's examples from the journal, in the plan's query order, each answer post-processed again. */
export function journaledExamples(task: Task, plan: TrialPlan, entries: Map<string, JournalEntry>): ExampleRecord[] {
  return plan.queries.map((query) => {
    const entry = entries.get(entryKey(plan.seed, query.example.id));
    if (!entry) throw new RunError(`internal: no journaled result for ${query.example.id} (seed ${plan.seed})`);
    const shown = shownAnswers(query.shots, entry.example);
    return {
      ...entry.example,
      ...(shown ? { demonstrationAnswers: shown } : {}),
      answer: answerOf(task, entry.example.raw),
      ...readingAids(query.example),
    };
  });
}

/**
 * The answers the example's demonstrations showed: from the plan when it holds this example's demonstrations (so
 * journals written before the field existed still give it), else as the journaled example says (merge plans no
 * demonstrations: the shard records hold them).
 */
function shownAnswers(shots: readonly Shot[], example: ExampleRecord): string[] | undefined {
  const same = shots.length === example.demonstrations.length && shots.every((shot, i) => shot.example.id === example.demonstrations[i]);
  return same && shots.length > 0 ? shots.map((shot) => shot.example.target) : example.demonstrationAnswers ?? (same ? [] : undefined);
}

/** What a reader of the record needs to judge an answer: the target, the references if they are texts, the type. */
function readingAids(example: Example): Pick<ExampleRecord, 'target' | 'references' | 'type'> {
  const { reference } = example;
  const texts = Array.isArray(reference) && reference.every((r) => typeof r === 'string') ? reference : undefined;
  return {
    target: example.target,
    ...(texts ? { references: texts } : {}),
    ...(example.type !== undefined ? { type: example.type } : {}),
  };
}

/** Mean and sample standard deviation (n - 1; 0 for a single value). */
export function meanStd(values: number[]): MetricSummary {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, std: 0 };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

export function summarize(trials: Trial[], primary: string): RunRecord['summary'] {
  const context = meanContextUse(trials.map((trial) => trial.contextUse));
  const names = [...new Set(trials.flatMap((trial) => Object.keys(trial.metrics)))];
  const metrics: Record<string, MetricSummary> = {};
  const undefinedIn = trials.find((trial) => trial.undefinedMetric !== undefined);
  for (const name of names) {
    if (undefinedIn && trials.some((trial) => trial.metrics[name] === null)) {
      metrics[name] = { mean: null, std: null, undefined: `${undefinedIn.undefinedMetric} (seed ${undefinedIn.seed})` };
      continue;
    }
    const values = trials.map((trial) => trial.metrics[name]).filter((value): value is number => typeof value === 'number');
    if (values.length === trials.length) metrics[name] = meanStd(values);
  }
  return { primary, n: trials[0]?.n ?? 0, metrics, ...(context ? { contextUse: context } : {}) };
}

/** The summary with the bootstrap interval of its primary metric (src/run/record-ci.ts), where there is one. */
function withInterval(summary: RunRecord['summary'], trials: Trial[]): RunRecord['summary'] {
  const ci = recordInterval(trials);
  return ci ? { ...summary, ci } : summary;
}

/**
 * Writes the record atomically (a temporary file renamed over the old one), so a reader never sees half a file.
 * The record is indented except its examples, one per line: readable, and a third smaller than fully indented JSON.
 */
export function writeRecord(path: string, record: RunRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  const placeholder = (i: number) => `\u0000examples ${i}\u0000`;
  const outline = { ...record, trials: record.trials.map((trial, i) => ({ ...trial, examples: placeholder(i) })) };
  const text = JSON.stringify(outline, null, 1).replace(/"\\u0000examples (\d+)\\u0000"/g, (_match, i: string) => {
    const examples = record.trials[Number(i)]!.examples;
    return examples.length === 0 ? '[]' : `[\n${examples.map((example) => JSON.stringify(example)).join(',\n')}\n]`;
  });
  writeFileAtomic(path, `${text}\n`);
}
