// What checking media before the draw costs a run (issue 15, item 2): the support pools of 3 seeds (2,048 items each,
// from a support split of 4,096 COCO-sized JPEGs) and 1,024 queries probed by src/run/unusable-media.ts, as a run does
// before drawing demonstrations. Baseline, in the same run: decoding each of those files with sharp, as the backends
// do, which is what a check by decoding would cost. Also timed: the same probe with one damaged file in 64 (cut in
// half), which adds a decode per damaged file and a second round of probing; and drawing the pools from a support
// split the size of VQAv2's train split, first and again (the run's planning draws the same pools; the order of each
// split is kept per seed, src/run/sampler.ts).
//
//   node --import tsx bench/media-probe.ts [--files 4096] [--queries 1024]
//
// The files are written first, so both sides read from the page cache: the figures are CPU and syscall cost, not
// disk. On a network file system the probe's two small reads per file weigh more, and a decode's whole-file read more
// still.
//
// Measured 2026-12-06 on a 2-core AMD EPYC machine (Node 20.20.2), four runs: probe 0.37-0.81 s wall for 4,623 files;
// decoding them 26.7-30.6 s (38-72x); 1 in 64 cut short: 53 set aside in 0.69-0.78 s; the pools of 3 seeds from
// 443,757 items 4.9-7.7 s the first time, under 0.5 ms again.
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { Example, TaskData } from '../src/core/types.ts';
import { drawSupportPool } from '../src/run/sampler.ts';
import { setAsideUnreadable } from '../src/run/unusable-media.ts';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const FILES = flag('--files', 4096);
const QUERIES = flag('--queries', 1024);
const SEEDS = [42, 43, 44];
const POOL = 2048;

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function timed<T>(what: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const [w, c] = [performance.now(), cpu()];
  const value = await what();
  return { value, wall: performance.now() - w, cpu: cpu() - c };
}

const dir = await mkdtemp(join(tmpdir(), 'bench-probe-'));
try {
  // 64 distinct 640x480 JPEGs (COCO's usual size), copied to FILES + QUERIES files (each its own inode).
  const distinct: string[] = [];
  for (let k = 0; k < 64; k++) {
    const pixels = Buffer.from(Array.from({ length: 640 * 480 * 3 }, (_, i) => ((i >> 6) * (k + 3) + (i % 640)) % 256));
    const path = join(dir, `distinct-${k}.jpg`);
    await writeFile(path, await sharp(pixels, { raw: { width: 640, height: 480, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
    distinct.push(path);
  }
  const example = (split: string, i: number): Example => ({
    id: `${split}-${i}`,
    media: [{ kind: 'image', id: `${split}/${i}.jpg`, path: join(dir, `${split}-${i}.jpg`) }],
    fields: {},
    target: '',
    reference: '',
  });
  const support = Array.from({ length: FILES }, (_, i) => example('train', i));
  const queries = Array.from({ length: QUERIES }, (_, i) => example('val', i));
  for (const [i, e] of [...support, ...queries].entries()) await copyFile(distinct[i % distinct.length]!, e.media[0]!.path);
  const data: TaskData = { support, query: queries, files: [], sample: false };
  const pools = (items: readonly Example[]) => SEEDS.map((seed) => drawSupportPool(items, POOL, seed, 'bench'));
  const probed = new Set([...pools(support).flat(), ...queries].map((e) => e.media[0]!.path));

  const probe = await timed(() => setAsideUnreadable({ data, queries, pools }));
  const decode = await timed(async () => {
    for (const path of probed) await sharp(path).raw().toBuffer();
  });
  // One file in 64 cut in half: each is decoded to confirm, and the pools are drawn again without them.
  for (const [i, e] of support.entries()) {
    if (i % 64 !== 5) continue;
    const path = e.media[0]!.path;
    const bytes = await sharp(distinct[i % distinct.length]!).toBuffer();
    await writeFile(path, bytes.subarray(0, bytes.length >> 1));
  }
  for (const e of [...support, ...queries]) delete e.media[0]!.unreadable;
  const damaged = await timed(() => setAsideUnreadable({ data, queries, pools }));

  // What the check adds besides probing: drawing each seed's pool, which a run then draws again when planning; at the
  // size of VQAv2's train split (443,757 questions).
  const large = Array.from({ length: 443_757 }, (_, i) => example('vqav2-train', i));
  const draw = await timed(async () => pools(large));
  const again = await timed(async () => pools(large));

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`files probed: ${probed.size} (pools of ${POOL} for seeds ${SEEDS.join(',')} from ${FILES} support files, and ${QUERIES} queries)`);
  console.log(`probe (setAsideUnreadable): ${s(probe.wall)} wall, ${s(probe.cpu)} CPU; ${((probe.wall * 1000) / probed.size).toFixed(0)} us per file`);
  console.log(`baseline, decoding each with sharp: ${s(decode.wall)} wall, ${s(decode.cpu)} CPU`);
  console.log(`ratio: the probe takes ${(probe.wall / decode.wall).toFixed(3)}x the decode's wall time (${(decode.wall / probe.wall).toFixed(1)}x faster)`);
  console.log(
    `drawing the pools of ${SEEDS.length} seeds from a support split of ${large.length.toLocaleString('en')} items: ${s(draw.wall)} wall, ` +
      `${s(draw.cpu)} CPU; drawn again (as planning each shot count does): ${(again.wall).toFixed(1)} ms`,
  );
  console.log(
    `with 1 file in 64 cut short: ${s(damaged.wall)} wall, ${damaged.value.excludedSupport?.length ?? 0} support items set aside ` +
      `(${(damaged.wall / probe.wall).toFixed(2)}x the clean probe)`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
