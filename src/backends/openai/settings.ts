// `--model openai:<served model name>` plus its arguments (`--model-arg <name>=<value>`) and the environment -> the
// backend's settings. The base URL: base-url, else OPENAI_BASE_URL, else vLLM's default. The API key: the variable
// api-key-env names, else OPENAI_API_KEY; unset means no Authorization header (a local vLLM needs none), unless
// api-key-env named it.
import { UsageError } from '../../core/errors.ts';
import type { ArgSpec, ArgValues, BackendOptions, FrameSampling } from '../../core/types.ts';
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
  /** Decode greedily on a server without beam search (the record and leaderboard mark such results). */
  allowGreedy: boolean;
  /** Prompts per completions request when ranking text (lowered to the server's limit). */
  promptsPerRequest: number;
  /** Images (video frames included) the server takes in one prompt, when the user knows it; checked before sending. */
  maxImages?: number;
  /** The largest answer body accepted, in bytes. */
  maxResponseBytes: number;
  /** Before a run with interleaved prompts, check that the server keeps images where the prompt puts them. */
  interleaveCheck: boolean;
  /** How the user sets the base URL, for messages. */
  baseUrlHint: string;
}

/** Prompts per completions request by default: a long list of candidates (ImageNet's 1000) goes in several. */
export const DEFAULT_PROMPTS_PER_REQUEST = 50;
/** The largest answer accepted by default, in MiB: far above any real answer (a 1000-candidate ranking is about 1 MB). */
export const DEFAULT_MAX_RESPONSE_MB = 16;

/** How a user sets the base URL, named in messages when nothing answers there. */
export const BASE_URL_HINT = '--model-arg base-url=<url> (or OPENAI_BASE_URL)';

/** How the backend's arguments are written, for messages. */
export const ARG = {
  allowGreedy: '--model-arg allow-greedy=true',
  maxImages: '--model-arg max-images=<n>',
  server: '--model-arg server=',
  interleaveCheck: '--model-arg interleave-check=false',
} as const;

/** The arguments of `--model openai:<name>` (`--model-arg base-url=http://gpu1:8000/v1`, `--model-arg openai.retries=2`). */
export const OPENAI_ARGS: ArgSpec[] = [
  { name: 'base-url', replaces: '--base-url', type: 'string', description: `base URL of the server (default: $OPENAI_BASE_URL, else ${DEFAULT_BASE_URL})` },
  {
    name: 'api-key-env',
    replaces: '--api-key-env',
    type: 'string',
    description: `the environment variable holding the API key, not the key (default: ${DEFAULT_API_KEY_ENV}; a variable named here must be set)`,
    check: (value) =>
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(value)) ? undefined : 'expected the name of an environment variable (e.g. VLLM_API_KEY), not the key',
  },
  { name: 'request-timeout', replaces: '--request-timeout', type: 'number', description: 'timeout of one request in seconds (default: 120)', check: (value) => (Number(value) > 0 ? undefined : 'expected a number of seconds > 0') },
  { name: 'retries', replaces: '--retries', type: 'integer', min: 0, description: 'retries of a failed request, with exponential backoff (default: 5)' },
  { name: 'image-size', replaces: '--image-size', type: 'integer', min: 1, description: 'scale images and frames down to fit this size in pixels before sending (default: as they are)' },
  {
    name: 'server',
    type: 'string',
    choices: [...SERVER_KINDS],
    description: 'which server it is, when detection (/v1/models owned_by, /version, /info) cannot tell: it decides the decoding, ranking and limits (default: detected)',
  },
  {
    name: 'allow-greedy',
    type: 'boolean',
    default: false,
    description: "on a server without beam search, decode greedily where the task asks for beams (not the papers' decoding; the record and the leaderboard mark the results)",
  },
  {
    name: 'prompts-per-request',
    type: 'integer',
    min: 1,
    default: DEFAULT_PROMPTS_PER_REQUEST,
    description: "candidates per completions request when ranking text prompts (lowered to the server's limit, e.g. TGI's --max-client-batch-size)",
  },
  {
    name: 'max-images',
    type: 'integer',
    min: 1,
    description: "images per prompt the server takes (vLLM: --limit-mm-per-prompt; every video frame counts): prompts over it are refused before they are sent (default: the server's refusal tells)",
  },
  {
    name: 'interleave-check',
    type: 'boolean',
    default: true,
    description:
      'before a run whose prompts put images between texts, check with two small requests that the server keeps them there (a "string" chat template moves or drops them) and stop if not',
  },
  {
    name: 'max-response-mb',
    type: 'integer',
    min: 1,
    default: DEFAULT_MAX_RESPONSE_MB,
    description: 'the largest answer accepted from the server, in MiB; a larger one fails its request',
  },
];

