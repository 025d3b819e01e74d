// What `flamingo-eval tasks` lists: the built-in tasks, what each measures, the official files it expects under
// --data (with where they are published), and whether built-in sample data lets it run without --data.
import { existsSync } from 'node:fs';
import { listArgs } from '../core/args.ts';
import { renderTable } from '../core/table.ts';
import type { OfficialFile, Task } from '../core/types.ts';
import { builtinTasks } from './index.ts';
import { sampleDataDir } from '../core/sample-data.ts';

export interface TaskListing {
  id: string;
  title: string;
  modality: Task['modality'];
  kind: Task['kind'];
  metric: string;
  splits: Task['splits'];
  /** Query-set size under `--protocol flamingo` (null: the whole split). */
  protocolQuerySize: number | null;
  files: OfficialFile[];
  /** True when built-in sample data exists, so the task runs without --data. */
  sampleData: boolean;
  /** The arguments it takes: `--task-arg <id>.<name>=<value>`. */
  args: ReturnType<typeof listArgs>;
}

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

const KIND = { generate: 'open-ended (generate)', rank: 'close-ended (rank)' } as const;

/** Two terminal tables: the tasks, then the official files each expects under --data. */
export function renderTaskListing(listing: TaskListing[], colour?: boolean): string {
  const tasks = renderTable(
    ['id', 'title', 'modality', 'kind', 'metric', 'splits (support / query)', 'sample data'],
    listing.map((t) => [
      t.id,
      t.title,
      t.modality,
      KIND[t.kind],
      t.metric,
      `${t.splits.support} / ${t.splits.query}`,
      t.sampleData ? 'built in' : 'no',
    ]),
    colour,
  );
  const files = renderTable(
    ['task', 'official file (anywhere under --data)', 'what it is', 'published at'],
    listing.flatMap((t) =>
      t.files.map((f) => [t.id, f.name + (f.required ? '' : ' (optional)'), f.description, f.source]),
    ),
    colour,
  );
  const withArgs = listing.filter((t) => t.args.length > 0);
  const args = renderTable(
    ['task', 'argument (--task-arg <task>.<name>=<value>)', 'type', 'default', 'what it does'],
    withArgs.flatMap((t) => t.args.map((a) => [t.id, a.name, a.type, a.default === undefined ? '-' : String(a.default), a.description])),
    colour,
  );
  return (
    `${tasks}\n\nOfficial files expected under --data <dir> (found by name at any depth):\n${files}\n` +
    (withArgs.length > 0 ? `\nTask arguments:\n${args}\n` : '') +
    'Tasks with built-in sample data run without --data; their scores check the pipeline, not the benchmark.\n'
  );
}

