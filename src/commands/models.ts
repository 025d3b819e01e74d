// `flamingo-eval models [--json]`: the backends and the built-in models (src/backends/listing.ts).
import type { Command } from 'commander';

export function registerModels(program: Command): void {
  program
    .command('models')
    .description('List the backends with the arguments each takes (--model-arg), and the built-in models with their parameter counts')
    .option('--json', 'print the list as JSON', false)
    .action(async (opts: { json: boolean }) => {
      const { listModels, renderModelListing } = await import('../backends/listing.ts');
      const listing = listModels();
      process.stdout.write(opts.json ? `${JSON.stringify(listing, null, 2)}\n` : renderModelListing(listing));
    });
}
