// COCO captioning on the Karpathy split (Karpathy & Fei-Fei 2015), as the paper evaluates it: the 5000 test images
// are the queries, demonstrations come from train + restval (the 113k images used for training in the Karpathy
// split), and the references are the captions of the official COCO annotation file; CIDEr-D (plus BLEU, ROUGE-L).
import { InputError } from '../core/errors.ts';
import { describeUsedFile } from '../core/data-files.ts';
import type { LoadContext, OfficialFile, Task, TaskData } from '../core/types.ts';
import { COCO_TRAIN2014, COCO_VAL2014 } from './kit/coco-images.ts';
import { Field, readJsonFile } from '../readers/json.ts';
import { CAPTION_GENERATION } from './kit/generation.ts';
import { ImageFolder, MissingImages } from './kit/images.ts';
import { type KarpathyExample, karpathyQuerySplit, readKarpathySplit } from './kit/karpathy.ts';
import { findFile, officialFile } from './kit/official-files.ts';
import { postprocessCaption, sameCaption } from './kit/postprocess.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { scoreCaptionItems } from './kit/task-score.ts';
import { captionTemplates } from './kit/templates.ts';

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

/** The Karpathy splits demonstrations come from. */
const SUPPORT_SPLITS = ['train', 'restval'];

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
  normalizeAnswer: sameCaption,
  metric: 'cider',
  load: loadCoco,
  score: scoreCaptionItems,
};

async function loadCoco(ctx: LoadContext): Promise<TaskData> {
  const querySplit = karpathyQuerySplit(ctx, 'COCO');
  const dataDir = ctx.dataDir ?? sampleDataDir('coco');
  const karpathyPath = await findFile(dataDir, COCO_FILES.karpathy);
  const captionsPath = await findFile(dataDir, COCO_FILES.captions);
  const folders: Record<ImageFolderName, ImageFolder> = {
    train2014: await ImageFolder.find(dataDir, COCO_FILES.train2014),
    val2014: await ImageFolder.find(dataDir, COCO_FILES.val2014),
  };

  const references = await readCaptions(captionsPath);
  const missing = new MissingImages();
  const { support, query } = await readKarpathySplit(karpathyPath, querySplit, SUPPORT_SPLITS, missing, (image) => {
    const cocoId = image.entry.get('cocoid').number();
    const folderField = image.entry.get('filepath');
    const folderName = folderField.string();
    if (!(IMAGE_FOLDERS as readonly string[]).includes(folderName))
      folderField.fail(`expected one of ${IMAGE_FOLDERS.join(', ')}`);
    const folder = folders[folderName as ImageFolderName];
    const example: KarpathyExample = {
      id: String(cocoId),
      image: folder.image(image.fileName, missing, () => `${image.entry.where()}.filename`),
    };
    if (image.query) {
      example.reference = references.get(cocoId);
      if (!example.reference)
        throw new InputError(
          `${captionsPath}: no captions for image_id ${cocoId} (${image.entry.where()} is in the ${querySplit} split); ` +
            'is this the COCO 2014 captions file?',
          captionsPath,
        );
    }
    return example;
  });

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
