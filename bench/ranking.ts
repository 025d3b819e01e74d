// Close-ended ranking speed: candidates scored per second when ranking ImageNet's 1000 class names after one prompt
// (the shared prompt computed once per request), against scoring each candidate with its own request (the prompt
// recomputed for every candidate), at 0 and 4 shots. Queries and demonstrations come from the ImageNet sample data;
// the candidates are the 1000 built-in class names (with the paper style's leading space).
//   node --import tsx bench/ranking.ts [--bundle <onnx bundle folder>] [--queries 4] [--naive 50] [--threads 2]
// Without --bundle, the ONNX backend is measured with the built-in flamingo-tiny-* bundles that exist (none: skipped).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MajorityBaseline } from '../src/backends/baseline.ts';
import { OnnxFlamingoBackend } from '../src/backends/onnx/backend.ts';
import { MODELS_DIR } from '../src/backends/onnx/index.ts';
import { buildPrompt, promptTemplates } from '../src/run/prompt.ts';
import { drawSupportPool, eligibleDemonstrations, querySubset, randomDemonstrations } from '../src/run/sampler.ts';
import { renderTable } from '../src/core/table.ts';
import type { Backend, RankRequest } from '../src/core/types.ts';
import { imagenet, imagenetClassNames } from '../src/tasks/imagenet.ts';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    queries: { type: 'string', default: '4' },
    naive: { type: 'string', default: '50' },
    threads: { type: 'string', default: '2' },
  },
});
const queryCount = Number(values.queries);
const naiveCount = Number(values.naive);
const seed = 42;

const templates = promptTemplates(imagenet, 'paper');
const candidates = Object.values(imagenetClassNames()).map((name) => `${templates.candidatePrefix ?? ''}${name}`);
const data = await imagenet.load({});
const pool = drawSupportPool(data.support, 2048, seed, imagenet.id);
const queries = querySubset(data.query, imagenet.id, queryCount);

function requests(shots: number, perRequest: 'all' | 'one'): RankRequest[] {
  return queries.flatMap((query) => {
    const demos = randomDemonstrations(eligibleDemonstrations(pool, query), query, shots, seed, imagenet.id).map((example) => ({
      example,
      withMedia: true,
    }));
    const prompt = buildPrompt(templates, demos, query);
    if (perRequest === 'all') return [{ prompt, candidates, lengthNormalize: true }];
    return candidates.slice(0, naiveCount).map((candidate) => ({ prompt, candidates: [candidate], lengthNormalize: true }));
  });
}

/** Candidates per second (wall and CPU) for the requests, sent one request at a time as the run loop batches them. */
async function measure(backend: Backend, batch: RankRequest[]): Promise<{ wall: number; cpu: number; count: number }> {
  await backend.rank([batch[0]!]); // warm-up: graph initialisation, visual cache of the first images
  const count = batch.reduce((n, r) => n + r.candidates.length, 0);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const request of batch) await backend.rank([request]);
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: count / wallS, cpu: count / ((cpu.user + cpu.system) / 1e6), count };
}

const backends: { name: string; open(): Promise<Backend> }[] = [{ name: 'baseline:majority', open: async () => new MajorityBaseline() }];
const bundles = values.bundle
  ? [values.bundle]
  : ['s', 'm', 'l'].map((size) => join(MODELS_DIR, `flamingo-tiny-${size}`)).filter((dir) => existsSync(join(dir, 'manifest.json')));
for (const dir of bundles) {
  backends.push({ name: `onnx:${dir}`, open: () => OnnxFlamingoBackend.open(dir, { threads: Number(values.threads) }) });
}
if (bundles.length === 0) console.log('no ONNX bundle (models/flamingo-tiny-* or --bundle): measuring the baseline only');

const rows: string[][] = [];
for (const { name, open } of backends) {
  const backend = await open();
  for (const shots of [0, 4]) {
    const shared = await measure(backend, requests(shots, 'all'));
    const naive = await measure(backend, requests(shots, 'one'));
    rows.push([
      name,
      String(shots),
      `${queries.length} x ${candidates.length}`,
      shared.wall.toFixed(0),
      shared.cpu.toFixed(0),
      `${queries.length} x ${naiveCount}`,
      naive.wall.toFixed(1),
      `${(shared.wall / naive.wall).toFixed(1)}x`,
    ]);
  }
  await backend.close();
}
console.log(`ImageNet ranking, ${candidates.length} class names per query, length-normalised, one request at a time`);
console.log(
  renderTable(
    ['backend', 'shots', 'shared prompt: scored', 'cand/s (wall)', 'cand/s (CPU)', 'prompt per candidate: scored', 'cand/s (wall)', 'speed-up'],
    rows,
  ),
);
