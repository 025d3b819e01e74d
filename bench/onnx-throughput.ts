// Throughput of the ONNX backend on the built-in sample tasks: examples per second at 0, 4 and 32 shots, the share of
// wall time spent inside ONNX Runtime (the rest is the harness's own overhead: prompts, tokenizing, search, copies),
// visual encodes per query (the visual-token cache at work) and peak memory.
//   node --import tsx bench/onnx-throughput.ts [--model flamingo-tiny-m] [--tasks coco,okvqa] [--shots 0,4,32]
//     [--queries 32] [--batch-size 8] [--threads 2]
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { OnnxFlamingoBackend } from '../src/backends/onnx/backend.ts';
import { MODELS_DIR } from '../src/backends/onnx/index.ts';
import { buildPrompt, promptTemplates } from '../src/run/prompt.ts';
import { drawSupportPool, eligibleDemonstrations, querySubset, randomDemonstrations, zeroShotTextDemonstrations } from '../src/run/sampler.ts';
import { renderTable } from '../src/table.ts';
import type { GenerateRequest, Shot } from '../src/types.ts';
import { builtinTasks } from '../tasks/index.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'flamingo-tiny-m' },
    tasks: { type: 'string', default: 'coco,okvqa' },
    shots: { type: 'string', default: '0,4,32' },
    queries: { type: 'string', default: '32' },
    'batch-size': { type: 'string', default: '8' },
    threads: { type: 'string', default: '2' },
  },
});
const seed = 42;
const queries = Number(values.queries);
const batchSize = Number(values['batch-size']);
const rows: string[][] = [];
for (const taskId of values.tasks!.split(',')) {
  const task = builtinTasks[taskId];
  if (!task) throw new Error(`unknown task ${taskId}`);
  const backend = await OnnxFlamingoBackend.open(join(MODELS_DIR, values.model!), { threads: Number(values.threads) });
  const data = await task.load({});
  const pool = drawSupportPool(data.support, 2048, seed, task.id);
  const templates = promptTemplates(task, 'paper');
  for (const shots of values.shots!.split(',').map(Number)) {
    const selected = querySubset(data.query, task.id, queries);
    const requests: GenerateRequest[] = selected.map((query) => {
      const eligible = eligibleDemonstrations(pool, query);
      const demos: Shot[] =
        shots === 0
          ? zeroShotTextDemonstrations(eligible, query, 2, seed, task.id)
          : randomDemonstrations(eligible, query, shots, seed, task.id).map((example) => ({ example, withMedia: true }));
      return { prompt: buildPrompt(templates, demos, query), ...task.generation };
    });
    const rt = backend.runtime;
    const before = { ort: rt.graphs.runMs, encodes: rt.encodes, media: rt.mediaMs };
    const started = performance.now();
    for (let i = 0; i < requests.length; i += batchSize) await backend.generate(requests.slice(i, i + batchSize));
    const wall = performance.now() - started;
    const ort = rt.graphs.runMs - before.ort;
    const media = rt.mediaMs - before.media;
    rows.push([
      task.id,
      String(shots),
      String(requests.length),
      (requests.length / (wall / 1000)).toFixed(2),
      `${((100 * ort) / wall).toFixed(1)}%`,
      `${((100 * media) / wall).toFixed(1)}%`,
      ((rt.encodes - before.encodes) / requests.length).toFixed(2),
      `${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
    ]);
  }
  await backend.close();
}
console.log(`model ${values.model}, batch size ${batchSize}, ORT intra-op threads ${values.threads}, beam/max tokens from each task`);
console.log(
  renderTable(['task', 'shots', 'queries', 'examples/s', 'in ORT', 'media', 'encodes/query', 'peak RSS'], rows),
);
