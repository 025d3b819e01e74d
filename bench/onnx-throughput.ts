// Throughput of the ONNX backend on the built-in sample tasks, per session layout: examples per second at 0, 4 and 32
// shots, the share of session time spent inside ONNX Runtime (the rest is the harness's own overhead: prompts,
// tokenizing, search, copies, waiting for media), visual encodes per query (the visual-token cache at work), peak
// memory, and the speed of each layout against the baseline: the same run in one session on the main thread.
//   node --import tsx bench/onnx-throughput.ts [--model flamingo-tiny-m] [--tasks coco,okvqa] [--shots 0,4,32]
//     [--queries 32] [--batch-size 4] [--layouts 0x2,0x2@2,0x1,2x1] [--rounds 1] [--in-flight auto]
// A layout is WxI: W sessions in worker threads (0: one session on the main thread) x I intra-op threads each; the
// first is the baseline. Each layout runs as the CLI would with `--concurrency W+1 --model-arg threads=W*I` (W workers, one
// batch in flight per worker plus one whose media load meanwhile) or, for W = 0, `--concurrency 1 --model-arg threads=I`;
// WxI@N (or --in-flight N for all) keeps N batches in flight instead. Each layout runs in its own child process (so that its peak memory
// is its own), the layouts of a task back to back, so that their ratios compare runs made under the same conditions;
// --rounds repeats that with the order reversed every other round, and the ratio reported is that of the summed
// times. Every layout must generate the same texts.
//
// Measured (M as rebuilt in 09043ec, --rounds 2, on a 2-core x86-64 machine (AMD EPYC, Node 20)), as
// examples/s of the baseline (main x2, 1 in flight) and each layout's ratio to it:
//   coco  0/4/32 shots: 12.6 / 8.35 / 0.98 ex/s; main x2 with 2 in flight 1.17 / 0.99 / 1.01x; main x1 0.75 / 0.65 /
//         0.98x; 2 workers x1 (3 in flight) 0.79 / 0.80 / 1.04x
//   okvqa 0/4/32 shots: 59.5 / 41.6 / 4.99 ex/s; main x2 with 2 in flight 0.92 / 1.00 / 0.85x; main x1 0.73 / 0.82 /
//         0.82x; 2 workers x1 0.73 / 0.78 / 0.86x
// In ORT (baseline): 86 / 89 / 93% (coco), 71 / 76 / 91% (okvqa); with 2 in flight 90-99.7%. Encodes per query at
// 32 shots: 0.06. Peak RSS: 212-546 MiB (baseline), 316-981 MiB (2 workers). An earlier run gave 2 in flight
// 1.14-1.68x and 2 workers 0.81-1.61x: the ratios vary between runs.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import { OnnxFlamingoBackend } from '../src/backends/onnx/backend.ts';
import { MODELS_DIR } from '../src/backends/onnx/index.ts';
import { buildPrompt, promptTemplates } from '../src/run/prompt.ts';
import { drawSupportPool, eligibleDemonstrations, querySubset, randomDemonstrations, zeroShotTextDemonstrations } from '../src/run/sampler.ts';
import { renderTable } from '../src/core/table.ts';
import type { GenerateRequest, Shot, Task } from '../src/core/types.ts';
import { builtinTasks } from '../src/tasks/index.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'flamingo-tiny-m' },
    tasks: { type: 'string', default: 'coco,okvqa' },
    shots: { type: 'string', default: '0,4,32' },
    queries: { type: 'string', default: '32' },
    'batch-size': { type: 'string', default: '4' },
    layouts: { type: 'string', default: '0x2,0x2@2,0x1,2x1' },
    rounds: { type: 'string', default: '1' },
    'in-flight': { type: 'string', default: 'auto' },
    child: { type: 'string' },
    bundle: { type: 'string' },
  },
});
const seed = 42;
const queries = Number(values.queries);
const batchSize = Number(values['batch-size']);
const shotCounts = values.shots!.split(',').map(Number);
const layouts = values.layouts!.split(',').map((text) => {
  const match = /^(\d+)x(\d+)(?:@(\d+))?$/.exec(text);
  if (!match) throw new Error(`--layouts: "${text}" is not WxI or WxI@N (e.g. 2x1, 0x2@2)`);
  return { name: text, workers: Number(match[1]), threads: Number(match[2]), inFlight: match[3] === undefined ? undefined : Number(match[3]) };
});
/** Batches in flight: --in-flight, else one per worker plus one loading its media (one without workers). */
const inFlight = (l: (typeof layouts)[number]) =>
  l.inFlight ?? (values['in-flight'] === 'auto' ? (l.workers === 0 ? 1 : l.workers + 1) : Number(values['in-flight']));
const label = (l: (typeof layouts)[number]) =>
  `${l.workers === 0 ? `main x${l.threads}` : `${l.workers} workers x${l.threads}`}, ${inFlight(l)} in flight`;

interface Measure {
  wallMs: number;
  ortMs: number;
  sessions: number;
  mediaMs: number;
  encodes: number;
  queries: number;
  peakRss: number;
}

