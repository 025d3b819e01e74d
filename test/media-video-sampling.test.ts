import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../src/core/errors.ts';
import {
  FLAMINGO_SAMPLING,
  decodeRate,
  formatFrameSampling,
  parseFrameSampling,
  sampleFrameIndices,
  sampleTimes,
} from '../src/media/sampling.ts';

test('--frames values parse to samplings and print back', () => {
  assert.deepEqual(parseFrameSampling('flamingo'), { mode: 'flamingo', frames: 30, fps: 3 });
  assert.deepEqual(parseFrameSampling('uniform:8'), { mode: 'uniform', frames: 8 });
  assert.deepEqual(parseFrameSampling('fps:1'), { mode: 'fps', fps: 1, maxFrames: 30 });
  assert.deepEqual(parseFrameSampling('fps:0.5:12'), { mode: 'fps', fps: 0.5, maxFrames: 12 });
  for (const text of ['flamingo', 'uniform:8', 'fps:0.5:12']) assert.equal(formatFrameSampling(parseFrameSampling(text)), text);
  assert.equal(formatFrameSampling({ mode: 'fps', fps: 2, maxFrames: 30 }), 'fps:2:30');
});

test('bad --frames values are usage errors that name the flag and the value', () => {
  for (const text of ['', 'uniform', 'uniform:0', 'uniform:2.5', 'fps:0', 'fps:-1', 'fps:x', 'fps:1:0', 'fps:1:2:3', 'every:3']) {
    assert.throws(() => parseFrameSampling(text), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /^--frames /);
      assert.match(error.message, /expected flamingo, uniform:N/);
      return true;
    }, text);
  }
});

test('flamingo: 30 frames at 3 FPS centred on a long clip', () => {
  // 60 s at 3 FPS = 180 frames; the centred 10 s are frames 75..104.
  const indices = sampleFrameIndices(FLAMINGO_SAMPLING, 180, 3);
  assert.deepEqual(indices, Array.from({ length: 30 }, (_, k) => 75 + k));
  // Exactly 10 s: every frame once.
  assert.deepEqual(sampleFrameIndices(FLAMINGO_SAMPLING, 30, 3), Array.from({ length: 30 }, (_, k) => k));
  // Read at 30 FPS instead, the same times land on every 10th frame, centred.
  const native = sampleFrameIndices(FLAMINGO_SAMPLING, 300, 30);
  assert.equal(native.length, 30);
  assert.deepEqual(native.slice(0, 3), [5, 15, 25]);
  assert.equal(native[29], 295);
});

test('flamingo on a clip shorter than 10 s keeps the 3 FPS spacing and repeats the edge frames', () => {
  // 4 s = 12 frames at 3 FPS: 9 copies of the first frame, the 12 frames, 9 copies of the last.
  const indices = sampleFrameIndices(FLAMINGO_SAMPLING, 12, 3);
  assert.equal(indices.length, 30);
  assert.deepEqual(indices, [...Array(9).fill(0), ...Array.from({ length: 12 }, (_, k) => k), ...Array(9).fill(11)]);
  // A single frame: 30 copies of it.
  assert.deepEqual(sampleFrameIndices(FLAMINGO_SAMPLING, 1, 3), Array(30).fill(0));
});

test('uniform N: the centres of N equal parts; fewer frames than N repeat frames', () => {
  assert.deepEqual(sampleTimes({ mode: 'uniform', frames: 4 }, 8), [1, 3, 5, 7]);
  assert.deepEqual(sampleFrameIndices({ mode: 'uniform', frames: 4 }, 16, 2), [2, 6, 10, 14]);
  assert.deepEqual(sampleFrameIndices({ mode: 'uniform', frames: 6 }, 3, 1), [0, 0, 1, 1, 2, 2]);
  // Decoded at 2N per clip length, each part's centre is a decoded frame: the odd ones.
  const rate = decodeRate({ mode: 'uniform', frames: 5 }, 10);
  assert.equal(rate, 1);
  assert.deepEqual(sampleFrameIndices({ mode: 'uniform', frames: 5 }, 10, rate), [1, 3, 5, 7, 9]);
});

test('fps R: one frame per 1/R s over the clip, at least one, at most M centred', () => {
  assert.deepEqual(sampleFrameIndices({ mode: 'fps', fps: 1, maxFrames: 30 }, 5, 1), [0, 1, 2, 3, 4]);
  assert.deepEqual(sampleFrameIndices({ mode: 'fps', fps: 1, maxFrames: 3 }, 9, 1), [3, 4, 5]);
  assert.deepEqual(sampleFrameIndices({ mode: 'fps', fps: 1, maxFrames: 30 }, 1, 4), [0]);
  assert.equal(decodeRate({ mode: 'fps', fps: 2, maxFrames: 30 }, 100), 2);
});
