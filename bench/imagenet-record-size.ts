// The size of an ImageNet run record under --protocol flamingo: 10 queries per class (10,000) at 4 shots, one seed, on a
// synthetic split of 1000 classes (examples made in memory, scores from a seeded generator in place of a model). Writes
// the record as a run does (buildTrial + assembleRecord + writeRecord) with every class's score per example
// (--task-arg imagenet.keep-all-scores=true) and as the default keeps it (the top 5 and the correct class's rank and score), and prints both.
//   node --import tsx bench/imagenet-record-size.ts [--queries-per-class 10]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rngFor } from '../src/core/random.ts';
import { entryKey, type JournalEntry } from '../src/run/journal.ts';
import { planTrials } from '../src/run/plan.ts';
import { assembleRecord, buildTrial, writeRecord } from '../src/run/record.ts';
import { argmax } from '../src/run/runner.ts';
import { querySubsetPerClass } from '../src/run/sampler.ts';
import { renderTable } from '../src/core/table.ts';
import { imagenet } from '../src/tasks/imagenet.ts';
import { syntheticImagenet } from './synthetic-imagenet.ts';

const { values } = parseArgs({ options: { 'queries-per-class': { type: 'string', default: '10' } } });
const perClass = { ...imagenet.protocolPerClass!, query: Number(values['queries-per-class']) };
// Names of ImageNet's length (CLIP's list: 1 to 5 words).
const { names, split } = syntheticImagenet(
  (wnid, c) => `class ${['tench', 'great white shark', 'goldfish', 'American black bear', 'ox'][c % 5]} ${wnid}`,
);
const support = split('train', 32);
const queries = querySubsetPerClass(split('val', 50), imagenet.id, perClass.query, perClass.classOf);
const [plan] = await planTrials({
  task: imagenet,
  support,
  queries,
  shots: 4,
  seeds: [42],
  supportSize: 2048,
  perClass,
  zeroShotTextDemos: 0,
  templates: imagenet.templates.paper!,
});

// Journal entries as the runner writes them: mean token log-likelihoods, the chosen class, the prompt.
const rng = rngFor('imagenet-record-size');
const entries = new Map<string, JournalEntry>();
for (const query of plan!.queries) {
  const scores = names.map(() => -1 - 4 * rng());
  entries.set(entryKey(42, query.example.id), {
    seed: 42,
    example: {
      id: query.example.id,
      demonstrations: query.shots.map((shot) => shot.example.id),
      prompt: query.prompt,
      raw: names[argmax(scores)]!,
      candidateScores: scores,
      answer: names[argmax(scores)]!,
      backendMs: 12.3456,
      mediaMs: 1.234,
    },
  });
}

const dir = mkdtempSync(join(tmpdir(), 'imagenet-record-size-'));
const rows: string[][] = [];
try {
  for (const keepAllScores of [true, false]) {
    const started = performance.now();
    const trial = buildTrial(imagenet.configure!({ 'keep-all-scores': keepAllScores }), plan!, entries);
    const record = assembleRecord({
      task: imagenet,
      shots: 4,
      model: { name: 'bench', family: 'bench', parameters: 1, contextLength: 2048, spec: 'bench' },
      data: { support: [], query: [], files: [], sample: false },
      querySize: queries.length,
      plans: [plan!],
      trials: [trial],
      resumed: 0,
      startedAt: started,
      config: { taskArgs: { 'keep-all-scores': keepAllScores } },
    });
    const path = join(dir, `record-${keepAllScores}.json`);
    writeRecord(path, record);
    rows.push([
      keepAllScores ? 'keep-all-scores=true (every class)' : 'default (top 5 + gold rank)',
      String(trial.examples.length),
      `${(statSync(path).size / 1e6).toFixed(1)} MB`,
      `${(performance.now() - started).toFixed(0)} ms`,
      trial.metrics.top1_accuracy!.toFixed(2),
    ]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(renderTable(['record', 'examples', 'size (1 seed)', 'build + write', 'top-1'], rows));
