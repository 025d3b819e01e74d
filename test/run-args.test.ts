// Task and backend arguments: `--task-arg [<task>.]<name>=<value>` and `--model-arg [<scheme>.]<name>=<value>` reach
// the task or backend that declares them, checked against the declaration; unknown ones are refused with what is
// accepted; identity arguments are a variant (own record file and config); the flags they replaced name them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../src/cli.ts';
import { refuseFormerFlags } from '../src/commands/former-flags.ts';
import { parseArgAssignment, resolveArgs, routeArgs } from '../src/core/args.ts';
import { listModels } from '../src/backends/listing.ts';
import { listTasks } from '../src/tasks/listing.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';

const ARGS_BACKEND = new URL('./support/args-backend.ts', import.meta.url).pathname;
const ARGS_TASK = new URL('./support/args-task.ts', import.meta.url).pathname;
const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;
const FAKE_TASK = new URL('./support/fake-task.ts', import.meta.url).pathname;

const usage = (pattern: RegExp) => (error: Error) => {
  assert.equal(error.name, 'UsageError', error.message);
  assert.match(error.message, pattern);
  return true;
};

test('parsing: [scope.]name[=value]; a scope is what precedes the last dot, so task ids may hold dots', () => {
  assert.deepEqual(parseArgAssignment('--task-arg', 'okvqa.stem=true'), { flag: '--task-arg', text: 'okvqa.stem=true', scope: 'okvqa', name: 'stem', value: 'true' });
  assert.deepEqual(parseArgAssignment('--model-arg', 'threads=2'), { flag: '--model-arg', text: 'threads=2', name: 'threads', value: '2' });
  assert.deepEqual(parseArgAssignment('--task-arg', 'my.task.keep-all-scores'), { flag: '--task-arg', text: 'my.task.keep-all-scores', scope: 'my.task', name: 'keep-all-scores' });
  assert.equal(parseArgAssignment('--model-arg', 'base-url=http://h:1/v1?a=b').value, 'http://h:1/v1?a=b');
  for (const bad of ['Stem=1', '.stem=1', 'stem_x=1', '=1', 'okvqa.=1']) {
    assert.throws(() => parseArgAssignment('--task-arg', bad), usage(/expected \[<task>\.\]<name>=<value>/), bad);
  }
});

test('values are checked against the declaration; defaults are filled in; unknown names list what is accepted', () => {
  const specs = [
    { name: 'n', type: 'integer' as const, min: 1, default: 4, description: 'a count' },
    { name: 'on', type: 'boolean' as const, default: false, description: 'a switch' },
    { name: 'mode', type: 'string' as const, choices: ['a', 'b'], description: 'a choice' },
    { name: 'x', type: 'number' as const, description: 'a number', check: (v: unknown) => (Number(v) === 13 ? 'unlucky' : undefined) },
  ];
  const owner = { kind: 'task' as const, id: 't' };
  const given = (...texts: string[]) => texts.map((text) => parseArgAssignment('--task-arg', text));
  assert.deepEqual(resolveArgs(owner, specs, []), { n: 4, on: false });
  assert.deepEqual(resolveArgs(owner, specs, given('n=7', 'on', 'mode=b', 'x=-0.5')), { n: 7, on: true, mode: 'b', x: -0.5 });
  assert.deepEqual(resolveArgs(owner, specs, { n: 2, on: true }), { n: 2, on: true });
  assert.throws(() => resolveArgs(owner, specs, given('n=0')), usage(/^--task-arg n=0: n takes an integer >= 1$/));
  assert.throws(() => resolveArgs(owner, specs, given('n=2.5')), usage(/n takes an integer$/));
  assert.throws(() => resolveArgs(owner, specs, given('on=yes')), usage(/on takes true or false/));
  assert.throws(() => resolveArgs(owner, specs, given('mode=c')), usage(/mode takes one of a, b/));
  assert.throws(() => resolveArgs(owner, specs, given('x=13')), usage(/^--task-arg x=13: unlucky$/));
  assert.throws(() => resolveArgs(owner, specs, given('mode')), usage(/mode needs a value/));
  assert.throws(() => resolveArgs(owner, specs, given('n=2', 'n=3')), usage(/already set by --task-arg n=2/));
  assert.throws(
    () => resolveArgs(owner, specs, given('count=2')),
    usage(/^--task-arg count=2: task t has no argument "count"; it accepts: n \(integer, >= 1, default 4\): a count; on \(boolean, default false\): a switch; mode \(a \| b\): a choice; x \(number\): a number$/),
  );
  assert.throws(() => resolveArgs({ kind: 'backend', id: 'b.js' }, undefined, given('n=1')), usage(/backend b.js has no argument "n"; backend b.js takes no arguments/));
});

