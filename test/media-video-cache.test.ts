import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaCache } from '../src/media/cache.ts';
import { MediaLoader } from '../src/backends/onnx/media.ts';
import type { BundleManifest } from '../src/backends/onnx/manifest.ts';
import { rngFor } from '../src/core/random.ts';
import { randomScene } from '../sample-data/generator/scene.ts';
import { encodeClip } from '../sample-data/generator/video.ts';

test('the cache loads an id once, shares a load in progress, and evicts the least recently used beyond its bytes', async () => {
  const cache = new MediaCache<Uint8Array>(100, (v) => v.byteLength);
  let calls = 0;
  const load = (n: number) => async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return new Uint8Array(n);
  };
  const [a1, a2] = await Promise.all([cache.get('a', load(40)), cache.get('a', load(40))]);
  assert.equal(a1, a2);
  assert.equal(calls, 1);
  await cache.get('b', load(40));
  await cache.get('a', load(40)); // hit; a is now the most recent
  await cache.get('c', load(40)); // 120 bytes > 100: b goes
  assert.equal(calls, 3);
  assert.equal(cache.size, 2);
  await cache.get('a', load(40));
  assert.equal(calls, 3);
  await cache.get('b', load(40));
  assert.equal(calls, 4);
  assert.equal(cache.loads, 4);
  // A value larger than the whole budget is returned but not kept; a failed load is not kept either.
  await cache.get('huge', load(500));
  assert.equal(cache.usedBytes <= 100, true);
  await assert.rejects(cache.get('bad', () => Promise.reject(new Error('boom'))), /boom/);
  await cache.get('bad', load(1));
  assert.equal(cache.loads, 7); // the failed load ran again
});

test('the ONNX media loader decodes a video once however many prompts show it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'media-cache-'));
  try {
    const path = join(dir, 'clip.mp4');
    await writeFile(path, await encodeClip(randomScene(rngFor('media-cache'), 'c', { moving: true }), { seconds: 2, size: 32 }));
    const image: BundleManifest['image'] = { size: 16, resize: 'pad', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], maxFrames: 8 };
    const loader = new MediaLoader(image, 2);
    const ref = { kind: 'video' as const, id: 'clip', path };
    const loaded = await Promise.all([loader.load(ref), loader.load(ref), loader.load(ref)]);
    await loader.load(ref);
    assert.equal(loader.videos.loads, 1);
    assert.equal(loaded[0]!.frames, 8); // flamingo's 30 frames cut to the model's 8
    assert.equal(loaded[0]!.data.length, 8 * 3 * 16 * 16);
    assert.equal(loaded[1], loaded[0]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
