import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, UsageError } from '../src/core/errors.ts';
import { clearFileIndex } from '../src/core/data-files.ts';
import type { Example, VideoRef } from '../src/core/types.ts';
import { kinetics700, kineticsClipName, type KineticsReference } from '../src/tasks/kinetics700.ts';
import { baselineRecord, decodeFirstQuery, editLines, loadRejects, textOf, withCopy } from './support/video-task-checks.ts';

const CLASSES = ['blue square', 'green triangle', 'red circle', 'yellow diamond'];

test('the built-in sample: clips by <id>_<start:06>_<end:06> in class folders, every class name a candidate', async () => {
  const data = await kinetics700.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 16);
  assert.equal(data.query.length, 8);
  for (const example of [...data.support, ...data.query]) {
    const reference = example.reference as KineticsReference;
    assert.deepEqual(example.candidates, CLASSES);
    assert.equal(example.target, reference.label);
    const video = example.media[0] as VideoRef;
    assert.ok(video.path.endsWith(`/${reference.label}/${example.id}.mp4`), video.path);
    assert.match(example.id, /^[\w-]{11}_\d{6}_\d{6}$/);
  }
  assert.equal(kineticsClipName('abc', 15, 25), 'abc_000015_000025');
  assert.deepEqual(data.files.map((f) => f.role), ['train clips', 'validation clips']);
  assert.equal(kinetics700.protocolPerClass!.query, 10);
  assert.equal(kinetics700.protocolPerClass!.classOf(data.query[0]!), (data.query[0]!.reference as KineticsReference).label);
  await loadRejects(kinetics700, { split: 'test' }, UsageError, '--split test');
});

test('prompt "Output:" and the class after a space; the mean of top-1 and top-5', async () => {
  const { query } = await kinetics700.load({});
  assert.equal(textOf(kinetics700.templates.paper!.query(query[0]!)), 'Output:');
  assert.equal(kinetics700.templates.paper!.candidatePrefix, ' ');
  assert.equal(kinetics700.lengthNormalize, true);
  const classes = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const example = (label: string): Example => ({ id: label, media: [], fields: {}, target: label, reference: { label, classes }, candidates: classes });
  const score = kinetics700.score([
    { example: example('a'), answer: 'a', scores: [0, -1, -2, -3, -4, -5, -6] },
    { example: example('c'), answer: 'a', scores: [0, -1, -2, -3, -4, -5, -6] },
    { example: example('g'), answer: 'a', scores: [0, -1, -2, -3, -4, -5, -6] },
    // Ties keep the class order: 'b' is ranked before 'c'.
    { example: example('c'), answer: 'a', scores: [0, -1, -1, -1, -1, -1, -1] },
  ]);
  assert.equal(score.primary, 'top1_top5_avg_accuracy');
  assert.equal(score.metrics.top1_accuracy, 25);
  assert.equal(score.metrics.top5_accuracy, 75);
  assert.equal(score.metrics.top1_top5_avg_accuracy, 50);
});

test('the CVDF mirror names: annotations/val.csv, and whole YouTube videos read from time_start to time_end', async () => {
  await withCopy('kinetics700', async (data) => {
    await rename(data.path('kinetics700_2020/validate.csv'), data.path('kinetics700_2020/val.csv'));
    clearFileIndex();
    const loaded = await kinetics700.load({ dataDir: data.dir });
    assert.equal(loaded.query.length, 8);
    const first = loaded.query[0]!;
    const clip = first.media[0] as VideoRef;
    const youtubeId = first.id.slice(0, 11);
    await rename(clip.path, clip.path.replace(`${first.id}.mp4`, `${youtubeId}.mp4`));
    const video = (await kinetics700.load({ dataDir: data.dir })).query.find((e) => e.id === first.id)!.media[0] as VideoRef;
    assert.ok(video.path.endsWith(`/${youtubeId}.mp4`));
    const [, start, end] = /_(\d{6})_(\d{6})$/.exec(first.id)!;
    assert.deepEqual([video.start, video.end], [Number(start), Number(end)]);
  });
});

