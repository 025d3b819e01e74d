// `flamingo-eval compare <A> <B>`: for every task x shots x variant that both sides evaluated on the same queries,
// demonstrations and scoring, the paired bootstrap difference B - A (src/stats/query-bootstrap.ts) with Holm's
// correction across the cells compared. Records are paired only when their configuration identities
// (src/run/identity.ts) agree in every part that decides the queries, the demonstrations and the scoring, and their
// trials list the same queries; otherwise the pair is refused, naming the parts that differ.
//
// Each record's metric is recomputed on the resamples from what it keeps (each example's answer and candidate
// scores) and the task's query examples, loaded again from the data the record names and checked to be the same
// files (sha256); a recomputation that does not reproduce the record's own value is refused too.
import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from '../core/errors.ts';
import { resolveArgs } from '../core/args.ts';
import type { Example, ExampleRecord, RunRecord, ScoredItem, Task, TaskData } from '../core/types.ts';
import { choosePerCell, rowName } from '../leaderboard/board.ts';
import { findRecordFiles, readRecords, type RecordEntry } from '../leaderboard/records.ts';
import { identityDifferences } from '../run/identity.ts';
import { parseRecord, recordedTaskArgs } from '../run/record-schema.ts';
import { configureTask, resolveTask } from '../run/tasks.ts';
import { holmAdjust, pairedDifference, verdictOf, type Resampler, type Verdict } from '../stats/query-bootstrap.ts';
import { overPositions, perItemMean, taskResampler } from '../stats/resamplers.ts';
import { rescoreClassRecord } from '../tasks/kit/task-score.ts';

export interface CompareOptions {
  /** Compare A's records at this shot count with B's at `shotsB` (both or neither). */
  shotsA?: number;
  shotsB?: number;
  /** Only these tasks (ids), in this order. */
  tasks?: string[];
  /** Only these shot counts (when not comparing shot counts). */
  shots?: number[];
  samples: number;
  seed: number;
  level: number;
  /** Where the task data is, when not where the records say (`--data`). */
  dataDir?: string;
}

export interface ComparedCell {
  task: string;
  split: string | null;
  metric: string;
  /** Non-default run choices (`RICES`, `openflamingo prompts`), empty for the defaults. */
  variant: string;
  shotsA: number;
  shotsB: number;
  modelA: string;
  modelB: string;
  n: number;
  seedsA: number;
  seedsB: number;
  /** Means over seeds on all the queries, their difference, its interval. */
  a: number;
  b: number;
  difference: number;
  low: number;
  high: number;
  level: number;
  samples: number;
  p: number;
  /** Holm-adjusted across the cells compared. */
  pHolm: number;
  verdict: Verdict;
  sample: boolean;
  fileA: string;
  fileB: string;
}

export interface RefusedPair {
  task: string;
  shotsA: number;
  shotsB: number;
  variant: string;
  fileA: string;
  fileB: string;
  reason: string;
}

export interface Comparison {
  cells: ComparedCell[];
  refused: RefusedPair[];
  /** Cells only one side has. */
  unmatched: string[];
  warnings: string[];
}

/** Identity parts that decide the queries and the scoring: they must agree for any pair. */
const SAME_QUERIES_AND_SCORING = ['task', 'data', 'queries', 'seeds', 'scoring'] as const;

/** Parts that make two runs of one model different variants (rows of the leaderboard): said when they differ. */
const VARIANT_PARTS = ['prompt', 'output', 'frames'] as const;

