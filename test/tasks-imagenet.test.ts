import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearFileIndex } from '../src/core/data-files.ts';
import { InputError, UsageError } from '../src/core/errors.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import type { Example, TextPart } from '../src/core/types.ts';
import { imagenet, imagenetClassNames, type ImagenetReference } from '../src/tasks/imagenet.ts';
import { copyOfSample, type DataCopy } from './support/task-data.ts';

async function withCopy(check: (data: DataCopy) => Promise<void>): Promise<void> {
  const data = await copyOfSample('imagenet');
  try {
    await check(data);
  } finally {
    await data.remove();
  }
}

async function rejectsInput(data: DataCopy, ...patterns: (RegExp | string)[]): Promise<void> {
  clearFileIndex();
  await assert.rejects(imagenet.load({ dataDir: data.dir }), (error: unknown) => {
    assert.ok(error instanceof InputError, `an InputError, got ${String(error)}`);
    for (const p of patterns) {
      if (typeof p === 'string') assert.ok(error.message.includes(p), `"${error.message}" mentions "${p}"`);
      else assert.match(error.message, p);
    }
    return true;
  });
}

/** Moves val/<wnid>/*.JPEG to a flat val/ and writes LOC_val_solution.csv; returns the CSV lines (header first). */
async function flattenVal(data: DataCopy): Promise<string[]> {
  const lines = ['ImageId,PredictionString'];
  for (const wnid of await readdir(data.path('val'))) {
    for (const file of await readdir(data.path(`val/${wnid}`))) {
      await rename(data.path(`val/${wnid}/${file}`), data.path(`val/${file}`));
      lines.push(`${file.replace('.JPEG', '')},${wnid} 10 12 40 50 ${wnid} 1 2 3 4`);
    }
    await rm(data.path(`val/${wnid}`), { recursive: true });
  }
  await writeFile(data.path('LOC_val_solution.csv'), `${lines.join('\n')}\n`);
  return lines;
}

test('the built-in class names: 1000 ImageNet classes by wnid, in the standard order', () => {
  const names = imagenetClassNames();
  const wnids = Object.keys(names);
  assert.equal(wnids.length, 1000);
  assert.ok(wnids.every((w) => /^n\d{8}$/.test(w)));
  assert.deepEqual(wnids, [...wnids].sort());
  assert.equal(names.n01440764, 'tench');
  assert.equal(names.n15075141, 'toilet paper');
  // The CLIP list names two pairs of classes alike, which is why classes are scored by wnid.
  const counts = new Map<string, number>();
  for (const name of Object.values(names)) counts.set(name, (counts.get(name) ?? 0) + 1);
  assert.deepEqual([...counts].filter(([, n]) => n > 1).map(([name]) => name).sort(), ['missile', 'sunglasses']);
});

test('the built-in sample: class folders, every class name a candidate, the class as reference', async () => {
  const data = await imagenet.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 48);
  assert.equal(data.query.length, 30);
  const candidates = ['red circle', 'orange circle', 'blue square', 'green triangle', 'yellow diamond', 'purple cross'];
  for (const example of [...data.support, ...data.query]) {
    const reference = example.reference as ImagenetReference;
    assert.deepEqual(example.candidates, candidates);
    assert.equal(example.target, candidates[reference.classes.indexOf(reference.wnid)]);
    assert.equal(example.candidates, data.query[0]!.candidates, 'one candidate list shared by all examples');
  }
  assert.match(data.query[0]!.id, /^ILSVRC2012_val_\d{8}$/);
  assert.match(data.query[0]!.media[0]!.id, /^val\/n9\d{7}\/ILSVRC2012_val_\d{8}\.JPEG$/);
  assert.match(data.support[0]!.id, /^n9\d{7}_\d+$/);
  assert.deepEqual(data.files.map((f) => f.role), ['train images', 'val images', 'class names']);
});

