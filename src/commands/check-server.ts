// `flamingo-eval check-server --model openai:<name>`: a preflight of a served model before a long run (decoding,
// ranking, images per prompt, interleaving, payload limit); the checks are src/backends/openai/check.ts. Exit 0 when
// every check passed or could not be observed, 1 when one failed.
import type { Command } from 'commander';
import { RunError, UsageError } from '../core/errors.ts';

export function registerCheckServer(program: Command): void {
  program
    .command('check-server')
    .description('Check what a served model can do before a long run: decoding, ranking, images per prompt, interleaving, limits')
    .requiredOption('--model <spec>', 'the served model, openai:<name> (its id in the server\'s /v1/models)')
    .option('--base-url <url>', 'the API root (default $OPENAI_BASE_URL, else http://localhost:8000/v1)')
    .option('--api-key-env <name>', 'the environment variable holding the API key (default: OPENAI_API_KEY)')
    .option('--request-timeout <seconds>', 'timeout of one request (default: 120)')
    .option('--max-images <n>', 'the most images per prompt to try (default: 64)')
    .option('--json', 'print the report as JSON')
    .action(async (flags: Record<string, unknown>) => {
      const spec = String(flags.model);
      if (!spec.startsWith('openai:')) throw new UsageError(`--model ${spec}: check-server checks served models, --model openai:<name>`);
      const [{ resolveSettings }, { openBackend }, { checkServer, renderCheckReport }] = await Promise.all([
        import('../backends/openai/settings.ts'),
        import('../backends/openai/backend.ts'),
        import('../backends/openai/check.ts'),
      ]);
      const maxImages = flags.maxImages === undefined ? 64 : Number(flags.maxImages);
      if (!Number.isInteger(maxImages) || maxImages < 1) throw new UsageError(`--max-images ${String(flags.maxImages)}: expected an integer >= 1`);
      const timeout = flags.requestTimeout === undefined ? undefined : Number(flags.requestTimeout);
      if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--request-timeout ${String(flags.requestTimeout)}: expected a number > 0`);
      const keyEnv = flags.apiKeyEnv === undefined ? undefined : String(flags.apiKeyEnv);
      if (keyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyEnv)) {
        throw new UsageError(`--api-key-env ${keyEnv}: expected the name of an environment variable (e.g. VLLM_API_KEY), not the key`);
      }
      const settings = resolveSettings(spec.slice('openai:'.length), {
        baseUrl: flags.baseUrl === undefined ? undefined : String(flags.baseUrl),
        apiKeyEnv: keyEnv,
        requestTimeoutMs: timeout === undefined ? undefined : timeout * 1000,
        retries: 1,
      });
      const backend = await openBackend(settings);
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
