// Plugins checked at the boundary. A task or backend module is code the run does not control: what it returns is
// checked before the run uses it, and every error names the module and the call, so that a faulty plugin fails loudly
// instead of corrupting scores (a per-item score array one short shifts every score by one example; a template that
// returns a string sends one-character parts; a NaN becomes a null mean; rank() returning strings ranks nothing).
//
// - checkedTask(task, module): load(), score(), postprocess(), the prompt templates, goldCandidate(), submission().
// - checkedBackend(backend, module, {callTimeoutMs}): generate(), rank(), embed(); each call must settle within the
//   call timeout (`--call-timeout`, DEFAULT_CALL_TIMEOUT_S), and a call left pending when nothing else is running in
//   the process (a promise that can never settle) fails at once.
// - While a backend is open, a plugin that ends the process (process.exit(0) inside generate()) cannot leave the run
//   looking successful: the exit code becomes 1 and stderr says why.
import { InputError, RequestError, RunError } from '../core/errors.ts';
import { isMediaError } from '../media/errors.ts';
import type {
  Backend,
  Example,
  GenerateRequest,
  GenerateResult,
  MediaRef,
  Prompt,
  PromptTemplates,
  RankRequest,
  RankResult,
  ScoredItem,
  Shot,
  Task,
  TaskData,
  TaskScore,
} from '../core/types.ts';

/** Seconds a backend call (one batch of generate(), rank() or embed()) may take before the run fails. */
export const DEFAULT_CALL_TIMEOUT_S = 1800;

/** A problem with what a plugin returned: exit 1 (the run failed), the journal keeps what was done. */
function pluginError(module: string, call: string, problem: string): RunError {
  return new RunError(`${module}: ${call} ${problem}`);
}

