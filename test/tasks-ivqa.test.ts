import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, cp, rename, rm } from 'node:fs/promises';
import { InputError, UsageError } from '../src/core/errors.ts';
import { clearFileIndex } from '../src/core/data-files.ts';
import type { Example, VideoRef } from '../src/core/types.ts';
import { ivqa } from '../src/tasks/ivqa.ts';
import { baselineRecord, decodeFirstQuery, editLines, loadRejects, withCopy } from './support/video-task-checks.ts';

test('the built-in sample: five answers per question, cut clips read whole', async () => {
  const data = await ivqa.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 8);
  assert.equal(data.query.length, 5);
  for (const example of [...data.support, ...data.query]) {
    const video = example.media[0] as VideoRef;
    assert.equal((example.reference as string[]).length, 5);
    assert.equal(example.target, (example.reference as string[])[0]);
    assert.match(video.path, /video\/[\w-]{11}_\d+_\d+\.mp4$/);
    assert.equal(video.start, undefined);
    assert.match(example.id, /^[\w-]{11}_\d+_\d+$/);
  }
  assert.equal((await ivqa.load({ split: 'val' })).query.length, 2);
  await loadRejects(ivqa, { split: 'train' }, UsageError, '--split train');
});

test('iVQA accuracy: min(1, annotators who gave the answer / 2)', () => {
  const example: Example = { id: 'q', media: [], fields: {}, target: 'red', reference: ['red', 'red', 'orange', 'dark red', 'pink'] };
  const score = ivqa.score([
    { example, answer: 'red' },
    { example, answer: 'Orange' },
    { example, answer: 'blue' },
  ]);
  assert.equal(score.primary, 'ivqa_accuracy');
  assert.deepEqual(score.perItem, [100, 50, 0]);
  assert.equal(score.metrics.ivqa_accuracy, 50);
});

test('a whole YouTube video <video_id>.mp4 is read from start to end', async () => {
  await withCopy('ivqa', async (data) => {
    const loaded = await ivqa.load({ dataDir: data.dir });
    const first = loaded.query[0]!;
    const clip = first.media[0] as VideoRef;
    const videoId = first.id.slice(0, 11);
    await rename(clip.path, clip.path.replace(/_\d+_\d+\.mp4$/, '.mp4'));
    const again = (await ivqa.load({ dataDir: data.dir })).query.find((e) => e.id === first.id)!.media[0] as VideoRef;
    assert.ok(again.path.endsWith(`/${videoId}.mp4`));
    const [, start, end] = /_(\d+)_(\d+)$/.exec(first.id)!;
    assert.deepEqual([again.start, again.end], [Number(start), Number(end)]);
  });
});

test('without start and end columns, the cut clip found by its YouTube id names the question', async () => {
  await withCopy('ivqa', async (data) => {
    const drop = (line: string) => line.split(',').filter((_, i) => i !== 1 && i !== 2).join(',');
    for (const file of ['train.csv', 'test.csv']) await editLines(data, file, (lines) => lines.map(drop));
    const loaded = await ivqa.load({ dataDir: data.dir });
    assert.equal(loaded.query.length, 5);
    for (const example of loaded.query) {
      const video = example.media[0] as VideoRef;
      assert.equal(video.path.split('/').pop(), `${example.id}.mp4`);
      assert.equal(video.start, undefined);
    }
  });
});

test('the CSV: a missing column, an empty answer, a bad segment and a broken quote name file, line and column', async () => {
  await withCopy('ivqa', async (data) => {
    await editLines(data, 'train.csv', (lines) => [lines[0]!.replace('answer5', 'answer_5'), ...lines.slice(1)]);
    // The header no longer fits iVQA, so the file is not taken as iVQA's train.csv.
    await loadRejects(ivqa, { dataDir: data.dir }, InputError, 'train.csv', 'its header lacks answer5');
  });
  await withCopy('ivqa', async (data) => {
    await editLines(data, 'test.csv', (lines) => lines.map((line, i) => (i === 2 ? line.replace(/,[^,]*$/, ',') : line)));
    await loadRejects(ivqa, { dataDir: data.dir }, InputError, `${data.path('test.csv')}:3 column "answer5": empty`);
  });
  await withCopy('ivqa', async (data) => {
    await editLines(data, 'test.csv', (lines) => lines.map((line, i) => (i === 1 ? line.replace(/^([^,]*),(\d+),(\d+),/, '$1,$3,$2,') : line)));
    await loadRejects(ivqa, { dataDir: data.dir }, InputError, /test\.csv:2 column "end": the segment end \d+ is not after its start/);
  });
  await withCopy('ivqa', async (data) => {
    await editLines(data, 'val.csv', (lines) => [...lines, '"unterminated,1,2,q,a,a,a,a,a']);
    await loadRejects(ivqa, { dataDir: data.dir, split: 'val' }, InputError, 'val.csv: line 4: unterminated quoted field');
  });
  await withCopy('ivqa', async (data) => {
    await rm(data.path('test.csv'));
    await loadRejects(ivqa, { dataDir: data.dir }, InputError, 'test.csv', 'not found', 'just-ask');
  });
});

test('train.csv of another dataset (NExT-QA) beside iVQA is told apart by its header; two iVQA copies are ambiguous', async () => {
  await withCopy('ivqa', async (data) => {
    await cp(new URL('../sample-data/nextqa/', import.meta.url), `${data.dir}/nextqa-too`, { recursive: true });
    const loaded = await ivqa.load({ dataDir: data.dir });
    assert.ok(loaded.files.every((f) => !f.path.includes('nextqa-too')));
    await cp(data.path(''), `${data.dir}/again`, { recursive: true });
    // An identical copy is no ambiguity (the nearest is read); a copy with other contents is.
    clearFileIndex();
    assert.equal((await ivqa.load({ dataDir: data.dir })).query.length, loaded.query.length);
    await appendFile(`${data.dir}/again/train.csv`, '\n');
    clearFileIndex();
    await loadRejects(ivqa, { dataDir: data.dir }, InputError, 'train.csv', 'ambiguous');
  });
});

test('runs end to end on the sample with the baseline; a sample clip decodes', async () => {
  const record = await baselineRecord('ivqa', 4);
  assert.equal(record.trials[0]!.n, 5);
  assert.equal(record.summary.primary, 'ivqa_accuracy');
  const { frames } = await decodeFirstQuery(ivqa);
  assert.equal(frames.frames.length, 30);
});
