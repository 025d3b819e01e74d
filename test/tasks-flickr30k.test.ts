import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, UsageError } from '../src/core/errors.ts';
import { flickr30k } from '../src/tasks/flickr30k.ts';
import { copyOfSample, marksMissing, type DataCopy } from './support/task-data.ts';
import { loadRejects } from './support/task-errors.ts';

async function withCopy(check: (data: DataCopy) => Promise<void>): Promise<void> {
  const data = await copyOfSample('flickr30k');
  try {
    await check(data);
  } finally {
    await data.remove();
  }
}

const rejectsInput = (data: DataCopy, ...patterns: (RegExp | string)[]) =>
  loadRejects(flickr30k, { dataDir: data.dir }, InputError, ...patterns);

test('the built-in sample loads without --data: Karpathy test queries, train demonstrations, five references', async () => {
  const data = await flickr30k.load({});
  assert.equal(data.sample, true);
  assert.equal(data.query.length, 24);
  assert.equal(data.support.length, 40);
  const q = data.query[0]!;
  assert.match(q.id, /^\d{10}$/);
  assert.equal(q.group, q.id);
  assert.deepEqual(
    q.media.map((m) => m.id),
    [`flickr30k-images/${q.id}.jpg`],
  );
  const refs = q.reference as string[];
  assert.equal(refs.length, 5);
  assert.equal(q.target, refs[0]);
  // Karpathy's raw sentences end with a space before the period; demonstrations show them as they are.
  assert.ok(refs.some((r) => r.endsWith(' .')));
  assert.deepEqual(
    data.files.map((f) => f.role),
    ['karpathy splits', 'images'],
  );
  const ids = new Set(data.support.map((e) => e.id));
  assert.ok(data.query.every((e) => !ids.has(e.id)), 'queries are never demonstrations');
});

test('--split val evaluates the Karpathy val split; other splits are refused', async () => {
  assert.equal((await flickr30k.load({ split: 'val' })).query.length, 4);
  await loadRejects(flickr30k, { split: 'train' }, UsageError, '--split train', 'test, val');
});

test('reads a real layout from --data, nested anywhere, and marks it as not sample', async () => {
  await withCopy(async (data) => {
    const loaded = await flickr30k.load({ dataDir: data.dir });
    assert.equal(loaded.sample, false);
    assert.equal(loaded.query.length, 24);
    assert.ok(loaded.files.every((f) => f.path.startsWith(data.dir)));
  });
});

test('a missing file or image folder is named, with the folder searched and where it is published', async () => {
  await withCopy(async (data) => {
    await rm(data.path('dataset_flickr30k.json'));
    await rejectsInput(data, 'dataset_flickr30k.json', data.dir, 'caption_datasets.zip');
  });
  await withCopy(async (data) => {
    await rm(data.path('flickr30k-images'), { recursive: true });
    await rejectsInput(data, /folder flickr30k-images .*not found/, 'DenotationGraph');
  });
});

test('malformed JSON names the file and line', async () => {
  await withCopy(async (data) => {
    const file = data.path('dataset_flickr30k.json');
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 300));
    await rejectsInput(data, `${file}:1: not valid JSON`);
  });
});

test('a missing or mistyped field is named by its path in the file', async () => {
  await withCopy(async (data) => {
    const karpathy = await data.readJson('dataset_flickr30k.json');
    delete karpathy.images[3].split;
    await data.writeJson('dataset_flickr30k.json', karpathy);
    await rejectsInput(data, 'dataset_flickr30k.json: images[3].split: missing field');
  });
  await withCopy(async (data) => {
    const karpathy = await data.readJson('dataset_flickr30k.json');
    karpathy.images[50].sentences[2].raw = null;
    await data.writeJson('dataset_flickr30k.json', karpathy);
    await rejectsInput(data, 'images[50].sentences[2].raw: expected a string, found null');
  });
  await withCopy(async (data) => {
    const karpathy = await data.readJson('dataset_flickr30k.json');
    karpathy.images[0].sentences = [];
    await data.writeJson('dataset_flickr30k.json', karpathy);
    await rejectsInput(data, 'images[0].sentences: no sentences');
  });
});

test('a missing image marks the items that show it with the entry that names it', async () => {
  await withCopy(async (data) => {
    const karpathy = await data.readJson('dataset_flickr30k.json');
    const name = karpathy.images[45].filename;
    await rm(data.path(`flickr30k-images/${name}`));
    await marksMissing(flickr30k, data, name, 'images[45].filename');
  });
});

test('an ambiguous duplicate of the split file lists both copies', async () => {
  await withCopy(async (data) => {
    await mkdir(join(data.dir, 'old'));
    await writeFile(join(data.dir, 'old', 'dataset_flickr30k.json'), `${await readFile(data.path('dataset_flickr30k.json'), 'utf8')}\n`);
    await rejectsInput(data, /ambiguous: 2 different files/, join('old', 'dataset_flickr30k.json'), join('unpacked', 'dataset_flickr30k.json'));
  });
});

test('prompts: paper "Output: ..." and openflamingo "Output:..." styles', async () => {
  const data = await flickr30k.load({});
  const shot = { example: data.support[0]!, withMedia: true };
  const paper = flickr30k.templates.paper!.demonstration(shot);
  assert.deepEqual(paper[0], { type: 'media', media: data.support[0]!.media[0] });
  assert.deepEqual(paper.slice(1), [{ type: 'text', text: `Output: ${data.support[0]!.target}` }, { type: 'end_of_chunk' }]);
  assert.deepEqual(flickr30k.templates.openflamingo!.query(data.query[0]!).slice(1), [{ type: 'text', text: 'Output:' }]);
});

test('score: CIDEr-D (primary) with BLEU and ROUGE-L; a reference caption scores above a wrong one', async () => {
  const data = await flickr30k.load({});
  const items = data.query.map((example, i) => ({ example, answer: i % 2 === 0 ? (example.reference as string[])[1]! : 'a dog' }));
  const score = flickr30k.score(items);
  assert.equal(score.primary, 'cider');
  for (const key of ['cider', 'bleu_4', 'rouge_l']) assert.equal(typeof score.metrics[key], 'number', key);
  assert.equal(score.perItem!.length, items.length);
  assert.ok(score.perItem![0]! > score.perItem![1]!);
});

test('settings follow open_flamingo: beam 3, 20 new tokens; post-processing cuts at "Output"', () => {
  assert.deepEqual(flickr30k.generation, { maxNewTokens: 20, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true });
  assert.equal(flickr30k.protocolQuerySize, undefined);
  assert.equal(flickr30k.metric, 'cider');
  assert.equal(flickr30k.postprocess(' a "red" circle Output: more'), 'a red circle');
  assert.deepEqual(flickr30k.files.map((f) => f.name), ['dataset_flickr30k.json', 'flickr30k-images']);
});
