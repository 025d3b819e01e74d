// ImageNet-1k few-shot classification (Flamingo appendix): every class name is ranked by log-likelihood after the
// prompt (the backend computes the shared prompt once), top-1 accuracy headline, top-5 beside it. Queries come from
// val, demonstrations from train; under --protocol flamingo, 10 val images per class are queried and each support
// pool holds 32 train images per class. RICES (--sampler rices) and prompt ensembling (--prompt-ensemble 6) are the
// paper's options.
//
// Class names: the 1000 names of the OpenAI CLIP / wise-ft list that open_flamingo uses (`IMAGENET_CLASSNAMES`),
// keyed by WordNet id in tasks/data/imagenet-classnames.json (wnids in the standard sorted order, from the
// `LOC_synset_mapping.txt` of the Kaggle release). Two names occur twice ("missile", "sunglasses"), so classes are
// scored by wnid, never by name. Classes outside that list (the sample data's, or a custom subset) take the first
// name of their line in `LOC_synset_mapping.txt` when the file is under --data.
import { withKeepAllScores } from './kit/class-scores.ts';
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { packagePath } from '../core/paths.ts';
import { resolveInside } from '../core/dataset-paths.ts';
import { InputError, UsageError } from '../core/errors.ts';
import { describeUsedFile, filesIn, findAllOfficialFiles, findOptionalFile } from '../core/data-files.ts';
import type { Example, ImageRef, LoadContext, OfficialFile, Task, TaskData } from '../core/types.ts';
import { MissingImages } from './kit/images.ts';
import { nameMedium } from '../core/named-by.ts';
import { sampleDataDir } from '../core/sample-data.ts';
import { RANKING_GENERATION } from './kit/generation.ts';
import { scoreClassRankings } from './kit/task-score.ts';
import { captionTemplates, rankingTemplates } from './kit/templates.ts';

const IMAGES_SOURCE = 'https://image-net.org/download-images.php (ILSVRC2012 train and val archives)';
const KAGGLE_SOURCE = 'https://www.kaggle.com/c/imagenet-object-localization-challenge/data';

export const IMAGENET_FILES = {
  train: {
    name: 'train',
    description: 'ImageNet-1k training images, one folder per class: train/<wnid>/<wnid>_<n>.JPEG',
    source: IMAGES_SOURCE,
    required: true,
  },
  val: {
    name: 'val',
    description:
      'ImageNet-1k validation images in class folders val/<wnid>/*.JPEG (as the usual valprep script leaves them), ' +
      'or flat val/ILSVRC2012_val_<n>.JPEG with LOC_val_solution.csv',
    source: IMAGES_SOURCE,
    required: true,
  },
  valSolution: {
    name: 'LOC_val_solution.csv',
    description: 'labels of a flat val/ folder (ImageId,PredictionString; the class is the first wnid)',
    source: KAGGLE_SOURCE,
    required: false,
  },
  synsets: {
    name: 'LOC_synset_mapping.txt',
    description: 'wnid and names of each class ("n01440764 tench, Tinca tinca"); only needed for classes outside the built-in 1000',
    source: KAGGLE_SOURCE,
    required: false,
  },
} satisfies Record<string, OfficialFile>;

const WNID = /^n\d{8}$/;
const IMAGE_FILE = /\.jpe?g$/i;
const FLAT_VAL_FILE = /^ILSVRC2012_val_\d{8}\.jpe?g$/i;

/** The built-in class names by wnid (the CLIP / open_flamingo list). */
export function imagenetClassNames(): Record<string, string> {
  const path = packagePath('src/tasks/data/imagenet-classnames.json');
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
}

/** An example's reference: its class (wnid) and the index of that class among the candidates. */
export interface ImagenetReference {
  wnid: string;
  /** All classes of the run, in candidate order (shared by every example). */
  classes: readonly string[];
}

export const imagenet: Task = withKeepAllScores({
  id: 'imagenet',
  title: 'ImageNet-1k (few-shot classification)',
  modality: 'image',
  kind: 'rank',
  splits: { support: 'train', query: 'val' },
  files: Object.values(IMAGENET_FILES),
  protocolPerClass: { query: 10, support: 32, classOf: (example) => (example.reference as ImagenetReference).wnid },
  // Paper: "Output: {class}"; open_flamingo: `<image>Output:{class}<|endofchunk|>`, the class appended without a space.
  templates: rankingTemplates(captionTemplates),
  generation: RANKING_GENERATION,
  // open_flamingo ranks class names by their mean token log-probability (normalize_length=True): names run from one
  // to a dozen tokens, and a sum would favour the shortest.
  lengthNormalize: true,
  postprocess: (raw) => raw.trim(),
  metric: 'top1_accuracy',
  goldCandidate: (example) => (example.reference as ImagenetReference).classes.indexOf((example.reference as ImagenetReference).wnid),
  load: loadImagenet,
  score: (items) =>
    scoreClassRankings('imagenet', items, (item) => {
      const reference = item.example.reference as ImagenetReference;
      return { classes: reference.classes, label: reference.wnid };
    }, 'top1_accuracy'),
});