test('the CVDF downloader layout: annotations/{train,val}.csv beside DeepMind\'s annotations/deepmind/kinetics700_2020/ load as they are', async () => {
  await withCopy('kinetics700', async (data) => {
    // As k700_2020_downloader.sh leaves it: the CVDF copies in annotations/, DeepMind's release unpacked below them.
    await mkdir(data.path('annotations/deepmind'), { recursive: true });
    await rename(data.path('kinetics700_2020'), data.path('annotations/deepmind/kinetics700_2020'));
    await copyFile(data.path('annotations/deepmind/kinetics700_2020/train.csv'), data.path('annotations/train.csv'));
    await copyFile(data.path('annotations/deepmind/kinetics700_2020/validate.csv'), data.path('annotations/val.csv'));
    clearFileIndex();
    // Same bytes: not ambiguous; DeepMind's copy is read.
    const same = await loadFiles(data.dir);
    assert.ok(same.every((f) => f.includes('kinetics700_2020')), String(same));
    // --data at annotations/ finds the annotations without ambiguity (and then misses the clips, which are elsewhere).
    await assert.rejects(kinetics700.load({ dataDir: data.path('annotations') }), /no video of the task's 24 items/);
    // Same rows written another way (CRLF line ends): DeepMind's copy is the canonical one and is read.
    const train = await readFile(data.path('annotations/train.csv'), 'utf8');
    await writeFile(data.path('annotations/train.csv'), train.replace(/\n/g, '\r\n'));
    clearFileIndex();
    const files = await loadFiles(data.dir);
    assert.ok(files[0]!.endsWith(join('annotations', 'deepmind', 'kinetics700_2020', 'train.csv')), String(files));
  });

  async function loadFiles(dataDir: string): Promise<string[]> {
    const loaded = await kinetics700.load({ dataDir });
    assert.equal(loaded.query.length, 8);
    return loaded.files.filter((f) => f.role.endsWith('clips')).map((f) => f.path);
  }
});

test('errors: a class only in val, a bad time, a duplicate clip, a missing column or file, no videos', async () => {
  await withCopy('kinetics700', async (data) => {
    await editLines(data, 'kinetics700_2020/validate.csv', (lines) => lines.map((l, i) => (i === 1 ? l.replace(/^[^,]+/, 'purple cross') : l)));
    await loadRejects(kinetics700, { dataDir: data.dir }, InputError, 'validate.csv: 1 class(es) have no clip in', 'purple cross');
  });
  await withCopy('kinetics700', async (data) => {
    await editLines(data, 'kinetics700_2020/train.csv', (lines) => lines.map((l, i) => (i === 2 ? l.replace(/,(\d+),(\d+),train$/, ',$1,x,train') : l)));
    await loadRejects(kinetics700, { dataDir: data.dir }, InputError, 'train.csv:3 column "time_end": expected a number, found "x"');
  });
  await withCopy('kinetics700', async (data) => {
    await editLines(data, 'kinetics700_2020/train.csv', (lines) => [...lines, lines[1]!]);
    await loadRejects(kinetics700, { dataDir: data.dir }, InputError, 'train.csv:18 column "youtube_id": clip', 'listed twice');
  });
  await withCopy('kinetics700', async (data) => {
    await editLines(data, 'kinetics700_2020/train.csv', (lines) => lines.map((l) => l.replace(/,time_start,/, ',start,')));
    await loadRejects(kinetics700, { dataDir: data.dir }, InputError, 'train.csv', 'its header lacks time_start');
  });
  await withCopy('kinetics700', async (data) => {
    await rm(data.path('kinetics700_2020/validate.csv'));
    clearFileIndex();
    await loadRejects(kinetics700, { dataDir: data.dir }, InputError, 'val.csv', 'not found', 'cvdfoundation');
  });
  await withCopy('kinetics700', async (data) => {
    await rm(data.path('train'), { recursive: true });
    await rm(data.path('val'), { recursive: true });
    await loadRejects(kinetics700, { dataDir: data.dir }, InputError, "no video of the task's 24 items");
  });
});

test('runs end to end on the sample with the baseline; a clip decodes', async () => {
  const record = await baselineRecord('kinetics700', 4);
  assert.equal(record.trials[0]!.n, 8);
  assert.equal(record.summary.primary, 'top1_top5_avg_accuracy');
  for (const example of record.trials[0]!.examples) {
    assert.equal(example.topCandidates!.length, 4);
    assert.ok(example.gold!.rank >= 1 && example.gold!.rank <= 4);
  }
  const { frames } = await decodeFirstQuery(kinetics700);
  assert.equal(frames.frames.length, 30);
});
