import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import type { RunRecord } from '../src/core/types.ts';

const FAKE_TASK = new URL('./support/fake-task.ts', import.meta.url).pathname;
const FAKE_RANK_TASK = new URL('./support/fake-rank-task.ts', import.meta.url).pathname;
const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'flamingo-core-'));
}

async function run(flags: Record<string, unknown>) {
  return evaluate(
    parseRunOptions({ task: FAKE_TASK, model: TEST_BACKEND, resultsDir: tempDir(), quiet: true, ...flags }),
  );
}

/** The files of the results folder's model folder whose names match. */
function records(resultsDir: string, name: RegExp): string[] {
  return readdirSync(join(resultsDir, 'test-backend')).filter((file) => name.test(file));
}

/** Per seed: query id -> [demonstration ids, answer]. */
function byQuery(record: RunRecord): Map<string, string>[] {
  return record.trials.map(
    (trial) => new Map(trial.examples.map((example) => [example.id, JSON.stringify([example.demonstrations, example.answer])])),
  );
}

test('demonstrations and answers do not depend on concurrency, batch size or --limit', async () => {
  const base = { shots: '4', seeds: '42,43' };
  const [a] = await run({ ...base, concurrency: '1', batchSize: '1' });
  const [b] = await run({ ...base, concurrency: '3', batchSize: '7' });
  const [c] = await run({ ...base, concurrency: '2', batchSize: '3', limit: '9' });
  assert.deepEqual(byQuery(b!.record), byQuery(a!.record));
  assert.deepEqual(a!.record.trials.map((t) => t.metrics), b!.record.trials.map((t) => t.metrics));
  const full = byQuery(a!.record);
  byQuery(c!.record).forEach((trial, seed) => {
    assert.equal(trial.size, 9);
    for (const [id, value] of trial) assert.equal(full[seed]!.get(id), value);
  });
  // Different seeds give different demonstrations.
  assert.notDeepEqual([...full[0]!.values()], [...full[1]!.values()]);
});

test('a record holds config, model, data, trials with examples, mean and sample std over seeds, timings', async () => {
  const [outcome] = await run({ shots: '2', seeds: '42,43,44' });
  const record = JSON.parse(readFileSync(outcome!.path, 'utf8')) as RunRecord;
  assert.equal(record.tool.name, 'flamingo-eval');
  assert.match(record.tool.version, /^\d+\.\d+\.\d+/);
  assert.equal(record.model.name, 'test-backend');
  assert.equal(record.model.parameters, 1234);
  assert.equal(record.model.spec, TEST_BACKEND);
  assert.equal(record.task.id, 'fake-colours');
  assert.equal(record.shots, 2);
  assert.equal(record.data.sample, true);
  assert.equal(record.data.querySize, 40);
  assert.equal(record.data.supportSize, 60);
  assert.deepEqual(record.config.seeds, [42, 43, 44]);
  assert.equal(record.config.sampler, 'random');
  assert.equal(record.trials.length, 3);
  const values = record.trials.map((trial) => trial.metrics.accuracy!);
  const mean = values.reduce((x, y) => x + y, 0) / 3;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / 2);
  assert.ok(Math.abs(record.summary.metrics.accuracy!.mean! - mean) < 1e-12);
  assert.ok(Math.abs(record.summary.metrics.accuracy!.std! - std) < 1e-12);
  assert.equal(record.summary.primary, 'accuracy');
  assert.equal(record.summary.n, 40);
  const example = record.trials[0]!.examples[0]!;
  assert.equal(example.demonstrations.length, 2);
  assert.ok(example.prompt.some((part) => part.type === 'media' && typeof part.media.path === 'string'));
  assert.match(example.raw, /^ (red|green|blue) and more$/);
  assert.equal(example.answer, example.raw.trim().split(' ')[0]);
  assert.ok(example.score === 0 || example.score === 100);
  const accuracy = record.trials[0]!.examples.reduce((s, e) => s + e.score!, 0) / 40;
  assert.equal(accuracy, record.trials[0]!.metrics.accuracy);
  assert.ok(record.timings.totalMs > 0 && record.timings.backendMs >= 0 && record.timings.mediaMs === 0);
});

test('--protocol flamingo evaluates the task protocol query-set size', async () => {
  const [outcome] = await run({ shots: '0', protocol: 'flamingo' });
  assert.equal(outcome!.record.data.querySize, 8);
  assert.equal(outcome!.record.config.limit, 8);
});

test('generation overrides reach the backend request and the record', async () => {
  const [outcome] = await run({ shots: '0', maxNewTokens: '9', numBeams: '1', lengthPenalty: '-0.5', limit: '2' });
  assert.deepEqual(outcome!.record.config.generation, {
    maxNewTokens: 9,
    numBeams: 1,
    lengthPenalty: -0.5,
    stopAtEndOfChunk: true,
  });
});

