import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRecordFiles, readRecords, type RecordEntry } from '../src/leaderboard/records.ts';
import { buildLeaderboard } from '../src/leaderboard/board.ts';
import { formatCell, formatParameters, formatStd } from '../src/leaderboard/text.ts';
import { InputError } from '../src/core/errors.ts';
import { publishedNumbers } from '../src/paper/published.ts';

const fixtures = new URL('./fixtures/records/', import.meta.url).pathname;

test('records are found recursively; journals, other files, and JSON that is not a record (even damaged) are ignored', async () => {
  const files = await findRecordFiles([`${fixtures}basic`]);
  assert.deepEqual(
    files.map((f) => f.slice(fixtures.length)),
    [
      'basic/big/coco-4shot.json',
      'basic/big/damaged-cache.json',
      'basic/big/features-cache.json',
      'basic/tiny-l/okvqa-4shot.json',
      'basic/tiny-s/okvqa-0shot.json',
      'basic/tiny-s/okvqa-4shot.json',
    ],
  );
  const { entries, unscored } = await readRecords(files);
  assert.deepEqual(unscored, []);
  assert.deepEqual(
    entries.map((e) => [e.model, e.parameters, e.task, e.metric, e.shots, e.trials, e.sample, e.queries, e.subset]),
    [
      ['big', 9.3e9, 'coco', 'cider', 4, 2, false, 200, true],
      ['tiny-l', 4.61e6, 'okvqa', 'vqa_accuracy', 4, 1, true, 24, false],
      ['tiny-s', 1.13e6, 'okvqa', 'vqa_accuracy', 0, 1, true, 24, false],
      ['tiny-s', 1.13e6, 'okvqa', 'vqa_accuracy', 4, 3, true, 24, false],
    ],
  );
});

test('a malformed record is an input error naming the file', async () => {
  const file = `${fixtures}malformed/cut.json`;
  await assert.rejects(readRecords([file]), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.ok(error.message.startsWith(`${file}: not valid JSON`), error.message);
    return true;
  });
});

test('a record with a missing field is an input error naming the file and the field', async () => {
  const file = `${fixtures}missing-field/r.json`;
  await assert.rejects(readRecords([file]), {
    name: 'InputError',
    message: `${file}: field summary.metrics.vqa_accuracy.mean is missing or not a finite number`,
  });
});

test('a folder that does not exist is an input error naming it, not a command (plot and report read records too)', async () => {
  await assert.rejects(findRecordFiles([`${fixtures}no-such-dir`]), {
    name: 'InputError',
    message: `${fixtures}no-such-dir: no such folder or file of run records`,
  });
});

const entry = (over: Partial<RecordEntry>): RecordEntry => ({
  file: 'r.json',
  createdAt: '2026-11-27T06:00:00Z',
  model: 'm',
  parameters: 1,
  task: 'okvqa',
  metric: 'vqa_accuracy',
  shots: 0,
  mean: 10,
  std: 0,
  trials: 1,
  sample: false,
  demonstrations: 'random',
  promptStyle: 'paper',
  ensemble: 1,
  split: null,
  queries: 24,
  subset: false,
  ...over,
});

test('rows sort by parameter count, whatever order the records come in', () => {
  const { board } = buildLeaderboard([
    entry({ model: 'l', parameters: 3e9 }),
    entry({ model: 's', parameters: 2e6 }),
    entry({ model: 'xs', parameters: 5e5 }),
    entry({ model: 'm', parameters: 7e7 }),
  ]);
  assert.deepEqual(board.rows.map((r) => r.name), ['xs', 's', 'm', 'l']);
});

