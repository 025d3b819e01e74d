// Scenes to pixels. The rasteriser is our own (2 x 2 supersampled coverage per pixel), so the pixels depend only on
// the scene; sharp only encodes them (PNG, or JPEG where an official layout names .jpg files). For a given scene and
// size the bytes are identical on every run with the same sharp build.
import sharp from 'sharp';
import { BACKGROUNDS, COLOURS, SIZES, sceneAt, type Scene, type SceneObject } from './scene.ts';

export type ImageFormat = 'png' | 'jpeg';

export interface RenderOptions {
  /** Width and height in pixels (default 64). */
  size?: number;
  format?: ImageFormat;
}

/** The scene as raw RGB pixels, row-major, `size * size * 3` bytes. */
export function rasterize(scene: Scene, size = 64): Uint8Array {
  const pixels = new Uint8Array(size * size * 3);
  const bg = BACKGROUNDS[scene.background];
  for (let i = 0; i < size * size; i++) pixels.set(bg, i * 3);
  for (const object of scene.objects) paintObject(pixels, size, object);
  if (scene.text) paintText(pixels, size, scene.text, scene.background === 'white' ? [20, 20, 20] : [250, 250, 250]);
  return pixels;
}

/** The scene encoded as an image file. */
export async function renderScene(scene: Scene, options: RenderOptions = {}): Promise<Buffer> {
  const size = options.size ?? 64;
  return encode(rasterize(scene, size), size, options.format ?? 'png');
}

/** Frames of a moving scene: `frames` images taken at `fps`, starting at time 0. */
export async function renderClip(
  scene: Scene,
  frames: number,
  fps: number,
  options: RenderOptions = {},
): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let f = 0; f < frames; f++) out.push(await renderScene(sceneAt(scene, f / fps), options));
  return out;
}

export function encode(pixels: Uint8Array, size: number, format: ImageFormat): Promise<Buffer> {
  const image = sharp(pixels, { raw: { width: size, height: size, channels: 3 } });
  return format === 'png'
    ? image.png({ compressionLevel: 9, adaptiveFiltering: false }).toBuffer()
    : image.jpeg({ quality: 92, mozjpeg: false }).toBuffer();
}

const SUBSAMPLES = [
  [0.25, 0.25],
  [0.75, 0.25],
  [0.25, 0.75],
  [0.75, 0.75],
] as const;

function paintObject(pixels: Uint8Array, size: number, o: SceneObject): void {
  const r = SIZES[o.size] * size;
  const cx = o.x * size;
  const cy = o.y * size;
  const colour = COLOURS[o.colour];
  const x0 = Math.max(0, Math.floor(cx - r - 1));
  const x1 = Math.min(size - 1, Math.ceil(cx + r + 1));
  const y0 = Math.max(0, Math.floor(cy - r - 1));
  const y1 = Math.min(size - 1, Math.ceil(cy + r + 1));
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      let covered = 0;
      for (const [sx, sy] of SUBSAMPLES) if (inside(o.shape, (px + sx - cx) / r, (py + sy - cy) / r)) covered++;
      if (covered > 0) blend(pixels, (py * size + px) * 3, colour, covered / SUBSAMPLES.length);
    }
  }
}

/** Is the point (dx, dy), in units of the object's radius from its centre, inside the shape? */
function inside(shape: SceneObject['shape'], dx: number, dy: number): boolean {
  switch (shape) {
    case 'circle':
      return dx * dx + dy * dy <= 1;
    case 'square':
      return Math.abs(dx) <= 0.85 && Math.abs(dy) <= 0.85;
    case 'triangle':
      return dy <= 0.75 && dy >= -1 && Math.abs(dx) <= (0.95 * (dy + 1)) / 1.75;
    case 'diamond':
      return Math.abs(dx) + Math.abs(dy) <= 1;
    case 'cross':
      return (Math.abs(dx) <= 0.33 && Math.abs(dy) <= 1) || (Math.abs(dy) <= 0.33 && Math.abs(dx) <= 1);
  }
}

