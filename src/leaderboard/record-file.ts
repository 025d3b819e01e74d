// Reads what a leaderboard needs from a run record without parsing every example. A record holds each example's
// prompt, so a full-protocol 32-shot record is tens of MB, and JSON.parse of a results folder would take minutes;
// the summary, model and task fields are a few KB at its two ends.
//
// flamingo-eval writes records with JSON.stringify(record, null, indent): every top-level key starts a line indented
// by exactly `indent` spaces, deeper lines by more, and no string holds a raw newline. So `\n<indent>"trials": ` and
// `\n<indent>"summary": ` can only be the top-level keys, and each trial starts a line `\n<2 x indent>{`.
// Anything else (another layout, other key order, a field missing) returns undefined: the caller parses it whole.

import { jsonValueEnd } from './json-scan.ts';

export interface RecordHead {
  /** The record's fields except `trials`. */
  record: Record<string, unknown>;
  trialCount: number;
}

export function readRecordHead(bytes: Buffer): RecordHead | undefined {
  const indent = /^\{\n( +)"/.exec(bytes.subarray(0, 64).toString('latin1'))?.[1]?.length;
  if (indent === undefined) return undefined;
  const pad = ' '.repeat(indent);
  const trials = bytes.indexOf(`\n${pad}"trials": [`);
  const summary = bytes.lastIndexOf(`\n${pad}"summary": `);
  if (trials < 0 || summary < trials) return undefined;

  // Trials are the only key between the two in the layout flamingo-eval writes; another key there means another layout.
  const between = bytes.indexOf(`\n${pad}"`, trials + 1);
  if (between !== summary) return undefined;

  // The trials, which are not parsed, must still be whole JSON followed by the comma before `summary`: a record damaged
  // mid-file returns undefined, and the caller's JSON.parse of the whole file names the error and the file.
  const valueStart = trials + `\n${pad}"trials": `.length;
  let after = jsonValueEnd(bytes, valueStart, summary);
  if (after < 0) return undefined;
  while (after < summary && (bytes[after] === 0x20 || bytes[after] === 0x0a || bytes[after] === 0x0d || bytes[after] === 0x09)) after++;
  if (bytes[after] !== 0x2c) return undefined;
  after++;
  while (after < summary && (bytes[after] === 0x20 || bytes[after] === 0x0a || bytes[after] === 0x0d || bytes[after] === 0x09)) after++;
  if (after !== summary) return undefined;

  let trialCount = 0;
  const trialStart = Buffer.from(`\n${pad}${pad}{`);
  for (let at = bytes.indexOf(trialStart, trials); at >= 0 && at < summary; at = bytes.indexOf(trialStart, at + 1)) {
    trialCount++;
  }

  // The head ends with the comma after the value before `trials`, so head + tail is the record without `trials`.
  const text = bytes.toString('utf8', 0, trials) + bytes.toString('utf8', summary);
  try {
    const record = JSON.parse(text) as unknown;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
    return { record: record as Record<string, unknown>, trialCount };
  } catch {
    return undefined;
  }
}
