// Flickr30K captioning on the Karpathy split (Karpathy & Fei-Fei 2015), as the paper evaluates it: the 1000 test
// images are the queries, demonstrations come from the 29000 train images, and the references are the five
// sentences of the Karpathy file (open_flamingo reads the same sentences); CIDEr-D, with BLEU and ROUGE-L.
import { describeUsedFile } from '../core/data-files.ts';
import type { LoadContext, Task, TaskData } from '../core/types.ts';
import { CAPTION_GENERATION } from './kit/generation.ts';
import { ImageFolder, MissingImages } from './kit/images.ts';
import { karpathyQuerySplit, readKarpathySplit } from './kit/karpathy.ts';
import { findFile, officialFile } from './kit/official-files.ts';
import { postprocessCaption, sameCaption } from './kit/postprocess.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { scoreCaptionItems } from './kit/task-score.ts';
import { captionTemplates } from './kit/templates.ts';

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
  normalizeAnswer: sameCaption,
  metric: 'cider',
  load: loadFlickr30k,
  score: scoreCaptionItems,
};

async function loadFlickr30k(ctx: LoadContext): Promise<TaskData> {
  const querySplit = karpathyQuerySplit(ctx, 'Flickr30K');
  const dataDir = ctx.dataDir ?? sampleDataDir('flickr30k');
  const karpathyPath = await findFile(dataDir, FLICKR30K_FILES.karpathy);
  const images = await ImageFolder.find(dataDir, FLICKR30K_FILES.images);

  // Demonstrations are always from train; the references are the image's Karpathy sentences.
  const missing = new MissingImages();
  const { support, query } = await readKarpathySplit(karpathyPath, querySplit, ['train'], missing, (image) => ({
    id: image.fileName.replace(/\.jpg$/, ''),
    image: images.image(image.fileName, missing, () => `${image.entry.where()}.filename`),
  }));

  const files = await Promise.all([
    describeUsedFile('karpathy splits', karpathyPath),
    describeUsedFile('images', images.path),
  ]);
  return { support, query, files, sample: ctx.dataDir === undefined };
}