test('prompts: "Output: {class}" (paper) and "Output:{class}" (open_flamingo)', async () => {
  const data = await imagenet.load({});
  const example = data.support[0]!;
  const text = (parts: ReturnType<typeof imagenet.templates.paper.query>) => (parts.find((p) => p.type === 'text') as TextPart).text;
  assert.equal(text(imagenet.templates.paper!.demonstration({ example, withMedia: true })), `Output: ${example.target}`);
  assert.equal(text(imagenet.templates.paper!.query(example)), 'Output:');
  assert.equal(text(imagenet.templates.openflamingo!.demonstration({ example, withMedia: true })), `Output:${example.target}`);
  assert.equal(imagenet.templates.paper!.candidatePrefix, ' ');
  assert.equal(imagenet.templates.openflamingo!.candidatePrefix, '');
  assert.equal(imagenet.lengthNormalize, true);
});

test('top-1 and top-5 from the class ranking, by wnid even when two classes share a name', () => {
  const classes = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
  const example = (id: string, wnid: string): Example => ({
    id,
    media: [],
    fields: {},
    target: '',
    reference: { wnid, classes },
    candidates: ['missile', 'missile', 'c', 'd', 'e', 'f'],
  });
  const score = imagenet.score([
    { example: example('a', 'n2'), answer: 'missile', scores: [-2, -1, -3, -4, -5, -6] },
    // n1 and n2 read "missile"; the scores pick n1, so this is wrong at top-1 though the name matches.
    { example: example('b', 'n2'), answer: 'missile', scores: [-1, -2, -3, -4, -5, -6] },
    { example: example('c', 'n6'), answer: 'c', scores: [-1, -2, -3, -4, -5, -6] },
  ]);
  assert.equal(score.primary, 'top1_accuracy');
  assert.ok(Math.abs(score.metrics.top1_accuracy! - 100 / 3) < 1e-12);
  assert.ok(Math.abs(score.metrics.top5_accuracy! - 200 / 3) < 1e-12);
  assert.deepEqual(score.perItem, [100, 0, 0]);
});

test('a flat val/ is labelled by LOC_val_solution.csv: the same queries as the class-folder layout', async () => {
  const folders = await imagenet.load({});
  await withCopy(async (data) => {
    await flattenVal(data);
    clearFileIndex();
    const flat = await imagenet.load({ dataDir: data.dir });
    const summary = (examples: Example[]) =>
      examples.map((e) => `${e.id}:${(e.reference as ImagenetReference).wnid}:${e.target}`).sort();
    assert.deepEqual(summary(flat.query), summary(folders.query));
    assert.match(flat.query[0]!.media[0]!.id, /^val\/ILSVRC2012_val_\d{8}\.JPEG$/);
    assert.deepEqual(flat.files.map((f) => f.role), ['train images', 'val images', 'val labels', 'class names']);
  });
});

test('flat val/ errors: no label file, a bad header or row, an unlabelled image, a labelled image that is missing', async () => {
  await withCopy(async (data) => {
    await flattenVal(data);
    await rm(data.path('LOC_val_solution.csv'));
    await rejectsInput(data, 'has no class folders', 'LOC_val_solution.csv', 'kaggle.com');
  });
  await withCopy(async (data) => {
    const lines = await flattenVal(data);
    await writeFile(data.path('LOC_val_solution.csv'), ['ImageId,Label', ...lines.slice(1)].join('\n'));
    await rejectsInput(data, 'LOC_val_solution.csv:1: expected the header "ImageId,PredictionString"');
  });
  await withCopy(async (data) => {
    const lines = await flattenVal(data);
    lines[3] = 'ILSVRC2012_val_00000003 n90000001';
    await writeFile(data.path('LOC_val_solution.csv'), lines.join('\n'));
    await rejectsInput(data, 'LOC_val_solution.csv:4: expected "<ImageId>,<wnid> ..."');
  });
  await withCopy(async (data) => {
    const lines = await flattenVal(data);
    const dropped = lines.splice(5, 1)[0]!.split(',')[0]!;
    await writeFile(data.path('LOC_val_solution.csv'), lines.join('\n'));
    await rejectsInput(data, 'no label for 1 image(s)', dropped);
  });
  await withCopy(async (data) => {
    const lines = await flattenVal(data);
    await writeFile(data.path('LOC_val_solution.csv'), [...lines, 'ILSVRC2012_val_00049999,n90000002 1 2 3 4'].join('\n'));
    // A labelled image that is not on disk: its query is marked with the line that names it (the run stops on it, or
    // skips it under --on-media-error skip).
    const loaded = await imagenet.load({ dataDir: data.dir });
    const missing = loaded.query.filter((example) => example.media[0]!.missing !== undefined);
    assert.deepEqual(missing.map((example) => example.media[0]!.path.endsWith('ILSVRC2012_val_00049999.JPEG')), [true]);
    assert.equal(missing[0]!.media[0]!.missing, `${data.path('LOC_val_solution.csv')}:32 column "ImageId"`);
  });
});

