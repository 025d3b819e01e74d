// The OpenAI-compatible backend (`--model openai:<name>`): generate() through chat completions, rank() through
// completions with echo + logprobs (text prompts) or chat with prompt_logprobs (prompts with media); see chat.ts,
// rank.ts, content.ts. Every request of a batch is sent at once; the client bounds what is in flight.
import { RunError, UsageError } from '../../core/errors.ts';
import type { Backend, GenerateRequest, GenerateResult, ModelInfo, RankRequest, RankResult } from '../../core/types.ts';
import { chatGenerateBody, parseChatAnswer } from './chat.ts';
import { OpenAIClient } from './client.ts';
import { PromptRenderer } from './content.ts';
import { chatRankBody, completionsRankBody, parseChatRank, parseCompletionsRank, PROMPTS_PER_REQUEST, type CandidateScore } from './rank.ts';
import { parametersFromName, type OpenAISettings } from './settings.ts';

/** How the record says generation was done: OpenAI-compatible chat completions have no beam search. */
export const DECODING_NOTE =
  'greedy (temperature 0) through chat completions: the API has no beam search, so numBeams and lengthPenalty are not applied';

export class OpenAIBackend implements Backend {
  private readonly renderer: PromptRenderer;

  constructor(
    private readonly settings: OpenAISettings,
    readonly client: OpenAIClient,
    private readonly contextLength: number,
  ) {
    this.renderer = new PromptRenderer({ imageSize: settings.imageSize, frames: settings.frames });
  }

  info(): ModelInfo & { api: string; decoding: string; imageSize: number | null } {
    return {
      name: this.settings.model,
      family: 'openai-compatible',
      parameters: parametersFromName(this.settings.model),
      contextLength: this.contextLength,
      api: 'openai-compatible',
      decoding: DECODING_NOTE,
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
        const { content, mediaMs } = await this.renderer.chatContent(request.prompt);
        const answer = await this.client.post('/chat/completions', chatGenerateBody(this.settings.model, content, request, this.renderer.endOfChunk));
        return { text: parseChatAnswer(answer, `${this.client.baseUrl}/chat/completions`), mediaMs };
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
          scores = await this.rankText(text, request.candidates);
        } else {
          const rendered = await this.renderer.chatContent(request.prompt);
          mediaMs = rendered.mediaMs;
          scores = await Promise.all(
            request.candidates.map(async (candidate) => {
              const answer = await this.client.post('/chat/completions', chatRankBody(this.settings.model, rendered.content, candidate));
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

  private async rankText(context: string, candidates: string[]): Promise<CandidateScore[]> {
    const chunks: string[][] = [];
    for (let i = 0; i < candidates.length; i += PROMPTS_PER_REQUEST) chunks.push(candidates.slice(i, i + PROMPTS_PER_REQUEST));
    const where = `${this.client.baseUrl}/completions`;
    const parts = await Promise.all(
      chunks.map(async (chunk) => parseCompletionsRank(await this.client.post('/completions', completionsRankBody(this.settings.model, context, chunk)), context, chunk, where)),
    );
    return parts.flat();
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/**
 * Connects: asks the server which models it serves (GET /models), so that a wrong URL or model name fails before
 * anything runs, and takes the context length from vLLM's `max_model_len` where given (0 when unknown).
 */
export async function connect(settings: OpenAISettings, client: OpenAIClient): Promise<OpenAIBackend> {
  let listing: unknown;
  try {
    listing = await client.get('/models');
  } catch (error) {
    // Some servers (older TGI, llama.cpp builds) have no /models: go on, the first request will tell.
    if (!/HTTP 404|HTTP 405/.test((error as Error).message)) {
      throw new RunError(`checking the model server failed: ${(error as Error).message}`, { cause: error });
    }
  }
  const models = (listing as { data?: { id?: unknown; max_model_len?: unknown }[] } | undefined)?.data;
  let contextLength = 0;
  if (Array.isArray(models)) {
    const served = models.find((model) => model?.id === settings.model);
    if (!served && models.length > 0) {
      // A wrong name is bad usage (exit 2), like any other wrong flag, not a failed run.
      throw new UsageError(
        `--model openai:${settings.model}: ${client.baseUrl} does not serve this model (it serves: ` +
          `${models.map((model) => String(model?.id)).join(', ')})`,
      );
    }
    if (typeof served?.max_model_len === 'number') contextLength = served.max_model_len;
  }
  return new OpenAIBackend(settings, client, contextLength);
}
