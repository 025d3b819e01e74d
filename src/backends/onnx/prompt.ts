// Rendering an interleaved prompt to the model's tokens: <BOS>, `<image>` before each medium, the end-of-chunk token
// after each demonstration. Each token attends (in the gated cross-attention) to the last medium at or before it, as
// OpenFlamingo's `only_attend_immediate_media`; tokens before the first medium attend to none (-1).
import type { MediaRef, Prompt } from '../../core/types.ts';
import type { BundleTokenizer } from './tokenizer.ts';

export interface RenderedPrompt {
  ids: number[];
  /** Per token: index into `media` of the medium it sees, or -1. */
  mediaIndex: number[];
  media: MediaRef[];
}

export function renderPrompt(prompt: Prompt, tokenizer: BundleTokenizer): RenderedPrompt {
  const ids = [tokenizer.special.bos];
  const mediaIndex = [-1];
  const media: MediaRef[] = [];
  let text = '';
  const flushText = () => {
    if (text === '') return;
    const textIds = tokenizer.encode(text);
    // One push per token, not push(...textIds): spreading a long text's ids (a 1 MB question) overflows the stack.
    for (const id of textIds) {
      ids.push(id);
      mediaIndex.push(media.length - 1);
    }
    text = '';
  };
  for (const part of prompt) {
    if (part.type === 'text') {
      text += part.text; // adjacent text parts are one text: tokenize them together
      continue;
    }
    flushText();
    if (part.type === 'media') {
      media.push(part.media);
      ids.push(tokenizer.special.image);
    } else {
      ids.push(tokenizer.special.endOfChunk);
    }
    mediaIndex.push(media.length - 1);
  }
  flushText();
  return { ids, mediaIndex, media };
}
