// The synthetic world behind every built-in sample dataset and the training corpus of the built-in models: scenes of
// simple shapes (shape x colour x size x position, on a background), optionally with a line of text and with motion.
// A scene is pure data; rendering (render.ts) and language (language.ts) are derived from it, so a caption, a question
// and its answers, a label and the pixels always agree.
import { randomInt, shuffled, type Rng } from '../../src/core/random.ts';

export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'cross'] as const;
export type Shape = (typeof SHAPES)[number];

/** Object colours, named as a VQA annotator would name them (American spelling, as in COCO / VQA). */
export const COLOURS = {
  red: [220, 40, 40],
  green: [40, 170, 60],
  blue: [40, 80, 225],
  yellow: [240, 215, 40],
  purple: [140, 60, 185],
  orange: [245, 140, 30],
} as const satisfies Record<string, readonly [number, number, number]>;
export type Colour = keyof typeof COLOURS;
export const COLOUR_NAMES = Object.keys(COLOURS) as Colour[];

/** Backgrounds are unsaturated so that they never read as an object colour. */
export const BACKGROUNDS = {
  gray: [128, 128, 128],
  white: [242, 242, 242],
  black: [22, 22, 22],
  brown: [110, 80, 55],
} as const satisfies Record<string, readonly [number, number, number]>;
export type Background = keyof typeof BACKGROUNDS;
export const BACKGROUND_NAMES = Object.keys(BACKGROUNDS) as Background[];

/** Object radius as a fraction of the image side. A large object still fits in one cell of the 3 x 3 grid. */
export const SIZES = { small: 0.09, large: 0.15 } as const;
export type Size = keyof typeof SIZES;
export const SIZE_NAMES = Object.keys(SIZES) as Size[];

export interface SceneObject {
  shape: Shape;
  colour: Colour;
  size: Size;
  /** Centre, as fractions of the image width and height, at time 0. */
  x: number;
  y: number;
  /** Velocity in image fractions per second (video clips); absent for still images. */
  vx?: number;
  vy?: number;
}

export interface Scene {
  id: string;
  background: Background;
  objects: SceneObject[];
  /** A short upper-case line written across the bottom of the image (text-reading and meme tasks). */
  text?: string;
}

export interface SceneOptions {
  minObjects?: number;
  maxObjects?: number;
  /** Restrict the shapes / colours used (e.g. to hold some out). */
  shapes?: readonly Shape[];
  colours?: readonly Colour[];
  /** Give objects a velocity, for video clips. */
  moving?: boolean;
  text?: string;
}

/**
 * A random scene. Objects sit in distinct cells of a 3 x 3 grid (so counts and positions are unambiguous), with a
 * little jitter; about half of the multi-object scenes repeat one shape so that counting questions are not all "1".
 */
export function randomScene(rng: Rng, id: string, options: SceneOptions = {}): Scene {
  const min = options.minObjects ?? 1;
  const max = options.maxObjects ?? 3;
  const shapes = options.shapes ?? SHAPES;
  const colours = options.colours ?? COLOUR_NAMES;
  const n = min + randomInt(rng, max - min + 1);
  const cells = shuffled([0, 1, 2, 3, 4, 5, 6, 7, 8], rng).slice(0, n);
  const repeated = n > 1 && rng() < 0.5 ? pick(rng, shapes) : undefined;
  const objects = cells.map((cell): SceneObject => {
    const object: SceneObject = {
      shape: repeated !== undefined && rng() < 0.7 ? repeated : pick(rng, shapes),
      colour: pick(rng, colours),
      size: pick(rng, SIZE_NAMES),
      x: round3((cell % 3) / 3 + 1 / 6 + (rng() - 0.5) * 0.04),
      y: round3(Math.floor(cell / 3) / 3 + 1 / 6 + (rng() - 0.5) * 0.04),
    };
    if (options.moving) {
      object.vx = round3((rng() - 0.5) * 0.3);
      object.vy = round3((rng() - 0.5) * 0.3);
    }
    return object;
  });
  const scene: Scene = { id, background: pick(rng, BACKGROUND_NAMES), objects };
  if (options.text !== undefined) scene.text = options.text;
  return scene;
}

/** A scene with exactly one object, of the given shape when one is given (binding and "knowledge" questions). */
export function singleObjectScene(rng: Rng, id: string, shape?: Shape, options: SceneOptions = {}): Scene {
  const scene = randomScene(rng, id, { ...options, minObjects: 1, maxObjects: 1 });
  if (shape !== undefined) scene.objects[0]!.shape = shape;
  return scene;
}

/** The scene at time `t` seconds: moving objects advance and bounce off the image borders. */
export function sceneAt(scene: Scene, t: number): Scene {
  return {
    ...scene,
    objects: scene.objects.map((o) => ({ ...o, x: bounce(o.x + (o.vx ?? 0) * t), y: bounce(o.y + (o.vy ?? 0) * t) })),
  };
}

/** Where an object is, in words: "top left", "center", "bottom right", ... */
export function positionOf(o: SceneObject): string {
  const col = o.x < 1 / 3 ? 'left' : o.x < 2 / 3 ? 'center' : 'right';
  const row = o.y < 1 / 3 ? 'top' : o.y < 2 / 3 ? 'middle' : 'bottom';
  if (row === 'middle') return col === 'center' ? 'center' : col;
  return col === 'center' ? row : `${row} ${col}`;
}

/** The object a single-subject question is about: the largest, then the top-left-most. */
export function mainObject(scene: Scene): SceneObject {
  const sorted = scene.objects
    .slice()
    .sort((a, b) => SIZES[b.size] - SIZES[a.size] || a.y - b.y || a.x - b.x);
  return sorted[0]!;
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[randomInt(rng, items.length)]!;
}

function bounce(v: number): number {
  const period = ((v % 2) + 2) % 2;
  return round3(period <= 1 ? period : 2 - period);
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
