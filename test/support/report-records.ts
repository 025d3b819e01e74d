// Run records written as a run writes them (src/run/record.ts), for the plot and report tests: any models, shots and
// per-seed scores, examples with real sample-data images, answers chosen by the test (hostile HTML included).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { summarize, writeRecord } from '../../src/run/record.ts';
import { safeName } from '../../src/core/safe-name.ts';
import type { ContextUse, ExampleRecord, PromptPart, RunRecord, Trial } from '../../src/core/types.ts';

const root = new URL('../../sample-data/', import.meta.url).pathname;
export const SAMPLE_IMAGES = readdirSync(join(root, 'okvqa/val2014'))
  .filter((name) => name.endsWith('.jpg'))
  .sort()
  .map((name) => join(root, 'okvqa/val2014', name));

export interface RecordSpec {
  model: string;
  parameters: number;
  /** The model family (default 'test'). */
  family?: string;
  task?: string;
  metric?: string;
  shots: number;
  /** The primary metric of each trial (one per seed). */
  scores: number[];
  /** Examples per trial (default 3). */
  examples?: number;
  /** Answer of example i. */
  answer?: (i: number) => string;
  type?: (i: number) => string;
  createdAt?: string;
  /** `--ablation` of the run (config.ablation, and the record name's suffix). */
  ablation?: string;
  /** Each trial's context-use figures (the summary has their means). */
  contextUse?: ContextUse;
}

function image(i: number): PromptPart {
  const path = SAMPLE_IMAGES[i % SAMPLE_IMAGES.length]!;
  return { type: 'media', media: { kind: 'image', id: `img${i % SAMPLE_IMAGES.length}`, path } };
}

export function exampleRecord(i: number, shots: number, answer: string, type?: string): ExampleRecord {
  const prompt: PromptPart[] = [];
  for (let d = 0; d < shots; d++) {
    prompt.push(image(i + d + 1), { type: 'text', text: `Question: demo ${d} of ${i}? Answer: blue` }, { type: 'end_of_chunk' });
  }
  prompt.push(image(i), { type: 'text', text: `Question: what colour is item ${i}? Answer:` });
  return {
    id: `q${i}`,
    demonstrations: Array.from({ length: shots }, (_, d) => `s${i + d + 1}`),
    prompt,
    raw: ` ${answer}`,
    answer,
    backendMs: 1,
    score: i % 3 === 0 ? 100 : i % 3 === 1 ? 30 : 0,
    target: 'blue',
    references: ['blue', 'blue', 'navy'],
    ...(type !== undefined ? { type } : {}),
  };
}

export function makeRecord(spec: RecordSpec): RunRecord {
  const task = spec.task ?? 'okvqa';
  const metric = spec.metric ?? 'vqa_accuracy';
  const n = spec.examples ?? 3;
  const trials: Trial[] = spec.scores.map((score, t) => ({
    seed: t + 1,
    metrics: { [metric]: score },
    n,
    skipped: 0,
    ...(spec.contextUse ? { contextUse: spec.contextUse } : {}),
    examples: Array.from({ length: n }, (_, i) =>
      exampleRecord(i, spec.shots, spec.answer?.(i) ?? 'blue', spec.type?.(i)),
    ),
  }));
  return {
    tool: { name: 'flamingo-eval', version: '0.0.0-test' },
    createdAt: spec.createdAt ?? '2026-01-01T00:00:00.000Z',
    config: {
      task,
      shots: spec.shots,
      sampler: 'random',
      promptStyle: 'paper',
      limit: null,
      protocol: 'none',
      split: null,
      ...(spec.ablation ? { ablation: spec.ablation } : {}),
    },
    model: { name: spec.model, family: spec.family ?? 'test', parameters: spec.parameters, contextLength: 2048, spec: spec.model },
    task: { id: task, title: task, modality: 'image', kind: 'generate', metric },
    shots: spec.shots,
    data: { sample: true, files: [], querySize: n, supportSize: 10 },
    trials,
    summary: summarize(trials, metric),
    timings: { totalMs: 1, backendMs: 1, mediaMs: 0 },
  };
}

/** Writes each record where a run would put it under `dir`; returns the paths. */
export function writeRecords(dir: string, specs: RecordSpec[]): string[] {
  return specs.map((spec) => {
    const record = makeRecord(spec);
    const path = join(dir, safeName(spec.model), `${safeName(`${record.task.id}-${spec.shots}shot${spec.ablation ? `-${spec.ablation}` : ''}`)}.json`);
    writeRecord(path, record);
    return path;
  });
}
