// Post-processing of generated text, as open_flamingo's eval does it (open_flamingo/eval/utils.py and evaluate.py),
// plus a final trim: the scorers strip whitespace anyway, and the record then shows the answer that was scored.

/** Captions: cut at the first "Output" (the model starting another chunk), remove double quotes. */
export function postprocessCaption(raw: string): string {
  return raw.split('Output', 1)[0]!.replaceAll('"', '').trim();
}

/** VQA answers: cut at the first "Question", "Answer" or "Short", then at the first ", ". */
export function postprocessVqaAnswer(raw: string): string {
  const answer = raw.split(/Question|Answer|Short/, 1)[0]!;
  return answer.split(', ', 1)[0]!.trim();
}
