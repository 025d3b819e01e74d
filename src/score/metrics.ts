// The metrics `flamingo-eval score --metric <name>` knows: for each, how its two files are read (src/score/*.ts)
// and which scorer runs on the joined items (metrics/*.ts, imported only when that metric is asked for), and how a
// bootstrap interval is computed for its headline scores.
import type { AnswerItem, MetricResult } from '../../metrics/types.ts';
import type { RocItem } from '../../metrics/roc-auc.ts';
import type { NdcgItem } from '../../metrics/ndcg.ts';
import type { RareActRow } from '../../metrics/mwap.ts';
import { loadCaptions } from './captions.ts';
import { loadVqa } from './vqa.ts';
import { loadAnswers } from './answers.ts';
import { loadHatefulMemes } from './hateful-memes.ts';
import { loadVisdial } from './visdial.ts';
import { loadRareAct } from './rareact.ts';

/** Per resample (indices into the items, with repeats): a value for each headline key, NaN where undefined. */
export type ResampleStatistic = (indices: Uint32Array) => Record<string, number>;

export interface MetricSpec<T = unknown> {
  name: string;
  /** What the scores are, for the table's title. */
  title: string;
  /** The file formats, for help and errors. */
  formats: string;
  load(predictionsFile: string, referencesFile: string): Promise<{ items: T[]; notes?: string[] }>;
  score(items: T[]): Promise<MetricResult>;
  /** The headline scores recomputed on a resample, for `--ci`. */
  resample(items: T[], result: MetricResult): Promise<ResampleStatistic>;
}

/** Type-checks a metric against its own item type, then stores it in the untyped table. */
function defineMetric<T>(spec: MetricSpec<T>): MetricSpec<unknown> {
  return spec as unknown as MetricSpec<unknown>;
}

/** Mean over the resample of a scorer's per-item values (exact for metrics that are a mean of per-item values). */
function perItemMean(key: string, result: MetricResult): ResampleStatistic {
  const perItem = result.perItem;
  if (!perItem) throw new Error(`${key} has no per-item values to resample`);
  return (indices) => {
    let sum = 0;
    for (const i of indices) sum += perItem[i]!;
    return { [key]: sum / indices.length };
  };
}

/** The scorer run again on the resampled items (ids made unique, since a resample repeats items). */
function rescore<T extends { id: string }>(
  items: T[],
  keys: readonly string[],
  scorer: (items: T[]) => MetricResult,
): ResampleStatistic {
  return (indices) => {
    const sample = Array.from(indices, (i, k) => ({ ...items[i]!, id: `${items[i]!.id}#${k}` }));
    let scores: MetricResult['scores'];
    try {
      scores = scorer(sample).scores;
    } catch (error) {
      if (error instanceof RangeError) return Object.fromEntries(keys.map((key) => [key, NaN]));
      throw error;
    }
    return Object.fromEntries(keys.map((key) => [key, scores[key] as number]));
  };
}

const CAPTION_FORMATS =
  'predictions: COCO results [{"image_id", "caption"}]; references: COCO captions annotations {"annotations": [{"image_id", "caption"}]}';
const ANSWER_FORMATS = 'predictions: [{"id", "answer"}]; references: [{"id", "answers": [...], "type"?}]';
const VQA_FORMATS =
  'predictions: VQA results [{"question_id", "answer"}]; references: VQA annotations {"annotations": [{"question_id", "answer_type", "answers": [{"answer"}]}]}';

const answerMetric = (
  name: string,
  title: string,
  key: string,
  scorer: () => Promise<(items: AnswerItem[]) => MetricResult>,
  formats = ANSWER_FORMATS,
  loader: (p: string, r: string) => AnswerItem[] = loadAnswers,
): MetricSpec<unknown> =>
  defineMetric<AnswerItem>({
  name,
  title,
  formats,
  load: async (p, r) => ({ items: loader(p, r) }),
  score: async (items) => (await scorer())(items),
  resample: async (_items, result) => perItemMean(key, result),
  });

