// The ONNX Flamingo backend: a bundle folder (manifest.json, tokenizer.json, vision.onnx, decoder.onnx) driven
// through onnxruntime-node. See docs/bundle-format.md.
//
// `session.run` blocks the thread that calls it, so with `workers` > 0 the sessions live in worker threads
// (pool.ts): each backend call (a batch) runs on one idle worker, several calls at once when the run keeps several
// batches in flight. The main thread keeps the rest: prompts, tokenizing, media loading and the visual-token cache,
// shared by all workers so that a medium is encoded once per run whichever worker needs it.
import { availableParallelism } from 'node:os';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeUsedFile } from '../../core/data-files.ts';
import type {
  Backend,
  FrameSampling,
  GenerateRequest,
  GenerateResult,
  MediaRef,
  ModelInfo,
  RankRequest,
  RankResult,
} from '../../core/types.ts';
import { RequestError } from '../../core/errors.ts';
import { FlamingoGraphs } from './graphs.ts';
import { generateTokens, rankCandidates } from './jobs.ts';
import { readManifest, type BundleManifest } from './manifest.ts';
import { MediaLoader } from './media.ts';
import { SessionPool } from './pool.ts';
import { renderPrompt, type RenderedPrompt } from './prompt.ts';
import { FlamingoRuntime } from './runtime.ts';
import type { DecodeSettings } from './search.ts';
import { BundleTokenizer } from './tokenizer.ts';
import { VisualCache } from './visual-cache.ts';
import { VisualEncoder } from './visual-encoder.ts';

export interface OnnxBackendOptions {
  /** The thread budget, split among the sessions (`--model-arg threads=<n>`; default: the machine's cores). */
  threads?: number;
  /** Sessions in worker threads, each running one batch at a time (`--model-arg workers=<n>`; 0 or unset: one
   * session on the main thread). */
  workers?: number;
  /** How a video becomes frames (`--frames`). */
  frames?: FrameSampling;
  /** Bytes of visual tokens kept in memory (default 256 MiB). */
  visualCacheBytes?: number;
}

/** How the thread budget is spent: sessions in worker threads (0: one session on the main thread) x intra-op threads. */
export interface SessionLayout {
  workers: number;
  intraOpThreads: number;
}

/**
 * The sessions for `workers` (default 0: one session on the main thread) and `threads` (the budget, default: the
 * machine's cores), split evenly among them as intra-op threads. On this project's 2-core machine one main-thread
 * session with 2 intra-op threads was faster than 2 workers x 1 in 5 of 6 task x shots cells
 * (bench/onnx-throughput.ts), and uses less memory, hence the default.
 */
export function sessionLayout(options: Pick<OnnxBackendOptions, 'threads' | 'workers'>): SessionLayout {
  const budget = options.threads ?? availableParallelism();
  const workers = options.workers ?? 0;
  return { workers, intraOpThreads: Math.max(1, Math.floor(budget / Math.max(1, workers))) };
}

export class OnnxFlamingoBackend implements Backend {
  private constructor(
    /** The bundle folder. */
    readonly root: string,
    readonly manifest: BundleManifest,
    /** The main thread's runtime: the one that runs when there are no workers (its sessions open on first use). */
    readonly runtime: FlamingoRuntime,
    readonly encoder: VisualEncoder,
    readonly layout: SessionLayout,
    readonly pool: SessionPool | undefined,
  ) {}

  static async open(dir: string, options: OnnxBackendOptions = {}): Promise<OnnxFlamingoBackend> {
    const root = resolve(dir);
    const manifest = await readManifest(root);
    const tokenizer = await BundleTokenizer.load(root, manifest);
    const layout = sessionLayout(options);
    const pool = layout.workers > 0 ? await SessionPool.start(root, manifest.name, layout.workers, layout.intraOpThreads) : undefined;
    const graphs = pool
      ? FlamingoGraphs.deferred(root, manifest, layout.intraOpThreads)
      : await FlamingoGraphs.open(root, manifest, layout.intraOpThreads);
    const loader = new MediaLoader(manifest.image, 4, { frames: options.frames });
    const cache = new VisualCache(options.visualCacheBytes ?? 256 * 1024 * 1024);
    const encode = pool ? pool.encode.bind(pool) : graphs.encode.bind(graphs);
    const encoder = new VisualEncoder(loader, cache, encode, manifest);
    return new OnnxFlamingoBackend(root, manifest, new FlamingoRuntime(graphs, tokenizer, encoder), encoder, layout, pool);
  }

