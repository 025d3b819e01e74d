// The run journal: one JSONL file per configuration, one line per finished example, appended the moment it is done.
// Each line is written with a single write() on an O_APPEND descriptor, so a killed process (even kill -9) loses at
// most the line being written; the data is flushed to disk (fdatasync) at most every second and on close, which
// only matters if the machine itself goes down. On reopening, a torn last line is cut off before appending.
// A run split with --shard i/n writes one journal per shard and reads the others' (a torn last line there is skipped).
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { InputError, RunError, UsageError } from '../core/errors.ts';
import type { ExampleRecord } from '../core/types.ts';

export interface JournalEntry {
  seed: number;
  example: ExampleRecord;
}

interface JournalHeader {
  journal: 'flamingo-eval';
  configHash: string;
  /** What the hash covers; from format 2 on, `{parts}`: each identity part's hash (src/run/identity.ts). */
  config: unknown;
}

/** A journal of the same task, shots and variant written under another configuration (another hash). */
export interface OtherJournal {
  path: string;
  /** Its identity parts' hashes, when its header has them (journals of earlier versions do not). */
  parts?: Record<string, string>;
  /** Finished examples in it (whole lines after the header). */
  examples: number;
}

/** True when `dir` holds a journal of `<base>` (`<base>.jsonl` or one of its shards'). */
export function hasJournal(dir: string, base: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((name) => (name === `${base}.jsonl` || name.startsWith(`${base}.shard`)) && name.endsWith('.jsonl'));
}

/**
 * The journals in `dir` named `<stem>-<hash>[.shard<i>of<n>].jsonl` with another hash than `configHash`: a run says it
 * does not resume them, so that a changed model, data folder or flag is not mistaken for a lost journal.
 */
