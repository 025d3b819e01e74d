// Decoding: greedy, and beam search as in Hugging Face `generate` (the decoding open_flamingo evaluates with):
// a finished hypothesis scores sum(log p) / (generated length ** lengthPenalty); among each step's 2k best
// continuations, one ending the chunk (or the text) is kept as finished only when it ranks within the first k; the
// search for a prompt stops when k hypotheses are finished and no running beam can beat the worst of them.
import type { GenerationSettings } from '../../types.ts';
import { argmax, logSoftmax, type DecodeState, type FlamingoRuntime } from './runtime.ts';

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
    if (keep.length < state.rows) state = runtime.select(state, keep);
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
  const done = Array<boolean>(prompts).fill(false);
  // Rows of the state: k beams per active prompt, in prompt order.
  let active = Array.from({ length: prompts }, (_, p) => p);
  let beams: Hypothesis[][] = active.map(() => Array.from({ length: k }, (_, j) => ({ tokens: [], score: j === 0 ? 0 : -Infinity })));
  let state = runtime.select(start, active.flatMap((p) => Array(k).fill(p)));

  for (let step = 0; step < settings.maxNewTokens; step++) {
    const nextRows: number[] = [];
    const nextTokens: number[] = [];
    const nextActive: number[] = [];
    const nextBeams: Hypothesis[][] = [];
    active.forEach((p, a) => {
      const candidates: { row: number; token: number; score: number }[] = [];
      for (let j = 0; j < k; j++) {
        const beam = beams[a]![j]!;
        if (beam.score === -Infinity) continue;
        const row = a * k + j;
        const logp = logSoftmax(state.lastLogits[row]!);
        for (const token of topIndices(logp, 2 * k)) candidates.push({ row, token, score: beam.score + logp[token]! });
      }
      candidates.sort((x, y) => y.score - x.score);
      const kept: Hypothesis[] = [];
      const keptRows: number[] = [];
      for (const [rank, c] of candidates.slice(0, 2 * k).entries()) {
        const parent = beams[a]![c.row - a * k]!;
        if (stops.has(c.token)) {
          if (rank < k) addFinished(finished[p]!, { tokens: parent.tokens, score: normalised(c.score, parent.tokens.length + 1) }, k);
        } else if (kept.length < k) {
          kept.push({ tokens: [...parent.tokens, c.token], score: c.score });
          keptRows.push(c.row);
        }
      }
      const best = kept[0]?.score ?? -Infinity;
      const worst = finished[p]!.length >= k ? finished[p]![finished[p]!.length - 1]!.score : -Infinity;
      if (kept.length === 0 || (finished[p]!.length >= k && worst >= normalised(best, step + 1))) {
        done[p] = true;
        return;
      }
      while (kept.length < k) {
        kept.push({ tokens: [], score: -Infinity });
        keptRows.push(keptRows[0]!);
      }
      nextActive.push(p);
      nextBeams.push(kept);
      nextRows.push(...keptRows);
      nextTokens.push(...kept.map((h) => h.tokens[h.tokens.length - 1] ?? runtime.tokenizer.special.pad));
    });
    active = nextActive;
    beams = nextBeams;
    if (active.length === 0) break;
    if (step === settings.maxNewTokens - 1) break;
    state = runtime.select(state, nextRows);
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

function topIndices(values: Float64Array, n: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (top.length < n || values[i]! > values[top[top.length - 1]!]!) {
      top.push(i);
      top.sort((a, b) => values[b]! - values[a]!);
      if (top.length > n) top.pop();
    }
  }
  return top;
}
