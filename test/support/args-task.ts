// The fake colour task with an argument, for the tests of `--task-arg`: `case` (upper or lower, part of the
// identity: it changes the score) decides how answers are compared.
import type { Task } from '../../src/core/types.ts';
import { fakeTask } from './fake-task.ts';

function withCase(upper: boolean): Task {
  const base = fakeTask({ id: 'fake-args' });
  return {
    ...base,
    args: [{ name: 'case', type: 'string', choices: ['lower', 'upper'], default: 'lower', identity: true, description: 'compare answers in this case' }],
    configure: (args) => withCase(args.case === 'upper'),
    postprocess: (raw) => {
      const answer = base.postprocess(raw);
      return upper ? answer.toUpperCase() : answer;
    },
  };
}

export default withCase(false);
