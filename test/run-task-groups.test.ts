// `--task all-image` and comma lists: which tasks run, in which order, with which shots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../src/core/errors.ts';
import { resolveRunTasks } from '../src/run/tasks.ts';
import { builtinTasks } from '../src/tasks/index.ts';

const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
const imageIds = Object.values(builtinTasks)
  .filter((task) => task.modality === 'image')
  .map((task) => task.id);

test('all-image is every built-in image task, in registry order, each once', async () => {
  for (const id of ['coco', 'okvqa', 'vqav2', 'flickr30k', 'vizwiz', 'textvqa']) assert.ok(imageIds.includes(id), id);
  const warnings: string[] = [];
  const tasks = await resolveRunTasks(['coco', 'all-image', 'vqav2'], { shots: [0, 4] }, (m) => warnings.push(m));
  assert.deepEqual(
    tasks.map((t) => t.task.id),
    imageIds,
    'coco keeps its place; the repeated ids run once',
  );
  assert.ok(tasks.every((t) => t.source === 'builtin' && t.shots.join() === '0,4'));
  assert.deepEqual(warnings, []);
  assert.ok(tasks.every((t) => t.task.modality === 'image'));
});

test('a comma list keeps its order and drops repeats', async () => {
  const tasks = await resolveRunTasks(['textvqa', 'okvqa', 'textvqa'], { shots: [0] }, () => {});
  assert.deepEqual(tasks.map((t) => t.task.id), ['textvqa', 'okvqa']);
});

test('a capped task skips larger shots inside a group (with a note) and refuses them when named', async () => {
  const capped = Object.values(builtinTasks).find((task) => task.modality === 'image' && task.maxShots !== undefined);
  if (!capped) return; // no capped image task installed
  const warnings: string[] = [];
  const shots = [0, capped.maxShots!, capped.maxShots! * 2];
  const tasks = await resolveRunTasks(['all-image'], { shots }, (m) => warnings.push(m));
  assert.deepEqual(tasks.find((t) => t.task.id === capped.id)!.shots, [0, capped.maxShots!]);
  assert.deepEqual(tasks.find((t) => t.task.id === 'vqav2')!.shots, shots);
  assert.deepEqual(warnings, [
    `${capped.id}: skipping ${capped.maxShots! * 2} shots (all-image; the task allows at most ${capped.maxShots})`,
  ]);
  await assert.rejects(
    resolveRunTasks([capped.id], { shots }, () => {}),
    (e: unknown) => e instanceof UsageError && e.message.includes(`--shots ${capped.maxShots! * 2}: task ${capped.id} allows at most`),
  );
});

test('--split names a split of one task: refused with several', async () => {
  await assert.rejects(
    resolveRunTasks(['vqav2', 'vizwiz'], { shots: [0], split: 'test' }, () => {}),
    (e: unknown) => e instanceof UsageError && /--split test names a split of one task, but --task gives 2 \(vqav2, vizwiz\)/.test(e.message),
  );
  await assert.rejects(
    resolveRunTasks(['all-image'], { shots: [0], split: 'val' }, () => {}),
    (e: unknown) => e instanceof UsageError && /--split val/.test(e.message),
  );
  assert.equal((await resolveRunTasks(['vqav2'], { shots: [0], split: 'test-dev' }, () => {})).length, 1);
});

test('an unknown id inside a list is named', async () => {
  await assert.rejects(
    resolveRunTasks(['coco', 'cocoa'], { shots: [0] }, () => {}),
    (e: unknown) => e instanceof UsageError && e.message.startsWith('--task cocoa: no built-in task'),
  );
});

test('flamingo-eval --task all-image writes one record per task x shots', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-all-image-'));
  try {
    const cli = spawnSync(
      process.execPath,
      [BIN, '--task', 'all-image', '--shots', '0,4', '--limit', '6', '--model', 'baseline:majority', '--results-dir', dir, '--json'],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    assert.equal(cli.status, 0, cli.stderr);
    const rows = JSON.parse(cli.stdout) as { task: string; shots: number; n: number }[];
    assert.deepEqual(
      rows.map((r) => `${r.task}/${r.shots}`),
      imageIds.flatMap((id) => [`${id}/0`, `${id}/4`]),
    );
    const records = readdirSync(join(dir, 'baseline-majority')).filter((f) => f.endsWith('.json')).sort();
    assert.deepEqual(
      records.map((name) => name.replace(/-sample-limit6-[0-9a-f]{8}\.json$/, '.json')),
      imageIds.flatMap((id) => [`${id}-0shot.json`, `${id}-4shot.json`]).sort(),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
