// `flamingo-eval score` on small fixture files: a few runs of the real bin (exit codes, stdout, stderr), the rest
// in-process through the command's `score` function (the machine is shared; each spawn costs seconds).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReport, score as scoreFiles, type ScoreOptions } from '../src/commands/score.ts';
import { exitCodeOf } from '../src/core/errors.ts';
import { scoreCaptions } from '../src/metrics/caption.ts';
import { wups } from '../src/metrics/wups.ts';

const bin = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;
const fx = (name: string) => new URL(`./fixtures/score/${name}`, import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'score-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function score(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'score', ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The object `--json` prints (through JSON, as the CLI does), computed in-process from the same flags. */
async function json(...args: string[]): Promise<any> {
  return JSON.parse(JSON.stringify((await scoreFiles(parseFlags(args))).report));
}

function parseFlags(args: string[]): ScoreOptions {
  const options: ScoreOptions = { metric: '', predictions: '', references: '', seed: 0, ciSamples: 1000 };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === '--ci') options.ci = true;
    else if (flag === '--json') options.json = true;
    else if (flag === '--seed') options.seed = Number(args[++i]);
    else if (flag === '--ci-samples') options.ciSamples = Number(args[++i]);
    else options[flag.slice(2) as 'metric' | 'predictions' | 'references'] = args[++i]!;
  }
  return options;
}

const VQA = ['--predictions', fx('vqa-predictions.json'), '--references', fx('vqa-annotations.json')];

test('vqa --json prints exactly {metric, n, scores} with full-precision values and per-type scores', async () => {
  // q1: all ten say "yes" and so does the prediction: 1. q2: "Two" -> "2" (answers differ, so normalised), which
  // two annotators gave: each leave-one-out subset has min(1, matches/3): 8 subsets keep both "2"s (2/3) and the two
  // that drop one keep 1/3 -> (8 * 2/3 + 2 * 1/3) / 10 = 0.6; "two" (the third annotator) becomes "2" as well, so
  // matches are 3 in 7 subsets (1) and 2 in 3 (2/3): (7 + 2) / 10 = 0.9. q3: "red" given by one annotator:
  // 9 subsets keep it (1/3), one drops it (0): 0.3. Mean (1 + 0.9 + 0.3) / 3 = 73.33...%. Question 4 has no
  // prediction and is not scored.
  const out = await json('--metric', 'vqa', ...VQA);
  assert.deepEqual(Object.keys(out), ['metric', 'n', 'scores']);
  assert.equal(out.metric, 'vqa');
  assert.equal(out.n, 3);
  assert.equal(out.scores.vqa_accuracy, (100 * (1 + 0.9 + 0.3)) / 3);
  assert.deepEqual(out.scores.vqa_accuracy_by_type, { 'yes/no': 100, number: 90, other: 30 });
});

test('okvqa is VQA accuracy with the stemming on, and the output names it', async () => {
  const out = await json('--metric', 'okvqa', ...VQA);
  assert.equal(out.metric, 'okvqa');
  assert.equal(typeof out.scores.vqa_accuracy, 'number');
  const { title } = await scoreFiles(parseFlags(['--metric', 'okvqa', ...VQA]));
  assert.match(title, /OK-VQA answer stemming/);
});

test('without --json: a plain table (no colour codes when piped) with one row per score and per type', async () => {
  const run = await score('--metric', 'vqa', ...VQA);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /vqa: VQA accuracy .* 3 items/);
  assert.match(run.stdout, /vqa_accuracy\s+│ 73\.33/);
  assert.match(run.stdout, /vqa_accuracy \[number\]\s+│ 90\.00/);
  assert.doesNotMatch(run.stdout, /\u001b\[/);
});

const CAPTIONS = ['--predictions', fx('coco-results.json'), '--references', fx('coco-captions.json')];

