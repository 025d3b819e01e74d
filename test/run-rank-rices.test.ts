// RICES selection keeps only the best `shots` while scanning the pool (ImageNet: 32,000 items per query); it must pick
// and order exactly as a full stable sort by similarity would, earlier pool items first on ties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rngFor } from '../src/core/random.ts';
import { cosine, ricesDemonstrations } from '../src/run/rices.ts';
import type { Example } from '../src/core/types.ts';

const example = (id: string): Example => ({ id, media: [], fields: {}, target: '', reference: null });

/** The definition: sort by similarity (descending, stable), take `shots`, most similar last. */
function bySort(pool: Example[], q: Float32Array, shots: number, features: Map<string, Float32Array>): string[] {
  return pool
    .map((e, index) => ({ id: e.id, index, similarity: cosine(q, features.get(e.id)!) }))
    .sort((a, b) => b.similarity - a.similarity || a.index - b.index)
    .slice(0, shots)
    .reverse()
    .map((entry) => entry.id);
}

test('RICES picks and orders as a stable sort would, ties included', () => {
  const rng = rngFor('rices-selection-test');
  for (let trial = 0; trial < 300; trial++) {
    const dim = 1 + Math.floor(rng() * 4);
    // A few distinct vectors, so that equal similarities are common.
    const palette = Array.from({ length: 1 + Math.floor(rng() * 5) }, () =>
      Float32Array.from({ length: dim }, () => Math.round((rng() - 0.5) * 4) / 2),
    );
    const pool = Array.from({ length: Math.floor(rng() * 60) }, (_, i) => example(`p${i}`));
    const features = new Map(pool.map((e) => [e.id, palette[Math.floor(rng() * palette.length)]!]));
    const q = palette[0]!;
    const shots = Math.floor(rng() * 12);
    const chosen = ricesDemonstrations(pool, example('q'), shots, features, new Map([['q', q]])).map((e) => e.id);
    assert.deepEqual(chosen, bySort(pool, q, shots, features), `trial ${trial}: ${shots} shots from ${pool.length}`);
  }
});
