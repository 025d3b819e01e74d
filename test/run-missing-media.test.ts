// A clip missing on disk (a taken-down video) never drops a query because of its demonstrations: a support item whose
// media are missing leaves the pool before the draw (listed in the record with the annotation row that names it), and
// a query whose own clip is missing stops the run naming that row, or is skipped alone under --on-media-error skip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { clearFileIndex } from '../src/core/data-files.ts';
import type { RunRecord, VideoRef } from '../src/core/types.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { kinetics700 } from '../src/tasks/kinetics700.ts';
import { withCopy } from './support/video-task-checks.ts';

async function run(dataDir: string, shots: string, extra: Record<string, unknown> = {}): Promise<{ records: RunRecord[]; stderr: string }> {
  const resultsDir = mkdtempSync(join(tmpdir(), 'missing-media-results-'));
  let stderr = '';
  const io = { stderr: { write: (text: string) => ((stderr += text), true) } as unknown as NodeJS.WriteStream };
  try {
    clearFileIndex();
    const outcomes = await evaluate(
      parseRunOptions({ task: 'kinetics700', model: 'baseline:majority', data: dataDir, shots, seeds: '1,2', resultsDir, quiet: true, ...extra }),
      io,
    );
    return { records: outcomes.map((o) => o.record), stderr };
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
  }
}

const demonstrations = (record: RunRecord) => record.trials.map((t) => t.examples.map((e) => `${e.id}:${e.demonstrations.join(',')}`));

test('a missing support clip leaves the pool before the draw: every query is scored, the record names the row', async () => {
  await withCopy('kinetics700', async (data) => {
    const loaded = await kinetics700.load({ dataDir: data.dir });
    const gone = loaded.support[3]!;
    await rm((gone.media[0] as VideoRef).path);
    const { records, stderr } = await run(data.dir, '0,4');
    for (const record of records) {
      assert.equal(record.summary.n, 8, `${record.shots} shots: all 8 queries scored`);
      assert.ok(record.trials.every((t) => t.skipped === 0));
      assert.deepEqual(record.data.excludedSupport?.map((e) => e.id), [gone.id]);
      assert.match(record.data.excludedSupport![0]!.namedBy, /train\.csv:\d+ column "youtube_id"/);
      for (const trial of record.trials) for (const example of trial.examples) assert.ok(!example.demonstrations.includes(gone.id));
    }
    assert.match(stderr, /kinetics700: 1 support item\(s\) left the demonstration pool because their media are not on disk/);

    // The draws are those of the same dataset without that row: deterministic for a given dataset.
    const csv = data.path('kinetics700_2020/train.csv');
    const rows = (await readFile(csv, 'utf8')).split('\n');
    const clipId = gone.id.replace(/^kinetics\//, '');
    await writeFile(csv, rows.filter((line) => !line.includes(clipId.slice(0, 11)) || !line.includes(String(Number(clipId.slice(12, 18))))).join('\n'));
    const without = await run(data.dir, '4');
    assert.deepEqual(demonstrations(without.records[0]!), demonstrations(records[1]!));
  });
});

test('a missing query clip: the run stops naming the annotation row and the path looked for; skip drops that query alone', async () => {
  await withCopy('kinetics700', async (data) => {
    const loaded = await kinetics700.load({ dataDir: data.dir });
    const gone = loaded.query[2]!;
    const path = (gone.media[0] as VideoRef).path;
    await rm(path);
    await assert.rejects(run(data.dir, '4'), (error: Error) => {
      assert.match(error.message, /not found on disk \(named by .*validate\.csv:\d+ column "youtube_id"; query /);
      assert.ok(error.message.includes(`looked for ${basename(path)} under `), error.message);
      return true;
    });
    const { records } = await run(data.dir, '4', { onMediaError: 'skip' });
    for (const trial of records[0]!.trials) {
      assert.equal(trial.skipped, 1);
      assert.equal(trial.n, 7);
    }
  });
});
