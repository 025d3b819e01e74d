// Our caption scorers against pycocoevalcap's own numbers (test/fixtures/caption/pycocoevalcap-scores.json, made by
// running its pure-Python BLEU, ROUGE-L and CIDEr-D scorers on captions tokenized by the real PTBTokenizer 3.4.1; see
// the README there). Set a: 300 generated COCO-style images x 5 references; set b: 60 images with 1..7 references and
// edge cases (empty prediction, prediction equal to a reference, one-word and repeated-word predictions, a prediction
// that is all the references joined); set c: hard-to-tokenize captions (quotes, brackets, abbreviations, fractions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bleu, bleuOfTokenized } from '../src/metrics/bleu.ts';
import { rougeL, rougeLOfNgrams, rougeLOfTokenized } from '../src/metrics/rouge-l.ts';
import { ciderD, ciderDOfTokenized } from '../src/metrics/cider-d.ts';
import { captionScoresOfTokenized, scoreCaptions } from '../src/metrics/caption.ts';
import { tokenizeCaptionItems } from '../src/metrics/text/ptb-tokenize.ts';
import type { CaptionItem } from '../src/metrics/types.ts';
import { captionCorpus } from '../bench/caption-corpus.ts';
import { CaptionNgrams, type TokenizedCaptions } from '../src/metrics/caption-ngrams.ts';

interface OfficialSet {
  raw: CaptionItem[];
  tokenized: (TokenizedCaptions & { id: string })[];
  bleu: number[];
  bleu_per_image: number[][];
  rouge_l: number;
  rouge_l_per_image: number[];
  cider: number;
  cider_per_image: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/caption/pycocoevalcap-scores.json', import.meta.url), 'utf8')) as {
  sets: Record<string, OfficialSet>;
};

const RELATIVE = 1e-12;
function close(actual: number, expected: number, what: string): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) <= RELATIVE * scale || actual === expected, `${what}: got ${actual}, pycocoevalcap ${expected}`);
}
function allClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) close(actual[i]!, expected[i]!, `${what}[${i}]`);
}

for (const [name, set] of Object.entries(fixture.sets)) {
  test(`set ${name}: BLEU-1..4 of the tokenized captions equal pycocoevalcap's, corpus and per image`, () => {
    const values = bleuOfTokenized(set.tokenized);
    allClose(values.corpus, set.bleu, 'corpus BLEU');
    for (let k = 0; k < 4; k++) allClose(values.perImage[k]!, set.bleu_per_image[k]!, `BLEU-${k + 1} per image`);
  });

  test(`set ${name}: ROUGE-L of the tokenized captions equals pycocoevalcap's, corpus and per image`, () => {
    const values = rougeLOfTokenized(set.tokenized);
    close(values.corpus, set.rouge_l, 'corpus ROUGE-L');
    allClose(values.perImage, set.rouge_l_per_image, 'ROUGE-L per image');
  });

  test(`set ${name}: CIDEr-D of the tokenized captions equals pycocoevalcap's, corpus and per image`, () => {
    const values = ciderDOfTokenized(set.tokenized);
    close(values.corpus, set.cider, 'corpus CIDEr-D');
    allClose(values.perImage, set.cider_per_image, 'CIDEr-D per image');
  });

  test(`set ${name}: our PTB tokenization of the raw captions equals the real tokenizer's`, () => {
    const ours = tokenizeCaptionItems(set.raw);
    assert.deepEqual(
      ours,
      set.tokenized.map(({ prediction, references }) => ({ prediction, references })),
    );
  });

  test(`set ${name}: from raw captions, every public scorer reports pycocoevalcap's values x100`, () => {
    const all = scoreCaptions(set.raw);
    assert.equal(all.n, set.raw.length);
    for (let k = 0; k < 4; k++) close(all.scores[`bleu_${k + 1}`] as number, set.bleu[k]! * 100, `bleu_${k + 1}`);
    close(all.scores.rouge_l as number, set.rouge_l * 100, 'rouge_l');
    close(all.scores.cider as number, set.cider * 100, 'cider');
    allClose(all.perItem!, set.cider_per_image.map((v) => v * 100), 'per-item CIDEr-D');

    const b = bleu(set.raw);
    assert.deepEqual(Object.keys(b.scores), ['bleu_1', 'bleu_2', 'bleu_3', 'bleu_4']);
    close(b.scores.bleu_4 as number, set.bleu[3]! * 100, 'bleu() bleu_4');
    allClose(b.perItem!, set.bleu_per_image[3]!.map((v) => v * 100), 'bleu() per item');
    const r = rougeL(set.raw);
    close(r.scores.rouge_l as number, set.rouge_l * 100, 'rougeL()');
    allClose(r.perItem!, set.rouge_l_per_image.map((v) => v * 100), 'rougeL() per item');
    const c = ciderD(set.raw);
    close(c.scores.cider as number, set.cider * 100, 'ciderD()');
    assert.deepEqual(c.perItem, all.perItem);
  });
}

