// The run record as it is read back (leaderboard, plot, report, merge): one schema, checked by one validator that
// names the file and the field at fault (src/core/schema.ts). It reads the records this version writes (the config is a
// RunConfig, src/run/config.ts) and those of earlier versions: fields they did not have take the value that was
// implied then, and the task options they kept at the top of `config` (`okvqaStem`, `keepAllScores`) are read as the
// task arguments that replaced them.
import {
  array,
  boolean,
  integer,
  nullable,
  number,
  object,
  oneOf,
  optional,
  parse,
  record,
  string,
  text,
  unknown,
  withDefault,
  FieldError,
  type Infer,
  type Schema,
} from '../core/schema.ts';
import type { ArgSpec, ArgValue, ArgValues, ContextUse, ExampleRecord } from '../core/types.ts';
import { ABLATIONS } from './ablation-names.ts';

const argValue: Schema<ArgValue> = (value, path) => {
  if (typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw new FieldError(path, 'is not a boolean, number or string');
};

const argValues = record(argValue);

/** The record's `config`: what readers use of a RunConfig, with the defaults records of earlier versions implied. */
const configSchema = object({
  task: optional(string),
  taskSource: optional(string),
  taskArgs: optional(argValues),
  modelArgs: optional(argValues),
  variant: optional(object({ task: argValues, model: argValues })),
  seeds: optional(array(integer(0))),
  limit: nullable(integer(1)),
  protocol: withDefault(oneOf('none', 'flamingo'), 'none'),
  sampler: withDefault(oneOf('random', 'rices'), 'random'),
  promptStyle: withDefault(string, 'paper'),
  promptEnsemble: withDefault(integer(1), 1),
  split: nullable(string),
  dataDir: nullable(string),
  dataRoot: optional(nullable(string)),
  configHash: optional(string),
  identity: optional(string),
  identityParts: optional(record(string)),
  /** `--ablation` (null: the plain run, and every record written before ablations existed). */
  ablation: nullable(oneOf(...ABLATIONS)),
});

const contextSide = object({ n: number, score: nullable(number) });

/** `summary.contextUse` (src/run/context-use.ts); absent in records written before it existed. */
const contextUseSchema: Schema<ContextUse> = object({
  n: number,
  copy: number,
  copyChance: nullable(number),
  last: number,
  lastChance: nullable(number),
  majority: number,
  majorityChance: nullable(number),
  answerInContext: object({ yes: contextSide, no: contextSide }),
}) as Schema<ContextUse>;

const usedFile = object({ role: string, path: text, bytes: integer(0), sha256: string });

const headSchema = object({
  tool: object({ name: oneOf('flamingo-eval'), version: text }),
  createdAt: string,
  config: withDefault(configSchema, configSchema({}, 'config')),
  model: object({ name: string, family: optional(text), parameters: number, spec: optional(text), greedyInsteadOfBeams: optional(boolean) }),
  task: object({ id: string, kind: optional(oneOf('generate', 'rank')) }),
  shots: integer(0),
  data: object({
    sample: boolean,
    files: withDefault(array(usedFile), []),
    querySize: optional(integer(0)),
    supportSize: optional(integer(0)),
    unannotated: optional(object({ server: withDefault(text, 'its evaluation server') })),
    protocolShortfall: optional(object({ asked: integer(1), evaluated: integer(0) })),
  }),
  summary: object({
    primary: string,
    n: integer(0),
    metrics: record(object({ mean: unknown, std: unknown })),
    contextUse: optional(contextUseSchema),
    // The bootstrap interval of the primary metric (src/run/record-ci.ts); records before 0.2 have none.
    ci: optional(object({ low: number, high: number, level: number, samples: optional(integer(1)), defined: optional(integer(0)), seed: optional(integer(0)), method: optional(text) })),
  }),
});

/** What every reader may rely on in a run record, trials aside. */
export type RecordHead = Infer<typeof headSchema> & {
  config: Infer<typeof configSchema> & { variant: { task: ArgValues; model: ArgValues } };
};

const exampleSchema = object({ id: string, prompt: array(unknown), raw: withDefault(text, ''), answer: withDefault(text, '') });
const trialSchema = object({ seed: integer(0), n: optional(integer(0)), metrics: withDefault(record(unknown), {}), examples: array(exampleSchema) });

/**
 * Checks the part of a run record every reader uses (all but `trials`): `<file>: field <path> <problem>` when a field
 * is missing or of the wrong type. A scored record must have its primary metric's mean and std in `summary` (a record of
 * an unannotated split, or a shard record, `scored: false`, has none).
 */
export function parseRecordHead(file: string, value: unknown, { scored = true }: { scored?: boolean } = {}): RecordHead {
  return parse(file, value, (raw, path) => {
    const head = headSchema(raw, path);
    const config = head.config;
    if (scored && !head.data.unannotated) {
      const summary = head.summary.metrics[head.summary.primary];
      const where = `summary.metrics.${head.summary.primary}`;
      if (!summary) throw new FieldError(where, `is missing (summary.primary names "${head.summary.primary}")`);
      // A metric undefined on the queries evaluated is null, with the reason in `undefined`.
      const reason = (summary as { undefined?: unknown }).undefined;
      if (summary.mean === null && typeof reason === 'string' && reason !== '') {
        if (summary.std !== null) throw new FieldError(`${where}.std`, 'is not null beside a null mean');
      } else {
        number(summary.mean, `${where}.mean`);
        number(summary.std, `${where}.std`);
      }
    }
    const ci = head.summary.ci;
    if (ci && !(ci.low <= ci.high && ci.level > 0 && ci.level < 1)) throw new FieldError('summary.ci', 'is not an interval (low <= high, 0 < level < 1)');
    const rawConfig = (raw as { config?: Record<string, unknown> }).config ?? {};
    return { ...head, config: { ...config, variant: config.variant ?? legacyVariant(rawConfig, head.task.id) } } as RecordHead;
  });
}

/** A whole record: the head, and trials whose examples have an id, a prompt and a raw output. */
export function parseRecord(
  file: string,
  value: unknown,
  options: { scored?: boolean } = {},
): RecordHead & { trials: ({ seed: number; examples: ExampleRecord[] } & Record<string, unknown>)[] } {
  const head = parseRecordHead(file, value, options);
  const trials = parse(file, (value as { trials?: unknown }).trials, (raw) => array(trialSchema)(raw, 'trials'));
  return { ...head, trials: trials as unknown as ({ seed: number; examples: ExampleRecord[] } & Record<string, unknown>)[] };
}

/**
 * Records before task arguments named OK-VQA stemming `okvqaStem: true`: a config key `<task id><Name>` set true is the
 * task's identity argument `<name>` (the only such key there was), read as the variant it is now.
 */
function legacyVariant(config: Record<string, unknown>, task: string): { task: ArgValues; model: ArgValues } {
  const args: ArgValues = {};
  for (const [key, value] of Object.entries(config)) {
    if (!key.startsWith(task) || !/^[A-Z]/.test(key.slice(task.length))) continue;
    if (value !== null && typeof value !== 'boolean') throw new FieldError(`config.${key}`, 'is not true, false or null');
    if (value === true) args[kebab(key.slice(task.length))] = true;
  }
  return { task: args, model: {} };
}

function kebab(camel: string): string {
  return camel.replace(/[A-Z]/g, (c, i: number) => `${i > 0 ? '-' : ''}${c.toLowerCase()}`);
}

/**
 * The task arguments a record was run with: its `config.taskArgs`, or in records written before task arguments
 * existed, the top-level config keys that held them: `<task id><Name>` (`okvqaStem`) or `<name>` in camel case
 * (`keepAllScores`), for the arguments the task declares. Arguments the task no longer declares are left out.
 */
export function recordedTaskArgs(config: Record<string, unknown>, specs: readonly ArgSpec[] | undefined): ArgValues {
  const declared = new Set((specs ?? []).map((spec) => spec.name));
  const recorded = config.taskArgs;
  if (typeof recorded === 'object' && recorded !== null && !Array.isArray(recorded)) {
    return Object.fromEntries(Object.entries(recorded as ArgValues).filter(([name]) => declared.has(name)));
  }
  const values: ArgValues = {};
  const task = typeof config.task === 'string' ? config.task : '';
  for (const spec of specs ?? []) {
    const camel = spec.name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    const legacy = config[`${task}${camel[0]!.toUpperCase()}${camel.slice(1)}`] ?? config[camel];
    if (typeof legacy === 'boolean' || typeof legacy === 'number' || typeof legacy === 'string') values[spec.name] = legacy;
  }
  return values;
}
