// Chat-completions requests for generate(): the prompt as one user message, greedy decoding (temperature 0), the
// task's token budget, and the end-of-chunk text as a stop sequence when the task stops at the end of a chunk.
import { RunError } from '../../core/errors.ts';
import type { GenerateRequest } from '../../core/types.ts';
import type { ContentPart } from './content.ts';

export function chatGenerateBody(model: string, content: ContentPart[], request: GenerateRequest, endOfChunk: string): Record<string, unknown> {
  return {
    model,
    messages: [{ role: 'user', content: userContent(content) }],
    max_tokens: request.maxNewTokens,
    temperature: 0,
    ...(request.stopAtEndOfChunk && endOfChunk !== '' ? { stop: [endOfChunk] } : {}),
  };
}

/** A text-only prompt as a plain string: servers without vision (and older ones) accept only that form. */
function userContent(content: ContentPart[]): ContentPart[] | string {
  if (content.every((part) => part.type === 'text')) return content.map((part) => (part as { text: string }).text).join('');
  return content;
}

/** The generated text of a chat answer. */
export function parseChatAnswer(answer: unknown, where: string): string {
  const choice = (answer as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0];
  const content = choice?.message?.content;
  if (typeof content === 'string') return content;
  if (content === null && choice?.message) return '';
  if (Array.isArray(content)) {
    return content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('');
  }
  throw new RunError(`${where}: the answer has no choices[0].message.content (got ${JSON.stringify(answer)?.slice(0, 200)})`);
}
