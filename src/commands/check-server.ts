// `flamingo-eval check-server --model openai:<name> [--model-arg base-url=...]`: a preflight of a served model before
// a long run (decoding, ranking, images per prompt, interleaving, payload limit); the checks are
// src/backends/openai/check.ts. Exit 0 when every check passed or could not be observed, 1 when one failed.
import type { Command } from 'commander';
import { RunError, UsageError } from '../core/errors.ts';

export function registerCheckServer(program: Command): void {
  program
    .command('check-server')
    .description('Check what a served model can do before a long run: decoding, ranking, images per prompt, interleaving, limits')
    .requiredOption('--model <spec>', 'the served model, openai:<name> (its id in the server\'s /v1/models)')
    .option(
      '--model-arg <name=value>',
      'an argument of the openai backend, as for `run` (repeatable; e.g. base-url=http://gpu1:8000/v1, api-key-env=VLLM_KEY, server=vllm)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--max-images <n>', 'the most images per prompt to try (default: 64)')
    .option('--json', 'print the report as JSON')
    .action(async (flags: { model: string; modelArg?: string[]; maxImages?: string; json?: boolean }) => {
      if (!flags.model.startsWith('openai:')) throw new UsageError(`--model ${flags.model}: check-server checks served models, --model openai:<name>`);
      const maxImages = flags.maxImages === undefined ? 64 : Number(flags.maxImages);
      if (!Number.isInteger(maxImages) || maxImages < 1) throw new UsageError(`--max-images ${String(flags.maxImages)}: expected an integer >= 1`);
      const [{ parseArgAssignment, routeArgs }, { createBackend }, { checkServer, renderCheckReport }] = await Promise.all([
        import('../core/args.ts'),
        import('../backends/index.ts'),
        import('../backends/openai/check.ts'),
      ]);
      const assignments = (flags.modelArg ?? []).map((text) => parseArgAssignment('--model-arg', text));
      const args = routeArgs(assignments, ['openai'], 'backend').get('openai')!;
      const backend = (await createBackend(flags.model, { args })) as import('../backends/openai/backend.ts').OpenAIBackend;
      try {
        const report = await checkServer(backend, { maxImages });
        process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderCheckReport(report));
        const failed = report.checks.filter((check) => check.verdict === 'no').map((check) => check.name);
        if (failed.length > 0) throw new RunError(`check-server: ${failed.join(', ')}: not as a Flamingo evaluation needs (see above)`);
      } finally {
        await backend.close();
      }
    });
}
