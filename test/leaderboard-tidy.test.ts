// The leaderboard for analysis and for reading evidence: filters (--task in the order given, --shots, --model), the
// tasks-as-rows layout, the bootstrap intervals (--ci) and the per-seed long CSV.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leaderboard, type LeaderboardOptions } from '../src/commands/leaderboard.ts';

const basic = new URL('./fixtures/records/basic', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'leaderboard-tidy-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
/** These CSVs hold no quoted fields (no commas or quotes in the fixtures' values): split lines and commas. */
function parse(csv: string, _options: { columns: true }): Record<string, string>[] {
  const [head, ...lines] = csv.trim().split('\n').map((line) => line.split(','));
  return lines.map((cells) => Object.fromEntries(head!.map((name, i) => [name, cells[i] ?? ''])));
}
const options = (extra: Partial<LeaderboardOptions> = {}): LeaderboardOptions => ({ format: 'table', paper: false, colour: false, ...extra });

test('--task (in the order given), --shots and --model filter the cells; a filter matching nothing names what exists', async () => {
  const csv = await leaderboard([basic], options({ format: 'csv', tasks: ['coco', 'okvqa'], shots: [4] }));
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  assert.deepEqual(rows.map((r) => [r.model, r.task, r.shots]), [['big', 'coco', '4'], ['tiny-s', 'okvqa', '4'], ['tiny-l', 'okvqa', '4']]);
  const only = parse(await leaderboard([basic], options({ format: 'csv', models: ['tiny-l'] })), { columns: true }) as Record<string, string>[];
  assert.deepEqual(only.map((r) => r.model), ['tiny-l']);
  await assert.rejects(leaderboard([basic], options({ tasks: ['vizwiz'] })), /match --task vizwiz \(tasks: coco, okvqa; shots: 0, 4; models: big, tiny-l, tiny-s\)/);
});

test('--rows tasks: a row per task x shots, a column per model with its size', async () => {
  const md = await leaderboard([basic], options({ format: 'md', rows: 'tasks' }));
  const lines = md.split('\n');
  assert.equal(lines[0], '| task | tiny-s (1.1M) | tiny-l (4.6M) | big (9.3B) |');
  assert.equal(lines[1], '|---|---:|---:|---:|');
  assert.equal(lines[2], '| okvqa 0-shot n24×1 | 12.5 † |  |  |');
  assert.equal(lines[3], '| okvqa 4-shot | 31.7 ± 1.9 n24×3 † | 41.7 n24×1 † |  |');
  assert.equal(lines[4], '| coco 4-shot n200×2 |  |  | 88.8 ± 1.0 ‡ |');
  const table = await leaderboard([basic], options({ rows: 'tasks', tasks: ['coco'] }));
  assert.match(table, /│ task {15}│ big \(9\.3B\) {3}│/);
  await assert.rejects(leaderboard([basic], options({ format: 'csv', rows: 'tasks' })), /--rows tasks is a layout for the table and Markdown/);
});

test('--ci shows the interval a record carries; the CSV always has it', async () => {
  const dir = join(scratch, 'ci');
  cpSync(basic, dir, { recursive: true });
  const file = join(dir, 'tiny-s', 'okvqa-4shot.json');
  const record = JSON.parse(readFileSync(file, 'utf8'));
  record.summary.ci = { low: 27.25, high: 36.5, level: 0.95, samples: 1000, defined: 1000, seed: 0, method: 'percentile bootstrap' };
  writeFileSync(file, JSON.stringify(record, null, 1));
  const table = await leaderboard([dir], options({ ci: true }));
  assert.match(table, /31\.7 ± 1\.9 \[27\.3, 36\.5\] n24×3 †/);
  assert.match(table, /\[low, high\] 95% confidence interval: bootstrap over the queries/);
  assert.doesNotMatch(await leaderboard([dir], options()), /\[27\.3/);
  const rows = parse(await leaderboard([dir], options({ format: 'csv', shots: [4], tasks: ['okvqa'] })), { columns: true }) as Record<string, string>[];
  assert.deepEqual([rows[0]!.ci_low, rows[0]!.ci_high, rows[1]!.ci_low], ['27.25', '36.5', '']);
  const bad = join(scratch, 'bad');
  cpSync(basic, bad, { recursive: true });
  record.summary.ci = { low: 40, high: 30, level: 0.95 };
  writeFileSync(join(bad, 'tiny-s', 'okvqa-4shot.json'), JSON.stringify(record, null, 1));
  await assert.rejects(leaderboard([bad], options()), /okvqa-4shot\.json: field summary\.ci is not an interval/);
});

test('--per-seed: one CSV row per seed with its value', async () => {
  const csv = await leaderboard([basic], options({ format: 'csv', perSeed: true, tasks: ['okvqa'], models: ['tiny-s'] }));
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  assert.deepEqual(Object.keys(rows[0]!), ['model', 'params', 'task', 'shots', 'variant', 'metric', 'seed', 'value', 'n', 'data', 'source', 'split']);
  assert.deepEqual(rows.map((r) => [r.shots, r.seed, r.value]), [['0', '42', '12.5'], ['4', '42', '30'], ['4', '43', '31.25'], ['4', '44', '33.75']]);
  await assert.rejects(leaderboard([basic], options({ perSeed: true })), /--per-seed is a CSV layout/);
});

test('tidy CSV cells a spreadsheet would run are neutralised; numbers stay numbers', async () => {
  const dir = join(scratch, 'formula');
  cpSync(basic, dir, { recursive: true });
  const file = join(dir, 'tiny-l', 'okvqa-4shot.json');
  const record = JSON.parse(readFileSync(file, 'utf8'));
  record.model.name = '=HYPERLINK("http://x")';
  record.summary.metrics.vqa_accuracy.mean = -3.5;
  writeFileSync(file, JSON.stringify(record, null, 1));
  const csv = await leaderboard([dir], options({ format: 'csv', tasks: ['okvqa'], shots: [4] }));
  assert.match(csv, /^"'=HYPERLINK\(""http:\/\/x""\)",4610000,okvqa,4,,vqa_accuracy,-3\.5,/m);
});
