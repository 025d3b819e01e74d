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

/** The backend's one request before a run that checks the server takes its prompts' image count (preflight). */
const isProbe = (r: { body: any }) =>
  r.body?.max_tokens === 1 && /How many images\?|First word: alpha/.test(JSON.stringify(r.body?.messages ?? ''));
/** The run's own POSTs (the preflight probe left out). */
const runPosts = (server: { requests: { method: string; body: any }[] }, from = 0) =>
  server.requests.slice(from).filter((r) => r.method === 'POST' && !isProbe(r));

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
  const server = await startFakeServer({ kind: 'vllm', reply: (prompt) => (prompt.length % 2 ? ' yes' : ' no') });
  try {
    const resultsDir = tempDir();
    const [outcome] = await evaluate(flags(server.url, resultsDir));
    const record = outcome!.record;
    assert.equal(record.trials[0]!.examples.length, 12);
    assert.equal(record.model.name, 'fake-vlm-7b');
    assert.equal(record.model.spec, 'openai:fake-vlm-7b');
    // The record says which server it was and which decoding ran: OK-VQA's 3 beams through vLLM's beam search.
    const model = record.model as unknown as Record<string, unknown>;
    assert.deepEqual(model.server, { kind: 'vllm', version: '0.11.0' });
    assert.equal(model.decodingMethod, 'beam-search');
    assert.equal(model.greedyInsteadOfBeams, false);
    const posts = runPosts(server);
    assert.equal(posts.length, 12);
    // Before the run: 2-shot prompts carry 3 images (asked once), with text between them (interleaving checked: 2).
    assert.equal(server.requests.filter(isProbe).length, 3);
    assert.ok(posts.every((r) => r.body.use_beam_search === true && r.body.n === 3 && r.body.length_penalty === 0));
    assert.ok(server.requests.every((r) => r.authorization === `Bearer ${KEY}`));
    assert.ok(!allText(resultsDir).includes(KEY));
    assert.ok(!allText(resultsDir).includes('SECRET'));
  } finally {
    await server.close();
  }
});

test('a server that fails mid-run stops the run (exit 1, journal intact); the same command resumes to the same numbers', async () => {
  const reply = (prompt: string) => ` ${['red', 'blue', 'green'][prompt.length % 3]}`;
  const server = await startFakeServer({ kind: 'vllm', reply });
  try {
    const whole = await evaluate(flags(server.url, tempDir()));
    const resultsDir = tempDir();
    server.failAfter(9, { kind: 'status', status: 500 });
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
    // 4 run requests were answered (after GET /models, GET /version, the image-count and interleaving probes), but a batch of 2 is
    // journaled only when both of its requests are.
    assert.ok(done >= 2 && done <= 4, `resumed ${done}`);
    assert.equal(runPosts(server, before).length, 12 - done);
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

function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return import('node:child_process').then(
    ({ execFile }) =>
      new Promise((resolve) => {
        const bin = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
        const child = execFile(process.execPath, [bin, ...argv], { env: { ...process.env, NO_COLOR: '1', ...env } }, (_error, stdout, stderr) =>
          resolve({ code: child.exitCode, stdout, stderr }),
        );
      }),
  );
}

test('a server that echoes the key everywhere (answers, model names, headers, errors): no output holds any of it', async () => {
  const key = 'sk-echo-SECRET-5555aaaa9999';
  const server = await startFakeServer({ kind: 'vllm', echoKey: key, reply: (prompt) => (prompt.length % 2 ? ' yes' : ' no') });
  try {
    const resultsDir = tempDir();
    const env = { FLAMINGO_TEST_ECHO_KEY: key };
    const common = ['--model', 'openai:fake-vlm-7b', '--model-arg', `base-url=${server.url}`, '--model-arg', 'api-key-env=FLAMINGO_TEST_ECHO_KEY', '--results-dir', resultsDir, '--model-arg', 'image-size=32'];
    const outputs: string[] = [];
    // Open-ended (answers echo the key) and close-ended (rank), then a failing run quoting a long error with the key.
    for (const task of ['okvqa', 'hatefulmemes']) {
      const run = await cli(['--task', task, '--limit', '4', '--shots', '2', ...common, '--json'], env);
      assert.equal(run.code, 0, run.stderr);
      outputs.push(run.stdout, run.stderr);
    }
    server.failAlways({ kind: 'status', status: 400, body: JSON.stringify({ error: { message: `${'x'.repeat(195)}${key}${'y'.repeat(300)}` } }) });
    const failed = await cli(['--task', 'okvqa', '--limit', '4', '--shots', '4', ...common], env);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /HTTP 400/);
    outputs.push(failed.stdout, failed.stderr);
    server.failAlways(undefined);
    const report = join(tempDir(), 'report.html');
    const built = await cli(['report', resultsDir, '-o', report]);
    assert.equal(built.code, 0, built.stderr);
    outputs.push(built.stdout, built.stderr, readFileSync(report, 'utf8'));
    outputs.push(allText(resultsDir));
    const all = outputs.join('\n');
    assert.ok(all.includes('[API key]'), 'the echoed key shows as [API key]');
    // Not the key, nor any 6-character piece of it (a key cut before masking leaves a prefix).
    for (let i = 0; i + 6 <= key.length; i++) assert.ok(!all.includes(key.slice(i, i + 6)), key.slice(i, i + 6));
    assert.ok(!all.includes('SECRET'));
  } finally {
    await server.close();
  }
});

test('TGI (no beam search): refused without allow-greedy (exit 2); with it, greedy, recorded, and marked § on the leaderboard', async () => {
  const server = await startFakeServer({ kind: 'tgi', reply: () => ' red' });
  try {
    const resultsDir = tempDir();
    await assert.rejects(evaluate(flags(server.url, resultsDir, { limit: '2' })), (error: Error & { exitCode?: number }) => {
      assert.match(error.message, /TGI 3\.3\.6 at http:\/\/127\.0\.0\.1:\d+\/v1 has no beam search, and the task decodes with 3 beams .* set --model-arg allow-greedy=true/);
      assert.equal(error.exitCode, 2);
      return true;
    });
    assert.equal(runPosts(server).length, 0);
    const modelArg = [`base-url=${server.url}`, 'api-key-env=FLAMINGO_TEST_OPENAI_KEY', 'allow-greedy=true'];
    const [outcome] = await evaluate(flags(server.url, resultsDir, { limit: '2', modelArg }));
    const model = outcome!.record.model as unknown as Record<string, unknown>;
    assert.deepEqual(model.server, { kind: 'tgi', version: '3.3.6' });
    assert.equal(model.greedyInsteadOfBeams, true);
    assert.ok(runPosts(server).every((r) => r.body.n === 1 && r.body.use_beam_search === undefined));
    const board = await cli(['leaderboard', resultsDir]);
    assert.equal(board.code, 0, board.stderr);
    assert.match(board.stdout, /\d+\.\d † ‡ §|\d+\.\d ‡ §|\d+\.\d † §/);
    assert.match(board.stdout, /§ Greedy decoding in place of the task's beam search: the model's server has none/);
  } finally {
    await server.close();
  }
});

test('video frames per prompt are counted against the server\'s image limit before the run starts', async () => {
  const server = await startFakeServer({ kind: 'vllm', maxImages: 6, reply: () => ' cooking' });
  try {
    const resultsDir = tempDir();
    const video = { task: 'msvdqa', shots: '0,2', limit: '2', frames: 'uniform:4' };
    await assert.rejects(evaluate(flags(server.url, resultsDir, video)), (error: Error) => {
      assert.match(error.message, /At most 6 image\(s\) may be provided in one prompt\. This prompt carries 12 images \(3 videos sampled as --frames uniform:4, every frame an image\), and vLLM 0\.11\.0 takes at most 6 per prompt/);
      assert.match(error.message, /Raise it with vllm serve --limit-mm-per-prompt/);
      return true;
    });
    // One probe request, and nothing of the 0-shot run (which would fit) before the 2-shot prompts were checked.
    const posts = server.requests.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 1);
    assert.equal(posts[0]!.body.max_tokens, 1);
    // Told the limit, the backend refuses without asking.
    const before = server.requests.length;
    const modelArg = [`base-url=${server.url}`, 'api-key-env=FLAMINGO_TEST_OPENAI_KEY', 'max-images=6'];
    await assert.rejects(evaluate(flags(server.url, resultsDir, { ...video, modelArg })), /This prompt carries 12 images|this prompt carries 12 images/);
    assert.equal(server.requests.slice(before).filter((r) => r.method === 'POST').length, 0);
  } finally {
    await server.close();
  }
});