export async function compare(a: string[], b: string[], options: CompareOptions): Promise<Comparison> {
  if ((options.shotsA === undefined) !== (options.shotsB === undefined)) {
    throw new UsageError('--shots-a and --shots-b go together: the shot count of A and the one of B to compare with it');
  }
  const warnings: string[] = [];
  const sideA = await readSide('A', a, options, options.shotsA, warnings);
  const sideB = await readSide('B', b, options, options.shotsB, warnings);
  const comparing = options.shotsA !== undefined;
  const keyOf = (e: RecordEntry) => JSON.stringify([e.task, e.split, e.metric, variantOf(e), comparing ? null : e.shots]);
  const byKeyB = new Map(sideB.map((e) => [keyOf(e), e]));
  const keysA = new Set(sideA.map(keyOf));
  const unmatched = [
    ...sideA.filter((e) => !byKeyB.has(keyOf(e))).map((e) => `${cellName(e)}: only in A (${e.file})`),
    ...sideB.filter((e) => !keysA.has(keyOf(e))).map((e) => `${cellName(e)}: only in B (${e.file})`),
  ];
  const order = taskOrder(options.tasks);
  let pairs = sideA
    .filter((e) => byKeyB.has(keyOf(e)))
    .map((e) => [e, byKeyB.get(keyOf(e))!] as const)
    .sort(([x], [y]) => order(x.task, y.task) || x.shots - y.shots || variantOf(x).localeCompare(variantOf(y)));
  if (pairs.length === 0 && sideA.length === 1 && sideB.length === 1 && sideA[0]!.task === sideB[0]!.task) {
    // Two records named one against the other: paired as asked, so that what keeps them apart (another sampler,
    // prompt style, split) is said by the identity check below rather than as two unmatched cells.
    pairs = [[sideA[0]!, sideB[0]!] as const];
    unmatched.length = 0;
  }

  const loader = new TaskDataLoader(options.dataDir);
  const computed: Omit<ComparedCell, 'pHolm' | 'verdict'>[] = [];
  const refused: RefusedPair[] = [];
  for (const [ea, eb] of pairs) {
    const refuse = (reason: string) =>
      refused.push({ task: ea.task, shotsA: ea.shots, shotsB: eb.shots, variant: variantOf(ea), fileA: ea.file, fileB: eb.file, reason });
    const parts = [...SAME_QUERIES_AND_SCORING, ...(ea.shots === eb.shots ? (['demonstrations'] as const) : [])];
    if (!ea.identityParts || !eb.identityParts) {
      refuse(`${!ea.identityParts ? ea.file : eb.file} was written before records held their configuration identity; run it again`);
      continue;
    }
    const differences = identityDifferences(ea.identityParts, eb.identityParts);
    const variantParts = variantOf(ea) === variantOf(eb) ? [] : VARIANT_PARTS.filter((part) => differences.includes(part));
    const differing = [...differences.filter((part) => (parts as readonly string[]).includes(part)), ...variantParts];
    if (differing.length > 0) {
      refuse(`they differ in ${differing.join(', ')} (a paired comparison needs the same ${describeParts(parts)})`);
      continue;
    }
    const [ra, rb] = await Promise.all([readWhole(ea.file), readWhole(eb.file)]);
    const queries = sameQueries(ra, rb);
    if (queries !== undefined) {
      refuse(queries);
      continue;
    }
    let resamplers: [Resampler[], Resampler[]];
    try {
      resamplers = [await loader.resamplers(ra, ea.file), await loader.resamplers(rb, eb.file)];
    } catch (error) {
      if (error instanceof Refusal) {
        refuse(error.message);
        continue;
      }
      throw error;
    }
    const n = ra.trials[0]!.examples.length;
    const d = pairedDifference(n, resamplers[0], resamplers[1], { samples: options.samples, seed: options.seed, level: options.level });
    computed.push({
      task: ea.task,
      split: ea.split,
      metric: ea.metric,
      variant: variantOf(ea),
      shotsA: ea.shots,
      shotsB: eb.shots,
      modelA: ea.model,
      modelB: eb.model,
      n,
      seedsA: ra.trials.length,
      seedsB: rb.trials.length,
      a: d.a,
      b: d.b,
      difference: d.difference,
      low: d.low,
      high: d.high,
      level: d.level,
      samples: d.samples,
      p: d.p,
      sample: ea.sample || eb.sample,
      fileA: ea.file,
      fileB: eb.file,
    });
  }
  const adjusted = holmAdjust(computed.map((cell) => cell.p));
  const cells = computed.map((cell, i) => ({ ...cell, pHolm: adjusted[i]!, verdict: verdictOf(cell.difference, adjusted[i]!, options.level) }));
  return { cells, refused, unmatched, warnings };
}

