// Sample datasets of the video benchmarks, each in the file names and formats of its official release (see the
// header of each tasks/<id>.ts), with tiny generated clips (moving shapes, 32 x 32, 8 FPS, H.264 .mp4 or MPEG-4 .avi
// for MSVD) so that every video task runs on a fresh clone. Captions, questions, options and labels come from each
// clip's scene, so they are true of what the clip shows.
import { rngFor, shuffled, type Rng } from '../../src/core/random.ts';
import { COLOUR_NAMES, SHAPES, SIZE_NAMES, mainObject, randomScene, singleObjectScene, type Scene, type Shape } from './scene.ts';
import { captions, question, type QuestionFacts } from './language.ts';
import { Writer, type SampleBuilder } from './sample-writer.ts';
import { encodeClip, type VideoContainer } from './video.ts';

const CLIP = { seconds: 3, fps: 8, size: 32 } as const;

/** A moving scene for `key`, encoded and written at `relative`; returns the scene. */
async function writeClip(
  w: Writer,
  relative: string,
  key: unknown[],
  options: { seconds?: number; container?: VideoContainer; scene?: (rng: Rng, id: string) => Scene } = {},
): Promise<{ scene: Scene; rng: Rng }> {
  const rng = rngFor('video-sample', ...key);
  const id = key.join('/');
  const scene = options.scene ? options.scene(rng, id) : randomScene(rng, id, { moving: true });
  const bytes = await encodeClip(scene, { ...CLIP, seconds: options.seconds ?? CLIP.seconds, container: options.container ?? 'mp4' });
  await w.file(relative, bytes);
  return { scene, rng };
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** An 11-character YouTube-like id. */
function youtubeId(rng: Rng): string {
  let id = '';
  for (let i = 0; i < 11; i++) id += ID_CHARS[Math.floor(rng() * ID_CHARS.length)];
  return id;
}

/** `n` distinct YouTube-like ids for a dataset. */
function youtubeIds(key: string, n: number): string[] {
  const rng = rngFor(key);
  const ids = new Set<string>();
  while (ids.size < n) ids.add(youtubeId(rng));
  return [...ids];
}

/** Split sizes in videos, the same for the QA datasets. */
const QA_SPLITS = { train: 8, val: 2, test: 5 } as const;

/** One or two VQA-style questions about a clip's scene (distinct questions). */
function clipQuestions(scene: Scene, rng: Rng, index: number): QuestionFacts[] {
  const first = question(scene, rng);
  if (index % 3 !== 0) return [first];
  let second = question(scene, rng);
  for (let attempt = 0; attempt < 6 && second.question === first.question; attempt++) second = question(scene, rng);
  return second.question === first.question ? [first] : [first, second];
}

const lower = (text: string) => text.toLowerCase().replace(/\?$/, '');

// ---------------------------------------------------------------------------------------------------------------
// MSVD-QA and MSRVTT-QA (Xu et al. 2017)
// ---------------------------------------------------------------------------------------------------------------

/** MSVD-QA: `{train,val,test}_qa.json`, `youtube_mapping.txt` and `YouTubeClips/<ytid>_<start>_<end>.avi`. */
export const buildMsvdqaSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const ids = youtubeIds('msvdqa-sample-ids', 15);
  const mapping: string[] = [];
  let vid = 1;
  let qid = 0;
  for (const [split, count] of Object.entries(QA_SPLITS)) {
    const entries: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const rng = rngFor('msvdqa-sample-clip', vid);
      const start = Math.floor(rng() * 60);
      const clip = `${ids[vid - 1]}_${start}_${start + 3}`;
      const { scene, rng: qrng } = await writeClip(w, `YouTubeClips/${clip}.avi`, ['msvdqa', vid], { container: 'avi' });
      mapping.push(`${clip} vid${vid}`);
      // MSVD-QA's questions are lower case without a question mark.
      for (const q of clipQuestions(scene, qrng, i)) entries.push({ answer: q.answer, id: qid++, question: lower(q.question), video_id: vid });
      vid++;
    }
    await w.json(`${split}_qa.json`, entries);
  }
  await w.file('youtube_mapping.txt', `${mapping.join('\n')}\n`);
  return w.written;
};

