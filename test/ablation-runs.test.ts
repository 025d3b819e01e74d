// --ablation as run variants, through the CLI: each its own identity, journal, record name and leaderboard row;
// refused with the reason where meaningless; a backend that answers from the query image alone is unmoved by
// demo-media and blinded by query-media; an ablation run killed with SIGKILL resumes to the uninterrupted record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../src/core/types.ts';
import { killAfterJournaled } from './support/kill-mid-run.ts';

const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
const FAKE_TASK = new URL('./support/fake-task.ts', import.meta.url).pathname;
const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;
const SHAPES_TASK = new URL('./support/shapes-task.ts', import.meta.url).pathname;
const QUERY_IMAGE = new URL('./support/query-image-backend.ts', import.meta.url).pathname;

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ablation-runs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

function records(dir: string): Map<string, RunRecord> {
  return new Map(
    readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => [name, JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunRecord]),
  );
}

test('several ablations run as separate variants: own record name, identity, journal and leaderboard row', (t) => {
  const dir = scratch(t);
  const run = cli(['--task', 'okvqa', '--model', 'baseline:majority', '--shots', '4', '--results-dir', dir, '--json',
    '--ablation', 'none,demo-media,query-media,shuffled-answers,foreign-demo-media']);
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as { ablation?: string; record: string; contextUse?: unknown }[];
  assert.deepEqual(summary.map((row) => row.ablation ?? 'none'), ['none', 'demo-media', 'query-media', 'shuffled-answers', 'foreign-demo-media']);
  assert.ok(summary.every((row) => row.contextUse), 'figures in --json');
  const byName = records(join(dir, 'baseline-majority'));
  const names = [...byName.keys()].sort();
  assert.equal(names.length, 5);
  for (const ablation of ['demo-media', 'query-media', 'shuffled-answers', 'foreign-demo-media']) {
    const name = names.find((n) => n.startsWith(`okvqa-4shot-${ablation}-sample-`));
    assert.ok(name, `${ablation} in ${names.join(', ')}`);
    assert.equal(byName.get(name)!.config.ablation, ablation);
  }
  const plain = names.find((n) => /^okvqa-4shot-sample-[0-9a-f]{8}\.json$/.test(n))!;
  assert.equal(byName.get(plain)!.config.ablation, null);
  assert.equal(new Set([...byName.values()].map((r) => r.config.identity)).size, 5);
  const journals = readdirSync(join(dir, 'baseline-majority', 'journals')).filter((n) => n.endsWith('.jsonl'));
  assert.equal(journals.length, 5);
  // The plain run's identity is the one it had before ablations existed: --ablation none is the run without the flag.
  const again = cli(['--task', 'okvqa', '--model', 'baseline:majority', '--shots', '4', '--results-dir', dir, '--json']);
  assert.equal(JSON.parse(again.stdout)[0].record, summary[0]!.record);
  assert.deepEqual(byName.get(plain)!.config.identityParts && Object.keys(byName.get(plain)!.config.identityParts as object).includes('ablation'), false);
  // Prompts: demo-media shows only the query's image; query-media all but it.
  const media = (r: RunRecord) => r.trials[0]!.examples[0]!.prompt.filter((p) => p.type === 'media').length;
  const of = (ablation: string) => byName.get(names.find((n) => n.startsWith(`okvqa-4shot-${ablation}-`))!)!;
  assert.equal(media(byName.get(plain)!), 5);
  assert.equal(media(of('demo-media')), 1);
  assert.equal(media(of('query-media')), 4);
  // The majority baseline reads only text: removing images changes nothing, not even its copying.
  assert.deepEqual(of('demo-media').trials[0]!.examples.map((e) => e.answer), byName.get(plain)!.trials[0]!.examples.map((e) => e.answer));

  const board = cli(['leaderboard', dir, '--format', 'md', '--diagnostics']);
  assert.equal(board.status, 0, board.stderr);
  for (const row of ['baseline-majority', 'baseline-majority (ablation demo-media)', 'baseline-majority (ablation shuffled-answers)']) {
    assert.ok(board.stdout.includes(`| ${row} | 0 |`), `${row} in\n${board.stdout}`);
    assert.ok(board.stdout.includes(`| ${row} | okvqa 4-shot | 36 | 100.0 (`), `${row} diagnostics`);
  }
});

