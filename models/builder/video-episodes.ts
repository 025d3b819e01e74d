// Video episodes for the Flamingo stage of the built-in models: clips of moving shapes from the sample-data generator
// (the world of sample-data/generator/video.ts), each chunk a clip with a question or a caption about it. The frames a
// clip contributes are the ones the harness would feed the vision graph: the run's frame sampling over the decoded
// clip (src/media/sampling.ts), then an even subset of at most `maxFrames` (src/backends/onnx/media.ts).
import { randomInt, rngFor, type Rng } from '../../src/core/random.ts';
import { FLAMINGO_SAMPLING, decodeRate, sampleFrameIndices } from '../../src/media/sampling.ts';
import type { FrameSampling } from '../../src/core/types.ts';
import { captionText, qaText, type TextStyle } from '../../sample-data/generator/corpus.ts';
import { CAPTION_STYLES, question, styledCaption, type CaptionStyle } from '../../sample-data/generator/language.ts';
import { SIZES, mainObject, pick, randomScene, type Scene } from '../../sample-data/generator/scene.ts';

export type VideoEpisodeKind = 'video-vqa' | 'video-caption';

export interface VideoChunk {
  scene: Scene;
  /** Seconds from the clip's start of each frame the model sees, in order (repeats where the sampling repeats). */
  times: number[];
  text: string;
  answer?: string;
  caption?: string;
  /** True when only the order of the frames tells the answer (which way an object moves). */
  motion?: boolean;
}

export interface VideoEpisode {
  id: string;
  kind: VideoEpisodeKind;
  textStyle: TextStyle;
  chunks: VideoChunk[];
}

/** Frame rate of the generated clips (the sample video datasets' clips are 8 FPS). */
const CLIP_FPS = 8;

/** The harness's default sampling most of the time (30 frames at 3 FPS, most of them edge repeats on a short clip),
 * sometimes uniform sampling, which `--frames uniform:N` selects. */
function pickSampling(rng: Rng): FrameSampling {
  return rng() < 0.75 ? { ...FLAMINGO_SAMPLING } : { mode: 'uniform', frames: 8 };
}

/** The times of the frames the vision graph sees for a clip `seconds` long under `sampling`. */
export function frameTimes(sampling: FrameSampling, seconds: number, maxFrames: number): number[] {
  const rate = decodeRate(sampling, seconds);
  const decoded = Math.max(1, Math.round(seconds * rate));
  const sampled = sampleFrameIndices(sampling, decoded, rate);
  const keep = Math.min(sampled.length, maxFrames);
  const picked = Array.from({ length: keep }, (_, k) => sampled[Math.floor(((k + 0.5) * sampled.length) / keep)]!);
  // Decoded frame j shows the clip at j / rate, i.e. the source frame on screen then.
  return picked.map((j) => Math.floor((j / rate) * CLIP_FPS + 1e-6) / CLIP_FPS);
}

const DIRECTIONS = [
  { word: 'left', axis: 'x', sign: -1 },
  { word: 'right', axis: 'x', sign: 1 },
  { word: 'top', axis: 'y', sign: -1 },
  { word: 'bottom', axis: 'y', sign: 1 },
] as const;

/**
 * A moving scene whose main object travels in a straight line toward one side, without bouncing, for the whole
 * clip; the question asks where it is going, which a bag of frames cannot tell (the same positions, reversed, are
 * the opposite answer).
 */
function motionChunk(rng: Rng, id: string, seconds: number, style: TextStyle, maxFrames: number): VideoChunk {
  const scene = randomScene(rng, id, { minObjects: 1, maxObjects: 2, moving: true });
  const o = mainObject(scene);
  for (const other of scene.objects) if (other !== o && other.shape === o.shape && other.colour === o.colour) other.shape = o.shape === 'circle' ? 'square' : 'circle';
  const dir = pick(rng, DIRECTIONS);
  const speed = 0.08 + rng() * 0.07;
  const travel = speed * seconds;
  const r = SIZES[o.size];
  // Start anywhere the whole path fits.
  const lo = dir.sign > 0 ? r : r + travel;
  const hi = dir.sign > 0 ? 1 - r - travel : 1 - r;
  const start = Math.round((lo + rng() * Math.max(0, hi - lo)) * 1000) / 1000;
  const v = Math.round(dir.sign * speed * 1000) / 1000;
  if (dir.axis === 'x') Object.assign(o, { x: start, vx: v, vy: 0 });
  else Object.assign(o, { y: start, vy: v, vx: 0 });
  const text = `Where is the ${o.colour} ${o.shape} going?`;
  const q = rng() < 0.3 ? text.toLowerCase().replace(/\?$/, '') : text;
  return { scene, times: frameTimes(pickSampling(rng), seconds, maxFrames), text: qaText(q, dir.word, style), answer: dir.word, motion: true };
}

/** Video episode number `index`: 1 to `maxChunks` clips of one kind, one text style. */
export function makeVideoEpisode(index: number, options: { seed?: number; maxChunks?: number; maxFrames?: number } = {}): VideoEpisode {
  const rng = rngFor('video-corpus', options.seed ?? 0, index);
  const id = `v${String(index).padStart(6, '0')}`;
  const n = 1 + randomInt(rng, options.maxChunks ?? 6);
  const maxFrames = options.maxFrames ?? 8;
  const textStyle: TextStyle = rng() < 0.5 ? 'paper' : 'openflamingo';
  const seconds = () => pick(rng, [2, 3, 3, 3, 4]);
  if (rng() < 0.3) {
    const style: CaptionStyle = pick(rng, CAPTION_STYLES);
    const chunks = Array.from({ length: n }, (_, k): VideoChunk => {
      const scene = randomScene(rng, `${id}-${k}`, { moving: true });
      const caption = styledCaption(scene, style);
      return { scene, times: frameTimes(pickSampling(rng), seconds(), maxFrames), text: captionText(caption, textStyle), caption };
    });
    return { id, kind: 'video-caption', textStyle, chunks };
  }
  const chunks = Array.from({ length: n }, (_, k): VideoChunk => {
    if (rng() < 0.5) return motionChunk(rng, `${id}-${k}`, seconds(), textStyle, maxFrames);
    const scene = randomScene(rng, `${id}-${k}`, { moving: true });
    // As the sample video QA datasets: questions about the scene as it starts (sample-data/generator/datasets-video.ts).
    const q = question(scene, rng);
    const text = rng() < 0.3 ? q.question.toLowerCase().replace(/\?$/, '') : q.question;
    return { scene, times: frameTimes(pickSampling(rng), seconds(), maxFrames), text: qaText(text, q.answer, textStyle), answer: q.answer };
  });
  return { id, kind: 'video-vqa', textStyle, chunks };
}
