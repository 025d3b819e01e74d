// `flamingo-eval leaderboard [dirs...]`: a table of run records, models by size against task x shots, optionally
// beside the published numbers (`--paper`), for the terminal, CSV or Markdown.
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { useColour } from '../core/table.ts';

export type LeaderboardFormat = 'table' | 'csv' | 'md';

export interface LeaderboardOptions {
  format: LeaderboardFormat;
  paper: boolean;
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
  // when it runs; the records are read before the rest loads, so that a folder without records fails at once.
  const { findRecordFiles, readRecords } = await import('../leaderboard/records.ts');
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
  const [{ publishedNumbers }, { builtinTaskListing }, { buildLeaderboard }, { renderCsv }, { renderMarkdown }, { renderTerminal }] =
    await Promise.all([
      import('../paper/published.ts'),
      import('../tasks/catalogue.ts'),
      import('../leaderboard/board.ts'),
      import('../leaderboard/csv.ts'),
      import('../leaderboard/markdown.ts'),
      import('../leaderboard/terminal.ts'),
    ]);
  // The built-in tasks' metrics, from the build's catalogue (loading the task modules is not needed for them).
  const metrics = new Map((await builtinTaskListing()).map((task) => [task.id, task.metric]));
  const { board, warnings } = buildLeaderboard(
    entries,
    options.paper ? publishedNumbers().rows : undefined,
    (task) => metrics.get(task),
  );
  warnings.forEach(warn);
  if (options.paper && !board.rows.some((row) => row.published)) {
    warn('--paper: no published numbers for these task x shots columns (published: Flamingo, OpenFlamingo, IDEFICS)');
  }
  switch (options.format) {
    case 'csv':
      return renderCsv(board);
    case 'md':
      return renderMarkdown(board, { sources: options.paper });
    case 'table':
      return renderTerminal(board, { sources: options.paper, colour: options.colour });
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
    .action(async (dirs: string[], opts: { format: LeaderboardFormat; output?: string; paper: boolean }) => {
      const warn = (line: string) => process.stderr.write(`flamingo-eval leaderboard: ${line}\n`);
      const colour = opts.output === undefined && useColour(process.stdout);
      const text = await leaderboard(dirs, { format: opts.format, paper: opts.paper, colour }, warn);
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
