// The run loop: pending queries grouped into batches (--batch-size), at most --concurrency batches in flight
// (p-limit), each finished example appended to the journal at once. A failing batch stops new work, lets the
// batches in flight finish into the journal, and fails the run (exit 1); the same command resumes it.
import pLimit from 'p-limit';
import { InputError, RequestError, RunError, UsageError } from '../core/errors.ts';
import { isMediaError } from '../media/errors.ts';
import type { Backend, ExampleRecord, GenerationSettings, Task } from '../core/types.ts';
import { meanLogLikelihoods } from './ensemble.ts';
import type { Journal } from './journal.ts';
import { unusableQueryMedia } from './unusable-media.ts';
import type { PlannedQuery } from './plan.ts';

export interface PendingQuery {
  seed: number;
  query: PlannedQuery;
}

export interface RunnerInput {
  backend: Backend;
  task: Task;
  generation: GenerationSettings;
  /** Close-ended tasks: put before each candidate when it is appended to the prompt (PromptTemplates.candidatePrefix). */
  candidatePrefix?: string;
  work: PendingQuery[];
  batchSize: number;
  concurrency: number;
  journal: Journal;
  /** `--on-media-error`: stop on an unreadable medium (default) or record the examples that need it as skipped. */
  onMediaError?: 'fail' | 'skip';
  /** Called after each batch is journaled, with the number of examples it finished. */
  onProgress?(finished: number): void;
}

export async function runPending(input: RunnerInput): Promise<void> {
  const limit = pLimit({ concurrency: input.concurrency, rejectOnClear: true });
  const batches: PendingQuery[][] = [];
  for (let start = 0; start < input.work.length; start += input.batchSize) {
    batches.push(input.work.slice(start, start + input.batchSize));
  }
  let failure: unknown;
  // Batches cleared from the queue after a failure reject with AbortError; allSettled waits for those in flight.
  await Promise.allSettled(
    batches.map((batch) =>
      limit(async () => {
        if (failure !== undefined) return;
        try {
          for (const entry of await runBatchOrSkip(input, batch)) input.journal.append(entry);
          input.onProgress?.(batch.length);
        } catch (error) {
          failure ??= error;
          limit.clearQueue();
        }
      }),
    ),
  );
  if (failure !== undefined) {
    if (failure instanceof InputError || failure instanceof UsageError || failure instanceof RunError) throw failure;
    throw new RunError(`the run failed: ${(failure as Error)?.message ?? String(failure)}`, { cause: failure });
  }
}

/**
 * A batch that fails on one example's own input runs again one example at a time, so that its batch mates are
 * unaffected: an unreadable medium (under `--on-media-error skip` only) or a request the backend refuses on its own
 * (RequestError: a prompt longer than the model's context, e.g. a 1 MB question). Under `--on-media-error skip` the
 * examples that fail so are recorded as skipped, with the error (a bad demonstration skips every query it is shown
 * with); otherwise the others are journaled first and the run stops on the first such example, naming it.
 */
async function runBatchOrSkip(input: RunnerInput, batch: PendingQuery[]): Promise<{ seed: number; example: ExampleRecord }[]> {
  try {
    return await runBatch(input, batch);
  } catch (error) {
    const skip = input.onMediaError === 'skip';
    const ownInput = error instanceof RequestError || (skip && isMediaError(error));
    if (!ownInput) throw error;
    if (batch.length > 1) {
      const entries: { seed: number; example: ExampleRecord }[] = [];
      let first: unknown;
      for (const item of batch) {
        try {
          entries.push(...(await runBatchOrSkip(input, [item])));
        } catch (itemError) {
          if (!(itemError instanceof RequestError)) {
            for (const entry of entries) input.journal.append(entry);
            throw itemError;
          }
          first ??= itemError;
        }
      }
      if (first === undefined) return entries;
      for (const entry of entries) input.journal.append(entry);
      throw first;
    }
    const { seed, query } = batch[0]!;
    const message = error instanceof RequestError ? `example ${query.example.id} (seed ${seed}): ${error.message}` : (error as Error).message;
    if (!skip) throw new RequestError(message, 0);
    const example: ExampleRecord = {
      id: query.example.id,
      demonstrations: query.shots.map((shot) => shot.example.id),
      prompt: query.prompt,
      raw: '',
      answer: '',
      backendMs: 0,
      mediaMs: 0,
      skipped: message,
    };
    return [{ seed, example }];
  }
}

