// The visual tokens of media, by media identity: from the cache (visual-cache.ts), else read and preprocessed
// (media.ts) and run through the vision graph, a batch per frame count. Lives on the main thread in front of every
// session, so that with worker sessions a medium is still encoded once per run, and counted once. A medium that
// another call is encoding right now is awaited, not encoded twice.
import type { MediaRef } from '../../core/types.ts';
import type { MediaLoader, MediaPixels } from './media.ts';
import type { VisualSource } from './runtime.ts';
import type { VisualCache, VisualEntry } from './visual-cache.ts';

/** Runs the vision graph: `media` media of `frames` frames each -> tokens [media, L, D], embedding [media, D]. */
export type EncodeMedia = (pixels: Float32Array, media: number, frames: number) => Promise<{ tokens: Float32Array; embedding: Float32Array }>;

export class VisualEncoder implements VisualSource {
  encodes = 0;
  /** Wall time during which some media were loading (overlapping loads count once). */
  mediaMs = 0;
  private readonly pending = new Map<string, Promise<VisualEntry>>();
  private loading = 0;
  private loadingSince = 0;

  constructor(
    private readonly loader: MediaLoader,
    readonly cache: VisualCache,
    private readonly encode: EncodeMedia,
    private readonly size: { visualTokens: number; visualDim: number },
  ) {}

  async visualFor(media: MediaRef[]): Promise<VisualEntry[]> {
    const found = new Map<string, VisualEntry | Promise<VisualEntry>>();
    const missing = new Map<string, MediaRef>();
    for (const m of media) {
      if (found.has(m.id) || missing.has(m.id)) continue;
      const entry = this.cache.get(m.id) ?? this.pending.get(m.id);
      if (entry) found.set(m.id, entry);
      else missing.set(m.id, m);
    }
    if (missing.size > 0) {
      const encoded = this.encodeMissing([...missing.values()]);
      for (const m of missing.values()) {
        const entry = encoded.then((entries) => entries.get(m.id)!);
        entry.catch(() => {}); // the failure reaches the caller through `encoded`, and any other waiter through `entry`
        this.pending.set(m.id, entry);
        found.set(m.id, entry);
      }
      try {
        await encoded;
      } finally {
        for (const id of missing.keys()) this.pending.delete(id);
      }
    }
    return Promise.all(media.map((m) => found.get(m.id)!));
  }

  private async encodeMissing(media: MediaRef[]): Promise<Map<string, VisualEntry>> {
    let loaded: { m: MediaRef; px: MediaPixels }[];
    this.loadStarted();
    try {
      loaded = await Promise.all(media.map(async (m) => ({ m, px: await this.loader.load(m) })));
    } finally {
      this.loadEnded();
    }
    const byFrames = new Map<number, typeof loaded>();
    for (const item of loaded) byFrames.set(item.px.frames, [...(byFrames.get(item.px.frames) ?? []), item]);
    const { visualTokens: L, visualDim: D } = this.size;
    const entries = new Map<string, VisualEntry>();
    await Promise.all(
      [...byFrames].map(async ([frames, items]) => {
        const pixels = new Float32Array(items.reduce((s, i) => s + i.px.data.length, 0));
        let offset = 0;
        for (const item of items) {
          pixels.set(item.px.data, offset);
          offset += item.px.data.length;
        }
        const out = await this.encode(pixels, items.length, frames);
        this.encodes += items.length;
        items.forEach((item, i) => {
          const entry = { tokens: out.tokens.slice(i * L * D, (i + 1) * L * D), embedding: out.embedding.slice(i * D, (i + 1) * D) };
          this.cache.set(item.m.id, entry);
          entries.set(item.m.id, entry);
        });
      }),
    );
    return entries;
  }

  private loadStarted(): void {
    if (this.loading++ === 0) this.loadingSince = performance.now();
  }

  private loadEnded(): void {
    if (--this.loading === 0) this.mediaMs += performance.now() - this.loadingSince;
  }
}
