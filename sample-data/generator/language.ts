// Language derived from a scene's facts: captions (several human-like references per image), questions with ten
// annotator answers (VQA style), class labels, and made-up names for "knowledge" that only demonstrations reveal.
import { randomInt, shuffled, type Rng } from '../../src/core/random.ts';
import { SHAPES, mainObject, pick, positionOf, type Scene, type SceneObject, type Shape } from './scene.ts';

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** "circle" -> "circles"; "cross" -> "crosses". */
export function plural(noun: string): string {
  return /(s|x|ch|sh)$/.test(noun) ? `${noun}es` : `${noun}s`;
}

/** Objects grouped by colour and shape, in the order they first appear (reading order). */
function groups(scene: Scene): { colour: string; shape: string; size: string; count: number }[] {
  const ordered = scene.objects.slice().sort((a, b) => a.y - b.y || a.x - b.x);
  const out: { colour: string; shape: string; size: string; count: number }[] = [];
  for (const o of ordered) {
    const g = out.find((x) => x.colour === o.colour && x.shape === o.shape);
    if (g) {
      g.count++;
      if (g.size !== o.size) g.size = '';
    } else out.push({ colour: o.colour, shape: o.shape, size: o.size, count: 1 });
  }
  return out;
}

function phrase(g: { colour: string; shape: string; size: string; count: number }, withSize: boolean): string {
  if (g.count === 1) {
    const adjectives = withSize && g.size ? `${g.size} ${g.colour}` : g.colour;
    return `${article(adjectives)} ${adjectives} ${g.shape}`;
  }
  return `${NUMBER_WORDS[g.count]} ${g.colour} ${plural(g.shape)}`;
}

