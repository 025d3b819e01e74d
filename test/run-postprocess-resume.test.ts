// A resumed run is scored with the task's post-processing of now, not of the run that journaled the examples: the
// journal keeps each example's raw output and the record post-processes it when it is built. A task module whose file
// changed is another configuration: its journal is not reused, and stderr says so and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../src/core/types.ts';

const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;

/** A generate task whose post-processing is `POSTPROCESS` (an expression of `raw`); the backend answers ` <colour> and more`. */
function taskModule(postprocess: string): string {
  return `
const examples = (split, n) => Array.from({ length: n }, (_, i) => ({ id: split + '-' + i, media: [], fields: { q: 'q' + i }, target: 'red', reference: ['red'] }));
export default {
  id: 'pp', title: 'post-processing test', modality: 'image', kind: 'generate',
  splits: { support: 'train', query: 'val' }, files: [],
  templates: { paper: {
    demonstration: (shot) => [{ type: 'text', text: 'Q: ' + shot.example.fields.q + ' A: ' + shot.example.target }, { type: 'end_of_chunk' }],
    query: (example) => [{ type: 'text', text: 'Q: ' + example.fields.q + ' A:' }],
  } },
  generation: { maxNewTokens: 3, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true },
  postprocess: (raw) => ${postprocess},
  metric: 'accuracy',
  async load() { return { support: examples('train', 6), query: examples('val', 12), files: [], sample: true }; },
  score(items) {
    const perItem = items.map((item) => (item.example.reference.includes(item.answer) ? 100 : 0));
    return { metrics: { accuracy: perItem.reduce((a, b) => a + b, 0) / perItem.length }, primary: 'accuracy', perItem };
  },
};
`;
}

function run(task: string, results: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, '--task', task, '--model', TEST_BACKEND, '--shots', '2', '--results-dir', results, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  assert.equal(result.status, 0, result.stderr);
  const [row] = JSON.parse(result.stdout) as { record: string }[];
  return { record: JSON.parse(readFileSync(row!.record, 'utf8')) as RunRecord, stderr: result.stderr };
}

test('post-processing changed between two runs of one configuration: the resumed record uses the new one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-postprocess-'));
  const task = join(dir, 'pp.mjs');
  // The module's file stays the same (so does the configuration); what its post-processing does depends on the variable.
  writeFileSync(task, taskModule(`process.env.PP_FIRST_WORD === '1' ? raw.trim().split(' ')[0] : raw.trim()`));
  const results = join(dir, 'results');
  const before = run(task, results);
  const after = run(task, results, { PP_FIRST_WORD: '1' });
  assert.equal(after.record.timings.resumedExamples, 12, 'every example came from the journal');
  assert.equal(readdirSync(join(results, 'test-backend', 'journals')).length, 1, 'one journal');
  const [old, now] = [before.record.trials[0]!.examples, after.record.trials[0]!.examples];
  assert.deepEqual(now.map((e) => e.raw), old.map((e) => e.raw));
  assert.ok(old.every((e) => / and more$/.test(e.answer)), 'the first run kept the whole output');
  assert.ok(now.every((e) => !e.answer.includes(' ')), 'the resumed record post-processed the raw output again');
  assert.equal(before.record.summary.metrics.accuracy!.mean, 0);
  assert.ok(after.record.summary.metrics.accuracy!.mean! > 0, 'and scored the new answers');
});

test('a task module whose file changed is another configuration: its journal is not reused, and stderr says why', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-postprocess-'));
  const task = join(dir, 'pp.mjs');
  const results = join(dir, 'results');
  writeFileSync(task, taskModule('raw.trim()'));
  run(task, results);
  writeFileSync(task, taskModule(`raw.trim().split(' ')[0]`));
  const after = run(task, results);
  assert.equal(after.record.timings.resumedExamples, 0);
  assert.match(after.stderr, /pp 2-shot: not resuming .*pp-2shot-[0-9a-f]{16}\.jsonl \(12 examples\): it was written under another configuration \(it differs in: task\)/);
  assert.ok(after.record.trials[0]!.examples.every((e) => !e.answer.includes(' ')));
});