/** MSRVTT-QA: `{train,val,test}_qa.json` and MSR-VTT's `TrainValVideo/video<N>.mp4`, `TestVideo/video<N>.mp4`. */
export const buildMsrvttqaSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  // MSR-VTT numbers its videos 0-6512 (train), 6513-7009 (val), 7010-9999 (test).
  const firstVideo = { train: 0, val: 6513, test: 7010 };
  let qid = 0;
  for (const [split, count] of Object.entries(QA_SPLITS)) {
    const entries: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const n = firstVideo[split as keyof typeof firstVideo] + i;
      const folder = split === 'test' ? 'TestVideo' : 'TrainValVideo';
      const { scene, rng } = await writeClip(w, `${folder}/video${n}.mp4`, ['msrvttqa', n]);
      for (const q of clipQuestions(scene, rng, i)) {
        entries.push({ answer: q.answer, category_id: n % 20, id: qid++, question: lower(q.question), video_id: n });
      }
    }
    await w.json(`${split}_qa.json`, entries);
  }
  return w.written;
};

// ---------------------------------------------------------------------------------------------------------------
// iVQA and NExT-QA (CSV releases)
// ---------------------------------------------------------------------------------------------------------------

function csvLine(values: (string | number)[]): string {
  return values.map((v) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : String(v))).join(',');
}

/** iVQA: `{train,val,test}.csv` (video_id,start,end,question,answer1..answer5) and cut clips `video/<id>_<start>_<end>.mp4`. */
export const buildIvqaSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const ids = youtubeIds('ivqa-sample-ids', 15);
  let k = 0;
  for (const [split, count] of Object.entries(QA_SPLITS)) {
    const lines = [csvLine(['video_id', 'start', 'end', 'question', 'answer1', 'answer2', 'answer3', 'answer4', 'answer5'])];
    for (let i = 0; i < count; i++) {
      const id = ids[k]!;
      const start = 10 + k * 7;
      const { scene, rng } = await writeClip(w, `video/${id}_${start}_${start + 3}.mp4`, ['ivqa', k]);
      // One question per clip, as in iVQA; five annotators' answers.
      const q = question(scene, rng);
      lines.push(csvLine([id, start, start + 3, lower(q.question), ...q.answers.slice(0, 5)]));
      k++;
    }
    await w.file(`${split}.csv`, `${lines.join('\n')}\n`);
  }
  return w.written;
};

/** NExT-QA question type of a sample question: counting DC, yes/no DB, the rest descriptive "other" (DO). */
function nextqaType(q: QuestionFacts): string {
  return q.answerType === 'number' ? 'DC' : q.answerType === 'yes/no' ? 'DB' : 'DO';
}

/**
 * NExT-OE: `{train,val,test}.csv` (video,frame_count,width,height,question,answer,qid,type),
 * `add_reference_answer_test.json`, `map_vid_vidorID.json` and `NExTVideo/<folder>/<video>.mp4`.
 */
export const buildNextqaSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const map: Record<string, string> = {};
  const extra: Record<string, Record<string, string>> = {};
  let k = 0;
  for (const [split, count] of Object.entries(QA_SPLITS)) {
    const lines = [csvLine(['video', 'frame_count', 'width', 'height', 'question', 'answer', 'qid', 'type'])];
    for (let i = 0; i < count; i++) {
      const video = String(2400000000 + k * 7919);
      const folder = String(1000 + (k % 3)).padStart(4, '0');
      map[video] = `${folder}/${video}`;
      const { scene, rng } = await writeClip(w, `NExTVideo/${folder}/${video}.mp4`, ['nextqa', k]);
      clipQuestions(scene, rng, i).forEach((q, j) => {
        lines.push(csvLine([video, CLIP.seconds * CLIP.fps, CLIP.size, CLIP.size, lower(q.question), q.answer, j, nextqaType(q)]));
        // Some test questions have a second reference answer (another annotator's wording).
        const variant = q.answers.find((a) => a !== q.answer);
        if (split === 'test' && variant !== undefined) (extra[video] ??= {})[String(j)] = variant;
      });
      k++;
    }
    await w.file(`nextqa/${split}.csv`, `${lines.join('\n')}\n`);
  }
  await w.json('nextqa/add_reference_answer_test.json', extra);
  await w.json('nextqa/map_vid_vidorID.json', map);
  return w.written;
};

// ---------------------------------------------------------------------------------------------------------------
// VATEX and YouCook2 (captioning)
// ---------------------------------------------------------------------------------------------------------------

