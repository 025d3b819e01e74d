// A cheap look at a medium before a run relies on it: is it there, readable, and whole? The run probes the support
// pool's media before any demonstration is drawn (src/run/unusable-media.ts), so a damaged file leaves the pool
// instead of failing every query it would be shown with; and the evaluated queries' own media, so a damaged query
// is known at the start rather than hours into the run.
//
// Reading a file's first and last bytes costs two small reads; decoding it costs milliseconds (an image) to seconds
// (a video), and a support pool holds thousands. So the probe reads the container's structure: the format's magic
// bytes, and the part a download cut short loses first (JPEG's end-of-image marker, PNG's IEND chunk, the sizes a
// RIFF or MP4 file declares for its parts). An image that fails that look is decoded to decide (a JPEG may carry bytes
// after its end marker and still decode), so an image is set aside only when the decoder the backends use refuses
// it. A video whose declared parts run past the end of the file, or that lacks the index a player needs (MP4's
// `moov`), is truncated: set aside without decoding; so is a segment that does not fit the duration an MP4's movie
// header states (the decoder's rule, src/media/video.ts). A file damaged inside with its structure intact passes the
// probe and fails, as a MediaError, when the run reads it.
import type { Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { MediaRef, VideoRef } from '../core/types.ts';
import { FRAME_EXTENSIONS } from './extensions.ts';
import { runFfmpeg } from './ffmpeg.ts';
import { loadSharp } from './sharp.ts';
import { segmentProblem } from './video.ts';

/** Why the medium cannot be used, or undefined when the probe finds nothing wrong. */
export type ProbeVerdict = string | undefined;

/** Bytes read from each end of a file. */
const HEAD_BYTES = 64;
const TAIL_BYTES = 1024;
/** Top-level boxes of an MP4 walked at most (real files have a handful). */
const MAX_BOXES = 4096;

export async function probeMedium(media: MediaRef): Promise<ProbeVerdict> {
  let info: Stats;
  try {
    info = await stat(media.path);
  } catch (error) {
    return unreadable(error);
  }
  if (media.kind === 'video') {
    if (info.isDirectory()) return probeFrameFolder(media.path);
    if (FRAME_EXTENSIONS.has(extname(media.path).toLowerCase())) return 'an image, not a video';
  } else if (info.isDirectory()) {
    return 'a folder, not an image';
  }
  if (!info.isFile()) return 'not a regular file';
  if (info.size === 0) return 'empty (0 bytes)';
  let file;
  try {
    file = await open(media.path, 'r');
  } catch (error) {
    return unreadable(error);
  }
  try {
    const head = await readAt(file, 0, Math.min(HEAD_BYTES, info.size));
    if (media.kind === 'image') {
      const tail = await readAt(file, Math.max(0, info.size - TAIL_BYTES), Math.min(TAIL_BYTES, info.size));
      const doubt = imageDoubt(head, tail, info.size);
      if (doubt === undefined) return undefined;
      const refusal = await decoderRefusal(media.path);
      return refusal === undefined ? undefined : `${doubt}; the image decoder refuses it (${refusal})`;
    }
    return await videoVerdict(file, head, info.size, media);
  } catch (error) {
    // A read that fails is the file's problem; anything else (ffmpeg not found) is the machine's, and stops the run.
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    return unreadable(error);
  } finally {
    await file.close();
  }
}

/** What a verdict is about: the file, and for a video the segment read from it (segments of one video differ). */
export function probeKey(media: MediaRef): string {
  return media.kind === 'video' && (media.start !== undefined || media.end !== undefined)
    ? `${media.path}\0${media.start ?? ''}\0${media.end ?? ''}`
    : media.path;
}

/**
 * Probes `media`, at most `concurrency` files at a time, each once: the verdict of each (by probeKey; a file shown by
 * many examples is looked at once).
 */
export async function probeMedia(media: readonly MediaRef[], concurrency = 16): Promise<Map<string, ProbeVerdict>> {
  const verdicts = new Map<string, ProbeVerdict>();
  const pending: MediaRef[] = [];
  const queued = new Set<string>();
  for (const medium of media) {
    const key = probeKey(medium);
    if (queued.has(key)) continue;
    queued.add(key);
    pending.push(medium);
  }
  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const medium = pending[next++]!;
      verdicts.set(probeKey(medium), await probeMedium(medium));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
  return verdicts;
}

async function readAt(file: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'not found';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read (${code ?? (error as Error).message})`;
}

async function probeFrameFolder(path: string): Promise<ProbeVerdict> {
  try {
    const names = await readdir(path);
    return names.some((name) => FRAME_EXTENSIONS.has(extname(name).toLowerCase())) ? undefined : 'a folder with no frame images';
  } catch (error) {
    return unreadable(error);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------------------------

/** What looks wrong with an image from its first and last bytes (undefined: nothing). */
function imageDoubt(head: Buffer, tail: Buffer, size: number): string | undefined {
  const end = trimTrailingPadding(tail);
  if (startsWith(head, [0xff, 0xd8, 0xff])) {
    // JPEG: the file ends with the end-of-image marker FF D9 (ITU-T T.81, B.2.1). Bytes after it (padding, a camera
    // maker's trailer) are allowed: the decoder is asked before the image is set aside.
    return end.length >= 2 && end[end.length - 2] === 0xff && end[end.length - 1] === 0xd9 ? undefined : 'a JPEG without its end-of-image marker (cut short?)';
  }
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    // PNG: the last chunk is IEND (PNG specification, 5.6).
    return end.includes('IEND', Math.max(0, end.length - 16), 'latin1') ? undefined : 'a PNG without its IEND chunk (cut short?)';
  }
  if (head.toString('latin1', 0, 4) === 'GIF8') {
    // GIF: the trailer byte 0x3B ends the stream (GIF89a, section 27).
    return end.length > 0 && end[end.length - 1] === 0x3b ? undefined : 'a GIF without its trailer byte (cut short?)';
  }
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') {
    const declared = head.readUInt32LE(4) + 8;
    return declared <= size ? undefined : `a WebP file that declares ${declared} bytes but has ${size} (cut short?)`;
  }
  if (head.toString('latin1', 0, 2) === 'BM' && head.length >= 6) {
    const declared = head.readUInt32LE(2);
    return declared <= size ? undefined : `a BMP file that declares ${declared} bytes but has ${size} (cut short?)`;
  }
  const tiff = head.toString('latin1', 0, 4);
  // TIFF keeps its directory anywhere in the file: no end to look at, so the decoder decides.
  if (tiff === 'II*\0' || tiff === 'MM\0*') return 'a TIFF file';
  const text = textStart(head);
  return text !== undefined ? `not an image: it starts with text ("${text}")` : 'not in an image format this probe knows';
}

/** Why the decoder the backends use (sharp, refusing on a warning as they do) cannot decode the image, if it cannot. */
async function decoderRefusal(path: string): Promise<string | undefined> {
  const sharp = await loadSharp();
  try {
    await sharp(path).raw().toBuffer();
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0]!.trim();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Videos
// ---------------------------------------------------------------------------------------------------------------

const MP4_TOP_LEVEL = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'uuid', 'styp', 'sidx', 'moof', 'mfra', 'meta', 'pdin']);

async function videoVerdict(file: Awaited<ReturnType<typeof open>>, head: Buffer, size: number, media: VideoRef): Promise<ProbeVerdict> {
  const path = media.path;
  if (head.length >= 8 && MP4_TOP_LEVEL.has(head.toString('latin1', 4, 8))) {
    const { verdict, duration } = await mp4Verdict(file, size);
    // A segment (YouCook2, a Kinetics clip read from its whole video) must fit the video, as the decoder will ask.
    if (verdict === undefined && duration !== undefined && (media.start !== undefined || media.end !== undefined)) {
      const problem = segmentProblem(media, duration);
      if (problem !== undefined) return `${problem} (segment ${media.start ?? 0}-${media.end ?? 'end'} s)`;
    }
    return verdict;
  }
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 11) === 'AVI') {
    // AVI is a RIFF file: its first chunk declares its length (a file over 1 GB continues in further RIFF chunks).
    const declared = head.readUInt32LE(4) + 8;
    return declared <= size ? undefined : `truncated: the AVI file declares ${declared} bytes but has ${size} (an incomplete download?)`;
  }
  if (
    startsWith(head, [0x1a, 0x45, 0xdf, 0xa3]) || // Matroska / WebM (EBML)
    head.toString('latin1', 0, 4) === 'OggS' ||
    head.toString('latin1', 0, 3) === 'FLV' ||
    startsWith(head, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11]) || // ASF (WMV)
    startsWith(head, [0x00, 0x00, 0x01, 0xba]) // MPEG program stream
  ) {
    return undefined;
  }
  const text = textStart(head);
  if (text !== undefined) return `not a video: it starts with text ("${text}")`;
  // Neither a container this probe reads nor text: ask ffmpeg, which reads what the run will read.
  const result = await runFfmpeg(['-hide_banner', '-nostdin', '-i', path]);
  return /Stream #\S+.*Video:/.test(result.stderr) ? undefined : `not a video ffmpeg can read (${lastLine(result.stderr)})`;
}

/**
 * An MP4/MOV file (ISO/IEC 14496-12): its top-level boxes fit in the file, and one of them is the index, `moov`; with
 * the duration its movie header (`mvhd`) states, when it states one.
 */
async function mp4Verdict(file: Awaited<ReturnType<typeof open>>, size: number): Promise<{ verdict?: string; duration?: number }> {
  let offset = 0;
  let duration: number | undefined;
  let index = false;
  let fragments = false;
  for (let boxes = 0; offset < size && boxes < MAX_BOXES; boxes++) {
    const header = await readAt(file, offset, Math.min(16, size - offset));
    if (header.length < 8) break; // a few stray bytes after the last box: players ignore them
    const type = header.toString('latin1', 4, 8);
    let length = header.readUInt32BE(0);
    let body = 8;
    if (length === 1) {
      if (header.length < 16) return { verdict: `truncated inside the '${type}' box header at byte ${offset} (an incomplete download?)` };
      length = Number(header.readBigUInt64BE(8));
      body = 16;
    } else if (length === 0) {
      length = size - offset; // the last box, to the end of the file
    }
    if (length < body) return { verdict: `damaged: a box of ${length} bytes at byte ${offset}` };
    if (offset + length > size) {
      return {
        verdict: `truncated: its '${type}' box at byte ${offset} declares ${length} bytes, the file has ${size - offset} from there (an incomplete download?)`,
      };
    }
    if (type === 'moov') {
      index = true;
      duration = await movieDuration(file, offset + body, offset + length);
    }
    if (type === 'moof') fragments = true;
    offset += length;
  }
  if (!index && !fragments) return { verdict: "truncated: no 'moov' box, the index a player needs (an incomplete download?)" };
  return { duration };
}

/** The duration in seconds the movie header (`mvhd`, among the boxes from `start` to `end`) states, if it states one. */
async function movieDuration(file: Awaited<ReturnType<typeof open>>, start: number, end: number): Promise<number | undefined> {
  let offset = start;
  for (let boxes = 0; offset + 8 <= end && boxes < 64; boxes++) {
    const header = await readAt(file, offset, Math.min(40, end - offset));
    const length = header.readUInt32BE(0);
    if (header.toString('latin1', 4, 8) === 'mvhd') {
      // version 0: creation, modification (4 bytes each), timescale, duration (4); version 1: 8, 8, 4, 8.
      const version = header[8];
      const [scale, units] =
        version === 1 && header.length >= 40
          ? [header.readUInt32BE(28), Number(header.readBigUInt64BE(32))]
          : header.length >= 28
            ? [header.readUInt32BE(20), header.readUInt32BE(24)]
            : [0, 0];
      // 0 and all ones mean "unknown" (a fragmented file states its length in its fragments).
      if (scale === 0 || units === 0 || units === 0xffffffff) return undefined;
      return units / scale;
    }
    if (length < 8) return undefined;
    offset += length;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------

function startsWith(buffer: Buffer, bytes: number[]): boolean {
  return buffer.length >= bytes.length && bytes.every((byte, i) => buffer[i] === byte);
}

/** The tail without the zero or whitespace bytes some writers pad files with. */
function trimTrailingPadding(tail: Buffer): Buffer {
  let end = tail.length;
  while (end > 0 && (tail[end - 1] === 0x00 || tail[end - 1] === 0x0a || tail[end - 1] === 0x0d || tail[end - 1] === 0x20)) end--;
  return tail.subarray(0, end);
}

/** The file's first characters when it starts as text (an HTML error page saved under a medium's name), else undefined. */
function textStart(head: Buffer): string | undefined {
  const sample = head.subarray(0, 32);
  const printable = [...sample].every((byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte < 0x7f));
  if (!printable || sample.length === 0) return undefined;
  return sample.toString('latin1').replace(/\s+/g, ' ').trim().slice(0, 24);
}

function lastLine(log: string): string {
  const lines = log.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim().slice(0, 200) || 'no message';
}
