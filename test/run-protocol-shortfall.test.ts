// --protocol flamingo on a copy smaller than the protocol's query set: the run says at the start how many queries the
// protocol asks and how many there are, and the record and the leaderboard mark the cell as short of the protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

function run(t: { after(fn: () => void): void }, task: string) {
  const dir = mkdtempSync(join(tmpdir(), 'protocol-short-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const result = spawnSync(process.execPath, [BIN, '--task', task, '--protocol', 'flamingo', '--model', 'baseline:majority', '--results-dir', dir, '--quiet'], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  const folder = join(dir, 'baseline-majority');
  const record = JSON.parse(readFileSync(join(folder, readdirSync(folder).find((f) => f.endsWith('.json'))!), 'utf8'));
  return { dir, stderr: result.stderr, record };
}

test('OK-VQA under --protocol flamingo on the sample: told at the start, marked in the record and on the leaderboard', (t) => {
  const { dir, stderr, record } = run(t, 'okvqa');
  assert.match(stderr, /okvqa: --protocol flamingo \(1024 queries\) asks for more queries than the val split has: evaluating all (\d+)/);
  assert.deepEqual(record.data.protocolShortfall, { asked: 1024, evaluated: record.summary.n });
  const board = spawnSync(process.execPath, [BIN, 'leaderboard', dir], { encoding: 'utf8' });
  assert.match(board.stdout, /◊/);
  assert.match(board.stdout, new RegExp(`◊ --protocol flamingo on a copy of the dataset holding fewer queries than the protocol asks \\(${record.summary.n} of 1024\\)`));
  const csv = spawnSync(process.execPath, [BIN, 'leaderboard', dir, '--format', 'csv'], { encoding: 'utf8' }).stdout;
  assert.match(csv, /sample short-of-protocol/);
});

test('ImageNet under --protocol flamingo (10 queries per class): told at the start with the per-class count', (t) => {
  const { stderr, record } = run(t, 'imagenet');
  assert.match(stderr, /imagenet: --protocol flamingo asks for 10 queries per class \((\d+) in all\); the val split has (\d+): evaluating those/);
  assert.equal(record.data.protocolShortfall.evaluated, record.summary.n);
  assert.ok(record.data.protocolShortfall.asked > record.summary.n);
});
