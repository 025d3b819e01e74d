// Prompt templates shared by tasks: captioning ("Output: ...") and question answering ("Question: ... Answer: ...").
// Wordings: the paper's (Alayrac et al. 2022, appendix on prompts) and open_flamingo's eval code (`get_caption_prompt`,
// `get_vqa_prompt`), which drops the space after the colons and says "Short answer".
import type { Example, Prompt, PromptTemplates, Shot } from '../../core/types.ts';

/** The media of an example as prompt parts (none when a zero-shot text demonstration removes them). */
export function mediaParts(example: Example, withMedia = true): Prompt {
  return withMedia ? example.media.map((media) => ({ type: 'media', media })) : [];
}

/**
 * Templates from a function that writes an example's text: with the target (a demonstration) or up to where the
 * model continues (the query, `target` undefined).
 */
export function textTemplates(write: (example: Example, target?: string) => string): PromptTemplates {
  return {
    demonstration: (shot: Shot) => [
      ...mediaParts(shot.example, shot.withMedia),
      { type: 'text', text: write(shot.example, shot.example.target) },
      { type: 'end_of_chunk' },
    ],
    query: (example: Example) => [...mediaParts(example), { type: 'text', text: write(example) }],
  };
}

/**
 * Close-ended tasks: the same templates with each candidate continuing the query as a demonstration's target does,
 * after a space in the paper's wording ("Answer: yes"), directly in open_flamingo's ("Answer:yes").
 */
export function rankingTemplates(templates: Record<string, PromptTemplates>): Record<string, PromptTemplates> {
  return {
    paper: { ...templates.paper!, candidatePrefix: ' ' },
    openflamingo: { ...templates.openflamingo!, candidatePrefix: '' },
  };
}

/** Captioning: paper `Output: {caption}`, openflamingo `Output:{caption}`. */
export const captionTemplates: Record<string, PromptTemplates> = {
  paper: textTemplates((_e, caption) => (caption === undefined ? 'Output:' : `Output: ${caption}`)),
  openflamingo: textTemplates((_e, caption) => `Output:${caption ?? ''}`),
};

/** QA on `fields.question`: paper `Question: {q} Answer: {a}`, openflamingo `Question:{q} Short answer:{a}`. */
export const qaTemplates: Record<string, PromptTemplates> = {
  paper: textTemplates((e, answer) =>
    answer === undefined ? `Question: ${question(e)} Answer:` : `Question: ${question(e)} Answer: ${answer}`,
  ),
  openflamingo: textTemplates((e, answer) => `Question:${question(e)} Short answer:${answer ?? ''}`),
};

function question(example: Example): string {
  return example.fields.question ?? '';
}