  info(): ModelInfo {
    const m = this.manifest;
    return { name: m.name, family: m.family, parameters: m.parameters, contextLength: m.contextLength };
  }

  /**
   * The model's part of the configuration identity: the size and sha256 of the bundle's top-level files (manifest,
   * tokenizer, graphs), so that a model retrained under the same name is another model. Subfolders hold test fixtures
   * (parity/). Large files have their hash cached by path, size and mtime (src/core/data-files.ts).
   */
  async identity(): Promise<{ files: { name: string; bytes: number; sha256: string }[] }> {
    const names = readdirSync(this.root, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort((a, b) => (a < b ? -1 : 1));
    const files = await Promise.all(names.map((name) => describeUsedFile('model', join(this.root, name))));
    return { files: files.map((used, i) => ({ name: names[i]!, bytes: used.bytes, sha256: used.sha256 })) };
  }

  /** Sessions that can run at once: the workers, or the main thread's one. */
  get sessions(): number {
    return this.pool?.workers.length ?? 1;
  }

  /** Milliseconds inside ONNX Runtime so far, summed over the sessions. */
  get ortMs(): number {
    return this.runtime.graphs.runMs + (this.pool?.runMs ?? 0);
  }

  async generate(requests: GenerateRequest[]): Promise<GenerateResult[]> {
    const results: GenerateResult[] = Array(requests.length);
    // Requests with the same decoding settings share batches.
    const groups = new Map<string, number[]>();
    requests.forEach((r, i) => {
      const key = `${r.maxNewTokens}/${r.numBeams}/${r.lengthPenalty}/${r.stopAtEndOfChunk}`;
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    for (const indices of groups.values()) {
      const mediaBefore = this.encoder.mediaMs;
      const prompts = indices.map((i) => renderPrompt(requests[i]!.prompt, this.runtime.tokenizer));
      prompts.forEach((p, k) => this.checkLength(p.ids.length, indices[k]!));
      const settings: DecodeSettings = requests[indices[0]!]!;
      const tokens = this.pool
        ? await this.pool.generate(prompts, await this.visualTokens(prompts), settings)
        : await generateTokens(this.runtime, prompts, settings);
      const mediaMs = (this.encoder.mediaMs - mediaBefore) / indices.length;
      indices.forEach((i, k) => (results[i] = { text: this.runtime.tokenizer.decode(tokens[k]!), mediaMs }));
    }
    return results;
  }

  async rank(requests: RankRequest[]): Promise<RankResult[]> {
    if (requests.length === 0) return [];
    const mediaBefore = this.encoder.mediaMs;
    const prompts = requests.map((r) => renderPrompt(r.prompt, this.runtime.tokenizer));
    const candidates = requests.map((r) => r.candidates.map((c) => this.runtime.tokenizer.encode(c)));
    prompts.forEach((p, i) => this.checkLength(p.ids.length + Math.max(0, ...candidates[i]!.map((c) => c.length)), i));
    const scores = this.pool
      ? await this.pool.rank(prompts, await this.visualTokens(prompts), candidates)
      : await rankCandidates(this.runtime, prompts, candidates);
    const mediaMs = (this.encoder.mediaMs - mediaBefore) / requests.length;
    return requests.map((r, i) => ({
      logLikelihoods: scores[i]!.map((s, c) => (r.lengthNormalize ? s / Math.max(1, candidates[i]![c]!.length) : s)),
      mediaMs,
    }));
  }

  async embed(media: MediaRef[]): Promise<Float32Array[]> {
    return (await this.encoder.visualFor(media)).map((e) => e.embedding);
  }

  async close(): Promise<void> {
    await this.pool?.close();
    await this.runtime.graphs.release();
  }

  /**
   * A prompt longer than the model reads fails its own request (RequestError), before anything runs, so that the
   * other requests of the batch are run without it.
   */
  private checkLength(tokens: number, request: number): void {
    const limit = this.manifest.contextLength;
    if (tokens > limit) {
      throw new RequestError(
        `the prompt is ${tokens} tokens long, more than the model's context length of ${limit}; use fewer shots or a shorter text`,
        request,
      );
    }
  }

  /** The visual tokens of the prompts' media, by media id, to send with a worker job. */
  private async visualTokens(prompts: RenderedPrompt[]): Promise<Map<string, Float32Array>> {
    const media = prompts.flatMap((p) => p.media);
    const entries = await this.encoder.visualFor(media);
    return new Map(media.map((m, i) => [m.id, entries[i]!.tokens]));
  }
}
