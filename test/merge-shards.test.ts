// `flamingo-eval merge`: n shards run as on n machines (each its own results folder) merge into the single-machine
// record, number for number; merge refuses shards of different configurations, missing or overlapping ones, and
// files that are not shard records, naming the files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../src/run/evaluate.ts';
import { mergeShards } from '../src/run/merge.ts';
import { parseRunOptions } from '../src/run/options.ts';
import type { RunRecord } from '../src/core/types.ts';

const FAKE_TASK = new URL('./support/fake-task.ts', import.meta.url).pathname;
const FAKE_RANK_TASK = new URL('./support/fake-rank-task.ts', import.meta.url).pathname;
const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;
const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'flamingo-merge-'));
}

async function run(flags: Record<string, unknown>) {
  return evaluate(parseRunOptions({ task: FAKE_TASK, model: TEST_BACKEND, quiet: true, ...flags }));
}

/** Runs each shard in its own results folder (as on its own machine); returns the shard records' paths. */
async function shardRuns(count: number, flags: Record<string, unknown>): Promise<string[]> {
  const files: string[] = [];
  for (let index = 1; index <= count; index++) {
    const resultsDir = tempDir();
    assert.deepEqual(await run({ ...flags, resultsDir, shard: `${index}/${count}` }), []);
    const dir = join(resultsDir, 'test-backend');
    files.push(...readdirSync(dir).filter((name) => name.endsWith(`.shard${index}of${count}.json`)).map((name) => join(dir, name)));
  }
  return files;
}

/** The record without what differs between any two runs (times, paths, dates, the sharding itself). */
function comparable(record: RunRecord) {
  return {
    model: record.model,
    task: record.task,
    shots: record.shots,
    data: record.data,
    summary: record.summary,
    trials: record.trials.map((trial) => ({ ...trial, examples: trial.examples.map(({ backendMs: _ms, ...example }) => example) })),
    config: Object.fromEntries(
      Object.entries(record.config).filter(([key]) => !['resultsDir', 'journal', 'shard', 'mergedFrom'].includes(key)),
    ),
  };
}

test('3 shards on 3 machines merge into the single-machine record, number for number', async () => {
  const flags = { shots: '2', seeds: '42,43' };
  const [whole] = await run({ ...flags, resultsDir: tempDir() });
  const shards = await shardRuns(3, flags);
  assert.equal(shards.length, 3);
  const output = join(tempDir(), 'merged.json');
  const [merged] = await mergeShards(shards, { output });
  assert.equal(merged!.path, output);
  const written = JSON.parse(readFileSync(output, 'utf8')) as RunRecord;
  assert.deepEqual(comparable(written), comparable(whole!.record));
  assert.deepEqual(written.trials.map((t) => t.metrics), whole!.record.trials.map((t) => t.metrics));
  assert.deepEqual(written.config.mergedFrom, shards); // in shard order
  assert.equal(written.config.shard, null);
  // Each shard holds a third or so of the 40 queries, and none holds them all.
  const sizes = shards.map((file) => (JSON.parse(readFileSync(file, 'utf8')) as RunRecord).trials[0]!.examples.length);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 40);
  assert.ok(sizes.every((n) => n > 0 && n < 40));
});

test('a close-ended task with --limit: 2 shards merged from a folder equal the single run', async () => {
  const flags = { task: FAKE_RANK_TASK, shots: '3', limit: '17' };
  const [whole] = await run({ ...flags, resultsDir: tempDir() });
  const shards = await shardRuns(2, flags);
  const folder = tempDir();
  for (const file of shards) copyFileSync(file, join(folder, file.split('/').pop()!));
  const [merged] = await mergeShards([folder]);
  assert.match(merged!.path, new RegExp(`^${folder}/fake-colours-rank-3shot-sample-limit17-[0-9a-f]{8}\\.json$`));
  assert.equal(merged!.path.split('/').pop(), whole!.path.split('/').pop(), 'the name a single-machine run gives the record');
  assert.deepEqual(comparable(merged!.record), comparable(whole!.record));
  assert.equal(merged!.record.trials[0]!.n, 17);
});

