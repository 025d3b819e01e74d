// Video decoding speed and its share of a video run.
//   node --import tsx bench/video-decode.ts [--model <onnx bundle folder>] [--clips 12] [--shots 4] [--concurrency 2]
//     [--tasks msvdqa,youcook2]
// 1. Videos decoded per second by src/media/video.ts (one ffmpeg run per video, --frames flamingo: 30 frames at
//    3 FPS), for sample-size clips (64 x 64, 4 s at 8 FPS, H.264) and larger ones (256 x 256, 10 s at 25 FPS, H.264,
//    the length of an MSVD / VATEX / Kinetics clip at a lower resolution), one at a time and `--concurrency` at once.
// 2. A video run through the real run loop (evaluate) with the ONNX backend: test/support/video-task.ts over the
//    larger clips, `--shots` demonstrations; the share of its wall time spent loading media (record.timings.mediaMs,
//    measured inside the backend). With --tasks, the same for built-in video tasks on their sample data.
import { mkdtempSync } from 'node:fs';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import { MODELS_DIR } from '../src/backends/onnx/index.ts';
import { FLAMINGO_SAMPLING } from '../src/media/sampling.ts';
import { readVideo } from '../src/media/video.ts';
import { rngFor } from '../src/core/random.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { renderTable } from '../src/core/table.ts';
import { randomScene } from '../sample-data/generator/scene.ts';
import { encodeClip, type ClipOptions } from '../sample-data/generator/video.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: join(MODELS_DIR, 'flamingo-tiny-m') },
    clips: { type: 'string', default: '12' },
    shots: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '2' },
    tasks: { type: 'string', default: '' },
  },
});
const clips = Number(values.clips);
const concurrency = Number(values.concurrency);
const dir = mkdtempSync(join(tmpdir(), 'bench-video-'));

async function makeClips(name: string, options: ClipOptions): Promise<string[]> {
  const paths: string[] = [];
  for (let k = 0; k < clips; k++) {
    const path = join(dir, `${name}-${k}.mp4`);
    await writeFile(path, await encodeClip(randomScene(rngFor('bench-video', k), `b${k}`, { moving: true }), options));
    paths.push(path);
  }
  return paths;
}

async function decodeRate(paths: string[], parallel: number): Promise<number> {
  const limit = pLimit(parallel);
  const started = performance.now();
  await Promise.all(paths.map((path, k) => limit(() => readVideo({ kind: 'video', id: String(k), path }, { sampling: FLAMINGO_SAMPLING }))));
  return paths.length / ((performance.now() - started) / 1000);
}

try {
  const sets = {
    'sample size (64x64, 4 s, 8 FPS)': await makeClips('small', { size: 64, seconds: 4, fps: 8 }),
    'larger (256x256, 10 s, 25 FPS)': await makeClips('large', { size: 256, seconds: 10, fps: 25 }),
  };
  const rows: string[][] = [];
  for (const [name, paths] of Object.entries(sets)) {
    await decodeRate(paths.slice(0, 1), 1); // warm the binary into the page cache
    rows.push([name, String(paths.length), (await decodeRate(paths, 1)).toFixed(1), (await decodeRate(paths, concurrency)).toFixed(1)]);
  }
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (wall times grow with it)`);
  console.log(renderTable(['clips', 'videos', 'videos/s (1 at a time)', `videos/s (${concurrency} at once)`], rows, false));

  const data = mkdtempSync(join(tmpdir(), 'bench-video-data-'));
  const large = sets['larger (256x256, 10 s, 25 FPS)'];
  for (const [k, path] of large.entries()) await copyFile(path, join(data, `clip${k}.mp4`));
  const half = Math.floor(large.length / 2);
  const item = (k: number) => ({ id: `q${k}`, file: `clip${k}.mp4`, answer: '1' });
  const list = { support: Array.from({ length: half }, (_, k) => item(k)), query: Array.from({ length: large.length - half }, (_, k) => item(half + k)) };
  await writeFile(join(data, 'clips.json'), JSON.stringify(list));
  const task = new URL('../test/support/video-task.ts', import.meta.url).pathname;
  const started = performance.now();
  const [outcome] = await evaluate(
    parseRunOptions({ task, model: `onnx:${values.model}`, data, resultsDir: join(dir, 'results'), shots: values.shots, quiet: true, fresh: true }),
  );
  const wall = performance.now() - started;
  const record = outcome!.record;
  console.log(
    `video run: model ${record.model.name} (${values.model}), ${record.trials[0]!.n} queries x ${values.shots} shots over ${large.length} ` +
      `videos of 256x256, 10 s: wall ${(wall / 1000).toFixed(2)} s, media loading ${(record.timings.mediaMs / 1000).toFixed(2)} s ` +
      `(${((100 * record.timings.mediaMs) / wall).toFixed(1)}% of wall time)`,
  );
  await rm(data, { recursive: true, force: true });

  for (const taskId of values.tasks ? values.tasks.split(',') : []) {
    const began = performance.now();
    const flags = { task: taskId, model: `onnx:${values.model}`, resultsDir: join(dir, 'results'), shots: values.shots, quiet: true, fresh: true };
    const [run] = await evaluate(parseRunOptions(flags));
    const took = performance.now() - began;
    const r = run!.record;
    console.log(
      `${taskId} (sample data): ${r.trials[0]!.n} queries x ${values.shots} shots: wall ${(took / 1000).toFixed(2)} s, media loading ` +
        `${(r.timings.mediaMs / 1000).toFixed(2)} s (${((100 * r.timings.mediaMs) / took).toFixed(1)}% of wall time)`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
