import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, UsageError } from '../src/core/errors.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import type { Example, Prompt, TextPart } from '../src/core/types.ts';
import { sampleDataDir } from '../src/core/sample-data.ts';
import { visdial } from '../src/tasks/visdial.ts';
import { copyOfSample, type DataCopy } from './support/task-data.ts';

async function withCopy(check: (data: DataCopy) => Promise<void>): Promise<void> {
  const data = await copyOfSample('visdial');
  try {
    await check(data);
  } finally {
    await data.remove();
  }
}

async function rejectsInput(data: DataCopy, ...patterns: (RegExp | string)[]): Promise<void> {
  await assert.rejects(visdial.load({ dataDir: data.dir }), (error: unknown) => {
    assert.ok(error instanceof InputError, `an InputError, got ${String(error)}`);
    for (const p of patterns) {
      if (typeof p === 'string') assert.ok(error.message.includes(p), `"${error.message}" mentions "${p}"`);
      else assert.match(error.message, p);
    }
    return true;
  });
}

const textOf = (prompt: Prompt) => prompt.filter((p): p is TextPart => p.type === 'text').map((p) => p.text).join('');

test('the built-in sample: one query per densely annotated val round, 100 candidates, relevances as reference', async () => {
  const data = await visdial.load({});
  assert.equal(data.sample, true);
  assert.equal(data.query.length, 16);
  assert.equal(data.support.length, 24);
  const sample = (name: string) => readFile(join(sampleDataDir('visdial'), name), 'utf8').then(JSON.parse);
  const val = await sample('visdial_1.0_val.json');
  const dense = await sample('visdial_1.0_val_dense_annotations.json');
  for (const [i, annotation] of (dense as { image_id: number; round_id: number; gt_relevance: number[] }[]).entries()) {
    const query = data.query[i]!;
    assert.equal(query.id, `${annotation.image_id}_${annotation.round_id}`);
    assert.deepEqual(query.reference, annotation.gt_relevance);
    assert.equal(query.candidates!.length, 100);
    const dialog = val.data.dialogs.find((d: { image_id: number }) => d.image_id === annotation.image_id);
    const round = dialog.dialog[annotation.round_id - 1];
    assert.deepEqual(query.candidates, round.answer_options.map((k: number) => val.data.answers[k]));
    assert.equal(query.target, val.data.answers[round.answer]);
    assert.equal(query.candidates![round.gt_index], query.target);
    assert.equal(query.fields.rounds, String(annotation.round_id - 1));
    assert.equal(query.media[0]!.id, `VisualDialog_val2018/VisualDialog_val2018_${String(annotation.image_id).padStart(12, '0')}.jpg`);
  }
  // Train dialogues are about COCO train2014 and val2014 images.
  const folders = new Set(data.support.map((e) => e.media[0]!.id.split('/')[0]));
  assert.deepEqual([...folders].sort(), ['train2014', 'val2014']);
  assert.deepEqual(data.files.map((f) => f.role), [
    'train dialogues',
    'val dialogues',
    'val dense annotations',
    'val images',
    'train2014 images',
    'val2014 images',
  ]);
});

test('the prompt: image, caption without a template, earlier rounds as Question/Answer, then the round question', () => {
  const example: Example = {
    id: '1_3',
    media: [{ kind: 'image', id: 'v/1.jpg', path: '/v/1.jpg' }],
    fields: { caption: 'a red circle', rounds: '2', question_1: 'is it big?', answer_1: 'yes', question_2: 'what color?', answer_2: 'red', question: 'any text?' },
    target: 'no',
    reference: [],
    candidates: ['no', 'yes'],
  };
  const paper = visdial.templates.paper!;
  assert.equal(
    textOf(paper.query(example)),
    'a red circle Question: is it big? Answer: yes Question: what color? Answer: red Question: any text? Answer:',
  );
  const demo = paper.demonstration({ example, withMedia: true });
  assert.equal(textOf(demo), 'a red circle Question: is it big? Answer: yes Question: what color? Answer: red Question: any text? Answer: no');
  assert.deepEqual(demo[0], { type: 'media', media: example.media[0] });
  assert.deepEqual(demo[demo.length - 1], { type: 'end_of_chunk' });
  assert.equal(
    textOf(visdial.templates.openflamingo!.query({ ...example, fields: { ...example.fields, rounds: '0' } })),
    'a red circle Question:any text? Short answer:',
  );
  assert.equal(paper.candidatePrefix, ' ');
  assert.equal(visdial.templates.openflamingo!.candidatePrefix, '');
});

