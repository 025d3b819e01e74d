// The context-use table of docs/context-use.md: each model on each task and shot count, plain and under every
// --ablation, on the built-in sample data; copy rates of the plain run and each ablation's change in score.
//   node --import tsx scripts/context-use-table.ts [--models a,b] [--tasks a,b] [--shots 4,32] [--seeds 42]
//        [--results-dir results/context-use] [--write docs/context-use.md]
// It runs `flamingo-eval --ablation none,demo-media,query-media,shuffled-answers,foreign-demo-media` for each model
// (journaled: a rerun reuses what is done) and prints the table as Markdown; --write puts it into the file between
// the markers `<!-- context-use-table -->` and `<!-- /context-use-table -->`.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { RunRecord } from '../src/core/types.ts';
import { ABLATIONS } from '../src/run/ablation.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';

export const DEFAULTS = {
  models: 'flamingo-tiny-s,flamingo-tiny-m,flamingo-tiny-l',
  tasks: 'okvqa,vqav2,hatefulmemes',
  shots: '4,32',
  seeds: '42',
  resultsDir: 'results/context-use',
};

export const START = '<!-- context-use-table -->';
export const END = '<!-- /context-use-table -->';

export interface TableOptions {
  models: string;
  tasks: string;
  shots: string;
  seeds: string;
  resultsDir: string;
  quiet?: boolean;
}

/** Runs every model x task x shots x (plain + each ablation) and returns the Markdown table. */
export async function contextUseTable(options: TableOptions): Promise<string> {
  const records: RunRecord[] = [];
  for (const model of options.models.split(',')) {
    const outcomes = await evaluate(
      parseRunOptions({
        task: options.tasks,
        model,
        shots: options.shots,
        seeds: options.seeds,
        resultsDir: options.resultsDir,
        ablation: ['none', ...ABLATIONS].join(','),
        quiet: options.quiet ?? true,
      }),
      { stderr: process.stderr },
    );
    records.push(...outcomes.map((outcome) => outcome.record));
  }
  return renderTable(records);
}

const fixed = (value: number | null | undefined) => (value === null || value === undefined ? '-' : value.toFixed(1));
const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;

/** One line per model x task x shots: the plain run's score and copy rates, each ablation's score change. */
export function renderTable(records: RunRecord[]): string {
  const key = (r: RunRecord) => JSON.stringify([r.model.name, r.task.id, r.shots]);
  const plain = records.filter((r) => (r.config.ablation ?? null) === null);
  const head = ['model', 'task', 'shots', 'metric', 'score', 'copy % (chance)', 'last demo % (chance)', 'majority % (chance)',
    'score: answer in context (n) / not (n)', ...ABLATIONS.map((a) => `Δ ${a}`)];
  const lines = plain.map((r) => {
    const primary = r.summary.primary;
    const score = r.summary.metrics[primary]!.mean ?? Number.NaN;
    const f = r.summary.contextUse;
    const deltas = ABLATIONS.map((ablation) => {
      const other = records.find((o) => o.config.ablation === ablation && key(o) === key(r));
      return other ? signed((other.summary.metrics[primary]!.mean ?? Number.NaN) - score) : '';
    });
    return [
      r.model.name,
      r.task.id,
      String(r.shots),
      primary,
      fixed(score),
      f ? `${fixed(f.copy)} (${fixed(f.copyChance)})` : '',
      f ? `${fixed(f.last)} (${fixed(f.lastChance)})` : '',
      f ? `${fixed(f.majority)} (${fixed(f.majorityChance)})` : '',
      f ? `${fixed(f.answerInContext.yes.score)} (${f.answerInContext.yes.n}) / ${fixed(f.answerInContext.no.score)} (${f.answerInContext.no.n})` : '',
      ...deltas,
    ];
  });
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [row(head), `|${head.map((_, i) => (i < 4 ? '---' : '---:')).join('|')}|`, ...lines.map(row)].join('\n') + '\n';
}

/** The file's text with the table between the markers. */
export function replaceTable(text: string, table: string, file: string): string {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${file}: no ${START} ... ${END} markers to put the table between`);
  return `${text.slice(0, start + START.length)}\n${table}${text.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: DEFAULTS.models },
      tasks: { type: 'string', default: DEFAULTS.tasks },
      shots: { type: 'string', default: DEFAULTS.shots },
      seeds: { type: 'string', default: DEFAULTS.seeds },
      'results-dir': { type: 'string', default: DEFAULTS.resultsDir },
      write: { type: 'string' },
    },
  });
  const started = performance.now();
  const table = await contextUseTable({
    models: values.models!,
    tasks: values.tasks!,
    shots: values.shots!,
    seeds: values.seeds!,
    resultsDir: values['results-dir']!,
  });
  if (values.write) {
    writeFileSync(values.write, replaceTable(readFileSync(values.write, 'utf8'), table, values.write));
    process.stderr.write(`wrote the table into ${values.write}\n`);
  } else process.stdout.write(table);
  process.stderr.write(`took ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}
