import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OKVQA_MANUAL_MATCHES, okvqaStem, looksLikePluralNoun } from '../src/metrics/text/okvqa-stem.ts';
import { singularize } from '../src/metrics/text/inflection-singularize.ts';
import { vqaAccuracy } from '../src/metrics/vqa-accuracy.ts';
import { wordnet } from '../src/metrics/text/wordnet.ts';
import { treebankTokenize } from '../src/metrics/text/treebank-tokenize.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/vqa/${name}`, import.meta.url), 'utf8')) as { cases: [string, unknown][] };

test('singularize equals the Python package inflection 0.5.1 on every fixture word', () => {
  // Fixture made by running inflection 0.5.1's singularize with Python on these words.
  const cases = JSON.parse(
    readFileSync(new URL('./fixtures/vqa/inflection-singularize.json', import.meta.url), 'utf8'),
  ) as [string, string][];
  assert.ok(cases.length > 100);
  for (const [word, expected] of cases) assert.equal(singularize(word), expected, `singularize(${JSON.stringify(word)})`);
});

test('the -ing rule equals NLTK 3.8 WordNetLemmatizer(pos=verb) over WordNet 3.0 on 817 words', () => {
  // Fixture made with Python: NLTK 3.8's min(_morphy(w, 'v'), key=len) on Debian's WordNet 3.0 files.
  for (const [word, lemma] of fixture('nltk-verb-lemmas.json').cases) {
    assert.equal(wordnet().lemmatize(word, 'v'), lemma, word);
    if (!OKVQA_MANUAL_MATCHES.has(word) && !/[^a-z]/.test(word))
      assert.equal(okvqaStem(word), lemma, `okvqaStem(${word})`);
  }
});

test('tokenization equals NLTK 3.8 NLTKWordTokenizer on answer-like strings', () => {
  for (const [text, tokens] of fixture('nltk-word-tokenize.json').cases) assert.deepEqual(treebankTokenize(text), tokens, text);
});

test('the hand-made table wins over the rules', () => {
  assert.equal(okvqaStem('clothes'), 'cloth');
  assert.equal(okvqaStem('police'), 'police');
  assert.equal(okvqaStem('sometimes'), 'sometime');
  assert.equal(okvqaStem('riding'), 'ride'); // the verb lemma would be "ride" too; "pudding" -> "pud" would not
  assert.equal(okvqaStem('pudding'), 'pud');
});

test('-ing words take their WordNet verb lemma, or stay when WordNet has none', () => {
  assert.equal(okvqaStem('running'), 'run');
  assert.equal(okvqaStem('surfing'), 'surf');
  assert.equal(okvqaStem('king'), 'king');
  assert.equal(okvqaStem('Running'), 'Running'); // no lower-casing: WordNet lemmas are lower case
});

test('plural nouns are singularized, other words are left alone', () => {
  assert.equal(okvqaStem('dogs'), 'dog');
  assert.equal(okvqaStem('two dogs running'), 'two dog run');
  assert.equal(okvqaStem('knives'), 'knife');
  assert.equal(okvqaStem('children'), 'child');
  assert.equal(okvqaStem('people'), 'person');
  assert.equal(okvqaStem('fire hydrants'), 'fire hydrant');
  assert.equal(okvqaStem('glasses'), 'glass');
  for (const word of ['is', 'has', 'gas', 'news', 'bus', 'glass', 'this', 'yes', 'famous', 'pizza', '1990s'])
    assert.equal(okvqaStem(word), word, word);
  assert.equal(okvqaStem('he runs'), 'he runs');
  assert.equal(looksLikePluralNoun('runs', 'it'), false);
  assert.equal(looksLikePluralNoun('runs'), true);
  // Unknown to WordNet, -s but not -ss/-us/-is: read as a plural, as the tagger's suffix features would.
  assert.equal(okvqaStem('blorks'), 'blork');
  assert.equal(okvqaStem('blorkus'), 'blorkus');
});

test('tokens are joined with single spaces, so clitics and punctuation come apart', () => {
  assert.equal(okvqaStem("hell's"), "hell 's"); // the table's "hell's" entry never sees that token
  assert.equal(okvqaStem('dogs.'), 'dog .');
  assert.equal(okvqaStem(''), '');
});

test('vqaAccuracy with stem: predictions are stemmed before matching, answers are used as given', () => {
  const answers = ['dog', 'dog', 'dog', 'dog', 'cat', 'cat', 'cat', 'cat', 'pet', 'pet'];
  const item = { id: 'q', prediction: 'Dogs', answers };
  assert.equal(vqaAccuracy([item]).scores.vqa_accuracy, 0);
  // "Dogs" -> "Dog" (singularize keeps the capital) -> normalised "dog": 4 of 10 match -> 100
  assert.equal(vqaAccuracy([item], { stem: true }).scores.vqa_accuracy, 100);
  // "dogs." -> "dog ." -> normalisation drops the period and the space: 100
  assert.equal(vqaAccuracy([{ ...item, prediction: 'dogs.' }], { stem: true }).scores.vqa_accuracy, 100);
});
