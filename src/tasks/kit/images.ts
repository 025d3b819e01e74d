// Image folders of the official releases (COCO's train2014/, val2014/, ...): found by name under --data and listed
// once. An image an annotation names that is not in the folder is marked missing with that annotation (the run takes
// a support item so marked out of the pool before drawing demonstrations, and stops at the start, or skips under
// --on-media-error skip, a query so marked: src/run/unusable-media.ts); a folder holding none of the images named is
// the wrong folder, refused at once.
import { InputError } from '../../core/errors.ts';
import { resolveInside } from '../../core/dataset-paths.ts';
import { nameMedium } from '../../core/named-by.ts';
import { filesIn, findOfficialFile } from '../../core/data-files.ts';
import type { ImageRef, OfficialFile } from '../../core/types.ts';

export class ImageFolder {
  /**
   * The reference of each name already checked: VQAv2 asks ~5 questions about each image (658,111 about 123,287 at
   * full size), and the path checks of resolveInside were 15% of loading it (bench/vqav2-load-vs-python.ts).
   */
  private readonly checked = new Map<string, ImageRef>();

  private constructor(
    /** The folder's official name, used in image ids ("val2014/COCO_val2014_000000000042.jpg"). */
    readonly name: string,
    readonly path: string,
    private readonly files: Set<string>,
  ) {}

  static async find(dataDir: string, official: OfficialFile): Promise<ImageFolder> {
    const path = await findOfficialFile(dataDir, official.name, {
      kind: 'directory',
      source: official.source,
      description: official.description,
    });
    return new ImageFolder(official.name, path, await filesIn(dataDir, path));
  }

  /** Whether the folder holds `fileName` (for datasets whose images live in one of several folders). */
  has(fileName: string): boolean {
    return this.files.has(fileName);
  }

  /**
   * The image `fileName`, which `where` (a file and field) refers to; marked missing (with `where`) and counted by
   * `missing` when absent. A name that would leave the folder (`../`, absolute) is refused, naming `where`
   * (src/core/dataset-paths.ts).
   */
  image(fileName: string, missing: MissingImages, where: () => string): ImageRef {
    let known = this.checked.get(fileName);
    if (known === undefined) {
      // One reference per image, named by the first annotation that names it: VQAv2 names each image ~5 times.
      const namedBy = where();
      const path = resolveInside(this.path, fileName, () => namedBy);
      known = nameMedium<ImageRef>({ kind: 'image', id: `${this.name}/${fileName}`, path }, namedBy);
      this.checked.set(fileName, known);
    }
    missing.seen++;
    if (this.files.has(fileName)) return known;
    // A missing image: each reference names its own annotation row.
    const row = where();
    return nameMedium<ImageRef>({ kind: 'image', id: known.id, path: known.path, missing: missing.add(known.path, row) }, row);
  }
}

/**
 * The images a task's annotations name that are not on disk. A partial copy is usual (a download cut short), so a
 * missing image concerns the items that show it, not the run; but when not one image is there, --data points at the
 * wrong folder: `check()` then throws an error naming the first few.
 */
export class MissingImages {
  private readonly found: { file: string; where: string }[] = [];
  /** Images named (references, counted by ImageFolder.image or by the task). */
  seen = 0;

  /** Records a missing image; returns `where`, for MediaRef.missing. */
  add(file: string, where: string): string {
    this.found.push({ file, where });
    return where;
  }

  /** Throws when every image named is missing. */
  check(): void {
    if (this.found.length === 0 || this.found.length < this.seen) return;
    const first = this.found
      .slice(0, 5)
      .map((m) => `${m.file} (named by ${m.where})`)
      .join('; ');
    const more = this.found.length > 5 ? `; and ${this.found.length - 5} more` : '';
    throw new InputError(`not one of the ${this.seen} image(s) the annotations name is on disk: ${first}${more}`);
  }
}
