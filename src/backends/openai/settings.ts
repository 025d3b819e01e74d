// `--model openai:<served model name>` plus the run's flags and environment -> the backend's settings.
// The base URL: --base-url, else OPENAI_BASE_URL, else vLLM's default. The API key: the variable --api-key-env names,
// else OPENAI_API_KEY; unset means no Authorization header (a local vLLM needs none), unless --api-key-env named it.
import { UsageError } from '../../core/errors.ts';
import type { BackendOptions, FrameSampling } from '../../core/types.ts';
import { SERVER_KINDS, type ServerKind } from './servers.ts';

export const DEFAULT_BASE_URL = 'http://localhost:8000/v1';
export const DEFAULT_API_KEY_ENV = 'OPENAI_API_KEY';

export interface OpenAISettings {
  model: string;
  baseUrl: string;
  apiKey?: string;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  imageSize?: number;
  frames?: FrameSampling;
  /** The server's kind when the user names it (else detected at start). */
  server?: ServerKind;
  /** Decode greedily on a server without beam search (the record and leaderboard mark such rows). */
  allowGreedy: boolean;
  /** Prompts per completions request when ranking text (default 50; lowered to the server's limit). */
  promptsPerRequest: number;
  /** Images (video frames included) the server takes in one prompt, when the user knows it; checked before sending. */
  maxImages?: number;
  /** Where the base URL came from and how to change it, for messages. */
  baseUrlHint: string;
}

/** Prompts per completions request by default: a long list of candidates (ImageNet's 1000) goes in several. */
export const DEFAULT_PROMPTS_PER_REQUEST = 50;

/** The backend's own settings beyond the run's flags (server kind, greedy fallback, limits), as name=value text. */
export interface ServedArguments {
  server?: string;
  allowGreedy?: string | boolean;
  promptsPerRequest?: string | number;
  maxImages?: string | number;
}

export function parseServedArguments(args: ServedArguments, names: Record<keyof ServedArguments, string>) {
  const out: Pick<OpenAISettings, 'server' | 'allowGreedy' | 'promptsPerRequest' | 'maxImages'> = {
    allowGreedy: false,
    promptsPerRequest: DEFAULT_PROMPTS_PER_REQUEST,
  };
  if (args.server !== undefined) {
    const kind = String(args.server).trim().toLowerCase();
    if (!(SERVER_KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(`${names.server} ${String(args.server)}: expected one of ${SERVER_KINDS.join(', ')}`);
    }
    out.server = kind as ServerKind;
  }
  if (args.allowGreedy !== undefined) {
    const value = String(args.allowGreedy).trim().toLowerCase();
    if (!['true', 'false', '1', '0', 'yes', 'no', ''].includes(value)) {
      throw new UsageError(`${names.allowGreedy} ${String(args.allowGreedy)}: expected true or false`);
    }
    out.allowGreedy = value === '' || value === 'true' || value === '1' || value === 'yes';
  }
  const positiveInteger = (name: string, value: string | number) => {
    const text = String(value).trim();
    if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${name} ${text}: expected an integer >= 1`);
    return Number(text);
  };
  if (args.promptsPerRequest !== undefined) out.promptsPerRequest = positiveInteger(names.promptsPerRequest, args.promptsPerRequest);
  if (args.maxImages !== undefined) out.maxImages = positiveInteger(names.maxImages, args.maxImages);
  return out;
}

export function resolveSettings(
  rest: string,
  options: BackendOptions,
  env: NodeJS.ProcessEnv = process.env,
  served: ReturnType<typeof parseServedArguments> = parseServedArguments({}, SERVED_ARGUMENT_NAMES),
): OpenAISettings {
  const model = rest.trim();
  if (model === '') {
    throw new UsageError('--model openai: give the served model\'s name, e.g. --model openai:HuggingFaceM4/idefics2-8b');
  }
  const baseUrl = options.baseUrl ?? (env.OPENAI_BASE_URL?.trim() || DEFAULT_BASE_URL);
  const from = options.baseUrl !== undefined ? '--base-url' : env.OPENAI_BASE_URL?.trim() ? 'OPENAI_BASE_URL' : 'the default base URL';
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`${from} ${baseUrl}: not a URL (e.g. http://localhost:8000/v1)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${from} ${baseUrl}: expected an http:// or https:// URL`);
  }
  const keyEnv = options.apiKeyEnv ?? DEFAULT_API_KEY_ENV;
  const apiKey = env[keyEnv]?.trim() || undefined;
  if (options.apiKeyEnv !== undefined && apiKey === undefined) {
    throw new UsageError(`--api-key-env ${keyEnv}: the environment variable ${keyEnv} is not set (or is empty)`);
  }
  return {
    model,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey,
    concurrency: options.concurrency ?? 1,
    timeoutMs: options.requestTimeoutMs ?? 120_000,
    retries: options.retries ?? 5,
    imageSize: options.imageSize,
    frames: options.frames,
    ...served,
    baseUrlHint: BASE_URL_HINT,
  };
}

/** How a user sets the base URL, named in messages when nothing answers there. */
export const BASE_URL_HINT = '--base-url (or OPENAI_BASE_URL)';

/** How the backend's own settings are named to the user, for messages. */
export const SERVED_ARGUMENT_NAMES: Record<keyof ServedArguments, string> = {
  server: 'server',
  allowGreedy: 'allow-greedy',
  promptsPerRequest: 'prompts-per-request',
  maxImages: 'max-images',
};

/**
 * The parameter count a served model's name states (`idefics2-8b` -> 8e9, `llava:13b` -> 13e9, `...-800M` -> 8e8);
 * 0 when it states none. Leaderboards sort models by it.
 */
export function parametersFromName(name: string): number {
  const matches = [...name.matchAll(/(?:^|[^A-Za-z0-9.])(\d+(?:\.\d+)?)([bBmM])(?![A-Za-z0-9])/g)];
  const last = matches[matches.length - 1];
  if (!last) return 0;
  return Math.round(Number(last[1]) * (last[2]!.toLowerCase() === 'b' ? 1e9 : 1e6));
}