test('scoring all metrics together gives exactly what each scorer gives alone', () => {
  const set = fixture.sets.a!;
  const together = captionScoresOfTokenized(set.tokenized);
  assert.deepEqual(together.bleu, bleuOfTokenized(set.tokenized).corpus);
  assert.equal(together.rougeL, rougeLOfTokenized(set.tokenized).corpus);
  assert.equal(together.cider, ciderDOfTokenized(set.tokenized).corpus);
});

test('ROUGE-L from the shared n-gram token ids is bit for bit ROUGE-L from the strings, and is used only when it may be', () => {
  const tokenized = tokenizeCaptionItems(captionCorpus(3, 2000, 5));
  const ngrams = new CaptionNgrams(tokenized);
  assert.equal(ngrams.spaceSplit, true);
  const shared = rougeLOfNgrams(ngrams);
  const alone = rougeLOfTokenized(tokenized);
  assert.equal(shared.corpus, alone.corpus);
  assert.deepEqual(shared.perImage, alone.perImage);
  // Candidates of 1 to 40 tokens over a small vocabulary (many repeats): the bit-parallel LCS (up to 32 tokens) and the
  // table (longer ones) give the same values as the strings' table.
  let seed = 11;
  const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const sentence = (length: number) => Array.from({ length }, () => ['a', 'dog', 'on', 'the', 'grass', 'red', 'ball'][next(7)]).join(' ');
  const random = Array.from({ length: 400 }, (_, i) => ({
    prediction: sentence(1 + (i % 40)),
    references: Array.from({ length: 1 + next(5) }, () => sentence(1 + next(40))),
  }));
  const randomNgrams = new CaptionNgrams(random);
  assert.equal(randomNgrams.spaceSplit, true);
  assert.deepEqual(rougeLOfNgrams(randomNgrams).perImage, rougeLOfTokenized(random).perImage);
  // An empty caption is one empty token for ROUGE-L but none for split(): the shared ids do not apply.
  const withEmpty = [{ prediction: '', references: ['a dog'] }, ...tokenized.slice(0, 10)];
  assert.equal(new CaptionNgrams(withEmpty).spaceSplit, false);
  assert.equal(captionScoresOfTokenized(withEmpty).rougeL, rougeLOfTokenized(withEmpty).corpus);
});

test('a COCO-test-sized generated set (5,000 images x 5 references): every corpus value equals pycocoevalcap\'s', () => {
  // Inputs are regenerated from the seed (bench/caption-corpus.ts); the fixture holds pycocoevalcap's values for them.
  const expected = JSON.parse(readFileSync(new URL('./fixtures/caption/pycocoevalcap-coco-sized.json', import.meta.url), 'utf8')) as {
    images: number;
    bleu: number[];
    rouge_l: number;
    cider: number;
    cider_per_image_first_100: number[];
    bleu_4_per_image_first_100: number[];
    rouge_l_per_image_first_100: number[];
  };
  const scores = captionScoresOfTokenized(tokenizeCaptionItems(captionCorpus(1, expected.images, 5)));
  allClose(scores.bleu, expected.bleu, 'corpus BLEU');
  close(scores.rougeL, expected.rouge_l, 'corpus ROUGE-L');
  close(scores.cider, expected.cider, 'corpus CIDEr-D');
  allClose(scores.perImage.cider.subarray(0, 100), expected.cider_per_image_first_100, 'CIDEr-D per image');
  allClose(scores.perImage.bleu4.subarray(0, 100), expected.bleu_4_per_image_first_100, 'BLEU-4 per image');
  allClose(scores.perImage.rougeL.subarray(0, 100), expected.rouge_l_per_image_first_100, 'ROUGE-L per image');
});
