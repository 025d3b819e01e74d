import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearFileIndex } from '../src/core/data-files.ts';
import { InputError, UsageError } from '../src/core/errors.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import type { Example, TextPart } from '../src/core/types.ts';
import { hatefulmemes, probabilityOfYes } from '../src/tasks/hatefulmemes.ts';
import { rocAuc } from '../src/metrics/roc-auc.ts';
import { copyOfSample, type DataCopy } from './support/task-data.ts';

async function withCopy(check: (data: DataCopy) => Promise<void>): Promise<void> {
  const data = await copyOfSample('hatefulmemes');
  try {
    await check(data);
  } finally {
    await data.remove();
  }
}

async function rejectsInput(data: DataCopy, ...patterns: (RegExp | string)[]): Promise<void> {
  await assert.rejects(hatefulmemes.load({ dataDir: data.dir }), (error: unknown) => {
    assert.ok(error instanceof InputError, `an InputError, got ${String(error)}`);
    for (const p of patterns) {
      if (typeof p === 'string') assert.ok(error.message.includes(p), `"${error.message}" mentions "${p}"`);
      else assert.match(error.message, p);
    }
    return true;
  });
}

async function editLines(data: DataCopy, file: string, edit: (lines: string[]) => string[]): Promise<void> {
  const path = data.path(file);
  const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
  await writeFile(path, `${edit(lines).join('\n')}\n`);
}

test('the built-in sample: train memes demonstrate, test_seen memes are the queries, yes/no are ranked', async () => {
  const data = await hatefulmemes.load({});
  assert.equal(data.sample, true);
  assert.equal(data.support.length, 64);
  assert.equal(data.query.length, 40);
  for (const example of [...data.support, ...data.query]) {
    assert.deepEqual(example.candidates, ['yes', 'no']);
    assert.equal(example.target, example.reference === 1 ? 'yes' : 'no');
    assert.match(example.media[0]!.id, /^img\/\d{5}\.png$/);
    assert.ok(example.fields.text);
  }
  assert.ok(data.query.some((e) => e.reference === 1) && data.query.some((e) => e.reference === 0));
  assert.deepEqual(data.files.map((f) => f.role), ['train memes', 'test_seen memes', 'images']);
});

test('--split dev_seen evaluates the seen dev set, test_unseen / dev_unseen the unseen sets; other splits are refused', async () => {
  const dev = await hatefulmemes.load({ split: 'dev_seen' });
  assert.equal(dev.query.length, 16);
  assert.equal(dev.files[1]!.role, 'dev_seen memes');
  await assert.rejects(hatefulmemes.load({ split: 'test' }), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /--split test: .*test_seen, dev_seen, test_unseen, dev_unseen/);
    return true;
  });
  // The phase 2 unseen sets are read when asked for; the sample has none, so the file is reported missing.
  await assert.rejects(hatefulmemes.load({ split: 'test_unseen' }), /test_unseen\.jsonl .*not found/);
});

test('prompts: the paper wording and open_flamingo wording, each with its candidate separator', async () => {
  const data = await hatefulmemes.load({});
  const meme = data.support.find((e) => e.reference === 1)!;
  const paper = hatefulmemes.templates.paper!;
  const of = hatefulmemes.templates.openflamingo!;
  const text = (parts: ReturnType<typeof paper.query>) => (parts.find((p) => p.type === 'text') as TextPart).text;
  assert.equal(text(paper.query(meme)), `is an image with written: "${meme.fields.text}" on it. Is it hateful? Answer:`);
  assert.equal(text(paper.demonstration({ example: meme, withMedia: true })), `is an image with written: "${meme.fields.text}" on it. Is it hateful? Answer: yes`);
  assert.equal(text(of.query(meme)), `is an image with: '${meme.fields.text}' written on it. Is it hateful? Answer:`);
  assert.equal(text(of.demonstration({ example: meme, withMedia: true })), `is an image with: '${meme.fields.text}' written on it. Is it hateful? Answer:yes`);
  assert.equal(paper.candidatePrefix, ' ');
  assert.equal(of.candidatePrefix, '');
  assert.deepEqual(paper.query(meme)[0], { type: 'media', media: meme.media[0] });
});

test('the score is P(yes), the softmax over the two log-likelihoods, and the metric is ROC-AUC x100', () => {
  assert.ok(Math.abs(probabilityOfYes([Math.log(0.3), Math.log(0.1)]) - 0.75) < 1e-15);
  assert.equal(probabilityOfYes([-1000, -1000]), 0.5);
  assert.ok(probabilityOfYes([-2000, -1]) >= 0 && probabilityOfYes([-1, -2000]) <= 1);
  const example = (id: string, label: 0 | 1): Example => ({ id, media: [], fields: { text: '' }, target: '', reference: label, candidates: ['yes', 'no'] });
  const items = [
    { example: example('a', 1), answer: 'yes', scores: [-0.1, -2] },
    { example: example('b', 0), answer: 'no', scores: [-3, -0.2] },
    { example: example('c', 1), answer: 'no', scores: [-1, -0.5] },
    { example: example('d', 0), answer: 'yes', scores: [-0.4, -0.6] },
  ];
  const score = hatefulmemes.score(items);
  assert.equal(score.primary, 'roc_auc');
  const expected = rocAuc(items.map((i) => ({ id: i.example.id, score: probabilityOfYes(i.scores), label: i.example.reference as 0 | 1 })));
  assert.equal(score.metrics.roc_auc, expected.scores.roc_auc);
  assert.equal(score.metrics.roc_auc, 75);
});

