// Records and journals written by 0.1.0 before task and backend arguments (test/fixtures/records-v0.1, made by the
// commands in its README) read to the same leaderboard cells and resume; every reader of records (leaderboard, merge,
// report) goes through one schema whose errors name the file and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildLeaderboard } from '../src/leaderboard/board.ts';
import { renderCsv } from '../src/leaderboard/csv.ts';
import { findRecordFiles, readRecords } from '../src/leaderboard/records.ts';
import { readFullRecord } from '../src/report/examples.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { parseRecordHead, recordedTaskArgs } from '../src/run/record-schema.ts';
import { okvqa } from '../src/tasks/okvqa.ts';
import { imagenet } from '../src/tasks/imagenet.ts';
import type { RunRecord } from '../src/core/types.ts';

const FIXTURE = new URL('./fixtures/records-v0.1/', import.meta.url).pathname;
const PACKAGE = new URL('../', import.meta.url).pathname.replace(/\/$/, '');

/** The fixture in a fresh results folder, with the folders it was written in put back. */
function results(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-records-v01-'));
  cpSync(join(FIXTURE, 'baseline-majority'), join(dir, 'baseline-majority'), { recursive: true });
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('@PACKAGE@', PACKAGE).replaceAll('@RESULTS@', dir));
  }
  return dir;
}

test('records written by 0.1.0 read to the leaderboard cells 0.1.0 showed; OK-VQA stemming is still its own row', async () => {
  const { entries } = await readRecords(await findRecordFiles([results()]));
  const csv = renderCsv(buildLeaderboard(entries).board);
  // 0.1.0 wrote a wide CSV (per task x shots: mean, std, n, data); the CSV is tidy now (one row per model x task x
  // shots x variant): the same cells, compared as (row, column) -> [mean, std, n].
  const expected = readFileSync(join(FIXTURE, 'leaderboard.csv'), 'utf8').replace('(OK-VQA stemmed)', '(okvqa.stem)');
  const [head, ...rows] = expected.trim().split('\n').map((line) => line.split(','));
  const wide = new Map<string, string[]>();
  for (const row of rows) {
    for (let c = 3; c < head!.length; c += 4) {
      if (row[c] !== '') wide.set(`${row[0]} | ${head![c]}`, [row[c]!, row[c + 1]!, row[c + 2]!]);
    }
  }
  const [tidyHead, ...tidyRows] = csv.trim().split('\n').map((line) => line.split(','));
  const at = (name: string) => tidyHead!.indexOf(name);
  const tidy = new Map(
    tidyRows.map((row) => {
      const variant = row[at('variant')]!;
      return [
        `${row[at('model')]}${variant ? ` (${variant})` : ''} | ${row[at('task')]} ${row[at('shots')]}-shot`,
        [row[at('mean')]!, row[at('std')]!, row[at('n')]!],
      ];
    }),
  );
  assert.deepEqual(tidy, wide);
  const stem = entries.find((entry) => basename(entry.file).includes('-stem-'))!;
  assert.deepEqual(stem.args, { 'okvqa.stem': true });
});

test('journals written by 0.1.0 resume: the same examples, the same numbers, the same record files', async () => {
  const dir = results();
  const before = (name: string) => JSON.parse(readFileSync(join(dir, 'baseline-majority', name), 'utf8')) as RunRecord;
  const recorded = { classes: before('imagenet-2shot-sample-limit6-c402f7fa.json') };
  const run = async (flags: Record<string, unknown>) =>
    (await evaluate(parseRunOptions({ model: 'baseline:majority', resultsDir: dir, quiet: true, ...flags })))[0]!;

  const plain = await run({ task: 'okvqa', shots: '4', limit: '12', seeds: '42,43' });
  assert.equal(basename(plain.path), 'okvqa-4shot-sample-limit12-d6f8615d.json');
  assert.equal(plain.record.timings.resumedExamples, 24);
  // The same numbers; records now also carry the bootstrap interval of the headline number (src/run/record-ci.ts).
  // ... and the context-use figures (src/run/context-use.ts), which a resumed 0.1.0 journal gives too: what each
  // prompt's demonstrations showed comes from the plan.
  const { ci, contextUse, ...summary } = plain.record.summary;
  assert.ok(ci && ci.low <= summary.metrics.vqa_accuracy!.mean! && summary.metrics.vqa_accuracy!.mean! <= ci.high);
  assert.equal(contextUse?.copy, 100, 'baseline:majority copies a demonstration answer');
  assert.deepEqual(summary, old('okvqa-4shot-sample-limit12-d6f8615d.json').summary);

  const classes = await run({ task: 'imagenet', shots: '2', limit: '6', taskArg: ['keep-all-scores=true'] });
  assert.equal(basename(classes.path), 'imagenet-2shot-sample-limit6-c402f7fa.json');
  assert.equal(classes.record.timings.resumedExamples, 6);
  const withoutContext = (trials: RunRecord['trials']) =>
    trials.map(({ contextUse: _c, ...trial }) => ({ ...trial, examples: trial.examples.map(({ demonstrationAnswers: _d, ...e }) => e) }));
  assert.deepEqual(withoutContext(classes.record.trials), withoutContext(recorded.classes.trials));
  assert.ok(classes.record.trials.every((trial) => trial.contextUse && trial.examples.every((e) => e.demonstrationAnswers?.length === 2)));

  // Stemming is scoring, not output: the stemmed run resumes the same journal; its record identity now names the
  // argument (scoring: {taskArgs: {stem: true}}), so the file's hash is new, and its numbers are the old ones.
  const stemmed = await run({ task: 'okvqa', shots: '4', limit: '12', taskArg: ['okvqa.stem=true'] });
  assert.match(basename(stemmed.path), /^okvqa-4shot-stem-sample-limit12-[0-9a-f]{8}\.json$/);
  assert.equal(stemmed.record.timings.resumedExamples, 12);
  const { ci: _stemmedCi, contextUse: _stemmedContext, ...stemmedSummary } = stemmed.record.summary;
  assert.deepEqual(stemmedSummary, old('okvqa-4shot-stem-sample-limit12-b1b0982e.json').summary);
});

