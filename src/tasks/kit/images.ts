// Image folders of the official releases (COCO's train2014/, val2014/, ...): found by name under --data, listed once,
// and every image a dataset refers to checked before the run starts, so a partial download fails in seconds with the
// names of the missing files, not hours into a run.
import { InputError } from '../../core/errors.ts';
import { resolveInside } from '../../core/dataset-paths.ts';
import { filesIn, findOfficialFile } from '../../core/data-files.ts';
import type { ImageRef, OfficialFile } from '../../core/types.ts';

export class ImageFolder {
  /**
   * The path and id of each name already checked: VQAv2 asks ~5 questions about each image (658,111 about 123,287 at
   * full size), and the path checks of resolveInside were 15% of loading it (bench/vqav2-load-vs-python.ts).
   */
  private readonly checked = new Map<string, { path: string; id: string }>();

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
   * The image `fileName`, which `where` (a file and field) refers to; collects it as missing when absent. A name that
   * would leave the folder (`../`, absolute) is refused, naming `where` (src/core/dataset-paths.ts).
   */
  image(fileName: string, missing: MissingImages, where: () => string): ImageRef {
    let known = this.checked.get(fileName);
    if (known === undefined) {
      known = { path: resolveInside(this.path, fileName, where), id: `${this.name}/${fileName}` };
      this.checked.set(fileName, known);
    }
    if (!this.files.has(fileName)) missing.add(known.path, where());
    return { kind: 'image', id: known.id, path: known.path };
  }
}

/** Missing images found while loading; `check()` throws one error with their count and the first few paths. */
export class MissingImages {
  private readonly found: { file: string; where: string }[] = [];

  add(file: string, where: string): void {
    this.found.push({ file, where });
  }

  check(): void {
    if (this.found.length === 0) return;
    const first = this.found
      .slice(0, 5)
      .map((m) => `${m.file} (named by ${m.where})`)
      .join('; ');
    const more = this.found.length > 5 ? `; and ${this.found.length - 5} more` : '';
    throw new InputError(`${this.found.length} image(s) not found: ${first}${more}`);
  }
}
