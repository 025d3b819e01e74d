// The HTTP side of the OpenAI-compatible backend: JSON POSTs to <base URL>/<path>, at most `concurrency` in flight
// (p-limit), each attempt with its own timeout, failed attempts retried by retry.ts. After `maxConsecutiveFailures`
// failed attempts in a row (any success resets the count), or once one request has used up its retries, the client
// stops: every request still waiting fails at once with the same message, so that a dead server ends the run in
// seconds rather than after every queued request has retried on its own; the journal keeps what was done.
// The API key is sent as a Bearer token and scrubbed from every answer as it arrives (before anything is parsed,
// quoted or cut short), so that no message, record or journal can carry it.
// A connection refused (or a host that does not resolve) before the server has ever answered fails at once: the
// server is not there, and retrying for seconds only hides the URL to check. Redirects are followed only within the
// origin of the base URL (the prompts and images go to no server the user did not name); an answer larger than
// `maxResponseBytes` (16 MiB by default) fails its request.
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
  /** Largest answer body accepted, in bytes (default 16 MiB). */
  maxResponseBytes?: number;
  /** How the user set the base URL, for the message when nothing answers there (e.g. "--model-arg base-url=<url> (or OPENAI_BASE_URL)"). */
  baseUrlHint?: string;
}

/** The largest answer accepted by default: far above any real answer (a 1,000-candidate ranking is about 1 MB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Same-origin redirects followed for one attempt. */
const MAX_REDIRECTS = 5;
/** Network errors that mean nothing listens at the URL (as opposed to a connection that broke). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** What one attempt came to, when it did not give JSON. */
interface AttemptFailure {
  retryable: boolean;
  message: string;
  retryAfterMs?: number;
  /** Nothing listens at the URL (refused, unknown host). */
  unreachable?: boolean;
  /** The HTTP status, when the server answered. */
  status?: number;
}

