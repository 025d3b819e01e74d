// The run journal: one JSONL file per configuration, one line per finished example, appended the moment it is done.
// Each line is written with a single write() on an O_APPEND descriptor, so a killed process (even kill -9) loses at
// most the line being written; the data is flushed to disk (fdatasync) at most every second and on close, which
// only matters if the machine itself goes down. On reopening, a torn last line is cut off before appending.
import { closeSync, existsSync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../errors.ts';
import type { ExampleRecord } from '../types.ts';

export interface JournalEntry {
  seed: number;
  example: ExampleRecord;
}

interface JournalHeader {
  journal: 'flamingo-eval';
  configHash: string;
  config: unknown;
}

const SYNC_INTERVAL_MS = 1000;

export function entryKey(seed: number, id: string): string {
  return `${seed}\u0000${id}`;
}

export class Journal {
  private lastSync = Date.now();
  private unsynced = false;

  private constructor(
    readonly path: string,
    private fd: number,
    /** The journal's entries by entryKey(seed, id): those read when it was opened, then those appended. */
    readonly entries: Map<string, JournalEntry>,
  ) {}

  /** Opens (or creates) the journal of a configuration; `fresh` discards what it holds. */
  static open(path: string, configHash: string, config: unknown, fresh: boolean): Journal {
    mkdirSync(dirname(path), { recursive: true });
    const entries = new Map<string, JournalEntry>();
    let keepBytes = 0;
    if (!fresh && existsSync(path)) {
      const text = readFileSync(path);
      keepBytes = readEntries(path, text, configHash, entries);
    }
    const fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
    ftruncateSync(fd, keepBytes);
    closeSync(fd);
    const journal = new Journal(path, openSync(path, 'a'), entries);
    if (keepBytes === 0) journal.write({ journal: 'flamingo-eval', configHash, config } satisfies JournalHeader);
    return journal;
  }

  /** Writes the entry at once and adds it to `entries` (a later entry for the same key replaces an earlier one). */
  append(entry: JournalEntry): void {
    this.write(entry);
    this.entries.set(entryKey(entry.seed, entry.example.id), entry);
  }

  private write(value: unknown): void {
    writeSync(this.fd, `${JSON.stringify(value)}\n`);
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
  }
}

/** Parses the journal into `entries`; returns how many bytes are whole lines to keep (a torn last line is dropped). */
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
      entries.set(entryKey(entry.seed, entry.example.id), entry);
    }
    offset = end + 1;
  }
  return offset;
}
