// Sample datasets of the close-ended image benchmarks (VisDial v1.0, Hateful Memes, ImageNet-1k), each in the file
// names and formats of its official release, so the task loaders read them through the same code as the real data.
import { rngFor, shuffled, type Rng } from '../../src/core/random.ts';
import { COLOUR_NAMES, SHAPES, pick, randomScene, singleObjectScene, type Colour, type Scene, type Shape } from './scene.ts';
import { caption, plural, question } from './language.ts';
import { renderScene } from './render.ts';
import { cocoFileName, imageIds, Writer, type SampleBuilder } from './sample-writer.ts';

// ---------------------------------------------------------------------------------------------------------------
// Hateful Memes
// ---------------------------------------------------------------------------------------------------------------

const HOSTILE = ['{X} RUIN EVERYTHING', 'NOBODY WANTS {X}', '{X} GO HOME', 'SEND THE {X} AWAY'];
const FRIENDLY = ['{X} ARE THE BEST', 'I LOVE {X}', '{X} MAKE ME SMILE', 'GOOD MORNING {X}'];

/**
 * Hateful Memes: `train.jsonl`, `dev_seen.jsonl`, `test_seen.jsonl` (one `{"id", "img", "label", "text"}` per line)
 * and `img/<5 digits>.png`. A meme is a scene with a line written on it about the shape it shows; it is hateful
 * (label 1) when the line is hostile to that shape, about 40% of them.
 */
export const buildHatefulMemesSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const splits = { train: 64, dev_seen: 16, test_seen: 40 };
  const ids = distinctNumbers('hatefulmemes-sample-ids', Object.values(splits).reduce((a, b) => a + b, 0), 1000, 99999);
  let next = 0;
  for (const [split, count] of Object.entries(splits)) {
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = ids[next++]!;
      const rng = rngFor('hatefulmemes-sample', id);
      const hateful = rng() < 0.4;
      const base = singleObjectScene(rng, String(id));
      const shape = base.objects[0]!.shape;
      const text = pick(rng, hateful ? HOSTILE : FRIENDLY).replace('{X}', plural(shape).toUpperCase());
      const img = `img/${String(id).padStart(5, '0')}.png`;
      await w.file(img, await renderScene({ ...base, text }, { format: 'png', size: 64 }));
      // Key order as in the release: id, img, label, text.
      lines.push(JSON.stringify({ id, img, label: hateful ? 1 : 0, text: text.toLowerCase() }));
    }
    await w.file(`${split}.jsonl`, `${lines.join('\n')}\n`);
  }
  return w.written;
};

// ---------------------------------------------------------------------------------------------------------------
// VisDial v1.0
// ---------------------------------------------------------------------------------------------------------------

const HEDGES = ["i can't tell", 'not sure', 'maybe', "i don't know", 'hard to say', 'i think so', "i don't think so", 'possibly'];
const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** Ways an annotator may give `answer`, with their relevance when `answer` is right (the first is the answer). */
function phrasings(answer: string): { text: string; relevance: number }[] {
  if (answer === 'yes') return [{ text: 'yes', relevance: 1 }, { text: 'yes it is', relevance: 0.8 }, { text: 'yep', relevance: 0.6 }];
  if (answer === 'no') return [{ text: 'no', relevance: 1 }, { text: "no it isn't", relevance: 0.8 }, { text: 'nope', relevance: 0.6 }];
  if (/^\d$/.test(answer))
    return [{ text: answer, relevance: 1 }, { text: NUMBERS[Number(answer)]!, relevance: 0.8 }, { text: `there are ${answer}`, relevance: 0.6 }];
  return [{ text: answer, relevance: 1 }, { text: `it is ${answer}`, relevance: 0.8 }, { text: `${answer} i think`, relevance: 0.4 }];
}

/** Every answer the sample's dialogues may use (>= 100, so that each round has 100 distinct options). */
function answerPool(): string[] {
  const bases = [
    ...COLOUR_NAMES,
    ...SHAPES,
    'large',
    'small',
    ...['top left', 'top', 'top right', 'left', 'center', 'right', 'bottom left', 'bottom', 'bottom right'],
    ...['1', '2', '3', '4', '5', '6', '7', '8', '9'],
    'yes',
    'no',
  ];
  return [...new Set([...bases.flatMap((b) => phrasings(b).map((p) => p.text)), ...HEDGES])];
}

/**
 * VisDial v1.0: `visdial_1.0_{train,val}.json` (`{"version", "split", "data": {"dialogs", "questions", "answers"}}`,
 * ten rounds per dialogue, each with its 100 answer options and `gt_index`), `visdial_1.0_val_dense_annotations.json`
 * (one round per val image, `gt_relevance` of its 100 options: the answer 1, its rephrasings 0.4-0.8, "can't tell"
 * 0.2), val images in `VisualDialog_val2018/` and train images by COCO name in `train2014/` and `val2014/`.
 */
