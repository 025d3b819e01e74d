// Hardening, the lower items of the adversarial pass: each fixed, with a case that fails if it comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/core/atomic-file.ts';
import { InputError, RunError } from '../src/core/errors.ts';
import { leaderboard } from '../src/commands/leaderboard.ts';
import { plotSvg } from '../src/commands/plot.ts';
import { jsonValueEnd } from '../src/leaderboard/json-scan.ts';
import { readRecordHead } from '../src/leaderboard/record-file.ts';
import { Field } from '../src/readers/json.ts';
import { idField } from '../src/readers/fields.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { okvqa } from '../src/tasks/okvqa.ts';
import { copyOfSample } from './support/task-data.ts';
import { makeRecord } from './support/report-records.ts';

const BIN = fileURLToPath(new URL('../bin/flamingo-eval.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fe-hardening-lower-'));

function customTask(name: string, files: string): string {
  const path = join(dir, `${name}.js`);
  writeFileSync(path, `const q = (id) => ({ id, media: [], fields: {}, target: 'x', reference: 'x' });
export default {
  id: '${name}', title: '${name}', modality: 'image', kind: 'generate', splits: { support: 'train', query: 'test' }, files: [],
  templates: { paper: { demonstration: () => [{ type: 'end_of_chunk' }], query: () => [{ type: 'text', text: 'Output:' }] } },
  generation: { maxNewTokens: 2, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true },
  postprocess: (raw) => raw.trim(), metric: 'exact_match',
  async load() { return { support: [], query: [q('a'), q('b')], files: ${files}, sample: false }; },
  score(items) { return { metrics: { exact_match: 50 }, primary: 'exact_match' }; },
};
`);
  return path;
}

test('a custom task run without --data is not marked sample (unless the files it read are sample data)', async () => {
  const resultsDir = mkdtempSync(join(dir, 'results-'));
  const run = (task: string) => evaluate(parseRunOptions({ task, model: 'baseline:majority', shots: '0', zeroShotTextDemos: '0', resultsDir, quiet: true }));
  const [own] = await run(customTask('own-data', '[]'));
  assert.equal(own!.record.data.sample, false);
  assert.doesNotMatch(own!.path, /-sample-/);
  // A custom task that reads a file of the built-in sample data is sample data, --data or not.
  const sampleFile = new URL('../sample-data/okvqa/OpenEnded_mscoco_val2014_questions.json', import.meta.url).pathname;
  const { createHash } = await import('node:crypto');
  const sha = createHash('sha256').update(readFileSync(sampleFile)).digest('hex');
  const [sample] = await run(customTask('sample-data', JSON.stringify([{ role: 'q', path: sampleFile, bytes: 1, sha256: sha }])));
  assert.equal(sample!.record.data.sample, true);
});

function writeRecordFile(folder: string, name: string, model: string): string {
  const record = makeRecord({ model, parameters: 1000, shots: 0, scores: [40], examples: 40 });
  const path = join(folder, name);
  writeFileSync(path, `${JSON.stringify(record, null, 1)}\n`);
  return path;
}

