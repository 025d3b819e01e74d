import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, UsageError } from '../src/core/errors.ts';
import { textvqa, textvqaTask } from '../src/tasks/textvqa.ts';
import { copyOfSample, marksMissing, type DataCopy } from './support/task-data.ts';
import { loadRejects } from './support/task-errors.ts';

async function withCopy(check: (data: DataCopy) => Promise<void>): Promise<void> {
  const data = await copyOfSample('textvqa');
  try {
    await check(data);
  } finally {
    await data.remove();
  }
}

const rejectsInput = (data: DataCopy, ...patterns: (RegExp | string)[]) =>
  loadRejects(textvqa, { dataDir: data.dir }, InputError, ...patterns);

test('the built-in sample loads without --data: val queries, train demonstrations, images in train_images/', async () => {
  const data = await textvqa.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 40);
  assert.equal(data.query.length, 24);
  const q = data.query[0]!;
  assert.match(q.id, /^\d+$/);
  assert.match(q.group!, /^[0-9a-f]{16}$/);
  assert.deepEqual(q.media.map((m) => m.id), [`train_images/${q.group}.jpg`]);
  assert.equal((q.reference as string[]).length, 10);
  assert.equal(q.target, (q.reference as string[])[0]);
  assert.deepEqual(Object.keys(q.fields), ['question']);
  assert.deepEqual(data.files.map((f) => f.role), ['train questions and answers', 'val questions and answers', 'images']);
});

test('the OCR tokens are not given by default, and the OCR files are not needed', async () => {
  await withCopy(async (data) => {
    await rm(data.path('TextVQA_Rosetta_OCR_v0.2_train.json'));
    await rm(data.path('TextVQA_Rosetta_OCR_v0.2_val.json'));
    const loaded = await textvqa.load({ dataDir: data.dir });
    const prompt = textvqa.templates.paper!.query(loaded.query[0]!);
    assert.deepEqual(prompt.slice(1), [{ type: 'text', text: `Question: ${loaded.query[0]!.fields.question} Answer:` }]);
    await loadRejects(textvqaTask({ ocrTokens: true }), { dataDir: data.dir }, InputError, 'TextVQA_Rosetta_OCR_v0.2_train.json');
  });
});

test('textvqaTask({ ocrTokens: true }) writes the Rosetta tokens before the question, as task textvqa-ocr', async () => {
  const task = textvqaTask({ ocrTokens: true });
  assert.equal(task.id, 'textvqa-ocr');
  const data = await task.load({});
  const e = data.support[0]!;
  assert.ok(e.fields.ocr && e.fields.ocr.length > 0);
  assert.ok(e.target.includes(e.fields.ocr.split(', ')[0]!), 'the sample OCR tokens are the written words');
  assert.deepEqual(task.templates.paper!.demonstration({ example: e, withMedia: false }), [
    { type: 'text', text: `OCR tokens: ${e.fields.ocr} Question: ${e.fields.question} Answer: ${e.target}` },
    { type: 'end_of_chunk' },
  ]);
  assert.deepEqual(data.files.map((f) => f.role), [
    'train questions and answers',
    'val questions and answers',
    'train OCR tokens',
    'val OCR tokens',
    'images',
  ]);
});

test('an image missing from the OCR file is named', async () => {
  await withCopy(async (data) => {
    const ocr = await data.readJson('TextVQA_Rosetta_OCR_v0.2_val.json');
    const dropped = ocr.data.splice(0, 1)[0];
    await data.writeJson('TextVQA_Rosetta_OCR_v0.2_val.json', ocr);
    await loadRejects(textvqaTask({ ocrTokens: true }), { dataDir: data.dir }, InputError, `data[0].image_id: image ${dropped.image_id} has no entry in the OCR file`);
  });
});

test('reads a real layout from --data, nested anywhere; only val can be evaluated', async () => {
  await withCopy(async (data) => {
    const loaded = await textvqa.load({ dataDir: data.dir });
    assert.equal(loaded.sample, false);
    assert.equal(loaded.query.length, 24);
  });
  await loadRejects(textvqa, { split: 'test' }, UsageError, '--split test');
});

test('a missing file or image folder is named, with the folder searched and where to download it', async () => {
  await withCopy(async (data) => {
    await rm(data.path('TextVQA_0.5.1_val.json'));
    await rejectsInput(data, 'TextVQA_0.5.1_val.json', data.dir, 'dl.fbaipublicfiles.com/textvqa');
  });
  await withCopy(async (data) => {
    await rm(data.path('train_images'), { recursive: true });
    await rejectsInput(data, /folder train_images .*not found/, 'train_val_images.zip');
  });
});

