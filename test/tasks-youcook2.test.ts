import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { InputError, UsageError } from '../src/core/errors.ts';
import type { VideoRef } from '../src/core/types.ts';
import { youcook2 } from '../src/tasks/youcook2.ts';
import { baselineRecord, decodeFirstQuery, loadRejects, withCopy } from './support/video-task-checks.ts';

const FILE = 'youcookii_annotations_trainval.json';

test('the built-in sample: one example per annotated segment, the VideoRef carries its start and end', async () => {
  const data = await youcook2.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 13);
  assert.equal(data.query.length, 7);
  const database = JSON.parse(await readFile(new URL(`../sample-data/youcook2/${FILE}`, import.meta.url), 'utf8'))
    .database as Record<string, { subset: string; annotations: { segment: [number, number]; id: number; sentence: string }[] }>;
  for (const example of [...data.support, ...data.query]) {
    const [youtubeId, segmentId] = [example.id.slice(0, 11), Number(example.id.slice(12))];
    const annotation = database[youtubeId]!.annotations.find((a) => a.id === segmentId)!;
    const video = example.media[0] as VideoRef;
    assert.deepEqual([video.start, video.end], annotation.segment);
    assert.match(video.path, new RegExp(`raw_videos/${database[youtubeId]!.subset}/\\d+/${youtubeId.replace(/[-]/g, '\\-')}\\.mp4$`));
    assert.deepEqual(example.reference, [annotation.sentence]);
    assert.equal(example.group, youtubeId, 'segments of one video never demonstrate each other');
  }
  assert.ok(data.query.every((e) => database[e.group!]!.subset === 'validation'));
  assert.equal((await youcook2.load({ split: 'validation' })).query.length, 7);
  await loadRejects(youcook2, { split: 'test' }, UsageError, '--split test', '"val"');
});

test('a segment decodes to the paper sampling within its bounds', async () => {
  const { video, frames } = await decodeFirstQuery(youcook2);
  assert.ok(video.start !== undefined && video.end !== undefined);
  assert.equal(frames.frames.length, 30);
  // 3 FPS over the segment only: at most (end - start) * 3 distinct frames.
  assert.ok(frames.clipFrames <= Math.ceil((video.end! - video.start!) * 3) + 1, `${frames.clipFrames} frames`);
});

test('errors: a segment outside the video, a malformed segment, an unknown subset, a missing field or file, no videos', async () => {
  await withCopy('youcook2', async (data) => {
    const json = await data.readJson(FILE);
    const id = Object.keys(json.database)[1]!;
    json.database[id].annotations[0].segment = [2, 40];
    await data.writeJson(FILE, json);
    await loadRejects(youcook2, { dataDir: data.dir }, InputError, `${FILE}: database.${id}.annotations[0].segment: the segment ends at 40 s, after the video's duration 6 s`);
  });
  await withCopy('youcook2', async (data) => {
    const json = await data.readJson(FILE);
    const id = Object.keys(json.database)[0]!;
    json.database[id].annotations[1].segment = [3];
    await data.writeJson(FILE, json);
    await loadRejects(youcook2, { dataDir: data.dir }, InputError, `database.${id}.annotations[1].segment: expected [start, end]`);
  });
  await withCopy('youcook2', async (data) => {
    const json = await data.readJson(FILE);
    const id = Object.keys(json.database)[0]!;
    json.database[id].annotations[0].segment = [4, 1];
    await data.writeJson(FILE, json);
    await loadRejects(youcook2, { dataDir: data.dir }, InputError, '[4, 1] is not a segment');
  });
  await withCopy('youcook2', async (data) => {
    const json = await data.readJson(FILE);
    const id = Object.keys(json.database)[2]!;
    json.database[id].subset = 'testing';
    await data.writeJson(FILE, json);
    await loadRejects(youcook2, { dataDir: data.dir }, InputError, `database.${id}.subset: expected "training" or "validation"`);
  });
  await withCopy('youcook2', async (data) => {
    const json = await data.readJson(FILE);
    const id = Object.keys(json.database)[2]!;
    delete json.database[id].annotations[0].sentence;
    await data.writeJson(FILE, json);
    await loadRejects(youcook2, { dataDir: data.dir }, InputError, `database.${id}.annotations[0].sentence: missing field`);
  });
  await withCopy('youcook2', async (data) => {
    await rm(data.path(FILE));
    await loadRejects(youcook2, { dataDir: data.dir }, InputError, FILE, 'not found', 'youcook2.eecs.umich.edu');
  });
  await withCopy('youcook2', async (data) => {
    await rm(data.path('raw_videos'), { recursive: true });
    await loadRejects(youcook2, { dataDir: data.dir }, InputError, "no video of the task's 8 items");
  });
});

test('runs end to end on the sample with the baseline: CIDEr-D', async () => {
  const record = await baselineRecord('youcook2', 4);
  assert.equal(record.trials[0]!.n, 7);
  assert.equal(record.summary.primary, 'cider');
});
