// Prompts in, logits out: prompts through the decoder with left padding (a batch's last positions line up), their
// media's visual tokens from a VisualSource (the visual-token cache on the main thread, the tokens sent with a job in
// a worker), then more tokens appended to the KV cache.
import { InputError } from '../../core/errors.ts';
import type { MediaRef } from '../../core/types.ts';
import { FlamingoGraphs, reorderRows, selectRows, type DecoderCall, type KVCache } from './graphs.ts';
import type { RenderedPrompt } from './prompt.ts';
import type { BundleTokenizer } from './tokenizer.ts';
import type { VisualEntry } from './visual-cache.ts';

/** Where the visual tokens of a prompt's media come from. */
export interface VisualSource {
  visualFor(media: MediaRef[]): Promise<VisualEntry[]>;
  /** Media encoded by the vision graph so far (cache misses). */
  readonly encodes: number;
  /** Milliseconds spent reading and preprocessing media. */
  readonly mediaMs: number;
}

/** The decoder's state for a batch of rows after the tokens seen so far. */
export interface DecodeState {
  rows: number;
  cache: KVCache;
  /** [rows, P]: 1 for a real token, 0 for padding. */
  mask: number[][];
  /** [rows, slots, L, D] flattened. */
  visual: Float32Array;
  slots: number;
  /** Per row: the media slot that tokens appended next attend to (-1: none). */
  lastMedia: number[];
  /** Per row: logits after the row's last token, [V]. */
  lastLogits: Float32Array[];
}

export class FlamingoRuntime {
  constructor(
    readonly graphs: FlamingoGraphs,
    readonly tokenizer: BundleTokenizer,
    readonly visual: VisualSource,
  ) {}

  get vocabSize(): number {
    return this.graphs.manifest.decoder.vocabSize;
  }

  /** Media encoded by the vision graph (a cache miss each). */
  get encodes(): number {
    return this.visual.encodes;
  }

  /** Milliseconds spent reading and preprocessing media. */
  get mediaMs(): number {
    return this.visual.mediaMs;
  }

  private get perRow(): number {
    const d = this.graphs.manifest.decoder;
    return d.heads * d.headDim;
  }

  private get slotSize(): number {
    return this.graphs.manifest.visualTokens * this.graphs.manifest.visualDim;
  }

  /** Visual tokens of each medium. */
  visualFor(media: MediaRef[]): Promise<VisualEntry[]> {
    return this.visual.visualFor(media);
  }

  /** Runs whole prompts (left-padded into one batch); logits [rows, T, V] are left-padded too. */
  async prefill(prompts: RenderedPrompt[]): Promise<{ state: DecodeState; logits: Float32Array }> {
    const limit = this.graphs.manifest.contextLength;
    for (const p of prompts) {
      if (p.ids.length > limit) {
        throw new InputError(
          `the prompt is ${p.ids.length} tokens long, more than the model's context length of ${limit}; use fewer shots`,
        );
      }
    }
    const slotSize = this.slotSize;
    const slots = Math.max(1, ...prompts.map((p) => p.media.length)); // >= 1: a masked dummy slot when no media
    const visual = new Float32Array(prompts.length * slots * slotSize);
    const entries = await this.visual.visualFor(prompts.flatMap((p) => p.media)); // one vision batch for all
    let e = 0;
    prompts.forEach((p, r) => p.media.forEach((_, m) => visual.set(entries[e++]!.tokens, (r * slots + m) * slotSize)));
    const T = Math.max(...prompts.map((p) => p.ids.length));
    const pad = this.tokenizer.special.pad;
    const ids = prompts.map((p) => [...Array(T - p.ids.length).fill(pad), ...p.ids]);
    const mask = prompts.map((p) => [...Array(T - p.ids.length).fill(0), ...Array(p.ids.length).fill(1)]);
    const mediaIndex = prompts.map((p) => [...Array(T - p.ids.length).fill(-1), ...p.mediaIndex]);
    const out = await this.graphs.decode({ rows: prompts.length, ids, attentionMask: mask, visual, mediaSlots: slots, mediaIndex, past: null });
    const V = this.vocabSize;
    const state: DecodeState = {
      rows: prompts.length,
      cache: out.present,
      mask,
      visual,
      slots,
      lastMedia: prompts.map((p) => p.media.length - 1),
      lastLogits: prompts.map((_, r) => out.logits.slice(((r + 1) * T - 1) * V, (r + 1) * T * V)),
    };
    return { state, logits: out.logits };
  }