test('a server that moves images out of place (a string-format chat template) stops the run before it starts', async () => {
  const server = await startFakeServer({ kind: 'vllm', interleave: 'first', reply: () => ' red' });
  try {
    const resultsDir = tempDir();
    await assert.rejects(evaluate(flags(server.url, resultsDir, { limit: '2' })), (error: Error) => {
      assert.match(error.message, /vLLM 0\.11\.0 at http:\/\/127\.0\.0\.1:\d+\/v1: images are not where the prompt puts them .* fix with vllm serve --chat-template-content-format openai \(or --interleave-mm-strings\)\. `flamingo-eval check-server` shows what the server does; --model-arg interleave-check=false runs anyway/);
      return true;
    });
    assert.equal(runPosts(server).length, 0);
    const modelArg = [`base-url=${server.url}`, 'api-key-env=FLAMINGO_TEST_OPENAI_KEY', 'interleave-check=false'];
    const [outcome] = await evaluate(flags(server.url, resultsDir, { limit: '2', modelArg }));
    assert.equal(outcome!.record.trials[0]!.examples.length, 2);
    // 0-shot prompts (one image, text only after it) need no check.
    const zero = await startFakeServer({ kind: 'vllm', interleave: 'first', reply: () => ' red' });
    try {
      const [zeroShot] = await evaluate(flags(zero.url, tempDir(), { limit: '2', shots: '0' }));
      assert.equal(zeroShot!.record.trials[0]!.examples.length, 2);
    } finally {
      await zero.close();
    }
  } finally {
    await server.close();
  }
});

test('the leaderboard prefers a beam-search record to a greedy one of the same cell, and says why', async () => {
  const { choosePerCell } = await import('../src/leaderboard/board.ts');
  const base = {
    model: 'm', parameters: 7e9, task: 'okvqa', metric: 'vqa_accuracy', split: null, shots: 4, mean: 1, std: 0, trials: 1,
    sample: false, queries: 10, subset: false, demonstrations: 'random' as const, promptStyle: 'paper', ensemble: 1,
  };
  const { kept, warnings } = choosePerCell([
    { ...base, file: 'greedy.json', createdAt: '2026-12-06T20:00:00Z', greedy: true, mean: 2 },
    { ...base, file: 'beam.json', createdAt: '2026-12-05T20:00:00Z', mean: 3 },
  ]);
  assert.deepEqual(kept.map((e) => e.file), ['beam.json']);
  assert.match(warnings[0]!, /using beam\.json \(the papers' beam search, preferred to greedy decoding, .*\); ignoring greedy\.json \(greedy in place of beam search/);
});
