// Chat-completions requests for generate(): the prompt as one user message, the task's token budget, the end-of-chunk
// text as a stop sequence when the task stops at the end of a chunk, and the decoding the task asks for where the
// server can do it:
// - beam search (the paper's): `use_beam_search: true` with the beam count as `n`, on vLLM (which also applies
//   `length_penalty`) and on SGLang launched with --enable-beam-search (which has no length-penalty field). Their beam
//   search ends a beam only at the end-of-sequence token, not at a stop string, so the answer is cut at the end of
//   chunk here, as the paper's decoding stops there;
// - greedy otherwise (temperature 0), on a server without beam search only when the user allowed it.
// Every sampling field the protocol fixes is sent explicitly, because vLLM and SGLang fill fields left unset from the
// model's generation config (a repetition_penalty of 1.05, a top_p of 0.8): temperature 0, top_p 1 (not to TGI, which
// refuses 1 and applies none unset), no frequency or presence penalty, and on vLLM and SGLang repetition_penalty 1.
// A generic server gets OpenAI's own fields only.
import { RunError, UsageError } from '../../core/errors.ts';
import type { GenerateRequest } from '../../core/types.ts';
import type { ContentPart } from './content.ts';
import { serverName, type ServerProfile } from './servers.ts';

/** How a run decodes open-ended answers on this server: recorded in the run record (`model.decoding`). */
export interface DecodingPlan {
  /** `beam-search`: the task's beams (and length penalty where the server applies it); `greedy`: one beam always. */
  method: 'beam-search' | 'greedy';
  /** True when greedy decoding stands in for the task's beam search (the user allowed it): such rows are marked. */
  greedyInsteadOfBeams: boolean;
  /** Tasks asking for beams are refused (a server without beam search, greedy not allowed). */
  refusesBeams: boolean;
  /** What runs, in words (with the server's name and version), for messages and check-server. */
  note: string;
  /** What runs, as the record keeps it (`model.decoding`): a fixed phrase per case, part of the configuration identity. */
  recorded: string;
}

export function decodingPlan(profile: ServerProfile, allowGreedy: boolean, allowGreedyName: string): DecodingPlan {
  const name = serverName(profile);
  if (profile.beamSearch) {
    return {
      method: 'beam-search',
      greedyInsteadOfBeams: false,
      refusesBeams: false,
      recorded: profile.lengthPenalty
        ? "beam search: the task's beams and length penalty (use_beam_search, n, length_penalty)"
        : "beam search: the task's beams, the server's own length scoring (use_beam_search, n)",
      note: profile.lengthPenalty
        ? `${name}: beam search with the task's beams and length penalty (use_beam_search, n, length_penalty); ` +
          'temperature 0, top_p 1, repetition_penalty 1; tasks with one beam decode greedily'
        : `${name}: beam search with the task's beams (use_beam_search, n); the server has no length-penalty field, ` +
          'so its own scoring applies; tasks with one beam decode greedily',
    };
  }
  if (allowGreedy) {
    return {
      method: 'greedy',
      greedyInsteadOfBeams: true,
      refusesBeams: false,
      recorded: "greedy in place of the task's beam search (the server has none; allow-greedy)",
      note: `${name} has no beam search: greedy decoding (temperature 0, top_p 1) in place of the task's beams, as ${allowGreedyName} allowed`,
    };
  }
  return {
    method: 'greedy',
    greedyInsteadOfBeams: false,
    refusesBeams: true,
    recorded: 'greedy: the server has no beam search, tasks with beams are refused',
    note: `${name} has no beam search: tasks with one beam decode greedily (temperature 0, top_p 1); tasks with more are refused`,
  };
}