/** The plugin's own exception, named by its module and call; media and input errors keep their class. */
function fromPlugin(module: string, call: string, error: unknown): unknown {
  if (isMediaError(error) || error instanceof RequestError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith(module)) return error;
  const text = `${module}: ${call} failed: ${message}`;
  if (error instanceof InputError) return new InputError(text, error.file);
  return new RunError(text, { cause: error });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)})`;
  if (typeof value === 'number') return String(value);
  return typeof value;
}

// ---------------------------------------------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------------------------------------------

/** The task with every call checked; `module` (the module's path) starts every error. */
export function checkedTask(task: Task, module: string): Task {
  const name = `task module ${module}`;
  const templates: Record<string, PromptTemplates> = {};
  for (const [style, template] of Object.entries(task.templates)) {
    const checked: PromptTemplates = {
      demonstration: (shot: Shot) =>
        checkPrompt(name, `templates.${style}.demonstration()`, call(name, `templates.${style}.demonstration()`, () => template.demonstration(shot))),
      query: (example: Example) =>
        checkPrompt(name, `templates.${style}.query()`, call(name, `templates.${style}.query()`, () => template.query(example))),
    };
    if (template.candidatePrefix !== undefined) {
      if (typeof template.candidatePrefix !== 'string') {
        throw pluginError(name, `templates.${style}.candidatePrefix`, `must be a string; found ${describe(template.candidatePrefix)}`);
      }
      checked.candidatePrefix = template.candidatePrefix;
    }
    templates[style] = checked;
  }
  const wrapped: Task = {
    ...task,
    templates,
    async load(ctx) {
      let data: TaskData;
      try {
        data = await task.load(ctx);
      } catch (error) {
        throw fromPlugin(name, 'load()', error);
      }
      return checkTaskData(name, task, data);
    },
    postprocess(raw) {
      const answer = call(name, 'postprocess()', () => task.postprocess(raw));
      if (typeof answer !== 'string') throw pluginError(name, 'postprocess()', `must return a string; returned ${describe(answer)}`);
      return answer;
    },
    score(items) {
      return checkScore(name, items, call(name, 'score()', () => task.score(items)));
    },
  };
  if (task.submission) {
    const submission = task.submission.bind(task);
    wrapped.submission = (items) => call(name, 'submission()', () => submission(items));
  }
  if (task.goldCandidate) {
    const gold = task.goldCandidate.bind(task);
    wrapped.goldCandidate = (example) => {
      const index = call(name, 'goldCandidate()', () => gold(example));
      const count = example.candidates?.length ?? 0;
      if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw pluginError(name, 'goldCandidate()', `returned ${describe(index)} for example ${example.id}: expected an index of its ${count} candidates`);
      }
      return index;
    };
  }
  return wrapped;
}

function call<T>(module: string, what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw fromPlugin(module, what, error);
  }
}

/** A prompt is a list of parts: text (a string), media ({kind, id, path}) or an end of chunk. */
export function checkPrompt(module: string, call: string, prompt: unknown): Prompt {
  if (!Array.isArray(prompt)) {
    throw pluginError(module, call, `must return a prompt, a list of parts ({type: 'text', text} | {type: 'media', media} | {type: 'end_of_chunk'}); returned ${describe(prompt)}`);
  }
  prompt.forEach((part: unknown, i) => {
    const p = part as { type?: unknown; text?: unknown; media?: unknown } | null;
    const bad = (what: string) => pluginError(module, call, `returned a prompt whose part ${i} ${what}`);
    if (typeof p !== 'object' || p === null) throw bad(`is ${describe(part)}, not a part object`);
    if (p.type === 'text') {
      if (typeof p.text !== 'string') throw bad(`has text ${describe(p.text)}, not a string`);
    } else if (p.type === 'media') {
      if (!isMediaRef(p.media)) throw bad('has no media {kind: "image" | "video", id, path}');
    } else if (p.type !== 'end_of_chunk') {
      throw bad(`has type ${describe(p.type)} (expected "text", "media" or "end_of_chunk")`);
    }
  });
  return prompt as Prompt;
}

function isMediaRef(value: unknown): value is MediaRef {
  const m = value as Partial<MediaRef> | null;
  return (
    typeof m === 'object' && m !== null && (m.kind === 'image' || m.kind === 'video') &&
    typeof m.id === 'string' && m.id !== '' && typeof m.path === 'string' && m.path !== ''
  );
}

function checkTaskData(module: string, task: Task, data: TaskData): TaskData {
  const fail = (problem: string) => new InputError(`${module}: load() ${problem}`, module);
  if (typeof data !== 'object' || data === null) throw fail(`must return {support, query, files, sample}; returned ${describe(data)}`);
  if (!Array.isArray(data.support) || !Array.isArray(data.query)) {
    throw fail('must return {support: Example[], query: Example[], files, sample}');
  }
  const files = Array.isArray(data.files) ? data.files.map((f) => f?.path).filter((p) => typeof p === 'string') : [];
  const from = files.length > 0 ? ` (the data files it read: ${files.join(', ')})` : '';
  for (const [split, examples] of [['support', data.support], ['query', data.query]] as const) {
    const seen = new Map<string, number>();
    examples.forEach((example: Example, i) => {
      const at = `${split} example ${i}`;
      if (typeof example !== 'object' || example === null) throw fail(`returned ${at}: ${describe(example)}, not an Example`);
      if (typeof example.id !== 'string' || example.id === '') throw fail(`returned ${at} without a string "id"`);
      const earlier = seen.get(example.id);
      if (earlier !== undefined) {
        throw fail(`returned two ${split} examples with the id "${example.id}" (${split} examples ${earlier} and ${i})${from}`);
      }
      seen.set(example.id, i);
      if (!Array.isArray(example.media) || !example.media.every(isMediaRef)) {
        throw fail(`returned ${at} ("${example.id}") whose "media" is not a list of {kind, id, path}`);
      }
      if (typeof example.fields !== 'object' || example.fields === null) throw fail(`returned ${at} ("${example.id}") without "fields"`);
      for (const [key, value] of Object.entries(example.fields)) {
        if (typeof value !== 'string') throw fail(`returned ${at} ("${example.id}") whose field "${key}" is ${describe(value)}, not a string`);
      }
      if (typeof example.target !== 'string') throw fail(`returned ${at} ("${example.id}") whose "target" is ${describe(example.target)}, not a string`);
      if (task.kind === 'rank' && split === 'query') {
        const candidates = example.candidates;
        if (!Array.isArray(candidates) || candidates.length === 0 || candidates.some((c) => typeof c !== 'string')) {
          throw fail(`returned ${at} ("${example.id}") without "candidates" (a non-empty list of strings) to rank`);
        }
      }
    });
  }
  return data;
}

function checkScore(module: string, items: ScoredItem[], score: TaskScore): TaskScore {
  const fail = (problem: string) => pluginError(module, 'score()', problem);
  if (typeof score !== 'object' || score === null) throw fail(`must return {metrics, primary, perItem?}; returned ${describe(score)}`);
  if (typeof score.metrics !== 'object' || score.metrics === null) throw fail('returned no "metrics" object');
  for (const [metric, value] of Object.entries(score.metrics)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(`returned metric "${metric}" = ${describe(value)}, not a finite number`);
  }
  if (typeof score.primary !== 'string' || !(score.primary in score.metrics)) {
    throw fail(`returned primary ${describe(score.primary)}, which is not one of its metrics (${Object.keys(score.metrics).join(', ')})`);
  }
  if (score.perItem !== undefined) {
    if (!Array.isArray(score.perItem) || score.perItem.length !== items.length) {
      throw fail(
        `returned ${Array.isArray(score.perItem) ? score.perItem.length : describe(score.perItem)} per-item scores for ${items.length} items: ` +
          'each item needs its score, in input order',
      );
    }
    score.perItem.forEach((value, i) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw fail(`returned per-item score ${describe(value)} for item ${i} (example ${items[i]!.example.id}), not a finite number`);
      }
    });
  }
  return score;
}

// ---------------------------------------------------------------------------------------------------------------
// Backends
// ---------------------------------------------------------------------------------------------------------------

export interface CheckedBackendOptions {
  /** Milliseconds one call may take; 0 for no limit (default DEFAULT_CALL_TIMEOUT_S seconds). */
  callTimeoutMs?: number;
}

/** Calls in flight, each with the way to fail it: a 'beforeExit' means none of them can ever settle. */
const pending = new Set<(error: Error) => void>();
/** Backends open (between checkedBackend and close()): a process exit meanwhile is a run cut short. */
let openBackends = 0;
let hooked = false;

function installProcessHooks(): void {
  if (hooked) return;
  hooked = true;
  // The event loop ran dry while a backend call was pending: nothing is left that could settle it.
  process.on('beforeExit', () => {
    for (const fail of [...pending]) {
      fail(new Error('returned a promise that never settles (nothing is left running that could settle it)'));
    }
  });
  process.on('exit', (code) => {
    if (openBackends === 0 || code !== 0) return;
    process.exitCode = 1;
    process.stderr.write(
      'flamingo-eval: the process was ended while a run was in progress (a plugin called process.exit?); the run did ' +
        'not finish and its record was not written; the journal keeps the finished examples: run the same command again to resume\n',
    );
  });
}

/** The backend with every call checked and timed out; `module` (the module's path or --model spec) names it. */
export function checkedBackend(backend: Backend, module: string, options: CheckedBackendOptions = {}): Backend {
  installProcessHooks();
  openBackends++;
  let closed = false;
  const timeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_S * 1000;
  const name = `backend ${module}`;
  // A user's module (a path) gets its exceptions named; a built-in backend's errors already say what failed.
  const userModule = /[\\/]|\.(?:m?js|cjs|m?ts)(?::|$)/.test(module);
  const thrown = (what: string, error: unknown) => (userModule ? fromPlugin(name, what, error) : error);

  function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        settled = true;
        pending.delete(failNow);
        if (timer) clearTimeout(timer);
      };
      const failNow = (error: Error) => {
        if (settled) return;
        settle();
        reject(pluginError(name, what, error.message));
      };
      pending.add(failNow);
      if (timeoutMs > 0) {
        // Unref'd: the timer alone does not keep the process alive (a call that can never settle fails at once).
        timer = setTimeout(
          () => failNow(new Error(`did not answer within ${timeoutMs / 1000} s (--call-timeout; 0 for no limit)`)),
          timeoutMs,
        );
        timer.unref();
      }
      let promise: Promise<T>;
      try {
        promise = Promise.resolve(run());
      } catch (error) {
        settle();
        reject(thrown(what, error));
        return;
      }
      promise.then(
        (value) => {
          if (settled) return;
          settle();
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settle();
          reject(thrown(what, error));
        },
      );
    });
  }

  const checked: Backend = {
    info: () => backend.info(),
    async generate(requests: GenerateRequest[]): Promise<GenerateResult[]> {
      const results = await timed('generate()', () => backend.generate(requests));
      const fail = (problem: string) => pluginError(name, 'generate()', problem);
      if (!Array.isArray(results) || results.length !== requests.length) {
        throw fail(`returned ${describe(results)} results for ${requests.length} requests (one {text} per request, in order)`);
      }
      results.forEach((result, i) => {
        if (typeof result?.text !== 'string') throw fail(`returned result ${i} without a string "text" (found ${describe(result?.text ?? result)})`);
        if (result.warning !== undefined && typeof result.warning !== 'string') throw fail(`returned result ${i} with a warning that is not a string (${describe(result.warning)})`);
        checkMediaMs(fail, result.mediaMs, i);
      });
      return results;
    },
    async rank(requests: RankRequest[]): Promise<RankResult[]> {
      const results = await timed('rank()', () => backend.rank(requests));
      const fail = (problem: string) => pluginError(name, 'rank()', problem);
      if (!Array.isArray(results) || results.length !== requests.length) {
        throw fail(`returned ${describe(results)} results for ${requests.length} requests (one {logLikelihoods} per request, in order)`);
      }
      results.forEach((result, i) => {
        const scores = result?.logLikelihoods as unknown;
        const count = requests[i]!.candidates.length;
        if (!Array.isArray(scores) || scores.length !== count) {
          throw fail(`returned ${describe(scores)} log-likelihoods for request ${i}, which has ${count} candidates`);
        }
        scores.forEach((score: unknown, c) => {
          if (typeof score !== 'number' || !Number.isFinite(score)) {
            throw fail(`returned log-likelihood ${describe(score)} for candidate ${c} of request ${i}: expected a finite number`);
          }
        });
        checkMediaMs(fail, result.mediaMs, i);
      });
      return results;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      openBackends--;
      await backend.close();
    },
  };
  if (backend.preflight) {
    // Before a task runs: the backend may refuse prompts it cannot take (src/core/types.ts, Backend.preflight).
    const preflight = backend.preflight.bind(backend);
    checked.preflight = (prompts: Prompt[]) => timed('preflight()', () => preflight(prompts));
  }
  if (backend.embed) {
    const embed = backend.embed.bind(backend);
    checked.embed = async (media: MediaRef[]) => {
      const features = await timed('embed()', () => embed(media));
      const fail = (problem: string) => pluginError(name, 'embed()', problem);
      if (!Array.isArray(features) || features.length !== media.length) {
        throw fail(`returned ${describe(features)} feature vectors for ${media.length} media`);
      }
      features.forEach((vector, i) => {
        if (!(vector instanceof Float32Array) || vector.length === 0 || !vector.every(Number.isFinite)) {
          throw fail(`returned feature vector ${i} (${media[i]!.id}) that is not a non-empty Float32Array of finite numbers`);
        }
      });
      return features;
    };
  }
  return checked;
}

function checkMediaMs(fail: (problem: string) => RunError, mediaMs: unknown, i: number): void {
  if (mediaMs !== undefined && (typeof mediaMs !== 'number' || !Number.isFinite(mediaMs) || mediaMs < 0)) {
    throw fail(`returned mediaMs ${describe(mediaMs)} for result ${i}: expected a number >= 0 or nothing`);
  }
}
