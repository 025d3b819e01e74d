import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
const fixtures = new URL('./fixtures/records/', import.meta.url).pathname;
const env = { ...process.env };
delete env.NO_COLOR;

function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, ...options });
}

test('reads results/ by default; piped output has no colour codes', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'leaderboard-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(`${fixtures}basic`, join(dir, 'results'), { recursive: true });
  const run = cli(['leaderboard'], { cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  // A one-seed cell and a three-seed one are told apart: the column's size mark, or each cell's when they differ.
  assert.match(run.stdout, /│ model  │ params │ okvqa 0-shot n24×1 │ okvqa 4-shot {7}│ coco 4-shot n200×2 │/);
  assert.match(run.stdout, /│ tiny-s │ 1\.1M {3}│ 12\.5 † {13}│ 31\.7 ± 1\.9 n24×3 † │ - {18}│/);
  assert.match(run.stdout, /│ tiny-l │ 4\.6M {3}│ - {18}│ 41\.7 n24×1 † {7}│/);
  assert.match(run.stdout, /^nQ×S \(after a column name, or a value\): Q queries evaluated per seed, S seeds/m);
  assert.doesNotMatch(run.stdout, /\u001b\[/);
  assert.equal(run.stderr, '');
});

test('-o writes the file and nothing to stdout', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'leaderboard-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'board.md');
  const run = cli(['leaderboard', `${fixtures}basic`, '--format', 'md', '-o', file]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr, `flamingo-eval leaderboard: wrote ${file}\n`);
  assert.equal(readFileSync(file, 'utf8').split('\n')[0], '| model | params | okvqa 0-shot n24×1 | okvqa 4-shot | coco 4-shot n200×2 |');
});

test('colour on a terminal, off with NO_COLOR (run under a pseudo-terminal)', (t) => {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    t.skip('`script` (util-linux) is not installed, so no pseudo-terminal is available');
    return;
  }
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} leaderboard ${JSON.stringify(`${fixtures}pipe`)}`;
  const onTty = (extra: NodeJS.ProcessEnv) =>
    spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...env, ...extra } });
  // CI=true and TERM=dumb made cli-table3's colour library turn itself off; the decision must be ours alone.
  const coloured = onTty({ CI: 'true', TERM: 'dumb' });
  assert.equal(coloured.status, 0, coloured.stdout);
  assert.match(coloured.stdout, /│ \u001b\[36mmodel\u001b\[39m │/);
  const plain = onTty({ NO_COLOR: '1' });
  assert.equal(plain.status, 0, plain.stdout);
  assert.match(plain.stdout, /│ model │/);
  assert.doesNotMatch(plain.stdout, /\u001b\[/);
});

test('several records for one cell: the newest is used and stderr says so', () => {
  const run = cli(['leaderboard', `${fixtures}duplicate`, '--format', 'csv']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`^tiny-s,1130000,okvqa,4,,vqa_accuracy,25,,,,24,1,sample,run: ${fixtures}duplicate/new\\.json,$`, 'm'));
  assert.equal(
    run.stderr,
    `flamingo-eval leaderboard: 2 records for tiny-s x okvqa x 4 shots: using the newest, ${fixtures}duplicate/new.json ` +
      `(2026-11-27T07:00:00.000Z); ignoring ${fixtures}duplicate/old.json (2026-11-27T05:00:00.000Z)\n`,
  );
});

test('no records found: exit 2 and a message that says where it looked', () => {
  const run = cli(['leaderboard', `${fixtures}none`]);
  assert.equal(run.status, 2);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, new RegExp(`no run records found under ${fixtures}none`));
});

test('a malformed record: exit 2 naming the file', () => {
  const run = cli(['leaderboard', `${fixtures}basic`, `${fixtures}malformed`]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, new RegExp(`${fixtures}malformed/cut\\.json: not valid JSON`));
});

test('a bad --format: exit 2 naming the flag and the allowed values', () => {
  const run = cli(['leaderboard', `${fixtures}basic`, '--format', 'html']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--format/);
  assert.match(run.stderr, /table, csv, md/);
});
