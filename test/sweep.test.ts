// `flamingo-eval sweep <plan>`: a plan's cells run as one run; its shards, run one after another as on separate
// machines and merged, give the records of a one-machine run (numbers and examples, not timings); a rerun finishes
// what is missing and reuses finished records; --dry-run counts without loading a model; a plan's mistakes name the
// key and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runFlags } from '../src/commands/sweep.ts';
import { dryRun, loadPlan, runSweep } from '../src/run/sweep.ts';
import { mergeShards } from '../src/run/merge.ts';
import { TaskFailures } from '../src/run/evaluate.ts';
import type { RunRecord } from '../src/core/types.ts';

const FAKE_TASK = new URL('./support/fake-task.ts', import.meta.url).pathname;
const FAKE_RANK_TASK = new URL('./support/fake-rank-task.ts', import.meta.url).pathname;
const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;
const ARGS_BACKEND = new URL('./support/args-backend.ts', import.meta.url).pathname;
const BROKEN_BACKEND = new URL('./support/broken-backend.ts', import.meta.url).pathname;
const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

const tempDir = () => mkdtempSync(join(tmpdir(), 'fe-sweep-'));

function writePlan(dir: string, text: string, name = 'plan.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const PLAN = `# two models x two tasks x two shots x two seeds x two variants
models: [${TEST_BACKEND}, ${ARGS_BACKEND}]
tasks:
  - ${FAKE_TASK}
  - task: ${FAKE_RANK_TASK}
    shots: [0, 1]
shots: [0, 2]
seeds: [1, 2]
limit: 9
variants:
  - name: paper
  - name: small-pool
    support-size: 16
    model-arg: {argtest.temperature: 0.5}
`;

/** Every record under a results folder, by path relative to it (shard records and journals left out). */
function records(dir: string): Map<string, RunRecord> {
  const out = new Map<string, RunRecord>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json') || /\.shard\d+of\d+\.json$/.test(entry.name) || entry.parentPath.includes('journals')) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(relative(dir, path), JSON.parse(readFileSync(path, 'utf8')) as RunRecord);
  }
  return out;
}

/** What a record says about the evaluation: numbers and examples, not timings nor where it was written from. */
function numbers(record: RunRecord) {
  return {
    summary: record.summary,
    identity: record.config.identity,
    trials: record.trials.map((trial) => ({
      seed: trial.seed,
      metrics: trial.metrics,
      n: trial.n,
      examples: trial.examples.map(({ id, demonstrations, raw, answer, score, candidateScores }) => ({ id, demonstrations, raw, answer, score, candidateScores })),
    })),
  };
}

test("a sweep's shards, run one after another and merged, give the records of a one-machine run", async () => {
  const dir = tempDir();
  const file = writePlan(dir, PLAN);
  const single = join(dir, 'single');
  const outcomes = await runSweep(loadPlan(file, runFlags(), { resultsDir: single, quiet: true }));
  // 2 models x 2 variants x (fake: 2 shots + rank: 2 shots) = 16 cells, one record each.
  assert.equal(outcomes.length, 16);
  const whole = records(single);
  assert.equal(whole.size, 16);
  const machines = [1, 2, 3].map((i) => join(dir, `machine${i}`));
  for (const [i, machine] of machines.entries()) {
    const shard = await runSweep(loadPlan(file, runFlags(), { resultsDir: machine, shard: `${i + 1}/3`, quiet: true }));
    assert.equal(shard.length, 0, 'a shard alone writes shard records, not records');
  }
  const merged = await mergeShards(machines, { output: join(dir, 'merged') });
  assert.equal(merged.length, 16);
  const joined = records(join(dir, 'merged'));
  assert.deepEqual([...joined.keys()].sort(), [...whole.keys()].sort());
  for (const [path, record] of whole) assert.deepEqual(numbers(joined.get(path)!), numbers(record), path);
  // The variants are different configurations (their own records), and the backend argument reached its backend only.
  const argsRecords = [...whole.values()].filter((record) => record.model.name === 'args-backend');
  assert.deepEqual(new Set(argsRecords.map((record) => JSON.stringify(record.config.modelArgs))), new Set(['{"temperature":0,"verbose":false}', '{"temperature":0.5,"verbose":false}']));
  assert.ok([...whole.values()].some((record) => record.config.supportSize === 16));
});

test('a rerun reuses finished records and finishes what is missing from the journals, calling the model for nothing done', async () => {
  const dir = tempDir();
  const file = writePlan(dir, PLAN.replace(`[${TEST_BACKEND}, ${ARGS_BACKEND}]`, `[${TEST_BACKEND}]`).replace(/ *model-arg.*\n/, ''));
  const results = join(dir, 'results');
  const log = join(dir, 'calls.log');
  process.env.FLAMINGO_TEST_CALL_LOG = log;
  try {
    await runSweep(loadPlan(file, runFlags(), { resultsDir: results, quiet: true }));
    const calls = readFileSync(log, 'utf8').split('\n').length;
    const first = records(results);
    const [gone] = [...first.keys()];
    const kept = [...first.keys()][1]!;
    const keptTime = statSync(join(results, kept)).mtimeMs;
    rmSync(join(results, gone!));
    const again = await runSweep(loadPlan(file, runFlags(), { resultsDir: results, quiet: true }));
    assert.equal(again.length, first.size);
    assert.equal(readFileSync(log, 'utf8').split('\n').length, calls, 'no example was run again');
    assert.equal(statSync(join(results, kept)).mtimeMs, keptTime, 'a finished record is reused, not written again');
    const rebuilt = records(results).get(gone!)!;
    assert.deepEqual(numbers(rebuilt), numbers(first.get(gone!)!));
    assert.equal(rebuilt.timings.resumedExamples, rebuilt.trials.reduce((n, trial) => n + trial.examples.length, 0));
  } finally {
    delete process.env.FLAMINGO_TEST_CALL_LOG;
  }
});

test('a cell that cannot run is reported and skipped; the sweep finishes the others and fails', async () => {
  const dir = tempDir();
  const file = writePlan(dir, `models: [${BROKEN_BACKEND}, ${TEST_BACKEND}]\ntasks: [${FAKE_TASK}]\nshots: [0, 500]\nlimit: 3\n`);
  await assert.rejects(runSweep(loadPlan(file, runFlags(), { resultsDir: join(dir, 'r'), quiet: true })), (error: unknown) => {
    assert.ok(error instanceof TaskFailures);
    assert.equal(error.outcomes.length, 1);
    assert.deepEqual(error.failures.map((f) => `${f.model === BROKEN_BACKEND ? 'broken' : 'test'} ${f.shots}`), ['broken 0', 'broken 500', 'test 500']);
    return true;
  });
});

test('sweep --dry-run lists the cells with their counts, loads no model, and flags the cells that cannot run', () => {
  const dir = tempDir();
  const file = writePlan(dir, `models: [${BROKEN_BACKEND}]\ntasks: [${FAKE_TASK}]\nshots: [0, 4, 500]\nseeds: [1, 2, 3]\nlimit: 5\n`);
  const run = spawnSync(process.execPath, [BIN, 'sweep', file, '--dry-run', '--json'], { encoding: 'utf8', cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  const cells = JSON.parse(run.stdout) as { shots: number; queries: number; examples: number; demonstrations: number; pool: number | null; problem: string | null }[];
  assert.deepEqual(cells.map((c) => [c.shots, c.queries, c.examples, c.demonstrations]), [[0, 5, 15, 2], [4, 5, 15, 4], [500, 5, 15, 500]]);
  assert.equal(cells[1]!.pool, 60);
  assert.equal(cells[1]!.problem, null);
  assert.match(cells[2]!.problem!, /--shots 500: .*use --shots 60 or fewer/);
  // Under --shard, the counts are this machine's slice.
  const shard = spawnSync(process.execPath, [BIN, 'sweep', file, '--dry-run', '--json', '--shard', '1/2'], { encoding: 'utf8', cwd: dir });
  const half = JSON.parse(shard.stdout) as { queries: number }[];
  assert.ok(half[0]!.queries > 0 && half[0]!.queries < 5, shard.stdout);
  const table = spawnSync(process.execPath, [BIN, 'sweep', file, '--dry-run'], { encoding: 'utf8', cwd: dir });
  assert.match(table.stdout, /3 cells, 30 examples to evaluate; 1 cell cannot run/);
});

test('sweep --shard auto: the tasks of a Slurm array and the pods of a Kubernetes indexed Job, merged, give a one-machine sweep', async () => {
  const dir = tempDir();
  const file = writePlan(dir, `models: [${TEST_BACKEND}]\ntasks: [${FAKE_TASK}, ${FAKE_RANK_TASK}]\nshots: [0, 2]\nseeds: [7, 8]\nlimit: 10\nresults-dir: out\n`);
  const single = join(dir, 'single');
  await runSweep(loadPlan(file, runFlags(), { resultsDir: single, quiet: true }));
  const whole = records(single);
  const launches: [string, NodeJS.ProcessEnv, string[]][] = [
    // sbatch --array=2-4: three array tasks, each in its own results folder (relative to the plan: out/slurm/<id>).
    ...[2, 3, 4].map((id): [string, NodeJS.ProcessEnv, string[]] => [
      `slurm ${id}`,
      { SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '2' },
      ['--results-dir', join(dir, 'out', 'slurm', String(id))],
    ]),
    // An Indexed Job of 2 completions, both pods writing into one shared volume.
    ...[0, 1].map((index): [string, NodeJS.ProcessEnv, string[]] => [
      `pod ${index}`,
      { JOB_COMPLETION_INDEX: String(index) },
      ['--shard-count', '2'],
    ]),
  ];
  for (const [name, env, extra] of launches) {
    const run = spawnSync(process.execPath, [BIN, 'sweep', file, '--shard', 'auto', '--quiet', ...extra], { encoding: 'utf8', cwd: tmpdir(), env: { ...process.env, ...env } });
    assert.equal(run.status, 0, `${name}: ${run.stderr}`);
  }
  assert.ok(readdirSync(join(dir, 'out', 'slurm', '3', 'test-backend')).some((name) => /\.shard2of3\.json$/.test(name)));
  // The Kubernetes pods shared `out/` (the plan's results-dir, relative to the plan): the last shard wrote the records.
  const shared = records(join(dir, 'out'));
  for (const [path, record] of whole) assert.deepEqual(numbers(shared.get(path)!), numbers(record), `kubernetes ${path}`);
  await mergeShards([join(dir, 'out', 'slurm')], { output: join(dir, 'slurm-merged') });
  const merged = records(join(dir, 'slurm-merged'));
  assert.equal(merged.size, whole.size);
  for (const [path, record] of whole) assert.deepEqual(numbers(merged.get(path)!), numbers(record), `slurm ${path}`);
});

test("per-task data folders: a task's own folder, or a root with a folder per task", async () => {
  const dir = tempDir();
  const samples = new URL('../sample-data', import.meta.url).pathname;
  const own = loadPlan(writePlan(dir, `models: [baseline:majority]\ntasks: [coco, okvqa]\ndata:\n  coco: ${samples}/coco\n`), runFlags());
  assert.deepEqual(own.parts.map((part) => [part.options.tasks[0], part.options.dataDirs, part.options.dataDir]), [
    ['coco', { coco: join(samples, 'coco') }, undefined],
    ['okvqa', {}, undefined],
  ]);
  // The data is read from there (no model is loaded): the sample copy's queries.
  const cells = await dryRun(own);
  assert.ok(cells[0]!.queries > 0 && cells[0]!.problem === null, JSON.stringify(cells[0]));
  const root = loadPlan(writePlan(dir, `models: [baseline:majority]\ntasks: [coco, okvqa]\ndata: ${samples}\n`), runFlags());
  assert.deepEqual(root.parts.map((part) => part.options.dataDir), [samples, samples]);
});

test('a JSON plan is read like a YAML one', async () => {
  const dir = tempDir();
  const file = writePlan(dir, JSON.stringify({ models: [TEST_BACKEND], tasks: [FAKE_TASK], shots: [0], limit: 2, 'results-dir': 'r' }, null, 1), 'plan.json');
  const outcomes = await runSweep(loadPlan(file, runFlags(), { quiet: true }));
  assert.equal(outcomes[0]!.record.summary.n, 2);
  assert.ok(outcomes[0]!.path.startsWith(join(dir, 'r')));
});

test("a plan's mistakes are usage errors naming the file, the key and its line", () => {
  const dir = tempDir();
  const cases: [string, RegExp][] = [
    [`models: [a]\ntasks: [coco]\nlimmit: 3\n`, /plan\.yaml:3: unknown key "limmit" \(a top-level key\); a plan takes models, tasks, .*limit/],
    [`models: [a]\ntasks: [coco]\nvariants:\n  - name: x\n    sampelr: rices\n`, /plan\.yaml:5: unknown key "sampelr" \(in a variant\)/],
    [`models: [a]\ntasks:\n  - task: coco\n    dta: /x\n`, /plan\.yaml:4: unknown key "dta" in a tasks: entry; an entry takes task, data, split, shots/],
    [`models: [a]\ntasks: [coco]\ntask: okvqa\n`, /plan\.yaml:3: task: not a plan key \(use `tasks:` \(a list\)\)/],
    [`models: [a]\ntasks: [coco]\nshots: [0, four]\n`, /plan\.yaml:3: shots: four is not an integer >= 0/],
    [`models: [a]\ntasks: [coco]\nsupport-size: 0\n`, /plan\.yaml:3: --support-size 0: expected an integer >= 1/],
    [`models: [a]\ntasks: [coco]\nvariants:\n  - name: r\n    sampler: nearest\n`, /plan\.yaml:5: --sampler nearest: expected one of random, rices/],
    [`models: [a]\ntasks: [coco]\nablations: [no-images]\n`, /plan\.yaml:3: --ablation none,no-images|plan\.yaml:3: --ablation no-images/],
    [`models: [a]\ntasks: [coco, okvqa]\ndata: {vizwiz: /x}\n`, /plan\.yaml:3: data: vizwiz is not one of the plan's tasks \(coco, okvqa\)/],
    [`models: [a]\ntasks: [coco, okvqa]\ntask-arg: {stem: true}\n`, /plan\.yaml:3: task-arg stem=true: the plan has 2 tasks: name the one it is for/],
    [`models: [a]\ntasks: [coco]\nlimit: 3\nlimit: 4\n`, /plan\.yaml:4: limit: given twice \(also line 3\)/],
    [`models: [a]\ntasks: [coco\n`, /plan\.yaml:\d+: not a valid YAML or JSON plan: /],
    [`tasks: [coco]\n`, /plan\.yaml:1: models: missing/],
    [`models: [a]\ntasks: [coco, okvqa]\ndata:\n  okvqa: no-such-folder\n`, /plan\.yaml:4: --data okvqa= \S*no-such-folder: no such directory/],
    [`models: [a]\ntasks: [coco]\nvariants:\n  - {name: a}\n  - {name: a, sampler: rices}\n`, /plan\.yaml:5: variants: two variants are named "a"/],
  ];
  for (const [text, expected] of cases) {
    const file = writePlan(dir, text);
    assert.throws(() => loadPlan(file, runFlags()), (error: Error) => error.name === 'UsageError' && expected.test(error.message), `${text} -> ${expected}`);
  }
  // Through the CLI: exit 2 and the message on stderr.
  const file = writePlan(dir, `models: [a]\ntasks: [coco]\nlimmit: 3\n`);
  const run = spawnSync(process.execPath, [BIN, 'sweep', file], { encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /plan\.yaml:3: unknown key "limmit"/);
});

test('sweep --json: one row per record, with its model and variant; the table has a variant column', () => {
  const dir = tempDir();
  const file = writePlan(dir, `models: [${TEST_BACKEND}]\ntasks: [${FAKE_TASK}]\nshots: [0]\nlimit: 2\nvariants:\n  - name: wide\n  - name: narrow\n    support-size: 8\n`);
  const run = spawnSync(process.execPath, [BIN, 'sweep', file, '--json', '--quiet', '--results-dir', join(dir, 'r')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const rows = JSON.parse(run.stdout) as { model: string; variant: string; task: string; n: number }[];
  assert.deepEqual(rows.map((row) => [row.model, row.variant, row.task, row.n]), [
    ['test-backend', 'wide', 'fake-colours', 2],
    ['test-backend', 'narrow', 'fake-colours', 2],
  ]);
  const table = spawnSync(process.execPath, [BIN, 'sweep', file, '--results-dir', join(dir, 'r')], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.match(table.stdout, /│ variant │ task +│/);
  assert.match(table.stdout, /│ narrow +│ fake-colours │/);
});

test('ablations: every cell also runs under each ablation, a record each; --dry-run lists them', async () => {
  const dir = tempDir();
  const file = writePlan(dir, `models: [baseline:majority]\ntasks: [coco]\nshots: [0, 2]\nlimit: 2\nablations: [none, query-media]\n`);
  const cells = await dryRun(loadPlan(file, runFlags()));
  assert.deepEqual(cells.map((cell) => [cell.shots, cell.ablation]), [[0, null], [2, null], [0, 'query-media'], [2, 'query-media']]);
  const outcomes = await runSweep(loadPlan(file, runFlags(), { resultsDir: join(dir, 'r'), quiet: true }));
  assert.equal(new Set(outcomes.map((outcome) => outcome.path)).size, 4);
});
