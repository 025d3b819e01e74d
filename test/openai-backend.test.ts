// The openai backend against the loopback fake server: settings (base URL, API key variable), prompts rendered as
// one user message of text and image parts (re-encoded to the image-size argument; a video as its frames), generation settings,
// rank through completions echo + logprobs or chat prompt_logprobs with hand-worked scores, and fast failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createBackend } from '../src/backends/index.ts';
import { PromptRenderer } from '../src/backends/openai/content.ts';
import { DEFAULT_BASE_URL, parametersFromName, resolveSettings } from '../src/backends/openai/settings.ts';
import type { Prompt } from '../src/core/types.ts';
import { startFakeServer } from './support/fake-openai-server.ts';

const SAMPLE = new URL('../sample-data/', import.meta.url).pathname;
const IMAGE_DIR = join(SAMPLE, 'okvqa', 'val2014');
const IMAGES = readdirSync(IMAGE_DIR).filter((name) => name.endsWith('.jpg')).slice(0, 2).map((name) => join(IMAGE_DIR, name));
const VIDEO = join(SAMPLE, 'youcook2', 'raw_videos', 'training', '204', 't2pDftqcLYy.mp4');

const image = (i: number) => ({ type: 'media' as const, media: { kind: 'image' as const, id: `img${i}`, path: IMAGES[i]! } });
const text = (value: string) => ({ type: 'text' as const, text: value });
const EOC = { type: 'end_of_chunk' as const };