/** A request that failed with an HTTP answer: the status and the server's own message (key scrubbed). */
export class HttpStatusError extends RunError {
  constructor(
    message: string,
    readonly status: number,
    readonly serverText: string,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

export interface ClientStats {
  requests: number;
  attempts: number;
  retries: number;
  /** Request bodies and answer bodies, in bytes, over all attempts. */
  bytesSent: number;
  bytesReceived: number;
}

export class OpenAIClient {
  readonly baseUrl: string;
  private readonly apiKey?: string;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly maxConsecutiveFailures: number;
  private readonly random: () => number;
  private readonly maxResponseBytes: number;
  private readonly baseUrlHint: string;
  private readonly origin: string;
  /** Whether the server has answered anything yet (a refused connection before that fails at once). */
  private answered = false;
  private consecutiveFailures = 0;
  private stopped?: RunError;
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  readonly stats: ClientStats = { requests: 0, attempts: 0, retries: 0, bytesSent: 0, bytesReceived: 0 };

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.limit = pLimit(options.concurrency ?? 8);
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.maxConsecutiveFailures = options.maxConsecutiveFailures ?? 20;
    this.random = options.random ?? Math.random;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.baseUrlHint = options.baseUrlHint ?? '--model-arg base-url=<url> (or OPENAI_BASE_URL)';
    this.origin = new URL(this.baseUrl).origin;
  }

  /** POSTs `body` as JSON to `<baseUrl><path>` and returns the parsed answer; a RunError once it cannot. */
  post(path: string, body: unknown): Promise<unknown> {
    return this.limit(() => this.send('POST', path, JSON.stringify(body)));
  }

  /** GETs `<baseUrl><path>` (e.g. `/models`) with the same retries. */
  get(path: string): Promise<unknown> {
    return this.limit(() => this.send('GET', path, undefined));
  }

  /**
   * One GET of an absolute URL on the server's origin (`/version`, `/info`), no retries: the parsed JSON, or
   * undefined when it fails in any way. For finding out which server this is; never an error of its own.
   */
  async probe(url: string, timeoutMs = 5000): Promise<unknown> {
    const outcome = await this.attempt('GET', url, undefined, Math.min(timeoutMs, this.timeoutMs));
    return 'failure' in outcome ? undefined : outcome.value;
  }

  /** The server's root (the base URL without a trailing /v1), where vLLM's /version and TGI's /info live. */
  get rootUrl(): string {
    return this.baseUrl.replace(/\/v1$/, '');
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
      if (failure.unreachable && !this.answered) {
        // Nothing listens there: say where the URL came from rather than retrying for seconds.
        throw this.stop(
          `${where}: ${failure.message}: no server answers at ${this.baseUrl}; start it, or point ${this.baseUrlHint} at it`,
        );
      }
      if (failure.status !== undefined && !failure.retryable) {
        throw new HttpStatusError(this.scrub(`${where}: ${failure.message}`), failure.status, failure.message);
      }
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

  private async attempt(
    method: string,
    url: string,
    body: string | undefined,
    timeoutMs = this.timeoutMs,
  ): Promise<{ value: unknown } | { failure: AttemptFailure }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let status: number;
    let text: string;
    let retryAfter: string | null = null;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      let target = url;
      let response: Response;
      for (let hops = 0; ; hops++) {
        if (body !== undefined) this.stats.bytesSent += Buffer.byteLength(body);
        response = await fetch(target, { method, headers, body, signal, redirect: 'manual' });
        if (response.status < 300 || response.status >= 400 || !response.headers.has('location')) break;
        await response.body?.cancel();
        const next = new URL(response.headers.get('location')!, target);
        if (next.origin !== this.origin) {
          return {
            failure: {
              retryable: false,
              message:
                `the server redirected the request to another origin (${next.origin}), which was refused: prompts and ` +
                `images go only to the server named by ${this.baseUrlHint}; if ${next.origin} is the server to use, set that URL`,
            },
          };
        }
        if (hops >= MAX_REDIRECTS) return { failure: { retryable: false, message: `more than ${MAX_REDIRECTS} redirects` } };
        target = next.href;
      }
      this.answered = true;
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = this.scrub(await this.readBody(response));
    } catch (error) {
      if (error instanceof BodyTooLarge) return { failure: { retryable: false, message: error.message } };
      const cause = (error as { cause?: { code?: string } })?.cause?.code;
      return {
        failure: { retryable: true, message: networkMessage(error, timeoutMs), unreachable: cause !== undefined && UNREACHABLE.has(cause) },
      };
    }
    if (status < 200 || status >= 300) {
      return {
        failure: {
          retryable: isRetryableStatus(status),
          message: `HTTP ${status}${statusHint(status)}: ${serverMessage(text)}`,
          retryAfterMs: parseRetryAfter(retryAfter),
          status,
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

  /** The answer's text, refused past maxResponseBytes (by its Content-Length, or while it streams in). */
  private async readBody(response: Response): Promise<string> {
    const tooLarge = () =>
      new BodyTooLarge(
        `the answer is larger than ${formatBytes(this.maxResponseBytes)}, the limit for one answer; ` +
          'a server that sends this much is misbehaving (or the URL is not an OpenAI-compatible API)',
      );
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > this.maxResponseBytes) {
      await response.body?.cancel();
      throw tooLarge();
    }
    if (!response.body) return '';
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > this.maxResponseBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
    this.stats.bytesReceived += bytes;
    return Buffer.concat(chunks).toString('utf8');
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

  /** The text with the API key replaced, wherever a server or a library echoed it. */
  scrub(message: string): string {
    return scrubKey(message, this.apiKey);
  }
}

/**
 * `text` with every occurrence of `key` replaced by `[API key]`: as it is, as JSON escapes it (a key with a quote or a
 * backslash), and inside JSON string literals whose \\u escapes spell it, so that the parsed answer holds it nowhere.
 */
export function scrubKey(text: string, key: string | undefined): string {
  if (!key) return text;
  let out = text.split(key).join('[API key]');
  const escaped = JSON.stringify(key).slice(1, -1);
  if (escaped !== key) out = out.split(escaped).join('[API key]');
  if (/\\u[0-9a-fA-F]{4}/.test(out)) {
    // A server may escape any character; decode the escapes of the string literals and look again.
    out = out.replace(/"(?:[^"\\]|\\.)*"/g, (literal) => {
      if (!literal.includes('\\u')) return literal;
      let decoded: string;
      try {
        decoded = JSON.parse(literal) as string;
      } catch {
        return literal;
      }
      return decoded.includes(key) ? JSON.stringify(decoded.split(key).join('[API key]')) : literal;
    });
  }
  return out;
}

class BodyTooLarge extends Error {}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
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
