// Regenerates the built-in sample datasets: node --import tsx sample-data/generator/make.ts [--out <dir>] [--task id]
// Each sample-data/<task-id>/ folder is replaced as a whole, so no stale file survives, and gets a marker file
// (src/core/sample-data.ts) that flags runs on it as sample data wherever it is copied. Writing into sample-data/ also
// updates sample-data/generator/video-frames.json: the digest of each video's frames before encoding, which the
// sample-data check compares (encoded video bytes differ from one CPU to another; the frames do not).
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SAMPLE_MARKER, sampleMarker } from '../../src/core/sample-data.ts';
import { SAMPLE_BUILDERS } from './datasets.ts';
import { frameDigest, onEncode, type EncodedClip } from './video.ts';

export interface SamplesWritten {
  /** Per task, the files written (paths relative to the task's folder), the marker included. */
  files: Record<string, string[]>;
  /** Per task, each video file's clip as the encoder received it. */
  clips: Record<string, Record<string, EncodedClip>>;
}

/** The committed digests of the sample videos' frames, keyed `<task>/<file>`. */
export const VIDEO_FRAMES_FILE = fileURLToPath(new URL('./video-frames.json', import.meta.url));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export async function makeSamples(out: string, tasks = Object.keys(SAMPLE_BUILDERS)): Promise<SamplesWritten> {
  const written: SamplesWritten = { files: {}, clips: {} };
  for (const task of tasks) {
    const build = SAMPLE_BUILDERS[task];
    if (!build) throw new Error(`no sample builder for task "${task}" (known: ${Object.keys(SAMPLE_BUILDERS).join(', ')})`);
    const dir = join(out, task);
    await rm(dir, { recursive: true, force: true });
    const encoded = new Map<string, EncodedClip>();
    const stop = onEncode((clip) => encoded.set(sha256(clip.bytes), clip));
    let files: string[];
    try {
      files = await build(dir);
    } finally {
      stop();
    }
    // The marker says "sample data" wherever the folder is copied (src/core/sample-data.ts, isSampleData).
    const contents = Object.fromEntries(await Promise.all(files.map(async (file) => [file, await readFile(join(dir, file))] as const)));
    await writeFile(join(dir, SAMPLE_MARKER), `${JSON.stringify(sampleMarker(task, contents), null, 1)}\n`);
    written.files[task] = [...files, SAMPLE_MARKER];
    written.clips[task] = {};
    for (const file of files) {
      const clip = encoded.get(sha256(contents[file]!));
      if (clip) written.clips[task]![file] = clip;
    }
  }
  return written;
}

/** The frame digests of `written`, merged into those of `previous` (a task written replaces all its entries). */
export function videoFrameDigests(written: SamplesWritten, previous: Record<string, string> = {}): Record<string, string> {
  const tasks = new Set(Object.keys(written.files));
  const entries = Object.entries(previous).filter(([key]) => !tasks.has(key.slice(0, key.indexOf('/'))));
  for (const [task, clips] of Object.entries(written.clips)) {
    for (const [file, clip] of Object.entries(clips)) entries.push([`${task}/${file}`, frameDigest(clip)]);
  }
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, task: { type: 'string', multiple: true } } });
  const committed = fileURLToPath(new URL('..', import.meta.url));
  const out = values.out ?? committed;
  const written = await makeSamples(out, values.task);
  for (const [task, files] of Object.entries(written.files)) console.log(`${task}: ${files.length} files in ${join(out, task)}`);
  if (values.out === undefined) {
    const previous = existsSync(VIDEO_FRAMES_FILE) ? (JSON.parse(readFileSync(VIDEO_FRAMES_FILE, 'utf8')) as Record<string, string>) : {};
    await writeFile(VIDEO_FRAMES_FILE, `${JSON.stringify(videoFrameDigests(written, previous), null, 1)}\n`);
    console.log(`video frame digests in ${VIDEO_FRAMES_FILE}`);
  }
}
