import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { InputError, UsageError } from '../src/core/errors.ts';
import type { VideoRef } from '../src/core/types.ts';
import { msrvttqa } from '../src/tasks/msrvttqa.ts';
import { baselineRecord, decodeFirstQuery, loadRejects, textOf, withCopy } from './support/video-task-checks.ts';

test('the built-in sample: MSR-VTT videos by number, test questions are the queries', async () => {
  const data = await msrvttqa.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 11);
  assert.equal(data.query.length, 7);
  for (const example of data.query) assert.match((example.media[0] as VideoRef).path, /TestVideo\/video7\d{3}\.mp4$/);
  for (const example of data.support) assert.match((example.media[0] as VideoRef).path, /TrainValVideo\/video\d+\.mp4$/);
  assert.deepEqual(data.files.map((f) => f.role), ['train questions', 'test questions']);
  assert.equal(msrvttqa.protocolQuerySize, 1024);
  assert.equal((await msrvttqa.load({ split: 'val' })).query.length, 3);
  await loadRejects(msrvttqa, { split: 'dev' }, UsageError, '--split dev');
});

test('prompt: the video and the QA wording; accuracy after normalisation', async () => {
  const { query } = await msrvttqa.load({});
  const example = query[0]!;
  assert.deepEqual(msrvttqa.templates.paper!.query(example)[0], { type: 'media', media: example.media[0] });
  assert.equal(textOf(msrvttqa.templates.paper!.query(example)), `Question: ${example.fields.question} Answer:`);
  const score = msrvttqa.score([
    { example, answer: example.target.toUpperCase() },
    { example: query[1]!, answer: 'definitely wrong' },
  ]);
  assert.equal(score.metrics.accuracy, 50);
});

test('files of the wrong dataset are refused: MSVD-QA files beside youtube_mapping.txt are not MSRVTT-QA', async () => {
  await loadRejects(
    msrvttqa,
    { dataDir: new URL('../sample-data/msvdqa/', import.meta.url).pathname },
    InputError,
    'train_qa.json',
    'belong to another dataset',
    'youtube_mapping.txt beside it',
  );
});

test('a video_id that is not a number, a missing field, and no videos at all are named', async () => {
  await withCopy('msrvttqa', async (data) => {
    const questions = await data.readJson('train_qa.json');
    questions[1].video_id = 'clip-one';
    await data.writeJson('train_qa.json', questions);
    await loadRejects(msrvttqa, { dataDir: data.dir }, InputError, 'train_qa.json: [1].video_id', 'video<N>');
  });
  await withCopy('msrvttqa', async (data) => {
    const questions = await data.readJson('test_qa.json');
    delete questions[0].question;
    await data.writeJson('test_qa.json', questions);
    await loadRejects(msrvttqa, { dataDir: data.dir }, InputError, 'test_qa.json: [0].question: missing field');
  });
  await withCopy('msrvttqa', async (data) => {
    await rm(data.path('TrainValVideo'), { recursive: true });
    await rm(data.path('TestVideo'), { recursive: true });
    await loadRejects(msrvttqa, { dataDir: data.dir }, InputError, "no video of the task's 18 items", 'video0.mp4');
  });
  await withCopy('msrvttqa', async (data) => {
    await rm(data.path('val_qa.json'));
    await loadRejects(msrvttqa, { dataDir: data.dir, split: 'val' }, InputError, 'val_qa.json', 'not found', 'xudejing');
  });
});

test('runs end to end on the sample with the baseline; a sample video decodes', async () => {
  const record = await baselineRecord('msrvttqa', 0);
  assert.equal(record.trials[0]!.n, 7);
  assert.equal(record.summary.primary, 'accuracy');
  const { frames } = await decodeFirstQuery(msrvttqa);
  assert.equal(frames.frames.length, 30);
});
