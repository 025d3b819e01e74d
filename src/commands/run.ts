// `flamingo-eval [run] --task okvqa --shots 4`: the default command. Flags are checked in src/run/options.ts; the
// evaluation itself is src/run/evaluate.ts.
import type { Command } from 'commander';
import { DEFAULT_MODEL } from '../backends/defaults.ts';
import { useColour } from '../core/table.ts';
import type { RecordOutcome, TaskFailures } from '../run/evaluate.ts';
import { DEFAULT_SUPPORT_SIZE } from '../run/defaults.ts';

/** A repeatable flag: each occurrence adds its value. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerRun(program: Command): void {
  program
    .command('run', { isDefault: true })
    .description('evaluate a model few-shot on one or more tasks (the default command)')
    .option('--task <ids>', 'built-in task id(s), comma-separated, or a path to a task module')
    .option('--model <specs>', `built-in model name, <scheme>:<rest>, or a path to a backend module; several comma-separated run on the same queries and demonstrations (default: ${DEFAULT_MODEL})`)
    .option('--shots <list>', 'numbers of demonstrations, e.g. 0,4,32 (default: 0)')
    .option('--seeds <list>', 'one trial per seed, e.g. 42,43,44 (default: 42)')
    .option('--support-size <n>', `support pool size per seed (default: ${DEFAULT_SUPPORT_SIZE})`)
    .option('--limit <n>', 'evaluate a deterministic subset of n queries (the same for every seed and model)')
    .option('--protocol <name>', "'flamingo': the paper's query-set sizes and support pool of 2048 (default: none)")
    .option('--sampler <name>', 'random or rices (most visually similar demonstrations, last = most similar) (default: random)')
    .option('--zero-shot-text-demos <n>', 'text-only demonstrations at 0 shots (default: 2 for open-ended tasks, 0 for close-ended)')
    .option('--prompt-style <name>', 'prompt templates: paper or openflamingo (default: paper)')
    .option('--prompt-ensemble <n>', 'close-ended tasks: average log-likelihoods over min(n, shots!) orderings of the demonstrations (paper: 6; default 1)')
    .option('--data <dirs>', 'folder holding the official dataset files: a root (each task reads <root>/<task id>/ when it exists, else the root), <task>=<dir> per task, or both, comma-separated (default: the built-in sample data)')
    .option('--split <name>', "a named variant of the task's query split, when it offers several")
    .option('--results-dir <dir>', 'where journals and records go (default: results/)')
    .option('--concurrency <n>', 'batches in flight at once; ONNX models: 2 overlaps one batch\'s media loading with another\'s inference (default: 1)')
    .option('--batch-size <n>', 'requests per backend call (default: 4)')
    .option('--max-new-tokens <n>', "override the task's maximum new tokens")
    .option('--num-beams <n>', "override the task's beam count")
    .option('--length-penalty <x>', "override the task's length penalty")
    .option('--call-timeout <seconds>', 'how long one backend call (a batch) may take before the run fails, naming the backend; 0: no limit (default: 1800)')
    .option('--shard <i/n|auto>', 'run only the i-th of n disjoint slices of the queries and write a shard record (auto: from a Slurm array or a Kubernetes indexed Job); join them with `flamingo-eval merge`')
    .option('--shard-count <n>', '--shard auto in a Kubernetes indexed Job: the number of shards (the Job\'s completions)')
    .option('--frames <sampling>', 'video frames: flamingo (30 at 3 FPS, centred), uniform:N or fps:R[:M] (default: flamingo)')
    .option('--on-media-error <policy>', 'an unreadable image or video: fail (stop the run) or skip (count its examples as skipped) (default: fail)')
    .option('--ablation <list>', 'run with this taken from the prompts, each a variant with its own record: demo-media, query-media, shuffled-answers, foreign-demo-media; none: the plain run (default: none)')
    .option(
      '--task-arg <[task.]name=value>',
      'an argument of a task, declared and checked by the task (`flamingo-eval tasks` lists them): <task id>.<name>=<value>; ' +
        '`<task id>.` may be left out when the run has one task, `=true` after a boolean; repeat the flag for several',
      collect,
    )
    .option(
      '--model-arg <[scheme.]name=value>',
      'an argument of the backend, declared and checked by it (`flamingo-eval models` lists them): [<scheme>.]<name>=<value>, ' +
        'e.g. --model-arg threads=2; `=true` may be left out after a boolean; repeat the flag for several',
      collect,
    )
    .option('--fresh', 'ignore the journal and recompute every example')
    .option('--json', "print the finished records' summary as JSON on stdout")
    .option('--quiet', 'no progress and no table (errors still go to stderr)')
    .action(async (flags: Record<string, unknown>) => {
      const [{ parseRunOptions }, { evaluate, TaskFailures }] = await Promise.all([
        import('../run/options.ts'),
        import('../run/evaluate.ts'),
      ]);
      const options = parseRunOptions(flags);
      const [{ resolveRunTasks }, { checkFlagsApply }] = await Promise.all([import('../run/tasks.ts'), import('../run/applicable.ts')]);
      checkFlagsApply(flags, (await resolveRunTasks(options.tasks, options, () => {})).map((entry) => entry.task));
      await runToSummary(() => evaluate(options, { stderr: process.stderr }), TaskFailures, options, 'the journal keeps every finished example: run the same command again to resume');
    });
}

/**
 * Runs `work` (a run or a sweep) to its summary: Ctrl-C stops at once (every finished example is already in the
 * journal, written synchronously); cells that failed are reported beside the finished records, then the command fails.
 */
