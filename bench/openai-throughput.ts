// Throughput of the openai backend against the loopback fake server (test/support/fake-openai-server.ts), run in a
// child process so that server and client do not share an event loop.
//   1. requests per second as --concurrency grows, the server answering each request after a fixed latency: the
//      ideal is concurrency / latency until the server (or the machine) saturates;
//   2. harness overhead per request: the backend's generate() (prompt rendering, request body, client with p-limit,
//      timeout and retry bookkeeping, answer parsing) against bare fetch() of the same body, at zero latency, one
//      request at a time; and the client process's CPU time per request.
// Usage: node --import tsx bench/openai-throughput.ts [--latency-ms 50] [--max-concurrency 128]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { createBackend } from '../src/backends/index.ts';
import type { Backend, GenerateRequest } from '../src/core/types.ts';
import { startFakeServer } from '../test/support/fake-openai-server.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};

if (args[0] === '--serve') {
  const server = await startFakeServer({ latencyMs: Number(args[1]), record: false, idleMs: 600_000, reply: () => ' a red bus' });
  process.stdout.write(`${server.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
} else {
  await main();
}

async function serve(latencyMs: number): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve', String(latencyMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: chunk.toString().trim(), stop: () => child.stdin!.end() };
}

function request(i: number): GenerateRequest {
  return {
    prompt: [
      { type: 'text', text: `Question: what colour is item ${i}? Answer: red` },
      { type: 'end_of_chunk' },
      { type: 'text', text: `Question: what colour is item ${i + 1}? Answer:` },
    ],
    maxNewTokens: 10,
    numBeams: 1,
    lengthPenalty: 0,
    stopAtEndOfChunk: true,
  };
}

/** Sends `total` requests as the run loop does (batches of one, the backend's client bounding what is in flight). */
async function drive(backend: Backend, total: number): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: total }, (_, i) => backend.generate([request(i)])));
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const latencyMs = flag('--latency-ms', 50);
  const maxConcurrency = flag('--max-concurrency', 128);
  const levels = [1, 2, 4, 8, 16, 32, 64, 128, 256].filter((c) => c <= maxConcurrency);

  const slow = await serve(latencyMs);
  console.log(`fake server latency ${latencyMs} ms; node ${process.version}; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs\n`);
  console.log('concurrency  requests  seconds  req/s   ideal req/s  efficiency');
  for (const concurrency of levels) {
    const backend = await createBackend('openai:fake-vlm-7b', { args: { 'base-url': slow.url }, concurrency });
    const total = Math.max(100, concurrency * 10);
    await drive(backend, Math.min(total, concurrency * 2)); // warm the connections
    const seconds = await drive(backend, total);
    const rate = total / seconds;
    const ideal = (concurrency * 1000) / latencyMs;
    console.log(
      `${String(concurrency).padStart(11)}  ${String(total).padStart(8)}  ${seconds.toFixed(2).padStart(7)}  ` +
        `${rate.toFixed(1).padStart(6)}  ${ideal.toFixed(1).padStart(11)}  ${((rate / ideal) * 100).toFixed(0).padStart(9)}%`,
    );
    await backend.close();
  }
  slow.stop();

  const fast = await serve(0);
  const n = 2000;
  const backend = await createBackend('openai:fake-vlm-7b', { args: { 'base-url': fast.url }, concurrency: 1 });
  const body = JSON.stringify({
    model: 'fake-vlm-7b',
    messages: [{ role: 'user', content: 'Question: what colour is item 1? Answer: red\nQuestion: what colour is item 2? Answer:' }],
    max_tokens: 10,
    temperature: 0,
    stop: ['\n'],
  });
  const bare = async () => {
    const response = await fetch(`${fast.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    JSON.parse(await response.text());
  };
  // Interleaved rounds, wall and CPU time of this process per request; the median round is shown.
  const measure = async (call: (i: number) => Promise<unknown>) => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < n; i++) await call(i);
    const cpu = process.cpuUsage(cpuBefore);
    return { wallUs: ((performance.now() - started) * 1000) / n, cpuUs: (cpu.user + cpu.system) / n };
  };
  const rounds: { bare: { wallUs: number; cpuUs: number }; harness: { wallUs: number; cpuUs: number } }[] = [];
  for (let round = 0; round < 5; round++) {
    rounds.push({ bare: await measure(bare), harness: await measure((i) => backend.generate([request(i)])) });
  }
  await backend.close();
  fast.stop();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const row = (label: string, pick: (r: (typeof rounds)[number]) => number) =>
    console.log(`  ${label.padEnd(34)} ${median(rounds.map(pick)).toFixed(0).padStart(6)} us   (rounds: ${rounds.map((r) => pick(r).toFixed(0)).join(', ')})`);
  console.log(`\nzero latency, one request at a time, ${n} requests per round, 5 interleaved rounds (median):`);
  row('bare fetch, wall', (r) => r.bare.wallUs);
  row('backend.generate(), wall', (r) => r.harness.wallUs);
  row('bare fetch, client CPU', (r) => r.bare.cpuUs);
  row('backend.generate(), client CPU', (r) => r.harness.cpuUs);
  row('harness overhead, client CPU', (r) => r.harness.cpuUs - r.bare.cpuUs);
  // The harness alone: global fetch replaced by one that answers at once with a canned chat answer, so that what is
  // timed is the backend's own work per request (render, body, JSON, p-limit, timeout signal, parse).
  const canned = JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: ' a red bus' } }] });
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async () => new Response(canned, { status: 200, headers: { 'content-type': 'application/json' } })) as typeof fetch;
  const alone = await createBackend('openai:fake-vlm-7b', { args: { 'base-url': 'http://127.0.0.1:9/v1' }, concurrency: 1 }).catch(() => undefined);
  // (createBackend's GET /models got the canned answer, which lists no models: accepted as a server without a list.)
  const harnessOnly: { wallUs: number; cpuUs: number }[] = [];
  for (let round = 0; round < 5; round++) harnessOnly.push(await measure((i) => alone!.generate([request(i)])));
  globalThis.fetch = realFetch;
  await alone?.close();
  for (const [label, pick] of [['wall', (r: { wallUs: number }) => r.wallUs], ['CPU', (r: { cpuUs: number }) => r.cpuUs]] as const) {
    const values = harnessOnly.map(pick);
    console.log(`  ${`harness alone (canned fetch), ${label}`.padEnd(34)} ${median(values).toFixed(0).padStart(6)} us   (rounds: ${values.map((v) => v.toFixed(0)).join(', ')})`);
  }
  console.log(`\nload average during the run: ${loadavg().map((v) => v.toFixed(1)).join(', ')} on ${cpus().length} CPUs`);
}
