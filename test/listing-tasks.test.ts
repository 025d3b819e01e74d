import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { listTasks, renderTaskListing } from '../src/tasks/listing.ts';
import type { Task } from '../src/core/types.ts';

const bin = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

const fakeTask = {
  id: 'memes',
  title: 'Fake memes',
  modality: 'image',
  kind: 'rank',
  splits: { support: 'train', query: 'dev_seen' },
  files: [
    { name: 'train.jsonl', description: 'training memes', source: 'https://example.org/memes', required: true },
    { name: 'img', description: 'images (folder)', source: 'https://example.org/memes', required: false },
  ],
  metric: 'roc_auc',
} as unknown as Task;

test('listTasks: one entry per task with metric, splits, official files and the sample-data flag', () => {
  const listing = listTasks({ memes: fakeTask }, (id) => id === 'memes');
  assert.deepEqual(listing, [
    {
      id: 'memes',
      title: 'Fake memes',
      modality: 'image',
      kind: 'rank',
      metric: 'roc_auc',
      splits: { support: 'train', query: 'dev_seen' },
      protocolQuerySize: null,
      files: [
        { name: 'train.jsonl', description: 'training memes', source: 'https://example.org/memes', required: true },
        { name: 'img', description: 'images (folder)', source: 'https://example.org/memes', required: false },
      ],
      sampleData: true,
      args: [],
    },
  ]);
  const text = renderTaskListing(listing, false);
  assert.match(text, /│ memes │ Fake memes │ image +│ close-ended \(rank\) │ roc_auc │ train \/ dev_seen +│ built in +│/);
  assert.match(text, /│ memes │ img \(optional\) +│ images \(folder\) │ https:\/\/example\.org\/memes │/);
  assert.doesNotMatch(text, /\u001b\[/);
});

test('flamingo-eval tasks --json lists the built-in tasks with their official files and sample data', () => {
  const run = spawnSync(process.execPath, [bin, 'tasks', '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const listing = JSON.parse(run.stdout) as ReturnType<typeof listTasks>;
  const ids = listing.map((t) => t.id);
  assert.ok(ids.includes('okvqa') && ids.includes('coco'), ids.join(', '));
  for (const task of listing) {
    assert.deepEqual(Object.keys(task), [
      'id',
      'title',
      'modality',
      'kind',
      'metric',
      'splits',
      'protocolQuerySize',
      'files',
      'sampleData',
      'args',
    ]);
    assert.ok(task.files.length > 0, `${task.id} lists its official files`);
    for (const file of task.files) assert.deepEqual(Object.keys(file), ['name', 'description', 'source', 'required']);
  }
  const okvqa = listing.find((t) => t.id === 'okvqa')!;
  assert.equal(okvqa.metric, 'vqa_accuracy');
  assert.equal(okvqa.sampleData, true);
  assert.ok(okvqa.files.some((f) => f.name === 'OpenEnded_mscoco_val2014_questions.json'));
  const coco = listing.find((t) => t.id === 'coco')!;
  assert.deepEqual([coco.metric, coco.kind, coco.sampleData], ['cider', 'generate', true]);
  assert.ok(coco.files.some((f) => f.name === 'dataset_coco.json' && f.source.startsWith('http')), 'Karpathy splits');
});

test('flamingo-eval tasks prints plain tables when piped', () => {
  const run = spawnSync(process.execPath, [bin, 'tasks'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /│ okvqa +│ OK-VQA +│ image +│ open-ended \(generate\) │ vqa_accuracy +│/);
  assert.match(run.stdout, /Official files expected under --data/);
  assert.doesNotMatch(run.stdout, /\u001b\[/);
});

test('flamingo-eval tasks prints, from the build catalogue, exactly the listing of the task modules', () => {
  // The CLI reads dist/task-catalogue.json (written by scripts/build.mjs) instead of loading the tasks.
  const catalogue = JSON.parse(readFileSync(new URL('../dist/task-catalogue.json', import.meta.url), 'utf8')) as unknown[];
  assert.equal(catalogue.length, listTasks().length);
  const run = spawnSync(process.execPath, [bin, 'tasks', '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), listTasks());
  const table = spawnSync(process.execPath, [bin, 'tasks'], { encoding: 'utf8' });
  assert.equal(table.stdout, renderTaskListing(listTasks(), false));
  // Same keys in the same order (JSON consumers may rely on it).
  assert.equal(run.stdout, `${JSON.stringify(listTasks(), null, 2)}\n`);
});

test('flamingo-eval tasks --json and the table show the arguments a task takes (--task-arg)', () => {
  const json = spawnSync(process.execPath, [bin, 'tasks', '--json'], { encoding: 'utf8' });
  const okvqa = (JSON.parse(json.stdout) as ReturnType<typeof listTasks>).find((t) => t.id === 'okvqa')!;
  assert.deepEqual(okvqa.args.map(({ name, type, default: value, identity, replaces }) => ({ name, type, value, identity, replaces })), [
    { name: 'stem', type: 'boolean', value: false, identity: true, replaces: '--okvqa-stem' },
  ]);
  const table = spawnSync(process.execPath, [bin, 'tasks'], { encoding: 'utf8' }).stdout;
  assert.match(table, /Task arguments:/);
  assert.match(table, /│ imagenet +│ keep-all-scores +│ boolean │ false +│/);
});
