import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MajorityBaseline, demonstrationTargets, majorityTarget } from '../src/backends/baseline.ts';
import { createBackend } from '../src/backends/index.ts';
import type { Prompt } from '../src/core/types.ts';

const image = (id: string) => ({ type: 'media' as const, media: { kind: 'image' as const, id, path: `/x/${id}.png` } });
const eoc = { type: 'end_of_chunk' as const };

function vqaPrompt(answers: string[], question = 'What is it?'): Prompt {
  return [
    ...answers.flatMap((answer, i): Prompt => [image(`d${i}`), { type: 'text', text: `Question: q${i}? Answer: ${answer}` }, eoc]),
    image('q'),
    { type: 'text', text: `Question: ${question} Answer:` },
  ];
}

test('the targets are what follows the query cue in each demonstration', () => {
  assert.deepEqual(demonstrationTargets(vqaPrompt(['red', 'two dogs', 'red'])), ['red', 'two dogs', 'red']);
  const captions: Prompt = [
    image('a'), { type: 'text', text: 'Output: A cat on a mat.' }, eoc,
    image('b'), { type: 'text', text: 'Output: Two birds.' }, eoc,
    image('c'), { type: 'text', text: 'Output:' },
  ];
  assert.deepEqual(demonstrationTargets(captions), ['A cat on a mat.', 'Two birds.']);
  assert.deepEqual(demonstrationTargets(vqaPrompt([])), []);
});

test('majority target: most frequent, ties to the one shown last, empty with no demonstrations', () => {
  assert.equal(majorityTarget(['a', 'b', 'a']), 'a');
  assert.equal(majorityTarget(['a', 'b']), 'b');
  assert.equal(majorityTarget(['b', 'a', 'a', 'b']), 'b');
  assert.equal(majorityTarget([]), '');
});

test('generate answers with the majority target; rank prefers candidates seen in the prompt', async () => {
  const backend = new MajorityBaseline();
  const settings = { maxNewTokens: 5, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true };
  const [four, zero] = await backend.generate([
    { prompt: vqaPrompt(['blue', 'red', 'blue', 'green']), ...settings },
    { prompt: vqaPrompt([]), ...settings },
  ]);
  assert.equal(four!.text, 'blue');
  assert.equal(zero!.text, '');
  const [ranked] = await backend.rank([
    { prompt: vqaPrompt(['yes', 'yes', 'no']), candidates: ['no', 'yes', 'maybe'], lengthNormalize: false },
  ]);
  // Counts 1, 2, 0 -> add-one smoothed over 3 + 3: log(2/6), log(3/6), log(1/6).
  assert.deepEqual(ranked!.logLikelihoods, [Math.log(2 / 6), Math.log(3 / 6), Math.log(1 / 6)]);
});

test('baseline:majority is registered and named in its info', async () => {
  const backend = await createBackend('baseline:majority');
  assert.deepEqual(backend.info(), {
    name: 'baseline-majority',
    family: 'baseline',
    parameters: 0,
    contextLength: Number.MAX_SAFE_INTEGER,
  });
  await assert.rejects(createBackend('baseline:oracle'), /--model baseline:oracle: unknown baseline/);
});
