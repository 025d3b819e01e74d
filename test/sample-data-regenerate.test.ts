// Regenerating the sample datasets gives what is committed, on any machine: images and annotations byte for byte,
// videos by the generator's frames (exact digests) and by the committed files' decoded frames (within
// MIN_PSNR_DB), since encoded video bytes differ from one CPU to another (test/support/sample-data-check.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFfmpeg } from '../src/media/ffmpeg.ts';
import { makeSamples, VIDEO_FRAMES_FILE, videoFrameDigests, type SamplesWritten } from '../sample-data/generator/make.ts';
import { SAMPLE_BUILDERS } from '../sample-data/generator/datasets.ts';
import type { EncodedClip } from '../sample-data/generator/video.ts';
import { decodeFrames, framesDiffer, MIN_PSNR_DB, psnr, sampleTaskProblems, videoDigestProblems } from './support/sample-data-check.ts';

const committed = fileURLToPath(new URL('../sample-data/', import.meta.url));
const digests = JSON.parse(readFileSync(VIDEO_FRAMES_FILE, 'utf8')) as Record<string, string>;
let out: string;
let written: SamplesWritten;

before(async () => {
  out = await mkdtemp(join(tmpdir(), 'samples-'));
  written = await makeSamples(out);
});

after(async () => {
  await rm(out, { recursive: true, force: true });
});

test('regenerating the sample datasets gives the committed files: exact bytes, and for videos the same frames', async () => {
  assert.deepEqual(Object.keys(written.files).sort(), Object.keys(SAMPLE_BUILDERS).sort());
  const videos = Object.values(written.clips).reduce((n, clips) => n + Object.keys(clips).length, 0);
  assert.ok(videos >= 100, `the video tasks' clips are checked by their frames (${videos})`);
  const problems: string[] = [];
  for (const task of Object.keys(SAMPLE_BUILDERS)) problems.push(...(await sampleTaskProblems(task, written, out, committed, digests)));
  assert.deepEqual(problems, []);
  // video-frames.json holds exactly the generated videos' digests, as make.ts writes it.
  assert.deepEqual(videoFrameDigests(written), digests);
});

/** The first video clip the generator made for `task`, with its file name. */
function firstClip(task: string): [string, EncodedClip] {
  const entry = Object.entries(written.clips[task] ?? {})[0];
  assert.ok(entry, `${task} has videos`);
  return entry;
}

const perturbed = (clip: EncodedClip, change: (frame: Uint8Array) => void, k = 5): EncodedClip => ({
  ...clip,
  frames: clip.frames.map((frame, i) => {
    if (i !== k) return frame;
    const copy = Uint8Array.from(frame);
    change(copy);
    return copy;
  }),
});

test('the check fails when the generator changes one pixel of one frame of one video', () => {
  const [file, clip] = firstClip('nextqa');
  const all = written.clips.nextqa!;
  assert.deepEqual(videoDigestProblems({ nextqa: all }, digests), []);
  const changed = perturbed(clip, (frame) => (frame[100] = (frame[100]! + 1) % 256));
  assert.deepEqual(videoDigestProblems({ nextqa: { ...all, [file]: changed } }, digests), [
    `sample-data/nextqa/${file}: the generator's frames changed (their digest is not video-frames.json's)`,
  ]);
  // A video dropped or added is a change too.
  const { [file]: _dropped, ...rest } = all;
  assert.deepEqual(videoDigestProblems({ nextqa: rest }, digests), [`sample-data/nextqa/${file}: in video-frames.json, but the generator made no such video`]);
  assert.deepEqual(videoDigestProblems({ nextqa: { ...all, 'extra.mp4': clip } }, digests), ['sample-data/nextqa/extra.mp4: no frame digest in video-frames.json']);
});

test('a committed video passes decoded within the tolerance, and fails when a patch of one frame changes', async () => {
  const [file, clip] = firstClip('msrvttqa');
  const decoded = await decodeFrames(join(committed, 'msrvttqa', file), clip.size);
  assert.equal(framesDiffer(clip.frames, decoded), undefined);
  // An 8 x 8 patch of frame 5 painted in the opposite colour: the generator's frame no longer matches the file.
  const patched = perturbed(clip, (frame) => {
    for (let y = 8; y < 16; y++) for (let x = 8; x < 16; x++) for (let c = 0; c < 3; c++) frame[(y * clip.size + x) * 3 + c] = 255 - frame[(y * clip.size + x) * 3 + c]!;
  });
  assert.match(framesDiffer(patched.frames, decoded) ?? '', /^frame 5 is \d+\.\d dB from the generator's \(at least 22 dB expected\)$/);
  // A frame missing or the frames of another clip fail as well.
  assert.match(framesDiffer(clip.frames.slice(1), decoded) ?? '', /frames decoded, the generator made/);
  const [, other] = Object.entries(written.clips.msrvttqa!)[1]!;
  assert.ok(framesDiffer(other.frames, decoded) !== undefined);
});

test('the same frames encoded with other encoder decisions (as another CPU makes) still pass', async () => {
  const [, clip] = firstClip('vatex');
  const dir = await mkdtemp(join(tmpdir(), 'reencode-'));
  try {
    const path = join(dir, 'clip.mp4');
    const args = ['-hide_banner', '-nostdin', '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${clip.size}x${clip.size}`, '-r', String(clip.fps), '-i', 'pipe:0'];
    const result = await runFfmpeg([...args, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-y', path], Buffer.concat(clip.frames));
    assert.equal(result.code, 0, result.stderr);
    await writeFile(join(dir, 'same.mp4'), clip.bytes);
    const other = await decodeFrames(path, clip.size);
    assert.ok(!readFileSync(path).equals(clip.bytes), 'other bytes');
    assert.equal(framesDiffer(clip.frames, other), undefined);
    const worst = Math.min(...clip.frames.map((frame, k) => psnr(frame, other[k]!)));
    assert.ok(worst >= MIN_PSNR_DB && worst < Infinity, `lossy but within the tolerance: ${worst.toFixed(1)} dB`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
