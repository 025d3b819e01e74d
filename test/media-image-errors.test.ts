import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaLoader } from '../src/backends/onnx/media.ts';
import type { BundleManifest } from '../src/backends/onnx/manifest.ts';
import { MediaError } from '../src/media/errors.ts';

const image: BundleManifest['image'] = { size: 8, resize: 'pad', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], maxFrames: 3 };

test('unreadable images are MediaErrors naming the file (so --on-media-error skip applies to them too)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'media-image-'));
  try {
    const loader = new MediaLoader(image);
    const missing = join(dir, 'missing.jpg');
    await assert.rejects(loader.load({ kind: 'image', id: 'm', path: missing }), (error: unknown) => {
      assert.ok(error instanceof MediaError);
      assert.equal(error.message, `${missing}: image not found`);
      return true;
    });
    const broken = join(dir, 'broken.jpg');
    await writeFile(broken, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 1, 2, 3]));
    await assert.rejects(loader.load({ kind: 'image', id: 'b', path: broken }), (error: unknown) => {
      assert.ok(error instanceof MediaError);
      assert.match(error.message, new RegExp(`^${broken.replace(/[.]/g, '\\.')}: cannot read the image \\(`));
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
