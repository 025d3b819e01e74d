// A cache of normalizeVqaAnswer results: scorers see the same few thousand answer strings again and again.
import { normalizeVqaAnswer } from './vqa-normalize.ts';

export class NormalizedAnswers {
  private readonly cache = new Map<string, string>();

  of(text: string): string {
    let out = this.cache.get(text);
    if (out === undefined) this.cache.set(text, (out = normalizeVqaAnswer(text)));
    return out;
  }
}
