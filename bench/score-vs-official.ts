// `flamingo-eval score` against the official Python scorers, whole process against whole process, in one run:
//   caption: COCO-test size (5,000 images x 5 references, bench/caption-corpus.ts) in the official file formats, scored
//            by the built CLI (`score --metric caption`: PTB tokenization, BLEU-1..4, ROUGE-L, CIDEr-D) and by
//            pycocoevalcap (its PTBTokenizer, Bleu(4), Rouge(), Cider(), as COCOEvalCap.evaluate runs them);
//   vqa:     VQAv2-val size (214,354 questions x 10 answers, bench/vqa-corpus.ts) as the official questions, annotations
//            and results files, scored by the built CLI (`score --metric vqa`) and by the official vqaEval.py (VQA(),
//            loadRes(), VQAEval.evaluate(), as vqaEvalDemo.py runs them).
// Each side is a fresh process timed from spawn to exit (wall, and user + system CPU from /usr/bin/time); the fastest
// of --runs runs counts. The scores of the two sides are printed side by side and must agree.
//
//   npm run build   # the CLI under test is bin/flamingo-eval.js, which runs dist/
//   node --import tsx bench/score-vs-official.ts --pycocoevalcap DIR --vqa DIR [--only caption,vqa] [--runs N]
//
// The official code is not part of this repository. Get it outside the repository:
//   git clone https://github.com/salaniz/pycocoevalcap /work/ext/pycocoevalcap    (--pycocoevalcap, or $PYCOCOEVALCAP)
//   git clone https://github.com/GT-Vision-Lab/VQA /work/ext/VQA                    (--vqa, or $VQA_EVAL)
// pycocoevalcap runs on Python 3 with NumPy (--python, default python3); vqaEval.py is Python 2 code (--python2,
// default python2, e.g. pyenv's 2.7.18). pycocoevalcap's PTBTokenizer runs Stanford CoreNLP 3.4.1 through java, from
// tokenizer/stanford-corenlp-3.4.1.jar, which a clone may lack (a large file); the pycocoevalcap package from PyPI
// ships it: pass the installed package's folder as --pycocoevalcap. Without the jar the Python side is given the
// captions already tokenized (by this project's PTB tokenizer, whose output the caption fixtures pin to
// PTBTokenizer's), so the official tokenizer's time (a JVM start for the references and one for the predictions) is
// missing from the baseline and the ratio printed is a lower bound.
//
// Measured 2026-12-06 on the 2-core machine of this kind (AMD EPYC, Node 20.20, Python 3.11.7 + NumPy 2.4.6, Python
// 2.7.18); wall times include waiting for a core; the CPU ratios are the
// steadier figure. Every score equal (caption: all six values to the last digit; vqa: overall and
// per answer type to the script's two decimals).
//   caption (no CoreNLP jar on that machine: the baseline is pycocoevalcap's scorers alone, a lower bound):
//     ours 1.18 s wall, 0.43 s CPU, 113 MB; pycocoevalcap 15.8 s wall, 4.22 s CPU, 166 MB: 13.4x wall, 9.8x CPU.
//     An earlier run the same evening: 1.06 / 0.41 s against 5.25 / 3.50 s: 5.0x wall, 8.5x CPU.
//   vqa: ours 13.9 s wall, 2.52 s CPU, 533 MB; vqaEval.py (VQA() + loadRes() + evaluate(), one run) 392 s wall,
//     98.3 s CPU, 2.57 GB: 28.2x wall, 39.0x CPU.
// What bounds caption: 20x the scorers' 3.5-4.2 s CPU is 0.18-0.21 s for our whole process, and the same command on a
// 3-image file takes 0.10 s CPU (a bare `node -e 0`: 0.05 s). CPU time per stage in a cold process (process.cpuUsage
// around each, three runs): module loading 35-45 ms, reading and joining the two files 40, PTB tokenization 100-125,
// n-gram counting 115-135 (about half splitting the tokenized captions and interning their words, half the 1M n-grams),
// CIDEr-D 50-70, BLEU 25-50, ROUGE-L 11-40. `node --cpu-prof` of the CLI ranks them the same way; garbage collection is
// 5-20% of its samples.
// What bounds vqa: reading and parsing the 155 MB annotations file. A bare `node -e` doing only readFileSync +
// JSON.parse of it took 1.3-1.7 s CPU of our 2.3-2.5 s (its profile: JSON.parse 43%, garbage collection 23%, reading
// and decoding the file 21%); in the CLI's profile the normalisation and scoring (vqaAccuracy) are 13%.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { captionCorpus } from './caption-corpus.ts';
import { vqaCorpus } from './vqa-corpus.ts';
import { tokenizeCaptionItems } from '../src/metrics/text/ptb-tokenize.ts';

