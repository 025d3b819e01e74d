// Adversarial CSV files (issue 16, "files as the ecosystem writes them"): what Python's csv module and pandas write,
// read by a task and by `flamingo-eval score`, and files broken in ways that must fail with the file and the line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.ts';
import { ivqa } from '../src/tasks/ivqa.ts';
import { score } from '../src/commands/score.ts';
import { editLines, loadRejects, withCopy } from './support/video-task-checks.ts';

/** A row as Python's csv.writer writes it (QUOTE_MINIMAL, lineterminator "\r\n"). */
function pythonRow(values: string[]): string {
  return `${values.map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')}\r\n`;
}

test('a task reads a CSV written by Python with a line break, commas and quotes inside a question', async () => {
  await withCopy('ivqa', async (data) => {
    const lines = readFileSync(data.path('test.csv'), 'utf8').trimEnd().split('\n');
    const header = lines[0]!.split(',');
    const rows = lines.slice(1).map((line) => line.split(','));
    const question = 'what does the sign say:\n"STOP", or "GO"?';
    rows[1]![header.indexOf('question')] = question;
    writeFileSync(data.path('test.csv'), `\ufeff${[header, ...rows].map(pythonRow).join('')}`);
    const loaded = await ivqa.load({ dataDir: data.dir });
    assert.equal(loaded.query.length, rows.length);
    assert.equal(loaded.query[1]!.fields.question, question);
    assert.equal(loaded.query[2]!.fields.question, rows[2]![header.indexOf('question')]);
  });
});

test('a task names the file and the line of a quote that is never closed, even rows after it', async () => {
  await withCopy('ivqa', async (data) => {
    await editLines(data, 'test.csv', (lines) => [lines[0]!, lines[1]!, lines[2]!.replace(/,([^,]*)$/, ',"$1'), ...lines.slice(3)]);
    await loadRejects(ivqa, { dataDir: data.dir }, InputError, 'test.csv: line 3: unterminated quoted field');
  });
});

test('score reads rareact.csv written by pandas with CRLF and a quoted noun holding a comma and a line break', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hardening-csv-'));
  try {
    const fixture = join(import.meta.dirname, 'fixtures', 'score', 'rareact');
    const csv = readFileSync(join(fixture, 'hand.csv'), 'utf8').trimEnd().split('\n').map((line) => line.split(','));
    const plain = join(dir, 'plain.csv');
    writeFileSync(plain, csv.map(pythonRow).join(''));
    const noun = csv[0]!.indexOf('noun');
    const odd = csv.map((row, i) => (i === 0 ? row : row.map((v, k) => (k === noun ? `${v}, sliced\n"fresh"` : v))));
    const quoted = join(dir, 'quoted.csv');
    writeFileSync(quoted, odd.map(pythonRow).join(''));
    const predictions = join(fixture, 'hand-predictions.json');
    const mwap = (references: string) => score({ metric: 'mwap', predictions, references, ci: false, seed: 0, ciSamples: 1000 });
    const a = await mwap(plain);
    assert.ok(a.report.n > 0);
    assert.deepEqual((await mwap(quoted)).report, a.report);

    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, `${csv.slice(0, 3).map(pythonRow).join('')}${csv[3]!.join(',').replace(/,([^,]*)$/, ',"$1')}\r\n${csv.slice(4).map(pythonRow).join('')}`);
    await assert.rejects(mwap(broken), (error: Error) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /broken\.csv: line 4: unterminated quoted field/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
