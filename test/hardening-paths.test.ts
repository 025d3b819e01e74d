// Hardening: nothing an annotation file names may reach outside the dataset folder (src/core/dataset-paths.ts), and
// the user's own symlinked folders under --data are followed. Table-driven over every task that joins names read from
// its files to a folder: each gets a `../` name and an absolute name in the field that names its media, on a copy of
// its sample data, and must refuse it naming the file and the field, before any byte outside is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, symlink, writeFile, readdir, unlink, mkdir, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.ts';
import { nameOutsideReason, resolveInside } from '../src/core/dataset-paths.ts';
import { clearFileIndex, findOfficialFile } from '../src/core/data-files.ts';
import { sampleDataDir } from '../src/core/sample-data.ts';
import type { MediaRef, Task } from '../src/core/types.ts';
import { builtinTasks } from '../src/tasks/index.ts';
import { copyOfSample, type DataCopy } from './support/task-data.ts';

test('resolveInside: plain and nested names join; ../, absolute, drive, UNC, NUL and the folder itself are refused', () => {
  assert.equal(resolveInside('/data/coco', 'a.jpg', 'f.json: [0].filename'), '/data/coco/a.jpg');
  assert.equal(resolveInside('/data/coco', 'sub/a.jpg', 'f.json: [0].filename'), '/data/coco/sub/a.jpg');
  assert.equal(resolveInside('/data/coco', 'sub/../a.jpg', 'f.json: [0].filename'), '/data/coco/a.jpg');
  for (const name of ['../a.jpg', '../../etc/passwd', 'sub/../../a', '..', '/etc/passwd', 'C:\\x.jpg', 'c:x', '\\\\host\\share\\x', '..\\x', 'a\0b', '.', '']) {
    assert.throws(
      () => resolveInside('/data/coco', name, 'train.csv:7 column "video_id"'),
      (error: unknown) => {
        assert.ok(error instanceof InputError, String(error));
        assert.match(error.message, /^train\.csv:7 column "video_id": the name .* is refused/);
        assert.equal(error.file, 'train.csv');
        return true;
      },
      JSON.stringify(name),
    );
  }
  assert.equal(nameOutsideReason('x/y.mp4'), undefined);
  assert.match(nameOutsideReason('../y')!, /climbs/);
  assert.match(nameOutsideReason('/y')!, /absolute/);
});

interface Case {
  task: string;
  /** The file (relative to the sample folder) whose text holds `original`. */
  file: string;
  /** The name as written in the file, replaced by the injected one (every occurrence). */
  original: string;
  /** How to write an injected name in place of `original` (e.g. keep VATEX's `_<start>_<end>`). */
  inject?: (name: string) => string;
  /** The field the error must name. */
  field: string;
  /** Make the injected name's medium absent, when the task would find the medium by another key. */
  prepare?: (copy: DataCopy) => Promise<void>;
}

/** Every task that joins a name read from its files to a folder. (OK-VQA, VQAv2, VisDial and MSRVTT-QA build file
 * names from numbers, which the readers check are numbers; ImageNet's class folders come from the disk.) */
const CASES: Case[] = [
  { task: 'coco', file: 'dataset_coco.json', original: 'COCO_train2014_000000568756.jpg', field: 'filename' },
  { task: 'flickr30k', file: 'dataset_flickr30k.json', original: '3357939057.jpg', field: 'filename' },
  { task: 'hatefulmemes', file: 'train.jsonl', original: 'img/25017.png', inject: () => 'img/..', field: 'img' },
  { task: 'textvqa', file: 'TextVQA_0.5.1_val.json', original: '6c14c5ae24caba0f', field: 'image_id' },
  { task: 'vizwiz', file: 'val.json', original: 'VizWiz_val_00000000.jpg', field: 'image' },
  { task: 'msvdqa', file: 'youtube_mapping.txt', original: 'Qq3nNntIYZo_42_45', field: 'clip name' },
  { task: 'ivqa', file: 'test.csv', original: 'bniDt7-P2Xh', field: 'video_id' },
  {
    task: 'nextqa',
    file: 'nextqa/map_vid_vidorID.json',
    original: '1000/2400000000',
    // A place must be "<folder>/<video>": an absolute one fails that, a climbing one the path policy.
    inject: (name) => (name.startsWith('/') ? name : `../${name.split('/').pop()}`),
    field: '2400000000',
    prepare: async (copy) => {
      // NExT-QA finds a video by its number first; the mapped place is the path only for a video not on disk.
      for (const folder of await readdir(copy.path(''), { recursive: true })) {
        if (folder.endsWith('2400000000.mp4')) await unlink(copy.path(folder));
      }
    },
  },
  { task: 'star', file: 'STAR_val.json', original: 'BHAHJ', field: 'video_id' },
  { task: 'vatex', file: 'vatex_public_test_english_v1.1.json', original: '6UM4FPWJoT9_000130_000140', inject: (n) => `${n}_000130_000140`, field: 'videoID' },
  { task: 'youcook2', file: 'youcookii_annotations_trainval.json', original: 'mX2wYjuVi_b', field: 'database' },
  { task: 'rareact', file: 'rareact.csv', original: 'OFEcADNRYQy', field: 'video_id' },
  { task: 'kinetics700', file: 'kinetics700_2020/validate.csv', original: 'pMN6VF6LSML', field: 'youtube_id' },
];

