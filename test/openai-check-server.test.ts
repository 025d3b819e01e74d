// `flamingo-eval check-server` against fakes behaving as vLLM (images interleaved, or all put first as a string-format
// chat template does), SGLang (images dropped) and TGI (no ranking, no beam search): each check says what works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createBackend } from '../src/backends/index.ts';
import type { OpenAIBackend } from '../src/backends/openai/backend.ts';
import { checkServer, type CheckReport } from '../src/backends/openai/check.ts';
import { startFakeServer, type FakeServerOptions } from './support/fake-openai-server.ts';

async function check(options: FakeServerOptions, maxImages = 8): Promise<{ report: CheckReport; posts: number }> {
  const server = await startFakeServer(options);
  try {
    const backend = (await createBackend('openai:fake-vlm-7b', { args: { 'base-url': server.url, retries: 0 } })) as OpenAIBackend;
    const report = await checkServer(backend, { maxImages });
    await backend.close();
    return { report, posts: server.requests.filter((r) => r.method === 'POST').length };
  } finally {
    await server.close();
  }
}

const verdicts = (report: CheckReport) => Object.fromEntries(report.checks.map((c) => [c.name, c.verdict]));
const detail = (report: CheckReport, name: string) => report.checks.find((c) => c.name === name)!.detail;

test('vLLM with images in place: every check passes; a 4-image limit is found and told', async () => {
  const { report, posts } = await check({ kind: 'vllm', maxImages: 4 });
  assert.deepEqual(verdicts(report), {
    server: 'ok',
    decoding: 'ok',
    'ranking (text)': 'ok',
    'ranking (image)': 'ok',
    'images per prompt': 'ok',
    interleaving: 'ok',
    'payload limit': 'ok',
  });
  assert.match(detail(report, 'server'), /^vLLM 0\.11\.0 \(\/v1\/models owned_by "vllm"\); model fake-vlm-7b; context 4096 tokens$/);
  assert.match(detail(report, 'decoding'), /a 2-beam request came back with 2 beams/);
  assert.match(detail(report, 'ranking (text)'), /" yes" -0\.400, " no" -0\.300/);
  assert.match(detail(report, 'images per prompt'), /^4 accepted, 8 refused \(.*At most 4 image\(s\).*\); every video frame counts as one image: raise with vllm serve --limit-mm-per-prompt/);
  assert.match(detail(report, 'interleaving'), /the image between two words stays there \(1 image tokens between them\)/);
  assert.ok(posts < 20, `${posts} requests`);
});

test('vLLM with a string-format chat template (images first): interleaving fails, naming the flag', async () => {
  const { report } = await check({ kind: 'vllm', interleave: 'first' });
  assert.equal(verdicts(report).interleaving, 'no');
  assert.match(detail(report, 'interleaving'), /images are not where the prompt puts them .* fix with vllm serve --chat-template-content-format openai \(or --interleave-mm-strings\)/);
});

test('SGLang dropping images, no beam search; TGI: no ranking, no beam search, its payload limit', async () => {
  const sglang = (await check({ kind: 'sglang', interleave: 'drop' })).report;
  assert.equal(verdicts(sglang).interleaving, 'no');
  assert.match(detail(sglang, 'interleaving'), /the server drops the images/);
  assert.equal(verdicts(sglang)['ranking (text)'], 'ok');
  assert.equal(verdicts(sglang)['ranking (image)'], 'no');
  assert.equal(verdicts(sglang).decoding, 'no');
  assert.match(detail(sglang, 'decoding'), /SGLang 0\.5\.4 has no beam search: .* set --model-arg allow-greedy=true/);
  const tgi = (await check({ kind: 'tgi' })).report;
  assert.deepEqual([verdicts(tgi)['ranking (text)'], verdicts(tgi)['ranking (image)'], verdicts(tgi)['payload limit']], ['no', 'no', 'no']);
  assert.match(detail(tgi, 'ranking (text)'), /TGI 3\.3\.6 at .* cannot rank candidates/);
  assert.match(detail(tgi, 'payload limit'), /^a 4\.2 MB request was refused \(HTTP 413\): .* raise the limit with text-generation-launcher --payload-limit <bytes> \(default 2000000\), or send smaller images .*; TGI 3\.3\.6 allows 2000000 bytes unless raised/);
  assert.equal(verdicts(tgi).interleaving, 'unknown');
});

test('from the command line: a report, exit 1 when a check fails, exit 2 for a model that is not served', async () => {
  const server = await startFakeServer({ kind: 'tgi' });
  const bin = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [bin, 'check-server', '--model-arg', `base-url=${server.url}`, ...args], (_e, stdout, stderr) =>
        resolve({ code: child.exitCode, stdout, stderr }),
      );
    });
  try {
    const result = await run(['--model', 'openai:fake-vlm-7b', '--max-images', '2']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^http:\/\/127\.0\.0\.1:\d+\/v1 \(model fake-vlm-7b\)\nok {6} server: TGI 3\.3\.6/);
    assert.match(result.stdout, /\nNO {6} ranking \(text\): TGI 3\.3\.6/);
    assert.match(result.stderr, /check-server: decoding, ranking \(text\), ranking \(image\), payload limit: not as a Flamingo evaluation needs/);
    const json = await run(['--model', 'openai:fake-vlm-7b', '--max-images', '1', '--json']);
    assert.equal(JSON.parse(json.stdout).server.kind, 'tgi');
    const wrong = await run(['--model', 'openai:other']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /does not serve this model/);
  } finally {
    await server.close();
  }
});
