// createHash from node:crypto, loaded on first use. Importing node:crypto costs about 2.5 ms, which every command
// that lists or loads tasks would pay at start-up (random.ts, sample-data.ts and data-files.ts are on that path)
// although listing tasks or printing help hashes nothing.
import type { Hash } from 'node:crypto';
import { createRequire } from 'node:module';

let crypto: typeof import('node:crypto') | undefined;

export function createHash(algorithm: string): Hash {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash(algorithm);
}
