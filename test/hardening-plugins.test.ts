// Hardening: a faulty task or backend module cannot corrupt a result silently (src/run/checked.ts). Each case writes
// a plain-JS plugin with one fault and checks that the run fails naming the module and the call, with no record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { checkedBackend } from '../src/run/checked.ts';
import type { Backend } from '../src/core/types.ts';

const BIN = fileURLToPath(new URL('../bin/flamingo-eval.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fe-hardening-plugins-'));

interface TaskFaults {
  score?: string;
  query?: string;
  load?: string;
  postprocess?: string;
  kind?: 'generate' | 'rank';
}

/** A small task module; each fault replaces one function's body. */
function taskModule(name: string, faults: TaskFaults = {}): string {
  const kind = faults.kind ?? 'generate';
  const path = join(dir, `${name}.js`);
  writeFileSync(
    path,
    `const item = (split, i) => ({ id: split + i, media: [], fields: { q: 'q' + i }, target: i % 2 ? 'yes' : 'no',
  reference: i % 2 ? 'yes' : 'no'${kind === 'rank' ? ", candidates: ['yes', 'no']" : ''} });
export default {
  id: '${name}', title: '${name}', modality: 'image', kind: '${kind}',
  splits: { support: 'train', query: 'test' }, files: [],
  templates: { paper: {
    demonstration: (shot) => [{ type: 'text', text: shot.example.fields.q + ' ' + shot.example.target }, { type: 'end_of_chunk' }],
    query: ${faults.query ?? "(example) => [{ type: 'text', text: example.fields.q }]"},
  } },
  generation: { maxNewTokens: 5, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true },
  postprocess: ${faults.postprocess ?? '(raw) => raw.trim()'},
  metric: 'exact_match',
  async load() {
    ${faults.load ?? ''}
    return { support: [0, 1, 2, 3].map((i) => item('train', i)), query: [0, 1, 2, 3, 4].map((i) => item('test', i)), files: [], sample: false };
  },
  score(items) {
    ${faults.score ?? `const perItem = items.map((it) => (it.answer === it.example.reference ? 100 : 0));
    return { metrics: { exact_match: perItem.reduce((a, b) => a + b, 0) / perItem.length }, primary: 'exact_match', perItem };`}
  },
};
`,
  );
  return path;
}

/** A backend module; `generate` / `rank` replace the method bodies (they see `requests`). */
function backendModule(name: string, methods: { generate?: string; rank?: string; top?: string } = {}): string {
  const path = join(dir, `${name}.js`);
  writeFileSync(
    path,
    `${methods.top ?? ''}
export default {
  info: () => ({ name: '${name}', family: 'test', parameters: 1, contextLength: 64 }),
  async generate(requests) { ${methods.generate ?? "return requests.map((r, i) => ({ text: i % 2 ? 'yes' : 'no' }));"} },
  async rank(requests) { ${methods.rank ?? 'return requests.map((r) => ({ logLikelihoods: r.candidates.map((c, i) => -i) }));'} },
  async close() {},
};
`,
  );
  return path;
}

const GOOD_BACKEND = backendModule('good-backend');

