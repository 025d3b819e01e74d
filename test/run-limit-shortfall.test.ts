// --limit / --protocol flamingo asking for more queries than the split holds: the run evaluates them all and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/flamingo-eval.js', import.meta.url));

function run(...argv: string[]) {
  const resultsDir = mkdtempSync(join(tmpdir(), 'fe-shortfall-'));
  const base = ['--task', 'okvqa', '--shots', '0', '--model', 'baseline:majority', '--quiet', '--json'];
  return spawnSync(process.execPath, [BIN, ...base, ...argv, '--results-dir', resultsDir], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

test('--limit above the split size names the shortfall, and the record is the whole split\'s', () => {
  const result = run('--limit', '100000');
  assert.equal(result.status, 0, result.stderr);
  const [row] = JSON.parse(result.stdout) as { n: number; record: string }[];
  assert.ok(row!.n > 0 && row!.n < 100000);
  assert.ok(
    result.stderr.includes(`okvqa: --limit 100000 asks for more queries than the val split has: evaluating all ${row!.n}`),
    result.stderr,
  );
  // Every query was evaluated: not a subset, so the same record as a run without --limit (no ‡ on the leaderboard).
  const whole = run();
  const [wholeRow] = JSON.parse(whole.stdout) as { record: string }[];
  assert.equal(basename(row!.record), basename(wholeRow!.record));
  assert.doesNotMatch(basename(row!.record), /-limit/);
  assert.equal(JSON.parse(readFileSync(row!.record, 'utf8')).config.limit, null);
});

test('--protocol flamingo on a split smaller than the paper query set names the shortfall', () => {
  const result = run('--protocol', 'flamingo');
  assert.equal(result.status, 0, result.stderr);
  const [row] = JSON.parse(result.stdout) as { n: number }[];
  assert.match(result.stderr, new RegExp(`okvqa: --protocol flamingo \\(\\d+ queries\\) asks for more .* evaluating all ${row!.n}\\n`));
});

test('a --limit within the split says nothing about it', () => {
  const result = run('--limit', '5');
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /asks for more queries/);
});
