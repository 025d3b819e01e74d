// Task resolution: `--task <id|path>` -> a Task. Built-in ids come from tasks/index.ts; anything that looks like a
// path loads a user's module whose default export is a Task, checked field by field so mistakes name the field.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkArgSpecs, resolveArgs, routeArgs, type ArgAssignment } from '../core/args.ts';
import { InputError, UsageError } from '../core/errors.ts';
import type { ArgValues, Task } from '../core/types.ts';
import { builtinTasks } from '../tasks/index.ts';
import { importPluginModule, isModuleSpec } from '../core/plugin-module.ts';
import { checkedTask } from './checked.ts';

export interface ResolvedTask {
  task: Task;
  /** `builtin`, or the absolute path of the user's module. */
  source: string;
}

/**
 * A task of the run, configured by its arguments (Task.configure), and the shots it runs (fewer than asked when it
 * came from a group and caps its shots).
 */
export interface RunTask extends ResolvedTask {
  shots: number[];
  /** Its arguments' values (`--task-arg`), checked, with their defaults. */
  args: ArgValues;
}

const TASK_GROUP = /^all-(image|video)$/;

/**
 * `--task` items -> the tasks of the run, in order, each once. `all-image` / `all-video` stand for every built-in
 * task of that modality (registry order). A task named on its own that allows fewer shots than asked (VisDial: 16)
 * is refused before anything runs; one that came from a group skips those shots, and `warn` says so. `--split` names
 * a split of one task, so it takes a single task.
 */
export async function resolveRunTasks(
  specs: string[],
  run: { shots: number[]; split?: string; taskArgs?: ArgAssignment[] },
  warn: (message: string) => void,
): Promise<RunTask[]> {
  const entries: { spec: string; group?: string }[] = [];
  for (const spec of specs) {
    const group = TASK_GROUP.exec(spec);
    if (!group) {
      if (!entries.some((e) => e.spec === spec)) entries.push({ spec });
      continue;
    }
    const ids = Object.values(builtinTasks)
      .filter((task) => task.modality === group[1])
      .map((task) => task.id);
    if (ids.length === 0) throw new UsageError(`--task ${spec}: no built-in ${group[1]} tasks are installed`);
    for (const id of ids) if (!entries.some((e) => e.spec === id)) entries.push({ spec: id, group: spec });
  }
  if (run.split !== undefined && entries.length > 1) {
    throw new UsageError(
      `--split ${run.split} names a split of one task, but --task gives ${entries.length} ` +
        `(${entries.map((e) => e.spec).join(', ')}): run the task that has this split on its own`,
    );
  }
  const resolvedTasks = await Promise.all(entries.map(({ spec }) => resolveTask(spec)));
  const argsOf = routeArgs(run.taskArgs ?? [], resolvedTasks.map(({ task }) => task.id), 'task');
  const tasks: RunTask[] = [];
  for (const [i, { group }] of entries.entries()) {
    const { task: declared, source } = resolvedTasks[i]!;
    const args = resolveArgs({ kind: 'task', id: declared.id }, declared.args, argsOf.get(declared.id) ?? []);
    const resolved = { task: configureTask(declared, args, source), source };
    const max = resolved.task.maxShots;
    const over = max === undefined ? [] : run.shots.filter((shots) => shots > max);
    if (over.length > 0 && group === undefined) throw new UsageError(tooManyShots(resolved.task, over));
    if (over.length > 0) {
      const cap = max === 0 ? 'the task is zero-shot only' : `the task allows at most ${max}`;
      warn(`${resolved.task.id}: skipping ${over.join(', ')} shots (${group}; ${cap})`);
    }
    const shots = run.shots.filter((n) => !over.includes(n));
    if (shots.length > 0) tasks.push({ ...resolved, shots, args });
  }
  return tasks;
}

/** `--shots 4: task rareact is zero-shot only (why); use --shots 0`, `--shots 32: task visdial allows at most 16 shots`. */
export function tooManyShots(task: Task, shots: number[]): string {
  const why = task.maxShotsReason ? ` (${task.maxShotsReason})` : '';
  return task.maxShots === 0
    ? `--shots ${shots.join(',')}: task ${task.id} is zero-shot only${why}; use --shots 0`
    : `--shots ${shots.join(',')}: task ${task.id} allows at most ${task.maxShots} shots${why}`;
}

