import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecordHead } from '../src/leaderboard/record-file.ts';
import { readRecords } from '../src/leaderboard/records.ts';

const fixture = new URL('./fixtures/records/basic/tiny-s/okvqa-4shot.json', import.meta.url).pathname;
const record = JSON.parse(readFileSync(fixture, 'utf8')) as Record<string, unknown>;
// A prompt text that holds what the reader looks for, as text (JSON escapes the newline, so it is no line start).
(record.trials as { examples: unknown[] }[])[0]!.examples.push({
  id: 'q9',
  prompt: [{ type: 'text', text: '\n "summary": {}\n "trials": [\n  {' }],
  raw: '}',
});
const withoutTrials = Object.fromEntries(Object.entries(record).filter(([key]) => key !== 'trials'));

test('reads every field but the trials, and counts the trials, in the layout flamingo-eval writes', () => {
  for (const indent of [1, 2, 4]) {
    const head = readRecordHead(Buffer.from(JSON.stringify(record, null, indent) + '\n'));
    assert.deepEqual(head, { record: withoutTrials, trialCount: 3 }, `indent ${indent}`);
  }
});

test('any other layout is left to a whole parse', () => {
  const reordered = { summary: record.summary, ...withoutTrials, trials: record.trials };
  const extraKey = { ...withoutTrials, trials: record.trials, notes: 'between', summary: record.summary };
  const pretty = JSON.stringify(record, null, 1);
  for (const [why, text] of [
    ['compact', JSON.stringify(record)],
    ['tabs', JSON.stringify(record, null, '\t')],
    ['summary before trials', JSON.stringify(reordered, null, 1)],
    ['a key between trials and summary', JSON.stringify(extraKey, null, 1)],
    ['cut inside the trials', pretty.slice(0, pretty.indexOf('"summary"') - 10)],
    ['cut inside the summary', pretty.slice(0, pretty.indexOf('"summary"') + 30)],
  ] as const) {
    assert.equal(readRecordHead(Buffer.from(text)), undefined, why);
  }
});

test('a record reads the same whether written compact (whole parse) or pretty (head and tail only)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'record-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'compact.json'), JSON.stringify(record));
  writeFileSync(join(dir, 'pretty.json'), JSON.stringify(record, null, 1));
  const {
    entries: [compact, pretty],
  } = await readRecords([join(dir, 'compact.json'), join(dir, 'pretty.json')]);
  assert.deepEqual({ ...compact, file: '' }, { ...pretty, file: '' });
  assert.equal(compact!.trials, 3);
});

test('a record cut short inside its trials is still reported, naming the file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'record-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'cut.json');
  const pretty = JSON.stringify(record, null, 1);
  writeFileSync(file, pretty.slice(0, pretty.indexOf('"summary"') - 10));
  await assert.rejects(readRecords([file]), { name: 'InputError', message: new RegExp(`^${file}: not valid JSON`) });
});
