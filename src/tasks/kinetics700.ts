// Kinetics-700 (2020 release; Smaira et al. 2020) few-shot action classification: every class name is ranked by its
// length-normalised log-likelihood after "Output:", as ImageNet's names are. The paper reports the mean of top-1 and
// top-5 accuracy on val; under --protocol flamingo 10 val clips per class are queried (7,000) and each support pool
// holds 32 train clips per class.
//
// Annotations: DeepMind's `kinetics700_2020.tar.gz` holds `kinetics700_2020/{train,validate,test}.csv`; the CVDF
// mirror (github.com/cvdfoundation/kinetics-dataset) names them `annotations/{train,val,test}.csv`. Both have the
// columns `label,youtube_id,time_start,time_end,split`; the query file is `validate.csv` or, failing that, `val.csv`.
// Clips are `<youtube_id>_<time_start:06>_<time_end:06>.mp4` (the CVDF archives put them in class folders,
// train/<label>/...); a whole YouTube video `<youtube_id>.mp4` is read from time_start to time_end. The CSV names are
// generic (iVQA and NExT-QA publish a train.csv): Kinetics' are those whose header has youtube_id and time_start.
import { withKeepAllScores } from './kit/class-scores.ts';
import { InputError, UsageError } from '../core/errors.ts';
import { describeUsedFile, findAllOfficialFiles } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, Task, TaskData } from '../core/types.ts';
import { readCsv, segmentOf } from '../readers/csv.ts';
import { RANKING_GENERATION } from './kit/generation.ts';
import { officialFile } from './kit/official-files.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { scoreClassRankings } from './kit/task-score.ts';
import { captionTemplates, rankingTemplates } from './kit/templates.ts';
import { clipOrSegment, findFileWhere, hasColumns, MissingVideos, VideoLibrary } from './kit/video-files.ts';

const DEEPMIND_SOURCE = 'https://storage.googleapis.com/deepmind-media/Datasets/kinetics700_2020.tar.gz';
const CVDF_SOURCE = 'https://github.com/cvdfoundation/kinetics-dataset (k700_2020_downloader.sh)';

export const KINETICS_COLUMNS = ['label', 'youtube_id', 'time_start', 'time_end'] as const;

export const KINETICS700_FILES = {
  train: officialFile('train.csv', 'Kinetics-700-2020 training clips (label,youtube_id,time_start,time_end,split)', DEEPMIND_SOURCE),
  validate: officialFile('validate.csv', 'Kinetics-700-2020 validation clips (the CVDF mirror calls it val.csv)', DEEPMIND_SOURCE),
  val: officialFile('val.csv', 'the validation clips as the CVDF mirror names them (when validate.csv is absent)', CVDF_SOURCE, false),
  videos: officialFile('<youtube_id>_<start:06>_<end:06>.mp4', 'the clips (CVDF archives: train/<label>/, val/<label>/), found by name at any depth', CVDF_SOURCE),
} satisfies Record<string, OfficialFile>;

/** An example's reference: its class and all classes of the run, in candidate order. */
export interface KineticsReference {
  label: string;
  classes: readonly string[];
}

export const kinetics700: Task = withKeepAllScores({
  id: 'kinetics700',
  title: 'Kinetics-700-2020 (few-shot classification)',
  modality: 'video',
  kind: 'rank',
  splits: { support: 'train', query: 'validate' },
  files: Object.values(KINETICS700_FILES),
  protocolPerClass: { query: 10, support: 32, classOf: (example) => (example.reference as KineticsReference).label },
  templates: rankingTemplates(captionTemplates),
  generation: RANKING_GENERATION,
  // Class names run from one to several tokens; a sum would favour the shortest (as for ImageNet).
  lengthNormalize: true,
  postprocess: (raw) => raw.trim(),
  metric: 'top1_top5_avg_accuracy',
  load: loadKinetics,
  goldCandidate: (example) => (example.reference as KineticsReference).classes.indexOf((example.reference as KineticsReference).label),
  score: (items) =>
    scoreClassRankings('kinetics700', items, (item) => item.example.reference as KineticsReference, 'top1_top5_avg_accuracy'),
});

