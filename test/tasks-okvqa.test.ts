import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, UsageError } from '../src/core/errors.ts';
import { okvqa, okvqaTask } from '../src/tasks/okvqa.ts';
import { copyOfSample, marksMissing, type DataCopy } from './support/task-data.ts';

async function withCopy(check: (data: DataCopy) => Promise<void>): Promise<void> {
  const data = await copyOfSample('okvqa');
  try {
    await check(data);
  } finally {
    await data.remove();
  }
}

async function rejectsInput(data: DataCopy, ...patterns: (RegExp | string)[]): Promise<void> {
  await assert.rejects(okvqa.load({ dataDir: data.dir }), (error: unknown) => {
    assert.ok(error instanceof InputError, `an InputError, got ${String(error)}`);
    for (const p of patterns) {
      if (typeof p === 'string') assert.ok(error.message.includes(p), `"${error.message}" mentions "${p}"`);
      else assert.match(error.message, p);
    }
    return true;
  });
}

test('the built-in sample loads without --data and is marked as sample data', async () => {
  const data = await okvqa.load({});
  assert.equal(data.sample, true);
  assert.ok(data.support.length >= 24 && data.query.length >= 24);
  const q = data.query[0]!;
  assert.equal(q.media.length, 1);
  assert.match(q.media[0]!.id, /^val2014\/COCO_val2014_\d{12}\.jpg$/);
  assert.equal((q.reference as string[]).length, 10);
  assert.equal(q.target, (q.reference as string[])[0]);
  assert.ok(q.fields.question);
  assert.equal(q.group, q.media[0]!.id.match(/_0*(\d+)\.jpg$/)![1]);
  // Some images carry two questions: they share a group, so they are never each other's demonstrations.
  const groups = new Map<string, number>();
  for (const e of data.support) groups.set(e.group!, (groups.get(e.group!) ?? 0) + 1);
  assert.ok([...groups.values()].some((n) => n > 1));
  assert.deepEqual(
    data.files.map((f) => f.role),
    ['train questions', 'train annotations', 'val questions', 'val annotations', 'train images', 'val images'],
  );
  for (const f of data.files) assert.match(f.sha256, /^[0-9a-f]{64}$/);
});

test('the sample knowledge is a naming convention shared by support and query', async () => {
  const data = await okvqa.load({});
  const names = new Set(data.support.map((e) => e.target));
  assert.ok(names.size >= 3 && names.size <= 5, `a few made-up names, got ${[...names].join(', ')}`);
  for (const q of data.query) assert.ok(names.has(q.target), `${q.target} is shown by some demonstration`);
});

test('reads a real layout from --data, nested anywhere, and marks it as not sample', async () => {
  await withCopy(async (data) => {
    const loaded = await okvqa.load({ dataDir: data.dir });
    assert.equal(loaded.sample, false);
    assert.equal(loaded.query.length, (await okvqa.load({})).query.length);
    assert.ok(loaded.files.every((f) => f.path.startsWith(data.dir)));
  });
});

test('a missing file is named, with the folder searched and where to download it', async () => {
  await withCopy(async (data) => {
    await rm(data.path('mscoco_val2014_annotations.json'));
    await rejectsInput(data, 'mscoco_val2014_annotations.json', data.dir, 'okvqa.allenai.org');
  });
  await withCopy(async (data) => {
    await rm(data.path('train2014'), { recursive: true });
    await rejectsInput(data, /folder train2014 .*not found/, 'images.cocodataset.org/zips/train2014.zip');
  });
});

