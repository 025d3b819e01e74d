import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TaskFailures } from '../src/run/evaluate.ts';
import { InputError } from '../src/core/errors.ts';

test('failed tasks are named with their errors as clauses of one sentence', () => {
  const failures = new TaskFailures([], [
    { task: 'okvqa', error: new InputError('train2014 is ambiguous: 2 matches. Keep one.') },
    { task: 'coco', error: new Error('no such file') },
  ]);
  assert.ok(
    failures.message.startsWith('2 task(s) failed: okvqa (train2014 is ambiguous: 2 matches. Keep one); coco (no such file); '),
    failures.message,
  );
  assert.equal(failures.exitCode, 1);
});
