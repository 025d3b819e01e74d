// Time and peak memory of the ONNX backend's close-ended scoring (src/backends/onnx/rank.ts) at VisDial's shape, the
// way it was ("old", kept below: 64 candidate rows per decoder call, each call's prompt-cache copies in fresh buffers,
// every row's extended cache fetched back from ONNX Runtime) against the way it is (rows per call bounded by
// CACHE_BYTES_PER_CALL of copied cache, copies written into the previous call's buffers, only the logits fetched).
// Each setting runs in its own child process (peak RSS comparable): flamingo-tiny-m, 16 queries in batches
// of 4 prompts (as `flamingo-eval --task visdial --shots 4` runs the built-in sample), each prompt 450 tokens with 5
// images (a 4-shot VisDial prompt of the sample is 426-485 tokens), 100 candidate answers of 1-8 tokens. Reports wall
// and CPU time, the time inside ONNX Runtime's session.run, peak RSS, and checks that every score is bitwise equal
// across settings.
//   node --import tsx bench/onnx-ranking-memory.ts [--settings old,64:32:reuse,64:inf:reuse,64:16:reuse]
// (setting: "old", or max rows per call : max MB of copied cache per call (inf: no bound) : copy (fresh buffers) |
// reuse, through today's scoreCandidates)
//
// Measured on a 2-core AMD EPYC machine (Node 20.20.2, onnxruntime-node 1.30.0), settings in one invocation, CPU is
// the whole child process (opening the sessions included):
//   old          64 rows/call: 8.25-11.68 s wall (6.67-8.46 s in session.run), 5.73-5.83 s CPU, peak RSS 931-998 MB
//   64:32:reuse  16 rows/call: 4.96-6.20 s wall (4.51-5.43 s in session.run), 3.55-3.91 s CPU, peak RSS 360-369 MB
//   64:inf:reuse 64 rows/call: 6.29 s wall, 4.26 s CPU, 679 MB (only the logits fetched: -32% RSS by itself)
//   64:16:reuse   8 rows/call: 3.53-6.03 s wall, 3.37-3.58 s CPU, 314-320 MB
// i.e. the default (32 MB) against the old way: 0.48-0.60x wall, 0.62-0.68x CPU, 0.37-0.39x peak RSS; every score
// bitwise equal. A smaller budget saves little more memory, and at 4 rows per call (8 MB) the scores were no longer
// bitwise equal to the old ones (ONNX Runtime's kernels depend on the batch's shape), so 32 MB stays.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OnnxFlamingoBackend } from '../src/backends/onnx/backend.ts';
import { MODELS_DIR } from '../src/backends/onnx/index.ts';
import { GivenVisuals } from '../src/backends/onnx/jobs.ts';
import type { RenderedPrompt } from '../src/backends/onnx/prompt.ts';
import { scoreCandidates } from '../src/backends/onnx/rank.ts';
import { FlamingoRuntime, logNormalizer, type DecodeState } from '../src/backends/onnx/runtime.ts';
import { rngFor } from '../src/core/random.ts';
import type { MediaRef } from '../src/core/types.ts';

const QUERIES = 16;
const BATCH = 4;
const PROMPT_TOKENS = 450;
const MEDIA = 5;
const CANDIDATES = 100;

interface Result {
  setting: string;
  wallMs: number;
  cpuMs: number;
  ortMs: number;
  maxRssMb: number;
  rowsPerCall: number;
  scores: string;
}

/** scoreCandidates as it was before the rows per call were bounded by bytes and the copies reused. */
async function oldScoreCandidates(runtime: FlamingoRuntime, state: DecodeState, candidates: number[][][]): Promise<number[][]> {
  const scores = candidates.map((cs, p) => {
    const first = state.lastLogits[p]!;
    const logZ = logNormalizer(first);
    return cs.map((ids) => (ids.length === 0 ? 0 : first[ids[0]!]! - logZ));
  });
  const jobs = candidates.flatMap((cs, p) => cs.map((ids, c) => ({ p, c, ids })).filter((j) => j.ids.length > 1));
  for (let start = 0; start < jobs.length; start += 64) {
    const batch = jobs.slice(start, start + 64);
    const T = Math.max(...batch.map((j) => j.ids.length - 1));
    const pad = runtime.tokenizer.special.pad;
    const ids = batch.map((j) => [...j.ids.slice(0, -1), ...Array(T - (j.ids.length - 1)).fill(pad)]);
    const rows = runtime.select(state, batch.map((j) => j.p));
    const { logits } = await runtime.extend(rows, ids, batch.map((j) => j.ids.length - 1));
    const V = runtime.vocabSize;
    batch.forEach((job, r) => {
      for (let t = 0; t < job.ids.length - 1; t++) {
        const row = logits.subarray((r * T + t) * V, (r * T + t + 1) * V);
        scores[job.p]![job.c]! += row[job.ids[t + 1]!]! - logNormalizer(row);
      }
    });
  }
  return scores;
}

