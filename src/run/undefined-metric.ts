// A metric undefined on the queries evaluated (ROC-AUC with one class present, mWAP without a positive): what the
// summary and the run's warning say about it.

/**
 * Why a record's metric has no value, and what to do: the metric is undefined on the queries evaluated (one class
 * only, no positive), which more queries fix.
 */
export function undefinedAdvice(row: { n: number; undefined?: string }): string {
  return (
    `${row.undefined} on the ${row.n} queries evaluated; the record holds the answers with the metric as null. ` +
    'Evaluate more queries (a larger --limit, or the whole split without --limit) for a value.'
  );
}

