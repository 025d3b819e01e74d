// Sweep plans: one YAML (or JSON) file naming models x tasks x shots x seeds x variants (x ablations), run as one run
// (src/run/evaluate.ts evaluateParts: one model loaded at a time, one progress display, cells that cannot run reported
// and skipped). A plan adds nothing to the configuration: each (model, variant, task) becomes the flags a
// `run` command would have been given, checked by parseRunOptions like any command line, and from there RunConfig
// (src/run/config.ts) as usual. So a plan key is a run flag's name (`support-size: 64`, `prompt-style: openflamingo`,
// `task-arg: {okvqa.stem: true}`), and a flag added to `run` is a plan key at once; the axes (models, tasks, shots,
// seeds, variants, ablations) and the per-task `data` folders are the plan's own. Unknown keys are errors naming the
// key and its line. Paths in a plan are relative to the plan's folder.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { UsageError } from '../core/errors.ts';
import { isModuleSpec } from '../core/plugin-module.ts';
import { ensembleSize, resolveRunConfig } from './config.ts';
import { evaluateParts, prepareParts, type EvaluateIO, type LoadedQueries, type RecordOutcome, type RunPart } from './evaluate.ts';
import { parseRunOptions } from './options.ts';
import { planTrials } from './plan.ts';
import { promptTemplates } from './prompt.ts';

/** A flag of the `run` command, as a plan may set it (read from the command's definition by commands/sweep.ts). */
export interface RunFlag {
  /** The long flag without its dashes: `support-size`. */
  key: string;
  /** Its property in the parsed flags: `supportSize`. */
  attribute: string;
  /** Given several times (`--task-arg`): a plan gives a mapping or a list. */
  repeatable: boolean;
  /** Takes no value (`--fresh`). */
  boolean: boolean;
}

/** What the sweep command line adds to every cell. */
export interface SweepOverrides {
  resultsDir?: string;
  shard?: string;
  shardCount?: string;
  fresh?: boolean;
  quiet?: boolean;
}

export interface SweepPlan {
  file: string;
  parts: RunPart[];
}

/** The plan's own keys; every other top-level key is a run flag. */
const AXES = ['models', 'tasks', 'shots', 'seeds', 'variants', 'ablations', 'data'] as const;
/** Run flags a plan cannot set: the axes set them, or the sweep's command line does. */
const NOT_IN_PLAN: Record<string, string> = {
  task: 'use `tasks:` (a list)',
  model: 'use `models:` (a list)',
  shots: 'use `shots:` at the top level',
  seeds: 'use `seeds:` at the top level',
  data: 'use `data:` at the top level (a mapping of task id to folder)',
  shard: 'give --shard to `flamingo-eval sweep`',
  'shard-count': 'give --shard-count to `flamingo-eval sweep`',
  json: 'give --json to `flamingo-eval sweep`',
  quiet: 'give --quiet to `flamingo-eval sweep`',
  fresh: 'give --fresh to `flamingo-eval sweep`',
};
/**
 * The run flag `ablations:` sets (`run --ablation <list>`): each ablation is a variant of every cell with its own
 * record (src/run/ablation.ts), `none` the plain run. Refused, naming its line, by a run command without that flag.
 */
const ABLATION_FLAG = 'ablation';
/** A built-in task id, as `--data <task>=<dir>` names it. */
const TASK_ID = /^[a-z0-9][a-z0-9_-]*$/i;
/** Run flags whose value is a path, resolved against the plan's folder. */
const PATH_FLAGS = new Set(['results-dir']);

interface Located<T> {
  value: T;
  line: number;
}

interface TaskEntry {
  task: Located<string>;
  shots?: Located<number[]>;
  data?: Located<string>;
  split?: Located<string>;
}

interface Variant {
  name: string | undefined;
  line: number;
  flags: Map<string, Located<unknown>>;
}

