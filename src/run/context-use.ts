// Context use: how a model's answers relate to the answers its prompt shows. Later studies of multimodal in-context
// learning found much of the few-shot gain is copying (Baldassini et al. 2024, arXiv 2404.15736: models copy the last
// demonstration's answer, and with similar demonstrations follow their majority; Chen et al. 2023, arXiv 2311.18021).
// These figures make that visible in every record. Definitions (each rate in percent, over the scored examples whose
// prompt shows at least one demonstration; Flamingo's zero-shot text-only demonstrations count, since their answers
// are in the prompt too):
//   copy      the answer equals the answer of one of the prompt's demonstrations;
//   last      the answer equals the answer of the last demonstration (the one nearest the query);
//   majority  the answer equals the most frequent demonstration answer; when several tie for most frequent, equalling
//             any of them counts (so no tie-break rule decides it);
// each with its chance level: the same rate measured against the demonstrations of the OTHER prompts of the trial
// (the expected rate of an answer unrelated to its own prompt's demonstrations, with this answer and demonstration
// distribution). "Equals" compares answers after the task's post-processing and its answer normalisation
// (Task.normalizeAnswer: the VQA normalisation for VQA, the PTB tokenisation for captions, trimming by default).
// Close-ended tasks compare classes: the chosen candidate against the demonstrations' targets.
//   answer in context   whether one of the demonstrations' answers is a correct answer for the query (one of its
//             accepted answers: the references when they are texts, else the target); the task's primary metric is
//             given on each side, with n.
// Everything here is pure: the inputs come from a trial's examples (src/run/record.ts) or a record.
import type { ContextSide, ContextUse, ExampleRecord, Task } from '../core/types.ts';

export type { ContextSide, ContextUse };

/** One scored example as the figures see it. */
export interface ContextItem {
  /** The scored answer: post-processed (open-ended) or the chosen candidate (close-ended). */
  answer: string;
  /** The answers the prompt's demonstrations show, in prompt order (empty: no demonstrations). */
  demonstrations: readonly string[];
  /** The query's correct answers. */
  accepted: readonly string[];
}

/** How answers are compared: the task's post-processing then its normalisation (close-ended: trimmed classes). */
export function answerKeyOf(task: Pick<Task, 'kind' | 'postprocess' | 'normalizeAnswer'>): {
  answer(answer: string): string;
  demonstration(target: string): string;
} {
  const normalize = task.normalizeAnswer ?? ((text: string) => text.trim());
  if (task.kind === 'rank') return { answer: (a) => a.trim(), demonstration: (t) => t.trim() };
  return { answer: normalize, demonstration: (target) => normalize(task.postprocess(target)) };
}

/** The most frequent values (all of them when several tie). */
export function majorityOf(values: readonly string[]): Set<string> {
  const counts = new Map<string, number>();
  let best = 0;
  for (const value of values) {
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    best = Math.max(best, count);
  }
  return new Set([...counts].filter(([, count]) => count === best).map(([value]) => value));
}

/**
 * The context-use figures of one trial. `items` are already compared forms (see answerKeyOf); `scoreOf` gives the
 * task's primary metric on a subset of the items (by index; null where the scorer has no value for that subset, as
 * ROC-AUC of one class). Undefined when no scored prompt shows a demonstration.
 */
