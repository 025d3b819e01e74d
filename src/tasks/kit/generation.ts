// Decoding settings shared by task families. Open-ended tasks follow open_flamingo's eval (evaluate.py:
// evaluate_captioning and evaluate_vqa): beam search with 3 beams, no length penalty, 20 new tokens for a caption and
// 5 for a VQA answer; the paper stops at the end of chunk.
import type { GenerationSettings } from '../../core/types.ts';

export const CAPTION_GENERATION: GenerationSettings = { maxNewTokens: 20, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true };

export const VQA_GENERATION: GenerationSettings = { maxNewTokens: 5, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true };

/** Close-ended tasks rank candidates and never generate; these settings are only recorded. */
export const RANKING_GENERATION: GenerationSettings = { maxNewTokens: 1, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true };