/**
 * DeepMind's release (`kinetics700_2020/<split>.csv`) is the canonical copy of the annotations; the CVDF downloader
 * puts its own `annotations/<split>.csv` beside it (`annotations/deepmind/kinetics700_2020/`), with the same rows.
 */
function isDeepMindCopy(path: string): boolean {
  return /(^|[\\/])kinetics700_2020[\\/][^\\/]+$/.test(path);
}

async function loadKinetics(ctx: LoadContext): Promise<TaskData> {
  if (ctx.split !== undefined && ctx.split !== 'validate' && ctx.split !== 'val') {
    throw new UsageError(`--split ${ctx.split}: Kinetics-700 is evaluated on "validate" (the test labels are not public)`);
  }
  const dataDir = ctx.dataDir ?? sampleDataDir('kinetics700');
  const isKinetics = hasColumns(KINETICS_COLUMNS);
  const trainPath = await findFileWhere(dataDir, KINETICS700_FILES.train, isKinetics, { canonical: isDeepMindCopy });
  const hasValidate = (await findAllOfficialFiles(dataDir, KINETICS700_FILES.validate.name)).length > 0;
  const valPath = await findFileWhere(dataDir, hasValidate ? KINETICS700_FILES.validate : KINETICS700_FILES.val, isKinetics, {
    canonical: isDeepMindCopy,
  });
  const library = await VideoLibrary.open(dataDir);
  const missing = new MissingVideos(library);
  const train = rows(trainPath, library, missing);
  const val = rows(valPath, library, missing);
  missing.check(train.length + val.length);
  if (val.length === 0) throw new InputError(`${valPath}: no clips`, valPath);
  const classes = [...new Set([...train, ...val].map((r) => r.label))].sort();
  const trainClasses = new Set(train.map((r) => r.label));
  const unseen = classes.filter((label) => !trainClasses.has(label));
  if (unseen.length > 0) {
    throw new InputError(`${valPath}: ${unseen.length} class(es) have no clip in ${trainPath}: ${unseen.slice(0, 5).join(', ')}`, valPath);
  }
  const toExample = (r: ClipRow): Example<KineticsReference> => ({
    id: r.id,
    group: r.id,
    media: [r.video],
    fields: {},
    target: r.label,
    reference: { label: r.label, classes },
    candidates: classes,
  });
  const files = await Promise.all([describeUsedFile('train clips', trainPath), describeUsedFile('validation clips', valPath)]);
  return { support: missing.flag(train.map(toExample)), query: missing.flag(val.map(toExample)), files, sample: ctx.dataDir === undefined };
}

interface ClipRow {
  id: string;
  label: string;
  video: Example['media'][number];
}

/** The clip's file name: `<youtube_id>_<start:06>_<end:06>` (whole seconds, as the CSVs give them). */
export function kineticsClipName(youtubeId: string, start: number, end: number): string {
  return `${youtubeId}_${String(start).padStart(6, '0')}_${String(end).padStart(6, '0')}`;
}

function rows(path: string, library: VideoLibrary, missing: MissingVideos): ClipRow[] {
  const out: ClipRow[] = [];
  const seen = new Set<string>();
  for (const row of readCsv(path, KINETICS_COLUMNS)) {
    const label = row.text('label');
    const youtubeId = row.text('youtube_id');
    const segment = segmentOf(row, 'time_start', 'time_end');
    const start = row.integer('time_start');
    const end = row.integer('time_end');
    const name = kineticsClipName(youtubeId, start, end);
    if (seen.has(name)) row.fail('youtube_id', `clip ${name} is listed twice`);
    seen.add(name);
    const video = clipOrSegment(library, missing, `kinetics/${name}`, { clip: name, video: youtubeId }, segment, () => row.where('youtube_id'));
    out.push({ id: name, label, video });
  }
  return out;
}
