// End to end on a fresh clone: `flamingo-eval --task okvqa --shots 4` on the built-in sample data, with the baseline
// backend named explicitly (it was the default model until the built-in models landed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../src/core/types.ts';

const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

test('flamingo-eval --task okvqa --shots 4 runs on the built-in sample data and says so', () => {
  const results = mkdtempSync(join(tmpdir(), 'flamingo-okvqa-'));
  const run = spawnSync(process.execPath, [BIN, '--task', 'okvqa', '--shots', '4', '--model', 'baseline:majority', '--results-dir', results], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /model: baseline-majority \(--model baseline:majority\)/);
  assert.match(run.stdout, /okvqa .* 4 .* vqa_accuracy/);
  assert.match(run.stdout, /built-in sample data — not a benchmark score/);
  const [name, ...others] = readdirSync(join(results, 'baseline-majority')).filter((file) => file.endsWith('.json'));
  assert.deepEqual(others, []);
  assert.match(name!, /^okvqa-4shot-sample-[0-9a-f]{8}\.json$/, 'the record name says it ran on sample data');
  const record = JSON.parse(readFileSync(join(results, 'baseline-majority', name!), 'utf8')) as RunRecord;
  assert.equal(record.data.sample, true);
  assert.ok(record.data.files.length > 0 && record.data.files.every((file) => /^[0-9a-f]{64}$/.test(file.sha256)));
  assert.equal(record.summary.primary, 'vqa_accuracy');
  const trial = record.trials[0]!;
  assert.equal(trial.n, record.data.querySize);
  assert.ok(trial.examples.every((example) => example.demonstrations.length === 4));
  // VQA accuracy is the mean of the per-question scores.
  const mean = trial.examples.reduce((sum, example) => sum + example.score!, 0) / trial.n;
  assert.ok(Math.abs(mean - trial.metrics.vqa_accuracy!) < 1e-9);
  // The sample OK-VQA's answers are made-up names that only the demonstrations reveal: a majority vote over four
  // demonstrations finds some of them, so the baseline scores above zero but far from perfect.
  assert.ok(trial.metrics.vqa_accuracy! > 0 && trial.metrics.vqa_accuracy! < 60, String(trial.metrics.vqa_accuracy));
});

// Answers the most frequent demonstration answer with an "s" added ("vin" -> "vins"): open_flamingo's OK-VQA stemming
// singularizes it back, the official scorer does not.
const PLURAL_BACKEND = `
export default {
  info: () => ({ name: 'plural-majority', family: 'test', parameters: 1, contextLength: 1000 }),
  async generate(requests) {
    return requests.map(({ prompt }) => {
      const answers = prompt.filter((p) => p.type === 'text').map((p) => /Answer: (\\S.*)$/.exec(p.text)?.[1]).filter(Boolean);
      const counts = new Map();
      for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
      const best = [...counts].sort((x, y) => y[1] - x[1])[0]?.[0] ?? 'none';
      return { text: best + 's' };
    });
  },
  async rank(requests) { return requests.map((r) => ({ logLikelihoods: r.candidates.map(() => 0) })); },
  async close() {},
};
`;

test('--task-arg okvqa.stem=true scores OK-VQA with open_flamingo stemming, a record of its own that says so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-okvqa-stem-'));
  const backend = join(dir, 'plural.mjs');
  writeFileSync(backend, PLURAL_BACKEND);
  const results = join(dir, 'results');
  const runWith = (...flags: string[]) => {
    const run = spawnSync(process.execPath, [BIN, '--task', 'okvqa', '--shots', '4', '--model', backend, '--results-dir', results, '--json', ...flags], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const [row] = JSON.parse(run.stdout) as { mean: number; record: string }[];
    return { mean: row!.mean, path: row!.record, record: JSON.parse(readFileSync(row!.record, 'utf8')) as RunRecord };
  };
  const official = runWith();
  const stemmed = runWith('--task-arg', 'okvqa.stem=true');
  assert.match(stemmed.path, /\/okvqa-4shot-stem-sample-[0-9a-f]{8}\.json$/);
  assert.notEqual(stemmed.path, official.path);
  assert.deepEqual(stemmed.record.config.taskArgs, { stem: true });
  assert.deepEqual(stemmed.record.config.variant, { task: { stem: true }, model: {} });
  assert.deepEqual(official.record.config.taskArgs, { stem: false });
  assert.deepEqual(official.record.config.variant, { task: {}, model: {} });
  assert.ok(stemmed.record.trials[0]!.examples.every((example) => example.raw.endsWith('s')));
  // The stemmed answers match where the plural did not; the predictions themselves came from one journal.
  assert.ok(stemmed.mean > official.mean + 5, `${stemmed.mean} vs ${official.mean}`);
  assert.equal(stemmed.record.timings.resumedExamples, stemmed.record.trials[0]!.n);
  // Nothing to stem: refused, naming the argument and the run's tasks.
  const coco = spawnSync(process.execPath, [BIN, '--task', 'coco', '--task-arg', 'okvqa.stem=true', '--results-dir', results], { encoding: 'utf8' });
  assert.equal(coco.status, 2);
  assert.match(coco.stderr, /--task-arg okvqa.stem=true: this run has no task okvqa \(its task: coco\)/);
  // A misspelt argument: refused, listing what the task accepts.
  const typo = spawnSync(process.execPath, [BIN, '--task', 'okvqa', '--task-arg', 'okvqa.stemm=true', '--results-dir', results], { encoding: 'utf8' });
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /--task-arg okvqa.stemm=true: task okvqa has no argument "stemm"; it accepts: stem \(boolean, default false\)/);
  // The flag of earlier versions: refused, naming its replacement.
  const old = spawnSync(process.execPath, [BIN, '--task', 'okvqa', '--okvqa-stem', '--results-dir', results], { encoding: 'utf8' });
  assert.equal(old.status, 2);
  assert.match(old.stderr, /--okvqa-stem: this flag is now --task-arg okvqa.stem=true/);
});
