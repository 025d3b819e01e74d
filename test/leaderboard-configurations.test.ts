// Records of one cell from different configurations: official data wins over sample data, the whole split over a
// --limit subset, then the newest, and stderr says which was used and how the others differ; an identity argument of
// the task or backend (OK-VQA stemming) is a row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLeaderboard } from '../src/leaderboard/board.ts';
import type { RecordEntry } from '../src/leaderboard/records.ts';

const entry = (over: Partial<RecordEntry>): RecordEntry => ({
  file: 'r.json',
  createdAt: '2026-11-27T06:00:00Z',
  model: 'm',
  parameters: 1,
  task: 'okvqa',
  metric: 'vqa_accuracy',
  shots: 4,
  mean: 10,
  std: 0,
  trials: 1,
  sample: false,
  demonstrations: 'random',
  promptStyle: 'paper',
  ensemble: 1,
  split: null,
  queries: 1024,
  subset: false,
  identity: 'a'.repeat(16),
  identityParts: { data: 'd0000000', model: 'm0000000', seeds: 's0000000' },
  ...over,
});

test('an official record is used over a newer sample record of the same cell, and stderr says why', () => {
  const official = entry({ file: 'official.json', mean: 40, createdAt: '2026-11-27T05:00:00Z' });
  const sample = entry({
    file: 'sample.json',
    mean: 90,
    sample: true,
    queries: 36,
    createdAt: '2026-11-27T09:00:00Z',
    identity: 'b'.repeat(16),
    identityParts: { data: 'd1111111', model: 'm0000000', seeds: 's0000000' },
  });
  for (const order of [[official, sample], [sample, official]]) {
    const { board, warnings } = buildLeaderboard(order);
    assert.equal(board.rows.length, 1);
    const cell = [...board.rows[0]!.cells.values()][0]!;
    assert.equal(cell.mean, 40);
    assert.equal(cell.sample, false);
    assert.deepEqual(warnings, [
      '2 records for m x okvqa x 4 shots: using official.json (official data, preferred to the built-in sample data, ' +
        '2026-11-27T05:00:00Z); ignoring sample.json (sample data, another configuration: data differ, 2026-11-27T09:00:00Z)',
    ]);
  }
});

test('the whole split is used over a newer --limit subset; a subset is used when it is all there is', () => {
  const whole = entry({ file: 'whole.json', mean: 30 });
  const subset = entry({
    file: 'limit.json',
    mean: 70,
    subset: true,
    queries: 200,
    createdAt: '2026-11-27T08:00:00Z',
    identity: 'c'.repeat(16),
    identityParts: { data: 'd0000000', model: 'm0000000', queries: 'q2222222', seeds: 's0000000' },
  });
  const { board, warnings } = buildLeaderboard([subset, whole]);
  assert.equal([...board.rows[0]!.cells.values()][0]!.mean, 30);
  assert.match(warnings[0]!, /using whole\.json \(the whole query split, preferred to a --limit subset, .*\); ignoring limit\.json \(a --limit subset of 200 queries, another configuration: queries differ, /);
  assert.equal([...buildLeaderboard([subset]).board.rows[0]!.cells.values()][0]!.mean, 70);
});

test('reruns of one configuration: the newest, as before; another model file of the same name says what differs', () => {
  const old = entry({ file: 'old.json', mean: 1, createdAt: '2026-11-27T05:00:00Z' });
  const rerun = entry({ file: 'new.json', mean: 2, createdAt: '2026-11-27T07:00:00Z' });
  assert.deepEqual(buildLeaderboard([old, rerun]).warnings, [
    '2 records for m x okvqa x 4 shots: using the newest, new.json (2026-11-27T07:00:00Z); ignoring old.json (2026-11-27T05:00:00Z)',
  ]);
  const retrained = entry({ file: 'retrained.json', mean: 3, createdAt: '2026-11-27T08:00:00Z', identity: 'e'.repeat(16), identityParts: { data: 'd0000000', model: 'm9999999', seeds: 's0000000' } });
  const { board, warnings } = buildLeaderboard([old, retrained]);
  assert.equal([...board.rows[0]!.cells.values()][0]!.mean, 3);
  assert.match(warnings[0]!, /using the newest, retrained\.json .*ignoring old\.json \(another configuration: model differ, 2026-11-27T05:00:00Z\)/);
});

test('OK-VQA scored with open_flamingo stemming (an identity argument) is a row of its own, named so', () => {
  const { board, warnings } = buildLeaderboard([
    entry({ mean: 20 }),
    entry({ file: 'stem.json', args: { 'okvqa.stem': true }, mean: 25 }),
    entry({ file: 't.json', args: { temperature: 0.5 }, mean: 30 }),
  ]);
  assert.deepEqual(warnings, []);
  assert.deepEqual(board.rows.map((row) => row.name), ['m', 'm (okvqa.stem)', 'm (temperature=0.5)']);
  assert.deepEqual(board.rows.map((row) => [...row.cells.values()][0]!.mean), [20, 25, 30]);
});

test('records carry their identity, parts and OK-VQA stemming to the leaderboard; records from before identities still read', async () => {
  const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { readRecords } = await import('../src/leaderboard/records.ts');
  const fixture = new URL('./fixtures/records/duplicate/new.json', import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), 'leaderboard-identity-'));
  const record = JSON.parse(readFileSync(fixture, 'utf8'));
  record.config = { ...record.config, okvqaStem: true, identity: '0123456789abcdef', identityParts: { data: 'aaaaaaaa', model: 'bbbbbbbb' } };
  const file = join(dir, 'okvqa-4shot-stem-sample-01234567.json');
  writeFileSync(file, JSON.stringify(record, null, 1));
  const { entries } = await readRecords([file, fixture]);
  assert.deepEqual(entries[0]!.args, { 'okvqa.stem': true });
  assert.equal(entries[0]!.identity, '0123456789abcdef');
  assert.deepEqual(entries[0]!.identityParts, { data: 'aaaaaaaa', model: 'bbbbbbbb' });
  assert.equal(entries[1]!.args, undefined);
  assert.match(entries[1]!.identity!, /^legacy:/);
  assert.equal(entries[1]!.identityParts, undefined);
  record.config.okvqaStem = 'yes';
  writeFileSync(file, JSON.stringify(record, null, 1));
  await assert.rejects(readRecords([file]), new RegExp(`${file}: field config.okvqaStem is not true, false or null`));
});
