// Number formats shared by the listings, the leaderboard and the plots.

/** 1100000 -> 1.1M, 9e9 -> 9B. */
export function formatParameters(n: number): string {
  for (const [size, unit] of [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ] as const) {
    if (n >= size) return `${Number((n / size).toFixed(1))}${unit}`;
  }
  return String(n);
}
