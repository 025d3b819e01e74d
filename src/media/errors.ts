// A medium that cannot be read (missing, damaged, not a video, no frames, a segment outside it). It is bad input
// (exit code 2 when the run stops on it); under `--on-media-error skip` the examples that need it are skipped and
// counted instead.
import { InputError } from '../core/errors.ts';

export class MediaError extends InputError {
  constructor(
    readonly path: string,
    reason: string,
    readonly segment?: { start?: number; end?: number },
  ) {
    super(`${path}${segment ? ` (segment ${segmentText(segment)})` : ''}: ${reason}`, path);
    this.name = 'MediaError';
  }
}

function segmentText(segment: { start?: number; end?: number }): string {
  return `${segment.start ?? 0}-${segment.end ?? 'end'} s`;
}

export function isMediaError(error: unknown): error is MediaError {
  return error instanceof MediaError;
}
