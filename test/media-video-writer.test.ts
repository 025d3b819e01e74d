import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rngFor } from '../src/core/random.ts';
import { runFfmpeg } from '../src/media/ffmpeg.ts';
import { randomScene } from '../sample-data/generator/scene.ts';
import { encodeClip, type VideoContainer } from '../sample-data/generator/video.ts';

const scene = randomScene(rngFor('media-video-writer'), 'clip', { moving: true, minObjects: 2 });

/** Every frame of an encoded clip as raw RGB, decoded by ffmpeg from a pipe. */
async function decodeAll(bytes: Buffer, size: number): Promise<Buffer[]> {
  const result = await runFfmpeg(['-v', 'error', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], bytes);
  assert.equal(result.code, 0, result.stderr);
  const frame = size * size * 3;
  return Array.from({ length: result.stdout.length / frame }, (_, i) => result.stdout.subarray(i * frame, (i + 1) * frame));
}

for (const container of ['mp4', 'mkv', 'webm', 'avi'] as VideoContainer[]) {
  test(`a sample ${container} clip is byte-identical on every encode and holds seconds x fps moving frames`, async () => {
    const options = { container, seconds: 2, fps: 6, size: 32 };
    const a = await encodeClip(scene, options);
    const b = await encodeClip(scene, options);
    assert.ok(a.equals(b), 'two encodes differ');
    assert.ok(a.length < 20_000, `${a.length} bytes is not tiny`);
    if (container === 'avi') assert.equal(a.subarray(0, 4).toString('latin1'), 'RIFF');
    if (container === 'mp4') assert.equal(a.subarray(4, 8).toString('latin1'), 'ftyp');
    if (container === 'mkv' || container === 'webm') assert.deepEqual([...a.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3]);
    const frames = await decodeAll(a, 32);
    assert.equal(frames.length, 12);
    assert.ok(!frames[0]!.equals(frames[11]!), 'the scene does not move');
  });
}

test('a different scene gives a different clip', async () => {
  const other = randomScene(rngFor('media-video-writer', 2), 'clip', { moving: true, minObjects: 2 });
  assert.ok(!(await encodeClip(scene, { seconds: 1 })).equals(await encodeClip(other, { seconds: 1 })));
});
