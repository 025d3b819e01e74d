// Finding the files of the video benchmarks under --data. Video releases reuse generic names (iVQA, NExT-QA and the
// Kinetics mirror all publish `train.csv`; MSVD-QA and MSRVTT-QA both publish `train_qa.json`), so a file is found by
// its official name and then told apart by content (its CSV header) or by its neighbours (MSVD-QA's
// `youtube_mapping.txt`); two files that both fit are an error, never a guess. Videos are found by file name at any
// depth (class folders, `TrainValVideo/`, `raw_videos/validation/<recipe>/` ...), and a --data folder holding none of the videos
// fails at once with the names of the first ones looked for.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { chooseOfficialFile, dataFallbackOf, findAllOfficialFiles, type FindOptions } from '../../core/data-files.ts';
import { resolveInside } from '../../core/dataset-paths.ts';
import { nameMedium } from '../../core/named-by.ts';
import type { Example, OfficialFile, VideoRef } from '../../core/types.ts';
import { VIDEO_EXTENSIONS } from '../../media/extensions.ts';
import { readCsvHeader } from '../../readers/csv.ts';

/**
 * The one file called `file.name` under `dataDir` that `accept` takes (`accept` returns why it refuses a file).
 * Errors: none by that name; some by that name but none accepted (each named, with why); more than one accepted.
 */
export async function findFileWhere(
  dataDir: string,
  file: OfficialFile,
  accept: (path: string) => string | undefined,
  choose: Pick<FindOptions, 'canonical' | 'notice'> = {},
): Promise<string> {
  const found = await findAllOfficialFiles(dataDir, file.name);
  const root = resolve(dataDir);
  if (found.length === 0) {
    throw new InputError(
      `file ${file.name} (${file.description}) not found anywhere under --data ${root}; it is published at ${file.source}`,
      file.name,
    );
  }
  const rejected: string[] = [];
  const accepted: string[] = [];
  for (const path of found) {
    const why = accept(path);
    if (why === undefined) accepted.push(path);
    else rejected.push(`${relative(root, path)} (${why})`);
  }
  if (accepted.length === 0) {
    throw new InputError(
      `file ${file.name} (${file.description}) not found under --data ${root}: ${found.length} file(s) by that name ` +
        `belong to another dataset: ${rejected.join('; ')}; it is published at ${file.source}`,
      file.name,
    );
  }
  return chooseOfficialFile(root, file.name, accepted, { description: file.description, ...choose });
}

/** True when the files have the same size and the same bytes (read synchronously: duplicates are few). */
function sameFileBytes(paths: string[]): boolean {
  const sizes = paths.map((p) => statSync(p).size);
  if (sizes.some((size) => size !== sizes[0])) return false;
  const hashes = paths.map((p) => createHash('sha256').update(readFileSync(p)).digest('hex'));
  return hashes.every((h) => h === hashes[0]);
}

function nearestToRoot(root: string, paths: string[]): string {
  const depth = (p: string) => relative(root, p).split(sep).length;
  return [...paths].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1))[0]!;
}

/** An `accept` for findFileWhere: the CSV header holds all of `columns`. */
export function hasColumns(columns: readonly string[]): (path: string) => string | undefined {
  return (path) => {
    const header = readCsvHeader(path);
    const missing = columns.filter((c) => !header.includes(c));
    return missing.length === 0 ? undefined : `its header lacks ${missing.join(', ')}`;
  };
}

/** An `accept`: the file's folder also holds `neighbour` (or, with `present` false, does not). */
export function besideFile(neighbour: string, present = true): (path: string) => string | undefined {
  return (path) => {
    let names: string[];
    try {
      names = readdirNames(dirname(path));
    } catch {
      names = [];
    }
    const has = names.includes(neighbour);
    if (has === present) return undefined;
    return present ? `no ${neighbour} beside it` : `${neighbour} beside it`;
  };
}

// Synchronous on purpose: findFileWhere's callbacks run on a handful of candidates.
function readdirNames(dir: string): string[] {
  return readdirSync(dir);
}

