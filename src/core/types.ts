// The domain types every part of flamingo-eval speaks: prompts, examples, tasks, backends, records.
// Plugin authors (tasks and backends) write against this file; see docs/plugins.md.

// ---------------------------------------------------------------------------------------------------------------
// Media and interleaved prompts
// ---------------------------------------------------------------------------------------------------------------

/** An image on disk. `id` is its identity for caching (the same id is the same pixels for the whole run). */
export interface ImageRef {
  kind: 'image';
  id: string;
  path: string;
  /** Set when the file is not on disk: the annotation file, row and field that name it (`path` is where it was looked for). */
  missing?: string;
  /** Set by the run when the file is there but cannot be used (empty, cut short, not an image or video): why. */
  unreadable?: string;
}

/** How frames are taken from a video (recorded in the run record). */
export type FrameSampling =
  | { mode: 'flamingo'; frames: number; fps: number } // the paper's inference setting: 30 frames at 3 FPS, centred
  | { mode: 'uniform'; frames: number }
  | { mode: 'fps'; fps: number; maxFrames: number };

/** A video: a file (or a folder of extracted frames), optionally a segment of it, read as an ordered list of frames. */
export interface VideoRef {
  kind: 'video';
  id: string;
  path: string;
  /** Segment bounds in seconds (YouCook2 segments); the whole clip when absent. */
  start?: number;
  end?: number;
  /** Set when the file is not on disk: the annotation file, row and field that name it (`path` is where it was looked for). */
  missing?: string;
  /** Set by the run when the file is there but cannot be used (empty, cut short, not an image or video): why. */
  unreadable?: string;
}

export type MediaRef = ImageRef | VideoRef;

export interface TextPart {
  type: 'text';
  text: string;
}
export interface MediaPart {
  type: 'media';
  media: MediaRef;
}
/** Ends one demonstration (Flamingo's <EOC>; OpenFlamingo renders it as `<|endofchunk|>`). */
export interface EndOfChunkPart {
  type: 'end_of_chunk';
}
export type PromptPart = TextPart | MediaPart | EndOfChunkPart;

/**
 * An interleaved prompt. Tasks build prompts only from these parts, never with a model's special tokens;
 * each backend renders them (BOS, `<image>`, end of chunk) as its model expects.
 */
export type Prompt = PromptPart[];

// ---------------------------------------------------------------------------------------------------------------
// Backends
// ---------------------------------------------------------------------------------------------------------------

export interface ModelInfo {
  name: string;
  family: string;
  /** Total parameter count; leaderboards sort models by it. */
  parameters: number;
  /** Maximum number of tokens the model reads. */
  contextLength: number;
}

export interface GenerationSettings {
  maxNewTokens: number;
  numBeams: number;
  lengthPenalty: number;
  /** Stop at the first end-of-chunk token (the paper's rule for open-ended tasks). */
  stopAtEndOfChunk: boolean;
}

export interface GenerateRequest extends GenerationSettings {
  prompt: Prompt;
}

export interface GenerateResult {
  /** The generated continuation, as text, with the model's special tokens removed. */
  text: string;
  /** Milliseconds this request spent loading and preprocessing its media, when the backend measures it. */
  mediaMs?: number;
  /** Set when the backend altered the answer it got (a served answer cut to its token budget): why. Recorded. */
  warning?: string;
}

export interface RankRequest {
  /** The shared prompt; each candidate is appended to it as a continuation. */
  prompt: Prompt;
  candidates: string[];
  /** Divide each candidate's log-likelihood by its number of tokens. */
  lengthNormalize: boolean;
}

export interface RankResult {
  /** Log-likelihood of each candidate continuation, in the order of `candidates`. */
  logLikelihoods: number[];
  /** Milliseconds this request spent loading and preprocessing its media, when the backend measures it. */
  mediaMs?: number;
}

