// The docs cannot drift from the CLI: every `flamingo-eval ...` command in README.md and docs/*.md is checked against
// the real commander program (src/cli.ts buildProgram), every flag a page mentions in inline code must exist, and the
// commands that work on built-in data are run, in order, in a fresh folder per page (docs/running.md, "Commands in
// these docs"). The first tests check the checker itself on small synthetic pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../src/cli.ts';
import {
  allFlags,
  checkCommand,
  extractCommands,
  mentionedFlags,
  runnableArgs,
  type DocCommand,
} from './support/docs-commands.ts';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/flamingo-eval.js');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

/** Flags of other tools that the pages mention in inline code (Slurm, vLLM), with the page that mentions them. */
const FOREIGN_FLAGS: Record<string, string> = {
  '--array': 'docs/scale-out.md (sbatch)',
  '--dependency': 'docs/scale-out.md (sbatch)',
};

function problemsOf(markdown: string, file = 'page.md'): string[] {
  const program = buildProgram();
  return extractCommands(markdown, file).flatMap((command) =>
    command.kind === 'flamingo-eval' ? checkCommand(program, command).map((p) => `${p.file}:${p.line}: ${p.message}`) : [],
  );
}

test('the extractor finds commands in shell blocks and YAML args lists, joins continuations, drops comments', () => {
  const page = [
    'Text with `flamingo-eval --task okvqa` inline.',
    '```sh',
    'npm install && npx flamingo-eval --task okvqa --shots 4   # the quick start',
    'npx flamingo-eval leaderboard --format csv --paper > board.csv',
    'npx flamingo-eval --task coco --data ~/datasets \\',
    '  --shots 0,4',
    "echo '[1, 2]' > answers.json",
    'npx flamingo-eval --task vqav2 --shots 4   # flags-only',
    '```',
    '```yaml',
    'args: [npx, flamingo-eval, --shots, "0,4",',
    '       --data, /data]',
    '```',
    '```text',
    'flamingo-eval --not-a-command-here',
    '```',
    '```sh',
    "cat > plan.yaml <<'EOF'",
    'models: [baseline:majority]   # flamingo-eval --not-a-command',
    'tasks: [coco]',
    'EOF',
    'npx flamingo-eval sweep plan.yaml',
    '```',
  ].join('\n');
  const commands = extractCommands(page, 'page.md');
  assert.deepEqual(
    commands.map((c) => [c.line, c.kind, c.args, c.stdoutTo, c.flagsOnly]),
    [
      [3, 'flamingo-eval', ['--task', 'okvqa', '--shots', '4'], undefined, undefined],
      [4, 'flamingo-eval', ['leaderboard', '--format', 'csv', '--paper'], 'board.csv', undefined],
      [5, 'flamingo-eval', ['--task', 'coco', '--data', '~/datasets', '--shots', '0,4'], undefined, 'a path under ~/'],
      [7, 'write', ['[1, 2]'], 'answers.json', undefined],
      [8, 'flamingo-eval', ['--task', 'vqav2', '--shots', '4'], undefined, 'marked # flags-only'],
      [11, 'flamingo-eval', ['--shots', '0,4', '--data', '/data'], undefined, 'a cluster volume path'],
      [18, 'write', ['models: [baseline:majority]   # flamingo-eval --not-a-command\ntasks: [coco]'], 'plan.yaml', undefined],
      [22, 'flamingo-eval', ['sweep', 'plan.yaml'], undefined, undefined],
    ],
  );
});

test('a page naming a removed or unknown flag, an unknown subcommand or a bad choice fails, naming file and line', () => {
  const page = [
    '# Old docs',
    '```sh',
    'npx flamingo-eval --task okvqa --shots 4 --no-such-flag',
    'npx flamingo-eval leaderbord results/',
    'npx flamingo-eval leaderboard --format xml',
    'npx flamingo-eval score --metric vqa --predictions p.json --references',
    'npx flamingo-eval tasks extra-argument',
    'npx flamingo-eval --task okvqa --shots 4 --data ~/datasets --okvqa-stemming   # placeholders are still checked',
    '```',
  ].join('\n');
  assert.deepEqual(problemsOf(page, 'docs/old.md'), [
    'docs/old.md:3: run: unknown flag --no-such-flag',
    `docs/old.md:4: unknown subcommand "leaderbord" (the CLI has: ${buildProgram().commands.map((c) => c.name()).join(', ')})`,
    'docs/old.md:5: leaderboard: --format xml: not one of table, csv, md',
    'docs/old.md:6: score: --references needs a value',
    'docs/old.md:7: tasks: unexpected argument "extra-argument"',
    'docs/old.md:8: run: unknown flag --okvqa-stemming',
  ]);
});

test('a flag the CLI no longer has fails the check when a page mentions it: the checker reads the real program', () => {
  const page = '```sh\nnpx flamingo-eval --task okvqa --shots 4 --fresh\n```\n';
  assert.deepEqual(problemsOf(page), []);
  // The same page against a program whose run command lost --fresh (as when a flag is removed from the CLI).
  const program = buildProgram();
  // Every command that has it loses it (run, and sweep, which passes it on to run).
  for (const command of program.commands) {
    (command as unknown as { options: unknown[] }).options = command.options.filter((o) => o.long !== '--fresh');
  }
  const [command] = extractCommands(page, 'docs/running.md');
  assert.deepEqual(checkCommand(program, command!), [{ file: 'docs/running.md', line: 2, message: 'run: unknown flag --fresh' }]);
  assert.ok(!allFlags(program).has('--fresh'));
});

