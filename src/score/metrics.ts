// The metrics `flamingo-eval score --metric <name>` knows: for each, how its two files are read (src/score/*.ts)
// and which scorer runs on the joined items (metrics/*.ts, imported only when that metric is asked for), and how a
// bootstrap interval is computed for its headline scores.
import type { AnswerItem, CaptionItem, MetricResult } from '../metrics/types.ts';
import type { RocItem } from '../metrics/roc-auc.ts';
import type { NdcgItem } from '../metrics/ndcg.ts';
import type { RareActRow } from '../metrics/mwap.ts';

// The file readers and scorers load when a metric runs (./scorers.ts), not when the CLI starts: `score --help` and
// every other command only need the names and formats below.
const loadCaptions = async (p: string, r: string) => (await import('./scorers.ts')).loadCaptions(p, r);
const loadVqa = async (p: string, r: string) => (await import('./scorers.ts')).loadVqa(p, r);
const loadAnswers = async (p: string, r: string) => (await import('./scorers.ts')).loadAnswers(p, r);
const loadHatefulMemes = async (p: string, r: string) => (await import('./scorers.ts')).loadHatefulMemes(p, r);
const loadVisdial = async (p: string, r: string) => (await import('./scorers.ts')).loadVisdial(p, r);
const loadRareAct = async (p: string, r: string) => (await import('./scorers.ts')).loadRareAct(p, r);

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
  loader: (p: string, r: string) => AnswerItem[] | Promise<AnswerItem[]> = loadAnswers,
): MetricSpec<unknown> =>
  defineMetric<AnswerItem>({
    name,
    title,
    formats,
    load: async (p, r) => ({ items: await loader(p, r) }),
    score: async (items) => (await scorer())(items),
    resample: async (_items, result) => perItemMean(key, result),
  });

/** Mean (x100) of per-image values over a resample. */
function meanAt(values: ArrayLike<number>, indices: Uint32Array): number {
  let sum = 0;
  for (const i of indices) sum += values[i]!;
  return (100 * sum) / indices.length;
}

/**
 * Caption intervals. BLEU is a corpus statistic (pooled n-gram counts), so each resample pools the per-image counts
 * of its images again (`corpusBleu` over the resample's indices, exact). ROUGE-L is a mean over images, so resamples
 * average per-image values. CIDEr-D is recomputed on each resample as coco-caption would score the resampled files:
 * the document frequencies are those of the resampled images (an image drawn twice counts twice), from per-image
 * n-gram lists built once (metrics/cider-d.ts, CiderDResampler), not by tokenizing and counting again.
 */
async function captionResample(items: CaptionItem[], keys: readonly string[]): Promise<ResampleStatistic> {
  const { tokenizeCaptionItems } = await import('./scorers.ts');
  const { CaptionNgrams } = await import('./scorers.ts');
  const { bleuStatistics, corpusBleu } = await import('./scorers.ts');
  const { rougeLOfTokenized } = await import('./scorers.ts');
  const { CiderDResampler } = await import('./scorers.ts');
  const tokenized = tokenizeCaptionItems(items);
  const ngrams = new CaptionNgrams(tokenized);
  const bleu = keys.some((key) => key.startsWith('bleu_')) ? bleuStatistics(ngrams) : undefined;
  const rouge = keys.includes('rouge_l') ? rougeLOfTokenized(tokenized).perImage : undefined;
  const cider = keys.includes('cider') ? new CiderDResampler(ngrams) : undefined;
  return (indices) => {
    const out: Record<string, number> = {};
    if (bleu) corpusBleu(bleu, indices).forEach((value, k) => (out[`bleu_${k + 1}`] = 100 * value));
    if (rouge) out.rouge_l = meanAt(rouge, indices);
    if (cider) out.cider = 100 * cider.corpus(indices);
    return out;
  };
}

const captionMetric = (
  name: string,
  title: string,
  keys: readonly string[],
  scorer: () => Promise<(items: CaptionItem[]) => MetricResult>,
): MetricSpec<unknown> =>
  defineMetric<CaptionItem>({
    name,
    title,
    formats: CAPTION_FORMATS,
    load: async (p, r) => ({ items: await loadCaptions(p, r) }),
    score: async (items) => (await scorer())(items),
    resample: async (items) => captionResample(items, keys),
  });

const BLEU_KEYS = ['bleu_1', 'bleu_2', 'bleu_3', 'bleu_4'];

