import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, cp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { InputError, UsageError } from '../src/core/errors.ts';
import { clearFileIndex } from '../src/core/data-files.ts';
import type { Example, VideoRef } from '../src/core/types.ts';
import { msvdqa } from '../src/tasks/msvdqa.ts';
import { msrvttqa } from '../src/tasks/msrvttqa.ts';
import { baselineRecord, decodeFirstQuery, editLines, loadRejects, textOf, withCopy } from './support/video-task-checks.ts';

test('the built-in sample: train questions demonstrate, test questions are the queries, one answer each', async () => {
  const data = await msvdqa.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 11);
  assert.equal(data.query.length, 7);
  for (const example of [...data.support, ...data.query]) {
    const video = example.media[0] as VideoRef;
    assert.equal(video.kind, 'video');
    assert.match(video.path, /YouTubeClips\/[\w-]{11}_\d+_\d+\.avi$/);
    assert.equal(video.start, undefined, 'MSVD clips are read whole');
    assert.equal(example.group, video.id);
    assert.deepEqual(example.reference, [example.target]);
    assert.ok(example.fields.question);
  }
  assert.deepEqual(data.files.map((f) => f.role), ['train questions', 'test questions', 'youtube mapping']);
  assert.equal(msvdqa.protocolQuerySize, 1024);
  assert.equal(msvdqa.modality, 'video');
  assert.deepEqual(msvdqa.generation, { maxNewTokens: 5, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true });
});

test('--split val evaluates the validation questions; other splits are refused', async () => {
  const val = await msvdqa.load({ split: 'val' });
  assert.equal(val.query.length, 3);
  await loadRejects(msvdqa, { split: 'train' }, UsageError, '--split train', '"test" or "val"');
});

test('prompts: the video, then the paper QA wording or open_flamingo wording', async () => {
  const { support } = await msvdqa.load({});
  const example = support[0]!;
  const paper = msvdqa.templates.paper!;
  assert.deepEqual(paper.query(example)[0], { type: 'media', media: example.media[0] });
  assert.equal(textOf(paper.query(example)), `Question: ${example.fields.question} Answer:`);
  assert.equal(textOf(paper.demonstration({ example, withMedia: true })), `Question: ${example.fields.question} Answer: ${example.target}`);
  assert.equal(paper.demonstration({ example, withMedia: false })[0]!.type, 'text');
  assert.equal(textOf(msvdqa.templates.openflamingo!.query(example)), `Question:${example.fields.question} Short answer:`);
  assert.equal(msvdqa.postprocess(' red, blue Question: what'), 'red');
});

test('accuracy after normalisation, per question word', () => {
  const example = (id: string, answer: string, type: string): Example => ({ id, media: [], fields: {}, target: answer, reference: [answer], type });
  const score = msvdqa.score([
    { example: example('1', 'two', 'how'), answer: '2' },
    { example: example('2', 'man', 'who'), answer: 'a man' },
    { example: example('3', 'dog', 'what'), answer: 'cat' },
    { example: example('4', 'kitchen', 'where'), answer: 'Kitchen.' },
  ]);
  assert.equal(score.primary, 'accuracy');
  assert.equal(score.metrics.accuracy, 75);
  assert.equal(score.metrics['accuracy_by_type.what'], 0);
  assert.equal(score.metrics['accuracy_by_type.who'], 100);
  assert.deepEqual(score.perItem, [100, 100, 0, 100]);
});

test('reads the release from --data nested anywhere, beside MSRVTT-QA files of the same names', async () => {
  await withCopy('msvdqa', async (data) => {
    // MSRVTT-QA's train_qa.json etc. in the same --data: each task takes its own.
    await cp(new URL('../sample-data/msrvttqa/', import.meta.url), `${data.dir}/msrvtt`, { recursive: true });
    const loaded = await msvdqa.load({ dataDir: data.dir });
    assert.equal(loaded.sample, false);
    assert.equal(loaded.query.length, 7);
    assert.ok(loaded.files.every((f) => f.path.startsWith(data.dir) && !f.path.includes('msrvtt')));
    const other = await msrvttqa.load({ dataDir: data.dir });
    assert.ok(other.files.every((f) => f.path.includes('msrvtt')));
  });
});