/** Video files under a folder, indexed by file name and by stem; folders of extracted frames by folder name. */
export class VideoLibrary {
  /** The stems in code-unit order, for prefix look-ups (built on first use). */
  private sortedStems: string[] | undefined;
  /** Stems with several files: whether those files hold the same bytes (find() reads them once). */
  private readonly identicalCopies = new Map<string, boolean>();

  private constructor(
    readonly root: string,
    private readonly byStem: Map<string, string[]>,
    private readonly folders: Map<string, string[]>,
  ) {}

  /**
   * Lists every video file (and every folder, as a possible frame folder) under `root`, once. A task folder holding no
   * video file is read as annotations only, its videos kept beside it: NExT-QA's official `nextqa/` (annotations) next
   * to `NExTVideo/`, which `--data <that folder>` reaches as `<root>/nextqa/`. Its videos are then looked for under the
   * root that folder falls back to (src/core/data-files.ts setDataFallback).
   */
  static async open(root: string): Promise<VideoLibrary> {
    const own = await VideoLibrary.walk(root);
    const fallback = dataFallbackOf(root);
    if (own.byStem.size === 0 && fallback !== undefined) return VideoLibrary.walk(fallback);
    return own;
  }

  private static async walk(root: string): Promise<VideoLibrary> {
    const byStem = new Map<string, string[]>();
    const folders = new Map<string, string[]>();
    const add = (map: Map<string, string[]>, key: string, path: string) => {
      const list = map.get(key);
      if (list) list.push(path);
      else map.set(key, [path]);
    };
    // Symlinked folders are followed (a dataset kept on another disk and linked into --data); each real folder is
    // walked once, so a link loop, or two links to one folder, cannot hang the walk or list a video twice.
    const visited = new Set<string>();
    const pending = [resolve(root)];
    while (pending.length > 0) {
      const dir = pending.pop()!;
      const real = await realpath(dir).catch(() => undefined);
      if (real === undefined || visited.has(real)) continue;
      visited.add(real);
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (entry.name.startsWith('.') || entry.name === '__MACOSX') continue;
        const path = join(dir, entry.name);
        const isDirectory = entry.isSymbolicLink()
          ? ((await stat(path).catch(() => undefined))?.isDirectory() ?? false)
          : entry.isDirectory();
        if (isDirectory) {
          pending.push(path);
          add(folders, entry.name, path);
        } else if (VIDEO_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
          add(byStem, basename(entry.name, extname(entry.name)), path);
        }
      }
    }
    for (const list of byStem.values()) list.sort();
    return new VideoLibrary(resolve(root), byStem, folders);
  }

  /**
   * The video whose file name (without extension) is `stem`, else a folder of frames called `stem`; undefined when
   * there is none. Copies with the same bytes are one video (the one nearest the root is read); two different videos
   * with that stem are an error naming both. What it returns is inside the library by construction (the index holds
   * the files found under its root, by base name); a name that is not found goes to MissingVideos.add, which refuses
   * one that would leave the folder.
   */
  find(stem: string): string | undefined {
    const files = this.byStem.get(stem);
    if (files && files.length > 1) {
      // Decided once per stem: comparing the copies reads them whole.
      let same = this.identicalCopies.get(stem);
      if (same === undefined) this.identicalCopies.set(stem, (same = sameFileBytes(files)));
      if (same) return nearestToRoot(this.root, files);
      throw new InputError(
        `video ${stem} is ambiguous: ${files.length} different files under ${this.root}: ` +
          `${files.map((p) => relative(this.root, p)).join(', ')}. Keep one, or point --data at the folder holding the one to read.`,
        files[0],
      );
    }
    if (files) return files[0];
    const folders = this.folders.get(stem);
    return folders && folders.length === 1 ? folders[0] : undefined;
  }

  /** Stems that start with `prefix` (clips cut from one YouTube video, named `<id>_<start>_<end>`). */
  stemsStartingWith(prefix: string): string[] {
    // A binary search over the sorted stems: iVQA looks up 10k prefixes among 10k clips.
    const stems = (this.sortedStems ??= [...this.byStem.keys()].sort());
    let low = 0;
    let high = stems.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (stems[middle]! < prefix) low = middle + 1;
      else high = middle;
    }
    const out: string[] = [];
    for (let i = low; i < stems.length && stems[i]!.startsWith(prefix); i++) out.push(stems[i]!);
    return out;
  }
}

