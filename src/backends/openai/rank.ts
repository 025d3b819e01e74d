// Log-likelihoods of candidate continuations from an OpenAI-compatible server.
// Text prompts: the completions endpoint with `echo` and `logprobs` (as lm-evaluation-harness asks it): the server
// scores the prompt it echoes, token by token. Prompts with media: chat completions with vLLM's `prompt_logprobs`,
// the candidate as the start of the assistant's answer (`continue_final_message`).
// Either way a candidate's log-likelihood is the sum over the last prompt tokens that spell it, found by spelling
// the candidate back from the end of the returned tokens (a token straddling the boundary, like " yes" after
// "Answer:", counts). Character offsets are never trusted: vLLM counts `text_offset` over its decoded tokens, BOS
// text included, so offsets shift by the BOS's length; SGLang returns -1 for every offset. Tokens that are parts of
// a UTF-8 character (U+FFFD, or vLLM's `bytes:\xe2`) match one byte each. When the last tokens do not spell the
// candidate, the request fails rather than score the wrong tokens.
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

/** New tokens asked of a completions ranking request (the generated token is not part of the prompt). */
const GENERATED_TOKENS = 1;

export function completionsRankBody(model: string, context: string, candidates: string[]): Record<string, unknown> {
  return {
    model,
    prompt: candidates.map((candidate) => context + candidate),
    max_tokens: GENERATED_TOKENS,
    temperature: 0,
    echo: true,
    logprobs: 1,
  };
}

interface CompletionLogprobs {
  tokens?: unknown;
  token_logprobs?: unknown;
}

/** Scores of each candidate from a completions answer to completionsRankBody (choices matched by `index`). */
export function parseCompletionsRank(answer: unknown, candidates: string[], where: string): CandidateScore[] {
  const choices = (answer as { choices?: unknown })?.choices;
  if (!Array.isArray(choices) || choices.length !== candidates.length) {
    throw new RunError(`${where}: expected ${candidates.length} choices in the answer, got ${Array.isArray(choices) ? choices.length : 'none'}`);
  }
  const scores: (CandidateScore | undefined)[] = new Array(candidates.length);
  choices.forEach((choice: { index?: unknown; logprobs?: CompletionLogprobs | null }, position) => {
    const index = typeof choice?.index === 'number' ? choice.index : position;
    if (index < 0 || index >= candidates.length || scores[index]) throw new RunError(`${where}: choice index ${index} is out of place`);
    const logprobs = choice?.logprobs;
    if (!logprobs || !Array.isArray(logprobs.token_logprobs)) {
      throw new RankUnsupportedError(
        `${where}: the server returned no log-probabilities for the echoed prompt (completions with echo and logprobs), ` +
          'which close-ended tasks need to rank candidates; vLLM and SGLang return them',
      );
    }
    const values = logprobs.token_logprobs as unknown[];
    const tokens = Array.isArray(logprobs.tokens) ? (logprobs.tokens as unknown[]) : undefined;
    if (!tokens || tokens.length !== values.length) {
      throw new RankUnsupportedError(`${where}: the answer's logprobs have no tokens matching its token_logprobs, so the candidate cannot be located`);
    }
    if (values.length <= GENERATED_TOKENS) {
      throw new RankUnsupportedError(
        `${where}: the server did not echo the prompt's tokens (echo: true), which close-ended tasks need to rank candidates`,
      );
    }
    // The last token is the one generated (max_tokens 1): the prompt ends before it.
    const prompt = tokens.slice(0, tokens.length - GENERATED_TOKENS).map((token, j) => ({ text: String(token), logprob: values[j] }));
    scores[index] = spellBack(prompt, candidates[index]!, where);
  });
  return scores.map((score, i) => {
    if (!score) throw new RunError(`${where}: no choice for candidate ${i}`);
    return score;
  });
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
  const tokens = list.map((entry, j) => {
    const entries = Object.values((entry as PromptLogprob) ?? {});
    if (entry !== null && entries.length !== 1) {
      throw new RunError(`${where}: prompt token ${j} has ${entries.length} log-probabilities; expected the prompt token's own (prompt_logprobs: 0)`);
    }
    return { text: entries[0]?.decoded_token ?? '', logprob: entries[0]?.logprob ?? null };
  });
  return spellBack(tokens, candidate, where, 'the chat template probably adds text after the assistant message');
}

/** One byte of a spelled text; `null` matches any byte (a token that is part of a UTF-8 character). */
type Unit = number | null;

/**
 * The log-likelihood of `candidate` from prompt tokens ending with it: tokens are taken from the end until they spell
 * at least the candidate (whitespace and word markers aside); their texts must end with it.
 */
export function spellBack(tokens: { text: string; logprob: unknown }[], candidate: string, where: string, hint?: string): CandidateScore {
  const wanted = bytesOf(normalised(candidate));
  if (wanted.length === 0) throw new RunError(`${where}: the candidate ${JSON.stringify(candidate)} is empty once spaces are removed`);
  let spelled: Unit[] = [];
  let logLikelihood = 0;
  let count = 0;
  let j = tokens.length - 1;
  for (; j >= 0 && spelled.length < wanted.length; j--) {
    const { text, logprob } = tokens[j]!;
    if (typeof logprob !== 'number' || !Number.isFinite(logprob)) {
      throw new RunError(`${where}: prompt token ${j} (${JSON.stringify(text)}) has no log-probability (${String(logprob)}); the candidate reaches the start of the prompt`);
    }
    spelled = [...unitsOf(text), ...spelled];
    logLikelihood += logprob;
    count++;
  }
  const tail = spelled.slice(spelled.length - wanted.length);
  const matches = spelled.length >= wanted.length && tail.every((unit, k) => unit === null || unit === wanted[k]);
  if (!matches) {
    const text = tokens.slice(j + 1).map((token) => token.text).join('');
    throw new RunError(
      `${where}: the prompt's last tokens spell ${JSON.stringify(text)}, not the candidate ${JSON.stringify(candidate)}` +
        (hint ? `; ${hint}` : ''),
    );
  }
  return { logLikelihood, tokens: count };
}

/** Whitespace (and SentencePiece's and byte-level BPE's word markers) removed: tokens and templates differ in spaces only. */
function normalised(text: string): string {
  return text.replace(/[\s\u2581\u0120\u010a]+/g, '');
}

function bytesOf(text: string): number[] {
  return [...Buffer.from(text, 'utf8')];
}

/** A token's text as bytes: `bytes:\xe2\x80` as those bytes, U+FFFD as one unknown byte each, the rest as UTF-8. */
function unitsOf(token: string): Unit[] {
  const raw = /^bytes:((?:\\x[0-9a-fA-F]{2})+)$/.exec(token);
  if (raw) return raw[1]!.split('\\x').filter(Boolean).map((hex) => parseInt(hex, 16));
  const units: Unit[] = [];
  for (const char of normalised(token)) {
    if (char === '\ufffd') units.push(null);
    else units.push(...bytesOf(char));
  }
  return units;
}
