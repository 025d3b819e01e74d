// The interleaved training corpus for the built-in models: episodes of several image-text chunks drawn from the same
// world as the sample datasets. Binding episodes give shapes made-up names that hold for one episode only, so the
// only way to answer a later chunk is to read the earlier ones (in-context learning); caption episodes fix a caption
// style per episode for the same reason. See sample-data/README.md for the API and the file format.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomInt, rngFor, sample, type Rng } from '../../src/core/random.ts';
import { SHAPES, pick, randomScene, singleObjectScene, type Scene } from './scene.ts';
import {
  CAPTION_STYLES,
  knowledgeQuestion,
  question,
  shapeNames,
  styledCaption,
  type CaptionStyle,
  type ShapeNames,
} from './language.ts';
import { renderScene, type ImageFormat } from './render.ts';

export type EpisodeKind = 'binding' | 'caption' | 'vqa';

/** Prompt wording of the chunk text: the paper's ("Question: q Answer: a") or open_flamingo's ("Short answer:"). */
export type TextStyle = 'paper' | 'openflamingo';

export interface Chunk {
  scene: Scene;
  /** The chunk's text, which follows its image: "Question: ... Answer: ..." or "Output: ...". */
  text: string;
  question?: string;
  answer?: string;
  caption?: string;
}

export interface Episode {
  id: string;
  kind: EpisodeKind;
  chunks: Chunk[];
  /** Binding episodes: this episode's made-up name of each shape. */
  names?: ShapeNames;
  /** Caption episodes: this episode's caption style. */
  captionStyle?: CaptionStyle;
  textStyle: TextStyle;
}

export interface CorpusOptions {
  seed?: number;
  /** Relative weights of episode kinds (default binding 2, caption 1, vqa 1). */
  kinds?: Partial<Record<EpisodeKind, number>>;
  minChunks?: number;
  maxChunks?: number;
  /** Wording of chunk texts; 'mixed' picks one per episode (default 'mixed'). */
  textStyle?: TextStyle | 'mixed';
  /** Binding episodes use between 2 and `maxWays` distinct shapes (default 5, all shapes). */
  maxWays?: number;
}

const DEFAULT_KINDS: Record<EpisodeKind, number> = { binding: 2, caption: 1, vqa: 1 };

/** Episode number `index` of the corpus with these options; depends only on (seed, index, options). */
export function makeEpisode(index: number, options: CorpusOptions = {}): Episode {
  const seed = options.seed ?? 0;
  const rng = rngFor('corpus', seed, index);
  const id = `e${String(index).padStart(6, '0')}`;
  const minChunks = options.minChunks ?? 1;
  const maxChunks = options.maxChunks ?? 8;
  const n = minChunks + randomInt(rng, maxChunks - minChunks + 1);
  const textStyle: TextStyle =
    options.textStyle === undefined || options.textStyle === 'mixed'
      ? rng() < 0.5
        ? 'paper'
        : 'openflamingo'
      : options.textStyle;
  const kind = weightedKind(rng, { ...DEFAULT_KINDS, ...options.kinds });
  const sceneId = (k: number) => `${id}-${k}`;
  switch (kind) {
    case 'binding': {
      const names = shapeNames(rng);
      const ways = sample(SHAPES, 2 + randomInt(rng, Math.min(options.maxWays ?? 5, SHAPES.length) - 1), rng);
      const chunks = Array.from({ length: n }, (_, k) => {
        const scene = singleObjectScene(rng, sceneId(k), pick(rng, ways));
        const q = knowledgeQuestion(scene, names, rng);
        return qaChunk(scene, q.question, q.answer, textStyle);
      });
      return { id, kind, chunks, names, textStyle };
    }
    case 'caption': {
      const captionStyle = pick(rng, CAPTION_STYLES);
      const chunks = Array.from({ length: n }, (_, k): Chunk => {
        const scene = randomScene(rng, sceneId(k));
        const caption = styledCaption(scene, captionStyle);
        return { scene, caption, text: captionText(caption, textStyle) };
      });
      return { id, kind, chunks, captionStyle, textStyle };
    }
    case 'vqa': {
      const chunks = Array.from({ length: n }, (_, k) => {
        const scene = randomScene(rng, sceneId(k));
        const q = question(scene, rng);
        return qaChunk(scene, q.question, q.answer, textStyle);
      });
      return { id, kind, chunks, textStyle };
    }
  }
}

/** Episodes `start .. start + count - 1`. */
export function* makeEpisodes(count: number, options: CorpusOptions = {}, start = 0): Generator<Episode> {
  for (let i = start; i < start + count; i++) yield makeEpisode(i, options);
}

export function qaText(questionText: string, answer: string, style: TextStyle): string {
  return style === 'paper' ? `Question: ${questionText} Answer: ${answer}` : `Question:${questionText} Short answer:${answer}`;
}

export function captionText(caption: string, style: TextStyle): string {
  return style === 'paper' ? `Output: ${caption}` : `Output:${caption}`;
}

function qaChunk(scene: Scene, questionText: string, answer: string, style: TextStyle): Chunk {
  return { scene, question: questionText, answer, text: qaText(questionText, answer, style) };
}

function weightedKind(rng: Rng, weights: Record<EpisodeKind, number>): EpisodeKind {
  const entries = (Object.entries(weights) as [EpisodeKind, number][]).filter(([, w]) => w > 0);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [kind, w] of entries) {
    r -= w;
    if (r < 0) return kind;
  }
  return entries[entries.length - 1]![0];
}

export interface WriteCorpusOptions extends CorpusOptions {
  /** Image side in pixels (default 64). */
  imageSize?: number;
  format?: ImageFormat;
  /** First episode index (to write a corpus in parts). */
  start?: number;
}

/**
 * Writes `count` episodes to `dir`: `images/<episode>-<k>.png` and `episodes.jsonl`, one episode per line with its
 * chunks' image paths (relative to `dir`), texts and scene facts.
 */
export async function writeCorpus(
  dir: string,
  count: number,
  options: WriteCorpusOptions = {},
): Promise<{ episodes: number; images: number; file: string }> {
  const format = options.format ?? 'png';
  const ext = format === 'png' ? 'png' : 'jpg';
  await mkdir(join(dir, 'images'), { recursive: true });
  const lines: string[] = [];
  let images = 0;
  for (const episode of makeEpisodes(count, options, options.start ?? 0)) {
    const chunks = [];
    for (const chunk of episode.chunks) {
      const image = `images/${chunk.scene.id}.${ext}`;
      await writeFile(join(dir, image), await renderScene(chunk.scene, { size: options.imageSize ?? 64, format }));
      images++;
      chunks.push({ image, ...chunk });
    }
    lines.push(JSON.stringify({ ...episode, chunks }));
  }
  const file = join(dir, 'episodes.jsonl');
  await writeFile(file, lines.join('\n') + '\n');
  return { episodes: count, images, file };
}
