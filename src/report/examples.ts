// A run record's examples as the report's browser shows them: each prompt cut into its demonstrations and the query
// (at the end-of-chunk marks), media replaced by keys of the report's media table, and what judges the answer.
import { readFile } from 'node:fs/promises';
import { parseRecord } from '../run/record-schema.ts';
import { InputError } from '../core/errors.ts';
import type { ExampleRecord, PromptPart, RunRecord } from '../core/types.ts';
import type { MediaTable } from './media.ts';

export type ShownPart = { text: string } | { media: string };

export interface ShownChunk {
  /** `demonstration 2 (id)` or `query (id)`. */
  label: string;
  parts: ShownPart[];
}

export interface ShownExample {
  id: string;
  /** The item's primary metric; null where the metric has no per-item value or the example was skipped. */
  score: number | null;
  type: string | null;
  chunks: ShownChunk[];
  raw: string;
  answer: string;
  /** The references when the record keeps them (a list of texts), else the target alone; null in older records. */
  references: string[] | null;
  skipped: string | null;
}

export interface ShownTrial {
  seed: number;
  /** The trial's primary metric. */
  value: number | null;
  examples: ShownExample[];
}

/**
 * Reads a whole run record (the leaderboard reads only its ends), checked by the record schema
 * (src/run/record-schema.ts); a broken one is an error naming the file and the field.
 */
export async function readFullRecord(file: string): Promise<RunRecord> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: cannot read the run record (${(error as Error).message})`, file);
  }
  parseRecord(file, value);
  return value as RunRecord;
}

export function shownTrials(record: RunRecord, media: MediaTable, file: string): ShownTrial[] {
  const primary = record.summary?.primary;
  return record.trials.map((trial, t) => ({
    seed: trial.seed,
    value: typeof trial.metrics?.[primary] === 'number' ? trial.metrics[primary]! : null,
    examples: trial.examples.map((example, i) => shownExample(example, media, `${file}: trials[${t}].examples[${i}]`)),
  }));
}

function shownExample(example: ExampleRecord, media: MediaTable, where: string): ShownExample {
  if (typeof example?.id !== 'string' || !Array.isArray(example.prompt)) {
    throw new InputError(`${where}: an example needs a string id and a prompt list`);
  }
  const references = example.references ?? (typeof example.target === 'string' ? [example.target] : null);
  return {
    id: example.id,
    score: typeof example.score === 'number' && example.skipped === undefined ? example.score : null,
    type: typeof example.type === 'string' ? example.type : null,
    chunks: chunks(example, media),
    raw: String(example.raw ?? ''),
    answer: String(example.answer ?? ''),
    references,
    skipped: example.skipped ?? null,
  };
}

/** The prompt cut after each end of chunk: demonstrations first, the query last. */
function chunks(example: ExampleRecord, media: MediaTable): ShownChunk[] {
  const groups: ShownPart[][] = [[]];
  for (const part of example.prompt as PromptPart[]) {
    if (part.type === 'end_of_chunk') groups.push([]);
    else groups[groups.length - 1]!.push(part.type === 'text' ? { text: part.text } : { media: media.key(part.media) });
  }
  return groups.map((parts, i) => {
    const isQuery = i === groups.length - 1;
    const id = isQuery ? example.id : example.demonstrations?.[i];
    const name = isQuery ? 'query' : `demonstration ${i + 1}`;
    return { label: id !== undefined ? `${name} (${id})` : name, parts };
  });
}
