// Sample datasets of the open-ended image benchmarks (Flickr30K, VQAv2, VizWiz, TextVQA), each in the file names and
// JSON shapes of its official release, so the task loaders read them through the same code as the real data.
import { rngFor, type Rng } from '../../src/core/random.ts';
import { randomScene, pick, type Scene } from './scene.ts';
import { captions, question, type QuestionFacts } from './language.ts';
import { asAnnotatorWrote, cocoFileName, imageIds, tokens, Writer, type SampleBuilder } from './sample-writer.ts';

const LICENSE = { url: 'https://opensource.org/licenses/MIT', name: 'MIT (synthetic sample data)' };

/**
 * Flickr30K on the Karpathy split: `dataset_flickr30k.json` (train / val / test, five sentences per image, the raw
 * sentences tokenised with a space before the final period, as Karpathy's file has them) and `flickr30k-images/`
 * named by Flickr photo id.
 */
export const buildFlickr30kSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const counts = { train: 40, val: 4, test: 24 };
  const ids = distinct('flickr30k-sample-ids', Object.values(counts).reduce((a, b) => a + b, 0), (rng) =>
    String(1000000000 + Math.floor(rng() * 8999999999)),
  );
  const images: unknown[] = [];
  let imgid = 0;
  let sentid = 0;
  for (const [split, count] of Object.entries(counts)) {
    for (let i = 0; i < count; i++) {
      const filename = `${ids[imgid]}.jpg`;
      const rng = rngFor('flickr30k-sample', filename);
      const scene = randomScene(rng, filename);
      await w.image(`flickr30k-images/${filename}`, scene);
      const sentences = captions(scene, rng, 5).map((caption, k) => {
        const raw = asAnnotatorWrote(caption, k).replace(/\.$/, ' .');
        return { tokens: tokens(raw), raw, imgid, sentid: sentid++ };
      });
      images.push({ sentids: sentences.map((s) => s.sentid), imgid, sentences, split, filename });
      imgid++;
    }
  }
  await w.json('dataset_flickr30k.json', { images, dataset: 'flickr30k' });
  return w.written;
};

/**
 * VQAv2: `v2_OpenEnded_mscoco_{train,val}2014_questions.json` with `v2_mscoco_{train,val}2014_annotations.json`, and
 * the test question files `v2_OpenEnded_mscoco_test2015_questions.json` and `..._test-dev2015_questions.json` (a
 * subset of test2015, as in the release) without annotations; COCO-named images in `train2014/`, `val2014/`,
 * `test2015/`. Two or three questions per image, ids `image_id * 1000 + k` as VQAv2 numbers them.
 */
export const buildVqav2Sample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const splits = { train2014: 20, val2014: 14, test2015: 10 };
  const ids = imageIds('vqav2-sample-ids', splits.train2014 + splits.val2014 + splits.test2015);
  let next = 0;
  const testDev: unknown[] = [];
  for (const [folder, count] of Object.entries(splits)) {
    const questions: { image_id: number; question: string; question_id: number }[] = [];
    const annotations: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const imageId = ids[next++]!;
      const rng = rngFor('vqav2-sample', imageId);
      const scene = randomScene(rng, String(imageId));
      await w.image(`${folder}/${cocoFileName(folder, imageId)}`, scene);
      const asked = differentQuestions(scene, rng, 2 + (i % 2));
      asked.forEach((facts, k) => {
        const questionId = imageId * 1000 + k;
        const entry = { image_id: imageId, question: facts.question, question_id: questionId };
        questions.push(entry);
        if (folder === 'test2015' && i % 2 === 0) testDev.push(entry);
        annotations.push({
          question_type: facts.questionType,
          multiple_choice_answer: facts.answer,
          answers: facts.answers.map((answer, j) => ({ answer, answer_confidence: confidence(rng), answer_id: j + 1 })),
          image_id: imageId,
          answer_type: facts.answerType,
          question_id: questionId,
        });
      });
    }
    const meta = (subtype: string) => ({
      info: { description: 'flamingo-eval synthetic sample in the VQAv2 format (not VQA data)', version: '2.0', year: 2017 },
      license: LICENSE,
      data_subtype: subtype,
      data_type: 'mscoco',
    });
    if (folder === 'test2015') {
      await w.json('v2_OpenEnded_mscoco_test2015_questions.json', { ...meta('test2015'), task_type: 'Open-Ended', questions });
      await w.json('v2_OpenEnded_mscoco_test-dev2015_questions.json', {
        ...meta('test-dev2015'),
        task_type: 'Open-Ended',
        questions: testDev,
      });
    } else {
      await w.json(`v2_OpenEnded_mscoco_${folder}_questions.json`, { ...meta(folder), task_type: 'Open-Ended', questions });
      await w.json(`v2_mscoco_${folder}_annotations.json`, { ...meta(folder), annotations });
    }
  }
  return w.written;
};

/**
 * VizWiz-VQA: `train.json`, `val.json` (lists of `{image, question, answers: [{answer, answer_confidence}],
 * answer_type, answerable}`), `test.json` (`{image, question}` only) and the `train/`, `val/`, `test/` image folders
 * with `VizWiz_<split>_<8 digits>.jpg`. About one photo in five shows nothing usable (an empty frame): its ten
 * answers are "unanswerable", answer_type "unanswerable", answerable 0, as VizWiz annotates such questions.
 */
