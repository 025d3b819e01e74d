// The context-use figures (src/run/context-use.ts) on hand-made items whose figures can be counted by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerKeyOf, contextItems, contextUse, majorityOf, meanContextUse, type ContextItem } from '../src/run/context-use.ts';
import { okvqa } from '../src/tasks/okvqa.ts';
import { coco } from '../src/tasks/coco.ts';
import type { ExampleRecord } from '../src/core/types.ts';

const item = (answer: string, demonstrations: string[], accepted: string[] = []): ContextItem => ({ answer, demonstrations, accepted });
const meanOf = (items: ContextItem[]) => (indices: number[]) => indices.length; // the "score" is the subset's size

test('copy, last-demonstration and majority rates count what they say', () => {
  const items = [
    item('a', ['b', 'a', 'a']), // copy, last, majority
    item('b', ['b', 'a', 'a']), // copy only
    item('c', ['a', 'b', 'c']), // copy, last, majority (three-way tie: any of them counts)
    item('d', ['a', 'b', 'c']), // none
  ];
  const figures = contextUse(items, meanOf(items))!;
  assert.equal(figures.n, 4);
  assert.equal(figures.copy, 75);
  assert.equal(figures.last, 50);
  assert.equal(figures.majority, 50);
});

test('the chance levels compare each answer with the other prompts\' demonstrations', () => {
  const items = [item('x', ['x', 'y']), item('y', ['z', 'z']), item('z', ['x', 'y'])];
  const figures = contextUse(items, meanOf(items))!;
  // x: other prompts {z},{x,y} -> 1 of 2 contain it; y: {x,y},{x,y} -> 2 of 2; z: {x,y},{z} -> 1 of 2.
  assert.equal(figures.copyChance, (100 * (0.5 + 1 + 0.5)) / 3);
  // last answers of the others: x: z,y -> 0; y: y,y -> 1; z: y,z -> 0.5.
  assert.equal(figures.lastChance, (100 * (0 + 1 + 0.5)) / 3);
  assert.equal(figures.copy, 100 / 3);
});

test('prompts without demonstrations are left out; none at all gives no figures', () => {
  assert.equal(contextUse([item('a', []), item('b', [])], () => 0), undefined);
  const items = [item('a', []), item('a', ['a'])];
  const figures = contextUse(items, meanOf(items))!;
  assert.equal(figures.n, 1);
  assert.equal(figures.copy, 100);
  assert.equal(figures.copyChance, null, 'one prompt has no others to compare with');
});

test('the score is split by whether a demonstration shows a correct answer, with n per side', () => {
  const items = [
    item('a', ['a', 'b'], ['a']),
    item('q', ['c', 'd'], ['e']),
    item('r', ['c', 'e'], ['e', 'f']),
  ];
  const seen: number[][] = [];
  const figures = contextUse(items, (indices) => {
    seen.push(indices);
    return indices.reduce((a, b) => a + b, 0);
  })!;
  assert.deepEqual(figures.answerInContext.yes, { n: 2, score: 0 + 2 });
  assert.deepEqual(figures.answerInContext.no, { n: 1, score: 1 });
  assert.deepEqual(seen, [[0, 2], [1]]);
  const none = contextUse([item('a', ['b'], ['c'])], () => 7)!;
  assert.deepEqual(none.answerInContext.yes, { n: 0, score: null });
});

test('majorityOf keeps every answer tied for most frequent', () => {
  assert.deepEqual([...majorityOf(['a', 'b', 'b', 'a'])].sort(), ['a', 'b']);
  assert.deepEqual([...majorityOf(['a', 'b', 'b'])], ['b']);
});

test('answers are compared by the task\'s post-processing and normalisation', () => {
  const vqa = answerKeyOf(okvqa);
  assert.equal(vqa.answer('two dogs'), vqa.demonstration('2 dogs, and more'));
  assert.equal(vqa.answer('the cat.'), vqa.demonstration('cat'));
  const captions = answerKeyOf(coco);
  assert.equal(captions.answer('a dog on a bed'), captions.demonstration('A dog on a bed.'));
  assert.notEqual(captions.answer('a dog on a bed'), captions.demonstration('A dog on the bed.'));
});

test('records without demonstrationAnswers give no figures (not wrong ones); skipped examples are left out', () => {
  const base: ExampleRecord = { id: 'q1', demonstrations: ['d1'], prompt: [], raw: 'yes', answer: 'yes', backendMs: 0, references: ['yes'] };
  assert.equal(contextItems(okvqa, [base]), undefined);
  const compared = contextItems(okvqa, [
    { ...base, demonstrationAnswers: ['yes.'] },
    { ...base, id: 'q2', skipped: 'unreadable', demonstrationAnswers: ['no'] },
  ])!;
  assert.deepEqual(compared.indices, [0]);
  assert.deepEqual(compared.items[0], { answer: 'yes', demonstrations: ['yes'], accepted: ['yes'] });
});

test('the figures of several seeds are their means; a seed without figures gives none', () => {
  const a = contextUse([item('a', ['a'], ['a']), item('b', ['c'], ['b'])], (i) => i.length * 10)!;
  const b = contextUse([item('a', ['c'], ['a']), item('b', ['c'], ['b'])], (i) => i.length * 10)!;
  const mean = meanContextUse([a, b])!;
  assert.equal(mean.copy, 25);
  assert.deepEqual(mean.answerInContext.yes, { n: 0.5, score: null });
  assert.equal(meanContextUse([a, undefined]), undefined);
});