const OUTSIDE = ['../../../../outside/secret', '/etc/passwd'];

for (const c of CASES) {
  for (const name of OUTSIDE) {
    test(`${c.task}: the name ${JSON.stringify(name)} in ${c.file} is refused, naming the file and the field`, async () => {
      const task = builtinTasks[c.task]!;
      const copy = await copyOfSample(c.task);
      try {
        const path = copy.path(c.file);
        const text = await readFile(path, 'utf8');
        assert.ok(text.includes(c.original), `${c.file} holds ${c.original}`);
        const written = (c.inject ?? ((n: string) => n))(name);
        // JSON-escaped where the file is JSON (a Windows-style name would need it); the test names need none.
        await writeFile(path, text.split(c.original).join(written));
        await c.prepare?.(copy);
        clearFileIndex();
        await assert.rejects(loadAll(task, copy.dir), (error: unknown) => {
          assert.ok(error instanceof InputError, `an InputError, got ${String(error)}`);
          const file = c.file.split('/').pop()!;
          assert.ok(error.message.includes(file), `"${error.message}" names ${file}`);
          assert.ok(error.message.includes(c.field), `"${error.message}" names the field ${c.field}`);
          if (c.task !== 'hatefulmemes' || name.startsWith('..')) assert.match(error.message, /is refused|expected "img\/<file>"|expected "<folder>\/<video>"/);
          return true;
        });
      } finally {
        await copy.remove();
      }
    });
  }
}

/** Loads every split of the task (the mutated file may be the support's or the query's). */
async function loadAll(task: Task, dataDir: string): Promise<MediaRef[]> {
  const splits: (string | undefined)[] = [undefined, 'val', 'test'];
  const media: MediaRef[] = [];
  let loaded = false;
  let last: unknown;
  for (const split of splits) {
    try {
      const data = await task.load(split === undefined ? { dataDir } : { dataDir, split });
      loaded = true;
      for (const example of [...data.support, ...data.query]) media.push(...example.media);
    } catch (error) {
      if (error instanceof InputError) throw error;
      last = error; // a split the task does not have (UsageError)
    }
  }
  if (!loaded) throw last;
  // Loading succeeded: no path may be outside the data folder.
  for (const medium of media) assert.ok(!medium.path.includes('outside') && !medium.path.startsWith('/etc'), medium.path);
  return media;
}

test('a dataset folder reached through a symlink under --data is found (~/datasets/coco -> /mnt/nfs/coco)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'symlinked-data-'));
  try {
    const nfs = join(root, 'nfs');
    const datasets = join(root, 'datasets');
    await mkdir(datasets);
    await cp(sampleDataDir('star'), join(nfs, 'star'), { recursive: true });
    await cp(sampleDataDir('coco'), join(nfs, 'coco'), { recursive: true });
    await symlink(join(nfs, 'star'), join(datasets, 'star'));
    await symlink(join(nfs, 'coco'), join(datasets, 'coco'));
    // A link loop and a second link to the same folder must neither hang the walk nor make files ambiguous.
    await symlink(datasets, join(nfs, 'star', 'loop'));
    await symlink(join(nfs, 'coco'), join(datasets, 'coco-again'));
    clearFileIndex();
    const star = await builtinTasks.star!.load({ dataDir: datasets });
    assert.equal(star.query.length, 6);
    for (const example of star.query) assert.match(example.media[0]!.path, /datasets\/star\/.*\.mp4$/);
    const coco = await builtinTasks.coco!.load({ dataDir: datasets });
    assert.ok(coco.query.length > 0);
    assert.match(await findOfficialFile(datasets, 'dataset_coco.json'), /datasets\/coco(-again)?\/dataset_coco\.json$/);
    // A symlinked file is found too.
    const files = join(root, 'files');
    await mkdir(files);
    await symlink(join(nfs, 'star', 'STAR_train.json'), join(files, 'STAR_train.json'));
    clearFileIndex();
    assert.equal(await findOfficialFile(files, 'STAR_train.json'), join(files, 'STAR_train.json'));
  } finally {
    clearFileIndex();
    await rm(root, { recursive: true, force: true });
  }
});

test('ImageNet class folders and image files that are symlinks are read as the folders and files they point to', async () => {
  const copy = await copyOfSample('imagenet');
  try {
    const before = await builtinTasks.imagenet!.load({ dataDir: copy.dir });
    const train = copy.path('train');
    const wnid = (await readdir(train)).sort()[0]!;
    const elsewhere = join(copy.dir, 'elsewhere');
    await mkdir(elsewhere);
    await cp(join(train, wnid), join(elsewhere, wnid), { recursive: true });
    await rm(join(train, wnid), { recursive: true });
    await symlink(join(elsewhere, wnid), join(train, wnid));
    clearFileIndex();
    const after = await builtinTasks.imagenet!.load({ dataDir: copy.dir });
    assert.deepEqual(after.support.map((e) => e.id), before.support.map((e) => e.id));
    assert.deepEqual(after.query.map((e) => e.id), before.query.map((e) => e.id));
  } finally {
    await copy.remove();
  }
});
