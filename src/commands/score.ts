// `flamingo-eval score --metric <name> --predictions <file> --references <file> [--json] [--ci]`: scores prediction
// files in the official formats (src/score/*.ts reads them; src/metrics/*.ts scores them). Other tools call this
// interface; `--json` prints exactly {"metric", "n", "scores"} (plus "ci" with --ci).
import { Command, Option } from 'commander';
import type { MetricResult } from '../metrics/types.ts';
import type { BootstrapInterval } from '../metrics/bootstrap.ts';
import { InputError, UsageError } from '../core/errors.ts';
import { renderTable } from '../core/table.ts';
import { formatsHelp, METRIC_NAMES, metricSpec, type MetricSpec } from '../score/metrics.ts';

export interface ScoreOptions {
  metric: string;
  predictions: string;
  references: string;
  json?: boolean;
  ci?: boolean;
  seed: number;
  ciSamples: number;
}

export interface ScoreReport {
  metric: string;
  n: number;
  scores: MetricResult['scores'];
  /** With --ci: the 95% percentile-bootstrap interval [low, high] of each headline score. */
  ci?: Record<string, [number, number]>;
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('Score a predictions file against official reference files')
    .requiredOption('--metric <name>', `one of: ${METRIC_NAMES.join(', ')}`)
    .requiredOption('--predictions <file>', 'the model outputs, in the format of the metric (see docs/scoring.md)')
    .requiredOption('--references <file>', 'the official reference/annotation file')
    .option('--json', 'print one JSON object: {"metric", "n", "scores"} (and "ci" with --ci)')
    .option('--ci', 'add a bootstrap 95% confidence interval for each headline score (resampling the scored items)')
    .addOption(new Option('--seed <n>', 'seed of the bootstrap resampling').default(0).argParser(integerFlag('--seed', 0)))
    .addOption(new Option('--ci-samples <n>', 'bootstrap resamples').default(1000).argParser(integerFlag('--ci-samples', 1)))
    .addHelpText('after', `\nFile formats (--predictions; --references):\n${formatsHelp()}`)
    .action(async (options: ScoreOptions) => {
      const { report, notes, title } = await score(options);
      for (const note of notes) process.stderr.write(`note: ${note}\n`);
      process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${renderReport(report, title)}\n`);
    });
}

function integerFlag(flag: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new UsageError(`${flag} must be an integer >= ${min}, got "${value}"`);
    }
    return n;
  };
}

/** Reads, scores and (with `ci`) bootstraps; the shape `--json` prints. */
export async function score(options: ScoreOptions): Promise<{ report: ScoreReport; notes: string[]; title: string }> {
  const spec = resolveMetric(options.metric);
  const { items, notes = [] } = await spec.load(options.predictions, options.references);
  const result = await runScorer(spec, () => spec.score(items), options);
  const report: ScoreReport = { metric: spec.name, n: result.n, scores: result.scores };
  if (options.ci) {
    const statistic = await spec.resample(items, result);
    const { bootstrapIntervals } = await import('../score/scorers.ts');
    const intervals: Record<string, BootstrapInterval> = await runScorer(spec, async () =>
      bootstrapIntervals(items.length, statistic, { samples: options.ciSamples, seed: options.seed }),
    options);
    report.ci = Object.fromEntries(Object.entries(intervals).map(([key, ci]) => [key, [ci.low, ci.high]]));
  }
  return { report, notes, title: spec.title };
}

function resolveMetric(name: string): MetricSpec<unknown> {
  const spec = metricSpec(name);
  if (spec === undefined) throw new UsageError(`--metric: unknown metric "${name}"; choose one of ${METRIC_NAMES.join(', ')}`);
  return spec;
}

/** A scorer's complaint about the items (a RangeError such as "only one class present") is an input error. */
async function runScorer<R>(spec: MetricSpec<unknown>, run: () => Promise<R>, options: ScoreOptions): Promise<R> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RangeError) {
      throw new InputError(`${options.predictions} with ${options.references}: ${spec.name}: ${error.message}`, options.predictions);
    }
    throw error;
  }
}

/** The readable form: one row per score (per type under its metric), with the interval when there is one. */
export function renderReport(report: ScoreReport, title: string): string {
  const rows: string[][] = [];
  const withCi = report.ci !== undefined;
  for (const [key, value] of Object.entries(report.scores)) {
    if (typeof value === 'number') {
      const ci = report.ci?.[key];
      rows.push([key, format(value), ...(withCi ? [ci ? `${format(ci[0])} – ${format(ci[1])}` : ''] : [])]);
    } else {
      // `vqa_accuracy_by_type` -> rows `vqa_accuracy [yes/no]`; `wups_0_by_group` -> rows `wups_0 [group C]`.
      const [, base, kind] = /^(.*)_by_([a-z]+)$/.exec(key) ?? [key, key, 'type'];
      for (const [sub, v] of Object.entries(value)) {
        rows.push([`${base} [${kind === 'type' ? sub : `${kind} ${sub}`}]`, format(v), ...(withCi ? [''] : [])]);
      }
    }
  }
  const head = ['score', 'value', ...(withCi ? ['95% CI (bootstrap)'] : [])];
  return `${report.metric}: ${title} — ${report.n} items\n${renderTable(head, rows)}`;
}

function format(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : String(value);
}
