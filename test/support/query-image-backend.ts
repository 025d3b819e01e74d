// A backend that answers from the query's image alone (`--model test/support/query-image-backend.ts`): it names the
// shape of the prompt's last image when that image belongs to the query (after the last end of chunk), and says
// "blind" when the query has no image. It never reads a demonstration: its copy rate should be at chance level, and
// taking the demonstrations' images away (--ablation demo-media) should not change its answers.
import type { Backend, BackendFactory, Prompt } from '../../src/core/types.ts';
import { shapeOf } from './shapes-task.ts';

function answer(prompt: Prompt): string {
  const lastChunkEnd = prompt.map((part) => part.type).lastIndexOf('end_of_chunk');
  const query = prompt.slice(lastChunkEnd + 1);
  const image = query.find((part) => part.type === 'media');
  return image?.type === 'media' ? shapeOf(image.media.id) : 'blind';
}

const factory: BackendFactory = {
  scheme: 'query-image',
  description: 'answers from the query image alone (tests only)',
  async create(): Promise<Backend> {
    return {
      info: () => ({ name: 'query-image', family: 'test', parameters: 1, contextLength: 4096 }),
      async generate(requests) {
        return requests.map((request) => ({ text: ` ${answer(request.prompt)}` }));
      },
      async rank(requests) {
        return requests.map((request) => ({ logLikelihoods: request.candidates.map(() => 0) }));
      },
      async close() {},
    };
  },
};

export default factory;
