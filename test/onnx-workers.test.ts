// Worker sessions (src/backends/onnx/pool.ts): the same numbers as the main thread's session for the same calls,
// media encoded once whichever worker needs them, errors that name the model or file, and a CLI that exits.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OnnxFlamingoBackend, sessionLayout } from '../src/backends/onnx/backend.ts';
import { MODELS_DIR } from '../src/backends/onnx/index.ts';
import { InputError } from '../src/core/errors.ts';
import type { GenerateRequest, ImageRef, Prompt, RankRequest } from '../src/core/types.ts';

const dir = join(MODELS_DIR, 'flamingo-tiny-s');
const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
const image = (name: string): ImageRef => ({ kind: 'image', id: name, path: join(dir, 'parity', name) });
const shot = (name: string, answer: string): Prompt => [
  { type: 'media', media: image(name) },
  { type: 'text', text: `Question: What is this shape called? Answer: ${answer}` },
  { type: 'end_of_chunk' },
];
const query = (name: string): Prompt => [{ type: 'media', media: image(name) }, { type: 'text', text: 'Question: What is this shape called? Answer:' }];
const prompts: Prompt[] = [
  [...shot('binding-0.png', 'dax'), ...shot('binding-1.png', 'pilek'), ...query('binding-2.png')],
  [...shot('binding-1.png', 'pilek'), ...query('binding-0.png')],
  [{ type: 'text', text: 'Output: two blue squares.' }, { type: 'end_of_chunk' }, { type: 'text', text: 'Output:' }],
  [...shot('binding-2.png', 'zumo'), ...shot('binding-0.png', 'dax'), ...shot('binding-1.png', 'pilek'), ...query('binding-1.png')],
];
// Calls as the run loop makes them: batches of two, for greedy and beam search, and ranking.
const generateCalls: GenerateRequest[][] = [1, 3].flatMap((numBeams) =>
  [prompts.slice(0, 2), prompts.slice(2)].map((batch) =>
    batch.map((prompt) => ({ prompt, maxNewTokens: 6, numBeams, lengthPenalty: 0, stopAtEndOfChunk: true })),
  ),
);
const rankCalls: RankRequest[][] = [prompts.slice(0, 2), prompts.slice(2)].map((batch) =>
  batch.map((prompt) => ({ prompt, candidates: ['dax', 'pilek', 'a red circle', 'zumo'], lengthNormalize: false })),
);

let main: OnnxFlamingoBackend;
let workers: OnnxFlamingoBackend;
before(async () => {
  main = await OnnxFlamingoBackend.open(dir, { threads: 1 });
  workers = await OnnxFlamingoBackend.open(dir, { workers: 2, threads: 2 });
});
after(async () => {
  await main.close();
  await workers.close();
});

test('the layout: one main-thread session with the whole budget, or the budget split among the workers', () => {
  assert.deepEqual(sessionLayout({ threads: 2 }), { workers: 0, intraOpThreads: 2 });
  assert.deepEqual(sessionLayout({ threads: 2, workers: 2 }), { workers: 2, intraOpThreads: 1 });
  assert.deepEqual(sessionLayout({ threads: 4, workers: 2 }), { workers: 2, intraOpThreads: 2 });
  assert.deepEqual(sessionLayout({ threads: 3, workers: 2 }), { workers: 2, intraOpThreads: 1 });
  assert.deepEqual(sessionLayout({ threads: 1, workers: 2 }), { workers: 2, intraOpThreads: 1 });
  assert.equal(workers.sessions, 2);
  assert.equal(main.sessions, 1);
});

test('worker sessions generate and rank exactly what the main thread does for the same calls, several at once', async () => {
  const all = <T, R>(calls: T[][], run: (b: OnnxFlamingoBackend, c: T[]) => Promise<R[]>) => ({
    main: Promise.all(calls.map((c) => run(main, c))),
    workers: Promise.all(calls.map((c) => run(workers, c))), // in flight together: both workers busy
  });
  const generated = all(generateCalls, (b, c) => b.generate(c));
  const ranked = all(rankCalls, (b, c) => b.rank(c));
  const texts = (results: { text: string }[][]) => results.map((r) => r.map((x) => x.text));
  assert.deepEqual(texts(await generated.workers), texts(await generated.main));
  assert.ok(texts(await generated.main).flat().some((t) => t !== ''), 'something is generated');
  const scores = (results: { logLikelihoods: number[] }[][]) => results.map((r) => r.map((x) => x.logLikelihoods));
  assert.deepEqual(scores(await ranked.workers), scores(await ranked.main)); // bit for bit
  const media = [image('binding-0.png'), image('binding-2.png')];
  assert.deepEqual(await workers.embed(media), await main.embed(media));
  // Three distinct images, each encoded once although two workers ran prompts that show them.
  assert.equal(workers.encoder.encodes, 3);
  assert.equal(main.encoder.encodes, 3);
  assert.ok(workers.ortMs > 0);
});

test('an input error inside a worker reaches the caller as an input error', async () => {
  const long: Prompt = [{ type: 'text', text: 'dax '.repeat(3000) }];
  await assert.rejects(workers.generate([{ prompt: long, maxNewTokens: 2, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true }]), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.match(e.message, /more than the model's context length of \d+; use fewer shots/);
    return true;
  });
  // The pool goes on after a failed call.
  const [again] = await workers.generate(generateCalls[0]!.slice(0, 1));
  const [reference] = await main.generate(generateCalls[0]!.slice(0, 1));
  assert.equal(again!.text, reference!.text);
});

test('any other error inside a worker reaches the caller naming the model and its folder', async () => {
  const { renderPrompt } = await import('../src/backends/onnx/prompt.ts');
  const rendered = renderPrompt(prompts[0]!, workers.runtime.tokenizer);
  // A job sent without its media's visual tokens.
  const settings = { maxNewTokens: 2, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true };
  await assert.rejects(workers.pool!.generate([rendered], new Map(), settings), (e: unknown) => {
    assert.ok(!(e instanceof InputError));
    assert.match((e as Error).message, /^flamingo-tiny-s \(.*flamingo-tiny-s\), in a worker: no visual tokens were sent for medium binding-0\.png/);
    return true;
  });
});

test('a bundle whose decoder graph is broken fails when the workers open it, naming the file', async () => {
  const broken = mkdtempSync(join(tmpdir(), 'onnx-broken-'));
  for (const file of readdirSync(dir)) if (file.includes('.')) copyFileSync(join(dir, file), join(broken, file));
  writeFileSync(join(broken, 'decoder.onnx'), 'not an onnx graph');
  await assert.rejects(OnnxFlamingoBackend.open(broken, { workers: 2, threads: 2 }), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.match(e.message, /decoder\.onnx: cannot load the ONNX graph/);
    return true;
  });
});

test('the CLI with worker sessions finishes its run and exits', () => {
  const results = mkdtempSync(join(tmpdir(), 'onnx-workers-cli-'));
  const args = ['run', '--task', 'okvqa', '--model', 'flamingo-tiny-s', '--shots', '0', '--limit', '4', '--batch-size', '1'];
  const run = spawnSync(process.execPath, [BIN, ...args, '--model-arg', 'workers=2', '--concurrency', '3', '--model-arg', 'onnx.threads=2', '--results-dir', results, '--quiet', '--json'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(run.error, undefined, 'the process exited by itself');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /"okvqa"/);
});