test('routing: a scope names one of the run\'s tasks; without one, the run must have a single task', () => {
  const given = (text: string) => [parseArgAssignment('--task-arg', text)];
  assert.deepEqual(routeArgs(given('stem=true'), ['okvqa'], 'task').get('okvqa')?.[0]?.name, 'stem');
  assert.throws(() => routeArgs(given('stem=true'), ['okvqa', 'coco'], 'task'), usage(/this run has 2 tasks \(okvqa, coco\): name the one it is for, e.g. --task-arg okvqa.stem=true/));
  assert.throws(() => routeArgs(given('vqav2.stem=true'), ['okvqa', 'coco'], 'task'), usage(/this run has no task vqav2 \(its tasks: okvqa, coco\)/));
});

async function run(flags: Record<string, unknown>) {
  return evaluate(parseRunOptions({ shots: '2', limit: '6', quiet: true, resultsDir: mkdtempSync(join(tmpdir(), 'flamingo-args-')), ...flags }));
}

test('a backend argument reaches the backend, is recorded, and an identity one is a variant with its own file', async () => {
  const [plain] = await run({ task: FAKE_TASK, model: ARGS_BACKEND });
  assert.deepEqual(plain!.record.config.modelArgs, { temperature: 0, verbose: false });
  assert.deepEqual(plain!.record.config.variant, { task: {}, model: {} });
  assert.match(plain!.path, /\/args-backend\/fake-colours-2shot-sample-limit6-[0-9a-f]{8}\.json$/);
  assert.ok(plain!.record.trials[0]!.examples.every((example) => example.raw.endsWith(' t=0')));

  const [warm] = await run({ task: FAKE_TASK, model: ARGS_BACKEND, modelArg: ['argtest.temperature=0.5', 'verbose'] });
  assert.deepEqual(warm!.record.config.modelArgs, { temperature: 0.5, verbose: true });
  assert.deepEqual(warm!.record.config.variant, { task: {}, model: { temperature: 0.5 } });
  assert.match(warm!.path, /\/fake-colours-2shot-temperature0.5-sample-limit6-[0-9a-f]{8}\.json$/);
  assert.ok(warm!.record.trials[0]!.examples.every((example) => example.raw.endsWith(' t=0.5')));
  // An identity argument changes the model's identity part; a non-identity one (verbose) does not.
  assert.notEqual(warm!.record.config.identityParts, undefined);
  const parts = (r: typeof warm) => r!.record.config.identityParts as Record<string, string>;
  assert.notEqual(parts(warm).model, parts(plain).model);
  const [quiet] = await run({ task: FAKE_TASK, model: ARGS_BACKEND, modelArg: ['verbose=true'] });
  assert.equal(parts(quiet).model, parts(plain).model);
});

test('unknown or misdirected backend arguments are usage errors naming the backend and what it accepts', async () => {
  await assert.rejects(run({ task: FAKE_TASK, model: ARGS_BACKEND, modelArg: ['threads=2'] }),
    usage(/^--model-arg threads=2: backend argtest has no argument "threads"; it accepts: temperature \(number, >= 0, default 0\): sampling temperature \(answers change\); verbose \(boolean, default false\)/));
  await assert.rejects(run({ task: FAKE_TASK, model: ARGS_BACKEND, modelArg: ['onnx.threads=2'] }), usage(/^--model-arg onnx.threads=2: this run has no backend onnx \(its backend: argtest\)/));
  await assert.rejects(run({ task: FAKE_TASK, model: ARGS_BACKEND, modelArg: ['temperature=-1'] }), usage(/temperature takes a number >= 0/));
  await assert.rejects(run({ task: FAKE_TASK, model: TEST_BACKEND, modelArg: ['x=1'] }), usage(/backend test has no argument "x"; backend test takes no arguments/));
  // The built-in ONNX backend checks its own (before loading anything).
  await assert.rejects(run({ task: FAKE_TASK, model: 'onnx:/nonexistent', modelArg: ['threads=0'] }), usage(/^--model-arg threads=0: threads takes an integer >= 1/));
  await assert.rejects(run({ task: FAKE_TASK, model: 'onnx:/nonexistent', modelArg: ['image-size=2'] }), usage(/backend onnx has no argument "image-size"; it accepts: threads .*; workers \(integer, >= 0, default 0\)/));
});

