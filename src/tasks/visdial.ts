// Visual Dialog v1.0 (Das et al. 2017), as Flamingo evaluates it: close-ended. For each val image, the round with dense
// annotations is the query: its 100 candidate answers are ranked by log-likelihood after a prompt holding the image,
// the caption (no template), the earlier rounds as question/answer pairs and the round's question; NDCG against the
// dense relevances (`visdialNdcg`). Demonstrations are train dialogues. The paper caps VisDial at 16 shots: longer
// prompts exceed the context the model was trained on.
import { InputError, UsageError } from '../core/errors.ts';
import { describeUsedFile, findOfficialFile } from '../core/data-files.ts';
import { hashKey } from '../core/random.ts';
import type { Example, LoadContext, OfficialFile, PromptTemplates, ScoredItem, Task, TaskData } from '../core/types.ts';
import { visdialNdcg } from '../metrics/ndcg.ts';
import { Field, readJsonFile, readJsonFileWithoutNumberLists, type JsonDocument } from '../readers/json.ts';
import { ImageFolder, MissingImages } from './kit/images.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { toTaskScore } from './kit/task-score.ts';
import { textTemplates } from './kit/templates.ts';
import { cocoImageFile } from './kit/coco-images.ts';

const VISDIAL_SOURCE = 'https://visualdialog.org/data';

export const VISDIAL_FILES = {
  train: file('visdial_1.0_train.json', 'VisDial v1.0 training dialogues (demonstrations)', VISDIAL_SOURCE),
  val: file('visdial_1.0_val.json', 'VisDial v1.0 validation dialogues', VISDIAL_SOURCE),
  dense: file('visdial_1.0_val_dense_annotations.json', 'VisDial v1.0 validation dense annotations (relevance of the 100 answers)', VISDIAL_SOURCE),
  valImages: file('VisualDialog_val2018', 'VisDial v1.0 validation images (folder)', VISDIAL_SOURCE),
  // VisDial v1.0 train dialogues are about COCO 2014 train and val images (123,287 of them).
  trainImages: file('train2014', 'COCO 2014 training images (folder), for train dialogues', 'http://images.cocodataset.org/zips/train2014.zip'),
  cocoValImages: file('val2014', 'COCO 2014 validation images (folder), for train dialogues', 'http://images.cocodataset.org/zips/val2014.zip'),
} satisfies Record<string, OfficialFile>;

function file(name: string, description: string, source: string): OfficialFile {
  return { name, description, source, required: true };
}

/** The paper's limit: with more shots the dialogue prompts exceed the trained context length. */
export const VISDIAL_MAX_SHOTS = 16;

/** `fields`: caption, the round's question, `rounds` (how many earlier rounds) and `question_<i>` / `answer_<i>`. */
function dialogueText(example: Example, qa: (question: string, answer?: string) => string, answer?: string): string {
  const f = example.fields;
  const earlier = Number(f.rounds ?? 0);
  const parts = [f.caption ?? ''];
  for (let i = 1; i <= earlier; i++) parts.push(qa(f[`question_${i}`] ?? '', f[`answer_${i}`] ?? ''));
  parts.push(qa(f.question ?? '', answer));
  return parts.join(' ');
}

/**
 * Paper: caption, then `Question: {q} Answer: {a}` per earlier round, then `Question: {q} Answer:`; the open_flamingo
 * variant uses its VQA wording (`Question:{q} Short answer:{a}`), as open_flamingo has no VisDial prompt.
 */
export const visdialTemplates: Record<string, PromptTemplates> = {
  paper: {
    ...textTemplates((e, target) =>
      dialogueText(e, (q, a) => (a === undefined ? `Question: ${q} Answer:` : `Question: ${q} Answer: ${a}`), target),
    ),
    candidatePrefix: ' ',
  },
  openflamingo: {
    ...textTemplates((e, target) => dialogueText(e, (q, a) => `Question:${q} Short answer:${a ?? ''}`, target)),
    candidatePrefix: '',
  },
};