test('caption: COCO results against COCO caption annotations; only predicted images are scored, ids as numbers or strings', async () => {
  const out = await json('--metric', 'caption', ...CAPTIONS);
  assert.equal(out.n, 3);
  assert.deepEqual(Object.keys(out.scores), ['bleu_1', 'bleu_2', 'bleu_3', 'bleu_4', 'rouge_l', 'cider']);
  // The scorer on the three joined images: image 5 has references but no prediction, and CIDEr-D's document
  // frequencies would change if its references were included.
  const annotations = JSON.parse(readFileSync(fx('coco-captions.json'), 'utf8')).annotations as { image_id: number; caption: string }[];
  const refs = (id: number) => annotations.filter((a) => a.image_id === id).map((a) => a.caption);
  const direct = scoreCaptions([
    { id: '42', prediction: 'A man riding a wave on top of a surfboard.', references: refs(42) },
    { id: '1007', prediction: 'two dogs play with a red ball in the grass', references: refs(1007) },
    { id: '391895', prediction: 'a bicycle parked next to a wooden bench', references: refs(391895) },
  ]);
  assert.deepEqual(out.scores, direct.scores);
  // The single-metric names print their own keys with the same values.
  assert.deepEqual((await json('--metric', 'cider', ...CAPTIONS)).scores, { cider: direct.scores.cider });
  assert.deepEqual((await json('--metric', 'rouge_l', ...CAPTIONS)).scores, { rouge_l: direct.scores.rouge_l });
  const bleu = (await json('--metric', 'bleu', ...CAPTIONS)).scores;
  assert.deepEqual(Object.keys(bleu), ['bleu_1', 'bleu_2', 'bleu_3', 'bleu_4']);
  assert.equal(bleu.bleu_4, direct.scores.bleu_4);
});

test('caption --ci: an interval for each of the six scores, around the value', async () => {
  const out = await json('--metric', 'caption', ...CAPTIONS, '--ci', '--ci-samples', '100');
  assert.deepEqual(Object.keys(out.ci), ['bleu_1', 'bleu_2', 'bleu_3', 'bleu_4', 'rouge_l', 'cider']);
  for (const key of ['bleu_1', 'rouge_l', 'cider']) {
    const [low, high] = out.ci[key];
    assert.ok(low <= out.scores[key] + 1e-9 && out.scores[key] <= high + 1e-9, `${key}: ${out.scores[key]} in [${low}, ${high}]`);
  }
});

test('wups: [{id, answer}] against [{id, answers, type}]: the scorer\'s keys, per type and group, with intervals', async () => {
  const out = await json('--metric', 'wups', '--predictions', fx('nextqa-predictions.json'), '--references', fx('nextqa-references.json'), '--ci', '--ci-samples', '100');
  const direct = wups([
    { id: 'v1_q0', prediction: 'dog', answers: ['puppy'], type: 'CW' },
    { id: 'v1_q1', prediction: 'two', answers: ['two'], type: 'DC' },
    { id: 'v2_q0', prediction: 'the man is walking', answers: ['man runs', 'walk'], type: 'TN' },
  ]);
  assert.deepEqual(out.scores, direct.scores);
  assert.deepEqual(Object.keys(out.ci), ['wups_0', 'wups_0.9']);
  // Per-question values averaged: the interval ends are means of three of them, so they lie in [0, 100].
  for (const [low, high] of Object.values(out.ci) as [number, number][]) assert.ok(low >= 0 && low <= high && high <= 100);
});

test('a caption prediction for an image the annotations lack, or twice for one image, is an error', async () => {
  const p = file('coco-absent.json', '[{"image_id": 42, "caption": "a"}, {"image_id": 77, "caption": "b"}]');
  await fails(['--metric', 'caption', '--predictions', p, '--references', fx('coco-captions.json')], /coco-absent\.json: index 1: image_id 77 is not in the references/);
  const d = file('coco-dup.json', '[{"image_id": 42, "caption": "a"}, {"image_id": "42", "caption": "b"}]');
  await fails(['--metric', 'cider', '--predictions', d, '--references', fx('coco-captions.json')], /coco-dup\.json: index 1: duplicate image_id 42 \(already at index 0\)/);
  const r = file('coco-refs.json', '{"annotations": [{"image_id": 42, "id": 1}]}');
  await fails(['--metric', 'bleu', '--predictions', fx('coco-results.json'), '--references', r], /coco-refs\.json: annotations\[0\]: missing field "caption"/);
});