/** What resolveSettings() reads: the run's settings and the arguments by meaning. */
export interface ServedOptions {
  baseUrl?: string;
  apiKeyEnv?: string;
  requestTimeoutMs?: number;
  retries?: number;
  imageSize?: number;
  concurrency?: number;
  frames?: FrameSampling;
  server?: ServerKind;
  allowGreedy?: boolean;
  promptsPerRequest?: number;
  maxImages?: number;
  maxResponseMb?: number;
  interleaveCheck?: boolean;
}

/** The checked `--model-arg` values -> ServedOptions. */
export function servedOptions(options: BackendOptions): ServedOptions {
  const args: ArgValues = options.args ?? {};
  const text = (name: string) => (typeof args[name] === 'string' ? (args[name] as string) : undefined);
  const number = (name: string) => (typeof args[name] === 'number' ? (args[name] as number) : undefined);
  const timeout = number('request-timeout');
  return {
    baseUrl: text('base-url'),
    apiKeyEnv: text('api-key-env'),
    requestTimeoutMs: timeout === undefined ? undefined : timeout * 1000,
    retries: number('retries'),
    imageSize: number('image-size'),
    concurrency: options.concurrency,
    frames: options.frames,
    server: text('server') as ServerKind | undefined,
    allowGreedy: args['allow-greedy'] === true,
    promptsPerRequest: number('prompts-per-request'),
    maxImages: number('max-images'),
    maxResponseMb: number('max-response-mb'),
    interleaveCheck: args['interleave-check'] !== false,
  };
}

export function resolveSettings(rest: string, options: ServedOptions, env: NodeJS.ProcessEnv = process.env): OpenAISettings {
  const model = rest.trim();
  if (model === '') {
    throw new UsageError('--model openai: give the served model\'s name, e.g. --model openai:HuggingFaceM4/idefics2-8b');
  }
  const baseUrl = options.baseUrl ?? (env.OPENAI_BASE_URL?.trim() || DEFAULT_BASE_URL);
  const from = options.baseUrl !== undefined ? '--model-arg base-url=' : env.OPENAI_BASE_URL?.trim() ? 'OPENAI_BASE_URL' : 'the default base URL';
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`${from}${from.endsWith('=') ? '' : ' '}${baseUrl}: not a URL (e.g. http://localhost:8000/v1)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${from}${from.endsWith('=') ? '' : ' '}${baseUrl}: expected an http:// or https:// URL`);
  }
  const keyEnv = options.apiKeyEnv ?? DEFAULT_API_KEY_ENV;
  const apiKey = env[keyEnv]?.trim() || undefined;
  if (options.apiKeyEnv !== undefined && apiKey === undefined) {
    throw new UsageError(`--model-arg api-key-env=${keyEnv}: the environment variable ${keyEnv} is not set (or is empty)`);
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
    ...(options.server !== undefined ? { server: options.server } : {}),
    allowGreedy: options.allowGreedy ?? false,
    promptsPerRequest: options.promptsPerRequest ?? DEFAULT_PROMPTS_PER_REQUEST,
    ...(options.maxImages !== undefined ? { maxImages: options.maxImages } : {}),
    maxResponseBytes: (options.maxResponseMb ?? DEFAULT_MAX_RESPONSE_MB) * 1024 * 1024,
    interleaveCheck: options.interleaveCheck ?? true,
    baseUrlHint: BASE_URL_HINT,
  };
}

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
