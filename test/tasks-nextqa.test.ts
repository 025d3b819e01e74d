import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { InputError, UsageError } from '../src/core/errors.ts';
import type { Example, VideoRef } from '../src/core/types.ts';
import { nextqa } from '../src/tasks/nextqa.ts';
import { wups } from '../src/metrics/wups.ts';
import { baselineRecord, decodeFirstQuery, editLines, loadRejects, textOf, withCopy } from './support/video-task-checks.ts';

test('the built-in sample: NExT-OE questions (video + qid), additional reference answers on test', async () => {
  const data = await nextqa.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 11);
  assert.equal(data.query.length, 7);
  for (const example of [...data.support, ...data.query]) {
    assert.match(example.id, /^\d{10}_\d$/);
    assert.match((example.media[0] as VideoRef).path, /NExTVideo\/\d{4}\/\d{10}\.mp4$/);
    assert.ok(['DC', 'DB', 'DO'].includes(example.type!));
  }
  assert.ok(data.query.some((e) => (e.reference as string[]).length === 2), 'some test questions have a second answer');
  assert.ok(data.support.every((e) => (e.reference as string[]).length === 1));
  assert.deepEqual(data.files.map((f) => f.role), ['train questions', 'test questions', 'video map', 'additional reference answers']);
  assert.equal(nextqa.generation.maxNewTokens, 10);
  const val = await nextqa.load({ split: 'val' });
  assert.equal(val.query.length, 3);
  assert.equal(val.files.length, 3, 'the additional answers are for test only');
  await loadRejects(nextqa, { split: 'train' }, UsageError, '--split train');
});

test('the QA prompt, and WUPS as the official evaluation computes it (headline WUPS@0.0)', async () => {
  const { query } = await nextqa.load({});
  assert.equal(textOf(nextqa.templates.paper!.query(query[0]!)), `Question: ${query[0]!.fields.question} Answer:`);
  const example = (id: string, answers: string[], type: string): Example => ({ id, media: [], fields: {}, target: answers[0]!, reference: answers, type });
  const items = [
    { example: example('1', ['hit the air'], 'TC'), answer: 'hits the air' },
    { example: example('2', ['two', '2'], 'DC'), answer: '2' },
    { example: example('3', ['yes'], 'DB'), answer: 'no' },
    { example: example('4', ['in case food fall'], 'CW'), answer: 'to feed the baby' },
  ];
  const score = nextqa.score(items);
  const expected = wups(items.map((i) => ({ id: i.example.id, prediction: i.answer, answers: i.example.reference as string[], type: i.example.type! })));
  assert.equal(score.primary, 'wups_0');
  assert.equal(score.metrics.wups_0, expected.scores.wups_0);
  assert.equal(score.metrics['wups_0.9'], expected.scores['wups_0.9']);
  assert.equal(score.metrics['wups_0_by_type.DC'], 100);
  assert.equal(score.metrics['wups_0_by_type.DB'], 0);
});

test('the multiple-choice release beside it is not taken for the open-ended one', async () => {
  await withCopy('nextqa', async (data) => {
    await editLines(data, 'nextqa/train.csv', (lines) => [`${lines[0]},a0,a1,a2,a3,a4`, ...lines.slice(1).map((l) => `${l},x,y,z,u,v`)]);
    await loadRejects(nextqa, { dataDir: data.dir }, InputError, 'train.csv', 'the multiple-choice release');
  });
});

test('errors: missing map, a video not in the map, a duplicate question, a missing column, a broken extra-answers file', async () => {
  await withCopy('nextqa', async (data) => {
    await rm(data.path('nextqa/map_vid_vidorID.json'));
    await loadRejects(nextqa, { dataDir: data.dir }, InputError, 'map_vid_vidorID.json', 'not found', 'NExT-QA');
  });
  await withCopy('nextqa', async (data) => {
    const map = await data.readJson('nextqa/map_vid_vidorID.json');
    const first = Object.keys(map)[0]!;
    delete map[first];
    await data.writeJson('nextqa/map_vid_vidorID.json', map);
    await loadRejects(nextqa, { dataDir: data.dir }, InputError, /train\.csv:2 column "video": video \d+ is not in .*map_vid_vidorID\.json/);
  });
  await withCopy('nextqa', async (data) => {
    await editLines(data, 'nextqa/test.csv', (lines) => [...lines, lines[1]!]);
    await loadRejects(nextqa, { dataDir: data.dir }, InputError, /test\.csv:9 column "qid": question \d+_\d is listed twice/);
  });
  await withCopy('nextqa', async (data) => {
    // The official train.csv repeats three (video, qid) pairs: demonstrations keep both, the second named by its line.
    await editLines(data, 'nextqa/train.csv', (lines) => [...lines, lines[1]!.replace(/,[^,]*,(\d+),(\w+)$/, ',another answer,$1,$2')]);
    const loaded = await nextqa.load({ dataDir: data.dir });
    assert.equal(loaded.support.length, 12);
    assert.equal(loaded.support.at(-1)!.id, `${loaded.support[0]!.id}@13`);
  });
  await withCopy('nextqa', async (data) => {
    await editLines(data, 'nextqa/test.csv', (lines) => lines.map((l) => l.split(',').slice(0, 7).join(',')));
    await loadRejects(nextqa, { dataDir: data.dir }, InputError, 'test.csv', 'its header lacks type');
  });
  await withCopy('nextqa', async (data) => {
    await editLines(data, 'nextqa/add_reference_answer_test.json', (lines) => [lines[0]!.slice(0, -2)]);
    await loadRejects(nextqa, { dataDir: data.dir }, InputError, /add_reference_answer_test\.json:\d+: not valid JSON/);
  });
  await withCopy('nextqa', async (data) => {
    // The additional answers are optional.
    await rm(data.path('nextqa/add_reference_answer_test.json'));
    const loaded = await nextqa.load({ dataDir: data.dir });
    assert.ok(loaded.query.every((e) => (e.reference as string[]).length === 1));
  });
  await withCopy('nextqa', async (data) => {
    await rm(data.path('NExTVideo'), { recursive: true });
    await loadRejects(nextqa, { dataDir: data.dir }, InputError, "no video of the task's 18 items", /\d{4}\/\d{10}\.mp4 \(named by .*train\.csv:2 column "video"\)/);
  });
});

test('runs end to end on the sample with the baseline; a sample video decodes', async () => {
  const record = await baselineRecord('nextqa', 2);
  assert.equal(record.trials[0]!.n, 7);
  assert.equal(record.summary.primary, 'wups_0');
  const { frames } = await decodeFirstQuery(nextqa);
  assert.equal(frames.frames.length, 30);
});
