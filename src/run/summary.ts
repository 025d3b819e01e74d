// What a finished run prints: a table for people (stdout, or stderr under --json) and a JSON summary for scripts.
import { relative } from 'node:path';
import { renderTable } from '../core/table.ts';
import type { ContextUse } from '../core/types.ts';
import type { RecordOutcome } from './evaluate.ts';
import { undefinedAdvice } from './undefined-metric.ts';

export const SAMPLE_WARNING = 'built-in sample data — not a benchmark score';

export interface SummaryRow {
  task: string;
  shots: number;
  metric: string;
  /** null when the metric is undefined on the queries evaluated (`undefined` says why). */
  mean: number | null;
  std: number | null;
  undefined?: string;
  /** 95% bootstrap interval of `mean` over the queries (record summary.ci); absent when the record has none. */
  ci?: { low: number; high: number; level: number; samples: number };
  n: number;
  seeds: number[];
  model: string;
  /** The sweep variant the record is of (`sweep --json`); absent in a `run`. */
  variant?: string;
  sample: boolean;
  record: string;
  /** Examples skipped for unreadable media (--on-media-error skip), summed over seeds; not in `n`. */
  skipped: number;
  /** Unannotated query split: the answers file of each trial (no score), and the server that scores them. */
  submissions?: string[];
  server?: string;
  /** `--ablation`: what the prompts had taken away (absent for a plain run). */
  ablation?: string;
  /** How the answers used the demonstrations (src/run/context-use.ts), means over seeds; absent without demonstrations. */
  contextUse?: ContextUse;
}

export function summaryRows(outcomes: RecordOutcome[]): SummaryRow[] {
  return outcomes.map(({ path, record, variant }) => {
    const primary = record.summary.primary;
    const value = record.summary.metrics[primary] ?? { mean: Number.NaN, std: Number.NaN };
    return {
      task: record.task.id,
      shots: record.shots,
      metric: primary,
      mean: value.mean,
      std: value.std,
      ...(value.undefined !== undefined ? { undefined: value.undefined } : {}),
      n: record.summary.n,
      seeds: record.trials.map((trial) => trial.seed),
      model: record.model.name,
      // A sweep's variant (its name in the plan).
      ...(variant !== undefined ? { variant } : {}),
      sample: record.data.sample,
      record: path,
      skipped: record.trials.reduce((sum, trial) => sum + (trial.skipped ?? 0), 0),
      ...(record.data.unannotated
        ? { submissions: record.trials.map((trial) => trial.submission ?? ''), server: record.data.unannotated.server }
        : {}),
      ...(typeof record.config.ablation === 'string' ? { ablation: record.config.ablation } : {}),
      ...(record.summary.contextUse ? { contextUse: record.summary.contextUse } : {}),
      ...(record.summary.ci
        ? { ci: { low: record.summary.ci.low, high: record.summary.ci.high, level: record.summary.ci.level, samples: record.summary.ci.samples } }
        : {}),
    };
  });
}

