// A medium missing on disk (a taken-down video, an image a partial download lacks) or there but unusable (empty, cut
// short, a web page saved under its name) never drops a query because of its demonstrations: a support item needing
// one leaves the pool before the draw (listed in the record with the annotation row that names it and why), and a
// query whose own medium is unusable stops the task at the start naming that row, or is skipped alone under
// --on-media-error skip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { clearFileIndex } from '../src/core/data-files.ts';
import type { RunRecord, VideoRef } from '../src/core/types.ts';
import { evaluate, type RecordOutcome } from '../src/run/evaluate.ts';
import { renderSummary } from '../src/run/summary.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { kinetics700 } from '../src/tasks/kinetics700.ts';
import { okvqa } from '../src/tasks/okvqa.ts';
import { withCopy } from './support/video-task-checks.ts';

async function run(dataDir: string, shots: string, extra: Record<string, unknown> = {}, task = 'kinetics700'): Promise<{ records: RunRecord[]; stderr: string }> {
  const resultsDir = mkdtempSync(join(tmpdir(), 'unusable-media-results-'));
  let stderr = '';
  const io = { stderr: { write: (text: string) => ((stderr += text), true) } as unknown as NodeJS.WriteStream };
  try {
    clearFileIndex();
    const outcomes = await evaluate(
      parseRunOptions({ task, model: 'baseline:majority', data: dataDir, shots, seeds: '1,2', resultsDir, quiet: true, ...extra }),
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

/** Cuts a file to half its bytes: a download cut short. */
async function cutShort(path: string): Promise<void> {
  const bytes = await readFile(path);
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
}

test('damaged support images leave the pool before the draw: every query is scored, the draws are those without them', async () => {
  await withCopy('okvqa', async (data) => {
    const loaded = await okvqa.load({ dataDir: data.dir });
    const [cut, page, empty] = [loaded.support[0]!, loaded.support.find((e) => e.group !== loaded.support[0]!.group)!, loaded.support.at(-1)!];
    await cutShort(cut.media[0]!.path);
    await writeFile(page.media[0]!.path, '<!DOCTYPE html><html><body>404 Not Found</body></html>');
    await writeFile(empty.media[0]!.path, '');
    const { records, stderr } = await run(data.dir, '0,4', {}, 'okvqa');
    const damaged = new Set([cut.group, page.group, empty.group]);
    const left = loaded.support.filter((e) => damaged.has(e.group)).map((e) => e.id);
    for (const record of records) {
      assert.equal(record.summary.n, loaded.query.length, `${record.shots} shots: every query scored`);
      assert.ok(record.trials.every((t) => t.skipped === 0));
      const excluded = record.data.excludedSupport!;
      assert.deepEqual(excluded.map((e) => e.id).sort(), [...left].sort());
      const byId = new Map(excluded.map((e) => [e.id, e]));
      assert.match(byId.get(cut.id)!.reason!, /a JPEG without its end-of-image marker .*the image decoder refuses it/);
      assert.match(byId.get(page.id)!.reason!, /not an image: it starts with text \("<!DOCTYPE html>/);
      assert.equal(byId.get(empty.id)!.reason, 'empty (0 bytes)');
      assert.match(byId.get(cut.id)!.namedBy, /OpenEnded_mscoco_train2014_questions\.json: questions\[\d+\]\.image_id/);
      for (const trial of record.trials) for (const example of trial.examples) for (const id of example.demonstrations) assert.ok(!left.includes(id));
    }
    assert.match(stderr, /okvqa: \d+ support item\(s\) \(3 files\) left the demonstration pool because their media cannot be read/);
    assert.match(stderr, /empty \(0 bytes\)/);
    assert.match(renderSummary(records.map((record) => ({ record, path: 'r.json' })) as RecordOutcome[], false), new RegExp(`okvqa: ${left.length} support items left the demonstration pool before the draw`));

    // The same dataset with those images gone from disk draws the same demonstrations (and lists them as missing).
    for (const example of [cut, page, empty]) await rm(example.media[0]!.path);
    const gone = await run(data.dir, '0,4', {}, 'okvqa');
    assert.deepEqual(gone.records.map(demonstrations), records.map(demonstrations));
    assert.ok(gone.records[0]!.data.excludedSupport!.every((e) => e.reason === 'not on disk'));
  });
});

test('a damaged query image: the task stops at the start naming the row and the path; skip scores every other query', async () => {
  await withCopy('okvqa', async (data) => {
    const loaded = await okvqa.load({ dataDir: data.dir });
    const query = loaded.query[1]!;
    const path = query.media[0]!.path;
    await cutShort(path);
    const before = Date.now();
    await assert.rejects(run(data.dir, '4', {}, 'okvqa'), (error: Error) => {
      assert.ok(error.message.includes(`okvqa: ${loaded.query.filter((q) => q.media[0]!.path === path).length} of the ${loaded.query.length} queries cannot run`), error.message);
      assert.ok(error.message.includes(path), error.message);
      assert.match(error.message, /named by .*OpenEnded_mscoco_val2014_questions\.json: questions\[\d+\]\.image_id; query /);
      assert.match(error.message, /--on-media-error skip/);
      return true;
    });
    assert.ok(Date.now() - before < 20_000);
    const { records, stderr } = await run(data.dir, '4', { onMediaError: 'skip' }, 'okvqa');
    const hit = loaded.query.filter((q) => q.media[0]!.path === path).length;
    for (const trial of records[0]!.trials) {
      assert.equal(trial.skipped, hit);
      assert.equal(trial.n, loaded.query.length - hit);
    }
    assert.match(stderr, /skipped and counted in the record/);
  });
});

test('a truncated support clip leaves the pool; a web page saved as a query clip is named at the start', async () => {
  await withCopy('kinetics700', async (data) => {
    const loaded = await kinetics700.load({ dataDir: data.dir });
    const cut = loaded.support[2]!;
    await cutShort((cut.media[0] as VideoRef).path);
    const { records } = await run(data.dir, '4');
    assert.equal(records[0]!.summary.n, 8);
    const [excluded] = records[0]!.data.excludedSupport!;
    assert.equal(excluded!.id, cut.id);
    assert.match(excluded!.reason!, /^truncated: /);
    assert.match(excluded!.namedBy, /train\.csv:\d+ column "youtube_id"/);

    const query = loaded.query[0]!;
    await writeFile((query.media[0] as VideoRef).path, '<html>This video is unavailable</html>');
    await assert.rejects(run(data.dir, '4'), /kinetics700: 1 of the 8 queries cannot run: .*not a video: it starts with text \("<html>/);
  });
});

test('a segment past the end of its video leaves the pool alone: the other segments of that video stay', async () => {
  await withCopy('youcook2', async (data) => {
    // The annotation says the video lasts 60 s and adds a segment at 40-45 s; the file on disk lasts 6 s.
    const annotations = await data.readJson('youcookii_annotations_trainval.json');
    const video = annotations.database.mX2wYjuVi_b;
    video.duration = 60;
    video.annotations.push({ id: 9, segment: [40, 45], sentence: 'a segment the file does not hold' });
    await data.writeJson('youcookii_annotations_trainval.json', annotations);
    const { records } = await run(data.dir, '2', {}, 'youcook2');
    const excluded = records[0]!.data.excludedSupport!;
    assert.deepEqual(excluded.map((e) => e.id), ['mX2wYjuVi_b_9']);
    assert.match(excluded[0]!.reason!, /^the segment starts after the end of the video \(6 s long\) \(segment 40-45 s\)$/);
    assert.match(excluded[0]!.namedBy, /youcookii_annotations_trainval\.json: database\.mX2wYjuVi_b/);
    const shown = new Set(records[0]!.trials.flatMap((trial) => trial.examples.flatMap((example) => example.demonstrations)));
    assert.ok(!shown.has('mX2wYjuVi_b_9'));
    assert.ok(records[0]!.trials.every((trial) => trial.skipped === 0));
  });
});
