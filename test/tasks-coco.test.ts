import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, UsageError } from '../src/core/errors.ts';
import { coco } from '../src/tasks/coco.ts';
import { copyOfSample, marksMissing, type DataCopy } from './support/task-data.ts';

async function withCopy(check: (data: DataCopy) => Promise<void>): Promise<void> {
  const data = await copyOfSample('coco');
  try {
    await check(data);
  } finally {
    await data.remove();
  }
}

async function rejectsInput(data: DataCopy, ...patterns: (RegExp | string)[]): Promise<void> {
  await assert.rejects(coco.load({ dataDir: data.dir }), (error: unknown) => {
    assert.ok(error instanceof InputError, `an InputError, got ${String(error)}`);
    for (const p of patterns) {
      if (typeof p === 'string') assert.ok(error.message.includes(p), `"${error.message}" mentions "${p}"`);
      else assert.match(error.message, p);
    }
    return true;
  });
}

test('the built-in sample: Karpathy test as queries, train + restval as demonstrations', async () => {
  const data = await coco.load({});
  assert.equal(data.sample, true);
  const karpathy = JSON.parse(await readFile(new URL('../sample-data/coco/dataset_coco.json', import.meta.url), 'utf8'));
  const count = (split: string) => karpathy.images.filter((i: { split: string }) => i.split === split).length;
  assert.equal(data.query.length, count('test'));
  assert.equal(data.support.length, count('train') + count('restval'));
  assert.ok(data.support.some((e) => e.media[0]!.id.startsWith('val2014/')), 'restval images come from val2014');
  assert.ok(data.support.some((e) => e.media[0]!.id.startsWith('train2014/')));
  const q = data.query[0]!;
  const entry = karpathy.images.find((i: { cocoid: number }) => String(i.cocoid) === q.id);
  assert.equal(entry.split, 'test');
  assert.equal(q.target, entry.sentences[0].raw);
  assert.equal(q.media[0]!.id, `val2014/${entry.filename}`);
  // References come from the COCO captions file (here the same five sentences).
  assert.deepEqual(q.reference, entry.sentences.map((s: { raw: string }) => s.raw));
  assert.deepEqual(data.files.map((f) => f.role), ['karpathy splits', 'captions', 'train2014 images', 'val2014 images']);
});

test('--split val evaluates the Karpathy val split; other names are refused', async () => {
  const data = await coco.load({ split: 'val' });
  assert.ok(data.query.length > 0);
  await assert.rejects(coco.load({ split: 'train' }), (e: unknown) => e instanceof UsageError && /--split train/.test(e.message));
});

test('reads the layout from --data, nested, and references come from the captions file', async () => {
  await withCopy(async (data) => {
    const captions = await data.readJson('annotations/captions_val2014.json');
    const first = (await coco.load({ dataDir: data.dir })).query[0]!;
    captions.annotations.push({ image_id: Number(first.id), id: 999999, caption: 'An extra human caption.' });
    await data.writeJson('annotations/captions_val2014.json', captions);
    const loaded = await coco.load({ dataDir: data.dir });
    assert.equal(loaded.sample, false);
    const q = loaded.query.find((e) => e.id === first.id)!;
    assert.equal((q.reference as string[]).length, 6);
    assert.equal((q.reference as string[])[5], 'An extra human caption.');
  });
});

test('missing files and folders are named with where they are published', async () => {
  await withCopy(async (data) => {
    await rm(data.path('dataset_coco.json'));
    await rejectsInput(data, 'dataset_coco.json', 'caption_datasets.zip', data.dir);
  });
  await withCopy(async (data) => {
    await rm(data.path('annotations/captions_val2014.json'));
    await rejectsInput(data, 'captions_val2014.json', 'annotations_trainval2014.zip');
  });
  await withCopy(async (data) => {
    await rm(data.path('val2014'), { recursive: true });
    await rejectsInput(data, /folder val2014 .*not found/);
  });
});

