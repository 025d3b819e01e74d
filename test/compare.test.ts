// `flamingo-eval compare`: paired differences between two models' records (and between two shot counts of one), the
// refusals when queries, seeds or demonstrations differ, and the output formats.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareCommand, type CompareFormat } from '../src/commands/compare.ts';
import type { CompareOptions } from '../src/compare/pairs.ts';
import type { RunRecord } from '../src/core/types.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { pairedDifference } from '../src/stats/query-bootstrap.ts';
import { perItemMean } from '../src/stats/resamplers.ts';

const FAKE_TASK = new URL('./support/fake-task.ts', import.meta.url).pathname;
const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'compare-'));
after(() => rmSync(root, { recursive: true, force: true }));

const dirs = {
  a: join(root, 'a'),
  b: join(root, 'b'),
  limited: join(root, 'limited'),
  reseeded: join(root, 'reseeded'),
  pool: join(root, 'pool'),
  prompts: join(root, 'prompts'),
};

async function run(model: string, resultsDir: string, flags: Record<string, unknown> = {}) {
  for (const task of [FAKE_TASK, 'coco']) {
    await evaluate(parseRunOptions({ task, model, resultsDir, quiet: true, shots: '0,2', seeds: '1,2', ...flags }));
  }
}

before(async () => {
  await run(TEST_BACKEND, dirs.a);
  await run('baseline:majority', dirs.b);
  await run('baseline:majority', dirs.limited, { limit: '10' });
  await run('baseline:majority', dirs.reseeded, { seeds: '1,3' });
  await run('baseline:majority', dirs.pool, { supportSize: '8' });
  await evaluate(parseRunOptions({ task: 'coco', model: 'baseline:majority', resultsDir: dirs.prompts, quiet: true, shots: '0', seeds: '1,2', promptStyle: 'openflamingo' }));
});

const options = (extra: Partial<CompareOptions & { format: CompareFormat }> = {}) => ({ samples: 500, seed: 0, level: 0.95, format: 'table' as CompareFormat, colour: false, ...extra });
const modelDir = (dir: string, model: string) => join(dir, model);

