// The openai backend against fakes that behave as vLLM, SGLang and TGI do (test/support/fake-openai-server.ts):
// which server it is, the decoding each can run (beam search, greedy only when allowed), ranking that is right
// (BOS-shifted offsets, -1 offsets) or refused (TGI, SGLang with images), prompts per request within a 4-prompt
// limit, limits told (413, too many images), redirects, oversized and over-long answers, a key echoed everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend } from '../src/backends/index.ts';
import type { OpenAIBackend } from '../src/backends/openai/backend.ts';
import type { ArgValues, FrameSampling, GenerateRequest } from '../src/core/types.ts';
import { startFakeServer, type FakeServer, type FakeServerOptions } from './support/fake-openai-server.ts';

const SAMPLE = new URL('../sample-data/', import.meta.url).pathname;
const IMAGE_DIR = join(SAMPLE, 'okvqa', 'val2014');
const IMAGES = readdirSync(IMAGE_DIR).filter((name) => name.endsWith('.jpg')).slice(0, 3).map((name) => join(IMAGE_DIR, name));
const image = (i: number) => ({ type: 'media' as const, media: { kind: 'image' as const, id: `img${i}`, path: IMAGES[i]! } });
const text = (value: string) => ({ type: 'text' as const, text: value });
const EOC = { type: 'end_of_chunk' as const };

/** The backend as `--model openai:fake-vlm-7b --model-arg ...` makes it (its arguments checked as declared). */
async function backendFor(server: FakeServer, args: ArgValues = {}, frames?: FrameSampling): Promise<OpenAIBackend> {
  return (await createBackend('openai:fake-vlm-7b', { args: { 'base-url': server.url, retries: 0, ...args }, frames })) as OpenAIBackend;
}