/** Reads a plan file into the run parts it stands for; every mistake is a usage error naming the file and line. */
export function loadPlan(file: string, runFlags: RunFlag[], overrides: SweepOverrides = {}): SweepPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`sweep ${file}: cannot read the plan (${(error as { code?: string }).code ?? (error as Error).message})`);
  }
  const lines = new LineCounter();
  // JSON is YAML 1.2, so one parser reads both and gives lines for both.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    throw new UsageError(`${file}:${error.linePos?.[0]?.line ?? 1}: not a valid YAML or JSON plan: ${error.message.split('\n')[0]}`);
  }
  const at = (node: Node | Pair | null | undefined): number => {
    const offset = (node as { range?: [number, number, number] } | null | undefined)?.range?.[0];
    return offset === undefined ? 0 : lines.linePos(offset).line;
  };
  const fail = (line: number, message: string): never => {
    throw new UsageError(`${file}:${line}: ${message}`);
  };
  const base = dirname(resolve(file));
  const root = doc.contents;
  if (!isMap(root)) fail(at(root), 'a plan is a mapping (models:, tasks:, shots:, ...); see docs/sweeps.md');
  const byKey = new Map(runFlags.map((flag) => [flag.key, flag]));

  const entries = mapEntries(root as YAMLMap, fail, at);
  const top = new Map<string, Located<unknown>>();
  for (const [key, { node, line }] of entries) {
    if ((AXES as readonly string[]).includes(key)) continue;
    checkFlagKey(key, line, byKey, fail, 'a top-level key');
    top.set(key, { value: node, line });
  }
  const axis = (key: (typeof AXES)[number]) => entries.get(key);

  const models = stringList(axis('models'), 'models', fail, at, true).map((model) => ({ ...model, value: spec(model.value, base) }));
  const tasks = taskEntries(axis('tasks'), fail, at, base);
  const shots = integerList(axis('shots'), 'shots', fail, at) ?? { value: [0], line: 0 };
  const seeds = integerList(axis('seeds'), 'seeds', fail, at);
  const data = dataFolders(axis('data'), fail, at, base);
  for (const [id, folder] of data.folders) {
    const entry = tasks.find((task) => task.task.value === id);
    if (!entry) fail(folder.line, `data: ${id} is not one of the plan's tasks (${tasks.map((t) => t.task.value).join(', ')})`);
    if (entry!.data) fail(folder.line, `data: ${id} also has a data folder in its tasks: entry (line ${entry!.data.line}); give it once`);
  }
  const variants = variantList(axis('variants'), byKey, fail, at);
  const ablationsNode = axis('ablations');
  const ablations = ablationsNode ? stringList(ablationsNode, 'ablations', fail, at, true) : [];
  if (ablationsNode && !byKey.has(ABLATION_FLAG)) {
    fail(ablationsNode.line, `ablations: this flamingo-eval's run command has no --${ABLATION_FLAG} flag, so a plan cannot vary it`);
  }

  const parts: RunPart[] = [];
  for (const model of models) {
    for (const variant of variants) {
      {
        for (const task of tasks) {
          const flags = new Map(top);
          for (const [key, value] of variant.flags) flags.set(key, value);
          const raw: Record<string, unknown> = {};
          const lineOfFlag = new Map<string, number>();
          for (const [key, { value, line }] of flags) {
            const flag = byKey.get(key)!;
            raw[flag.attribute] = flagValue(flag, value as Node, line, fail, base);
            lineOfFlag.set(`--${key}`, line);
          }
          const id = task.task.value;
          raw.task = id;
          raw.model = model.value;
          raw.shots = (task.shots ?? shots).value.join(',');
          if (seeds) raw.seeds = seeds.value.join(',');
          // A task's own folder is given as `--data <task>=<dir>` (that folder, not a <dir>/<task>/ below it); a plan's
          // root as `--data <root>` (each task reads <root>/<task id>/ when it exists, else the root).
          const folder = task.data ?? data.folders.get(id);
          if (folder) {
            raw.data = TASK_ID.test(id) ? `${id}=${folder.value}` : folder.value;
            lineOfFlag.set('--data', folder.line);
          } else if (data.root) {
            raw.data = data.root.value;
            lineOfFlag.set('--data', data.root.line);
          }
          if (task.split) {
            raw.split = task.split.value;
            lineOfFlag.set('--split', task.split.line);
          }
          if (ablations.length > 0) {
            raw[byKey.get(ABLATION_FLAG)!.attribute] = ablations.map((ablation) => ablation.value).join(',');
            lineOfFlag.set(`--${ABLATION_FLAG}`, ablationsNode!.line);
          }
          // A task argument goes to the task it names (`okvqa.stem`); one without a task name, when the plan has one task.
          if (Array.isArray(raw.taskArg)) {
            raw.taskArg = (raw.taskArg as string[]).filter((text) => argFor(text, id, tasks, lineOfFlag.get('--task-arg')!, fail));
          }
          if (overrides.resultsDir !== undefined) raw.resultsDir = overrides.resultsDir;
          if (overrides.shard !== undefined) raw.shard = overrides.shard;
          if (overrides.shardCount !== undefined) raw.shardCount = overrides.shardCount;
          if (overrides.fresh) raw.fresh = true;
          if (overrides.quiet) raw.quiet = true;
          const name = variant.name ?? '';
          const where = `${file}:${task.task.line} (task ${id}, model ${model.value}${name ? `, variant ${name}` : ''})`;
          let options;
          try {
            options = parseRunOptions(raw);
          } catch (error) {
            if (!(error instanceof UsageError)) throw error;
            const flag = /^(--[a-z-]+)/.exec(error.message)?.[1];
            const line = flag === undefined ? undefined : flag === '--task' ? task.task.line : flag === '--model' ? model.line : lineOfFlag.get(flag) ?? (flag === '--shots' ? (task.shots ?? shots).line : undefined);
            throw new UsageError(line ? `${file}:${line}: ${error.message}` : `${where}: ${error.message}`);
          }
          parts.push({ options, ...(name ? { variant: name } : {}), where });
        }
      }
    }
  }
  return { file, parts };
}

