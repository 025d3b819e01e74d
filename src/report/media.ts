// Thumbnails of the media the report's prompts show: an image scaled down, a video as a strip of frames taken
// evenly over the clip (or its segment). JPEG data URIs, so the report is one file and fetches nothing. Each medium is
// read once however many prompts show it; one that cannot be read becomes its error message in the report.
import pLimit from 'p-limit';
import sharp from 'sharp';
import { MediaError } from '../media/errors.ts';
import { readVideo } from '../media/video.ts';
import type { MediaRef } from '../core/types.ts';

export interface Thumbnail {
  /** The image, or the video's frames in time order, as `data:image/jpeg;base64,...`. */
  frames: string[];
  /** Why the medium could not be shown (not found on this machine, unreadable). */
  error?: string;
}

export interface ThumbnailOptions {
  /** Longest side in pixels. */
  size: number;
  /** Frames in a video's strip. */
  videoFrames: number;
}

/** Collects the media of the prompts shown; `key` names each in the report's media table. */
export class MediaTable {
  private readonly keys = new Map<string, string>();
  private readonly refs: MediaRef[] = [];

  key(media: MediaRef): string {
    const identity =
      media.kind === 'video' ? `video\0${media.path}\0${media.start ?? ''}\0${media.end ?? ''}` : `image\0${media.path}`;
    let key = this.keys.get(identity);
    if (key === undefined) {
      key = String(this.refs.length);
      this.keys.set(identity, key);
      this.refs.push(media);
    }
    return key;
  }

  get size(): number {
    return this.refs.length;
  }

  /** The thumbnails by key, `concurrency` media at a time. */
  async render(options: ThumbnailOptions, concurrency = 2): Promise<Record<string, Thumbnail>> {
    const limit = pLimit(concurrency);
    const thumbnails = await Promise.all(this.refs.map((ref) => limit(() => thumbnail(ref, options))));
    return Object.fromEntries(thumbnails.map((t, i) => [String(i), t]));
  }
}

async function thumbnail(media: MediaRef, options: ThumbnailOptions): Promise<Thumbnail> {
  try {
    if (media.kind === 'image') {
      const jpeg = await sharp(media.path).rotate().resize(options.size, options.size, { fit: 'inside' }).jpeg({ quality: 70 }).toBuffer();
      return { frames: [dataUri(jpeg)] };
    }
    const video = await readVideo(media, { sampling: { mode: 'uniform', frames: options.videoFrames }, maxSide: options.size });
    const frames = await Promise.all(
      video.frames.map(async (frame) =>
        dataUri(await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).jpeg({ quality: 70 }).toBuffer()),
      ),
    );
    return { frames };
  } catch (error) {
    // A MediaError's message already starts with the file (and the segment); sharp's do not.
    const message = (error as Error).message;
    return { frames: [], error: error instanceof MediaError ? message : `${media.path}: ${message}` };
  }
}

function dataUri(jpeg: Buffer): string {
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}