async function runBatch(input: RunnerInput, batch: PendingQuery[]): Promise<{ seed: number; example: ExampleRecord }[]> {
  const { backend, task } = input;
  // A query whose own medium is missing or unreadable: a media error naming its annotation row, before any backend call.
  for (const item of batch) {
    const missing = unusableQueryMedia(item.query.example);
    if (missing) throw missing;
  }
  const names = batch.slice(0, 5).map((item) => `${item.query.example.id} (seed ${item.seed})`);
  const where = `examples ${names.join(', ')}${batch.length > 5 ? ` and ${batch.length - 5} more` : ''}`;
  const started = performance.now();
  let outputs: { raw: string; candidateScores?: number[]; mediaMs?: number; warning?: string }[];
  try {
    if (task.kind === 'generate') {
      const results = await backend.generate(
        batch.map((item) => ({ prompt: item.query.prompt, ...input.generation })),
      );
      checkCount(results, batch.length, 'generate');
      outputs = results.map((result) => {
        if (typeof result?.text !== 'string') throw new RunError('the backend returned a generate result without text');
        return { raw: result.text, mediaMs: result.mediaMs, ...(typeof result.warning === 'string' ? { warning: result.warning } : {}) };
      });
    } else {
      // With prompt ensembling a query sends one request per ordering of its demonstrations; its scores are the mean.
      const owners: number[] = [];
      const requests = batch.flatMap((item, i) => {
        const candidates = item.query.example.candidates;
        if (!candidates || candidates.length === 0) {
          throw new InputError(`task ${task.id}: example ${item.query.example.id} has no "candidates" to rank`);
        }
        const prefixed = candidates.map((candidate) => `${input.candidatePrefix ?? ''}${candidate}`);
        const prompts = [item.query.prompt, ...(item.query.orderings ?? []).map((ordering) => ordering.prompt)];
        return prompts.map((prompt) => {
          owners.push(i);
          return { prompt, candidates: prefixed, lengthNormalize: task.lengthNormalize ?? false };
        });
      });
      const results = await backend.rank(requests);
      checkCount(results, requests.length, 'rank');
      const perQuery = batch.map(() => ({ scores: [] as number[][], mediaMs: 0 }));
      results.forEach((result, r) => {
        const scores = result?.logLikelihoods;
        const candidates = requests[r]!.candidates;
        if (!Array.isArray(scores) || scores.length !== candidates.length || scores.some((s) => Number.isNaN(s))) {
          throw new RunError(`the backend's rank() gave ${scores?.length ?? 'no'} scores for ${candidates.length} candidates`);
        }
        perQuery[owners[r]!]!.scores.push(scores);
        perQuery[owners[r]!]!.mediaMs += result.mediaMs ?? 0;
      });
      outputs = perQuery.map(({ scores: perOrdering, mediaMs }, i) => {
        const scores = perOrdering.length === 1 ? perOrdering[0]! : meanLogLikelihoods(perOrdering);
        return { raw: batch[i]!.query.example.candidates![argmax(scores)]!, candidateScores: scores, mediaMs };
      });
    }
  } catch (error) {
    // Bad input, and a backend refusing the run's settings (a served model asked for beams it cannot run), keep their
    // class (exit 2).
    if (error instanceof InputError || error instanceof UsageError) throw error;
    throw new RunError(`backend ${backend.info().name} failed on ${where}: ${(error as Error)?.message ?? error}`, {
      cause: error,
    });
  }
  const backendMs = (performance.now() - started) / batch.length;
  return batch.map((item, i) => {
    const output = outputs[i]!;
    const example: ExampleRecord = {
      id: item.query.example.id,
      demonstrations: item.query.shots.map((shot) => shot.example.id),
      prompt: item.query.prompt,
      raw: output.raw,
      ...(output.candidateScores ? { candidateScores: output.candidateScores } : {}),
      ...(item.query.orderings
        ? { permutations: [item.query.shots, ...item.query.orderings.map((o) => o.shots)].map((shots) => shots.map((shot) => shot.example.id)) }
        : {}),
      answer: postprocessed(task, item.query.example.id, output.raw),
      backendMs,
      mediaMs: output.mediaMs ?? 0,
      ...(output.warning !== undefined ? { warning: output.warning } : {}),
    };
    return { seed: item.seed, example };
  });
}

function postprocessed(task: Task, id: string, raw: string): string {
  try {
    return answerOf(task, raw);
  } catch (error) {
    throw new RunError(`task ${task.id}: postprocess() failed on example ${id}: ${(error as Error)?.message ?? error}`);
  }
}

/** The scored answer: the post-processed output (generate) or the top-ranked candidate (rank). */
export function answerOf(task: Task, raw: string): string {
  return task.kind === 'generate' ? task.postprocess(raw) : raw;
}

/** Index of the largest value; ties go to the first. */
export function argmax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function checkCount(results: unknown, expected: number, call: string): void {
  if (!Array.isArray(results) || results.length !== expected) {
    throw new RunError(
      `the backend's ${call}() returned ${Array.isArray(results) ? results.length : 'no'} results for ${expected} requests`,
    );
  }
}