/**
 * A task argument of the plan, `[<task>.]<name>=<value>`: kept for the part of the task it names (as written in
 * `tasks:`); one without a task name needs a plan of one task.
 */
function argFor(text: string, task: string, tasks: TaskEntry[], line: number, fail: (line: number, message: string) => never): boolean {
  const key = text.split('=')[0]!;
  const dot = key.lastIndexOf('.');
  if (dot < 0) {
    if (tasks.length > 1) fail(line, `task-arg ${text}: the plan has ${tasks.length} tasks: name the one it is for (<task>.${text})`);
    return true;
  }
  const scope = key.slice(0, dot);
  if (!tasks.some((entry) => entry.task.value === scope)) {
    fail(line, `task-arg ${text}: ${scope} is not one of the plan's tasks (${tasks.map((entry) => entry.task.value).join(', ')})`);
  }
  return scope === task;
}

function checkFlagKey(key: string, line: number, flags: Map<string, RunFlag>, fail: (line: number, message: string) => never, what: string): void {
  if (key in NOT_IN_PLAN) fail(line, `${key}: not a plan key (${NOT_IN_PLAN[key]})`);
  if (!flags.has(key)) {
    const known = [...AXES, ...[...flags.keys()].filter((k) => !(k in NOT_IN_PLAN))];
    fail(line, `unknown key "${key}" (${what}); a plan takes ${known.join(', ')} (see docs/sweeps.md)`);
  }
}

function mapEntries(
  map: YAMLMap,
  fail: (line: number, message: string) => never,
  at: (node: Node | Pair | null | undefined) => number,
): Map<string, { node: Node; line: number }> {
  const out = new Map<string, { node: Node; line: number }>();
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string') fail(at(pair.key as Node), 'keys of a plan are names (strings)');
    // Checked here rather than by the parser, whose error points at the mapping instead of the second key.
    if (out.has(key as string)) fail(at(pair.key as Node), `${key as string}: given twice (also line ${out.get(key as string)!.line})`);
    out.set(key as string, { node: pair.value as Node, line: at(pair.key as Node) });
  }
  return out;
}

