// The built-in tasks by id (the ids of ../shared/PROTOCOL.md). A new task is one module in tasks/ and one line here.
import type { Task } from '../src/types.ts';
import { coco } from './coco.ts';
import { okvqa } from './okvqa.ts';

export const builtinTasks: Record<string, Task> = {
  [coco.id]: coco,
  [okvqa.id]: okvqa,
};
