// TextVQA 0.5.1 (Singh et al. 2019): questions that need reading the text in an image, ten answers each; VQA accuracy
// with the answers and the prediction always normalised, as TextVQA's own evaluator (pythia/mmf
// TextVQAAccuracyEvaluator with EvalAIAnswerProcessor) and open_flamingo's vqa_metric.py both do, rather than only
// when the answers differ (vqaEval.py). EvalAIAnswerProcessor also deletes "," and "?" outright and splits "'s" before
// the same steps; those edge cases are not reproduced.
// The paper evaluates val with demonstrations from train, and does NOT give the model the OCR tokens the dataset
// ships: neither do we by default. `textvqaTask({ ocrTokens: true })` (task id `textvqa-ocr`) reads the Rosetta OCR
// files and writes the tokens before each question, for comparison with harnesses that do.
import { InputError } from '../core/errors.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, PromptTemplates, Task, TaskData, UsedFile } from '../core/types.ts';
import { VQA_GENERATION } from './kit/generation.ts';
import { Field, readJsonFile } from '../readers/json.ts';
import { ImageFolder, MissingImages } from './kit/images.ts';
import { findFile, officialFile } from './kit/official-files.ts';
import { postprocessVqaAnswer, sameVqaAnswer } from './kit/postprocess.ts';
import { querySplit } from './kit/query-split.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { qaTemplates, textTemplates } from './kit/templates.ts';
import { vqaAccuracy } from '../metrics/vqa-accuracy.ts';
import { scoreVqaAnswers } from './kit/task-score.ts';

const TEXTVQA = 'https://dl.fbaipublicfiles.com/textvqa';

export const TEXTVQA_FILES = {
  train: officialFile('TextVQA_0.5.1_train.json', 'TextVQA training questions and answers', `${TEXTVQA}/data/TextVQA_0.5.1_train.json`),
  val: officialFile('TextVQA_0.5.1_val.json', 'TextVQA validation questions and answers', `${TEXTVQA}/data/TextVQA_0.5.1_val.json`),
  // TextVQA's train and val images are both OpenImages train images, in one folder.
  images: officialFile(
    'train_images',
    'TextVQA train and val images (folder, train_val_images.zip)',
    `${TEXTVQA}/images/train_val_images.zip`,
  ),
  trainOcr: officialFile(
    'TextVQA_Rosetta_OCR_v0.2_train.json',
    'Rosetta OCR tokens of the train images (only with the OCR option, off by default)',
    `${TEXTVQA}/data/TextVQA_Rosetta_OCR_v0.2_train.json`,
    false,
  ),
  valOcr: officialFile(
    'TextVQA_Rosetta_OCR_v0.2_val.json',
    'Rosetta OCR tokens of the val images (only with the OCR option, off by default)',
    `${TEXTVQA}/data/TextVQA_Rosetta_OCR_v0.2_val.json`,
    false,
  ),
} satisfies Record<string, OfficialFile>;

export interface TextvqaOptions {
  /** Give the model the Rosetta OCR tokens before each question (not the paper's protocol). Off by default. */
  ocrTokens?: boolean;
}

/** With OCR tokens: paper `OCR tokens: {t} Question: {q} Answer: {a}`; openflamingo without spaces after colons. */
const ocrTemplates: Record<string, PromptTemplates> = {
  paper: textTemplates((e, answer) => {
    const text = `OCR tokens: ${e.fields.ocr ?? ''} Question: ${e.fields.question ?? ''} Answer:`;
    return answer === undefined ? text : `${text} ${answer}`;
  }),
  openflamingo: textTemplates(
    (e, answer) => `OCR tokens:${e.fields.ocr ?? ''} Question:${e.fields.question ?? ''} Short answer:${answer ?? ''}`,
  ),
};

