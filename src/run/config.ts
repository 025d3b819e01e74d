// One run's configuration (one model x task x shots), resolved once from the command line, the task and the backend.
// Everything else is derived from it: the configuration identity (src/run/identity.ts), the record's `config` field
// (the RunConfig itself, with the identity and the journal added), and the names of the record and the journal. A new
// run option is a field here and a line in resolveRunConfig(); a task's or a backend's option is an argument it
// declares (ArgSpec), which reaches this file only as values.
import { join } from 'node:path';
import { identityArgs } from '../core/args.ts';
import { safeName } from '../core/safe-name.ts';
import type { ArgSpec, ArgValue, ArgValues, FrameSampling, GenerationSettings, Task } from '../core/types.ts';
import { formatFrameSampling } from '../media/sampling.ts';
import type { Ablation } from './ablation.ts';
import { runIdentities, type RunIdentity } from './identity.ts';
import type { MediaErrorPolicy, ProtocolName, RunOptions, SamplerName } from './options.ts';
import { defaultZeroShotTextDemos } from './sampler.ts';
import { formatShard } from './shard.ts';

/** The choices of one run, as its record's `config` holds them (plus `journal`, `configHash`, `identity`, ...). */
export interface RunConfig {
  task: string;
  /** `builtin`, or the absolute path of the task module. */
  taskSource: string;
  /** The task's arguments (`--task-arg`), checked, with their defaults. */
  taskArgs: ArgValues;
  /** `--model` as given. */
  model: string;
  /** The backend's arguments (`--model-arg`), checked, with their defaults. */
  modelArgs: ArgValues;
  /**
   * The arguments marked `identity` that are not at their default: the run's variant (its own file name, its own
   * leaderboard row), by owner. `{task: {stem: true}, model: {}}` for `--task-arg okvqa.stem=true`.
   */
  variant: { task: ArgValues; model: ArgValues };
  shots: number;
  seeds: number[];
  /** The support pool's size; null under a per-class protocol (perClass.support). */
  supportSize: number | null;
  perClass: { query: number; support: number } | null;
  /** Queries evaluated when a subset (--limit, or the protocol's size); null: the whole split. */
  limit: number | null;
  protocol: ProtocolName;
  sampler: SamplerName;
  /** Text-only demonstrations at 0 shots; null at other shot counts. */
  zeroShotTextDemos: number | null;
  promptStyle: string;
  /** Close-ended tasks: orderings averaged (--prompt-ensemble); null for open-ended ones. */
  promptEnsemble: number | null;
  dataDir: string | null;
  /** `--data <root>` when the task read its own folder under it or beside it: where shared files are also looked for. */
  dataRoot: string | null;
  split: string | null;
  resultsDir: string;
  concurrency: number;
  batchSize: number;
  generation: GenerationSettings;
  lengthNormalize: boolean;
  /** Video tasks: how videos become frames; null for image tasks. */
  frames: FrameSampling | null;
  onMediaError: MediaErrorPolicy;
  /** `i/n` under --shard. */
  shard: string | null;
  fresh: boolean;
  /** `--ablation`: what the prompts have taken away (src/run/ablation.ts); null for the plain run. */
  ablation: Ablation | null;
}

/** What the run measured rather than chose: the identity parts of the model, task and data, and what names need. */
export interface RunFacts {
  /** The backend's info().name: the folder of its records and journals. */
  modelName: string;
  model: unknown;
  task: unknown;
  data: unknown;
  sample: boolean;
  /** Support items left out because their media are missing (unusable-media.ts): they change the draws. */
  excludedSupport: string[];
  kind: Task['kind'];
  /** The prompt templates' text before each candidate (close-ended tasks). */
  candidatePrefix: string;
}

export interface ResolveInput {
  options: RunOptions;
  task: Task;
  source: string;
  taskArgs: ArgValues;
  model: { argSpecs: readonly ArgSpec[]; args: ArgValues };
  shots: number;
  /** The per-class protocol's sizes (protocolPerClass), when it applies. */
  perClass: { query: number; support: number } | undefined;
  /** The query subset's size, when the run evaluates fewer queries than the split has. */
  limit: number | undefined;
  /** One of `--ablation`'s variants (null: the plain run). */
  ablation: Ablation | null;
}

export function resolveRunConfig({ options, task, source, taskArgs, model, shots, perClass, limit, ablation }: ResolveInput): RunConfig {
  return {
    task: task.id,
    taskSource: source,
    taskArgs,
    model: options.model,
    modelArgs: model.args,
    variant: { task: identityArgs(task.args, taskArgs), model: identityArgs(model.argSpecs, model.args) },
    shots,
    seeds: options.seeds,
    supportSize: perClass ? null : options.supportSize,
    perClass: perClass ? { query: perClass.query, support: perClass.support } : null,
    limit: limit ?? null,
    protocol: options.protocol,
    sampler: options.sampler,
    zeroShotTextDemos: shots === 0 ? (options.zeroShotTextDemos ?? defaultZeroShotTextDemos(task.kind)) : null,
    promptStyle: options.promptStyle,
    promptEnsemble: task.kind === 'rank' ? options.promptEnsemble : null,
    dataDir: options.dataDir ?? null,
    dataRoot: options.dataRoot ?? null,
    split: options.split ?? null,
    resultsDir: options.resultsDir,
    concurrency: options.concurrency,
    batchSize: options.batchSize,
    generation: {
      ...task.generation,
      ...(options.maxNewTokens !== undefined ? { maxNewTokens: options.maxNewTokens } : {}),
      ...(options.numBeams !== undefined ? { numBeams: options.numBeams } : {}),
      ...(options.lengthPenalty !== undefined ? { lengthPenalty: options.lengthPenalty } : {}),
    },
    lengthNormalize: task.lengthNormalize ?? false,
    frames: task.modality === 'video' ? options.frames : null,
    onMediaError: options.onMediaError,
    shard: options.shard ? formatShard(options.shard) : null,
    fresh: options.fresh,
    ablation,
  };
}

