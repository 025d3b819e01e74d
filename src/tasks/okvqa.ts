// OK-VQA (Marino et al. 2019): open-ended questions about COCO images that need outside knowledge. The paper evaluates
// on val (5046 questions; 1024 under --protocol flamingo) with demonstrations from train; VQA accuracy.
import { InputError } from '../core/errors.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { ArgSpec, LoadContext, OfficialFile, Task, TaskData, UsedFile } from '../core/types.ts';
import { vqaAccuracy } from '../metrics/vqa-accuracy.ts';
import { COCO_TRAIN2014, COCO_VAL2014 } from './kit/coco-images.ts';
import { VQA_GENERATION } from './kit/generation.ts';
import { ImageFolder, MissingImages } from './kit/images.ts';
import { findFile, officialFile } from './kit/official-files.ts';
import { postprocessVqaAnswer, sameVqaAnswer } from './kit/postprocess.ts';
import { querySplit } from './kit/query-split.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { scoreVqaAnswers } from './kit/task-score.ts';
import { qaTemplates } from './kit/templates.ts';
import { cocoVqaExamples } from './kit/vqa-examples.ts';

const OKVQA_SOURCE = 'https://okvqa.allenai.org/download.html';

// The names are VQA v1's: a --data folder that also holds VQA v1 makes them ambiguous, which findOfficialFile reports.
export const OKVQA_FILES = {
  trainQuestions: officialFile('OpenEnded_mscoco_train2014_questions.json', 'OK-VQA training questions', OKVQA_SOURCE),
  trainAnnotations: officialFile('mscoco_train2014_annotations.json', 'OK-VQA training annotations', OKVQA_SOURCE),
  valQuestions: officialFile('OpenEnded_mscoco_val2014_questions.json', 'OK-VQA validation questions', OKVQA_SOURCE),
  valAnnotations: officialFile('mscoco_val2014_annotations.json', 'OK-VQA validation annotations', OKVQA_SOURCE),
  trainImages: COCO_TRAIN2014,
  valImages: COCO_VAL2014,
} satisfies Record<string, OfficialFile>;

export interface OkvqaOptions {
  /** Stem answers as open_flamingo does before scoring (src/metrics/text/okvqa-stem.ts). Off by default. */
  stem?: boolean;
}

/**
 * `--task-arg okvqa.stem=true`: score as open_flamingo's evaluation does (ok_vqa_utils.py stems the answers, to match
 * the stemmed OK-VQA v1.1 annotations). It changes the score, so it is part of the configuration identity: its records
 * are their own file and their own leaderboard row.
 */
export const OKVQA_ARGS: ArgSpec[] = [
  {
    name: 'stem',
    type: 'boolean',
    default: false,
    description:
      "stem answers as open_flamingo's evaluation does (ok_vqa_utils.py, to match the stemmed OK-VQA v1.1 answers) before VQA accuracy (default: the official VQA scorer)",
    identity: true,
    replaces: '--okvqa-stem',
  },
];

export function okvqaTask(options: OkvqaOptions = {}): Task {
  return {
    args: OKVQA_ARGS,
    configure: (args) => okvqaTask({ stem: args.stem === true }),
    id: 'okvqa',
    title: 'OK-VQA',
    modality: 'image',
    kind: 'generate',
    splits: { support: 'train', query: 'val' },
    files: Object.values(OKVQA_FILES),
    protocolQuerySize: 1024,
    templates: qaTemplates,
    generation: VQA_GENERATION,
    postprocess: postprocessVqaAnswer,
    normalizeAnswer: sameVqaAnswer,
    metric: 'vqa_accuracy',
    load: loadOkvqa,
    score: (items) => scoreVqaAnswers(items, (answers) => vqaAccuracy(answers, { stem: options.stem === true })),
  };
}

export const okvqa: Task = okvqaTask();

async function loadOkvqa(ctx: LoadContext): Promise<TaskData> {
  querySplit(ctx, 'OK-VQA', ['val'], 'its test questions are the val ones');
  const dataDir = ctx.dataDir ?? sampleDataDir('okvqa');
  const paths = {
    trainQuestions: await findFile(dataDir, OKVQA_FILES.trainQuestions),
    trainAnnotations: await findFile(dataDir, OKVQA_FILES.trainAnnotations),
    valQuestions: await findFile(dataDir, OKVQA_FILES.valQuestions),
    valAnnotations: await findFile(dataDir, OKVQA_FILES.valAnnotations),
  };
  const trainImages = await ImageFolder.find(dataDir, OKVQA_FILES.trainImages);
  const valImages = await ImageFolder.find(dataDir, OKVQA_FILES.valImages);
  const missing = new MissingImages();
  const support = await cocoVqaExamples(paths.trainQuestions, paths.trainAnnotations, trainImages, missing);
  const query = await cocoVqaExamples(paths.valQuestions, paths.valAnnotations, valImages, missing);
  missing.check();
  if (query.length === 0) throw new InputError(`${paths.valQuestions}: no questions`, paths.valQuestions);

  const files: UsedFile[] = await Promise.all([
    describeUsedFile('train questions', paths.trainQuestions),
    describeUsedFile('train annotations', paths.trainAnnotations),
    describeUsedFile('val questions', paths.valQuestions),
    describeUsedFile('val annotations', paths.valAnnotations),
    describeUsedFile('train images', trainImages.path),
    describeUsedFile('val images', valImages.path),
  ]);
  return { support, query, files, sample: ctx.dataDir === undefined };
}
