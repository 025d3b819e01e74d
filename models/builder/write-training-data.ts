// Writes the training data of the built-in models, drawn from the project's one scene generator (sample-data/generator):
//   <out>/episodes.jsonl + <out>/episodes.u8  interleaved episodes (corpus.ts) and their images as raw RGB
//   <out>/vision.jsonl   + <out>/vision.u8    random scenes with their facts, for vision-encoder pretraining
// Half of the images go through a JPEG round trip, because the sample datasets ship .jpg files (as COCO does).
// Usage: node --import tsx models/builder/write-training-data.ts --out DIR [--episodes N] [--scenes N] [--seed S]
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { rngFor } from '../../src/random.ts';
import { makeEpisodes } from '../../sample-data/generator/corpus.ts';
import { encode, rasterize } from '../../sample-data/generator/render.ts';
import { randomScene, type Scene } from '../../sample-data/generator/scene.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    episodes: { type: 'string', default: '6000' },
    scenes: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    size: { type: 'string', default: '64' },
  },
});
if (!values.out) {
  console.error('write-training-data: --out <dir> is required');
  process.exit(2);
}
const out = values.out;
const size = Number(values.size);
const seed = Number(values.seed);
await mkdir(out, { recursive: true });

async function pixels(scene: Scene): Promise<Uint8Array> {
  const raw = rasterize(scene, size);
  if (rngFor('jpeg-round-trip', seed, scene.id)() >= 0.5) return raw;
  const jpeg = await encode(raw, size, 'jpeg');
  return new Uint8Array(await sharp(jpeg).removeAlpha().raw().toBuffer());
}

function writer(path: string) {
  const stream = createWriteStream(path);
  return (chunk: Uint8Array | string) =>
    new Promise<void>((resolve, reject) => stream.write(chunk, (e) => (e ? reject(e) : resolve())));
}

const started = Date.now();
let images = 0;
{
  const jsonl = writer(join(out, 'episodes.jsonl'));
  const bin = writer(join(out, 'episodes.u8'));
  for (const episode of makeEpisodes(Number(values.episodes), { seed })) {
    const chunks = [];
    for (const chunk of episode.chunks) {
      await bin(await pixels(chunk.scene));
      chunks.push({ image: images++, text: chunk.text, answer: chunk.answer, caption: chunk.caption, scene: chunk.scene });
    }
    await jsonl(JSON.stringify({ id: episode.id, kind: episode.kind, textStyle: episode.textStyle, chunks }) + '\n');
  }
}
{
  const jsonl = writer(join(out, 'vision.jsonl'));
  const bin = writer(join(out, 'vision.u8'));
  for (let i = 0; i < Number(values.scenes); i++) {
    const scene = randomScene(rngFor('vision-pretraining', seed, i), `v${i}`, { minObjects: 0, maxObjects: 4 });
    await bin(await pixels(scene));
    await jsonl(JSON.stringify(scene) + '\n');
  }
}
console.log(`wrote ${values.episodes} episodes (${images} images) and ${values.scenes} scenes to ${out} in ${Date.now() - started} ms`);
