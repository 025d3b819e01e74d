// A plugin written as docs/plugins.md shows (ESM `export default` in a .js file), saved in a folder without a
// package.json, must load for --task and --model alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importPluginModule } from '../src/core/plugin-module.ts';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/flamingo-eval.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fe-plugin-'));
const backendPath = join(dir, 'my-backend.js');
writeFileSync(
  backendPath,
  `export default {
  info: () => ({ name: 'plain-js', family: 'test', parameters: 1, contextLength: 16 }),
  async generate(requests) { return requests.map(() => ({ text: 'x' })); },
  async rank(requests) { return requests.map((r) => ({ logLikelihoods: r.candidates.map(() => 0) })); },
  async close() {},
};
`,
);
const taskPath = join(dir, 'my-task.js');
writeFileSync(
  taskPath,
  `export default {
  id: 'my-captions', title: 'My captions', modality: 'image', kind: 'generate',
  splits: { support: 'train', query: 'test' }, files: [],
  templates: { paper: { demonstration: () => [], query: () => [{ type: 'text', text: 'Output:' }] } },
  generation: { maxNewTokens: 20, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true },
  postprocess: (raw) => raw.trim(),
  metric: 'exact_match',
  async load() {
    const item = { id: 'q1', media: [], fields: {}, target: 'x', reference: 'x' };
    return { support: [], query: [item], files: [], sample: false };
  },
  score(items) { return { metrics: { exact_match: items[0].answer === 'x' ? 100 : 0 }, primary: 'exact_match' }; },
};
`,
);

test('importPluginModule loads an ESM .js file from a folder without package.json', async () => {
  const module = await importPluginModule(backendPath);
  assert.equal(typeof (module.default as { info?: unknown }).info, 'function');
  assert.equal(typeof (module.default as { generate?: unknown }).generate, 'function');
});

test('the CLI runs --task ./my-task.js --model ./my-backend.js from a folder without package.json', () => {
  const resultsDir = join(dir, 'results');
  const argv = ['--task', taskPath, '--model', backendPath, '--shots', '0', '--zero-shot-text-demos', '0'];
  const run = spawnSync(process.execPath, [BIN, ...argv, '--results-dir', resultsDir, '--json', '--quiet'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(run.status, 0, run.stderr);
  const [summary] = JSON.parse(run.stdout) as { task: string; model: string; mean: number }[];
  assert.deepEqual([summary!.task, summary!.model, summary!.mean], ['my-captions', 'plain-js', 100]);
});

test('a module with a syntax error is still reported, not hidden by the retry', async () => {
  const broken = join(dir, 'broken.js');
  writeFileSync(broken, 'export default {\n');
  await assert.rejects(importPluginModule(broken));
});
