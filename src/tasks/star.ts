// STAR (Wu et al. 2021, "STAR: A Benchmark for Situated Reasoning in Real-World Videos"): multiple-choice questions
// (interaction, sequence, prediction, feasibility) about segments of Charades videos, four options each. Each option
// is ranked by its log-likelihood after "Question: {q} Answer:"; top-1 accuracy, per question type beside it.
// Demonstrations come from train and show the right option as the answer. The query split is val: the test file
// (STAR_test.json) publishes no answers (its scores come from the STAR challenge server).
//
// Release (bobbywu.com/STAR, Question_Answer_SituationGraph/): `STAR_train.json`, `STAR_val.json`,
// `[{"question_id": "Interaction_T1_13", "question", "video_id", "start", "end", "answer",
// "choices": [{"choice_id", "choice"}], ...}]`; the videos are Charades' `<video_id>.mp4` (Charades_v1_480/), read
// from start to end.
import { InputError } from '../core/errors.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, ScoredItem, Task, TaskData } from '../core/types.ts';
import { accuracy } from '../metrics/accuracy.ts';
import { RANKING_GENERATION } from './kit/generation.ts';
import { Field, readJsonFile } from '../readers/json.ts';
import { findFile, officialFile } from './kit/official-files.ts';
import { querySplit } from './kit/query-split.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { answerItem, toTaskScore } from './kit/task-score.ts';
import { qaTemplates, rankingTemplates } from './kit/templates.ts';
import { MissingVideos, VideoLibrary, videoRef } from './kit/video-files.ts';

const SOURCE = 'https://bobbywu.com/STAR/ (Question_Answer_SituationGraph)';
const VIDEOS_SOURCE = 'https://prior.allenai.org/projects/charades (Charades_v1_480)';

export const STAR_FILES = {
  train: officialFile('STAR_train.json', 'STAR training questions', SOURCE),
  val: officialFile('STAR_val.json', 'STAR validation questions', SOURCE),
  videos: officialFile('Charades_v1_480', 'Charades videos, <video_id>.mp4 (found by name at any depth)', VIDEOS_SOURCE),
} satisfies Record<string, OfficialFile>;

export const star: Task = {
  id: 'star',
  title: 'STAR (multiple choice)',
  modality: 'video',
  kind: 'rank',
  splits: { support: 'train', query: 'val' },
  files: Object.values(STAR_FILES),
  protocolQuerySize: 1024,
  templates: rankingTemplates(qaTemplates),
  generation: RANKING_GENERATION,
  // Options run from one word to a sentence; a sum of log-probabilities would favour the shortest.
  lengthNormalize: true,
  postprocess: (raw) => raw.trim(),
  metric: 'accuracy',
  load: loadStar,
  score(items: ScoredItem[]) {
    // The reference is the one right option.
    return toTaskScore(accuracy(items.map((item) => answerItem(item, [item.example.reference as string]))), 'accuracy', 'mean');
  },
};

async function loadStar(ctx: LoadContext): Promise<TaskData> {
  querySplit(ctx, 'STAR', ['val']);
  const dataDir = ctx.dataDir ?? sampleDataDir('star');
  const trainPath = await findFile(dataDir, STAR_FILES.train);
  const valPath = await findFile(dataDir, STAR_FILES.val);
  const library = await VideoLibrary.open(dataDir);
  const missing = new MissingVideos(library);
  const support = await examples(trainPath, library, missing);
  const query = await examples(valPath, library, missing);
  missing.check(support.length + query.length);
  if (query.length === 0) throw new InputError(`${valPath}: no questions`, valPath);
  const files = await Promise.all([describeUsedFile('train questions', trainPath), describeUsedFile('val questions', valPath)]);
  return { support: missing.flag(support), query: missing.flag(query), files, sample: ctx.dataDir === undefined };
}

async function examples(path: string, library: VideoLibrary, missing: MissingVideos): Promise<Example<string>[]> {
  const out: Example<string>[] = [];
  const seen = new Set<string>();
  for (const entry of Field.root(await readJsonFile(path)).items()) {
    const idField = entry.get('question_id');
    const id = idField.string();
    if (seen.has(id)) idField.fail(`question ${id} is listed twice`);
    seen.add(id);
    const videoField = entry.get('video_id');
    const videoId = videoField.string();
    const start = entry.get('start').number();
    const endField = entry.get('end');
    const end = endField.number();
    if (start < 0 || !(end > start)) endField.fail(`[${start}, ${end}] is not a segment (0 <= start < end)`);
    const choicesField = entry.get('choices');
    const choices = choicesField.items().map((c) => c.get('choice').string());
    if (choices.length < 2) choicesField.fail(`expected the options to choose from, found ${choices.length}`);
    const answerField = entry.get('answer');
    const answer = answerField.string();
    if (!choices.includes(answer)) answerField.fail(`the answer ${JSON.stringify(answer)} is not one of the choices`);
    const namedBy = videoField.where();
    const file = library.find(videoId) ?? missing.add(`${videoId}.mp4`, namedBy);
    const type = /^([A-Za-z]+)_/.exec(id)?.[1];
    const example: Example<string> = {
      id,
      group: videoId,
      media: [videoRef(`star/${videoId}_${start}_${end}`, file, { start, end }, namedBy)],
      fields: { question: entry.get('question').string() },
      target: answer,
      reference: answer,
      candidates: choices,
    };
    if (type !== undefined) example.type = type;
    out.push(example);
  }
  return out;
}
