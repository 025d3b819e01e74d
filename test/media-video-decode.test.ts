import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { InputError } from '../src/core/errors.ts';
import { MediaError } from '../src/media/errors.ts';
import { runFfmpeg } from '../src/media/ffmpeg.ts';
import { readVideo, type ReadVideoOptions, type VideoFrames } from '../src/media/video.ts';
import type { FrameSampling, VideoRef } from '../src/core/types.ts';
import { encodeFrames, type VideoContainer } from '../sample-data/generator/video.ts';

// Test clips: 4 s at 8 FPS, 32 x 32, frame k a flat grey of level STEP * k + BASE, so a decoded frame tells its time.
const FPS = 8;
const SECONDS = 4;
const SIZE = 32;
const STEP = 7;
const BASE = 10;
let dir: string;

const level = (k: number) => BASE + STEP * k;
const flatFrame = (value: number) => new Uint8Array(SIZE * SIZE * 3).fill(value);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'media-video-'));
  const frames = Array.from({ length: SECONDS * FPS }, (_, k) => flatFrame(level(k)));
  for (const container of ['mp4', 'webm', 'avi', 'mkv'] as VideoContainer[]) {
    await writeFile(join(dir, `clip.${container}`), await encodeFrames(frames, SIZE, FPS, container));
  }
  // The same clip as a folder of extracted frames at 8 FPS, named so that name order is not numeric order.
  await mkdir(join(dir, 'frames'));
  for (let k = 0; k < frames.length; k++) {
    const png = await sharp(frames[k]!, { raw: { width: SIZE, height: SIZE, channels: 3 } }).png().toBuffer();
    await writeFile(join(dir, 'frames', `frame_${k + 1}.png`), png);
  }
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const video = (name: string, segment: { start?: number; end?: number } = {}): VideoRef => ({
  kind: 'video',
  id: name,
  path: join(dir, name),
  ...segment,
});

/** The source frame each decoded frame shows (from its grey level). */
function sourceFrames(result: VideoFrames): number[] {
  return result.frames.map((frame) => {
    const mean = frame.data.reduce((sum, v) => sum + v, 0) / frame.data.length;
    return Math.round((mean - BASE) / STEP);
  });
}

function assertNear(actual: number[], expected: number[], slack = 1): void {
  assert.equal(actual.length, expected.length, `got ${actual}`);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) <= slack, `frame ${i}: source ${a}, expected ${expected[i]} (${actual})`));
}

const uniform8: FrameSampling = { mode: 'uniform', frames: 8 };
// The centres of 8 half-second parts of a 4 s clip at 8 FPS: source frames 2, 6, 10, ..., 30.
const uniform8Expected = Array.from({ length: 8 }, (_, k) => 4 * k + 2);

for (const container of ['mp4', 'webm', 'avi', 'mkv']) {
  test(`a .${container} file decodes in time order: uniform 8 frames`, async () => {
    const result = await readVideo(video(`clip.${container}`), { sampling: uniform8 });
    assert.equal(result.frames.length, 8);
    assert.deepEqual([result.frames[0]!.width, result.frames[0]!.height], [SIZE, SIZE]);
    assertNear(sourceFrames(result), uniform8Expected);
  });
}

test('flamingo sampling on a 4 s clip: 12 frames at 3 FPS centred, edge frames repeated to 30', async () => {
  const result = await readVideo(video('clip.mp4'), { sampling: { mode: 'flamingo', frames: 30, fps: 3 } });
  assert.equal(result.rate, 3);
  assert.equal(result.clipFrames, 12);
  const source = sourceFrames(result);
  assert.equal(source.length, 30);
  // Times j / 3 s for j = 0..11 show source frames floor(8 j / 3).
  const clip = Array.from({ length: 12 }, (_, j) => Math.floor((8 * j) / 3));
  assertNear(source, [...Array(9).fill(clip[0]), ...clip, ...Array(9).fill(clip[11])], 0);
});

test('fps sampling: one frame per second', async () => {
  const result = await readVideo(video('clip.webm'), { sampling: { mode: 'fps', fps: 1, maxFrames: 30 } });
  assertNear(sourceFrames(result), [0, 8, 16, 24], 0);
});

test('a segment: only its frames, times from its start', async () => {
  const segment = { start: 1, end: 3 }; // source frames 8..23
  const uniform = await readVideo(video('clip.mkv', segment), { sampling: { mode: 'uniform', frames: 4 } });
  assertNear(sourceFrames(uniform), [10, 14, 18, 22]);
  const fps = await readVideo(video('clip.avi', segment), { sampling: { mode: 'fps', fps: 2, maxFrames: 30 } });
  assertNear(sourceFrames(fps), [8, 12, 16, 20]);
});

test('a frame folder is a video at folderFps, its frames in numeric name order', async () => {
  const options: ReadVideoOptions = { sampling: uniform8, folderFps: FPS };
  const result = await readVideo(video('frames'), options);
  assert.equal(result.clipFrames, 32);
  assert.deepEqual(sourceFrames(result), uniform8Expected);
  // At the default 1 FPS the 32 frames are a 32 s clip: fps:1 takes the centred 30.
  const slow = await readVideo(video('frames'), { sampling: { mode: 'fps', fps: 1, maxFrames: 30 } });
  assert.deepEqual(sourceFrames(slow), Array.from({ length: 30 }, (_, k) => k + 1));
  // Resampled to 4 FPS like a file: times 1, 1.25, 1.5, 1.75 s.
  const segment = await readVideo(video('frames', { start: 1, end: 2 }), { ...options, sampling: { mode: 'fps', fps: 4, maxFrames: 30 } });
  assert.deepEqual(sourceFrames(segment), [8, 10, 12, 14]);
});

