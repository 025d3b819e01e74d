import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { InputError, UsageError } from '../src/core/errors.ts';
import type { Example, VideoRef } from '../src/core/types.ts';
import { star } from '../src/tasks/star.ts';
import { baselineRecord, decodeFirstQuery, loadRejects, textOf, withCopy } from './support/video-task-checks.ts';

test('the built-in sample: four options ranked, the right one is the target, segments of Charades videos', async () => {
  const data = await star.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 11);
  assert.equal(data.query.length, 6);
  for (const example of [...data.support, ...data.query]) {
    assert.equal(example.candidates!.length, 4);
    assert.ok(example.candidates!.includes(example.target));
    assert.equal(example.reference, example.target);
    assert.ok(['Interaction', 'Sequence', 'Prediction', 'Feasibility'].includes(example.type!));
    const video = example.media[0] as VideoRef;
    assert.match(video.path, /Charades_v1_480\/[A-Z0-9]{5}\.mp4$/);
    assert.deepEqual([video.start, video.end], [0.5, 2.5]);
  }
  assert.equal(star.kind, 'rank');
  assert.equal(star.lengthNormalize, true);
  await loadRejects(star, { split: 'test' }, UsageError, '--split test', '"val"');
});

test('prompt: "Question: q Answer:" then each option after a space (paper) or directly (open_flamingo)', async () => {
  const { query } = await star.load({});
  const example = query[0]!;
  assert.equal(textOf(star.templates.paper!.query(example)), `Question: ${example.fields.question} Answer:`);
  assert.equal(star.templates.paper!.candidatePrefix, ' ');
  assert.equal(textOf(star.templates.openflamingo!.query(example)), `Question:${example.fields.question} Short answer:`);
  assert.equal(star.templates.openflamingo!.candidatePrefix, '');
});

test('top-1 accuracy of the chosen option, per question type', () => {
  const example = (id: string, answer: string, type: string): Example => ({
    id, media: [], fields: {}, target: answer, reference: answer, candidates: [answer, 'x', 'y', 'z'], type,
  });
  const score = star.score([
    { example: example('Interaction_T1_1', 'the cup', 'Interaction'), answer: 'the cup', scores: [-1, -2, -3, -4] },
    { example: example('Sequence_T1_2', 'the box', 'Sequence'), answer: 'x', scores: [-2, -1, -3, -4] },
  ]);
  assert.equal(score.metrics.accuracy, 50);
  assert.equal(score.metrics['accuracy_by_type.Interaction'], 100);
  assert.equal(score.metrics['accuracy_by_type.Sequence'], 0);
});

test('errors: an answer not among the choices, a bad segment, a missing field or file, no videos', async () => {
  await withCopy('star', async (data) => {
    const entries = await data.readJson('STAR_val.json');
    entries[2].answer = 'something else';
    await data.writeJson('STAR_val.json', entries);
    await loadRejects(star, { dataDir: data.dir }, InputError, 'STAR_val.json: [2].answer: the answer "something else" is not one of the choices');
  });
  await withCopy('star', async (data) => {
    const entries = await data.readJson('STAR_train.json');
    entries[0].end = 0.1;
    await data.writeJson('STAR_train.json', entries);
    await loadRejects(star, { dataDir: data.dir }, InputError, 'STAR_train.json: [0].end: [0.5, 0.1] is not a segment');
  });
  await withCopy('star', async (data) => {
    const entries = await data.readJson('STAR_val.json');
    delete entries[1].choices;
    await data.writeJson('STAR_val.json', entries);
    await loadRejects(star, { dataDir: data.dir }, InputError, 'STAR_val.json: [1].choices: missing field');
  });
  await withCopy('star', async (data) => {
    await rm(data.path('STAR_train.json'));
    await loadRejects(star, { dataDir: data.dir }, InputError, 'STAR_train.json', 'not found', 'bobbywu.com/STAR');
  });
  await withCopy('star', async (data) => {
    await rm(data.path('Charades_v1_480'), { recursive: true });
    await loadRejects(star, { dataDir: data.dir }, InputError, "no video of the task's 17 items", '(named by');
  });
});

test('runs end to end on the sample with the baseline; a segment decodes', async () => {
  const record = await baselineRecord('star', 2);
  assert.equal(record.trials[0]!.n, 6);
  assert.equal(record.summary.primary, 'accuracy');
  for (const example of record.trials[0]!.examples) assert.equal(example.candidateScores!.length, 4);
  const { frames } = await decodeFirstQuery(star);
  assert.equal(frames.frames.length, 30);
});
