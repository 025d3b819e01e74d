// Sample videos: a moving scene rendered frame by frame (the same rasteriser as the still images) and encoded with
// the shipped ffmpeg into a tiny video file: fixed encoder settings, one encoder thread, bit-exact muxing and no
// metadata (no creation time, no encoder tag). Two encodes on one machine give the same bytes, but not across CPUs
// (the encoders pick code paths by CPU features: 19 of the committed mp4 files came out otherwise on an AMD EPYC), so
// the sample-data check compares the frames given to the encoder instead (onEncode, frameDigest) and the committed
// files' decoded frames within a tolerance (test/sample-data-regenerate.test.ts).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '../../src/media/ffmpeg.ts';
import { rasterize } from './render.ts';
import { sceneAt, type Scene } from './scene.ts';

export type VideoContainer = 'mp4' | 'mkv' | 'webm' | 'avi';

export interface ClipOptions {
  /** Length in seconds (default 4). */
  seconds?: number;
  /** Frames per second (default 8). */
  fps?: number;
  /** Width and height in pixels (default 64; even, for 4:2:0 chroma). */
  size?: number;
  /** The file format (default mp4), with the codec its releases commonly use. */
  container?: VideoContainer;
}

// H.264 in .mp4 / .mkv (YouTube-derived datasets), VP8 in .webm, MPEG-4 part 2 in .avi (MSVD's clips).
const CODECS: Record<VideoContainer, string[]> = {
  mp4: ['-c:v', 'libx264', '-preset', 'medium', '-crf', '20', '-pix_fmt', 'yuv420p'],
  mkv: ['-c:v', 'libx264', '-preset', 'medium', '-crf', '20', '-pix_fmt', 'yuv420p'],
  webm: ['-c:v', 'libvpx', '-b:v', '200k', '-deadline', 'good', '-cpu-used', '1', '-pix_fmt', 'yuv420p'],
  avi: ['-c:v', 'mpeg4', '-q:v', '3', '-pix_fmt', 'yuv420p'],
};

/** A clip as the encoder received it (raw RGB frames, `size * size * 3` bytes each) and the file it wrote. */
export interface EncodedClip {
  frames: Uint8Array[];
  size: number;
  fps: number;
  container: VideoContainer;
  bytes: Buffer;
}

const encodeListeners = new Set<(clip: EncodedClip) => void>();

/** Calls `listener` with every clip encoded from now until the returned function is called. */
export function onEncode(listener: (clip: EncodedClip) => void): () => void {
  encodeListeners.add(listener);
  return () => encodeListeners.delete(listener);
}

/** sha256 of a clip's frames before encoding, with their size, rate and count: the portable identity of a clip. */
export function frameDigest(clip: Pick<EncodedClip, 'frames' | 'size' | 'fps'>): string {
  const hash = createHash('sha256').update(`rgb24 ${clip.size}x${clip.size} ${clip.fps} fps ${clip.frames.length} frames\n`);
  for (const frame of clip.frames) hash.update(frame);
  return hash.digest('hex');
}

/** The scene moving for `seconds`, encoded as a video file (frame k shows the scene at time k / fps). */
export function encodeClip(scene: Scene, options: ClipOptions = {}): Promise<Buffer> {
  const seconds = options.seconds ?? 4;
  const fps = options.fps ?? 8;
  const size = options.size ?? 64;
  const count = Math.max(1, Math.round(seconds * fps));
  const frames = Array.from({ length: count }, (_, k) => rasterize(sceneAt(scene, k / fps), size));
  return encodeFrames(frames, size, fps, options.container ?? 'mp4');
}

/** Raw RGB frames (`size * size * 3` bytes each) encoded as a video file at `fps`. */
export async function encodeFrames(
  frames: Uint8Array[],
  size: number,
  fps: number,
  container: VideoContainer = 'mp4',
): Promise<Buffer> {
  if (size % 2 !== 0) throw new Error(`encodeFrames: size ${size} must be even (4:2:0 chroma)`);
  // The mp4 and matroska muxers seek back to write their indexes: encode to a file, not a pipe.
  const dir = await mkdtemp(join(tmpdir(), 'sample-video-'));
  const out = join(dir, `clip.${container}`);
  try {
    const args = [
      '-hide_banner', '-nostdin', '-v', 'error',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${size}x${size}`, '-r', String(fps), '-i', 'pipe:0',
      ...CODECS[container],
      '-threads', '1', '-g', String(Math.max(1, Math.round(fps * 2))),
      '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact',
      '-y', out,
    ];
    const result = await runFfmpeg(args, Buffer.concat(frames));
    if (result.code !== 0) throw new Error(`ffmpeg could not encode the sample video: ${result.stderr.trim()}`);
    const bytes = await readFile(out);
    for (const listener of encodeListeners) listener({ frames, size, fps, container, bytes });
    return bytes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
