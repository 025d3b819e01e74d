import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { InputError } from '../src/core/errors.ts';
import type { AnswerItem } from '../src/metrics/types.ts';
import { normalizeAnswer, pywsdLemma } from '../src/metrics/text/wups-answer.ts';
import { answerWups, wordSimilarity, wups, wupsByQuestion } from '../src/metrics/wups.ts';
import { wordnet, type Pos } from '../src/metrics/text/wordnet.ts';

// Expected values from NExT-QA's official scoring code (eval_oe.py / metrics.py) run with NLTK 3.3 over the same
// WordNet 3.0 files; see test/fixtures/wups/README.md for how the tagger step was fixed.
interface Fixture {
  pairs: Array<{ pred: string; ref: string; wups0: number; wups9: number }>;
  lemmas: Array<{ word: string; pos: Pos; lemma: string }>;
  items: AnswerItem[];
  perItem: Array<{ pred: string; ref: string; wups0: number; wups9: number }>;
  expected: Record<string, number | Record<string, number>>;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/wups/wups-nextqa-nltk33.json', import.meta.url), 'utf8'),
) as Fixture;

const item = (prediction: string, answers: string[], type?: string): AnswerItem => ({
  id: `q${prediction}`,
  prediction,
  answers,
  ...(type === undefined ? {} : { type }),
});
const score = (prediction: string, answers: string[], type?: string) => wups([item(prediction, answers, type)]);

test(`get_wups matches the official metrics.py on ${fixture.pairs.length} answer pairs`, () => {
  for (const pair of fixture.pairs) {
    assert.equal(answerWups(pair.pred, pair.ref, 0), pair.wups0, `${pair.pred} | ${pair.ref} @0`);
    assert.equal(answerWups(pair.pred, pair.ref, 0.9), pair.wups9, `${pair.pred} | ${pair.ref} @0.9`);
  }
});

test('pywsd lemmatize(word, pos) is reproduced (WordNet lemma, else known Porter stem, else the word)', () => {
  for (const row of fixture.lemmas) assert.equal(pywsdLemma(row.word, row.pos), row.lemma, `${row.word}/${row.pos}`);
});

test('eval_oe.py end to end: per-question, per-type, per-group and overall values to the last bit', () => {
  fixture.items.forEach((it, i) => {
    assert.equal(normalizeAnswer(it.prediction), fixture.perItem[i]!.pred, `remove_stop(${it.prediction})`);
    assert.equal(normalizeAnswer(it.answers[0]!), fixture.perItem[i]!.ref, `remove_stop(${it.answers[0]})`);
  });
  const result = wups(fixture.items);
  assert.equal(result.n, fixture.items.length);
  assert.deepEqual(
    result.perItem,
    fixture.perItem.map((p) => p.wups0 * 100),
  );
  for (const [key, value] of Object.entries(fixture.expected)) assert.deepEqual(result.scores[key], value, key);
  assert.deepEqual(Object.keys(result.scores['wups_0.9_by_group'] as object), ['C', 'T', 'D']);
});

test('identical answers score 100 at both thresholds; irregular forms meet their base form', () => {
  assert.deepEqual(score('the dog', ['dog']).scores, { wups_0: 100, 'wups_0.9': 100 });
  assert.equal(score('mice', ['mouse']).scores['wups_0'], 100);
  assert.equal(score('children', ['child']).scores['wups_0'], 100);
  assert.equal(score('he ran away', ['run away']).scores['wups_0'], 100);
});

test('threshold 0.9 down-weights a similarity below it by 0.1', () => {
  const wn = wordnet();
  // dog.n.01 ~ cat.n.01 = 24/28 (below 0.9): kept at t=0, x0.1 at t=0.9.
  assert.equal(wordSimilarity('dog', 'cat', 0), 24 / 28);
  assert.equal(wordSimilarity('dog', 'cat', 0.9), 0.1 * (24 / 28));
  assert.equal(wn.wupSimilarity(wn.synsets('dog')[0]!, wn.synsets('puppy')[0]!), wordSimilarity('dog', 'puppy', 0));
  const result = score('dog', ['cat']).scores;
  assert.equal(result['wups_0'], (24 / 28) * 100);
  assert.equal(result['wups_0.9'], 0.1 * (24 / 28) * 100);
});

test('multiword answers: product of each word’s best match, the smaller of both directions', () => {
  // pred {dog, cat} vs ref {dog}: pred->ref = 1 * 24/28; ref->pred = 1; min = 24/28.
  assert.equal(answerWups('dog cat', 'dog', 0), 24 / 28);
  assert.equal(score('a dog and a cat', ['dog']).scores['wups_0'], (24 / 28) * 100);
});