function spec(value: string, base: string): string {
  return isModuleSpec(value) && !isAbsolute(value) ? resolve(base, value) : value;
}

function scalarText(node: Node | null | undefined, what: string, fail: (line: number, message: string) => never, line: number): string {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') fail(line, `${what}: expected a value (a name, a number or a path)`);
  const text = String((node as { value: unknown }).value).trim();
  if (text === '') fail(line, `${what}: an empty value`);
  return text;
}

function stringList(
  entry: { node: Node; line: number } | undefined,
  what: string,
  fail: (line: number, message: string) => never,
  at: (node: Node | Pair | null | undefined) => number,
  required: boolean,
): Located<string>[] {
  if (!entry) {
    if (required) fail(1, `${what}: missing; a plan names its ${what} (e.g. ${what}: [a, b])`);
    return [];
  }
  const items = isSeq(entry.node) ? (entry.node.items as Node[]) : [entry.node];
  if (items.length === 0) fail(entry.line, `${what}: an empty list`);
  const seen = new Set<string>();
  return items.map((node) => {
    const line = at(node) || entry.line;
    const value = scalarText(node, what, fail, line);
    if (seen.has(value)) fail(line, `${what}: ${value} is listed twice`);
    seen.add(value);
    return { value, line };
  });
}

function integerList(
  entry: { node: Node; line: number } | undefined,
  what: string,
  fail: (line: number, message: string) => never,
  at: (node: Node | Pair | null | undefined) => number,
): Located<number[]> | undefined {
  if (!entry) return undefined;
  const items = isSeq(entry.node) ? (entry.node.items as Node[]) : [entry.node];
  if (items.length === 0) fail(entry.line, `${what}: an empty list`);
  return {
    line: entry.line,
    value: items.map((node) => {
      const value = isScalar(node) ? node.value : undefined;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        fail(at(node) || entry.line, `${what}: ${isScalar(node) ? String(node.value) : 'this item'} is not an integer >= 0`);
      }
      return value as number;
    }),
  };
}

function taskEntries(
  entry: { node: Node; line: number } | undefined,
  fail: (line: number, message: string) => never,
  at: (node: Node | Pair | null | undefined) => number,
  base: string,
): TaskEntry[] {
  if (!entry) fail(1, 'tasks: missing; a plan names its tasks (e.g. tasks: [coco, okvqa])');
  const items = isSeq(entry!.node) ? (entry!.node.items as Node[]) : [entry!.node];
  if (items.length === 0) fail(entry!.line, 'tasks: an empty list');
  const tasks: TaskEntry[] = [];
  for (const node of items) {
    const line = at(node) || entry!.line;
    if (!isMap(node)) {
      tasks.push({ task: { value: spec(scalarText(node, 'tasks', fail, line), base), line } });
      continue;
    }
    const fields = mapEntries(node, fail, at);
    const task: Partial<TaskEntry> = {};
    for (const [key, { node: value, line: keyLine }] of fields) {
      if (key === 'task') task.task = { value: spec(scalarText(value, 'task', fail, keyLine), base), line: keyLine };
      else if (key === 'data') task.data = { value: resolve(base, scalarText(value, 'data', fail, keyLine)), line: keyLine };
      else if (key === 'split') task.split = { value: scalarText(value, 'split', fail, keyLine), line: keyLine };
      else if (key === 'shots') task.shots = integerList({ node: value, line: keyLine }, 'shots', fail, at);
      else fail(keyLine, `unknown key "${key}" in a tasks: entry; an entry takes task, data, split, shots`);
    }
    if (!task.task) fail(line, 'a tasks: entry needs `task:` (its id or module path)');
    tasks.push(task as TaskEntry);
  }
  const seen = new Map<string, number>();
  for (const { task } of tasks) {
    if (seen.has(task.value)) fail(task.line, `tasks: ${task.value} is listed twice (also line ${seen.get(task.value)})`);
    seen.set(task.value, task.line);
  }
  return tasks;
}

