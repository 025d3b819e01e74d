// The Karpathy split files (Karpathy & Fei-Fei 2015, caption_datasets.zip), read by COCO and Flickr30K captioning:
// `{"images": [{"split": "train" | "restval" | "val" | "test", "filename", "sentences": [{"raw", ...}], ...}]}`
// (dataset_coco.json adds "filepath" and "cocoid").
import { InputError, UsageError } from '../../core/errors.ts';
import type { Example, ImageRef, LoadContext } from '../../core/types.ts';
import { Field, readJsonFile } from '../../readers/json.ts';
import type { MissingImages } from './images.ts';

/** Karpathy splits that may be evaluated (`--split`, the first is the default). */
const QUERY_SPLITS = ['test', 'val'];

/** `--split`: the Karpathy split to evaluate. */
export function karpathyQuerySplit(ctx: LoadContext, title: string): string {
  const split = ctx.split ?? QUERY_SPLITS[0]!;
  if (!QUERY_SPLITS.includes(split))
    throw new UsageError(`--split ${split}: ${title} is evaluated on a Karpathy split, one of ${QUERY_SPLITS.join(', ')}`);
  return split;
}

/** An image of the query or a support split, as the file lists it. */
export interface KarpathyImage {
  /** Its entry in the file, for dataset-specific fields and for error messages. */
  entry: Field;
  query: boolean;
  fileName: string;
  sentences: string[];
}

/** What a dataset makes of one image: its id, the image file, and (when not its Karpathy sentences) its references. */
export interface KarpathyExample {
  id: string;
  image: ImageRef;
  reference?: string[];
}

/**
 * The query split's and the support splits' images as examples, in file order (entries of other splits are not read
 * further). Missing images are checked before an empty split is reported.
 */
export async function readKarpathySplit(
  path: string,
  querySplit: string,
  supportSplits: readonly string[],
  missing: MissingImages,
  toExample: (image: KarpathyImage) => KarpathyExample,
): Promise<{ support: Example<string[]>[]; query: Example<string[]>[] }> {
  const support: Example<string[]>[] = [];
  const query: Example<string[]>[] = [];
  for (const entry of Field.root(await readJsonFile(path)).get('images').items()) {
    const split = entry.get('split').string();
    const isQuery = split === querySplit;
    if (!isQuery && !supportSplits.includes(split)) continue;
    const fileName = entry.get('filename').string();
    const sentencesField = entry.get('sentences');
    const sentences = sentencesField.items().map((s) => s.get('raw').string());
    if (sentences.length === 0) sentencesField.fail('no sentences');
    const { id, image, reference } = toExample({ entry, query: isQuery, fileName, sentences });
    (isQuery ? query : support).push({
      id,
      group: id,
      media: [image],
      fields: {},
      // open_flamingo shows the first Karpathy sentence of a demonstration image.
      target: sentences[0]!,
      reference: reference ?? sentences,
    });
  }
  missing.check();
  if (query.length === 0) throw new InputError(`${path}: no images in the "${querySplit}" split`, path);
  const names = supportSplits.join(' or ');
  if (support.length === 0) throw new InputError(`${path}: no images in the ${names} split${supportSplits.length > 1 ? 's' : ''}`, path);
  return { support, query };
}