test('a RICES run and another prompt style are rows of their own, named by what differs', () => {
  const { board, warnings } = buildLeaderboard([
    entry({ model: 'm', mean: 1 }),
    entry({ model: 'm', demonstrations: 'rices', mean: 2 }),
    entry({ model: 'm', promptStyle: 'openflamingo', mean: 3 }),
    entry({ model: 'm', demonstrations: 'rices', promptStyle: 'openflamingo', mean: 4 }),
  ]);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    board.rows.map((r) => [r.name, r.cells.values().next().value!.mean]),
    [
      ['m', 1],
      ['m (RICES)', 2],
      ['m (RICES, openflamingo prompts)', 4],
      ['m (openflamingo prompts)', 3],
    ],
  );
});

test("columns are task x shots, tasks in the paper's order (or the order given), shots in numeric order; a task with two metrics names them", () => {
  const entries = [
    entry({ shots: 32 }),
    entry({ shots: 4 }),
    entry({ task: 'coco', metric: 'cider', shots: 8 }),
    entry({ task: 'coco', metric: 'bleu_4', shots: 8 }),
    entry({ task: 'my-task', metric: 'accuracy', shots: 0 }),
  ];
  assert.deepEqual(buildLeaderboard(entries).board.columns.map((c) => c.label), [
    'okvqa 4-shot',
    'okvqa 32-shot',
    'coco bleu_4 8-shot',
    'coco cider 8-shot',
    'my-task 0-shot',
  ]);
  assert.deepEqual(buildLeaderboard(entries, undefined, undefined, ['my-task', 'coco', 'okvqa']).board.columns.map((c) => c.label), [
    'my-task 0-shot',
    'coco bleu_4 8-shot',
    'coco cider 8-shot',
    'okvqa 4-shot',
    'okvqa 32-shot',
  ]);
});

test('two records for one model x task x shots: the newest is used and a warning names both files', () => {
  const { board, warnings } = buildLeaderboard([
    entry({ file: 'a.json', createdAt: '2026-11-27T08:00:00+02:00', mean: 1 }),
    entry({ file: 'b.json', createdAt: '2026-11-27T07:00:00Z', mean: 2 }),
  ]);
  // 08:00+02:00 is 06:00Z, older than 07:00Z.
  assert.equal(board.rows[0]!.cells.values().next().value!.mean, 2);
  assert.deepEqual(warnings, [
    '2 records for m x okvqa x 0 shots: using the newest, b.json (2026-11-27T07:00:00Z); ' +
      'ignoring a.json (2026-11-27T08:00:00+02:00)',
  ]);
});

test('std is shown only for several seeds; one decimal, two when one would print 0.0', () => {
  const { board } = buildLeaderboard([
    entry({ shots: 0, mean: 40.04, std: 0.0, trials: 1 }),
    entry({ shots: 4, mean: 40.05, std: 0.031, trials: 3 }),
    entry({ shots: 8, mean: 45.26, std: 1.25, trials: 3, sample: true }),
  ]);
  const cells = board.columns.map((c) => formatCell(board.rows[0]!.cells.get(c.key)!));
  assert.deepEqual(cells, ['40.0', '40.0 ± 0.03', '45.3 ± 1.3 †']);
  assert.equal(formatStd(0), '0.0');
  assert.equal(formatStd(0.049), '0.05');
  assert.equal(formatStd(0.05), '0.1');
});

test('parameter counts print with a unit', () => {
  assert.deepEqual([999, 1000, 1_130_000, 3.2e9, 80e9].map(formatParameters), ['999', '1K', '1.1M', '3.2B', '80B']);
});

test('a --protocol flamingo run is the papers\' query set, not a --limit subset', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'records-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const base = JSON.parse(readFileSync(`${fixtures}basic/big/coco-4shot.json`, 'utf8'));
  const flamingo = { ...base.config, protocol: 'flamingo', limit: 5000 };
  writeFileSync(join(dir, 'protocol.json'), JSON.stringify({ ...base, config: flamingo }));
  writeFileSync(join(dir, 'limit.json'), JSON.stringify({ ...base, config: { ...base.config, limit: 5000 } }));
  writeFileSync(join(dir, 'whole.json'), JSON.stringify({ ...base, config: { ...base.config, limit: null } }));
  const { entries } = await readRecords(await findRecordFiles([dir]));
  assert.deepEqual(
    entries.map((e) => [e.file.slice(dir.length + 1), e.subset]),
    [
      ['limit.json', true],
      ['protocol.json', false],
      ['whole.json', false],
    ],
  );
});