/** `data:` a root folder for every task, or a mapping of task (as written in `tasks:`) to its folder. */
function dataFolders(
  entry: { node: Node; line: number } | undefined,
  fail: (line: number, message: string) => never,
  at: (node: Node | Pair | null | undefined) => number,
  base: string,
): { root?: Located<string>; folders: Map<string, Located<string>> } {
  const folders = new Map<string, Located<string>>();
  if (!entry) return { folders };
  if (isScalar(entry.node)) return { root: { value: resolve(base, scalarText(entry.node, 'data', fail, entry.line)), line: entry.line }, folders };
  if (!isMap(entry.node)) {
    fail(entry.line, 'data: a root folder, or a mapping of task id to its folder (e.g. data: {imagenet: /datasets/imagenet, vizwiz: /datasets/vizwiz})');
  }
  for (const [id, { node, line }] of mapEntries(entry.node as YAMLMap, fail, at)) {
    folders.set(id, { value: resolve(base, scalarText(node, `data: ${id}`, fail, line)), line });
  }
  return { folders };
}

function variantList(
  entry: { node: Node; line: number } | undefined,
  flags: Map<string, RunFlag>,
  fail: (line: number, message: string) => never,
  at: (node: Node | Pair | null | undefined) => number,
): Variant[] {
  if (!entry) return [{ name: undefined, line: 0, flags: new Map() }];
  if (!isSeq(entry.node) || entry.node.items.length === 0) {
    fail(entry.line, 'variants: a list of mappings, each a name and the run flags it sets (e.g. - {name: rices, sampler: rices})');
  }
  const variants: Variant[] = [];
  for (const node of (entry.node as { items: Node[] }).items) {
    const line = at(node) || entry.line;
    if (!isMap(node)) fail(line, 'variants: each variant is a mapping (name: ..., and the run flags it sets)');
    const variant: Variant = { name: undefined, line, flags: new Map() };
    for (const [key, { node: value, line: keyLine }] of mapEntries(node as YAMLMap, fail, at)) {
      if (key === 'name') {
        variant.name = scalarText(value, 'name', fail, keyLine);
        continue;
      }
      if ((AXES as readonly string[]).includes(key)) fail(keyLine, `${key}: an axis of the whole plan, not of a variant`);
      checkFlagKey(key, keyLine, flags, fail, 'in a variant');
      variant.flags.set(key, { value, line: keyLine });
    }
    variant.name ??= [...variant.flags.entries()].map(([key, { value }]) => `${key}=${isScalar(value) ? String(value.value) : '...'}`).join(' ') || 'default';
    if (variants.some((other) => other.name === variant.name)) fail(line, `variants: two variants are named "${variant.name}"`);
    variants.push(variant);
  }
  return variants;
}

/** A plan value as the run command's parser takes it: text, a comma-separated list, or (repeatable) a list of texts. */
function flagValue(flag: RunFlag, node: Node, line: number, fail: (line: number, message: string) => never, base: string): unknown {
  const what = flag.key;
  if (flag.boolean) {
    if (!isScalar(node) || typeof node.value !== 'boolean') fail(line, `${what}: expected true or false`);
    return (node as { value: boolean }).value ? true : undefined;
  }
  if (flag.repeatable) {
    // `task-arg: {okvqa.stem: true}` or `task-arg: [okvqa.stem=true]`.
    if (isMap(node)) {
      return mapEntries(node, fail, () => line).size === 0
        ? []
        : node.items.map((pair) => `${String((pair.key as { value: unknown }).value)}=${scalarText(pair.value as Node, `${what}: ${String((pair.key as { value: unknown }).value)}`, fail, line)}`);
    }
    const items = isSeq(node) ? (node.items as Node[]) : [node];
    return items.map((item) => scalarText(item, what, fail, line));
  }
  if (isSeq(node)) return (node.items as Node[]).map((item) => scalarText(item, what, fail, line)).join(',');
  const text = scalarText(node, what, fail, line);
  return PATH_FLAGS.has(what) ? resolve(base, text) : text;
}

