// Media -> normalised pixels for the vision graph, with sharp. An image is one frame; a video is a folder of frame
// images (sorted by name), of which at most `maxFrames` are taken, evenly spaced (the model's time embeddings cover
// that many frames). Decoding runs in parallel up to a bound (p-limit).
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { InputError } from '../../errors.ts';
import type { MediaRef } from '../../types.ts';
import type { BundleManifest } from './manifest.ts';

/** One medium as the vision graph takes it: frames x 3 x size x size, channel-first, normalised. */
export interface MediaPixels {
  frames: number;
  data: Float32Array;
}

const FRAME_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.gif', '.tif', '.tiff']);

export class MediaLoader {
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(
    private readonly image: BundleManifest['image'],
    concurrency = 4,
  ) {
    this.limit = pLimit(concurrency);
  }

  load(media: MediaRef): Promise<MediaPixels> {
    return this.limit(async () => {
      const frames = media.kind === 'video' ? await this.framePaths(media.path) : [media.path];
      const size = this.image.size * this.image.size * 3;
      const data = new Float32Array(frames.length * size);
      await Promise.all(frames.map(async (path, f) => data.set(await this.pixels(path), f * size)));
      return { frames: frames.length, data };
    });
  }

  /** Frame files of a video folder, evenly subsampled to at most maxFrames. */
  async framePaths(path: string): Promise<string[]> {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new InputError(`${path}: video not found`, path);
    if (!info.isDirectory()) {
      throw new InputError(
        `${path}: the ONNX backend reads videos as folders of extracted frames (frame-0001.png, ...); ` +
          'extract the frames first (e.g. ffmpeg -i clip.mp4 -vf fps=1 clip/frame-%04d.png)',
        path,
      );
    }
    const files = (await readdir(path)).filter((f) => FRAME_EXTENSIONS.has(extname(f).toLowerCase())).sort();
    if (files.length === 0) throw new InputError(`${path}: the video folder holds no frame images`, path);
    const n = Math.min(files.length, this.image.maxFrames);
    const picked = Array.from({ length: n }, (_, i) => files[Math.floor(((i + 0.5) * files.length) / n)]!);
    return picked.map((f) => join(path, f));
  }

  private async pixels(path: string): Promise<Float32Array> {
    const { size, mean, std, resize } = this.image;
    let raw: Buffer;
    try {
      let image = sharp(path).rotate().removeAlpha().toColourspace('srgb');
      const meta = await sharp(path).metadata();
      const oriented = (meta.orientation ?? 1) >= 5;
      const width = oriented ? meta.height : meta.width;
      const height = oriented ? meta.width : meta.height;
      if (width !== size || height !== size) {
        const background = { r: Math.round(mean[0] * 255), g: Math.round(mean[1] * 255), b: Math.round(mean[2] * 255) };
        image =
          resize === 'pad'
            ? image.resize(size, size, { fit: 'contain', background })
            : resize === 'center-crop'
              ? image.resize(size, size, { fit: 'cover', position: 'centre' })
              : image.resize(size, size, { fit: 'fill' });
      }
      raw = await image.raw().toBuffer();
    } catch (error) {
      throw new InputError(`${path}: cannot read the image (${(error as Error).message})`, path);
    }
    const plane = size * size;
    const out = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) out[c * plane + i] = (raw[i * 3 + c]! / 255 - mean[c]!) / std[c]!;
    }
    return out;
  }
}