/** "a" or "an" before a word. */
export function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function listing(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** The canonical caption: "a large red circle and two blue squares on a gray background". */
export function caption(scene: Scene): string {
  return `${listing(groups(scene).map((g) => phrase(g, true)))} on a ${scene.background} background`;
}

/**
 * `n` reference captions, as different annotators would write them: the canonical one first, then paraphrases
 * (other openings, orders, with or without sizes and the background), all true of the scene.
 */
export function captions(scene: Scene, rng: Rng, n = 5): string[] {
  const out = [caption(scene)];
  const gs = groups(scene);
  const openings = ['', 'there is ', 'an image of ', 'a picture of ', 'a drawing of '];
  let attempts = 0;
  while (out.length < n && attempts++ < 50) {
    const withSize = rng() < 0.5;
    const body = listing(shuffled(gs, rng).map((g) => phrase(g, withSize)));
    const opening = pick(rng, openings);
    const place = pick(rng, [` on a ${scene.background} background`, ` against ${scene.background}`, '']);
    const text = `${opening}${body}${place}`;
    if (!out.includes(text)) out.push(text);
  }
  while (out.length < n) out.push(out[out.length % Math.max(1, out.length)]!);
  return out;
}

/** The caption written in a named style (the training corpus varies styles per episode). */
export type CaptionStyle = 'plain' | 'terse' | 'shape-first' | 'counted';
export const CAPTION_STYLES: CaptionStyle[] = ['plain', 'terse', 'shape-first', 'counted'];

export function styledCaption(scene: Scene, style: CaptionStyle): string {
  const gs = groups(scene);
  switch (style) {
    case 'plain':
      return caption(scene);
    case 'terse':
      return gs.map((g) => `${g.colour} ${g.count > 1 ? plural(g.shape) : g.shape}`).join(', ');
    case 'shape-first':
      return listing(gs.map((g) => `${g.count > 1 ? plural(g.shape) : g.shape} in ${g.colour}`));
    case 'counted':
      return `${NUMBER_WORDS[scene.objects.length]} ${scene.objects.length === 1 ? 'object' : 'objects'}: ${gs
        .map((g) => `${g.count} ${g.colour} ${g.count > 1 ? plural(g.shape) : g.shape}`)
        .join(', ')}`;
  }
}

export type AnswerType = 'yes/no' | 'number' | 'other';

export interface QuestionFacts {
  question: string;
  /** The answer a careful annotator gives. */
  answer: string;
  /** Ten annotator answers (VQA collects ten), mostly `answer`, a few variants. */
  answers: string[];
  answerType: AnswerType;
  /** The question's opening words, as VQA's `question_type` (e.g. "what color is the"). */
  questionType: string;
}

/** Ten answers: mostly the right one, some written differently ("2" / "two"), rarely a slip. */
function annotate(rng: Rng, answer: string, variants: string[]): string[] {
  return Array.from({ length: 10 }, () => {
    const r = rng();
    if (variants.length > 0 && r < 0.15) return pick(rng, variants);
    return answer;
  });
}

/**
 * One VQA-style question about the scene (colour, shape, count, size, position or yes/no), chosen by `rng` among
 * those with one right answer: a question that names an object is asked only when the name picks out one object.
 */
export function question(scene: Scene, rng: Rng): QuestionFacts {
  const unique = (o: SceneObject, pred: (x: SceneObject) => boolean) => scene.objects.filter(pred).length === 1;
  const candidates: (() => QuestionFacts)[] = [];
  for (const o of scene.objects) {
    if (unique(o, (x) => x.shape === o.shape))
      candidates.push(() => qa(rng, `What color is the ${o.shape}?`, o.colour, [], 'other', 'what color is the'));
    else if (unique(o, (x) => x.shape === o.shape && x.size === o.size))
      candidates.push(() =>
        qa(rng, `What color is the ${o.size} ${o.shape}?`, o.colour, [], 'other', 'what color is the'),
      );
    if (unique(o, (x) => x.colour === o.colour))
      candidates.push(() => qa(rng, `What shape is the ${o.colour} object?`, o.shape, [], 'other', 'what shape is the'));
    if (unique(o, (x) => x.colour === o.colour && x.shape === o.shape)) {
      const variant = o.size === 'large' ? 'big' : 'tiny';
      candidates.push(() =>
        qa(rng, `Is the ${o.colour} ${o.shape} large or small?`, o.size, [variant], 'other', 'is the'),
      );
      candidates.push(() => qa(rng, `Where is the ${o.colour} ${o.shape}?`, positionOf(o), [], 'other', 'where is the'));
    }
  }
  const counted = pick(rng, SHAPES);
  const count = scene.objects.filter((o) => o.shape === counted).length;
  if (count > 0)
    candidates.push(() =>
      qa(rng, `How many ${plural(counted)} are there?`, String(count), [NUMBER_WORDS[count]!], 'number', 'how many'),
    );
  candidates.push(() => qa(rng, `Is there a ${counted} in the picture?`, count > 0 ? 'yes' : 'no', [], 'yes/no', 'is there a'));
  return pick(rng, candidates)();
}

function qa(
  rng: Rng,
  text: string,
  answer: string,
  variants: string[],
  answerType: AnswerType,
  questionType: string,
): QuestionFacts {
  return { question: text, answer, answers: annotate(rng, answer, variants.filter((v) => v !== answer)), answerType, questionType };
}

/** A class label (ImageNet-like classification): the main object's colour and shape, e.g. "red circle". */
export function label(scene: Scene): string {
  const o = mainObject(scene);
  return `${o.colour} ${o.shape}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Made-up names ("knowledge" only the demonstrations reveal)
// ---------------------------------------------------------------------------------------------------------------

const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u'];
const CODAS = ['', '', 'x', 'n', 'p', 'k'];

/** A pronounceable made-up word: two syllables and an optional coda ("dax", "toma", "pilek"). */
export function madeUpName(rng: Rng): string {
  const syllables = 1 + randomInt(rng, 2);
  let word = '';
  for (let i = 0; i < syllables; i++) word += pick(rng, ONSETS) + pick(rng, VOWELS);
  return word + pick(rng, CODAS);
}

/** `n` distinct made-up names. */
export function madeUpNames(rng: Rng, n: number): string[] {
  const out = new Set<string>();
  while (out.size < n) out.add(madeUpName(rng));
  return [...out];
}

/** A naming convention: each shape's made-up name, fixed for a dataset (or for one training episode). */
export type ShapeNames = Record<Shape, string>;

export function shapeNames(rng: Rng): ShapeNames {
  const names = madeUpNames(rng, SHAPES.length);
  return Object.fromEntries(SHAPES.map((s, i) => [s, names[i]!])) as ShapeNames;
}

/** Phrasings of the "knowledge" question (sample OK-VQA and the binding episodes of the training corpus). */
export const KNOWLEDGE_QUESTIONS = [
  'What is this shape called?',
  'What do people call this shape?',
  'What is the name of this shape?',
];

/** A knowledge question about the scene's main object, answered with its shape's made-up name. */
export function knowledgeQuestion(scene: Scene, names: ShapeNames, rng: Rng): QuestionFacts {
  const answer = names[mainObject(scene).shape];
  return qa(rng, pick(rng, KNOWLEDGE_QUESTIONS), answer, [], 'other', 'what is the');
}