async function child(setting: string): Promise<void> {
  const [rows, mb, mode] = setting === 'old' ? ['64', 'inf', 'old'] : setting.split(':');
  const limits = {
    maxRows: Number(rows),
    maxBytes: mb === 'inf' ? Infinity : Number(mb) * 2 ** 20,
    reuseBuffers: mode === 'reuse',
  };
  const backend = await OnnxFlamingoBackend.open(join(MODELS_DIR, 'flamingo-tiny-m'), { threads: 2 });
  const manifest = backend.manifest;
  const rng = rngFor('onnx-ranking-memory');
  const V = manifest.decoder.vocabSize;
  const token = () => 8 + Math.floor(rng() * (V - 8));
  const visuals = new Map<string, Float32Array>();
  const prompts: RenderedPrompt[] = [];
  const candidates: number[][][] = [];
  for (let q = 0; q < QUERIES; q++) {
    const media = Array.from({ length: MEDIA }, (_, m) => ({ id: `q${q}-m${m}` }) as unknown as MediaRef);
    for (const m of media) {
      visuals.set(m.id, Float32Array.from({ length: manifest.visualTokens * manifest.visualDim }, () => rng() - 0.5));
    }
    const ids: number[] = [];
    const mediaIndex: number[] = [];
    for (let t = 0; t < PROMPT_TOKENS; t++) {
      ids.push(token());
      mediaIndex.push(Math.min(MEDIA - 1, Math.floor((t * MEDIA) / PROMPT_TOKENS)));
    }
    prompts.push({ ids, mediaIndex, media });
    candidates.push(Array.from({ length: CANDIDATES }, () => Array.from({ length: 1 + Math.floor(rng() * 8) }, token)));
  }
  const runtime = new FlamingoRuntime(backend.runtime.graphs, backend.runtime.tokenizer, new GivenVisuals(visuals));
  const hash = createHash('sha256');
  const start = process.hrtime.bigint();
  const ortBefore = runtime.graphs.runMs;
  for (let b = 0; b < QUERIES; b += BATCH) {
    const { state } = await runtime.prefill(prompts.slice(b, b + BATCH));
    const slice = candidates.slice(b, b + BATCH);
    const scores = mode === 'old' ? await oldScoreCandidates(runtime, state, slice) : await scoreCandidates(runtime, state, slice, limits);
    hash.update(Float64Array.from(scores.flat()));
  }
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const usage = process.resourceUsage();
  const rowBytes = 2 * manifest.decoder.layers * manifest.decoder.heads * manifest.decoder.headDim * PROMPT_TOKENS * 4;
  const result: Result = {
    setting,
    wallMs,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    ortMs: runtime.graphs.runMs - ortBefore,
    maxRssMb: usage.maxRSS / 1024,
    rowsPerCall: Math.max(1, Math.min(limits.maxRows, Math.floor(limits.maxBytes / rowBytes))),
    scores: hash.digest('hex').slice(0, 16),
  };
  await backend.close();
  console.log(JSON.stringify(result));
}

const { values } = parseArgs({
  options: { child: { type: 'string' }, settings: { type: 'string', default: 'old,64:32:reuse,64:inf:reuse,64:16:reuse' } },
});
if (values.child) {
  await child(values.child);
} else {
  const self = fileURLToPath(import.meta.url);
  const results = values.settings.split(',').map((setting) => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', setting], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').at(-1)!) as Result;
  });
  const base = results[0]!;
  for (const r of results) {
    console.log(
      `${r.setting.padEnd(14)} ${String(r.rowsPerCall).padStart(3)} rows/call: ${(r.wallMs / 1000).toFixed(2)} s wall ` +
        `(${(r.ortMs / 1000).toFixed(2)} s in session.run), process CPU ${(r.cpuMs / 1000).toFixed(2)} s, ` +
        `peak RSS ${r.maxRssMb.toFixed(0)} MB; vs ${base.setting}: wall ${(r.wallMs / base.wallMs).toFixed(2)}x, ` +
        `RSS ${(r.maxRssMb / base.maxRssMb).toFixed(2)}x; scores ${r.scores}`,
    );
  }
  const same = results.every((r) => r.scores === base.scores);
  console.log(same ? 'scores: bitwise equal in every setting' : 'scores DIFFER between settings');
  if (!same) process.exitCode = 1;
}