export const visdial: Task = {
  id: 'visdial',
  title: 'VisDial v1.0 (val, dense rounds)',
  modality: 'image',
  kind: 'rank',
  splits: { support: 'train', query: 'val' },
  files: Object.values(VISDIAL_FILES),
  maxShots: VISDIAL_MAX_SHOTS,
  templates: visdialTemplates,
  generation: { maxNewTokens: 1, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true },
  // The paper does not say; answers run from one word to a sentence, and summed log-likelihoods would rank the
  // shortest first whatever they say, so answers are compared by their mean token log-likelihood.
  lengthNormalize: true,
  postprocess: (raw) => raw.trim(),
  metric: 'ndcg',
  load: loadVisdial,
  score(items: ScoredItem[]) {
    const result = visdialNdcg(
      items.map((item) => {
        if (!item.scores) throw new InputError(`visdial: round ${item.example.id} has no candidate scores`);
        return { id: item.example.id, scores: item.scores, relevance: item.example.reference as number[] };
      }),
    );
    return toTaskScore(result, 'ndcg', 'mean');
  },
};

async function loadVisdial(ctx: LoadContext): Promise<TaskData> {
  if (ctx.split !== undefined && ctx.split !== 'val')
    throw new UsageError(`--split ${ctx.split}: VisDial is evaluated on "val" (only it has public dense annotations)`);
  const dataDir = ctx.dataDir ?? sampleDataDir('visdial');
  const find = (f: OfficialFile) => findOfficialFile(dataDir, f.name, { source: f.source, description: f.description });
  const paths = { train: await find(VISDIAL_FILES.train), val: await find(VISDIAL_FILES.val), dense: await find(VISDIAL_FILES.dense) };
  const valImages = await ImageFolder.find(dataDir, VISDIAL_FILES.valImages);
  const train2014 = await ImageFolder.find(dataDir, VISDIAL_FILES.trainImages);
  const val2014 = await ImageFolder.find(dataDir, VISDIAL_FILES.cocoValImages);
  const missing = new MissingImages();

  const train = readDialogues(await readJsonFileWithoutNumberLists(paths.train, 'answer_options'), false);
  const support: Example<null>[] = train.dialogues.map((d) => {
    // One demonstration per training dialogue, at a round fixed by its image id: 123k demonstrations, not 1.2M.
    const round = hashKey('visdial-demonstration-round', d.imageId) % d.rounds.length;
    const fileName = (folder: ImageFolder) => cocoImageFile(folder.name, d.imageId);
    const folder = train2014.has(fileName(train2014)) ? train2014 : val2014.has(fileName(val2014)) ? val2014 : train2014;
    return {
      id: String(d.imageId),
      media: [folder.image(fileName(folder), missing, () => `${d.where}.image_id (in train2014/ or val2014/)`)],
      fields: dialogueFields(train, d, round),
      target: train.answer(answerOf(d, round, paths.train), `${d.where}.dialog[${round}].answer`),
      reference: null,
    };
  });

  const val = readDialogues(await readJsonFile(paths.val), true);
  const byImage = new Map(val.dialogues.map((d) => [d.imageId, d]));
  const query: Example<number[]>[] = [];
  const seen = new Set<string>();
  for (const annotation of Field.root(await readJsonFile(paths.dense)).items()) {
    const imageId = Number(annotation.get('image_id').id());
    const dialogue = byImage.get(imageId);
    if (!dialogue) annotation.get('image_id').fail(`no dialogue for image ${imageId} in ${paths.val}`);
    const roundField = annotation.get('round_id');
    const roundId = roundField.number();
    if (!Number.isInteger(roundId) || roundId < 1 || roundId > dialogue!.rounds.length)
      roundField.fail(`expected a round of the dialogue, 1 to ${dialogue!.rounds.length}; found ${roundId}`);
    const id = `${imageId}_${roundId}`;
    if (seen.has(id)) roundField.fail(`round ${roundId} of image ${imageId} is annotated twice`);
    seen.add(id);
    const round = dialogue!.rounds[roundId - 1]!;
    const relevanceField = annotation.get('gt_relevance');
    const relevance = relevanceField.items().map((r) => r.number());
    if (relevance.length !== round.options.length)
      relevanceField.fail(`has ${relevance.length} values for the round's ${round.options.length} answer options`);
    if (!relevance.some((r) => r > 0)) relevanceField.fail('no answer is relevant (all zero): NDCG is undefined');
    query.push({
      id,
      media: [valImages.image(`VisualDialog_val2018_${String(imageId).padStart(12, '0')}.jpg`, missing, () => `${dialogue!.where}.image_id`)],
      fields: dialogueFields(val, dialogue!, roundId - 1),
      target: round.answer === undefined ? '' : val.answer(round.answer, `${dialogue!.where}.dialog[${roundId - 1}].answer`),
      reference: relevance,
      candidates: round.options.map((option, k) => val.answer(option, `${dialogue!.where}.dialog[${roundId - 1}].answer_options[${k}]`)),
    });
  }
  missing.check();
  if (query.length === 0) throw new InputError(`${paths.dense}: no annotated rounds`, paths.dense);
  if (support.length === 0) throw new InputError(`${paths.train}: no dialogues`, paths.train);

  const files = await Promise.all([
    describeUsedFile('train dialogues', paths.train),
    describeUsedFile('val dialogues', paths.val),
    describeUsedFile('val dense annotations', paths.dense),
    describeUsedFile('val images', valImages.path),
    describeUsedFile('train2014 images', train2014.path),
    describeUsedFile('val2014 images', val2014.path),
  ]);
  return { support, query, files, sample: ctx.dataDir === undefined };
}

