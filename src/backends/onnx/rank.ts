// Close-ended scoring: the shared prompt runs once; each candidate continues from a copy of its KV cache, many
// candidates per decoder call (right-padded: a candidate's tokens never see the padding after them).
import type { DecodeState, FlamingoRuntime } from './runtime.ts';
import { logNormalizer } from './runtime.ts';

/** At most this many candidate rows per decoder call. */
export const ROWS_PER_CALL = 64;
/**
 * And at most this many bytes of copied prompt cache per call. Each row is a copy of its prompt's KV cache (a 4-shot
 * VisDial prompt of flamingo-tiny-m: ~2 MB), and ONNX Runtime holds the cache extended by the candidate's tokens
 * while it runs: 64 rows of long prompts made calls of several hundred MB. Fewer rows per call do the same arithmetic
 * in more calls (bench/onnx-ranking-memory.ts measured the time and peak memory of both).
 */
export const CACHE_BYTES_PER_CALL = 32 * 2 ** 20;

/** Candidate rows per decoder call for a cache of `rowBytes` per row. */
export function rowsPerCall(rowBytes: number, maxRows = ROWS_PER_CALL, maxBytes = CACHE_BYTES_PER_CALL): number {
  return Math.max(1, Math.min(maxRows, Math.floor(maxBytes / Math.max(1, rowBytes))));
}

/**
 * Log-likelihood of each candidate of each prompt. `state` holds one row per prompt (after its prompt);
 * `candidates[p]` are token ids.
 */
export async function scoreCandidates(
  runtime: FlamingoRuntime,
  state: DecodeState,
  candidates: number[][][],
  limits: { maxRows?: number; maxBytes?: number; reuseBuffers?: boolean } = {},
): Promise<number[][]> {
  const scores = candidates.map((cs, p) => {
    const first = state.lastLogits[p]!;
    const logZ = logNormalizer(first);
    return cs.map((ids) => (ids.length === 0 ? 0 : first[ids[0]!]! - logZ));
  });
  // Candidates longer than one token need the decoder over their first n-1 tokens.
  const jobs = candidates.flatMap((cs, p) => cs.map((ids, c) => ({ p, c, ids })).filter((j) => j.ids.length > 1));
  const cache = state.cache;
  const rowBytes = [...cache.keys, ...cache.values].reduce((sum, d) => sum + d.byteLength, 0) / Math.max(1, state.rows);
  const perCall = rowsPerCall(rowBytes, limits.maxRows, limits.maxBytes);
  // The copies of one call are written into the buffers of the previous one (same prompt length, no longer in use).
  let previous: DecodeState | undefined;
  for (let start = 0; start < jobs.length; start += perCall) {
    const batch = jobs.slice(start, start + perCall);
    const T = Math.max(...batch.map((j) => j.ids.length - 1));
    const pad = runtime.tokenizer.special.pad;
    const ids = batch.map((j) => [...j.ids.slice(0, -1), ...Array(T - (j.ids.length - 1)).fill(pad)]);
    const rows = runtime.select(state, batch.map((j) => j.p), previous);
    if (limits.reuseBuffers !== false) previous = rows;
    const logits = await runtime.extendLogits(rows, ids, batch.map((j) => j.ids.length - 1));
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