test('malformed JSON names the file and line', async () => {
  await withCopy(async (data) => {
    const file = data.path('TextVQA_0.5.1_train.json');
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 200));
    await rejectsInput(data, `${file}:1: not valid JSON`);
  });
});

test('a missing or mistyped field is named by its path in the file', async () => {
  await withCopy(async (data) => {
    const val = await data.readJson('TextVQA_0.5.1_val.json');
    delete val.data[4].question_id;
    await data.writeJson('TextVQA_0.5.1_val.json', val);
    await rejectsInput(data, 'TextVQA_0.5.1_val.json: data[4].question_id: missing field');
  });
  await withCopy(async (data) => {
    const train = await data.readJson('TextVQA_0.5.1_train.json');
    train.data[1].answers[9] = ['stop'];
    await data.writeJson('TextVQA_0.5.1_train.json', train);
    await rejectsInput(data, 'data[1].answers[9]: expected a string, found a list');
  });
});

test('a missing image marks the questions about it with the question that names it', async () => {
  await withCopy(async (data) => {
    const val = await data.readJson('TextVQA_0.5.1_val.json');
    const imageId = val.data[6].image_id;
    await rm(data.path(`train_images/${imageId}.jpg`));
    await marksMissing(textvqa, data, `${imageId}.jpg`, '.image_id');
  });
});

test('an ambiguous duplicate of an official file (other contents) lists both copies', async () => {
  await withCopy(async (data) => {
    await mkdir(join(data.dir, 'old'));
    // An identical copy is no ambiguity; one with other contents is.
    await cp(data.path('TextVQA_0.5.1_val.json'), join(data.dir, 'old', 'TextVQA_0.5.1_val.json'));
    await writeFile(join(data.dir, 'old', 'TextVQA_0.5.1_val.json'), `${await readFile(data.path('TextVQA_0.5.1_val.json'), 'utf8')}\n`);
    await rejectsInput(data, /ambiguous: 2 different files/, join('old', 'TextVQA_0.5.1_val.json'));
  });
});

test('score and settings: VQA accuracy; beam 3, 10 new tokens (open_flamingo), protocol query size 1024', async () => {
  const data = await textvqa.load({});
  const items = data.query.slice(0, 2).map((example, i) => ({ example, answer: i === 0 ? example.target : 'nothing' }));
  const score = textvqa.score(items);
  assert.equal(score.primary, 'vqa_accuracy');
  assert.equal(score.perItem![1], 0);
  assert.ok(score.perItem![0]! > 0);
  assert.deepEqual(textvqa.generation, { maxNewTokens: 10, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true });
  assert.equal(textvqa.protocolQuerySize, 1024);
  assert.deepEqual(
    textvqa.files.filter((f) => !f.required).map((f) => f.name),
    ['TextVQA_Rosetta_OCR_v0.2_train.json', 'TextVQA_Rosetta_OCR_v0.2_val.json'],
  );
});

test('the OCR variant loads as a user task module, as docs/datasets.md shows (--task ./textvqa-ocr.ts)', async () => {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { resolveTask } = await import('../src/run/tasks.ts');
  const dir = await mkdtemp(join(tmpdir(), 'textvqa-ocr-'));
  try {
    const module = join(dir, 'textvqa-ocr.ts');
    const source = new URL('../src/tasks/textvqa.ts', import.meta.url).pathname;
    await writeFile(module, `import { textvqaTask } from '${source}';\nexport default textvqaTask({ ocrTokens: true });\n`);
    const { task, source: from } = await resolveTask(module);
    assert.equal(task.id, 'textvqa-ocr');
    assert.equal(from, module);
    assert.ok((await task.load({})).query.every((e) => typeof e.fields.ocr === 'string'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('scoring normalises the answers and the prediction always, as TextVQA\'s evaluator does', () => {
  const example = { id: '1', media: [], fields: { question: 'what does the sign say?' }, target: 'STOP', reference: Array(10).fill('STOP') };
  // vqaEval.py would compare "stop." with ten identical "STOP" unnormalised and score 0.
  assert.equal(textvqa.score([{ example, answer: 'stop.' }]).metrics.vqa_accuracy, 100);
  assert.equal(textvqa.score([{ example, answer: 'go' }]).metrics.vqa_accuracy, 0);
});
