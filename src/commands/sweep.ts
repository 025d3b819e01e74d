// `flamingo-eval sweep <plan> [--dry-run] [--shard i/n|auto] [--results-dir dir]`: a plan (YAML or JSON) of models x
// tasks x shots x seeds x variants run as one run (src/run/sweep.ts). A plan's keys are the `run` command's flags,
// read here from its definition, so that a flag added to `run` is a plan key at once.
import { Command } from 'commander';
import { useColour } from '../core/table.ts';
import type { RunFlag } from '../run/sweep.ts';
import { collect, registerRun, runToSummary } from './run.ts';

/** The `run` command's flags, as plan keys. */
export function runFlags(): RunFlag[] {
  const program = new Command();
  registerRun(program);
  return program.commands[0]!.options
    .filter((option) => option.long !== undefined)
    .map((option) => ({
      key: option.long!.replace(/^--/, ''),
      attribute: option.attributeName(),
      repeatable: option.parseArg === collect,
      boolean: option.isBoolean(),
    }));
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('run a plan of models x tasks x shots x seeds x variants (YAML or JSON) as one resumable run; see docs/sweeps.md')
    .argument('<plan>', 'the plan file (.yaml, .yml or .json)')
    .option('--dry-run', "list the plan's cells with their query and demonstration counts (reads the tasks' data, loads no model)")
    .option('--results-dir <dir>', "where journals and records go (default: the plan's results-dir, else results/)")
    .option('--shard <i/n|auto>', 'run only the i-th of n disjoint slices of every cell\'s queries (auto: from a Slurm array or a Kubernetes indexed Job); join them with `flamingo-eval merge`')
    .option('--shard-count <n>', "--shard auto in a Kubernetes indexed Job: the number of shards (the Job's completions)")
    .option('--fresh', 'ignore journals and finished records and recompute every example')
    .option('--json', "print the finished records' summary (or the --dry-run cells) as JSON on stdout")
    .option('--quiet', 'no progress and no table (errors still go to stderr)')
    .action(async (file: string, flags: { dryRun?: boolean; resultsDir?: string; shard?: string; shardCount?: string; fresh?: boolean; json?: boolean; quiet?: boolean }) => {
      const [{ loadPlan, runSweep, dryRun }, { TaskFailures }] = await Promise.all([import('../run/sweep.ts'), import('../run/evaluate.ts')]);
      const plan = loadPlan(file, runFlags(), {
        resultsDir: flags.resultsDir,
        shard: flags.shard,
        shardCount: flags.shardCount,
        fresh: flags.fresh === true,
        quiet: flags.quiet === true,
      });
      if (flags.dryRun) {
        const cells = await dryRun(plan, { stderr: process.stderr });
        if (flags.json) process.stdout.write(`${JSON.stringify(cells, null, 2)}\n`);
        else process.stdout.write(await renderDryRun(cells));
        return;
      }
      await runToSummary(
        () => runSweep(plan, { stderr: process.stderr }),
        TaskFailures,
        { json: flags.json === true, quiet: flags.quiet === true },
        'the journals keep every finished example: run the same sweep again to finish it',
      );
    });
}

async function renderDryRun(cells: import('../run/sweep.ts').DryRunCell[]): Promise<string> {
  const { renderTable } = await import('../core/table.ts');
  const variants = cells.some((cell) => cell.variant !== null);
  const ablations = cells.some((cell) => cell.ablation !== null);
  const table = renderTable(
    ['model', ...(variants ? ['variant'] : []), 'task', 'shots', ...(ablations ? ['ablation'] : []), 'seeds', 'queries', 'examples', 'demos/query', 'pool', 'status'],
    cells.map((cell) => [
      cell.model,
      ...(variants ? [cell.variant ?? ''] : []),
      cell.task,
      cell.shots,
      ...(ablations ? [cell.ablation ?? 'none'] : []),
      cell.seeds.join(','),
      cell.queries,
      cell.examples,
      cell.demonstrations,
      cell.pool ?? '',
      cell.problem === null ? 'ok' : `will be skipped: ${cell.problem}`,
    ]),
    useColour(process.stdout),
  );
  const examples = cells.reduce((n, cell) => n + (cell.problem === null ? cell.examples : 0), 0);
  const skipped = cells.filter((cell) => cell.problem !== null).length;
  return (
    `${table}\n${cells.length} cells, ${examples} examples to evaluate` +
    (skipped > 0 ? `; ${skipped} cell${skipped === 1 ? '' : 's'} cannot run (see status)` : '') +
    ' (finished examples in journals are not run again)\n'
  );
}
