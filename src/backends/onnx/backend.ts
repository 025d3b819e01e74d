// The ONNX Flamingo backend: a bundle folder (manifest.json, tokenizer.json, vision.onnx, decoder.onnx) driven
// through onnxruntime-node. See the README, "Model bundle format".
import { resolve } from 'node:path';
import type {
  Backend,
  BackendOptions,
  GenerateRequest,
  GenerateResult,
  MediaRef,
  ModelInfo,
  RankRequest,
  RankResult,
} from '../../types.ts';
import { FlamingoGraphs } from './graphs.ts';
import { readManifest, type BundleManifest } from './manifest.ts';
import { MediaLoader } from './media.ts';
import { renderPrompt } from './prompt.ts';
import { scoreCandidates } from './rank.ts';
import { FlamingoRuntime } from './runtime.ts';
import { decode, type DecodeSettings } from './search.ts';
import { BundleTokenizer } from './tokenizer.ts';
import { VisualCache } from './visual-cache.ts';
import { VisualEncoder } from './visual-encoder.ts';

export interface OnnxBackendOptions extends BackendOptions {
  /** Bytes of visual tokens kept in memory (default 256 MiB). */
  visualCacheBytes?: number;
}

export class OnnxFlamingoBackend implements Backend {
  private constructor(
    readonly manifest: BundleManifest,
    readonly runtime: FlamingoRuntime,
  ) {}

  static async open(dir: string, options: OnnxBackendOptions = {}): Promise<OnnxFlamingoBackend> {
    const root = resolve(dir);
    const manifest = await readManifest(root);
    const tokenizer = await BundleTokenizer.load(root, manifest);
    const graphs = await FlamingoGraphs.open(root, manifest, options.threads ?? 1);
    const loader = new MediaLoader(manifest.image, 4, { frames: options.frames });
    const cache = new VisualCache(options.visualCacheBytes ?? 256 * 1024 * 1024);
    const encoder = new VisualEncoder(loader, cache, (pixels, media, frames) => graphs.encode(pixels, media, frames), manifest);
    return new OnnxFlamingoBackend(manifest, new FlamingoRuntime(graphs, tokenizer, encoder));
  }

  info(): ModelInfo {
    const m = this.manifest;
    return { name: m.name, family: m.family, parameters: m.parameters, contextLength: m.contextLength };
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
      const mediaBefore = this.runtime.mediaMs;
      const prompts = indices.map((i) => renderPrompt(requests[i]!.prompt, this.runtime.tokenizer));
      const { state } = await this.runtime.prefill(prompts);
      const settings: DecodeSettings = requests[indices[0]!]!;
      const tokens = await decode(this.runtime, state, settings);
      const mediaMs = (this.runtime.mediaMs - mediaBefore) / indices.length;
      indices.forEach((i, k) => (results[i] = { text: this.runtime.tokenizer.decode(tokens[k]!), mediaMs }));
    }
    return results;
  }

  async rank(requests: RankRequest[]): Promise<RankResult[]> {
    if (requests.length === 0) return [];
    const mediaBefore = this.runtime.mediaMs;
    const prompts = requests.map((r) => renderPrompt(r.prompt, this.runtime.tokenizer));
    const candidates = requests.map((r) => r.candidates.map((c) => this.runtime.tokenizer.encode(c)));
    const { state } = await this.runtime.prefill(prompts);
    const scores = await scoreCandidates(this.runtime, state, candidates);
    const mediaMs = (this.runtime.mediaMs - mediaBefore) / requests.length;
    return requests.map((r, i) => ({
      logLikelihoods: scores[i]!.map((s, c) => (r.lengthNormalize ? s / Math.max(1, candidates[i]![c]!.length) : s)),
      mediaMs,
    }));
  }

  async embed(media: MediaRef[]): Promise<Float32Array[]> {
    return (await this.runtime.visualFor(media)).map((e) => e.embedding);
  }

  async close(): Promise<void> {
    await this.runtime.graphs.release();
  }
}
