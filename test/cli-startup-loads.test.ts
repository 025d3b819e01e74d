// What a command loads at start-up: `--version`, `--help`, `tasks`, `score --help` and `leaderboard` on a folder
// without records must not load the task modules, the scorers or the heavy packages (onnxruntime-node, sharp, vega),
// which would cost every such call tens of milliseconds (bench/startup.ts has the timings). Each command runs from
// dist/ (run `npm run build` first) with a module-resolution hook that writes down every module it loads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bin = fileURLToPath(new URL('../bin/flamingo-eval.js', import.meta.url));
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'startup-loads-'));
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.LOAD_LOG, result.url + '\\n');
  return result;
}
`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** The modules a command loads: each dist/ file's source modules (esbuild's `// src/...` markers) and packages. */
function loads(args: string[], cwd?: string): { sources: string[]; packages: string[]; status: number | null } {
  const log = join(dir, `${args.join('_').replace(/\W/g, '')}.log`);
  writeFileSync(log, '');
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, bin, ...args], {
    cwd,
    env: { ...process.env, LOAD_LOG: log },
    encoding: 'utf8',
  });
  const urls = [...new Set(readFileSync(log, 'utf8').split('\n').filter((line) => line.startsWith('file:')))];
  const sources = urls
    .filter((url) => url.includes('/dist/'))
    .flatMap((url) => readFileSync(fileURLToPath(url), 'utf8').match(/^\/\/ src\/\S+/gm) ?? [])
    .map((marker) => marker.slice(3));
  const packages = urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []);
  return { sources, packages, status: run.status };
}

// Light run modules are fine: src/run/defaults.ts (constants the run command's help shows), record-schema.ts (what
// leaderboard checks records with) and ablation-names.ts (the names a record's config.ablation may hold).
const HEAVY = /^src\/(tasks\/(index|okvqa|coco|kit\/)|metrics\/|run\/(?!defaults\.ts|record-schema\.ts|ablation-names\.ts)|backends\/onnx|media\/|report\/|plot\/)/;

for (const [name, args, empty] of [
  ['--version', ['--version'], false],
  ['--help', ['--help'], false],
  ['tasks', ['tasks'], false],
  ['score --help', ['score', '--help'], false],
  ['leaderboard in a folder without records', ['leaderboard'], true],
] as const) {
  test(`flamingo-eval ${name} loads no task module, scorer or heavy package`, () => {
    const cwd = empty ? mkdtempSync(join(dir, 'empty-')) : undefined;
    const { sources, packages, status } = loads([...args], cwd);
    assert.equal(status, empty ? 2 : 0);
    assert.ok(sources.includes('src/cli.ts'), `the hook saw the CLI load (${sources.length} modules)`);
    assert.deepEqual(sources.filter((source) => HEAVY.test(source)), []);
    assert.deepEqual(packages.filter((pkg) => /^(onnxruntime-node|sharp|vega|vega-lite|@huggingface\/tokenizers|commander)$/.test(pkg)), []);
  });
}

test('the check sees it when a command loads the task modules', () => {
  // A former run flag is looked up in the tasks' and backends' declarations (src/commands/former-flags.ts), which
  // loads them: the hook sees it, so the assertions above can fail (as --version did before it was a known flag).
  const { sources } = loads(['run', '--okvqa-stem']);
  assert.ok(sources.some((source) => source.startsWith('src/tasks/index.ts')), sources.join(' '));
});