async function runFails(task: string, backend: string, ...patterns: RegExp[]): Promise<void> {
  const results = mkdtempSync(join(dir, 'results-'));
  const options = parseRunOptions({ task, model: backend, shots: '0', resultsDir: results, quiet: true });
  await assert.rejects(evaluate(options), (error: Error) => {
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
  const records = readdirSync(results, { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
  assert.deepEqual(records, [], 'no record is written');
}

test('a good task and backend module run (the fixtures are sound)', async () => {
  const results = mkdtempSync(join(dir, 'results-'));
  const task = taskModule('good-task');
  const outcomes = await evaluate(parseRunOptions({ task, model: GOOD_BACKEND, shots: '0', resultsDir: results, quiet: true }));
  assert.equal(outcomes.length, 1);
  const rank = taskModule('good-rank-task', { kind: 'rank' });
  assert.equal((await evaluate(parseRunOptions({ task: rank, model: GOOD_BACKEND, shots: '0', resultsDir: results, quiet: true }))).length, 1);
});

test('score() returning per-item scores one short fails, naming the module and score()', async () => {
  const task = taskModule('short-scores', {
    score: `const perItem = items.slice(1).map(() => 100); return { metrics: { exact_match: 100 }, primary: 'exact_match', perItem };`,
  });
  await runFails(task, GOOD_BACKEND, /short-scores\.js: score\(\) returned 4 per-item scores for 5 items/);
});

test('a NaN or infinite metric or per-item score fails instead of becoming null', async () => {
  await runFails(taskModule('nan-metric', { score: `return { metrics: { exact_match: NaN }, primary: 'exact_match' };` }), GOOD_BACKEND,
    /nan-metric\.js: score\(\) returned metric "exact_match" = NaN, not a finite number/);
  await runFails(
    taskModule('inf-item', { score: `return { metrics: { exact_match: 1 }, primary: 'exact_match', perItem: items.map(() => Infinity) };` }),
    GOOD_BACKEND,
    /inf-item\.js: score\(\) returned per-item score Infinity for item 0/,
  );
  await runFails(taskModule('bad-primary', { score: `return { metrics: { exact_match: 1 }, primary: 'cider' };` }), GOOD_BACKEND,
    /bad-primary\.js: score\(\) returned primary .*cider.* not one of its metrics/);
});

test('a query template returning a string (not a list of parts) fails, naming the template', async () => {
  await runFails(taskModule('string-prompt', { query: "(example) => 'Question: ' + example.fields.q" }), GOOD_BACKEND,
    /string-prompt\.js: templates\.paper\.query\(\) must return a prompt, a list of parts/);
  await runFails(taskModule('bad-part', { query: "(example) => [{ type: 'text', text: 42 }]" }), GOOD_BACKEND,
    /bad-part\.js: templates\.paper\.query\(\) returned a prompt whose part 0 has text 42/);
});

test("a task's exception names the module and the call", async () => {
  await runFails(taskModule('throws-load', { load: "throw new Error('disk on fire');" }), GOOD_BACKEND,
    /task module .*throws-load\.js: load\(\) failed: disk on fire/);
  await runFails(taskModule('throws-post', { postprocess: "(raw) => { throw new TypeError('bad raw'); }" }), GOOD_BACKEND,
    /throws-post\.js: postprocess\(\) failed: bad raw/);
  await runFails(taskModule('number-post', { postprocess: '(raw) => 7' }), GOOD_BACKEND, /number-post\.js: postprocess\(\) must return a string; returned 7/);
});

test('two query examples sharing an id: the error names the module', async () => {
  const task = taskModule('dup-ids', { load: `return { support: [], query: [item('a', 1), item('a', 1)], files: [], sample: false };` });
  await runFails(task, GOOD_BACKEND, /task module .*dup-ids\.js: load\(\) returned two query examples with the id "a1" \(query examples 0 and 1\)/);
});

test('rank() returning strings, infinities or too few scores fails, naming the backend and rank()', async () => {
  const task = taskModule('rank-task', { kind: 'rank' });
  await runFails(task, backendModule('strings-rank', { rank: "return requests.map((r) => ({ logLikelihoods: r.candidates.map(() => 'high') }));" }),
    /strings-rank\.js: rank\(\) returned log-likelihood a string \("high"\) for candidate 0 of request 0: expected a finite number/);
  await runFails(task, backendModule('inf-rank', { rank: 'return requests.map((r) => ({ logLikelihoods: r.candidates.map(() => -Infinity) }));' }),
    /inf-rank\.js: rank\(\) returned log-likelihood -Infinity/);
  await runFails(task, backendModule('short-rank', { rank: 'return requests.map((r) => ({ logLikelihoods: [0] }));' }),
    /short-rank\.js: rank\(\) returned an array of 1 log-likelihoods for request 0, which has 2 candidates/);
  await runFails(task, backendModule('few-results', { rank: 'return [];' }), /few-results\.js: rank\(\) returned an array of 0 results for \d+ requests/);
});

test('generate() results of the wrong shape, and a backend exception, name the backend and the call', async () => {
  const task = taskModule('gen-task');
  await runFails(task, backendModule('strings-gen', { generate: "return requests.map(() => 'yes');" }),
    /strings-gen\.js: generate\(\) returned result 0 without a string "text"/);
  await runFails(task, backendModule('throws-gen', { generate: "throw new Error('GPU melted');" }), /throws-gen\.js: generate\(\) failed: GPU melted/);
});

test('a backend call that outlives --call-timeout fails with a message naming the backend and the flag', async () => {
  const slow: Backend = {
    info: () => ({ name: 'slow', family: 'test', parameters: 1, contextLength: 8 }),
    generate: () => new Promise((resolve) => setTimeout(() => resolve([]), 60_000).unref()),
    rank: async () => [],
    close: async () => {},
  };
  const checked = checkedBackend(slow, './slow.js', { callTimeoutMs: 100 });
  const started = Date.now();
  // Something else keeps the process busy meanwhile (as a served backend's socket would).
  const busy = setInterval(() => {}, 1000);
  try {
    await assert.rejects(checked.generate([]), /backend \.\/slow\.js: generate\(\) did not answer within 0\.1 s \(--call-timeout; 0 for no limit\)/);
  } finally {
    clearInterval(busy);
  }
  assert.ok(Date.now() - started < 5000);
  await checked.close();
  assert.throws(() => parseRunOptions({ task: 'coco', callTimeout: '-1' }), /--call-timeout -1: expected a number >= 0/);
  assert.equal(parseRunOptions({ task: 'coco', callTimeout: '2.5' }).callTimeoutMs, 2500);
});

function cli(task: string, backend: string, results: string) {
  return spawnSync(process.execPath, [BIN, '--task', task, '--model', backend, '--shots', '0', '--results-dir', results, '--quiet'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('a promise that never settles ends the run at once with a message (not exit 13 and silence)', () => {
  const results = mkdtempSync(join(dir, 'results-'));
  const run = cli(taskModule('cli-task'), backendModule('never-settles', { generate: 'return new Promise(() => {});' }), results);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /never-settles\.js: generate\(\) returned a promise that never settles/);
  assert.match(run.stderr, /in the journal/);
});

test('process.exit(0) inside generate() cannot end the run looking successful', () => {
  const results = mkdtempSync(join(dir, 'results-'));
  const run = cli(taskModule('cli-task-2'), backendModule('exits', { generate: 'process.exit(0);' }), results);
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /the process was ended while a run was in progress \(a plugin called process\.exit\?\)/);
  const records = existsSync(results) ? readdirSync(results, { recursive: true }).map(String).filter((f) => f.endsWith('.json')) : [];
  assert.deepEqual(records, []);
});

test("a built-in backend's own errors pass unchanged; a user module's are named; shape checks name either", async () => {
  const boom = new Error('connection refused');
  const failing: Backend = {
    info: () => ({ name: 'x', family: 'test', parameters: 1, contextLength: 8 }),
    generate: async () => { throw boom; },
    rank: async () => [{ logLikelihoods: [NaN] }],
    close: async () => {},
  };
  const builtin = checkedBackend(failing, 'openai:x');
  await assert.rejects(builtin.generate([]), (error: unknown) => error === boom);
  await assert.rejects(builtin.rank([{ prompt: [], candidates: ['a'], lengthNormalize: false }]), /backend openai:x: rank\(\) returned log-likelihood NaN/);
  await builtin.close();
  const user = checkedBackend(failing, './my-backend.js');
  await assert.rejects(user.generate([]), /^RunError: backend \.\/my-backend\.js: generate\(\) failed: connection refused$/);
  await user.close();
});