  /**
   * Appends tokens to each row: `ids[r]` holds `lengths[r]` real tokens, right-padded. Returns the new state (last
   * logits after each row's last real token) and all logits [rows, T, V].
   */
  async extend(state: DecodeState, ids: number[][], lengths?: number[]): Promise<{ state: DecodeState; logits: Float32Array }> {
    const call = this.extendCall(state, ids, lengths);
    const out = await this.graphs.decode(call);
    const V = this.vocabSize;
    const T = ids[0]!.length;
    const next: DecodeState = {
      ...state,
      cache: out.present,
      mask: call.attentionMask,
      lastLogits: call.lengths.map((len, r) => out.logits.slice((r * T + len - 1) * V, (r * T + len) * V)),
    };
    return { state: next, logits: out.logits };
  }

  /** The logits [rows, T, V] of `extend`, without the new state (whose cache is then never fetched). */
  extendLogits(state: DecodeState, ids: number[][], lengths?: number[]): Promise<Float32Array> {
    return this.graphs.decodeLogits(this.extendCall(state, ids, lengths));
  }

  private extendCall(state: DecodeState, ids: number[][], lengths?: number[]): DecoderCall & { lengths: number[] } {
    const T = ids[0]!.length;
    const lens = lengths ?? ids.map(() => T);
    const newMask = state.mask.map((m, r) => {
      const row = m.slice();
      for (let t = 0; t < T; t++) row.push(t < lens[r]! ? 1 : 0);
      return row;
    });
    const mediaIndex = state.lastMedia.map((m) => Array<number>(T).fill(m));
    return {
      rows: state.rows,
      ids,
      attentionMask: newMask,
      visual: state.visual,
      mediaSlots: state.slots,
      mediaIndex,
      past: state.cache,
      lengths: lens,
    };
  }

  /**
   * The rows `rows` of a state (repeats allowed), in that order, in new buffers (or in the cache buffers of `into`, an
   * earlier selection no longer in use, when they are large enough): `state` stays usable.
   */
  select(state: DecodeState, rows: number[], into?: DecodeState): DecodeState {
    const slotSize = state.slots * this.slotSize;
    const visual = new Float32Array(rows.length * slotSize);
    rows.forEach((r, i) => visual.set(state.visual.subarray(r * slotSize, (r + 1) * slotSize), i * slotSize));
    return {
      rows: rows.length,
      cache: selectRows(state.cache, rows, this.perRow, into?.cache),
      mask: rows.map((r) => state.mask[r]!),
      visual,
      slots: state.slots,
      lastMedia: rows.map((r) => state.lastMedia[r]!),
      lastLogits: rows.map((r) => state.lastLogits[r]!),
    };
  }

  /**
   * Row i of the result is row `rows[i]` of `state` (repeats allowed, at most `state.rows` rows), rearranged inside
   * the state's own buffers: no allocation, and a row that stays where it is costs nothing. `state` is consumed.
   * `visualRows` (default `rows`) lets rows that share their media (the beams of one prompt) skip the visual copy.
   */
  reorder(state: DecodeState, rows: number[], visualRows: number[] = rows): DecodeState {
    const cache = state.cache;
    const rowSize = this.perRow * cache.length;
    const move = (data: Float32Array) => reorderRows(data, rows, rowSize);
    return {
      rows: rows.length,
      cache: { rows: rows.length, length: cache.length, keys: cache.keys.map(move), values: cache.values.map(move) },
      mask: rows.map((r) => state.mask[r]!),
      visual: reorderRows(state.visual, visualRows, state.slots * this.slotSize),
      slots: state.slots,
      lastMedia: rows.map((r) => state.lastMedia[r]!),
      lastLogits: rows.map((r) => state.lastLogits[r]!),
    };
  }
}

/** log softmax of one row of logits. */
export function logSoftmax(logits: Float32Array): Float64Array {
  const logZ = logNormalizer(logits);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - logZ;
  return out;
}

/** log sum exp of a row of logits: log p(token) = logits[token] - logNormalizer(logits). */
export function logNormalizer(logits: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return max + Math.log(sum);
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Indices of the n largest values, largest first; among equal values the lower index first. */
export function topIndices(values: ArrayLike<number>, n: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (top.length === n && !(v > values[top[n - 1]!]!)) continue;
    let at = top.length;
    while (at > 0 && v > values[top[at - 1]!]!) at--;
    top.splice(at, 0, i);
    if (top.length > n) top.pop();
  }
  return top;
}