test('roc_auc: HatefulMemes JSONL references (blank line allowed, ids as numbers or strings), only predicted memes', async () => {
  // Positives 0.9, 0.5; negatives 0.5, 0.1 -> pairs 1 + 1 + 0.5 + 1 = 3.5 / 4 = 87.5. Meme 100 has no prediction.
  const out = await json('--metric', 'roc_auc', '--predictions', fx('hateful-predictions.json'), '--references', fx('hateful-test.jsonl'));
  assert.deepEqual(out, { metric: 'roc_auc', n: 4, scores: { roc_auc: 87.5 } });
});

test('accuracy and ivqa: [{id, answer}] against [{id, answers, type}], with per-type scores', async () => {
  const args = ['--predictions', fx('answers-predictions.json'), '--references', fx('answers-references.json')];
  // "dog" = "dog", "two" -> "2" = "2", "cat" matches neither "bird" nor "parrot": 2/3.
  const acc = await json('--metric', 'accuracy', ...args);
  assert.equal(acc.n, 3);
  assert.equal(acc.scores.accuracy, 200 / 3);
  assert.deepEqual(acc.scores.accuracy_by_type, { CW: 50, TN: 100 });
  // iVQA: one matching annotator is worth min(1, 1/2) = 0.5: (0.5 + 0.5 + 0) / 3.
  const ivqa = await json('--metric', 'ivqa', ...args);
  assert.equal(ivqa.scores.ivqa_accuracy, 100 / 3);
});

test('ndcg: VisDial ranks submission or scores against dense annotations; unannotated rounds are noted, not scored', async () => {
  // Round (185565, 6): ranks put options 0, 1, 3, 2 in that order; relevance [0, 1, .5, 0], k = 2:
  //   NDCG = (1/log2 3) / (1 + .5/log2 3). Round (284024, 2): order 0, 1, 2, 3; relevance [1, 0, 0, 1]:
  //   NDCG = 1 / (1 + 1/log2 3). Round (185565, 5) has no dense annotation.
  const expected = (100 * (1 / (Math.log2(3) + 0.5) + 1 / (1 + 1 / Math.log2(3)))) / 2;
  const run = await score('--metric', 'ndcg', '--predictions', fx('visdial-ranks.json'), '--references', fx('visdial-dense.json'), '--json');
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.n, 2);
  assert.ok(Math.abs(out.scores.ndcg - expected) < 1e-12, `${out.scores.ndcg} vs ${expected}`);
  assert.match(run.stderr, /1 predicted round has no dense annotation/);
  const fromScores = await json('--metric', 'ndcg', '--predictions', fx('visdial-scores.json'), '--references', fx('visdial-dense.json'));
  assert.equal(fromScores.scores.ndcg, out.scores.ndcg);
});

test('mwap: rareact.csv with JSON per-class scores, or with the official .npy matrix', async () => {
  const hand = await json('--metric', 'mwap', '--predictions', fx('rareact/hand-predictions.json'), '--references', fx('rareact/hand.csv'));
  assert.deepEqual(hand, { metric: 'mwap', n: 6, scores: { mwap: 100 * 0.5777777777777778 } });
  const npy = await json('--metric', 'mwap', '--predictions', fx('rareact/generated.npy'), '--references', fx('rareact/generated.csv'));
  assert.equal(npy.n, 300);
  assert.equal(npy.scores.mwap, 100 * 0.09610899401939085);
});

test('--ci adds a bootstrap interval per headline score under "ci", seeded', async () => {
  const args = ['--metric', 'ndcg', '--predictions', fx('visdial-scores.json'), '--references', fx('visdial-dense.json'), '--ci'];
  const a = await json(...args);
  assert.deepEqual(Object.keys(a), ['metric', 'n', 'scores', 'ci']);
  const [low, high] = a.ci.ndcg;
  assert.ok(low <= a.scores.ndcg && a.scores.ndcg <= high, JSON.stringify(a));
  // Two rounds: every resample is (r1, r1), (r1, r2) or (r2, r2), so the interval runs from round 1's value to round 2's.
  assert.ok(Math.abs(low - 100 / (Math.log2(3) + 0.5)) < 1e-9 && Math.abs(high - 100 / (1 + 1 / Math.log2(3))) < 1e-9);
  assert.deepEqual(await json(...args), a);
  const roc = await json('--metric', 'roc_auc', '--predictions', fx('hateful-predictions.json'), '--references', fx('hateful-test.jsonl'), '--ci', '--seed', '5', '--ci-samples', '200');
  assert.ok(roc.ci.roc_auc[0] <= 87.5 && roc.ci.roc_auc[1] >= 87.5);
  const { report, title } = await scoreFiles(parseFlags(args));
  assert.match(renderReport(report, title), /ndcg +│ 54\.64 +│ 47\.96 – 61\.31/);
});

