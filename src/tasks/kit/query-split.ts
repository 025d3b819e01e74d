// `--split` for tasks that name the splits they may evaluate.
import { UsageError } from '../../core/errors.ts';
import type { LoadContext } from '../../core/types.ts';

/** `--split`: one of `allowed` (the first is the default); `why` explains the choice in the error. */
export function querySplit(ctx: LoadContext, title: string, allowed: readonly string[], why?: string): string {
  const split = ctx.split ?? allowed[0]!;
  if (!allowed.includes(split)) {
    const reason = why === undefined ? '' : ` (${why})`;
    throw new UsageError(`--split ${split}: ${title} is evaluated on ${allowed.map((s) => `"${s}"`).join(' or ')}${reason}`);
  }
  return split;
}
