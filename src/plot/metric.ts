// Axis titles: the metric's name and the scale its numbers are on. Records hold metrics on the papers' scale
// (accuracies in percent, CIDEr and the other 0-1 scores multiplied by 100), so each title says which.

const TITLES: Record<string, string> = {
  vqa_accuracy: 'VQA accuracy (%)',
  accuracy: 'accuracy (%)',
  ivqa_accuracy: 'iVQA accuracy (%)',
  top1_accuracy: 'top-1 accuracy (%)',
  top1_top5_avg_accuracy: 'mean of top-1 and top-5 accuracy (%)',
  roc_auc: 'ROC-AUC (%)',
  mwap: 'mWAP (%)',
  cider: 'CIDEr (x100)',
  ndcg: 'NDCG (x100)',
  wups_0: 'WUPS@0.0 (x100)',
  'wups_0.9': 'WUPS@0.9 (x100)',
};

/** `VQA accuracy (%)`, `CIDEr (x100)`; a metric of a task of your own: its name, on the scale its task reports. */
export function metricTitle(metric: string): string {
  return TITLES[metric] ?? `${metric} (as recorded)`;
}
