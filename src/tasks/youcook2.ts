// YouCook2 (Zhou et al. 2018) segment captioning: cooking videos cut into annotated procedure segments, one sentence
// each. The paper evaluates on val (the validation subset's segments) with demonstrations from train; CIDEr-D. The
// model sees only the segment: its VideoRef carries the annotated start and end.
//
// Release (youcook2.eecs.umich.edu/download): `youcookii_annotations_trainval.json`,
// `{"database": {<youtube id>: {"duration", "subset": "training" | "validation", "recipe_type", "annotations":
// [{"segment": [start, end], "id", "sentence"}], "video_url"}}}`, and the raw videos
// `raw_videos/<subset>/<recipe_type>/<youtube id>.<mp4|mkv|webm>` (found by name at any depth).
import { InputError } from '../core/errors.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, TaskData } from '../core/types.ts';
import { Field, readJsonFile } from '../readers/json.ts';
import { findFile, officialFile } from './kit/official-files.ts';
import { querySplit } from './kit/query-split.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { videoCaptionTask } from './kit/video-captions.ts';
import { MissingVideos, VideoLibrary, videoRef } from './kit/video-files.ts';

const SOURCE = 'http://youcook2.eecs.umich.edu/download';

export const YOUCOOK2_FILES = {
  annotations: officialFile('youcookii_annotations_trainval.json', 'YouCook2 segment annotations (train and val)', SOURCE),
  videos: officialFile('raw_videos', 'YouCook2 raw videos, <subset>/<recipe>/<youtube id>.mp4 (found by name at any depth)', SOURCE),
} satisfies Record<string, OfficialFile>;

/** Annotated times may pass the stated duration by rounding; beyond this many seconds the segment is an error. */
const DURATION_SLACK = 1;

export const youcook2 = videoCaptionTask({
  id: 'youcook2',
  title: 'YouCook2 (segment captioning)',
  splits: { support: 'training', query: 'validation' },
  files: Object.values(YOUCOOK2_FILES),
  load: loadYoucook2,
});

async function loadYoucook2(ctx: LoadContext): Promise<TaskData> {
  querySplit(ctx, 'YouCook2', ['val', 'validation']);
  const dataDir = ctx.dataDir ?? sampleDataDir('youcook2');
  const path = await findFile(dataDir, YOUCOOK2_FILES.annotations);
  const library = await VideoLibrary.open(dataDir);
  const missing = new MissingVideos(library);
  const support: Example<string[]>[] = [];
  const query: Example<string[]>[] = [];
  const database = Field.root(await readJsonFile(path)).get('database');
  const videos = Object.keys(database.object());
  for (const youtubeId of videos) {
    const video = database.get(youtubeId);
    const subsetField = video.get('subset');
    const subset = subsetField.string();
    // The trainval file has only these two; the test subset's annotations are not public.
    if (subset !== 'training' && subset !== 'validation') subsetField.fail('expected "training" or "validation"');
    const duration = video.get('duration').number();
    const namedBy = video.where();
    const file = library.find(youtubeId) ?? missing.add(`${youtubeId}.mp4`, namedBy);
    for (const annotation of video.get('annotations').items()) {
      const segmentField = annotation.get('segment');
      const bounds = segmentField.items().map((b) => b.number());
      if (bounds.length !== 2) segmentField.fail(`expected [start, end], found ${bounds.length} numbers`);
      const [start, end] = bounds as [number, number];
      if (start < 0 || !(end > start)) segmentField.fail(`[${start}, ${end}] is not a segment (0 <= start < end)`);
      if (end > duration + DURATION_SLACK) segmentField.fail(`the segment ends at ${end} s, after the video's duration ${duration} s`);
      const id = `${youtubeId}_${annotation.get('id').id()}`;
      const sentence = annotation.get('sentence').string();
      const example: Example<string[]> = {
        id,
        // Segments of one video never serve as each other's demonstrations.
        group: youtubeId,
        media: [videoRef(`youcook2/${id}`, file, { start, end }, namedBy)],
        fields: {},
        target: sentence,
        reference: [sentence],
      };
      (subset === 'validation' ? query : support).push(example);
    }
  }
  missing.check(videos.length);
  if (query.length === 0) throw new InputError(`${path}: no segments in the validation subset`, path);
  if (support.length === 0) throw new InputError(`${path}: no segments in the training subset`, path);
  return { support: missing.flag(support), query: missing.flag(query), files: [await describeUsedFile('annotations', path)], sample: ctx.dataDir === undefined };
}
