import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  cleanVqaWhitespace,
  normalizeVqaAnswer,
  processDigitArticle,
  processPunctuation,
} from '../src/metrics/text/vqa-normalize.ts';

interface NormCase {
  text: string;
  punctuation: string;
  digit_article: string;
  both: string;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/vqa/official-vqaeval.json', import.meta.url), 'utf8')) as {
  normalization: NormCase[];
};

test('each normalisation step equals the official script on every fixture string', () => {
  // Fixture made by running GT-Vision-Lab/VQA vqaEval.py (a013f00) with Python on these strings.
  assert.ok(fixture.normalization.length > 100);
  for (const c of fixture.normalization) {
    assert.equal(processPunctuation(c.text), c.punctuation, `processPunctuation(${JSON.stringify(c.text)})`);
    assert.equal(processDigitArticle(c.text), c.digit_article, `processDigitArticle(${JSON.stringify(c.text)})`);
    assert.equal(normalizeVqaAnswer(c.text), c.both, `normalizeVqaAnswer(${JSON.stringify(c.text)})`);
  }
});

test('number words become digits, "none" becomes 0, larger number words stay', () => {
  assert.equal(normalizeVqaAnswer('two'), '2');
  assert.equal(normalizeVqaAnswer('Ten'), '10');
  assert.equal(normalizeVqaAnswer('none'), '0');
  assert.equal(normalizeVqaAnswer('twenty'), 'twenty');
  assert.equal(normalizeVqaAnswer('Three dogs'), '3 dogs');
});

test('articles are dropped as whole words only', () => {
  assert.equal(normalizeVqaAnswer('the dog'), 'dog');
  assert.equal(normalizeVqaAnswer('A dog and an apple'), 'dog and apple');
  assert.equal(normalizeVqaAnswer('theater'), 'theater');
  assert.equal(normalizeVqaAnswer('the'), '');
});

test('contractions are expanded after lower-casing; capitalised keys of the map never match', () => {
  assert.equal(normalizeVqaAnswer('dont'), "don't");
  assert.equal(normalizeVqaAnswer('Whats'), "what's");
  // The script's map has "Im" -> "I'm", but the word was lower-cased to "im" first.
  assert.equal(normalizeVqaAnswer('Im'), 'im');
  // The map's entry "somebody'd" -> "somebodyd" runs the wrong way round.
  assert.equal(normalizeVqaAnswer("somebody'd"), 'somebodyd');
});

test('punctuation becomes a space, or is deleted when it touches a space or the text has a digit,digit', () => {
  assert.equal(processPunctuation('black/white'), 'black white');
  assert.equal(processPunctuation('black / white'), 'black  white');
  assert.equal(normalizeVqaAnswer('black / white'), 'black white');
  assert.equal(processPunctuation('red, blue'), 'red blue');
  assert.equal(processPunctuation('red,blue'), 'red blue');
  // One digit-comma-digit anywhere switches every mark to deletion.
  assert.equal(processPunctuation('1,000 a/b'), '1000 ab');
  // The apostrophe and the colon are not in the last revision's list.
  assert.equal(processPunctuation("don't"), "don't");
  assert.equal(processPunctuation('10:30'), '10:30');
});

test('periods are removed unless a digit follows, and at most 32 of them (the re.UNICODE-as-count quirk)', () => {
  assert.equal(processPunctuation('3.5'), '3.5');
  assert.equal(processPunctuation('5.'), '5');
  assert.equal(processPunctuation('a.m.'), 'am');
  assert.equal(processPunctuation('1.2.3.'), '1.2.3');
  assert.equal(processPunctuation('.'.repeat(40)), '.'.repeat(8));
});

test('whitespace cleaning follows Python: newline and tab become spaces, strip uses Python whitespace', () => {
  assert.equal(cleanVqaWhitespace(' red\n'), 'red');
  assert.equal(cleanVqaWhitespace('red\tblue'), 'red blue');
  assert.equal(cleanVqaWhitespace('\u00a0red\u3000'), 'red');
  assert.equal(cleanVqaWhitespace('\ufeffred'), '\ufeffred'); // U+FEFF is JS whitespace but not Python's
  assert.equal(processDigitArticle('a\u00a0b  c'), 'b c');
});

test('"unanswerable" and empty strings pass through unchanged', () => {
  assert.equal(normalizeVqaAnswer('unanswerable'), 'unanswerable');
  assert.equal(normalizeVqaAnswer('Unanswerable.'), 'unanswerable');
  assert.equal(normalizeVqaAnswer(''), '');
  assert.equal(normalizeVqaAnswer('   '), '');
});
