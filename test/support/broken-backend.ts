// A backend whose model cannot be loaded (its create() fails, as a missing weights file would): for the tests of a run
// of several models, which reports and skips the model and finishes the others. Loaded as
// `--model test/support/broken-backend.ts`.
import type { BackendFactory } from '../../src/core/types.ts';

const factory: BackendFactory = {
  scheme: 'broken',
  description: 'a backend that fails to load',
  async create() {
    throw new Error('broken backend: cannot open its weights');
  },
};

export default factory;
