// The built-in tasks' listing for `flamingo-eval tasks` (and their metrics for `leaderboard`), read from the catalogue the build writes
// (dist/task-catalogue.json: listTasks() of src/tasks/listing.ts; its sample-data flags are set here, at run time)
// when the CLI runs from dist/, rather than loading the eighteen task modules and the scorers they import. That load
// was most of the command's start-up: about 30 ms more than `--version` (bench/startup.ts). From src/ (tests, tsx),
// or without a catalogue, the listing is computed from the task modules.
import { existsSync, readFileSync } from 'node:fs';
import { packagePath } from '../core/paths.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import type { TaskListing } from './listing-render.ts';

export const CATALOGUE_FILE = 'dist/task-catalogue.json';

export async function builtinTaskListing(): Promise<TaskListing[]> {
  const file = packagePath(CATALOGUE_FILE);
  if (import.meta.url.endsWith('.js') && existsSync(file)) {
    const entries = JSON.parse(readFileSync(file, 'utf8')) as TaskListing[];
    return entries.map((entry) => ({ ...entry, sampleData: existsSync(sampleDataDir(entry.id)) }));
  }
  const { listTasks } = await import('./listing.ts');
  return listTasks();
}
