import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.ts';
import { clearFileIndex, describeUsedFile, findOfficialFile, findOptionalFile } from '../src/core/data-files.ts';

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'data-files-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  clearFileIndex();
  return root;
}

test('finds a file at any depth, and a folder when asked for one', async () => {
  const root = await tree({ 'coco/annotations/captions_val2014.json': '{}', 'coco/images/val2014/a.jpg': 'x' });
  try {
    assert.equal(await findOfficialFile(root, 'captions_val2014.json'), join(root, 'coco/annotations/captions_val2014.json'));
    assert.equal(await findOfficialFile(root, 'val2014', { kind: 'directory' }), join(root, 'coco/images/val2014'));
    await assert.rejects(findOfficialFile(root, 'val2014'), /val2014 not found/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a missing file names itself, the folder searched and where it is published', async () => {
  const root = await tree({ 'other.json': '{}' });
  try {
    await assert.rejects(
      findOfficialFile(root, 'dataset_coco.json', { source: 'https://example.org/karpathy', description: 'Karpathy splits' }),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.match(error.message, /dataset_coco\.json \(Karpathy splits\) not found/);
        assert.ok(error.message.includes(root));
        assert.ok(error.message.includes('https://example.org/karpathy'));
        return true;
      },
    );
    assert.equal(await findOptionalFile(root, 'dataset_coco.json'), undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('identical copies are not ambiguous: the one nearest the root is read, and stderr says so', async () => {
  const root = await tree({ 'a/b/dataset_coco.json': '{"x": 1}', 'c/dataset_coco.json': '{"x": 1}' });
  try {
    const notices: string[] = [];
    const chosen = await findOfficialFile(root, 'dataset_coco.json', { notice: (line) => notices.push(line) });
    assert.equal(chosen, join(root, 'c', 'dataset_coco.json'));
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /dataset_coco\.json: 2 identical copies under --data .*; reading c\/dataset_coco\.json/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('different files of one name: the canonical location is read when the task names one, else an error', async () => {
  const root = await tree({ 'mirror/train.csv': 'a,b\n1,2\n', 'release/v1/train.csv': 'a,b\r\n1,2\r\n' });
  try {
    const notices: string[] = [];
    const chosen = await findOfficialFile(root, 'train.csv', { canonical: (p) => p.includes('release'), notice: (l) => notices.push(l) });
    assert.equal(chosen, join(root, 'release', 'v1', 'train.csv'));
    assert.match(notices[0]!, /train\.csv: reading release\/v1\/train\.csv \(the canonical location\); mirror\/train\.csv differ\(s\) from it/);
    await assert.rejects(findOfficialFile(root, 'train.csv'), /train\.csv is ambiguous: 2 different files .*Point --data at the folder holding the one to read/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('several different matches are an error listing every candidate', async () => {
  const root = await tree({ 'a/dataset_coco.json': '{}', 'b/c/dataset_coco.json': '{ }' });
  try {
    await assert.rejects(findOfficialFile(root, 'dataset_coco.json'), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /ambiguous: 2 different files/);
      assert.ok(error.message.includes(join('a', 'dataset_coco.json')));
      assert.ok(error.message.includes(join('b', 'c', 'dataset_coco.json')));
      return true;
    });
    await assert.rejects(findOptionalFile(root, 'dataset_coco.json'), /ambiguous/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('hidden folders and __MACOSX leftovers are not searched; a missing --data is an error', async () => {
  const root = await tree({ 'x/dataset_coco.json': '{}', '__MACOSX/x/dataset_coco.json': '', '.trash/dataset_coco.json': '' });
  try {
    assert.equal(await findOfficialFile(root, 'dataset_coco.json'), join(root, 'x/dataset_coco.json'));
    await assert.rejects(findOfficialFile(join(root, 'nope'), 'dataset_coco.json'), /--data .*nope is not a folder/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('describeUsedFile gives size and sha256; folders are described by their listing', async () => {
  const root = await tree({ 'f.json': 'hello', 'imgs/a.jpg': 'aa', 'imgs/sub/b.jpg': 'bbb' });
  try {
    const used = await describeUsedFile('annotations', join(root, 'f.json'));
    assert.deepEqual(used, {
      role: 'annotations',
      path: join(root, 'f.json'),
      bytes: 5,
      sha256: createHash('sha256').update('hello').digest('hex'),
    });
    const folder = await describeUsedFile('images', join(root, 'imgs'));
    assert.equal(folder.bytes, 5);
    const before = folder.sha256;
    await writeFile(join(root, 'imgs/c.jpg'), 'c');
    assert.notEqual((await describeUsedFile('images', join(root, 'imgs'))).sha256, before);
    await assert.rejects(describeUsedFile('x', join(root, 'missing.json')), /missing\.json does not exist/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('hashes of big files are cached by size and mtime', async () => {
  const root = await tree({});
  const previous = process.env.FLAMINGO_EVAL_CACHE;
  process.env.FLAMINGO_EVAL_CACHE = join(root, 'cache');
  try {
    const big = join(root, 'big.bin');
    await writeFile(big, Buffer.alloc(16 * 1024 * 1024, 7));
    const first = await describeUsedFile('big', big);
    const cacheFile = join(root, 'cache', 'file-hashes.json');
    const cache = JSON.parse(await readFile(cacheFile, 'utf8'));
    assert.equal(cache[big].sha256, first.sha256);
    // A planted value proves the second call reads the cache instead of rehashing.
    cache[big].sha256 = 'planted';
    await writeFile(cacheFile, JSON.stringify(cache));
    assert.equal((await describeUsedFile('big', big)).sha256, 'planted');
    // A new mtime invalidates the entry.
    await utimes(big, new Date(), new Date(Date.now() + 5000));
    assert.equal((await describeUsedFile('big', big)).sha256, first.sha256);
  } finally {
    if (previous === undefined) delete process.env.FLAMINGO_EVAL_CACHE;
    else process.env.FLAMINGO_EVAL_CACHE = previous;
    await rm(root, { recursive: true, force: true });
  }
});

test('an ambiguity among many files lists the first few and counts the rest', async () => {
  const files = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`copy${i}/train.json`, `{"v": ${i}}`]));
  const root = await tree(files);
  try {
    await assert.rejects(findOfficialFile(root, 'train.json'), /train\.json is ambiguous: 8 different files .*copy5\/train\.json and 2 more\. Point --data/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