async function requestsFor(task: Task, shots: number): Promise<GenerateRequest[]> {
  const data = await task.load({});
  const pool = drawSupportPool(data.support, 2048, seed, task.id);
  const templates = promptTemplates(task, 'paper');
  return querySubset(data.query, task.id, queries).map((query) => {
    const eligible = eligibleDemonstrations(pool, query);
    const demos: Shot[] =
      shots === 0
        ? zeroShotTextDemonstrations(eligible, query, 2, seed, task.id)
        : randomDemonstrations(eligible, query, shots, seed, task.id).map((example) => ({ example, withMedia: true }));
    return { prompt: buildPrompt(templates, demos, query), ...task.generation };
  });
}

/** One layout over the shot counts in order (the cache warms from one to the next, as in a run of --shots 0,4,32). */
async function runLayout(layout: (typeof layouts)[number], work: GenerateRequest[][]): Promise<{ measures: Measure[]; texts: string[][] }> {
  const threads = Math.max(1, layout.workers) * layout.threads;
  const backend = await OnnxFlamingoBackend.open(values.bundle!, { workers: layout.workers, threads });
  const measures: Measure[] = [];
  const texts: string[][] = [];
  try {
    for (const requests of work) {
      const before = { ort: backend.ortMs, encodes: backend.encoder.encodes, media: backend.encoder.mediaMs };
      const limit = pLimit(inFlight(layout));
      const batches: GenerateRequest[][] = [];
      for (let i = 0; i < requests.length; i += batchSize) batches.push(requests.slice(i, i + batchSize));
      const started = performance.now();
      const results = await Promise.all(batches.map((batch) => limit(() => backend.generate(batch))));
      const wallMs = performance.now() - started;
      texts.push(results.flat().map((r) => r.text));
      measures.push({
        wallMs,
        ortMs: backend.ortMs - before.ort,
        sessions: backend.sessions,
        mediaMs: backend.encoder.mediaMs - before.media,
        encodes: backend.encoder.encodes - before.encodes,
        queries: requests.length,
        peakRss: process.resourceUsage().maxRSS * 1024,
      });
    }
  } finally {
    await backend.close();
  }
  return { measures, texts };
}

// A child process runs one layout on one task and prints its measures.
if (values.child !== undefined) {
  const [taskId, layoutName] = values.child.split(':');
  const work = await Promise.all(shotCounts.map((shots) => requestsFor(builtinTasks[taskId!]!, shots)));
  process.stdout.write(JSON.stringify(await runLayout(layouts.find((l) => l.name === layoutName)!, work)));
  process.exit(0);
}

// The layouts read a copy of the bundle, taken once: models/ may be rebuilt while the bench runs.
const bundle = mkdtempSync(join(tmpdir(), 'onnx-bench-'));
cpSync(join(MODELS_DIR, values.model!), bundle, { recursive: true });
const script = fileURLToPath(import.meta.url);
const passOn = ['model', 'shots', 'queries', 'batch-size', 'layouts', 'in-flight'].flatMap((o) => [`--${o}`, String(values[o as keyof typeof values])]);
passOn.push('--bundle', bundle);
const rows: string[][] = [];
const load = loadavg().map((l) => l.toFixed(2)).join(' ');
for (const taskId of values.tasks!.split(',')) {
  const task = builtinTasks[taskId];
  if (!task) throw new Error(`unknown task ${taskId}`);
  const sums = layouts.map(() => shotCounts.map(() => [] as Measure[]));
  let reference: string[][] | undefined;
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = layouts.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const args = [...process.execArgv, script, ...passOn, '--child', `${taskId}:${layouts[i]!.name}`];
      const { measures, texts } = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 })) as {
        measures: Measure[];
        texts: string[][];
      };
      reference ??= texts;
      if (JSON.stringify(texts) !== JSON.stringify(reference)) throw new Error(`layout ${layouts[i]!.name} generated different texts`);
      measures.forEach((m, s) => sums[i]![s]!.push(m));
    }
  }
  shotCounts.forEach((shots, s) => {
    const baseWall = sums[0]![s]!.reduce((a, m) => a + m.wallMs, 0);
    layouts.forEach((layout, i) => {
      const ms = sums[i]![s]!;
      const total = (f: (m: Measure) => number) => ms.reduce((a, m) => a + f(m), 0);
      const wall = total((m) => m.wallMs);
      rows.push([
        task.id,
        String(shots),
        label(layout),
        (total((m) => m.queries) / (wall / 1000)).toFixed(2),
        i === 0 ? 'baseline' : `${(baseWall / wall).toFixed(2)}x`,
        `${((100 * total((m) => m.ortMs)) / total((m) => m.wallMs * m.sessions)).toFixed(1)}%`,
        `${((100 * total((m) => m.mediaMs)) / wall).toFixed(1)}%`,
        (total((m) => m.encodes) / total((m) => m.queries)).toFixed(2),
        `${Math.round(Math.max(...ms.map((m) => m.peakRss)) / 1024 / 1024)} MiB`,
      ]);
    });
  });
}
console.log(
  `model ${values.model}, ${queries} queries, batch size ${batchSize}, beam/max tokens from each task, ${values.rounds} round(s); ` +
    `${availableParallelism()} cores, load average before: ${load}, after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
);
console.log(
  renderTable(['task', 'shots', 'sessions', 'examples/s', 'vs baseline', 'in ORT', 'media loading', 'encodes/query', 'peak RSS'], rows),
);
rmSync(bundle, { recursive: true });
console.log('in ORT: time inside session.run over (wall time x sessions); peak RSS: of the process running the layout, all threads');
