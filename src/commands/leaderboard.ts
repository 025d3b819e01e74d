// `flamingo-eval leaderboard [dirs...]`: a table of run records, models by size against task x shots, optionally
// beside the published numbers (`--paper`), for the terminal, CSV or Markdown.
import { Option, type Command } from 'commander';
import { InputError, UsageError } from '../core/errors.ts';
import { renderTable, useColour } from '../core/table.ts';
import { markdownTable } from '../leaderboard/markdown.ts';
import { writeOutput } from './output.ts';

export type LeaderboardFormat = 'table' | 'csv' | 'md';

export interface LeaderboardOptions {
  format: LeaderboardFormat;
  paper: boolean;
  /** Add the context-use table (copy rates, score split, ablation deltas) below the scores. */
  diagnostics?: boolean;
  /** Terminal colours (table format on a terminal only). */
  colour: boolean;
  /** Only these tasks, in this order (`--task`); default: every task, in the paper's order. */
  tasks?: string[];
  /** Only these shot counts (`--shots`). */
  shots?: number[];
  /** Only these models (`--model`, by name). */
  models?: string[];
  /** `tasks`: a row per task x shots, a column per model (`--rows tasks`, table and Markdown). */
  rows?: 'models' | 'tasks';
  /** Show the 95% bootstrap intervals (`--ci`, table and Markdown; the CSV always has them). */
  ci?: boolean;
  /** CSV in long form: one row per seed (`--per-seed`). */
  perSeed?: boolean;
}

/**
 * Reads the records under `dirs` and renders the leaderboard. `warn` receives the lines meant for stderr: records
 * with no score (unannotated splits), records ignored for a newer one of the same cell, and `--paper` finding no
 * published number for the columns shown.
 */
export async function leaderboard(
  dirs: string[],
  options: LeaderboardOptions,
  warn: (line: string) => void = () => {},
): Promise<string> {
  // Loaded here, not at the top: the CLI registers every command at start-up and loads a command's modules only
  // when it runs; the records are read before the rest loads, so that a folder without records fails at once.
  const { findRecordFiles, readRecords } = await import('../leaderboard/records.ts');
  if (options.perSeed && options.format !== 'csv') throw new UsageError('--per-seed is a CSV layout: add --format csv');
  if (options.rows === 'tasks' && options.format === 'csv') {
    throw new UsageError('--rows tasks is a layout for the table and Markdown; the CSV is already one row per model x task x shots');
  }
  const read = await readRecords(await findRecordFiles(dirs));
  const unscored = read.unscored;
  const entries = read.entries.filter(
    (e) =>
      (options.tasks === undefined || options.tasks.includes(e.task)) &&
      (options.shots === undefined || options.shots.includes(e.shots)) &&
      (options.models === undefined || options.models.includes(e.model)),
  );
  const filters = [
    options.tasks ? `--task ${options.tasks.join(',')}` : '',
    options.shots ? `--shots ${options.shots.join(',')}` : '',
    options.models ? `--model ${options.models.join(',')}` : '',
  ].filter(Boolean);
  if (read.entries.length > 0 && entries.length === 0) {
    const known = (values: (string | number)[]) => [...new Set(values)].join(', ');
    throw new InputError(
      `no run records under ${dirs.join(', ')} match ${filters.join(' ')} (tasks: ${known(read.entries.map((e) => e.task))}; ` +
        `shots: ${known(read.entries.map((e) => e.shots).sort((a, b) => a - b))}; models: ${known(read.entries.map((e) => e.model))})`,
    );
  }
  for (const record of unscored) {
    warn(`${record.file}: no score to show (its query split has no public annotations; ${record.server} scores it)`);
  }
  if (entries.length === 0) {
    throw new InputError(
      `no ${unscored.length > 0 ? 'scored ' : ''}run records found under ${dirs.join(', ')} (records are the .json ` +
        'files a run writes; run e.g. `flamingo-eval --task okvqa --shots 4` first, or pass the folder that holds them)',
    );
  }
  const [{ publishedNumbers }, { builtinTaskListing }, { buildLeaderboard }, { renderCsv }, { renderMarkdown }, { renderTerminal }, diagnostics] =
    await Promise.all([
      import('../paper/published.ts'),
      import('../tasks/catalogue.ts'),
      import('../leaderboard/board.ts'),
      import('../leaderboard/csv.ts'),
      import('../leaderboard/markdown.ts'),
      import('../leaderboard/terminal.ts'),
      import('../leaderboard/diagnostics.ts'),
    ]);
  // The built-in tasks' metrics, from the build's catalogue (loading the task modules is not needed for them).
  const metrics = new Map((await builtinTaskListing()).map((task) => [task.id, task.metric]));
  const { board, warnings } = buildLeaderboard(
    entries,
    options.paper ? publishedNumbers().rows : undefined,
    (task) => metrics.get(task),
    options.tasks,
  );
  warnings.forEach(warn);
  if (options.paper && !board.rows.some((row) => row.published)) {
    warn('--paper: no published numbers for these task x shots columns (published: Flamingo, OpenFlamingo, IDEFICS)');
  }
  const withDiagnostics = (text: string, render: (head: string[], body: string[][]) => string) => {
    if (!options.diagnostics) return text;
    const { head, body, notes } = diagnostics.diagnosticsText(board);
    return `${text}\n${render(head, body)}${notes.join('\n')}\n`;
  };
  const layout = { ...(options.ci ? { ci: true } : {}), ...(options.rows ? { rows: options.rows } : {}) };
  switch (options.format) {
    case 'csv':
      // One table per CSV file: under --diagnostics, the context-use lines (with the score delta of ablation rows).
      if (options.diagnostics) return diagnostics.diagnosticsCsv(board);
      if (options.perSeed) {
        const { readTrialValues } = await import('../leaderboard/records.ts');
        const { renderPerSeedCsv } = await import('../leaderboard/csv.ts');
        const values = new Map<string, { seed: number; value: number }[]>();
        for (const row of board.rows) {
          for (const column of board.columns) {
            const file = row.cells.get(column.key)?.file;
            if (file !== undefined) values.set(file, await readTrialValues(file, column.metric));
          }
        }
        return renderPerSeedCsv(board, values);
      }
      return renderCsv(board);
    case 'md':
      return withDiagnostics(renderMarkdown(board, { sources: options.paper, ...layout }), (head, body) => markdownTable(head, body, 2));
    case 'table':
      return withDiagnostics(renderTerminal(board, { sources: options.paper, colour: options.colour, ...layout }), (head, body) =>
        `${renderTable(head, body, options.colour)}\n`,
      );
  }
}

