// The OpenAI-compatible client under faults, against a loopback fake server: retries with backoff on 429 (honouring
// Retry-After), 5xx, resets and timeouts; no retry on other 4xx or garbage; a clear stop after repeated failures;
// at most `concurrency` requests in flight; the API key sent as a Bearer token and never in a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAIClient } from '../src/backends/openai/client.ts';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelayMs } from '../src/backends/openai/retry.ts';
import { startFakeServer } from './support/fake-openai-server.ts';

const FAST = { baseDelayMs: 5, maxDelayMs: 2000 };
const KEY = 'sk-test-SECRET-0123456789';

test('Retry-After as seconds or an HTTP date; unreadable or absent: none', () => {
  assert.equal(parseRetryAfter('2'), 2000);
  assert.equal(parseRetryAfter('0.5'), 500);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now), 7000);
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(null), undefined);
});

test('backoff: full jitter under base * 2^attempt, capped; Retry-After wins (capped too)', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(retryDelayMs(policy, 0, undefined, () => 0.999), 99.9);
  assert.equal(retryDelayMs(policy, 3, undefined, () => 0.5), 400);
  assert.equal(retryDelayMs(policy, 10, undefined, () => 1), 1000);
  assert.equal(retryDelayMs(policy, 0, undefined, () => 0), 0);
  assert.equal(retryDelayMs(policy, 0, 300, () => 0), 300);
  assert.equal(retryDelayMs(policy, 0, 3_600_000, () => 0), 1000);
  assert.deepEqual([408, 409, 429, 500, 502, 503].map(isRetryableStatus), [true, true, true, true, true, true]);
  assert.deepEqual([400, 401, 403, 404, 422].map(isRetryableStatus), [false, false, false, false, false]);
});

test('429 with Retry-After, 500, a reset and 503 are retried until the answer comes; the key goes as a Bearer token', async () => {
  const server = await startFakeServer();
  try {
    const client = new OpenAIClient({ baseUrl: server.url, apiKey: KEY, retry: FAST });
    server.failNext({ kind: 'status', status: 429, retryAfter: '0.3' }, { kind: 'status', status: 500 }, { kind: 'reset' }, { kind: 'status', status: 503 });
    const started = performance.now();
    const answer = (await client.post('/completions', { model: 'fake-vlm-7b', prompt: 'a b', max_tokens: 2 })) as any;
    const elapsed = performance.now() - started;
    assert.equal(answer.object, 'text_completion');
    assert.equal(server.requests.length, 5);
    assert.ok(elapsed >= 300, `waited ${elapsed} ms, Retry-After asked 300`);
    assert.ok(server.requests.every((request) => request.authorization === `Bearer ${KEY}`));
    assert.deepEqual({ ...client.stats, bytesSent: 0, bytesReceived: 0 }, { requests: 1, attempts: 5, retries: 4, bytesSent: 0, bytesReceived: 0 });
    assert.equal(client.stats.bytesSent, 5 * Buffer.byteLength(JSON.stringify({ model: 'fake-vlm-7b', prompt: 'a b', max_tokens: 2 })));
  } finally {
    await server.close();
  }
});

test('a stalled request times out and is retried', async () => {
  const server = await startFakeServer();
  try {
    const client = new OpenAIClient({ baseUrl: server.url, timeoutMs: 200, retry: FAST });
    server.failNext({ kind: 'stall' });
    const answer = (await client.post('/completions', { model: 'fake-vlm-7b', prompt: 'x' })) as any;
    assert.equal(answer.choices.length, 1);
    assert.equal(server.requests.length, 2);
  } finally {
    await server.close();
  }
});

test('a request that keeps failing gives up after its retries, with the cause, the URL and no key', async () => {
  const server = await startFakeServer();
  try {
    const client = new OpenAIClient({ baseUrl: server.url, apiKey: KEY, timeoutMs: 100, retry: { ...FAST, retries: 3 } });
    server.failAlways({ kind: 'status', status: 503, body: JSON.stringify({ error: { message: `overloaded (key ${KEY})` } }) });
    await assert.rejects(client.post('/chat/completions', { model: 'fake-vlm-7b' }), (error: Error) => {
      assert.equal(error.name, 'RunError');
      assert.match(error.message, /POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: HTTP 503: overloaded \(key \[API key\]\); gave up after 4 attempts/);
      assert.ok(!error.message.includes(KEY));
      return true;
    });
    assert.equal(server.requests.length, 4);
    // The client has stopped: a further request fails at once, without reaching the server.
    await assert.rejects(client.post('/chat/completions', {}), /gave up after 4 attempts/);
    assert.equal(server.requests.length, 4);
  } finally {
    await server.close();
  }
});

test('other 4xx and garbage are not retried, and say what to check', async () => {
  const server = await startFakeServer();
  try {
    const client = new OpenAIClient({ baseUrl: server.url, apiKey: KEY, retry: FAST });
    server.failNext({ kind: 'status', status: 401, body: '{"error":{"message":"bad key"}}' });
    await assert.rejects(client.post('/completions', {}), /HTTP 401 \(the server refused the API key: check the variable --model-arg api-key-env= names, OPENAI_API_KEY by default\): bad key/);
    server.failNext({ kind: 'garbage' });
    await assert.rejects(client.post('/completions', {}), /the answer is not JSON \(<html><body>502 Bad Gateway<\/body><\/html>\); is the base URL the API root/);
    await assert.rejects(client.post('/completions', { model: 'other' }), /HTTP 404 \(no such endpoint or model: check --model-arg base-url= and the model name\): The model `other` does not exist/);
    assert.equal(server.requests.length, 3);
  } finally {
    await server.close();
  }
});

test('a server that goes down: many requests stop together after the consecutive-failure limit', async () => {
  const server = await startFakeServer();
  const url = server.url;
  const client = new OpenAIClient({ baseUrl: url, concurrency: 4, retry: { ...FAST, retries: 100 }, maxConsecutiveFailures: 6 });
  await client.get('/models'); // it answered once: refused connections from now on are retried (a restart)
  await server.close();
  const started = performance.now();
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.post('/completions', {})));
  assert.ok(results.every((result) => result.status === 'rejected'));
  const message = (results[0] as PromiseRejectedResult).reason.message as string;
  assert.match(message, /connection failed \(ECONNREFUSED\); \d+ failed attempts in a row, so the server looks down/);
  assert.ok(client.stats.attempts <= 6 + 4, `attempts: ${client.stats.attempts}`);
  assert.ok(performance.now() - started < 5000);
});

test('at most `concurrency` requests are in flight', async () => {
  const server = await startFakeServer({ latencyMs: 30 });
  try {
    const client = new OpenAIClient({ baseUrl: server.url, concurrency: 3 });
    const body = { model: 'fake-vlm-7b', messages: [{ role: 'user', content: 'x' }] };
    await Promise.all(Array.from({ length: 12 }, () => client.post('/chat/completions', body)));
    assert.equal(server.requests.length, 12);
    assert.equal(server.load.most, 3);
  } finally {
    await server.close();
  }
});
