// coco-caption's tokenization step: our scanner against the real PTBTokenizer 3.4.1 output on 1,842 lines
// (test/fixtures/caption/ptb-tokenizer.json), and single rules worked out by hand from the tokenizer's conventions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isPlainPunctuation, plainWordEnd, ptbTokenize, ptbTokenizeAll, ptbTokens, tokenizeCaptionItems } from '../src/metrics/text/ptb-tokenize.ts';
import { InputError } from '../src/core/errors.ts';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/caption/ptb-tokenizer.json', import.meta.url), 'utf8')) as {
  lines: string[];
  tokens: string[];
};
// pycocoevalcap's PUNCTUATIONS, applied to the tokenizer's lowercased output.
const DROPPED = new Set(["''", "'", '``', '`', '-LRB-', '-RRB-', '-LCB-', '-RCB-', '.', '?', '!', ',', ':', '-', '--', '...', ';']);

test('every fixture line gives the tokens PTBTokenizer 3.4.1 printed for it (the later lines as look-ahead)', () => {
  const { lines, tokens } = fixture;
  assert.equal(lines.length, tokens.length);
  const differ: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const following = i + 1 < lines.length ? lines.slice(i + 1, i + 4).join('\n') : undefined;
    const ours = ptbTokens(lines[i]!, following).join(' ');
    if (ours !== tokens[i]) differ.push(`${JSON.stringify(lines[i])}: ours ${JSON.stringify(ours)}, PTBTokenizer ${JSON.stringify(tokens[i])}`);
  }
  assert.deepEqual(differ, []);
});

test('tokenizing the fixture lines as one call gives the tokenizer output minus the dropped punctuation', () => {
  const expected = fixture.tokens.map((line) =>
    line
      .split(' ')
      .filter((token) => token !== '' && !DROPPED.has(token))
      .join(' '),
  );
  assert.deepEqual(ptbTokenizeAll(fixture.lines), expected);
});

// Hand-worked: each expectation follows from one PTB convention (named in the case).
const cases: [string, string, string][] = [
  ['contractions and possessives split off', "A man's dog isn't happy, they're sad.", "a man 's dog is n't happy they 're sad"],
  ['curly apostrophes too', 'The man\u2019s hat doesn\u2019t fit.', "the man 's hat does n't fit"],
  ['plural possessive: the lone quote is punctuation', "The dogs' bowls.", 'the dogs bowls'],
  ['cannot, gonna are split', 'I cannot, I gonna', 'i can not i gon na'],
  ['quotes become `` and \'\' and are dropped', 'A sign that says "STOP" and \'go\'.', 'a sign that says stop and go'],
  ['brackets become -LRB-/-RRB- and, lowercased, survive the filter', 'A bus (number 42) [old].', 'a bus -lrb- number 42 -rrb- -lsb- old -rsb-'],
  ['hyphenated words stay whole; a dash is dropped', 'A two-story house - with a t-shirt -- on it.', 'a two-story house with a t-shirt on it'],
  ['em and en dashes become -- and are dropped', 'A dog\u2014a big one\u2013runs.', 'a dog a big one runs'],
  ['ellipses become ... and are dropped', 'A cat... on a chair\u2026', 'a cat on a chair'],
  ['abbreviations keep their period', 'Mr. Smith on St. Patrick\'s day at 5 p.m. in the U.S. army', "mr. smith on st. patrick 's day at 5 p.m. in the u.s. army"],
  ['a single letter before the end keeps its period', 'A sign that says A.', 'a sign that says a.'],
  ['numbers, times and fractions stay whole', 'At 5:30 it cost $5.99 for 1,000 or 3 1/2 of them.', 'at 5:30 it cost $ 5.99 for 1,000 or 3\u00a01/2 of them'],
  ['?! and !! are single tokens not on the punctuation list', 'What?! No!!', 'what ?! no !!'],
  ['symbols stay: & % / # *', 'A dog & cat, 50% w/ #1 *', 'a dog & cat 50 % w / # 1 *'],
  ['a full stop glued to the next word stays inside the word', 'A man.A dog.', 'a man.a dog'],
  ['emoji are deleted', 'A dog \u{1F436} on a bed', 'a dog on a bed'],
  ['accented words are words', 'Cr\u00e8me br\u00fbl\u00e9e in a caf\u00e9.', 'cr\u00e8me br\u00fbl\u00e9e in a caf\u00e9'],
  ['an empty caption is empty', '', ''],
  ['only punctuation is empty', ' ... , ; -- ', ''],
  ['a line break inside a caption is a space', 'A dog\non a bed', 'a dog on a bed'],
];
for (const [rule, text, expected] of cases) {
  test(`PTB rule: ${rule}`, () => assert.equal(ptbTokenize(text), expected));
}