export interface Backend {
  info(): ModelInfo;
  generate(requests: GenerateRequest[]): Promise<GenerateResult[]>;
  rank(requests: RankRequest[]): Promise<RankResult[]>;
  /** Visual features of each medium (for similarity-based demonstration selection, RICES). */
  embed?(media: MediaRef[]): Promise<Float32Array[]>;
  /**
   * Called with a task's prompts before they run (those of its largest shot count first, before any shot count runs):
   * the backend may refuse what it cannot take (a served model's image limit, video frames counted) before anything is
   * sent. Optional.
   */
  preflight?(prompts: Prompt[]): Promise<void>;
  /**
   * What identifies this model beyond info(), as a JSON value: the sha256 of its files, where it is served, settings
   * that change its answers. It is the backend's part of the configuration identity (records and journals of another
   * identity never share a file). Absent: a module backend is identified by its file's sha256, a scheme by its spec.
   */
  identity?(): unknown | Promise<unknown>;
  close(): Promise<void>;
}

/** What a backend module (built-in or `--model ./my-backend.js`) exports as its default. */
export interface BackendFactory {
  /** The scheme this factory answers to in `--model <scheme>:<rest>` (e.g. `onnx`). */
  scheme: string;
  description: string;
  /** The arguments it takes (`--model-arg <name>=<value>`); create() receives them checked, with their defaults. */
  args?: ArgSpec[];
  create(spec: string, options: BackendOptions): Promise<Backend>;
}

