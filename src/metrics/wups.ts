// WUPS (Wu-Palmer similarity set score; Malinowski & Fritz 2014) for NExT-QA open-ended QA, as NExT-QA's official
// evaluation computes it: doc-doc/NExT-OE `eval_oe.py` (evaluate) and `metrics.py` (wup, wups, get_wups), which pin
// NLTK 3.3 over WordNet 3.0. Scale: percent (x100), as the script prints.
//
// Per question:
// - Prediction and reference answers are normalised by `remove_stop` (lemmatized, NExT-QA stopwords dropped; see
//   wups-answer.ts), then tokenized again with NLTK's word tokenizer.
// - Word similarity wup(w1, w2, t): 1 if the two strings are equal; 0 if either has no WordNet synset; otherwise
//   NLTK 3.3's wup_similarity of the *first* synset of each (None counts 0), multiplied by 0.1 when below t.
// - Set similarity wups(A, B, t): the product over words a of A of max over b of B of wup(a, b, t), where words whose
//   best match is 0 are skipped (an unknown word costs nothing); 0 if every word was skipped (or A is empty).
// - get_wups(pred, ref, t) = min(wups(pred, ref, t), wups(ref, pred, t)).
// - Question types DC (counting) and DB (binary: yes/no or one of two named options) are scored by exact match of the
//   normalised strings instead, at both thresholds.
// - Reference answers: `answers[0]` is NExT-QA's answer; any further entries are additional reference answers
//   (add_reference_answer_<split>.json, one per question there). The script takes the best over them: the maximum
//   get_wups at each threshold, or an exact match with any of them for DC/DB.
// Aggregation: type TP is merged into TN (the script's "TPN" column); per-type means over CW, CH, TN, TC, DB, DC, DL, DO;
// group means C (CW+CH), T (TN+TC), D (DB+DC+DL+DO) and the overall mean, all x100. The script prints these at WUPS@0.0
// only; the same means at WUPS@0.9 are reported here too. Sums run in the script's order (per type in input order,
// then over types in its order CW, CH, TN, TC, DL, DB, DC, DO), so the values match it to the last bit. Types the
// script does not know (it would stop with a KeyError) are scored too, after those, and belong to no group.
// Keys: wups_0, wups_0.9, and with types wups_0_by_type, wups_0.9_by_type ({CW, CH, TN, ...} as present) and
// wups_0_by_group, wups_0.9_by_group ({C, T, D} as present: the script's WUPS_C, WUPS_T, WUPS_D).
//
// Checked against the official code run under NLTK 3.3 (test/fixtures/wups): identical values, to the last bit, for
// 602 answer pairs and for a 400-question evaluation with all types and additional references; on the 9,000 questions
// of bench/wups-scoring.ts every per-question value agreed. The one step that is approximated is part-of-speech tagging
// inside remove_stop (see wups-answer.ts).
import { InputError } from '../core/errors.ts';
import type { AnswerItem, MetricResult } from './types.ts';
import { treebankTokenize } from './text/treebank-tokenize.ts';
import { normalizeAnswer } from './text/wups-answer.ts';
import { wordnet, type WordNet } from './text/wordnet.ts';

/** NExT-QA question types in the order the official script accumulates them (TP is merged into TN). */
export const NEXTQA_TYPES = ['CW', 'CH', 'TN', 'TC', 'DL', 'DB', 'DC', 'DO'] as const;
/** Types scored by exact match of the normalised answers (counting and yes/no questions). */
const EXACT_MATCH_TYPES = new Set(['DC', 'DB']);

/** NExT-QA's per-word similarity `wup(word1, word2, alpha)` (metrics.py). */
export function wordSimilarity(word1: string, word2: string, threshold: number, wn: WordNet = wordnet()): number {
  if (word1 === word2) return 1;
  const first1 = wn.synsets(word1)[0];
  if (first1 === undefined) return 0;
  const first2 = wn.synsets(word2)[0];
  if (first2 === undefined) return 0;
  const similarity = wn.wupSimilarity(first1, first2) ?? 0;
  return similarity < threshold ? 0.1 * similarity : similarity;
}

