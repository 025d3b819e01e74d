// A backend factory that declares arguments, for the tests of `--model-arg`: `temperature` (a number, part of the
// identity) and `verbose` (a boolean, not). Its answers say the temperature it was given, so a test can see the value
// reached the backend. Loaded as `--model test/support/args-backend.ts`.
import type { BackendFactory } from '../../src/core/types.ts';
import { createTestBackend } from './test-backend.ts';

const factory: BackendFactory = {
  scheme: 'argtest',
  description: 'the test backend, with arguments',
  args: [
    { name: 'temperature', type: 'number', default: 0, min: 0, identity: true, description: 'sampling temperature (answers change)' },
    { name: 'verbose', type: 'boolean', default: false, description: 'say more (answers do not change)' },
  ],
  async create(_spec, options) {
    const base = createTestBackend();
    const temperature = options.args?.temperature;
    return {
      ...base,
      info: () => ({ name: 'args-backend', family: 'test', parameters: 99, contextLength: 4096 }),
      async generate(requests) {
        return (await base.generate(requests)).map((result) => ({ ...result, text: `${result.text} t=${String(temperature)}` }));
      },
    };
  },
};

export default factory;
