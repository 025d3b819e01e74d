// A backend for the media tests that reads every video of a prompt with the run's --frames (BackendOptions.frames)
// and answers how many frames the query's video gave; an unreadable video throws its MediaError.
import { FLAMINGO_SAMPLING } from '../../src/media/sampling.ts';
import { readVideo } from '../../src/media/video.ts';
import type { Backend, BackendFactory, Prompt } from '../../src/core/types.ts';

async function frameCounts(prompt: Prompt, options: Parameters<BackendFactory['create']>[1]): Promise<number[]> {
  const counts: number[] = [];
  for (const part of prompt) {
    if (part.type !== 'media' || part.media.kind !== 'video') continue;
    counts.push((await readVideo(part.media, { sampling: options.frames ?? FLAMINGO_SAMPLING })).frames.length);
  }
  return counts;
}

const factory: BackendFactory = {
  scheme: 'video-test',
  description: 'test backend that counts sampled frames',
  async create(_spec, options): Promise<Backend> {
    return {
      info: () => ({ name: 'video-test', family: 'test', parameters: 1, contextLength: 4096 }),
      async generate(requests) {
        return Promise.all(requests.map(async (r) => ({ text: ` ${(await frameCounts(r.prompt, options)).at(-1)}` })));
      },
      async rank() {
        throw new Error('video-test backend: rank is not supported');
      },
      async close() {},
    };
  },
};

export default factory;
