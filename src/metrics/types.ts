// Shared shapes of the scorers' inputs and outputs.

/**
 * What every scorer returns. `scores` holds corpus-level values on the scale the papers print (CIDEr, BLEU, ROUGE-L
 * x100; accuracies in percent; ROC-AUC x100), keyed exactly as `flamingo-eval score --json` prints them; a `*_by_type`
 * key holds an object keyed by answer/question type. `perItem` holds the primary metric for each input item, in input
 * order and on the same scale, where the metric has a per-item value.
 */
export interface MetricResult {
  n: number;
  scores: Record<string, number | Record<string, number>>;
  perItem?: number[];
}

/** A generated caption and the human references of its image (raw text; scorers tokenize). */
export interface CaptionItem {
  id: string;
  prediction: string;
  references: string[];
}

/** A predicted answer and the human answers (VQA: the ten answers; iVQA: five; MSVD-QA: one). */
export interface AnswerItem {
  id: string;
  prediction: string;
  answers: string[];
  /** Answer type (VQA: yes/no, number, other) or question type (NExT-QA: CW, CH, TN, ...). */
  type?: string;
}
