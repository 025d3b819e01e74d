// Greedy and beam search against a fake model whose next-token distribution depends on the last token only, so the
// best continuation can be found by enumeration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecodeState, FlamingoRuntime } from '../src/backends/onnx/runtime.ts';
import { decode } from '../src/backends/onnx/search.ts';

const PAD = 0;
const EOS = 1;
const EOC = 2;
const V = 6;

/** log-probability table: next[prev] = distribution over the V tokens. */
function fakeRuntime(next: number[][]): { runtime: FlamingoRuntime; start(lastTokens: number[]): DecodeState; calls: () => number } {
  let calls = 0;
  const logits = (prev: number) => Float32Array.from(next[prev]!.map((p) => Math.log(p)));
  const state = (last: number[]): DecodeState => ({
    rows: last.length,
    cache: { rows: last.length, length: 0, keys: [], values: [] },
    mask: last.map(() => []),
    visual: new Float32Array(0),
    slots: 1,
    lastMedia: last.map(() => -1),
    lastLogits: last.map(logits),
  });
  const runtime = {
    tokenizer: { special: { pad: PAD, eos: EOS, endOfChunk: EOC, bos: 3, image: 4 } },
    select: (s: DecodeState, rows: number[]) => ({ ...s, rows: rows.length, lastLogits: rows.map((r) => s.lastLogits[r]!) }),
    reorder: (s: DecodeState, rows: number[]) => ({ ...s, rows: rows.length, lastLogits: rows.map((r) => s.lastLogits[r]!) }),
    extend: async (s: DecodeState, ids: number[][]) => {
      calls++;
      const next = state(ids.map((row) => row[row.length - 1]!));
      return { state: next, logits: new Float32Array(0) };
    },
  } as unknown as FlamingoRuntime;
  return { runtime, start: state, calls: () => calls };
}

// From token 3: greedy takes 4 (0.5) then a flat tail; beam search finds 5 (0.4) then a certain end of chunk.
const table = [
  [0.2, 0.2, 0.2, 0.2, 0.1, 0.1],
  [0.2, 0.2, 0.2, 0.2, 0.1, 0.1],
  [0.05, 0.05, 0.1, 0.5, 0.2, 0.1],
  [0.02, 0.02, 0.02, 0.04, 0.5, 0.4],
  [0.01, 0.01, 0.33, 0.32, 0.01, 0.32],
  [0.01, 0.01, 0.96, 0.01, 0.01, 1e-9],
];

test('greedy takes the most likely token at each step and stops at the end of chunk', async () => {
  const fake = fakeRuntime(table);
  const out = await decode(fake.runtime, fake.start([3, 5]), { maxNewTokens: 5, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true });
  assert.deepEqual(out[1], []); // after 5 the end of chunk is most likely: nothing generated
  assert.deepEqual(out[0], [4]); // 3 -> 4 (0.5), then the end of chunk (0.33)
});

test('beam search finds the sequence greedy misses, and stops at the end of chunk', async () => {
  const fake = fakeRuntime(table);
  const out = await decode(fake.runtime, fake.start([3]), { maxNewTokens: 5, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true });
  // P(5, EOC) = 0.4 * 0.96 = 0.384 beats every continuation through 4 (at most 0.5 * 0.33 = 0.165).
  assert.deepEqual(out[0], [5]);
});

test('without stopAtEndOfChunk the end of chunk is an ordinary token and max new tokens bounds the output', async () => {
  const fake = fakeRuntime(table);
  const out = await decode(fake.runtime, fake.start([3]), { maxNewTokens: 3, numBeams: 2, lengthPenalty: 0, stopAtEndOfChunk: false });
  assert.deepEqual(out[0], [5, EOC, 3]); // 0.4 * 0.96 * 0.5
});

test('beam search over a batch gives each prompt what it gets alone', async () => {
  const settings = { maxNewTokens: 4, numBeams: 3, lengthPenalty: 1, stopAtEndOfChunk: true };
  const together = await decode(fakeRuntime(table).runtime, fakeRuntime(table).start([3, 4, 5]), settings);
  for (const [i, last] of [3, 4, 5].entries()) {
    const fake = fakeRuntime(table);
    assert.deepEqual(together[i], (await decode(fake.runtime, fake.start([last]), settings))[0]);
  }
});

test('a positive length penalty favours longer hypotheses', async () => {
  // From 4: the end of chunk at once (0.33) against 5 then the end of chunk (0.32 * 0.96 ≈ 0.31, over 2 tokens:
  // log 0.31 / 2 > log 0.33 / 1 with length penalty 1).
  const fake = fakeRuntime(table);
  const short = await decode(fake.runtime, fake.start([4]), { maxNewTokens: 5, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true });
  const long = await decode(fakeRuntime(table).runtime, fakeRuntime(table).start([4]), {
    maxNewTokens: 5,
    numBeams: 3,
    lengthPenalty: 1,
    stopAtEndOfChunk: true,
  });
  assert.deepEqual(short[0], []);
  assert.deepEqual(long[0], [5]);
});
