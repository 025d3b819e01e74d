// The source has no import cycles (type-only imports included: leaderboard/board.ts and records.ts used to import each
// other), and one test says whether --task or --model names a module file (core/plugin-module.ts isModuleSpec).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createBackend } from '../src/backends/index.ts';
import { isModuleSpec, splitModuleSpec } from '../src/core/plugin-module.ts';
import { resolveTask } from '../src/run/tasks.ts';

const SRC = new URL('../src/', import.meta.url).pathname;

/** Each source file's relative imports and re-exports (static, `import type` included). */
export function importGraph(root: string): Map<string, string[]> {
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
  return new Map(
    files.map((file) => [
      file,
      [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.{1,2}\/[^']+)'/gm)].map((m) => resolve(dirname(file), m[1]!)),
    ]),
  );
}

export function cyclesOf(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

test('src/ has no import cycles, type imports included', () => {
  const graph = importGraph(SRC);
  assert.ok(graph.size > 100 && (graph.get(join(SRC, 'leaderboard/board.ts'))?.length ?? 0) > 0);
  assert.deepEqual(cyclesOf(graph).map((cycle) => cycle.map((file) => relative(SRC, file)).join(' -> ')), []);
  // The finder finds one when there is one.
  assert.deepEqual(cyclesOf(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), [['a', 'b', 'c', 'a']]);
});

test('isModuleSpec: a JavaScript or TypeScript file name, or a path; a scheme\'s rest may hold slashes', () => {
  for (const spec of ['my-task.js', 'sub/t.mjs', './b.ts', './b.js:large', '../x', '/abs/x', 'C:\\x\\t.js', '.\\t', 'b.cts']) {
    assert.equal(isModuleSpec(spec), true, spec);
  }
  for (const spec of ['okvqa', 'flamingo-tiny-m', 'openai:org/model-7b', 'onnx:models/x', 'onnx:/abs/bundle', 'baseline:majority', 'all-image']) {
    assert.equal(isModuleSpec(spec), false, spec);
  }
  assert.deepEqual(splitModuleSpec('./b.js:large'), { file: './b.js', rest: 'large' });
  assert.deepEqual(splitModuleSpec('./b'), { file: './b', rest: '' });
});

test('--task and --model both load module files by that test', async () => {
  await assert.rejects(resolveTask('./no-such-task.mjs'), /--task \.\/no-such-task\.mjs: no such task module/);
  await assert.rejects(createBackend('./no-such-backend.mjs:x'), /--model \.\/no-such-backend\.mjs:x: no such backend module/);
  await assert.rejects(resolveTask('no-such-task'), /--task no-such-task: no built-in task by that id/);
  await assert.rejects(createBackend('no-such-model'), /--model no-such-model: no built-in model or backend scheme by that name/);
});
