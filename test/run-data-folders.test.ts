// Per-task data folders: one --data root holding several datasets (ImageNet, VizWiz and Kinetics all publish a
// `train/`), each task reading <root>/<task id>/ first and the root for what it shares (OK-VQA's COCO images), and
// explicit `--data <task>=<dir>` folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { cp, mkdir, rename, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearFileIndex } from '../src/core/data-files.ts';
import { UsageError } from '../src/core/errors.ts';
import { sampleDataDir } from '../src/core/sample-data.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { dataDirFor, parseRunOptions } from '../src/run/options.ts';

const scratch = (t: { after(fn: () => void): void }, prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

async function run(task: string, data: string, t: { after(fn: () => void): void }) {
  clearFileIndex();
  const resultsDir = scratch(t, 'data-folders-results-');
  const outcomes = await evaluate(parseRunOptions({ task, model: 'baseline:majority', data, shots: '0', resultsDir, quiet: true }));
  return outcomes.map((o) => o.record);
}

test('a root holding ImageNet, VizWiz and Kinetics: each task reads <root>/<task id>/ (no train/ ambiguity)', async (t) => {
  const root = scratch(t, 'data-root-');
  for (const id of ['imagenet', 'vizwiz', 'kinetics700']) await cp(sampleDataDir(id), join(root, id), { recursive: true });
  const [vizwiz] = await run('vizwiz', root, t);
  assert.ok(vizwiz!.data.files.every((f) => f.path.startsWith(join(root, 'vizwiz'))), JSON.stringify(vizwiz!.data.files));
  assert.equal(vizwiz!.config.dataDir, join(root, 'vizwiz'));
  const [imagenet] = await run('imagenet', root, t);
  assert.ok(imagenet!.data.files.every((f) => f.path.startsWith(join(root, 'imagenet'))));
});

test('OK-VQA in <root>/okvqa/ finds the COCO images it shares at <root>/coco/; a symlinked dataset folder is followed', async (t) => {
  const root = scratch(t, 'data-root-');
  const elsewhere = scratch(t, 'data-nfs-');
  await cp(sampleDataDir('okvqa'), join(elsewhere, 'okvqa'), { recursive: true });
  await mkdir(join(root, 'coco'));
  for (const folder of ['train2014', 'val2014']) await rename(join(elsewhere, 'okvqa', folder), join(root, 'coco', folder));
  // ~/datasets/okvqa -> /mnt/nfs/okvqa
  await symlink(join(elsewhere, 'okvqa'), join(root, 'okvqa'));
  const [record] = await run('okvqa', root, t);
  assert.ok(record!.summary.n > 0);
  assert.equal(record!.config.dataDir, join(root, 'okvqa'));
  assert.equal(record!.config.dataRoot, root);
});

test('NExT-QA as its release unpacks (nextqa/ annotations beside NExTVideo/): --data at that folder and at a root above it', async (t) => {
  const root = scratch(t, 'data-root-');
  await cp(sampleDataDir('nextqa'), join(root, 'nextqa'), { recursive: true });
  // --data <the dataset's folder>: its `nextqa/` is the task's folder, holding no video; the videos beside it are read.
  const [own] = await run('nextqa', join(root, 'nextqa'), t);
  assert.equal(own!.summary.n, own!.data.querySize);
  assert.ok(own!.trials.every((trial) => trial.skipped === 0));
  assert.equal(own!.config.dataDir, join(root, 'nextqa', 'nextqa'));
  // --data <a root holding it>: `<root>/nextqa/` holds annotations and videos.
  const [above] = await run('nextqa', root, t);
  assert.equal(above!.summary.n, own!.summary.n);
  assert.deepEqual(above!.summary.metrics, own!.summary.metrics);
});

test('--data <task>=<dir> per task, with or without a root; a task not in the run is a usage error', async (t) => {
  const vizwiz = scratch(t, 'vizwiz-own-');
  await cp(sampleDataDir('vizwiz'), vizwiz, { recursive: true });
  const [record] = await run('vizwiz', `vizwiz=${vizwiz}`, t);
  assert.equal(record!.config.dataDir, vizwiz);

  const root = scratch(t, 'data-root-');
  const options = parseRunOptions({ task: 'vizwiz,okvqa', data: `${root},vizwiz=${vizwiz}` });
  assert.equal(dataDirFor(options, 'vizwiz'), vizwiz);
  assert.equal(dataDirFor(options, 'okvqa'), root);
  assert.throws(() => parseRunOptions({ task: 'okvqa', data: `${root},${vizwiz}` }), /one root folder at most/);
  assert.throws(() => parseRunOptions({ task: 'okvqa', data: 'okvqa=/no/such/dir' }), /--data okvqa=.*no such directory/);
  await assert.rejects(
    evaluate(parseRunOptions({ task: 'okvqa', model: 'baseline:majority', data: `coco=${vizwiz}`, quiet: true })),
    (error: unknown) => error instanceof UsageError && /--data coco=\.\.\.: coco is not a task of this run \(tasks: okvqa\)/.test(error.message),
  );
});
