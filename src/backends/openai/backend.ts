// The OpenAI-compatible backend (`--model openai:<name>`): generate() through chat completions, rank() through
// completions with echo + logprobs (text prompts) or chat with prompt_logprobs (prompts with media); see chat.ts,
// rank.ts, content.ts. Which server answers (servers.ts) decides the decoding (beam search where it has one), whether
// it can rank at all, and how many prompts go in one request. Every request of a batch is sent at once; the client
// bounds what is in flight.
import { RunError, UsageError } from '../../core/errors.ts';
import type { Backend, GenerateRequest, GenerateResult, ModelInfo, Prompt, RankRequest, RankResult } from '../../core/types.ts';
import { FLAMINGO_SAMPLING, formatFrameSampling } from '../../media/sampling.ts';
import { beamsRefused, chatGenerateBody, decodingPlan, parseChatAnswer, type DecodingPlan } from './chat.ts';
import { HttpStatusError, OpenAIClient } from './client.ts';
import { PromptRenderer, type ContentPart } from './content.ts';
import { checkInterleaving, probeImageUrl, type Check } from './interleave.ts';
import { chatRankBody, completionsRankBody, parseChatRank, parseCompletionsRank, RankUnsupportedError, type CandidateScore } from './rank.ts';
import { detectServer, LIMIT_FLAGS, serverName, type ServerProfile } from './servers.ts';
import { ARG, parametersFromName, type OpenAISettings } from './settings.ts';

/** What the run record keeps of a served model (`model` in the record): the server, and the decoding that ran. */
export interface ServedModelInfo extends ModelInfo {
  api: 'openai-compatible';
  server: { kind: string; version: string | null };
  /** The decoding, as a fixed phrase (DecodingPlan.recorded). */
  decoding: string;
  decodingMethod: 'beam-search' | 'greedy';
  /** Greedy decoding stood in for the task's beam search (allowed by the user): results are marked. */
  greedyInsteadOfBeams: boolean;
  imageSize: number | null;
}

export class OpenAIBackend implements Backend {
  private readonly renderer: PromptRenderer;
  readonly plan: DecodingPlan;
  /** Prompts per completions request: the setting, lowered to the server's limit (known, or learnt from a 422). */
  private promptLimit: number;
  /** Images per prompt the server takes, when known (the setting, or learnt from its refusal). */
  private imageLimit?: number;
  /** The most images per prompt the server has accepted in preflight(). */
  private imagesAccepted = 0;
  /** The interleaving check's result, once made. */
  private interleaving?: Check;

  constructor(
    private readonly settings: OpenAISettings,
    readonly client: OpenAIClient,
    readonly profile: ServerProfile,
  ) {
    this.renderer = new PromptRenderer({ imageSize: settings.imageSize, frames: settings.frames });
    this.plan = decodingPlan(profile, settings.allowGreedy, ARG.allowGreedy);
    this.promptLimit = Math.min(settings.promptsPerRequest, profile.maxPromptsPerRequest ?? Number.POSITIVE_INFINITY);
    this.imageLimit = settings.maxImages;
  }

  info(): ServedModelInfo {
    return {
      name: this.settings.model,
      family: 'openai-compatible',
      parameters: parametersFromName(this.settings.model),
      contextLength: this.profile.contextLength,
      api: 'openai-compatible',
      server: { kind: this.profile.kind, version: this.profile.version },
      decoding: this.plan.recorded,
      decodingMethod: this.plan.method,
      greedyInsteadOfBeams: this.plan.greedyInsteadOfBeams,
      imageSize: this.settings.imageSize ?? null,
    };
  }

  /**
   * The model's part of the configuration identity: the served model's name, where it is served and the image size it
   * is sent (both change its answers). The key never enters it.
   */
  identity(): { baseUrl: string; imageSize?: number; spec: string } {
    return {
      baseUrl: this.settings.baseUrl,
      ...(this.settings.imageSize !== undefined ? { imageSize: this.settings.imageSize } : {}),
      spec: `openai:${this.settings.model}`,
    };
  }

