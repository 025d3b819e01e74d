// Demonstration ablations (`--ablation <name>`): a prompt built from the same demonstrations and query as the plain
// run, with one thing taken away, to measure what the model uses. Each is a pure function of the prompt's structure
// (the shots and the query, before the task's templates render them), so every backend receives the same kind of
// prompt, and each random choice is keyed like the demonstrations' own (seed, task, query id, shots):
//   demo-media          the demonstrations keep their text; their images / videos are removed;
//   query-media         the query's media are removed (a blind answer; the demonstrations are unchanged);
//   shuffled-answers    the demonstrations' answers are permuted among them: a random cyclic permutation, so no
//                       demonstration keeps its own answer (answers equal by value may still coincide);
//   foreign-demo-media  each demonstration's media are replaced by those of another support-pool item, one that may
//                       show in the query's prompt and is not a demonstration of it (when the pool has too few such
//                       items, another demonstration's); never its own.
// The query, the demonstrations chosen and their order are those of the plain run (RICES still chooses by the query's
// own image under query-media), so a record and its ablation differ in exactly one thing.
import { UsageError } from '../core/errors.ts';
import { randomInt, rngFor, shuffled } from '../core/random.ts';
import type { Example, Shot } from '../core/types.ts';

import { ABLATIONS, type Ablation } from './ablation-names.ts';

export { ABLATIONS, type Ablation };

export const ABLATION_DESCRIPTIONS: Record<Ablation, string> = {
  'demo-media': "demonstrations without their images / videos (their text kept)",
  'query-media': "the query without its image / video (a blind answer)",
  'shuffled-answers': "the demonstrations' answers permuted among them",
  'foreign-demo-media': "each demonstration shown with another support item's image / video",
};

/**
 * Parses `--ablation a,b`: known names, each once, in the order given; `none` is the plain run (null), so that one
 * command can run a configuration and its ablations.
 */
export function parseAblations(value: string): (Ablation | null)[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw new UsageError(`--ablation ${value}: give one or more of none, ${ABLATIONS.join(', ')}, separated by commas`);
  }
  const out: (Ablation | null)[] = [];
  for (const name of names) {
    if (name !== 'none' && !(ABLATIONS as readonly string[]).includes(name)) {
      throw new UsageError(`--ablation ${name}: unknown ablation; the ablations are ${ABLATIONS.join(', ')} (and none: the plain run)`);
    }
    const ablation = name === 'none' ? null : (name as Ablation);
    if (out.includes(ablation)) throw new UsageError(`--ablation ${value}: ${name} is named twice`);
    out.push(ablation);
  }
  return out;
}

/**
 * Why an ablation means nothing at this shot count, or undefined when it applies. At 0 shots the prompt shows no
 * demonstration with media (Flamingo's zero-shot demonstrations are text-only), and a single answer cannot be permuted.
 */
export function ablationRefusal(ablation: Ablation, shots: number): string | undefined {
  if (ablation === 'demo-media' && shots === 0) {
    return '--ablation demo-media at 0 shots: a 0-shot prompt shows no demonstration media to remove (its text-only demonstrations have none)';
  }
  if (ablation === 'foreign-demo-media' && shots === 0) {
    return '--ablation foreign-demo-media at 0 shots: a 0-shot prompt shows no demonstration media to replace';
  }
  if (ablation === 'shuffled-answers' && shots < 2) {
    return `--ablation shuffled-answers at ${shots} shot${shots === 1 ? '' : 's'}: permuting answers needs at least 2 demonstrations`;
  }
  return undefined;
}

/** What an ablation may draw on besides the prompt: the keys of the demonstrations' own draw, and the eligible pool. */
export interface AblationContext {
  seed: number;
  taskId: string;
  shots: number;
  /** The pool items that may show in this query's prompt (eligibleDemonstrations): foreign media come from these. */
  eligible: readonly Example[];
}

/** The prompt's structure under the ablation: the shots and the query the task's templates then render. */
export function ablatePrompt(
  ablation: Ablation,
  shots: readonly Shot[],
  query: Example,
  context: AblationContext,
): { shots: Shot[]; query: Example } {
  switch (ablation) {
    case 'demo-media':
      return { shots: shots.map((shot) => ({ ...shot, withMedia: false })), query };
    case 'query-media':
      return { shots: shots.slice(), query: { ...query, media: [] } };
    case 'shuffled-answers':
      return { shots: shuffledAnswers(shots, query, context), query };
    case 'foreign-demo-media':
      return { shots: foreignMedia(shots, query, context), query };
  }
}

/** A random cyclic permutation of n items (Sattolo's algorithm): item i moves to position order[i], never to i. */
export function cyclicPermutation(n: number, rng: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(rng, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

function shuffledAnswers(shots: readonly Shot[], query: Example, { seed, taskId, shots: count }: AblationContext): Shot[] {
  const order = cyclicPermutation(shots.length, rngFor('shuffled-answers', seed, taskId, query.id, count));
  return shots.map((shot, i) => ({ ...shot, example: { ...shot.example, target: shots[order[i]!]!.example.target } }));
}

function foreignMedia(shots: readonly Shot[], query: Example, { seed, taskId, shots: count, eligible }: AblationContext): Shot[] {
  const key = (example: Example) => example.media.map((medium) => medium.id).join('\u0000');
  const own = shots.map((shot) => key(shot.example));
  const shown = new Set(shots.map((shot) => shot.example.id));
  const shownMedia = new Set(shots.flatMap((shot) => shot.example.media.map((medium) => medium.id)));
  // Donors: pool items outside the prompt first (one per distinct media), then, when the pool is too small for that
  // (the sample data at 32 shots), the prompt's other demonstrations; never a demonstration's own media.
  const outside = new Map<string, Example>();
  for (const example of eligible) {
    if (shown.has(example.id) || example.media.length === 0 || example.media.some((m) => shownMedia.has(m.id))) continue;
    if (!outside.has(key(example))) outside.set(key(example), example);
  }
  const rng = rngFor('foreign-demo-media', seed, taskId, query.id, count);
  const queue = [...shuffled([...outside.values()], rng), ...shuffled(shots.map((shot) => shot.example), rng)];
  return shots.map((shot, i) => {
    const at = queue.findIndex((donor) => key(donor) !== own[i] && donor.media.length > 0);
    if (at < 0) {
      throw new UsageError(
        `--ablation foreign-demo-media: query ${query.id} of task ${taskId} has no support item with other media than ` +
          `its demonstration ${shot.example.id} (seed ${seed}); use a larger --support-size`,
      );
    }
    const [donor] = queue.splice(at, 1);
    return { ...shot, example: { ...shot.example, media: donor!.media } };
  });
}