test('reads the release from --data, nested anywhere', async () => {
  await withCopy(async (data) => {
    const loaded = await hatefulmemes.load({ dataDir: data.dir });
    assert.equal(loaded.sample, false);
    assert.equal(loaded.query.length, 40);
    assert.ok(loaded.files.every((f) => f.path.startsWith(data.dir)));
  });
});

test('a missing file or image folder is named with where it is published', async () => {
  await withCopy(async (data) => {
    await rm(data.path('test_seen.jsonl'));
    await rejectsInput(data, 'test_seen.jsonl', 'not found', 'hatefulmemeschallenge.com');
  });
  await withCopy(async (data) => {
    await rm(data.path('img'), { recursive: true });
    await rejectsInput(data, /folder img .*not found/);
  });
});

test('a broken line is named by file and line number; wrong fields by name', async () => {
  await withCopy(async (data) => {
    await editLines(data, 'train.jsonl', (lines) => [...lines.slice(0, 2), '{"id": 5, "img": ', ...lines.slice(3)]);
    await rejectsInput(data, `${data.path('train.jsonl')}:3: not valid JSON`);
  });
  await withCopy(async (data) => {
    await editLines(data, 'test_seen.jsonl', (lines) =>
      lines.map((line, i) => (i === 4 ? JSON.stringify({ ...JSON.parse(line), label: undefined }) : line)),
    );
    await rejectsInput(data, `${data.path('test_seen.jsonl')}:5: label: missing field`);
  });
  await withCopy(async (data) => {
    await editLines(data, 'test_seen.jsonl', (lines) => lines.map((line, i) => (i === 1 ? JSON.stringify({ ...JSON.parse(line), label: 2 }) : line)));
    await rejectsInput(data, 'test_seen.jsonl:2: label: expected 0 or 1, found 2');
  });
  await withCopy(async (data) => {
    await editLines(data, 'train.jsonl', (lines) => lines.map((line, i) => (i === 0 ? JSON.stringify({ ...JSON.parse(line), img: 'memes/1.png' }) : line)));
    await rejectsInput(data, 'train.jsonl:1: img: expected "img/<file>"');
  });
  await withCopy(async (data) => {
    await editLines(data, 'train.jsonl', (lines) => [...lines, lines[0]!]);
    await rejectsInput(data, 'train.jsonl:65: id: meme', 'listed twice');
  });
});

test('a missing image marks its meme with the line that names it; no image at all is the wrong folder', async () => {
  await withCopy(async (data) => {
    const first = JSON.parse((await readFile(data.path('test_seen.jsonl'), 'utf8')).split('\n')[0]!);
    await rm(data.path(first.img));
    const loaded = await hatefulmemes.load({ dataDir: data.dir });
    const marked = [...loaded.support, ...loaded.query].filter((example) => example.media.some((media) => media.missing !== undefined));
    assert.deepEqual(marked.map((example) => example.media[0]!.path.endsWith(first.img.split('/')[1])), [true]);
    assert.match(marked[0]!.media[0]!.missing!, /test_seen\.jsonl:1: img/);
    // Every image gone: --data points at the wrong folder, refused at load naming the first ones.
    await rm(data.path('img'), { recursive: true });
    await mkdir(data.path('img'));
    clearFileIndex();
    await rejectsInput(data, /not one of the \d+ image\(s\) the annotations name is on disk/, 'train.jsonl:1');
  });
});

test('a query file with one class only (an unlabelled test file) is refused: ROC-AUC needs both', async () => {
  await withCopy(async (data) => {
    await editLines(data, 'test_seen.jsonl', (lines) => lines.map((line) => JSON.stringify({ ...JSON.parse(line), label: 0 })));
    await rejectsInput(data, 'every meme has label 0', 'ROC-AUC needs both classes');
  });
});

test('runs end to end on the sample with the baseline: a ROC-AUC record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-hm-'));
  try {
    const [outcome] = await evaluate(
      parseRunOptions({ task: 'hatefulmemes', model: 'baseline:majority', shots: '4', resultsDir: dir, quiet: true }),
    );
    const record = outcome!.record;
    assert.equal(record.summary.primary, 'roc_auc');
    const auc = record.summary.metrics.roc_auc!.mean!;
    assert.ok(auc >= 0 && auc <= 100);
    assert.equal(record.trials[0]!.n, 40);
    assert.equal(record.config.lengthNormalize, true);
    for (const example of record.trials[0]!.examples) assert.ok(['yes', 'no'].includes(example.answer));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
