// COCO captioning on the Karpathy split (Karpathy & Fei-Fei 2015), as the paper evaluates it: the 5000 test images
// are the queries, demonstrations come from train + restval (the 113k images used for training in the Karpathy
// split), and the references are the captions of the official COCO annotation file; CIDEr-D (plus BLEU, ROUGE-L).
import { InputError, UsageError } from '../src/errors.ts';
import { describeUsedFile } from '../src/data-files.ts';
import type { Example, LoadContext, OfficialFile, Task, TaskData } from '../src/types.ts';
import { COCO_TRAIN2014, COCO_VAL2014 } from './coco-images.ts';
import { Field, readJsonFile } from './json-input.ts';
import { CAPTION_GENERATION } from './generation.ts';
import { ImageFolder, MissingImages } from './images.ts';
import { findFile, officialFile } from './official-files.ts';
import { postprocessCaption } from './postprocess.ts';
import { sampleDataDir } from './sample-data.ts';
import { scoreCaptionItems } from './task-score.ts';
import { captionTemplates } from './templates.ts';

const IMAGE_FOLDERS = ['train2014', 'val2014'] as const;
type ImageFolderName = (typeof IMAGE_FOLDERS)[number];

export const COCO_FILES = {
  karpathy: officialFile(
    'dataset_coco.json',
    'Karpathy split of COCO (from caption_datasets.zip)',
    'https://cs.stanford.edu/people/karpathy/deepimagesent/caption_datasets.zip',
  ),
  // The Karpathy val and test images are all COCO val2014 images, so only the val2014 captions are references.
  captions: officialFile(
    'captions_val2014.json',
    'COCO 2014 caption annotations (from annotations_trainval2014.zip)',
    'http://images.cocodataset.org/annotations/annotations_trainval2014.zip',
  ),
  train2014: COCO_TRAIN2014,
  val2014: COCO_VAL2014,
} satisfies Record<string, OfficialFile>;

/** Karpathy split names: which are demonstrations, which may be evaluated (`--split`, default test). */
const SUPPORT_SPLITS = new Set(['train', 'restval']);
const QUERY_SPLITS = ['test', 'val'];

export const coco: Task = {
  id: 'coco',
  title: 'COCO captioning (Karpathy test)',
  modality: 'image',
  kind: 'generate',
  splits: { support: 'train+restval', query: 'test' },
  files: Object.values(COCO_FILES),
  protocolQuerySize: 5000,
  templates: captionTemplates,
  generation: CAPTION_GENERATION,
  postprocess: postprocessCaption,
  metric: 'cider',
  load: loadCoco,
  score: scoreCaptionItems,
};

async function loadCoco(ctx: LoadContext): Promise<TaskData> {
  const querySplit = ctx.split ?? 'test';
  if (!QUERY_SPLITS.includes(querySplit))
    throw new UsageError(`--split ${querySplit}: COCO is evaluated on a Karpathy split, one of ${QUERY_SPLITS.join(', ')}`);
  const dataDir = ctx.dataDir ?? sampleDataDir('coco');
  const karpathyPath = await findFile(dataDir, COCO_FILES.karpathy);
  const captionsPath = await findFile(dataDir, COCO_FILES.captions);
  const folders: Record<ImageFolderName, ImageFolder> = {
    train2014: await ImageFolder.find(dataDir, COCO_FILES.train2014),
    val2014: await ImageFolder.find(dataDir, COCO_FILES.val2014),
  };

  const references = await readCaptions(captionsPath);
  const missing = new MissingImages();
  const support: Example<string[]>[] = [];
  const query: Example<string[]>[] = [];
  for (const image of Field.root(await readJsonFile(karpathyPath)).get('images').items()) {
    const split = image.get('split').string();
    const isQuery = split === querySplit;
    if (!isQuery && !SUPPORT_SPLITS.has(split)) continue;
    const cocoId = image.get('cocoid').number();
    const folderField = image.get('filepath');
    const folderName = folderField.string();
    if (!(IMAGE_FOLDERS as readonly string[]).includes(folderName))
      folderField.fail(`expected one of ${IMAGE_FOLDERS.join(', ')}`);
    const fileName = image.get('filename').string();
    const sentencesField = image.get('sentences');
    const sentences = sentencesField.items().map((s) => s.get('raw').string());
    if (sentences.length === 0) sentencesField.fail('no sentences');
    let reference = sentences;
    if (isQuery) {
      const refs = references.get(cocoId);
      if (!refs)
        throw new InputError(
          `${captionsPath}: no captions for image_id ${cocoId} (${image.where()} is in the ${querySplit} split); ` +
            'is this the COCO 2014 captions file?',
          captionsPath,
        );
      reference = refs;
    }
    const example: Example<string[]> = {
      id: String(cocoId),
      group: String(cocoId),
      media: [folders[folderName as ImageFolderName].image(fileName, missing, () => `${image.where()}.filename`)],
      fields: {},
      // open_flamingo shows the first Karpathy sentence of a demonstration image.
      target: sentences[0]!,
      reference,
    };
    (isQuery ? query : support).push(example);
  }
  missing.check();
  if (query.length === 0) throw new InputError(`${karpathyPath}: no images in the "${querySplit}" split`, karpathyPath);
  if (support.length === 0) throw new InputError(`${karpathyPath}: no images in the train or restval splits`, karpathyPath);

  const files = await Promise.all([
    describeUsedFile('karpathy splits', karpathyPath),
    describeUsedFile('captions', captionsPath),
    describeUsedFile('train2014 images', folders.train2014.path),
    describeUsedFile('val2014 images', folders.val2014.path),
  ]);
  return { support, query, files, sample: ctx.dataDir === undefined };
}

/** COCO captions file: image_id -> captions, in file order. */
async function readCaptions(path: string): Promise<Map<number, string[]>> {
  const byImage = new Map<number, string[]>();
  for (const annotation of Field.root(await readJsonFile(path)).get('annotations').items()) {
    const imageId = annotation.get('image_id').number();
    const caption = annotation.get('caption').string();
    const list = byImage.get(imageId);
    if (list) list.push(caption);
    else byImage.set(imageId, [caption]);
  }
  return byImage;
}