export const buildVizwizSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const counts = { train: 40, val: 24, test: 10 };
  for (const [split, count] of Object.entries(counts)) {
    const entries: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const image = `VizWiz_${split}_${String(i).padStart(8, '0')}.jpg`;
      const rng = rngFor('vizwiz-sample', image);
      const scene = randomScene(rng, image);
      const unanswerable = rng() < 0.2;
      if (unanswerable) scene.objects = [];
      await w.image(`${split}/${image}`, scene);
      const facts = unanswerable ? unanswerableQuestion(rng) : question(scene, rng);
      const text = facts.question.toLowerCase();
      if (split === 'test') {
        entries.push({ image, question: text });
        continue;
      }
      entries.push({
        image,
        question: text,
        answers: facts.answers.map((answer) => ({ answer, answer_confidence: confidence(rng) })),
        answer_type: unanswerable ? 'unanswerable' : facts.answerType,
        answerable: unanswerable ? 0 : 1,
      });
    }
    await w.json(`${split}.json`, entries);
  }
  return w.written;
};

const VIZWIZ_VAGUE = ['What is this?', 'What color is this?', 'Can you tell me what this is?', 'What does this say?'];

function unanswerableQuestion(rng: Rng): QuestionFacts {
  const answers = Array.from({ length: 10 }, () => (rng() < 0.1 ? 'unsuitable' : 'unanswerable'));
  return { question: pick(rng, VIZWIZ_VAGUE), answer: 'unanswerable', answers, answerType: 'other', questionType: '' };
}

/** The words of the sample TextVQA: short, written in capitals along the bottom of the image. */
const WORDS = ['stop', 'open', 'exit', 'cafe', 'sale', 'park', 'book', 'taxi', 'milk', 'jazz', 'gold', 'blue', 'fire', 'home'];

const TEXT_QUESTIONS = [
  'what is written on the image?',
  'what word is shown at the bottom?',
  'what does the text say?',
  'what is the word written in white?',
];

/**
 * TextVQA 0.5.1: `TextVQA_0.5.1_{train,val}.json` (`{dataset_type, dataset_name, dataset_version, data: [...]}` with
 * ten answers per question) and `train_images/<image_id>.jpg` (TextVQA's val images are in the same folder), plus
 * the Rosetta OCR files `TextVQA_Rosetta_OCR_v0.2_{train,val}.json` for the (off by default) OCR option. Each image
 * has one or two words written on it; the questions ask for them.
 */
export const buildTextvqaSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const counts = { train: 40, val: 24 };
  const ids = distinct('textvqa-sample-ids', counts.train + counts.val, (rng) =>
    Array.from({ length: 16 }, () => '0123456789abcdef'[Math.floor(rng() * 16)]).join(''),
  );
  let next = 0;
  let questionId = 0;
  for (const [split, count] of Object.entries(counts)) {
    const data: unknown[] = [];
    const ocr: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const imageId = ids[next++]!;
      const rng = rngFor('textvqa-sample', imageId);
      const words = [pick(rng, WORDS), ...(rng() < 0.3 ? [pick(rng, WORDS)] : [])];
      const text = words.join(' ');
      const scene = randomScene(rng, imageId, { maxObjects: 2, text: text.toUpperCase() });
      await w.image(`train_images/${imageId}.jpg`, scene);
      const asked = TEXT_QUESTIONS[i % TEXT_QUESTIONS.length]!;
      const answers = Array.from({ length: 10 }, () => {
        const r = rng();
        if (r < 0.1) return text.toUpperCase();
        if (r < 0.15 && words.length > 1) return words[0]!;
        return text;
      });
      data.push({
        question: asked,
        image_id: imageId,
        image_classes: ['Poster'],
        flickr_original_url: '',
        flickr_300k_url: '',
        image_width: 64,
        image_height: 64,
        answers,
        question_tokens: tokens(asked),
        question_id: questionId++,
        set_name: split,
      });
      ocr.push({
        image_id: imageId,
        ocr_tokens: words,
        ocr_info: words.map((word, k) => ({
          word,
          bounding_box: { top_left_x: k / words.length, top_left_y: 0.82, width: 1 / words.length, height: 0.14, rotation: 0 },
        })),
        set_name: split,
      });
    }
    const meta = { dataset_type: split, dataset_name: 'textvqa', dataset_version: '0.5.1' };
    await w.json(`TextVQA_0.5.1_${split}.json`, { ...meta, data });
    await w.json(`TextVQA_Rosetta_OCR_v0.2_${split}.json`, { ...meta, data: ocr });
  }
  return w.written;
};

/** Questions about one scene with different wordings (VQAv2 asks each image several distinct questions). */
function differentQuestions(scene: Scene, rng: Rng, n: number): QuestionFacts[] {
  const out: QuestionFacts[] = [];
  for (let attempt = 0; out.length < n && attempt < 40; attempt++) {
    const facts = question(scene, rng);
    if (!out.some((q) => q.question === facts.question)) out.push(facts);
  }
  return out;
}

function confidence(rng: Rng): string {
  const r = rng();
  return r < 0.8 ? 'yes' : r < 0.95 ? 'maybe' : 'no';
}

/** `n` distinct ids drawn by `make` from the keyed generator. */
function distinct(key: string, n: number, make: (rng: Rng) => string): string[] {
  const rng = rngFor(key);
  const ids = new Set<string>();
  while (ids.size < n) ids.add(make(rng));
  return [...ids];
}

export const IMAGE_OPEN_SAMPLE_BUILDERS: Record<string, SampleBuilder> = {
  flickr30k: buildFlickr30kSample,
  vqav2: buildVqav2Sample,
  vizwiz: buildVizwizSample,
  textvqa: buildTextvqaSample,
};