test('at a line end the tokenizer looks into the next caption: "A." before "The ..." loses its period', () => {
  // The acronym rule returns a lone letter without its period when a capitalised sentence starter follows.
  assert.equal(ptbTokenize('A sign that says A.'), 'a sign that says a.');
  assert.equal(ptbTokenize('A sign that says A.', 'The dog is brown.'), 'a sign that says a');
  assert.equal(ptbTokenize('A sign that says A.', 'the dog is brown.'), 'a sign that says a.');
  assert.deepEqual(ptbTokenizeAll(['A sign that says A.', 'The dog.', 'A sign that says A.']), [
    'a sign that says a',
    'the dog',
    'a sign that says a.',
  ]);
});

test('references of all images are one file and predictions another, as COCOEvalCap.evaluate tokenizes them', () => {
  const items = [
    { id: '1', prediction: 'It says B.', references: ['A sign with a B.', 'The letter B.'] },
    { id: '2', prediction: 'The end.', references: ['A sign.'] },
  ];
  // The first reference ends "B." before "The letter ..."; the second before "A sign."; the first prediction
  // before "The end.": each of those look-aheads starts with a capitalised sentence starter.
  assert.deepEqual(tokenizeCaptionItems(items), [
    { prediction: 'it says b', references: ['a sign with a b', 'the letter b'] },
    { prediction: 'the end', references: ['a sign'] },
  ]);
});

test('an empty list or an image without references is an input error naming the image', () => {
  assert.throws(() => tokenizeCaptionItems([]), InputError);
  assert.throws(() => tokenizeCaptionItems([{ id: 'img7', prediction: 'a dog', references: [] }]), /img7/);
});

test('the look-ahead keeps the line break between captions: "Co." then "Ltd ..." on the next line is not "Co. Ltd"', () => {
  // PTBTokenizer 3.4.1 prints "co. ." here: the "Co. Ltd" rule needs a space, and a line break is not one.
  assert.deepEqual(ptbTokens('A sign for Smith Co.', 'Ltd is here'), ['a', 'sign', 'for', 'smith', 'co.', '.']);
  assert.deepEqual(ptbTokens('A sign for Smith Co. Ltd is here'), ['a', 'sign', 'for', 'smith', 'co.', 'ltd', 'is', 'here']);
});

test('U+0085 inside a caption is read as an ellipsis token (dropped), not as a line break', () => {
  assert.deepEqual(ptbTokens('a\u0085b dog'), ['a', '...', 'b', 'dog']);
  assert.equal(ptbTokenize('a\u0085b dog'), 'a b dog');
});

test('the hand-written fast paths match the regular expressions they replace, at every position of random text', () => {
  const PLAIN_WORD = /([A-Za-z]+)(?:(?=[ \n]|[,;:][ \n]|[,;:]?$)|(\.)(?=[ \n]|$))/y;
  const PLAIN_PUNCTUATION = /[,;:?!.](?=\n|$| (?!\.))/y;
  const alphabet = 'aZq .,;:?!\n1\'-é';
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let n = 0; n < 3000; n++) {
    let text = '';
    const length = 1 + Math.floor(next() * 12);
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
    for (let at = 0; at < text.length; at++) {
      PLAIN_WORD.lastIndex = at;
      const m = PLAIN_WORD.exec(text);
      const expected = m === null ? 0 : m[2] === undefined ? at + m[1]!.length : -(at + m[1]!.length);
      assert.equal(plainWordEnd(text, at), expected, `${JSON.stringify(text)} at ${at}`);
      PLAIN_PUNCTUATION.lastIndex = at;
      assert.equal(isPlainPunctuation(text, at), PLAIN_PUNCTUATION.test(text), `${JSON.stringify(text)} at ${at}`);
    }
  }
});