/** Word similarities before thresholding, cached per ordered word pair (wup_similarity is not symmetric). */
class SimilarityTable {
  private readonly ids = new Map<string, number>();
  private readonly rows: Array<Map<number, number>> = [];
  constructor(private readonly wn: WordNet) {}

  private id(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(word, id);
      this.rows.push(new Map());
    }
    return id;
  }

  raw(word1: string, word2: string): number {
    const row = this.rows[this.id(word1)]!;
    const column = this.id(word2);
    let similarity = row.get(column);
    if (similarity === undefined) {
      similarity = wordSimilarity(word1, word2, -Infinity, this.wn);
      row.set(column, similarity);
    }
    return similarity;
  }
}

/** wup(w1, w2, t) from the unthresholded value (equal words have 1, which no threshold lowers). */
const thresholded = (raw: number, threshold: number): number => (raw < threshold ? 0.1 * raw : raw);

/** metrics.py `wups(words1, words2, t)`, given wup(words1[i], words2[j]) before thresholding as raw[i * n + j]. */
function setSimilarity(raw: Float64Array, m: number, n: number, threshold: number): number {
  let product = 1;
  let matched = false;
  for (let i = 0; i < m; i++) {
    let best = 0;
    for (let j = 0; j < n; j++) {
      const similarity = thresholded(raw[i * n + j]!, threshold);
      if (similarity > best) best = similarity;
    }
    if (best === 0) continue;
    product *= best;
    matched = true;
  }
  return matched ? product : 0;
}

/** get_wups at the given thresholds, from tokenized normalised answers; each value in [0, 1]. */
function tokenWups(prediction: readonly string[], reference: readonly string[], thresholds: readonly number[], table: SimilarityTable): number[] {
  const m = prediction.length;
  const n = reference.length;
  const forward = new Float64Array(m * n);
  const backward = new Float64Array(n * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      forward[i * n + j] = table.raw(prediction[i]!, reference[j]!);
      backward[j * m + i] = table.raw(reference[j]!, prediction[i]!);
    }
  }
  return thresholds.map((t) => Math.min(setSimilarity(forward, m, n, t), setSimilarity(backward, n, m, t)));
}

/**
 * NExT-QA's `get_wups(pred, truth, alpha)` on two already-normalised answers (outputs of `normalizeAnswer`), in [0, 1].
 */
export function answerWups(prediction: string, reference: string, threshold: number, wn: WordNet = wordnet()): number {
  return tokenWups(treebankTokenize(prediction), treebankTokenize(reference), [threshold], new SimilarityTable(wn))[0]!;
}

/** The scores of one question at both thresholds, in [0, 1]. */
export interface QuestionWups {
  wups0: number;
  wups09: number;
}

/** The official group of a question type: TP counts as TN. */
export function officialType(type: string): string {
  return type === 'TP' ? 'TN' : type;
}

/**
 * Each question's WUPS at both thresholds, in [0, 1] and input order: what the official script adds up (cur_0, cur_9).
 * Validates the items as `wups` does. Use it to resample questions (bootstrap) without scoring twice.
 */
export function wupsByQuestion(items: AnswerItem[], wn: WordNet = wordnet()): QuestionWups[] {
  if (items.length === 0) throw new InputError('WUPS: there are no predictions to score');
  const typed = items.some((item) => item.type !== undefined);
  items.forEach((item, index) => {
    if (item.answers.length === 0) throw new InputError(`WUPS: item ${index} (id ${item.id}) has no reference answer`);
    if (typed && item.type === undefined) {
      throw new InputError(`WUPS: item ${index} (id ${item.id}) has no "type" while others do; give every item a type or none`);
    }
  });

  const normalised = new Map<string, { text: string; tokens: string[] }>();
  const normalise = (answer: string): { text: string; tokens: string[] } => {
    let entry = normalised.get(answer);
    if (entry === undefined) {
      const text = normalizeAnswer(answer, wn);
      entry = { text, tokens: treebankTokenize(text) };
      normalised.set(answer, entry);
    }
    return entry;
  };
  const table = new SimilarityTable(wn);

  return items.map((item) => {
    const prediction = normalise(item.prediction);
    const references = item.answers.map(normalise);
    if (item.type !== undefined && EXACT_MATCH_TYPES.has(officialType(item.type))) {
      const hit = references.some((reference) => reference.text === prediction.text) ? 1 : 0;
      return { wups0: hit, wups09: hit };
    }
    let wups0 = 0;
    let wups09 = 0;
    references.forEach((reference, k) => {
      const [at0, at09] = tokenWups(prediction.tokens, reference.tokens, [0, 0.9], table) as [number, number];
      wups0 = k === 0 ? at0 : Math.max(wups0, at0);
      wups09 = k === 0 ? at09 : Math.max(wups09, at09);
    });
    return { wups0, wups09 };
  });
}

