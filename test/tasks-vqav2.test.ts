import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, UsageError } from '../src/core/errors.ts';
import { vqav2 } from '../src/tasks/vqav2.ts';
import { copyOfSample, marksMissing, type DataCopy } from './support/task-data.ts';
import { loadRejects } from './support/task-errors.ts';

async function withCopy(check: (data: DataCopy) => Promise<void>): Promise<void> {
  const data = await copyOfSample('vqav2');
  try {
    await check(data);
  } finally {
    await data.remove();
  }
}

const rejectsInput = (data: DataCopy, ...patterns: (RegExp | string)[]) =>
  loadRejects(vqav2, { dataDir: data.dir }, InputError, ...patterns);

test('the built-in sample loads without --data: val2014 queries, train2014 demonstrations, ten answers', async () => {
  const data = await vqav2.load({});
  assert.equal(data.sample, true);
  assert.equal(data.unannotated, undefined);
  assert.ok(data.support.length >= 40 && data.query.length >= 28);
  const q = data.query[0]!;
  assert.match(q.media[0]!.id, /^val2014\/COCO_val2014_\d{12}\.jpg$/);
  assert.equal(q.group, String(Math.floor(Number(q.id) / 1000)), 'question ids are image_id * 1000 + k');
  assert.equal((q.reference as string[]).length, 10);
  assert.equal(q.target, (q.reference as string[])[0]);
  assert.ok(['yes/no', 'number', 'other'].includes(q.type!));
  assert.match(data.support[0]!.media[0]!.id, /^train2014\//);
  // Several questions per image share a group, so they are never each other's demonstrations.
  const groups = new Map<string, number>();
  for (const e of data.support) groups.set(e.group!, (groups.get(e.group!) ?? 0) + 1);
  assert.ok([...groups.values()].every((n) => n >= 2));
  assert.deepEqual(
    data.files.map((f) => f.role),
    ['train questions', 'train annotations', 'val questions', 'val annotations', 'train images', 'val2014 images'],
  );
});

test('--split test-dev and test read the test question files and test2015 images, and are marked unannotated', async () => {
  const testDev = await vqav2.load({ split: 'test-dev' });
  const full = await vqav2.load({ split: 'test' });
  for (const data of [testDev, full]) {
    assert.match(data.unannotated!.server, /visualqa\.org/);
    assert.match(data.query[0]!.media[0]!.id, /^test2015\/COCO_test2015_\d{12}\.jpg$/);
    assert.deepEqual(data.query[0]!.reference, []);
  }
  // test-dev is a subset of test-standard, as in the release.
  const all = new Set(full.query.map((e) => e.id));
  assert.ok(testDev.query.length < full.query.length && testDev.query.every((e) => all.has(e.id)));
  assert.deepEqual(
    testDev.files.map((f) => f.role),
    ['train questions', 'train annotations', 'test-dev questions', 'train images', 'test2015 images', 'test questions (listed in the answers file)'],
  );
  // EvalAI's file must answer every test2015 question: the ones outside test-dev come along, to be left empty.
  const others = testDev.unannotated!.alsoRequired!.map((e) => e.id);
  assert.equal(others.length, full.query.length - testDev.query.length);
  assert.deepEqual([...others, ...testDev.query.map((e) => e.id)].sort(), full.query.map((e) => e.id).sort());
  assert.equal(full.unannotated!.alsoRequired, undefined);
  await loadRejects(vqav2, { split: 'train' }, UsageError, '--split train', 'val, test-dev, test');
});

test('submission: the EvalAI results format, question_id as an integer', async () => {
  const data = await vqav2.load({ split: 'test-dev' });
  const items = data.query.slice(0, 2).map((example) => ({ example, answer: 'yes' }));
  assert.deepEqual(vqav2.submission!(items), [
    { question_id: Number(data.query[0]!.id), answer: 'yes' },
    { question_id: Number(data.query[1]!.id), answer: 'yes' },
  ]);
});

test('reads a real layout from --data, nested anywhere, and marks it as not sample', async () => {
  await withCopy(async (data) => {
    const loaded = await vqav2.load({ dataDir: data.dir });
    assert.equal(loaded.sample, false);
    assert.equal(loaded.query.length, (await vqav2.load({})).query.length);
  });
});

test('a missing file is named, with the folder searched and where to download it', async () => {
  await withCopy(async (data) => {
    await rm(data.path('v2_mscoco_val2014_annotations.json'));
    await rejectsInput(data, 'v2_mscoco_val2014_annotations.json', data.dir, 'visualqa.org/download.html');
  });
  await withCopy(async (data) => {
    // The test files are needed only for the test splits.
    await rm(data.path('v2_OpenEnded_mscoco_test-dev2015_questions.json'));
    await rm(data.path('test2015'), { recursive: true });
    await vqav2.load({ dataDir: data.dir });
    await loadRejects(vqav2, { dataDir: data.dir, split: 'test-dev' }, InputError, 'v2_OpenEnded_mscoco_test-dev2015_questions.json');
  });
  await withCopy(async (data) => {
    // test-dev's answers file lists all of test2015, so it needs the test2015 questions too.
    await rm(data.path('v2_OpenEnded_mscoco_test2015_questions.json'));
    await loadRejects(vqav2, { dataDir: data.dir, split: 'test-dev' }, InputError, 'v2_OpenEnded_mscoco_test2015_questions.json', 'EvalAI');
  });
  await withCopy(async (data) => {
    await rm(data.path('test2015'), { recursive: true });
    await loadRejects(vqav2, { dataDir: data.dir, split: 'test' }, InputError, /folder test2015 .*not found/, 'test2015.zip');
  });
});

test('malformed JSON names the file and line', async () => {
  await withCopy(async (data) => {
    const file = data.path('v2_OpenEnded_mscoco_train2014_questions.json');
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 250));
    await rejectsInput(data, `${file}:1: not valid JSON`);
  });
});

