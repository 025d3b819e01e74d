// A close-ended variant of the fake task: rank the three colours; accuracy of the top-ranked one.
import { fakeTask } from './fake-task.ts';
import type { Task } from '../../src/core/types.ts';

const base = fakeTask();

const task: Task = {
  ...base,
  id: 'fake-colours-rank',
  kind: 'rank',
  async load(ctx) {
    const data = await base.load(ctx);
    const withCandidates = (examples: typeof data.query) =>
      examples.map((example) => ({ ...example, candidates: ['red', 'green', 'blue'] }));
    return { ...data, support: withCandidates(data.support), query: withCandidates(data.query) };
  },
};

export default task;