test('unknown words: 0 alone, ignored next to a known word; empty prediction scores 0', () => {
  assert.equal(score('xyzzy', ['dog']).scores['wups_0'], 0);
  assert.equal(score('xyzzy', ['xyzzy']).scores['wups_0'], 100); // equal strings need no synset
  assert.equal(answerWups('xyzzy dog', 'dog', 0), 1); // the unknown word's best match is 0, so it is skipped
  assert.equal(score('the', ['dog']).scores['wups_0'], 0); // only a stopword: nothing left
});

test('counting and yes/no questions (DC, DB) need an exact match of the normalised answers', () => {
  assert.equal(score('three', ['two'], 'DC').scores['wups_0'], 0);
  assert.equal(score('two people', ['two people'], 'DC').scores['wups_0'], 100);
  assert.equal(score('yes', ['yes'], 'DB').scores['wups_0.9'], 100);
  // As free text, three vs two would score high; as DC it does not.
  assert.ok(answerWups('three', 'two', 0) > 0.5);
});

test('additional reference answers: the best of them counts', () => {
  const main = score('puppy', ['cat'], 'CW').scores['wups_0'] as number;
  const withExtra = score('puppy', ['cat', 'dog'], 'CW').scores['wups_0'] as number;
  assert.ok(withExtra > main);
  assert.equal(withExtra, answerWups('puppy', 'dog', 0) * 100);
  assert.equal(score('two', ['three', 'two'], 'DC').scores['wups_0'], 100);
});

test('types: TP is merged into TN; groups C, T, D; only types present are reported', () => {
  const result = wups([item('dog', ['dog'], 'TP'), item('cat', ['xyzzy'], 'TN'), item('dog', ['dog'], 'CW')]);
  assert.deepEqual(result.scores['wups_0_by_type'], { CW: 100, TN: 50 });
  assert.deepEqual(result.scores['wups_0_by_group'], { C: 100, T: 50 });
  // Sums run over types in the script's order (CW, then TN): (1 + (1 + 0)) / 3 * 100.
  assert.equal(result.scores['wups_0'], (2 / 3) * 100);
  assert.deepEqual(result.perItem, [100, 0, 100]);
});

test('bounds: every score lies in [0, 100]', () => {
  const result = wups(fixture.items);
  for (const v of result.perItem!) assert.ok(v >= 0 && v <= 100, String(v));
});

test('bad input: no items, no reference answer, types on some items only', () => {
  assert.throws(() => wups([]), InputError);
  assert.throws(() => wups([item('dog', [])]), /item 0 \(id qdog\) has no reference answer/);
  assert.throws(() => wups([item('dog', ['dog'], 'CW'), item('cat', ['cat'])]), /item 1 \(id qcat\) has no "type"/);
});

test('answer normalisation: lemmas without NExT-QA stopwords; the rule-based tagger picks verb or noun by context', () => {
  assert.equal(normalizeAnswer('he was hitting elephant with stick'), 'hit elephant stick');
  assert.equal(normalizeAnswer('uses the spoon'), 'use spoon');
  assert.equal(normalizeAnswer('he leaves'), 'leave');
  assert.equal(normalizeAnswer('the leaves'), 'leaf');
  assert.equal(normalizeAnswer('playing with the ribbons'), 'play ribbon');
  // NExT-QA keeps negations and temporal/spatial words.
  assert.equal(normalizeAnswer('not before lunch'), 'not before lunch');
  // A closed-class word falls back to noun in pywsd, so "his" becomes WordNet's noun "hi" and survives the stopwords.
  assert.equal(normalizeAnswer('his hat'), 'hi hat');
  assert.equal(normalizeAnswer("the baby's toy"), "baby 's toy");
});

test('NLTK 3.3 behaviour, not 3.6+: two different adjectives have no subsumer, so they score 0', () => {
  // NLTK 3.6+ simulates a root for adjectives too and gives happy.a.01 ~ sad.a.01 = 0.5 (WUPS 50).
  assert.equal(score('happy', ['sad']).scores['wups_0'], 0);
  // A noun against a verb ("ran" has only verb senses): wup(noun, verb) is None in 3.3 while wup(verb, noun) is 2/14
  // through the fake root; the smaller direction wins, so 0.
  // run.v.01 is 3 below the fake root, dog.n.01 9: 2*1 / ((3 + 1) + (9 + 1)).
  assert.equal(wordSimilarity('ran', 'dog', 0), 2 / 14);
  assert.equal(answerWups('dog', 'ran', 0), 0);
});

test('wupsByQuestion gives the per-question values the totals are made of', () => {
  const perQuestion = wupsByQuestion(fixture.items);
  assert.deepEqual(
    perQuestion,
    fixture.perItem.map((p) => ({ wups0: p.wups0, wups09: p.wups9 })),
  );
});

test('a type the official script does not know is reported on its own, in no group', () => {
  const result = wups([item('dog', ['dog'], 'CW'), item('dog', ['cat'], 'CX')]);
  assert.deepEqual(Object.keys(result.scores['wups_0_by_type'] as object), ['CW', 'CX']);
  assert.deepEqual(result.scores['wups_0_by_group'], { C: 100 });
});
