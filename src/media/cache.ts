// Decoded media by identity, least recently used first out, bounded in bytes; a medium being loaded is shared by
// everyone who asks for it meanwhile. So a demonstration video that many queries show is decoded once per run while
// it stays in the cache, and two batches in flight never decode the same video twice.
export class MediaCache<T> {
  private readonly entries = new Map<string, { value: T; bytes: number }>();
  private readonly loading = new Map<string, Promise<T>>();
  private bytes = 0;
  /** Loads run (cache misses). */
  loads = 0;
  hits = 0;

  constructor(
    readonly maxBytes: number,
    private readonly sizeOf: (value: T) => number,
  ) {}

  /** The cached value of `id`, or `load()`'s (stored when it fits; a failed load is not stored). */
  get(id: string, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(id);
    if (entry) {
      this.hits++;
      this.entries.delete(id); // re-insert: Map order is recency order
      this.entries.set(id, entry);
      return Promise.resolve(entry.value);
    }
    const pending = this.loading.get(id);
    if (pending) {
      this.hits++;
      return pending;
    }
    this.loads++;
    const promise = load().then(
      (value) => {
        this.loading.delete(id);
        this.store(id, value);
        return value;
      },
      (error: unknown) => {
        this.loading.delete(id);
        throw error;
      },
    );
    this.loading.set(id, promise);
    return promise;
  }

  private store(id: string, value: T): void {
    const bytes = this.sizeOf(value);
    if (bytes > this.maxBytes) return;
    this.entries.set(id, { value, bytes });
    this.bytes += bytes;
    for (const [key, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= old.bytes;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }
}