test('a missing or mistyped field is named by its path in the file', async () => {
  await withCopy(async (data) => {
    const questions = await data.readJson('v2_OpenEnded_mscoco_val2014_questions.json');
    delete questions.questions[2].image_id;
    await data.writeJson('v2_OpenEnded_mscoco_val2014_questions.json', questions);
    await rejectsInput(data, 'v2_OpenEnded_mscoco_val2014_questions.json: questions[2].image_id: missing field');
  });
  await withCopy(async (data) => {
    const annotations = await data.readJson('v2_mscoco_val2014_annotations.json');
    annotations.annotations[1].answers = 'yes';
    await data.writeJson('v2_mscoco_val2014_annotations.json', annotations);
    await rejectsInput(data, 'annotations[1].answers: expected a list');
  });
});

test('questions and annotations of different releases are refused, naming the question', async () => {
  await withCopy(async (data) => {
    const annotations = await data.readJson('v2_mscoco_val2014_annotations.json');
    const dropped = annotations.annotations.splice(3, 1)[0];
    await data.writeJson('v2_mscoco_val2014_annotations.json', annotations);
    await rejectsInput(data, `no annotation for question_id ${dropped.question_id}`, 'questions[3]');
  });
});

test('a missing image marks the questions about it with the question that names it', async () => {
  await withCopy(async (data) => {
    const questions = await data.readJson('v2_OpenEnded_mscoco_val2014_questions.json');
    const imageId = questions.questions[4].image_id;
    const name = `COCO_val2014_${String(imageId).padStart(12, '0')}.jpg`;
    await rm(data.path(`val2014/${name}`));
    await marksMissing(vqav2, data, name, '.image_id');
  });
});

test('an ambiguous duplicate of an official file (other contents) lists both copies', async () => {
  await withCopy(async (data) => {
    await mkdir(join(data.dir, 'old'));
    const name = 'v2_mscoco_train2014_annotations.json';
    // An identical copy is no ambiguity; one with other contents is.
    await cp(data.path(name), join(data.dir, 'old', name));
    await writeFile(join(data.dir, 'old', name), `${await readFile(data.path(name), 'utf8')}\n`);
    await rejectsInput(data, /ambiguous: 2 different files/, join('old', name), join('unpacked', name));
  });
});

test('prompts: paper "Question: q Answer: a", openflamingo "Question:q Short answer:a"', async () => {
  const data = await vqav2.load({});
  const e = data.support[0]!;
  const text = (style: string) =>
    vqav2.templates[style]!.demonstration({ example: e, withMedia: false }).filter((p) => p.type === 'text');
  assert.deepEqual(text('paper'), [{ type: 'text', text: `Question: ${e.fields.question} Answer: ${e.target}` }]);
  assert.deepEqual(text('openflamingo'), [{ type: 'text', text: `Question:${e.fields.question} Short answer:${e.target}` }]);
});

test('score: VQA accuracy in percent with per-type values; settings as open_flamingo', async () => {
  const data = await vqav2.load({});
  const items = data.query.slice(0, 4).map((example, i) => ({ example, answer: i < 2 ? example.target : 'zebra' }));
  const score = vqav2.score(items);
  assert.equal(score.primary, 'vqa_accuracy');
  assert.equal(score.perItem!.length, 4);
  assert.ok(score.perItem![2] === 0 && score.perItem![3] === 0 && score.perItem![0]! > 0);
  assert.ok(Object.keys(score.metrics).some((k) => k.startsWith('vqa_accuracy_by_type.')));
  assert.deepEqual(vqav2.generation, { maxNewTokens: 5, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true });
  assert.equal(vqav2.protocolQuerySize, 1024);
  assert.equal(vqav2.postprocess('two, maybe three Question:'), 'two');
  assert.deepEqual(
    vqav2.files.filter((f) => !f.required).map((f) => f.name),
    ['v2_OpenEnded_mscoco_test-dev2015_questions.json', 'v2_OpenEnded_mscoco_test2015_questions.json', 'test2015'],
  );
});
