// Caption metrics on small cases worked out by hand (arithmetic in the comments), edge cases, and properties.
// Inputs here are already tokenized (the `...OfTokenized` functions), except where the public x100 API is the point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bleuOfTokenized, bleuStatistics, corpusBleu } from '../src/metrics/bleu.ts';
import { rougeLOfTokenized } from '../src/metrics/rouge-l.ts';
import { ciderD, ciderDOfTokenized } from '../src/metrics/cider-d.ts';
import { captionScoresOfTokenized, scoreCaptions } from '../src/metrics/caption.ts';
import { CaptionNgrams, splitPythonWhitespace } from '../src/metrics/caption-ngrams.ts';
import { captionCorpus } from '../bench/caption-corpus.ts';
import { tokenizeCaptionItems } from '../src/metrics/text/ptb-tokenize.ts';

const near = (actual: number, expected: number, tolerance: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} got ${actual}, expected ${expected}`);
const one = (prediction: string, ...references: string[]) => ({ prediction, references });

test('BLEU by hand: clipped matches, brevity penalty from the closest reference', () => {
  // "a cat on a mat" vs "a cat sat on the mat": unigrams a x2 (clipped to 1), cat, on, mat match: 4 of 5; bigrams:
  // only "a cat": 1 of 4; no trigram or 4-gram matches. c = 5 < r = 6, so BP = exp(1 - 6/5) = exp(-0.2).
  // BLEU-1 = 4/5 * BP = 0.65498460...; BLEU-2 = sqrt(4/5 * 1/4) * BP = 0.36614...; BLEU-3 and -4 rest on the
  // 1e-15 "tiny" numerator only: (0.2 * 1e-15/3)^(1/3) * BP ~ 3.3e-6.
  const { corpus, perImage } = bleuOfTokenized([one('a cat on a mat', 'a cat sat on the mat')]);
  const bp = Math.exp(-0.2);
  near(corpus[0]!, 0.8 * bp, 1e-9, 'BLEU-1');
  near(corpus[0]!, 0.654984602, 1e-9, 'BLEU-1 decimal');
  near(corpus[1]!, Math.sqrt(0.2) * bp, 1e-9, 'BLEU-2');
  assert.ok(corpus[2]! > 0 && corpus[2]! < 1e-5, `BLEU-3 ${corpus[2]}`);
  assert.ok(corpus[3]! > 0 && corpus[3]! < 1e-5, `BLEU-4 ${corpus[3]}`);
  // One image: the per-image values are the corpus values.
  for (let k = 0; k < 4; k++) assert.equal(perImage[k]![0], corpus[k]);
});

test('BLEU by hand: of two references equally far from the candidate length, the shorter one is used', () => {
  // Candidate length 5; references of length 3 and 7 are both 2 away; pycocoevalcap takes min((|l - c|, l)) = 3, so
  // c >= r and there is no brevity penalty: BLEU-1 = 5/5 = 1 (with 7, it would be exp(1 - 7/5) = 0.670).
  const { corpus } = bleuOfTokenized([one('a b c d e', 'a b c', 'a b c d e f g')]);
  near(corpus[0]!, 1, 1e-9);
});

test('BLEU by hand: the corpus value pools counts over images, it is not the mean of the per-image values', () => {
  // Image 1: "a cat" vs "a cat": 2/2 unigrams, lengths 2 and 2. Image 2: "a dog runs" vs "a cat sleeps now": 1/3,
  // lengths 3 and 4. Pooled: 3/5 unigrams, c = 5, r = 6: BLEU-1 = 0.6 * exp(-0.2) = 0.4912...
  // Per image: 1 and (1/3) * exp(1 - 4/3) = 0.2388...; their mean 0.619 differs.
  const { corpus, perImage } = bleuOfTokenized([one('a cat', 'a cat'), one('a dog runs', 'a cat sleeps now')]);
  near(corpus[0]!, 0.6 * Math.exp(-0.2), 1e-9, 'corpus BLEU-1');
  near(perImage[0]![0]!, 1, 1e-9);
  near(perImage[0]![1]!, (1 / 3) * Math.exp(1 - 4 / 3), 1e-9);
});

test('ROUGE-L by hand: best precision and best recall are taken over the references separately', () => {
  // Candidate "a cat on a mat" (5 tokens). Reference "a cat sat on the mat": LCS "a cat on mat" = 4: P = 0.8,
  // R = 4/6. Reference "cat": LCS 1: P = 0.2, R = 1. Max P = 0.8, max R = 1 (from different references):
  // F = (1 + 1.44) * 0.8 * 1 / (1 + 1.44 * 0.8) = 1.952 / 2.152 = 0.90706319...
  const { corpus, perImage } = rougeLOfTokenized([one('a cat on a mat', 'a cat sat on the mat', 'cat')]);
  near(perImage[0]!, 1.952 / 2.152, 1e-15);
  near(corpus, 0.907063197, 1e-9);
});

test('CIDEr-D by hand: two images, identical caption scores 10, no overlap scores 0', () => {
  // 2 images, so log(#images) = log 2; every reference n-gram occurs in 1 image: weight = count * (log 2 - log 1).
  // Image 1, "a b" vs "a b": unigram cosine 1, bigram cosine 1, no trigrams/4-grams (norm 0: left at 0); equal
  // bigram counts, so no length penalty. Mean over n = (1 + 1 + 0 + 0) / 4 = 0.5, / 1 reference, x10 = 5.
  // Image 2, "c" vs "d": nothing shared: 0. Corpus: (5 + 0) / 2 = 2.5; the public API prints x100.
  const items = [one('a b', 'a b'), one('c', 'd')];
  const { corpus, perImage } = ciderDOfTokenized(items);
  near(perImage[0]!, 5, 1e-12);
  assert.equal(perImage[1], 0);
  near(corpus, 2.5, 1e-12);
  // Raw text goes through the PTB tokenization first: "A dog." and "a Dog" both become "a dog".
  const result = ciderD([{ id: 'x', prediction: 'A dog.', references: ['a Dog'] }, { id: 'y', prediction: 'cat', references: ['bird'] }]);
  near(result.scores.cider as number, 250, 1e-10);
  near(result.perItem![0]!, 500, 1e-10);
});

test('CIDEr-D by hand: the Gaussian length penalty uses sigma 6', () => {
  // "a b c" vs reference "a b c d e f g" (and a second image so weights are not zero): the candidate's n-grams all
  // occur in the reference. Unigrams: cosine = 3w^2 / (sqrt(3) w * sqrt(7) w) = sqrt(3/7); bigrams 2 of 6:
  // sqrt(2/6); trigrams 1 of 5: sqrt(1/5); no candidate 4-gram: 0. Bigram counts 2 and 6: delta = -4, penalty
  // exp(-16/72). Score = 10 * exp(-16/72) * (sqrt(3/7) + sqrt(1/3) + sqrt(1/5)) / 4.
  const { perImage } = ciderDOfTokenized([one('a b c', 'a b c d e f g'), one('x', 'y')]);
  const expected = (10 * Math.exp(-16 / 72) * (Math.sqrt(3 / 7) + Math.sqrt(1 / 3) + Math.sqrt(1 / 5))) / 4;
  near(perImage[0]!, expected, 1e-12);
});

test('CIDEr-D: document frequencies come from the scored set, so one image alone always scores 0', () => {
  // log(#images) = log 1 = 0 and every reference n-gram has df = 1: all weights are 0.
  assert.equal(ciderDOfTokenized([one('a dog on a bed', 'a dog on a bed')]).corpus, 0);
  // The same image scored with others gets a positive score: the value depends on the set.
  const alone = ciderDOfTokenized([one('a dog on a bed', 'a dog on a bed')]).perImage[0]!;
  const inSet = ciderDOfTokenized([one('a dog on a bed', 'a dog on a bed'), one('two cats', 'a cat')]).perImage[0]!;
  assert.ok(inSet > alone);
});

test('edge: an empty prediction scores 0 on every metric', () => {
  const scores = captionScoresOfTokenized([one('', 'a dog on a bed', 'a dog'), one('a cat', 'a cat on a mat')]);
  assert.equal(scores.perImage.bleu4[0], 0);
  assert.equal(scores.perImage.rougeL[0], 0);
  assert.equal(scores.perImage.cider[0], 0);
});

test('edge: a prediction equal to one of five references gets ROUGE-L 1 and BLEU ~1 for that image', () => {
  const items = captionCorpus(11, 20, 5).map((item) => ({ ...item, prediction: item.references[2]! }));
  const scores = captionScoresOfTokenized(tokenizeCaptionItems(items));
  for (let i = 0; i < items.length; i++) {
    near(scores.perImage.rougeL[i]!, 1, 1e-15, `ROUGE-L ${i}`);
    near(scores.perImage.bleu4[i]!, 1, 1e-9, `BLEU-4 ${i}`);
    assert.ok(scores.perImage.cider[i]! > 0 && scores.perImage.cider[i]! <= 10 + 1e-12);
  }
});

test('edge: one reference, or the same reference five times, gives the same scores', () => {
  const single = captionCorpus(3, 30, 1);
  const repeated = single.map((item) => ({ ...item, references: Array(5).fill(item.references[0]!) as string[] }));
  const a = captionScoresOfTokenized(tokenizeCaptionItems(single));
  const b = captionScoresOfTokenized(tokenizeCaptionItems(repeated));
  assert.deepEqual(b.bleu, a.bleu);
  assert.equal(b.rougeL, a.rougeL);
  for (let i = 0; i < single.length; i++) near(b.perImage.cider[i]!, a.perImage.cider[i]!, 1e-12);
});

test('property: all values within bounds on a generated set (BLEU, ROUGE-L in [0, 100]; CIDEr-D in [0, 1000])', () => {
  const result = scoreCaptions(captionCorpus(5, 200));
  for (const key of ['bleu_1', 'bleu_2', 'bleu_3', 'bleu_4', 'rouge_l']) {
    const v = result.scores[key] as number;
    assert.ok(v > 0 && v <= 100, `${key} ${v}`);
  }
  const c = result.scores.cider as number;
  assert.ok(c > 0 && c <= 1000);
  assert.ok(result.perItem!.every((v) => v >= 0 && v <= 1000 + 1e-9));
});

test('property: predictions identical to their only reference reach the maximum of every metric', () => {
  const items = captionCorpus(9, 50, 1).map((item) => ({ ...item, prediction: item.references[0]! }));
  const scores = captionScoresOfTokenized(tokenizeCaptionItems(items));
  for (let k = 0; k < 4; k++) near(scores.bleu[k]!, 1, 1e-9, `BLEU-${k + 1}`);
  near(scores.rougeL, 1, 1e-15, 'ROUGE-L');
  // Every generated caption has at least 4 tokens, so every order's cosine is 1 and CIDEr-D = 10 * 4/4 = 10.
  near(scores.cider, 10, 1e-12, 'CIDEr-D');
});

test('Python str.split() semantics for BLEU/CIDEr tokens: no-break space splits, empty pieces vanish', () => {
  assert.deepEqual(splitPythonWhitespace('  a\u00a0b  c\t'), ['a', 'b', 'c']);
  assert.deepEqual(splitPythonWhitespace(''), []);
  assert.deepEqual(splitPythonWhitespace('   '), []);
});

test('corpus BLEU of a resample from per-image statistics equals BLEU recomputed on the resampled captions', () => {
  const tokenized = tokenizeCaptionItems(captionCorpus(4, 60));
  const statistics = bleuStatistics(new CaptionNgrams(tokenized));
  assert.deepEqual(corpusBleu(statistics), bleuOfTokenized(tokenized).corpus);
  const indices = [5, 5, 0, 59, 17, 17, 17, 3];
  assert.deepEqual(corpusBleu(statistics, indices), bleuOfTokenized(indices.map((i) => tokenized[i]!)).corpus);
});