function blend(pixels: Uint8Array, at: number, colour: readonly number[], alpha: number): void {
  for (let c = 0; c < 3; c++) pixels[at + c] = Math.round(pixels[at + c]! * (1 - alpha) + colour[c]! * alpha);
}

// A 3 x 5 bitmap font, five rows of three pixels per glyph ('#' set): short upper-case words, digits, punctuation.
const FONT: Record<string, readonly string[]> = {
  A: ['.#.', '#.#', '###', '#.#', '#.#'],
  B: ['##.', '#.#', '##.', '#.#', '##.'],
  C: ['.##', '#..', '#..', '#..', '.##'],
  D: ['##.', '#.#', '#.#', '#.#', '##.'],
  E: ['###', '#..', '##.', '#..', '###'],
  F: ['###', '#..', '##.', '#..', '#..'],
  G: ['.##', '#..', '#.#', '#.#', '.##'],
  H: ['#.#', '#.#', '###', '#.#', '#.#'],
  I: ['###', '.#.', '.#.', '.#.', '###'],
  J: ['..#', '..#', '..#', '#.#', '.#.'],
  K: ['#.#', '#.#', '##.', '#.#', '#.#'],
  L: ['#..', '#..', '#..', '#..', '###'],
  M: ['#.#', '###', '###', '#.#', '#.#'],
  N: ['##.', '#.#', '#.#', '#.#', '#.#'],
  O: ['.#.', '#.#', '#.#', '#.#', '.#.'],
  P: ['##.', '#.#', '##.', '#..', '#..'],
  Q: ['.#.', '#.#', '#.#', '##.', '.##'],
  R: ['##.', '#.#', '##.', '#.#', '#.#'],
  S: ['.##', '#..', '.#.', '..#', '##.'],
  T: ['###', '.#.', '.#.', '.#.', '.#.'],
  U: ['#.#', '#.#', '#.#', '#.#', '###'],
  V: ['#.#', '#.#', '#.#', '#.#', '.#.'],
  W: ['#.#', '#.#', '###', '###', '#.#'],
  X: ['#.#', '#.#', '.#.', '#.#', '#.#'],
  Y: ['#.#', '#.#', '.#.', '.#.', '.#.'],
  Z: ['###', '..#', '.#.', '#..', '###'],
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['##.', '..#', '.#.', '#..', '###'],
  '3': ['##.', '..#', '.#.', '..#', '##.'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '##.', '..#', '##.'],
  '6': ['.##', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '.#.', '.#.', '.#.'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '##.'],
  ' ': ['...', '...', '...', '...', '...'],
  '!': ['.#.', '.#.', '.#.', '...', '.#.'],
  '?': ['##.', '..#', '.#.', '...', '.#.'],
  '.': ['...', '...', '...', '...', '.#.'],
  "'": ['.#.', '.#.', '...', '...', '...'],
  ',': ['...', '...', '...', '.#.', '#..'],
};

/** Writes `text` in a band along the bottom of the image, scaled to fit the width. Unknown characters are blank. */
function paintText(pixels: Uint8Array, size: number, text: string, colour: readonly number[]): void {
  const chars = text.toUpperCase().split('');
  const scale = Math.max(1, Math.floor(size / (chars.length * 4 + 1)));
  const width = chars.length * 4 * scale - scale;
  const left = Math.max(0, Math.floor((size - width) / 2));
  const top = size - 6 * scale;
  chars.forEach((ch, i) => {
    const glyph = FONT[ch] ?? FONT[' ']!;
    for (let row = 0; row < 5; row++) {
      for (let col = 0; col < 3; col++) {
        if (glyph[row]![col] !== '#') continue;
        for (let yy = 0; yy < scale; yy++) {
          for (let xx = 0; xx < scale; xx++) {
            const px = left + (i * 4 + col) * scale + xx;
            const py = top + row * scale + yy;
            if (px < size && py < size && py >= 0) blend(pixels, (py * size + px) * 3, colour, 1);
          }
        }
      }
    }
  });
}