  generate(requests: GenerateRequest[]): Promise<GenerateResult[]> {
    return Promise.all(
      requests.map(async (request) => {
        if (request.numBeams > 1 && this.plan.refusesBeams) {
          throw beamsRefused(this.profile, request, this.client.baseUrl, ARG.allowGreedy);
        }
        const { content, mediaMs } = await this.renderer.chatContent(request.prompt);
        this.checkImages(content, request.prompt);
        const body = chatGenerateBody(this.settings.model, content, request, this.renderer.endOfChunk, this.profile);
        const answer = await this.post('/chat/completions', body, request.prompt);
        const parsed = parseChatAnswer(answer, `${this.client.baseUrl}/chat/completions`, request, this.renderer.endOfChunk);
        return { text: parsed.text, mediaMs, ...(parsed.warning ? { warning: parsed.warning } : {}) };
      }),
    );
  }

  rank(requests: RankRequest[]): Promise<RankResult[]> {
    return Promise.all(
      requests.map(async (request) => {
        const text = this.renderer.plainText(request.prompt);
        let mediaMs = 0;
        let scores: CandidateScore[];
        if (text !== undefined) {
          if (!this.profile.echoLogprobs) throw this.cannotRank('its completions answer carries no log-probabilities of the prompt (echo with logprobs)');
          scores = await this.rankText(text, request.candidates);
        } else {
          if (!this.profile.promptLogprobs) {
            throw this.cannotRank('its chat completions take no prompt_logprobs, which ranking candidates after images or videos needs');
          }
          const rendered = await this.renderer.chatContent(request.prompt);
          mediaMs = rendered.mediaMs;
          this.checkImages(rendered.content, request.prompt);
          scores = await Promise.all(
            request.candidates.map(async (candidate) => {
              const answer = await this.post('/chat/completions', chatRankBody(this.settings.model, rendered.content, candidate), request.prompt);
              return parseChatRank(answer, candidate, `${this.client.baseUrl}/chat/completions`);
            }),
          );
        }
        return {
          logLikelihoods: scores.map((s) => (request.lengthNormalize ? s.logLikelihood / s.tokens : s.logLikelihood)),
          mediaMs,
        };
      }),
    );
  }

  /**
   * Before a task runs: the most images one of its prompts carries (every video frame counted) against the server's
   * limit. With max-images given, a prompt over it is refused here; else the server is asked once, with a request
   * carrying that many tiny images (max_tokens 1), and a refusal for too many images ends the run before it starts.
   * Prompts with text between images: the server is checked once to keep images in place (interleave.ts); one that
   * moves or drops them ends the run before it starts (interleave-check=false runs anyway).
   */
  async preflight(prompts: Prompt[]): Promise<void> {
    let worst = 0;
    let worstPrompt: Prompt = [];
    for (const prompt of prompts) {
      const images = this.imagesIn(prompt);
      if (images > worst) [worst, worstPrompt] = [images, prompt];
    }
    if (worst > 1) await this.checkImageCount(worst, worstPrompt);
    if (this.settings.interleaveCheck && this.interleaving === undefined && prompts.some(interleaved)) {
      // Images between texts: make sure the server keeps them there (two small requests, once per run).
      this.interleaving = await checkInterleaving(this.client, this.settings.model, this.profile);
      if (this.interleaving.verdict === 'no') {
        throw new RunError(
          `${serverName(this.profile)} at ${this.client.baseUrl}: ${this.interleaving.detail}. \`flamingo-eval check-server\` ` +
            `shows what the server does; ${ARG.interleaveCheck} runs anyway`,
        );
      }
    }
  }

  private async checkImageCount(worst: number, worstPrompt: Prompt): Promise<void> {
    if (this.imageLimit !== undefined) {
      if (worst > this.imageLimit) throw new RunError(`${this.client.baseUrl}: ${this.imagesMessage(worst, worstPrompt)}`);
      return;
    }
    if (this.imagesAccepted >= worst) return;
    const url = await probeImageUrl();
    const content: ContentPart[] = [
      ...Array.from({ length: worst }, () => ({ type: 'image_url' as const, image_url: { url } })),
      { type: 'text', text: 'How many images?' },
    ];
    try {
      await this.post('/chat/completions', { model: this.settings.model, messages: [{ role: 'user', content }], max_tokens: 1, temperature: 0 }, worstPrompt);
      this.imagesAccepted = worst;
    } catch (error) {
      // Only a refusal for the number of images ends the run here; anything else the run's own requests will tell.
      if (this.imageLimit !== undefined) throw error;
    }
  }