test('usage notation reads as the flags it shows; inline code mentions are found with their lines', () => {
  const usage = '```sh\nflamingo-eval score --metric <name> --predictions <file> --references <file> [--json] [--ci [--seed N] [--ci-samples N]]\n```';
  assert.deepEqual(problemsOf(usage), []);
  assert.deepEqual(problemsOf(usage.replace('[--json]', '[--jsn]')), ['page.md:2: score: unknown flag --jsn']);
  assert.deepEqual(mentionedFlags('a\n| `--okvqa-stem` | `--max-new-tokens`, `--num-beams` |\n```sh\n--not-this\n```\n`x --y-z`'), [
    { flag: '--okvqa-stem', line: 2 },
    { flag: '--max-new-tokens', line: 2 },
    { flag: '--num-beams', line: 2 },
    { flag: '--y-z', line: 6 },
  ]);
  assert.deepEqual(runnableArgs(['--task', 'okvqa']), ['--task', 'okvqa', '--limit', '2']);
  assert.deepEqual(runnableArgs(['run', '--task', 'coco', '--protocol', 'flamingo']), ['run', '--task', 'coco', '--protocol', 'flamingo']);
  assert.deepEqual(runnableArgs(['leaderboard']), ['leaderboard']);
});

test('every documented flamingo-eval command names a real subcommand and real flags', () => {
  const problems: string[] = [];
  let count = 0;
  for (const page of pages) {
    const text = readFileSync(join(root, page), 'utf8');
    count += extractCommands(text, page).length;
    problems.push(...problemsOf(text, page));
  }
  assert.ok(count >= 40, `only ${count} commands found in ${pages.join(', ')}`);
  assert.deepEqual(problems, []);
});

test('every flag the pages mention exists, and every flag of the CLI is documented in docs/', () => {
  const program = buildProgram();
  const flags = allFlags(program);
  const unknown: string[] = [];
  const mentioned = new Set<string>();
  for (const page of pages) {
    const text = readFileSync(join(root, page), 'utf8');
    for (const { flag, line } of mentionedFlags(text)) {
      mentioned.add(flag);
      if (!flags.has(flag) && !(flag in FOREIGN_FLAGS)) unknown.push(`${page}:${line}: ${flag} is not a flag of flamingo-eval`);
    }
    for (const command of extractCommands(text, page)) command.args.forEach((a) => a.startsWith('--') && mentioned.add(a.split('=')[0]!));
  }
  assert.deepEqual(unknown, []);
  const undocumented = program.commands.flatMap((c) =>
    c.options.filter((o) => o.long && !mentioned.has(o.long)).map((o) => `${c.name()} ${o.long}`),
  );
  assert.deepEqual(undocumented, [], 'flags of the CLI that no page of docs/ or README.md mentions');
});

test('the documented commands that work on built-in data run, in order, in a fresh folder per page', { timeout: 540_000 }, () => {
  let ran = 0;
  for (const page of pages) {
    const commands = extractCommands(readFileSync(join(root, page), 'utf8'), page).filter(
      (c: DocCommand) => c.kind === 'write' || c.flagsOnly === undefined,
    );
    if (commands.length === 0) continue;
    const dir = mkdtempSync(join(tmpdir(), 'docs-commands-'));
    try {
      // The pages' commands run from a clone: sample-data/ is beside them.
      symlinkSync(join(root, 'sample-data'), join(dir, 'sample-data'));
      for (const command of commands) {
        if (command.kind === 'write') {
          writeFileSync(join(dir, command.stdoutTo!), `${command.args[0]}\n`);
          continue;
        }
        const args = runnableArgs(command.args);
        const result = spawnSync(process.execPath, [bin, ...args], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1' },
          timeout: 240_000,
          maxBuffer: 64 * 1024 * 1024,
        });
        assert.equal(
          result.status,
          0,
          `${page}:${command.line}: \`flamingo-eval ${args.join(' ')}\` exited with ${result.status}:\n${result.stderr}`,
        );
        if (command.stdoutTo !== undefined) writeFileSync(join(dir, command.stdoutTo), result.stdout);
        ran += 1;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  assert.ok(ran >= 20, `only ${ran} documented commands ran`);
});

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

test('every relative link of the pages points at a file that exists, and at a heading it has', () => {
  const broken: string[] = [];
  for (const page of pages) {
    const text = readFileSync(join(root, page), 'utf8');
    const base = join(root, page, '..');
    text.split('\n').forEach((line, index) => {
      for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const file = path === '' ? join(root, page) : join(base, path);
        let content: string;
        try {
          content = readFileSync(file, 'utf8');
        } catch {
          broken.push(`${page}:${index + 1}: ${target} (no such file)`);
          continue;
        }
        if (anchor === undefined) continue;
        const anchors = content.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => anchorOf(l.replace(/^#+ /, '')));
        if (!anchors.includes(anchor)) broken.push(`${page}:${index + 1}: ${target} (no heading #${anchor})`);
      }
    });
  }
  assert.deepEqual(broken, []);
});
