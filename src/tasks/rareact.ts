// RareAct (Miech et al. 2020, "RareAct: A video dataset of unusual interactions"): zero-shot retrieval of unusual
// verb-noun actions ("blend phone"). The paper evaluates it zero-shot only: each clip is scored against the caption of
// every class, "Caption: a person {verb, third person} {article} {noun}", by log-likelihood, and mWAP ranks the clips
// of each class by those scores (metrics/mwap.ts, the official compute_score.py). No demonstrations: shots > 0 is
// refused (maxShots 0), and there is no support split.
//
// Release (github.com/antoine77340/RareAct): `rareact.csv`, columns `id,video_id,start,end,class_id,verb,noun,
// annotation`, one row per clip judged for one class (annotation 1 positive, 0 negative, 2-4 hard negatives); the
// videos are the YouTube videos `<video_id>.mp4` (its download script), each row's clip read from start to end. A
// clip judged for several classes is scored once: one example per distinct (video_id, start, end). Checked on the
// published rareact.csv: 7,607 rows, 7,463 distinct clips, class ids 0-148 each with one (verb, noun).
import { InputError, UsageError } from '../core/errors.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, ScoredItem, Task, TaskData } from '../core/types.ts';
import { mwap, mwapResampler, type RareActRow } from '../metrics/mwap.ts';
import { readCsv, segmentOf } from '../readers/csv.ts';
import { RANKING_GENERATION } from './kit/generation.ts';
import { findFile, officialFile } from './kit/official-files.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { rankingTemplates, textTemplates } from './kit/templates.ts';
import { MissingVideos, VideoLibrary, videoRef } from './kit/video-files.ts';

const SOURCE = 'https://github.com/antoine77340/RareAct';

export const RAREACT_COLUMNS = ['id', 'video_id', 'start', 'end', 'class_id', 'verb', 'noun', 'annotation'] as const;

export const RAREACT_FILES = {
  annotations: officialFile('rareact.csv', 'RareAct annotations (one row per clip and class)', SOURCE),
  videos: officialFile('<video_id>.mp4', 'the YouTube videos, found by name at any depth', SOURCE),
} satisfies Record<string, OfficialFile>;

/** The judged rows of one clip (a RareActRow without the model's scores). */
export type RareActJudgement = Omit<RareActRow, 'scores'>;

/** "cut" -> "cuts", "wash" -> "washes", "carry" -> "carries", "drink from" -> "drinks from". */
export function thirdPerson(verb: string): string {
  const [head, ...rest] = verb.trim().split(/\s+/);
  let inflected: string;
  if (/[^aeiou]y$/.test(head!)) inflected = `${head!.slice(0, -1)}ies`;
  else if (/(s|sh|ch|x|z|o)$/.test(head!)) inflected = `${head}es`;
  else inflected = `${head}s`;
  return [inflected, ...rest].join(' ');
}

/**
 * "a person cuts an apple": the class caption after "Caption:". The release's three plural nouns (carrots, eggs,
 * shoes) take no article ("a person peels carrots").
 */
export function classCaption(verb: string, noun: string): string {
  const plural = /[^s]s$/i.test(noun);
  const article = plural ? '' : /^[aeiou]/i.test(noun) ? 'an ' : 'a ';
  return `a person ${thirdPerson(verb)} ${article}${noun}`;
}

