// The HTTP side of the OpenAI-compatible backend: JSON POSTs to <base URL>/<path>, at most `concurrency` in flight
// (p-limit), each attempt with its own timeout, failed attempts retried by retry.ts. After `maxConsecutiveFailures`
// failed attempts in a row (any success resets the count), or once one request has used up its retries, the client
// stops: every request still waiting fails at once with the same message, so that a dead server ends the run in
// seconds rather than after every queued request has retried on its own; the journal keeps what was done.
// The API key is sent as a Bearer token and scrubbed from every message this module produces.
import pLimit from 'p-limit';
import { RunError } from '../../core/errors.ts';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry.ts';

export interface ClientOptions {
  /** The API root, e.g. `http://localhost:8000/v1` (paths are appended to it). */
  baseUrl: string;
  apiKey?: string;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Per-attempt timeout in milliseconds, answer body included (default 120 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Failed attempts in a row, over all requests, after which the client stops (default 20). */
  maxConsecutiveFailures?: number;
  /** For tests: the jitter's random source. */
  random?: () => number;
}

/** What one attempt came to, when it did not give JSON. */
interface AttemptFailure {
  retryable: boolean;
  message: string;
  retryAfterMs?: number;
}

export interface ClientStats {
  requests: number;
  attempts: number;
  retries: number;
}

export class OpenAIClient {
  readonly baseUrl: string;
  private readonly apiKey?: string;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly maxConsecutiveFailures: number;
  private readonly random: () => number;
  private consecutiveFailures = 0;
  private stopped?: RunError;
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  readonly stats: ClientStats = { requests: 0, attempts: 0, retries: 0 };

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.limit = pLimit(options.concurrency ?? 8);
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.maxConsecutiveFailures = options.maxConsecutiveFailures ?? 20;
    this.random = options.random ?? Math.random;
  }

  /** POSTs `body` as JSON to `<baseUrl><path>` and returns the parsed answer; a RunError once it cannot. */
  post(path: string, body: unknown): Promise<unknown> {
    return this.limit(() => this.send('POST', path, JSON.stringify(body)));
  }

  /** GETs `<baseUrl><path>` (e.g. `/models`) with the same retries. */
  get(path: string): Promise<unknown> {
    return this.limit(() => this.send('GET', path, undefined));
  }

  /** Stops the client: waiting retries give up, new requests fail. */
  close(): void {
    this.stopped ??= new RunError('the OpenAI-compatible client was closed');
    for (const sleeper of this.sleeping) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    this.sleeping.clear();
  }

  private async send(method: string, path: string, body: string | undefined): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    this.stats.requests++;
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) throw this.stopped;
      this.stats.attempts++;
      const outcome = await this.attempt(method, url, body);
      if (!('failure' in outcome)) {
        this.consecutiveFailures = 0;
        return outcome.value;
      }
      const { failure } = outcome;
      this.consecutiveFailures++;
      const where = `${method} ${url}`;
      if (!failure.retryable) throw new RunError(this.scrub(`${where}: ${failure.message}`));
      if (attempt >= this.policy.retries) {
        throw this.stop(`${where}: ${failure.message}; gave up after ${attempt + 1} attempt${attempt > 0 ? 's' : ''}`);
      }
      if (this.consecutiveFailures >= this.maxConsecutiveFailures) {
        throw this.stop(
          `${where}: ${failure.message}; ${this.consecutiveFailures} failed attempts in a row, so the server looks down`,
        );
      }
      this.stats.retries++;
      await this.sleep(retryDelayMs(this.policy, attempt, failure.retryAfterMs, this.random));
    }
  }

  private async attempt(method: string, url: string, body: string | undefined): Promise<{ value: unknown } | { failure: AttemptFailure }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let status: number;
    let text: string;
    let retryAfter: string | null = null;
    try {
      const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      return { failure: { retryable: true, message: networkMessage(error, this.timeoutMs) } };
    }
    if (status < 200 || status >= 300) {
      return {
        failure: {
          retryable: isRetryableStatus(status),
          message: `HTTP ${status}${statusHint(status)}: ${serverMessage(text)}`,
          retryAfterMs: parseRetryAfter(retryAfter),
        },
      };
    }
    try {
      return { value: JSON.parse(text) };
    } catch {
      return {
        failure: {
          retryable: false,
          message: `the answer is not JSON (${excerpt(text)}); is the base URL the API root, e.g. http://localhost:8000/v1?`,
        },
      };
    }
  }

  private stop(message: string): RunError {
    this.stopped ??= new RunError(this.scrub(message));
    return this.stopped;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = { timer: setTimeout(() => { this.sleeping.delete(sleeper); resolve(); }, ms), wake: resolve };
      this.sleeping.add(sleeper);
    });
  }

  /** The message with the API key replaced, wherever a server or a library echoed it. */
  scrub(message: string): string {
    return this.apiKey ? message.split(this.apiKey).join('[API key]') : message;
  }
}

function networkMessage(error: unknown, timeoutMs: number): string {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no complete answer within ${timeoutMs / 1000} s (timeout)`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return `connection failed (${detail})`;
}

function statusHint(status: number): string {
  if (status === 401 || status === 403) return ' (the server refused the API key: check the variable --model-arg api-key-env= names, OPENAI_API_KEY by default)';
  if (status === 404) return ' (no such endpoint or model: check --model-arg base-url= and the model name)';
  return '';
}

/** The server's own error message (OpenAI's {"error": {"message"}}, or {"message"}, {"detail"}, {"error": "..."}). */
function serverMessage(text: string): string {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const error = value.error as Record<string, unknown> | string | undefined;
    const message = typeof error === 'string' ? error : (error?.message ?? value.message ?? value.detail);
    if (typeof message === 'string' && message !== '') return excerpt(message);
  } catch {
    // not JSON: show the start of the text
  }
  return excerpt(text) || '(empty answer)';
}

function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}
