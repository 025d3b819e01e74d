// Reads what a leaderboard needs from a run record without parsing every example. A record holds each example's
// prompt, so a full-protocol 32-shot record is tens of MB, and JSON.parse of a results folder would take minutes;
// the summary, model and task fields are a few KB at its two ends.
//
// flamingo-eval writes records with JSON.stringify(record, null, indent): every top-level key starts a line indented
// by exactly `indent` spaces, deeper lines by more, and no string holds a raw newline. So `\n<indent>"trials": ` and
// `\n<indent>"summary": ` can only be the top-level keys, and each trial starts a line `\n<2 x indent>{`.
// Anything else (another layout, other key order, a field missing) returns undefined: the caller parses it whole.

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
