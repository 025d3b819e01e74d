// Start-up time of the CLI against a bare `node -e 0`: `flamingo-eval --version`, `flamingo-eval tasks`,
// `flamingo-eval score --help` and `flamingo-eval leaderboard` in an empty folder, each spawned as its own process
// (the bin, which runs dist/: `npm run build` first), interleaved round by round so that a change in the machine's
// load hits every command alike. Prints each command's median and quartiles of wall time, the mean CPU time (user +
// system, from /proc on Linux), and each one's ratio to the baseline's.
//   node --import tsx bench/startup.ts [runs]     (default 30 runs of each command, after 3 warm-up rounds)
// Measured on the project's 2-core machine (AMD EPYC, Node 20.20), 60 runs, while other sessions kept its load
// average at 9-10 (wall times long and spread; the CPU ratios are the steadier figure):
//   command                                wall median   x      CPU mean   x
//   node -e 0 (baseline)                      111 ms    1.00     53 ms   1.00
//   flamingo-eval --version                   175 ms    1.58     70 ms   1.33
//   flamingo-eval tasks                       183 ms    1.65     75 ms   1.42
//   flamingo-eval score --help                184 ms    1.66     70 ms   1.32
//   flamingo-eval leaderboard (empty folder)  181 ms    1.63     74 ms   1.39   (exit 2: no records)
// Over six runs of this bench (20-60 rounds, load 9-17) the wall ratio of tasks ranged 1.32-2.26x and of --version
// 1.39-1.90x, while their CPU ratios stayed within 1.42-1.46x and 1.30-1.36x.
// Before (the first compiled CLI, measured in the same way beside this one, 30 runs, load ~17): --version 1.48x wall /
// 1.53x CPU, tasks 2.22x wall / 1.99x CPU; at load ~1 tasks took 1.73-1.95x the baseline's wall time, the baseline
// 60-65 ms. What changed: tasks prints the build's catalogue instead of loading 18 task modules and their scorers,
// the score command's readers and scorers load as one chunk when it scores, commander is bundled, node:crypto and
// the PTB tokenizer's expressions load on first use.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 30);
const warmUp = 3;
const bin = fileURLToPath(new URL('../bin/flamingo-eval.js', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)))) {
  process.stderr.write('bench/startup.ts: dist/cli.js is missing; run `npm run build` first\n');
  process.exit(2);
}
const empty = mkdtempSync(join(tmpdir(), 'flamingo-startup-'));

interface Subject {
  name: string;
  args: string[];
  cwd?: string;
}
const subjects: Subject[] = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'flamingo-eval --version', args: [bin, '--version'] },
  { name: 'flamingo-eval tasks', args: [bin, 'tasks'] },
  { name: 'flamingo-eval score --help', args: [bin, 'score', '--help'] },
  { name: 'flamingo-eval leaderboard (empty folder)', args: [bin, 'leaderboard'], cwd: empty },
];

// CPU time (user + system) of the processes this one has waited for, from /proc (Linux): less sensitive than wall time
// to other load on the machine. Counted in clock ticks (10 ms), so only the mean over many runs means anything.
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function childrenCpuMs(): number | undefined {
  try {
    // Fields after the command name: cutime and cstime are the 14th and 15th.
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** Wall time and CPU time of one process, spawned and waited for, in milliseconds; stdout and stderr discarded. */
function timeOnce(subject: Subject): { ms: number; cpuMs: number | undefined; status: number | null } {
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, subject.args, { cwd: subject.cwd, stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuAfter = childrenCpuMs();
  if (result.error) throw result.error;
  return { ms, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore, status: result.status };
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

const times = subjects.map(() => [] as number[]);
const cpu = subjects.map(() => [] as number[]);
const statuses = subjects.map(() => new Set<number | null>());
const loadBefore = loadavg()[0]!;
try {
  for (let round = 0; round < warmUp + runs; round++) {
    // Rotate the order each round, so no command always runs right after the same one.
    for (let k = 0; k < subjects.length; k++) {
      const i = (round + k) % subjects.length;
      const { ms, cpuMs, status } = timeOnce(subjects[i]!);
      statuses[i]!.add(status);
      if (round >= warmUp) times[i]!.push(ms);
      if (round >= warmUp && cpuMs !== undefined) cpu[i]!.push(cpuMs);
    }
  }
} finally {
  rmSync(empty, { recursive: true, force: true });
}

const baseline = quantile([...times[0]!].sort((a, b) => a - b), 0.5);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const baselineCpu = cpu[0]!.length > 0 ? mean(cpu[0]!) : undefined;
console.log(`${runs} runs each (interleaved, after ${warmUp} warm-up rounds); Node ${process.version}; load average ${loadBefore.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`);
console.log(
  `${'command'.padEnd(42)} ${'wall median'.padStart(11)} ${'q1-q3 (ms)'.padStart(11)} ${'x baseline'.padStart(10)} ${'CPU mean'.padStart(9)} ${'x baseline'.padStart(10)}  exit`,
);
subjects.forEach((subject, i) => {
  const sorted = [...times[i]!].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const spread = `${quantile(sorted, 0.25).toFixed(0)}-${quantile(sorted, 0.75).toFixed(0)}`;
  const cpuMean = cpu[i]!.length > 0 ? mean(cpu[i]!) : undefined;
  const cpuText = cpuMean === undefined ? '-' : `${cpuMean.toFixed(0)} ms`;
  const cpuRatio = cpuMean === undefined || !baselineCpu ? '-' : `${(cpuMean / baselineCpu).toFixed(2)}x`;
  console.log(
    `${subject.name.padEnd(42)} ${`${median.toFixed(1)} ms`.padStart(11)} ${spread.padStart(11)} ${`${(median / baseline).toFixed(2)}x`.padStart(10)} ${cpuText.padStart(9)} ${cpuRatio.padStart(10)}  ${[...statuses[i]!].join(',')}`,
  );
});
