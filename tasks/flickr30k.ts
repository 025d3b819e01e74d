// Flickr30K captioning on the Karpathy split (Karpathy & Fei-Fei 2015), as the paper evaluates it: the 1000 test
// images are the queries, demonstrations come from the 29000 train images, and the references are the five
// sentences of the Karpathy file (open_flamingo reads the same sentences); CIDEr-D, with BLEU and ROUGE-L.
import { InputError, UsageError } from '../src/errors.ts';
import { describeUsedFile } from '../src/data-files.ts';
import type { Example, LoadContext, Task, TaskData } from '../src/types.ts';
import { Field, readJsonFile } from './json-input.ts';
import { CAPTION_GENERATION } from './generation.ts';
import { ImageFolder, MissingImages } from './images.ts';
import { findFile, officialFile } from './official-files.ts';
import { postprocessCaption } from './postprocess.ts';
import { sampleDataDir } from './sample-data.ts';
import { scoreCaptionItems } from './task-score.ts';
import { captionTemplates } from './templates.ts';

export const FLICKR30K_FILES = {
  karpathy: officialFile(
    'dataset_flickr30k.json',
    'Karpathy split of Flickr30K with five sentences per image (from caption_datasets.zip)',
    'https://cs.stanford.edu/people/karpathy/deepimagesent/caption_datasets.zip',
  ),
  images: officialFile(
    'flickr30k-images',
    'Flickr30K images (folder, from flickr30k-images.tar.gz, given on request)',
    'https://shannon.cs.illinois.edu/DenotationGraph/',
  ),
};

/** Karpathy split names that may be evaluated (`--split`, default test); demonstrations are always `train`. */
const QUERY_SPLITS = ['test', 'val'];

export const flickr30k: Task = {
  id: 'flickr30k',
  title: 'Flickr30K captioning (Karpathy test)',
  modality: 'image',
  kind: 'generate',
  splits: { support: 'train', query: 'test' },
  files: Object.values(FLICKR30K_FILES),
  // The Karpathy test split has 1000 images: the paper evaluates all of them.
  templates: captionTemplates,
  generation: CAPTION_GENERATION,
  postprocess: postprocessCaption,
  metric: 'cider',
  load: loadFlickr30k,
  score: scoreCaptionItems,
};

async function loadFlickr30k(ctx: LoadContext): Promise<TaskData> {
  const querySplit = ctx.split ?? 'test';
  if (!QUERY_SPLITS.includes(querySplit))
    throw new UsageError(`--split ${querySplit}: Flickr30K is evaluated on a Karpathy split, one of ${QUERY_SPLITS.join(', ')}`);
  const dataDir = ctx.dataDir ?? sampleDataDir('flickr30k');
  const karpathyPath = await findFile(dataDir, FLICKR30K_FILES.karpathy);
  const images = await ImageFolder.find(dataDir, FLICKR30K_FILES.images);

  const missing = new MissingImages();
  const support: Example<string[]>[] = [];
  const query: Example<string[]>[] = [];
  for (const image of Field.root(await readJsonFile(karpathyPath)).get('images').items()) {
    const split = image.get('split').string();
    const isQuery = split === querySplit;
    if (!isQuery && split !== 'train') continue;
    const fileName = image.get('filename').string();
    const sentencesField = image.get('sentences');
    const sentences = sentencesField.items().map((s) => s.get('raw').string());
    if (sentences.length === 0) sentencesField.fail('no sentences');
    const id = fileName.replace(/\.jpg$/, '');
    (isQuery ? query : support).push({
      id,
      group: id,
      media: [images.image(fileName, missing, () => `${image.where()}.filename`)],
      fields: {},
      // open_flamingo shows the first Karpathy sentence of a demonstration image.
      target: sentences[0]!,
      reference: sentences,
    });
  }
  missing.check();
  if (query.length === 0) throw new InputError(`${karpathyPath}: no images in the "${querySplit}" split`, karpathyPath);
  if (support.length === 0) throw new InputError(`${karpathyPath}: no images in the train split`, karpathyPath);

  const files = await Promise.all([
    describeUsedFile('karpathy splits', karpathyPath),
    describeUsedFile('images', images.path),
  ]);
  return { support, query, files, sample: ctx.dataDir === undefined };
}
