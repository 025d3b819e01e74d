// Decoding: greedy, and beam search as in Hugging Face `generate` (the decoding open_flamingo evaluates with):
// a finished hypothesis scores sum(log p) / (generated length ** lengthPenalty); among each step's 2k best
// continuations, one ending the chunk (or the text) is kept as finished only when it ranks within the first k; the
// search for a prompt stops when k hypotheses are finished and no running beam can beat the worst of them.
import type { GenerationSettings } from '../../core/types.ts';
import { argmax, logNormalizer, topIndices, type DecodeState, type FlamingoRuntime } from './runtime.ts';

export type DecodeSettings = Pick<GenerationSettings, 'maxNewTokens' | 'numBeams' | 'lengthPenalty' | 'stopAtEndOfChunk'>;

/** Generated token ids per prompt (the stop token excluded), from states after their prompts. */
export async function decode(runtime: FlamingoRuntime, state: DecodeState, settings: DecodeSettings): Promise<number[][]> {
  return settings.numBeams <= 1 ? greedy(runtime, state, settings) : beamSearch(runtime, state, settings);
}

function stopTokens(runtime: FlamingoRuntime, settings: DecodeSettings): Set<number> {
  const s = runtime.tokenizer.special;
  return new Set(settings.stopAtEndOfChunk ? [s.eos, s.endOfChunk] : [s.eos]);
}

async function greedy(runtime: FlamingoRuntime, start: DecodeState, settings: DecodeSettings): Promise<number[][]> {
  const stops = stopTokens(runtime, settings);
  const out: number[][] = Array.from({ length: start.rows }, () => []);
  let state = start;
  let active = Array.from({ length: start.rows }, (_, r) => r); // prompt of each state row
  for (let step = 0; step < settings.maxNewTokens && active.length > 0; step++) {
    const next = state.lastLogits.map((l) => argmax(l));
    const keep: number[] = [];
    next.forEach((token, row) => {
      if (stops.has(token)) return;
      out[active[row]!]!.push(token);
      keep.push(row);
    });
    if (keep.length === 0 || step === settings.maxNewTokens - 1) break;
    // Finished rows leave the batch; the caller's state is copied, later ones (ours) are rearranged in place.
    if (keep.length < state.rows) state = state === start ? runtime.select(state, keep) : runtime.reorder(state, keep);
    active = keep.map((row) => active[row]!);
    state = (await runtime.extend(state, keep.map((row) => [next[row]!]))).state;
  }
  return out;
}

interface Hypothesis {
  tokens: number[];
  score: number;
}

async function beamSearch(runtime: FlamingoRuntime, start: DecodeState, settings: DecodeSettings): Promise<number[][]> {
  const k = settings.numBeams;
  const stops = stopTokens(runtime, settings);
  const normalised = (sum: number, length: number) => sum / Math.max(length, 1) ** settings.lengthPenalty;
  const prompts = start.rows;
  const finished: Hypothesis[][] = Array.from({ length: prompts }, () => []);
  // The a-th active prompt owns state rows a*k .. a*k+k-1; its beams (best first) sit in any order among them:
  // rows[a][j] is the state row of beam j. A beam whose parent had no other child keeps its parent's row, so most
  // steps move few KV-cache rows.
  let active = Array.from({ length: prompts }, (_, p) => p);
  let beams: Hypothesis[][] = active.map(() => Array.from({ length: k }, (_, j) => ({ tokens: [], score: j === 0 ? 0 : -Infinity })));
  let rows: number[][] = active.map((_, a) => Array.from({ length: k }, (_, j) => a * k + j));
  let state = runtime.select(start, active.flatMap((p) => Array(k).fill(p)));

  for (let step = 0; step < settings.maxNewTokens; step++) {
    const nextActive: number[] = [];
    const nextBeams: Hypothesis[][] = [];
    const nextRows: number[][] = [];
    const sources: number[] = []; // new state row -> old state row (its KV cache)
    const visualSources: number[] = []; // the same, for the media (shared by a prompt's rows)
    const nextTokens: number[] = [];
    active.forEach((p, a) => {
      const candidates: { parent: number; token: number; score: number }[] = [];
      for (let j = 0; j < k; j++) {
        const beam = beams[a]![j]!;
        if (beam.score === -Infinity) continue;
        const logits = state.lastLogits[rows[a]![j]!]!;
        const logZ = logNormalizer(logits);
        for (const token of topIndices(logits, 2 * k)) candidates.push({ parent: j, token, score: beam.score + (logits[token]! - logZ) });
      }
      candidates.sort((x, y) => y.score - x.score);
      const kept: Hypothesis[] = [];
      const keptParents: number[] = [];
      for (const [rank, c] of candidates.slice(0, 2 * k).entries()) {
        const parent = beams[a]![c.parent]!;
        if (stops.has(c.token)) {
          if (rank < k) addFinished(finished[p]!, { tokens: parent.tokens, score: normalised(c.score, parent.tokens.length + 1) }, k);
        } else if (kept.length < k) {
          kept.push({ tokens: [...parent.tokens, c.token], score: c.score });
          keptParents.push(c.parent);
        }
      }
      const best = kept[0]?.score ?? -Infinity;
      const worst = finished[p]!.length >= k ? finished[p]![finished[p]!.length - 1]!.score : -Infinity;
      if (kept.length === 0 || (finished[p]!.length >= k && worst >= normalised(best, step + 1))) return;
      while (kept.length < k) kept.push({ tokens: [], score: -Infinity }); // runs on any row, its output unused
      // Offsets within the prompt's block: a parent's first child takes the parent's, the others the free ones.
      const oldBase = a * k;
      const newBase = nextActive.length * k;
      const offsets: number[] = Array(k);
      const taken = new Set<number>();
      keptParents.forEach((parent, j) => {
        const offset = rows[a]![parent]! - oldBase;
        if (!taken.has(offset)) {
          offsets[j] = offset;
          taken.add(offset);
        }
      });
      let free = 0;
      for (let j = 0; j < k; j++) {
        if (offsets[j] !== undefined) continue;
        while (taken.has(free)) free++;
        offsets[j] = free;
        taken.add(free);
      }
      for (let j = 0; j < k; j++) {
        const row = newBase + offsets[j]!;
        sources[row] = j < keptParents.length ? rows[a]![keptParents[j]!]! : oldBase + offsets[j]!;
        visualSources[row] = oldBase + offsets[j]!;
        nextTokens[row] = kept[j]!.tokens[kept[j]!.tokens.length - 1] ?? runtime.tokenizer.special.pad;
      }
      nextActive.push(p);
      nextBeams.push(kept);
      nextRows.push(offsets.map((offset) => newBase + offset));
    });
    active = nextActive;
    beams = nextBeams;
    rows = nextRows;
    if (active.length === 0) break;
    if (step === settings.maxNewTokens - 1) break;
    state = runtime.reorder(state, sources, visualSources);
    state = (await runtime.extend(state, nextTokens.map((t) => [t]))).state;
  }
  active.forEach((p, a) => {
    for (const beam of beams[a]!) {
      if (beam.score > -Infinity) addFinished(finished[p]!, { tokens: beam.tokens, score: normalised(beam.score, beam.tokens.length) }, k);
    }
  });
  return finished.map((hyps) => hyps[0]?.tokens ?? []);
}

/** Keeps the k best finished hypotheses, best first. */
function addFinished(list: Hypothesis[], hyp: Hypothesis, k: number): void {
  list.push(hyp);
  list.sort((a, b) => b.score - a.score);
  if (list.length > k) list.length = k;
}