export function renderSummary(outcomes: RecordOutcome[], colour: boolean): string {
  const rows = summaryRows(outcomes);
  const models = [...new Set(outcomes.map(({ record }) => `${record.model.name} (--model ${record.model.spec})`))];
  const ablations = rows.some((row) => row.ablation);
  // Several models (or a sweep's variants): those columns first, so one task and shots can be read across them.
  const table = withLeadColumns(rows, outcomes)(
    ['task', 'shots', ...(ablations ? ['ablation'] : []), 'metric', 'mean', '± std', '95% CI', 'n', 'seeds', 'data'],
    rows.map((row) => [
      row.task,
      row.shots,
      ...(ablations ? [row.ablation ?? '-'] : []),
      row.submissions ? 'no score' : row.metric,
      row.submissions ? '' : row.mean === null ? 'n/a' : row.mean.toFixed(2),
      row.seeds.length > 1 && !row.submissions && row.std !== null ? row.std.toFixed(2) : '',
      row.ci ? `${row.ci.low.toFixed(2)}–${row.ci.high.toFixed(2)}` : '',
      row.n,
      row.seeds.join(','),
      row.sample ? 'SAMPLE' : 'official',
    ]),
    colour,
  );
  const lines = [`model: ${models.join(', ')}`, table];
  for (const row of rows) {
    const figures = row.contextUse;
    if (!figures) continue;
    const chance = (value: number | null) => (value === null ? '' : ` (chance ${value.toFixed(1)})`);
    lines.push(
      `${row.task} ${row.shots}-shot${row.ablation ? ` ablation ${row.ablation}` : ''} context use: ` +
        `copy ${figures.copy.toFixed(1)}%${chance(figures.copyChance)}, last demonstration ${figures.last.toFixed(1)}%${chance(figures.lastChance)}, ` +
        `majority ${figures.majority.toFixed(1)}%${chance(figures.majorityChance)}`,
    );
  }
  if (rows.some((row) => row.contextUse)) {
    lines.push(
      'context use: how often the answer equals a demonstration\'s answer (copy), the last demonstration\'s, and the ' +
        "demonstrations' most frequent one; chance: the same rate against other queries' demonstrations (docs/context-use.md).",
    );
  }
  const shown = rows.map((row) => shorten(row.record));
  lines.push(`records: ${shown.join(', ')}`);
  for (const row of rows) {
    if (!row.submissions) continue;
    const record = outcomes.find((o) => o.path === row.record)?.record;
    const empty = record?.trials[0]?.submissionUnanswered ?? 0;
    const note =
      record?.config.limit != null
        ? `. Only ${row.n} questions were evaluated (--limit / --protocol): the file gives the other ${empty} an empty ` +
          "answer, which the server counts as wrong"
        : empty > 0
          ? ` (with an empty answer for the ${empty} other questions the server's file must list)`
          : '';
    lines.push(
      `${row.task} ${row.shots}-shot: no score (the split has no public answers): submission written to ` +
        `${row.submissions.map(shorten).join(', ')}; upload ${row.submissions.length > 1 ? 'each (one per seed)' : 'it'} ` +
        `to ${row.server}${note}`,
    );
  }
  for (const row of rows) {
    if (row.undefined === undefined) continue;
    lines.push(`${row.task} ${row.shots}-shot: n/a: ${undefinedAdvice(row)}`);
  }
  for (const row of rows) {
    if (row.skipped === 0) continue;
    const first = outcomes
      .find((o) => o.path === row.record)
      ?.record.trials.flatMap((trial) => trial.examples)
      .find((example) => example.skipped !== undefined)?.skipped;
    lines.push(
      `${row.task} ${row.shots}-shot: ${row.skipped} example${row.skipped === 1 ? '' : 's'} skipped (unreadable media, --on-media-error skip), ` +
        `not scored; first: ${first}`,
    );
  }
  // Support items set aside before the draw (src/run/unusable-media.ts): said at the start, and again here, once per
  // task, where a long run's reader looks.
  const setAside = new Map<string, number>();
  for (const { record } of outcomes) {
    const count = record.data.excludedSupport?.length ?? 0;
    if (count > 0) setAside.set(record.task.id, Math.max(count, setAside.get(record.task.id) ?? 0));
  }
  for (const [task, count] of setAside) {
    lines.push(
      `${task}: ${count} support item${count === 1 ? '' : 's'} left the demonstration pool before the draw ` +
        '(media missing or unreadable; listed with why in the record, data.excludedSupport); no query was dropped for them',
    );
  }
  if (rows.some((row) => row.ci)) {
    lines.push(
      '95% CI: bootstrap over the queries (1000 resamples; each resample rescored as the official scorer would, ' +
        'seeds averaged within it); ± std: spread over seeds.',
    );
  }
  if (rows.some((row) => row.sample)) {
    lines.push(`WARNING: rows marked SAMPLE ran on ${SAMPLE_WARNING}; pass --data <dir> with the official files.`);
  }
  return `${lines.join('\n')}\n`;
}

/** renderTable with the rows' model (when they are of several) and variant (a sweep's) as the first columns. */
function withLeadColumns(rows: SummaryRow[], outcomes: RecordOutcome[]): typeof renderTable {
  const lead: [string, (i: number) => string][] = [];
  if (new Set(rows.map((row) => row.model)).size > 1) lead.push(['model', (i) => rows[i]!.model]);
  if (outcomes.some((outcome) => outcome.variant !== undefined)) lead.push(['variant', (i) => outcomes[i]!.variant ?? '']);
  return (headers, body, colour) =>
    renderTable([...lead.map(([name]) => name), ...headers], body.map((cells, i) => [...lead.map(([, value]) => value(i)), ...cells]), colour);
}

/**
 * The cells of a run of several models, tasks or shots (or a sweep) that did not run, and why: the summary's last
 * lines, so that a run never ends without saying what it did not do.
 */
export function renderSkipped(skipped: { label: string; reason: string }[]): string {
  if (skipped.length === 0) return '';
  const lines = [`NOT RUN (${skipped.length} cell${skipped.length === 1 ? '' : 's'}):`];
  for (const { label, reason } of skipped) lines.push(`  ${label}: ${reason}`);
  return `${lines.join('\n')}\n`;
}

/** A path relative to the working folder when it is inside it. */
function shorten(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

export function jsonSummary(outcomes: RecordOutcome[]): string {
  return `${JSON.stringify(summaryRows(outcomes), null, 2)}\n`;
}