export function textvqaTask(options: TextvqaOptions = {}): Task {
  const ocr = options.ocrTokens === true;
  return {
    id: ocr ? 'textvqa-ocr' : 'textvqa',
    title: ocr ? 'TextVQA (with OCR tokens)' : 'TextVQA',
    modality: 'image',
    kind: 'generate',
    splits: { support: 'train', query: 'val' },
    files: Object.values(TEXTVQA_FILES),
    protocolQuerySize: 1024,
    templates: ocr ? ocrTemplates : qaTemplates,
    // open_flamingo: beam 3, 10 new tokens for TextVQA (answers are read text, longer than VQAv2's).
    generation: { ...VQA_GENERATION, maxNewTokens: 10 },
    postprocess: postprocessVqaAnswer,
    normalizeAnswer: sameVqaAnswer,
    metric: 'vqa_accuracy',
    load: (ctx) => loadTextvqa(ctx, ocr),
    score: (items) => scoreVqaAnswers(items, (answers) => vqaAccuracy(answers, { normalization: 'open_flamingo' })),
  };
}

export const textvqa: Task = textvqaTask();

async function loadTextvqa(ctx: LoadContext, ocr: boolean): Promise<TaskData> {
  querySplit(ctx, 'TextVQA', ['val'], "the paper's split");
  const dataDir = ctx.dataDir ?? sampleDataDir('textvqa');
  const trainPath = await findFile(dataDir, TEXTVQA_FILES.train);
  const valPath = await findFile(dataDir, TEXTVQA_FILES.val);
  const ocrPaths = ocr
    ? { train: await findFile(dataDir, TEXTVQA_FILES.trainOcr), val: await findFile(dataDir, TEXTVQA_FILES.valOcr) }
    : undefined;
  const images = await ImageFolder.find(dataDir, TEXTVQA_FILES.images);
  const missing = new MissingImages();
  const support = await examples(trainPath, images, missing, ocrPaths && (await readOcr(ocrPaths.train)));
  const query = await examples(valPath, images, missing, ocrPaths && (await readOcr(ocrPaths.val)));
  missing.check();
  if (query.length === 0) throw new InputError(`${valPath}: no questions`, valPath);

  const files: UsedFile[] = await Promise.all([
    describeUsedFile('train questions and answers', trainPath),
    describeUsedFile('val questions and answers', valPath),
    ...(ocrPaths
      ? [describeUsedFile('train OCR tokens', ocrPaths.train), describeUsedFile('val OCR tokens', ocrPaths.val)]
      : []),
    describeUsedFile('images', images.path),
  ]);
  return { support, query, files, sample: ctx.dataDir === undefined };
}

async function examples(
  file: string,
  images: ImageFolder,
  missing: MissingImages,
  ocr: Map<string, string[]> | undefined,
): Promise<Example<string[]>[]> {
  return Field.root(await readJsonFile(file))
    .get('data')
    .items()
    .map((entry) => {
      const imageField = entry.get('image_id');
      const imageId = imageField.id();
      const answersField = entry.get('answers');
      const answers = answersField.items().map((a) => a.string());
      if (answers.length === 0) answersField.fail('no answers');
      const fields: Record<string, string> = { question: entry.get('question').string() };
      if (ocr) {
        const tokens = ocr.get(imageId) ?? imageField.fail(`image ${imageId} has no entry in the OCR file`);
        fields.ocr = tokens.join(', ');
      }
      return {
        id: entry.get('question_id').id(),
        group: imageId,
        media: [images.image(`${imageId}.jpg`, missing, () => imageField.where())],
        fields,
        // open_flamingo shows the first listed answer in demonstrations.
        target: answers[0]!,
        reference: answers,
      };
    });
}

/** Rosetta OCR file: image_id -> ocr_tokens. */
async function readOcr(file: string): Promise<Map<string, string[]>> {
  const byImage = new Map<string, string[]>();
  for (const entry of Field.root(await readJsonFile(file)).get('data').items()) {
    byImage.set(
      entry.get('image_id').id(),
      entry
        .get('ocr_tokens')
        .items()
        .map((t) => t.string()),
    );
  }
  return byImage;
}
