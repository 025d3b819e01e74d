// iVQA (Yang et al. 2021, "Just Ask"): open-ended questions about instructional YouTube clips, five human answers
// each. The paper evaluates on test (1024 questions under --protocol flamingo) with demonstrations from train; iVQA
// accuracy (min(1, #annotators who gave the answer / 2)).
//
// Release (antoyang/just-ask, the iVQA folder): `train.csv`, `val.csv`, `test.csv` with columns `video_id` (the
// YouTube id), `question`, `answer1` .. `answer5` (just-ask's loader reads these, and `type`), and the clips, cut and
// named `<video_id>_<start>_<end>.<ext>` (just-ask's annotation pages show `YfI6bsAbRFE_8_16.webm`; its feature
// merger keys a file by its first 11 characters). A clip is found by that prefix and read whole; when the CSV also
// has `start` and `end` columns and the folder holds the whole YouTube video `<video_id>.<ext>`, that video is read
// from start to end. The CSV names are generic (NExT-QA and Kinetics publish a train.csv too): iVQA's are the ones
// whose header has answer1 .. answer5.
import { InputError } from '../core/errors.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, TaskData } from '../core/types.ts';
import { ivqaAccuracy } from '../metrics/ivqa-accuracy.ts';
import { readCsv, segmentOf } from '../readers/csv.ts';
import { officialFile } from './kit/official-files.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { findFileWhere, hasColumns, MissingVideos, VideoLibrary, videoRef } from './kit/video-files.ts';
import { querySplit } from './kit/query-split.ts';
import { qaExample, videoQaTask } from './kit/video-qa.ts';

const SOURCE = 'https://github.com/antoyang/just-ask (iVQA: Google Drive folder linked from its README)';

export const IVQA_COLUMNS = ['video_id', 'question', 'answer1', 'answer2', 'answer3', 'answer4', 'answer5'] as const;

export const IVQA_FILES = {
  train: officialFile('train.csv', 'iVQA training questions (header with answer1..answer5)', SOURCE),
  val: officialFile('val.csv', 'iVQA validation questions', SOURCE),
  test: officialFile('test.csv', 'iVQA test questions', SOURCE),
  videos: officialFile('video', 'iVQA clips, <video_id>_<start>_<end>.<ext> (or whole videos <video_id>.<ext>), found by name at any depth', SOURCE),
} satisfies Record<string, OfficialFile>;

export const ivqa = videoQaTask({
  id: 'ivqa',
  title: 'iVQA',
  splits: { support: 'train', query: 'test' },
  files: Object.values(IVQA_FILES),
  protocolQuerySize: 1024,
  maxNewTokens: 5,
  metric: 'ivqa_accuracy',
  scorer: ivqaAccuracy,
  load: loadIvqa,
});

async function loadIvqa(ctx: LoadContext): Promise<TaskData> {
  const split = querySplit(ctx, 'iVQA', ['test', 'val']);
  const dataDir = ctx.dataDir ?? sampleDataDir('ivqa');
  const isIvqa = hasColumns(IVQA_COLUMNS);
  const trainPath = await findFileWhere(dataDir, IVQA_FILES.train, isIvqa);
  const queryPath = await findFileWhere(dataDir, split === 'test' ? IVQA_FILES.test : IVQA_FILES.val, isIvqa);
  const library = await VideoLibrary.open(dataDir);
  const missing = new MissingVideos(library);
  const support = examples(trainPath, library, missing, false);
  const query = examples(queryPath, library, missing, true);
  missing.check(support.length + query.length);
  if (query.length === 0) throw new InputError(`${queryPath}: no questions`, queryPath);
  const files = await Promise.all([
    describeUsedFile('train questions', trainPath),
    describeUsedFile(`${split} questions`, queryPath),
  ]);
  return { support: missing.flag(support), query: missing.flag(query), files, sample: ctx.dataDir === undefined };
}

function examples(path: string, library: VideoLibrary, missing: MissingVideos, query: boolean): Example<string[]>[] {
  const out: Example<string[]>[] = [];
  const seen = new Set<string>();
  for (const row of readCsv(path, IVQA_COLUMNS)) {
    const videoId = row.text('video_id');
    const segment = row.optional('start') !== undefined || row.optional('end') !== undefined ? segmentOf(row, 'start', 'end') : undefined;
    const answers = [1, 2, 3, 4, 5].map((k) => row.text(`answer${k}`));
    const clips = library.stemsStartingWith(`${videoId}_`);
    const whole = library.find(videoId);
    // The release has no question id and one question per clip, so the clip names the question.
    let id = segment ? `${videoId}_${segment.start}_${segment.end}` : (clips[0] ?? videoId);
    if (seen.has(id)) {
      if (query) row.fail('video_id', `a second question on clip ${id}`);
      id = `${id}@${row.line}`;
    }
    seen.add(id);
    const namedBy = row.where('video_id');
    let video;
    if (clips.length > 1) {
      const named = segment ? clips.find((c) => c === `${videoId}_${segment.start}_${segment.end}`) : undefined;
      if (!named) {
        throw new InputError(`${namedBy}: ${clips.length} clips of ${videoId} under ${library.root} (${clips.join(', ')}); keep one`, path);
      }
      video = videoRef(`ivqa/${named}`, library.find(named)!, undefined, namedBy);
    } else if (clips.length === 1) video = videoRef(`ivqa/${clips[0]}`, library.find(clips[0]!)!, undefined, namedBy);
    else if (whole !== undefined) video = videoRef(`ivqa/${id}`, whole, segment, namedBy);
    else {
      const expected = segment ? `${videoId}_${segment.start}_${segment.end}.mp4` : `${videoId}.mp4`;
      video = videoRef(`ivqa/${id}`, missing.add(expected, namedBy), undefined, namedBy);
    }
    out.push(qaExample(id, video, row.text('question'), answers, row.optional('type')));
  }
  return out;
}
