// Where ffmpeg is and how it is run. The binary comes from `FFMPEG_PATH` when set, else the one
// @ffmpeg-installer/ffmpeg ships for this platform, else `ffmpeg` on PATH. It is always spawned with an argument
// array (never through a shell), so file names need no quoting.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { RunError } from '../core/errors.ts';

let resolved: string | undefined;

/** The ffmpeg binary this process uses (resolved once). */
export function ffmpegPath(): string {
  if (resolved !== undefined) return resolved;
  const fromEnv = process.env.FFMPEG_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new RunError(`FFMPEG_PATH=${fromEnv}: no such file`);
    return (resolved = fromEnv);
  }
  try {
    const shipped = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    if (existsSync(shipped)) return (resolved = shipped);
  } catch {
    // No binary for this platform in the package: fall through to PATH.
  }
  return (resolved = 'ffmpeg');
}

export interface FfmpegResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** The output passed `maxStdoutBytes`: ffmpeg was stopped and `stdout` holds only the start. */
  overflow: boolean;
}

/**
 * Runs ffmpeg with `args`, optionally writing `stdin` to it; resolves with its exit code and output. With
 * `maxStdoutBytes`, ffmpeg is stopped once its output passes that many bytes.
 */
export function runFfmpeg(args: string[], stdin?: Buffer, maxStdoutBytes = Infinity): Promise<FfmpegResult> {
  return new Promise((resolve, reject) => {
    const binary = ffmpegPath();
    const child = spawn(binary, args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let overflow = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      if (overflow) return;
      out.push(chunk);
      bytes += chunk.length;
      if (bytes > maxStdoutBytes) {
        overflow = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === 'ENOENT'
          ? ': ffmpeg was not found; install the optional package @ffmpeg-installer/ffmpeg, put ffmpeg on PATH or set FFMPEG_PATH'
          : '';
      reject(new RunError(`cannot run ${binary}${hint} (${error.message})`, { cause: error }));
    });
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), overflow }),
    );
    if (stdin && child.stdin) {
      // ffmpeg may exit before reading everything (a bad argument): ignore the broken pipe, the exit code tells.
      child.stdin.on('error', () => {});
      child.stdin.end(stdin);
    }
  });
}