test('merge refuses missing, overlapping and mismatched shards, and files that are not shard records, naming them', async () => {
  const flags = { shots: '1' };
  const shards = await shardRuns(3, flags);
  await assert.rejects(mergeShards(shards.slice(0, 2)), (error: Error) => {
    assert.equal(error.name, 'InputError');
    assert.match(error.message, /^fake-colours-1shot-sample-[0-9a-f]{8}: missing shard 3\/3 \(given: .*shard1of3\.json, .*shard2of3\.json\)/);
    return true;
  });
  // The same shard twice, from two machines' folders.
  const copy = join(tempDir(), shards[1]!.split('/').pop()!);
  copyFileSync(shards[1]!, copy);
  await assert.rejects(mergeShards([...shards, copy]), (error: Error) =>
    error.message.includes(`are both shard 2/3: overlapping shards`) && error.message.includes(copy) && error.message.includes(shards[1]!),
  );
  // Another configuration (another support pool) is another record: its shards are named by its own identity, so
  // mixing them with these leaves each record short of a shard rather than merging them into one.
  const other = await shardRuns(3, { ...flags, supportSize: '50' });
  assert.notEqual(other[2]!.split('/').pop(), shards[2]!.split('/').pop());
  await assert.rejects(mergeShards([shards[0]!, shards[1]!, other[2]!]), /: missing shards? (3\/3|1\/3, 2\/3) \(given: /);
  const both = await mergeShards([...shards, ...other], { output: tempDir() });
  assert.equal(both.length, 2);
  assert.deepEqual(both.map((m) => m.record.config.supportSize as number).sort((a, b) => a - b), [50, 2048]);
  // A shard of another configuration under this one's name (renamed by hand, or written by an earlier version, whose
  // names had no identity): refused by the configuration hash.
  const renamed = join(tempDir(), shards[2]!.split('/').pop()!);
  copyFileSync(other[2]!, renamed);
  await assert.rejects(mergeShards([shards[0]!, shards[1]!, renamed]), (error: Error) =>
    /are shards of different runs \(their configuration \(config\.configHash/.test(error.message) && error.message.includes(renamed),
  );
  // Other seeds, under this one's name.
  const seeds = await shardRuns(3, { ...flags, seeds: '7' });
  const renamedSeeds = join(tempDir(), shards[2]!.split('/').pop()!);
  copyFileSync(seeds[2]!, renamedSeeds);
  await assert.rejects(mergeShards([shards[0]!, shards[1]!, renamedSeeds]), /different runs \(their seeds differ\)/);
  // Not a shard record, not JSON.
  const [record] = await run({ ...flags, resultsDir: tempDir() });
  await assert.rejects(mergeShards([record!.path]), new RegExp(`^InputError: ${record!.path}: not a shard record`));
  const broken = join(tempDir(), 'x.shard1of1.json');
  writeFileSync(broken, '{"shard": ');
  await assert.rejects(mergeShards([broken]), new RegExp(`^InputError: ${broken}: not a JSON file`));
  const empty = tempDir();
  await assert.rejects(mergeShards([empty]), /no shard records \(<record>\.shard<i>of<n>\.json\) in this folder/);
  // Shards of two records into one .json file.
  const rank = await shardRuns(2, { task: FAKE_RANK_TASK, shots: '1' });
  await assert.rejects(mergeShards([...shards, ...rank], { output: join(tempDir(), 'one.json') }), /belong to 2 records .* give -o a folder/);
});

test('the CLI: merge into a results folder (exit 0), refusals exit 2', async () => {
  const shards = await shardRuns(2, { shots: '1', seeds: '42' });
  const out = tempDir();
  const ok = spawnSync(process.execPath, [BIN, 'merge', ...shards, '-o', out, '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /merged 2 shards into .*test-backend\/fake-colours-1shot-sample-[0-9a-f]{8}\.json/);
  const summary = JSON.parse(ok.stdout);
  assert.equal(summary[0].task, 'fake-colours');
  assert.equal(summary[0].n, 40);
  const bad = spawnSync(process.execPath, [BIN, 'merge', shards[0]!], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /missing shard 2\/2/);
});