test('a rank task: candidates scored, the top one is the answer, no zero-shot demonstrations', async () => {
  const [outcome, twoShot] = await run({ task: FAKE_RANK_TASK, shots: '0,2', limit: '6' });
  const zero = outcome!.record;
  assert.equal(zero.task.kind, 'rank');
  for (const example of zero.trials[0]!.examples) {
    assert.equal(example.demonstrations.length, 0);
    assert.equal(example.candidateScores!.length, 3);
    const best = example.candidateScores!.indexOf(Math.max(...example.candidateScores!));
    assert.equal(example.answer, ['red', 'green', 'blue'][best]);
  }
  assert.ok(twoShot!.record.trials[0]!.examples.every((example) => example.demonstrations.length === 2));
});

test('RICES: the most similar support image comes last, pool features cached on disk and reused', async () => {
  const resultsDir = tempDir();
  const flags = { shots: '3', sampler: 'rices', limit: '4', resultsDir, supportSize: '20' };
  const [first] = await run(flags);
  const cacheDir = join(resultsDir, 'test-backend', 'cache');
  const cached = readdirSync(cacheDir);
  assert.equal(cached.length, 1);
  assert.match(first!.path, /fake-colours-3shot-rices-sample-limit4-[0-9a-f]{8}\.json$/);
  const pathOf = (id: string) => Number(/-(\d+)-/.exec(id)![1]);
  for (const example of first!.record.trials[0]!.examples) {
    // Test embeddings put image n at angle n/5: the most similar train image is the nearest number, and it is last.
    const q = pathOf(example.id);
    const distances = example.demonstrations.map((id) => Math.abs(pathOf(id) - q));
    assert.deepEqual(distances, [...distances].sort((x, y) => y - x));
  }
  const mtime = readFileSync(join(cacheDir, cached[0]!));
  const [second] = await run({ ...flags, fresh: true });
  assert.deepEqual(readFileSync(join(cacheDir, cached[0]!)), mtime);
  assert.deepEqual(byQuery(second!.record), byQuery(first!.record));
});

test('the journal is keyed by the configuration: another --shots or prompt gets its own journal', async () => {
  const resultsDir = tempDir();
  await run({ shots: '1', resultsDir, limit: '3' });
  await run({ shots: '2', resultsDir, limit: '3' });
  await run({ shots: '2', resultsDir, limit: '3', sampler: 'rices' });
  await run({ shots: '2', resultsDir, limit: '3', zeroShotTextDemos: '1' }); // not used at 2 shots: same journal
  const journals = readdirSync(join(resultsDir, 'test-backend', 'journals'));
  assert.equal(journals.length, 3);
  assert.equal(records(resultsDir, /^fake-colours-2shot-sample-limit3-[0-9a-f]{8}\.json$/).length, 1);
});

test('extending --limit and --seeds reuses the journaled examples', async () => {
  const resultsDir = tempDir();
  const [first] = await run({ shots: '2', resultsDir, limit: '5' });
  assert.equal(first!.record.timings.resumedExamples, 0);
  const [second] = await run({ shots: '2', resultsDir, limit: '8', seeds: '42,43' });
  assert.equal(second!.record.timings.resumedExamples, 5);
  assert.deepEqual(second!.record.trials[0]!.examples.slice(0, 5), first!.record.trials[0]!.examples);
  const [third] = await run({ shots: '2', resultsDir, limit: '8', seeds: '42,43', fresh: true });
  assert.equal(third!.record.timings.resumedExamples, 0);
});

test('a run split with --shard in a shared results folder gives the record of an unsplit run; the last shard writes it', async () => {
  const resultsDir = tempDir();
  const base = { shots: '2', seeds: '42,43', resultsDir };
  const first = await run({ ...base, shard: '1/3' });
  assert.deepEqual(first, []);
  assert.deepEqual(records(resultsDir, /^fake-colours-2shot-sample-[0-9a-f]{8}\.json$/), []);
  assert.deepEqual(await run({ ...base, shard: '3/3', concurrency: '2' }), []);
  const [last] = await run({ ...base, shard: '2/3', batchSize: '1' });
  const [whole] = await run({ shots: '2', seeds: '42,43' });
  assert.deepEqual(byQuery(last!.record), byQuery(whole!.record));
  assert.deepEqual(last!.record.summary, whole!.record.summary);
  assert.equal(last!.record.config.shard, '2/3');
  const journals = readdirSync(join(resultsDir, 'test-backend', 'journals')).sort();
  assert.equal(journals.length, 3);
  assert.ok(journals.every((name, i) => name.endsWith(`.shard${i + 1}of3.jsonl`)));
  // The shards are disjoint and cover the queries: each journal line is one (seed, query), 80 in all.
  const lines = journals.map((name) => readFileSync(join(resultsDir, 'test-backend', 'journals', name), 'utf8').trim().split('\n').length - 1);
  assert.equal(lines.reduce((a, b) => a + b, 0), 80);
  assert.ok(lines.every((n) => n > 0));
  // Every shard also wrote its shard record, which leaderboards skip (it does not start with "tool").
  for (const i of [1, 2, 3]) {
    const [shardRecord] = records(resultsDir, new RegExp(`^fake-colours-2shot-sample-[0-9a-f]{8}\\.shard${i}of3\\.json$`));
    const text = readFileSync(join(resultsDir, 'test-backend', shardRecord!), 'utf8');
    assert.match(text, /^\{\n "shard": \{/);
  }
});
