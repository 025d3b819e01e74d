// Names that become paths (a model's name, a task id, a record's variant words) go through one function: a single
// path segment, never `.` or `..`, no separator or control character, and two different names never share a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { safeName } from '../src/core/safe-name.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';

const FAKE_TASK = new URL('./support/fake-task.ts', import.meta.url).pathname;

test('plain names stay as they are; others become one safe segment with a hash of the name', () => {
  for (const name of ['flamingo-tiny-m', 'okvqa-4shot-rices-sample', 'idefics2-8b', 'a.b_c-1']) assert.equal(safeName(name), name);
  const risky = ['..', '.', 'a/b', 'a\\b', '../../etc/passwd', '/abs', 'x\u0000y', 'tab\there', '.hidden', '', 'a b', 'a~b', 'x'.repeat(300)];
  for (const name of risky) {
    const safe = safeName(name);
    assert.match(safe, /^[A-Za-z0-9_-][A-Za-z0-9._-]*~[0-9a-f]{10}$/, JSON.stringify(name));
    assert.ok(safe !== '.' && safe !== '..' && safe.length <= 111, safe);
  }
  // Two names that differ only in a character the rewrite drops never meet.
  const pairs = [['a/b', 'a\\b'], ['a/b', 'a-b'], ['..', '.'], ['a b', 'a?b'], ['model:x', 'model/x'], ['a~b', 'a b']];
  for (const [a, b] of pairs) assert.notEqual(safeName(a!), safeName(b!), `${a} / ${b}`);
  const all = [...risky, 'flamingo-tiny-m', 'a-b'].map(safeName);
  assert.equal(new Set(all).size, all.length);
});

function backendNamed(dir: string, name: string): string {
  const file = join(dir, `backend-${Buffer.from(name).toString('hex')}.mjs`);
  writeFileSync(
    file,
    `export default { info: () => ({ name: ${JSON.stringify(name)}, family: 't', parameters: 1, contextLength: 99 }),
  async generate(requests) { return requests.map(() => ({ text: 'red' })); },
  async rank(requests) { return requests.map((r) => ({ logLikelihoods: r.candidates.map(() => 0) })); },
  async close() {} };`,
  );
  return file;
}

test('a model named "..", ".", "a/b" or "a\\\\b" writes its records and journals inside --results-dir, each in its own folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-safe-names-'));
  const results = join(dir, 'results');
  const folders = new Set<string>();
  for (const name of ['..', '.', 'a/b', 'a\\b']) {
    const [outcome] = await evaluate(
      parseRunOptions({ task: FAKE_TASK, model: backendNamed(dir, name), shots: '0', limit: '2', resultsDir: results, quiet: true }),
    );
    const inside = relative(results, outcome!.path);
    assert.ok(!inside.startsWith('..') && inside.split('/').length === 2, `${name}: ${outcome!.path}`);
    assert.equal(outcome!.record.model.name, name, 'the record keeps the real name');
    folders.add(dirname(inside));
  }
  assert.equal(folders.size, 4, [...folders].join(', '));
  assert.deepEqual(readdirSync(dir).filter((entry) => !entry.endsWith('.mjs')), ['results'], 'nothing beside --results-dir');
  for (const folder of folders) assert.deepEqual(readdirSync(join(results, folder)).filter((f) => f !== 'journals').length, 1);
});

test('a task id or variant word with a separator stays in the model folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-safe-names-'));
  const task = join(dir, 'task.ts');
  writeFileSync(task, `import { fakeTask } from ${JSON.stringify(FAKE_TASK)};\nexport default fakeTask({ id: '../escape' });\n`);
  const results = join(dir, 'results');
  const [outcome] = await evaluate(parseRunOptions({ task, model: backendNamed(dir, 'm'), shots: '0', limit: '2', promptStyle: 'paper', resultsDir: results, quiet: true }));
  assert.equal(dirname(outcome!.path), join(results, 'm'));
  assert.match(outcome!.path, /\/escape-0shot-sample-limit2~[0-9a-f]{10}-[0-9a-f]{8}\.json$/);
  assert.ok(readdirSync(join(results, 'm', 'journals')).every((file) => /^escape-0shot~[0-9a-f]{10}-[0-9a-f]{16}\.jsonl$/.test(file)));
});
