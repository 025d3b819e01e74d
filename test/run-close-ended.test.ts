// Close-ended tasks through the run loop: the candidate prefix of the prompt style, and --protocol flamingo's
// per-class query sets and support pools (ImageNet-style classification).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { drawSupportPoolPerClass, querySubsetPerClass } from '../src/run/sampler.ts';
import { fakeTask } from './support/fake-task.ts';
import type { Example } from '../src/core/types.ts';

const FAKE_RANK_TASK = new URL('./support/fake-rank-task.ts', import.meta.url).pathname;
const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'flamingo-closed-'));
}

const classOf = (example: Example) => example.target;

test('per-class subsets: each class gets its share, nested and independent of file order', async () => {
  const data = await fakeTask({}, { support: 60, query: 40 }).load({});
  const queries = querySubsetPerClass(data.query, 'fake', 3, classOf);
  const counts = new Map<string, number>();
  for (const example of queries) counts.set(example.target, (counts.get(example.target) ?? 0) + 1);
  assert.deepEqual([...counts.values()], [3, 3, 3]);
  assert.deepEqual(querySubsetPerClass([...data.query].reverse(), 'fake', 3, classOf), queries);
  const pool = drawSupportPoolPerClass(data.support, 5, classOf, 42, 'fake');
  assert.equal(pool.length, 15);
  const smaller = new Set(drawSupportPoolPerClass(data.support, 2, classOf, 42, 'fake').map((e) => e.id));
  assert.ok([...smaller].every((id) => pool.some((e) => e.id === id)));
  assert.notDeepEqual(drawSupportPoolPerClass(data.support, 5, classOf, 43, 'fake'), pool);
});

test('--protocol flamingo uses the task per-class sizes for queries and the support pool', async () => {
  const dir = tempDir();
  const taskFile = join(dir, 'per-class-task.ts');
  writeFileSync(
    taskFile,
    `import base from ${JSON.stringify(FAKE_RANK_TASK)};\n` +
      "export default { ...base, protocolPerClass: { query: 2, support: 4, classOf: (e) => e.target } };\n",
  );
  const [outcome] = await evaluate(
    parseRunOptions({ task: taskFile, model: TEST_BACKEND, shots: '2', protocol: 'flamingo', resultsDir: dir, quiet: true }),
  );
  const record = outcome!.record;
  assert.equal(record.data.querySize, 6);
  assert.equal(record.data.supportSize, 12);
  assert.deepEqual(record.config.perClass, { query: 2, support: 4 });
});

test('the prompt style candidate prefix goes before each candidate the backend scores; answers stay bare', async () => {
  const dir = tempDir();
  const backendFile = join(dir, 'recording-backend.mjs');
  writeFileSync(
    backendFile,
    'export const seen = [];\n' +
      "export default { info: () => ({ name: 'recorder', family: 'test', parameters: 1, contextLength: 64 }),\n" +
      '  async generate() { throw new Error("not used"); },\n' +
      '  async rank(requests) { for (const r of requests) seen.push(r.candidates); return requests.map((r) => ({ logLikelihoods: r.candidates.map((c, i) => (i === 1 ? 0 : -1)) })); },\n' +
      '  async close() {} };\n',
  );
  const taskFile = join(dir, 'prefixed-task.ts');
  writeFileSync(
    taskFile,
    `import base from ${JSON.stringify(FAKE_RANK_TASK)};\n` +
      "export default { ...base, templates: { paper: { ...base.templates.paper, candidatePrefix: ' ' } } };\n",
  );
  const [outcome] = await evaluate(
    parseRunOptions({ task: taskFile, model: backendFile, shots: '1', limit: '3', resultsDir: dir, quiet: true }),
  );
  const { seen } = (await import(backendFile)) as { seen: string[][] };
  assert.deepEqual(seen, [[' red', ' green', ' blue'], [' red', ' green', ' blue'], [' red', ' green', ' blue']]);
  assert.ok(outcome!.record.trials[0]!.examples.every((example) => example.answer === 'green' && example.raw === 'green'));
});
