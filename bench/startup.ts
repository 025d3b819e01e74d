// Start-up time of the CLI against a bare `node -e 0`: `flamingo-eval --version`, `flamingo-eval tasks`,
// `flamingo-eval score --help` and `flamingo-eval leaderboard` in an empty folder, each spawned as its own process
// (the bin, which runs dist/: `npm run build` first), interleaved round by round so that a change in the machine's
// load hits every command alike. Prints each command's median and quartiles of wall time and its median's ratio to the
// baseline's median.
//   node --import tsx bench/startup.ts [runs]     (default 30 runs of each command, after 3 warm-up rounds)
// Measured on the project's 2-core machine (shared with other sessions, load ~1), 30 runs, Node 20.20:
//   node -e 0 (baseline)            ~MEASURED
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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

/** Wall time of one process, spawned and waited for, in milliseconds; stdout and stderr discarded. */
function timeOnce(subject: Subject): { ms: number; status: number | null } {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, subject.args, { cwd: subject.cwd, stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  return { ms, status: result.status };
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

const times = subjects.map(() => [] as number[]);
const statuses = subjects.map(() => new Set<number | null>());
const loadBefore = loadavg()[0]!;
try {
  for (let round = 0; round < warmUp + runs; round++) {
    // Rotate the order each round, so no command always runs right after the same one.
    for (let k = 0; k < subjects.length; k++) {
      const i = (round + k) % subjects.length;
      const { ms, status } = timeOnce(subjects[i]!);
      statuses[i]!.add(status);
      if (round >= warmUp) times[i]!.push(ms);
    }
  }
} finally {
  rmSync(empty, { recursive: true, force: true });
}

const baseline = quantile([...times[0]!].sort((a, b) => a - b), 0.5);
console.log(`${runs} runs each (interleaved, after ${warmUp} warm-up rounds); Node ${process.version}; load average ${loadBefore.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`);
console.log(`${'command'.padEnd(42)} ${'median'.padStart(8)} ${'q1-q3 (ms)'.padStart(13)} ${'x baseline'.padStart(10)}  exit`);
subjects.forEach((subject, i) => {
  const sorted = [...times[i]!].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const spread = `${quantile(sorted, 0.25).toFixed(0)}-${quantile(sorted, 0.75).toFixed(0)}`;
  console.log(
    `${subject.name.padEnd(42)} ${`${median.toFixed(1)} ms`.padStart(8)} ${spread.padStart(13)} ${`${(median / baseline).toFixed(2)}x`.padStart(10)}  ${[...statuses[i]!].join(',')}`,
  );
});
