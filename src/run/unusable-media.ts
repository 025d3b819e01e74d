// Media that cannot be used: not on disk (a taken-down YouTube video, an image a partial download lacks), or there
// but empty, cut short or not an image or video at all. Every copy of a real dataset has some.
//
// A support item needing such a medium leaves the pool before any demonstration is drawn, so no query is ever dropped
// because of its demonstrations, and the draws are those of the same dataset without that item: deterministic for a
// given dataset, whatever the concurrency, batch or shard split. Missing media are known from the folder listing at
// load (the task marks them, MediaRef.missing); the others are found by probing (src/media/probe.ts) the media of each
// seed's support pool, refilling the pool from the support split until every pool item's media pass.
//
// A query whose own medium cannot be used is a media error of that query: under --on-media-error fail the task stops
// before anything runs, naming the annotation row and the path; under skip it is skipped and counted.
import { basename, dirname } from 'node:path';
import type { Example, ExcludedSupport, MediaRef, TaskData } from '../core/types.ts';
import { InputError } from '../core/errors.ts';
import { mediumNamedBy } from '../core/named-by.ts';
import { MediaError } from '../media/errors.ts';
import { probeKey, probeMedia, type ProbeVerdict } from '../media/probe.ts';
import { supportWithout } from './sampler.ts';

export const NOT_ON_DISK = 'not on disk';

/** The data with the support items whose media are missing taken out (listed in `excludedSupport`). */
export function excludeMissingSupport(data: TaskData): TaskData {
  const excluded: ExcludedSupport[] = [];
  const support = data.support.filter((example) => {
    const missing = example.media.find((media) => media.missing !== undefined);
    if (missing === undefined) return true;
    excluded.push({ id: example.id, path: missing.path, namedBy: missing.missing!, reason: NOT_ON_DISK });
    return false;
  });
  return excluded.length === 0 ? data : { ...data, support, excludedSupport: [...(data.excludedSupport ?? []), ...excluded] };
}

export interface ProbeInput {
  data: TaskData;
  /** The queries the run evaluates. */
  queries: readonly Example[];
  /** The support pools the run will draw from `support`, one per seed (src/run/sampler.ts). */
  pools(support: readonly Example[]): Example[][];
}

/**
 * Probes the media of every seed's support pool and of the queries. A support item with an unusable medium leaves the
 * support split (listed in `excludedSupport` with why), and the pools are drawn again until all their items pass; a
 * query's unusable medium is marked (MediaRef.unreadable). Returns the data without those support items.
 */
export async function setAsideUnreadable(input: ProbeInput): Promise<TaskData> {
  const verdicts = new Map<string, ProbeVerdict>();
  const excluded: ExcludedSupport[] = [];
  let support = input.data.support;
  // A few rounds at most: each round probes only the items that refilled the pools.
  for (;;) {
    const unprobed = new Map<string, MediaRef>();
    for (const pool of input.pools(support)) {
      for (const example of pool) for (const media of example.media) if (!verdicts.has(probeKey(media))) unprobed.set(probeKey(media), media);
    }
    if (unprobed.size === 0) break;
    for (const [key, verdict] of await probeMedia([...unprobed.values()])) verdicts.set(key, verdict);
    const leaving = new Set<Example>();
    for (const example of support) {
      const bad = example.media.find((media) => verdicts.get(probeKey(media)) !== undefined);
      if (bad === undefined) continue;
      leaving.add(example);
      excluded.push({ id: example.id, path: bad.path, namedBy: namedBy(bad, example), reason: verdicts.get(probeKey(bad))! });
    }
    if (leaving.size === 0) break;
    // The pools' orders carry over: no item is hashed again.
    support = supportWithout(support, (example) => leaving.has(example));
  }
  const queryMedia = input.queries.flatMap((example) => example.media.filter((media) => media.missing === undefined && !verdicts.has(probeKey(media))));
  if (queryMedia.length > 0) for (const [key, verdict] of await probeMedia(queryMedia)) verdicts.set(key, verdict);
  for (const example of input.queries) {
    for (const media of example.media) {
      const verdict = media.missing === undefined ? verdicts.get(probeKey(media)) : undefined;
      if (verdict !== undefined) media.unreadable = verdict;
    }
  }
  if (excluded.length === 0) return input.data;
  return { ...input.data, support, excludedSupport: [...(input.data.excludedSupport ?? []), ...excluded] };
}

/** The annotation that names a medium: the task's, else the folder it was found in. */
function namedBy(media: MediaRef, example: Example): string {
  return mediumNamedBy(media) ?? `item ${example.id}, found in ${dirname(media.path)}`;
}

/** One line for stderr about the support items taken out, or undefined. */
export function excludedSupportNotice(taskId: string, data: TaskData): string | undefined {
  const excluded = data.excludedSupport ?? [];
  if (excluded.length === 0) return undefined;
  const missing = excluded.filter((e) => e.reason === NOT_ON_DISK).length;
  const why =
    missing === excluded.length
      ? 'their media are not on disk'
      : missing === 0
        ? 'their media cannot be read'
        : `their media are not on disk (${missing}) or cannot be read (${excluded.length - missing})`;
  // Each file once (VQA asks several questions about one image).
  const files = [...new Map(excluded.map((e) => [e.path, e])).values()];
  const first = files
    .slice(0, 3)
    .map((e) => `${e.path}${e.reason && e.reason !== NOT_ON_DISK ? `: ${e.reason}` : ''} (named by ${e.namedBy})`)
    .join('; ');
  const more = files.length > 3 ? `; and ${files.length - 3} more file(s)` : '';
  const count = files.length === excluded.length ? '' : ` (${files.length} files)`;
  return `${taskId}: ${excluded.length} support item(s)${count} left the demonstration pool because ${why} (listed in the record): ${first}${more}`;
}

/** The error for a query whose own medium is missing or unreadable, or undefined when its media are all usable. */
export function unusableQueryMedia(example: Example): MediaError | undefined {
  const media = example.media.find((m) => m.missing !== undefined || m.unreadable !== undefined);
  if (media === undefined) return undefined;
  if (media.missing !== undefined) {
    return new MediaError(
      media.path,
      `not found on disk (named by ${media.missing}; query ${example.id}; looked for ${basename(media.path)} under ${dirname(media.path)})`,
    );
  }
  const named = mediumNamedBy(media);
  return new MediaError(media.path, `${media.unreadable} (${named ? `named by ${named}; ` : ''}query ${example.id})`);
}

/**
 * The queries whose own media cannot be used: under --on-media-error fail, an error naming the first few (the task
 * stops before anything runs); under skip, a line for stderr (they are skipped and counted as the run reaches them).
 */
export function unusableQueries(taskId: string, queries: readonly Example[], skip: boolean): { error?: InputError; notice?: string } {
  const errors = queries.flatMap((example) => {
    const error = unusableQueryMedia(example);
    return error ? [error] : [];
  });
  if (errors.length === 0) return {};
  const first = errors.slice(0, 3).map((e) => e.message).join('; ');
  const more = errors.length > 3 ? `; and ${errors.length - 3} more` : '';
  const head = `${taskId}: ${errors.length} of the ${queries.length} queries cannot run: their own media are missing or unreadable`;
  if (skip) return { notice: `${head}; skipped and counted in the record (--on-media-error skip): ${first}${more}` };
  return {
    error: new InputError(
      `${head}: ${first}${more}. Restore those files, or pass --on-media-error skip to skip these queries (counted in the record)`,
      errors[0]!.path,
    ),
  };
}
