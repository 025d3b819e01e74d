import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeTask } from './support/fake-task.ts';
import {
  drawSupportPool,
  eligibleDemonstrations,
  querySubset,
  randomDemonstrations,
  zeroShotTextDemonstrations,
  supportWithout,
} from '../src/run/sampler.ts';
import { planTrials } from '../src/run/plan.ts';
import { ricesDemonstrations } from '../src/run/rices.ts';
import type { Example } from '../src/core/types.ts';

const task = fakeTask({}, { support: 60, query: 30 });
const data = await task.load({});

function ids(examples: Example[]): string[] {
  return examples.map((example) => example.id);
}

test('the support pool depends on the seed, not on the order of the split, and a larger pool contains a smaller', () => {
  const pool = drawSupportPool(data.support, 40, 42, task.id);
  assert.equal(pool.length, 40);
  assert.deepEqual(ids(drawSupportPool([...data.support].reverse(), 40, 42, task.id)), ids(pool));
  assert.notDeepEqual(ids(drawSupportPool(data.support, 40, 43, task.id)), ids(pool));
  assert.deepEqual(ids(drawSupportPool(data.support, 25, 42, task.id)), ids(pool).slice(0, 25));
  assert.equal(drawSupportPool(data.support, 5000, 42, task.id).length, data.support.length);
});

test('--limit takes a nested, order-independent subset of the query split', () => {
  const small = querySubset(data.query, task.id, 7);
  const large = querySubset(data.query, task.id, 20);
  assert.equal(small.length, 7);
  assert.deepEqual(ids(large).slice(0, 7), ids(small));
  assert.deepEqual(ids(querySubset([...data.query].reverse(), task.id, 20)), ids(large));
  assert.equal(querySubset(data.query, task.id).length, data.query.length);
  // The subset is a hashed sample, not the first items of the file.
  assert.notDeepEqual(ids(small), ids(data.query.slice(0, 7)));
});

test('demonstrations never include the query, its group, or its media', () => {
  const pool = drawSupportPool([...data.support, ...data.query], 1000, 42, task.id);
  for (const query of data.query) {
    const eligible = eligibleDemonstrations(pool, query);
    assert.ok(eligible.length > 0);
    for (const example of eligible) {
      assert.notEqual(example.id, query.id);
      assert.notEqual(example.group, query.group);
      assert.ok(!example.media.some((m) => query.media.some((q) => q.id === m.id)));
    }
    // The query's sibling question (same image) is in the pool but not eligible.
    assert.ok(pool.some((example) => example.group === query.group && example.id !== query.id));
  }
});

test('demonstrations are a function of (seed, task, query id, shots) only', () => {
  const pool = drawSupportPool(data.support, 40, 42, task.id);
  const query = data.query[3]!;
  const eligible = eligibleDemonstrations(pool, query);
  const a = ids(randomDemonstrations(eligible, query, 8, 42, task.id));
  assert.equal(a.length, 8);
  assert.equal(new Set(a).size, 8);
  assert.deepEqual(ids(randomDemonstrations(eligible, query, 8, 42, task.id)), a);
  assert.notDeepEqual(ids(randomDemonstrations(eligible, query, 8, 43, task.id)), a);
  assert.notDeepEqual(ids(randomDemonstrations(eligible, data.query[4]!, 8, 42, task.id)), a);
});

test('zero-shot: two text-only demonstrations for generate tasks, none for rank tasks, N with the override', async () => {
  const queries = querySubset(data.query, task.id, 5);
  const templates = task.templates.paper!;
  const base = { task, support: data.support, queries, shots: 0, seeds: [42], supportSize: 2048, templates };
  const [generate] = await planTrials({ ...base, zeroShotTextDemos: 2 });
  for (const query of generate!.queries) {
    assert.equal(query.shots.length, 2);
    assert.ok(query.shots.every((shot) => !shot.withMedia));
    // Only the query's own image is in the prompt.
    const media = query.prompt.filter((part) => part.type === 'media');
    assert.deepEqual(media, query.example.media.map((media) => ({ type: 'media', media })));
    assert.equal(query.prompt.filter((part) => part.type === 'end_of_chunk').length, 2);
  }
  const [none] = await planTrials({ ...base, task: { ...task, kind: 'rank' }, zeroShotTextDemos: 0 });
  assert.ok(none!.queries.every((query) => query.shots.length === 0));
  const [three] = await planTrials({ ...base, zeroShotTextDemos: 3 });
  assert.ok(three!.queries.every((query) => query.shots.length === 3 && query.shots.every((s) => !s.withMedia)));
  const support = ids(drawSupportPool(data.support, 2048, 42, task.id));
  const direct = zeroShotTextDemonstrations(eligibleDemonstrations(drawSupportPool(data.support, 2048, 42, task.id), queries[0]!), queries[0]!, 2, 42, task.id);
  assert.deepEqual(generate!.queries[0]!.shots, direct);
  assert.ok(direct.every((shot) => support.includes(shot.example.id)));
});