const specs: MetricSpec<unknown>[] = [
  captionMetric('caption', 'BLEU-1..4, ROUGE-L and CIDEr-D (coco-caption), x100', [...BLEU_KEYS, 'rouge_l', 'cider'], async () => (await import('./scorers.ts')).scoreCaptions),
  captionMetric('cider', 'CIDEr-D (coco-caption), x100', ['cider'], async () => (await import('./scorers.ts')).ciderD),
  captionMetric('bleu', 'BLEU-1..4 (coco-caption), x100', BLEU_KEYS, async () => (await import('./scorers.ts')).bleu),
  captionMetric('rouge_l', 'ROUGE-L (coco-caption), x100', ['rouge_l'], async () => (await import('./scorers.ts')).rougeL),
  answerMetric('vqa', 'VQA accuracy (official vqaEval.py)', 'vqa_accuracy', async () => (await import('./scorers.ts')).vqaAccuracy, VQA_FORMATS, loadVqa),
  answerMetric(
    'okvqa',
    'VQA accuracy with the OK-VQA answer stemming (open_flamingo) on',
    'vqa_accuracy',
    async () => {
      const { vqaAccuracy } = await import('./scorers.ts');
      return (items) => vqaAccuracy(items, { stem: true });
    },
    VQA_FORMATS,
    loadVqa,
  ),
  answerMetric('ivqa', 'iVQA accuracy', 'ivqa_accuracy', async () => (await import('./scorers.ts')).ivqaAccuracy),
  answerMetric('accuracy', 'top-1 accuracy after VQA answer normalisation', 'accuracy', async () => (await import('./scorers.ts')).accuracy),
  defineMetric<AnswerItem>({
    name: 'wups',
    title: 'WUPS@0.0 and WUPS@0.9 (NExT-QA eval_oe.py, NLTK 3.3 / WordNet 3.0), x100',
    formats: ANSWER_FORMATS,
    load: async (p, r) => ({ items: await loadAnswers(p, r) }),
    score: async (items) => (await import('./scorers.ts')).wups(items),
    // Per-question values at both thresholds (a one-question run of the scorer gives that question's value), then
    // resamples average them.
    resample: async (items) => {
      const { wups } = await import('./scorers.ts');
      const at0 = new Float64Array(items.length);
      const at09 = new Float64Array(items.length);
      items.forEach((item, i) => {
        const one = wups([item]).scores;
        at0[i] = (one.wups_0 as number) / 100;
        at09[i] = (one['wups_0.9'] as number) / 100;
      });
      return (indices) => ({ wups_0: meanAt(at0, indices), 'wups_0.9': meanAt(at09, indices) });
    },
  }),
  defineMetric<RocItem>({
    name: 'roc_auc',
    title: 'ROC-AUC (as sklearn roc_auc_score)',
    formats: 'predictions: [{"id", "proba"}]; references: HatefulMemes JSONL ({"id", "label": 0|1, ...} a line)',
    load: async (p, r) => ({ items: await loadHatefulMemes(p, r) }),
    score: async (items: RocItem[]) => (await import('./scorers.ts')).rocAuc(items),
    resample: async (items: RocItem[]) => rescore(items, ['roc_auc'], (await import('./scorers.ts')).rocAuc),
  }),
  defineMetric<NdcgItem>({
    name: 'ndcg',
    title: 'VisDial NDCG (official visdialch/metrics.py)',
    formats:
      'predictions: [{"image_id", "round_id", "ranks": [100] | "scores": [100]}]; references: VisDial dense annotations [{"image_id", "round_id", "gt_relevance": [100]}]',
    load: async (p, r) => loadVisdial(p, r),
    score: async (items: NdcgItem[]) => (await import('./scorers.ts')).visdialNdcg(items),
    resample: async (_items: NdcgItem[], result) => perItemMean('ndcg', result),
  }),
  defineMetric<RareActRow>({
    name: 'mwap',
    title: 'RareAct mWAP (official compute_score.py)',
    formats: 'predictions: .npy matrix (CSV rows x class ids) or [{"id", "scores": [per class id]}]; references: rareact.csv',
    load: async (p, r) => ({ items: await loadRareAct(p, r) }),
    score: async (items: RareActRow[]) => (await import('./scorers.ts')).mwap(items),
    resample: async (items: RareActRow[]) => {
      const resample = (await import('./scorers.ts')).mwapResampler(items);
      return (indices) => ({ mwap: resample(indices) });
    },
  }),
];

export const METRIC_NAMES: readonly string[] = specs.map((spec) => spec.name);

export function metricSpec(name: string): MetricSpec<unknown> | undefined {
  return specs.find((spec) => spec.name === name);
}

/** One line per metric: its name and file formats (for `score --help`). */
export function formatsHelp(): string {
  return specs.map((spec) => `  ${spec.name.padEnd(9)} ${spec.formats}`).join('\n');
}
