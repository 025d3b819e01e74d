import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaTable } from '../src/report/media.ts';

test('an unreadable video shows its error naming the file once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'report-media-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const video = join(dir, 'broken.avi');
  writeFileSync(video, 'not a video');
  const table = new MediaTable();
  const key = table.key({ kind: 'video', id: 'broken', path: video });
  const error = (await table.render({ size: 24, videoFrames: 2 }))[key]!.error!;
  assert.ok(error.startsWith(`${video}: `), error);
  assert.equal(error.split(video).length - 1, 1, error);
});
