// The leaderboard the plots and the report draw from: the records under the folders, read as `leaderboard` reads
// them (one record per cell, chosen by choosePerCell), with the published rows when asked for.
import { InputError } from '../core/errors.ts';
import { buildLeaderboard, choosePerCell, type Leaderboard } from '../leaderboard/board.ts';
import { findRecordFiles, readRecords, type RecordEntry } from '../leaderboard/records.ts';
import { publishedNumbers } from '../paper/published.ts';
import { builtinTasks } from '../tasks/index.ts';

export interface LoadedBoard {
  board: Leaderboard;
  /** The scored records read (every one, including those another record of the same cell is chosen over). */
  entries: RecordEntry[];
}

/** `task`: a plot of one task, which names only that task's choices between records of one cell. */
export async function loadBoard(dirs: string[], paper: boolean, warn: (line: string) => void, task?: string): Promise<LoadedBoard> {
  const { entries, unscored } = await readRecords(await findRecordFiles(dirs));
  for (const record of unscored) {
    warn(`${record.file}: no score to show (its query split has no public annotations; ${record.server} scores it)`);
  }
  if (entries.length === 0) {
    throw new InputError(
      `no scored run records found under ${dirs.join(', ')} (records are the .json files a run writes; run e.g. ` +
        '`flamingo-eval --task okvqa --shots 0,4,8` first, or pass the folder that holds them)',
    );
  }
  // Published numbers go in the column of the built-in task's metric, as in `flamingo-eval leaderboard --paper`.
  const { board, warnings } = buildLeaderboard(
    entries,
    paper ? publishedNumbers().rows : undefined,
    (id) => builtinTasks[id]?.metric,
  );
  (task === undefined ? warnings : choosePerCell(entries.filter((entry) => entry.task === task)).warnings).forEach(warn);
  return { board, entries };
}
