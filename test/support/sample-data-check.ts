// The sample-data check (test/sample-data-regenerate.test.ts): what a regeneration must reproduce of the committed
// sample-data/, on any machine. Images and annotation files: their exact bytes. Videos: their encoded bytes are not
// portable (the encoders take CPU-specific code paths; on an AMD EPYC 19 committed mp4 files came out otherwise,
// while two encodes on one machine agree), so a video is checked twice over instead:
// - the frames the generator gives the encoder, exactly: their digest (frameDigest) against the committed
//   sample-data/generator/video-frames.json, which make.ts writes with the videos;
// - the committed file, decoded with the shipped ffmpeg: the same number of frames, each within MIN_PSNR_DB of the
//   generator's frame (the committed files: 25.4 dB at worst, from lossy H.264 / MPEG-4 on 32 x 32 frames; an 8 x 8
//   patch recoloured in one frame brings that frame to about 18 dB).
// The marker file lists every file's sha256: it must list the same files, with the regenerated hashes for all but the
// videos, and its hashes must be those of the committed files (sample-data detection relies on them).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { runFfmpeg } from '../../src/media/ffmpeg.ts';
import { SAMPLE_MARKER } from '../../src/core/sample-data.ts';
import type { SamplesWritten } from '../../sample-data/generator/make.ts';
import { frameDigest, type EncodedClip } from '../../sample-data/generator/video.ts';

/** Lowest PSNR (dB) of a committed video's decoded frame against the generator's frame. */
export const MIN_PSNR_DB = 22;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) out.push(relative(root, join(entry.parentPath, entry.name)));
  return out.sort();
}

/** A video decoded to raw RGB frames (`size * size * 3` bytes each) by the shipped ffmpeg. */
export async function decodeFrames(path: string, size: number): Promise<Uint8Array[]> {
  const result = await runFfmpeg(['-hide_banner', '-nostdin', '-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  if (result.code !== 0) throw new Error(`ffmpeg could not decode ${path}: ${result.stderr.trim()}`);
  const bytes = size * size * 3;
  if (result.stdout.length % bytes !== 0) throw new Error(`${path}: decoded ${result.stdout.length} bytes, not whole ${size} x ${size} frames`);
  return Array.from({ length: result.stdout.length / bytes }, (_, k) => result.stdout.subarray(k * bytes, (k + 1) * bytes));
}

export function psnr(a: Uint8Array, b: Uint8Array): number {
  let squared = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    squared += d * d;
  }
  return squared === 0 ? Infinity : 10 * Math.log10((255 * 255 * a.length) / squared);
}

/** Why `decoded` is not the generator's `expected` frames within the tolerance, or undefined when it is. */
export function framesDiffer(expected: Uint8Array[], decoded: Uint8Array[], minPsnr = MIN_PSNR_DB): string | undefined {
  if (decoded.length !== expected.length) return `${decoded.length} frames decoded, the generator made ${expected.length}`;
  for (let k = 0; k < expected.length; k++) {
    if (decoded[k]!.length !== expected[k]!.length) return `frame ${k} has ${decoded[k]!.length} bytes, not ${expected[k]!.length}`;
    const value = psnr(expected[k]!, decoded[k]!);
    if (value < minPsnr) return `frame ${k} is ${value.toFixed(1)} dB from the generator's (at least ${minPsnr} dB expected)`;
  }
  return undefined;
}

/** Problems of the regenerated videos' frames against the committed digests (`<task>/<file>` -> frameDigest). */
export function videoDigestProblems(clips: SamplesWritten['clips'], digests: Record<string, string>): string[] {
  const problems: string[] = [];
  const made = new Map<string, EncodedClip>();
  for (const [task, files] of Object.entries(clips)) for (const [file, clip] of Object.entries(files)) made.set(`${task}/${file}`, clip);
  const tasks = new Set(Object.keys(clips));
  for (const [key, clip] of made) {
    const expected = digests[key];
    if (expected === undefined) problems.push(`sample-data/${key}: no frame digest in video-frames.json`);
    else if (frameDigest(clip) !== expected) problems.push(`sample-data/${key}: the generator's frames changed (their digest is not video-frames.json's)`);
  }
  for (const key of Object.keys(digests)) {
    if (tasks.has(key.slice(0, key.indexOf('/'))) && !made.has(key)) problems.push(`sample-data/${key}: in video-frames.json, but the generator made no such video`);
  }
  return problems;
}

/**
 * Everything in which the committed `task` folder is not what the generator wrote into `freshDir/task` (see the
 * header); empty when they agree. `written` is makeSamples' result for that regeneration.
 */
export async function sampleTaskProblems(
  task: string,
  written: SamplesWritten,
  freshDir: string,
  committedDir: string,
  digests: Record<string, string>,
): Promise<string[]> {
  const problems: string[] = [];
  const fresh = await listFiles(join(freshDir, task));
  const committed = await listFiles(join(committedDir, task));
  if (fresh.join('\n') !== [...written.files[task]!].sort().join('\n')) problems.push(`${task}: the generator reported other files than it wrote`);
  const missing = fresh.filter((file) => !committed.includes(file));
  const extra = committed.filter((file) => !fresh.includes(file));
  if (missing.length > 0 || extra.length > 0) {
    problems.push(`sample-data/${task} does not hold exactly the generated files: missing ${missing.join(', ') || '-'}; extra ${extra.join(', ') || '-'}`);
  }
  const clips = written.clips[task] ?? {};
  problems.push(...videoDigestProblems({ [task]: clips }, digests));
  for (const file of fresh.filter((name) => committed.includes(name))) {
    const ours = await readFile(join(committedDir, task, file));
    const theirs = await readFile(join(freshDir, task, file));
    const clip = clips[file];
    if (clip !== undefined) {
      const why = framesDiffer(clip.frames, await decodeFrames(join(committedDir, task, file), clip.size));
      if (why !== undefined) problems.push(`sample-data/${task}/${file}: decoded, ${why}`);
    } else if (file === SAMPLE_MARKER) {
      problems.push(...(await markerProblems(task, ours, theirs, clips, committedDir)));
    } else if (!ours.equals(theirs)) {
      problems.push(`sample-data/${task}/${file} is not what the generator writes (run sample-data/generator/make.ts)`);
    }
  }
  return problems;
}

async function markerProblems(
  task: string,
  committedMarker: Buffer,
  freshMarker: Buffer,
  clips: Record<string, EncodedClip>,
  committedDir: string,
): Promise<string[]> {
  const problems: string[] = [];
  const committed = JSON.parse(committedMarker.toString('utf8')) as { files: Record<string, string> };
  const fresh = JSON.parse(freshMarker.toString('utf8')) as { files: Record<string, string> };
  const where = `sample-data/${task}/${SAMPLE_MARKER}`;
  const { files: _c, ...committedRest } = committed;
  const { files: _f, ...freshRest } = fresh;
  if (JSON.stringify(committedRest) !== JSON.stringify(freshRest)) problems.push(`${where}: its fields other than "files" differ from the generator's`);
  if (Object.keys(committed.files).join('\n') !== Object.keys(fresh.files).join('\n')) problems.push(`${where}: it lists other files than the generator's`);
  for (const [file, hash] of Object.entries(committed.files)) {
    if (clips[file] === undefined && fresh.files[file] !== hash) problems.push(`${where}: the hash of ${file} is not the generator's`);
    const actual = sha256(await readFile(join(committedDir, task, file)).catch(() => Buffer.alloc(0)));
    if (actual !== hash) problems.push(`${where}: the hash of ${file} is not that of the committed file`);
  }
  return problems;
}
