// All caption metrics of coco-caption at once (pycocoevalcap/eval.py without METEOR and SPICE, which need Java):
// PTB tokenization once, the n-gram counts once (shared by BLEU and CIDEr-D), then BLEU-1..4, ROUGE-L and CIDEr-D.
// Scale: x100 for every metric, as the papers print them; per item: CIDEr-D x100.
import type { CaptionItem, MetricResult } from './types.ts';
import { CaptionNgrams, type TokenizedCaptions } from './caption-ngrams.ts';
import { bleuOfNgrams } from './bleu.ts';
import { rougeLOfNgrams, rougeLOfTokenized } from './rouge-l.ts';
import { ciderDOfNgrams } from './cider-d.ts';
import { tokenizeCaptionItems } from './text/ptb-tokenize.ts';

export interface CaptionScores {
  /** Official scale: BLEU and ROUGE-L in [0, 1], CIDEr-D x10 included. */
  bleu: number[];
  rougeL: number;
  cider: number;
  perImage: { bleu4: Float64Array; rougeL: Float64Array; cider: Float64Array };
}

/** Every caption metric of already tokenized captions, on pycocoevalcap's own scale. */
export function captionScoresOfTokenized(items: readonly TokenizedCaptions[]): CaptionScores {
  const ngrams = new CaptionNgrams(items);
  const bleu = bleuOfNgrams(ngrams);
  const rouge = ngrams.spaceSplit ? rougeLOfNgrams(ngrams) : rougeLOfTokenized(items);
  const cider = ciderDOfNgrams(ngrams);
  return {
    bleu: bleu.corpus,
    rougeL: rouge.corpus,
    cider: cider.corpus,
    perImage: { bleu4: bleu.perImage[3]!, rougeL: rouge.perImage, cider: cider.perImage },
  };
}

/** BLEU-1..4, ROUGE-L and CIDEr-D (keys `bleu_1`..`bleu_4`, `rouge_l`, `cider`; x100); per item: CIDEr-D x100. */
export function scoreCaptions(items: CaptionItem[]): MetricResult {
  const scores = captionScoresOfTokenized(tokenizeCaptionItems(items));
  return {
    n: items.length,
    scores: {
      bleu_1: scores.bleu[0]! * 100,
      bleu_2: scores.bleu[1]! * 100,
      bleu_3: scores.bleu[2]! * 100,
      bleu_4: scores.bleu[3]! * 100,
      rouge_l: scores.rougeL * 100,
      cider: scores.cider * 100,
    },
    perItem: Array.from(scores.perImage.cider, (v) => v * 100),
  };
}
