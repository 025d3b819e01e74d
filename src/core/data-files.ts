// Finding a dataset's official files under `--data`, and describing the files a run used (size, sha256).
// Users unpack archives in many ways (COCO's `annotations/` inside `coco/`, inside `data/`...), so a file is found by
// its official name at any depth. Several files of one name are no ambiguity when they hold the same bytes (a download
// tool that unpacks a release twice), nor when the task names a canonical location among them; otherwise they are an
// error that names them, never a guess.
import { createHash } from './hash.ts';
import { createReadStream, statSync } from 'node:fs';
import { mkdir, readdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { InputError } from './errors.ts';
import type { UsedFile } from './types.ts';

export interface FindOptions {
  /** 'file' (default) or 'directory'. */
  kind?: 'file' | 'directory';
  /** Where the file is published, for the error message when it is missing. */
  source?: string;
  /** What the file is ("Karpathy split file"), for error messages. */
  description?: string;
  /**
   * Where the task knows the file's canonical location among others (a release and a mirror's copy): true for a path
   * in the canonical location. Used when several files of the name differ in content.
   */
  canonical?: (path: string) => boolean;
  /** Receives the line saying which of several files was taken (default: stderr). */
  notice?: (line: string) => void;
}

function defaultNotice(line: string): void {
  process.stderr.write(`flamingo-eval: ${line}\n`);
}

async function sameBytes(paths: string[]): Promise<boolean> {
  const sizes = await Promise.all(paths.map(async (p) => (await stat(p)).size));
  if (sizes.some((size) => size !== sizes[0])) return false;
  // The cached hashes of describeUsedFile: the chosen file is described for the record anyway.
  const hashes = await Promise.all(paths.map(async (p) => (await describeUsedFile('', p)).sha256));
  return hashes.every((h) => h === hashes[0]);
}

/** The first few of many paths, and how many more: an error stays readable when a folder holds dozens of copies. */
function listed(paths: string[], shown = 6): string {
  return paths.length <= shown ? paths.join(', ') : `${paths.slice(0, shown).join(', ')} and ${paths.length - shown} more`;
}

/**
 * The one of several files of the same official name (found under `root`) to read: any of them when they hold the same
 * bytes (the canonical one, else the one nearest the root), else the only one in the task's canonical location, else
 * an InputError naming them all and how to choose. The choice is told through `options.notice`.
 */
export async function chooseOfficialFile(root: string, name: string, found: string[], options: FindOptions = {}): Promise<string> {
  if (found.length === 1) return found[0]!;
  const what = options.description ? `${name} (${options.description})` : name;
  const rel = (p: string) => relative(root, p);
  const canonical = options.canonical ? found.filter(options.canonical) : [];
  const notice = options.notice ?? defaultNotice;
  if (await sameBytes(found)) {
    const nearest = [...found].sort((a, b) => rel(a).split(sep).length - rel(b).split(sep).length || (a < b ? -1 : 1));
    const chosen = canonical.length === 1 ? canonical[0]! : nearest[0]!;
    notice(`${name}: ${found.length} identical copies under --data ${root} (${listed(found.map(rel))}); reading ${rel(chosen)}`);
    return chosen;
  }
  if (canonical.length === 1) {
    const others = found.filter((p) => p !== canonical[0]);
    notice(
      `${name}: reading ${rel(canonical[0]!)} (the canonical location); ${listed(others.map(rel))} differ(s) from it and ` +
        'was not read (point --data at the folder of the one you want to read it instead)',
    );
    return canonical[0]!;
  }
  throw new InputError(
    `${what} is ambiguous: ${found.length} different files under --data ${root}: ${listed(found.map(rel))}. ` +
      `Point --data at the folder holding the one to read (e.g. --data ${dirname(found[0]!)}), or remove the others.`,
    name,
  );
}

interface Entry {
  path: string;
  isDirectory: boolean;
}

interface FolderIndex {
  byName: Map<string, Entry[]>;
  /** The file names directly inside each folder walked. */
  files: Map<string, string[]>;
}

// One walk per data folder per process: tasks look up several names, and a COCO folder holds ~200k files.
const walks = new Map<string, Promise<FolderIndex>>();

/** Forgets the cached listings (for tests that change a folder after searching it). */
export function clearFileIndex(): void {
  walks.clear();
}

/**
 * The path of the file (or folder) called `name` anywhere under `dataDir`. Hidden entries and macOS `__MACOSX`
 * folders (left by zip archives) are not searched. Throws an InputError naming the file, the folder searched and the
 * file's source when there is no match, and listing the candidates when there are several.
 */
export async function findOfficialFile(dataDir: string, name: string, options: FindOptions = {}): Promise<string> {
  const found = await findAll(dataDir, name, options);
  const what = options.description ? `${name} (${options.description})` : name;
  const kind = options.kind ?? 'file';
  if (found.length === 0) {
    const from = options.source ? `; it is published at ${options.source}` : '';
    throw new InputError(
      `${kind === 'directory' ? 'folder' : 'file'} ${what} not found anywhere under --data ${resolve(dataDir)}${from}`,
      name,
    );
  }
  return chooseOfficialFile(resolve(dataDir), name, found, options);
}

/** Like findOfficialFile, but undefined when the file is absent (optional files). Still refuses ambiguity. */
export async function findOptionalFile(
  dataDir: string,
  name: string,
  options: FindOptions = {},
): Promise<string | undefined> {
  const found = await findAll(dataDir, name, options);
  if (found.length === 0) return undefined;
  return findOfficialFile(dataDir, name, options);
}

/**
 * Every file (or folder) called `name` under `dataDir`, sorted: for generic names that an archive holds several times
 * (ImageNet's `train/` holds images, its annotations' `train/` XML files), which the caller tells apart by content.
 */
export async function findAllOfficialFiles(dataDir: string, name: string, options: FindOptions = {}): Promise<string[]> {
  return findAll(dataDir, name, options);
}

/**
 * The names of the files directly inside `folder`, a folder under `dataDir` found by findOfficialFile: taken from the
 * walk already made, so an image folder of 83k files is not listed twice.
 */
export async function filesIn(dataDir: string, folder: string): Promise<Set<string>> {
  const listed = (await walkOf(dataDir)).files.get(resolve(folder));
  if (listed) return new Set(listed);
  const entries = await readdir(folder, { withFileTypes: true });
  return new Set(entries.filter((e) => !e.isDirectory()).map((e) => e.name));
}

async function walkOf(dataDir: string): Promise<FolderIndex> {
  const root = resolve(dataDir);
  let walk = walks.get(root);
  if (!walk) {
    walk = (async () => {
      const rootStat = await stat(root).catch(() => undefined);
      if (!rootStat?.isDirectory()) throw new InputError(`--data ${root} is not a folder`, root);
      return indexFolder(root);
    })();
    walks.set(root, walk);
    // A failed walk (no such folder) is not cached: the user may create it and retry in the same process.
    walk.catch(() => walks.delete(root));
  }
  return walk;
}

/** A task's own folder -> the root folder searched when a name is not under it (`--data <root>` with `<root>/<task>/`). */
const fallbacks = new Map<string, string>();

/**
 * Names `root` as where files not found under `taskDir` are looked for: a task reading `<root>/<task id>/` still finds
 * what it shares with others at the root (OK-VQA's COCO images under `<root>/coco/`). Files under `taskDir` win, so
 * generic names of other datasets at the root (ImageNet's and Kinetics' `train/` beside VizWiz's) are not ambiguous.
 */
export function setDataFallback(taskDir: string, root: string | undefined): void {
  const key = resolve(taskDir);
  if (root === undefined || resolve(root) === key) fallbacks.delete(key);
  else fallbacks.set(key, resolve(root));
}

/** The root searched for what `taskDir` lacks (setDataFallback), if one is set. */
export function dataFallbackOf(taskDir: string): string | undefined {
  return fallbacks.get(resolve(taskDir));
}

async function findAll(dataDir: string, name: string, options: FindOptions): Promise<string[]> {
  const wantDirectory = (options.kind ?? 'file') === 'directory';
  const under = async (dir: string) =>
    ((await walkOf(dir)).byName.get(name) ?? [])
      .filter((e) => e.isDirectory === wantDirectory)
      .map((e) => e.path)
      .sort();
  const own = await under(dataDir);
  const fallback = fallbacks.get(resolve(dataDir));
  return own.length > 0 || fallback === undefined ? own : under(fallback);
}

async function indexFolder(root: string): Promise<FolderIndex> {
  const byName = new Map<string, Entry[]>();
  const files = new Map<string, string[]>();
  // Symlinked folders are entered (`~/datasets/coco -> /mnt/nfs/coco`); each real folder is walked once, so a link
  // loop cannot hang the walk and two links to one folder do not make its files ambiguous.
  const visited = new Set<string>();
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    const real = await realpath(dir).catch(() => undefined);
    if (real === undefined || visited.has(real)) continue;
    visited.add(real);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const here: string[] = [];
    files.set(dir, here);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) isDirectory = (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
      if (!isDirectory) here.push(entry.name);
      if (entry.name.startsWith('.') || entry.name === '__MACOSX') continue;
      const list = byName.get(entry.name);
      if (list) list.push({ path, isDirectory });
      else byName.set(entry.name, [{ path, isDirectory }]);
      if (isDirectory) pending.push(path);
    }
  }
  return { byName, files };
}