test('questions get back the question mark VisDial stores them without', async () => {
  const data = await visdial.load({});
  for (const example of [...data.query, ...data.support]) {
    assert.match(example.fields.question!, /\?$/);
    assert.doesNotMatch(example.fields.question!, /\?\?$/);
  }
});

test('NDCG of the candidate scores against the dense relevances', () => {
  const relevance = [0, 1, 0.5, 0];
  const example: Example = { id: '1_1', media: [], fields: {}, target: '', reference: relevance, candidates: ['a', 'b', 'c', 'd'] };
  const perfect = visdial.score([{ example, answer: 'b', scores: [-4, -1, -2, -3] }]);
  assert.equal(perfect.primary, 'ndcg');
  assert.equal(perfect.metrics.ndcg, 100);
  const swapped = visdial.score([{ example, answer: 'c', scores: [-4, -2, -1, -3] }]);
  const ideal = 1 + 0.5 / Math.log2(3);
  assert.ok(Math.abs(swapped.metrics.ndcg! - (100 * (0.5 + 1 / Math.log2(3))) / ideal) < 1e-9);
  assert.equal(swapped.perItem!.length, 1);
});

test('more than 16 shots is refused naming --shots: the paper caps VisDial there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-visdial-'));
  try {
    await assert.rejects(
      evaluate(parseRunOptions({ task: 'visdial', model: 'baseline:majority', shots: '32', resultsDir: dir, quiet: true })),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, /--shots 32: task visdial allows at most 16 shots/);
        return true;
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only val has public dense annotations', async () => {
  await assert.rejects(visdial.load({ split: 'test' }), UsageError);
});

test('a missing file or image folder is named with where it is published', async () => {
  await withCopy(async (data) => {
    await rm(data.path('visdial_1.0_val_dense_annotations.json'));
    await rejectsInput(data, 'visdial_1.0_val_dense_annotations.json', 'not found', 'visualdialog.org');
  });
  await withCopy(async (data) => {
    await rm(data.path('val2014'), { recursive: true });
    await rejectsInput(data, /folder val2014 .*not found/, 'images.cocodataset.org');
  });
});

test('missing images mark the items that show them with the annotation that names them, val and train alike', async () => {
  const marked = (examples: Example[]) =>
    examples.flatMap((example) => example.media.filter((media) => media.missing !== undefined).map((media) => ({ path: media.path, by: media.missing! })));
  await withCopy(async (data) => {
    const [valImage] = await readdir(data.path('VisualDialog_val2018'));
    await rm(data.path(`VisualDialog_val2018/${valImage}`));
    const loaded = await visdial.load({ dataDir: data.dir });
    const missing = marked(loaded.query);
    assert.ok(missing.length >= 1 && missing.every((m) => m.path.endsWith(valImage!)), JSON.stringify(missing));
    assert.ok(missing.every((m) => m.by.includes('visdial_1.0_val.json: data.dialogs[')), JSON.stringify(missing));
    assert.deepEqual(marked(loaded.support), []);
  });
  await withCopy(async (data) => {
    const [trainImage] = await readdir(data.path('train2014'));
    await rm(data.path(`train2014/${trainImage}`));
    const loaded = await visdial.load({ dataDir: data.dir });
    const missing = marked(loaded.support);
    assert.equal(missing.length, 1);
    assert.match(missing[0]!.by, /visdial_1\.0_train\.json: data\.dialogs\[\d+\]\.image_id \(in train2014\/ or val2014\/\)/);
  });
});

test('dense annotations that do not fit the dialogues are refused with the field named', async () => {
  const cases: [string, (dense: any[]) => void, string[]][] = [
    ['unknown image', (d) => (d[2].image_id = 1), ['[2].image_id: no dialogue for image 1']],
    ['round 0', (d) => (d[0].round_id = 0), ['[0].round_id: expected a round of the dialogue, 1 to 10; found 0']],
    ['round 11', (d) => (d[1].round_id = 11), ['[1].round_id', 'found 11']],
    ['short relevance list', (d) => d[3].gt_relevance.pop(), ['[3].gt_relevance: has 99 values for the round\'s 100 answer options']],
    ['nothing relevant', (d) => (d[4].gt_relevance = d[4].gt_relevance.map(() => 0)), ['[4].gt_relevance: no answer is relevant']],
    ['annotated twice', (d) => d.push({ ...d[0] }), ['annotated twice']],
    ['missing field', (d) => delete d[5].gt_relevance, ['[5].gt_relevance: missing field']],
  ];
  for (const [, edit, patterns] of cases) {
    await withCopy(async (data) => {
      const dense = await data.readJson('visdial_1.0_val_dense_annotations.json');
      edit(dense);
      await data.writeJson('visdial_1.0_val_dense_annotations.json', dense);
      await rejectsInput(data, 'visdial_1.0_val_dense_annotations.json', ...patterns);
    });
  }
});