/** The error for a task that asks for beams on a server that has none, when greedy decoding was not allowed. */
export function beamsRefused(profile: ServerProfile, request: GenerateRequest, baseUrl: string, allowGreedyName: string): UsageError {
  const extra = profile.kind === 'sglang' ? ' (SGLang has it when launched with --enable-beam-search)' : '';
  return new UsageError(
    `${serverName(profile)} at ${baseUrl} has no beam search${extra}, and the task decodes with ${request.numBeams} beams ` +
      `(length penalty ${request.lengthPenalty}) as the paper does. Serve the model with vLLM (beam search through ` +
      `use_beam_search), or set ${allowGreedyName} to decode greedily instead (the record and the leaderboard then mark ` +
      'the results), or pass --num-beams 1',
  );
}

export function chatGenerateBody(
  model: string,
  content: ContentPart[],
  request: GenerateRequest,
  endOfChunk: string,
  profile: ServerProfile,
): Record<string, unknown> {
  const beams = request.numBeams > 1 && profile.beamSearch ? request.numBeams : 1;
  return {
    model,
    messages: [{ role: 'user', content: userContent(content) }],
    max_tokens: request.maxNewTokens,
    temperature: 0,
    // TGI refuses a top_p of 1 (it takes values strictly between 0 and 1) and applies none when it is left out.
    ...(profile.kind === 'tgi' ? {} : { top_p: 1 }),
    frequency_penalty: 0,
    presence_penalty: 0,
    n: beams,
    ...(profile.samplingExtensions ? { repetition_penalty: 1 } : {}),
    ...(beams > 1 ? { use_beam_search: true } : {}),
    ...(beams > 1 && profile.lengthPenalty ? { length_penalty: request.lengthPenalty } : {}),
    ...(request.stopAtEndOfChunk && endOfChunk !== '' ? { stop: [endOfChunk] } : {}),
  };
}

/** A text-only prompt as a plain string: servers without vision (and older ones) accept only that form. */
function userContent(content: ContentPart[]): ContentPart[] | string {
  if (content.every((part) => part.type === 'text')) return content.map((part) => (part as { text: string }).text).join('');
  return content;
}

/**
 * Characters per allowed new token beyond which an answer is "far longer than max_tokens allows" (a token is a few
 * characters; the longest in common vocabularies, runs of spaces, are under 64).
 */
export const MAX_CHARS_PER_TOKEN = 64;

export interface ParsedAnswer {
  text: string;
  /** Set when the answer was cut: why. */
  warning?: string;
}

/**
 * The generated text of a chat answer: the best choice (index 0; beam search returns the beams best first), cut at
 * the end of chunk when the task stops there, and cut to `maxNewTokens * MAX_CHARS_PER_TOKEN` characters (with a
 * warning) when the server sent far more than the token budget allows.
 */
export function parseChatAnswer(answer: unknown, where: string, request?: GenerateRequest, endOfChunk = ''): ParsedAnswer {
  const choices = (answer as { choices?: { index?: unknown; message?: { content?: unknown } }[] })?.choices;
  const choice = Array.isArray(choices) ? (choices.find((c) => c?.index === 0) ?? choices[0]) : undefined;
  const content = choice?.message?.content;
  let text: string;
  if (typeof content === 'string') text = content;
  else if (content === null && choice?.message) text = '';
  else if (Array.isArray(content)) {
    text = content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('');
  } else {
    throw new RunError(`${where}: the answer has no choices[0].message.content (got ${JSON.stringify(answer)?.slice(0, 200)})`);
  }
  if (request?.stopAtEndOfChunk && endOfChunk !== '') {
    const at = text.indexOf(endOfChunk);
    if (at >= 0) text = text.slice(0, at);
  }
  if (request) {
    const limit = request.maxNewTokens * MAX_CHARS_PER_TOKEN;
    if (text.length > limit) {
      return {
        text: text.slice(0, limit),
        warning:
          `the server answered ${text.length} characters for at most ${request.maxNewTokens} new tokens; ` +
          `cut to ${limit} (${MAX_CHARS_PER_TOKEN} per token)`,
      };
    }
  }
  return { text };
}