/** The records of one side, one per task x shots x variant, of one model. */
async function readSide(
  name: 'A' | 'B',
  paths: string[],
  options: CompareOptions,
  shots: number | undefined,
  warnings: string[],
): Promise<RecordEntry[]> {
  const { entries } = await readRecords(await findRecordFiles(paths));
  const wanted = entries.filter(
    (e) =>
      (options.tasks === undefined || options.tasks.includes(e.task)) &&
      (shots !== undefined ? e.shots === shots : options.shots === undefined || options.shots.includes(e.shots)),
  );
  if (wanted.length === 0) {
    const what = [options.tasks ? `task ${options.tasks.join(',')}` : '', shots !== undefined ? `${shots} shots` : options.shots ? `${options.shots.join(',')} shots` : '']
      .filter(Boolean)
      .join(', ');
    throw new InputError(`${name} (${paths.join(', ')}): no scored run records${what ? ` for ${what}` : ''}`, paths[0]);
  }
  const models = [...new Set(wanted.map((e) => e.model))];
  if (models.length > 1) {
    throw new UsageError(
      `${name} (${paths.join(', ')}) holds records of several models (${models.join(', ')}); give one model's folder ` +
        '(results/<model>) or its record files on each side',
    );
  }
  const { kept, warnings: chosen } = choosePerCell(wanted);
  warnings.push(...chosen.map((line) => `${name}: ${line}`));
  return kept;
}

function variantOf(e: RecordEntry): string {
  return rowName('', e).replace(/^ \(|\)$/g, '');
}

function cellName(e: RecordEntry): string {
  const variant = variantOf(e);
  return `${e.task}${e.split ? ` (${e.split})` : ''} ${e.shots}-shot${variant ? ` (${variant})` : ''}`;
}

function describeParts(parts: readonly string[]): string {
  const words: Record<string, string> = {
    task: 'task',
    data: 'data files',
    queries: 'query set',
    seeds: 'seeds',
    scoring: 'scoring',
    demonstrations: 'demonstrations',
  };
  return parts.map((part) => words[part] ?? part).join(', ');
}

/** Tasks in the order given, else by name. */
function taskOrder(tasks: string[] | undefined): (a: string, b: string) => number {
  if (!tasks) return (a, b) => a.localeCompare(b);
  return (a, b) => tasks.indexOf(a) - tasks.indexOf(b);
}

