// A tiny generate task for the core's tests: questions about the colour of synthetic "images" (two questions per
// image share a group), scored by exact-match accuracy. Its backends read no pixels: every medium is one grey PNG on
// disk (the run probes media before drawing demonstrations), told apart by its id.
import { fileURLToPath } from 'node:url';
import { hashKey } from '../../src/core/random.ts';
import type { Example, Prompt, Shot, Task } from '../../src/core/types.ts';

const COLOURS = ['red', 'green', 'blue'];
/** The one picture every fake medium points at (the id says which "image" it is). */
export const GREY_PNG = fileURLToPath(new URL('../fixtures/media/grey.png', import.meta.url));

function examples(split: string, images: number): Example[] {
  const out: Example[] = [];
  for (let image = 0; image < images; image++) {
    const media = [{ kind: 'image' as const, id: `${split}-img${image}`, path: GREY_PNG }];
    for (const q of ['colour', 'shade']) {
      const answer = COLOURS[hashKey(split, image, q) % COLOURS.length]!;
      out.push({
        id: `${split}-${image}-${q}`,
        group: `${split}-img${image}`,
        media,
        fields: { question: `What ${q} is it?` },
        target: answer,
        reference: [answer],
      });
    }
  }
  return out;
}

function demonstration(shot: Shot): Prompt {
  return [
    ...(shot.withMedia ? shot.example.media.map((media) => ({ type: 'media' as const, media })) : []),
    { type: 'text', text: `Question: ${shot.example.fields.question} Answer: ${shot.example.target}` },
    { type: 'end_of_chunk' },
  ];
}

function query(example: Example): Prompt {
  return [
    ...example.media.map((media) => ({ type: 'media' as const, media })),
    { type: 'text', text: `Question: ${example.fields.question} Answer:` },
  ];
}

export function fakeTask(overrides: Partial<Task> = {}, sizes = { support: 30, query: 20 }): Task {
  return {
    id: 'fake-colours',
    title: 'Fake colour questions (tests only)',
    modality: 'image',
    kind: 'generate',
    splits: { support: 'train', query: 'val' },
    files: [],
    protocolQuerySize: 8,
    templates: { paper: { demonstration, query } },
    generation: { maxNewTokens: 5, numBeams: 3, lengthPenalty: 0, stopAtEndOfChunk: true },
    postprocess: (raw) => raw.trim().toLowerCase().split(/\s+/)[0] ?? '',
    metric: 'accuracy',
    async load() {
      return { support: examples('train', sizes.support), query: examples('val', sizes.query), files: [], sample: true };
    },
    score(items) {
      const perItem = items.map((item): number => ((item.example.reference as string[]).includes(item.answer) ? 100 : 0));
      const accuracy = perItem.reduce((a, b) => a + b, 0) / Math.max(1, perItem.length);
      return { metrics: { accuracy }, primary: 'accuracy', perItem };
    },
    ...overrides,
  };
}

export default fakeTask();
