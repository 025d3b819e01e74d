// End-to-end speed of `flamingo-eval score` (read and check both files, join, score) on official-sized files
// generated with a seed, and the cost of `--ci` (1000 bootstrap resamples):
//
//   node --import tsx bench/score-files.ts [--only vqa,caption,roc_auc,ndcg,mwap]
//
// Sizes: VQAv2 val (214,354 questions x 10 answers; annotations file ~70 MB as the official one), COCO Karpathy test
// (5,000 images x 5 references), HatefulMemes test_seen (1,000 memes), VisDial v1.0 val dense annotations (2,064
// rounds x 100 options, with all 10 rounds of each image in the submission), RareAct (7,607 rows x 149 classes, as
// a .npy matrix). Prints wall time per step and the peak resident memory of the process.
//
// Measured 2026-11-27 on a 2-core x86-64 machine (AMD EPYC, Node 20), wall time:
//   vqa 11.5 s (of which reading the 151 MB annotations file and JSON.parse alone took 7.3 s in a bare `node -e`
//   on the same file at the same time: the file, not the checks or the scorer, dominates), vqa --ci 34 s (scoring again
//   plus 1000 resamples of 214k per-question values); caption 1.4 s, caption --ci 2.5 s; roc_auc 0.02 s, --ci 1.0 s;
//   ndcg 0.5 s, --ci 0.6 s; mwap 0.8 s, --ci 27 s; peak RSS 1.27 GB (the parsed VQA annotations).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { score } from '../src/commands/score.ts';
import { randomInt, rngFor, type Rng } from '../src/core/random.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-score-'));
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : undefined;
const rng = rngFor('bench-score-files');
const WORDS = ['a', 'man', 'woman', 'dog', 'cat', 'riding', 'on', 'the', 'red', 'blue', 'bus', 'street', 'two', 'with', 'of', 'in', 'table', 'sitting', 'white', 'plate', 'food', 'near', 'is', 'an', 'large'];
const sentence = (r: Rng, n: number) => Array.from({ length: n }, () => WORDS[randomInt(r, WORDS.length)]).join(' ');
const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

async function timed(label: string, metric: string, predictions: string, references: string, ci = false) {
  const start = performance.now();
  const { report } = await score({ metric, predictions, references, seed: 0, ciSamples: 1000, ci });
  const seconds = (performance.now() - start) / 1000;
  const head = Object.entries(report.scores).find(([, v]) => typeof v === 'number')!;
  console.log(`${label.padEnd(44)} n=${String(report.n).padStart(7)}  ${seconds.toFixed(2).padStart(6)} s  ${(report.n / seconds).toFixed(0).padStart(8)} items/s  ${head[0]}=${(head[1] as number).toFixed(2)}${report.ci ? `  ci=${JSON.stringify(report.ci[head[0]]?.map((x) => +x.toFixed(2)))}` : ''}`);
}

const want = (name: string) => !only || only.includes(name);

if (want('vqa')) {
  const n = 214_354;
  const answers = ['yes', 'no', '1', '2', '3', 'red', 'blue', 'dog', 'cat', 'tennis', 'frisbee', 'pizza'];
  const annotations = Array.from({ length: n }, (_, q) => ({
    question_id: q * 10 + 1,
    image_id: q,
    answer_type: ['yes/no', 'number', 'other'][q % 3],
    question_type: 'what is',
    multiple_choice_answer: 'yes',
    answers: Array.from({ length: 10 }, (_, k) => ({ answer: answers[randomInt(rng, answers.length)], answer_confidence: 'yes', answer_id: k + 1 })),
  }));
  const refs = write('vqa-annotations.json', { info: {}, license: {}, data_subtype: 'val2014', annotations });
  const preds = write('vqa-results.json', annotations.map((a) => ({ question_id: a.question_id, answer: answers[randomInt(rng, answers.length)] })));
  await timed('vqa (VQAv2 val size)', 'vqa', preds, refs);
  await timed('vqa --ci', 'vqa', preds, refs, true);
}

