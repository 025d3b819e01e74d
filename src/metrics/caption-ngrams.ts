// The n-gram counts that BLEU and CIDEr-D share, built once per caption set. Every token and every n-gram (n <= 4)
// gets an integer id, and each sentence keeps its distinct n-grams with their counts, grouped by order and, within
// an order, in order of first occurrence: the order in which pycocoevalcap's `precook` fills its dict, so sums over
// a sentence's n-grams are added in the same order as there and round the same way.

/** Tokenized captions of one image: the prediction and its references, each a space-joined token string. */
export interface TokenizedCaptions {
  prediction: string;
  references: string[];
}

export const MAX_ORDER = 4;

// Python's `str.split()` (no argument) splits on these characters, runs of them, and drops empty pieces;
// pycocoevalcap's BLEU and CIDEr split that way (ROUGE-L splits on ' ' only). PTB tokens can hold U+00A0
// (the tokenizer's normalised space in "1 1/2"), so the difference is visible.
const PYTHON_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

// Text that is already single-space-separated printable ASCII (what ptbTokenize returns) splits on ' ' alone.
const SIMPLE = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

/** `s.split()` as Python computes it. */
export function splitPythonWhitespace(text: string): string[] {
  if (text === '') return [];
  if (SIMPLE.test(text)) return text.split(' ');
  const pieces = text.split(PYTHON_WHITESPACE);
  if (pieces.length > 0 && pieces[0] === '') pieces.shift();
  if (pieces.length > 0 && pieces[pieces.length - 1] === '') pieces.pop();
  return pieces;
}

/**
 * All sentences of a caption set as n-gram counts. Sentence `s` of image `i` is `firstSentence[i] + s` (the
 * prediction is sentence 0, then the references in order). The entries of sentence `s` and order `k` (0-based,
 * k = n - 1) are `ids/counts[orderStart[4s + k] .. orderStart[4s + k + 1])`.
 */
export class CaptionNgrams {
  readonly images: number;
  readonly firstSentence: Int32Array;
  /** Tokens per sentence (Python `split()`). */
  readonly length: Int32Array;
  readonly orderStart: Int32Array;
  readonly ids: Int32Array;
  readonly counts: Int32Array;
  /** Number of distinct n-gram ids (all orders). */
  readonly ngramCount: number;
  /** Token ids of all sentences; sentence s is `tokens[tokenStart[s] .. tokenStart[s + 1])`. */
  readonly tokens: Int32Array;
  readonly tokenStart: Int32Array;
  /**
   * Whether every sentence is non-empty, single-space-separated printable ASCII (as ptbTokenize writes them), so that
   * splitting on ' ' (ROUGE-L's split) gives the same tokens as Python's split() (BLEU's and CIDEr-D's).
   */
  readonly spaceSplit: boolean;

