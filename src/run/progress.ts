// Progress on stderr: a redrawn bar (done/total, examples per second, ETA) on a terminal, a plain line every
// PLAIN_STEP percent when stderr is a pipe or file, nothing with --quiet. A run of several models, tasks or shots
// (or a sweep) has one display for the whole run: its total is every cell's examples, its label the cell at work
// (stage), examples found in a journal count as done but not in the rate (resume), and a cell that cannot run
// leaves the total (drop).

const PLAIN_STEP = 10;
const BAR_WIDTH = 24;

export interface Progress {
  /** `count` more examples finished. */
  advance(count: number): void;
  done(): void;
  /** How many are finished, including those already done at the start. */
  readonly finished: number;
  /** A new part of the run starts: its label replaces the previous one (a plain line says so at once). */
  stage(label: string): void;
  /** `count` examples found already done (in a journal): finished, but not in the rate. */
  resume(count: number): void;
  /** `count` examples will not run after all (a cell was skipped): out of the total. */
  drop(count: number): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** Examples already finished (resumed from the journal): counted as done, not in the rate. */
  already: number;
  quiet: boolean;
  /** What is counted, for the rate (default `ex`, examples). */
  unit?: string;
  stream?: NodeJS.WriteStream;
  now?: () => number;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) {
    let finished = options.already;
    return {
      advance: (count: number) => void (finished += count),
      resume: (count: number) => void (finished += count),
      done() {},
      stage() {},
      drop() {},
      get finished() {
        return finished;
      },
    };
  }
  const now = options.now ?? (() => performance.now());
  const started = now();
  const tty = Boolean(stream.isTTY);
  let finished = options.already;
  let already = options.already;
  let total = options.total;
  let label = options.label;
  let lastStep = -1;
  let lastDraw = 0;

  const line = (): string => {
    const elapsed = (now() - started) / 1000;
    const fresh = finished - already;
    const rate = elapsed > 0 ? fresh / elapsed : 0;
    const remaining = total - finished;
    const eta = rate > 0 ? formatDuration(remaining / rate) : '?';
    const percent = total === 0 ? 100 : Math.floor((100 * finished) / total);
    return `${label} ${finished}/${total} (${percent}%) ${rate.toFixed(1)} ${options.unit ?? 'ex'}/s ETA ${eta}`;
  };
  const bar = (): string => {
    const filled = total === 0 ? BAR_WIDTH : Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * finished) / total));
    return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  };
  const draw = (force: boolean): void => {
    if (tty) {
      const t = now();
      if (!force && t - lastDraw < 100) return;
      lastDraw = t;
      stream.write(`\r\x1b[2K${bar()} ${line()}`);
      return;
    }
    const step = total === 0 ? 100 : Math.floor((100 * finished) / total / PLAIN_STEP) * PLAIN_STEP;
    if (step > lastStep || force) {
      lastStep = step;
      stream.write(`${line()}\n`);
    }
  };

  // An empty label: a run of several cells, which names the first with stage() before anything is done.
  if (label !== '') draw(true);
  return {
    get finished() {
      return finished;
    },
    advance(count: number) {
      finished += count;
      draw(false);
    },
    resume(count: number) {
      finished += count;
      already += count;
      draw(false);
    },
    drop(count: number) {
      // Shown with the next line drawn (a skipped cell is said on its own line).
      total -= count;
    },
    stage(next: string) {
      if (next === label) return;
      label = next;
      draw(true);
    },
    done() {
      if (tty) {
        draw(true);
        stream.write('\n');
      } else if (finished !== already && lastStep < 100) draw(true);
    },
  };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
