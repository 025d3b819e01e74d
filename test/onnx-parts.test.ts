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

test('selectRows writes into an earlier selection’s buffers when they fit, and into fresh ones otherwise', async () => {
  const { selectRows } = await import('../src/backends/onnx/graphs.ts');
  const rowSize = 3;
  const data = Float32Array.from({ length: 4 * rowSize }, (_, i) => i);
  const cache = { rows: 4, length: 1, keys: [data.slice()], values: [data.slice().map((x) => -x)] };
  const first = selectRows(cache, [0, 0, 0, 0, 0, 0], rowSize);
  const again = selectRows(cache, [3, 1, 1], rowSize, first);
  assert.equal(again.keys[0]!.buffer, first.keys[0]!.buffer, 'keys written into the earlier buffers');
  assert.equal(again.values[0]!.buffer, first.values[0]!.buffer, 'values written into the earlier buffers');
  assert.deepEqual(Array.from(again.keys[0]!), Array.from(selectRows(cache, [3, 1, 1], rowSize).keys[0]!));
  assert.deepEqual(Array.from(again.values[0]!), [-9, -10, -11, -3, -4, -5, -3, -4, -5]);
  assert.equal(again.rows, 3);
  // Too few rows, or another cache length: fresh buffers, the earlier selection untouched.
  const bigger = selectRows(cache, [1, 1, 1, 1, 1, 1, 1], rowSize, again);
  assert.notEqual(bigger.keys[0]!.buffer, first.keys[0]!.buffer);
  const longer = { rows: 2, length: 2, keys: [data.slice(0, 12)], values: [data.slice(0, 12)] };
  assert.notEqual(selectRows(longer, [0], rowSize, first).keys[0]!.buffer, first.keys[0]!.buffer);
  assert.deepEqual(Array.from(first.keys[0]!.subarray(0, 9)), [9, 10, 11, 3, 4, 5, 3, 4, 5]);
});

test('ranking bounds the candidate rows of a decoder call by the bytes of prompt cache they copy', async () => {
  const { rowsPerCall, ROWS_PER_CALL, CACHE_BYTES_PER_CALL } = await import('../src/backends/onnx/rank.ts');
  assert.equal(rowsPerCall(1000), ROWS_PER_CALL, 'short prompts: the row cap');
  // A 4-shot VisDial prompt of flamingo-tiny-m (450 tokens, 3 layers x 6 heads x 32): 2.07 MB a row.
  const row = 2 * 3 * 6 * 32 * 450 * 4;
  assert.equal(rowsPerCall(row), Math.floor(CACHE_BYTES_PER_CALL / row));
  assert.ok(rowsPerCall(row) * row <= CACHE_BYTES_PER_CALL);
  assert.equal(rowsPerCall(CACHE_BYTES_PER_CALL * 3), 1, 'a row larger than the budget still runs, alone');
  assert.equal(rowsPerCall(row, 64, Infinity), 64);
});