  constructor(items: readonly TokenizedCaptions[]) {
    this.images = items.length;
    this.firstSentence = new Int32Array(items.length + 1);
    // All sentences' token ids in one array; sentence s is tokenIds[tokenStart[s] .. tokenStart[s + 1]).
    const tokenIds: number[] = [];
    const tokenStart: number[] = [0];
    const vocabulary = new Map<string, number>();
    let spaceSplit = true;
    for (let i = 0; i < items.length; i++) {
      this.firstSentence[i] = tokenStart.length - 1;
      const item = items[i]!;
      for (let r = -1; r < item.references.length; r++) {
        const text = r < 0 ? item.prediction : item.references[r]!;
        const simple = text !== '' && SIMPLE.test(text);
        if (!simple) spaceSplit = false;
        const words = simple ? text.split(' ') : splitPythonWhitespace(text);
        for (let w = 0; w < words.length; w++) {
          let id = vocabulary.get(words[w]!);
          if (id === undefined) {
            id = vocabulary.size;
            vocabulary.set(words[w]!, id);
          }
          tokenIds.push(id);
        }
        tokenStart.push(tokenIds.length);
      }
    }
    const sentences = tokenStart.length - 1;
    this.firstSentence[items.length] = sentences;
    const tokens = Int32Array.from(tokenIds);
    const totalTokens = tokens.length;
    this.tokens = tokens;
    this.tokenStart = Int32Array.from(tokenStart);
    this.spaceSplit = spaceSplit;

    // Unigram ids are the token ids; longer n-grams are interned as (id of their first n-1 tokens, last token).
    const ngrams = new PairInterner(vocabulary.size);
    this.length = new Int32Array(sentences);
    this.orderStart = new Int32Array(MAX_ORDER * sentences + 1);
    this.ids = new Int32Array(MAX_ORDER * totalTokens);
    this.counts = new Int32Array(MAX_ORDER * totalTokens);
    let seen = new Int32Array(Math.max(16, vocabulary.size * 2));
    let prefix = new Int32Array(64);
    let current = new Int32Array(64);
    let out = 0;
    for (let s = 0; s < sentences; s++) {
      const first = tokenStart[s]!;
      const n = tokenStart[s + 1]! - first;
      this.length[s] = n;
      if (prefix.length < n) {
        prefix = new Int32Array(n * 2);
        current = new Int32Array(n * 2);
      }
      for (let k = 0; k < MAX_ORDER; k++) {
        this.orderStart[MAX_ORDER * s + k] = out;
        const begin = out;
        for (let p = 0; p + k < n; p++) {
          const id = k === 0 ? tokens[first + p]! : ngrams.intern(prefix[p]!, tokens[first + p + k]!);
          current[p] = id;
          if (id >= seen.length) {
            const grown = new Int32Array(Math.max(id + 1, seen.length * 2));
            grown.set(seen);
            seen = grown;
          }
          // `seen` holds 1 + the entry index of an n-gram already met in this sentence and order, else 0.
          const at = seen[id]!;
          if (at === 0) {
            this.ids[out] = id;
            this.counts[out] = 1;
            out++;
            seen[id] = out;
          } else {
            this.counts[at - 1]!++;
          }
        }
        for (let e = begin; e < out; e++) seen[this.ids[e]!] = 0;
        const swap = prefix;
        prefix = current;
        current = swap;
      }
    }
    this.orderStart[MAX_ORDER * sentences] = out;
    this.ngramCount = ngrams.size;
  }

  referenceCount(image: number): number {
    return this.firstSentence[image + 1]! - this.firstSentence[image]! - 1;
  }
}

/** Ids for (prefix, token) pairs: an open-addressing hash table whose slots hold [prefix, token, id] side by side. */
class PairInterner {
  private slots: Int32Array;
  private mask: number;
  private used = 0;
  size: number;

  constructor(firstId: number) {
    this.size = firstId;
    this.mask = (1 << 16) - 1;
    this.slots = new Int32Array(3 << 16).fill(-1);
  }

  intern(a: number, b: number): number {
    const slots = this.slots;
    let slot = hashPair(a, b) & this.mask;
    for (;;) {
      const at = slot * 3;
      const ka = slots[at]!;
      if (ka === -1) break;
      if (ka === a && slots[at + 1] === b) return slots[at + 2]!;
      slot = (slot + 1) & this.mask;
    }
    const id = this.size++;
    slots[slot * 3] = a;
    slots[slot * 3 + 1] = b;
    slots[slot * 3 + 2] = id;
    if (++this.used * 2 > this.mask) this.grow();
    return id;
  }

  private grow(): void {
    const old = this.slots;
    const capacity = ((this.mask + 1) * 2);
    this.slots = new Int32Array(capacity * 3).fill(-1);
    this.mask = capacity - 1;
    for (let at = 0; at < old.length; at += 3) {
      const a = old[at]!;
      if (a === -1) continue;
      let slot = hashPair(a, old[at + 1]!) & this.mask;
      while (this.slots[slot * 3] !== -1) slot = (slot + 1) & this.mask;
      this.slots.set(old.subarray(at, at + 3), slot * 3);
    }
  }
}

function hashPair(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}
