// Writes the training data of the built-in models, drawn from the project's one scene generator (sample-data/generator):
//   <out>/episodes.jsonl + <out>/episodes.u8  interleaved episodes (corpus.ts) and their images as raw RGB
//   <out>/vision.jsonl   + <out>/vision.u8    random scenes with their facts, for vision-encoder pretraining
//   <out>/videos.jsonl   + <out>/videos.u8    video episodes (video-episodes.ts) and the frames of each clip, rendered
//                                             at the sample clips' 32 px and resized to the model's size as the harness does
// Half of the images go through a JPEG round trip, because the sample datasets ship .jpg files (as COCO does).
// Usage: node --import tsx models/builder/write-training-data.ts --out DIR [--episodes N] [--scenes N] [--videos N]
//        [--seed S] [--only videos]
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { rngFor } from '../../src/core/random.ts';
import { makeEpisodes } from '../../sample-data/generator/corpus.ts';
import { encode, rasterize } from '../../sample-data/generator/render.ts';
import { randomScene, sceneAt, type Scene } from '../../sample-data/generator/scene.ts';
import { makeVideoEpisode } from './video-episodes.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    episodes: { type: 'string', default: '6000' },
    scenes: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    size: { type: 'string', default: '64' },
    videos: { type: 'string', default: '1500' },
    only: { type: 'string' },
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

/** A clip's frame at `t` seconds as the harness sees a 32 px sample clip: rendered small, resized up (sharp's
 * default kernel, as src/backends/onnx/media.ts), half of them through a JPEG round trip for the codec's loss. */
async function clipFrame(scene: Scene, t: number, key: string): Promise<Uint8Array> {
  const raw = rasterize(sceneAt(scene, t), 32);
  const input = rngFor('jpeg-round-trip', seed, key)() < 0.5 ? await encode(raw, 32, 'jpeg') : raw;
  const image = input === raw ? sharp(raw, { raw: { width: 32, height: 32, channels: 3 } }) : sharp(input);
  return new Uint8Array(await image.removeAlpha().resize(size, size, { fit: 'fill' }).raw().toBuffer());
}

const started = Date.now();
let images = 0;
let frames = 0;
if (values.only === 'videos') {
  await writeVideos();
  console.log(`wrote ${values.videos} video episodes (${frames} frames) to ${out} in ${Date.now() - started} ms`);
  process.exit(0);
}
async function writeVideos() {
  const jsonl = writer(join(out, 'videos.jsonl'));
  const bin = writer(join(out, 'videos.u8'));
  for (let i = 0; i < Number(values.videos); i++) {
    const episode = makeVideoEpisode(i, { seed });
    const chunks = [];
    for (const [k, chunk] of episode.chunks.entries()) {
      const first = frames;
      const rendered = new Map<number, Uint8Array>();
      for (const t of chunk.times) {
        if (!rendered.has(t)) rendered.set(t, await clipFrame(chunk.scene, t, `${episode.id}-${k}-${t}`));
        await bin(rendered.get(t)!);
        frames++;
      }
      chunks.push({ frames: [first, frames - first], times: chunk.times, text: chunk.text, answer: chunk.answer, caption: chunk.caption, motion: chunk.motion ?? false, scene: chunk.scene });
    }
    await jsonl(JSON.stringify({ id: episode.id, kind: episode.kind, textStyle: episode.textStyle, chunks }) + '\n');
  }
}
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
await writeVideos();
console.log(`wrote ${values.videos} video episodes (${frames} frames)`);
console.log(`wrote ${values.episodes} episodes (${images} images) and ${values.scenes} scenes to ${out} in ${Date.now() - started} ms`);
