// Videos through the ONNX backend's vision graph (frames axis, time embeddings), on the built-in small model; skipped
// until its bundle is built (or point FLAMINGO_PARITY_BUNDLE at a bundle folder).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OnnxFlamingoBackend } from '../src/backends/onnx/backend.ts';
import { MODELS_DIR } from '../src/backends/onnx/index.ts';
import { MediaError } from '../src/media/errors.ts';
import { rngFor } from '../src/core/random.ts';
import type { Prompt, VideoRef } from '../src/core/types.ts';
import { randomScene } from '../sample-data/generator/scene.ts';
import { encodeClip } from '../sample-data/generator/video.ts';

const bundle = process.env.FLAMINGO_PARITY_BUNDLE ?? join(MODELS_DIR, 'flamingo-tiny-s');
const skip = existsSync(join(bundle, 'manifest.json')) ? false : `no model bundle at ${bundle}`;
const dir = mkdtempSync(join(tmpdir(), 'media-onnx-'));
const clip = (k: number, segment: { start?: number; end?: number } = {}): VideoRef => ({
  kind: 'video',
  id: `clip${k}${segment.start !== undefined ? `@${segment.start}` : ''}`,
  path: join(dir, `clip${k}.mp4`),
  ...segment,
});

before(async () => {
  for (let k = 0; k < 3; k++) {
    const scene = randomScene(rngFor('media-onnx', k), `v${k}`, { moving: true, minObjects: 2 });
    await writeFile(join(dir, `clip${k}.mp4`), await encodeClip(scene, { seconds: 3, fps: 8, size: 64 }));
  }
  await writeFile(join(dir, 'broken.mp4'), 'not a video');
});
after(() => rm(dir, { recursive: true, force: true }));

const prompt = (demo: VideoRef, query: VideoRef): Prompt => [
  { type: 'media', media: demo },
  { type: 'text', text: 'Output: a red circle' },
  { type: 'end_of_chunk' },
  { type: 'media', media: query },
  { type: 'text', text: 'Output:' },
];

test('videos go through the vision graph; a demonstration video is decoded and encoded once', { skip }, async () => {
  const backend = await OnnxFlamingoBackend.open(bundle, { frames: { mode: 'uniform', frames: 4 } });
  try {
    const settings = { maxNewTokens: 4, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true };
    const results = await backend.generate([
      { prompt: prompt(clip(0), clip(1)), ...settings },
      { prompt: prompt(clip(0), clip(2)), ...settings },
    ]);
    assert.equal(results.length, 2);
    for (const result of results) assert.equal(typeof result.text, 'string');
    assert.equal(backend.runtime.encodes, 3);
    const [again] = await backend.generate([{ prompt: prompt(clip(0), clip(1)), ...settings }]);
    assert.equal(again!.text, results[0]!.text);
    assert.equal(backend.runtime.encodes, 3);
  } finally {
    await backend.close();
  }
});

test('the frames seen change the visual features: other clips, a segment, another sampling', { skip }, async () => {
  const flamingo = await OnnxFlamingoBackend.open(bundle);
  const uniform = await OnnxFlamingoBackend.open(bundle, { frames: { mode: 'uniform', frames: 2 } });
  try {
    const [a, b, segment] = await flamingo.embed([clip(0), clip(1), clip(0, { start: 2, end: 3 })]);
    const [a2] = await uniform.embed([clip(0)]);
    const differ = (x: Float32Array, y: Float32Array) => x.some((v, i) => Math.abs(v - y[i]!) > 1e-6);
    assert.ok(differ(a!, b!));
    assert.ok(differ(a!, segment!));
    assert.ok(differ(a!, a2!));
    assert.deepEqual((await flamingo.embed([clip(0)]))[0], a);
  } finally {
    await flamingo.close();
    await uniform.close();
  }
});

test('an unreadable video is a MediaError from the backend, naming the file', { skip }, async () => {
  const backend = await OnnxFlamingoBackend.open(bundle);
  try {
    const broken: VideoRef = { kind: 'video', id: 'broken', path: join(dir, 'broken.mp4') };
    await assert.rejects(
      backend.generate([{ prompt: prompt(clip(0), broken), maxNewTokens: 2, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true }]),
      (error: unknown) => error instanceof MediaError && error.message.startsWith(broken.path),
    );
  } finally {
    await backend.close();
  }
});
