import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { InputError, UsageError } from '../src/core/errors.ts';
import { resolveRunTasks } from '../src/run/tasks.ts';
import type { Example, VideoRef } from '../src/core/types.ts';
import { classCaption, rareact, thirdPerson, type RareActJudgement } from '../src/tasks/rareact.ts';
import { mwap } from '../src/metrics/mwap.ts';
import { baselineRecord, decodeFirstQuery, editLines, loadRejects, textOf, withCopy } from './support/video-task-checks.ts';

test('the paper caption: third-person verb, article before the noun', () => {
  assert.equal(thirdPerson('cut'), 'cuts');
  assert.equal(thirdPerson('wash'), 'washes');
  assert.equal(thirdPerson('carry'), 'carries');
  assert.equal(thirdPerson('drink from'), 'drinks from');
  assert.equal(thirdPerson('mix'), 'mixes');
  assert.equal(thirdPerson('spray'), 'sprays');
  assert.equal(classCaption('blend', 'phone'), 'a person blends a phone');
  assert.equal(classCaption('peel', 'egg'), 'a person peels an egg');
  assert.equal(classCaption('peel', 'carrots'), 'a person peels carrots');
  assert.equal(classCaption('microwave', 'phone'), 'a person microwaves a phone');
  assert.equal(classCaption('fry', 'shoes'), 'a person fries shoes');
});

test('the built-in sample: one query per distinct clip, every class caption a candidate, no support split', async () => {
  const data = await rareact.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 0);
  assert.equal(data.query.length, 12);
  const candidates = data.query[0]!.candidates!;
  assert.deepEqual(candidates, [
    'a person pushes a circle', 'a person pushes a square', 'a person pushes a triangle',
    'a person pulls a circle', 'a person pulls a square', 'a person pulls a triangle',
  ]);
  for (const example of data.query) {
    const video = example.media[0] as VideoRef;
    assert.equal(example.id, `${video.path.split('/').pop()!.replace('.mp4', '')}_${video.start}_${video.end}`);
    const judged = example.reference as RareActJudgement[];
    assert.equal(judged.length, 4);
    assert.equal(judged.filter((j) => j.annotation === 1).length, 1);
  }
  const paper = rareact.templates.paper!;
  assert.equal(textOf(paper.query(data.query[0]!)), 'Caption:');
  assert.equal(paper.candidatePrefix, ' ');
  assert.equal(rareact.kind, 'rank');
  await loadRejects(rareact, { split: 'val' }, UsageError, '--split val');
});

test('zero-shot only: --shots above 0 is refused naming --shots; a group run skips them', async () => {
  await assert.rejects(resolveRunTasks(['rareact'], { shots: [0, 4] }, () => {}), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /^--shots 4: task rareact is zero-shot only \(the paper evaluates RareAct zero-shot only: .*no training split.*\); use --shots 0$/);
    return true;
  });
  const warnings: string[] = [];
  const tasks = await resolveRunTasks(['all-video'], { shots: [0, 4] }, (w) => warnings.push(w));
  assert.deepEqual(tasks.find((t) => t.task.id === 'rareact')!.shots, [0]);
  assert.ok(warnings.some((w) => w.startsWith('rareact: skipping 4')));
  assert.deepEqual(
    tasks.map((t) => t.task.id).sort(),
    ['ivqa', 'kinetics700', 'msrvttqa', 'msvdqa', 'nextqa', 'rareact', 'star', 'vatex', 'youcook2'],
  );
});

test('mWAP over every judged row, each row scored with its clip log-likelihoods', async () => {
  const { query } = await rareact.load({});
  // A model that scores each clip's own class highest gets 100; the reverse ranking gets less.
  const perfect = query.map((example: Example) => {
    const own = (example.reference as RareActJudgement[]).find((j) => j.annotation === 1)!.classId;
    return { example, answer: '', scores: example.candidates!.map((_, c) => (c === own ? 0 : -5)) };
  });
  assert.equal(rareact.score(perfect).metrics.mwap, 100);
  const reversed = perfect.map((item) => ({ ...item, scores: item.scores.map((s) => -s) }));
  const expected = mwap(reversed.flatMap((i) => (i.example.reference as RareActJudgement[]).map((j) => ({ ...j, scores: i.scores }))));
  assert.equal(rareact.score(reversed).metrics.mwap, expected.scores.mwap);
  assert.ok(rareact.score(reversed).metrics.mwap! < 100);
  assert.throws(() => rareact.score([{ ...perfect[0]!, scores: [0] }]), /has no log-likelihood for each of the 6 classes/);
});

test('errors: a class id with two names, an id gap, a bad annotation, a missing column or file, no videos', async () => {
  await withCopy('rareact', async (data) => {
    await editLines(data, 'rareact.csv', (lines) => lines.map((l, i) => (i === 3 ? l.replace(/,(push|pull),(\w+),/, ',pour,$2,') : l)));
    await loadRejects(rareact, { dataDir: data.dir }, InputError, /rareact\.csv:\d+ column "class_id": class \d is "\w+ \w+" here but "\w+ \w+" at .*rareact\.csv:\d+/);
  });
  await withCopy('rareact', async (data) => {
    await editLines(data, 'rareact.csv', (lines) => lines.filter((l) => !/,2,(push|pull),triangle,/.test(l) && !/,5,(push|pull),triangle,/.test(l)));
    await loadRejects(rareact, { dataDir: data.dir }, InputError, 'column "class_id": ids run to 4 but 2 never occur');
  });
  await withCopy('rareact', async (data) => {
    await editLines(data, 'rareact.csv', (lines) => lines.map((l, i) => (i === 2 ? l.replace(/,\d$/, ',7') : l)));
    await loadRejects(rareact, { dataDir: data.dir }, InputError, 'rareact.csv:3 column "annotation": expected 0 to 4, found 7');
  });
  await withCopy('rareact', async (data) => {
    await editLines(data, 'rareact.csv', (lines) => lines.map((l) => l.split(',').slice(0, 7).join(',')));
    await loadRejects(rareact, { dataDir: data.dir }, InputError, 'rareact.csv: line 1: the header lacks column "annotation"');
  });
  await withCopy('rareact', async (data) => {
    await rm(data.path('rareact.csv'));
    await loadRejects(rareact, { dataDir: data.dir }, InputError, 'rareact.csv', 'not found', 'antoine77340/RareAct');
  });
  await withCopy('rareact', async (data) => {
    await rm(data.path('videos'), { recursive: true });
    await loadRejects(rareact, { dataDir: data.dir }, InputError, "no video of the task's 12 items");
  });
});

test('runs end to end on the sample (0 shots) with the baseline: mWAP; a clip segment decodes', async () => {
  const record = await baselineRecord('rareact', 0);
  assert.equal(record.trials[0]!.n, 12);
  assert.equal(record.summary.primary, 'mwap');
  assert.ok(Number.isFinite(record.summary.metrics.mwap!.mean));
  const { video, frames } = await decodeFirstQuery(rareact);
  assert.deepEqual([video.start, video.end], [0, 3]);
  assert.equal(frames.frames.length, 30);
});
