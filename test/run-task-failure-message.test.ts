import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TaskFailures } from '../src/run/evaluate.ts';
import { InputError } from '../src/core/errors.ts';

test('cells that did not run are named with their errors as clauses of one sentence; the exit code is 1', () => {
  const failures = new TaskFailures([], [
    { task: 'okvqa', error: new InputError('train2014 is ambiguous: 2 matches. Keep one.') },
    { task: 'coco', shots: 4, model: 'tiny-s', variant: 'rices', error: new Error('no such file') },
  ]);
  assert.ok(
    failures.message.startsWith('2 of 2 cells did not run: okvqa (train2014 is ambiguous: 2 matches. Keep one); tiny-s [rices] coco 4-shot (no such file); '),
    failures.message,
  );
  assert.equal(failures.exitCode, 1);
});