test('missing files are named with where they are published', async () => {
  await withCopy('msvdqa', async (data) => {
    await rm(data.path('youtube_mapping.txt'));
    await loadRejects(msvdqa, { dataDir: data.dir }, InputError, 'youtube_mapping.txt', 'not found', 'xudejing');
  });
  await withCopy('msvdqa', async (data) => {
    await rm(data.path('test_qa.json'));
    await loadRejects(msvdqa, { dataDir: data.dir }, InputError, 'test_qa.json', 'not found', 'xudejing');
  });
});

test('malformed JSON names its line; a missing field or unknown video names the entry', async () => {
  await withCopy('msvdqa', async (data) => {
    await editLines(data, 'train_qa.json', (lines) => [lines[0]!.slice(0, 40)]);
    await loadRejects(msvdqa, { dataDir: data.dir }, InputError, `${data.path('train_qa.json')}:1: not valid JSON`);
  });
  await withCopy('msvdqa', async (data) => {
    const questions = await data.readJson('test_qa.json');
    delete questions[2].answer;
    await data.writeJson('test_qa.json', questions);
    await loadRejects(msvdqa, { dataDir: data.dir }, InputError, 'test_qa.json: [2].answer: missing field');
  });
  await withCopy('msvdqa', async (data) => {
    const questions = await data.readJson('test_qa.json');
    questions[0].video_id = 9999;
    await data.writeJson('test_qa.json', questions);
    await loadRejects(msvdqa, { dataDir: data.dir }, InputError, 'test_qa.json: [0].video_id', 'vid9999', 'youtube_mapping.txt');
  });
  await withCopy('msvdqa', async (data) => {
    await editLines(data, 'youtube_mapping.txt', (lines) => [...lines.slice(0, 3), 'broken-line', ...lines.slice(3)]);
    await loadRejects(msvdqa, { dataDir: data.dir }, InputError, 'youtube_mapping.txt:4: expected "<clip name> vid<N>"');
  });
});

test('a missing clip is a per-item media error at run time; no clip at all is refused at load', async () => {
  await withCopy('msvdqa', async (data) => {
    const loaded = await msvdqa.load({ dataDir: data.dir });
    const first = loaded.query[0]!.media[0] as VideoRef;
    await rm(first.path);
    const again = await msvdqa.load({ dataDir: data.dir });
    const video = again.query.find((e) => e.id === loaded.query[0]!.id)!.media[0] as VideoRef;
    assert.equal(existsSync(video.path), false);
    assert.ok(video.path.endsWith(first.path.split('/').pop()!));
  });
  await withCopy('msvdqa', async (data) => {
    await rm(data.path('YouTubeClips'), { recursive: true });
    await loadRejects(msvdqa, { dataDir: data.dir }, InputError, /no video of the task's 18 items .*\.avi \(named by .*_qa\.json: \[0\]\.video_id\)/);
  });
});

test('two different copies of a question file are ambiguous, never a guess (identical copies are one file)', async () => {
  await withCopy('msvdqa', async (data) => {
    await cp(data.path(''), `${data.dir}/second-copy`, { recursive: true });
    clearFileIndex();
    assert.ok((await msvdqa.load({ dataDir: data.dir })).query.length > 0);
    await appendFile(`${data.dir}/second-copy/train_qa.json`, '\n');
    clearFileIndex();
    await loadRejects(msvdqa, { dataDir: data.dir }, InputError, /ambiguous/);
  });
});

test('runs end to end on the sample with the baseline, and a sample clip decodes to 30 frames', async () => {
  const record = await baselineRecord('msvdqa', 2);
  assert.equal(record.summary.primary, 'accuracy');
  assert.equal(record.trials[0]!.n, 7);
  assert.equal(record.task.modality, 'video');
  const { frames } = await decodeFirstQuery(msvdqa);
  assert.equal(frames.frames.length, 30);
  assert.equal(frames.frames[0]!.width, 32);
});