export function otherJournals(dir: string, stem: string, configHash: string): OtherJournal[] {
  if (!existsSync(dir)) return [];
  const pattern = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-([0-9a-f]{16})(\\.shard\\d+of\\d+)?\\.jsonl$`);
  const found: OtherJournal[] = [];
  for (const name of readdirSync(dir).sort()) {
    const match = pattern.exec(name);
    if (!match || match[1] === configHash) continue;
    const path = join(dir, name);
    const bytes = readFileSync(path);
    let lines = 0;
    for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) lines++;
    let parts: Record<string, string> | undefined;
    try {
      const header = bytes.subarray(0, Math.max(0, bytes.indexOf(0x0a))).toString('utf8');
      const config = (JSON.parse(header) as Partial<JournalHeader>).config as { parts?: unknown } | undefined;
      if (config && typeof config.parts === 'object' && config.parts !== null) parts = config.parts as Record<string, string>;
    } catch {
      // An unreadable header: reported without its parts.
    }
    found.push({ path, parts, examples: Math.max(0, lines - 1) });
  }
  return found;
}

const SYNC_INTERVAL_MS = 1000;

export function entryKey(seed: number, id: string): string {
  return `${seed}\u0000${id}`;
}

export interface JournalLocation {
  dir: string;
  /** `<record stem>-<config hash>`: every journal of one configuration starts with it. */
  base: string;
  /** `--shard i/n`: this process writes its own journal, `<base>.shard<i>of<n>.jsonl`, and reads the others. */
  shard?: { index: number; count: number };
}

export class Journal {
  private lastSync = Date.now();
  private unsynced = false;

  private constructor(
    readonly path: string,
    private readonly location: JournalLocation,
    private readonly configHash: string,
    private fd: number,
    /** The entries by entryKey(seed, id): this journal's and its siblings', then those appended. */
    readonly entries: Map<string, JournalEntry>,
  ) {}

  /**
   * Opens (or creates) this process's journal of a configuration, after reading the other journals of the same
   * configuration (written by `--shard` runs); `fresh` discards what they hold.
   */
  static open(location: JournalLocation, configHash: string, config: unknown, fresh: boolean): Journal {
    const { dir, base, shard } = location;
    const path = join(dir, shard ? `${base}.shard${shard.index}of${shard.count}.jsonl` : `${base}.jsonl`);
    mkdirSync(dir, { recursive: true });
    lock(path);
    try {
      const entries = new Map<string, JournalEntry>();
      let keepBytes = 0;
      if (!fresh) {
        for (const sibling of siblingJournals(location, path)) readEntries(sibling, readFileSync(sibling), configHash, entries);
        if (existsSync(path)) keepBytes = readEntries(path, readFileSync(path), configHash, entries);
      }
      const fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
      ftruncateSync(fd, keepBytes);
      closeSync(fd);
      const journal = new Journal(path, location, configHash, openSync(path, 'a'), entries);
      if (keepBytes === 0) journal.write({ journal: 'flamingo-eval', configHash, config } satisfies JournalHeader);
      return journal;
    } catch (error) {
      rmSync(`${path}.lock`, { force: true });
      throw error;
    }
  }

  /** Adds what the other journals of this configuration hold now (other parts may have finished meanwhile). */
  readSiblings(): void {
    for (const sibling of siblingJournals(this.location, this.path)) {
      const found = new Map<string, JournalEntry>();
      readEntries(sibling, readFileSync(sibling), this.configHash, found);
      for (const [key, entry] of found) if (!this.entries.has(key)) this.entries.set(key, entry);
    }
  }

  /** Writes the entry at once and adds it to `entries` (a later entry for the same key replaces an earlier one). */
  append(entry: JournalEntry): void {
    this.write(entry);
    this.entries.set(entryKey(entry.seed, entry.example.id), entry);
  }

  private write(value: unknown): void {
    try {
      writeSync(this.fd, `${JSON.stringify(value)}\n`);
    } catch (error) {
      // A full disk: a line cut short is dropped when the journal is reopened; the lines before it are kept.
      const code = (error as NodeJS.ErrnoException).code;
      const hint = code === 'ENOSPC' || code === 'EDQUOT' ? ': the disk is full (or over quota); free some space and run the same command again to resume' : '';
      throw new RunError(`cannot write the journal ${this.path} (${code ?? (error as Error).message})${hint}`, { cause: error });
    }
    this.unsynced = true;
    if (Date.now() - this.lastSync >= SYNC_INTERVAL_MS) this.sync();
  }

  private sync(): void {
    if (!this.unsynced) return;
    fdatasyncSync(this.fd);
    this.unsynced = false;
    this.lastSync = Date.now();
  }

  close(): void {
    if (this.fd < 0) return;
    this.sync();
    closeSync(this.fd);
    this.fd = -1;
    rmSync(`${this.path}.lock`, { force: true });
  }
}

/** Parses the journal into `entries`; returns how many bytes are whole lines to keep (a torn last line is dropped). */
/**
 * One writer per journal: `<journal>.lock` holds the writer's pid. Two runs of the same command at once would
 * compute everything twice and could cut each other's lines when reopening; a lock left by a dead process is taken over.
 */
function lock(path: string): void {
  const lockFile = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(lockFile, 'utf8'));
      if (pid !== process.pid && isAlive(pid)) {
        throw new UsageError(
          `another flamingo-eval run (pid ${pid}) is writing the journal ${path}; wait for it to finish, ` +
            `or split the work between runs with --shard i/n (if no such run is going on, delete ${lockFile})`,
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new UsageError(`cannot lock the journal ${path} (${lockFile} keeps reappearing)`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

function siblingJournals({ dir, base }: JournalLocation, own: string): string[] {
  return readdirSync(dir)
    .filter((name) => (name === `${base}.jsonl` || name.startsWith(`${base}.shard`)) && name.endsWith('.jsonl'))
    .map((name) => join(dir, name))
    .filter((path) => path !== own)
    .sort();
}

function readEntries(path: string, bytes: Buffer, configHash: string, entries: Map<string, JournalEntry>): number {
  let offset = 0;
  let line = 0;
  while (offset < bytes.length) {
    const end = bytes.indexOf(0x0a, offset);
    if (end < 0) return offset; // torn last line: the process died while writing it
    line++;
    const text = bytes.subarray(offset, end).toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new InputError(`${path}:${line}: not a JSON line; delete the journal or run with --fresh`, path);
    }
    if (line === 1) {
      const header = value as Partial<JournalHeader>;
      if (header.journal !== 'flamingo-eval' || header.configHash !== configHash) {
        throw new InputError(`${path}:1: not the journal of this configuration; delete it or run with --fresh`, path);
      }
    } else {
      const entry = value as JournalEntry;
      if (typeof entry.seed !== 'number' || typeof entry.example?.id !== 'string') {
        throw new InputError(`${path}:${line}: a journal entry needs "seed" and "example.id"; run with --fresh`, path);
      }
      const key = entryKey(entry.seed, entry.example.id);
      checkRepeat(entries.get(key), entry, path, line);
      entries.set(key, entry);
      lineOf.set(entry, { path, line });
    }
    offset = end + 1;
  }
  return offset;
}

/** Where each entry read from a file was, for the error when another line repeats it. */
const lineOf = new WeakMap<JournalEntry, { path: string; line: number }>();

/** Fields that differ between two runs of one example without changing its answer. */
const TIMING_FIELDS = new Set(['backendMs', 'mediaMs']);

/**
 * A journal trusts no duplicate. An example is journaled again legitimately when its earlier entry was skipped (an
 * unreadable medium, tried again) or was asked another prompt (the later entry is the one for this prompt); a repeat
 * of the same prompt must then be the same answer, or the journal was edited or two runs disagree: an error naming
 * both lines, rather than letting the later line win silently. Identical repeats (timings aside) are accepted.
 */
function checkRepeat(earlier: JournalEntry | undefined, entry: JournalEntry, path: string, line: number): void {
  if (earlier === undefined || earlier.example.skipped !== undefined) return;
  if (JSON.stringify(earlier.example.prompt) !== JSON.stringify(entry.example.prompt)) return;
  const a = comparable(earlier.example);
  const b = comparable(entry.example);
  if (a === b) return;
  const first = lineOf.get(earlier);
  const differs = differingFields(earlier.example, entry.example);
  throw new InputError(
    `${path}:${line}: example ${entry.example.id} (seed ${entry.seed}) is already in the journal at ` +
      `${first ? `${first.path}:${first.line}` : 'an earlier line'} with another answer (${differs.join(', ')} differ); ` +
      'a journal line was edited or appended by hand, or two runs disagree: delete the wrong line, or run with --fresh',
    path,
  );
}

function comparable(example: ExampleRecord): string {
  return JSON.stringify(example, (key, value: unknown) => (TIMING_FIELDS.has(key) ? undefined : value));
}

function differingFields(a: ExampleRecord, b: ExampleRecord): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((key) => !TIMING_FIELDS.has(key)));
  const record = (x: ExampleRecord) => x as unknown as Record<string, unknown>;
  return [...keys].filter((key) => JSON.stringify(record(a)[key]) !== JSON.stringify(record(b)[key]));
}