async function loadImagenet(ctx: LoadContext): Promise<TaskData> {
  if (ctx.split !== undefined && ctx.split !== 'val')
    throw new UsageError(`--split ${ctx.split}: ImageNet is evaluated on "val" (the test labels are not public)`);
  const dataDir = ctx.dataDir ?? sampleDataDir('imagenet');
  const missing = new MissingImages();
  const trainDir = await findImageFolder(dataDir, IMAGENET_FILES.train, false);
  const valDir = await findImageFolder(dataDir, IMAGENET_FILES.val, true);
  const train = await classFolderImages(dataDir, trainDir);
  let val = await classFolderImages(dataDir, valDir);
  let solutionPath: string | undefined;
  if (val.length === 0) {
    solutionPath = await findOptionalFile(dataDir, IMAGENET_FILES.valSolution.name);
    if (!solutionPath)
      throw new InputError(
        `${valDir} has no class folders (val/<wnid>/) and LOC_val_solution.csv is not under --data ${dataDir}: ` +
          `sort val/ into class folders, or add LOC_val_solution.csv (${KAGGLE_SOURCE})`,
        valDir,
      );
    val = await flatValImages(dataDir, valDir, solutionPath, missing);
  }
  missing.check();
  if (train.length === 0) throw new InputError(`${trainDir}: no images in its class folders`, trainDir);
  if (val.length === 0) throw new InputError(`${valDir}: no images`, valDir);

  const classes = [...new Set([...train, ...val].map((image) => image.wnid))].sort();
  const synsetsPath = await findOptionalFile(dataDir, IMAGENET_FILES.synsets.name);
  const names = await classNames(classes, synsetsPath);
  const candidates = classes.map((wnid) => names.get(wnid)!);
  const trainClasses = new Set(train.map((image) => image.wnid));
  const unseen = classes.filter((wnid) => !trainClasses.has(wnid));
  if (unseen.length > 0)
    throw new InputError(
      `${valDir}: class(es) ${unseen.slice(0, 5).join(', ')}${unseen.length > 5 ? ', ...' : ''} have validation ` +
        `images but no folder in ${trainDir}`,
      valDir,
    );
  const toExample = (image: ClassImage): Example<ImagenetReference> => ({
    id: image.id,
    media: [image.media],
    fields: {},
    target: names.get(image.wnid)!,
    reference: { wnid: image.wnid, classes },
    candidates,
  });

  const files = [
    await describeUsedFile('train images', trainDir),
    await describeUsedFile('val images', valDir),
    ...(solutionPath ? [await describeUsedFile('val labels', solutionPath)] : []),
    ...(synsetsPath ? [await describeUsedFile('class names', synsetsPath)] : []),
  ];
  return { support: train.map(toExample), query: val.map(toExample), files, sample: ctx.dataDir === undefined };
}

interface ClassImage {
  id: string;
  wnid: string;
  media: ImageRef;
}

/**
 * The folder called `train` (or `val`) that holds the images. Archives reuse these names (the Kaggle release also has
 * Annotations/CLS-LOC/train/<wnid>/*.xml), so a candidate counts only when it holds JPEG images in class folders
 * (or, for val, directly); two that do are ambiguous.
 */
async function findImageFolder(dataDir: string, official: OfficialFile, flatAllowed: boolean): Promise<string> {
  const candidates = await findAllOfficialFiles(dataDir, official.name, { kind: 'directory' });
  const holding: string[] = [];
  for (const candidate of candidates) if (await holdsImages(dataDir, candidate, flatAllowed)) holding.push(candidate);
  if (holding.length === 1) return holding[0]!;
  if (holding.length === 0)
    throw new InputError(
      `folder ${official.name}/ with ImageNet images (${official.description}) not found anywhere under --data ` +
        `${dataDir}${candidates.length > 0 ? ` (${candidates.join(', ')} hold no JPEG images in class folders)` : ''}; ` +
        `it is published at ${official.source}`,
      official.name,
    );
  throw new InputError(
    `${official.name}/ is ambiguous: ${holding.length} folders under --data ${dataDir} hold ImageNet images: ` +
      `${holding.join(', ')}. Keep one, or point --data at a folder holding only one.`,
    official.name,
  );
}

async function holdsImages(dataDir: string, folder: string, flatAllowed: boolean): Promise<boolean> {
  for (const wnid of await classFolders(folder)) {
    for (const name of await filesIn(dataDir, join(folder, wnid))) if (IMAGE_FILE.test(name)) return true;
  }
  if (!flatAllowed) return false;
  // A flat val/ holds the official names; other datasets' flat val/ folders (VizWiz) do not count.
  for (const name of await filesIn(dataDir, folder)) if (FLAT_VAL_FILE.test(name)) return true;
  return false;
}