// ---------------------------------------------------------------------------------------------------------------
// Describing used files
// ---------------------------------------------------------------------------------------------------------------

/** Files at least this large have their hash cached (by path, size and mtime), so reruns do not rehash gigabytes. */
const CACHE_THRESHOLD = 16 * 1024 * 1024;

interface CachedHash {
  bytes: number;
  mtimeMs: number;
  sha256: string;
}

/** The folder of flamingo-eval's caches: $FLAMINGO_EVAL_CACHE, else $XDG_CACHE_HOME/flamingo-eval, else ~/.cache. */
export function cacheDir(): string {
  return (
    process.env.FLAMINGO_EVAL_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'flamingo-eval')
  );
}

/**
 * A used file for the run record: its size and sha256. For a folder (an image folder), `bytes` is the total size of
 * the files in it and `sha256` hashes its listing (relative path and size of each file, sorted), not the contents:
 * reading 13 GB of COCO images to record a run would cost more than the run.
 */
export async function describeUsedFile(role: string, path: string): Promise<UsedFile> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new InputError(`${absolute} does not exist`, absolute);
  if (info.isDirectory()) {
    const { bytes, sha256 } = await describeFolder(absolute);
    return { role, path: absolute, bytes, sha256 };
  }
  if (info.size < CACHE_THRESHOLD) return { role, path: absolute, bytes: info.size, sha256: await hashFile(absolute) };
  const cacheFile = join(cacheDir(), 'file-hashes.json');
  const cache = await readCache(cacheFile);
  const hit = cache[absolute];
  if (hit && hit.bytes === info.size && hit.mtimeMs === info.mtimeMs) {
    return { role, path: absolute, bytes: info.size, sha256: hit.sha256 };
  }
  const sha256 = await hashFile(absolute);
  // Re-read before writing: another run may have added entries meanwhile.
  const latest = await readCache(cacheFile);
  latest[absolute] = { bytes: info.size, mtimeMs: info.mtimeMs, sha256 };
  await writeCache(cacheFile, latest);
  return { role, path: absolute, bytes: info.size, sha256 };
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolveHash, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolveHash(hash.digest('hex')));
  });
}

async function describeFolder(root: string): Promise<{ bytes: number; sha256: string }> {
  const lines: string[] = [];
  let bytes = 0;
  const pending = [''];
  while (pending.length > 0) {
    const prefix = pending.pop()!;
    const dir = join(root, prefix);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) pending.push(name);
      else if (entry.isFile() || entry.isSymbolicLink()) {
        // Synchronous stat: ~10 us per file against ~60 us through the thread pool (measured on 20k files), which is
        // the difference between 1 s and 5 s on COCO's 83k training images. A symlinked file counts as the file it
        // points to (a linked folder is not entered: a link loop could not end).
        const info = entry.isFile() ? statSync(join(root, name)) : statSync(join(root, name), { throwIfNoEntry: false });
        if (!info?.isFile()) continue;
        const size = info.size;
        bytes += size;
        lines.push(`${name}\t${size}`);
      }
    }
  }
  lines.sort();
  return { bytes, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

async function readCache(file: string): Promise<Record<string, CachedHash>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, CachedHash>) : {};
  } catch {
    return {};
  }
}

async function writeCache(file: string, cache: Record<string, CachedHash>): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(cache));
    await rename(temporary, file);
  } catch {
    // A cache we cannot write only costs a rehash next time.
  }
}
