// The list flags' errors name the flag, the bad item and an example of that flag's own values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunOptions } from '../src/run/options.ts';
import { UsageError } from '../src/errors.ts';

test('--shots abc names the item and gives a shots example', () => {
  assert.throws(
    () => parseRunOptions({ task: 'okvqa', shots: 'abc' }),
    (error: unknown) =>
      error instanceof UsageError && error.message === '--shots abc: "abc" is not an integer >= 0 (e.g. --shots 0,4,32)',
  );
});

test('--seeds x gives a seeds example, not the shots one', () => {
  assert.throws(
    () => parseRunOptions({ task: 'okvqa', seeds: '42,x' }),
    (error: unknown) =>
      error instanceof UsageError && error.message === '--seeds 42,x: "x" is not an integer >= 0 (e.g. --seeds 42,43,44)',
  );
});

test('--shots -1 is refused', () => {
  assert.throws(() => parseRunOptions({ task: 'okvqa', shots: '-1' }), UsageError);
});
