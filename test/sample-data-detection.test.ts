import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSampleData, SAMPLE_MARKER, sampleDataDir } from '../src/core/sample-data.ts';

test('a task reporting no used files is sample data when its --data folder holds the marker', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sample-detect-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const copy = join(dir, 'okvqa-copy');
  cpSync(sampleDataDir('okvqa'), copy, { recursive: true });
  assert.equal(isSampleData([], copy), true);
  const own = join(dir, 'own');
  cpSync(copy, own, { recursive: true });
  rmSync(join(own, SAMPLE_MARKER));
  writeFileSync(join(own, 'notes.txt'), 'a dataset of my own');
  assert.equal(isSampleData([], own), false);
  assert.equal(isSampleData([], undefined), true);
});
