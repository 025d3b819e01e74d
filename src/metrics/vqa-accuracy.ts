// VQA accuracy as the official evaluation computes it: GT-Vision-Lab/VQA,
// PythonEvaluationTools/vqaEvaluation/vqaEval.py, last revision (a013f00). Used for VQAv2, OK-VQA, VizWiz and
// TextVQA. Scale: percent (0..100), overall, per answer type and per item.
//
// Per question, with the human answers g_1..g_n (n = 10 in all four datasets; OK-VQA's ten are five answers each
// given twice):
//   acc = (1/n) * sum over i of min(1, #{ j != i : g_j == prediction } / 3)
// i.e. the mean over the n leave-one-out subsets of n-1 annotators of min(1, matches/3). For n != 10 we apply the
// same formula unchanged, as the script would: with one answer the only subset is empty and the score is always 0;
// with two, a question scores at most 1/3. Each entry of `answers` is one annotator, even when two are equal (the
// script removes one answer *record*, and records differ by answer_id).
//
// The quirks that decide matches, reproduced:
// - Every prediction and human answer first has newlines/tabs turned into spaces and is stripped.
// - Punctuation, number-word, article and contraction normalisation (vqa-normalize.ts) is applied to the answers AND
//   the prediction ONLY when the (stripped) human answers are not all identical. When all ten say "yes", the
//   prediction must equal "yes" exactly: "Yes" or "yes." score 0. This is the script's behaviour, kept on purpose.
// - Matching is exact string equality after that.
//
// open_flamingo's copy of the script (open_flamingo/eval/vqa_metric.py), which produced OpenFlamingo's published
// VQAv2/OK-VQA/VizWiz/TextVQA numbers, differs in exactly one place: it normalises the answers and the prediction
// ALWAYS. `normalization: 'open_flamingo'` reproduces that copy (checked against it); the default is the official one.
//
// Numbers: the script prints round(100 * sum / n, 2). We return the same expression unrounded (sum left to right in
// input order, like Python's built-in `sum` before 3.12), so rounding ours to 2 decimals gives the script's output.
// Per answer type, the script's last revision averages the per-question score (the first release averaged the last
// leave-one-out value by mistake); we follow the last revision.
import { InputError } from '../core/errors.ts';
import type { AnswerItem, MetricResult } from './types.ts';
import { meanByType, scaledMean } from './by-type.ts';
import { cleanVqaWhitespace, normalizeVqaAnswer } from './text/vqa-normalize.ts';
import { okvqaStem } from './text/okvqa-stem.ts';

export interface VqaAccuracyOptions {
  /** Apply open_flamingo's OK-VQA stemming (okvqa-stem.ts) to each prediction first. Off by default. */
  stem?: boolean;
  /**
   * `official` (default): normalise only when the human answers differ, as vqaEval.py does. `open_flamingo`: always
   * normalise, as open_flamingo's vqa_metric.py does.
   */
  normalization?: 'official' | 'open_flamingo';
}

/** Keys: `vqa_accuracy` (percent) and, when items have types, `vqa_accuracy_by_type`; perItem in percent. */
export function vqaAccuracy(items: AnswerItem[], options: VqaAccuracyOptions = {}): MetricResult {
  if (items.length === 0) throw new InputError('VQA accuracy: there are no items to score');
  const scorer = new VqaQuestionScorer(options.stem === true, options.normalization === 'open_flamingo');
  const perQuestion = items.map((item) => scorer.score(item));
  const scores: MetricResult['scores'] = { vqa_accuracy: scaledMean(perQuestion, 100) };
  const byType = meanByType(perQuestion, items.map((item) => item.type), 100);
  if (byType) scores.vqa_accuracy_by_type = byType;
  return { n: items.length, scores, perItem: perQuestion.map((acc) => 100 * acc) };
}

/** Scores single questions (0..1), caching the cleaned and normalised form of every distinct string it sees. */
export class VqaQuestionScorer {
  private readonly cleaned = new Map<string, string>();
  private readonly normalized = new Map<string, string>();
  private readonly stemmed = new Map<string, string>();
  private readonly raw: string[] = [];
  private readonly value: string[] = [];
  private readonly slot: number[] = [];

  constructor(
    private readonly stem = false,
    private readonly alwaysNormalize = false,
  ) {}

  /** The accuracy of one question in 0..1 (the script's per-question `avgGTAcc`). */
  score(item: AnswerItem): number {
    const answers = item.answers;
    const n = answers.length;
    if (n === 0) throw new InputError(`VQA accuracy: item ${item.id} has no reference answers`);
    // Annotators repeat each other, so each distinct raw answer of the question is cleaned and normalised once:
    // slot[i] is the index of answer i among the question's distinct raw answers.
    const { raw, value, slot } = this;
    let distinct = 0;
    for (let i = 0; i < n; i++) {
      const answer = answers[i]!;
      let k = 0;
      while (k < distinct && raw[k] !== answer) k++;
      if (k === distinct) {
        raw[k] = answer;
        value[k] = this.clean(answer);
        distinct++;
      }
      slot[i] = k;
    }
    let allSame = true;
    for (let k = 1; k < distinct; k++) if (value[k] !== value[0]) allSame = false;
    let prediction = this.clean(this.stem ? this.stemOf(item.prediction) : item.prediction);
    if (!allSame || this.alwaysNormalize) {
      for (let k = 0; k < distinct; k++) value[k] = this.normalize(value[k]!);
      prediction = this.normalize(prediction);
    }
    let matches = 0;
    for (let i = 0; i < n; i++) if (value[slot[i]!] === prediction) matches++;
    // Leave-one-out in the script's order: leaving out a matching answer leaves matches-1 matches, otherwise
    // matches. The per-subset values are summed in answer order, as the script's sum(gtAcc) does.
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.min(1, (value[slot[i]!] === prediction ? matches - 1 : matches) / 3);
    return sum / n;
  }

  private clean(text: string): string {
    if (isClean(text)) return text; // most answers: skip the cache lookup, which costs more than this check
    let out = this.cleaned.get(text);
    if (out === undefined) this.cleaned.set(text, (out = cleanVqaWhitespace(text)));
    return out;
  }

  // Input is already cleaned, and cleaning is idempotent, so normalizeVqaAnswer's own cleaning changes nothing.
  private normalize(text: string): string {
    let out = this.normalized.get(text);
    if (out === undefined) this.normalized.set(text, (out = normalizeVqaAnswer(text)));
    return out;
  }

  private stemOf(text: string): string {
    let out = this.stemmed.get(text);
    if (out === undefined) this.stemmed.set(text, (out = okvqaStem(text)));
    return out;
  }
}

/**
 * True when cleanVqaWhitespace would return `text` unchanged: it neither starts nor ends with a character that
 * could be Python whitespace (all such characters are <= U+0020 or >= U+0085) and holds no newline or tab.
 */
function isClean(text: string): boolean {
  const n = text.length;
  if (n === 0) return true;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(n - 1);
  if (first <= 0x20 || first >= 0x85 || last <= 0x20 || last >= 0x85) return false;
  return !text.includes('\n') && !text.includes('\t');
}