test('settings: base-url, else OPENAI_BASE_URL, else vLLM default; the key from the named variable', () => {
  assert.equal(resolveSettings('m', {}, {}).baseUrl, DEFAULT_BASE_URL);
  assert.equal(resolveSettings('m', {}, { OPENAI_BASE_URL: 'http://gpu1:9000/v1/' }).baseUrl, 'http://gpu1:9000/v1');
  assert.equal(resolveSettings('m', { baseUrl: 'https://x/v1' }, { OPENAI_BASE_URL: 'http://gpu1:9000/v1' }).baseUrl, 'https://x/v1');
  assert.equal(resolveSettings('m', {}, { OPENAI_API_KEY: 'k1' }).apiKey, 'k1');
  assert.equal(resolveSettings('m', { apiKeyEnv: 'VLLM_KEY' }, { OPENAI_API_KEY: 'k1', VLLM_KEY: 'k2' }).apiKey, 'k2');
  assert.equal(resolveSettings('m', {}, {}).apiKey, undefined);
  assert.throws(() => resolveSettings('m', { apiKeyEnv: 'VLLM_KEY' }, {}), /^UsageError: --model-arg api-key-env=VLLM_KEY: the environment variable VLLM_KEY is not set/);
  assert.throws(() => resolveSettings('', {}, {}), /--model openai: give the served model's name/);
  assert.throws(() => resolveSettings('m', { baseUrl: 'localhost:8000' }, {}), /--model-arg base-url=localhost:8000: expected an http:\/\/ or https:\/\/ URL/);
  assert.throws(() => resolveSettings('m', {}, { OPENAI_BASE_URL: 'not a url' }), /OPENAI_BASE_URL not a url: not a URL/);
});

test('parameter counts from served model names', () => {
  assert.equal(parametersFromName('HuggingFaceM4/idefics2-8b'), 8e9);
  assert.equal(parametersFromName('llava:13b'), 13e9);
  assert.equal(parametersFromName('Qwen2-VL-2B-Instruct'), 2e9);
  assert.equal(parametersFromName('openflamingo-3b-vitl-mpt1b'), 3e9);
  assert.equal(parametersFromName('smolvlm-256M'), 256e6);
  assert.equal(parametersFromName('Llama-3.2-11B-Vision'), 11e9);
  assert.equal(parametersFromName('gpt-4o'), 0);
});

test('a prompt is one user message alternating text and image parts; ends of chunk are newlines', async () => {
  const renderer = new PromptRenderer({ imageSize: 32 });
  const prompt: Prompt = [image(0), text('Q: a? A: b'), EOC, image(1), text('Q: c? A:')];
  const { content } = await renderer.chatContent(prompt);
  assert.deepEqual(content.map((part) => part.type), ['image_url', 'text', 'image_url', 'text']);
  assert.equal((content[1] as { text: string }).text, 'Q: a? A: b\n');
  assert.equal((content[3] as { text: string }).text, 'Q: c? A:');
  const url = (content[0] as { image_url: { url: string } }).image_url.url;
  assert.match(url, /^data:image\/jpeg;base64,/);
  const meta = await sharp(Buffer.from(url.split(',')[1]!, 'base64')).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(Math.max(meta.width!, meta.height!), 32);
  assert.equal(renderer.plainText(prompt), undefined);
  assert.equal(renderer.plainText([text('a'), EOC, text('b')]), 'a\nb');
  // Without image-size a JPEG goes as it is.
  const asIs = (await new PromptRenderer().chatContent([image(0)])).content[0] as { image_url: { url: string } };
  const { readFileSync } = await import('node:fs');
  assert.equal(asIs.image_url.url, `data:image/jpeg;base64,${readFileSync(IMAGES[0]!).toString('base64')}`);
});

test('a video is its sampled frames, one image part each; an unreadable image is a media error naming the file', async () => {
  const renderer = new PromptRenderer({ frames: { mode: 'uniform', frames: 4 }, imageSize: 16 });
  const { content } = await renderer.chatContent([{ type: 'media', media: { kind: 'video', id: 'v', path: VIDEO } }, text('What happens?')]);
  assert.deepEqual(content.map((part) => part.type), ['image_url', 'image_url', 'image_url', 'image_url', 'text']);
  await assert.rejects(
    renderer.chatContent([{ type: 'media', media: { kind: 'image', id: 'x', path: '/no/such/image.jpg' } }]),
    (error: Error) => error.name === 'MediaError' && /\/no\/such\/image\.jpg: image not found/.test(error.message),
  );
});

test('createBackend: info from the server (model listed, context length), a model it does not serve is refused', async () => {
  const server = await startFakeServer({ model: 'org/fake-vlm-7b' });
  try {
    const backend = await createBackend('openai:org/fake-vlm-7b', { args: { 'base-url': server.url } });
    const info = backend.info() as unknown as Record<string, unknown>;
    assert.equal(info.name, 'org/fake-vlm-7b');
    assert.equal(info.parameters, 7e9);
    assert.equal(info.contextLength, 4096);
    assert.equal(info.decoding, 'greedy: the server has no beam search, tasks with beams are refused');
    assert.deepEqual(info.server, { kind: 'generic', version: null });
    assert.equal(info.greedyInsteadOfBeams, false);
    await backend.close();
    await assert.rejects(createBackend('openai:other-model', { args: { 'base-url': server.url } }), (error: Error & { exitCode?: number }) => {
      assert.match(
        error.message,
        /--model openai:other-model: http:\/\/127\.0\.0\.1:\d+\/v1 does not serve this model \(it serves: org\/fake-vlm-7b\)/,
      );
      assert.equal(error.exitCode, 2);
      return true;
    });
  } finally {
    await server.close();
  }
  const bare = await startFakeServer({ noModels: true });
  try {
    const backend = await createBackend('openai:fake-vlm-7b', { args: { 'base-url': bare.url } });
    assert.equal(backend.info().contextLength, 0);
    await backend.close();
  } finally {
    await bare.close();
  }
});

test('generate: greedy chat completions with the task budget and the end of chunk as stop; text-only prompts as a string', async () => {
  const server = await startFakeServer({ reply: () => ' a red bus\nQuestion: more' });
  try {
    const backend = await createBackend('openai:fake-vlm-7b', { args: { 'base-url': server.url, 'image-size': 24 } });
    const settings = { maxNewTokens: 2, numBeams: 1, lengthPenalty: 1, stopAtEndOfChunk: true };
    const results = await backend.generate([
      { prompt: [image(0), text('Output:')], ...settings },
      { prompt: [text('Q: x A: y'), EOC, text('Q: z A:')], ...settings, maxNewTokens: 10, stopAtEndOfChunk: false },
    ]);
    assert.deepEqual(results.map((r) => r.text), [' a red', ' a red bus\nQuestion: more']);
    const bodies = server.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body);
    const first = bodies.find((body) => body.max_tokens === 2);
    const second = bodies.find((body) => body.max_tokens === 10);
    assert.deepEqual(
      { ...first, messages: undefined },
      // Every field OpenAI's protocol has for decoding, fixed; no vLLM extensions on a server not known to take them.
      { model: 'fake-vlm-7b', max_tokens: 2, temperature: 0, top_p: 1, frequency_penalty: 0, presence_penalty: 0, n: 1, stop: ['\n'], messages: undefined },
    );
    assert.equal(first.messages.length, 1);
    assert.equal(first.messages[0].role, 'user');
    assert.deepEqual(first.messages[0].content.map((part: { type: string }) => part.type), ['image_url', 'text']);
    assert.equal(second.messages[0].content, 'Q: x A: y\nQ: z A:');
    assert.equal(second.stop, undefined);
    await backend.close();
  } finally {
    await server.close();
  }
});

