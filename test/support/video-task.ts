// A tiny video QA task for the media tests (test/media-video-run.test.ts): `clips.json` under --data lists the support
// and query clips ({id, file, answer}), each file a video beside it; the question asks how many frames the model saw.
//
// NOTE (engineer "video-tasks"): this file was overwritten by mistake at 06:14 and rewritten from what
// test/media-video-run.test.ts needs; its author may want to check it against the original.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Example, LoadContext, ScoredItem, Task, TaskData } from '../../src/core/types.ts';
import { accuracy } from '../../src/metrics/accuracy.ts';
import { toTaskScore } from '../../src/tasks/kit/task-score.ts';
import { qaTemplates } from '../../src/tasks/kit/templates.ts';

interface Clip {
  id: string;
  file: string;
  answer: string;
}

function example(dataDir: string, clip: Clip): Example<string[]> {
  return {
    id: clip.id,
    media: [{ kind: 'video', id: clip.file, path: join(dataDir, clip.file) }],
    fields: { question: 'How many frames?' },
    target: clip.answer,
    reference: [clip.answer],
  };
}

const task: Task = {
  id: 'tiny-video',
  title: 'Tiny video QA (media tests)',
  modality: 'video',
  kind: 'generate',
  splits: { support: 'support', query: 'query' },
  files: [],
  templates: qaTemplates,
  generation: { maxNewTokens: 3, numBeams: 1, lengthPenalty: 0, stopAtEndOfChunk: true },
  postprocess: (raw) => raw.trim(),
  metric: 'accuracy',
  async load(ctx: LoadContext): Promise<TaskData> {
    if (ctx.dataDir === undefined) throw new Error('tiny-video needs --data');
    const clips = JSON.parse(await readFile(join(ctx.dataDir, 'clips.json'), 'utf8')) as { support: Clip[]; query: Clip[] };
    return {
      support: clips.support.map((c) => example(ctx.dataDir!, c)),
      query: clips.query.map((c) => example(ctx.dataDir!, c)),
      files: [],
      sample: false,
    };
  },
  score(items: ScoredItem[]) {
    return toTaskScore(
      accuracy(items.map((i) => ({ id: i.example.id, prediction: i.answer, answers: i.example.reference as string[] }))),
      'accuracy',
    );
  },
};

export default task;
