// Where a command's text goes: stdout, or the file of its -o/--output flag (an error naming the flag and the file when
// it cannot be written, and a line on stderr saying it was written).
import { writeFile } from 'node:fs/promises';
import { InputError } from '../core/errors.ts';

export async function writeOutput(command: string, output: string | undefined, text: string | Buffer): Promise<void> {
  if (output === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    await writeFile(output, text);
  } catch (error) {
    throw new InputError(`--output ${output}: cannot write (${(error as Error).message})`, output);
  }
  process.stderr.write(`flamingo-eval ${command}: wrote ${output}\n`);
}
