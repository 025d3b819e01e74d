// VQAv2 (Goyal et al. 2017): open-ended questions about COCO images, ten human answers each; VQA accuracy.
// Demonstrations come from train2014. Queries are val2014 by default (scored here); the paper reports test-dev, whose
// questions have no public annotations: `--split test-dev` (or `test`) writes the EvalAI answers file
// `[{"question_id", "answer"}]` beside the record instead of a score. EvalAI's VQA challenge takes one file for both
// phases and refuses one that misses a test2015 question, so a test-dev file lists the rest of test2015 too, with an
// empty answer (the test-dev phase scores only the test-dev questions).
import { InputError, UsageError } from '../core/errors.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, ScoredItem, Task, TaskData, UsedFile } from '../core/types.ts';
import { COCO_TRAIN2014, COCO_VAL2014 } from './kit/coco-images.ts';
import { VQA_GENERATION } from './kit/generation.ts';
import { ImageFolder, MissingImages } from './kit/images.ts';
import { findFile, officialFile } from './kit/official-files.ts';
import { postprocessVqaAnswer, sameVqaAnswer } from './kit/postprocess.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { qaTemplates } from './kit/templates.ts';
import { readVqaQuestions } from '../readers/vqa.ts';
import { cocoVqaExamples } from './kit/vqa-examples.ts';
import { scoreVqaAnswers } from './kit/task-score.ts';

const VQA_DOWNLOADS = 'https://visualqa.org/download.html';

export const VQAV2_FILES = {
  trainQuestions: officialFile(
    'v2_OpenEnded_mscoco_train2014_questions.json',
    'VQAv2 training questions (v2_Questions_Train_mscoco.zip)',
    VQA_DOWNLOADS,
  ),
  trainAnnotations: officialFile(
    'v2_mscoco_train2014_annotations.json',
    'VQAv2 training annotations (v2_Annotations_Train_mscoco.zip)',
    VQA_DOWNLOADS,
  ),
  valQuestions: officialFile(
    'v2_OpenEnded_mscoco_val2014_questions.json',
    'VQAv2 validation questions (v2_Questions_Val_mscoco.zip)',
    VQA_DOWNLOADS,
  ),
  valAnnotations: officialFile(
    'v2_mscoco_val2014_annotations.json',
    'VQAv2 validation annotations (v2_Annotations_Val_mscoco.zip)',
    VQA_DOWNLOADS,
  ),
  testDevQuestions: officialFile(
    'v2_OpenEnded_mscoco_test-dev2015_questions.json',
    'VQAv2 test-dev questions, for --split test-dev (v2_Questions_Test_mscoco.zip)',
    VQA_DOWNLOADS,
    false,
  ),
  testQuestions: officialFile(
    'v2_OpenEnded_mscoco_test2015_questions.json',
    'VQAv2 test2015 questions, for --split test, and --split test-dev (EvalAI wants them all answered)',
    VQA_DOWNLOADS,
    false,
  ),
  train2014: COCO_TRAIN2014,
  val2014: COCO_VAL2014,
  test2015: officialFile('test2015', 'COCO 2015 test images (folder), for --split test-dev or test', 'http://images.cocodataset.org/zips/test2015.zip', false),
} satisfies Record<string, OfficialFile>;

/** The EvalAI VQA challenge, which scores test-dev and test-standard answer files. */
export const VQAV2_SERVER =
  "EvalAI's VQA challenge, https://eval.ai/web/challenges/challenge-page/830 (linked from https://visualqa.org/challenge.html)";

interface QuerySplit {
  questions: OfficialFile;
  annotations?: OfficialFile;
  images: OfficialFile;
}

const QUERY_SPLITS: Record<string, QuerySplit> = {
  val: { questions: VQAV2_FILES.valQuestions, annotations: VQAV2_FILES.valAnnotations, images: VQAV2_FILES.val2014 },
  'test-dev': { questions: VQAV2_FILES.testDevQuestions, images: VQAV2_FILES.test2015 },
  test: { questions: VQAV2_FILES.testQuestions, images: VQAV2_FILES.test2015 },
};

export const vqav2: Task = {
  id: 'vqav2',
  title: 'VQAv2',
  modality: 'image',
  kind: 'generate',
  splits: { support: 'train', query: 'val' },
  files: Object.values(VQAV2_FILES),
  protocolQuerySize: 1024,
  templates: qaTemplates,
  generation: VQA_GENERATION,
  postprocess: postprocessVqaAnswer,
  normalizeAnswer: sameVqaAnswer,
  metric: 'vqa_accuracy',
  load: loadVqav2,
  score: scoreVqaAnswers,
  // EvalAI's results format (visualqa.org/evaluation.html): question_id as the integer of the questions file.
  submission: (items: ScoredItem[]) =>
    items.map((item) => ({ question_id: Number(item.example.id), answer: item.answer })),
};

async function loadVqav2(ctx: LoadContext): Promise<TaskData> {
  const splitName = ctx.split ?? 'val';
  const split = QUERY_SPLITS[splitName];
  if (!split)
    throw new UsageError(`--split ${splitName}: VQAv2 queries are one of ${Object.keys(QUERY_SPLITS).join(', ')}`);
  const dataDir = ctx.dataDir ?? sampleDataDir('vqav2');
  const paths = {
    trainQuestions: await findFile(dataDir, VQAV2_FILES.trainQuestions),
    trainAnnotations: await findFile(dataDir, VQAV2_FILES.trainAnnotations),
    queryQuestions: await findFile(dataDir, split.questions),
    queryAnnotations: split.annotations ? await findFile(dataDir, split.annotations) : undefined,
  };
  const trainImages = await ImageFolder.find(dataDir, VQAV2_FILES.train2014);
  const queryImages = await ImageFolder.find(dataDir, split.images);
  const missing = new MissingImages();
  const support = await cocoVqaExamples(paths.trainQuestions, paths.trainAnnotations, trainImages, missing);
  const query = await cocoVqaExamples(paths.queryQuestions, paths.queryAnnotations, queryImages, missing);
  missing.check();
  if (query.length === 0) throw new InputError(`${paths.queryQuestions}: no questions`, paths.queryQuestions);

  const files: UsedFile[] = await Promise.all([
    describeUsedFile('train questions', paths.trainQuestions),
    describeUsedFile('train annotations', paths.trainAnnotations),
    describeUsedFile(`${splitName} questions`, paths.queryQuestions),
    ...(paths.queryAnnotations ? [describeUsedFile(`${splitName} annotations`, paths.queryAnnotations)] : []),
    describeUsedFile('train images', trainImages.path),
    describeUsedFile(`${split.images.name} images`, queryImages.path),
  ]);
  const data: TaskData = { support, query, files, sample: ctx.dataDir === undefined };
  if (splitName === 'test-dev') {
    // EvalAI scores test-dev from a file that answers every test2015 question (it refuses any other), so the other
    // test2015 questions are listed too, with an empty answer; the test-dev phase scores only test-dev's.
    const testPath = await findFile(dataDir, VQAV2_FILES.testQuestions);
    const testDevIds = new Set(query.map((e) => e.id));
    const alsoRequired = (await readVqaQuestions(testPath))
      .filter((q) => !testDevIds.has(q.questionId))
      .map((q): Example => ({ id: q.questionId, media: [], fields: { question: q.question }, target: '', reference: [] }));
    files.push(await describeUsedFile('test questions (listed in the answers file)', testPath));
    data.unannotated = { server: VQAV2_SERVER, alsoRequired };
  } else if (!split.annotations) {
    data.unannotated = { server: VQAV2_SERVER };
  }
  return data;
}