export const buildVisdialSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const pool = answerPool();
  const ids = imageIds('visdial-sample-ids', 40);
  const splits = [
    { split: 'train', file: 'visdial_1.0_train.json', ids: ids.slice(0, 24) },
    { split: 'val2018', file: 'visdial_1.0_val.json', ids: ids.slice(24) },
  ];
  for (const { split, file, ids: splitIds } of splits) {
    const questions: string[] = [];
    const answers: string[] = [];
    const index = (list: string[], text: string) => {
      let at = list.indexOf(text);
      if (at < 0) at = list.push(text) - 1;
      return at;
    };
    const dialogs: unknown[] = [];
    const dense: unknown[] = [];
    for (const [k, imageId] of splitIds.entries()) {
      const rng = rngFor('visdial-sample', imageId);
      const scene = randomScene(rng, String(imageId));
      const image =
        split === 'val2018'
          ? `VisualDialog_val2018/VisualDialog_val2018_${String(imageId).padStart(12, '0')}.jpg`
          : k % 2 === 0
            ? `train2014/${cocoFileName('train2014', imageId)}`
            : `val2014/${cocoFileName('val2014', imageId)}`;
      await w.image(image, scene);
      const denseRound = Math.floor(rng() * 10);
      const dialog = [];
      const asked = new Set<string>();
      for (let r = 0; r < 10; r++) {
        // A dialogue rarely asks the same thing twice: draw again (a few times) on a repeat.
        let facts = question(scene, rng);
        for (let attempt = 0; attempt < 8 && asked.has(facts.question); attempt++) facts = question(scene, rng);
        asked.add(facts.question);
        const said = phrasings(facts.answer);
        const distractors = shuffled(pool.filter((a) => !said.some((p) => p.text === a)), rng).slice(0, 100 - said.length);
        const options = shuffled([...said.map((p) => p.text), ...distractors], rng);
        const relevance = options.map((o) => said.find((p) => p.text === o)?.relevance ?? (o === "i can't tell" ? 0.2 : 0));
        dialog.push({
          answer: index(answers, said[0]!.text),
          gt_index: options.indexOf(said[0]!.text),
          question: index(questions, facts.question.toLowerCase().replace(/\?$/, '')),
          answer_options: options.map((o) => index(answers, o)),
        });
        if (split === 'val2018' && r === denseRound) dense.push({ image_id: imageId, round_id: r + 1, gt_relevance: relevance });
      }
      dialogs.push({ image_id: imageId, caption: caption(scene), dialog });
    }
    await w.json(file, { version: '1.0', split, data: { dialogs, answers, questions } });
    if (split === 'val2018') await w.json('visdial_1.0_val_dense_annotations.json', dense);
  }
  return w.written;
};

// ---------------------------------------------------------------------------------------------------------------
// ImageNet-1k
// ---------------------------------------------------------------------------------------------------------------

/** The sample's classes: a colour and a shape each, with wnid-like ids outside ImageNet's (n9...). */
const IMAGENET_SAMPLE_CLASSES: { colour: Colour; shape: Shape }[] = [
  { colour: 'red', shape: 'circle' },
  { colour: 'orange', shape: 'circle' },
  { colour: 'blue', shape: 'square' },
  { colour: 'green', shape: 'triangle' },
  { colour: 'yellow', shape: 'diamond' },
  { colour: 'purple', shape: 'cross' },
];

/**
 * ImageNet-1k as it is commonly unpacked: `train/<wnid>/<wnid>_<n>.JPEG` and `val/<wnid>/ILSVRC2012_val_<8 digits>.JPEG`
 * (val sorted into class folders), plus `LOC_synset_mapping.txt` naming the classes, which are not ImageNet's: six
 * "colour shape" classes, 8 training and 5 validation images each, one object per image.
 */
export const buildImagenetSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const classes = IMAGENET_SAMPLE_CLASSES.map((c, i) => ({ ...c, wnid: `n9${String(i + 1).padStart(7, '0')}` }));
  await w.file('LOC_synset_mapping.txt', classes.map((c) => `${c.wnid} ${c.colour} ${c.shape}\n`).join(''));
  const scene = (rng: Rng, id: string, c: (typeof classes)[number]): Scene =>
    singleObjectScene(rng, id, c.shape, { colours: [c.colour] });
  for (const c of classes) {
    const numbers = distinctNumbers(`imagenet-sample-train-${c.wnid}`, 8, 1, 99999);
    for (const n of numbers) {
      const id = `${c.wnid}_${n}`;
      await w.image(`train/${c.wnid}/${id}.JPEG`, scene(rngFor('imagenet-sample', id), id, c));
    }
  }
  // Validation images are numbered across classes in a shuffled order, as the official val set is.
  const val = shuffled(classes.flatMap((c) => Array.from({ length: 5 }, () => c)), rngFor('imagenet-sample-val-order'));
  for (const [i, c] of val.entries()) {
    const id = `ILSVRC2012_val_${String(i + 1).padStart(8, '0')}`;
    await w.image(`val/${c.wnid}/${id}.JPEG`, scene(rngFor('imagenet-sample', id), id, c));
  }
  return w.written;
};

/** `n` distinct integers in [min, max], drawn from the key's generator. */
function distinctNumbers(key: string, n: number, min: number, max: number): number[] {
  const rng = rngFor(key);
  const out = new Set<number>();
  while (out.size < n) out.add(min + Math.floor(rng() * (max - min + 1)));
  return [...out];
}

export const IMAGE_CLOSED_SAMPLE_BUILDERS: Record<string, SampleBuilder> = {
  visdial: buildVisdialSample,
  hatefulmemes: buildHatefulMemesSample,
  imagenet: buildImagenetSample,
};