/** The command fails with an error that maps to exit code 2 and whose message matches. */
async function fails(args: string[], pattern: RegExp) {
  await assert.rejects(scoreFiles(parseFlags(args)), (error: Error) => {
    assert.equal(exitCodeOf(error), 2, `exit code for ${args.join(' ')}: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  });
}

test('a prediction for an id the references lack: file, index and id', async () => {
  const p = file('absent.json', '[{"question_id": 1, "answer": "yes"}, {"question_id": 9, "answer": "no"}]');
  await fails(['--metric', 'vqa', '--predictions', p, '--references', fx('vqa-annotations.json')], /absent\.json: index 1: question_id 9 is not in the references/);
});

test('a duplicate id: file, index or line, and where the first one is', async () => {
  const p = file('dup.json', '[{"id": "v1_q0", "answer": "a"}, {"id": "v2_q0", "answer": "b"}, {"id": "v1_q0", "answer": "c"}]');
  await fails(['--metric', 'accuracy', '--predictions', p, '--references', fx('answers-references.json')], /dup\.json: index 2: duplicate id v1_q0 \(already at index 0\)/);
  const r = file('dup.jsonl', '{"id": 1, "label": 0}\n{"id": 1, "label": 1}\n');
  await fails(['--metric', 'roc_auc', '--predictions', fx('hateful-predictions.json'), '--references', r], /dup\.jsonl:2: id: meme 1 is listed twice \(first on line 1\)/);
});

test('a missing field or a field of the wrong type: file, index and field', async () => {
  const p = file('missing.json', '[{"question_id": 1, "answer": "yes"}, {"question_id": 2}]');
  await fails(['--metric', 'vqa', '--predictions', p, '--references', fx('vqa-annotations.json')], /missing\.json: index 1: missing field "answer"/);
  const q = file('proba.json', '[{"id": 42, "proba": "high"}]');
  await fails(['--metric', 'roc_auc', '--predictions', q, '--references', fx('hateful-test.jsonl')], /proba\.json: index 0: field "proba" must be a finite number, found string "high"/);
  const r = file('label.jsonl', '{"id": 42, "label": 1}\n{"id": 7, "label": 2}\n');
  await fails(['--metric', 'roc_auc', '--predictions', fx('hateful-predictions.json'), '--references', r], /label\.jsonl:2: label: expected 0 or 1, found 2/);
  const a = file('anns.json', '{"annotations": [{"question_id": 1, "answers": [{"answer_id": 1}]}]}');
  await fails(['--metric', 'vqa', '--predictions', fx('vqa-predictions.json'), '--references', a], /anns\.json: annotations\[0\]\.answers\[0\]\.answer: missing field/);
  const c = file('rareact.csv', 'id,video_id,class_id,verb,noun\n0,v,0,cut,apple\n');
  await fails(['--metric', 'mwap', '--predictions', fx('rareact/hand-predictions.json'), '--references', c], /rareact\.csv: line 1: the header lacks column "annotation"/);
  const v = file('ranks.json', '[{"image_id": 185565, "round_id": 6, "ranks": [1, 2, 2, 3]}]');
  await fails(['--metric', 'ndcg', '--predictions', v, '--references', fx('visdial-dense.json')], /ranks\.json: index 0: field "ranks"\[2\] repeats rank 2/);
});

test('VisDial and RareAct specifics: an image without dense annotations, a wrong number of options, a matrix of the wrong size', async () => {
  const dense = ['--references', fx('visdial-dense.json')];
  const img = file('visdial-img.json', '[{"image_id": 1, "round_id": 1, "ranks": [1, 2, 3, 4]}]');
  await fails(['--metric', 'ndcg', '--predictions', img, ...dense], /visdial-img\.json: index 0: image_id 1 has no dense annotation/);
  const short = file('visdial-short.json', '[{"image_id": 185565, "round_id": 6, "scores": [0.5, 0.1]}]');
  await fails(['--metric', 'ndcg', '--predictions', short, ...dense], /visdial-short\.json: index 0: has 2 ranks\/scores but the dense annotation has 4/);
  const neither = file('visdial-neither.json', '[{"image_id": 185565, "round_id": 6}]');
  await fails(['--metric', 'ndcg', '--predictions', neither, ...dense], /index 0: missing field "ranks" \(or "scores"\)/);
  await fails(['--metric', 'mwap', '--predictions', fx('rareact/generated.npy'), '--references', fx('rareact/hand.csv')], /generated\.npy: the matrix has 300 rows but .*hand\.csv has 6 annotation rows/);
  const few = file('rareact-few.json', '[{"id": 0, "scores": [0.5, 0.1]}]');
  await fails(['--metric', 'mwap', '--predictions', few, '--references', fx('rareact/hand.csv')], /rareact-few\.json: index 0: field "scores" has 2 values but .*class ids up to 2/);
  const negatives = file('rareact-neg.json', '[{"id": 2, "scores": [0.5, 0.1, 0.2]}]');
  await fails(['--metric', 'mwap', '--predictions', negatives, '--references', fx('rareact/hand.csv')], /mwap: mWAP is undefined: none of the 1 rows is a positive/);
});

test('an empty file, an empty array and a missing file', async () => {
  await fails(['--metric', 'vqa', '--predictions', file('empty.json', ''), '--references', fx('vqa-annotations.json')], /empty\.json: the file is empty/);
  await fails(['--metric', 'vqa', '--predictions', file('none.json', '[]'), '--references', fx('vqa-annotations.json')], /none\.json: the array is empty/);
  await fails(['--metric', 'roc_auc', '--predictions', fx('hateful-predictions.json'), '--references', file('blank.jsonl', '\n\n')], /blank\.jsonl: the file is empty/);
  await fails(['--metric', 'vqa', '--predictions', join(scratch, 'nope.json'), '--references', fx('vqa-annotations.json')], /nope\.json: cannot read the file \(no such file\)/);
});

test('malformed JSON names the line and column, in a JSON file and a JSONL line alike', async () => {
  const p = file('malformed.json', '[{"question_id": 1,\n "answer": "yes"},\n {"question_id": 2 "answer": "x"}]');
  await fails(['--metric', 'vqa', '--predictions', p, '--references', fx('vqa-annotations.json')], /malformed\.json:3: not valid JSON at column 20 /);
  const r = file('broken.jsonl', '{"id": 42, "label": 1}\n\n{"id": 7, "label": 0\n');
  await fails(['--metric', 'roc_auc', '--predictions', fx('hateful-predictions.json'), '--references', r], /broken\.jsonl:3: not valid JSON at column 21 /);
});

test('an unknown metric is a usage error listing the metrics', async () => {
  await fails(['--metric', 'meteor', ...VQA], /unknown metric "meteor".*caption, cider, bleu/);
});

test('the bin: bad input exits 2 with the message on stderr and nothing on stdout; so do a missing flag and a bad --seed', async () => {
  const p = file('absent-bin.json', '[{"question_id": 9, "answer": "no"}]');
  const runs = await Promise.all([
    score('--metric', 'vqa', '--predictions', p, '--references', fx('vqa-annotations.json'), '--json'),
    score('--metric', 'vqa', '--references', fx('vqa-annotations.json')),
    score('--metric', 'vqa', ...VQA, '--seed', '-1'),
  ]);
  for (const run of runs) assert.equal(run.status, 2, run.stderr);
  assert.match(runs[0]!.stderr, /^flamingo-eval: .*absent-bin\.json: index 0: question_id 9 is not in the references/);
  assert.equal(runs[0]!.stdout, '');
  assert.match(runs[1]!.stderr, /required option '--predictions <file>'/);
  assert.match(runs[2]!.stderr, /--seed must be an integer >= 0/);
});

test('a scorer that cannot score the items (one class only for ROC-AUC) is an input error naming the files', async () => {
  const p = file('one-class.json', '[{"id": 42, "proba": 0.9}, {"id": 7, "proba": 0.2}]');
  await fails(['--metric', 'roc_auc', '--predictions', p, '--references', fx('hateful-test.jsonl')], /one-class\.json with .*hateful-test\.jsonl: roc_auc: .*only one class/);
});
