import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { roundNdcg, visdialNdcg } from '../src/metrics/ndcg.ts';
import { stdSort } from '../src/metrics/numeric/std-sort.ts';
import { rngFor } from '../src/core/random.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/score/${name}`, import.meta.url), 'utf8'));
const official = fixture('official-values.json');
const ties = fixture('visdial-ndcg-ties.json');
const close = (a: number, b: number, tol: number, message?: string) => assert.ok(Math.abs(a - b) <= tol, `${message ?? ''} ${a} vs ${b}`);

test('hand-worked: DCG over the top k (k = candidates with non-zero relevance) over the ideal DCG', () => {
  // Scores rank the candidates 0, 1, 3, 2. k = 2 (candidates 1 and 2 are relevant).
  // DCG@2 = rel[0]/log2(2) + rel[1]/log2(3) = 0 + 1/log2(3); ideal = 1/log2(2) + 0.5/log2(3).
  // NDCG = (1/log2 3) / (1 + 0.5/log2 3) = 1 / (log2 3 + 0.5) = 0.479625...
  const value = roundNdcg({ id: 'r', scores: [0.9, 0.8, 0.1, 0.5], relevance: [0, 1, 0.5, 0] });
  close(value, 1 / (Math.log2(3) + 0.5), 1e-15);
  close(value, 0.479625, 1e-6);
});

test('the cut at k: a relevant candidate ranked below position k earns nothing', () => {
  // Ranked 0, 1, 2, 3; relevant 0 and 3, so k = 2: DCG@2 = 1, ideal = 1 + 1/log2(3); NDCG = 1 / (1 + 1/log2 3).
  close(roundNdcg({ id: 'r', scores: [4, 3, 2, 1], relevance: [1, 0, 0, 1] }), 1 / (1 + 1 / Math.log2(3)), 1e-15);
  // Moving the second relevant candidate from 4th to 3rd place changes nothing: both are past k.
  assert.equal(
    roundNdcg({ id: 'r', scores: [4, 3, 1, 2], relevance: [1, 0, 0, 1] }),
    roundNdcg({ id: 'r', scores: [4, 3, 2, 1], relevance: [1, 0, 0, 1] }),
  );
});

test('identity gives the maximum, 100, and every round lies in [0, 100]; the corpus value is the mean of rounds', () => {
  const rng = rngFor('ndcg-test');
  const items = Array.from({ length: 30 }, (_, r) => {
    const relevance = Array.from({ length: 100 }, () => (rng() < 0.2 ? Math.floor(rng() * 5 + 1) / 5 : 0));
    relevance[r] = 1; // at least one relevant
    const scores = Array.from({ length: 100 }, () => rng());
    return { id: `i${r}`, scores, relevance };
  });
  const result = visdialNdcg(items);
  assert.equal(result.n, 30);
  for (const v of result.perItem!) assert.ok(v >= 0 && v <= 100 + 1e-9, String(v));
  close(result.scores.ndcg as number, result.perItem!.reduce((a, b) => a + b) / 30, 1e-12);
  const perfect = visdialNdcg(items.map((item) => ({ ...item, scores: item.relevance })));
  for (const v of perfect.perItem!) close(v, 100, 1e-12);
});

test('all 100 scores tied: candidates are taken in the order of torch.sort on CPU (libstdc++ std::sort), as the official code does', () => {
  // torch.sort(torch.zeros(100), descending=True) puts option 62 first (fixture); a stable sort would put option 0 first.
  assert.equal(official.torch_sort_all_tied_100[0], 62);
  const relevance = Array.from({ length: 100 }, (_, i) => (i === 62 ? 1 : 0));
  assert.equal(roundNdcg({ id: 'tied', scores: new Array(100).fill(0), relevance }), 1);
});

test('matches the official NDCG (PyTorch CPU, float32) on rounds with heavy ties, where a stable tie order would not', () => {
  const items = ties.scores.map((row: number[], r: number) => ({
    id: `r${r}`,
    scores: row.map((s) => s / ties.scores_divisor),
    relevance: ties.relevance[r].map((x: number) => x / ties.relevance_divisor),
  }));
  const result = visdialNdcg(items);
  result.perItem!.forEach((v, r) => close(v / 100, ties.per_round[r], 1e-6, `round ${r}`));
  close((result.scores.ndcg as number) / 100, ties.ndcg, 1e-6);
  const differs = ties.per_round.filter((v: number, r: number) => Math.abs(v - ties.stable_order_per_round[r]) > 1e-3);
  assert.ok(differs.length > 0, 'the fixture should have rounds where the tie order changes NDCG');
});

test('rounds with no relevant candidate, NaN scores or mismatched lengths are rejected with the round id', () => {
  assert.throws(() => roundNdcg({ id: '7_3', scores: [1, 2], relevance: [0, 0] }), /7_3.*no candidate with non-zero relevance/);
  assert.throws(() => roundNdcg({ id: 'x', scores: [1, NaN], relevance: [1, 0] }), /NaN/);
  assert.throws(() => roundNdcg({ id: 'x', scores: [1, 2, 3], relevance: [1, 0] }), /3 scores but 2 relevance/);
  assert.throws(() => roundNdcg({ id: 'x', scores: [1, 2], relevance: [1, -1] }), /non-negative/);
});

test('stdSort reproduces the element order of torch.sort(descending=True) on CPU for tied keys', () => {
  const order = (scores: number[]) => {
    const pairs = scores.map((score, i) => ({ score, i }));
    stdSort(pairs, (a, b) => a.score > b.score);
    return pairs.map((p) => p.i);
  };
  assert.deepEqual(order(new Array(20).fill(0)), official.torch_sort_all_tied_20);
  assert.deepEqual(order(new Array(100).fill(0)), official.torch_sort_all_tied_100);
  assert.deepEqual(order(official.torch_sort_ties_60.scores), official.torch_sort_ties_60.order);
  // Up to 16 elements libstdc++ uses insertion sort only, which keeps ties in input order.
  assert.deepEqual(order(new Array(10).fill(0)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('stdSort sorts: random arrays of many sizes come out ordered and are a permutation of the input', () => {
  const rng = rngFor('std-sort-test');
  for (const n of [0, 1, 2, 3, 15, 16, 17, 33, 100, 257, 1000, 5000]) {
    const a = Array.from({ length: n }, () => Math.floor(rng() * (n < 100 ? 5 : 1000)));
    const sorted = a.slice();
    stdSort(sorted, (x, y) => x < y);
    assert.deepEqual(sorted, a.slice().sort((x, y) => x - y), `n = ${n}`);
  }
  // Already sorted, reversed and organ-pipe inputs (classic quicksort stressors).
  for (const a of [
    Array.from({ length: 3000 }, (_, i) => i),
    Array.from({ length: 3000 }, (_, i) => 3000 - i),
    Array.from({ length: 3000 }, (_, i) => Math.min(i, 3000 - i)),
  ]) {
    const sorted = a.slice();
    stdSort(sorted, (x, y) => x < y);
    assert.deepEqual(sorted, a.slice().sort((x, y) => x - y));
  }
});
