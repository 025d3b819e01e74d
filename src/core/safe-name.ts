// Names that become file or folder names (a model's name, a task id, a record's variant words) come from users, task
// modules and servers. One function makes them safe: the result is a single path segment that is never `.` or `..`,
// holds no separator (`/`, `\`), no control character and nothing a shell or another system would trip on, and two
// different names never give the same segment.
import { createHash } from 'node:crypto';

/** What a safe segment may hold; a name made only of these (and not starting with a dot) is kept as it is. */
const SAFE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * `flamingo-tiny-m` stays `flamingo-tiny-m`; any other name is rewritten (each run of other characters becomes `-`,
 * leading dots go) and gets `~` and 10 hex digits of the name's sha256. `~` is not in the kept alphabet, so a rewritten
 * name never equals a kept one, and the hash tells two rewritten names apart (`a/b` and `a\b`, `..` and `.`).
 */
export function safeName(name: string): string {
  if (SAFE.test(name) && name.length <= 200) return name;
  const readable = name
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+|-+$/g, '')
    .slice(0, 100);
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 10);
  return `${readable || 'name'}~${hash}`;
}
