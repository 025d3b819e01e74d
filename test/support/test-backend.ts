// A deterministic backend for the core's tests, loaded as `--model test/support/test-backend.ts`. Its answers are a
// function of the whole prompt (so different demonstrations give different answers). Environment knobs, so that a
// rerun has the same --model spec (and so resumes the same journal):
//   FLAMINGO_TEST_DELAY_MS    sleep this long per backend call (to kill a run mid-way)
//   FLAMINGO_TEST_FAIL_AFTER  throw on every call after this many requests were answered by this process
//   FLAMINGO_TEST_CALL_LOG    append one line per answered request (its query text hash) to this file
import { appendFileSync } from 'node:fs';
import { hashKey } from '../../src/core/random.ts';
import type { Backend, BackendFactory, MediaRef, Prompt } from '../../src/core/types.ts';

const COLOURS = ['red', 'green', 'blue'];

export function renderPrompt(prompt: Prompt): string {
  return prompt
    .map((part) => (part.type === 'text' ? part.text : part.type === 'media' ? `<image:${part.media.id}>` : '<EOC>'))
    .join('');
}

export function createTestBackend(): Backend {
  const delay = Number(process.env.FLAMINGO_TEST_DELAY_MS ?? 0);
  const failAfter = process.env.FLAMINGO_TEST_FAIL_AFTER === undefined ? Infinity : Number(process.env.FLAMINGO_TEST_FAIL_AFTER);
  const log = process.env.FLAMINGO_TEST_CALL_LOG;
  let answered = 0;
  const call = async (count: number, keys: string[]): Promise<void> => {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (answered + count > failAfter) throw new Error('test backend: simulated failure (FLAMINGO_TEST_FAIL_AFTER)');
    answered += count;
    if (log) appendFileSync(log, keys.map((key) => `${key}\n`).join(''));
  };
  return {
    info: () => ({ name: 'test-backend', family: 'test', parameters: 1234, contextLength: 4096 }),
    async generate(requests) {
      await call(requests.length, requests.map((r) => renderPrompt(r.prompt)));
      return requests.map((request) => ({ text: ` ${COLOURS[hashKey(renderPrompt(request.prompt)) % 3]} and more` }));
    },
    async rank(requests) {
      await call(requests.length, requests.map((r) => renderPrompt(r.prompt)));
      return requests.map((request) => ({
        logLikelihoods: request.candidates.map((c) => -(hashKey(renderPrompt(request.prompt), c) % 1000) / 100),
      }));
    },
    async embed(media: MediaRef[]) {
      // Features from the image number, so that neighbouring images are similar.
      return media.map((medium) => {
        const n = Number(/img(\d+)/.exec(medium.id)?.[1] ?? 0);
        return Float32Array.from([Math.cos(n / 5), Math.sin(n / 5), 0.1]);
      });
    },
    async close() {},
  };
}

const factory: BackendFactory = {
  scheme: 'test',
  description: 'deterministic test backend',
  async create() {
    return createTestBackend();
  },
};

export default factory;