const specs: MetricSpec<unknown>[] = [
  answerMetric('vqa', 'VQA accuracy (official vqaEval.py)', 'vqa_accuracy', async () => (await import('../../metrics/vqa-accuracy.ts')).vqaAccuracy, VQA_FORMATS, loadVqa),
  answerMetric(
    'okvqa',
    'VQA accuracy with the OK-VQA answer stemming (open_flamingo) on',
    'vqa_accuracy',
    async () => {
      const { vqaAccuracy } = await import('../../metrics/vqa-accuracy.ts');
      return (items) => vqaAccuracy(items, { stem: true });
    },
    VQA_FORMATS,
    loadVqa,
  ),
  answerMetric('ivqa', 'iVQA accuracy', 'ivqa_accuracy', async () => (await import('../../metrics/ivqa-accuracy.ts')).ivqaAccuracy),
  answerMetric('accuracy', 'top-1 accuracy after VQA answer normalisation', 'accuracy', async () => (await import('../../metrics/accuracy.ts')).accuracy),
  defineMetric<RocItem>({
    name: 'roc_auc',
    title: 'ROC-AUC (as sklearn roc_auc_score)',
    formats: 'predictions: [{"id", "proba"}]; references: HatefulMemes JSONL ({"id", "label": 0|1, ...} a line)',
    load: async (p, r) => ({ items: await loadHatefulMemes(p, r) }),
    score: async (items: RocItem[]) => (await import('../../metrics/roc-auc.ts')).rocAuc(items),
    resample: async (items: RocItem[]) => rescore(items, ['roc_auc'], (await import('../../metrics/roc-auc.ts')).rocAuc),
  }),
  defineMetric<NdcgItem>({
    name: 'ndcg',
    title: 'VisDial NDCG (official visdialch/metrics.py)',
    formats:
      'predictions: [{"image_id", "round_id", "ranks": [100] | "scores": [100]}]; references: VisDial dense annotations [{"image_id", "round_id", "gt_relevance": [100]}]',
    load: async (p, r) => loadVisdial(p, r),
    score: async (items: NdcgItem[]) => (await import('../../metrics/ndcg.ts')).visdialNdcg(items),
    resample: async (_items: NdcgItem[], result) => perItemMean('ndcg', result),
  }),
  defineMetric<RareActRow>({
    name: 'mwap',
    title: 'RareAct mWAP (official compute_score.py)',
    formats: 'predictions: .npy matrix (CSV rows x class ids) or [{"id", "scores": [per class id]}]; references: rareact.csv',
    load: async (p, r) => ({ items: loadRareAct(p, r) }),
    score: async (items: RareActRow[]) => (await import('../../metrics/mwap.ts')).mwap(items),
    resample: async (items: RareActRow[]) => {
      const { meanWeightedAP } = await import('../../metrics/mwap.ts');
      return (indices) => ({ mwap: 100 * meanWeightedAP(Array.from(indices, (i) => items[i]!)) });
    },
  }),
];

/** Metrics whose scorer module has not landed yet: asking for them is a usage error that says so. */
const PENDING: Record<string, string> = {
  caption: 'metrics/caption.ts',
  cider: 'metrics/cider-d.ts',
  bleu: 'metrics/bleu.ts',
  rouge_l: 'metrics/rouge-l.ts',
  wups: 'metrics/wups.ts',
};

export const METRIC_NAMES: readonly string[] = [
  'caption', 'cider', 'bleu', 'rouge_l', 'vqa', 'okvqa', 'ivqa', 'accuracy', 'roc_auc', 'ndcg', 'mwap', 'wups',
];

export function metricSpec(name: string): MetricSpec<unknown> | { pending: string } | undefined {
  const spec = specs.find((s) => s.name === name);
  if (spec) return spec;
  if (PENDING[name]) return { pending: PENDING[name]! };
  return undefined;
}