if (want('caption')) {
  const images = Array.from({ length: 5000 }, (_, i) => i * 7 + 3);
  const refs = write('captions.json', {
    images: images.map((id) => ({ id })),
    annotations: images.flatMap((id, i) => Array.from({ length: 5 }, (_, k) => ({ image_id: id, id: i * 5 + k, caption: `${sentence(rng, 8 + randomInt(rng, 6))}.` }))),
  });
  const preds = write('caption-results.json', images.map((id) => ({ image_id: id, caption: sentence(rng, 9) })));
  await timed('caption (COCO test size)', 'caption', preds, refs);
  await timed('caption --ci', 'caption', preds, refs, true);
}

if (want('roc_auc')) {
  const n = 1000;
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ id: 10000 + i, img: `img/${i}.png`, label: i % 2, text: sentence(rng, 6) }));
  const refs = write('test_seen.jsonl', `${lines.join('\n')}\n`);
  const preds = write('hm-preds.json', Array.from({ length: n }, (_, i) => ({ id: 10000 + i, proba: Math.min(1, Math.max(0, 0.3 * (i % 2) + 0.7 * rng())) })));
  await timed('roc_auc (HatefulMemes test_seen size)', 'roc_auc', preds, refs);
  await timed('roc_auc --ci', 'roc_auc', preds, refs, true);
}

if (want('ndcg')) {
  const images = 2064;
  const dense = Array.from({ length: images }, (_, i) => {
    const rel = Array.from({ length: 100 }, () => (rng() < 0.15 ? Math.ceil(rng() * 5) / 5 : 0));
    rel[randomInt(rng, 100)] = 1;
    return { image_id: 100000 + i, round_id: 1 + randomInt(rng, 10), gt_relevance: rel };
  });
  const refs = write('visdial_1.0_val_dense_annotations.json', dense);
  const ranks = (r: Rng) => {
    const order = Array.from({ length: 100 }, (_, k) => k + 1);
    for (let k = 99; k > 0; k--) {
      const j = randomInt(r, k + 1);
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    return order;
  };
  const preds = write('visdial-ranks.json', dense.flatMap((d) => Array.from({ length: 10 }, (_, r) => ({ image_id: d.image_id, round_id: r + 1, ranks: ranks(rng) }))));
  await timed('ndcg (VisDial val size, 10 rounds/image)', 'ndcg', preds, refs);
  await timed('ndcg --ci', 'ndcg', preds, refs, true);
}

if (want('mwap')) {
  const rows = 7607;
  const classes = 149;
  const verbs = ['cut', 'peel', 'wash', 'throw', 'shake', 'roll', 'drill', 'blend', 'microwave', 'unplug', 'hammer', 'spray'];
  const nouns = ['phone', 'banana', 'door', 'tomato', 'chair', 'rock', 'egg', 'fridge', 'laptop', 'shirt', 'coconut', 'oven', 'pizza', 'tree'];
  const pairs: [string, string][] = [];
  while (pairs.length < classes) {
    const pair: [string, string] = [verbs[randomInt(rng, verbs.length)]!, nouns[randomInt(rng, nouns.length)]!];
    if (!pairs.some(([v, n]) => v === pair[0] && n === pair[1])) pairs.push(pair);
  }
  const csv = ['id,video_id,start,end,class_id,verb,noun,annotation'];
  for (let i = 0; i < rows; i++) {
    const c = randomInt(rng, classes);
    csv.push(`${i},vid${randomInt(rng, 2500)},0,10,${c},${pairs[c]![0]},${pairs[c]![1]},${[0, 0, 1, 2, 3, 4][randomInt(rng, 6)]}`);
  }
  const refs = write('rareact.csv', `${csv.join('\n')}\n`);
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${classes}), }`;
  header += ' '.repeat(64 - ((11 + header.length) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix.writeUInt16LE(header.length, 8);
  const data = Float32Array.from({ length: rows * classes }, () => rng());
  const npy = join(dir, 'predictions.npy');
  writeFileSync(npy, Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]));
  await timed('mwap (RareAct size, .npy)', 'mwap', npy, refs);
  await timed('mwap --ci', 'mwap', npy, refs, true);
}

console.log(`peak resident memory: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
rmSync(dir, { recursive: true, force: true });
