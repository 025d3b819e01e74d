// Video files and folders of extracted frames -> the sampled frames, as RGB pixels in time order.
//
// A file is decoded by one ffmpeg run: an explicit segment is cut with -ss/-t, ffmpeg's fps filter resamples the
// clip to the rate the sampling asks for (sampling.ts: decodeRate; with round=up, output frame j is the frame shown at
// time j / R), and raw RGB frames come back on a pipe; the same run's log gives the container's duration. A clip so
// long that its frames at that rate pass `maxDecodedBytes` is decoded a second time, in the centred window the
// sampling takes (-ss/-t), so memory stays bounded; the frames taken are then the same within one frame. Uniform sampling first reads the duration (ffmpeg -i, headers only).
// A folder is read as a video at `folderFps` frames per second, its images sorted by name with numbers in numeric
// order (frame_2 before frame_10); only the sampled images are read.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { loadSharp } from './sharp.ts';
import { FRAME_EXTENSIONS, VIDEO_EXTENSIONS } from './extensions.ts';
import type { FrameSampling, VideoRef } from '../core/types.ts';
import { MediaError } from './errors.ts';
import { runFfmpeg } from './ffmpeg.ts';
import { decodeRate, sampleFrameIndices } from './sampling.ts';

/** One frame: RGB bytes, row-major, `width * height * 3`. */
export interface Frame {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface ReadVideoOptions {
  sampling: FrameSampling;
  /** Frames larger than this on their longer side are scaled down (aspect kept) while decoding; default: none. */
  maxSide?: number;
  /** The frame rate of a folder of extracted frames (default 1, the rate Flamingo trained on). */
  folderFps?: number;
  /**
   * Decoded bytes kept before a long clip is decoded again in its centred window only (flamingo and fps sampling;
   * default 256 MiB).
   */
  maxDecodedBytes?: number;
}

export interface VideoFrames {
  frames: Frame[];
  /**
   * The clip as read: decoded at `rate` frames per second into `clipFrames` frames, of which `indices` were taken
   * (for a frame folder: its own rate, its number of images and the images taken).
   */
  rate: number;
  clipFrames: number;
  indices: number[];
}

export { FRAME_EXTENSIONS, VIDEO_EXTENSIONS };
export const DEFAULT_FOLDER_FPS = 1;

export const MAX_DECODED_BYTES = 256 * 1024 * 1024;

/** A segment end may pass the container's duration by this much (annotations round times) before it is an error. */
const SEGMENT_END_SLACK = 0.5;

export async function readVideo(video: VideoRef, options: ReadVideoOptions): Promise<VideoFrames> {
  const segment = video.start !== undefined || video.end !== undefined ? { start: video.start, end: video.end } : undefined;
  const fail = (reason: string) => new MediaError(video.path, reason, segment);
  const { start = 0, end } = video;
  if (!Number.isFinite(start) || start < 0) throw fail(`the segment start ${start} is not a time >= 0`);
  if (end !== undefined && !(Number.isFinite(end) && end > start)) throw fail(`the segment end ${end} is not after its start`);
  const info = await stat(video.path).catch(() => undefined);
  if (!info) throw fail('video not found');
  if (info.isDirectory()) return readFrameFolder(video, options, fail);
  if (FRAME_EXTENSIONS.has(extname(video.path).toLowerCase())) {
    throw fail('an image, not a video: give a video file or a folder of frame images');
  }
  if (info.size === 0) throw fail('the file is empty');
  return readVideoFile(video, options, fail);
}

interface ContainerInfo {
  /** Seconds, when the container says. */
  duration?: number;
  hasVideo: boolean;
  /** The demuxer ffmpeg chose (`avi`, `mov,mp4,...`, `png_pipe`), when the log names it. */
  format?: string;
}

/** What `ffmpeg -i` logs about the input: its duration, whether it has a video stream, and its container format. */
export function parseInputLog(log: string): ContainerInfo {
  const duration = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(log);
  const format = /Input #0, ([^\n]+?), from /.exec(log)?.[1];
  return {
    duration: duration ? Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]) : undefined,
    hasVideo: /Stream #\d+:\d+.*: Video: /.test(log),
    ...(format !== undefined ? { format } : {}),
  };
}

/**
 * ffmpeg reads a still image as a one-frame video (its image demuxers: `image2`, `png_pipe`, `jpeg_pipe`, ...), so a
 * PNG or JPEG named `.avi` would pass as a clip of one frame: the container format is checked as well as the stream.
 */
function imageFormat(container: ContainerInfo): string | undefined {
  return container.format !== undefined && /^(image2|[a-z0-9]+_pipe)$/.test(container.format) ? container.format : undefined;
}

