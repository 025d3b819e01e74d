// The ONNX backend end to end on the built-in small model: rank against scoring whole sequences, batching against
// one-at-a-time, the visual-token cache, prompts without media, embed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OnnxFlamingoBackend } from '../src/backends/onnx/backend.ts';
import { MODELS_DIR } from '../src/backends/onnx/index.ts';
import { renderPrompt } from '../src/backends/onnx/prompt.ts';
import { logSoftmax } from '../src/backends/onnx/runtime.ts';
import type { GenerateRequest, ImageRef, Prompt } from '../src/core/types.ts';

const dir = process.env.FLAMINGO_PARITY_BUNDLE ?? join(MODELS_DIR, 'flamingo-tiny-s');
const image = (name: string): ImageRef => ({ kind: 'image', id: name, path: join(dir, 'parity', name) });
let backend: OnnxFlamingoBackend;

before(async () => {
  backend = await OnnxFlamingoBackend.open(dir);
});
after(() => backend.close());

const fewShot = (query: string): Prompt => [
  { type: 'media', media: image('binding-0.png') },
  { type: 'text', text: 'Question: What is this shape called? Answer: dax' },
  { type: 'end_of_chunk' },
  { type: 'media', media: image('binding-1.png') },
  { type: 'text', text: 'Question: What is this shape called? Answer: pilek' },
  { type: 'end_of_chunk' },
  { type: 'media', media: image(query) },
  { type: 'text', text: 'Question: What is this shape called? Answer:' },
];

test('rank gives each candidate the log-likelihood of scoring prompt + candidate as one sequence', async () => {
  const prompt = fewShot('binding-2.png');
  const candidates = ['dax', 'pilek', 'a red circle', 'zumo'];
  const [ranked] = await backend.rank([{ prompt, candidates, lengthNormalize: false }]);
  const rt = backend.runtime;
  const base = renderPrompt(prompt, rt.tokenizer);
  for (const [c, text] of candidates.entries()) {
    const ids = rt.tokenizer.encode(text);
    const whole = renderPrompt([...prompt, { type: 'text', text: ' ' + text }], rt.tokenizer);
    assert.deepEqual(whole.ids, [...base.ids, ...ids]);
    const { logits } = await rt.prefill([whole]);
    const V = rt.vocabSize;
    let expected = 0;
    for (let t = base.ids.length; t < whole.ids.length; t++) {
      expected += logSoftmax(logits.subarray((t - 1) * V, t * V))[whole.ids[t]!]!;
    }
    assert.ok(Math.abs(ranked!.logLikelihoods[c]! - expected) < 1e-4, `${text}: ${ranked!.logLikelihoods[c]} vs ${expected}`);
  }
  const [normalised] = await backend.rank([{ prompt, candidates, lengthNormalize: true }]);
  candidates.forEach((text, c) =>
    assert.ok(Math.abs(normalised!.logLikelihoods[c]! - ranked!.logLikelihoods[c]! / rt.tokenizer.encode(text).length) < 1e-9),
  );
});

test('a batch of prompts of different lengths and media counts generates what each prompt generates alone', async () => {
  const settings = { maxNewTokens: 6, lengthPenalty: 0, stopAtEndOfChunk: true };
  const prompts: Prompt[] = [
    fewShot('binding-2.png'),
    [{ type: 'text', text: 'Output: a red circle.' }, { type: 'end_of_chunk' }, { type: 'media', media: image('binding-1.png') }, { type: 'text', text: 'Output:' }],
    [{ type: 'text', text: 'Output: two blue squares.' }, { type: 'end_of_chunk' }, { type: 'text', text: 'Output:' }],
  ];
  for (const numBeams of [1, 3]) {
    const requests: GenerateRequest[] = prompts.map((prompt) => ({ prompt, numBeams, ...settings }));
    const together = await backend.generate(requests);
    for (const [i, request] of requests.entries()) {
      const [alone] = await backend.generate([request]);
      assert.equal(together[i]!.text, alone!.text, `beams ${numBeams}, prompt ${i}`);
    }
  }
});

test('each medium is encoded once while it stays in the cache', async () => {
  const fresh = await OnnxFlamingoBackend.open(dir);
  try {
    const request = (query: string): GenerateRequest => ({ prompt: fewShot(query), maxNewTokens: 2, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true });
    await fresh.generate([request('binding-2.png')]);
    assert.equal(fresh.runtime.encodes, 3);
    await fresh.generate([request('binding-2.png'), request('binding-0.png')]);
    assert.equal(fresh.runtime.encodes, 3); // all three already cached
  } finally {
    await fresh.close();
  }
});

test('embed returns one pooled vector per medium, the same for the same medium', async () => {
  const [a, b, a2] = await backend.embed([image('binding-0.png'), image('binding-1.png'), image('binding-0.png')]);
  assert.equal(a!.length, backend.manifest.visualDim);
  assert.deepEqual(a, a2);
  assert.notDeepEqual(a, b);
});

test('info reports the manifest’s name and parameter count', () => {
  const info = backend.info();
  assert.match(info.name, /^flamingo-tiny-/);
  assert.ok(info.parameters > 100_000);
  assert.equal(info.contextLength, backend.manifest.contextLength);
});

test('ranking gives the same scores whatever the rows per decoder call and with reused copy buffers', async () => {
  const { scoreCandidates } = await import('../src/backends/onnx/rank.ts');
  const rt = backend.runtime;
  const prompts = [renderPrompt(fewShot('binding-2.png'), rt.tokenizer), renderPrompt(fewShot('binding-0.png'), rt.tokenizer)];
  const texts = ['dax', 'pilek', 'a red circle', 'zumo', 'a blue square with a hat', 'two', 'a small green triangle'];
  const candidates = prompts.map((_, p) => texts.map((t) => rt.tokenizer.encode(p === 0 ? t : `${t} again`)));
  const score = async (limits: { maxRows?: number; maxBytes?: number; reuseBuffers?: boolean }) => {
    const { state } = await rt.prefill(prompts);
    return scoreCandidates(rt, state, candidates, limits);
  };
  const reference = await score({ maxRows: 64, maxBytes: Infinity, reuseBuffers: false });
  for (const limits of [{ maxRows: 3 }, { maxRows: 64, maxBytes: 1 }, { maxRows: 2, reuseBuffers: false }]) {
    const scores = await score(limits);
    reference.forEach((row, p) =>
      row.forEach((x, c) => assert.ok(Math.abs(scores[p]![c]! - x) < 1e-4, `${JSON.stringify(limits)} [${p}][${c}]: ${scores[p]![c]} vs ${x}`)),
    );
  }
});
