// The plan of one task x shots: for each seed, the queries with their demonstrations and prompts, all decided
// before anything runs (so a bad --shots fails in a second, and a resumed run can check its journal against it).
import { UsageError } from '../core/errors.ts';
import type { Example, Prompt, PromptTemplates, Shot, Task } from '../core/types.ts';
import { ablatePrompt, ablationRefusal, type Ablation } from './ablation.ts';
import { extraOrderings } from './ensemble.ts';
import { buildPrompt } from './prompt.ts';
import { tooManyShots } from './tasks.ts';
import type { Features } from './rices.ts';
import { ricesDemonstrations } from './rices.ts';
import {
  drawPool,
  eligibleDemonstrations,
  randomDemonstrations,
  zeroShotTextDemonstrations,
} from './sampler.ts';

export interface PlannedQuery {
  example: Example;
  shots: Shot[];
  prompt: Prompt;
  /** Prompt ensembling (close-ended tasks): the other orderings of `shots`, whose scores are averaged with `prompt`'s. */
  orderings?: { shots: Shot[]; prompt: Prompt }[];
}

export interface TrialPlan {
  seed: number;
  supportPoolSize: number;
  queries: PlannedQuery[];
}

/** RICES features, computed lazily and shared by all shots of a task. */
export interface RicesFeatures {
  pool(seed: number, pool: Example[]): Promise<Features>;
  queries(queries: Example[]): Promise<Features>;
}

export interface PlanInput {
  task: Task;
  support: readonly Example[];
  /** The evaluated queries (already the --limit subset), in evaluation order. */
  queries: Example[];
  shots: number;
  seeds: number[];
  supportSize: number;
  /** Classification under --protocol flamingo: a pool of this many items per class instead of `supportSize`. */
  perClass?: { support: number; classOf(example: Example): string };
  zeroShotTextDemos: number;
  templates: PromptTemplates;
  /** `--prompt-ensemble n`: close-ended tasks average over min(n, shots!) orderings of the demonstrations (default 1). */
  promptEnsemble?: number;
  /** Present for --sampler rices. */
  rices?: RicesFeatures;
  /** The built-in sample data (advice in errors points at the official files). */
  sample?: boolean;
  /** `--ablation`: the prompt's structure transformed after the demonstrations are chosen (src/run/ablation.ts). */
  ablation?: Ablation;
}

export async function planTrials(input: PlanInput): Promise<TrialPlan[]> {
  const { task, shots } = input;
  if (task.maxShots !== undefined && shots > task.maxShots) {
    throw new UsageError(tooManyShots(task, [shots]));
  }
  const refusal = input.ablation ? ablationRefusal(input.ablation, shots) : undefined;
  if (refusal) throw new UsageError(refusal);
  const queryFeatures = input.rices && shots > 0 ? await input.rices.queries(input.queries) : undefined;
  const plans: TrialPlan[] = [];
  for (const seed of input.seeds) {
    const pool = drawPool(input.support, input, seed, task.id);
    const features = input.rices && shots > 0 ? await input.rices.pool(seed, pool) : undefined;
    const needed = shots > 0 ? shots : input.zeroShotTextDemos;
    const queries = input.queries.map((example): PlannedQuery => {
      const eligible = eligibleDemonstrations(pool, example);
      if (eligible.length < needed) throw new UsageError(tooFewDemonstrations(input, seed, pool, example, eligible.length));
      const demonstrations: Shot[] =
        shots === 0
          ? zeroShotTextDemonstrations(eligible, example, input.zeroShotTextDemos, seed, task.id)
          : (features && queryFeatures
              ? ricesDemonstrations(eligible, example, shots, features, queryFeatures)
              : randomDemonstrations(eligible, example, shots, seed, task.id)
            ).map((shot) => ({ example: shot, withMedia: true }));
      // The example stays the plain one (it is scored); an ablation changes only what the prompt shows.
      const shown = input.ablation
        ? ablatePrompt(input.ablation, demonstrations, example, { seed, taskId: task.id, shots, eligible })
        : { shots: demonstrations, query: example };
      const planned: PlannedQuery = { example, shots: shown.shots, prompt: buildPrompt(input.templates, shown.shots, shown.query) };
      if (task.kind === 'rank' && (input.promptEnsemble ?? 1) > 1 && shots > 1) {
        planned.orderings = extraOrderings(shown.shots, input.promptEnsemble!, seed, task.id, example.id).map((ordering) => ({
          shots: ordering,
          prompt: buildPrompt(input.templates, ordering, shown.query),
        }));
      }
      return planned;
    });
    plans.push({ seed, supportPoolSize: pool.length, queries });
  }
  if (input.ablation) checkAblationApplies(input.ablation, task.id, plans);
  return plans;
}

/**
 * The error of a query with fewer eligible demonstrations than asked, with advice that can work: the most shots every
 * query of the pool allows, and a larger --support-size only when the support split has more items than the pool.
 */
function tooFewDemonstrations(input: PlanInput, seed: number, pool: Example[], example: Example, eligible: number): string {
  const { task, shots } = input;
  // The most every query allows under every seed's pool (pools of other seeds hold other items).
  const pools = input.seeds.map((other) => (other === seed ? pool : drawPool(input.support, input, other, task.id)));
  let most = Infinity;
  for (const each of pools) for (const query of input.queries) most = Math.min(most, eligibleDemonstrations(each, query).length);
  const head =
    `--shots ${shots}: query ${example.id} of task ${task.id} has only ${eligible} eligible demonstration${eligible === 1 ? '' : 's'} ` +
    `in a support pool of ${pool.length} (seed ${seed})`;
  if (shots === 0) return `${head}; use --zero-shot-text-demos ${most} or fewer`;
  const ways = [`use --shots ${most} or fewer (the most every query allows in the pools of --seeds ${input.seeds.join(',')})`];
  const split = `the ${task.splits.support} split`;
  if (input.perClass) ways.push(`(the protocol fixes the pool at ${input.perClass.support} items per class)`);
  else if (pool.length < input.support.length) ways.push(`a larger --support-size (up to ${input.support.length}, ${split}'s size)`);
  else if (input.sample) ways.push(`the official files (--data <dir>): the built-in sample's ${task.splits.support} split has only ${input.support.length} items`);
  else ways.push(`(a larger --support-size cannot help: the pool is already all of ${split}, ${input.support.length} items)`);
  return `${head}; ${ways[0]}${ways[1]!.startsWith('(') ? ` ${ways[1]}` : `, or ${ways[1]}`}`;
}

/** An ablation that removes media nobody has (a text-only task) would be the plain run under another name. */
function checkAblationApplies(ablation: Ablation, taskId: string, plans: TrialPlan[]): void {
  const queries = plans.flatMap((plan) => plan.queries);
  const media =
    ablation === 'query-media'
      ? queries.some((query) => query.example.media.length > 0)
      : ablation === 'shuffled-answers' || queries.some((query) => query.shots.some((shot) => shot.example.media.length > 0));
  if (!media) {
    const what = ablation === 'query-media' ? 'queries' : 'demonstrations';
    throw new UsageError(`--ablation ${ablation}: the ${what} of task ${taskId} have no images or videos to take away`);
  }
}
