// VizWiz-VQA (Gurari et al. 2018): questions blind people asked about photos they took, ten answers each, many of them
// "unanswerable" (a blurred or empty photo). VQA accuracy as the VizWiz evaluation computes it
// (metrics/vizwiz-accuracy.ts: the prediction always normalised, the answers as written); "unanswerable" is an answer
// like any other, with its own answer type. Demonstrations come from train; queries are val by default (scored here).
// The paper reports test-dev, which has no public answers: `--split test` writes the challenge's answers file
// `[{"image", "answer"}]`. One question per image, so the image file name is the question's id.
import { InputError, UsageError } from '../core/errors.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, ScoredItem, Task, TaskData } from '../core/types.ts';
import { Field, readJsonFile } from '../readers/json.ts';
import { VQA_GENERATION } from './kit/generation.ts';
import { ImageFolder, MissingImages } from './kit/images.ts';
import { findFile, officialFile } from './kit/official-files.ts';
import { postprocessVqaAnswer, sameVqaAnswer } from './kit/postprocess.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { qaTemplates } from './kit/templates.ts';
import { vizwizAccuracy } from '../metrics/vizwiz-accuracy.ts';
import { scoreVqaAnswers } from './kit/task-score.ts';

const VIZWIZ = 'https://vizwiz.cs.colorado.edu/VizWiz_final';

export const VIZWIZ_FILES = {
  train: officialFile('train.json', 'VizWiz-VQA training questions and answers (Annotations.zip)', `${VIZWIZ}/vqa_data/Annotations.zip`),
  val: officialFile('val.json', 'VizWiz-VQA validation questions and answers (Annotations.zip)', `${VIZWIZ}/vqa_data/Annotations.zip`),
  test: officialFile('test.json', 'VizWiz-VQA test questions, for --split test (Annotations.zip)', `${VIZWIZ}/vqa_data/Annotations.zip`, false),
  trainImages: officialFile('train', 'VizWiz training images (folder, train.zip)', `${VIZWIZ}/images/train.zip`),
  valImages: officialFile('val', 'VizWiz validation images (folder, val.zip)', `${VIZWIZ}/images/val.zip`),
  testImages: officialFile('test', 'VizWiz test images (folder, test.zip), for --split test', `${VIZWIZ}/images/test.zip`, false),
} satisfies Record<string, OfficialFile>;

export const VIZWIZ_SERVER = "EvalAI's VizWiz VQA challenge, linked from https://vizwiz.org/tasks-and-datasets/vqa/";

const QUERY_SPLITS: Record<string, { annotations: OfficialFile; images: OfficialFile; answered: boolean }> = {
  val: { annotations: VIZWIZ_FILES.val, images: VIZWIZ_FILES.valImages, answered: true },
  test: { annotations: VIZWIZ_FILES.test, images: VIZWIZ_FILES.testImages, answered: false },
};

export const vizwiz: Task = {
  id: 'vizwiz',
  title: 'VizWiz-VQA',
  modality: 'image',
  kind: 'generate',
  splits: { support: 'train', query: 'val' },
  files: Object.values(VIZWIZ_FILES),
  protocolQuerySize: 1024,
  templates: qaTemplates,
  generation: VQA_GENERATION,
  postprocess: postprocessVqaAnswer,
  normalizeAnswer: sameVqaAnswer,
  metric: 'vqa_accuracy',
  load: loadVizwiz,
  score: (items: ScoredItem[]) => scoreVqaAnswers(items, vizwizAccuracy),
  // The VizWiz challenge's results format: one {image, answer} per test image.
  submission: (items: ScoredItem[]) => items.map((item) => ({ image: item.example.id, answer: item.answer })),
};

async function loadVizwiz(ctx: LoadContext): Promise<TaskData> {
  const splitName = ctx.split ?? 'val';
  const split = QUERY_SPLITS[splitName];
  if (!split) throw new UsageError(`--split ${splitName}: VizWiz queries are one of ${Object.keys(QUERY_SPLITS).join(', ')}`);
  const dataDir = ctx.dataDir ?? sampleDataDir('vizwiz');
  const trainPath = await findFile(dataDir, VIZWIZ_FILES.train);
  const queryPath = await findFile(dataDir, split.annotations);
  const trainImages = await ImageFolder.find(dataDir, VIZWIZ_FILES.trainImages);
  const queryImages = await ImageFolder.find(dataDir, split.images);
  const missing = new MissingImages();
  const support = await examples(trainPath, trainImages, missing, true);
  const query = await examples(queryPath, queryImages, missing, split.answered);
  missing.check();
  if (query.length === 0) throw new InputError(`${queryPath}: no questions`, queryPath);

  const files = await Promise.all([
    describeUsedFile('train questions and answers', trainPath),
    describeUsedFile(split.answered ? `${splitName} questions and answers` : `${splitName} questions`, queryPath),
    describeUsedFile('train images', trainImages.path),
    describeUsedFile(`${splitName} images`, queryImages.path),
  ]);
  const data: TaskData = { support, query, files, sample: ctx.dataDir === undefined };
  if (!split.answered) data.unannotated = { server: VIZWIZ_SERVER };
  return data;
}

async function examples(
  file: string,
  images: ImageFolder,
  missing: MissingImages,
  answered: boolean,
): Promise<Example<string[]>[]> {
  const seen = new Set<string>();
  return Field.root(await readJsonFile(file))
    .items()
    .map((entry) => {
      const imageField = entry.get('image');
      const image = imageField.string();
      if (seen.has(image)) imageField.fail(`${image} is asked about twice (VizWiz has one question per image)`);
      seen.add(image);
      const question = entry.get('question').string();
      let answers: string[] = [];
      if (answered) {
        const answersField = entry.get('answers');
        answers = answersField.items().map((a) => a.get('answer').string());
        if (answers.length === 0) answersField.fail('no answers');
      }
      const example: Example<string[]> = {
        id: image,
        group: image,
        media: [images.image(image, missing, () => imageField.where())],
        fields: { question },
        // open_flamingo shows the first listed answer in demonstrations.
        target: answers[0] ?? '',
        reference: answers,
      };
      if (answered) example.type = entry.get('answer_type').string();
      return example;
    });
}
