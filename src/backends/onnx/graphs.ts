// The two ONNX graphs of a bundle, behind typed calls. Tensor layouts (all row-major):
//   vision:  pixel_values [N, F, 3, S, S] -> visual_tokens [N, L, D], embedding [N, D]
//   decoder: input_ids [B, T], attention_mask [B, P+T], visual_tokens [B, M, L, D], media_index [B, T],
//            past_key_i / past_value_i [B, H, P, hd] -> logits [B, T, V], present_key_i / present_value_i [B, H, P+T, hd]
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { InputError } from '../../core/errors.ts';
import type { BundleManifest } from './manifest.ts';

/** Keys and values of every layer for B rows and P positions, [B, H, P, hd] each. */
export interface KVCache {
  rows: number;
  length: number;
  keys: Float32Array[];
  values: Float32Array[];
}

export interface DecoderCall {
  rows: number;
  /** Token ids [rows, T]. */
  ids: number[][];
  /** [rows, P+T]: 1 for a real token, 0 for padding. */
  attentionMask: number[][];
  /** [rows, M, L, D] flattened, M = mediaSlots. */
  visual: Float32Array;
  mediaSlots: number;
  /** [rows, T]: which media slot each token sees, -1 for none. */
  mediaIndex: number[][];
  past: KVCache | null;
}

export interface DecoderResult {
  /** [rows, T, V]. */
  logits: Float32Array;
  present: KVCache;
}

export class FlamingoGraphs {
  /**
   * Milliseconds during which a session.run of this session was under way (calls from batches in flight together
   * count once), for the overhead measurement of the bench.
   */
  runMs = 0;
  visionRuns = 0;
  private running = 0;
  private runningSince = 0;

  private sessions: Promise<{ vision: ort.InferenceSession; decoder: ort.InferenceSession }> | undefined;

  private constructor(
    readonly manifest: BundleManifest,
    private readonly dir: string,
    private readonly threads: number,
  ) {}

  /** Opens both graphs now (a broken file is an InputError here). */
  static async open(dir: string, manifest: BundleManifest, threads: number): Promise<FlamingoGraphs> {
    const graphs = new FlamingoGraphs(manifest, dir, threads);
    await graphs.ready();
    return graphs;
  }

  /** Opens the graphs on first use: the main thread's copy when worker sessions do the work. */
  static deferred(dir: string, manifest: BundleManifest, threads: number): FlamingoGraphs {
    return new FlamingoGraphs(manifest, dir, threads);
  }

  private ready(): Promise<{ vision: ort.InferenceSession; decoder: ort.InferenceSession }> {
    this.sessions ??= (async () => {
      const options: ort.InferenceSession.SessionOptions = {
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        // Idle intra-op threads sleep instead of spinning: spinning threads compete for the cores with the thread doing
        // the work, and with spinning 2 intra-op threads ran 1.5-3.2x slower than 1 on 2 cores (bench/README.md).
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      };
      const open = async (file: string) => {
        const path = join(this.dir, file);
        try {
          return await ort.InferenceSession.create(path, options);
        } catch (error) {
          throw new InputError(`${path}: cannot load the ONNX graph (${(error as Error).message})`, path);
        }
      };
      return { vision: await open(this.manifest.files.vision), decoder: await open(this.manifest.files.decoder) };
    })();
    return this.sessions;
  }

  /** Visual tokens and pooled embeddings of N media of `frames` frames each. */
  async encode(pixels: Float32Array, media: number, frames: number): Promise<{ tokens: Float32Array; embedding: Float32Array }> {
    const s = this.manifest.image.size;
    const feeds = { pixel_values: new ort.Tensor('float32', pixels, [media, frames, 3, s, s]) };
    const { vision } = await this.ready();
    const out = await this.timed(() => vision.run(feeds));
    this.visionRuns++;
    return { tokens: out.visual_tokens!.data as Float32Array, embedding: out.embedding!.data as Float32Array };
  }

  async decode(call: DecoderCall): Promise<DecoderResult> {
    const { layers } = this.manifest.decoder;
    const { decoder } = await this.ready();
    const feeds = this.decoderFeeds(call);
    const out = await this.timed(() => decoder.run(feeds));
    const keys: Float32Array[] = [];
    const values: Float32Array[] = [];
    for (let i = 0; i < layers; i++) {
      keys.push(out[`present_key_${i}`]!.data as Float32Array);
      values.push(out[`present_value_${i}`]!.data as Float32Array);
    }
    return { logits: out.logits!.data as Float32Array, present: { rows: call.rows, length: (call.past?.length ?? 0) + call.ids[0]!.length, keys, values } };
  }

