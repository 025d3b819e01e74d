// A seeded, COCO-like caption set: each image is a scene (who, doing what, where), its references describe that scene
// in different words and the prediction is a plausible model caption that gets some of it wrong. Used by the caption
// scoring benchmark and to generate the inputs of the caption fixtures (test/fixtures/caption/).
import { randomInt, rngFor, type Rng } from '../src/core/random.ts';
import type { CaptionItem } from '../src/metrics/types.ts';

const SUBJECTS = [
  'man', 'woman', 'boy', 'girl', 'child', 'person', 'dog', 'cat', 'horse', 'giraffe', 'elephant', 'zebra', 'bear',
  'skateboarder', 'surfer', 'player', 'baseball player', 'tennis player', 'group of people', 'couple', 'bird', 'cow',
  'sheep', 'train', 'bus', 'plane', 'motorcycle', 'young man', 'little girl', 'chef', 'kitten', 'puppy',
];
const ADJECTIVES = [
  'white', 'black', 'red', 'blue', 'green', 'yellow', 'large', 'small', 'young', 'old', 'wooden', 'brown', 'tall',
  'busy', 'empty', 'snowy', 'grassy', 'sandy', 'double decker', 'pink', 'orange', 'gray', 'striped', 'dirty',
];
const ACTIONS = [
  'riding', 'holding', 'standing next to', 'sitting on', 'walking down', 'eating', 'looking at', 'playing with',
  'laying on', 'flying over', 'parked on', 'running across', 'jumping over', 'throwing', 'carrying', 'cutting',
  'waiting at', 'driving down', 'swinging', 'watching',
];
const OBJECTS = [
  'a bike', 'a horse', 'a surfboard', 'a skateboard', 'a frisbee', 'a kite', 'an umbrella', 'a pizza', 'a sandwich',
  'a cake', 'a bench', 'a bed', 'a couch', 'a table', 'a laptop', 'a cell phone', 'a banana', 'a bat', 'a ball',
  'the street', 'the road', 'the field', 'a wave', 'a fence', 'a tree', 'a clock tower', 'a fire hydrant', 'a sign',
  'a plate of food', 'a bowl of fruit', 'a teddy bear', 'the tracks', 'a stop sign', 'a traffic light',
];
const PLACES = [
  'in a field', 'on the beach', 'in the snow', 'on a city street', 'in a kitchen', 'in a living room',
  'at the park', 'near the water', 'in front of a building', 'on a sunny day', 'at night', 'in the grass',
  'next to a car', 'in a parking lot', 'at a train station', 'on top of a hill', 'in the ocean', 'on a runway',
];
const OPENERS = ['a', 'a', 'a', 'the', 'an image of a', 'a close up of a', 'there is a', 'this is a', 'two'];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[randomInt(rng, items.length)]!;
}

interface Scene {
  subject: string;
  adjective: string;
  action: string;
  object: string;
  place: string;
}

function describe(rng: Rng, scene: Scene, style: { capitalize: boolean; period: boolean; noise: number }): string {
  const s = (noise: number, wanted: string, pool: readonly string[]) => (rng() < noise ? pick(rng, pool) : wanted);
  const opener = pick(rng, OPENERS);
  const subject = s(style.noise, scene.subject, SUBJECTS);
  const plural = opener === 'two';
  const words = [opener];
  if (rng() < 0.5) words.push(s(style.noise, scene.adjective, ADJECTIVES));
  words.push(plural ? `${subject}s` : subject);
  if (rng() < 0.3) words.push(plural ? 'are' : 'is');
  words.push(s(style.noise, scene.action, ACTIONS), s(style.noise, scene.object, OBJECTS));
  if (rng() < 0.7) words.push(s(style.noise, scene.place, PLACES));
  if (rng() < 0.1) words.push(',', 'while', pick(rng, ['another', 'a']), pick(rng, SUBJECTS), 'watches');
  let text = words.join(' ').replace(/^a ([aeiou])/, 'an $1').replace(' ,', ',');
  if (style.capitalize) text = text[0]!.toUpperCase() + text.slice(1);
  if (style.period) text += '.';
  return text;
}

/**
 * `images` captioned images with `references` raw references each (COCO style: some capitalised, some ending in a
 * period, a few with a comma) and one prediction (lowercase, no period, like a model's output).
 */
export function captionCorpus(seed: number, images: number, references = 5): CaptionItem[] {
  const items: CaptionItem[] = [];
  for (let i = 0; i < images; i++) {
    const rng = rngFor('caption-corpus', seed, i);
    const scene: Scene = {
      subject: pick(rng, SUBJECTS),
      adjective: pick(rng, ADJECTIVES),
      action: pick(rng, ACTIONS),
      object: pick(rng, OBJECTS),
      place: pick(rng, PLACES),
    };
    const refs: string[] = [];
    for (let r = 0; r < references; r++) {
      refs.push(describe(rng, scene, { capitalize: rng() < 0.8, period: rng() < 0.6, noise: 0.15 }));
    }
    const prediction = describe(rng, scene, { capitalize: false, period: false, noise: 0.35 });
    items.push({ id: String(i), prediction, references: refs });
  }
  return items;
}
