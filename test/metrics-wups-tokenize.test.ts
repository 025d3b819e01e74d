import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { porterStem } from '../src/metrics/text/porter.ts';
import { treebankTokenize } from '../src/metrics/text/treebank-tokenize.ts';

// Expected values produced by NLTK 3.3 (PorterStemmer(), word_tokenize's TreebankWordTokenizer) and pywsd 1.2.4's copy.
const fixture = JSON.parse(readFileSync(new URL('./fixtures/wups/tokens-nltk33.json', import.meta.url), 'utf8')) as {
  porter: Record<string, string>;
  treebank: Record<string, string[]>;
  pywsd: Record<string, string[]>;
};

test(`Porter stems match NLTK 3.3 on ${Object.keys(fixture.porter).length} words`, () => {
  const wrong = Object.entries(fixture.porter).filter(([word, stem]) => porterStem(word) !== stem);
  assert.deepEqual(
    wrong.slice(0, 10).map(([word, stem]) => `${word}: ${porterStem(word)} != ${stem}`),
    [],
    `${wrong.length} differ`,
  );
});

test('Porter: the paper examples and NLTK extensions', () => {
  assert.equal(porterStem('caresses'), 'caress');
  assert.equal(porterStem('ponies'), 'poni');
  assert.equal(porterStem('ties'), 'tie'); // NLTK: four-letter "-ies" words keep "ie"
  assert.equal(porterStem('hopping'), 'hop');
  assert.equal(porterStem('happy'), 'happi');
  assert.equal(porterStem('enjoy'), 'enjoy');
  assert.equal(porterStem('dying'), 'die');
  assert.equal(porterStem('is'), 'is');
});

test('Treebank tokenization matches NLTK 3.3 and pywsd 1.2.4', () => {
  for (const [text, tokens] of Object.entries(fixture.treebank)) assert.deepEqual(treebankTokenize(text), tokens, text);
  for (const [text, tokens] of Object.entries(fixture.pywsd)) {
    assert.deepEqual(treebankTokenize(text), tokens, text);
  }
});

test('Treebank tokenization splits clitics and final punctuation', () => {
  assert.deepEqual(treebankTokenize("the baby's toy."), ['the', 'baby', "'s", 'toy', '.']);
  assert.deepEqual(treebankTokenize("don't"), ['do', "n't"]);
  assert.deepEqual(treebankTokenize('cannot'), ['can', 'not']);
  assert.deepEqual(treebankTokenize(''), []);
});
