import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plotSvg } from '../src/commands/plot.ts';
import { writeRecords } from './support/report-records.ts';

test('a plot of one task names only that task\'s choices between records of one cell', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'plot-warnings-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Each cell recorded twice (two results folders): OK-VQA and COCO at 4 shots.
  for (const [sub, createdAt] of [['a', '2026-01-01T00:00:00.000Z'], ['b', '2026-01-02T00:00:00.000Z']] as const) {
    writeRecords(join(dir, sub), [
      { model: 'm', parameters: 1e6, shots: 4, scores: [20], createdAt },
      { model: 'm', parameters: 1e6, task: 'coco', metric: 'cider', shots: 4, scores: [50], createdAt },
    ]);
  }
  const warnings: string[] = [];
  await plotSvg([dir], { task: 'okvqa', by: 'shots', paper: false }, (line) => warnings.push(line));
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, /^2 records for m x okvqa x 4 shots: using the newest, /);
});