test('a backend answering from the query image alone: demo-media leaves its score, query-media blinds it', (t) => {
  const dir = scratch(t);
  const run = cli(['--task', SHAPES_TASK, '--model', QUERY_IMAGE, '--shots', '4', '--seeds', '1,2', '--results-dir', dir,
    '--json', '--ablation', 'none,demo-media,query-media,foreign-demo-media']);
  assert.equal(run.status, 0, run.stderr);
  const rows = JSON.parse(run.stdout) as { ablation?: string; mean: number; contextUse: { copy: number; copyChance: number } }[];
  const score = (ablation?: string) => rows.find((row) => row.ablation === ablation)!.mean;
  assert.equal(score(undefined), 100);
  assert.equal(score('demo-media'), score(undefined), 'the demonstrations\' images do not matter to it');
  assert.equal(score('foreign-demo-media'), score(undefined));
  assert.equal(score('query-media'), 0, 'without the query image it cannot answer');
  for (const row of rows.filter((r) => r.ablation !== 'query-media')) {
    assert.ok(Math.abs(row.contextUse.copy - row.contextUse.copyChance) < 5, JSON.stringify(row.contextUse));
  }
  // compare pairs a run with its ablation on the same queries: what the query image adds, with an interval.
  const file = (ablation?: string) => (rows.find((row) => row.ablation === ablation) as unknown as { record: string }).record;
  const compared = cli(['compare', file(undefined), file('query-media'), '--json']);
  assert.equal(compared.status, 0, compared.stderr);
  const [cell] = JSON.parse(compared.stdout).cells;
  assert.equal(cell.difference, -100);
  assert.equal(cell.n, 400);
  assert.ok(cell.high < 0, 'the interval excludes no change');
  const same = JSON.parse(cli(['compare', file(undefined), file('demo-media'), '--json']).stdout).cells[0];
  assert.deepEqual([same.difference, same.low, same.high], [0, 0, 0]);
});

test('meaningless ablations are refused before anything runs, with the reason', (t) => {
  const dir = scratch(t);
  const cases: [string[], RegExp][] = [
    [['--shots', '0', '--ablation', 'shuffled-answers'], /--ablation shuffled-answers at 0 shots: permuting answers needs at least 2 demonstrations \(task okvqa\); drop 0 from --shots/],
    [['--shots', '1', '--ablation', 'shuffled-answers'], /--ablation shuffled-answers at 1 shot: permuting answers needs at least 2 demonstrations/],
    [['--shots', '4,0', '--ablation', 'query-media,demo-media'], /--ablation demo-media at 0 shots: a 0-shot prompt shows no demonstration media to remove/],
    [['--shots', '0', '--ablation', 'foreign-demo-media'], /--ablation foreign-demo-media at 0 shots: a 0-shot prompt shows no demonstration media to replace/],
    [['--shots', '4', '--ablation', 'demo-images'], /--ablation demo-images: unknown ablation; the ablations are demo-media, query-media, shuffled-answers, foreign-demo-media/],
    [['--shots', '4', '--ablation', 'demo-media,demo-media'], /demo-media is named twice/],
  ];
  for (const [args, message] of cases) {
    const run = cli(['--task', 'okvqa', '--model', 'baseline:majority', '--results-dir', dir, '--quiet', ...args]);
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
  assert.ok(!existsSync(join(dir, 'baseline-majority')), 'nothing ran');
  const zero = cli(['--task', 'okvqa', '--model', 'baseline:majority', '--results-dir', dir, '--quiet', '--shots', '0', '--ablation', 'query-media']);
  assert.equal(zero.status, 0, 'query-media means something at 0 shots');
});

test('an ablation run killed with SIGKILL resumes to the uninterrupted record', async (t) => {
  const args = (dir: string) => ['--task', FAKE_TASK, '--model', TEST_BACKEND, '--shots', '2', '--seeds', '42,43',
    '--batch-size', '2', '--results-dir', dir, '--quiet', '--ablation', 'shuffled-answers'];
  const journal = (dir: string) => {
    const jdir = join(dir, 'test-backend', 'journals');
    const files = existsSync(jdir) ? readdirSync(jdir).filter((n) => n.endsWith('.jsonl')) : [];
    return files.length === 1 ? join(jdir, files[0]!) : undefined;
  };
  const lines = (dir: string) => {
    const file = journal(dir);
    return file ? readFileSync(file, 'utf8').split('\n').filter((line) => line.endsWith('}')).length - 1 : 0;
  };
  const record = (dir: string) => {
    const found = [...records(join(dir, 'test-backend'))].filter(([name]) => name.startsWith('fake-colours-2shot-shuffled-answers-sample-'));
    assert.equal(found.length, 1);
    const rec = found[0]![1];
    return { summary: rec.summary, trials: rec.trials.map((tr) => ({ ...tr, examples: tr.examples.map(({ backendMs: _b, mediaMs: _m, ...e }) => e) })) };
  };
  const whole = scratch(t);
  assert.equal(cli(args(whole)).status, 0);
  const dir = scratch(t);
  const child = spawn(process.execPath, [BIN, ...args(dir)], { env: { ...process.env, FLAMINGO_TEST_DELAY_MS: '40' }, stdio: 'ignore' });
  assert.equal(await killAfterJournaled(child, () => lines(dir)), 'SIGKILL');
  const done = lines(dir);
  assert.ok(done >= 10 && done < 80, `killed after ${done}`);
  appendFileSync(journal(dir)!, '{"seed":42,"example":{"id":"val-');
  const log = join(dir, 'calls.log');
  const resumed = cli(args(dir), { FLAMINGO_TEST_CALL_LOG: log });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 80 - done, 'only the missing examples recomputed');
  assert.deepEqual(record(dir), record(whole));
  assert.ok(record(whole).trials[0]!.contextUse, 'the resumed record has its figures');
});
