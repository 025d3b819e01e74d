// Hardening: the journal trusts no duplicate. A line appended by hand that repeats an example with another answer is
// an error naming the file and both lines; identical repeats, and the legitimate repeats (a skipped example tried
// again, an example asked another prompt), are read as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.ts';
import type { ExampleRecord } from '../src/core/types.ts';
import { Journal, entryKey } from '../src/run/journal.ts';

const HASH = '0123456789abcdef';

function example(id: string, answer: string, extra: Partial<ExampleRecord> = {}): ExampleRecord {
  return { id, demonstrations: [], prompt: [{ type: 'text', text: `Q ${id}` }], raw: ` ${answer}`, answer, backendMs: 1, mediaMs: 0, ...extra };
}

function journalWith(lines: unknown[]): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fe-journal-'));
  const path = join(dir, `base.jsonl`);
  writeFileSync(path, [{ journal: 'flamingo-eval', configHash: HASH, config: {} }, ...lines].map((l) => `${JSON.stringify(l)}\n`).join(''));
  return { dir, path };
}

function open(dir: string): Journal {
  return Journal.open({ dir, base: 'base' }, HASH, {}, false);
}

test('a repeated example with another answer is an error naming the file and both lines', () => {
  const { dir, path } = journalWith([
    { seed: 42, example: example('q1', 'red') },
    { seed: 42, example: example('q2', 'blue') },
    { seed: 42, example: example('q1', 'green') },
  ]);
  assert.throws(
    () => open(dir),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.ok(error.message.startsWith(`${path}:4: example q1 (seed 42) is already in the journal at ${path}:2 with another answer`), error.message);
      assert.match(error.message, /raw, answer differ/);
      assert.match(error.message, /--fresh/);
      return true;
    },
  );
});

test('another candidate score is another answer too', () => {
  const { dir } = journalWith([
    { seed: 42, example: example('q1', 'yes', { candidateScores: [-1, -2] }) },
    { seed: 42, example: example('q1', 'yes', { candidateScores: [-1, -3] }) },
  ]);
  assert.throws(() => open(dir), /candidateScores differ/);
});

test('identical repeats (timings aside) are fine', () => {
  const { dir } = journalWith([
    { seed: 42, example: example('q1', 'red') },
    { seed: 42, example: { ...example('q1', 'red'), backendMs: 99, mediaMs: 5 } },
    { seed: 43, example: example('q1', 'blue') },
  ]);
  const journal = open(dir);
  try {
    assert.equal(journal.entries.size, 2);
    assert.equal(journal.entries.get(entryKey(42, 'q1'))!.example.answer, 'red');
  } finally {
    journal.close();
  }
});

test('a skipped example tried again, or asked another prompt, is replaced by its later line', () => {
  const { dir } = journalWith([
    { seed: 42, example: example('q1', '', { skipped: 'cannot read x.jpg' }) },
    { seed: 42, example: example('q1', 'red') },
    { seed: 42, example: example('q2', 'red') },
    { seed: 42, example: example('q2', 'blue', { prompt: [{ type: 'text', text: 'another prompt' }] }) },
  ]);
  const journal = open(dir);
  try {
    assert.equal(journal.entries.get(entryKey(42, 'q1'))!.example.answer, 'red');
    assert.equal(journal.entries.get(entryKey(42, 'q2'))!.example.answer, 'blue');
  } finally {
    journal.close();
  }
});

test('a conflicting line appended after a run stops the next run from resuming it', () => {
  const { dir, path } = journalWith([{ seed: 42, example: example('q1', 'red') }]);
  const journal = open(dir);
  journal.append({ seed: 42, example: example('q2', 'blue') });
  journal.close();
  appendFileSync(path, `${JSON.stringify({ seed: 42, example: example('q2', 'green') })}\n`);
  assert.throws(() => open(dir), new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: example q2 \\(seed 42\\) is already in the journal at .*:3`));
});
