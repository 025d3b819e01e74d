// Planning ImageNet under --protocol flamingo: 10 queries per class (10,000) and a pool of 32 train images per class
// (32,000), on a synthetic split of 1000 classes (no files: the examples are made in memory). Times the plan of one
// seed at 4 shots with the random sampler (support pool, eligible demonstrations, prompts), with and without prompt
// ensembling, and the RICES selection per query over the 32,000-item pool at two feature sizes.
//   node --import tsx bench/imagenet-plan.ts [--train-per-class 100] [--rices-queries 200]
import { parseArgs } from 'node:util';
import { rngFor } from '../src/core/random.ts';
import { planTrials } from '../src/run/plan.ts';
import { ricesDemonstrations } from '../src/run/rices.ts';
import { drawSupportPoolPerClass, querySubsetPerClass } from '../src/run/sampler.ts';
import { renderTable } from '../src/core/table.ts';
import { imagenet } from '../src/tasks/imagenet.ts';
import { syntheticImagenet } from './synthetic-imagenet.ts';

const { values } = parseArgs({
  options: { 'train-per-class': { type: 'string', default: '100' }, 'rices-queries': { type: 'string', default: '200' } },
});
const perClass = imagenet.protocolPerClass!;
const { split } = syntheticImagenet();
const support = split('train', Number(values['train-per-class']));
const queries = querySubsetPerClass(split('val', 50), imagenet.id, perClass.query, perClass.classOf);

const rows: string[][] = [];
for (const promptEnsemble of [1, 6]) {
  const cpu = process.cpuUsage();
  const started = performance.now();
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
    promptEnsemble,
  });
  const used = process.cpuUsage(cpu);
  rows.push([
    `plan, random sampler, --prompt-ensemble ${promptEnsemble}`,
    `${plan!.queries.length} queries, pool ${plan!.supportPoolSize}`,
    `${((performance.now() - started) / 1000).toFixed(1)} s`,
    `${((used.user + used.system) / 1e6).toFixed(1)} s`,
  ]);
}

const pool = drawSupportPoolPerClass(support, perClass.support, perClass.classOf, 42, imagenet.id);
const riceQueries = queries.slice(0, Number(values['rices-queries']));
for (const dim of [64, 768]) {
  const rng = rngFor('imagenet-plan-bench', dim);
  const vector = () => {
    const v = Float32Array.from({ length: dim }, () => rng() - 0.5);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const features = new Map(pool.map((e) => [e.id, vector()]));
  const queryFeatures = new Map(riceQueries.map((e) => [e.id, vector()]));
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const query of riceQueries) ricesDemonstrations(pool, query, 4, features, queryFeatures);
  const used = process.cpuUsage(cpu);
  rows.push([
    `RICES selection, ${dim}-d features`,
    `${riceQueries.length} queries, pool ${pool.length}`,
    `${((performance.now() - started) / riceQueries.length).toFixed(1)} ms/query`,
    `${((used.user + used.system) / 1e3 / riceQueries.length).toFixed(1)} ms/query`,
  ]);
}
console.log(renderTable(['step', 'size', 'wall', 'CPU'], rows));
