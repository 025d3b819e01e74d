// Frame sampling: which frames of a clip (or of a segment of it) a model sees. The sampling is a value recorded in
// the run record (`--frames`), never a detail hidden in a backend.
//
// A clip is read as `n` frames at `rate` frames per second (frame i shows times [i / rate, (i + 1) / rate)), and a
// sampling names a time for each frame it wants; the frame at that time is taken. The rules:
// - flamingo {frames F, fps R}: F times 1 / R apart, centred on the clip (the paper's inference setting, F = 30 at
//   R = 3, section 3.1 / appendix of Alayrac et al. 2022). A clip shorter than F / R seconds keeps the 1 / R spacing:
//   times before its start take its first frame and times after its end its last frame (edge frames repeat).
// - uniform {frames N}: the centres of N equal parts of the clip; a clip with fewer than N frames repeats frames
//   (each time takes the frame showing it).
// - fps {fps R, maxFrames M}: one frame every 1 / R seconds over the whole clip, at least 1, and when that is more
//   than M, the centred M of them (as flamingo does).
import { UsageError } from '../core/errors.ts';
import type { FrameSampling } from '../core/types.ts';

/** The paper's inference setting, the default under `--protocol flamingo`. */
export const FLAMINGO_SAMPLING = { mode: 'flamingo', frames: 30, fps: 3 } as const satisfies FrameSampling;

/** `maxFrames` of `fps:R` when not given. */
export const DEFAULT_MAX_FRAMES = 30;

/** `--frames` values: `flamingo`, `uniform:N`, `fps:R` or `fps:R:M` (at most M frames). */
export function parseFrameSampling(text: string, flag = '--frames'): FrameSampling {
  const value = text.trim();
  const bad = (why: string) =>
    new UsageError(`${flag} ${text}: ${why}; expected flamingo, uniform:N (N frames) or fps:R[:M] (R frames per second, at most M)`);
  if (value === 'flamingo') return { ...FLAMINGO_SAMPLING };
  const [mode, ...rest] = value.split(':');
  if (mode === 'uniform') {
    if (rest.length !== 1) throw bad('uniform takes one number');
    return { mode: 'uniform', frames: positiveInteger(rest[0]!, bad) };
  }
  if (mode === 'fps') {
    if (rest.length < 1 || rest.length > 2) throw bad('fps takes a rate and optionally a frame limit');
    const fps = Number(rest[0]);
    if (!/^\d+(\.\d+)?$/.test(rest[0]!) || !(fps > 0)) throw bad(`"${rest[0]}" is not a positive rate`);
    return { mode: 'fps', fps, maxFrames: rest[1] === undefined ? DEFAULT_MAX_FRAMES : positiveInteger(rest[1], bad) };
  }
  throw bad(`unknown mode "${mode}"`);
}

function positiveInteger(text: string, bad: (why: string) => Error): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw bad(`"${text}" is not an integer >= 1`);
  return n;
}

/** The `--frames` spelling of a sampling (`flamingo` for the paper's setting). */
export function formatFrameSampling(sampling: FrameSampling): string {
  switch (sampling.mode) {
    case 'flamingo':
      return sampling.frames === FLAMINGO_SAMPLING.frames && sampling.fps === FLAMINGO_SAMPLING.fps
        ? 'flamingo'
        : `flamingo(${sampling.frames} frames at ${sampling.fps} fps)`;
    case 'uniform':
      return `uniform:${sampling.frames}`;
    case 'fps':
      return `fps:${sampling.fps}:${sampling.maxFrames}`;
  }
}

/** How many frames a sampling gives for a clip of `seconds` (fps mode depends on the length). */
export function sampledFrameCount(sampling: FrameSampling, seconds: number): number {
  switch (sampling.mode) {
    case 'flamingo':
    case 'uniform':
      return sampling.frames;
    case 'fps':
      return Math.min(sampling.maxFrames, Math.max(1, Math.floor(seconds * sampling.fps + 1e-6)));
  }
}

/** The times (seconds from the clip's start) a sampling wants from a clip `seconds` long. */
export function sampleTimes(sampling: FrameSampling, seconds: number): number[] {
  const count = sampledFrameCount(sampling, seconds);
  if (sampling.mode === 'uniform') return Array.from({ length: count }, (_, k) => ((k + 0.5) * seconds) / count);
  const centre = seconds / 2;
  return Array.from({ length: count }, (_, k) => centre + (k - (count - 1) / 2) / sampling.fps);
}

/**
 * Indices of the frames a sampling takes from `n` frames at `rate` frames per second, in time order
 * (repeated where the clip is too short).
 */
export function sampleFrameIndices(sampling: FrameSampling, n: number, rate: number): number[] {
  if (n < 1) throw new RangeError('sampleFrameIndices: a clip has at least one frame');
  // The small epsilon keeps a time that lands exactly on a frame boundary (k / rate) in the frame that starts there.
  return sampleTimes(sampling, n / rate).map((t) => Math.min(n - 1, Math.max(0, Math.floor(t * rate + 1e-6))));
}

/**
 * The rate at which a video file is decoded for a sampling (ffmpeg's fps filter): the sampling's own rate, or for
 * uniform N twice N per clip length, so that the centre of each of the N parts is a decoded frame's time.
 */
export function decodeRate(sampling: FrameSampling, seconds: number): number {
  return sampling.mode === 'uniform' ? (2 * sampling.frames) / seconds : sampling.fps;
}
