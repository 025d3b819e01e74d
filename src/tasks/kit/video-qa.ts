// What the open-ended video QA tasks share (MSVD-QA, MSRVTT-QA, iVQA, NExT-QA): the paper's QA prompt with the video
// in place of the image ("Question: {q} Answer: {a}"), open_flamingo's VQA post-processing and beam search, and a
// reader of the Xu et al. 2017 question files (MSVD-QA and MSRVTT-QA: `{train,val,test}_qa.json`).
import type { AnswerItem, MetricResult } from '../../metrics/types.ts';
import type { Example, Task, VideoRef } from '../../core/types.ts';
import { VQA_GENERATION } from './generation.ts';
import { Field, readJsonFile } from '../../readers/json.ts';
import { postprocessVqaAnswer, sameVqaAnswer } from './postprocess.ts';
import { scoreAnswerItems } from './task-score.ts';
import { qaTemplates } from './templates.ts';

/** What an open-ended video QA task says about its dataset, its answers and its metric; the rest is the family's. */
export interface VideoQaSpec extends Pick<Task, 'id' | 'title' | 'splits' | 'files' | 'protocolQuerySize' | 'load'> {
  /** New tokens to generate: 5 for one-word answers (as open_flamingo's VQA), more for phrase answers. */
  maxNewTokens: number;
  metric: string;
  scorer(items: AnswerItem[]): MetricResult;
}

/** An open-ended video QA task; examples carry their reference answers (string[]) and optionally a type. */
export function videoQaTask(spec: VideoQaSpec): Task {
  const task: Task = {
    id: spec.id,
    title: spec.title,
    modality: 'video',
    kind: 'generate',
    splits: spec.splits,
    files: spec.files,
    templates: qaTemplates,
    generation: { ...VQA_GENERATION, maxNewTokens: spec.maxNewTokens },
    postprocess: postprocessVqaAnswer,
    normalizeAnswer: sameVqaAnswer,
    metric: spec.metric,
    load: spec.load,
    score: (items) => scoreAnswerItems(items, spec.scorer, spec.metric),
  };
  if (spec.protocolQuerySize !== undefined) task.protocolQuerySize = spec.protocolQuerySize;
  return task;
}

/** One question of a Xu et al. 2017 file (`[{answer, id, question, video_id}]`, MSRVTT-QA adds `category_id`). */
export interface XuQuestion {
  id: string;
  question: string;
  answer: string;
  videoId: string;
  where: () => string;
}

export async function readXuQuestions(path: string): Promise<XuQuestion[]> {
  return Field.root(await readJsonFile(path))
    .items()
    .map((entry) => ({
      id: entry.get('id').id(),
      question: entry.get('question').string(),
      answer: entry.get('answer').string(),
      videoId: entry.get('video_id').id(),
      where: () => `${entry.where()}.video_id`,
    }));
}

/** A Xu et al. 2017 file's questions as examples (one answer each, typed by question word); `video` finds their videos. */
export async function xuExamples(path: string, video: (question: XuQuestion) => VideoRef): Promise<Example<string[]>[]> {
  return (await readXuQuestions(path)).map((q) => qaExample(q.id, video(q), q.question, [q.answer], questionWord(q.question)));
}

/**
 * The question type MSVD-QA and MSRVTT-QA report accuracy by: the first word, one of what, who, how, when, where (the
 * five columns of Xu et al. 2017; just-ask's preproc_msvdqa.py also splits out questions mentioning "color", which
 * the original papers count under "what").
 */
export function questionWord(question: string): string | undefined {
  const first = question.trim().split(/\s+/, 1)[0]?.toLowerCase();
  return first !== undefined && ['what', 'who', 'how', 'when', 'where'].includes(first) ? first : undefined;
}

/** An open-ended QA example about one video. */
export function qaExample(
  id: string,
  video: Example['media'][number],
  question: string,
  answers: string[],
  type?: string,
): Example<string[]> {
  const example: Example<string[]> = {
    id,
    group: video.id,
    media: [video],
    fields: { question },
    // The first listed answer is a demonstration's answer, as open_flamingo does for VQA.
    target: answers[0]!,
    reference: answers,
  };
  if (type !== undefined) example.type = type;
  return example;
}
