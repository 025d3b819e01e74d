// Prompts in, logits out: media through the visual cache and the vision graph, prompts through the decoder with
// left padding (a batch's last positions line up), then more tokens appended to the KV cache.
import { InputError } from '../../errors.ts';
import type { MediaRef } from '../../types.ts';
import { FlamingoGraphs, selectRows, type KVCache } from './graphs.ts';
import type { MediaLoader } from './media.ts';
import type { RenderedPrompt } from './prompt.ts';
import type { BundleTokenizer } from './tokenizer.ts';
import { VisualCache, type VisualEntry } from './visual-cache.ts';

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
  /** Media encoded by the vision graph (a cache miss each). */
  encodes = 0;
  /** Milliseconds spent reading and preprocessing media. */
  mediaMs = 0;

  constructor(
    readonly graphs: FlamingoGraphs,
    readonly tokenizer: BundleTokenizer,
    private readonly loader: MediaLoader,
    readonly cache: VisualCache,
  ) {}

  get vocabSize(): number {
    return this.graphs.manifest.decoder.vocabSize;
  }

  private get perRow(): number {
    const d = this.graphs.manifest.decoder;
    return d.heads * d.headDim;
  }

  /** Visual tokens of each medium, from the cache or encoded now (one vision call per frame count). */
  async visualFor(media: MediaRef[]): Promise<VisualEntry[]> {
    const found = new Map<string, VisualEntry>();
    const missing = new Map<string, MediaRef>();
    for (const m of media) {
      if (found.has(m.id) || missing.has(m.id)) continue;
      const entry = this.cache.get(m.id);
      if (entry) found.set(m.id, entry);
      else missing.set(m.id, m);
    }
    if (missing.size > 0) {
      const started = performance.now();
      const loaded = await Promise.all([...missing.values()].map(async (m) => ({ m, px: await this.loader.load(m) })));
      this.mediaMs += performance.now() - started;
      const byFrames = new Map<number, typeof loaded>();
      for (const item of loaded) byFrames.set(item.px.frames, [...(byFrames.get(item.px.frames) ?? []), item]);
      const { visualTokens: L, visualDim: D } = this.graphs.manifest;
      for (const [frames, items] of byFrames) {
        const pixels = new Float32Array(items.reduce((s, i) => s + i.px.data.length, 0));
        let offset = 0;
        for (const item of items) {
          pixels.set(item.px.data, offset);
          offset += item.px.data.length;
        }
        const out = await this.graphs.encode(pixels, items.length, frames);
        this.encodes += items.length;
        items.forEach((item, i) => {
          const entry = {
            tokens: out.tokens.slice(i * L * D, (i + 1) * L * D),
            embedding: out.embedding.slice(i * D, (i + 1) * D),
          };
          this.cache.set(item.m.id, entry);
          found.set(item.m.id, entry);
        });
      }
    }
    return media.map((m) => found.get(m.id)!);
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
    const { visualTokens: L, visualDim: D } = this.graphs.manifest;
    const slots = Math.max(1, ...prompts.map((p) => p.media.length)); // >= 1: a masked dummy slot when no media
    const visual = new Float32Array(prompts.length * slots * L * D);
    for (let r = 0; r < prompts.length; r++) {
      const entries = await this.visualFor(prompts[r]!.media);
      entries.forEach((e, m) => visual.set(e.tokens, (r * slots + m) * L * D));
    }
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
    const T = ids[0]!.length;
    const lens = lengths ?? ids.map(() => T);
    const newMask = state.mask.map((m, r) => [...m, ...Array.from({ length: T }, (_, t) => (t < lens[r]! ? 1 : 0))]);
    const mediaIndex = state.lastMedia.map((m) => Array(T).fill(m));
    const out = await this.graphs.decode({
      rows: state.rows,
      ids,
      attentionMask: newMask,
      visual: state.visual,
      mediaSlots: state.slots,
      mediaIndex,
      past: state.cache,
    });
    const V = this.vocabSize;
    const next: DecodeState = {
      ...state,
      cache: out.present,
      mask: newMask,
      lastLogits: lens.map((len, r) => out.logits.slice((r * T + len - 1) * V, (r * T + len) * V)),
    };
    return { state: next, logits: out.logits };
  }

  /** The rows `rows` of a state (repeats allowed), in that order. */
  select(state: DecodeState, rows: number[]): DecodeState {
    const slotSize = state.slots * this.graphs.manifest.visualTokens * this.graphs.manifest.visualDim;
    const visual = new Float32Array(rows.length * slotSize);
    rows.forEach((r, i) => visual.set(state.visual.subarray(r * slotSize, (r + 1) * slotSize), i * slotSize));
    return {
      rows: rows.length,
      cache: selectRows(state.cache, rows, this.perRow),
      mask: rows.map((r) => state.mask[r]!),
      visual,
      slots: state.slots,
      lastMedia: rows.map((r) => state.lastMedia[r]!),
      lastLogits: rows.map((r) => state.lastLogits[r]!),
    };
  }
}

/** log softmax of one row of logits. */
export function logSoftmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const logZ = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - logZ;
  return out;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
