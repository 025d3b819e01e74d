// The harness's own overhead at the paper's scale: 5000 queries, a 2048-item support pool, 32 shots, with the
// instant baseline backend, so what is timed is planning (demonstrations + prompts), the journaled run loop,
// scoring, the record, and a resumed rerun (journal read + prompt check). Run: node --import tsx bench/run-loop.ts
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';

const task = new URL('../test/support/fake-task.ts', import.meta.url).pathname;
const bigTask = join(mkdtempSync(join(tmpdir(), 'flamingo-bench-')), 'big-task.ts');
const { writeFileSync } = await import('node:fs');
// 6000 support images (12000 questions) and 2500 query images (5000 questions).
writeFileSync(bigTask, `import { fakeTask } from ${JSON.stringify(task)};\nexport default fakeTask({}, { support: 6000, query: 2500 });\n`);

const resultsDir = mkdtempSync(join(tmpdir(), 'flamingo-bench-results-'));
const options = parseRunOptions({ task: bigTask, shots: '32', resultsDir, quiet: true, batchSize: '16' });

let started = performance.now();
const [first] = await evaluate(options);
const firstMs = performance.now() - started;
started = performance.now();
const [resumed] = await evaluate(options);
const resumedMs = performance.now() - started;

const n = first!.record.summary.n;
console.log(`queries: ${n}, shots: 32, support pool: ${first!.record.data.supportSize}`);
console.log(`first run:   ${(firstMs / 1000).toFixed(2)} s (${(n / (firstMs / 1000)).toFixed(0)} examples/s; backend ${first!.record.timings.backendMs.toFixed(0)} ms)`);
console.log(`resumed run: ${(resumedMs / 1000).toFixed(2)} s (${resumed!.record.timings.resumedExamples} examples from the journal)`);
console.log(`record: ${(statSync(first!.path).size / 1e6).toFixed(1)} MB, journal: ${(statSync(String(first!.record.config.journal)).size / 1e6).toFixed(1)} MB`);
rmSync(resultsDir, { recursive: true });
