// What close-ended tasks cost on a served model: requests and bytes sent per query when ranking (ImageNet's 1000
// class names, Hateful Memes' 2 answers) through the openai backend, against the generate path (one request per query)
// for the same prompts. The server is the loopback fake behaving as vLLM (test/support/fake-openai-server.ts), so the
// counts are the backend's own and the times are the harness's (client and fake on one machine), not a GPU's.
// A prompt with images is ranked through chat completions with prompt_logprobs, one request per candidate, each
// carrying the whole prompt with every image: vLLM computes the prompt's log-probabilities by a full prefill for each
// request (its prefix cache is not used when prompt log-probabilities are asked for), so the GPU cost grows the same way.
// Images: synthetic 224x224 JPEGs (about the size of a COCO or ImageNet image after --image-size 224) in place of the
// sample data's tiny ones, so that bytes are realistic; demonstrations and queries come from the sample data.
//   node --import tsx bench/openai-ranking-cost.ts [--queries 2] [--shots 0,4] [--concurrency 16]
// Measured when written (a 2-core AMD EPYC machine, Node 20; 2 queries per row;
// one 224x224 JPEG is 30 KB, 40 KB as base64 in the request):
//   ImageNet 0-shot: 1000 requests, 40.4 MB sent per query (6.0 s on the loopback) vs 1 request, 40.4 KB generating
//   ImageNet 4-shot: 1000 requests, 201.1 MB per query (7.6 s) vs 1 request, 201.1 KB: 1000x requests and bytes
//   Hateful Memes 0-shot: 2 requests, 0.08 MB vs 1, 40.4 KB; 4-shot: 2 requests, 0.40 MB vs 1, 201.4 KB: 2x
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { openBackend } from '../src/backends/openai/backend.ts';
import { resolveSettings } from '../src/backends/openai/settings.ts';
import { renderTable } from '../src/core/table.ts';
import type { Example, Prompt, Task } from '../src/core/types.ts';
import { buildPrompt, promptTemplates } from '../src/run/prompt.ts';
import { drawSupportPool, eligibleDemonstrations, querySubset, randomDemonstrations } from '../src/run/sampler.ts';
import { hatefulmemes } from '../src/tasks/hatefulmemes.ts';
import { imagenet, imagenetClassNames } from '../src/tasks/imagenet.ts';
import { startFakeServer } from '../test/support/fake-openai-server.ts';

const { values } = parseArgs({
  options: {
    queries: { type: 'string', default: '2' },
    shots: { type: 'string', default: '0,4' },
    concurrency: { type: 'string', default: '16' },
  },
});
const queryCount = Number(values.queries);
const shotCounts = values.shots!.split(',').map(Number);
const seed = 42;

const dir = mkdtempSync(join(tmpdir(), 'flamingo-ranking-cost-'));
const imagePath = join(dir, 'image.jpg');
const noise = Buffer.alloc(224 * 224 * 3);
for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
writeFileSync(imagePath, await sharp(noise, { raw: { width: 224, height: 224, channels: 3 } }).jpeg({ quality: 85 }).toBuffer());
/** The example with every image replaced by the synthetic one (ids kept, so each is encoded once, as in a run). */
const realistic = (example: Example): Example => ({
  ...example,
  media: example.media.map((media) => (media.kind === 'image' ? { ...media, path: imagePath } : media)),
});

const server = await startFakeServer({ kind: 'vllm', record: false, idleMs: 600_000 });
const rows: string[][] = [];
try {
  const tasks: { task: Task; candidates?: string[] }[] = [
    { task: imagenet, candidates: Object.values(imagenetClassNames()) },
    { task: hatefulmemes },
  ];
  for (const { task, candidates: classNames } of tasks) {
    const templates = promptTemplates(task, 'paper');
    const data = await task.load({});
    const pool = drawSupportPool(data.support, 2048, seed, task.id).map(realistic);
    const queries = querySubset(data.query, task.id, queryCount).map(realistic);
    for (const shots of shotCounts) {
      const prompts: { prompt: Prompt; candidates: string[] }[] = queries.map((query) => {
        const demos = randomDemonstrations(eligibleDemonstrations(pool, query), query, shots, seed, task.id).map((example) => ({ example, withMedia: true }));
        const candidates = (classNames ?? query.candidates ?? []).map((c) => `${templates.candidatePrefix ?? ''}${c}`);
        return { prompt: buildPrompt(templates, demos, query), candidates };
      });
      const measure = async (path: 'rank' | 'generate') => {
        const backend = await openBackend(resolveSettings('fake-vlm-7b', { baseUrl: server.url, concurrency: Number(values.concurrency) }, {}));
        const before = { ...backend.client.stats };
        const cpu = process.cpuUsage();
        const started = performance.now();
        for (const { prompt, candidates } of prompts) {
          if (path === 'rank') await backend.rank([{ prompt, candidates, lengthNormalize: task.lengthNormalize ?? false }]);
          else await backend.generate([{ prompt, maxNewTokens: 5, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true }]);
        }
        const ms = performance.now() - started;
        const used = process.cpuUsage(cpu);
        const stats = backend.client.stats;
        await backend.close();
        return {
          requests: (stats.requests - before.requests) / prompts.length,
          bytes: (stats.bytesSent - before.bytesSent) / prompts.length,
          ms: ms / prompts.length,
          cpuMs: (used.user + used.system) / 1000 / prompts.length,
        };
      };
      const rank = await measure('rank');
      const generate = await measure('generate');
      rows.push([
        task.id,
        String(shots),
        String(prompts[0]!.candidates.length),
        rank.requests.toFixed(0),
        (rank.bytes / 1e6).toFixed(2),
        rank.ms.toFixed(0),
        generate.requests.toFixed(0),
        (generate.bytes / 1e3).toFixed(1),
        generate.ms.toFixed(1),
        `${(rank.requests / generate.requests).toFixed(0)}x / ${(rank.bytes / generate.bytes).toFixed(0)}x`,
      ]);
    }
  }
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`served ranking cost per query (${queryCount} queries per row; loopback fake vLLM; ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(1)})`);
console.log(
  renderTable(
    ['task', 'shots', 'candidates', 'rank req', 'rank MB sent', 'rank ms', 'gen req', 'gen KB sent', 'gen ms', 'rank/gen (req / bytes)'],
    rows,
  ),
);
