// The built-in sample datasets, each written in exactly the file names and formats of its official release, so the
// task loaders read them through the same code as the real data. Small: a few dozen items per split.
import { rngFor } from '../../src/core/random.ts';
import { randomScene, singleObjectScene } from './scene.ts';
import { captions, knowledgeQuestion, shapeNames } from './language.ts';
import { asAnnotatorWrote, cocoFileName, imageIds, tokens, Writer, type SampleBuilder } from './sample-writer.ts';
import { IMAGE_OPEN_SAMPLE_BUILDERS } from './datasets-image-open.ts';
import { IMAGE_CLOSED_SAMPLE_BUILDERS } from './datasets-image-closed.ts';
import { VIDEO_SAMPLE_BUILDERS } from './datasets-video.ts';

export type { SampleBuilder } from './sample-writer.ts';

const COCO_INFO = {
  description: 'flamingo-eval synthetic sample in the COCO 2014 format (not COCO data)',
  version: '1.0',
  year: 2014,
  contributor: 'flamingo-eval sample-data generator',
  date_created: '2014-01-01 00:00:00',
};

/**
 * COCO captioning: `dataset_coco.json` (Karpathy: train / restval / val / test), `annotations/captions_{train,val}2014.json`
 * and `train2014/`, `val2014/` images. Karpathy train images come from train2014, the others from val2014, as in the
 * real split.
 */
export const buildCocoSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const counts = { train: 40, restval: 8, val: 8, test: 40 };
  const ids = imageIds('coco-sample-ids', Object.values(counts).reduce((a, b) => a + b, 0));
  const karpathy: unknown[] = [];
  const annotations: Record<'train2014' | 'val2014', { images: unknown[]; annotations: unknown[] }> = {
    train2014: { images: [], annotations: [] },
    val2014: { images: [], annotations: [] },
  };
  let imgid = 0;
  let sentid = 0;
  let annotationId = 1;
  for (const [split, count] of Object.entries(counts)) {
    for (let i = 0; i < count; i++) {
      const cocoid = ids[imgid]!;
      const folder = split === 'train' ? 'train2014' : 'val2014';
      const fileName = cocoFileName(folder, cocoid);
      const rng = rngFor('coco-sample', cocoid);
      const scene = randomScene(rng, String(cocoid));
      const raws = captions(scene, rng, 5).map(asAnnotatorWrote);
      await w.image(`${folder}/${fileName}`, scene);
      const sentences = raws.map((raw) => ({ tokens: tokens(raw), raw, imgid, sentid: sentid++ }));
      karpathy.push({
        filepath: folder,
        sentids: sentences.map((s) => s.sentid),
        filename: fileName,
        imgid,
        split,
        sentences,
        cocoid,
      });
      annotations[folder].images.push({
        license: 1,
        file_name: fileName,
        coco_url: `http://images.cocodataset.org/${folder}/${fileName}`,
        height: 64,
        width: 64,
        date_captured: '2013-11-14 16:28:13',
        flickr_url: '',
        id: cocoid,
      });
      for (const raw of raws) annotations[folder].annotations.push({ image_id: cocoid, id: annotationId++, caption: raw });
      imgid++;
    }
  }
  await w.json('dataset_coco.json', { images: karpathy, dataset: 'coco' });
  const licenses = [{ url: 'https://opensource.org/licenses/MIT', id: 1, name: 'MIT (synthetic sample data)' }];
  for (const folder of ['train2014', 'val2014'] as const) {
    await w.json(`annotations/captions_${folder}.json`, {
      info: COCO_INFO,
      images: annotations[folder].images,
      licenses,
      annotations: annotations[folder].annotations,
    });
  }
  return w.written;
};

/**
 * OK-VQA: `OpenEnded_mscoco_{train,val}2014_questions.json`, `mscoco_{train,val}2014_annotations.json` and COCO-named
 * images. The "outside knowledge" is a naming convention fixed for this dataset (each shape has a made-up name) that
 * no image shows: only demonstrations with the same shape reveal it, so accuracy grows with shots.
 * Each annotation lists five answers twice, as OK-VQA's do; a few images carry two questions (same group).
 */
export const buildOkvqaSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const names = shapeNames(rngFor('okvqa-sample-names'));
  const splits = { train2014: 48, val2014: 32 };
  const ids = imageIds('okvqa-sample-ids', splits.train2014 + splits.val2014);
  let next = 0;
  for (const [folder, count] of Object.entries(splits)) {
    const questions: unknown[] = [];
    const annotations: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const imageId = ids[next++]!;
      const rng = rngFor('okvqa-sample', imageId);
      const scene = singleObjectScene(rng, String(imageId));
      await w.image(`${folder}/${cocoFileName(folder, imageId)}`, scene);
      const asked = i % 8 === 0 ? 2 : 1;
      for (let k = 0; k < asked; k++) {
        const facts = knowledgeQuestion(scene, names, rng);
        const questionId = imageId * 10 + k;
        questions.push({ image_id: imageId, question: facts.question, question_id: questionId });
        const five = facts.answers.slice(0, 5);
        annotations.push({
          image_id: imageId,
          answer_type: 'other',
          question_type: 'other',
          question_id: questionId,
          answers: [...five, ...five].map((answer, j) => ({
            answer_id: j + 1,
            raw_answer: answer,
            answer_confidence: 'yes',
            answer,
          })),
          confidence: 3,
        });
      }
    }
    const meta = {
      license: { url: 'https://opensource.org/licenses/MIT', name: 'MIT (synthetic sample data)' },
      data_subtype: folder,
      info: { description: 'flamingo-eval synthetic sample in the OK-VQA format (not OK-VQA data)', version: '1.0' },
      data_type: 'mscoco',
    };
    await w.json(`OpenEnded_mscoco_${folder}_questions.json`, { ...meta, task_type: 'Open-Ended', questions });
    await w.json(`mscoco_${folder}_annotations.json`, { ...meta, annotations });
  }
  return w.written;
};

/** The built-in sample datasets by task id. */
export const SAMPLE_BUILDERS: Record<string, SampleBuilder> = {
  coco: buildCocoSample,
  okvqa: buildOkvqaSample,
  ...IMAGE_OPEN_SAMPLE_BUILDERS,
  ...IMAGE_CLOSED_SAMPLE_BUILDERS,
  ...VIDEO_SAMPLE_BUILDERS,
};
