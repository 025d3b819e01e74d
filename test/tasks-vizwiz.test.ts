import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, UsageError } from '../src/core/errors.ts';
import { vizwiz } from '../src/tasks/vizwiz.ts';
import { copyOfSample, marksMissing, type DataCopy } from './support/task-data.ts';
import { loadRejects } from './support/task-errors.ts';

async function withCopy(check: (data: DataCopy) => Promise<void>): Promise<void> {
  const data = await copyOfSample('vizwiz');
  try {
    await check(data);
  } finally {
    await data.remove();
  }
}

const rejectsInput = (data: DataCopy, ...patterns: (RegExp | string)[]) =>
  loadRejects(vizwiz, { dataDir: data.dir }, InputError, ...patterns);

test('the built-in sample loads without --data: val queries, train demonstrations, "unanswerable" included', async () => {
  const data = await vizwiz.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 40);
  assert.equal(data.query.length, 24);
  const q = data.query[0]!;
  assert.equal(q.id, 'VizWiz_val_00000000.jpg');
  assert.equal(q.group, q.id);
  assert.deepEqual(q.media.map((m) => m.id), ['val/VizWiz_val_00000000.jpg']);
  assert.equal((q.reference as string[]).length, 10);
  assert.equal(q.target, (q.reference as string[])[0]);
  const unanswerable = data.query.filter((e) => e.type === 'unanswerable');
  assert.ok(unanswerable.length > 0, 'some questions are unanswerable');
  assert.ok(unanswerable.every((e) => (e.reference as string[]).filter((a) => a === 'unanswerable').length >= 5));
  assert.deepEqual(data.files.map((f) => f.role), [
    'train questions and answers',
    'val questions and answers',
    'train images',
    'val images',
  ]);
});

test('"unanswerable" is scored like any answer, with its own answer type', async () => {
  const data = await vizwiz.load({});
  const items = data.query.map((example) => ({ example, answer: 'unanswerable' }));
  const score = vizwiz.score(items);
  assert.equal(score.metrics['vqa_accuracy_by_type.unanswerable'], 100);
  assert.ok(score.metrics.vqa_accuracy! > 0 && score.metrics.vqa_accuracy! < 100);
});

test('--split test reads test.json and test/ and is marked unannotated; the submission is [{image, answer}]', async () => {
  const data = await vizwiz.load({ split: 'test' });
  assert.match(data.unannotated!.server, /vizwiz\.org/);
  assert.equal(data.query.length, 10);
  assert.deepEqual(data.query[0]!.media.map((m) => m.id), ['test/VizWiz_test_00000000.jpg']);
  assert.deepEqual(data.query[0]!.reference, []);
  assert.deepEqual(vizwiz.submission!([{ example: data.query[0]!, answer: 'unanswerable' }]), [
    { image: 'VizWiz_test_00000000.jpg', answer: 'unanswerable' },
  ]);
  await loadRejects(vizwiz, { split: 'test-dev' }, UsageError, '--split test-dev', 'val, test');
});

test('reads a real layout from --data, nested anywhere; test files are needed only for --split test', async () => {
  await withCopy(async (data) => {
    await rm(data.path('test.json'));
    await rm(data.path('test'), { recursive: true });
    const loaded = await vizwiz.load({ dataDir: data.dir });
    assert.equal(loaded.sample, false);
    assert.equal(loaded.query.length, 24);
    await loadRejects(vizwiz, { dataDir: data.dir, split: 'test' }, InputError, 'test.json', 'Annotations.zip');
  });
});

test('a missing file or image folder is named, with the folder searched and where to download it', async () => {
  await withCopy(async (data) => {
    await rm(data.path('val.json'));
    await rejectsInput(data, 'val.json', data.dir, 'vizwiz.cs.colorado.edu');
  });
  await withCopy(async (data) => {
    await rm(data.path('train'), { recursive: true });
    await rejectsInput(data, /folder train .*not found/, 'train.zip');
  });
});

test('malformed JSON names the file and line', async () => {
  await withCopy(async (data) => {
    const file = data.path('train.json');
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 200));
    await rejectsInput(data, `${file}:1: not valid JSON`);
  });
});

test('a missing or mistyped field is named by its path in the file', async () => {
  await withCopy(async (data) => {
    const val = await data.readJson('val.json');
    delete val[5].answer_type;
    await data.writeJson('val.json', val);
    await rejectsInput(data, 'val.json: [5].answer_type: missing field');
  });
  await withCopy(async (data) => {
    const train = await data.readJson('train.json');
    train[2].answers[0].answer = 3;
    await data.writeJson('train.json', train);
    await rejectsInput(data, 'train.json: [2].answers[0].answer: expected a string, found the number 3');
  });
  await withCopy(async (data) => {
    await data.writeJson('val.json', { annotations: [] });
    await rejectsInput(data, 'val.json: expected a list, found an object');
  });
});

test('the same image asked twice is refused (one question per image)', async () => {
  await withCopy(async (data) => {
    const val = await data.readJson('val.json');
    val[3].image = val[1].image;
    await data.writeJson('val.json', val);
    await rejectsInput(data, 'val.json: [3].image', 'asked about twice');
  });
});

test('a missing image marks the items that show it with the entry that names it', async () => {
  await withCopy(async (data) => {
    await rm(data.path('val/VizWiz_val_00000007.jpg'));
    await marksMissing(vizwiz, data, 'VizWiz_val_00000007.jpg', 'val.json: [7].image');
  });
});

test('an ambiguous duplicate of an official file (other contents) lists both copies', async () => {
  await withCopy(async (data) => {
    await mkdir(join(data.dir, 'old'));
    // An identical copy is no ambiguity; one with other contents is.
    await cp(data.path('train.json'), join(data.dir, 'old', 'train.json'));
    await writeFile(join(data.dir, 'old', 'train.json'), `${await readFile(data.path('train.json'), 'utf8')}\n`);
    await rejectsInput(data, /ambiguous: 2 different files/, join('old', 'train.json'), join('unpacked', 'train.json'));
  });
});

test('settings follow open_flamingo: QA prompts, beam 3, 5 new tokens, protocol query size 1024', () => {
  assert.deepEqual(vizwiz.generation, { maxNewTokens: 5, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true });
  assert.equal(vizwiz.protocolQuerySize, 1024);
  assert.equal(vizwiz.metric, 'vqa_accuracy');
  assert.deepEqual(Object.keys(vizwiz.templates).sort(), ['openflamingo', 'paper']);
  assert.deepEqual(vizwiz.files.map((f) => f.name), ['train.json', 'val.json', 'test.json', 'train', 'val', 'test']);
});

test('scoring is the VizWiz script: the prediction is always normalised, the answers are taken as written', async () => {
  const example = { id: 'VizWiz_val_x.jpg', media: [], fields: { question: 'what is this?' }, target: 'unanswerable', reference: Array(10).fill('unanswerable'), type: 'unanswerable' };
  assert.equal(vizwiz.score([{ example, answer: 'Unanswerable.' }]).metrics.vqa_accuracy, 100);
  const cased = { ...example, reference: Array(10).fill('Pepsi'), type: 'other' };
  assert.equal(vizwiz.score([{ example: cased, answer: 'Pepsi' }]).metrics.vqa_accuracy, 0);
});
