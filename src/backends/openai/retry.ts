// When and how long to wait before sending a failed request again. Retried: 408, 409, 429 and 5xx answers, timeouts
// and broken connections (resets, refused); the answer's Retry-After (seconds or an HTTP date) wins over the
// exponential backoff, capped so that a server asking for an hour does not hang the run. Other 4xx are the caller's
// mistake and are not retried.

export interface RetryPolicy {
  /** Attempts after the first (default 5). */
  retries: number;
  /** First backoff in milliseconds (default 500), doubled each attempt. */
  baseDelayMs: number;
  /** Largest wait between attempts, Retry-After included (default 60 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 5, baseDelayMs: 500, maxDelayMs: 60_000 };

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 0): "full jitter" exponential backoff, a uniform draw in
 * [0, base * 2^attempt], so that many clients throttled at once do not come back in step; Retry-After when given.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(policy.maxDelayMs, retryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return random() * ceiling;
}
