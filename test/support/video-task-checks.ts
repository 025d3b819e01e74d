// Shared by the video task tests: a breakable copy of a sample dataset, error checks, prompt text, a baseline run of
// the task on its sample, and decoding one of its sample videos through the media layer.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../../src/run/evaluate.ts';
import { parseRunOptions } from '../../src/run/options.ts';
import { FLAMINGO_SAMPLING } from '../../src/media/sampling.ts';
import { readVideo, type VideoFrames } from '../../src/media/video.ts';
import type { Prompt, RunRecord, Task, TextPart, VideoRef } from '../../src/core/types.ts';
import { copyOfSample, type DataCopy } from './task-data.ts';
import { loadRejects } from './task-errors.ts';

export { loadRejects };

/** Runs `check` on a fresh copy of sample-data/<taskId>/ and removes it afterwards. */
export async function withCopy(taskId: string, check: (data: DataCopy) => Promise<void>): Promise<void> {
  const data = await copyOfSample(taskId);
  try {
    await check(data);
  } finally {
    await data.remove();
  }
}

/** Rewrites the lines of a text file (CSV, youtube_mapping.txt) of a copy. */
export async function editLines(data: DataCopy, file: string, edit: (lines: string[]) => string[]): Promise<void> {
  const path = data.path(file);
  const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
  await writeFile(path, `${edit(lines).join('\n')}\n`);
}

/** The text of a prompt's text parts, joined. */
export function textOf(prompt: Prompt): string {
  return prompt
    .filter((p): p is TextPart => p.type === 'text')
    .map((p) => p.text)
    .join('');
}

/** The task on its built-in sample with the baseline backend (which reads no pixels): the record of one shots value. */
export async function baselineRecord(taskId: string, shots: number): Promise<RunRecord> {
  const dir = mkdtempSync(join(tmpdir(), `flamingo-${taskId}-`));
  try {
    const [outcome] = await evaluate(
      parseRunOptions({ task: taskId, model: 'baseline:majority', shots: String(shots), resultsDir: dir, quiet: true }),
    );
    return outcome!.record;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Decodes the first query video of the task's sample with the paper's sampling (30 frames at 3 FPS). */
export async function decodeFirstQuery(task: Task): Promise<{ video: VideoRef; frames: VideoFrames }> {
  const data = await task.load({});
  const video = data.query[0]!.media[0] as VideoRef;
  assert.equal(video.kind, 'video');
  return { video, frames: await readVideo(video, { sampling: FLAMINGO_SAMPLING }) };
}
