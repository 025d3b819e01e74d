// Which OpenAI-compatible server this is, and what it can do. The kind comes from the server setting when the user
// gives one, else from what the server says of itself: `/v1/models` lists `owned_by: "vllm"` (vLLM) or `"sglang"`
// (SGLang); TGI lists the model id there, and is known by its `GET /info` (`router: "text-generation-router"`).
// Anything else is `generic`: only the fields of OpenAI's own API are sent, and what it lacks shows in its answers.
// The version comes from vLLM's `GET /version`, SGLang's `GET /get_server_info` (which also says whether it was
// launched with --enable-beam-search) and TGI's `GET /info` (which also gives --max-client-batch-size and
// --max-input-tokens). These probes are single GETs with a short timeout; one that fails only leaves a field unknown.
import type { OpenAIClient } from './client.ts';

export const SERVER_KINDS = ['vllm', 'sglang', 'tgi', 'generic'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** What flamingo-eval knows of the server, recorded in the run record as `model.server`. */
export interface ServerProfile {
  kind: ServerKind;
  /** The server's version, when it tells it. */
  version: string | null;
  /** How the kind was found. */
  detectedBy: string;
  /** Beam search on chat completions (`use_beam_search`, the beam count as `n`). */
  beamSearch: boolean;
  /** The request's `length_penalty` is applied by its beam search (vLLM). */
  lengthPenalty: boolean;
  /** Accepts vLLM's and SGLang's sampling fields beyond OpenAI's (`repetition_penalty`). */
  samplingExtensions: boolean;
  /** Completions with `echo` + `logprobs` return the prompt's tokens and log-probabilities (false: known not to). */
  echoLogprobs: boolean;
  /** Chat completions take `prompt_logprobs` (vLLM's; ranking after images needs it). */
  promptLogprobs: boolean;
  /** Prompts per completions request the server accepts (TGI's --max-client-batch-size); null: no known limit. */
  maxPromptsPerRequest: number | null;
  /** Largest request body in bytes, when known (TGI's --payload-limit: 2,000,000 unless raised). */
  payloadLimit: number | null;
  /** Tokens the model reads (vLLM's and SGLang's max_model_len, TGI's max_input_tokens); 0 when unknown. */
  contextLength: number;
}

/** The server flags a user raises a limit with, by server, for messages and docs. */
export const LIMIT_FLAGS: Record<ServerKind, { images: string; payload: string; batch: string; interleave: string }> = {
  vllm: {
    images: "vllm serve --limit-mm-per-prompt '{\"image\": N}' (every video frame counts as one image)",
    payload: 'a proxy in front of vLLM (vLLM itself sets no body limit)',
    batch: 'none (vLLM takes any number of prompts per request)',
    interleave: 'vllm serve --chat-template-content-format openai (or --interleave-mm-strings)',
  },
  sglang: {
    images: 'the model\'s own image limit (SGLang sets none of its own)',
    payload: 'a proxy in front of SGLang',
    batch: 'none',
    interleave: 'a chat template that places each image where it appears (SGLang drops images a string-format template cannot place)',
  },
  tgi: {
    images: 'the model\'s own image limit',
    payload: 'text-generation-launcher --payload-limit <bytes> (default 2000000)',
    batch: 'text-generation-launcher --max-client-batch-size <n> (default 4)',
    interleave: 'a model whose chat template places each image where it appears',
  },
  generic: {
    images: 'the server\'s own image limit (see its documentation)',
    payload: 'the server\'s (or its proxy\'s) request size limit',
    batch: 'the server\'s own limit',
    interleave: 'the server\'s chat template settings',
  },
};

export function serverName(profile: Pick<ServerProfile, 'kind' | 'version'>): string {
  const name = { vllm: 'vLLM', sglang: 'SGLang', tgi: 'TGI', generic: 'the server' }[profile.kind];
  return profile.version && profile.kind !== 'generic' ? `${name} ${profile.version}` : name;
}

/** The capabilities a kind of server has, before what it says of itself refines them. */
export function baseProfile(kind: ServerKind, detectedBy: string): ServerProfile {
  const common = { kind, version: null, detectedBy, contextLength: 0, payloadLimit: null, maxPromptsPerRequest: null };
  switch (kind) {
    case 'vllm':
      return { ...common, beamSearch: true, lengthPenalty: true, samplingExtensions: true, echoLogprobs: true, promptLogprobs: true };
    case 'sglang':
      // Beam search only when launched with --enable-beam-search (read from /get_server_info); no prompt_logprobs on chat.
      return { ...common, beamSearch: false, lengthPenalty: false, samplingExtensions: true, echoLogprobs: true, promptLogprobs: false };
    case 'tgi':
      // TGI's completions answer carries no log-probabilities at all, and its chat no prompt_logprobs.
      return {
        ...common,
        beamSearch: false,
        lengthPenalty: false,
        samplingExtensions: false,
        echoLogprobs: false,
        promptLogprobs: false,
        maxPromptsPerRequest: 4,
        payloadLimit: 2_000_000,
      };
    case 'generic':
      // Unknown: ranking is tried, and an answer without log-probabilities says so.
      return { ...common, beamSearch: false, lengthPenalty: false, samplingExtensions: false, echoLogprobs: true, promptLogprobs: true };
  }
}

type ModelCard = { id?: unknown; owned_by?: unknown; max_model_len?: unknown };

/**
 * The server's profile: `explicit` (the server setting) wins; else what `/v1/models` (`listing`, already fetched) and
 * the version endpoints say. `model` is the served model's id, for its context length.
 */
export async function detectServer(
  client: OpenAIClient,
  listing: unknown,
  model: string,
  explicit?: ServerKind,
): Promise<ServerProfile> {
  const cards = ((listing as { data?: ModelCard[] } | undefined)?.data ?? []).filter((card) => card && typeof card === 'object');
  const card = cards.find((entry) => entry.id === model) ?? cards[0];
  const ownedBy = typeof card?.owned_by === 'string' ? card.owned_by.toLowerCase() : '';
  const root = client.rootUrl;
  let profile: ServerProfile;
  let tgiInfo: Record<string, unknown> | undefined;
  if (explicit) {
    profile = baseProfile(explicit, 'the server setting');
  } else if (ownedBy === 'vllm' || ownedBy === 'sglang') {
    profile = baseProfile(ownedBy, `/v1/models owned_by "${ownedBy}"`);
  } else {
    tgiInfo = asRecord(await client.probe(`${root}/info`));
    profile = tgiInfo && (tgiInfo.router === 'text-generation-router' || 'max_client_batch_size' in tgiInfo)
      ? baseProfile('tgi', 'GET /info (text-generation-router)')
      : baseProfile('generic', 'no vLLM, SGLang or TGI signature');
  }
  if (typeof card?.max_model_len === 'number') profile.contextLength = card.max_model_len;

  if (profile.kind === 'vllm') {
    const version = asRecord(await client.probe(`${root}/version`))?.version;
    if (typeof version === 'string') profile.version = version;
  } else if (profile.kind === 'sglang') {
    const info = asRecord(await client.probe(`${root}/get_server_info`)) ?? asRecord(await client.probe(`${root}/server_info`));
    if (typeof info?.version === 'string') profile.version = info.version;
    profile.beamSearch = info?.enable_beam_search === true;
  } else if (profile.kind === 'tgi') {
    tgiInfo ??= asRecord(await client.probe(`${root}/info`));
    if (typeof tgiInfo?.version === 'string') profile.version = tgiInfo.version;
    if (typeof tgiInfo?.max_client_batch_size === 'number') profile.maxPromptsPerRequest = tgiInfo.max_client_batch_size;
    if (typeof tgiInfo?.max_input_tokens === 'number') profile.contextLength = tgiInfo.max_input_tokens;
  }
  return profile;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
