// Log-likelihoods of candidate continuations from an OpenAI-compatible server.
// Text prompts: the completions endpoint with `echo` and `logprobs` (as lm-evaluation-harness asks it): the server
// scores the prompt it echoes, token by token, and a candidate's log-likelihood is the sum over the tokens that
// overlap the candidate's characters (a token straddling the boundary, e.g. " yes" after "Answer:", counts).
// Prompts with media: chat completions with vLLM's `prompt_logprobs`, the candidate as the start of the assistant's
// answer (`continue_final_message`); its log-likelihood is the sum over the last prompt tokens that spell it.
// A server without these options is told apart by what its answer lacks, and the error says so.
import { RunError } from '../../core/errors.ts';
import type { ContentPart } from './content.ts';

export class RankUnsupportedError extends RunError {
  constructor(message: string) {
    super(message);
    this.name = 'RankUnsupportedError';
  }
}

export interface CandidateScore {
  logLikelihood: number;
  tokens: number;
}

/** Prompts per completions request: a long list of candidates (ImageNet's 1000) goes in several requests. */
export const PROMPTS_PER_REQUEST = 50;

export function completionsRankBody(model: string, context: string, candidates: string[]): Record<string, unknown> {
  return {
    model,
    prompt: candidates.map((candidate) => context + candidate),
    max_tokens: 1,
    temperature: 0,
    echo: true,
    logprobs: 1,
  };
}

interface CompletionLogprobs {
  tokens?: unknown;
  token_logprobs?: unknown;
  text_offset?: unknown;
}

/** Scores of each candidate from a completions answer to completionsRankBody (choices matched by `index`). */
export function parseCompletionsRank(answer: unknown, context: string, candidates: string[], where: string): CandidateScore[] {
  const choices = (answer as { choices?: unknown })?.choices;
  if (!Array.isArray(choices) || choices.length !== candidates.length) {
    throw new RunError(`${where}: expected ${candidates.length} choices in the answer, got ${Array.isArray(choices) ? choices.length : 'none'}`);
  }
  const scores: (CandidateScore | undefined)[] = new Array(candidates.length);
  choices.forEach((choice: { index?: unknown; logprobs?: CompletionLogprobs | null }, position) => {
    const index = typeof choice?.index === 'number' ? choice.index : position;
    const logprobs = choice?.logprobs;
    if (!logprobs || !Array.isArray(logprobs.token_logprobs)) {
      throw new RankUnsupportedError(
        `${where}: the server returned no log-probabilities for the echoed prompt (completions with echo and logprobs), ` +
          'which close-ended tasks need to rank candidates; vLLM and SGLang return them',
      );
    }
    const full = context + candidates[index]!;
    scores[index] = candidateTokens(logprobs, context.length, full.length, where);
  });
  return scores.map((score, i) => {
    if (!score) throw new RunError(`${where}: no choice for candidate ${i}`);
    return score;
  });
}

function candidateTokens(logprobs: CompletionLogprobs, start: number, end: number, where: string): CandidateScore {
  const values = logprobs.token_logprobs as (number | null)[];
  const tokens = Array.isArray(logprobs.tokens) ? (logprobs.tokens as unknown[]) : [];
  let offsets = Array.isArray(logprobs.text_offset) ? (logprobs.text_offset as number[]) : undefined;
  if (!offsets) {
    // Without text_offset, the tokens' texts give the offsets.
    if (tokens.length !== values.length) throw new RankUnsupportedError(`${where}: the answer's logprobs have neither text_offset nor tokens`);
    offsets = [];
    let at = 0;
    for (const token of tokens) {
      offsets.push(at);
      at += String(token).length;
    }
  }
  const echoedEnd = offsets.length > 0 ? offsets[offsets.length - 1]! : 0;
  if (values.length < 2 || echoedEnd < start) {
    throw new RankUnsupportedError(
      `${where}: the server did not echo the prompt's tokens (echo: true), which close-ended tasks need to rank candidates`,
    );
  }
  let logLikelihood = 0;
  let count = 0;
  for (let j = 0; j < values.length; j++) {
    const tokenStart = offsets[j]!;
    const tokenEnd = j + 1 < offsets.length ? offsets[j + 1]! : Number.POSITIVE_INFINITY;
    if (tokenStart >= end) break; // the generated token and beyond
    if (tokenEnd <= start) continue; // the context
    const value = values[j];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RunError(`${where}: token ${j} of the echoed prompt has no log-probability (${String(value)})`);
    }
    logLikelihood += value;
    count++;
  }
  if (count === 0) throw new RunError(`${where}: no echoed token covers the candidate (characters ${start}-${end})`);
  return { logLikelihood, tokens: count };
}

export function chatRankBody(model: string, content: ContentPart[], candidate: string): Record<string, unknown> {
  return {
    model,
    messages: [
      { role: 'user', content },
      { role: 'assistant', content: candidate },
    ],
    max_tokens: 1,
    temperature: 0,
    prompt_logprobs: 0,
    add_generation_prompt: false,
    continue_final_message: true,
  };
}

type PromptLogprob = Record<string, { logprob?: number; decoded_token?: string }> | null;

/** A candidate's score from the last prompt tokens of a chat answer with prompt_logprobs. */
export function parseChatRank(answer: unknown, candidate: string, where: string): CandidateScore {
  const list = (answer as { prompt_logprobs?: unknown })?.prompt_logprobs;
  if (!Array.isArray(list)) {
    throw new RankUnsupportedError(
      `${where}: the server returned no prompt_logprobs, which close-ended tasks with images or videos need to rank ` +
        'candidates (vLLM returns them; completions with echo take text only)',
    );
  }
  const wanted = normalised(candidate);
  let spelled = '';
  let logLikelihood = 0;
  let count = 0;
  for (let j = list.length - 1; j >= 0 && spelled.length < wanted.length; j--) {
    const entries = Object.values((list[j] as PromptLogprob) ?? {});
    if (entries.length !== 1 || typeof entries[0]!.logprob !== 'number') {
      throw new RunError(`${where}: prompt token ${j} has ${entries.length} log-probabilities; expected the prompt token's own (prompt_logprobs: 0)`);
    }
    spelled = normalised(entries[0]!.decoded_token ?? '') + spelled;
    logLikelihood += entries[0]!.logprob!;
    count++;
  }
  if (!spelled.endsWith(wanted) && !wanted.endsWith(spelled)) {
    throw new RunError(
      `${where}: the prompt's last tokens spell ${JSON.stringify(spelled)}, not the candidate ${JSON.stringify(candidate)}; ` +
        'the chat template probably adds text after the assistant message',
    );
  }
  return { logLikelihood, tokens: count };
}

/** Whitespace (and SentencePiece's word marker) removed: tokens and templates differ in spaces only. */
function normalised(text: string): string {
  return text.replace(/[\s\u2581\u0120]+/g, '');
}
