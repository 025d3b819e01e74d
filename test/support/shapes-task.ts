// A generate task for the context-use tests (`--task test/support/shapes-task.ts`): 400 queries about synthetic
// images, each image showing one of eight shapes, its answer; 200 support items. Every medium is one grey PNG,
// told apart by its id.
import { hashKey } from '../../src/core/random.ts';
import type { Example } from '../../src/core/types.ts';
import { fakeTask, GREY_PNG } from './fake-task.ts';

export const SHAPES = ['circle', 'square', 'star', 'heart', 'cross', 'ring', 'arrow', 'moon'];

/** The shape an image shows: a function of the image's id alone. */
export function shapeOf(imageId: string): string {
  return SHAPES[hashKey('shape', imageId) % SHAPES.length]!;
}

function examples(split: string, count: number): Example[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `${split}-shape${i}`;
    const answer = shapeOf(id);
    return {
      id: `${split}-${i}`,
      media: [{ kind: 'image' as const, id, path: GREY_PNG }],
      fields: { question: 'What shape is it?' },
      target: answer,
      reference: [answer],
    };
  });
}

export default fakeTask({
  id: 'fake-shapes',
  title: 'Fake shape questions (tests only)',
  async load() {
    return { support: examples('train', 200), query: examples('val', 400), files: [], sample: true };
  },
});
