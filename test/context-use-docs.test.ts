// docs/context-use.md: its commands run as written (in a scratch folder, results/ under it), and its table is the
// output format of scripts/context-use-table.ts for the script's default models, tasks and shots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextUseTable, DEFAULTS, END, renderTable, replaceTable, START } from '../scripts/context-use-table.ts';

const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
const DOC = readFileSync(new URL('../docs/context-use.md', import.meta.url), 'utf8');

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'context-docs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('every flamingo-eval command of the page runs', (t) => {
  const dir = scratch(t);
  const commands = [...DOC.matchAll(/```\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.trim().split('\n')).filter((line) => line.startsWith('flamingo-eval '));
  assert.equal(commands.length, 3, commands.join('\n'));
  const outputs = commands.map((command) => {
    const run = spawnSync(process.execPath, [BIN, ...command.split(/\s+/).slice(1)], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, `${command}\n${run.stderr}`);
    return run.stdout;
  });
  assert.ok(JSON.parse(outputs[0]!)[0].contextUse, 'the --json row has contextUse');
  assert.match(outputs[1]!, /baseline-majority +│ okvqa 4-shot/);
  assert.match(outputs[2]!, /okvqa 4-shot context use: copy/);
});

test('the table: one line per default model x task x shots, in the script\'s format', async (t) => {
  const table = DOC.slice(DOC.indexOf(START) + START.length, DOC.indexOf(END)).trim().split('\n');
  const head = renderTable([]).split('\n')[0];
  assert.equal(table[0], head);
  const rows = table.slice(2).map((line) => line.split(' | ').map((cell) => cell.replace(/^\| /, '')));
  const expected = DEFAULTS.models.split(',').flatMap((model) =>
    DEFAULTS.tasks.split(',').flatMap((task) => DEFAULTS.shots.split(',').map((shots) => [model, task, shots].join(' '))),
  );
  assert.deepEqual(rows.map((cells) => cells.slice(0, 3).join(' ')), expected);
  // Every row has its four ablation deltas.
  for (const cells of rows) assert.match(cells.slice(-4).join(' '), /^[+-]\d+\.\d [+-]\d+\.\d [+-]\d+\.\d [+-]\d+\.\d \|$/);

  const dir = scratch(t);
  const small = await contextUseTable({ models: 'baseline:majority', tasks: 'okvqa', shots: '4', seeds: '42', resultsDir: dir });
  const lines = small.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[2]!, /^\| baseline-majority \| okvqa \| 4 \| vqa_accuracy \| \d+\.\d \| 100\.0 \(\d+\.\d\) \|/);
  assert.equal(replaceTable(`a\n${START}\nold\n${END}\nb`, small, 'f.md'), `a\n${START}\n${small}${END}\nb`);
  assert.throws(() => replaceTable('no markers', small, 'f.md'), /f\.md: no <!-- context-use-table --> \.\.\. <!-- \/context-use-table --> markers/);
});
