// A whole run against a served model (the loopback fake server): records and journals never hold the API key, a
// server that goes down mid-run stops the run with the journal intact, and the same command then resumes it to the
// numbers of an uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { startFakeServer } from './support/fake-openai-server.ts';

const KEY = 'sk-run-SECRET-9876543210';
process.env.FLAMINGO_TEST_OPENAI_KEY = KEY;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'flamingo-openai-'));
}

function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

function flags(url: string, resultsDir: string, extra: Record<string, unknown> = {}) {
  return parseRunOptions({
    task: 'okvqa',
    model: 'openai:fake-vlm-7b',
    modelArg: [`base-url=${url}`, 'api-key-env=FLAMINGO_TEST_OPENAI_KEY', 'image-size=32', 'openai.retries=1'],
    shots: '2',
    limit: '12',
    concurrency: '3',
    batchSize: '2',
    resultsDir,
    quiet: true,
    ...extra,
  });
}

test('a served-model run: every request carries the key, no file the run writes does', async () => {
  const server = await startFakeServer({ reply: (prompt) => (prompt.length % 2 ? ' yes' : ' no') });
  try {
    const resultsDir = tempDir();
    const [outcome] = await evaluate(flags(server.url, resultsDir));
    const record = outcome!.record;
    assert.equal(record.trials[0]!.examples.length, 12);
    assert.equal(record.model.name, 'fake-vlm-7b');
    assert.equal(record.model.spec, 'openai:fake-vlm-7b');
    assert.match(String((record.model as unknown as Record<string, unknown>).decoding), /no beam search/);
    const posts = server.requests.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 12);
    assert.ok(server.requests.every((r) => r.authorization === `Bearer ${KEY}`));
    assert.ok(!allText(resultsDir).includes(KEY));
    assert.ok(!allText(resultsDir).includes('SECRET'));
  } finally {
    await server.close();
  }
});

test('a server that fails mid-run stops the run (exit 1, journal intact); the same command resumes to the same numbers', async () => {
  const reply = (prompt: string) => ` ${['red', 'blue', 'green'][prompt.length % 3]}`;
  const server = await startFakeServer({ reply });
  try {
    const whole = await evaluate(flags(server.url, tempDir()));
    const resultsDir = tempDir();
    server.failAfter(5, { kind: 'status', status: 500 });
    await assert.rejects(evaluate(flags(server.url, resultsDir)), (error: Error) => {
      assert.equal(error.name, 'RunError');
      assert.match(error.message, /HTTP 500: simulated HTTP 500; gave up after 2 attempts/);
      assert.match(error.message, /\d+ of 12 examples are in the journal .*; run the same command again to resume/);
      assert.ok(!error.message.includes(KEY));
      return true;
    });
    server.failAlways(undefined);
    const before = server.requests.length;
    const [resumed] = await evaluate(flags(server.url, resultsDir));
    const done = resumed!.record.timings.resumedExamples!;
    // 4 requests were answered (after GET /models), but a batch of 2 is journaled only when both of its requests are.
    assert.ok(done >= 2 && done <= 4, `resumed ${done}`);
    assert.equal(server.requests.filter((r, i) => i >= before && r.method === 'POST').length, 12 - done);
    const answers = (record: typeof resumed.record) => record.trials.map((t) => t.examples.map((e) => [e.id, e.raw, e.demonstrations]));
    assert.deepEqual(answers(resumed!.record), answers(whole[0]!.record));
    assert.deepEqual(resumed!.record.summary, whole[0]!.record.summary);
  } finally {
    await server.close();
  }
});

test('from the command line: a refused key exits 1 with the server message, the key scrubbed from stderr', async () => {
  const { execFile } = await import('node:child_process');
  const server = await startFakeServer();
  try {
    server.failAlways({ kind: 'status', status: 401, body: JSON.stringify({ error: { message: `invalid key ${KEY}` } }) });
    const bin = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
    const argv = [bin, '--task', 'okvqa', '--limit', '2', '--model', 'openai:fake-vlm-7b', '--model-arg', `base-url=${server.url}`,
      '--model-arg', 'api-key-env=FLAMINGO_TEST_OPENAI_KEY', '--results-dir', tempDir(), '--quiet'];
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, argv, { env: { ...process.env, NO_COLOR: '1' } }, (_error, _stdout, stderr) =>
        resolve({ code: child.exitCode, stderr }),
      );
    });
    assert.equal(code, 1);
    assert.match(stderr, /HTTP 401 \(the server refused the API key: check the variable --model-arg api-key-env= names.*\): invalid key \[API key\]/);
    assert.ok(!stderr.includes(KEY));
    assert.ok(server.requests.length >= 1 && server.requests.every((r) => r.authorization === `Bearer ${KEY}`));
  } finally {
    await server.close();
  }
});
