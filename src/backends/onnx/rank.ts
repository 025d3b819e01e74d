// Close-ended scoring: the shared prompt runs once; each candidate continues from a copy of its KV cache, many
// candidates per decoder call (right-padded: a candidate's tokens never see the padding after them).
import type { DecodeState, FlamingoRuntime } from './runtime.ts';
import { logNormalizer } from './runtime.ts';

/** Candidate rows per decoder call (bounds memory for classification over many classes). */
const ROWS_PER_CALL = 64;

/**
 * Log-likelihood of each candidate of each prompt. `state` holds one row per prompt (after its prompt);
 * `candidates[p]` are token ids.
 */
export async function scoreCandidates(
  runtime: FlamingoRuntime,
  state: DecodeState,
  candidates: number[][][],
): Promise<number[][]> {
  const scores = candidates.map((cs, p) => {
    const first = state.lastLogits[p]!;
    const logZ = logNormalizer(first);
    return cs.map((ids) => (ids.length === 0 ? 0 : first[ids[0]!]! - logZ));
  });
  // Candidates longer than one token need the decoder over their first n-1 tokens.
  const jobs = candidates.flatMap((cs, p) => cs.map((ids, c) => ({ p, c, ids })).filter((j) => j.ids.length > 1));
  for (let start = 0; start < jobs.length; start += ROWS_PER_CALL) {
    const batch = jobs.slice(start, start + ROWS_PER_CALL);
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