async function classFolders(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  // A class folder may be a symlink (a copy assembled from links): followed, as every folder under --data is.
  const isFolder = async (entry: (typeof entries)[number]) =>
    entry.isDirectory() || (entry.isSymbolicLink() && ((await stat(join(folder, entry.name)).catch(() => undefined))?.isDirectory() ?? false));
  const names: string[] = [];
  for (const entry of entries) if (WNID.test(entry.name) && (await isFolder(entry))) names.push(entry.name);
  return names.sort();
}

/** The images of `folder/<wnid>/`, class by class in wnid order, file names sorted; the id is the file's stem. */
async function classFolderImages(dataDir: string, folder: string): Promise<ClassImage[]> {
  const images: ClassImage[] = [];
  const seen = new Map<string, string>();
  const split = folder.split(/[\\/]/).pop()!;
  for (const wnid of await classFolders(folder)) {
    const names = [...(await filesIn(dataDir, join(folder, wnid)))].filter((name) => IMAGE_FILE.test(name)).sort();
    for (const name of names) {
      const id = name.replace(IMAGE_FILE, '');
      const other = seen.get(id);
      if (other !== undefined)
        throw new InputError(`${join(folder, wnid, name)}: the same image is also in ${other}/ (one image, two classes?)`, folder);
      seen.set(id, wnid);
      images.push({ id, wnid, media: { kind: 'image', id: `${split}/${wnid}/${name}`, path: join(folder, wnid, name) } });
    }
  }
  return images;
}

/** A flat val/ labelled by LOC_val_solution.csv (`ImageId,PredictionString`, the class the first wnid of the string). */
async function flatValImages(
  dataDir: string,
  folder: string,
  solutionPath: string,
  missing: MissingImages,
): Promise<ClassImage[]> {
  const text = await readFile(solutionPath, 'utf8');
  const lines = text.split(/\r?\n/);
  if (!/^ImageId,PredictionString$/.test(lines[0]?.trim() ?? ''))
    throw new InputError(`${solutionPath}:1: expected the header "ImageId,PredictionString", found ${JSON.stringify(lines[0])}`, solutionPath);
  const present = new Set([...(await filesIn(dataDir, folder))].filter((name) => IMAGE_FILE.test(name)));
  const byStem = new Map([...present].map((name) => [name.replace(IMAGE_FILE, ''), name]));
  const images: ClassImage[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (i === 0 || line.trim() === '') return;
    const where = `${solutionPath}:${i + 1}`;
    const match = /^([^,]+),(n\d{8})(?:\s|$)/.exec(line.trim());
    if (!match) throw new InputError(`${where}: expected "<ImageId>,<wnid> ...", found ${JSON.stringify(line)}`, solutionPath);
    const [, id, wnid] = match as unknown as [string, string, string];
    if (seen.has(id)) throw new InputError(`${where}: ${id} is listed twice`, solutionPath);
    seen.add(id);
    const name = byStem.get(id) ?? `${id}.JPEG`;
    const path = resolveInside(folder, name, `${where} column "ImageId"`);
    const media = nameMedium<ImageRef>({ kind: 'image', id: `val/${name}`, path }, where);
    missing.seen++;
    if (!byStem.has(id)) media.missing = missing.add(path, `${where} column "ImageId"`);
    images.push({ id, wnid, media });
  });
  const unlabelled = [...byStem.keys()].filter((id) => !seen.has(id));
  if (unlabelled.length > 0)
    throw new InputError(
      `${solutionPath}: no label for ${unlabelled.length} image(s) of ${folder}, e.g. ${unlabelled.slice(0, 3).join(', ')}`,
      solutionPath,
    );
  return images.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The name of each class: the built-in list, else the first name in LOC_synset_mapping.txt. */
async function classNames(classes: string[], synsetsPath: string | undefined): Promise<Map<string, string>> {
  const builtin = imagenetClassNames();
  const fromFile = new Map<string, string>();
  if (synsetsPath) {
    const lines = (await readFile(synsetsPath, 'utf8')).split(/\r?\n/);
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const match = /^(n\d{8})\s+(.+)$/.exec(line.trim());
      if (!match) throw new InputError(`${synsetsPath}:${i + 1}: expected "<wnid> <name>[, <name>...]", found ${JSON.stringify(line)}`, synsetsPath);
      fromFile.set(match[1]!, match[2]!.split(',')[0]!.trim());
    });
  }
  const names = new Map<string, string>();
  const unnamed: string[] = [];
  for (const wnid of classes) {
    const name = builtin[wnid] ?? fromFile.get(wnid);
    if (name === undefined) unnamed.push(wnid);
    else names.set(wnid, name);
  }
  if (unnamed.length > 0)
    throw new InputError(
      `no class name for ${unnamed.slice(0, 5).join(', ')}${unnamed.length > 5 ? ` and ${unnamed.length - 5} more` : ''}: ` +
        `not ImageNet-1k classes${synsetsPath ? `, nor in ${synsetsPath}` : '; put a LOC_synset_mapping.txt naming them under --data'}`,
    );
  return names;
}
