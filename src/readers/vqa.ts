// The VQA release format (visualqa.org), shared by VQAv2 and OK-VQA and read here for both the tasks and
// `flamingo-eval score --metric vqa|okvqa`: a questions file `{ questions: [{ image_id, question, question_id }] }` and
// an annotations file `{ annotations: [{ question_id, image_id, answers: [{ answer, ... }], answer_type,
// question_type }] }`. Questions are paired with annotations by question_id (open_flamingo pairs them by list
// position, which silently mislabels every question if the two files are not in the same order).
import { InputError } from '../core/errors.ts';
import { Field, readJsonFile } from './json.ts';

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

export interface VqaAnnotation {
  questionId: string;
  /** The human answers, in file order (at least one). */
  answers: string[];
  answerType?: string;
  questionType?: string;
  /** The image asked about, when the file gives it (the official files always do). */
  imageId?: number;
  /** The annotation in its file, for error messages. */
  field(): Field;
}

class Question implements VqaQuestion {
  answers?: string[];
  answerType?: string;
  questionType?: string;
  constructor(
    readonly questionId: string,
    readonly imageId: number,
    readonly question: string,
    private readonly list: Field,
    private readonly index: number,
  ) {}

  where(): string {
    return this.list.at(this.index).where();
  }
}

/** The annotations of an annotations file by question_id; a repeated question_id is an error naming both places. */
export async function readVqaAnnotations(file: string): Promise<Map<string, VqaAnnotation>> {
  const list = Field.root(await readJsonFile(file)).get('annotations');
  const items = list.value;
  if (!Array.isArray(items)) list.items(); // throws "expected a list"
  const byId = new Map<string, Annotation>();
  const raw = items as unknown[];
  for (let index = 0; index < raw.length; index++) {
    // The official val2014 file has 214,354 annotations of ten answers: the plain values are checked directly, and
    // the located (and slower) accessors of Field run only on an annotation that fails a check, to word the error.
    const annotation = plainAnnotation(raw[index], list, index) ?? checkedAnnotation(list, index);
    const first = byId.get(annotation.questionId);
    if (first) {
      annotation
        .field()
        .get('question_id')
        .fail(`question_id ${annotation.questionId} is annotated twice (first at annotations[${first.index}])`);
    }
    byId.set(annotation.questionId, annotation);
  }
  return byId;
}

/** One annotation; its place in the file is kept as the list and an index, and made a Field only for an error. */
class Annotation implements VqaAnnotation {
  answerType?: string;
  questionType?: string;
  imageId?: number;
  constructor(
    readonly questionId: string,
    readonly answers: string[],
    private readonly list: Field,
    readonly index: number,
  ) {}

  field(): Field {
    return this.list.at(this.index);
  }
}

/** The annotation when every value has the expected type, else undefined. */
function plainAnnotation(value: unknown, list: Field, index: number): Annotation | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const a = value as Record<string, unknown>;
  const id = a.question_id;
  let questionId: string;
  if (typeof id === 'number' && Number.isSafeInteger(id)) questionId = String(id);
  else if (typeof id === 'string' && id !== '') questionId = id;
  else return undefined;
  const given = a.answers;
  if (!Array.isArray(given) || given.length === 0) return undefined;
  const answers = new Array<string>(given.length);
  for (let k = 0; k < given.length; k++) {
    const entry = given[k] as { answer?: unknown } | null;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || typeof entry.answer !== 'string') return undefined;
    answers[k] = entry.answer;
  }
  const out = new Annotation(questionId, answers, list, index);
  if ('answer_type' in a) {
    if (typeof a.answer_type !== 'string') return undefined;
    out.answerType = a.answer_type;
  }
  if ('question_type' in a) {
    if (typeof a.question_type !== 'string') return undefined;
    out.questionType = a.question_type;
  }
  if ('image_id' in a) {
    if (typeof a.image_id !== 'number' || !Number.isFinite(a.image_id)) return undefined;
    out.imageId = a.image_id;
  }
  return out;
}

/** The same checks through Field, whose errors name the file and the field at fault. */
function checkedAnnotation(list: Field, index: number): Annotation {
  const a = list.at(index);
  const questionId = a.get('question_id').id();
  const answers = a.get('answers').items().map((x) => x.get('answer').string());
  if (answers.length === 0) a.get('answers').fail('no answers');
  const out = new Annotation(questionId, answers, list, index);
  if (a.has('answer_type')) out.answerType = a.get('answer_type').string();
  if (a.has('question_type')) out.questionType = a.get('question_type').string();
  if (a.has('image_id')) out.imageId = a.get('image_id').number();
  return out;
}

/**
 * The questions of a questions file, with the answers of their annotations when an annotations file is given (every
 * question must be annotated, about the same image).
 */
export async function readVqaQuestions(questionsFile: string, annotationsFile?: string): Promise<VqaQuestion[]> {
  const list = Field.root(await readJsonFile(questionsFile)).get('questions');
  if (!Array.isArray(list.value)) list.items(); // throws "expected a list"
  const raw = list.value as unknown[];
  const questions: VqaQuestion[] = new Array(raw.length);
  for (let index = 0; index < raw.length; index++) {
    // As for annotations: plain values checked directly, Field only to word an error.
    const q = raw[index] as { question_id?: unknown; image_id?: unknown; question?: unknown } | null;
    const id = typeof q === 'object' && q !== null ? q.question_id : undefined;
    if (
      typeof q === 'object' &&
      q !== null &&
      ((typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id !== '')) &&
      typeof q.image_id === 'number' &&
      Number.isFinite(q.image_id) &&
      typeof q.question === 'string'
    ) {
      questions[index] = new Question(String(id), q.image_id, q.question, list, index);
    } else {
      const field = list.at(index);
      const questionId = field.get('question_id').id();
      questions[index] = new Question(questionId, field.get('image_id').number(), field.get('question').string(), list, index);
    }
  }
  const asked = new Map<string, VqaQuestion>();
  for (const q of questions) {
    const first = asked.get(q.questionId);
    if (first) throw new InputError(`${q.where()}: question_id ${q.questionId} is listed twice (first at ${first.where()})`, questionsFile);
    asked.set(q.questionId, q);
  }
  if (annotationsFile === undefined) return questions;

  const annotations = await readVqaAnnotations(annotationsFile);
  for (const q of questions) {
    const a = annotations.get(q.questionId);
    if (!a) {
      throw new InputError(
        `${annotationsFile}: no annotation for question_id ${q.questionId} (asked in ${q.where()}); ` +
          'are the questions and annotations files from the same release and split?',
        annotationsFile,
      );
    }
    const imageId = a.imageId ?? a.field().get('image_id').number();
    if (imageId !== q.imageId)
      a.field().get('image_id').fail(`is ${imageId}, but ${q.where()} asks question ${q.questionId} about image ${q.imageId}`);
    q.answers = a.answers;
    if (a.answerType !== undefined) q.answerType = a.answerType;
    if (a.questionType !== undefined) q.questionType = a.questionType;
  }
  return questions;
}
