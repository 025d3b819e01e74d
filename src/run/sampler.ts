// Few-shot sampling: the support pool, the query subset, and each query's demonstrations.
// Everything here is a function of keys (seed, task id, query id, shots) through src/core/random.ts, never of the order
// or concurrency in which queries are processed, nor of --limit: the Python harnesses' known traps (docs/protocol.md,
// "Demonstrations").
import { hashKey, rngFor, sample } from '../core/random.ts';
import type { Example, Shot } from '../core/types.ts';

/**
 * The support pool of one (seed, task): the `size` support examples with the smallest hash of (seed, task, id).
 * It depends on neither the order of the split's file nor --limit, and a larger pool contains a smaller one.
 */
export function drawSupportPool(support: readonly Example[], size: number, seed: number, taskId: string): Example[] {
  return supportOrder(support, seed, taskId).slice(0, size);
}

/**
 * Each support split's order per (seed, task), kept while the split is: hashing costs SHA-256 per item (1.7 s per seed
 * for VQAv2's 443,757 training questions, bench/media-probe.ts), and a run draws the same pools for the media check
 * and for every shot count. Keyed by the array: a support split is not changed once loaded (supportWithout makes a
 * new one).
 */
const orders = new WeakMap<readonly Example[], Map<string, Example[]>>();

function supportOrder(support: readonly Example[], seed: number, taskId: string): Example[] {
  let bySeed = orders.get(support);
  if (bySeed === undefined) orders.set(support, (bySeed = new Map()));
  const key = JSON.stringify([seed, taskId]);
  let order = bySeed.get(key);
  if (order === undefined) {
    order = orderByKey(support, (example) => hashKey('support-pool', seed, taskId, example.id));
    bySeed.set(key, order);
  }
  return order;
}

/** The support split without the items `removed` takes, with the orders already drawn for `support` carried over. */
export function supportWithout(support: readonly Example[], removed: (example: Example) => boolean): Example[] {
  const kept = support.filter((example) => !removed(example));
  const known = orders.get(support);
  if (known !== undefined) orders.set(kept, new Map([...known].map(([key, order]) => [key, order.filter((example) => !removed(example))])));
  return kept;
}

/** How large a support pool is: `supportSize` items, or under --protocol flamingo for classification, `perClass`. */
export interface PoolSize {
  supportSize: number;
  perClass?: { support: number; classOf(example: Example): string };
}

/** The support pool of one (seed, task) at `size` (drawSupportPool or drawSupportPoolPerClass). */
export function drawPool(support: readonly Example[], size: PoolSize, seed: number, taskId: string): Example[] {
  return size.perClass
    ? drawSupportPoolPerClass(support, size.perClass.support, size.perClass.classOf, seed, taskId)
    : drawSupportPool(support, size.supportSize, seed, taskId);
}

/**
 * Classification under --protocol flamingo (ImageNet: 32 per class): the `perClass` support items of each class with
 * the smallest hash of (seed, task, id), so every class is represented in the pool.
 */
export function drawSupportPoolPerClass(
  support: readonly Example[],
  perClass: number,
  classOf: (example: Example) => string,
  seed: number,
  taskId: string,
): Example[] {
  return takePerClass(drawSupportPool(support, support.length, seed, taskId), perClass, classOf);
}

/** Classification under --protocol flamingo (ImageNet: 10 per class): the first `perClass` queries of each class. */
export function querySubsetPerClass(
  query: readonly Example[],
  taskId: string,
  perClass: number,
  classOf: (example: Example) => string,
): Example[] {
  return takePerClass(querySubset(query, taskId), perClass, classOf);
}

/** The first `perClass` items of each class, keeping the given order. */
function takePerClass(ordered: Example[], perClass: number, classOf: (example: Example) => string): Example[] {
  const taken = new Map<string, number>();
  return ordered.filter((example) => {
    const label = classOf(example);
    const count = taken.get(label) ?? 0;
    taken.set(label, count + 1);
    return count < perClass;
  });
}

