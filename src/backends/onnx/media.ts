// Media -> normalised pixels for the vision graph, with sharp. An image is one frame; a video (a file or a folder of
// extracted frames) is read by src/media/video.ts with the run's frame sampling (`--frames`), and when the sampling
// gives more frames than the model's time embeddings cover (`image.maxFrames`), an even subset of them is taken.
// Preprocessed videos are kept by id (src/media/cache.ts): a demonstration video is decoded once per run.
// Loading runs in parallel up to a bound (p-limit).
import pLimit from 'p-limit';
import sharp, { type Sharp } from 'sharp';
import { MediaCache } from '../../media/cache.ts';
import { MediaError } from '../../media/errors.ts';
import { FLAMINGO_SAMPLING } from '../../media/sampling.ts';
import { readVideo, type Frame } from '../../media/video.ts';
import type { FrameSampling, ImageRef, MediaRef, VideoRef } from '../../core/types.ts';
import type { BundleManifest } from './manifest.ts';

/** One medium as the vision graph takes it: frames x 3 x size x size, channel-first, normalised. */
export interface MediaPixels {
  frames: number;
  data: Float32Array;
}

export interface MediaLoaderOptions {
  /** How videos become frames (default: the paper's 30 frames at 3 FPS). */
  frames?: FrameSampling;
  /** Bytes of preprocessed video frames kept (default 256 MiB). */
  videoCacheBytes?: number;
}

export class MediaLoader {
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly sampling: FrameSampling;
  readonly videos: MediaCache<MediaPixels>;

  constructor(
    private readonly image: BundleManifest['image'],
    concurrency = 4,
    options: MediaLoaderOptions = {},
  ) {
    this.limit = pLimit(concurrency);
    this.sampling = options.frames ?? FLAMINGO_SAMPLING;
    this.videos = new MediaCache(options.videoCacheBytes ?? 256 * 1024 * 1024, (px) => px.data.byteLength);
  }

  load(media: MediaRef): Promise<MediaPixels> {
    if (media.kind === 'video') return this.videos.get(media.id, () => this.limit(() => this.loadVideo(media)));
    return this.limit(() => this.loadImage(media));
  }

  private async loadImage(media: ImageRef): Promise<MediaPixels> {
    let raw: Buffer;
    try {
      // One pipeline, no metadata read first: sharp skips the resize of an image already at the model's size.
      raw = await this.resized(sharp(media.path).rotate().removeAlpha().toColourspace('srgb'));
    } catch (error) {
      const missing = (error as Error).message.includes('missing');
      throw new MediaError(media.path, missing ? 'image not found' : `cannot read the image (${(error as Error).message})`);
    }
    return { frames: 1, data: this.normalised(raw) };
  }

  private async loadVideo(media: VideoRef): Promise<MediaPixels> {
    const { frames: sampled } = await readVideo(media, { sampling: this.sampling, maxSide: 4 * this.image.size });
    const keep = Math.min(sampled.length, this.image.maxFrames);
    const frames = Array.from({ length: keep }, (_, k) => sampled[Math.floor(((k + 0.5) * sampled.length) / keep)]!);
    const plane = 3 * this.image.size * this.image.size;
    const data = new Float32Array(keep * plane);
    const distinct = new Map<Frame, Promise<Float32Array>>();
    for (const frame of frames) if (!distinct.has(frame)) distinct.set(frame, this.frameData(frame));
    for (let f = 0; f < keep; f++) data.set(await distinct.get(frames[f]!)!, f * plane);
    return { frames: keep, data };
  }

  private async frameData(frame: Frame): Promise<Float32Array> {
    const input = sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } });
    return this.normalised(await this.resized(input));
  }

  /** The image resized to the model's square input as the manifest says, as raw RGB. */
  private resized(image: Sharp): Promise<Buffer> {
    const { size, mean, resize } = this.image;
    const background = { r: Math.round(mean[0] * 255), g: Math.round(mean[1] * 255), b: Math.round(mean[2] * 255) };
    image =
      resize === 'pad'
        ? image.resize(size, size, { fit: 'contain', background })
        : resize === 'center-crop'
          ? image.resize(size, size, { fit: 'cover', position: 'centre' })
          : image.resize(size, size, { fit: 'fill' });
    return image.raw().toBuffer();
  }

  private normalised(raw: Buffer): Float32Array {
    const { size, mean, std } = this.image;
    const plane = size * size;
    const out = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) out[c * plane + i] = (raw[i * 3 + c]! / 255 - mean[c]!) / std[c]!;
    }
    return out;
  }
}