interface Round {
  question: number;
  /** Absent in test files (the last round is unanswered). */
  answer?: number;
  options: number[];
}

interface Dialogue {
  imageId: number;
  caption: string;
  rounds: Round[];
  where: string;
}

interface DialogueFile {
  dialogues: Dialogue[];
  question(index: number, where: string): string;
  answer(index: number, where: string): string;
}

/** A dialogues file: `{"data": {"dialogs": [{image_id, caption, dialog: [rounds]}], "questions", "answers"}}`. */
function readDialogues(doc: JsonDocument, keepOptions: boolean): DialogueFile {
  const data = Field.root(doc).get('data');
  const questions = data.get('questions').items().map((q) => q.string());
  const answers = data.get('answers').items().map((a) => a.string());
  const lookup = (list: string[], kind: string) => (index: number, where: string) => {
    const text = list[index];
    if (text === undefined) throw new InputError(`${where}: ${kind} index ${index} is not in data.${kind}s (${list.length} of them)`, doc.file);
    return text;
  };
  const dialogues = data.get('dialogs').items().map((dialog): Dialogue => {
    const imageId = Number(dialog.get('image_id').id());
    if (!Number.isInteger(imageId)) dialog.get('image_id').fail('expected an integer image id');
    const rounds = dialog.get('dialog').items().map((round): Round => {
      const options = keepOptions && round.has('answer_options') ? round.get('answer_options').items().map((o) => o.number()) : [];
      const r: Round = { question: round.get('question').number(), options };
      if (round.has('answer')) r.answer = round.get('answer').number();
      return r;
    });
    if (rounds.length === 0) dialog.get('dialog').fail('no rounds');
    return { imageId, caption: dialog.get('caption').string(), rounds, where: dialog.where() };
  });
  return { dialogues, question: lookup(questions, 'question'), answer: lookup(answers, 'answer') };
}

function answerOf(d: Dialogue, index: number, path: string): number {
  const answer = d.rounds[index]!.answer;
  if (answer === undefined) throw new InputError(`${d.where}.dialog[${index}]: no "answer" (a test file?)`, path);
  return answer;
}

/** The template fields of round `index` (0-based) of a dialogue: its caption, the rounds before it, its question. */
function dialogueFields(file: DialogueFile, d: Dialogue, index: number): Record<string, string> {
  const round = (i: number) => `${d.where}.dialog[${i}]`;
  const fields: Record<string, string> = {
    caption: d.caption,
    rounds: String(index),
    question: asQuestion(file.question(d.rounds[index]!.question, `${round(index)}.question`)),
  };
  for (let i = 0; i < index; i++) {
    const r = d.rounds[i]!;
    if (r.answer === undefined) throw new InputError(`${round(i)}: an earlier round has no "answer"`);
    fields[`question_${i + 1}`] = asQuestion(file.question(r.question, `${round(i)}.question`));
    fields[`answer_${i + 1}`] = file.answer(r.answer, `${round(i)}.answer`);
  }
  return fields;
}

/** VisDial stores questions without their question mark (the starter code adds it back). */
function asQuestion(text: string): string {
  const trimmed = text.trim();
  return trimmed.endsWith('?') ? trimmed : `${trimmed}?`;
}
