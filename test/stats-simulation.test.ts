// The interval and the paired test checked against models whose true difference is known (issue 13, item 7): runs are
// drawn at random from known per-query behaviour, many times with fixed seeds, and the method must cover the true
// difference about 95% of the time and, when there is no difference, call one system better or worse at most a
// little more often than the 5% it allows. A method that ignored pairing, the seeds, or the corpus metric's
// dependence on the resampled set would be pulled out of these bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rngFor, type Rng } from '../src/core/random.ts';
import type { TokenizedCaptions } from '../src/metrics/caption-ngrams.ts';
import { ciderDOfTokenized } from '../src/metrics/cider-d.ts';
import { pairedDifference, verdictOf, type Resampler } from '../src/stats/query-bootstrap.ts';
import { ciderDResampler, perItemMean } from '../src/stats/resamplers.ts';

const SIMULATIONS = 400;
// Resamples per simulated run: fewer than a record's 1,000 to keep the test in seconds; the percentile interval's
// coverage hardly depends on it beyond a few hundred.

interface Outcome {
  covered: number;
  called: number;
}

function simulate(trueDifference: number, run: (rng: Rng) => { n: number; a: Resampler[]; b: Resampler[] }, samples: number): Outcome {
  let covered = 0;
  let called = 0;
  for (let s = 0; s < SIMULATIONS; s++) {
    const { n, a, b } = run(rngFor('simulation', trueDifference, s));
    const d = pairedDifference(n, a, b, { samples, seed: s });
    if (d.low <= trueDifference && trueDifference <= d.high) covered++;
    if (verdictOf(d.difference, d.p) !== 'no evidence') called++;
  }
  return { covered: covered / SIMULATIONS, called: called / SIMULATIONS };
}

/**
 * Per-query correctness over 500 queries and 3 seeds: query q has a latent difficulty u_q shared by both models (so
 * their answers are correlated, as two models' are on one query set), and each seed redraws part of it (another
 * choice of demonstrations). P(correct) is pA for A and pB for B on every seed.
 */
function correctness(pA: number, pB: number) {
  return (rng: Rng) => {
    const n = 500;
    const seeds = 3;
    const u = Float64Array.from({ length: n }, () => rng());
    const draw = (p: number) =>
      Array.from({ length: seeds }, () => perItemMean(Array.from(u, (uq) => ((rng() < 0.6 ? uq : rng()) < p ? 100 : 0))));
    return { n, a: draw(pA), b: draw(pB) };
  };
}

test('per-query correctness 0.50 vs 0.55 on 500 queries: the 95% interval covers +5 points in 92-98% of 400 runs', (t) => {
  const { covered } = simulate(5, correctness(0.5, 0.55), 500);
  t.diagnostic(`coverage ${covered}`);
  assert.ok(covered >= 0.92 && covered <= 0.98, `coverage ${covered}`);
});

test('per-query correctness 0.50 vs 0.50: "better" or "worse" in at most 7% of 400 runs', (t) => {
  const { covered, called } = simulate(0, correctness(0.5, 0.5), 500);
  t.diagnostic(`called ${called}, coverage ${covered}`);
  assert.ok(called <= 0.07, `called a difference in ${called}`);
  assert.ok(covered >= 0.92, `coverage ${covered}`);
});

// A CIDEr-like corpus case: images of K topics, each described by two references "<adjective> <noun> <verb> <place>"
// with the topic's own nouns and verbs and shared adjectives and places; a model describes an image's topic with
// probability q (else another topic's), latent image difficulty shared by both models. The metric is CIDEr-D itself,
// whose document frequencies depend on the images in the set.
const TOPICS = 8;
const ADJECTIVES = ['small', 'large', 'red', 'old'];
const PLACES = ['outside', 'inside', 'nearby', 'today'];
const word = (kind: string, topic: number, k: number) => `${kind}${topic}x${k}`;

function sentence(rng: Rng, topic: number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rng() * list.length)]!;
  return `${pick(ADJECTIVES)} ${word('noun', topic, Math.floor(rng() * 2))} ${word('verb', topic, Math.floor(rng() * 2))} ${pick(PLACES)}`;
}

function captionRuns(images: number, qA: number, qB: number, rng: Rng): { a: TokenizedCaptions[]; b: TokenizedCaptions[] } {
  const a: TokenizedCaptions[] = [];
  const b: TokenizedCaptions[] = [];
  for (let i = 0; i < images; i++) {
    const topic = Math.floor(rng() * TOPICS);
    const references = [sentence(rng, topic), sentence(rng, topic)];
    const u = rng();
    const describe = (q: number) => {
      const right = (rng() < 0.6 ? u : rng()) < q;
      return sentence(rng, right ? topic : (topic + 1 + Math.floor(rng() * (TOPICS - 1))) % TOPICS);
    };
    a.push({ prediction: describe(qA), references });
    b.push({ prediction: describe(qB), references });
  }
  return { a, b };
}

/** The true difference: CIDEr-D x100 of B minus A on a set large enough for its document frequencies to settle. */
function trueCiderDifference(qA: number, qB: number): number {
  const { a, b } = captionRuns(30_000, qA, qB, rngFor('simulation truth', qA, qB));
  return 100 * (ciderDOfTokenized(b).corpus - ciderDOfTokenized(a).corpus);
}

function ciderCase(qA: number, qB: number) {
  return (rng: Rng) => {
    const { a, b } = captionRuns(150, qA, qB, rng);
    return { n: 150, a: [ciderDResampler(a)], b: [ciderDResampler(b)] };
  };
}

test('CIDEr-D (a corpus metric): the interval of the difference covers the true difference in 92-98% of 400 runs', (t) => {
  const truth = trueCiderDifference(0.5, 0.65);
  assert.ok(truth > 5, `true difference ${truth}`);
  const { covered } = simulate(truth, ciderCase(0.5, 0.65), 200);
  t.diagnostic(`true difference ${truth.toFixed(3)}, coverage ${covered}`);
  assert.ok(covered >= 0.92 && covered <= 0.98, `coverage ${covered} of ${truth}`);
});

test('CIDEr-D with no true difference: "better" or "worse" in at most 7% of 400 runs', (t) => {
  const { called } = simulate(0, ciderCase(0.5, 0.5), 200);
  t.diagnostic(`called ${called}`);
  assert.ok(called <= 0.07, `called a difference in ${called}`);
});
