import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Example } from '../src/core/types.ts';
import { captionTemplates, qaTemplates } from '../src/tasks/kit/templates.ts';
import { postprocessCaption, postprocessVqaAnswer } from '../src/tasks/kit/postprocess.ts';

const image = { kind: 'image' as const, id: 'val2014/x.jpg', path: '/data/val2014/x.jpg' };
const captioned: Example = { id: '1', media: [image], fields: {}, target: 'A cat on a mat.', reference: [] };
const asked: Example = { id: '2', media: [image], fields: { question: 'What color is the cat?' }, target: 'black', reference: [] };

test('caption templates: paper and openflamingo wording, media first, end of chunk after a demonstration', () => {
  assert.deepEqual(captionTemplates.paper!.demonstration({ example: captioned, withMedia: true }), [
    { type: 'media', media: image },
    { type: 'text', text: 'Output: A cat on a mat.' },
    { type: 'end_of_chunk' },
  ]);
  assert.deepEqual(captionTemplates.paper!.query(captioned), [{ type: 'media', media: image }, { type: 'text', text: 'Output:' }]);
  assert.deepEqual(captionTemplates.openflamingo!.demonstration({ example: captioned, withMedia: true })[1], {
    type: 'text',
    text: 'Output:A cat on a mat.',
  });
  assert.deepEqual(captionTemplates.openflamingo!.query(captioned)[1], { type: 'text', text: 'Output:' });
});

test('zero-shot text demonstrations have no media', () => {
  for (const templates of [captionTemplates, qaTemplates])
    for (const style of ['paper', 'openflamingo']) {
      const parts = templates[style]!.demonstration({ example: asked, withMedia: false });
      assert.ok(parts.every((p) => p.type !== 'media'), `${style}: no media`);
      assert.equal(parts[parts.length - 1]!.type, 'end_of_chunk');
    }
});

test('QA templates: paper "Question: q Answer: a", openflamingo "Question:q Short answer:a"', () => {
  assert.deepEqual(qaTemplates.paper!.demonstration({ example: asked, withMedia: true }), [
    { type: 'media', media: image },
    { type: 'text', text: 'Question: What color is the cat? Answer: black' },
    { type: 'end_of_chunk' },
  ]);
  assert.deepEqual(qaTemplates.paper!.query(asked)[1], { type: 'text', text: 'Question: What color is the cat? Answer:' });
  assert.deepEqual(qaTemplates.openflamingo!.demonstration({ example: asked, withMedia: true })[1], {
    type: 'text',
    text: 'Question:What color is the cat? Short answer:black',
  });
  assert.deepEqual(qaTemplates.openflamingo!.query(asked), [
    { type: 'media', media: image },
    { type: 'text', text: 'Question:What color is the cat? Short answer:' },
  ]);
});

test('caption post-processing: cut at "Output", drop double quotes', () => {
  assert.equal(postprocessCaption(' a dog on a beach Output: a cat'), 'a dog on a beach');
  assert.equal(postprocessCaption(' "a dog" on a "beach"'), 'a dog on a beach');
  assert.equal(postprocessCaption('Output: nothing'), '');
  assert.equal(postprocessCaption('a man, a plan'), 'a man, a plan');
  // Only the capitalised word: open_flamingo splits on the exact string.
  assert.equal(postprocessCaption('the output of a factory'), 'the output of a factory');
});

test('VQA post-processing: cut at Question / Answer / Short, then at the first ", "', () => {
  assert.equal(postprocessVqaAnswer(' yes Question: is it'), 'yes');
  assert.equal(postprocessVqaAnswer(' red Short answer: blue'), 'red');
  assert.equal(postprocessVqaAnswer(' two Answer: three'), 'two');
  assert.equal(postprocessVqaAnswer(' red, white and blue'), 'red');
  assert.equal(postprocessVqaAnswer('1,000'), '1,000');
  assert.equal(postprocessVqaAnswer('Shortbread'), '');
  assert.equal(postprocessVqaAnswer(' tennis racket'), 'tennis racket');
});
