// What `flamingo-eval tasks` lists: the built-in tasks, what each measures, the official files it expects under
// --data (with where they are published), and whether built-in sample data lets it run without --data.
import { existsSync } from 'node:fs';
import { listArgs } from '../core/args.ts';
import type { Task } from '../core/types.ts';
import type { TaskListing } from './listing-render.ts';
import { builtinTasks } from './index.ts';
import { sampleDataDir } from '../core/sample-data.ts';

export { renderTaskListing, type TaskListing } from './listing-render.ts';

export function listTasks(
  tasks: Record<string, Task> = builtinTasks,
  hasSampleData: (id: string) => boolean = (id) => existsSync(sampleDataDir(id)),
): TaskListing[] {
  return Object.values(tasks)
    .map((task) => ({
      id: task.id,
      title: task.title,
      modality: task.modality,
      kind: task.kind,
      metric: task.metric,
      splits: { support: task.splits.support, query: task.splits.query },
      protocolQuerySize: task.protocolQuerySize ?? null,
      files: task.files.map(({ name, description, source, required }) => ({ name, description, source, required })),
      sampleData: hasSampleData(task.id),
      args: listArgs(task.args),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