/** The task as its arguments configure it; a task with arguments but no configure() reads none of them. */
export function configureTask(task: Task, args: ArgValues, where: string): Task {
  if (!task.configure || !task.args || task.args.length === 0) return task;
  const configured = task.configure(args);
  return checkTask(configured, `${where === 'builtin' ? `task ${task.id}` : where}: configure()`);
}

export async function resolveTask(spec: string): Promise<ResolvedTask> {
  if (isModuleSpec(spec)) {
    const path = resolve(spec);
    if (!existsSync(path)) throw new UsageError(`--task ${spec}: no such task module: ${path}`);
    let module: { default?: unknown };
    try {
      module = await importPluginModule(path);
    } catch (error) {
      throw new InputError(`${path}: cannot load the task module: ${(error as Error).message}`, path);
    }
    return { task: checkedTask(checkTask(module.default, path), path), source: path };
  }
  const task = builtinTasks[spec];
  if (!task) {
    const known = Object.keys(builtinTasks);
    throw new UsageError(
      `--task ${spec}: no built-in task by that id (${known.length > 0 ? `known: ${known.join(', ')}` : 'none are installed'}; ` +
        'or give a path to a task module, e.g. --task ./my-task.js)',
    );
  }
  return { task, source: 'builtin' };
}

/** Checks the shape of the Task contract; `where` (the module's path) starts every error. */
export function checkTask(value: unknown, where: string): Task {
  if (typeof value !== 'object' || value === null) {
    throw new InputError(`${where}: the default export must be a Task object; found ${typeof value}`, where);
  }
  const task = value as Record<string, unknown>;
  const fail = (field: string, expected: string): never => {
    throw new InputError(`${where}: task field "${field}" must be ${expected}`, where);
  };
  for (const field of ['id', 'title', 'metric']) {
    if (typeof task[field] !== 'string' || task[field] === '') fail(field, 'a non-empty string');
  }
  if (task.modality !== 'image' && task.modality !== 'video') fail('modality', '"image" or "video"');
  if (task.kind !== 'generate' && task.kind !== 'rank') fail('kind', '"generate" or "rank"');
  const splits = task.splits as Record<string, unknown> | undefined;
  if (typeof splits?.support !== 'string' || typeof splits?.query !== 'string') {
    fail('splits', 'an object {support, query} of split names');
  }
  if (!Array.isArray(task.files)) fail('files', 'an array of official files (may be empty)');
  checkArgSpecs(task.args, where);
  if (task.configure !== undefined && typeof task.configure !== 'function') fail('configure', 'a function (args) => Task when present');
  for (const field of ['load', 'score', 'postprocess']) {
    if (typeof task[field] !== 'function') fail(field, 'a function');
  }
  const templates = task.templates as Record<string, Record<string, unknown>> | undefined;
  if (typeof templates !== 'object' || templates === null || Object.keys(templates).length === 0) {
    fail('templates', 'an object of prompt styles (e.g. {paper: {demonstration, query}})');
  }
  for (const [style, template] of Object.entries(templates!)) {
    if (typeof template?.demonstration !== 'function' || typeof template?.query !== 'function') {
      fail(`templates.${style}`, 'an object with demonstration(shot) and query(example) functions');
    }
  }
  const generation = task.generation as Record<string, unknown> | undefined;
  for (const field of ['maxNewTokens', 'numBeams', 'lengthPenalty']) {
    if (typeof generation?.[field] !== 'number') fail(`generation.${field}`, 'a number');
  }
  if (typeof generation?.stopAtEndOfChunk !== 'boolean') fail('generation.stopAtEndOfChunk', 'a boolean');
  for (const field of ['protocolQuerySize', 'maxShots']) {
    const limit = task[field];
    if (limit !== undefined && !(Number.isInteger(limit) && (limit as number) >= 0)) {
      fail(field, 'a non-negative integer when present');
    }
  }
  return value as Task;
}
