import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSamples } from '../sample-data/generator/make.ts';
import { SAMPLE_BUILDERS } from '../sample-data/generator/datasets.ts';

const committed = fileURLToPath(new URL('../sample-data/', import.meta.url));

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) out.push(relative(root, join(entry.parentPath, entry.name)));
  return out.sort();
}

test('regenerating the sample datasets gives the committed bytes, file for file', async () => {
  const out = await mkdtemp(join(tmpdir(), 'samples-'));
  try {
    const written = await makeSamples(out);
    for (const task of Object.keys(SAMPLE_BUILDERS)) {
      const fresh = await listFiles(join(out, task));
      assert.deepEqual(fresh, [...written[task]!].sort());
      assert.deepEqual(await listFiles(join(committed, task)), fresh, `sample-data/${task} holds exactly the generated files`);
      for (const file of fresh) {
        const same = (await readFile(join(out, task, file))).equals(await readFile(join(committed, task, file)));
        assert.ok(same, `sample-data/${task}/${file} is what the generator writes (run sample-data/generator/make.ts)`);
      }
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
