// Which annotation names a medium (file, row and field), for messages and records about media that cannot be used.
// Kept beside the MediaRef rather than in it: a MediaRef goes into every prompt, and prompts are journaled, recorded and
// compared to resume a run, so a field on it would grow every record and change every prompt of earlier journals.
import type { MediaRef } from './types.ts';

const names = new WeakMap<MediaRef, string>();

/** Notes that `where` (an annotation file, row and field) names `media`; returns `media`. */
export function nameMedium<T extends MediaRef>(media: T, where: string): T {
  names.set(media, where);
  return media;
}

/** The annotation that names `media`, when its task noted it. */
export function mediumNamedBy(media: MediaRef): string | undefined {
  return names.get(media);
}