test('two models: a paired difference per task x shots, its interval, p-value, Holm and verdict', async () => {
  const { comparison, text } = await compareCommand(modelDir(dirs.a, 'test-backend'), modelDir(dirs.b, 'baseline-majority'), options());
  assert.deepEqual(comparison.cells.map((c) => `${c.task} ${c.shotsA}`).sort(), ['coco 0', 'coco 2', 'fake-colours 0', 'fake-colours 2']);
  for (const cell of comparison.cells) {
    const ra = JSON.parse(readFileSync(cell.fileA, 'utf8')) as RunRecord;
    const rb = JSON.parse(readFileSync(cell.fileB, 'utf8')) as RunRecord;
    // The point estimates are the records' own means over seeds.
    assert.ok(Math.abs(cell.a - ra.summary.metrics[ra.summary.primary]!.mean!) < 1e-9, `${cell.task}: A`);
    assert.ok(Math.abs(cell.b - rb.summary.metrics[rb.summary.primary]!.mean!) < 1e-9, `${cell.task}: B`);
    assert.ok(Math.abs(cell.difference - (cell.b - cell.a)) < 1e-9);
    assert.ok(cell.low <= cell.difference + 1e-9 && cell.difference - 1e-9 <= cell.high, JSON.stringify(cell));
    assert.ok(cell.pHolm >= cell.p && cell.p > 0 && cell.p <= 1);
    assert.equal(cell.verdict, cell.pHolm < 0.05 ? (cell.difference > 0 ? 'better' : 'worse') : 'no evidence');
    assert.equal(cell.n, ra.trials[0]!.examples.length);
    assert.deepEqual([cell.seedsA, cell.seedsB], [2, 2]);
  }
  // The per-item task: the same interval as the paired bootstrap of the records' per-example scores.
  const fake = comparison.cells.find((c) => c.task === 'fake-colours' && c.shotsA === 2)!;
  const perSeed = (file: string) =>
    (JSON.parse(readFileSync(file, 'utf8')) as RunRecord).trials.map((trial) => perItemMean(trial.examples.map((e) => e.score!)));
  const expected = pairedDifference(fake.n, perSeed(fake.fileA), perSeed(fake.fileB), { samples: 500, seed: 0 });
  assert.ok(Math.abs(expected.low - fake.low) < 1e-9 && Math.abs(expected.high - fake.high) < 1e-9 && expected.p === fake.p);
  assert.match(text, /B − A/);
  assert.match(text, /Holm's correction across the 4 cells compared/);
});

test('a model against itself: no difference, p = 1, no evidence', async () => {
  const a = modelDir(dirs.a, 'test-backend');
  const { comparison } = await compareCommand(a, a, options());
  for (const cell of comparison.cells) {
    assert.deepEqual([cell.difference, cell.low, cell.high, cell.p, cell.verdict], [0, 0, 0, 1, 'no evidence']);
  }
});

test('two shot counts of one model: --shots-a 0 --shots-b 2', async () => {
  const a = modelDir(dirs.a, 'test-backend');
  const { comparison } = await compareCommand(a, a, options({ shotsA: 0, shotsB: 2 }));
  assert.deepEqual(comparison.cells.map((c) => [c.task, c.shotsA, c.shotsB]).sort(), [['coco', 0, 2], ['fake-colours', 0, 2]]);
  assert.ok(comparison.cells.some((c) => c.difference !== 0));
  await assert.rejects(compareCommand(a, a, options({ shotsA: 0 })), /--shots-a and --shots-b go together/);
});

test('refuses records on other queries or other seeds, naming the part that differs', async () => {
  const a = modelDir(dirs.a, 'test-backend');
  const limited = await compareCommand(a, modelDir(dirs.limited, 'baseline-majority'), options()).catch((error: Error) => error);
  assert.ok(limited instanceof Error);
  assert.match(limited.message, /nothing to compare/);
  assert.match(limited.message, /fake-colours 0-shot: they differ in queries \(a paired comparison needs the same task, data files, query set, seeds, scoring, demonstrations\)/);
  const reseeded = await compareCommand(a, modelDir(dirs.reseeded, 'baseline-majority'), options()).catch((error: Error) => error);
  assert.match(String(reseeded), /they differ in seeds/);
});

test('refuses other demonstrations at the same shots; two record files named against each other say what differs', async () => {
  const a = modelDir(dirs.a, 'test-backend');
  const pool = await compareCommand(a, modelDir(dirs.pool, 'baseline-majority'), options({ shots: [2] })).catch((error: Error) => error);
  assert.match(String(pool), /fake-colours 2-shot: they differ in demonstrations/);
  // Another shot count is other demonstrations by design: --shots-a 0 --shots-b 2 pairs them.
  const { comparison } = await compareCommand(a, modelDir(dirs.pool, 'baseline-majority'), options({ shotsA: 0, shotsB: 2 }));
  assert.equal(comparison.cells.length, 2);
  const file = (dir: string) => readdirSync(dir).filter((name) => /^coco-0shot.*\.json$/.test(name)).map((name) => join(dir, name))[0]!;
  const prompts = await compareCommand(file(modelDir(dirs.b, 'baseline-majority')), file(modelDir(dirs.prompts, 'baseline-majority')), options()).catch(
    (error: Error) => error,
  );
  assert.match(String(prompts), /coco 0-shot: they differ in prompt/);
});

test('CSV: one row per cell with tidy columns; JSON: cells, refused and unmatched', async () => {
  const a = modelDir(dirs.a, 'test-backend');
  const b = modelDir(dirs.b, 'baseline-majority');
  const { text: csv } = await compareCommand(a, b, options({ format: 'csv', tasks: ['fake-colours'] }));
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'task,split,variant,metric,shots_a,shots_b,model_a,model_b,n,seeds_a,seeds_b,mean_a,mean_b,difference,ci_low,ci_high,level,p,p_holm,verdict,data,record_a,record_b');
  assert.equal(lines.length, 3);
  assert.match(lines[1]!, /^fake-colours,,,accuracy,0,0,test-backend,baseline-majority,/);
  const { text: json } = await compareCommand(a, b, options({ format: 'json', shots: [2] }));
  const parsed = JSON.parse(json) as { cells: unknown[]; refused: unknown[]; unmatched: unknown[] };
  assert.equal(parsed.cells.length, 2);
  assert.deepEqual([parsed.refused, parsed.unmatched], [[], []]);
  const { text: md } = await compareCommand(a, b, options({ format: 'md' }));
  assert.match(md, /^\| task \| shots \| variant \| metric \| n \| seeds A\/B \|/);
});