function stillImage(format: string): string {
  return `an image (${format.replace(/_pipe$/, '')}), not a video, despite its name: give a video file or a folder of frame images`;
}

/** Lines of an ffmpeg log that report damage (decoder and demuxer errors). */
function problemLines(log: string): string[] {
  return log
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /error|invalid|corrupt|truncat|missing|not found/i.test(line) && !/^(Input|Output|Stream) #/.test(line));
}

function ffmpegReason(log: string, code: number | null): string {
  const problems = problemLines(log);
  const last = problems.at(-1) ?? log.trim().split('\n').at(-1) ?? `exit code ${code}`;
  // ffmpeg prefixes its message with the path or a [demuxer @ 0x...] tag; the path is already in our message.
  return last.replace(/^.*?: (?=[A-Z])/, '').replace(/^\[[^\]]*\]\s*/, '');
}

async function readVideoFile(
  video: VideoRef,
  options: ReadVideoOptions,
  fail: (reason: string) => MediaError,
): Promise<VideoFrames> {
  const { sampling } = options;
  const start = video.start ?? 0;
  let rate: number;
  let container: ContainerInfo | undefined;
  if (sampling.mode === 'uniform') {
    const probe = await runFfmpeg(['-hide_banner', '-nostdin', '-i', video.path]);
    container = parseInputLog(probe.stderr);
    const image = imageFormat(container);
    if (image !== undefined) throw fail(stillImage(image));
    if (!container.hasVideo) throw fail(notAVideo(probe.stderr, probe.code));
    if (container.duration === undefined) throw fail('the container does not say how long the video is; uniform sampling needs it (use --frames fps:R)');
    checkSegment(video, container.duration, fail);
    rate = decodeRate(sampling, Math.min(video.end ?? container.duration, container.duration) - start);
  } else {
    rate = decodeRate(sampling, 0);
  }
  const length = video.end === undefined ? undefined : video.end - start;
  let result = await decode(video.path, start, length, rate, options, options.maxDecodedBytes ?? MAX_DECODED_BYTES);
  container ??= parseInputLog(result.stderr);
  const image = imageFormat(container);
  if (image !== undefined) throw fail(stillImage(image));
  let offset = 0;
  let clipFrames: number | undefined;
  if (result.overflow) {
    // A long clip: rather than keep all its frames, decode again only the centred window the sampling takes.
    const wanted = sampling.mode === 'flamingo' ? sampling.frames : sampling.mode === 'fps' ? sampling.maxFrames : undefined;
    if (container.duration === undefined || wanted === undefined) {
      throw fail(`too long to decode at ${rate} frames per second within ${options.maxDecodedBytes ?? MAX_DECODED_BYTES} bytes`);
    }
    checkSegment(video, container.duration, fail);
    const end = Math.min(video.end ?? container.duration, container.duration);
    const centre = (start + end) / 2;
    const half = (wanted / 2 + 1) / rate;
    const from = Math.max(start, centre - half);
    result = await decode(video.path, from, Math.min(end, centre + half) - from, rate, options, Infinity);
    offset = Math.round((from - start) * rate);
    clipFrames = Math.floor((end - start) * rate);
  }
  if (result.code !== 0) {
    if (!container.hasVideo) throw fail(notAVideo(result.stderr, result.code));
    throw fail(`ffmpeg cannot decode it: ${ffmpegReason(result.stderr, result.code)}`);
  }
  if (container.duration !== undefined) checkSegment(video, container.duration, fail);
  const size = outputSize(result.stderr);
  if (!size) throw fail('ffmpeg did not say the size of the decoded frames');
  const bytes = size.width * size.height * 3;
  const count = Math.floor(result.stdout.length / bytes);
  const problems = problemLines(result.stderr);
  if (count === 0) {
    throw fail(`no frame could be decoded${problems.length > 0 ? ` (${ffmpegReason(result.stderr, result.code)})` : ''}`);
  }
  if (problems.length > 0 && container.duration !== undefined && clipFrames === undefined) {
    // Damage that still leaves frames: an error only when frames are missing (a clean file decodes to its end).
    const expected = Math.floor(((video.end ?? container.duration) - start) * rate);
    if (count < expected - 1) {
      throw fail(`damaged or truncated: ${count} of about ${expected} frames decode (${ffmpegReason(result.stderr, result.code)})`);
    }
  }
  const picked = sampleFrameIndices(sampling, count, rate);
  const frames = picked.map((i) => ({ ...size, data: result.stdout.subarray(i * bytes, (i + 1) * bytes) }));
  return { frames, rate, clipFrames: clipFrames ?? count, indices: picked.map((i) => offset + i) };
}

