// MSRVTT-QA (Xu et al. 2017): open-ended questions generated from MSR-VTT's captions, one answer each. The paper
// evaluates on test (1024 questions under --protocol flamingo) with demonstrations from train; top-1 accuracy after
// normalisation.
//
// Release (github.com/xudejing/video-question-answering): `train_qa.json`, `val_qa.json`, `test_qa.json`, each
// `[{"answer", "category_id", "id", "question", "video_id"}]` with `video_id` the number N of MSR-VTT's
// `video<N>.mp4` (in `TrainValVideo/` or `TestVideo/` of the MSR-VTT release; found at any depth). MSVD-QA publishes
// files of the same names: MSRVTT-QA's are those without MSVD's `youtube_mapping.txt` beside them.
import { InputError } from '../core/errors.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, TaskData } from '../core/types.ts';
import { accuracy } from '../metrics/accuracy.ts';
import { officialFile } from './kit/official-files.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { besideFile, findFileWhere, MissingVideos, VideoLibrary, videoRef } from './kit/video-files.ts';
import { querySplit } from './kit/query-split.ts';
import { videoQaTask, xuExamples } from './kit/video-qa.ts';

const SOURCE = 'https://github.com/xudejing/video-question-answering (MSRVTT-QA)';
const VIDEOS_SOURCE = 'https://www.microsoft.com/en-us/research/publication/msr-vtt-a-large-video-description-dataset-for-bridging-video-and-language/ (MSR-VTT videos)';

export const MSRVTTQA_FILES = {
  train: officialFile('train_qa.json', 'MSRVTT-QA training questions', SOURCE),
  val: officialFile('val_qa.json', 'MSRVTT-QA validation questions', SOURCE),
  test: officialFile('test_qa.json', 'MSRVTT-QA test questions', SOURCE),
  videos: officialFile('video<N>.mp4', 'MSR-VTT videos (TrainValVideo/, TestVideo/), found by name at any depth', VIDEOS_SOURCE),
} satisfies Record<string, OfficialFile>;

export const msrvttqa = videoQaTask({
  id: 'msrvttqa',
  title: 'MSRVTT-QA',
  splits: { support: 'train', query: 'test' },
  files: Object.values(MSRVTTQA_FILES),
  protocolQuerySize: 1024,
  maxNewTokens: 5,
  metric: 'accuracy',
  scorer: accuracy,
  load: loadMsrvttqa,
});

async function loadMsrvttqa(ctx: LoadContext): Promise<TaskData> {
  const split = querySplit(ctx, 'MSRVTT-QA', ['test', 'val']);
  const dataDir = ctx.dataDir ?? sampleDataDir('msrvttqa');
  const notMsvd = besideFile('youtube_mapping.txt', false);
  const trainPath = await findFileWhere(dataDir, MSRVTTQA_FILES.train, notMsvd);
  const queryPath = await findFileWhere(dataDir, split === 'test' ? MSRVTTQA_FILES.test : MSRVTTQA_FILES.val, notMsvd);
  const library = await VideoLibrary.open(dataDir);
  const missing = new MissingVideos(library);
  const support = await examples(trainPath, library, missing);
  const query = await examples(queryPath, library, missing);
  missing.check(support.length + query.length);
  if (query.length === 0) throw new InputError(`${queryPath}: no questions`, queryPath);
  const files = await Promise.all([
    describeUsedFile('train questions', trainPath),
    describeUsedFile(`${split} questions`, queryPath),
  ]);
  return { support: missing.flag(support), query: missing.flag(query), files, sample: ctx.dataDir === undefined };
}

function examples(path: string, library: VideoLibrary, missing: MissingVideos): Promise<Example<string[]>[]> {
  return xuExamples(path, (q) => {
    if (!/^\d+$/.test(q.videoId)) throw new InputError(`${q.where()}: expected the number N of video<N>, found ${JSON.stringify(q.videoId)}`, path);
    const name = `video${q.videoId}`;
    const namedBy = q.where();
    return videoRef(`msrvtt/${name}`, library.find(name) ?? missing.add(`${name}.mp4`, namedBy), undefined, namedBy);
  });
}