test('malformed JSON and missing fields name the file, line and field', async () => {
  await withCopy(async (data) => {
    const file = data.path('dataset_coco.json');
    await writeFile(file, '{"images": [\n{"split": "test",\n oops}]}');
    await rejectsInput(data, `${file}:3: not valid JSON`);
  });
  await withCopy(async (data) => {
    const karpathy = await data.readJson('dataset_coco.json');
    delete karpathy.images[2].filename;
    await data.writeJson('dataset_coco.json', karpathy);
    await rejectsInput(data, 'dataset_coco.json: images[2].filename: missing field');
  });
  await withCopy(async (data) => {
    const karpathy = await data.readJson('dataset_coco.json');
    karpathy.images[1].filepath = 'test2015';
    await data.writeJson('dataset_coco.json', karpathy);
    await rejectsInput(data, 'images[1].filepath: expected one of train2014, val2014');
  });
  await withCopy(async (data) => {
    const captions = await data.readJson('annotations/captions_val2014.json');
    captions.annotations[0].caption = null;
    await data.writeJson('annotations/captions_val2014.json', captions);
    await rejectsInput(data, 'captions_val2014.json: annotations[0].caption: expected a string, found null');
  });
});

test('a test image without reference captions is reported', async () => {
  await withCopy(async (data) => {
    const karpathy = await data.readJson('dataset_coco.json');
    const test = karpathy.images.find((i: { split: string }) => i.split === 'test');
    const captions = await data.readJson('annotations/captions_val2014.json');
    captions.annotations = captions.annotations.filter((a: { image_id: number }) => a.image_id !== test.cocoid);
    await data.writeJson('annotations/captions_val2014.json', captions);
    await rejectsInput(data, `no captions for image_id ${test.cocoid}`);
  });
});

test('a missing image marks the items that show it with the entry that names it', async () => {
  await withCopy(async (data) => {
    const karpathy = await data.readJson('dataset_coco.json');
    const entry = karpathy.images[0];
    await rm(data.path(`${entry.filepath}/${entry.filename}`));
    await marksMissing(coco, data, entry.filename, 'images[0].filename');
  });
});

test('an ambiguous duplicate file (other contents) is an error listing both copies', async () => {
  await withCopy(async (data) => {
    await mkdir(join(data.dir, 'backup'));
    await writeFile(join(data.dir, 'backup', 'dataset_coco.json'), `${await readFile(data.path('dataset_coco.json'), 'utf8')}\n`);
    await rejectsInput(data, /ambiguous/, join('backup', 'dataset_coco.json'), join('unpacked', 'dataset_coco.json'));
  });
});

test('score: CIDEr-D on the paper scale; a perfect copy of a reference beats nonsense', async () => {
  const data = await coco.load({});
  const good = coco.score(data.query.map((example) => ({ example, answer: (example.reference as string[])[0]! })));
  const bad = coco.score(data.query.map((example) => ({ example, answer: 'zebra kitchen umbrella' })));
  assert.equal(good.primary, 'cider');
  assert.ok(good.metrics.cider! > 100, `copying a reference scores high, got ${good.metrics.cider}`);
  assert.ok(bad.metrics.cider! < 5, `nonsense scores near 0, got ${bad.metrics.cider}`);
  assert.equal(good.perItem?.length, data.query.length);
  for (const key of ['bleu_1', 'bleu_4', 'rouge_l']) assert.ok(key in good.metrics, `${key} reported`);
});

test('settings follow open_flamingo: beam 3, 20 new tokens; protocol query size 5000', () => {
  assert.deepEqual(coco.generation, { maxNewTokens: 20, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true });
  assert.equal(coco.protocolQuerySize, 5000);
  assert.equal(coco.metric, 'cider');
  assert.equal(coco.postprocess(' "A dog" on a beach Output: a cat'), 'A dog on a beach');
});
