// Log-spaced axes that include 0. Few-shot results sit at 0, 4, 8, 16, 32 shots and model sizes span 1B..80B; both
// read best on a log axis, but log(0) does not exist (0 shots, or the 0 parameters of the non-neural baseline).
// A symlog scale would take 0 but leaves 4..32 unevenly spaced; instead positive values sit at log_base(v), as on a
// plain log axis, and 0 sits one step (one doubling of shots, one decade of parameters) left of the smallest positive
// value present, labelled 0. The Flamingo paper's figures space 0, 4, 8, 16, 32 evenly in the same way.

export interface LogAxis {
  /** Where a value is drawn. */
  position(value: number): number;
  /** The tick positions: one per distinct value present, in order. */
  ticks: { position: number; value: number }[];
}

export function logAxis(values: number[], base: number): LogAxis {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  const positive = distinct.filter((v) => v > 0);
  const log = (v: number) => Math.log(v) / Math.log(base);
  const zero = positive.length > 0 ? log(positive[0]!) - 1 : 0;
  const position = (v: number) => (v > 0 ? log(v) : zero);
  return { position, ticks: distinct.map((value) => ({ position: position(value), value })) };
}