test('dialogue files: bad indices, missing fields and broken JSON are named', async () => {
  await withCopy(async (data) => {
    const val = await data.readJson('visdial_1.0_val.json');
    val.data.dialogs[0].dialog[0].answer_options[7] = 100000;
    const dense = await data.readJson('visdial_1.0_val_dense_annotations.json');
    dense[0].image_id = val.data.dialogs[0].image_id;
    dense[0].round_id = 1;
    await data.writeJson('visdial_1.0_val.json', val);
    await data.writeJson('visdial_1.0_val_dense_annotations.json', dense);
    await rejectsInput(data, 'data.dialogs[0].dialog[0].answer_options[7]: answer index 100000 is not in data.answers');
  });
  await withCopy(async (data) => {
    const train = await data.readJson('visdial_1.0_train.json');
    delete train.data.dialogs[3].caption;
    await data.writeJson('visdial_1.0_train.json', train);
    await rejectsInput(data, 'visdial_1.0_train.json: data.dialogs[3].caption: missing field');
  });
  await withCopy(async (data) => {
    await writeFile(data.path('visdial_1.0_train.json'), '{"version": "1.0", "data": {');
    await rejectsInput(data, 'visdial_1.0_train.json: not valid JSON');
  });
  await withCopy(async (data) => {
    await writeFile(data.path('visdial_1.0_val.json'), '{"version": "1.0", "data": {"dialogs": [x]}}');
    await rejectsInput(data, 'visdial_1.0_val.json', 'not valid JSON');
  });
  await withCopy(async (data) => {
    const val = await data.readJson('visdial_1.0_val.json');
    delete val.data.answers;
    await data.writeJson('visdial_1.0_val.json', val);
    await rejectsInput(data, 'visdial_1.0_val.json: data.answers: missing field');
  });
  await withCopy(async (data) => {
    const val = await data.readJson('visdial_1.0_val.json');
    val.data.questions[2] = 5;
    await data.writeJson('visdial_1.0_val.json', val);
    await rejectsInput(data, 'visdial_1.0_val.json: data.questions[2]: expected a string, found the number 5');
  });
});

test('train dialogues are read without their answer options, whatever the JSON layout; strings stay intact', async () => {
  const plain = await visdial.load({});
  await withCopy(async (data) => {
    const train = await data.readJson('visdial_1.0_train.json');
    // A caption that quotes the key, and an indented file (spaces and newlines around keys and brackets).
    train.data.dialogs[0].caption = 'a sign reading "answer_options": [1, 2] on a wall';
    await writeFile(data.path('visdial_1.0_train.json'), JSON.stringify(train, null, 2));
    const loaded = await visdial.load({ dataDir: data.dir });
    assert.equal(loaded.support.length, plain.support.length);
    const first = loaded.support.find((e) => e.id === String(train.data.dialogs[0].image_id))!;
    assert.equal(first.fields.caption, 'a sign reading "answer_options": [1, 2] on a wall');
    for (const [i, example] of loaded.support.entries()) {
      if (example === first) continue;
      assert.deepEqual(example.fields, plain.support[i]!.fields);
      assert.equal(example.target, plain.support[i]!.target);
    }
  });
});

test('runs end to end on the sample with the baseline: an NDCG record, 100 scores per round', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-visdial-'));
  try {
    const [outcome] = await evaluate(
      parseRunOptions({ task: 'visdial', model: 'baseline:majority', shots: '2', resultsDir: dir, quiet: true }),
    );
    const record = outcome!.record;
    assert.equal(record.summary.primary, 'ndcg');
    const ndcg = record.summary.metrics.ndcg!.mean!;
    assert.ok(ndcg > 0 && ndcg <= 100);
    assert.equal(record.config.lengthNormalize, true);
    for (const example of record.trials[0]!.examples) {
      assert.equal(example.candidateScores!.length, 100);
      assert.equal(typeof example.score, 'number');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
