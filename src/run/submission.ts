// Query splits without annotations (VQAv2 test-dev and test, VizWiz test) cannot be scored here: their answers are
// scored by the benchmark's evaluation server. Each trial's answers are written in the server's format (the task's
// `submission`), beside the run record, and the record's trial names the file instead of carrying metrics.
import { writeFileAtomic } from '../core/atomic-file.ts';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { ScoredItem, Task, TaskData, Trial } from '../core/types.ts';
import type { JournalEntry } from './journal.ts';
import type { TrialPlan } from './plan.ts';
import { journaledExamples } from './record.ts';

/** A task whose loader reports an unannotated query split must be able to write the server's file. */
export function checkSubmissionTask(task: Task, data: TaskData): void {
  if (data.unannotated && typeof task.submission !== 'function') {
    throw new InputError(
      `task ${task.id}: its query split has no annotations (scored by ${data.unannotated.server}), ` +
        'but the task has no submission() to write the answers file',
    );
  }
}

/**
 * `<record>-seed<seed>.submission.json`: one answers file per trial, beside the record. Its content starts with `[`,
 * so leaderboards that look for records among the .json files skip it.
 */
export function submissionPath(recordPath: string, seed: number): string {
  return recordPath.replace(/\.json$/, '') + `-seed${seed}.submission.json`;
}

/**
 * The trial of an unannotated split: its examples from the journal, no metrics, and the answers file it wrote. The
 * file answers the evaluated queries and, with an empty answer, every other question the server expects (the rest of
 * the split under --limit, and `unannotated.alsoRequired`), since the servers refuse incomplete files.
 */
export function buildSubmissionTrial(
  task: Task,
  plan: TrialPlan,
  entries: Map<string, JournalEntry>,
  recordPath: string,
  data: TaskData,
): Trial {
  const examples = journaledExamples(task, plan, entries);
  const items: ScoredItem[] = plan.queries.map((query, i) => ({ example: query.example, answer: examples[i]!.answer }));
  const answered = new Set(items.map((item) => item.example.id));
  let unanswered = 0;
  for (const example of [...data.query, ...(data.unannotated?.alsoRequired ?? [])]) {
    if (answered.has(example.id)) continue;
    answered.add(example.id);
    items.push({ example, answer: '' });
    unanswered++;
  }
  const file = submissionPath(recordPath, plan.seed);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(task.submission!(items))}\n`);
  const trial: Trial = { seed: plan.seed, metrics: {}, n: examples.length, skipped: 0, examples, submission: file };
  if (unanswered > 0) trial.submissionUnanswered = unanswered;
  return trial;
}
