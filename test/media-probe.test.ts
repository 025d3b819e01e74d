// The probe that decides, before a run draws demonstrations, whether a medium can be used (src/media/probe.ts): whole
// files of every format pass; empty, cut-short, text and missing files fail with a reason a user can act on; an image
// whose end looks wrong is decoded before it is refused, so a JPEG with bytes after its end marker still passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { MediaRef } from '../src/core/types.ts';
import { sampleDataDir } from '../src/core/sample-data.ts';
import { probeMedia, probeMedium } from '../src/media/probe.ts';

const image = (path: string): MediaRef => ({ kind: 'image', id: path, path });
const video = (path: string): MediaRef => ({ kind: 'video', id: path, path });

async function withDir(check: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'probe-'));
  try {
    await check(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function picture(format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff'): Promise<Buffer> {
  // Noise, so that every format needs more than a few hundred bytes and a cut loses pixels.
  const pixels = Buffer.from(Array.from({ length: 96 * 96 * 3 }, (_, i) => (i * 7919) % 251));
  return sharp(pixels, { raw: { width: 96, height: 96, channels: 3 } }).toFormat(format).toBuffer();
}

/** A 2x2 24-bit BMP (BITMAPINFOHEADER), written by hand: sharp does not write BMP. */
function bmp(): Buffer {
  const rowBytes = 8; // 2 pixels x 3 bytes, padded to 4
  const size = 54 + rowBytes * 2;
  const file = Buffer.alloc(size);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(size, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(2, 18);
  file.writeInt32LE(2, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.writeUInt32LE(rowBytes * 2, 34);
  return file;
}

test('whole images of every format pass; cut-short ones fail, saying what is missing and what the decoder says', async () => {
  await withDir(async (dir) => {
    for (const format of ['jpeg', 'png', 'webp', 'gif', 'tiff'] as const) {
      const bytes = await picture(format);
      const whole = join(dir, `whole.${format}`);
      await writeFile(whole, bytes);
      assert.equal(await probeMedium(image(whole)), undefined, `${format}: a whole file passes`);
      const cut = join(dir, `cut.${format}`);
      await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const verdict = await probeMedium(image(cut));
      assert.ok(verdict !== undefined, `${format}: a file cut in half fails`);
      assert.match(verdict, format === 'tiff' ? /^a TIFF file; the image decoder refuses it \(/ : /cut short\?\).*the image decoder refuses it \(/, `${format}: ${verdict}`);
    }
    await writeFile(join(dir, 'whole.bmp'), bmp());
    assert.equal(await probeMedium(image(join(dir, 'whole.bmp'))), undefined);
    await writeFile(join(dir, 'cut.bmp'), bmp().subarray(0, 40));
    assert.match((await probeMedium(image(join(dir, 'cut.bmp'))))!, /a BMP file that declares 70 bytes but has 40/);
  });
});

test('a JPEG with bytes after its end marker is decoded before it is judged, and passes', async () => {
  await withDir(async (dir) => {
    const jpeg = await picture('jpeg');
    const padded = join(dir, 'padded.jpg');
    await writeFile(padded, Buffer.concat([jpeg, Buffer.alloc(3000)]));
    assert.equal(await probeMedium(image(padded)), undefined);
    const trailer = join(dir, 'trailer.jpg');
    await writeFile(trailer, Buffer.concat([jpeg, Buffer.from('a camera maker trailer '.repeat(100))]));
    assert.equal(await probeMedium(image(trailer)), undefined);
  });
});

test('missing, empty, text, folders and unknown formats fail with their reason', async () => {
  await withDir(async (dir) => {
    assert.equal(await probeMedium(image(join(dir, 'nope.jpg'))), 'not found');
    await writeFile(join(dir, 'empty.jpg'), '');
    assert.equal(await probeMedium(image(join(dir, 'empty.jpg'))), 'empty (0 bytes)');
    await writeFile(join(dir, 'page.jpg'), '<!DOCTYPE html>\n<html><title>403 Forbidden</title></html>');
    assert.match((await probeMedium(image(join(dir, 'page.jpg'))))!, /^not an image: it starts with text \("<!DOCTYPE html> <html><t"\); the image decoder refuses it/);
    await writeFile(join(dir, 'noise.jpg'), Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0xfd, 0xfc, 0x80, 0x81]));
    assert.match((await probeMedium(image(join(dir, 'noise.jpg'))))!, /^not in an image format this probe knows; the image decoder refuses it/);
    await mkdir(join(dir, 'folder.jpg'));
    assert.equal(await probeMedium(image(join(dir, 'folder.jpg'))), 'a folder, not an image');
    if (process.getuid?.() !== 0) {
      await writeFile(join(dir, 'locked.jpg'), await picture('jpeg'));
      await chmod(join(dir, 'locked.jpg'), 0o000);
      assert.equal(await probeMedium(image(join(dir, 'locked.jpg'))), 'cannot be read (permission denied)');
    }
  });
});

test('videos: whole MP4 and AVI pass; cut-short ones, an MP4 without its index, text and noise fail', async () => {
  const mp4 = join(sampleDataDir('youcook2'), 'raw_videos', 'training', '204', 't2pDftqcLYy.mp4');
  const clips = join(sampleDataDir('msvdqa'), 'YouTubeClips');
  const avi = join(clips, (await readdir(clips)).find((name) => name.endsWith('.avi'))!);
  await withDir(async (dir) => {
    assert.equal(await probeMedium(video(mp4)), undefined);
    assert.equal(await probeMedium(video(avi)), undefined);
    const mp4Bytes = await readFile(mp4);
    await writeFile(join(dir, 'cut.mp4'), mp4Bytes.subarray(0, mp4Bytes.length - 200));
    assert.match((await probeMedium(video(join(dir, 'cut.mp4'))))!, /^truncated: its '\w+' box at byte \d+ declares \d+ bytes, the file has \d+ from there/);
    // ftyp and mdat but no moov: a recording stopped before its index was written.
    const ftyp = Buffer.alloc(16);
    ftyp.writeUInt32BE(16, 0);
    ftyp.write('ftypisom', 4, 'latin1');
    const mdat = Buffer.alloc(64);
    mdat.writeUInt32BE(64, 0);
    mdat.write('mdat', 4, 'latin1');
    await writeFile(join(dir, 'noindex.mp4'), Buffer.concat([ftyp, mdat]));
    assert.match((await probeMedium(video(join(dir, 'noindex.mp4'))))!, /^truncated: no 'moov' box/);
    // A few stray bytes after the last box are ignored, as players ignore them.
    await writeFile(join(dir, 'stray.mp4'), Buffer.concat([mp4Bytes, Buffer.from([0, 0, 0])]));
    assert.equal(await probeMedium(video(join(dir, 'stray.mp4'))), undefined);
    const aviBytes = await readFile(avi);
    await writeFile(join(dir, 'cut.avi'), aviBytes.subarray(0, aviBytes.length >> 1));
    assert.match((await probeMedium(video(join(dir, 'cut.avi'))))!, /^truncated: the AVI file declares \d+ bytes but has \d+/);
    await writeFile(join(dir, 'page.mp4'), '<html>This video is unavailable</html>');
    assert.match((await probeMedium(video(join(dir, 'page.mp4'))))!, /^not a video: it starts with text \("<html>This video is unav"\)/);
    await writeFile(join(dir, 'noise.mp4'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256 | 0x80)));
    assert.match((await probeMedium(video(join(dir, 'noise.mp4'))))!, /^not a video ffmpeg can read \(/);
    await copyFile(await writeJpeg(dir), join(dir, 'still.mp4.jpg'));
    assert.equal(await probeMedium(video(join(dir, 'still.mp4.jpg'))), 'an image, not a video');
  });
});

async function writeJpeg(dir: string): Promise<string> {
  const path = join(dir, 'frame.jpg');
  await writeFile(path, await picture('jpeg'));
  return path;
}

test('a segment must fit the duration the MP4 states: one past its end is set aside as the decoder would refuse it', async () => {
  const mp4 = join(sampleDataDir('youcook2'), 'raw_videos', 'training', '204', 't2pDftqcLYy.mp4');
  const segment = (start: number, end?: number): MediaRef => ({ kind: 'video', id: 'clip', path: mp4, start, ...(end === undefined ? {} : { end }) });
  assert.equal(await probeMedium(segment(0, 1)), undefined);
  assert.equal(await probeMedium(segment(5, 6.4)), undefined, 'an end within 0.5 s of the video end passes (annotations round times)');
  assert.equal(await probeMedium(segment(100, 101)), 'the segment starts after the end of the video (6 s long) (segment 100-101 s)');
  assert.equal(await probeMedium(segment(1, 9)), 'the segment ends after the end of the video (6 s long) (segment 1-9 s)');
});

test('a folder of frames passes when it holds frame images, and fails when it holds none', async () => {
  await withDir(async (dir) => {
    await mkdir(join(dir, 'frames'));
    assert.equal(await probeMedium(video(join(dir, 'frames'))), 'a folder with no frame images');
    await copyFile(await writeJpeg(dir), join(dir, 'frames', '00001.jpg'));
    assert.equal(await probeMedium(video(join(dir, 'frames'))), undefined);
  });
});

test('probeMedia looks at each path once and keeps every verdict', async () => {
  await withDir(async (dir) => {
    const good = await writeJpeg(dir);
    await writeFile(join(dir, 'empty.jpg'), '');
    const refs = [image(good), image(join(dir, 'empty.jpg')), image(good), image(join(dir, 'gone.jpg'))];
    const verdicts = await probeMedia(refs, 2);
    assert.deepEqual([...verdicts.entries()].sort(), [
      [join(dir, 'empty.jpg'), 'empty (0 bytes)'],
      [good, undefined],
      [join(dir, 'gone.jpg'), 'not found'],
    ].sort());
  });
});

test('a machine without ffmpeg is an error of the run, not a verdict on the video', async () => {
  await withDir(async (dir) => {
    const noise = join(dir, 'noise.mp4');
    await writeFile(noise, Buffer.from(Array.from({ length: 4096 }, (_, i) => ((i * 131 + 7) % 256) | 0x80)));
    const script = `import { probeMedium } from ${JSON.stringify(new URL('../src/media/probe.ts', import.meta.url).href)};
      probeMedium({ kind: 'video', id: 'v', path: ${JSON.stringify(noise)} }).then((v) => console.log('verdict', v), (e) => console.log('error', e.name, e.message));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, FFMPEG_PATH: join(dir, 'no-ffmpeg-here') },
    });
    assert.match(child.stdout, /^error RunError FFMPEG_PATH=.*no-ffmpeg-here: no such file/m, child.stdout + child.stderr);
  });
});