test('the plan of a query is the same whatever --limit selects around it', async () => {
  const templates = task.templates.paper!;
  const plan = async (limit: number) =>
    (
      await planTrials({
        task,
        support: data.support,
        queries: querySubset(data.query, task.id, limit),
        shots: 4,
        seeds: [42, 43],
        supportSize: 32,
        zeroShotTextDemos: 2,
        templates,
      })
    ).map((trial) => new Map(trial.queries.map((q) => [q.example.id, JSON.stringify(q.prompt)])));
  const small = await plan(5);
  const large = await plan(30);
  for (let seed = 0; seed < 2; seed++) {
    assert.equal(small[seed]!.size, 5);
    for (const [id, prompt] of small[seed]!) assert.equal(large[seed]!.get(id), prompt);
  }
});

test('too few eligible demonstrations is a usage error naming --shots', async () => {
  await assert.rejects(
    planTrials({
      task,
      support: data.support,
      queries: data.query,
      shots: 8,
      seeds: [42],
      supportSize: 6,
      zeroShotTextDemos: 2,
      templates: task.templates.paper!,
    }),
    (error: Error) => error.name === 'UsageError' && /--shots 8/.test(error.message) && /--support-size/.test(error.message),
  );
  await assert.rejects(
    planTrials({
      task: { ...task, maxShots: 2 },
      support: data.support,
      queries: data.query,
      shots: 4,
      seeds: [42],
      supportSize: 100,
      zeroShotTextDemos: 2,
      templates: task.templates.paper!,
    }),
    /--shots 4: task fake-colours allows at most 2 shots/,
  );
});

test('RICES picks the most similar eligible items and puts the most similar last', () => {
  const vec = (...values: number[]) => Float32Array.from(values);
  const pool = data.support.slice(0, 6);
  const features = new Map(pool.map((example, i) => [example.id, vec(1, i)]));
  for (const [id, v] of features) {
    const norm = Math.hypot(...v);
    features.set(id, v.map((x) => x / norm));
  }
  const query = data.query[0]!;
  const queryFeatures = new Map([[query.id, vec(0, 1)]]);
  const chosen = ricesDemonstrations(pool, query, 3, features, queryFeatures);
  // Similarity to (0, 1) grows with i, so the top 3 are items 5, 4, 3, ordered least similar first.
  assert.deepEqual(ids(chosen), [pool[3]!.id, pool[4]!.id, pool[5]!.id]);
});

test('a support split without some items draws the pools a fresh copy of it draws; the orders kept are those of the items', () => {
  const removed = new Set(data.support.filter((_, i) => i % 7 === 3));
  const kept = supportWithout(data.support, (example) => removed.has(example));
  const fresh = data.support.filter((example) => !removed.has(example));
  for (const seed of [1, 2, 3]) {
    // Drawn from the whole split first, so that supportWithout carries that order over.
    assert.equal(drawSupportPool(data.support, 25, seed, task.id).length, 25);
  }
  const kept2 = supportWithout(data.support, (example) => removed.has(example));
  for (const seed of [1, 2, 3, 4]) {
    assert.deepEqual(ids(drawSupportPool(kept2, 20, seed, task.id)), ids(drawSupportPool(fresh, 20, seed, task.id)), `seed ${seed}`);
    assert.deepEqual(ids(drawSupportPool(kept, 20, seed, task.id)), ids(drawSupportPool(fresh, 20, seed, task.id)), `seed ${seed}`);
    assert.ok(drawSupportPool(kept2, 60, seed, task.id).every((example) => !removed.has(example)));
  }
});