async function withServer<T>(options: FakeServerOptions, run: (server: FakeServer) => Promise<T>): Promise<T> {
  const server = await startFakeServer(options);
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

const posts = (server: FakeServer, path: string) => server.requests.filter((r) => r.method === 'POST' && r.path === path).map((r) => r.body);
const round = (values: number[]) => values.map((v) => Math.round(v * 1e9) / 1e9);
const VQA: Omit<GenerateRequest, 'prompt'> = { maxNewTokens: 5, numBeams: 3, lengthPenalty: -2, stopAtEndOfChunk: true };

test('the server is detected from /v1/models and its version endpoint, and recorded; an explicit kind wins', async () => {
  await withServer({ kind: 'vllm' }, async (server) => {
    const backend = await backendFor(server);
    assert.deepEqual(backend.info().server, { kind: 'vllm', version: '0.11.0' });
    assert.equal(backend.profile.detectedBy, '/v1/models owned_by "vllm"');
    assert.equal(backend.info().contextLength, 4096);
    await backend.close();
  });
  await withServer({ kind: 'sglang', beamSearch: true }, async (server) => {
    const backend = await backendFor(server);
    assert.deepEqual(backend.info().server, { kind: 'sglang', version: '0.5.4' });
    assert.equal(backend.profile.beamSearch, true);
    await backend.close();
  });
  await withServer({ kind: 'tgi' }, async (server) => {
    const backend = await backendFor(server);
    assert.deepEqual(backend.info().server, { kind: 'tgi', version: '3.3.6' });
    assert.equal(backend.info().contextLength, 4095); // TGI's max_input_tokens: /v1/models has none
    assert.equal(backend.profile.maxPromptsPerRequest, 4);
    await backend.close();
  });
  // An older TGI without /v1/models: still TGI, by its /info.
  await withServer({ kind: 'tgi', noModels: true }, async (server) => {
    assert.deepEqual((await backendFor(server)).info().server, { kind: 'tgi', version: '3.3.6' });
  });
  await withServer({}, async (server) => {
    assert.deepEqual((await backendFor(server)).info().server, { kind: 'generic', version: null });
    const told = await backendFor(server, { server: 'vllm' });
    assert.equal(told.profile.kind, 'vllm');
    assert.equal(told.profile.detectedBy, 'the server setting');
  });
  await assert.rejects(createBackend('openai:m', { args: { server: 'ollama' } }), /server=ollama: server takes one of vllm, sglang, tgi, generic/);
});

test('vLLM: the paper\'s beam search (use_beam_search, n = beams, length_penalty), every sampling field fixed, the best beam cut at the end of chunk', async () => {
  await withServer({ kind: 'vllm', reply: () => ' a red bus\nQuestion: more' }, async (server) => {
    const backend = await backendFor(server);
    const info = backend.info();
    assert.equal(info.decodingMethod, 'beam-search');
    assert.equal(info.greedyInsteadOfBeams, false);
    assert.equal(info.decoding, "beam search: the task's beams and length penalty (use_beam_search, n, length_penalty)");
    assert.match(backend.plan.note, /^vLLM 0\.11\.0: beam search with the task's beams and length penalty/);
    const [result] = await backend.generate([{ prompt: [image(0), text('Question: what? Answer:')], ...VQA, maxNewTokens: 10 }]);
    // vLLM's beam search does not stop at `stop`; the answer is cut at the end of chunk here, from the best beam.
    assert.equal(result!.text, ' a red bus');
    const [body] = posts(server, '/v1/chat/completions');
    assert.deepEqual(
      { ...body, messages: undefined },
      {
        model: 'fake-vlm-7b',
        messages: undefined,
        max_tokens: 10,
        temperature: 0,
        top_p: 1,
        frequency_penalty: 0,
        presence_penalty: 0,
        repetition_penalty: 1,
        n: 3,
        use_beam_search: true,
        length_penalty: -2,
        stop: ['\n'],
      },
    );
    // One beam is greedy decoding: no use_beam_search.
    await backend.generate([{ prompt: [text('Q:')], ...VQA, numBeams: 1 }]);
    const greedy = posts(server, '/v1/chat/completions')[1];
    assert.equal(greedy.use_beam_search, undefined);
    assert.equal(greedy.n, 1);
    await backend.close();
  });
});

test('SGLang: beam search only when launched with --enable-beam-search (no length-penalty field); else refused like TGI', async () => {
  await withServer({ kind: 'sglang', beamSearch: true }, async (server) => {
    const backend = await backendFor(server);
    assert.equal(backend.info().decoding, "beam search: the task's beams, the server's own length scoring (use_beam_search, n)");
    assert.match(backend.plan.note, /SGLang 0\.5\.4: beam search with the task's beams \(use_beam_search, n\); the server has no length-penalty field/);
    await backend.generate([{ prompt: [text('Q:')], ...VQA }]);
    const [body] = posts(server, '/v1/chat/completions');
    assert.equal(body.use_beam_search, true);
    assert.equal(body.n, 3);
    assert.equal(body.length_penalty, undefined);
    assert.equal(body.repetition_penalty, 1);
  });
  await withServer({ kind: 'sglang' }, async (server) => {
    const backend = await backendFor(server);
    await assert.rejects(backend.generate([{ prompt: [text('Q:')], ...VQA }]), (error: Error & { exitCode?: number }) => {
      assert.match(error.message, /^SGLang 0\.5\.4 at http:\/\/127\.0\.0\.1:\d+\/v1 has no beam search \(SGLang has it when launched with --enable-beam-search\), and the task decodes with 3 beams/);
      assert.equal(error.exitCode, 2);
      return true;
    });
    assert.equal(posts(server, '/v1/chat/completions').length, 0);
  });
});

test('TGI: no beam search: refused unless greedy is allowed, then greedy and marked in the model info', async () => {
  await withServer({ kind: 'tgi' }, async (server) => {
    const strict = await backendFor(server);
    assert.equal(strict.info().greedyInsteadOfBeams, false);
    await assert.rejects(
      strict.generate([{ prompt: [text('Q:')], ...VQA }]),
      /TGI 3\.3\.6 at .* has no beam search, and the task decodes with 3 beams \(length penalty -2\) as the paper does\. Serve the model with vLLM .* or set --model-arg allow-greedy=true to decode greedily instead \(the record and the leaderboard then mark the results\), or pass --num-beams 1/,
    );
    const lenient = await backendFor(server, { 'allow-greedy': true });
    const info = lenient.info();
    assert.equal(info.greedyInsteadOfBeams, true);
    assert.equal(info.decodingMethod, 'greedy');
    assert.equal(info.decoding, "greedy in place of the task's beam search (the server has none; allow-greedy)");
    assert.match(lenient.plan.note, /TGI 3\.3\.6 has no beam search: greedy decoding .* in place of the task's beams, as --model-arg allow-greedy=true allowed/);
    await lenient.generate([{ prompt: [text('Q:')], ...VQA }]);
    const [body] = posts(server, '/v1/chat/completions');
    assert.equal(body.n, 1);
    assert.equal(body.temperature, 0);
    assert.equal(body.use_beam_search, undefined);
    assert.equal(body.repetition_penalty, undefined); // not a field TGI's chat takes
    assert.equal(body.top_p, undefined); // TGI refuses 1.0 (its range is open) and applies none unset
  });
});

// " yes" -0.4, " no" -0.3, " light" -0.6 + " blue" -0.5 (the fake's log-probability is -length/10).
const RANK = { prompt: [text('Q: sky? A: blue'), EOC, text('Q: is it? Answer:')], candidates: [' yes', ' no', ' light blue'], lengthNormalize: false };

test('ranking on vLLM (BOS echoed, offsets shifted by it) and SGLang (offsets -1) gives the hand-worked scores', async () => {
  for (const kind of ['vllm', 'sglang'] as const) {
    await withServer({ kind }, async (server) => {
      const backend = await backendFor(server);
      const [result] = await backend.rank([RANK]);
      assert.deepEqual(round(result!.logLikelihoods), [-0.4, -0.3, -1.1], kind);
      const offsets = (await (await fetch(`${server.url}/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'fake-vlm-7b', prompt: 'a b', max_tokens: 1, echo: true, logprobs: 1 }),
      })).json()) as any;
      // What the fake reproduces: offsets that are wrong for the prompt's characters.
      assert.deepEqual(offsets.choices[0].logprobs.text_offset.slice(0, 2), kind === 'vllm' ? [0, 3] : [-1, -1]);
      await backend.close();
    });
  }
});

test('ranking with images on vLLM: prompt_logprobs with the BOS first; on SGLang refused before any request', async () => {
  await withServer({ kind: 'vllm' }, async (server) => {
    const backend = await backendFor(server, { 'image-size': 16 });
    const [result] = await backend.rank([{ prompt: [image(0), text('Is it hateful? Answer:')], candidates: [' yes', ' no'], lengthNormalize: false }]);
    assert.deepEqual(round(result!.logLikelihoods), [-0.4, -0.3]);
  });
  await withServer({ kind: 'sglang' }, async (server) => {
    const backend = await backendFor(server, { 'image-size': 16 });
    await assert.rejects(
      backend.rank([{ prompt: [image(0), text('Answer:')], candidates: [' yes'], lengthNormalize: false }]),
      /^RankUnsupportedError: SGLang 0\.5\.4 at http:\/\/127\.0\.0\.1:\d+\/v1 cannot rank candidates, which close-ended tasks \(ImageNet, Kinetics-700, Hateful Memes, \.\.\.\) need: its chat completions take no prompt_logprobs, which ranking candidates after images or videos needs\. Serve the model with vLLM for close-ended tasks/,
    );
    assert.equal(posts(server, '/v1/chat/completions').length, 0);
  });
});

test('TGI cannot rank: one clear error at the first close-ended request, nothing sent', async () => {
  await withServer({ kind: 'tgi' }, async (server) => {
    const backend = await backendFor(server);
    await assert.rejects(
      backend.rank([RANK]),
      /TGI 3\.3\.6 at http:\/\/127\.0\.0\.1:\d+\/v1 cannot rank candidates, .*: its completions answer carries no log-probabilities of the prompt \(echo with logprobs\)\. Serve the model with vLLM for close-ended tasks .*, or run only open-ended tasks on this server/,
    );
    assert.equal(posts(server, '/v1/completions').length, 0);
  });
});

test('a server refusing more than 4 prompts per request (HTTP 422): the request is split, the limit kept, the scores right', async () => {
  await withServer({ maxPromptsPerRequest: 4 }, async (server) => {
    const backend = await backendFor(server);
    const many = Array.from({ length: 10 }, (_, i) => ` ${'x'.repeat(1 + i)}`);
    const [result] = await backend.rank([{ prompt: [text('A:')], candidates: many, lengthNormalize: false }]);
    assert.deepEqual(round(result!.logLikelihoods), round(many.map((c) => -c.length / 10)));
    assert.equal(backend.promptsPerRequest, 4);
    const sizes = posts(server, '/v1/completions').map((body) => body.prompt.length);
    assert.deepEqual(sizes, [10, 4, 4, 2]);
    // Later requests go within the limit at once.
    await backend.rank([{ prompt: [text('B:')], candidates: many, lengthNormalize: false }]);
    assert.deepEqual(posts(server, '/v1/completions').map((body) => body.prompt.length).slice(4), [4, 4, 2]);
  });
  // The prompts-per-request setting applies from the start.
  await withServer({}, async (server) => {
    const backend = await backendFor(server, { 'prompts-per-request': 3 });
    await backend.rank([RANK, { ...RANK, candidates: [' a', ' b', ' c', ' d'] }]);
    assert.deepEqual(posts(server, '/v1/completions').map((body) => body.prompt.length).sort(), [1, 3, 3]);
  });
});

test('candidates whose tokens do not spell them are refused, not scored', async () => {
  // A server whose echo drops the last prompt token: the tokens before it spell something else.
  await withServer({ kind: 'vllm' }, async (server) => {
    const backend = await backendFor(server);
    const original = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await original(input, init);
      if (!String(input).endsWith('/completions')) return response;
      const value = (await response.json()) as any;
      for (const choice of value.choices) {
        choice.logprobs.tokens.splice(-2, 1);
        choice.logprobs.token_logprobs.splice(-2, 1);
      }
      return new Response(JSON.stringify(value), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    try {
      await assert.rejects(backend.rank([RANK]), /the prompt's last tokens spell " Answer:", not the candidate " yes"/);
    } finally {
      globalThis.fetch = original;
    }
  });
});

test('limits told: a 413 names the body size, TGI\'s --payload-limit, image-size and --frames', async () => {
  await withServer({ kind: 'tgi', payloadLimit: 1200 }, async (server) => {
    const backend = await backendFor(server, { 'allow-greedy': true });
    await assert.rejects(backend.generate([{ prompt: [image(0), image(1), text('Caption:')], ...VQA }]), (error: Error) => {
      assert.match(error.message, /HTTP 413: Failed to buffer the request body: length limit exceeded\. The request body was \d+ bytes \(2 images\), over the server's payload limit \(TGI 3\.3\.6: 2\.0 MB \(2000000 bytes\) unless raised\)\. Raise it with text-generation-launcher --payload-limit <bytes> \(default 2000000\), or send less: smaller images with --model-arg image-size=448, fewer video frames with --frames/);
      return true;
    });
  });
});

test('limits told: too many images names the limit, vLLM\'s --limit-mm-per-prompt, --frames; once known, checked before sending', async () => {
  await withServer({ kind: 'vllm', maxImages: 2 }, async (server) => {
    const backend = await backendFor(server, { 'image-size': 16 });
    const prompt = [image(0), text('a'), EOC, image(1), text('b'), EOC, image(2), text('Caption:')];
    await assert.rejects(backend.generate([{ prompt, ...VQA }]), (error: Error) => {
      assert.match(error.message, /HTTP 400: At most 2 image\(s\) may be provided in one prompt\. This prompt carries 3 images, and vLLM 0\.11\.0 takes at most 2 per prompt/);
      assert.match(error.message, /Raise it with vllm serve --limit-mm-per-prompt '\{"image": N\}' \(every video frame counts as one image\), or send fewer: fewer video frames with --frames/);
      return true;
    });
    const sent = posts(server, '/v1/chat/completions').length;
    await assert.rejects(backend.generate([{ prompt, ...VQA }]), /this prompt carries 3 images, and vLLM 0\.11\.0 takes at most 2 per prompt/);
    assert.equal(posts(server, '/v1/chat/completions').length, sent);
  });
  // The limit given as a setting: a video's frames are counted against it before anything is sent.
  await withServer({ kind: 'vllm' }, async (server) => {
    const backend = await backendFor(server, { 'max-images': 8, 'image-size': 16 }, { mode: 'uniform', frames: 5 });
    const video = { type: 'media' as const, media: { kind: 'video' as const, id: 'v', path: join(SAMPLE, 'youcook2', 'raw_videos', 'training', '204', 't2pDftqcLYy.mp4') } };
    await assert.rejects(
      backend.generate([{ prompt: [video, text('a'), EOC, video, text('b')], ...VQA }]),
      /this prompt carries 10 images \(2 videos sampled as --frames uniform:5, every frame an image\), and vLLM 0\.11\.0 takes at most 8 per prompt \(--model-arg max-images=<n> tells flamingo-eval the limit\)/,
    );
    assert.equal(posts(server, '/v1/chat/completions').length, 0);
  });
});

test('an answer far longer than max_tokens allows is cut and flagged; an answer body over the limit fails its request', async () => {
  await withServer({ kind: 'vllm', ignoreMaxTokens: true, reply: () => 'word '.repeat(1000) }, async (server) => {
    const backend = await backendFor(server);
    const [result] = await backend.generate([{ prompt: [text('Q:')], ...VQA, maxNewTokens: 2, stopAtEndOfChunk: false }]);
    assert.equal(result!.text.length, 128);
    assert.match(result!.warning!, /^the server answered 5000 characters for at most 2 new tokens; cut to 128 \(64 per token\)$/);
  });
  await withServer({ padBytes: 17 * 1024 * 1024 }, async (server) => {
    const backend = await backendFor(server);
    await assert.rejects(
      backend.generate([{ prompt: [text('Q:')], ...VQA, numBeams: 1 }]),
      /POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: the answer is larger than 16 MiB, the limit for one answer/,
    );
  });
});

test('a redirect to another origin is refused with a clear error; within the origin it is followed', async () => {
  await withServer({}, async (target) => {
    await withServer({}, async (proxy) => {
      proxy.options.redirectTo = target.url.replace('127.0.0.1', 'localhost');
      await assert.rejects(
        backendFor(proxy),
        /GET http:\/\/127\.0\.0\.1:\d+\/v1\/models: the server redirected the request to another origin \(http:\/\/localhost:\d+\), which was refused: prompts and images go only to the server named by --model-arg base-url=<url> \(or OPENAI_BASE_URL\)/,
      );
      assert.equal(target.requests.length, 0);
    });
  });
  await withServer({}, async (server) => {
    const backend = await backendFor(server);
    server.options.redirectTo = `${server.url.replace(/\/v1$/, '')}/moved/`;
    const [result] = await backend.generate([{ prompt: [text('Q:')], ...VQA, numBeams: 1 }]);
    assert.equal(result!.text, 'answer 1');
    assert.deepEqual(server.requests.slice(-2).map((r) => r.path), ['/v1/chat/completions', '/v1/chat/completions']);
    assert.deepEqual(server.requests.slice(-2).map((r) => r.body.model), ['fake-vlm-7b', 'fake-vlm-7b']);
    server.options.redirectTo = undefined;
  });
});

test('a key the server echoes everywhere (answers, model names, errors) reaches no message and no answer', async () => {
  const KEY = 'sk-echo-"SECRET\\-0123456789abcdef';
  await withServer({ kind: 'vllm', echoKey: KEY }, async (server) => {
    process.env.FLAMINGO_TEST_ECHO_KEY = KEY;
    const backend = await backendFor(server, { 'api-key-env': 'FLAMINGO_TEST_ECHO_KEY' });
    const [result] = await backend.generate([{ prompt: [text('Q:')], ...VQA, maxNewTokens: 50 }]);
    assert.ok(!result!.text.includes(KEY) && result!.text.includes('[API key]'), result!.text);
    // A 400 whose message is far longer than what is quoted: masked before it is cut.
    server.failNext({ kind: 'status', status: 400, body: JSON.stringify({ error: { message: `${'x'.repeat(190)}${KEY}${'y'.repeat(500)}` } }) });
    await assert.rejects(backend.generate([{ prompt: [text('Q:')], ...VQA }]), (error: Error) => {
      for (let cut = 4; cut <= KEY.length; cut++) assert.ok(!error.message.includes(KEY.slice(0, cut)), error.message);
      return true;
    });
    // The key escaped as JSON \u escapes in a string is found too.
    const escaped = [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    server.failNext({ kind: 'status', status: 400, body: `{"error":{"message":"bad ${escaped}"}}` });
    await assert.rejects(backend.generate([{ prompt: [text('Q:')], ...VQA }]), (error: Error) => !error.message.includes(KEY) && /bad \[API key\]/.test(error.message));
  });
});

test('spelling back: byte-fallback tokens (U+FFFD, vLLM\'s bytes:) match the bytes of a non-ASCII candidate; word markers and spaces are ignored', async () => {
  const { spellBack } = await import('../src/backends/openai/rank.ts');
  // "café" as Llama's byte-fallback pieces: "▁caf", then é's two UTF-8 bytes as two U+FFFD tokens.
  const cafe = [{ text: 'Answer:', logprob: -1 }, { text: '▁caf', logprob: -0.5 }, { text: '\ufffd', logprob: -0.25 }, { text: '\ufffd', logprob: -0.125 }];
  assert.deepEqual(spellBack(cafe, ' café', 'here'), { logLikelihood: -0.875, tokens: 3 });
  const bytes = [{ text: 'Answer:', logprob: -1 }, { text: 'Ġcaf', logprob: -0.5 }, { text: 'bytes:\\xc3\\xa9', logprob: -0.25 }];
  assert.deepEqual(spellBack(bytes, ' café', 'here'), { logLikelihood: -0.75, tokens: 2 });
  // A byte that does not match is refused.
  assert.throws(() => spellBack([{ text: 'x', logprob: -1 }, { text: 'bytes:\\xc3\\xa8', logprob: -1 }], 'xé', 'here'), /here: the prompt's last tokens spell "xbytes:\\\\xc3\\\\xa8", not the candidate "xé"/);
  // The candidate reaching the prompt's first token (no log-probability) is refused, not scored.
  assert.throws(() => spellBack([{ text: '<s>', logprob: null }, { text: 'yes', logprob: -1 }], '<s>yes', 'here'), /has no log-probability \(null\); the candidate reaches the start of the prompt/);
});
