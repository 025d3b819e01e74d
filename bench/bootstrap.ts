// Bootstrap intervals at benchmark scale (issue 13): 1,000 replicates of CIDEr-D on a COCO-test-sized set (5,000 images
// x 5 references, bench/caption-corpus.ts) and of VQA accuracy on a VQAv2-val-sized set (214,354 questions x 10
// answers, bench/vqa-corpus.ts), each replicate the metric recomputed on the resampled set as its scorer computes it.
// Fast way (what records and `score --ci` use, src/stats/ and metrics/cider-d.ts CiderDResampler): per-image n-gram
// lists and per-question values computed once; a replicate recomputes CIDEr-D's document frequencies from the
// resample's multiplicities, or averages the resample's per-question values. Baseline, the naive way: each replicate
// rescored from scratch (the resampled items through `ciderD` — PTB tokenization, n-gram counting, CIDEr-D — or through
// `vqaAccuracy` — answer normalisation and matching). The naive way is timed on a few replicates only and extrapolated
// to 1,000 (said in the output); the replicates it computes are checked equal to the fast ones.
//
//   node --import tsx bench/bootstrap.ts [--replicates 1000] [--naive 3]
//
// Measured 2026-12-06 on a 2-core AMD EPYC machine (Node 20); CPU time is the figure to compare (wall time also
// counts waiting for a core):
//   CIDEr-D, 5,000 images:        1,000 replicates 6.97 s CPU (37.4 s wall), setup 1.25 s; naive 1.15 s per replicate
//                                 (3 timed) -> ~1,154 s for 1,000 (extrapolated): 30x (wall, setup included)
//   VQA accuracy, 214,354 q.:     1,000 replicates 1.68 s CPU (7.3 s wall), setup 1.60 s; naive 1.97 s per replicate
//                                 (3 timed) -> ~1,971 s for 1,000 (extrapolated): 222x
// The naive replicates timed were equal to the fast ones (CIDEr-D bit for bit; VQA to rounding).
import { performance } from 'node:perf_hooks';
import { captionCorpus } from './caption-corpus.ts';
import { vqaCorpus } from './vqa-corpus.ts';
import { forEachResample } from '../src/metrics/bootstrap.ts';
import { CaptionNgrams } from '../src/metrics/caption-ngrams.ts';
import { ciderD, CiderDResampler } from '../src/metrics/cider-d.ts';
import { tokenizeCaptionItems } from '../src/metrics/text/ptb-tokenize.ts';
import { vqaAccuracy } from '../src/metrics/vqa-accuracy.ts';
import type { AnswerItem, CaptionItem } from '../src/metrics/types.ts';
import { queryInterval } from '../src/stats/query-bootstrap.ts';
import { perItemMean } from '../src/stats/resamplers.ts';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const REPLICATES = flag('--replicates', 1000);
const NAIVE = flag('--naive', 3);
const SEED = 0;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The first `count` replicates' indices (the same ones the fast loop draws first). */
function firstReplicates(n: number, count: number): Uint32Array[] {
  const out: Uint32Array[] = [];
  forEachResample(n, count, SEED, (indices) => out.push(indices.slice()));
  return out;
}

function report(name: string, setupMs: number, fastMs: number, fastCpu: number, naiveEach: number, interval: [number, number], equal: boolean) {
  const naiveTotal = naiveEach * REPLICATES;
  console.log(`${name}`);
  console.log(`  fast:  setup ${seconds(setupMs)} (once) + ${REPLICATES} replicates ${seconds(fastMs)} (CPU ${seconds(fastCpu)}) = ${seconds(setupMs + fastMs)}`);
  console.log(`  naive: ${seconds(naiveEach)} per replicate (mean of ${NAIVE} timed), x ${REPLICATES} = ${seconds(naiveTotal)} (extrapolated)`);
  console.log(`  ratio: ${(naiveTotal / (setupMs + fastMs)).toFixed(0)}x faster, setup included`);
  console.log(`  95% interval: ${interval[0].toFixed(4)} – ${interval[1].toFixed(4)}; timed naive replicates equal to the fast ones: ${equal}`);
}

// --- CIDEr-D, 5,000 images ---------------------------------------------------------------------------------------
{
  const items = captionCorpus(1, 5000, 5);
  const t0 = performance.now();
  const resampler = new CiderDResampler(new CaptionNgrams(tokenizeCaptionItems(items)));
  const setupMs = performance.now() - t0;
  const values: number[] = [];
  const c0 = cpu();
  const t1 = performance.now();
  forEachResample(items.length, REPLICATES, SEED, (indices) => values.push(100 * resampler.corpus(indices)));
  const fastMs = performance.now() - t1;
  const fastCpu = cpu() - c0;
  values.sort((a, b) => a - b);

  let equal = true;
  const t2 = performance.now();
  for (const [r, indices] of firstReplicates(items.length, NAIVE).entries()) {
    const sample: CaptionItem[] = Array.from(indices, (i, k) => ({ ...items[i]!, id: `${items[i]!.id}#${k}` }));
    const naive = ciderD(sample).scores.cider as number;
    if (naive !== 100 * resampler.corpus(indices)) equal = false;
    void r;
  }
  const naiveEach = (performance.now() - t2) / NAIVE;
  report(`CIDEr-D, ${items.length} images x 5 references`, setupMs, fastMs, fastCpu, naiveEach, [values[25]!, values[974]!], equal);
}

// --- VQA accuracy, 214,354 questions -----------------------------------------------------------------------------
{
  const items: AnswerItem[] = JSON.parse(JSON.stringify(vqaCorpus(214_354)));
  const t0 = performance.now();
  const perItem = vqaAccuracy(items).perItem!;
  const resample = perItemMean(perItem);
  const setupMs = performance.now() - t0;
  const c0 = cpu();
  const t1 = performance.now();
  const ci = queryInterval(items.length, [resample], { samples: REPLICATES, seed: SEED });
  const fastMs = performance.now() - t1;
  const fastCpu = cpu() - c0;

  let equal = true;
  const t2 = performance.now();
  for (const indices of firstReplicates(items.length, NAIVE)) {
    const sample = Array.from(indices, (i, k) => ({ ...items[i]!, id: `${items[i]!.id}#${k}` }));
    const naive = vqaAccuracy(sample).scores.vqa_accuracy as number;
    // The naive sum runs in another order: equal to rounding.
    if (Math.abs(naive - resample(indices)) > 1e-9) equal = false;
  }
  const naiveEach = (performance.now() - t2) / NAIVE;
  report(`VQA accuracy, ${items.length} questions x 10 answers`, setupMs, fastMs, fastCpu, naiveEach, [ci.low, ci.high], equal);
}
