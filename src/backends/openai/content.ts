// Interleaved prompts -> what an OpenAI-compatible server reads. For chat completions, the whole prompt is one user
// message whose content alternates text parts and image_url parts (images as base64 data URLs); a video is its
// sampled frames (--frames), one image part each, in time order. An end of chunk is rendered as plain text (default
// a newline), since a served chat model has no Flamingo <EOC> token of its own.
// Images are re-encoded with sharp: to JPEG fitting inside image-size pixels (--model-arg image-size=<n>) when it is given; otherwise JPEG, PNG,
// WebP and GIF files are sent as they are. Encoded media are cached by id (a demonstration image shown with many
// queries is read once while it stays in the cache).
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { MediaCache } from '../../media/cache.ts';
import { MediaError } from '../../media/errors.ts';
import { FLAMINGO_SAMPLING } from '../../media/sampling.ts';
import { readVideo } from '../../media/video.ts';
import type { FrameSampling, ImageRef, MediaRef, Prompt, VideoRef } from '../../core/types.ts';

export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface RenderOptions {
  /** Longest side, in pixels, images and frames are scaled down to (aspect kept); none: sent at their size. */
  imageSize?: number;
  /** How videos become frames (default: the paper's 30 frames at 3 FPS). */
  frames?: FrameSampling;
  /** The text an end of chunk becomes (default "\n"). */
  endOfChunk?: string;
  /** Bytes of encoded media kept (default 256 MiB). */
  cacheBytes?: number;
}

const PASS_THROUGH = new Set(['jpeg', 'png', 'webp', 'gif']);

export class PromptRenderer {
  readonly endOfChunk: string;
  private readonly cache: MediaCache<string[]>;

  constructor(private readonly options: RenderOptions = {}) {
    this.endOfChunk = options.endOfChunk ?? '\n';
    this.cache = new MediaCache(options.cacheBytes ?? 256 * 1024 * 1024, (urls) => urls.reduce((n, url) => n + url.length, 0));
  }

  /** The chat content of a prompt, with consecutive text (and ends of chunk) joined into one text part. */
  async chatContent(prompt: Prompt): Promise<{ content: ContentPart[]; mediaMs: number }> {
    const started = performance.now();
    const urls = await Promise.all(prompt.map((part) => (part.type === 'media' ? this.dataUrls(part.media) : undefined)));
    const content: ContentPart[] = [];
    const addText = (text: string) => {
      const last = content[content.length - 1];
      if (last?.type === 'text') last.text += text;
      else if (text !== '') content.push({ type: 'text', text });
    };
    prompt.forEach((part, i) => {
      if (part.type === 'text') addText(part.text);
      else if (part.type === 'end_of_chunk') addText(this.endOfChunk);
      else for (const url of urls[i]!) content.push({ type: 'image_url', image_url: { url } });
    });
    return { content, mediaMs: performance.now() - started };
  }

  /** The prompt as plain text (ends of chunk rendered); undefined when it shows media, which plain text cannot carry. */
  plainText(prompt: Prompt): string | undefined {
    let text = '';
    for (const part of prompt) {
      if (part.type === 'media') return undefined;
      text += part.type === 'text' ? part.text : this.endOfChunk;
    }
    return text;
  }

  private dataUrls(media: MediaRef): Promise<string[]> {
    return this.cache.get(media.id, async () => (media.kind === 'image' ? [await this.imageUrl(media)] : await this.videoUrls(media)));
  }

  private async imageUrl(media: ImageRef): Promise<string> {
    try {
      const size = this.options.imageSize;
      if (size === undefined) {
        const bytes = await readFile(media.path);
        const format = (await sharp(bytes).metadata()).format ?? '';
        if (PASS_THROUGH.has(format)) return dataUrl(format, bytes);
        return dataUrl('png', await sharp(bytes).rotate().png().toBuffer());
      }
      const resized = await sharp(media.path)
        .rotate()
        .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 90 })
        .toBuffer();
      return dataUrl('jpeg', resized);
    } catch (error) {
      const missing = (error as { code?: string }).code === 'ENOENT' || /Input file is missing/.test((error as Error).message);
      throw new MediaError(media.path, missing ? 'image not found' : `cannot read the image (${(error as Error).message})`);
    }
  }

  private async videoUrls(media: VideoRef): Promise<string[]> {
    const { frames } = await readVideo(media, { sampling: this.options.frames ?? FLAMINGO_SAMPLING, maxSide: this.options.imageSize });
    return Promise.all(
      frames.map(async (frame) =>
        dataUrl('jpeg', await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer()),
      ),
    );
  }
}

function dataUrl(format: string, bytes: Buffer): string {
  return `data:image/${format};base64,${bytes.toString('base64')}`;
}
