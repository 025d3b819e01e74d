// Resuming: a run killed with SIGKILL, or stopped by a failing backend, is finished by running the same command
// again; the done examples are not recomputed and the record equals an uninterrupted run's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../src/core/types.ts';
import { killAfterJournaled } from './support/kill-mid-run.ts';

const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
const FAKE_TASK = new URL('./support/fake-task.ts', import.meta.url).pathname;
const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'flamingo-resume-'));
}

function args(resultsDir: string, extra: string[] = []): string[] {
  return [BIN, '--task', FAKE_TASK, '--model', TEST_BACKEND, '--shots', '2', '--seeds', '42,43', '--batch-size', '2',
    '--results-dir', resultsDir, '--quiet', ...extra];
}

function cli(resultsDir: string, env: Record<string, string> = {}, extra: string[] = []) {
  return spawnSync(process.execPath, args(resultsDir, extra), { encoding: 'utf8', env: { ...process.env, ...env } });
}

function journalFile(resultsDir: string): string | undefined {
  const dir = join(resultsDir, 'test-backend', 'journals');
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
  return files.length === 1 ? join(dir, files[0]!) : undefined;
}

function journalLines(resultsDir: string): number {
  const file = journalFile(resultsDir);
  return file ? readFileSync(file, 'utf8').split('\n').filter((line) => line.endsWith('}')).length - 1 : 0;
}

function record(resultsDir: string): RunRecord {
  const dir = join(resultsDir, 'test-backend');
  const names = readdirSync(dir).filter((name) => /^fake-colours-2shot-sample-[0-9a-f]{8}\.json$/.test(name));
  assert.equal(names.length, 1, `one record in ${dir}: ${names.join(', ')}`);
  return JSON.parse(readFileSync(join(dir, names[0]!), 'utf8'));
}

/** What must not differ between an interrupted-then-resumed run and an uninterrupted one. */
function results(rec: RunRecord) {
  return {
    summary: rec.summary,
    trials: rec.trials.map((trial) => ({
      seed: trial.seed,
      metrics: trial.metrics,
      examples: trial.examples.map(({ backendMs: _b, mediaMs: _m, ...rest }) => rest),
    })),
  };
}

const uninterrupted = tempDir();
const reference = cli(uninterrupted);

test('the uninterrupted reference run succeeds', () => {
  assert.equal(reference.status, 0, reference.stderr);
  assert.equal(journalLines(uninterrupted), 80);
});

test('a run killed with SIGKILL mid-way resumes (torn last line included) to the uninterrupted numbers', async () => {
  const resultsDir = tempDir();
  const child = spawn(process.execPath, args(resultsDir), {
    env: { ...process.env, FLAMINGO_TEST_DELAY_MS: '40' },
    stdio: 'ignore',
  });
  assert.equal(await killAfterJournaled(child, () => journalLines(resultsDir)), 'SIGKILL');
  const done = journalLines(resultsDir);
  assert.ok(done >= 10 && done < 80, `killed after ${done} examples`);
  assert.ok(!existsSync(join(resultsDir, 'test-backend', 'fake-colours-2shot.json')));
  // A write cut short by the kill leaves a torn last line; the resumed run must drop it.
  appendFileSync(journalFile(resultsDir)!, '{"seed":42,"example":{"id":"val-');

  const log = join(resultsDir, 'calls.log');
  const resumed = cli(resultsDir, { FLAMINGO_TEST_CALL_LOG: log });
  assert.equal(resumed.status, 0, resumed.stderr);
  const recomputed = readFileSync(log, 'utf8').trim().split('\n').length;
  assert.equal(recomputed, 80 - done, 'only the examples missing from the journal are recomputed');
  assert.deepEqual(results(record(resultsDir)), results(record(uninterrupted)));
  assert.equal(record(resultsDir).timings.resumedExamples, done);
  const lines = readFileSync(journalFile(resultsDir)!, 'utf8').split('\n');
  assert.equal(lines.pop(), '');
  assert.ok(lines.every((line) => JSON.parse(line)), 'the journal holds only whole lines');
});

test('a failing backend exits 1 naming it, keeps the journal, and the rerun resumes', () => {
  const resultsDir = tempDir();
  const failed = cli(resultsDir, { FLAMINGO_TEST_FAIL_AFTER: '10' });
  assert.equal(failed.status, 1);
  assert.match(failed.stderr, /backend test-backend failed on examples .* simulated failure/);
  assert.match(failed.stderr, /10 of 80 examples are in the journal .*\.jsonl; run the same command again to resume/);
  assert.equal(journalLines(resultsDir), 10);

  const log = join(resultsDir, 'calls.log');
  const rerun = cli(resultsDir, { FLAMINGO_TEST_CALL_LOG: log });
  assert.equal(rerun.status, 0, rerun.stderr);
  assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 70);
  assert.deepEqual(results(record(resultsDir)), results(record(uninterrupted)));
});

test('--fresh ignores the journal and recomputes everything', () => {
  const log = join(tempDir(), 'calls.log');
  const fresh = cli(uninterrupted, { FLAMINGO_TEST_CALL_LOG: log }, ['--fresh']);
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 80);
  assert.equal(journalLines(uninterrupted), 80);
});

test('Ctrl-C (SIGINT) stops at once with exit 130 and says the same command resumes', async () => {
  const resultsDir = tempDir();
  const child = spawn(process.execPath, args(resultsDir), { env: { ...process.env, FLAMINGO_TEST_DELAY_MS: '40' } });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (journalLines(resultsDir) >= 4 || child.exitCode !== null) {
        clearInterval(poll);
        child.kill('SIGINT');
        resolve();
      }
    }, 10);
  });
  assert.equal(await exited, 130);
  assert.match(stderr, /interrupted; the journal keeps every finished example: run the same command again to resume/);
  const done = journalLines(resultsDir);
  assert.ok(done >= 4 && done < 80);
  const resumed = cli(resultsDir);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(results(record(resultsDir)), results(record(uninterrupted)));
});