test('prompt ensembling is a row variant; a non-default --split is a column of its own', () => {
  const { board } = buildLeaderboard([
    entry({ model: 'm', task: 'vqav2', shots: 4, mean: 1 }),
    entry({ model: 'm', task: 'vqav2', shots: 4, split: 'test-dev', mean: 2 }),
    entry({ model: 'm', task: 'vqav2', shots: 4, ensemble: 6, mean: 3 }),
  ]);
  assert.deepEqual(board.columns.map((c) => c.label), ['vqav2 4-shot', 'vqav2 test-dev 4-shot']);
  assert.deepEqual(
    board.rows.map((r) => [r.name, ...board.columns.map((c) => r.cells.get(c.key)?.mean)]),
    [
      ['m', 1, 2],
      ['m (ensemble of 6)', 3, undefined],
    ],
  );
});

test('published rows fill the columns of the default split only', () => {
  const published = [
    { model: 'P-3B', parameters: 3e9, task: 'vqav2', shots: 4, metric: 'vqa_accuracy', value: 50, demonstrations: 'random' as const, source: 's' },
  ];
  const { board } = buildLeaderboard(
    [entry({ task: 'vqav2', shots: 4 }), entry({ task: 'vqav2', shots: 4, split: 'test-dev' })],
    published,
  );
  const paper = board.rows.find((r) => r.published)!;
  assert.deepEqual(board.columns.map((c) => paper.cells.get(c.key)?.mean), [50, undefined]);
});

test('a published number sits in the column of the built-in task\'s metric, whatever the collector called it', () => {
  const published = [
    { model: 'P-80B', parameters: 8e10, task: 'msvdqa', shots: 4, metric: 'top1_accuracy', value: 41.7, demonstrations: 'random' as const, source: 's' },
  ];
  const entries = [entry({ task: 'msvdqa', metric: 'accuracy', shots: 4 })];
  const headline = (task: string) => (task === 'msvdqa' ? 'accuracy' : undefined);
  const withHeadline = buildLeaderboard(entries, published, headline).board;
  assert.deepEqual(withHeadline.rows.map((r) => [r.name, r.cells.get(withHeadline.columns[0]!.key)?.mean]), [
    ['m', 10],
    ['P-80B', 41.7],
  ]);
  // Without knowing the task, only the same metric name matches.
  assert.deepEqual(buildLeaderboard(entries, published).board.rows.map((r) => r.name), ['m']);
});

test('published RICES + prompt-ensembling rows appear beside a run with the same choices only', () => {
  const rows = publishedNumbers().rows;
  const imagenet = { task: 'imagenet', metric: 'top1_accuracy', shots: 16, demonstrations: 'rices' as const };
  const names = (ensemble: number) =>
    buildLeaderboard([entry({ ...imagenet, ensemble })], rows).board.rows.map((r) => [
      r.name,
      r.cells.values().next().value!.mean,
    ]);
  // Flamingo Table 7: Flamingo-80B ImageNet 16 shots, RICES 76.0 (5 per class), RICES + ensembling 77.3.
  assert.ok(names(6).some(([name, mean]) => name === 'Flamingo-80B (RICES, ensemble of 6)' && mean === 77.3));
  assert.ok(!names(6).some(([name]) => name === 'Flamingo-80B (RICES)'));
  assert.ok(names(1).some(([name, mean]) => name === 'Flamingo-80B (RICES)' && mean === 76));
  assert.ok(!names(1).some(([name]) => String(name).includes('ensemble')));
});
