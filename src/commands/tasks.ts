// `flamingo-eval tasks [--json]`: the built-in tasks (src/tasks/listing.ts), as the build catalogued them
// (src/tasks/catalogue.ts).
import type { Command } from 'commander';

export function registerTasks(program: Command): void {
  program
    .command('tasks')
    .description('List the built-in tasks, their metrics, the official files each expects under --data and the arguments each takes (--task-arg)')
    .option('--json', 'print the list as JSON', false)
    .action(async (opts: { json: boolean }) => {
      const { builtinTaskListing } = await import('../tasks/catalogue.ts');
      const { renderTaskListing } = await import('../tasks/listing-render.ts');
      const listing = await builtinTaskListing();
      process.stdout.write(opts.json ? `${JSON.stringify(listing, null, 2)}\n` : renderTaskListing(listing));
    });
}