/** What create() receives: the backend's own arguments, and the run's settings every backend may follow. */
export interface BackendOptions {
  /** The values of the factory's declared `args` (`--model-arg`), checked and with defaults filled in. */
  args?: ArgValues;
  /** How a video becomes frames (`--frames`); a backend that reads videos follows it (src/media/video.ts). */
  frames?: FrameSampling;
  /** Batches the run keeps in flight at once (`--concurrency`); a served-model backend sizes its connections by it. */
  concurrency?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Arguments of tasks and backends (`--task-arg <task>.<name>=<value>`, `--model-arg [<scheme>.]<name>=<value>`)
// ---------------------------------------------------------------------------------------------------------------

export type ArgValue = boolean | number | string;
export type ArgValues = Record<string, ArgValue>;

/** One argument a task or a backend declares; the core parses, checks and records it (src/core/args.ts). */
export interface ArgSpec {
  /** Lower-case words joined by hyphens: `stem`, `keep-all-scores`, `base-url`. */
  name: string;
  type: 'boolean' | 'integer' | 'number' | 'string';
  /** One line for `--help`-style listings (`tasks --json`, `models --json`, usage errors). */
  description: string;
  /** The value when not given; absent: unset (the plugin decides, e.g. from the environment). */
  default?: ArgValue;
  /** Numbers: the smallest value allowed. */
  min?: number;
  /** Strings: the values allowed. */
  choices?: string[];
  /** Any further check of a parsed value: an error text (without the argument's name), or undefined when fine. */
  check?(value: ArgValue): string | undefined;
  /**
   * The run flag of earlier versions this argument replaces (`--okvqa-stem`, `--threads`): that flag is refused with a
   * message naming the argument, so that an old command says what to type instead of running without the setting.
   */
  replaces?: string;
  /**
   * The argument changes the numbers a run reports: it is part of the configuration identity, and a value other than
   * its default is a variant of the run (its own record file, its own leaderboard row), as `okvqa.stem` is.
   */
  identity?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------------------------------------------

/**
 * One item of a dataset split. `reference` is whatever the task's scorer needs (captions, the ten VQA answers,
 * a label); `target` is what a demonstration shows as its answer (the first caption, the first answer, ...).
 */
export interface Example<Ref = unknown> {
  id: string;
  /** Items that share a group (the questions about one image) never serve as each other's demonstrations. */
  group?: string;
  media: MediaRef[];
  /** Text fields the templates use (question, meme text, dialogue history, ...). */
  fields: Record<string, string>;
  target: string;
  reference: Ref;
  /** Close-ended tasks: the candidate continuations to rank. */
  candidates?: string[];
  /** Answer type / question type, for per-type scores. */
  type?: string;
}

/** A demonstration in a prompt: an example of the support split shown with its target. */
export interface Shot {
  example: Example;
  /** False for Flamingo's zero-shot text-only demonstrations (images removed). */
  withMedia: boolean;
}

/** An official file the task expects under `--data`, as its publisher names it. */
export interface OfficialFile {
  /** The official file (or folder) name, found anywhere under `--data`. */
  name: string;
  description: string;
  /** Where it is published. */
  source: string;
  required: boolean;
}

/** A dataset file a run actually read, recorded in the run record. */
export interface UsedFile {
  role: string;
  path: string;
  bytes: number;
  sha256: string;
}

/** A support item taken out of the pool before any demonstration is drawn. */
export interface ExcludedSupport {
  id: string;
  /** The medium: where it was looked for. */
  path: string;
  /** The annotation file, row and field that name the medium. */
  namedBy: string;
  /** Why: "not on disk", or what the probe found (src/media/probe.ts). Absent in records before 0.2. */
  reason?: string;
}

export interface TaskData {
  support: Example[];
  query: Example[];
  files: UsedFile[];
  /** True when the run reads the project's built-in sample data, not the real benchmark. */
  sample: boolean;
  /**
   * Set when the query split has no annotations (VQAv2 test-dev, VizWiz test): the run scores nothing and writes the
   * task's `submission` file beside the record, for the benchmark's evaluation server (`server` says where).
   * Servers refuse a file that misses a question, so every question of the split, and `alsoRequired` (VQAv2 test-dev:
   * the rest of test2015, which EvalAI's file must cover), is in the file; those not evaluated get an empty answer.
   */
  unannotated?: { server: string; alsoRequired?: Example[] };
  /**
   * Set by the run: support items taken out of the pool because a medium they need is not on disk (MediaRef.missing)
   * or cannot be read (MediaRef.unreadable), with the path, the annotation that names it, and why.
   */
  excludedSupport?: ExcludedSupport[];
  /**
   * Set by the run under `--protocol flamingo` when the data holds fewer queries than the protocol asks (a partial
   * copy): how many the protocol asks and how many were evaluated. The record and the leaderboard mark the cell.
   */
  protocolShortfall?: { asked: number; evaluated: number };
}

export interface LoadContext {
  /** `--data <dir>`; undefined means the built-in sample data. */
  dataDir?: string;
  /** Named variant of the task's split, when the task offers several (e.g. `test-dev`). */
  split?: string;
}

export interface PromptTemplates {
  /** A demonstration: media (when shown), the filled template with its target, then the end of chunk. */
  demonstration(shot: Shot): Prompt;
  /** The query: media and the template up to where the model continues. */
  query(example: Example): Prompt;
  /**
   * Close-ended tasks: the text put before each candidate when it is appended to the query, so that it continues the
   * query as a demonstration's target does (the paper's "Answer: yes" needs a space, open_flamingo's "Answer:yes"
   * none). Default: nothing.
   */
  candidatePrefix?: string;
}

/** Per-item input to a task's scorer. */
export interface ScoredItem {
  example: Example;
  /** The post-processed answer (open-ended) or the chosen candidate (close-ended). */
  answer: string;
  /** Close-ended: log-likelihood per candidate. */
  scores?: number[];
}

export interface TaskScore {
  /** Corpus-level metric values on the papers' scale, keyed by metric name; `primary` names the headline one. */
  metrics: Record<string, number>;
  primary: string;
  /** The primary metric per item, in input order, where it exists. */
  perItem?: number[];
  /**
   * For bootstrap intervals (src/stats/): builds a function that returns the primary metric on a resample of the
   * scored items (indices into them, repeats allowed), computed as the scorer computes it on that set, NaN where it is
   * undefined. Absent: the run scores each resample again with `score` (exact, slower).
   */
  resampler?: () => (indices: Uint32Array) => number;
}

export interface Task {
  id: string;
  title: string;
  modality: 'image' | 'video';
  kind: 'generate' | 'rank';
  /** Split names (as the dataset calls them) for demonstrations and for evaluation. */
  splits: { support: string; query: string };
  files: OfficialFile[];
  /** Default query-set size under `--protocol flamingo` (undefined: the whole split). */
  protocolQuerySize?: number;
  /**
   * Classification under `--protocol flamingo`: the query set and each support pool take this many items of every
   * class (ImageNet: 10 and 32), instead of protocolQuerySize items and a 2048-item pool; `classOf` names an
   * example's class.
   */
  protocolPerClass?: { query: number; support: number; classOf(example: Example): string };
  /** Largest number of shots the task allows (VisDial: 16). */
  maxShots?: number;
  /** Why the task allows no more than maxShots, for the error when more are asked (RareAct: zero-shot in the paper). */
  maxShotsReason?: string;
  /** Prompt templates by style; `paper` is the default, `openflamingo` the open_flamingo wording. */
  templates: Record<string, PromptTemplates>;
  generation: GenerationSettings;
  /** Close-ended tasks: divide each candidate's log-likelihood by its token count (default false). */
  lengthNormalize?: boolean;
  /** Raw model output -> the answer that is scored. */
  postprocess(raw: string): string;
  /**
   * Open-ended tasks: the form in which two answers count as the same for the context-use figures (an answer copied
   * from a demonstration), after postprocess: the task's scorer's normalisation. Default: trimmed.
   */
  normalizeAnswer?(answer: string): string;
  /** Name of the primary metric, as in `flamingo-eval score --json` keys (e.g. `vqa_accuracy`, `cider`). */
  metric: string;
  load(ctx: LoadContext): Promise<TaskData>;
  score(items: ScoredItem[]): TaskScore;
  /** The evaluation server's answers file (a JSON value) for a query split without annotations. */
  submission?(items: ScoredItem[]): unknown;
  /**
   * Classification (ImageNet, Kinetics-700): the index of the example's correct candidate. The record then keeps the
   * best candidates and the correct one's rank and score (ExampleRecord.topCandidates, .gold) instead of the score of
   * every class (a task can offer an argument that keeps them all: `configure()` then returns it without goldCandidate).
   */
  goldCandidate?(example: Example): number;
  /** The arguments the task takes (`--task-arg <id>.<name>=<value>`), shown by `flamingo-eval tasks --json`. */
  args?: ArgSpec[];
  /**
   * The task as the run's arguments configure it (their values checked, with defaults filled in). Called once per run
   * when the task declares `args`; absent: the arguments are not the task's business (none declared).
   */
  configure?(args: ArgValues): Task;
}

// ---------------------------------------------------------------------------------------------------------------
// Run records (one JSON file per model x task x shots, all trials inside)
// ---------------------------------------------------------------------------------------------------------------

/** A prompt as recorded: media by reference (id and path), never pixels. */
export type RecordedPrompt = PromptPart[];

/** One evaluated query of one trial. */
export interface ExampleRecord {
  id: string;
  /** Ids of the demonstrations, in prompt order. */
  demonstrations: string[];
  /**
   * The answers the demonstrations show in the prompt, in prompt order (their targets; permuted under
   * `--ablation shuffled-answers`). Absent in records written before context use was measured.
   */
  demonstrationAnswers?: string[];
  prompt: RecordedPrompt;
  /** Raw backend output (open-ended) or the top-ranked candidate (close-ended; its scores are in candidateScores). */
  raw: string;
  candidateScores?: number[];
  /**
   * Prompt ensembling (`--prompt-ensemble`): the demonstration ids of each ordering whose log-likelihoods were
   * averaged into candidateScores; `prompt` shows the first.
   */
  permutations?: string[][];
  /** Classification records (Task.goldCandidate): the 5 best candidates, best first, with their scores. */
  topCandidates?: { candidate: string; score: number }[];
  /** Classification records: the correct candidate, its rank among all (1 = best; ties rank by candidate order), its score. */
  gold?: { candidate: string; rank: number; score: number };
  /** Post-processed answer or chosen candidate. */
  answer: string;
  /** The item's primary metric value, where the metric has one. */
  score?: number;
  /** Milliseconds inside the backend for this example (its share of a batch). */
  backendMs: number;
  /** Milliseconds of media loading reported by the backend for this example (0 when it does not report it). */
  mediaMs?: number;
  /** Set when the example was skipped (`--on-media-error skip`): the error message. */
  skipped?: string;
  /** Set when the backend altered the output (GenerateResult.warning): why. */
  warning?: string;
  /** For reading the record (the report's example browser): the example's target (Example.target), */
  target?: string;
  /** its references when they are a list of texts (the VQA answers, the captions), */
  references?: string[];
  /** and its answer or question type (Example.type), where the task gives one. */
  type?: string;
}

export interface Trial {
  seed: number;
  /** Corpus-level metric values on the papers' scale; null for a metric undefined on this trial's queries. */
  metrics: Record<string, number | null>;
  /** Why the task's metric is undefined on this trial's queries (its value is then null). */
  undefinedMetric?: string;
  n: number;
  skipped: number;
  examples: ExampleRecord[];
  /** How the answers relate to the demonstrations' answers; absent when no prompt shows any, or in older records. */
  contextUse?: ContextUse;
  /** Unannotated query split: the answers file written for the evaluation server (metrics are then empty). */
  submission?: string;
  /** Entries in that file left with an empty answer (questions the run did not evaluate). */
  submissionUnanswered?: number;
}

/** One side of the answer-in-context split (src/run/context-use.ts). */
export interface ContextSide {
  n: number;
  /** The task's primary metric on these examples; null when there are none. */
  score: number | null;
}

/** Context-use figures of a trial, or their means over trials (definitions: src/run/context-use.ts). */
export interface ContextUse {
  /** Scored examples whose prompt shows demonstrations: the rates' denominator. */
  n: number;
  copy: number;
  copyChance: number | null;
  last: number;
  lastChance: number | null;
  majority: number;
  majorityChance: number | null;
  /** The primary metric split by whether a demonstration's answer is a correct answer for the query. */
  answerInContext: { yes: ContextSide; no: ContextSide };
}

export interface MetricSummary {
  /** null when the metric is undefined on the evaluated set (`undefined` says why). */
  mean: number | null;
  /** Sample standard deviation over trials (0 for a single trial); null with `mean`. */
  std: number | null;
  /** Why the metric has no value: it is undefined on the queries evaluated (ROC-AUC with one class present, ...). */
  undefined?: string;
}

/** A bootstrap confidence interval as a record keeps it. */
export interface RecordInterval {
  low: number;
  high: number;
  level: number;
  /** Resamples drawn, and those on which the metric was defined. */
  samples: number;
  defined: number;
  seed: number;
  method: string;
}

export interface RunRecord {
  tool: { name: 'flamingo-eval'; version: string };
  createdAt: string;
  /** The full resolved configuration of the run (flags after defaults). */
  config: Record<string, unknown>;
  model: ModelInfo & { spec: string };
  task: { id: string; title: string; modality: 'image' | 'video'; kind: 'generate' | 'rank'; metric: string };
  shots: number;
  data: {
    sample: boolean;
    files: UsedFile[];
    querySize: number;
    supportSize: number;
    /** The query split has no annotations: no score, a submission file per trial (TaskData.unannotated). */
    unannotated?: { server: string };
    /** Support items left out of the pool because a medium they need is missing or unreadable (TaskData.excludedSupport). */
    excludedSupport?: ExcludedSupport[];
    /** `--protocol flamingo` on a copy with fewer queries than the protocol asks (TaskData.protocolShortfall). */
    protocolShortfall?: { asked: number; evaluated: number };
  };
  trials: Trial[];
  /**
   * Mean and std over trials of each metric; `primary` names the headline metric; `ci` the 95% bootstrap interval of
   * the primary metric's mean over trials (queries resampled, src/stats/query-bootstrap.ts); `contextUse` the means of the
   * trials' context-use figures (src/run/context-use.ts).
   */
  summary: { primary: string; n: number; metrics: Record<string, MetricSummary>; ci?: RecordInterval; contextUse?: ContextUse };
  /**
   * totalMs: wall time of the invocation that finished the record; backendMs and mediaMs: sums over all examples,
   * including those resumed from the journal (`resumedExamples` of them).
   */
  timings: { totalMs: number; backendMs: number; mediaMs: number; resumedExamples?: number };
}