test('task options of 0.1.0 records are read as the arguments that replaced them (merge configures the task by them)', () => {
  const stem = old('okvqa-4shot-stem-sample-limit12-b1b0982e.json').config;
  assert.deepEqual(recordedTaskArgs(stem, okvqa.args), { stem: true });
  assert.deepEqual(recordedTaskArgs(old('imagenet-2shot-sample-limit6-c402f7fa.json').config, imagenet.args), { 'keep-all-scores': true });
  assert.deepEqual(recordedTaskArgs(old('okvqa-4shot-sample-limit12-d6f8615d.json').config, okvqa.args), {});
  // Records of this version: config.taskArgs, without the arguments a task no longer declares.
  assert.deepEqual(recordedTaskArgs({ taskArgs: { stem: false, gone: 1 } }, okvqa.args), { stem: false });
});

function old(name: string): RunRecord {
  return JSON.parse(readFileSync(join(FIXTURE, 'baseline-majority', name), 'utf8')) as RunRecord;
}

test('one validator for every reader: the file and the field at fault', async () => {
  const record = old('okvqa-4shot-sample-limit12-d6f8615d.json') as unknown as Record<string, Record<string, unknown>>;
  const broken = (change: (r: typeof record) => void) => {
    const copy = structuredClone(record);
    change(copy);
    return copy;
  };
  const cases: [ReturnType<typeof broken>, RegExp][] = [
    [broken((r) => (r.config!.sampler = 'nearest')), /^r\.json: field config\.sampler is "nearest", not one of random, rices$/],
    [broken((r) => delete r.model!.parameters), /^r\.json: field model\.parameters is missing or not a finite number$/],
    [broken((r) => (r.config!.variant = { task: { stem: [] }, model: {} })), /^r\.json: field config\.variant\.task\.stem is not a boolean, number or string$/],
    [broken((r) => (r.config!.okvqaStem = 'yes')), /^r\.json: field config\.okvqaStem is not true, false or null$/],
    [broken((r) => (r.shots = -1 as never)), /^r\.json: field shots is -1, not an integer >= 0$/],
    [broken((r) => ((r.summary!.metrics as Record<string, Record<string, unknown>>).vqa_accuracy!.std = 'x')), /^r\.json: field summary\.metrics\.vqa_accuracy\.std is missing or not a finite number$/],
  ];
  for (const [value, message] of cases) assert.throws(() => parseRecordHead('r.json', value), { name: 'InputError', message });
  // The leaderboard (head only) and the report (whole record) read through it.
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-records-bad-'));
  const file = join(dir, 'r.json');
  writeFileSync(file, JSON.stringify(cases[0]![0], null, 1));
  await assert.rejects(readRecords([file]), { message: `${file}: field config.sampler is "nearest", not one of random, rices` });
  const noId = broken((r) => delete ((r.trials as unknown as { examples: Record<string, unknown>[] }[])[1]!.examples[3]!.id));
  writeFileSync(file, JSON.stringify(noId));
  await assert.rejects(readFullRecord(file), { message: `${file}: field trials[1].examples[3].id is missing or not a non-empty string` });
});
