// `--model openai:<served model name>` plus the run's flags and environment -> the backend's settings.
// The base URL: --base-url, else OPENAI_BASE_URL, else vLLM's default. The API key: the variable --api-key-env names,
// else OPENAI_API_KEY; unset means no Authorization header (a local vLLM needs none), unless --api-key-env named it.
import { UsageError } from '../../core/errors.ts';
import type { BackendOptions, FrameSampling } from '../../core/types.ts';

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
}

export function resolveSettings(rest: string, options: BackendOptions, env: NodeJS.ProcessEnv = process.env): OpenAISettings {
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
