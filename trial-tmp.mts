import { cp, mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { builtinTasks } from './src/tasks/index.ts';
import { sampleDataDir } from './src/core/sample-data.ts';
import { clearFileIndex } from './src/core/data-files.ts';

for (const [id, task] of Object.entries(builtinTasks)) {
  const dir = await mkdtemp(join(tmpdir(), `trial-${id}-`));
  try {
    await cp(sampleDataDir(id), join(dir, 'd'), { recursive: true });
    clearFileIndex();
    const data = await task.load({ dataDir: join(dir, 'd') });
    const support = data.support[1];
    const query = data.query[2]!;
    const cut = async (path: string) => { const b = await readFile(path); await writeFile(path, b.subarray(0, b.length >> 1)); };
    if (support) await cut(support.media[0]!.path);
    await writeFile(query.media[0]!.path, '');
    const shots = id === 'rareact' ? '0' : '2';
    const cli = (extra: string[]) => spawnSync('node', ['bin/flamingo-eval.js', '--task', id, '--shots', shots, '--model', 'baseline:majority', '--data', join(dir, 'd'), '--results-dir', join(dir, 'r'), '--quiet', '--json', ...extra], { encoding: 'utf8' });
    const fail = cli([]);
    const skip = cli(['--on-media-error', 'skip']);
    let summary = '';
    try { const j = JSON.parse(skip.stdout); summary = JSON.stringify(j.map?.((r: any) => ({ n: r.n, skipped: r.skipped, mean: r.mean })) ?? j).slice(0, 200); } catch { summary = skip.stdout.slice(0, 200); }
    console.log(`== ${id}: fail exit ${fail.status}; skip exit ${skip.status}; ${summary}`);
    console.log(`   fail stderr: ${fail.stderr.trim().split('\n').slice(-1)[0]?.slice(0, 400)}`);
    console.log(`   skip stderr: ${skip.stderr.trim().split('\n').map((l) => l.slice(0, 300)).join('\n                ')}`);
  } catch (error) {
    console.log(`== ${id}: ERROR ${(error as Error).message.slice(0, 300)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
