// kill -9 in the middle of a run: waits until the journal holds `atLeast` examples (polling `journaled`), then sends
// SIGKILL, and resolves with the signal the process ended with.
import type { ChildProcess } from 'node:child_process';

export async function killAfterJournaled(child: ChildProcess, journaled: () => number, atLeast = 10): Promise<NodeJS.Signals | null> {
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (journaled() >= atLeast) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve();
      } else if (Date.now() - started > 60_000 || child.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(`the run did not journal ${atLeast} examples in time`));
      }
    }, 10);
  });
  return exited;
}