test('rank, text prompts: completions echo + logprobs, the tokens over each candidate summed (hand-worked)', async () => {
  const server = await startFakeServer();
  try {
    const backend = await createBackend('openai:fake-vlm-7b', { args: { 'base-url': server.url } });
    // Fake tokens are words with their leading spaces, logprob -length/10: " yes" -0.4, " no" -0.3,
    // " light" -0.6 + " blue" -0.5; a candidate glued to the context ("Answer:" + "yes") takes the straddling token.
    const [plain, normalised, glued] = await backend.rank([
      { prompt: [text('Q: sky? A: blue'), EOC, text('Q: is it? Answer:')], candidates: [' yes', ' no', ' light blue'], lengthNormalize: false },
      { prompt: [text('Answer:')], candidates: [' yes', ' light blue'], lengthNormalize: true },
      { prompt: [text('Q: ok? Answer:')], candidates: ['yes'], lengthNormalize: false },
    ]);
    const close = (actual: number[], expected: number[]) =>
      actual.forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) < 1e-12, `${actual} vs ${expected}`));
    close(plain!.logLikelihoods, [-0.4, -0.3, -1.1]);
    close(normalised!.logLikelihoods, [-0.4, -0.55]);
    close(glued!.logLikelihoods, [-1.1]); // " Answer:yes"
    const body = server.requests.find((r) => r.path === '/v1/completions')!.body;
    assert.deepEqual(body, {
      model: 'fake-vlm-7b',
      prompt: ['Q: sky? A: blue\nQ: is it? Answer: yes', 'Q: sky? A: blue\nQ: is it? Answer: no', 'Q: sky? A: blue\nQ: is it? Answer: light blue'],
      max_tokens: 1,
      temperature: 0,
      echo: true,
      logprobs: 1,
    });
    // 120 candidates go in requests of at most 50 prompts, scores back in candidate order.
    const many = Array.from({ length: 120 }, (_, i) => ` ${'x'.repeat(1 + (i % 7))}`);
    const before = server.requests.length;
    const [ranked] = await backend.rank([{ prompt: [text('A:')], candidates: many, lengthNormalize: false }]);
    assert.equal(server.requests.length - before, 3);
    close(ranked!.logLikelihoods, many.map((c) => -c.length / 10));
    await backend.close();
  } finally {
    await server.close();
  }
});

test('rank, prompts with media: chat with prompt_logprobs, the candidate as the start of the answer', async () => {
  const server = await startFakeServer();
  try {
    const backend = await createBackend('openai:fake-vlm-7b', { args: { 'base-url': server.url, 'image-size': 16 } });
    const [result] = await backend.rank([{ prompt: [image(0), text('Is it hateful? Answer:')], candidates: [' yes', ' no'], lengthNormalize: false }]);
    assert.deepEqual(result!.logLikelihoods.map((v) => Math.round(v * 1e9) / 1e9), [-0.4, -0.3]);
    const bodies = server.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body);
    assert.equal(bodies.length, 2);
    assert.deepEqual(bodies[0].messages[1], { role: 'assistant', content: ' yes' });
    assert.equal(bodies[0].prompt_logprobs, 0);
    assert.equal(bodies[0].continue_final_message, true);
    assert.equal(bodies[0].add_generation_prompt, false);
    await backend.close();
  } finally {
    await server.close();
  }
});

test('rank on a server without log-probabilities fails fast, saying what is missing', async () => {
  const server = await startFakeServer({ noLogprobs: true });
  try {
    const backend = await createBackend('openai:fake-vlm-7b', { args: { 'base-url': server.url, 'image-size': 16 } });
    await assert.rejects(
      backend.rank([{ prompt: [text('Answer:')], candidates: [' yes'], lengthNormalize: false }]),
      /returned no log-probabilities for the echoed prompt \(completions with echo and logprobs\), which close-ended tasks need/,
    );
    await assert.rejects(
      backend.rank([{ prompt: [image(0), text('Answer:')], candidates: [' yes'], lengthNormalize: false }]),
      /returned no prompt_logprobs, which close-ended tasks with images or videos need/,
    );
    assert.equal(server.requests.filter((r) => r.method === 'POST').length, 2); // no retries
    await backend.close();
  } finally {
    await server.close();
  }
});

test('a server that is not there fails before the run, naming the URL', async () => {
  const server = await startFakeServer();
  const url = server.url;
  await server.close();
  await assert.rejects(
    createBackend('openai:fake-vlm-7b', { args: { 'base-url': url, retries: 0 } }),
    /^RunError: checking the model server failed: GET http:\/\/127\.0\.0\.1:\d+\/v1\/models: connection failed \(ECONNREFUSED\): no server answers at http:\/\/127\.0\.0\.1:\d+\/v1; start it, or point --model-arg base-url=<url> \(or OPENAI_BASE_URL\) at it$/,
  );
  // No retries against a refused connection before any answer, however many are allowed: it fails at once.
  const started = performance.now();
  await assert.rejects(createBackend('openai:fake-vlm-7b', { args: { 'base-url': url, retries: 5 } }), /no server answers at/);
  assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
});