/** The whole record, checked by the one record schema (src/run/record-schema.ts). */
async function readWhole(file: string): Promise<RunRecord> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: not a readable run record (${(error as Error).message})`, file);
  }
  // The schema checks the fields every reader uses; the rest of a record (examples' answers and candidate scores) is
  // what compare rescores, and a mismatch is caught there when the rescored value is not the record's own.
  return parseRecord(file, json) as unknown as RunRecord;
}

/** Undefined when both records list the same queries in every trial; else why not. */
function sameQueries(a: RunRecord, b: RunRecord): string | undefined {
  const ids = (record: RunRecord) => record.trials.map((trial) => trial.examples.map((example) => example.id).join('\n'));
  const [ia, ib] = [ids(a), ids(b)];
  if (ia.length === 0 || ib.length === 0) return 'a record has no trials';
  if (ia.some((list) => list !== ia[0]) || ib.some((list) => list !== ib[0])) return 'their trials do not all list the same queries';
  if (ia[0] !== ib[0]) return 'they differ in queries: the two records list different query examples';
  return undefined;
}

/** A pair that cannot be compared (said in the output, not an error of the whole command). */
class Refusal extends Error {}

/**
 * Rebuilds each trial's resampler from a record: the task configured as the run was, its query examples loaded again
 * (cached per task, arguments and data), checked to be the files the record read.
 */
class TaskDataLoader {
  private readonly cache = new Map<string, Promise<{ task: Task; data: TaskData }>>();

  constructor(private readonly dataDirOverride: string | undefined) {}

  async resamplers(record: RunRecord, file: string): Promise<Resampler[]> {
    const config = record.config as Record<string, unknown>;
    const primary = record.summary.primary;
    const dataDir = this.dataDirOverride ?? (typeof config.dataDir === 'string' ? config.dataDir : undefined);
    const split = typeof config.split === 'string' ? config.split : undefined;
    const spec = config.taskSource === 'builtin' || config.taskSource === undefined ? String(config.task ?? record.task.id) : String(config.taskSource);
    const key = JSON.stringify([spec, config.taskArgs ?? null, dataDir ?? null, split ?? null]);
    let loading = this.cache.get(key);
    if (!loading) {
      loading = (async () => {
        const resolved = await resolveTask(spec);
        const args = resolveArgs({ kind: 'task', id: resolved.task.id }, resolved.task.args, recordedTaskArgs(config, resolved.task.args));
        const task = configureTask(resolved.task, args, resolved.source);
        return { task, data: await task.load({ dataDir, split }) };
      })();
      this.cache.set(key, loading);
    }
    const { task, data } = await loading;
    checkSameFiles(file, record, data, dataDir);
    const byId = new Map(data.query.map((example) => [example.id, example]));
    return record.trials.map((trial) => {
      const examples = trial.examples as ExampleRecord[];
      const scored = examples.flatMap((example, i) => (example.skipped === undefined ? [i] : []));
      const recorded = trial.metrics[primary];
      let resampler: Resampler;
      let value: number;
      if (scored.some((i) => examples[i]!.candidateScores === undefined && examples[i]!.gold !== undefined)) {
        // A classification record keeps each example's correct-class rank, which decides top-k: per-item values.
        const values = scored.map((i) => rescoreClassRecord([examples[i]!], primary).metrics[primary]!);
        resampler = perItemMean(values);
        value = rescoreClassRecord(scored.map((i) => examples[i]!), primary).metrics[primary]!;
      } else {
        const items: ScoredItem[] = scored.map((i) => {
          const example = examples[i]!;
          const query: Example | undefined = byId.get(example.id);
          if (!query) throw new Refusal(`${file}: query ${example.id} is not in the task's query split as loaded now`);
          return { example: query, answer: example.answer, ...(example.candidateScores ? { scores: example.candidateScores } : {}) };
        });
        const score = task.score(items);
        value = score.metrics[primary] ?? Number.NaN;
        // The record's headline metric; the task's own resampler only when it is for that metric.
        const { resampler: own, ...rest } = score;
        resampler = taskResampler(task, items, own && score.primary === primary ? { ...rest, primary, resampler: own } : { ...rest, primary });
      }
      if (typeof recorded !== 'number' || Math.abs(value - recorded) > 1e-9 * Math.max(1, Math.abs(recorded))) {
        throw new Refusal(
          `${file}: rescoring seed ${trial.seed} gives ${primary} ${value}, the record says ${recorded}: the task's scoring ` +
            'changed since the record was written; run it again',
        );
      }
      return overPositions(examples.length, scored, resampler);
    });
  }
}

function checkSameFiles(file: string, record: RunRecord, data: TaskData, dataDir: string | undefined): void {
  const now = new Map((data.files ?? []).map((used) => [used.role, used]));
  for (const used of record.data.files) {
    const found = now.get(used.role);
    if (!found || found.sha256 !== used.sha256) {
      throw new Refusal(
        `${file} was scored on ${used.path} (${used.role}, sha256 ${used.sha256.slice(0, 12)}...), but under ` +
          `${dataDir ?? 'the built-in sample data'} ${found ? `${found.path} has sha256 ${found.sha256.slice(0, 12)}...` : 'there is no such file'}; ` +
          'give --data <dir> holding the files it was scored on',
      );
    }
  }
}