/**
 * Videos the annotation files name that are not on disk. A partial download is usual for YouTube datasets (videos go
 * private), so a missing video concerns the items that show it, not the whole run: `flag` marks them, and the run
 * takes such support items out of the pool and stops on (or, under `--on-media-error skip`, skips) such queries
 * (src/run/unusable-media.ts); `add` returns the path where it was expected. When not one video of the task is found,
 * --data is wrong: `check` throws an error naming the first few.
 */
export class MissingVideos {
  private readonly found: { name: string; where: string }[] = [];
  /** Where each missing video was looked for -> the annotation that names it. */
  private readonly byPath = new Map<string, string>();

  constructor(private readonly library: VideoLibrary) {}

  /**
   * Records a missing video; returns the path it would have under the searched folder. `name` comes from an
   * annotation file (`where`): one that would leave the folder is refused (src/core/dataset-paths.ts).
   */
  add(name: string, where: string): string {
    const path = resolveInside(this.library.root, name, where);
    this.found.push({ name, where });
    if (!this.byPath.has(path)) this.byPath.set(path, where);
    return path;
  }

  /**
   * Marks the media of `examples` that are missing with the annotation that names them (`MediaRef.missing`): the run
   * takes support items so marked out of the pool before drawing demonstrations, and reports a query so marked by
   * its annotation row. Returns the examples.
   */
  flag<T extends Example>(examples: T[]): T[] {
    if (this.byPath.size === 0) return examples;
    for (const example of examples) {
      for (const media of example.media) {
        const where = this.byPath.get(media.path);
        if (where !== undefined) media.missing = where;
      }
    }
    return examples;
  }

  get count(): number {
    return this.found.length;
  }

  /** Throws when the videos of all `total` items (questions, clips, segments; YouCook2: videos) are missing. */
  check(total: number): void {
    if (this.found.length === 0 || this.found.length < total) return;
    const first = this.found
      .slice(0, 5)
      .map((m) => `${m.name} (named by ${m.where})`)
      .join('; ');
    const more = this.found.length > 5 ? `; and ${this.found.length - 5} more` : '';
    throw new InputError(`no video of the task's ${total} items is under ${this.library.root}: ${first}${more}`);
  }
}

/** A video reference; `segment` in seconds (a part of a longer video); `namedBy`: the annotation that names it. */
export function videoRef(id: string, path: string, segment?: { start: number; end: number }, namedBy?: string): VideoRef {
  const ref: VideoRef = { kind: 'video', id, path };
  if (namedBy !== undefined) nameMedium(ref, namedBy);
  if (segment) {
    ref.start = segment.start;
    ref.end = segment.end;
  }
  return ref;
}

/**
 * A clip of a longer video: the cut clip `<clipName>.<ext>` when the library has it, else the whole video
 * `<videoName>.<ext>` read over `segment`; when neither is there, missing as `<clipName>.mp4` (named by `where`).
 */
export function clipOrSegment(
  library: VideoLibrary,
  missing: MissingVideos,
  id: string,
  names: { clip: string; video: string },
  segment: { start: number; end: number },
  where: () => string,
): VideoRef {
  const namedBy = where();
  const clip = library.find(names.clip);
  if (clip !== undefined) return videoRef(id, clip, undefined, namedBy);
  const whole = library.find(names.video);
  if (whole !== undefined) return videoRef(id, whole, segment, namedBy);
  return videoRef(id, missing.add(`${names.clip}.mp4`, namedBy), undefined, namedBy);
}