test('a task argument configures the task, is recorded, and an identity one is a variant with its own file', async () => {
  const [lower] = await run({ task: ARGS_TASK, model: TEST_BACKEND });
  const [upper] = await run({ task: ARGS_TASK, model: TEST_BACKEND, taskArg: ['fake-args.case=upper'] });
  assert.deepEqual(lower!.record.config.taskArgs, { case: 'lower' });
  assert.deepEqual(upper!.record.config.taskArgs, { case: 'upper' });
  assert.deepEqual(upper!.record.config.variant, { task: { case: 'upper' }, model: {} });
  assert.match(upper!.path, /\/fake-args-2shot-caseupper-sample-limit6-[0-9a-f]{8}\.json$/);
  assert.ok(upper!.record.trials[0]!.examples.every((example) => example.answer === example.answer.toUpperCase()));
  assert.ok(lower!.record.summary.metrics.accuracy!.mean! > 0);
  assert.equal(upper!.record.summary.metrics.accuracy!.mean, 0);
  await assert.rejects(run({ task: ARGS_TASK, model: TEST_BACKEND, taskArg: ['case=title'] }), usage(/case takes one of lower, upper/));
  await assert.rejects(run({ task: FAKE_TASK, model: TEST_BACKEND, taskArg: ['case=upper'] }), usage(/task fake-colours has no argument "case"; task fake-colours takes no arguments/));
});

test('the flags that became arguments are refused, naming the replacement', async () => {
  const cases: [string[], RegExp][] = [
    [['--okvqa-stem'], /^--okvqa-stem: this flag is now --task-arg okvqa.stem=true/],
    [['--keep-all-scores'], /^--keep-all-scores: this flag is now one of --task-arg imagenet.keep-all-scores=true, --task-arg kinetics700.keep-all-scores=true/],
    [['--threads', '2'], /^--threads 2: this flag is now --model-arg threads=2/],
    [['--workers=3'], /^--workers 3: this flag is now --model-arg workers=3/],
    [['--base-url', 'http://gpu:8000/v1'], /^--base-url http:\/\/gpu:8000\/v1: this flag is now --model-arg base-url=http:\/\/gpu:8000\/v1/],
    [['--api-key-env', 'VLLM_KEY'], /this flag is now --model-arg api-key-env=VLLM_KEY/],
    [['--request-timeout', '30'], /this flag is now --model-arg request-timeout=30/],
    [['--retries', '1'], /this flag is now --model-arg retries=1/],
    [['--image-size', '448'], /this flag is now --model-arg image-size=448/],
  ];
  for (const [flags, message] of cases) {
    await assert.rejects(refuseFormerFlags(buildProgram(), ['--task', 'okvqa', ...flags]), usage(message), flags.join(' '));
    await assert.rejects(refuseFormerFlags(buildProgram(), ['run', '--task', 'okvqa', ...flags]), usage(message), flags.join(' '));
  }
  // Flags the run command knows, other commands and unknown flags are commander's business.
  await refuseFormerFlags(buildProgram(), ['--task', 'okvqa', '--task-arg', 'okvqa.stem=true']);
  await refuseFormerFlags(buildProgram(), ['--task', 'okvqa', '--no-such-flag']);
  await refuseFormerFlags(buildProgram(), ['leaderboard', '--threads', '2']);
});

test('tasks --json and models --json list the arguments each task and backend declares', () => {
  const tasks = Object.fromEntries(listTasks().map((task) => [task.id, task.args]));
  assert.deepEqual(tasks.okvqa!.map((a) => [a.name, a.type, a.default, a.identity]), [['stem', 'boolean', false, true]]);
  assert.deepEqual(tasks.imagenet!.map((a) => [a.name, a.identity]), [['keep-all-scores', false]]);
  assert.deepEqual(tasks.kinetics700!.map((a) => a.name), ['keep-all-scores']);
  assert.deepEqual(tasks.coco, []);
  const backends = Object.fromEntries(listModels().backends.map((backend) => [backend.scheme, backend.args.map((a) => a.name)]));
  assert.deepEqual(backends.onnx, ['threads', 'workers']);
  assert.deepEqual(backends.openai, ['base-url', 'api-key-env', 'request-timeout', 'retries', 'image-size', 'server', 'allow-greedy', 'prompts-per-request', 'max-images', 'interleave-check', 'max-response-mb']);
  assert.deepEqual(backends.baseline, []);
});
