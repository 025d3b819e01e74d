import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, entryKey } from '../src/run/journal.ts';
import { createProgress, formatDuration } from '../src/run/progress.ts';
import type { ExampleRecord } from '../src/core/types.ts';

const example = (id: string): ExampleRecord => ({ id, demonstrations: [], prompt: [], raw: 'x', answer: 'x', backendMs: 1 });

function journalAt(): { location: { dir: string; base: string }; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-journal-'));
  return { location: { dir, base: 'j' }, path: join(dir, 'j.jsonl') };
}

test('a journal keeps whole lines, drops a torn last line, and appends after it', () => {
  const { location, path } = journalAt();
  const first = Journal.open(location, 'abc', { a: 1 }, false);
  assert.equal(first.path, path);
  first.append({ seed: 42, example: example('q1') });
  first.append({ seed: 43, example: example('q1') });
  first.close();
  appendFileSync(path, '{"seed":42,"example":{"id":"q2"');
  const second = Journal.open(location, 'abc', { a: 1 }, false);
  assert.deepEqual([...second.entries.keys()], [entryKey(42, 'q1'), entryKey(43, 'q1')]);
  second.append({ seed: 42, example: example('q2') });
  second.close();
  const lines = readFileSync(path, 'utf8').split('\n');
  assert.equal(lines.length, 5);
  assert.deepEqual(lines.slice(0, 4).map((line) => JSON.parse(line).example?.id ?? 'header'), ['header', 'q1', 'q1', 'q2']);
  assert.equal(Journal.open(location, 'abc', {}, false).entries.size, 3);
  assert.equal(Journal.open(location, 'abc', {}, true).entries.size, 0);
  assert.equal(readFileSync(path, 'utf8').split('\n').length, 2);
});

test('a journal of another configuration or with a broken middle line is an input error naming file and line', () => {
  const { location, path } = journalAt();
  Journal.open(location, 'abc', {}, false).close();
  assert.throws(() => Journal.open(location, 'other', {}, false), (error: Error) =>
    error.name === 'InputError' && error.message.startsWith(`${path}:1: not the journal of this configuration`),
  );
  writeFileSync(path, `${readFileSync(path, 'utf8')}garbage\n{"seed":1,"example":{"id":"a"}}\n`);
  assert.throws(() => Journal.open(location, 'abc', {}, false), new RegExp(`^InputError: ${path}:2: not a JSON line`));
});

test('shards write their own journals and read each other\'s, skipping a torn last line being written', () => {
  const { location } = journalAt();
  const one = Journal.open({ ...location, shard: { index: 1, count: 2 } }, 'abc', {}, false);
  const two = Journal.open({ ...location, shard: { index: 2, count: 2 } }, 'abc', {}, false);
  one.append({ seed: 42, example: example('a') });
  two.append({ seed: 42, example: example('b') });
  appendFileSync(two.path, '{"seed":42,"exam');
  assert.deepEqual([...one.entries.keys()], [entryKey(42, 'a')]);
  one.readSiblings();
  assert.deepEqual([...one.entries.keys()].sort(), [entryKey(42, 'a'), entryKey(42, 'b')]);
  one.close();
  two.close();
  assert.match(one.path, /j\.shard1of2\.jsonl$/);
  // A run without --shard sees both shards' examples.
  const whole = Journal.open(location, 'abc', {}, false);
  assert.equal(whole.entries.size, 2);
  whole.close();
});

test('one writer per journal: a live run holds the lock, a dead one\'s lock is taken over, close releases it', () => {
  const { location, path } = journalAt();
  writeFileSync(`${path}.lock`, String(process.ppid));
  assert.throws(() => Journal.open(location, 'abc', {}, false), (error: Error) =>
    error.name === 'UsageError' && error.message.includes(`another flamingo-eval run (pid ${process.ppid}) is writing the journal ${path}`),
  );
  // A pid that cannot be running (beyond the kernel's maximum).
  writeFileSync(`${path}.lock`, '2147483647');
  const journal = Journal.open(location, 'abc', {}, false);
  assert.equal(readFileSync(`${path}.lock`, 'utf8'), String(process.pid));
  journal.close();
  assert.ok(!existsSync(`${path}.lock`));
});

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (chunk: string) => chunks.push(chunk) } as unknown as NodeJS.WriteStream };
}

test('progress: a redrawn bar with rate and ETA on a terminal', () => {
  let t = 0;
  const { chunks, stream } = fakeStream(true);
  const progress = createProgress({ label: 'okvqa 4-shot', total: 100, already: 20, quiet: false, stream, now: () => t });
  t = 2000;
  progress.advance(40);
  progress.done();
  assert.match(chunks[0]!, /^\r\x1b\[2K\[#{5}-{19}\] okvqa 4-shot 20\/100 \(20%\)/);
  assert.equal(chunks[1], '\r\x1b[2K[##############----------] okvqa 4-shot 60/100 (60%) 20.0 ex/s ETA 2s');
  assert.equal(chunks.at(-1), '\n');
});

test('progress: plain lines every 10 percent when not a terminal, nothing when quiet', () => {
  let t = 0;
  const { chunks, stream } = fakeStream(false);
  const progress = createProgress({ label: 'coco 0-shot', total: 50, already: 0, quiet: false, stream, now: () => t });
  for (let i = 0; i < 50; i++) {
    t += 100;
    progress.advance(1);
  }
  progress.done();
  assert.equal(chunks.length, 11);
  assert.ok(chunks.every((chunk) => chunk.endsWith('\n') && !chunk.includes('\x1b')));
  assert.equal(chunks.at(-1), 'coco 0-shot 50/50 (100%) 10.0 ex/s ETA 0s\n');
  const quiet = fakeStream(false);
  const silent = createProgress({ label: 'x', total: 5, already: 0, quiet: true, stream: quiet.stream });
  silent.advance(5);
  silent.done();
  assert.deepEqual(quiet.chunks, []);
});

test('durations read as seconds, minutes or hours', () => {
  assert.equal(formatDuration(42.4), '42s');
  assert.equal(formatDuration(125), '2m05s');
  assert.equal(formatDuration(3 * 3600 + 7 * 60), '3h07m');
  assert.equal(formatDuration(Infinity), '?');
});
