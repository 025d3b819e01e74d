// Regenerates the built-in sample datasets: node --import tsx sample-data/generator/make.ts [--out <dir>] [--task id]
// Each sample-data/<task-id>/ folder is replaced as a whole, so no stale file survives, and gets a marker file
// (src/core/sample-data.ts) that flags runs on it as sample data wherever it is copied.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SAMPLE_MARKER, sampleMarker } from '../../src/core/sample-data.ts';
import { SAMPLE_BUILDERS } from './datasets.ts';

export async function makeSamples(out: string, tasks = Object.keys(SAMPLE_BUILDERS)): Promise<Record<string, string[]>> {
  const written: Record<string, string[]> = {};
  for (const task of tasks) {
    const build = SAMPLE_BUILDERS[task];
    if (!build) throw new Error(`no sample builder for task "${task}" (known: ${Object.keys(SAMPLE_BUILDERS).join(', ')})`);
    const dir = join(out, task);
    await rm(dir, { recursive: true, force: true });
    const files = await build(dir);
    // The marker says "sample data" wherever the folder is copied (src/core/sample-data.ts, isSampleData).
    const contents = Object.fromEntries(await Promise.all(files.map(async (file) => [file, await readFile(join(dir, file))] as const)));
    await writeFile(join(dir, SAMPLE_MARKER), `${JSON.stringify(sampleMarker(task, contents), null, 1)}\n`);
    written[task] = [...files, SAMPLE_MARKER];
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, task: { type: 'string', multiple: true } } });
  const out = values.out ?? fileURLToPath(new URL('..', import.meta.url));
  const written = await makeSamples(out, values.task);
  for (const [task, files] of Object.entries(written)) console.log(`${task}: ${files.length} files in ${join(out, task)}`);
}
