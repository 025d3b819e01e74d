// A worker thread owning one ONNX Runtime session per graph (sessions cannot be shared across threads). It opens the
// bundle, says it is ready (or why it is not), then runs the jobs the pool (pool.ts) sends, one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { FlamingoGraphs } from './graphs.ts';
import { GivenVisuals, generateTokens, rankCandidates } from './jobs.ts';
import { readManifest } from './manifest.ts';
import { FlamingoRuntime } from './runtime.ts';
import { BundleTokenizer } from './tokenizer.ts';
import type { JobReply, WorkerJob, WorkerSetup, WorkerStatus } from './pool.ts';

const port = parentPort!;
const { dir, intraOpThreads } = workerData as WorkerSetup;

function errorInfo(error: unknown): { name: string; message: string; file?: string } {
  const e = error as { name?: string; message?: string; file?: string };
  return { name: e?.name ?? 'Error', message: e?.message ?? String(error), ...(e?.file ? { file: e.file } : {}) };
}

let graphs: FlamingoGraphs;
let tokenizer: BundleTokenizer;
try {
  const manifest = await readManifest(dir);
  tokenizer = await BundleTokenizer.load(dir, manifest);
  graphs = await FlamingoGraphs.open(dir, manifest, intraOpThreads);
  port.postMessage({ ready: true } satisfies WorkerStatus);
} catch (error) {
  port.postMessage({ ready: false, error: errorInfo(error) } satisfies WorkerStatus);
}

port.on('message', async (job: WorkerJob) => {
  const before = graphs.runMs;
  try {
    let reply: JobReply;
    if (job.kind === 'encode') {
      const out = await graphs.encode(job.pixels, job.media, job.frames);
      reply = { id: job.id, kind: 'encode', tokens: out.tokens, embedding: out.embedding, runMs: graphs.runMs - before };
    } else {
      const runtime = new FlamingoRuntime(graphs, tokenizer, new GivenVisuals(job.visual));
      reply =
        job.kind === 'generate'
          ? { id: job.id, kind: 'generate', tokens: await generateTokens(runtime, job.prompts, job.settings), runMs: graphs.runMs - before }
          : { id: job.id, kind: 'rank', scores: await rankCandidates(runtime, job.prompts, job.candidates), runMs: graphs.runMs - before };
    }
    port.postMessage(reply);
  } catch (error) {
    port.postMessage({ id: job.id, kind: 'error', error: errorInfo(error), runMs: graphs.runMs - before } satisfies JobReply);
  }
});
