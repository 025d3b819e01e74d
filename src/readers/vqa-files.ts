// The VQA release format (visualqa.org), shared by VQAv2 and OK-VQA: a questions file
// `{ questions: [{ image_id, question, question_id }] }` and an annotations file
// `{ annotations: [{ question_id, image_id, answers: [{ answer, ... }], answer_type, question_type }] }`.
// Questions are paired with annotations by question_id (open_flamingo pairs them by list position, which silently
// mislabels every question if the two files are not in the same order).
import { InputError } from '../core/errors.ts';
import type { Example } from '../core/types.ts';
import type { ImageFolder, MissingImages } from '../tasks/kit/images.ts';
import { Field, readJsonFile } from './json-input.ts';

export interface VqaQuestion {
  questionId: string;
  imageId: number;
  question: string;
  /** Where the question is, for error messages ("file: questions[3]"). */
  where(): string;
  /** The human answers, in file order (absent for test question files, which have no annotations). */
  answers?: string[];
  answerType?: string;
  questionType?: string;
}

export async function readVqaQuestions(questionsFile: string, annotationsFile?: string): Promise<VqaQuestion[]> {
  const questions = Field.root(await readJsonFile(questionsFile))
    .get('questions')
    .items()
    .map((q): VqaQuestion => ({
      questionId: q.get('question_id').id(),
      imageId: q.get('image_id').number(),
      question: q.get('question').string(),
      where: () => q.where(),
    }));
  const asked = new Map<string, VqaQuestion>();
  for (const q of questions) {
    const first = asked.get(q.questionId);
    if (first) throw new InputError(`${q.where()}: question_id ${q.questionId} is listed twice (first at ${first.where()})`, questionsFile);
    asked.set(q.questionId, q);
  }
  if (annotationsFile === undefined) return questions;

  const annotations = new Map<string, Field>();
  for (const a of Field.root(await readJsonFile(annotationsFile)).get('annotations').items()) {
    const id = a.get('question_id').id();
    if (annotations.has(id)) a.get('question_id').fail(`question_id ${id} is annotated twice`);
    annotations.set(id, a);
  }
  for (const q of questions) {
    const a = annotations.get(q.questionId);
    if (!a) {
      throw new InputError(
        `${annotationsFile}: no annotation for question_id ${q.questionId} (asked in ${q.where()}); ` +
          'are the questions and annotations files from the same release and split?',
        annotationsFile,
      );
    }
    const imageId = a.get('image_id').number();
    if (imageId !== q.imageId)
      a.get('image_id').fail(`is ${imageId}, but ${q.where()} asks question ${q.questionId} about image ${q.imageId}`);
    const answers = a.get('answers').items().map((x) => x.get('answer').string());
    if (answers.length === 0) a.get('answers').fail('no answers');
    q.answers = answers;
    if (a.has('answer_type')) q.answerType = a.get('answer_type').string();
    if (a.has('question_type')) q.questionType = a.get('question_type').string();
  }
  return questions;
}

/**
 * The questions of a questions file (with its annotations, when it has them) as examples about the COCO images of
 * `images`; the questions about one image form a group.
 */
export async function cocoVqaExamples(
  questionsFile: string,
  annotationsFile: string | undefined,
  images: ImageFolder,
  missing: MissingImages,
): Promise<Example<string[]>[]> {
  const questions = await readVqaQuestions(questionsFile, annotationsFile);
  return questions.map((q) => {
    const answers = q.answers ?? [];
    const example: Example<string[]> = {
      id: q.questionId,
      group: String(q.imageId),
      media: [images.image(cocoImageFile(images.name, q.imageId), missing, () => `${q.where()}.image_id`)],
      fields: { question: q.question },
      // open_flamingo shows the first listed answer in demonstrations (test questions are never demonstrations).
      target: answers[0] ?? '',
      reference: answers,
    };
    if (q.answerType !== undefined) example.type = q.answerType;
    return example;
  });
}

/** COCO's image file name: `COCO_val2014_000000000042.jpg`. */
export function cocoImageFile(folder: string, imageId: number): string {
  return `COCO_${folder}_${String(imageId).padStart(12, '0')}.jpg`;
}
