// Writing a result file whole or not at all: the text goes to `<file>.tmp`, which is renamed over the file. When the
// write fails (a full disk, a quota, a read-only mount), the temporary file is removed and the error names the file
// that could not be written, so a failed run leaves neither half a record nor a stray `*.tmp` behind.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { RunError } from './errors.ts';

export function writeFileAtomic(path: string, text: string): void {
  const temporary = `${path}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'ENOSPC' || code === 'EDQUOT' ? ': the disk is full (or over quota); free some space and run the same command again' : '';
    throw new RunError(`cannot write ${path} (${code ?? (error as Error).message})${hint}`, { cause: error });
  }
}
