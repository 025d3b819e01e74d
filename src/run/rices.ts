// RICES (Yang et al. 2022, used by Flamingo): demonstrations are the support items whose visual features are most
// similar to the query's, ordered by increasing similarity so the most similar sits right before the query.
// The support pool's features are computed once per (model, task, seed, pool) and cached on disk.
import { writeFileAtomic } from '../core/atomic-file.ts';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RunError } from '../core/errors.ts';
import type { Backend, Example } from '../core/types.ts';

/** An example's feature: the mean of its media's L2-normalised embeddings, normalised (zero when it has no media). */
export type Features = Map<string, Float32Array>;

export async function embedExamples(
  backend: Backend,
  examples: readonly Example[],
  batchSize: number,
  progress?: (done: number, total: number) => void,
): Promise<Features> {
  if (!backend.embed) throw new RunError('the backend has no embed(); RICES needs one');
  const media = [...new Map(examples.flatMap((example) => example.media.map((m) => [m.id, m] as const))).values()];
  const byMedium = new Map<string, Float32Array>();
  for (let start = 0; start < media.length; start += batchSize) {
    const batch = media.slice(start, start + batchSize);
    let vectors: Float32Array[];
    try {
      vectors = await backend.embed(batch);
    } catch (error) {
      throw new RunError(`the backend failed to embed media ${batch[0]!.id}...: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (vectors.length !== batch.length) {
      throw new RunError(`the backend's embed() returned ${vectors.length} vectors for ${batch.length} media`);
    }
    batch.forEach((medium, i) => byMedium.set(medium.id, normalised(vectors[i]!)));
    progress?.(Math.min(start + batchSize, media.length), media.length);
  }
  const features: Features = new Map();
  for (const example of examples) {
    const vectors = example.media.map((medium) => byMedium.get(medium.id)!);
    features.set(example.id, vectors.length === 0 ? new Float32Array(0) : normalised(mean(vectors)));
  }
  return features;
}

function mean(vectors: Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0]!.length);
  for (const vector of vectors) for (let i = 0; i < out.length; i++) out[i]! += vector[i]!;
  return out;
}

function normalised(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  return norm === 0 ? Float32Array.from(vector) : vector.map((value) => value / norm);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a.length !== b.length) throw new RunError(`embeddings of different sizes (${a.length} and ${b.length})`);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** The `shots` most similar eligible items, least similar first; ties go to the earlier pool item. */
export function ricesDemonstrations(
  eligible: readonly Example[],
  query: Example,
  shots: number,
  features: Features,
  queryFeatures: Features,
): Example[] {
  if (shots <= 0) return [];
  const q = queryFeatures.get(query.id)!;
  // The `shots` best kept in order while scanning, instead of sorting the whole pool per query (ImageNet under
  // --protocol flamingo: 10,000 queries x 32,000 items, where the sort took ~140 ms per query). Scanning in pool order,
  // an item enters only if strictly more similar than the last kept one, and goes after those as similar as itself:
  // the order of a stable sort by similarity, earlier items first on ties.
  const best: { example: Example; similarity: number }[] = [];
  for (const example of eligible) {
    const similarity = cosine(q, features.get(example.id)!);
    if (best.length === shots && !(similarity > best[shots - 1]!.similarity)) continue;
    let at = best.length;
    while (at > 0 && similarity > best[at - 1]!.similarity) at--;
    best.splice(at, 0, { example, similarity });
    if (best.length > shots) best.pop();
  }
  return best.reverse().map((entry) => entry.example);
}

/** The support pool's features, read from the cache file when it holds exactly this pool, else computed and saved. */
export async function poolFeatures(
  backend: Backend,
  pool: readonly Example[],
  cacheFile: string,
  batchSize: number,
  progress?: (done: number, total: number) => void,
): Promise<Features> {
  const ids = pool.map((example) => example.id);
  const idsHash = createHash('sha256').update(JSON.stringify(ids)).digest('hex');
  if (existsSync(cacheFile)) {
    try {
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { idsHash: string; features: Record<string, string> };
      if (cached.idsHash === idsHash) {
        return new Map(
          ids.map((id) => {
            const bytes = Buffer.from(cached.features[id]!, 'base64');
            return [id, new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice()];
          }),
        );
      }
    } catch {
      // A damaged cache is recomputed below.
    }
  }
  const features = await embedExamples(backend, pool, batchSize, progress);
  const serialised: Record<string, string> = {};
  for (const [id, vector] of features) serialised[id] = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileAtomic(cacheFile, JSON.stringify({ idsHash, features: serialised }));
  return features;
}
