// The one path policy for names read from a dataset's files (a video id, an image file name, a clip name): such a
// name is joined to the dataset folder it belongs to and must stay inside it. An absolute name, a drive or UNC name,
// a name that climbs out with `..`, or one holding a NUL byte is refused with an error naming the file, the row and
// the field that wrote it. The policy is on the name, not on the disk: folders and files the user linked into --data
// (`~/datasets/coco -> /mnt/nfs/coco`) are the user's choice and are followed, while an annotation file can never
// make the tool read outside the folder it was given.
import { isAbsolute, join, normalize, posix, relative, resolve, sep, win32 } from 'node:path';
import { InputError } from './errors.ts';

/**
 * Where a name was read, for the error: a formatted location such as `train.csv:12 column "video_id"` or
 * `STAR_val.json: [3].video_id` (file, row, field), or a function that builds one when it is needed.
 */
export type NameSource = string | (() => string);

/** Why `name` may not be joined to a folder, or undefined when it stays inside. */
export function nameOutsideReason(name: string): string | undefined {
  if (name.includes('\0')) return 'it holds a NUL byte';
  if (name === '') return 'it is empty';
  if (isAbsolute(name) || posix.isAbsolute(name) || win32.isAbsolute(name) || /^[A-Za-z]:/.test(name)) {
    return 'it is an absolute path';
  }
  // Both separators count, so a name written on Windows (`..\\x`) is judged the same on every system.
  const climbs = normalize(name.replace(/\\/g, '/')).split(/[\\/]/)[0] === '..';
  if (climbs) return 'it climbs out of the folder with ".."';
  return undefined;
}

/**
 * `root` joined with `name`, a path that a dataset file (`where`) wrote; refused with an InputError naming that file,
 * row and field when the result would not be inside `root`.
 */
export function resolveInside(root: string, name: string, where: NameSource): string {
  const why = nameOutsideReason(name);
  const path = join(root, name);
  const inside = relative(resolve(root), resolve(path));
  if (why === undefined && inside !== '' && !inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside)) {
    return path;
  }
  const at = typeof where === 'function' ? where() : where;
  throw new InputError(
    `${at}: the name ${JSON.stringify(name)} is refused: ${why ?? 'it names the dataset folder itself'}; a dataset's ` +
      `files may only name files inside its folder (${resolve(root)}). Fix the annotation, or restore the file as published`,
    fileOf(at),
  );
}

/**
 * Refuses, as resolveInside does, a name that would leave whatever folder it is joined to later (for names checked
 * where they are read, before the folder is known: MSVD-QA's youtube_mapping.txt, NExT-QA's map_vid_vidorID.json).
 */
export function refuseOutside(name: string, where: NameSource): void {
  const why = nameOutsideReason(name);
  if (why === undefined) return;
  const at = typeof where === 'function' ? where() : where;
  throw new InputError(
    `${at}: the name ${JSON.stringify(name)} is refused: ${why}; a dataset's files may only name files inside its ` +
      'folder. Fix the annotation, or restore the file as published',
    fileOf(at),
  );
}

/** The file part of a location (`file:12 column "x"`, `file: [3].x`). */
function fileOf(where: string): string {
  return /^(.*?)(?::\d+|: )/.exec(where)?.[1] ?? where;
}
