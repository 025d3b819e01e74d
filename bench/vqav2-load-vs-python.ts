// VQAv2 at full size loaded by flamingo-eval against Python's json.load of the same four files, side by side in one
// run. Builds the synthetic official layout once (443,757 train and 214,354 val questions with ten answers each, named
// and shaped as the v2_*_mscoco_{train,val}2014 files, and 82,783 + 40,504 empty COCO image files) in a temporary
// folder; then each measurement runs in its own child process, so peak RSS is comparable:
//   ours:   `vqav2.load` through tsx (src/, as the tests run it): file search, JSON parsing, checks, pairing questions
//           with annotations by question_id, image checks, the files' SHA-256 (cold: no hash cache), examples built;
//   python: `python3 -c` json.load of the two questions and two annotations files (nothing else).
// Each child reports its own CPU time (user + system) and peak RSS (process.resourceUsage().maxRSS;
// resource.getrusage(RUSAGE_SELF).ru_maxrss), and its wall time from start to end of the load.
// Run: node --import tsx bench/vqav2-load-vs-python.ts [--runs N] [--root DIR]   (python3 on PATH; nothing to install)
// --root DIR builds the layout in DIR (kept afterwards) or reuses the one already there, e.g. to profile one side:
//   node --cpu-prof --import tsx bench/vqav2-load-vs-python.ts --child DIR
//
// Measured on a 2-core AMD EPYC machine (Node 20.20.2, Python 3.11.7), 497 MB of JSON, three runs in one invocation:
//   ours   6.97-7.43 s wall, 7.27-8.43 s CPU, peak RSS 1,724-1,731 MB;
//   python 7.39-8.59 s wall, 7.44-8.40 s CPU, peak RSS 2,855-2,856 MB;
//   ours / python: wall 0.84-0.95x, CPU 0.86-1.13x, peak RSS 0.60-0.61x.
// Our CPU is the whole process (tsx start and module compilation included) and counts V8's parallel garbage-collector
// threads, hence CPU above wall. Before the image-name checks were kept per name (src/tasks/kit/images.ts) the same
// load took 10.1 s CPU (1.07x); its profile had 15% in path normalisation for 658,111 image references to 123,287
// files. What bounds it now (`node --cpu-prof`, 7.2 s): garbage collection 25%, JSON.parse 21%, reading the files 14%
// plus hashing them for the record 2% (the same bytes read twice on a cold hash cache), checks and pairing by
// question_id 10%, listing and stat-ing the 123,287 image files 6%, building examples and image references 7%.
// Python's json.load does only the parsing, and keeps every field of the tree: our peak holds the examples and the
// one split's parsed files being read.
import { spawnSync } from 'node:child_process';
import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeVqav2Layout } from './vqav2-layout.ts';

const FILES = [
  'v2_OpenEnded_mscoco_train2014_questions.json',
  'v2_mscoco_train2014_annotations.json',
  'v2_OpenEnded_mscoco_val2014_questions.json',
  'v2_mscoco_val2014_annotations.json',
];

interface Measure {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  note: string;
}

if (process.argv[2] === '--child') {
  const root = process.argv[3]!;
  process.env.FLAMINGO_EVAL_CACHE = join(root, `cache-${process.pid}`);
  const { vqav2 } = await import('../src/tasks/vqav2.ts');
  const wall = process.hrtime.bigint();
  const data = await vqav2.load({ dataDir: root });
  const wallMs = Number(process.hrtime.bigint() - wall) / 1e6;
  const usage = process.resourceUsage();
  const out: Measure = {
    wallMs,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    maxRssMb: usage.maxRSS / 1024,
    note: `${data.support.length} support, ${data.query.length} query`,
  };
  console.log(JSON.stringify(out));
  process.exit(0);
}

const PYTHON = `
import json, resource, sys, time, os
t = time.perf_counter()
data = []
for name in sys.argv[2:]:
    with open(os.path.join(sys.argv[1], name)) as f:
        data.append(json.load(f))
wall = (time.perf_counter() - t) * 1000
u = resource.getrusage(resource.RUSAGE_SELF)
n = len(data[0]['questions']) + len(data[2]['questions'])
print(json.dumps({'wallMs': wall, 'cpuMs': (u.ru_utime + u.ru_stime) * 1000, 'maxRssMb': u.ru_maxrss / 1024, 'note': f'{n} questions'}))
`;

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 1;
const rootArg = process.argv.indexOf('--root');
const keep = rootArg > 0;
const root = keep ? process.argv[rootArg + 1]! : await mkdtemp(join(tmpdir(), 'bench-vqav2-vs-python-'));
const built = keep && (await access(join(root, FILES[3]!)).then(() => true, () => false));

function child(command: string, args: string[]): Measure {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measure;
}

try {
  const started = Date.now();
  if (!built) await writeVqav2Layout(root);
  let bytes = 0;
  for (const f of FILES) bytes += (await stat(join(root, f))).size;
  console.log(`built the layout in ${((Date.now() - started) / 1000).toFixed(1)} s (four JSON files, ${(bytes / 2 ** 20).toFixed(0)} MB)`);

  const self = fileURLToPath(import.meta.url);
  const fmt = (m: Measure) =>
    `${(m.wallMs / 1000).toFixed(2)} s wall, ${(m.cpuMs / 1000).toFixed(2)} s CPU, peak RSS ${m.maxRssMb.toFixed(0)} MB (${m.note})`;
  for (let run = 1; run <= runs; run++) {
    const ours = child(process.execPath, ['--import', 'tsx', self, '--child', root]);
    const py = child('python3', ['-c', PYTHON, root, ...FILES]);
    console.log(`run ${run}`);
    console.log(`  flamingo-eval vqav2.load (tsx): ${fmt(ours)}`);
    console.log(`  python3 json.load x4:           ${fmt(py)}`);
    console.log(
      `  ours / python: wall ${(ours.wallMs / py.wallMs).toFixed(2)}x, CPU ${(ours.cpuMs / py.cpuMs).toFixed(2)}x, ` +
        `peak RSS ${(ours.maxRssMb / py.maxRssMb).toFixed(2)}x`,
    );
  }
} finally {
  if (!keep) await rm(root, { recursive: true, force: true });
}