export async function runToSummary(
  work: () => Promise<RecordOutcome[]>,
  failures: typeof TaskFailures,
  options: { json: boolean; quiet: boolean },
  /** What Ctrl-C prints after "interrupted; ": what is kept and how to go on. */
  resume: string,
): Promise<void> {
  const interrupted = () => {
    process.stderr.write(`\nflamingo-eval: interrupted; ${resume}\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  let outcomes: RecordOutcome[];
  let failed: TaskFailures | undefined;
  try {
    outcomes = await work();
  } catch (error) {
    if (!(error instanceof failures)) throw error;
    // Report the cells that finished and those that did not, then fail.
    outcomes = error.outcomes;
    failed = error;
  } finally {
    process.off('SIGINT', interrupted);
  }
  await printRunSummary(outcomes, failed, options);
  if (failed) throw failed;
}

/**
 * The end of a run or a sweep: the finished records (a table on stdout, or JSON on stdout and the table on stderr) and
 * the cells that did not run, with why (stderr under --json). A run always ends with this, whatever failed.
 */
export async function printRunSummary(
  outcomes: RecordOutcome[],
  failed: TaskFailures | undefined,
  options: { json: boolean; quiet: boolean },
): Promise<void> {
  const [{ jsonSummary, renderSummary, renderSkipped }, { cellLabel }] = await Promise.all([
    import('../run/summary.ts'),
    import('../run/evaluate.ts'),
  ]);
  // When every cell failed there is no table to show (an empty one would print "model:" and "records:" alone).
  const table = !options.quiet && outcomes.length > 0;
  if (options.json) process.stdout.write(jsonSummary(outcomes));
  else if (table) process.stdout.write(renderSummary(outcomes, useColour(process.stdout)));
  if (options.json && table) process.stderr.write(renderSummary(outcomes, useColour(process.stderr)));
  if (failed) {
    const skipped = failed.failures.map((failure) => ({
      label: cellLabel(failure),
      reason: (failure.error instanceof Error ? failure.error.message : String(failure.error)).split('\n')[0]!,
    }));
    (options.json ? process.stderr : process.stdout).write(renderSkipped(skipped));
  }
}
