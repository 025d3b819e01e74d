import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { listModels, renderModelListing } from '../src/backends/listing.ts';
import type { BackendFactory } from '../src/core/types.ts';

const bin = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

const factory: BackendFactory = {
  scheme: 'echo',
  description: 'repeats the prompt',
  create: async () => {
    throw new Error('not used');
  },
};

test('listModels: backends by scheme, built-in models with parameter counts, the default', () => {
  const listing = listModels(
    [factory],
    [
      { name: 'tiny-m', spec: 'echo:m', description: 'a medium echo', parameters: 1_130_000 },
      { name: 'tiny-x', spec: 'echo:x', description: 'size unknown' },
    ],
    'tiny-m',
  );
  assert.deepEqual(listing, {
    default: 'tiny-m',
    backends: [{ scheme: 'echo', description: 'repeats the prompt', args: [] }],
    models: [
      { name: 'tiny-m', spec: 'echo:m', description: 'a medium echo', parameters: 1_130_000 },
      { name: 'tiny-x', spec: 'echo:x', description: 'size unknown', parameters: null },
    ],
  });
  const text = renderModelListing(listing, false);
  assert.match(text, /│ echo +│ --model echo:\.\.\. │ repeats the prompt │/);
  assert.match(text, /│ tiny-m │ 1\.1M +│ echo:m │ a medium echo │/);
  assert.match(text, /│ tiny-x │ - +│ echo:x │ size unknown +│/);
  assert.match(text, /Default model: tiny-m\./);
});

test('flamingo-eval models --json: the default, the backends and the built-in models', () => {
  const run = spawnSync(process.execPath, [bin, 'models', '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const listing = JSON.parse(run.stdout) as ReturnType<typeof listModels>;
  assert.deepEqual(Object.keys(listing), ['default', 'backends', 'models']);
  assert.equal(typeof listing.default, 'string');
  assert.ok(listing.backends.some((b) => b.scheme === 'baseline'), JSON.stringify(listing.backends));
  for (const b of listing.backends) assert.deepEqual(Object.keys(b), ['scheme', 'description', 'args']);
  for (const m of listing.models) {
    assert.deepEqual(Object.keys(m), ['name', 'spec', 'description', 'parameters']);
    assert.ok(m.parameters === null || (Number.isInteger(m.parameters) && m.parameters > 0), m.name);
  }
});

test('flamingo-eval models prints plain tables when piped', () => {
  const run = spawnSync(process.execPath, [bin, 'models'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /│ baseline +│ --model baseline:\.\.\. │/);
  assert.doesNotMatch(run.stdout, /\u001b\[/);
});