/** One ffmpeg run: `length` seconds from `from` (to the end when undefined), resampled to `rate`, as raw RGB. */
function decode(path: string, from: number, length: number | undefined, rate: number, options: ReadVideoOptions, cap: number) {
  const filters = [`fps=fps=${rate}:round=up`];
  if (options.maxSide) {
    const m = options.maxSide;
    filters.push(`scale=w='min(${m},iw)':h='min(${m},ih)':force_original_aspect_ratio=decrease`);
  }
  // One decoding thread: videos are decoded several at a time (the backend's loader), which uses the cores better
  // than frame threads fighting over them (measured in bench/video-decode.ts).
  const args = ['-hide_banner', '-nostdin', '-nostats', '-v', 'info', '-threads', '1'];
  if (from > 0) args.push('-ss', String(from));
  if (length !== undefined) args.push('-t', String(length));
  args.push('-i', path, '-map', '0:v:0', '-vf', filters.join(','), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  return runFfmpeg(args, undefined, cap);
}

function notAVideo(log: string, code: number | null): string {
  if (/Invalid data found|moov atom not found|could not find codec|unknown format/i.test(log)) {
    return `not a readable video file (truncated, damaged or another format: ${ffmpegReason(log, code)})`;
  }
  return /Stream #/.test(log) ? 'the file has no video stream' : `not a readable video file (${ffmpegReason(log, code)})`;
}

function checkSegment(video: VideoRef, duration: number, fail: (reason: string) => MediaError): void {
  const problem = segmentProblem(video, duration);
  if (problem !== undefined) throw fail(problem);
}

/** Why `video`'s segment does not fit a video `duration` seconds long, or undefined when it does. */
export function segmentProblem(video: VideoRef, duration: number): string | undefined {
  const start = video.start ?? 0;
  if (start >= duration) return `the segment starts after the end of the video (${duration} s long)`;
  if (video.end !== undefined && video.end > duration + SEGMENT_END_SLACK) return `the segment ends after the end of the video (${duration} s long)`;
  return undefined;
}

/** The size of the frames ffmpeg writes: the "Output #0 ... Stream ... rawvideo ..., WxH" line of its log. */
function outputSize(log: string): { width: number; height: number } | undefined {
  const output = log.slice(log.indexOf('Output #0'));
  const match = /Video: rawvideo[^\n]*?, (\d+)x(\d+)/.exec(output);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}

const byName = new Intl.Collator('en', { numeric: true });

/** The frame images of a folder, in time order. */
export async function frameFiles(path: string): Promise<string[]> {
  const names = (await readdir(path)).filter((name) => FRAME_EXTENSIONS.has(extname(name).toLowerCase()));
  return names.sort(byName.compare).map((name) => join(path, name));
}

async function readFrameFolder(
  video: VideoRef,
  options: ReadVideoOptions,
  fail: (reason: string) => MediaError,
): Promise<VideoFrames> {
  const rate = options.folderFps ?? DEFAULT_FOLDER_FPS;
  let files = await frameFiles(video.path);
  if (files.length === 0) throw fail(`the frame folder holds no images (${[...FRAME_EXTENSIONS].join(', ')})`);
  if (video.start !== undefined || video.end !== undefined) {
    const duration = files.length / rate;
    checkSegment(video, duration, fail);
    const first = Math.floor((video.start ?? 0) * rate + 1e-6);
    const last = Math.min(files.length, Math.ceil((video.end ?? duration) * rate - 1e-6));
    files = files.slice(first, Math.max(first + 1, last));
  }
  // Resampled to the decoding rate as ffmpeg's fps filter does for a file (frame j shows time j / R), then sampled.
  const seconds = files.length / rate;
  const decodeAt = decodeRate(options.sampling, seconds);
  const resampled = Array.from({ length: Math.max(1, Math.ceil(seconds * decodeAt - 1e-6)) }, (_, j) =>
    Math.min(files.length - 1, Math.floor((j * rate) / decodeAt + 1e-6)),
  );
  const indices = sampleFrameIndices(options.sampling, resampled.length, decodeAt).map((j) => resampled[j]!);
  const read = new Map<number, Promise<Frame>>();
  for (const i of indices) if (!read.has(i)) read.set(i, readFrameImage(files[i]!, options.maxSide, video));
  const frames = await Promise.all(indices.map((i) => read.get(i)!));
  return { frames, rate, clipFrames: files.length, indices };
}

async function readFrameImage(path: string, maxSide: number | undefined, video: VideoRef): Promise<Frame> {
  try {
    const sharp = await loadSharp();
    let image = sharp(path).rotate().removeAlpha().toColourspace('srgb');
    if (maxSide) image = image.resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true });
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data };
  } catch (error) {
    throw new MediaError(path, `cannot read this frame of ${video.path} (${(error as Error).message})`);
  }
}