/** VATEX: the training, validation and public test JSON files, and clips `<videoID>.mp4` (videoID = id_start_end). */
export const buildVatexSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const ids = youtubeIds('vatex-sample-ids', 15);
  const files = {
    train: 'vatex_training_v1.0.json',
    val: 'vatex_validation_v1.0.json',
    test: 'vatex_public_test_english_v1.1.json',
  };
  let k = 0;
  for (const [split, count] of Object.entries(QA_SPLITS)) {
    const entries: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const start = 20 + k * 11;
      const videoId = `${ids[k]}_${String(start).padStart(6, '0')}_${String(start + 10).padStart(6, '0')}`;
      const { scene, rng } = await writeClip(w, `videos/${videoId}.mp4`, ['vatex', k]);
      const enCap = captions(scene, rng, 10).map((c) => `${c.charAt(0).toUpperCase()}${c.slice(1)}.`);
      // The public test file has English captions only.
      entries.push(split === 'test' ? { videoID: videoId, enCap } : { videoID: videoId, enCap, chCap: enCap.map(() => '（示例数据）') });
      k++;
    }
    await w.json(files[split as keyof typeof files], entries);
  }
  return w.written;
};

/**
 * YouCook2: `youcookii_annotations_trainval.json` and `raw_videos/<subset>/<recipe>/<id>.mp4`. A video is 6 s with
 * two or three annotated segments; each segment's sentence describes the scene.
 */
export const buildYoucook2Sample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const ids = youtubeIds('youcook2-sample-ids', 8);
  const recipes = ['101', '204', '310'];
  const database: Record<string, unknown> = {};
  for (const [k, id] of ids.entries()) {
    const subset = k < 5 ? 'training' : 'validation';
    const recipe = recipes[k % recipes.length]!;
    const seconds = 6;
    const { scene, rng } = await writeClip(w, `raw_videos/${subset}/${recipe}/${id}.mp4`, ['youcook2', k], { seconds });
    const sentences = captions(scene, rng, 3);
    const bounds = k % 2 === 0 ? [[0, 2], [2, 4], [4, 6]] : [[0.5, 3], [3, 5.5]];
    database[id] = {
      duration: seconds,
      subset,
      recipe_type: recipe,
      annotations: bounds.map((segment, j) => ({ segment, id: j, sentence: sentences[j % sentences.length] })),
      video_url: `https://www.youtube.com/watch?v=${id}`,
    };
  }
  await w.json('youcookii_annotations_trainval.json', { database });
  return w.written;
};

// ---------------------------------------------------------------------------------------------------------------
// STAR (multiple choice), RareAct (retrieval), Kinetics-700 (classification)
// ---------------------------------------------------------------------------------------------------------------

const POSITIONS = ['top left', 'top', 'top right', 'left', 'center', 'right', 'bottom left', 'bottom', 'bottom right'];

/** Three wrong options of the same kind as `answer`. */
function distractors(answer: string, rng: Rng): string[] {
  const pools: readonly (readonly string[])[] = [
    COLOUR_NAMES,
    SHAPES,
    [...SIZE_NAMES, 'medium', 'huge'],
    POSITIONS,
    ['1', '2', '3', '4', '5'],
    ['yes', 'no', 'maybe', 'not sure'],
  ];
  const pool = pools.find((p) => p.includes(answer)) ?? POSITIONS;
  return shuffled(pool.filter((x) => x !== answer), rng).slice(0, 3);
}

const STAR_TYPES = ['Interaction', 'Sequence', 'Prediction', 'Feasibility'];

/** STAR: `STAR_train.json`, `STAR_val.json` (four choices per question) and Charades `Charades_v1_480/<id>.mp4`. */
export const buildStarSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const rngIds = rngFor('star-sample-ids');
  const ids = new Set<string>();
  while (ids.size < 12) ids.add(Array.from({ length: 5 }, () => ID_CHARS[Math.floor(rngIds() * 36)]).join('').toUpperCase());
  const videoIds = [...ids];
  let k = 0;
  let n = 0;
  for (const [split, count] of Object.entries({ train: 8, val: 4 })) {
    const entries: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const videoId = videoIds[k]!;
      const { scene, rng } = await writeClip(w, `Charades_v1_480/${videoId}.mp4`, ['star', k]);
      for (const q of clipQuestions(scene, rng, i)) {
        const options = shuffled([q.answer, ...distractors(q.answer, rng)], rng);
        const type = STAR_TYPES[n % STAR_TYPES.length]!;
        entries.push({
          question_id: `${type}_T${1 + (n % 4)}_${100 + n}`,
          question: q.question,
          video_id: videoId,
          start: 0.5,
          end: 2.5,
          answer: q.answer,
          choices: options.map((choice, choiceId) => ({ choice_id: choiceId, choice })),
        });
        n++;
      }
      k++;
    }
    await w.json(`STAR_${split}.json`, entries);
  }
  return w.written;
};

const RAREACT_NOUNS: Shape[] = ['circle', 'square', 'triangle'];
const RAREACT_VERBS = ['push', 'pull'];

