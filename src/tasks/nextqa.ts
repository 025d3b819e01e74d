// NExT-QA open-ended (Xiao et al. 2021; the NExT-OE release): causal, temporal and descriptive questions about
// everyday videos, answered with a short phrase. The paper evaluates on test (1024 questions under --protocol
// flamingo) with demonstrations from train; WUPS (metrics/wups.ts, the official eval_oe.py), headline WUPS@0.0.
//
// Release (github.com/doc-doc/NExT-OE, dataset/nextqa/): `train.csv`, `val.csv`, `test.csv` with columns
// `video,frame_count,width,height,question,answer,qid,type` (a question is video + qid; type CW, CH, TN, TP, TC, DL,
// DB, DC, DO), `add_reference_answer_test.json` (`{video: {qid: answer}}`, a second reference answer for test
// questions, optional) and `map_vid_vidorID.json` (`{video: "<folder>/<video>"}`, the place of `<video>.mp4` in
// NExT-QA's `NExTVideo/`). NExT-QA's multiple-choice release has CSVs of the same names: the open-ended ones have no
// `a0` column. iVQA and Kinetics also publish a train.csv; their headers differ. Checked on the published CSVs: 37,523
// train, 5,343 val and 9,178 test questions; 4,632 test questions have an additional answer.
import { refuseOutside } from '../core/dataset-paths.ts';
import { InputError } from '../core/errors.ts';
import { describeUsedFile, findOptionalFile } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, TaskData } from '../core/types.ts';
import { wups } from '../metrics/wups.ts';
import { readCsv } from '../readers/csv.ts';
import { Field, readJsonFile } from '../readers/json.ts';
import { findFile, officialFile } from './kit/official-files.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { findFileWhere, hasColumns, MissingVideos, VideoLibrary, videoRef } from './kit/video-files.ts';
import { querySplit } from './kit/query-split.ts';
import { qaExample, videoQaTask } from './kit/video-qa.ts';

const SOURCE = 'https://github.com/doc-doc/NExT-OE (dataset/nextqa/)';
const VIDEOS_SOURCE = 'https://github.com/doc-doc/NExT-QA (NExTVideo, linked from its README)';

export const NEXTQA_COLUMNS = ['video', 'question', 'answer', 'qid', 'type'] as const;

export const NEXTQA_FILES = {
  train: officialFile('train.csv', 'NExT-OE training questions', SOURCE),
  val: officialFile('val.csv', 'NExT-OE validation questions', SOURCE),
  test: officialFile('test.csv', 'NExT-OE test questions', SOURCE),
  extraAnswers: officialFile('add_reference_answer_test.json', 'a second reference answer per test question', SOURCE, false),
  videoMap: officialFile('map_vid_vidorID.json', 'folder of each video in NExTVideo/', VIDEOS_SOURCE),
  videos: officialFile('NExTVideo', 'NExT-QA videos, <folder>/<video>.mp4 (found by name at any depth)', VIDEOS_SOURCE),
} satisfies Record<string, OfficialFile>;

export const nextqa = videoQaTask({
  id: 'nextqa',
  title: 'NExT-QA (open-ended)',
  splits: { support: 'train', query: 'test' },
  files: Object.values(NEXTQA_FILES),
  protocolQuerySize: 1024,
  // Answers are phrases ("hit the air", "in case food fall"), longer than VQA's one word.
  maxNewTokens: 10,
  metric: 'wups_0',
  scorer: (items) => wups(items),
  load: loadNextqa,
});

function isOpenEnded(path: string): string | undefined {
  const why = hasColumns(NEXTQA_COLUMNS)(path);
  if (why !== undefined) return why;
  return hasColumns(['a0'])(path) === undefined ? 'it is the multiple-choice release (a0..a4 columns)' : undefined;
}

async function loadNextqa(ctx: LoadContext): Promise<TaskData> {
  const split = querySplit(ctx, 'NExT-QA', ['test', 'val']);
  const dataDir = ctx.dataDir ?? sampleDataDir('nextqa');
  const trainPath = await findFileWhere(dataDir, NEXTQA_FILES.train, isOpenEnded);
  const queryPath = await findFileWhere(dataDir, split === 'test' ? NEXTQA_FILES.test : NEXTQA_FILES.val, isOpenEnded);
  const mapPath = await findFile(dataDir, NEXTQA_FILES.videoMap);
  const extraPath = split === 'test' ? await findOptionalFile(dataDir, NEXTQA_FILES.extraAnswers.name) : undefined;
  const videoMap = await readVideoMap(mapPath);
  const extra = extraPath ? await readExtraAnswers(extraPath) : new Map<string, string>();
  const library = await VideoLibrary.open(dataDir);
  const missing = new MissingVideos(library);
  const support = examples(trainPath, videoMap, mapPath, new Map(), library, missing, false);
  const query = examples(queryPath, videoMap, mapPath, extra, library, missing, true);
  missing.check(support.length + query.length);
  if (query.length === 0) throw new InputError(`${queryPath}: no questions`, queryPath);
  const files = await Promise.all([
    describeUsedFile('train questions', trainPath),
    describeUsedFile(`${split} questions`, queryPath),
    describeUsedFile('video map', mapPath),
    ...(extraPath ? [describeUsedFile('additional reference answers', extraPath)] : []),
  ]);
  return { support: missing.flag(support), query: missing.flag(query), files, sample: ctx.dataDir === undefined };
}

async function readVideoMap(path: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  const root = Field.root(await readJsonFile(path));
  for (const video of Object.keys(root.object())) {
    const place = root.get(video).string();
    if (!/^[^/\\]+\/[^/\\]+$/.test(place)) root.get(video).fail(`expected "<folder>/<video>", found ${JSON.stringify(place)}`);
    refuseOutside(place, () => root.get(video).where());
    map.set(video, place);
  }
  return map;
}

/** add_reference_answer_test.json: "<video>_<qid>" -> the additional answer. */
async function readExtraAnswers(path: string): Promise<Map<string, string>> {
  const answers = new Map<string, string>();
  const root = Field.root(await readJsonFile(path));
  for (const video of Object.keys(root.object())) {
    const byQid = root.get(video);
    for (const qid of Object.keys(byQid.object())) answers.set(`${video}_${qid}`, byQid.get(qid).string());
  }
  return answers;
}

function examples(
  path: string,
  videoMap: Map<string, string>,
  mapPath: string,
  extra: Map<string, string>,
  library: VideoLibrary,
  missing: MissingVideos,
  query: boolean,
): Example<string[]>[] {
  const out: Example<string[]>[] = [];
  const seen = new Set<string>();
  for (const row of readCsv(path, NEXTQA_COLUMNS)) {
    const video = row.text('video');
    let id = `${video}_${row.text('qid')}`;
    if (seen.has(id)) {
      // Scores are keyed by video_qid (eval_oe.py), so a query id must be unique. The official train.csv repeats
      // three (video, qid) pairs with different questions: a demonstration keeps them, named by their line.
      if (query) row.fail('qid', `question ${id} is listed twice`);
      id = `${id}@${row.line}`;
    }
    seen.add(id);
    const place = videoMap.get(video);
    if (place === undefined) row.fail('video', `video ${video} is not in ${mapPath}`);
    const namedBy = row.where('video');
    const file = library.find(video) ?? missing.add(`${place}.mp4`, namedBy);
    const answers = [row.text('answer')];
    const additional = extra.get(id);
    if (additional !== undefined) answers.push(additional);
    out.push(qaExample(id, videoRef(`nextqa/${place}`, file, undefined, namedBy), row.text('question'), answers, row.text('type')));
  }
  return out;
}