/**
 * WUPS@0.0 and WUPS@0.9 of NExT-QA predictions, overall and (when items carry `type`) per question type and per group
 * (C, T, D), in percent. `perItem` is each question's WUPS@0.0 (x100), in input order.
 */
export function wups(items: AnswerItem[], wn: WordNet = wordnet()): MetricResult {
  const scores = wupsByQuestion(items, wn);
  const typed = items.some((item) => item.type !== undefined);
  const result: MetricResult = { n: items.length, scores: {}, perItem: scores.map((s) => s.wups0 * 100) };
  if (!typed) {
    let sum0 = 0;
    let sum09 = 0;
    for (const s of scores) {
      sum0 += s.wups0;
      sum09 += s.wups09;
    }
    result.scores['wups_0'] = (sum0 / items.length) * 100;
    result.scores['wups_0.9'] = (sum09 / items.length) * 100;
    return result;
  }
  Object.assign(result.scores, aggregateByType(items, scores));
  return result;
}

/** The official script's aggregation: per-type sums in input order, then totals over types in its fixed order. */
function aggregateByType(items: AnswerItem[], scores: QuestionWups[]): MetricResult['scores'] {
  const sums = new Map<string, { n: number; sum0: number; sum09: number }>();
  for (const type of NEXTQA_TYPES) sums.set(type, { n: 0, sum0: 0, sum09: 0 });
  items.forEach((item, index) => {
    const type = officialType(item.type!);
    let entry = sums.get(type);
    if (entry === undefined) {
      entry = { n: 0, sum0: 0, sum09: 0 };
      sums.set(type, entry); // a type the official script does not know: kept, after the official ones
    }
    entry.n++;
    entry.sum0 += scores[index]!.wups0;
    entry.sum09 += scores[index]!.wups09;
  });

  const byType0: Record<string, number> = {};
  const byType09: Record<string, number> = {};
  const groups = new Map<string, { n: number; sum0: number; sum09: number }>();
  let total0 = 0;
  let total09 = 0;
  for (const [type, { n, sum0, sum09 }] of sums) {
    total0 += sum0;
    total09 += sum09;
    if (n === 0) continue;
    byType0[type] = (sum0 / n) * 100;
    byType09[type] = (sum09 / n) * 100;
    const letter = type[0]!;
    if ((NEXTQA_TYPES as readonly string[]).includes(type)) {
      const group = groups.get(letter) ?? { n: 0, sum0: 0, sum09: 0 };
      group.n += n;
      group.sum0 += sum0;
      group.sum09 += sum09;
      groups.set(letter, group);
    }
  }
  const byGroup0: Record<string, number> = {};
  const byGroup09: Record<string, number> = {};
  for (const letter of ['C', 'T', 'D']) {
    const group = groups.get(letter);
    if (group === undefined) continue;
    byGroup0[letter] = (group.sum0 / group.n) * 100;
    byGroup09[letter] = (group.sum09 / group.n) * 100;
  }
  return {
    wups_0: (total0 / items.length) * 100,
    'wups_0.9': (total09 / items.length) * 100,
    wups_0_by_type: byType0,
    'wups_0.9_by_type': byType09,
    wups_0_by_group: byGroup0,
    'wups_0.9_by_group': byGroup09,
  };
}
