// Errors written for the user. Each says what was wrong and where (flag, file, line, field); the CLI maps them to
// exit codes: 2 for bad usage or bad input, 1 for a run that failed.

/** A bad flag or argument. Exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A bad input file: missing, malformed, or with a wrong field. Exit code 2. `where` is file[:line][ field]. */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** A run that could not finish (a failing backend, a broken medium). Exit code 1; the journal keeps what was done. */
export class RunError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunError';
  }
}

/**
 * One request of a backend call cannot be run on its own merits (a prompt longer than the model's context); the
 * other requests of the call can. `request` is its index in the call. The run retries the others one by one and
 * fails (or, under `--on-media-error skip`, skips) only the example that made it. Exit code 2: bad input.
 */
export class RequestError extends InputError {
  constructor(
    message: string,
    readonly request: number,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof InputError) return 2;
  const code = (error as { exitCode?: unknown } | null)?.exitCode;
  return code === 2 ? 2 : 1;
}

/**
 * A metric that has no value on the items given (ROC-AUC with only one class present, mWAP without a positive, NDCG
 * without a relevant candidate). A run records the metric as null with this message as the reason, and says how to
 * get a value (more queries); `score` reports it as bad input. Exit code 2 where it ends a command.
 */
export class UndefinedMetricError extends RangeError {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UndefinedMetricError';
  }
}

/** True for an UndefinedMetricError, also one thrown by another copy of this module (a plugin's). */
export function isUndefinedMetric(error: unknown): error is Error {
  return error instanceof Error && error.name === 'UndefinedMetricError';
}
