// Parity of the ONNX runtime with the PyTorch model the bundle was exported from: the builder wrote prompts, their
// token ids, the PyTorch logits and greedy tokens beside the graphs (models/<bundle>/parity/cases.json).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OnnxFlamingoBackend } from '../src/backends/onnx/backend.ts';
import { MODELS_DIR } from '../src/backends/onnx/index.ts';
import { renderPrompt } from '../src/backends/onnx/prompt.ts';
import { decode } from '../src/backends/onnx/search.ts';
import type { Prompt } from '../src/core/types.ts';

interface ParityCase {
  name: string;
  prompt: Prompt;
  ids: number[];
  logits: number[][];
  greedy: number[];
  stepLogits: number[][];
  embedding?: number[];
}

const bundleDir = process.env.FLAMINGO_PARITY_BUNDLE;
const bundles = bundleDir
  ? [bundleDir]
  : ['flamingo-tiny-s', 'flamingo-tiny-m', 'flamingo-tiny-l']
      .map((name) => join(MODELS_DIR, name))
      .filter((dir, i) => i === 0 || existsSync(join(dir, 'manifest.json'))); // S must exist; M and L once built

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'length');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

for (const dir of bundles) {
  describe(`ONNX parity with PyTorch: ${dir}`, () => {
    let backend: OnnxFlamingoBackend;
    let cases: ParityCase[];
    let tolerance: number;

    before(async () => {
      // The fixture's video is a folder of 3 frames that the builder read in order: uniform:3 takes each once.
      backend = await OnnxFlamingoBackend.open(dir, { frames: { mode: 'uniform', frames: 3 } });
      const file = JSON.parse(readFileSync(join(dir, 'parity', 'cases.json'), 'utf8')) as { tolerance: number; cases: ParityCase[] };
      tolerance = file.tolerance;
      assert.ok(tolerance <= 1e-4);
      // Media paths in the fixture are relative to the bundle.
      cases = file.cases.map((c) => ({
        ...c,
        prompt: c.prompt.map((p) => (p.type === 'media' ? { ...p, media: { ...p.media, path: join(dir, p.media.path) } } : p)),
      }));
      assert.ok(cases.length >= 3);
    });
    after(() => backend.close());

    test('the tokenizer gives the builder’s token ids', () => {
      for (const c of cases) assert.deepEqual(renderPrompt(c.prompt, backend.runtime.tokenizer).ids, c.ids, c.name);
    });

    test('prompt logits match (one prompt per call, including a prompt without media and a video)', async () => {
      for (const c of cases) {
        const { logits } = await backend.runtime.prefill([renderPrompt(c.prompt, backend.runtime.tokenizer)]);
        const diff = maxAbsDiff(logits, c.logits.flat());
        assert.ok(diff < tolerance, `${c.name}: max abs diff ${diff}`);
      }
    });

    test('prompt logits match when the prompts share one left-padded batch', async () => {
      const rendered = cases.map((c) => renderPrompt(c.prompt, backend.runtime.tokenizer));
      const { logits } = await backend.runtime.prefill(rendered);
      const T = Math.max(...rendered.map((r) => r.ids.length));
      const V = backend.manifest.decoder.vocabSize;
      cases.forEach((c, r) => {
        const pad = T - c.ids.length;
        const row = logits.subarray((r * T + pad) * V, (r + 1) * T * V);
        const diff = maxAbsDiff(row, c.logits.flat());
        assert.ok(diff < tolerance, `${c.name}: max abs diff ${diff}`);
      });
    });

    test('greedy tokens and per-step logits through the KV cache match', async () => {
      for (const c of cases) {
        const rendered = renderPrompt(c.prompt, backend.runtime.tokenizer);
        let { state } = await backend.runtime.prefill([rendered]);
        const first = state;
        for (let s = 0; s < c.greedy.length; s++) {
          state = (await backend.runtime.extend(state, [[c.greedy[s]!]])).state;
          const diff = maxAbsDiff(state.lastLogits[0]!, c.stepLogits[s]!);
          assert.ok(diff < tolerance, `${c.name}, step ${s}: max abs diff ${diff}`);
        }
        const tokens = await decode(backend.runtime, first, {
          maxNewTokens: c.greedy.length,
          numBeams: 1,
          lengthPenalty: 0,
          stopAtEndOfChunk: false,
        });
        const eos = backend.runtime.tokenizer.special.eos;
        const expected = c.greedy.includes(eos) ? c.greedy.slice(0, c.greedy.indexOf(eos)) : c.greedy;
        assert.deepEqual(tokens[0], expected, c.name);
      }
    });

    test('the pooled embedding matches', async () => {
      for (const c of cases.filter((x) => x.embedding)) {
        const media = c.prompt.find((p) => p.type === 'media');
        assert.ok(media && media.type === 'media');
        const [embedding] = await backend.embed([media.media]);
        const diff = maxAbsDiff(embedding!, c.embedding!);
        assert.ok(diff < tolerance, `${c.name}: max abs diff ${diff}`);
      }
    });
  });
}