// COCOEvalCap.evaluate() without pycocotools: the results' image ids, their references, PTBTokenizer, then the
// scorers. With a third argument, the captions come already tokenized from that file instead.
const COCO_DRIVER = String.raw`
import json, sys
from pycocoevalcap.bleu.bleu import Bleu
from pycocoevalcap.rouge.rouge import Rouge
from pycocoevalcap.cider.cider import Cider
references, results, tokenized = sys.argv[1], sys.argv[2], sys.argv[3]
if tokenized:
    data = json.load(open(tokenized))
    gts = {int(k): v for k, v in data['gts'].items()}
    res = {int(k): v for k, v in data['res'].items()}
else:
    from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer
    refs = json.load(open(references))
    preds = json.load(open(results))
    ids = set(p['image_id'] for p in preds)
    gts, res = {}, {}
    for a in refs['annotations']:
        if a['image_id'] in ids:
            gts.setdefault(a['image_id'], []).append(a)
    for p in preds:
        res.setdefault(p['image_id'], []).append(p)
    tokenizer = PTBTokenizer()
    gts = tokenizer.tokenize(gts)
    res = tokenizer.tokenize(res)
out = {}
bleu, _ = Bleu(4).compute_score(gts, res)
for n in range(4):
    out['bleu_%d' % (n + 1)] = bleu[n]
out['rouge_l'], _ = Rouge().compute_score(gts, res)
out['cider'], _ = Cider().compute_score(gts, res)
print(json.dumps(out))
`;

// vqaEvalDemo.py's steps: VQA(annFile, quesFile), loadRes(resFile, quesFile), VQAEval(n=2).evaluate().
const VQA_DRIVER = String.raw`
import json, sys
official, ann_file, ques_file, res_file = sys.argv[1:5]
sys.path.insert(0, official + '/PythonHelperTools/vqaTools')
sys.path.insert(0, official + '/PythonEvaluationTools')
from vqa import VQA
from vqaEvaluation.vqaEval import VQAEval
vqa = VQA(ann_file, ques_file)
vqa_res = vqa.loadRes(res_file, ques_file)
evaluation = VQAEval(vqa, vqa_res, n=2)
evaluation.evaluate()
print(json.dumps(evaluation.accuracy['overall'] and {'overall': evaluation.accuracy['overall'], 'perAnswerType': evaluation.accuracy['perAnswerType']}))
`;

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'bin', 'flamingo-eval.js');
const only = flag('--only')?.split(',') ?? ['caption', 'vqa'];
const runs = Number(flag('--runs') ?? 3);
const python3 = flag('--python') ?? 'python3';
const python2 = flag('--python2') ?? 'python2';
const cocoDir = flag('--pycocoevalcap') ?? process.env.PYCOCOEVALCAP;
const vqaDir = flag('--vqa') ?? process.env.VQA_EVAL;
const dir = mkdtempSync(join(tmpdir(), 'bench-official-'));
const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

interface Timed {
  wall: number;
  cpu: number;
  rssMb: number;
  stdout: string;
}

