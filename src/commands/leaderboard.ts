// `flamingo-eval leaderboard [dirs...]`: a table of run records, models by size against task x shots, optionally
// beside the published numbers (`--paper`), for the terminal, CSV or Markdown.
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { renderTable, useColour } from '../core/table.ts';
import { markdownTable } from '../leaderboard/markdown.ts';

export type LeaderboardFormat = 'table' | 'csv' | 'md';

export interface LeaderboardOptions {
  format: LeaderboardFormat;
  paper: boolean;
  /** Add the context-use table (copy rates, score split, ablation deltas) below the scores. */
  diagnostics?: boolean;
  /** Terminal colours (table format on a terminal only). */
  colour: boolean;
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
  // when it runs.
  const [{ publishedNumbers }, { builtinTasks }, { buildLeaderboard }, { findRecordFiles, readRecords }, { renderCsv }, { renderMarkdown }, { renderTerminal }, diagnostics] =
    await Promise.all([
      import('../paper/published.ts'),
      import('../tasks/index.ts'),
      import('../leaderboard/board.ts'),
      import('../leaderboard/records.ts'),
      import('../leaderboard/csv.ts'),
      import('../leaderboard/markdown.ts'),
      import('../leaderboard/terminal.ts'),
      import('../leaderboard/diagnostics.ts'),
    ]);
  const { entries, unscored } = await readRecords(await findRecordFiles(dirs));
  for (const record of unscored) {
    warn(`${record.file}: no score to show (its query split has no public annotations; ${record.server} scores it)`);
  }
  if (entries.length === 0) {
    throw new InputError(
      `no ${unscored.length > 0 ? 'scored ' : ''}run records found under ${dirs.join(', ')} (records are the .json ` +
        'files a run writes; run e.g. `flamingo-eval --task okvqa --shots 4` first, or pass the folder that holds them)',
    );
  }
  const { board, warnings } = buildLeaderboard(
    entries,
    options.paper ? publishedNumbers().rows : undefined,
    (task) => builtinTasks[task]?.metric,
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
  switch (options.format) {
    case 'csv':
      // One table per CSV file: under --diagnostics, the context-use lines (with the score delta of ablation rows).
      return options.diagnostics ? diagnostics.diagnosticsCsv(board) : renderCsv(board);
    case 'md':
      return withDiagnostics(renderMarkdown(board, { sources: options.paper }), (head, body) => markdownTable(head, body, 2));
    case 'table':
      return withDiagnostics(renderTerminal(board, { sources: options.paper, colour: options.colour }), (head, body) =>
        `${renderTable(head, body, options.colour)}\n`,
      );
  }
}

export function registerLeaderboard(program: Command): void {
  program
    .command('leaderboard')
    .description('Compare run records: models (by size) against task x shots, beside published numbers with --paper')
    .argument('[dirs...]', 'folders searched recursively for run records', ['results'])
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'md']).default('table'))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--paper', 'add the published Flamingo, OpenFlamingo and IDEFICS rows for the columns shown', false)
    .option('--diagnostics', 'add how each run used its context: copy rates, score split by answer in context, ablation deltas (CSV: that table alone)', false)
    .action(async (dirs: string[], opts: { format: LeaderboardFormat; output?: string; paper: boolean; diagnostics: boolean }) => {
      const warn = (line: string) => process.stderr.write(`flamingo-eval leaderboard: ${line}\n`);
      const colour = opts.output === undefined && useColour(process.stdout);
      const text = await leaderboard(dirs, { format: opts.format, paper: opts.paper, diagnostics: opts.diagnostics, colour }, warn);
      if (opts.output === undefined) {
        process.stdout.write(text);
        return;
      }
      try {
        await writeFile(opts.output, text);
      } catch (error) {
        throw new InputError(`--output ${opts.output}: cannot write (${(error as Error).message})`, opts.output);
      }
      process.stderr.write(`flamingo-eval leaderboard: wrote ${opts.output}\n`);
    });
}