/** Demonstration orderings averaged: 1 for open-ended tasks and without --prompt-ensemble. */
export function ensembleSize(config: RunConfig): number {
  return config.promptEnsemble ?? 1;
}

/**
 * The configuration identity: what decides each example's output (the journal's hash; not --limit or --seeds, since
 * examples are journaled by seed and id, so a run can be extended and reuse it), and with the query set, the seeds
 * and the task's identity arguments (they change the score, not an output), the record's. --concurrency,
 * --batch-size and the backend's other arguments (threads) change nothing.
 */
export function configIdentity(config: RunConfig, facts: RunFacts): { journal: RunIdentity; record: RunIdentity } {
  return runIdentities({
    format: 2,
    model: facts.model,
    task: facts.task,
    shots: config.shots,
    data: facts.data,
    demonstrations: {
      supportSize: config.perClass ? { perClass: config.perClass.support } : config.supportSize,
      sampler: config.sampler,
      zeroShotTextDemos: config.zeroShotTextDemos,
      promptEnsemble: ensembleSize(config),
      // Support items whose media are missing change the pool, so the draws: a run after the clips come back is
      // another configuration (absent, and the hash unchanged, when nothing is missing).
      ...(facts.excludedSupport.length > 0 ? { excluded: facts.excludedSupport } : {}),
    },
    prompt: { style: config.promptStyle, candidatePrefix: facts.candidatePrefix },
    output: facts.kind === 'generate' ? { generation: config.generation } : { lengthNormalize: config.lengthNormalize },
    frames: config.frames ? formatFrameSampling(config.frames) : undefined,
    queries: { protocol: config.protocol, limit: config.limit, perClass: config.perClass?.query ?? null },
    seeds: config.seeds,
    scoring: Object.keys(config.variant.task).length > 0 ? { taskArgs: config.variant.task } : undefined,
    // Absent for the plain run, so that its identity is the one it had before ablations existed.
    ablation: config.ablation ?? undefined,
  });
}

/** `-stem`, `-threads2`: an argument's word in a file name (a boolean set true is its name alone). */
function argWords(args: ArgValues): string {
  return Object.entries(args)
    .map(([name, value]: [string, ArgValue]) => (value === true ? `-${name}` : `-${name}${String(value)}`))
    .join('');
}

/**
 * The journal's name without its hash: `<task>-<shots>shot` and the non-default choices that change outputs, so that a
 * RICES run does not share a name with a random-sampler one, nor a test-dev run with a val one.
 */
export function journalStem(config: RunConfig): string {
  return safeName(journalWords(config));
}

function journalWords(config: RunConfig): string {
  return (
    `${config.task}-${config.shots}shot` +
    (config.split !== null ? `-${config.split}` : '') +
    (config.sampler !== 'random' ? `-${config.sampler}` : '') +
    (config.promptStyle !== 'paper' ? `-${config.promptStyle}` : '') +
    (ensembleSize(config) > 1 ? `-ensemble${ensembleSize(config)}` : '') +
    (config.ablation !== null ? `-${config.ablation}` : '') +
    argWords(config.variant.model)
  );
}

/** `<results>/<model>/`: a model's records, and its journals and caches below. */
export function modelDir(config: RunConfig, facts: RunFacts): string {
  return join(config.resultsDir, safeName(facts.modelName));
}

export function journalDir(config: RunConfig, facts: RunFacts): string {
  return join(modelDir(config, facts), 'journals');
}

/**
 * `<results>/<model>/<task>-<shots>shot<words>-<identity>.json`: the journal's words, then the task's identity
 * arguments (`-stem`), `-sample` and `-limit<n>` (a --limit subset); the identity's first 8 hex digits tell apart
 * configurations the words do not (so runs that differ in anything that changes their numbers never share a file).
 */
export function recordFile(config: RunConfig, facts: RunFacts, identity: RunIdentity): string {
  const words =
    argWords(config.variant.task) +
    (facts.sample ? '-sample' : '') +
    (config.limit !== null && config.protocol !== 'flamingo' ? `-limit${config.limit}` : '');
  return join(modelDir(config, facts), `${safeName(journalWords(config) + words)}-${identity.hash.slice(0, 8)}.json`);
}

/** The record's `config` field: the configuration, its identity, and the journal its examples came from. */
export function recordConfig(
  config: RunConfig,
  identities: { journal: RunIdentity; record: RunIdentity },
  journal: string | null,
): Record<string, unknown> {
  return {
    ...config,
    journal,
    configHash: identities.journal.hash,
    identity: identities.record.hash,
    identityParts: identities.record.parts,
  };
}
