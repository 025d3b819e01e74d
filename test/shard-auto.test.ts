// --shard i/n and --shard auto: the index and count from a Slurm array job or a Kubernetes indexed Job; shards are
// disjoint and cover the queries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inShard, parseShard, shardRecordPath } from '../src/run/shard.ts';

const slurm = (id: number, min: number, count: number, step?: number) => ({
  SLURM_ARRAY_TASK_ID: String(id),
  SLURM_ARRAY_TASK_MIN: String(min),
  SLURM_ARRAY_TASK_COUNT: String(count),
  ...(step === undefined ? {} : { SLURM_ARRAY_TASK_STEP: String(step) }),
});

test('--shard i/n', () => {
  assert.deepEqual(parseShard('2/4', undefined, {}), { index: 2, count: 4 });
  assert.deepEqual(parseShard(' 1/1 ', undefined, {}), { index: 1, count: 1 });
  for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '-1/2']) {
    assert.throws(() => parseShard(bad, undefined, {}), /expected i\/n with 1 <= i <= n/);
  }
});

test('--shard auto in a Slurm array: --array=0-3, 1-4 and 0-6:2 all give shards 1..4', () => {
  assert.deepEqual([0, 1, 2, 3].map((id) => parseShard('auto', undefined, slurm(id, 0, 4))), [1, 2, 3, 4].map((index) => ({ index, count: 4 })));
  assert.deepEqual(parseShard('auto', undefined, slurm(4, 1, 4)), { index: 4, count: 4 });
  assert.deepEqual(parseShard('auto', undefined, slurm(6, 0, 4, 2)), { index: 4, count: 4 });
  assert.deepEqual(parseShard('auto', '4', slurm(0, 0, 4)), { index: 1, count: 4 });
  assert.throws(() => parseShard('auto', '5', slurm(0, 0, 4)), /--shard-count 5 disagrees with the Slurm array's 4 tasks/);
  assert.throws(() => parseShard('auto', undefined, slurm(3, 0, 4, 2)), /Slurm array task 3 is not one of 4 tasks from 0 in steps of 2/);
  assert.throws(() => parseShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '3' }), /SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MIN is not/);
});

test('--shard auto in a Kubernetes indexed Job: JOB_COMPLETION_INDEX from 0, the count by --shard-count', () => {
  assert.deepEqual(parseShard('auto', '8', { JOB_COMPLETION_INDEX: '0' }), { index: 1, count: 8 });
  assert.deepEqual(parseShard('auto', '8', { JOB_COMPLETION_INDEX: '7' }), { index: 8, count: 8 });
  assert.throws(() => parseShard('auto', undefined, { JOB_COMPLETION_INDEX: '0' }), /needs --shard-count N \(the Job's completions\)/);
  assert.throws(() => parseShard('auto', '8', { JOB_COMPLETION_INDEX: '8' }), /JOB_COMPLETION_INDEX=8 is not below --shard-count 8/);
  assert.throws(() => parseShard('auto', '0', { JOB_COMPLETION_INDEX: '0' }), /--shard-count 0: expected an integer >= 1/);
});

test('--shard auto outside a scheduler says what it looked for', () => {
  assert.throws(() => parseShard('auto', undefined, {}), /neither a Slurm array task \(SLURM_ARRAY_TASK_ID\) nor a pod of a Kubernetes indexed Job \(JOB_COMPLETION_INDEX\); give --shard i\/n/);
});

test('shards are disjoint, cover the ids, are balanced, and do not depend on other ids', () => {
  const ids = Array.from({ length: 3000 }, (_, i) => `q${i}`);
  const owners = ids.map((id) => [1, 2, 3, 4, 5].filter((index) => inShard({ index, count: 5 }, 'okvqa', id)));
  assert.ok(owners.every((list) => list.length === 1));
  const sizes = [1, 2, 3, 4, 5].map((index) => owners.filter((list) => list[0] === index).length);
  assert.ok(sizes.every((n) => n > 500 && n < 700), String(sizes));
  assert.ok(ids.every((id) => inShard(undefined, 'okvqa', id)));
  assert.equal(shardRecordPath('/r/m/okvqa-4shot.json', { index: 2, count: 8 }), '/r/m/okvqa-4shot.shard2of8.json');
});

test('the run flag --shard auto reads the scheduler from the environment', async () => {
  const { parseRunOptions } = await import('../src/run/options.ts');
  const saved = { ...process.env };
  try {
    Object.assign(process.env, slurm(5, 4, 8));
    assert.deepEqual(parseRunOptions({ task: 'okvqa', shard: 'auto' }).shard, { index: 2, count: 8 });
    for (const key of Object.keys(slurm(0, 0, 0))) delete process.env[key];
    process.env.JOB_COMPLETION_INDEX = '3';
    assert.deepEqual(parseRunOptions({ task: 'okvqa', shard: 'auto', shardCount: '4' }).shard, { index: 4, count: 4 });
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
});
