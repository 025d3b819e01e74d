// Post-processing of generated text, as open_flamingo's eval does it (open_flamingo/eval/utils.py and evaluate.py),
// plus a final trim: the scorers strip whitespace anyway, and the record then shows the answer that was scored.
import { ptbTokenize } from '../../metrics/text/ptb-tokenize.ts';
import { normalizeVqaAnswer } from '../../metrics/text/vqa-normalize.ts';

/** Captions: cut at the first "Output" (the model starting another chunk), remove double quotes. */
export function postprocessCaption(raw: string): string {
  return raw.split('Output', 1)[0]!.replaceAll('"', '').trim();
}

/** VQA answers: cut at the first "Question", "Answer" or "Short", then at the first ", ". */
export function postprocessVqaAnswer(raw: string): string {
  const answer = raw.split(/Question|Answer|Short/, 1)[0]!;
  return answer.split(', ', 1)[0]!.trim();
}

/**
 * VQA answers compared as the official VQA evaluation compares them (whitespace, punctuation, number words, articles,
 * contractions): the context-use figures' notion of "the same answer" (Task.normalizeAnswer).
 */
export function sameVqaAnswer(answer: string): string {
  return normalizeVqaAnswer(answer);
}

/** Captions compared as coco-caption tokenizes them (PTB tokens, lowercased, punctuation dropped). */
export function sameCaption(caption: string): string {
  return ptbTokenize(caption);
}