export const rareact: Task = {
  id: 'rareact',
  title: 'RareAct (zero-shot retrieval)',
  modality: 'video',
  kind: 'rank',
  splits: { support: 'none', query: 'test' },
  files: Object.values(RAREACT_FILES),
  maxShots: 0,
  maxShotsReason:
    'the paper evaluates RareAct zero-shot only: it is a test set of unusual actions with no training split to draw ' +
    'demonstrations from',
  // The query is the clip and "Caption:"; each class caption is the candidate continuation.
  templates: rankingTemplates({
    paper: textTemplates((_e, caption) => (caption === undefined ? 'Caption:' : `Caption: ${caption}`)),
    openflamingo: textTemplates((_e, caption) => `Caption:${caption ?? ''}`),
  }),
  generation: RANKING_GENERATION,
  // mWAP compares one class's caption across clips, so normalising its length changes nothing; kept off.
  lengthNormalize: false,
  postprocess: (raw) => raw.trim(),
  metric: 'mwap',
  load: loadRareact,
  score(items: ScoredItem[]) {
    const rows: RareActRow[] = [];
    // Rows of item k: rows[firstRow[k] .. firstRow[k + 1]), so a resample of clips is a resample of their rows.
    const firstRow: number[] = [];
    for (const item of items) {
      firstRow.push(rows.length);
      const scores = item.scores;
      const judged = item.example.reference as RareActJudgement[];
      const classes = item.example.candidates?.length ?? 0;
      if (!scores || scores.length !== classes) {
        throw new InputError(`rareact: clip ${item.example.id} has no log-likelihood for each of the ${classes} classes`);
      }
      for (const row of judged) rows.push({ ...row, scores });
    }
    firstRow.push(rows.length);
    return {
      metrics: mwap(rows).scores as Record<string, number>,
      primary: 'mwap',
      resampler: () => {
        const resample = mwapResampler(rows);
        return (indices) => {
          const picked: number[] = [];
          for (const k of indices) for (let r = firstRow[k]!; r < firstRow[k + 1]!; r++) picked.push(r);
          return resample(picked);
        };
      },
    };
  },
};

async function loadRareact(ctx: LoadContext): Promise<TaskData> {
  if (ctx.split !== undefined && ctx.split !== 'test') throw new UsageError(`--split ${ctx.split}: RareAct has one split, "test"`);
  const dataDir = ctx.dataDir ?? sampleDataDir('rareact');
  const path = await findFile(dataDir, RAREACT_FILES.annotations);
  const records = readCsv(path, RAREACT_COLUMNS);
  const classes = new Map<number, { verb: string; noun: string; line: string }>();
  const clips = new Map<string, { videoId: string; segment: { start: number; end: number }; where: string; judged: RareActJudgement[] }>();
  const ids = new Set<string>();
  for (const row of records) {
    const id = row.text('id');
    if (ids.has(id)) row.fail('id', `row id ${id} is listed twice`);
    ids.add(id);
    const classId = row.integer('class_id');
    if (classId < 0) row.fail('class_id', `expected a class id >= 0, found ${classId}`);
    const verb = row.text('verb').trim();
    const noun = row.text('noun').trim();
    const known = classes.get(classId);
    if (known && (known.verb !== verb || known.noun !== noun)) {
      row.fail('class_id', `class ${classId} is "${verb} ${noun}" here but "${known.verb} ${known.noun}" at ${known.line}`);
    }
    if (!known) classes.set(classId, { verb, noun, line: row.where() });
    const annotation = row.integer('annotation');
    if (annotation < 0 || annotation > 4) row.fail('annotation', `expected 0 to 4, found ${annotation}`);
    const videoId = row.text('video_id');
    const segment = segmentOf(row, 'start', 'end');
    const key = `${videoId}_${segment.start}_${segment.end}`;
    let clip = clips.get(key);
    if (!clip) {
      clip = { videoId, segment, where: row.where('video_id'), judged: [] };
      clips.set(key, clip);
    }
    clip.judged.push({ id, video: videoId, classId, verb, noun, annotation });
  }
  const count = Math.max(...classes.keys()) + 1;
  const gaps = Array.from({ length: count }, (_, i) => i).filter((i) => !classes.has(i));
  if (gaps.length > 0) {
    throw new InputError(`${path}: column "class_id": ids run to ${count - 1} but ${gaps.slice(0, 5).join(', ')} never occur`, path);
  }
  const candidates = Array.from({ length: count }, (_, i) => classCaption(classes.get(i)!.verb, classes.get(i)!.noun));

  const library = await VideoLibrary.open(dataDir);
  const missing = new MissingVideos(library);
  const query: Example<RareActJudgement[]>[] = [];
  for (const [key, clip] of clips) {
    const file = library.find(clip.videoId) ?? missing.add(`${clip.videoId}.mp4`, clip.where);
    query.push({
      id: key,
      group: clip.videoId,
      media: [videoRef(`rareact/${key}`, file, clip.segment, clip.where)],
      fields: {},
      target: '',
      reference: clip.judged,
      candidates,
    });
  }
  missing.check(query.length);
  return { support: [], query: missing.flag(query), files: [await describeUsedFile('annotations', path)], sample: ctx.dataDir === undefined };
}