test('maxSide scales large frames down while decoding', async () => {
  const result = await readVideo(video('clip.mp4'), { sampling: uniform8, maxSide: 16 });
  assert.deepEqual([result.frames[0]!.width, result.frames[0]!.height], [16, 16]);
  const folder = await readVideo(video('frames'), { sampling: uniform8, maxSide: 16 });
  assert.equal(folder.frames[0]!.width, 16);
});

async function assertMediaError(ref: VideoRef, pattern: RegExp, sampling: FrameSampling = uniform8): Promise<void> {
  await assert.rejects(readVideo(ref, { sampling }), (error: unknown) => {
    assert.ok(error instanceof MediaError, String(error));
    assert.ok(error instanceof InputError, 'a media error is bad input (exit code 2)');
    assert.equal(error.path, ref.path);
    assert.ok(error.message.startsWith(ref.path), error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

test('bad input: a missing file, an empty file, a file that is not a video, a truncated file', async () => {
  await assertMediaError(video('missing.mp4'), /video not found/);
  await writeFile(join(dir, 'empty.mp4'), '');
  await assertMediaError(video('empty.mp4'), /empty/);
  await writeFile(join(dir, 'text.mp4'), 'not a video\n');
  for (const sampling of [uniform8, { mode: 'flamingo', frames: 30, fps: 3 } as FrameSampling]) {
    await assertMediaError(video('text.mp4'), /not a readable video file/, sampling);
  }
  // mp4 keeps its index at the end: a cut file cannot be opened at all.
  const mp4 = await readFile(join(dir, 'clip.mp4'));
  await writeFile(join(dir, 'cut.mp4'), mp4.subarray(0, Math.floor(mp4.length / 2)));
  await assertMediaError(video('cut.mp4'), /not a readable video file/);
  // webm streams: a cut file opens, decodes its first part, then fails.
  const webm = await readFile(join(dir, 'clip.webm'));
  await writeFile(join(dir, 'cut.webm'), webm.subarray(0, Math.floor(webm.length / 2)));
  await assertMediaError(video('cut.webm'), /damaged or truncated/, { mode: 'fps', fps: 8, maxFrames: 64 });
});

test('bad input: no decodable frames (an audio-only file, an empty frame folder)', async () => {
  const audio = join(dir, 'audio.mkv');
  const made = await runFfmpeg(['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'pcm_s16le', '-y', audio]);
  assert.equal(made.code, 0, made.stderr);
  await assertMediaError(video('audio.mkv'), /no video stream/);
  await assertMediaError(video('audio.mkv'), /no video stream/, { mode: 'flamingo', frames: 30, fps: 3 });
  await mkdir(join(dir, 'no-frames'));
  await writeFile(join(dir, 'no-frames', 'notes.txt'), 'x');
  await assertMediaError(video('no-frames'), /holds no images/);
});

test('bad input: a segment outside the video names the segment', async () => {
  for (const name of ['clip.mp4', 'frames']) {
    const options = { folderFps: FPS };
    await assert.rejects(readVideo(video(name, { start: 5, end: 6 }), { sampling: uniform8, ...options }), /\(segment 5-6 s\): the segment starts after the end of the video \(4 s long\)/);
    await assert.rejects(readVideo(video(name, { start: 2, end: 9 }), { sampling: uniform8, ...options }), /ends after the end of the video/);
  }
  await assertMediaError(video('clip.mp4', { start: 5, end: 6 }), /starts after the end/, { mode: 'flamingo', frames: 30, fps: 3 });
  await assertMediaError(video('clip.mp4', { start: 3, end: 2 }), /not after its start/);
  await assertMediaError(video('clip.mp4', { start: -1 }), /not a time >= 0/);
  // Within half a second past the end is the end (annotations round times).
  const rounded = await readVideo(video('clip.mp4', { start: 3, end: 4.4 }), { sampling: { mode: 'uniform', frames: 2 } });
  assertNear(sourceFrames(rounded), [26, 30]);
});

test('a clip too long to keep whole is decoded again in the centred window only, taking the same frames', async () => {
  // 32 frames at 8 FPS; fps:8:10 takes the centred 10 (source frames 11..20). Keeping 20 frames at most forces the
  // windowed decode.
  const sampling: FrameSampling = { mode: 'fps', fps: 8, maxFrames: 10 };
  const whole = await readVideo(video('clip.mp4'), { sampling });
  const windowed = await readVideo(video('clip.mp4'), { sampling, maxDecodedBytes: 20 * SIZE * SIZE * 3 });
  assert.deepEqual(sourceFrames(whole), Array.from({ length: 10 }, (_, k) => 11 + k));
  assertNear(sourceFrames(windowed), sourceFrames(whole), 0);
  assert.deepEqual(windowed.indices, whole.indices);
  assert.equal(windowed.clipFrames, 32);
  // flamingo sampling (30 frames at 3 FPS of a 4 s clip) never needs it: 12 frames.
  const flamingo = await readVideo(video('clip.mp4'), { sampling: { mode: 'flamingo', frames: 30, fps: 3 }, maxDecodedBytes: 20 * SIZE * SIZE * 3 });
  assert.equal(flamingo.clipFrames, 12);
});