test('folders named train/ or val/ without ImageNet images (Kaggle annotations, VizWiz) are told apart; two image train/ folders are ambiguous', async () => {
  await withCopy(async (data) => {
    await mkdir(data.path('Annotations/CLS-LOC/train/n90000001'), { recursive: true });
    await writeFile(data.path('Annotations/CLS-LOC/train/n90000001/n90000001_1.xml'), '<annotation/>');
    // Another dataset's flat val/ (VizWiz) beside it is not an ImageNet val/.
    await mkdir(data.path('vizwiz/val'), { recursive: true });
    await writeFile(data.path('vizwiz/val/VizWiz_val_00000001.jpg'), 'x');
    clearFileIndex();
    const loaded = await imagenet.load({ dataDir: data.dir });
    assert.equal(loaded.support.length, 48);
    assert.equal(loaded.query.length, 30);
  });
  await withCopy(async (data) => {
    await mkdir(data.path('copy/train/n90000001'), { recursive: true });
    await writeFile(data.path('copy/train/n90000001/n90000001_1.JPEG'), 'x');
    await rejectsInput(data, 'train/ is ambiguous: 2 folders', join('copy', 'train'));
  });
});

test('missing folders and class names are named', async () => {
  await withCopy(async (data) => {
    await rm(data.path('train'), { recursive: true });
    await rejectsInput(data, /folder train\/ with ImageNet images .* not found/, 'image-net.org');
  });
  await withCopy(async (data) => {
    await rm(data.path('LOC_synset_mapping.txt'));
    await rejectsInput(data, 'no class name for n90000001', 'LOC_synset_mapping.txt');
  });
  await withCopy(async (data) => {
    await writeFile(data.path('LOC_synset_mapping.txt'), 'n90000001 red circle\nbroken line\n');
    await rejectsInput(data, 'LOC_synset_mapping.txt:2: expected "<wnid> <name>');
  });
  await withCopy(async (data) => {
    await rm(data.path('train/n90000004'), { recursive: true });
    await rejectsInput(data, 'n90000004 have validation images but no folder in');
  });
});

test('--protocol flamingo: 10 queries and 32 pool items per class (all of the small sample)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-imagenet-'));
  try {
    const [outcome] = await evaluate(
      parseRunOptions({ task: 'imagenet', model: 'baseline:majority', shots: '4', protocol: 'flamingo', resultsDir: dir, quiet: true }),
    );
    const record = outcome!.record;
    assert.equal(record.data.querySize, 30);
    assert.equal(record.data.supportSize, 48);
    assert.deepEqual(record.config.perClass, { query: 10, support: 32 });
    assert.equal(record.summary.primary, 'top1_accuracy');
    assert.ok('top5_accuracy' in record.summary.metrics);
    // The record keeps the top 5 and the correct class's rank, not a score per class (test/run-class-records.test.ts).
    for (const example of record.trials[0]!.examples) {
      assert.equal(example.candidateScores, undefined);
      assert.equal(example.topCandidates!.length, 5);
      assert.ok(example.gold!.rank >= 1 && example.gold!.rank <= 6);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only val is evaluated', async () => {
  await assert.rejects(imagenet.load({ split: 'test' }), UsageError);
});