test('malformed JSON names the file and line', async () => {
  await withCopy(async (data) => {
    const file = data.path('OpenEnded_mscoco_val2014_questions.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, 200));
    await rejectsInput(data, `${file}:1: not valid JSON`);
  });
});

test('a missing or mistyped field is named by its path in the file', async () => {
  await withCopy(async (data) => {
    const questions = await data.readJson('OpenEnded_mscoco_val2014_questions.json');
    delete questions.questions[3].question;
    await data.writeJson('OpenEnded_mscoco_val2014_questions.json', questions);
    await rejectsInput(data, 'OpenEnded_mscoco_val2014_questions.json: questions[3].question: missing field');
  });
  await withCopy(async (data) => {
    const annotations = await data.readJson('mscoco_train2014_annotations.json');
    annotations.annotations[2].answers[1] = { answer_id: 2, answer: 7 };
    await data.writeJson('mscoco_train2014_annotations.json', annotations);
    await rejectsInput(data, 'annotations[2].answers[1].answer: expected a string, found the number 7');
  });
  await withCopy(async (data) => {
    await data.writeJson('mscoco_train2014_annotations.json', { annotation: [] });
    await rejectsInput(data, 'mscoco_train2014_annotations.json: annotations: missing field');
  });
});

test('a question without an annotation is reported with its id', async () => {
  await withCopy(async (data) => {
    const annotations = await data.readJson('mscoco_val2014_annotations.json');
    const dropped = annotations.annotations.splice(4, 1)[0];
    await data.writeJson('mscoco_val2014_annotations.json', annotations);
    await rejectsInput(data, `no annotation for question_id ${dropped.question_id}`, 'questions[');
  });
});

test('an annotation about another image is refused', async () => {
  await withCopy(async (data) => {
    const annotations = await data.readJson('mscoco_val2014_annotations.json');
    annotations.annotations[0].image_id = 1;
    await data.writeJson('mscoco_val2014_annotations.json', annotations);
    await rejectsInput(data, 'annotations[0].image_id: is 1, but');
  });
});

test('a missing image marks the questions about it with the question that names it', async () => {
  await withCopy(async (data) => {
    const questions = await data.readJson('OpenEnded_mscoco_val2014_questions.json');
    const imageId = questions.questions[5].image_id;
    const name = `COCO_val2014_${String(imageId).padStart(12, '0')}.jpg`;
    await rm(data.path(`val2014/${name}`));
    await marksMissing(okvqa, data, name, 'questions[5].image_id');
  });
});

test('an ambiguous duplicate of an official file (other contents) lists both copies', async () => {
  await withCopy(async (data) => {
    await mkdir(join(data.dir, 'old'));
    // An identical copy is no ambiguity; one with other contents is.
    await cp(data.path('OpenEnded_mscoco_train2014_questions.json'), join(data.dir, 'old', 'OpenEnded_mscoco_train2014_questions.json'));
    await writeFile(join(data.dir, 'old', 'OpenEnded_mscoco_train2014_questions.json'), `${await readFile(data.path('OpenEnded_mscoco_train2014_questions.json'), 'utf8')}\n`);
    await rejectsInput(data, /ambiguous: 2 different files/, join('old', 'OpenEnded_mscoco_train2014_questions.json'), join('unpacked', 'OpenEnded_mscoco_train2014_questions.json'));
  });
});

test('only the val split can be evaluated', async () => {
  await assert.rejects(okvqa.load({ split: 'test' }), (e: unknown) => e instanceof UsageError && /--split test/.test(e.message));
});

test('score: VQA accuracy in percent, per answer type, per item', async () => {
  const data = await okvqa.load({});
  const items = data.query.slice(0, 4).map((example, i) => ({ example, answer: i < 3 ? example.target : 'nothing' }));
  const score = okvqa.score(items);
  assert.equal(score.primary, 'vqa_accuracy');
  assert.equal(score.metrics.vqa_accuracy, 75);
  assert.equal(score.metrics['vqa_accuracy_by_type.other'], 75);
  assert.deepEqual(score.perItem, [100, 100, 100, 0]);
});

test('settings follow open_flamingo: beam 3, 5 new tokens; protocol query size 1024', () => {
  assert.deepEqual(okvqa.generation, { maxNewTokens: 5, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true });
  assert.equal(okvqa.protocolQuerySize, 1024);
  assert.equal(okvqa.metric, 'vqa_accuracy');
  assert.deepEqual(okvqa.files.map((f) => f.name).sort(), [
    'OpenEnded_mscoco_train2014_questions.json',
    'OpenEnded_mscoco_val2014_questions.json',
    'mscoco_train2014_annotations.json',
    'mscoco_val2014_annotations.json',
    'train2014',
    'val2014',
  ]);
  assert.equal(okvqa.postprocess(' Paris, France Question: what'), 'Paris');
});

test('OK-VQA stemming is an option, off by default', () => {
  const example = { id: 'q', media: [], fields: { question: 'What animals are these?' }, target: 'dog', reference: Array(10).fill('dog') };
  assert.equal(okvqa.score([{ example, answer: 'dogs' }]).metrics.vqa_accuracy, 0);
  assert.equal(okvqaTask({ stem: true }).score([{ example, answer: 'dogs' }]).metrics.vqa_accuracy, 100);
});