/** One process, timed by /usr/bin/time (wall, user + system CPU, peak RSS). */
function timeProcess(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Timed {
  const result = spawnSync('/usr/bin/time', ['-f', '@@time %e %U %S %M', command, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const line = /@@time (\S+) (\S+) (\S+) (\S+)/.exec(result.stderr);
  if (result.status !== 0 || !line) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr.slice(-3000)}`);
  return { wall: Number(line[1]), cpu: Number(line[2]) + Number(line[3]), rssMb: Number(line[4]) / 1024, stdout: result.stdout };
}

function best(label: string, n: number, run: () => Timed): Timed {
  const all: Timed[] = [];
  for (let i = 0; i < n; i++) all.push(run());
  all.sort((a, b) => a.wall - b.wall);
  const walls = all.map((t) => t.wall.toFixed(2)).join(', ');
  console.log(`  ${label.padEnd(34)} best wall ${all[0]!.wall.toFixed(2).padStart(7)} s, CPU ${all[0]!.cpu.toFixed(2).padStart(7)} s, peak RSS ${all[0]!.rssMb.toFixed(0)} MB   (runs: ${walls})`);
  return all[0]!;
}

function ratio(ours: Timed, theirs: Timed): string {
  return `${(theirs.wall / ours.wall).toFixed(1)}x faster (wall), ${(theirs.cpu / ours.cpu).toFixed(1)}x (CPU)`;
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;

if (only.includes('caption')) {
  const items = captionCorpus(1, 5000, 5);
  const images = items.map((_, i) => 100_000 + i * 7);
  const references = write('captions_test.json', {
    info: {},
    images: images.map((id) => ({ id })),
    annotations: items.flatMap((item, i) => item.references.map((caption, k) => ({ image_id: images[i], id: i * 10 + k, caption }))),
  });
  const results = write('captions_results.json', items.map((item, i) => ({ image_id: images[i], caption: item.prediction })));
  console.log(`caption: ${items.length} images x 5 references (COCO test size)`);
  const ours = best('flamingo-eval score --metric caption', runs, () =>
    timeProcess(process.execPath, [cli, 'score', '--metric', 'caption', '--predictions', results, '--references', references, '--json']),
  );
  if (!cocoDir) console.log('  pycocoevalcap: not run (give --pycocoevalcap DIR; see the header)');
  else {
    const jar = join(cocoDir, 'tokenizer', 'stanford-corenlp-3.4.1.jar');
    const withTokenizer = existsSync(jar);
    let tokenized = '';
    if (!withTokenizer) {
      const t = tokenizeCaptionItems(items);
      tokenized = write('tokenized.json', {
        gts: Object.fromEntries(images.map((id, i) => [id, t[i]!.references])),
        res: Object.fromEntries(images.map((id, i) => [id, [t[i]!.prediction]])),
      });
    }
    const driver = write('coco_caption.py', COCO_DRIVER);
    const env = { ...process.env, PYTHONPATH: dirname(resolve(cocoDir)) };
    const label = withTokenizer ? 'pycocoevalcap (PTBTokenizer + scorers)' : 'pycocoevalcap (scorers; no tokenizer)';
    const theirs = best(label, runs, () => timeProcess(python3, [driver, references, results, tokenized], env));
    console.log(`  -> ${ratio(ours, theirs)}${withTokenizer ? '' : `; without the jar (${jar}) the official tokenizer's time is not in the baseline, so this is a lower bound`}`);
    const a = lastJson(ours.stdout).scores as Record<string, number>;
    const b = lastJson(theirs.stdout) as Record<string, number>;
    for (const key of ['bleu_1', 'bleu_2', 'bleu_3', 'bleu_4', 'rouge_l', 'cider']) {
      const same = Math.abs(a[key]! - 100 * b[key]!) < 1e-9 * Math.max(1, a[key]!);
      console.log(`    ${key.padEnd(8)} ours ${a[key]}  official x100 ${100 * b[key]!}${same ? '' : '  DIFFERENT'}`);
    }
  }
}

if (only.includes('vqa')) {
  const items = vqaCorpus();
  const questionId = (i: number) => i * 10 + 3;
  const imageId = (i: number) => Math.floor(i / 5) + 1;
  const annotations = write('v2_mscoco_val2014_annotations.json', {
    info: {},
    license: {},
    data_subtype: 'val2014',
    data_type: 'mscoco',
    annotations: items.map((item, i) => ({
      question_type: 'what is',
      multiple_choice_answer: item.answers[0],
      answers: item.answers.map((answer, k) => ({ answer, answer_confidence: 'yes', answer_id: k + 1 })),
      image_id: imageId(i),
      answer_type: item.type,
      question_id: questionId(i),
    })),
  });
  const questions = write('v2_OpenEnded_mscoco_val2014_questions.json', {
    info: {},
    task_type: 'Open-Ended',
    data_type: 'mscoco',
    license: {},
    data_subtype: 'val2014',
    questions: items.map((_, i) => ({ image_id: imageId(i), question: 'What is this?', question_id: questionId(i) })),
  });
  const results = write('v2_OpenEnded_mscoco_val2014_fake_results.json', items.map((item, i) => ({ answer: item.prediction, question_id: questionId(i) })));
  console.log(`vqa: ${items.length} questions x 10 answers (VQAv2 val size)`);
  const ours = best('flamingo-eval score --metric vqa', runs, () =>
    timeProcess(process.execPath, [cli, 'score', '--metric', 'vqa', '--predictions', results, '--references', annotations, '--json']),
  );
  if (!vqaDir) console.log('  vqaEval.py: not run (give --vqa DIR; see the header)');
  else {
    const driver = write('vqa_eval.py', VQA_DRIVER);
    const official = resolve(vqaDir);
    const theirs = best('official vqaEval.py (load + evaluate)', Number(flag('--official-runs') ?? 1), () =>
      timeProcess(python2, [driver, official, annotations, questions, results]),
    );
    console.log(`  -> ${ratio(ours, theirs)}`);
    const a = lastJson(ours.stdout).scores as { vqa_accuracy: number; vqa_accuracy_by_type: Record<string, number> };
    const b = lastJson(theirs.stdout) as { overall: number; perAnswerType: Record<string, number> };
    const same = (x: number, y: number) => Math.round(100 * x) / 100 === y;
    console.log(`    overall  ours ${a.vqa_accuracy.toFixed(2)}  official ${b.overall}${same(a.vqa_accuracy, b.overall) ? '' : '  DIFFERENT'}`);
    for (const [type, value] of Object.entries(b.perAnswerType)) {
      const ourValue = a.vqa_accuracy_by_type[type]!;
      console.log(`    ${type.padEnd(8)} ours ${ourValue.toFixed(2)}  official ${value}${same(ourValue, value) ? '' : '  DIFFERENT'}`);
    }
  }
}

rmSync(dir, { recursive: true, force: true });