export function contextUse(items: readonly ContextItem[], scoreOf: (indices: number[]) => number | null): ContextUse | undefined {
  const shown = items.flatMap((item, i) => (item.demonstrations.length > 0 ? [i] : []));
  if (shown.length === 0) return undefined;
  const sets = new Map<number, Set<string>>();
  const majorities = new Map<number, Set<string>>();
  // How many prompts contain / end with / have in their majority each answer: the chance levels in one pass.
  const inPrompts = new Map<string, number>();
  const lastOf = new Map<string, number>();
  const inMajority = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const i of shown) {
    const demos = items[i]!.demonstrations;
    const set = new Set(demos);
    const majority = majorityOf(demos);
    sets.set(i, set);
    majorities.set(i, majority);
    for (const value of set) bump(inPrompts, value);
    for (const value of majority) bump(inMajority, value);
    bump(lastOf, demos[demos.length - 1]!);
  }
  let copy = 0, last = 0, majority = 0, copyChance = 0, lastChance = 0, majorityChance = 0;
  for (const i of shown) {
    const { answer, demonstrations } = items[i]!;
    const own = { copy: sets.get(i)!.has(answer) ? 1 : 0, last: demonstrations[demonstrations.length - 1] === answer ? 1 : 0,
      majority: majorities.get(i)!.has(answer) ? 1 : 0 };
    copy += own.copy;
    last += own.last;
    majority += own.majority;
    if (shown.length > 1) {
      const others = shown.length - 1;
      copyChance += ((inPrompts.get(answer) ?? 0) - own.copy) / others;
      lastChance += ((lastOf.get(answer) ?? 0) - own.last) / others;
      majorityChance += ((inMajority.get(answer) ?? 0) - own.majority) / others;
    }
  }
  const percent = (count: number) => (100 * count) / shown.length;
  const chance = (sum: number) => (shown.length > 1 ? percent(sum) : null);
  const yes: number[] = [];
  const no: number[] = [];
  for (const i of shown) {
    const accepted = new Set(items[i]!.accepted);
    (items[i]!.demonstrations.some((answer) => accepted.has(answer)) ? yes : no).push(i);
  }
  const side = (indices: number[]): ContextSide => ({ n: indices.length, score: indices.length > 0 ? scoreOf(indices) : null });
  return {
    n: shown.length,
    copy: percent(copy),
    copyChance: chance(copyChance),
    last: percent(last),
    lastChance: chance(lastChance),
    majority: percent(majority),
    majorityChance: chance(majorityChance),
    answerInContext: { yes: side(yes), no: side(no) },
  };
}

/**
 * The items of a trial's examples as compared forms, or undefined when the examples do not say what their
 * demonstrations showed (records written before `demonstrationAnswers` existed): then there are no figures, rather
 * than wrong ones. Skipped examples are left out; `indices` maps each item back to its example.
 */
export function contextItems(
  task: Pick<Task, 'kind' | 'postprocess' | 'normalizeAnswer'>,
  examples: readonly ExampleRecord[],
): { items: ContextItem[]; indices: number[] } | undefined {
  const key = answerKeyOf(task);
  const items: ContextItem[] = [];
  const indices: number[] = [];
  for (const [i, example] of examples.entries()) {
    if (example.skipped !== undefined) continue;
    if (!example.demonstrationAnswers) return undefined;
    const accepted = example.references ?? (example.target !== undefined ? [example.target] : []);
    items.push({
      answer: key.answer(example.answer),
      demonstrations: example.demonstrationAnswers.map((answer) => key.demonstration(answer)),
      accepted: accepted.map((answer) => key.demonstration(answer)),
    });
    indices.push(i);
  }
  return { items, indices };
}

/** The figures of several trials (seeds): each number the mean over the trials that have it. */
export function meanContextUse(figures: readonly (ContextUse | undefined)[]): ContextUse | undefined {
  const present = figures.filter((figure): figure is ContextUse => figure !== undefined);
  if (present.length === 0 || present.length < figures.length) return undefined;
  const mean = (values: (number | null)[]): number | null =>
    values.some((value) => value === null) ? null : (values as number[]).reduce((a, b) => a + b, 0) / values.length;
  const side = (pick: (figure: ContextUse) => ContextSide): ContextSide => ({
    n: mean(present.map((figure) => pick(figure).n))!,
    score: mean(present.map((figure) => pick(figure).score)),
  });
  return {
    n: mean(present.map((f) => f.n))!,
    copy: mean(present.map((f) => f.copy))!,
    copyChance: mean(present.map((f) => f.copyChance)),
    last: mean(present.map((f) => f.last))!,
    lastChance: mean(present.map((f) => f.lastChance)),
    majority: mean(present.map((f) => f.majority))!,
    majorityChance: mean(present.map((f) => f.majorityChance)),
    answerInContext: { yes: side((f) => f.answerInContext.yes), no: side((f) => f.answerInContext.no) },
  };
}
