// Seeded randomness. Every random choice in flamingo-eval derives from a key (seed, task, query id, ...) hashed into
// a fresh generator, so a choice never depends on the order or concurrency in which items are processed.
import { createHash } from './hash.ts';

export type Rng = () => number;

/** A generator in [0, 1) seeded from the given key parts (SHA-256 of their JSON, then SplitMix32-style mixing). */
export function rngFor(...key: unknown[]): Rng {
  const digest = createHash('sha256').update(JSON.stringify(key)).digest();
  return sfc32(digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), digest.readUInt32LE(12));
}

// sfc32 (Chris Doty-Humphrey's Small Fast Counter): small, fast and passes PractRand; period well beyond our needs.
function sfc32(a: number, b: number, c: number, d: number): Rng {
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/**
 * Integers in [0, n) in bulk: `fill(out, n)` writes the values `randomInt(rngFor(...key), n)` would return, one after
 * another (the same generator and arithmetic, inlined: bootstrap resampling draws millions per second).
 */
export function randomIntsFor(...key: unknown[]): (out: Uint32Array, n: number) => void {
  const digest = createHash('sha256').update(JSON.stringify(key)).digest();
  let a = digest.readUInt32LE(0) | 0;
  let b = digest.readUInt32LE(4) | 0;
  let c = digest.readUInt32LE(8) | 0;
  let d = digest.readUInt32LE(12) | 0;
  return (out, n) => {
    // (t / 2^32) * n and t * (n / 2^32) are the same exact product rounded once, and `>>> 0` floors a non-negative
    // number below 2^32: the values of randomInt, without a division or a call per draw. The state stays int32
    // (sfc32's `>>>= 0` only changes how the same 32 bits are read).
    const scale = n / 4294967296;
    for (let i = 0; i < out.length; i++) {
      let t = (a + b) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      d = (d + 1) | 0;
      t = (t + d) | 0;
      c = (c + t) | 0;
      out[i] = ((t >>> 0) * scale) >>> 0;
    }
  };
}

/** An integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** A shuffled copy (Fisher-Yates). */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** `k` distinct items drawn without replacement, in draw order. */
export function sample<T>(items: readonly T[], k: number, rng: Rng): T[] {
  return shuffled(items, rng).slice(0, Math.min(k, items.length));
}

/** A stable 32-bit hash of a string key, for orderings that must not depend on anything but the key. */
export function hashKey(...key: unknown[]): number {
  return createHash('sha256').update(JSON.stringify(key)).digest().readUInt32LE(0);
}