  /**
   * The logits [rows, T, V] of a decoder call, without its extended cache: ranking continues each candidate once and
   * never from its result, and fetching only the logits spares ONNX Runtime copying every row's cache out to
   * JavaScript (as large as the copies going in) and the garbage collector freeing it.
   */
  async decodeLogits(call: DecoderCall): Promise<Float32Array> {
    const { decoder } = await this.ready();
    const feeds = this.decoderFeeds(call);
    const out = await this.timed(() => decoder.run(feeds, ['logits']));
    return out.logits!.data as Float32Array;
  }

  private decoderFeeds(call: DecoderCall): Record<string, ort.Tensor> {
    const { layers, heads, headDim } = this.manifest.decoder;
    const B = call.rows;
    const T = call.ids[0]!.length;
    const P = call.past?.length ?? 0;
    const L = this.manifest.visualTokens;
    const D = this.manifest.visualDim;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64(call.ids, [B, T]),
      attention_mask: int64(call.attentionMask, [B, P + T]),
      visual_tokens: new ort.Tensor('float32', call.visual, [B, call.mediaSlots, L, D]),
      media_index: int64(call.mediaIndex, [B, T]),
    };
    const empty = new Float32Array(0);
    for (let i = 0; i < layers; i++) {
      feeds[`past_key_${i}`] = new ort.Tensor('float32', call.past?.keys[i] ?? empty, [B, heads, P, headDim]);
      feeds[`past_value_${i}`] = new ort.Tensor('float32', call.past?.values[i] ?? empty, [B, heads, P, headDim]);
    }
    return feeds;
  }

  private async timed<T>(run: () => Promise<T>): Promise<T> {
    if (this.running++ === 0) this.runningSince = performance.now();
    try {
      return await run();
    } finally {
      if (--this.running === 0) this.runMs += performance.now() - this.runningSince;
    }
  }

  async release(): Promise<void> {
    const sessions = await this.sessions?.catch(() => undefined); // a graph that failed to open has nothing to free
    if (!sessions) return;
    await sessions.vision.release();
    await sessions.decoder.release();
  }
}

/** An int64 tensor of small integers, written through an Int32 view (no BigInt per element). */
function int64(rows: number[][], dims: number[]): ort.Tensor {
  const data = new BigInt64Array(dims.reduce((a, b) => a * b, 1));
  const words = new Int32Array(data.buffer); // little-endian: low word, then the sign word
  let k = 0;
  for (const row of rows) {
    for (const v of row) {
      words[k] = v;
      words[k + 1] = v < 0 ? -1 : 0;
      k += 2;
    }
  }
  return new ort.Tensor('int64', data, dims);
}

/**
 * The cache rows `rows` (repeats allowed), in that order, in new buffers: per-candidate copies for ranking. With
 * `into` (an earlier result of the same cache length with at least as many rows, no longer in use) its buffers are
 * written instead of fresh ones: ranking copies the prompt's cache for every candidate row, and fresh buffers of
 * that size cost page faults and garbage collection on every decoder call (bench/onnx-ranking-memory.ts).
 */
export function selectRows(cache: KVCache, rows: number[], headsTimesHd: number, into?: KVCache): KVCache {
  const rowSize = headsTimesHd * cache.length;
  const reuse = into !== undefined && into.length === cache.length && into.rows >= rows.length;
  const pick = (data: Float32Array, k: number, scratch: Float32Array[] | undefined) => {
    const out = reuse ? scratch![k]!.subarray(0, rows.length * rowSize) : new Float32Array(rows.length * rowSize);
    rows.forEach((r, i) => out.set(data.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize));
    return out;
  };
  return {
    rows: rows.length,
    length: cache.length,
    keys: cache.keys.map((d, k) => pick(d, k, into?.keys)),
    values: cache.values.map((d, k) => pick(d, k, into?.values)),
  };
}

/**
 * Rearranges rows of `rowSize` values inside `data` so that row i holds what row `rows[i]` held, and returns the first
 * `rows.length` rows (a view). Rows are written in increasing order; a source that an earlier write would overwrite
 * before it is read is saved first. Beam search moves few rows per step (a hypothesis whose parent had one child
 * stays in place), so this replaces copying the whole cache on every reorder.
 */
export function reorderRows(data: Float32Array, rows: number[], rowSize: number): Float32Array {
  const written = new Set<number>();
  rows.forEach((source, i) => {
    if (source !== i) written.add(i);
  });
  const saved = new Map<number, Float32Array>();
  rows.forEach((source, i) => {
    if (source < i && written.has(source) && !saved.has(source)) saved.set(source, data.slice(source * rowSize, (source + 1) * rowSize));
  });
  rows.forEach((source, i) => {
    if (source === i) return;
    const copy = saved.get(source);
    if (copy) data.set(copy, i * rowSize);
    else data.copyWithin(i * rowSize, source * rowSize, (source + 1) * rowSize);
  });
  return data.subarray(0, rows.length * rowSize);
}