  /** Images a prompt becomes: one per image, the sampled frames of each video (at most that many for --frames). */
  private imagesIn(prompt: Prompt): number {
    const frames = this.settings.frames ?? FLAMINGO_SAMPLING;
    const perVideo = frames.mode === 'fps' ? frames.maxFrames : frames.frames;
    return prompt.reduce((n, part) => n + (part.type !== 'media' ? 0 : part.media.kind === 'image' ? 1 : perVideo), 0);
  }

  private cannotRank(missing: string): RankUnsupportedError {
    return new RankUnsupportedError(
      `${serverName(this.profile)} at ${this.client.baseUrl} cannot rank candidates, which close-ended tasks (ImageNet, ` +
        `Kinetics-700, Hateful Memes, ...) need: ${missing}. Serve the model with vLLM for close-ended tasks (completions ` +
        'with echo and logprobs, chat with prompt_logprobs), or run only open-ended tasks on this server',
    );
  }

  private async rankText(context: string, candidates: string[]): Promise<CandidateScore[]> {
    const chunks: string[][] = [];
    for (let i = 0; i < candidates.length; i += this.promptLimit) chunks.push(candidates.slice(i, i + this.promptLimit));
    const parts = await Promise.all(chunks.map((chunk) => this.rankChunk(context, chunk)));
    return parts.flat();
  }