/** Runs the plan: every cell not finished yet (finished records are reused), one summary. */
export async function runSweep(plan: SweepPlan, io: EvaluateIO = {}): Promise<RecordOutcome[]> {
  return evaluateParts(plan.parts, io, { reuseRecords: true });
}

/** One cell of a --dry-run: what would run, on how many queries, with how many demonstrations. */
export interface DryRunCell {
  model: string;
  variant: string | null;
  task: string;
  shots: number;
  /** `--ablation` (a plan's `ablations:`); null: the plain run. */
  ablation: string | null;
  seeds: number[];
  /** Queries this process evaluates (its --shard slice). */
  queries: number;
  /** Examples: queries x seeds. */
  examples: number;
  /** Demonstrations in each query's prompt (0-shot: the text-only ones). */
  demonstrations: number;
  /** The support pool's size (first seed). */
  pool: number | null;
  /** Null when the cell can run; else why not (it would be reported and skipped). */
  problem: string | null;
}

/** The cells of a plan with their counts, from the tasks' data (no model is loaded). */
export async function dryRun(plan: SweepPlan, io: EvaluateIO = {}): Promise<DryRunCell[]> {
  const prepared = await prepareParts(plan.parts, io);
  const checked = new Map<string, { pool: number | null; problem: string | null }>();
  const ids = new Map<LoadedQueries, number>();
  const cells: DryRunCell[] = [];
  for (const { part, tasks } of prepared) {
    const { options } = part;
    for (const { entry, loaded, failure, examplesPerShots } of tasks) {
      for (const { ablation, shots } of options.ablations.flatMap((ablation) => entry.shots.map((shots) => ({ ablation, shots })))) {
        const cell = {
          model: options.model,
          variant: part.variant ?? null,
          task: entry.task.id,
          shots,
          ablation,
          seeds: options.seeds,
          queries: examplesPerShots / options.seeds.length,
          examples: examplesPerShots,
        };
        if (!loaded) {
          cells.push({ ...cell, demonstrations: 0, pool: null, problem: message(failure) });
          continue;
        }
        const config = resolveRunConfig({
          options,
          task: entry.task,
          source: entry.source,
          taskArgs: entry.args,
          model: { argSpecs: [], args: {} },
          shots,
          perClass: loaded.perClass,
          limit: loaded.limit,
          ablation,
        });
        if (!ids.has(loaded)) ids.set(loaded, ids.size);
        const key = JSON.stringify([ids.get(loaded), shots, ablation, config.seeds, options.supportSize, config.zeroShotTextDemos, options.promptStyle]);
        if (!checked.has(key)) {
          try {
            const plans = await planTrials({
              task: entry.task,
              support: loaded.data.support,
              queries: loaded.queries,
              shots,
              seeds: config.seeds,
              supportSize: options.supportSize,
              perClass: loaded.perClass,
              zeroShotTextDemos: config.zeroShotTextDemos ?? 0,
              templates: promptTemplates(entry.task, options.promptStyle),
              promptEnsemble: ensembleSize(config),
              sample: loaded.data.sample,
              ...(ablation ? { ablation } : {}),
            });
            checked.set(key, { pool: plans[0]?.supportPoolSize ?? null, problem: null });
          } catch (error) {
            checked.set(key, { pool: null, problem: message(error) });
          }
        }
        cells.push({ ...cell, demonstrations: shots > 0 ? shots : (config.zeroShotTextDemos ?? 0), ...checked.get(key)! });
      }
    }
  }
  return cells;
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
