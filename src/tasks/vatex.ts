// VATEX (Wang et al. 2019) English captioning: 10-second clips of YouTube videos with ten English captions each. The
// paper evaluates on test (1024 clips under --protocol flamingo) with demonstrations from train; CIDEr-D.
//
// Release (eric-xw.github.io/vatex-website/download.html): `vatex_training_v1.0.json`, `vatex_validation_v1.0.json`
// (`[{"videoID", "enCap": [10], "chCap": [10]}]`) and the public test set with English captions,
// `vatex_public_test_english_v1.1.json` (`[{"videoID", "enCap": [10]}]`). `videoID` is `<youtube id>_<start>_<end>`
// with six-digit seconds ("Ptf_2VRj-V0_000122_000132"). VATEX publishes no videos: a clip is found as
// `<videoID>.<ext>` (cut, as download scripts name it), else as the whole YouTube video `<youtube id>.<ext>`, read
// from start to end.
import { InputError } from '../core/errors.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, TaskData } from '../core/types.ts';
import { Field, readJsonFile } from '../readers/json.ts';
import { findFile, officialFile } from './kit/official-files.ts';
import { querySplit } from './kit/query-split.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { videoCaptionTask } from './kit/video-captions.ts';
import { clipOrSegment, MissingVideos, VideoLibrary } from './kit/video-files.ts';

const SOURCE = 'https://eric-xw.github.io/vatex-website/download.html';

export const VATEX_FILES = {
  train: officialFile('vatex_training_v1.0.json', 'VATEX training captions', SOURCE),
  val: officialFile('vatex_validation_v1.0.json', 'VATEX validation captions', SOURCE),
  test: officialFile('vatex_public_test_english_v1.1.json', 'VATEX public test English captions', SOURCE),
  videos: officialFile('<videoID>.mp4', 'the clips (or whole YouTube videos <youtube id>.mp4), found by name at any depth', SOURCE),
} satisfies Record<string, OfficialFile>;

export const vatex = videoCaptionTask({
  id: 'vatex',
  title: 'VATEX (English captioning)',
  splits: { support: 'train', query: 'test' },
  files: Object.values(VATEX_FILES),
  protocolQuerySize: 1024,
  load: loadVatex,
});

async function loadVatex(ctx: LoadContext): Promise<TaskData> {
  const split = querySplit(ctx, 'VATEX', ['test', 'val']);
  const dataDir = ctx.dataDir ?? sampleDataDir('vatex');
  const trainPath = await findFile(dataDir, VATEX_FILES.train);
  const queryPath = await findFile(dataDir, split === 'test' ? VATEX_FILES.test : VATEX_FILES.val);
  const library = await VideoLibrary.open(dataDir);
  const missing = new MissingVideos(library);
  const support = await examples(trainPath, library, missing);
  const query = await examples(queryPath, library, missing);
  missing.check(support.length + query.length);
  if (query.length === 0) throw new InputError(`${queryPath}: no clips`, queryPath);
  const files = await Promise.all([
    describeUsedFile('train captions', trainPath),
    describeUsedFile(`${split} captions`, queryPath),
  ]);
  return { support: missing.flag(support), query: missing.flag(query), files, sample: ctx.dataDir === undefined };
}

/** `<youtube id>_<start>_<end>` -> its parts (the YouTube id may itself hold underscores). */
export function parseVatexId(videoId: string): { youtubeId: string; start: number; end: number } | undefined {
  const match = /^(.+)_(\d+)_(\d+)$/.exec(videoId);
  if (!match) return undefined;
  return { youtubeId: match[1]!, start: Number(match[2]), end: Number(match[3]) };
}

async function examples(path: string, library: VideoLibrary, missing: MissingVideos): Promise<Example<string[]>[]> {
  const out: Example<string[]>[] = [];
  const seen = new Set<string>();
  for (const entry of Field.root(await readJsonFile(path)).items()) {
    const idField = entry.get('videoID');
    const videoId = idField.string();
    const parts = parseVatexId(videoId) ?? idField.fail('expected "<youtube id>_<start>_<end>"');
    if (!(parts.end > parts.start)) idField.fail(`the clip ends (${parts.end} s) before it starts (${parts.start} s)`);
    if (seen.has(videoId)) idField.fail(`clip ${videoId} is listed twice`);
    seen.add(videoId);
    const capsField = entry.get('enCap');
    const captions = capsField.items().map((c) => c.string());
    if (captions.length === 0) capsField.fail('no captions');
    const segment = { start: parts.start, end: parts.end };
    const video = clipOrSegment(library, missing, `vatex/${videoId}`, { clip: videoId, video: parts.youtubeId }, segment, () => idField.where());
    out.push({
      id: videoId,
      group: parts.youtubeId,
      media: [video],
      fields: {},
      // The first English caption is a demonstration's caption, as open_flamingo shows the first reference.
      target: captions[0]!,
      reference: captions,
    });
  }
  return out;
}
