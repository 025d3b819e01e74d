// What one session does with a batch of rendered prompts: the same code on the main thread and in a worker
// (worker.ts), so that both give the same numbers for the same batch.
import type { RenderedPrompt } from './prompt.ts';
import { scoreCandidates } from './rank.ts';
import type { FlamingoRuntime, VisualSource } from './runtime.ts';
import { decode, type DecodeSettings } from './search.ts';
import type { VisualEntry } from './visual-cache.ts';
import type { MediaRef } from '../../core/types.ts';

/** Generated token ids per prompt (the stop token excluded). */
export async function generateTokens(runtime: FlamingoRuntime, prompts: RenderedPrompt[], settings: DecodeSettings): Promise<number[][]> {
  const { state } = await runtime.prefill(prompts);
  return decode(runtime, state, settings);
}

/** Log-likelihood of each candidate (token ids) of each prompt. */
export async function rankCandidates(runtime: FlamingoRuntime, prompts: RenderedPrompt[], candidates: number[][][]): Promise<number[][]> {
  const { state } = await runtime.prefill(prompts);
  return scoreCandidates(runtime, state, candidates);
}

/** Visual tokens handed over with a job (a worker's prompts arrive with their media already encoded). */
export class GivenVisuals implements VisualSource {
  readonly encodes = 0;
  readonly mediaMs = 0;

  constructor(private readonly tokens: Map<string, Float32Array>) {}

  async visualFor(media: MediaRef[]): Promise<VisualEntry[]> {
    return media.map((m) => {
      const tokens = this.tokens.get(m.id);
      if (!tokens) throw new Error(`no visual tokens were sent for medium ${m.id}`);
      return { tokens, embedding: new Float32Array(0) };
    });
  }
}
