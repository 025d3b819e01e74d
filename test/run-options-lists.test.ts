// The list flags' errors name the flag, the bad item and an example of that flag's own values; --results-dir is checked
// before the run tries to create it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunOptions } from '../src/run/options.ts';
import { UsageError } from '../src/core/errors.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

test('--results-dir under a file names the flag and the file', () => {
  const file = fileURLToPath(import.meta.url);
  assert.throws(
    () => parseRunOptions({ task: 'okvqa', resultsDir: `${file}/results` }),
    (error: unknown) =>
      error instanceof UsageError && error.message === `--results-dir ${file}/results: ${file} is a file, not a directory`,
  );
  assert.throws(
    () => parseRunOptions({ task: 'okvqa', resultsDir: file }),
    (error: unknown) => error instanceof UsageError && error.message === `--results-dir ${file}: not a directory`,
  );
});

test('--results-dir that does not exist yet is fine (the run creates it)', () => {
  const options = parseRunOptions({ task: 'okvqa', resultsDir: join(tmpdir(), 'fe-not-yet', 'results') });
  assert.equal(options.resultsDir, join(tmpdir(), 'fe-not-yet', 'results'));
});
