// How `flamingo-eval tasks` prints the listing (src/tasks/listing.ts): terminal tables. Apart from listing.ts, which
// loads every task module, so that the CLI can print the built-in tasks from the build's catalogue
// (src/tasks/catalogue.ts) without loading them.
import type { listArgs } from '../core/args.ts';
import { renderTable } from '../core/table.ts';
import type { OfficialFile, Task } from '../core/types.ts';

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
