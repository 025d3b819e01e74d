// The ONNX backend's parts that need no model: manifest checks, media preprocessing, the visual-token cache.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { readManifest, type BundleManifest } from '../src/backends/onnx/manifest.ts';
import { MediaLoader } from '../src/backends/onnx/media.ts';
import { VisualCache } from '../src/backends/onnx/visual-cache.ts';
import { InputError } from '../src/core/errors.ts';

const image: BundleManifest['image'] = { size: 8, resize: 'pad', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], maxFrames: 3 };

async function png(path: string, width: number, height: number, rgb: [number, number, number]): Promise<void> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) raw.set(rgb, i * 3);
  await writeFile(path, await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer());
}

test('a manifest with a wrong field is an InputError naming the file and the field', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-manifest-'));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ format: 'x', name: 'n', family: 'f', parameters: 10, contextLength: -1 }));
  await assert.rejects(readManifest(dir), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /manifest\.json: field "contextLength" must be a positive integer \(got -1\)/);
    return true;
  });
  await assert.rejects(readManifest(join(dir, 'nowhere')), /no manifest\.json/);
});

test('an image of the model size is normalised as is, channel first', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-media-'));
  await png(join(dir, 'a.png'), 8, 8, [255, 0, 128]);
  const px = await new MediaLoader(image).load({ kind: 'image', id: 'a', path: join(dir, 'a.png') });
  assert.equal(px.frames, 1);
  assert.equal(px.data.length, 3 * 64);
  assert.equal(px.data[0], (1 - 0.5) / 0.25); // R plane
  assert.equal(px.data[64], (0 - 0.5) / 0.25); // G plane
  assert.ok(Math.abs(px.data[128]! - (128 / 255 - 0.5) / 0.25) < 1e-6); // B plane
});

test('the paper resize keeps the aspect ratio and pads with the mean colour', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-media-'));
  await png(join(dir, 'wide.png'), 16, 8, [255, 255, 255]);
  const px = await new MediaLoader(image).load({ kind: 'image', id: 'w', path: join(dir, 'wide.png') });
  // 16x8 -> 8x4 band in the middle rows; the top and bottom rows are mean padding (0 after normalisation).
  const red = px.data.subarray(0, 64);
  assert.ok(Math.abs(red[0]! - (128 / 255 - 0.5) / 0.25) < 1e-6, `top-left pixel ${red[0]}`);
  assert.equal(red[4 * 8 + 3], 2); // a white pixel inside the band
});

test('a video (here a folder of frames) is sampled as --frames says, then cut to the model’s maximum', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-video-'));
  await mkdir(join(dir, 'clip'));
  for (let f = 0; f < 7; f++) await png(join(dir, 'clip', `frame-${f}.png`), 8, 8, [f * 30, 0, 0]);
  const red = (px: { data: Float32Array }, f: number) => Math.round(((px.data[f * 3 * 64]! * 0.25 + 0.5) * 255) / 30);
  // uniform:3 of 7 frames: frames 1, 3, 5.
  const uniform = await new MediaLoader(image, 4, { frames: { mode: 'uniform', frames: 3 } }).load({ kind: 'video', id: 'v', path: join(dir, 'clip') });
  assert.equal(uniform.frames, 3);
  assert.deepEqual([0, 1, 2].map((f) => red(uniform, f)), [1, 3, 5]);
  // uniform:6 gives more frames than the model's 3: an even subset of the six (frames 1, 3, 5 of 0, 1, 2, 4, 5, 6).
  const more = await new MediaLoader(image, 4, { frames: { mode: 'uniform', frames: 6 } }).load({ kind: 'video', id: 'v', path: join(dir, 'clip') });
  assert.deepEqual([0, 1, 2].map((f) => red(more, f)), [1, 4, 6]);
  const loader = new MediaLoader(image);
  await assert.rejects(loader.load({ kind: 'video', id: 'x', path: join(dir, 'clip', 'frame-0.png') }), /an image, not a video/);
});

test('the visual cache evicts the least recently used entry beyond its byte budget', () => {
  const entry = () => ({ tokens: new Float32Array(10), embedding: new Float32Array(6) }); // 64 bytes
  const cache = new VisualCache(64 * 2);
  cache.set('a', entry());
  cache.set('b', entry());
  assert.ok(cache.get('a')); // a is now the most recent
  cache.set('c', entry());
  assert.equal(cache.size, 2);
  assert.equal(cache.get('b'), undefined);
  assert.ok(cache.get('a') && cache.get('c'));
  assert.equal(cache.usedBytes, 128);
  assert.equal(cache.hits, 3);
  assert.equal(cache.misses, 1);
});

test('reorderRows rearranges rows in place as a copying selection would, whatever the overlaps', async () => {
  const { reorderRows, selectRows } = await import('../src/backends/onnx/graphs.ts');
  const rowSize = 3;
  const orders = [
    [0, 1, 2, 3],
    [0, 0, 1, 3], // a parent with two children overwrites a dead row
    [1, 0, 3, 2], // swaps: each source is overwritten before or after it is read
    [3, 3, 3, 3],
    [2, 3], // rows dropped, the rest moved down
    [1, 2, 3, 0],
    [3, 0, 1, 2],
  ];
  for (const rows of orders) {
    const data = Float32Array.from({ length: 4 * rowSize }, (_, i) => i);
    const cache = { rows: 4, length: 1, keys: [data.slice()], values: [data.slice()] };
    const expected = selectRows(cache, rows, rowSize).keys[0]!;
    assert.deepEqual(Array.from(reorderRows(data, rows, rowSize)), Array.from(expected), `rows ${rows}`);
  }
});
