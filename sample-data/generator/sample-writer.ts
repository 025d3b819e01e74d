// Shared by the sample dataset builders: a writer that records what it writes, COCO-style names and ids, and the
// way annotators write sentences.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { rngFor } from '../../src/core/random.ts';
import type { Scene } from './scene.ts';
import { renderScene } from './render.ts';

/** A dataset builder writes its files under `dir` and returns their paths relative to `dir`. */
export type SampleBuilder = (dir: string) => Promise<string[]>;

export class Writer {
  readonly written: string[] = [];
  constructor(private readonly dir: string) {}

  async file(relative: string, content: string | Buffer): Promise<void> {
    const path = join(this.dir, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    this.written.push(relative);
  }

  json(relative: string, value: unknown): Promise<void> {
    // The official files are compact JSON on one line.
    return this.file(relative, JSON.stringify(value));
  }

  async image(relative: string, scene: Scene): Promise<void> {
    await this.file(relative, await renderScene(scene, { format: 'jpeg', size: 64 }));
  }
}

export function cocoFileName(folder: string, id: number): string {
  return `COCO_${folder}_${String(id).padStart(12, '0')}.jpg`;
}

/** Distinct six-digit image ids, like COCO's. */
export function imageIds(key: string, n: number): number[] {
  const rng = rngFor(key);
  const ids = new Set<number>();
  while (ids.size < n) ids.add(100000 + Math.floor(rng() * 900000));
  return [...ids];
}

/** Sentences as COCO annotators write them: capitalised, often with a final period. */
export function asAnnotatorWrote(caption: string, index: number): string {
  const text = caption.charAt(0).toUpperCase() + caption.slice(1);
  return index % 2 === 0 ? `${text}.` : text;
}

export function tokens(sentence: string): string[] {
  return sentence
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .split(' ')
    .filter((t) => t !== '');
}
