import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { derivePublished } from '../src/paper/derive.ts';
import { PUBLISHED_FILE, publishedNumbers } from '../src/paper/published.ts';
import { DEFAULT_COLLECTED, publishedJson } from '../scripts/import-paper-numbers.ts';

test('the shipped published.json equals what scripts/import-paper-numbers.ts derives from shared/', (t) => {
  if (!existsSync(DEFAULT_COLLECTED)) {
    t.skip(`${DEFAULT_COLLECTED} is absent (shared/ is only beside the project on the team's machines)`);
    return;
  }
  const derived = publishedJson(JSON.parse(readFileSync(DEFAULT_COLLECTED, 'utf8')));
  assert.equal(readFileSync(PUBLISHED_FILE, 'utf8'), derived, 'rerun: node --import tsx scripts/import-paper-numbers.ts');
});

test('the shipped numbers include the headline rows of each paper, with their source', () => {
  const find = (model: string, task: string, shots: number, demonstrations = 'random') =>
    publishedNumbers().rows.filter(
      (r) => r.model === model && r.task === task && r.shots === shots && r.demonstrations === demonstrations,
    );
  // Flamingo Table 1: Flamingo-80B COCO 32 shots 113.8 CIDEr; 8 shots only in arXiv v1 Table 3.
  assert.deepEqual(find('Flamingo-80B', 'coco', 32).map((r) => [r.value, r.source]), [
    [113.8, 'https://arxiv.org/abs/2204.14198v2 Table 1'],
  ]);
  assert.deepEqual(find('Flamingo-80B', 'coco', 8).map((r) => r.source), ['https://arxiv.org/abs/2204.14198v1 Table 3']);
  // OpenFlamingo Table 11: mean (std) over 3 seeds.
  const of9 = find('OpenFlamingo-9B', 'coco', 4);
  assert.deepEqual(of9.map((r) => [r.value, r.std, r.trials, r.parameters]), [[89, 0.3, 3, 9e9]]);
  assert.equal(find('OpenFlamingo-9B', 'coco', 32, 'rices')[0]?.value, 109);
  assert.equal(find('IDEFICS-9B', 'okvqa', 4)[0]?.value, 45.4);
  // Flamingo Table 7: 80B ImageNet 16 shots, RICES with prompt ensembling.
  assert.deepEqual(
    find('Flamingo-80B', 'imagenet', 16, 'rices').map((r) => [r.value, r.ensemble ?? 1]),
    [
      [76, 1],
      [77.3, 6],
    ],
  );
  // Never two numbers for one cell.
  const keys = publishedNumbers().rows.map((r) => [r.model, r.task, r.shots, r.demonstrations, r.ensemble].join('/'));
  assert.equal(new Set(keys).size, keys.length);
});

const row = (over: Record<string, unknown>) => ({
  model: 'Flamingo-3B',
  params_b: 3,
  task: 'coco',
  shots: 4,
  metric: 'cider',
  value: 85.2,
  source: 'paper Table 1',
  demo_selection: 'random',
  primary: true,
  ...over,
});

test('derivation keeps primary few-shot rows of the shipped models (RICES and prompt ensembling marked) and drops the rest', () => {
  const derived = derivePublished({
    rows: [
      row({}),
      row({ value: 85.0, primary: false, source: 'a copy' }),
      row({ shots: null, setting: 'fine-tuned', model: 'Flamingo-80B (fine-tuned)' }),
      row({ model: 'OpenFlamingo-9B-v1-deprecated (CLIP ViT-L/14 + LLaMA-7B)', params_b: 9 }),
      row({ model: 'Prior zero/few-shot SOTA (as cited in Flamingo Table 1)', params_b: null }),
      row({ model: 'Flamingo-80B', params_b: 80, task: 'imagenet', shots: 16, demo_selection: 'rices+ensembling' }),
      row({ model: 'Flamingo-80B', params_b: 80, task: 'imagenet', shots: 16, demo_selection: 'retrieval by text' }),
      row({ model: 'OpenFlamingo-4B-Instruct', params_b: 4, std: 0.5, trials: 3, demo_selection: 'rices' }),
    ],
  });
  assert.deepEqual(derived.rows, [
    {
      model: 'Flamingo-3B',
      parameters: 3e9,
      task: 'coco',
      shots: 4,
      metric: 'cider',
      value: 85.2,
      demonstrations: 'random',
      source: 'paper Table 1',
    },
    {
      model: 'Flamingo-80B',
      parameters: 80e9,
      task: 'imagenet',
      shots: 16,
      metric: 'cider',
      value: 85.2,
      demonstrations: 'rices',
      source: 'paper Table 1',
      ensemble: 6,
    },
    {
      model: 'OpenFlamingo-4B-Instruct',
      parameters: 4e9,
      task: 'coco',
      shots: 4,
      metric: 'cider',
      value: 85.2,
      demonstrations: 'rices',
      source: 'paper Table 1',
      std: 0.5,
      trials: 3,
    },
  ]);
});

test('derivation keeps the larger support set of two RICES rows, and refuses other clashes', () => {
  const small = row({ task: 'imagenet', shots: 16, demo_selection: 'rices', shots_per_class: '1', value: 71 });
  const large = row({ task: 'imagenet', shots: 16, demo_selection: 'rices', shots_per_class: '5', value: 72.7 });
  assert.deepEqual(derivePublished({ rows: [large, small] }).rows.map((r) => r.value), [72.7]);
  assert.deepEqual(derivePublished({ rows: [small, large] }).rows.map((r) => r.value), [72.7]);
  assert.throws(() => derivePublished({ rows: [row({}), row({ value: 1 })] }), /two primary rows for Flamingo-3B coco 4/);
});

test('derivation names the row and field of a malformed collected file', () => {
  assert.throws(() => derivePublished({}), /no "rows" array/);
  assert.throws(() => derivePublished({ rows: [row({}), row({ value: '85' })] }), /rows\[1\]\.value is not a number/);
});
