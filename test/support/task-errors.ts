// Checking a task loader's error: the error class and the pieces of its message (file, field, source, ...).
import assert from 'node:assert/strict';
import type { LoadContext, Task } from '../../src/core/types.ts';

export async function loadRejects(
  task: Task,
  ctx: LoadContext,
  errorClass: new (...args: any[]) => Error,
  ...patterns: (RegExp | string)[]
): Promise<void> {
  await assert.rejects(task.load(ctx), (error: unknown) => {
    assert.ok(error instanceof errorClass, `a ${errorClass.name}, got ${String(error)}`);
    for (const p of patterns) {
      if (typeof p === 'string') assert.ok(error.message.includes(p), `"${error.message}" mentions "${p}"`);
      else assert.match(error.message, p);
    }
    return true;
  });
}