/**
 * RareAct: `rareact.csv` and the YouTube videos `videos/<id>.mp4` (6 s, two 3-second clips each). A clip's class is
 * its object's shape (the noun) and the way it moves, right ("push") or left ("pull"); each clip is judged for its
 * own class (1), the other verb with its noun (hard negative, 3), its verb with another noun (hard negative, 2) and a
 * class sharing neither (0).
 */
export const buildRareactSample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const ids = youtubeIds('rareact-sample-ids', 6);
  const classes = RAREACT_VERBS.flatMap((verb) => RAREACT_NOUNS.map((noun) => ({ verb, noun })));
  const classId = (verb: string, noun: string) => classes.findIndex((c) => c.verb === verb && c.noun === noun);
  const lines = [csvLine(['id', 'video_id', 'start', 'end', 'class_id', 'verb', 'noun', 'annotation'])];
  let row = 0;
  for (const [k, id] of ids.entries()) {
    const own = classes[k % classes.length]!;
    await writeClip(w, `videos/${id}.mp4`, ['rareact', k], {
      seconds: 6,
      scene: (rng, sceneId) => {
        const scene = singleObjectScene(rng, sceneId, own.noun, { moving: true });
        const object = scene.objects[0]!;
        object.x = own.verb === 'push' ? 0.2 : 0.8;
        object.vx = own.verb === 'push' ? 0.1 : -0.1;
        return scene;
      },
    });
    for (const [start, end] of [[0, 3], [3, 6]] as const) {
      const otherNoun = RAREACT_NOUNS.find((n) => n !== own.noun)!;
      const otherVerb = RAREACT_VERBS.find((v) => v !== own.verb)!;
      const judged: [number, number][] = [
        [classId(own.verb, own.noun), 1],
        [classId(otherVerb, own.noun), 3],
        [classId(own.verb, otherNoun), 2],
        [classId(otherVerb, RAREACT_NOUNS.find((n) => n !== own.noun && n !== otherNoun)!), 0],
      ];
      for (const [c, annotation] of judged) {
        lines.push(csvLine([row++, id, start, end, c, classes[c]!.verb, classes[c]!.noun, annotation]));
      }
    }
  }
  await w.file('rareact.csv', `${lines.join('\n')}\n`);
  return w.written;
};

/**
 * Kinetics-700-2020: `kinetics700_2020/{train,validate}.csv` (label,youtube_id,time_start,time_end,split) and the
 * clips `train/<label>/<id>_<start:06>_<end:06>.mp4`, `val/<label>/...` as the CVDF archives hold them. The classes
 * are the main object's colour and shape ("red circle"): four classes, four train and two val clips each.
 */
export const buildKinetics700Sample: SampleBuilder = async (dir) => {
  const w = new Writer(dir);
  const labels = ['red circle', 'blue square', 'green triangle', 'yellow diamond'];
  const ids = youtubeIds('kinetics700-sample-ids', labels.length * 6);
  let k = 0;
  for (const [split, perClass, folder] of [['train', 4, 'train'], ['validate', 2, 'val']] as const) {
    const lines = [csvLine(['label', 'youtube_id', 'time_start', 'time_end', 'split'])];
    for (const name of labels) {
      const [colour, shape] = name.split(' ') as [string, Shape];
      for (let i = 0; i < perClass; i++) {
        const id = ids[k]!;
        const start = 5 * (k % 7);
        const clip = `${id}_${String(start).padStart(6, '0')}_${String(start + 10).padStart(6, '0')}`;
        await writeClip(w, `${folder}/${name}/${clip}.mp4`, ['kinetics700', k], {
          scene: (rng, sceneId) => {
            const scene = randomScene(rng, sceneId, { moving: true, minObjects: 1, maxObjects: 2 });
            const main = mainObject(scene);
            main.colour = colour as typeof main.colour;
            main.shape = shape;
            main.size = 'large';
            return scene;
          },
        });
        lines.push(csvLine([name, id, start, start + 10, split]));
        k++;
      }
    }
    await w.file(`kinetics700_2020/${split}.csv`, `${lines.join('\n')}\n`);
  }
  return w.written;
};

export const VIDEO_SAMPLE_BUILDERS: Record<string, SampleBuilder> = {
  msvdqa: buildMsvdqaSample,
  msrvttqa: buildMsrvttqaSample,
  vatex: buildVatexSample,
  youcook2: buildYoucook2Sample,
  ivqa: buildIvqaSample,
  rareact: buildRareactSample,
  nextqa: buildNextqaSample,
  star: buildStarSample,
  kinetics700: buildKinetics700Sample,
};