interface LeaderboardFlags {
  format: LeaderboardFormat;
  output?: string;
  paper: boolean;
  task?: string[];
  shots?: string[];
  model?: string[];
  rows?: 'models' | 'tasks';
  ci: boolean;
  perSeed: boolean;
  diagnostics: boolean;
}

function list(flag: string) {
  return (value: string): string[] => {
    const items = value.split(',').map((item) => item.trim()).filter(Boolean);
    if (items.length === 0) throw new UsageError(`${flag} needs at least one value`);
    return items;
  };
}

export function registerLeaderboard(program: Command): void {
  program
    .command('leaderboard')
    .description('Compare run records: models (by size) against task x shots, beside published numbers with --paper')
    .argument('[dirs...]', 'folders searched recursively for run records', ['results'])
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'md']).default('table'))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--paper', 'add the published Flamingo, OpenFlamingo and IDEFICS rows for the columns shown', false)
    .option('--task <ids>', 'only these tasks (comma-separated), in this order (default: all, in the paper\'s order)', list('--task'))
    .option('--shots <list>', 'only these shot counts (comma-separated)', list('--shots'))
    .option('--model <names>', 'only these models (comma-separated names, as the table shows them)', list('--model'))
    .addOption(new Option('--rows <layout>', 'rows of the table and Markdown: models (default) or tasks').choices(['models', 'tasks']))
    .option('--ci', 'show the 95% bootstrap confidence interval of each value (table, Markdown; the CSV always has it)', false)
    .option('--per-seed', 'CSV in long form: one row per seed (with --format csv)', false)
    .option('--diagnostics', 'add how each run used its context: copy rates, score split by answer in context, ablation deltas (CSV: that table alone)', false)
    .action(async (dirs: string[], opts: LeaderboardFlags) => {
      const warn = (line: string) => process.stderr.write(`flamingo-eval leaderboard: ${line}\n`);
      const colour = opts.output === undefined && useColour(process.stdout);
      const shots = opts.shots?.map((value) => {
        if (!/^\d+$/.test(value)) throw new UsageError(`--shots: "${value}" is not a number of shots`);
        return Number(value);
      });
      const text = await leaderboard(
        dirs,
        {
          format: opts.format,
          paper: opts.paper,
          colour,
          ...(opts.task ? { tasks: opts.task } : {}),
          ...(shots ? { shots } : {}),
          ...(opts.model ? { models: opts.model } : {}),
          ...(opts.rows ? { rows: opts.rows } : {}),
          ci: opts.ci,
          perSeed: opts.perSeed,
          diagnostics: opts.diagnostics,
        },
        warn,
      );
      await writeOutput('leaderboard', opts.output, text);
    });
}
