// Media that are not on disk (a taken-down YouTube video, which every copy of a video dataset has). Tasks mark such
// media with the annotation row that names them (MediaRef.missing). A support item with a missing medium leaves the
// pool before demonstrations are drawn, so no query is ever dropped because of its demonstrations, and the draws stay
// the same for a given dataset; the record lists what left and why. A query whose own medium is missing fails when
// the run reaches it, naming the annotation row and the path looked for (or is skipped under --on-media-error skip).
import { basename, dirname } from 'node:path';
import type { Example, TaskData } from '../core/types.ts';
import { MediaError } from '../media/errors.ts';

/** A support item taken out of the pool: its id, the medium looked for, and the annotation that names it. */
export interface ExcludedSupport {
  id: string;
  path: string;
  namedBy: string;
}

/** The data with the support items whose media are missing taken out (listed in `excludedSupport`). */
export function excludeMissingSupport(data: TaskData): TaskData {
  const excluded: ExcludedSupport[] = [];
  const support = data.support.filter((example) => {
    const missing = example.media.find((media) => media.missing !== undefined);
    if (missing === undefined) return true;
    excluded.push({ id: example.id, path: missing.path, namedBy: missing.missing! });
    return false;
  });
  return excluded.length === 0 ? data : { ...data, support, excludedSupport: excluded };
}

/** One line for stderr about the support items taken out, or undefined. */
export function excludedSupportNotice(taskId: string, data: TaskData): string | undefined {
  const excluded = data.excludedSupport ?? [];
  if (excluded.length === 0) return undefined;
  const first = excluded
    .slice(0, 3)
    .map((e) => `${e.path} (named by ${e.namedBy})`)
    .join('; ');
  const more = excluded.length > 3 ? `; and ${excluded.length - 3} more` : '';
  return (
    `${taskId}: ${excluded.length} support item(s) left the demonstration pool because their media are not on disk ` +
    `(listed in the record): ${first}${more}`
  );
}

/** The error for a query whose own medium is missing, or undefined when its media are all on disk. */
export function missingQueryMedia(example: Example): MediaError | undefined {
  const missing = example.media.find((media) => media.missing !== undefined);
  if (missing === undefined) return undefined;
  return new MediaError(
    missing.path,
    `not found on disk (named by ${missing.missing}; query ${example.id}; looked for ${basename(missing.path)} under ${dirname(missing.path)})`,
  );
}