/**
 * The evaluated queries: the split ordered by hash of (task, id), first `limit` of them. The same subset for every
 * seed and model, and a larger limit contains a smaller one's items.
 */
export function querySubset(query: readonly Example[], taskId: string, limit?: number): Example[] {
  const ordered = orderByKey(query, (example) => hashKey('query-order', taskId, example.id));
  return limit === undefined ? ordered : ordered.slice(0, limit);
}

function orderByKey(examples: readonly Example[], key: (example: Example) => number): Example[] {
  return examples
    .map((example) => ({ example, key: key(example) }))
    .sort((a, b) => a.key - b.key || (a.example.id < b.example.id ? -1 : a.example.id > b.example.id ? 1 : 0))
    .map((entry) => entry.example);
}

/**
 * The pool items that may show in the query's prompt: never the query itself, another item of its group (another
 * question on the same image), nor an item showing one of its media. In pool order.
 */
export function eligibleDemonstrations(pool: readonly Example[], query: Example): Example[] {
  // Runs once per query over the whole pool (ImageNet under --protocol flamingo: 10,000 queries x 32,000 items). An
  // index of the pool by id, group and medium finds the few excluded items without reading the others (reading each
  // pool item per query cost ~100 ms per query once the pool no longer fits in the caches).
  const index = poolIndex(pool);
  const excluded = new Set<number>();
  for (const i of index.byId.get(query.id) ?? []) excluded.add(i);
  if (query.group !== undefined) for (const i of index.byGroup.get(query.group) ?? []) excluded.add(i);
  for (const medium of query.media) for (const i of index.byMedium.get(medium.id) ?? []) excluded.add(i);
  if (excluded.size === 0) return pool.slice();
  const eligible: Example[] = [];
  for (let i = 0; i < pool.length; i++) if (!excluded.has(i)) eligible.push(pool[i]!);
  return eligible;
}

interface PoolIndex {
  byId: Map<string, number[]>;
  byGroup: Map<string, number[]>;
  byMedium: Map<string, number[]>;
}

// Pools are built once per (seed, task) and never changed, so their index is kept as long as the pool lives.
const poolIndexes = new WeakMap<readonly Example[], PoolIndex>();

function poolIndex(pool: readonly Example[]): PoolIndex {
  let index = poolIndexes.get(pool);
  if (index) return index;
  index = { byId: new Map(), byGroup: new Map(), byMedium: new Map() };
  const add = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  pool.forEach((example, i) => {
    add(index!.byId, example.id, i);
    if (example.group !== undefined) add(index!.byGroup, example.group, i);
    for (const medium of example.media) add(index!.byMedium, medium.id, i);
  });
  poolIndexes.set(pool, index);
  return index;
}

/** `shots` random demonstrations in random order, keyed by (seed, task, query id, shots). */
export function randomDemonstrations(
  eligible: readonly Example[],
  query: Example,
  shots: number,
  seed: number,
  taskId: string,
): Example[] {
  return sample(eligible, shots, rngFor('demonstrations', seed, taskId, query.id, shots));
}

/**
 * Flamingo's zero-shot prompt: `count` text-only demonstrations (images removed) ahead of the query, which the paper
 * found much better than none or one (Flamingo, section 3 and appendix; docs/protocol.md, "Demonstrations").
 */
export function zeroShotTextDemonstrations(
  eligible: readonly Example[],
  query: Example,
  count: number,
  seed: number,
  taskId: string,
): Shot[] {
  return sample(eligible, count, rngFor('zero-shot-text', seed, taskId, query.id, count)).map((example) => ({
    example,
    withMedia: false,
  }));
}

/** The number of zero-shot text demonstrations when --zero-shot-text-demos is not given. */
export function defaultZeroShotTextDemos(kind: 'generate' | 'rank'): number {
  return kind === 'generate' ? 2 : 0;
}