  /** One completions request for `chunk`; refused with 422 for holding too many prompts, it is split and sent again. */
  private async rankChunk(context: string, chunk: string[]): Promise<CandidateScore[]> {
    let answer: unknown;
    try {
      answer = await this.client.post('/completions', completionsRankBody(this.settings.model, context, chunk));
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 422 && chunk.length > 1) {
        // TGI: "Number of prompts exceeds the maximum allowed batch size of 4"; else halve until it passes.
        const stated = Number(/batch size of (\d+)/i.exec(error.serverText)?.[1]);
        const limit = Number.isInteger(stated) && stated >= 1 && stated < chunk.length ? stated : Math.ceil(chunk.length / 2);
        this.promptLimit = Math.min(this.promptLimit, limit);
        const parts: Promise<CandidateScore[]>[] = [];
        for (let i = 0; i < chunk.length; i += limit) parts.push(this.rankChunk(context, chunk.slice(i, i + limit)));
        return (await Promise.all(parts)).flat();
      }
      throw error;
    }
    return parseCompletionsRank(answer, chunk, `${this.client.baseUrl}/completions`);
  }

  /** Prompts per completions request now used (for check-server and tests). */
  get promptsPerRequest(): number {
    return this.promptLimit;
  }

  /** POSTs, turning the server's refusals of a too-large body or too many images into messages that say what to change. */
  private async post(path: string, body: Record<string, unknown>, prompt: Prompt): Promise<unknown> {
    try {
      return await this.client.post(path, body);
    } catch (error) {
      if (!(error instanceof HttpStatusError)) throw error;
      if (error.status === 413) {
        const bytes = Buffer.byteLength(JSON.stringify(body));
        throw new RunError(
          `${sentence(error.message)} The request body was ${formatBytes(bytes)}${this.describeMedia(prompt)}, over the server's payload ` +
            `limit${this.profile.payloadLimit ? ` (${serverName(this.profile)}: ${formatBytes(this.profile.payloadLimit)} unless raised)` : ''}. ` +
            `Raise it with ${LIMIT_FLAGS[this.profile.kind].payload}, or send less: smaller images with --model-arg image-size=448, ` +
            'fewer video frames with --frames (e.g. uniform:8), or fewer shots',
          { cause: error },
        );
      }
      const limit = /at most (\d+) (?:image|video)/i.exec(error.serverText);
      if (limit || /limit[-_ ]mm[-_ ]per[-_ ]prompt|too many images/i.test(error.serverText)) {
        if (limit) this.imageLimit = Number(limit[1]);
        const advice = this.imagesMessage(countImages(body), prompt);
        throw new RunError(`${sentence(error.message)} ${advice[0]!.toUpperCase()}${advice.slice(1)}`, { cause: error });
      }
      throw error;
    }
  }

  /** Refuses, before sending, a prompt with more images than the server takes (when the limit is known). */
  private checkImages(content: ContentPart[], prompt: Prompt): void {
    const images = content.filter((part) => part.type === 'image_url').length;
    if (this.imageLimit !== undefined && images > this.imageLimit) {
      throw new RunError(`${this.client.baseUrl}: ${this.imagesMessage(images, prompt)}`);
    }
  }

  private imagesMessage(images: number, prompt: Prompt): string {
    const known = this.imageLimit !== undefined ? `at most ${this.imageLimit}` : 'fewer';
    return (
      `this prompt carries ${images} images${this.describeMedia(prompt, true)}, and ${serverName(this.profile)} takes ${known} per prompt ` +
      `(${ARG.maxImages} tells flamingo-eval the limit). Raise it with ${LIMIT_FLAGS[this.profile.kind].images}, ` +
      'or send fewer: fewer video frames with --frames (e.g. uniform:8), or fewer shots; --model-arg image-size=<px> makes each image smaller, not fewer'
    );
  }

  /** ` (2 images and 1 video sampled as --frames ...)`; with `videosOnly`, only when there are videos. */
  private describeMedia(prompt: Prompt, videosOnly = false): string {
    const videos = prompt.filter((part) => part.type === 'media' && part.media.kind === 'video').length;
    const images = prompt.filter((part) => part.type === 'media' && part.media.kind === 'image').length;
    if (videosOnly && videos === 0) return '';
    const parts = [
      ...(images > 0 ? [`${images} image${images === 1 ? '' : 's'}`] : []),
      ...(videos > 0 ? [`${videos} video${videos === 1 ? '' : 's'} sampled as --frames ${formatFrameSampling(this.settings.frames ?? FLAMINGO_SAMPLING)}, every frame an image`] : []),
    ];
    return parts.length > 0 ? ` (${parts.join(' and ')})` : '';
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/** Whether a prompt has text between two of its media: where a server that moves images would change its meaning. */
function interleaved(prompt: Prompt): boolean {
  let media = 0;
  let textAfterMedia = false;
  for (const part of prompt) {
    if (part.type === 'media') {
      if (media > 0 && textAfterMedia) return true;
      media++;
      textAfterMedia = false;
    } else if (media > 0 && (part.type === 'end_of_chunk' || part.text.trim() !== '')) {
      textAfterMedia = true;
    }
  }
  return false;
}

/** The message as a sentence: ending with one full stop. */
function sentence(message: string): string {
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

function countImages(body: Record<string, unknown>): number {
  const messages = (body.messages as { content?: unknown }[] | undefined) ?? [];
  return messages.reduce((n, message) => n + (Array.isArray(message.content) ? message.content.filter((part: { type?: string }) => part?.type === 'image_url').length : 0), 0);
}

function formatBytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB (${bytes} bytes)` : `${bytes} bytes`;
}

/**
 * Connects: asks the server which models it serves (GET /models), so that a wrong URL or model name fails before
 * anything runs, then finds out which server it is (servers.ts) and so how it decodes and ranks.
 */
export async function connect(settings: OpenAISettings, client: OpenAIClient): Promise<OpenAIBackend> {
  let listing: unknown;
  try {
    listing = await client.get('/models');
  } catch (error) {
    // Some servers (older TGI, llama.cpp builds) have no /models: go on, the first request will tell.
    if (!(error instanceof HttpStatusError && (error.status === 404 || error.status === 405))) {
      throw new RunError(`checking the model server failed: ${(error as Error).message}`, { cause: error });
    }
  }
  const models = (listing as { data?: { id?: unknown }[] } | undefined)?.data;
  if (Array.isArray(models)) {
    const served = models.find((model) => model?.id === settings.model);
    if (!served && models.length > 0) {
      // A wrong name is bad usage (exit 2), like any other wrong flag, not a failed run.
      throw new UsageError(
        `--model openai:${settings.model}: ${client.baseUrl} does not serve this model (it serves: ` +
          `${models.map((model) => String(model?.id)).join(', ')})`,
      );
    }
  }
  const profile = await detectServer(client, listing, settings.model, settings.server);
  return new OpenAIBackend(settings, client, profile);
}

/** The client for `settings`, connected (see connect). */
export function openBackend(settings: OpenAISettings, overrides: Partial<ConstructorParameters<typeof OpenAIClient>[0]> = {}): Promise<OpenAIBackend> {
  const client = new OpenAIClient({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    retry: { retries: settings.retries },
    baseUrlHint: settings.baseUrlHint,
    maxResponseBytes: settings.maxResponseBytes,
    ...overrides,
  });
  return connect(settings, client);
}
