// Copies of the built-in sample datasets that a test may break (delete, truncate, edit) to check loader errors.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { clearFileIndex } from '../../src/core/data-files.ts';
import { sampleDataDir } from '../../src/core/sample-data.ts';
import type { Task } from '../../src/core/types.ts';

export interface DataCopy {
  dir: string;
  path(relative: string): string;
  readJson(relative: string): Promise<any>;
  writeJson(relative: string, value: unknown): Promise<void>;
  remove(): Promise<void>;
}

/** A fresh copy of sample-data/<taskId>/, nested one level deeper (as an unpacked archive would be). */
export async function copyOfSample(taskId: string): Promise<DataCopy> {
  const dir = await mkdtemp(join(tmpdir(), `${taskId}-data-`));
  await cp(sampleDataDir(taskId), join(dir, 'unpacked'), { recursive: true });
  clearFileIndex();
  const path = (relative: string) => join(dir, 'unpacked', relative);
  return {
    dir,
    path,
    readJson: async (relative) => JSON.parse(await readFile(path(relative), 'utf8')),
    writeJson: (relative, value) => writeFile(path(relative), JSON.stringify(value)),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Loads `task` from the copy and checks that the items showing `fileName` are marked missing (MediaRef.missing) with
 * the annotation that names them (`namedBy`, a piece of it), and no other item is; returns how many are marked.
 */
export async function marksMissing(task: Task, data: DataCopy, fileName: string, namedBy: string): Promise<number> {
  const loaded = await task.load({ dataDir: data.dir });
  const marked = [...loaded.support, ...loaded.query].flatMap((example) => example.media.filter((media) => media.missing !== undefined));
  assert.ok(marked.length > 0, `an item showing ${fileName} is marked missing`);
  for (const media of marked) {
    assert.equal(basename(media.path), fileName, `only ${fileName} is marked missing`);
    assert.ok(media.missing!.includes(namedBy), `"${media.missing}" names ${namedBy}`);
  }
  return marked.length;
}
