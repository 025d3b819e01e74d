// MSVD-QA (Xu et al. 2017, "Video Question Answering via Gradually Refined Attention over Appearance and Motion"):
// open-ended questions generated from MSVD's captions, one answer each. The paper evaluates on test (1024 questions
// under --protocol flamingo) with demonstrations from train; top-1 accuracy after normalisation.
//
// Release (github.com/xudejing/video-question-answering): `train_qa.json`, `val_qa.json`, `test_qa.json`, each
// `[{"answer", "id", "question", "video_id"}]` with `video_id` the number N of MSVD video "vidN", and
// `youtube_mapping.txt`, one "<clip name> vid<N>" a line; the clips are MSVD's `YouTubeClips/<clip name>.avi`.
// MSRVTT-QA publishes files of the same names: MSVD-QA's are the ones beside `youtube_mapping.txt`.
import { readFile } from 'node:fs/promises';
import { refuseOutside } from '../core/dataset-paths.ts';
import { InputError } from '../core/errors.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, TaskData } from '../core/types.ts';
import { accuracy } from '../metrics/accuracy.ts';
import { findFile, officialFile } from './kit/official-files.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { besideFile, findFileWhere, MissingVideos, VideoLibrary, videoRef } from './kit/video-files.ts';
import { querySplit } from './kit/query-split.ts';
import { videoQaTask, xuExamples } from './kit/video-qa.ts';

const SOURCE = 'https://github.com/xudejing/video-question-answering (MSVD-QA)';
const CLIPS_SOURCE = 'https://www.cs.utexas.edu/users/ml/clamp/videoDescription/YouTubeClips.tar';

export const MSVDQA_FILES = {
  train: officialFile('train_qa.json', 'MSVD-QA training questions', SOURCE),
  val: officialFile('val_qa.json', 'MSVD-QA validation questions', SOURCE),
  test: officialFile('test_qa.json', 'MSVD-QA test questions', SOURCE),
  mapping: officialFile('youtube_mapping.txt', 'MSVD clip name of each video id ("<clip> vid<N>")', SOURCE),
  clips: officialFile('YouTubeClips', 'MSVD video clips, <clip name>.avi (any folder under --data)', CLIPS_SOURCE),
} satisfies Record<string, OfficialFile>;

export const msvdqa = videoQaTask({
  id: 'msvdqa',
  title: 'MSVD-QA',
  splits: { support: 'train', query: 'test' },
  files: Object.values(MSVDQA_FILES),
  protocolQuerySize: 1024,
  maxNewTokens: 5,
  metric: 'accuracy',
  scorer: accuracy,
  load: loadMsvdqa,
});

async function loadMsvdqa(ctx: LoadContext): Promise<TaskData> {
  const split = querySplit(ctx, 'MSVD-QA', ['test', 'val']);
  const dataDir = ctx.dataDir ?? sampleDataDir('msvdqa');
  const mappingPath = await findFile(dataDir, MSVDQA_FILES.mapping);
  const beside = besideFile(MSVDQA_FILES.mapping.name);
  const trainPath = await findFileWhere(dataDir, MSVDQA_FILES.train, beside);
  const queryPath = await findFileWhere(dataDir, split === 'test' ? MSVDQA_FILES.test : MSVDQA_FILES.val, beside);
  const clips = await readYoutubeMapping(mappingPath);
  const library = await VideoLibrary.open(dataDir);
  const missing = new MissingVideos(library);
  const support = await examples(trainPath, clips, mappingPath, library, missing);
  const query = await examples(queryPath, clips, mappingPath, library, missing);
  missing.check(support.length + query.length);
  if (query.length === 0) throw new InputError(`${queryPath}: no questions`, queryPath);
  const files = await Promise.all([
    describeUsedFile('train questions', trainPath),
    describeUsedFile(`${split} questions`, queryPath),
    describeUsedFile('youtube mapping', mappingPath),
  ]);
  return { support: missing.flag(support), query: missing.flag(query), files, sample: ctx.dataDir === undefined };
}

/** youtube_mapping.txt: video id N -> clip name. */
export async function readYoutubeMapping(path: string): Promise<Map<string, string>> {
  const text = await readFile(path, 'utf8').catch((error: Error) => {
    throw new InputError(`${path}: cannot read (${error.message})`, path);
  });
  const clips = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const match = /^(\S+)\s+vid(\d+)$/.exec(line.trim());
    if (!match) throw new InputError(`${path}:${i + 1}: expected "<clip name> vid<N>", found ${JSON.stringify(line)}`, path);
    if (clips.has(match[2]!)) throw new InputError(`${path}:${i + 1}: vid${match[2]} is listed twice`, path);
    refuseOutside(match[1]!, `${path}:${i + 1}: clip name`);
    clips.set(match[2]!, match[1]!);
  });
  if (clips.size === 0) throw new InputError(`${path}: no clips listed`, path);
  return clips;
}

function examples(
  path: string,
  clips: Map<string, string>,
  mappingPath: string,
  library: VideoLibrary,
  missing: MissingVideos,
): Promise<Example<string[]>[]> {
  return xuExamples(path, (q) => {
    const clip = clips.get(q.videoId);
    if (clip === undefined) throw new InputError(`${q.where()}: video ${q.videoId} (vid${q.videoId}) is not in ${mappingPath}`, path);
    const namedBy = q.where();
    return videoRef(`msvd/${clip}`, library.find(clip) ?? missing.add(`${clip}.avi`, namedBy), undefined, namedBy);
  });
}
