// Visual tokens by media identity, least recently used first out, bounded in bytes: a demonstration image that many
// queries share is encoded once per run while it stays in the cache.
export interface VisualEntry {
  /** visualTokens x visualDim. */
  tokens: Float32Array;
  /** The pooled encoder feature (for `embed`). */
  embedding: Float32Array;
}

export class VisualCache {
  private readonly entries = new Map<string, VisualEntry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number) {}

  get(id: string): VisualEntry | undefined {
    const entry = this.entries.get(id);
    if (entry) {
      this.hits++;
      this.entries.delete(id); // re-insert: Map order is recency order
      this.entries.set(id, entry);
    } else {
      this.misses++;
    }
    return entry;
  }

  set(id: string, entry: VisualEntry): void {
    const old = this.entries.get(id);
    if (old) {
      this.bytes -= sizeOf(old);
      this.entries.delete(id);
    }
    this.entries.set(id, entry);
    this.bytes += sizeOf(entry);
    for (const [key, value] of this.entries) {
      if (this.bytes <= this.maxBytes || this.entries.size <= 1) break;
      this.entries.delete(key);
      this.bytes -= sizeOf(value);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }
}

function sizeOf(entry: VisualEntry): number {
  return entry.tokens.byteLength + entry.embedding.byteLength;
}
