// The run command from the outside: flag errors (exit 2, naming the flag), user plugins from file paths, --json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunOptions } from '../src/run/options.ts';
import { createBackend, DEFAULT_MODEL } from '../src/backends/index.ts';
import { resolveTask } from '../src/run/tasks.ts';

const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
const FAKE_TASK = new URL('./support/fake-task.ts', import.meta.url).pathname;
const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'flamingo-cli-'));
}

function cli(argv: string[]) {
  return spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

const badFlags: [Record<string, unknown>, RegExp][] = [
  [{}, /^--task is required/],
  [{ shots: '4,x' }, /^--shots 4,x: "x" is not an integer >= 0/],
  [{ shots: '-1' }, /^--shots -1: "-1" is not an integer >= 0/],
  [{ shots: '' }, /^--shots .*empty item/],
  [{ seeds: '42,4.5' }, /^--seeds 42,4.5: "4.5" is not an integer/],
  [{ supportSize: '0' }, /^--support-size 0: expected an integer >= 1/],
  [{ limit: 'ten' }, /^--limit ten: expected an integer >= 1/],
  [{ protocol: 'paper' }, /^--protocol paper: expected one of none, flamingo/],
  [{ protocol: 'flamingo', limit: '10' }, /^--limit cannot be combined with --protocol flamingo/],
  [{ protocol: 'flamingo', supportSize: '10' }, /^--support-size cannot be combined with --protocol flamingo/],
  [{ sampler: 'nearest' }, /^--sampler nearest: expected one of random, rices/],
  [{ zeroShotTextDemos: '-2' }, /^--zero-shot-text-demos -2: expected an integer >= 0/],
  [{ data: '/no/such/dir' }, /^--data \/no\/such\/dir: no such directory/],
  [{ data: FAKE_TASK }, /^--data .*: not a directory/],
  [{ concurrency: '0' }, /^--concurrency 0: expected an integer >= 1/],
  [{ batchSize: '2.5' }, /^--batch-size 2.5: expected an integer >= 1/],
  [{ maxNewTokens: '0' }, /^--max-new-tokens 0: expected an integer >= 1/],
  [{ numBeams: 'x' }, /^--num-beams x: expected an integer >= 1/],
  [{ lengthPenalty: 'high' }, /^--length-penalty high: expected a number/],
  [{ taskArg: ['Stem=true'] }, /^--task-arg Stem=true: expected \[<task>\.\]<name>=<value>/],
  [{ promptStyle: ' ' }, /^--prompt-style needs a value/],
  [{ shard: '3/2' }, /^--shard 3\/2: expected i\/n with 1 <= i <= n/],
  [{ shard: 'half' }, /^--shard half: expected i\/n/],
  [{ shard: '1/2', shardCount: '2' }, /^--shard-count goes with --shard auto; --shard i\/n already gives the count/],
  [{ shardCount: '2' }, /^--shard-count goes with --shard auto/],
];

for (const [flags, message] of badFlags) {
  test(`bad flags ${JSON.stringify(flags)} are a usage error naming the flag`, () => {
    const raw = 'task' in flags || Object.keys(flags).length === 0 ? flags : { task: 'fake', ...flags };
    assert.throws(() => parseRunOptions(raw), (error: Error) => error.name === 'UsageError' && message.test(error.message));
  });
}

test('defaults: the default model, 0 shots, seed 42, support 2048, results/', () => {
  const options = parseRunOptions({ task: 'okvqa' });
  assert.equal(options.model, DEFAULT_MODEL);
  assert.deepEqual(options.shots, [0]);
  assert.deepEqual(options.seeds, [42]);
  assert.equal(options.supportSize, 2048);
  assert.equal(options.sampler, 'random');
  assert.equal(options.promptStyle, 'paper');
  assert.equal(options.zeroShotTextDemos, undefined);
  assert.match(options.resultsDir, /\/results$/);
  assert.deepEqual(parseRunOptions({ task: 'a,b', shots: '0,4,32', seeds: '42,43,44' }).shots, [0, 4, 32]);
});

test('unknown model, task, prompt style and a sampler the model cannot serve exit 2 naming the flag', () => {
  const results = tempDir();
  const cases: [string[], RegExp][] = [
    [['--task', FAKE_TASK, '--model', 'nosuch:thing'], /--model nosuch:thing: no built-in model or backend scheme/],
    [['--task', FAKE_TASK, '--model', 'baseline:minority'], /--model baseline:minority: unknown baseline/],
    [['--task', FAKE_TASK, '--model', './missing-backend.js'], /--model \.\/missing-backend\.js: no such backend module/],
    [['--task', 'no-such-task'], /--task no-such-task: no built-in task by that id/],
    [['--task', './missing-task.ts'], /--task \.\/missing-task\.ts: no such task module/],
    [['--task', FAKE_TASK, '--prompt-style', 'fancy'], /--prompt-style fancy: task fake-colours has no such prompt style \(it has: paper\)/],
    [['--task', FAKE_TASK, '--model', 'baseline:majority', '--sampler', 'rices'], /--sampler rices: model baseline:majority has no embed\(\)/],
    [['--task', FAKE_TASK, '--shots', '61'], /--shots 61: query .* has only \d+ eligible demonstrations/],
    [['--task', FAKE_TASK, '--shots', 'four'], /--shots four/],
  ];
  for (const [argv, message] of cases) {
    const run = cli([...argv, '--results-dir', results, '--quiet']);
    assert.equal(run.status, 2, `${argv.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});

test('a user task and a user backend load from file paths; --json prints the summary on stdout', () => {
  const results = tempDir();
  const run = cli(['--task', FAKE_TASK, '--model', TEST_BACKEND, '--shots', '0,2', '--seeds', '42,43', '--limit', '6',
    '--results-dir', results, '--json']);
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout);
  assert.equal(summary.length, 2);
  assert.deepEqual(Object.keys(summary[0]).slice(0, 6), ['task', 'shots', 'metric', 'mean', 'std', 'n']);
  assert.equal(summary[0].task, 'fake-colours');
  assert.equal(summary[1].shots, 2);
  assert.equal(summary[0].n, 6);
  assert.equal(summary[0].model, 'test-backend');
  assert.equal(typeof summary[0].std, 'number');
  // The 95% bootstrap interval over the queries (src/run/record-ci.ts).
  assert.ok(summary[0].ci.low <= summary[0].mean && summary[0].mean <= summary[0].ci.high, JSON.stringify(summary[0]));
  // The human summary goes to stderr under --json, with the loud sample-data warning.
  assert.match(run.stderr, /model: test-backend/);
  assert.match(run.stderr, /built-in sample data — not a benchmark score/);
});

test('the human summary names the model, prints a plain table when piped, and warns about sample data', () => {
  const run = cli(['--task', FAKE_TASK, '--model', 'baseline:majority', '--limit', '4', '--results-dir', tempDir()]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /model: baseline-majority \(--model baseline:majority\)/);
  assert.match(run.stdout, /fake-colours/);
  assert.doesNotMatch(run.stdout, /\x1b\[/);
  assert.match(run.stdout, /WARNING: .*built-in sample data — not a benchmark score/);
  assert.match(run.stderr, /fake-colours 0-shot 4\/4 \(100%\)/);
});

test('--quiet prints nothing on a successful run', () => {
  const run = cli(['--task', FAKE_TASK, '--model', TEST_BACKEND, '--limit', '2', '--results-dir', tempDir(), '--quiet']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr, '');
});

test('a malformed user task or backend module is an input error naming the file and the field', async () => {
  const dir = tempDir();
  const badTask = join(dir, 'bad-task.mjs');
  writeFileSync(badTask, "export default { id: 'x', title: 'X', metric: 'm', modality: 'image', kind: 'classify' };\n");
  await assert.rejects(resolveTask(badTask), (error: Error) =>
    error.name === 'InputError' && error.message.startsWith(badTask) && /task field "kind"/.test(error.message),
  );
  const noTemplates = join(dir, 'no-templates.mjs');
  writeFileSync(
    noTemplates,
    "export default { id: 'x', title: 'X', metric: 'm', modality: 'image', kind: 'rank', splits: {support: 'a', query: 'b'}, files: [], load() {}, score() {}, postprocess() {}, templates: { paper: {} } };\n",
  );
  await assert.rejects(resolveTask(noTemplates), /task field "templates.paper" must be an object with demonstration/);
  const badBackend = join(dir, 'bad-backend.mjs');
  writeFileSync(badBackend, 'export default { info() {}, generate() {} };\n');
  await assert.rejects(createBackend(badBackend), (error: Error) =>
    error.name === 'InputError' && error.message.startsWith(badBackend) && /missing method\(s\) rank, close/.test(error.message),
  );
  const badInfo = join(dir, 'bad-info.mjs');
  writeFileSync(
    badInfo,
    "export default { info: () => ({ name: '', family: 'x', parameters: 'many', contextLength: 8 }), generate() {}, rank() {}, close() {} };\n",
  );
  await assert.rejects(createBackend(badInfo), /bad-info\.mjs: the backend's info\(\) needs name \(a non-empty string\), parameters \(a number\)$/);
  const run = cli(['--task', badTask, '--quiet', '--results-dir', dir]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /bad-task\.mjs: task field "kind" must be "generate" or "rank"/);
});

test('a backend module may export a Backend object instead of a factory', async () => {
  const dir = tempDir();
  const file = join(dir, 'object-backend.mjs');
  writeFileSync(
    file,
    "export default { info: () => ({ name: 'obj', family: 'x', parameters: 1, contextLength: 8 }), generate: async (r) => r.map(() => ({ text: 'red' })), rank: async () => [], close: async () => {} };\n",
  );
  const backend = await createBackend(file);
  assert.equal(backend.info().name, 'obj');
  const run = cli(['--task', FAKE_TASK, '--model', file, '--limit', '3', '--results-dir', dir, '--json', '--quiet']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout)[0].model, 'obj');
});
