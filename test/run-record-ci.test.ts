// Every record carries the 95% bootstrap interval of its headline number (summary.ci): queries resampled, every seed
// scored on the same resampled queries, seeds averaged within each resample; a corpus metric (CIDEr-D) recomputed on
// each resample with that resample's document frequencies. The run summary and --json show it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { CI_SAMPLES, CI_SEED } from '../src/run/record-ci.ts';
import { jsonSummary, renderSummary } from '../src/run/summary.ts';
import { tokenizeCaptionItems } from '../src/metrics/text/ptb-tokenize.ts';
import { queryInterval } from '../src/stats/query-bootstrap.ts';
import { ciderDResampler, perItemMean } from '../src/stats/resamplers.ts';

const FAKE_TASK = new URL('./support/fake-task.ts', import.meta.url).pathname;
const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'record-ci-'));
after(() => rmSync(root, { recursive: true, force: true }));

const run = (flags: Record<string, unknown>) => evaluate(parseRunOptions({ resultsDir: root, quiet: true, ...flags }));

test('a per-item metric: the interval of the seed-averaged accuracy, over the same resampled queries for every seed', async () => {
  const [outcome] = await run({ task: FAKE_TASK, model: TEST_BACKEND, shots: '2', seeds: '1,2,3' });
  const { record } = outcome!;
  const ci = record.summary.ci!;
  assert.ok(ci, 'summary.ci');
  const seeds = record.trials.map((trial) => perItemMean(trial.examples.map((example) => example.score!)));
  const expected = queryInterval(record.trials[0]!.examples.length, seeds, { samples: CI_SAMPLES, seed: CI_SEED });
  assert.deepEqual(ci, { ...expected });
  assert.equal(ci.samples, 1000);
  const mean = record.summary.metrics[record.summary.primary]!.mean!;
  assert.ok(ci.low <= mean && mean <= ci.high, JSON.stringify(ci));
  const rows = JSON.parse(jsonSummary([outcome!])) as { ci?: { low: number; high: number } }[];
  assert.deepEqual([rows[0]!.ci!.low, rows[0]!.ci!.high], [ci.low, ci.high]);
  assert.match(renderSummary([outcome!], false), /95% CI: bootstrap over the queries/);
});

test('CIDEr-D: each resample rescored with its own document frequencies, not the full set per-image values', async () => {
  const [outcome] = await run({ task: 'coco', model: 'baseline:majority', shots: '2', seeds: '5,6' });
  const { record } = outcome!;
  const perSeed = record.trials.map((trial) =>
    ciderDResampler(
      tokenizeCaptionItems(trial.examples.map((example) => ({ id: example.id, prediction: example.answer, references: example.references! }))),
    ),
  );
  const expected = queryInterval(record.trials[0]!.examples.length, perSeed, { samples: CI_SAMPLES, seed: CI_SEED });
  assert.deepEqual(record.summary.ci, { ...expected });
  const shortcut = queryInterval(
    record.trials[0]!.examples.length,
    record.trials.map((trial) => perItemMean(trial.examples.map((example) => example.score!))),
    { samples: CI_SAMPLES, seed: CI_SEED },
  );
  assert.notEqual(shortcut.low, expected.low);
});
