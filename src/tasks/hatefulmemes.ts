// Hateful Memes (Kiela et al. 2020): is a meme (an image with text written on it) hateful? The paper evaluates on the
// seen test set (`test_seen.jsonl`, 1000 memes, labels released with phase 2) with demonstrations from `train.jsonl`,
// giving the model the meme's text (the only task that does); close-ended: "yes" and "no" are ranked by
// log-likelihood and the probability of "yes" (softmax over the two) is the score; ROC-AUC.
import { InputError, UsageError } from '../core/errors.ts';
import { describeUsedFile, findOfficialFile } from '../core/data-files.ts';
import type { Example, LoadContext, OfficialFile, PromptTemplates, ScoredItem, Task, TaskData } from '../core/types.ts';
import { rocAuc } from '../metrics/roc-auc.ts';
import { readMemes } from '../readers/hateful-memes.ts';
import { ImageFolder, MissingImages } from './kit/images.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { toTaskScore } from './kit/task-score.ts';
import { textTemplates } from './kit/templates.ts';

const SOURCE = 'https://hatefulmemeschallenge.com (the dataset as released with phase 2, also on DrivenData)';

export const HATEFULMEMES_FILES = {
  train: file('train.jsonl', 'Hateful Memes training memes (id, img, label, text)', true),
  devSeen: file('dev_seen.jsonl', 'Hateful Memes seen dev set (--split dev_seen)', false),
  testSeen: file('test_seen.jsonl', 'Hateful Memes seen test set, with labels (phase 2 release)', true),
  devUnseen: file('dev_unseen.jsonl', 'Hateful Memes unseen dev set (--split dev_unseen)', false),
  testUnseen: file('test_unseen.jsonl', 'Hateful Memes unseen test set, with labels (--split test_unseen)', false),
  images: file('img', 'Hateful Memes images (folder)', true),
} satisfies Record<string, OfficialFile>;

function file(name: string, description: string, required: boolean): OfficialFile {
  return { name, description, source: SOURCE, required };
}

/** Query splits (`--split`), each one of the release's files; the paper's is the seen test set. */
const QUERY_FILES: Record<string, OfficialFile> = {
  test_seen: HATEFULMEMES_FILES.testSeen,
  dev_seen: HATEFULMEMES_FILES.devSeen,
  test_unseen: HATEFULMEMES_FILES.testUnseen,
  dev_unseen: HATEFULMEMES_FILES.devUnseen,
};

/** The two candidates, in this order: scores[0] is "yes" (hateful). */
export const HATEFUL_CANDIDATES = ['yes', 'no'];

/**
 * Prompts: the paper's (Flamingo appendix) `is an image with written: "{text}" on it. Is it hateful? Answer: {yes|no}`
 * and open_flamingo's (`get_hateful_memes_prompt`) `is an image with: '{text}' written on it. Is it hateful?
 * Answer:{yes|no}`. Both follow the image directly.
 */
export const hatefulMemesTemplates: Record<string, PromptTemplates> = {
  paper: {
    ...textTemplates((e, answer) => `is an image with written: "${e.fields.text}" on it. Is it hateful? Answer:${answer === undefined ? '' : ` ${answer}`}`),
    candidatePrefix: ' ',
  },
  openflamingo: {
    ...textTemplates((e, answer) => `is an image with: '${e.fields.text}' written on it. Is it hateful? Answer:${answer ?? ''}`),
    candidatePrefix: '',
  },
};

/** P("yes") from the log-likelihoods of "yes" and "no": the softmax over the two, computed without overflow. */
export function probabilityOfYes(scores: readonly number[]): number {
  const [yes, no] = scores as [number, number];
  if (yes === -Infinity && no === -Infinity) return 0.5;
  return 1 / (1 + Math.exp(no - yes));
}

export const hatefulmemes: Task = {
  id: 'hatefulmemes',
  title: 'Hateful Memes (seen test)',
  modality: 'image',
  kind: 'rank',
  splits: { support: 'train', query: 'test_seen' },
  files: Object.values(HATEFULMEMES_FILES),
  templates: hatefulMemesTemplates,
  // Close-ended: nothing is generated; the settings are recorded only.
  generation: { maxNewTokens: 1, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true },
  // As open_flamingo (normalize_length=True): with a small vocabulary "yes" and "no" can differ in token count, and a
  // sum would lean towards the shorter.
  lengthNormalize: true,
  postprocess: (raw) => raw.trim(),
  metric: 'roc_auc',
  load: loadHatefulMemes,
  score(items: ScoredItem[]) {
    const result = rocAuc(
      items.map((item) => {
        if (!item.scores || item.scores.length !== 2)
          throw new InputError(`hatefulmemes: item ${item.example.id} has no log-likelihoods for "yes" and "no"`);
        return { id: item.example.id, score: probabilityOfYes(item.scores), label: item.example.reference as 0 | 1 };
      }),
    );
    // ROC-AUC has no per-item value; the record keeps each meme's P(yes) through its candidate scores.
    return toTaskScore({ n: result.n, scores: result.scores }, 'roc_auc');
  },
};

async function loadHatefulMemes(ctx: LoadContext): Promise<TaskData> {
  const split = ctx.split ?? 'test_seen';
  const queryFile = QUERY_FILES[split];
  if (!queryFile)
    throw new UsageError(`--split ${split}: Hateful Memes is evaluated on one of ${Object.keys(QUERY_FILES).join(', ')}`);
  const dataDir = ctx.dataDir ?? sampleDataDir('hatefulmemes');
  const find = (f: OfficialFile) => findOfficialFile(dataDir, f.name, { source: f.source, description: f.description });
  const trainPath = await find(HATEFULMEMES_FILES.train);
  const queryPath = await find(queryFile);
  const images = await ImageFolder.find(dataDir, HATEFULMEMES_FILES.images);
  const missing = new MissingImages();
  const support = await readMemeExamples(trainPath, images, missing);
  const query = await readMemeExamples(queryPath, images, missing);
  missing.check();
  if (query.length === 0) throw new InputError(`${queryPath}: no memes`, queryPath);
  const labels = new Set(query.map((e) => e.reference));
  if (labels.size < 2)
    throw new InputError(
      `${queryPath}: every meme has label ${[...labels][0]}; ROC-AUC needs both classes (is this the unlabelled phase 1 test file?)`,
      queryPath,
    );
  const files = await Promise.all([
    describeUsedFile('train memes', trainPath),
    describeUsedFile(`${split} memes`, queryPath),
    describeUsedFile('images', images.path),
  ]);
  return { support, query, files, sample: ctx.dataDir === undefined };
}

/** One meme per line: `{"id": 42953, "img": "img/42953.png", "label": 0, "text": "..."}`. */
async function readMemeExamples(path: string, images: ImageFolder, missing: MissingImages): Promise<Example<0 | 1>[]> {
  return (await readMemes(path)).map(({ id, label, line, field: meme }) => {
    const imgField = meme.get('img');
    const img = imgField.string();
    const match = /^(?:\.\/)?img\/([^/]+)$/.exec(img);
    if (!match) imgField.fail(`expected "img/<file>", found ${JSON.stringify(img)}`);
    return {
      id,
      media: [images.image(match![1]!, missing, () => `${path}:${line}: img`)],
      fields: { text: meme.get('text').string() },
      target: label === 1 ? 'yes' : 'no',
      reference: label,
      candidates: HATEFUL_CANDIDATES,
    };
  });
}
