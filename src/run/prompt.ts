// Prompt assembly: each demonstration through the task's demonstration template, then the query template.
import { UsageError } from '../core/errors.ts';
import type { Example, Prompt, PromptTemplates, Shot, Task } from '../core/types.ts';

export function promptTemplates(task: Task, style: string): PromptTemplates {
  const templates = task.templates[style];
  if (!templates) {
    throw new UsageError(
      `--prompt-style ${style}: task ${task.id} has no such prompt style (it has: ${Object.keys(task.templates).join(', ')})`,
    );
  }
  return templates;
}

export function buildPrompt(templates: PromptTemplates, shots: readonly Shot[], query: Example): Prompt {
  return [...shots.flatMap((shot) => templates.demonstration(shot)), ...templates.query(query)];
}
