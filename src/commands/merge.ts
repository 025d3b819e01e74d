// `flamingo-eval merge <shard records or folders...> [-o file|folder] [--data dir] [--json]`: joins the shard records
// of a run split with --shard into the record a single-machine run writes (src/run/merge.ts), then prints the summary.
import type { Command } from 'commander';
import { useColour } from '../core/table.ts';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('join the shard records of a run split with --shard into the record of a single-machine run')
    .argument('<shards...>', 'shard records (<record>.shard<i>of<n>.json) or folders holding them')
    .option('-o, --output <path>', 'a .json file (shards of one record) or a folder (records go to <folder>/<model>/); default: beside the shards')
    .option('--data <dir>', "where the dataset files are, if not at the shards' --data (they are checked by hash)")
    .option('--json', "print the merged records' summary as JSON on stdout")
    .action(async (inputs: string[], flags: { output?: string; data?: string; json?: boolean }) => {
      const [{ mergeShards }, { jsonSummary, renderSummary }] = await Promise.all([import('../run/merge.ts'), import('../run/summary.ts')]);
      const merged = await mergeShards(inputs, { output: flags.output, dataDir: flags.data });
      for (const { path, shards } of merged) process.stderr.write(`merged ${shards.length} shards into ${path}\n`);
      const outcomes = merged.map(({ path, record }) => ({ path, record }));
      process.stdout.write(flags.json ? jsonSummary(outcomes) : renderSummary(outcomes, useColour(process.stdout)));
    });
}