test('leaderboard and plot refuse a record damaged mid-file, naming it (as report does)', async () => {
  const folder = mkdtempSync(join(dir, 'records-'));
  writeRecordFile(folder, 'good.json', 'good-model');
  const damaged = writeRecordFile(folder, 'damaged.json', 'damaged-model');
  const bytes = readFileSync(damaged);
  // Garbage over the middle of the examples: the head and the tail are intact.
  const middle = Math.floor(bytes.length / 2);
  bytes.write('\u0000garbage}}]]', middle, 'latin1');
  writeFileSync(damaged, bytes);
  assert.equal(readRecordHead(bytes), undefined);
  await assert.rejects(leaderboard([folder], { format: 'csv', paper: false, colour: false }), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.ok(error.message.startsWith(`${damaged}: not valid JSON`), error.message);
    return true;
  });
  await assert.rejects(plotSvg([folder], { task: 'okvqa', by: 'shots', paper: false }), new RegExp(`${damaged.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
  // A whole record still reads through the fast path.
  assert.ok(readRecordHead(readFileSync(join(folder, 'good.json'))));
});

test('jsonValueEnd: accepts JSON values and rejects damage anywhere in them', () => {
  const ok = ['[]', '{}', '[1,-2.5e+3,"a\\"b\\u00e9",true,false,null,{"k":[{}]}]', ' {"a" : [ 1 , 2 ] } '];
  for (const text of ok) {
    const bytes = Buffer.from(text);
    assert.equal(jsonValueEnd(bytes, 0, bytes.length), text.trimEnd().length, text);
  }
  const bad = ['[1,]', '[1 2]', '{"a" 1}', '{"a":1,}', '["a\u0001"]', '["\\x"]', '[01]', '[1.]', '[-]', '[tru]', '[1', '{"a":[}', '["a]', '[nul]'];
  for (const text of bad) {
    const bytes = Buffer.from(text);
    assert.equal(jsonValueEnd(bytes, 0, bytes.length), -1, text);
  }
});

test('a full disk: the error names the file, and no *.tmp stays behind', () => {
  if (!existsSync('/dev/full')) return;
  const folder = mkdtempSync(join(dir, 'full-'));
  const path = join(folder, 'record.json');
  // Writing through a link to /dev/full fails as a full disk does (ENOSPC).
  symlinkSync('/dev/full', `${path}.tmp`);
  assert.throws(() => writeFileAtomic(path, 'x'.repeat(100_000)), (error: unknown) => {
    assert.ok(error instanceof RunError);
    assert.equal(error.message, `cannot write ${path} (ENOSPC): the disk is full (or over quota); free some space and run the same command again`);
    return true;
  });
  assert.deepEqual(readdirSync(folder), []);
});

test('a full disk at the end of a run: the error names the record, no *.tmp, and the journal resumes', async () => {
  if (!existsSync('/dev/full')) return;
  const resultsDir = mkdtempSync(join(dir, 'results-'));
  const flags = { task: 'okvqa', model: 'baseline:majority', shots: '0', limit: '3', resultsDir, quiet: true };
  const [first] = await evaluate(parseRunOptions(flags));
  rmSync(first!.path);
  symlinkSync('/dev/full', `${first!.path}.tmp`);
  await assert.rejects(evaluate(parseRunOptions(flags)), (error: unknown) => {
    assert.ok(error instanceof RunError);
    assert.match(error.message, new RegExp(`^cannot write ${first!.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(ENOSPC\\)`));
    return true;
  });
  assert.equal(existsSync(`${first!.path}.tmp`), false);
  const [again] = await evaluate(parseRunOptions(flags));
  assert.equal(again!.path, first!.path);
  assert.equal(again!.record.timings.resumedExamples, 3);
});

test('flags that do not apply are refused, not ignored', () => {
  const results = mkdtempSync(join(dir, 'results-'));
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  const frames = cli('--task', 'okvqa', '--frames', 'uniform:4', '--model', 'baseline:majority', '--results-dir', results, '--limit', '1');
  assert.equal(frames.status, 2, frames.stderr);
  assert.match(frames.stderr, /--frames uniform:4 samples video frames, but --task okvqa reads no videos: drop the flag/);
  const ensemble = cli('--task', 'okvqa', '--shots', '4', '--prompt-ensemble', '6', '--model', 'baseline:majority', '--results-dir', results, '--limit', '1');
  assert.equal(ensemble.status, 2, ensemble.stderr);
  assert.match(ensemble.stderr, /--prompt-ensemble 6 averages .* but --task okvqa ranks no candidates/);
  // Where one task of the run applies it, it applies to that one.
  const mixed = cli('--task', 'okvqa,hatefulmemes', '--shots', '0', '--prompt-ensemble', '2', '--model', 'baseline:majority', '--results-dir', results, '--limit', '4', '--quiet');
  assert.doesNotMatch(mixed.stderr, /--prompt-ensemble/);
  const thumbs = cli('report', results, '-o', join(results, 'r.html'), '--thumbnail-size', '100000');
  assert.equal(thumbs.status, 2);
  assert.match(thumbs.stderr, /--thumbnail-size 100000: at most 1024/);
});

test('a question_id listed twice in a VQA questions file is reported as such, not as an image_id mismatch', async () => {
  const copy = await copyOfSample('okvqa');
  try {
    const file = 'OpenEnded_mscoco_val2014_questions.json';
    const questions = await copy.readJson(file);
    const twin = { ...questions.questions[1], question_id: questions.questions[0].question_id };
    questions.questions.push(twin);
    await copy.writeJson(file, questions);
    await assert.rejects(okvqa.load({ dataDir: copy.dir }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, new RegExp(`${file}: questions\\[\\d+\\]: question_id ${questions.questions[0].question_id} is listed twice \\(first at .*${file}: questions\\[0\\]\\)`));
      return true;
    });
  } finally {
    await copy.remove();
  }
});

test('20-digit numeric ids cannot collide through float rounding: they are refused, asking for strings', () => {
  const data = JSON.parse('[{"question_id": 12345678901234567890}, {"question_id": 12345678901234567891}, {"question_id": "12345678901234567891"}]');
  const items = Field.root({ file: 'q.json', data }).items();
  assert.throws(() => items[0]!.get('question_id').id(), /q\.json: \[0\]\.question_id: the id .* too large to be read exactly as a JSON number \(over 2\^53\): write it as a string/);
  assert.equal(items[2]!.get('question_id').id(), '12345678901234567891');
  assert.equal(Field.root({ file: 'q.json', data: [{ question_id: 9007199254740991 }] }).items()[0]!.get('question_id').id(), '9007199254740991');
  assert.throws(() => idField(data[1], 'question_id', { file: 'p.json', at: '[1]' }), /too large to be read exactly/);
});
