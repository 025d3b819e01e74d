// Worker threads that each own a session (worker.ts): a backend call (one batch) goes to an idle worker, or waits
// for one. Batches are never split, so a worker computes exactly what the main thread would for the same batch.
// Workers run the compiled worker.js (or, in development, worker.ts with tsx registered), are held open only
// while they have work (an idle pool does not keep the process alive), and are terminated by close().
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packagePath } from '../../core/paths.ts';
import { InputError, RunError } from '../../core/errors.ts';
import type { RenderedPrompt } from './prompt.ts';
import type { DecodeSettings } from './search.ts';

export interface WorkerSetup {
  dir: string;
  intraOpThreads: number;
}

interface ErrorInfo {
  name: string;
  message: string;
  file?: string;
}

export type WorkerStatus = { ready: true } | { ready: false; error: ErrorInfo };

type JobBody =
  | { kind: 'encode'; pixels: Float32Array; media: number; frames: number }
  | { kind: 'generate'; prompts: RenderedPrompt[]; visual: Map<string, Float32Array>; settings: DecodeSettings }
  | { kind: 'rank'; prompts: RenderedPrompt[]; visual: Map<string, Float32Array>; candidates: number[][][] };

export type WorkerJob = JobBody & { id: number };

export type JobReply = { id: number; runMs: number } & (
  | { kind: 'encode'; tokens: Float32Array; embedding: Float32Array }
  | { kind: 'generate'; tokens: number[][] }
  | { kind: 'rank'; scores: number[][] }
  | { kind: 'error'; error: ErrorInfo }
);

interface Queued {
  job: WorkerJob;
  transfer: ArrayBuffer[];
  resolve(reply: JobReply): void;
  reject(error: Error): void;
}

/** The worker's entry: the compiled worker.js beside this module, or worker.ts through tsx when run from source. */
function bootWorker(): string {
  // The bundle (scripts/build.mjs) writes the worker as its own entry, dist/onnx-worker.js.
  if (!import.meta.url.endsWith('.ts')) return `import(${JSON.stringify(pathToFileURL(packagePath('dist/onnx-worker.js')).href)});`;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

export class SessionPool {
  /** Milliseconds inside ONNX Runtime, summed over the workers. */
  runMs = 0;
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Queued>();
  private readonly queue: Queued[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  private constructor(
    /** Names the model in errors: its name and folder. */
    private readonly model: string,
    readonly workers: Worker[],
    readonly intraOpThreads: number,
  ) {}

  /** Starts `workers` workers on the bundle in `dir` and waits until each has opened its sessions. */
  static async start(dir: string, model: string, workers: number, intraOpThreads: number): Promise<SessionPool> {
    const boot = bootWorker();
    const threads = Array.from({ length: workers }, (_, i) =>
      new Worker(boot, { eval: true, name: `flamingo-eval onnx ${i + 1}`, workerData: { dir, intraOpThreads } satisfies WorkerSetup }),
    );
    const pool = new SessionPool(`${model} (${dir})`, threads, intraOpThreads);
    const ready = await Promise.allSettled(threads.map((worker) => pool.whenReady(worker)));
    const failed = ready.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await pool.close();
      throw failed.reason;
    }
    for (const worker of threads) {
      worker.on('message', (reply: JobReply) => pool.replied(worker, reply));
      worker.on('error', (error) => pool.crashed(worker, error));
      worker.on('exit', (code) => pool.crashed(worker, new Error(`the worker exited with code ${code}`)));
      worker.unref();
      pool.idle.push(worker);
    }
    return pool;
  }

  private whenReady(worker: Worker): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => reject(new RunError(`${this.model}: a worker could not start: ${error.message}`, { cause: error }));
      const exited = (code: number) => fail(new Error(`the worker exited with code ${code}`));
      worker.once('error', fail);
      worker.once('exit', exited);
      worker.once('message', (status: WorkerStatus) => {
        worker.off('error', fail);
        worker.off('exit', exited);
        if (status.ready) resolve();
        else if (status.error.name === 'InputError') reject(new InputError(status.error.message, status.error.file));
        else fail(new Error(status.error.message));
      });
    });
  }

  async encode(pixels: Float32Array, media: number, frames: number): Promise<{ tokens: Float32Array; embedding: Float32Array }> {
    const reply = await this.run({ kind: 'encode', pixels, media, frames }, [pixels.buffer as ArrayBuffer]);
    if (reply.kind !== 'encode') throw new Error(`unexpected reply ${reply.kind}`);
    return reply;
  }

  async generate(prompts: RenderedPrompt[], visual: Map<string, Float32Array>, settings: DecodeSettings): Promise<number[][]> {
    const reply = await this.run({ kind: 'generate', prompts, visual, settings });
    if (reply.kind !== 'generate') throw new Error(`unexpected reply ${reply.kind}`);
    return reply.tokens;
  }

  async rank(prompts: RenderedPrompt[], visual: Map<string, Float32Array>, candidates: number[][][]): Promise<number[][]> {
    const reply = await this.run({ kind: 'rank', prompts, visual, candidates });
    if (reply.kind !== 'rank') throw new Error(`unexpected reply ${reply.kind}`);
    return reply.scores;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.failure ??= new RunError(`${this.model}: the model was closed`);
    for (const item of this.queue.splice(0)) item.reject(this.failure);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private run(body: JobBody, transfer: ArrayBuffer[] = []): Promise<JobReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { ...body, id: this.nextId++ }, transfer, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const item = this.queue.shift()!;
      this.busy.set(worker, item);
      worker.ref(); // a job in flight keeps the process alive until its reply
      worker.postMessage(item.job, item.transfer);
    }
  }

  private replied(worker: Worker, reply: JobReply): void {
    const item = this.busy.get(worker);
    if (!item) return;
    this.busy.delete(worker);
    worker.unref();
    this.idle.push(worker);
    this.runMs += reply.runMs;
    if (reply.kind === 'error') {
      const { name, message, file } = reply.error;
      item.reject(name === 'InputError' ? new InputError(message, file) : new Error(`${this.model}, in a worker: ${message}`));
    } else {
      item.resolve(reply);
    }
    this.dispatch();
  }

  private crashed(worker: Worker, error: Error): void {
    if (this.closing) return;
    this.failure ??= new RunError(`${this.model}: a worker stopped: ${error.message}`, { cause: error });
    this.busy.get(worker)?.reject(this.failure);
    this.busy.delete(worker);
    for (const item of this.queue.splice(0)) item.reject(this.failure);
  }
}
