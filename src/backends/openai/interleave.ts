// Whether images stay where the prompt puts them, found with two small requests: a text of two words, and the same
// text with an image after each word. With prompt_logprobs (vLLM) the prompt's tokens show where the image tokens
// went: more tokens between the two words with an image between them than without means it is there. Without them,
// only a server that drops images shows (its prompt token count does not grow with images). A chat template whose
// content format is "string" makes vLLM put every image first and SGLang drop them: a few-shot prompt then pairs
// answers with the wrong images, silently. Used by check-server and, before a run with interleaved prompts, by the
// backend's preflight.
import sharp from 'sharp';
import type { OpenAIClient } from './client.ts';
import type { ContentPart } from './content.ts';
import { LIMIT_FLAGS, type ServerProfile } from './servers.ts';

export type Verdict = 'ok' | 'no' | 'unknown';

export interface Check {
  name: string;
  verdict: Verdict;
  detail: string;
}

let probeImage: Promise<string> | undefined;

/** A 32-pixel grey PNG as a data URL, for probes (small, and large enough for every vision processor). */
export function probeImageUrl(): Promise<string> {
  probeImage ??= sharp({ create: { width: 32, height: 32, channels: 3, background: '#808080' } })
    .png()
    .toBuffer()
    .then((bytes) => `data:image/png;base64,${bytes.toString('base64')}`);
  return probeImage;
}

export async function checkInterleaving(client: OpenAIClient, model: string, profile: ServerProfile): Promise<Check> {
  const url = await probeImageUrl();
  const image: ContentPart = { type: 'image_url', image_url: { url } };
  const words: ContentPart[] = [{ type: 'text', text: 'First word: alpha. Second word: omega.' }];
  const withImages: ContentPart[] = [{ type: 'text', text: 'First word: alpha.' }, image, { type: 'text', text: ' Second word: omega.' }, image];
  const hint = LIMIT_FLAGS[profile.kind].interleave;
  const ask = async (content: ContentPart[]) =>
    (await client.post('/chat/completions', {
      model,
      messages: [{ role: 'user', content }],
      max_tokens: 1,
      temperature: 0,
      ...(profile.promptLogprobs ? { prompt_logprobs: 0 } : {}),
    })) as { usage?: { prompt_tokens?: unknown }; prompt_logprobs?: unknown };
  try {
    const [plain, mixed] = [await ask(words), await ask(withImages)];
    const [gapPlain, gapMixed] = [tokensBetween(plain.prompt_logprobs), tokensBetween(mixed.prompt_logprobs)];
    if (gapPlain !== undefined && gapMixed !== undefined) {
      return gapMixed > gapPlain
        ? { name: 'interleaving', verdict: 'ok', detail: `the image between two words stays there (${gapMixed - gapPlain} image tokens between them)` }
        : {
            name: 'interleaving',
            verdict: 'no',
            detail:
              'images are not where the prompt puts them (no image tokens between the words they separate): few-shot prompts ' +
              `would pair answers with the wrong images; fix with ${hint}`,
          };
    }
    const [tokensPlain, tokensMixed] = [Number(plain.usage?.prompt_tokens), Number(mixed.usage?.prompt_tokens)];
    if (Number.isFinite(tokensPlain) && Number.isFinite(tokensMixed)) {
      return tokensMixed > tokensPlain
        ? {
            name: 'interleaving',
            verdict: 'unknown',
            detail: `images reach the model (${tokensMixed - tokensPlain} more prompt tokens), but their place cannot be seen without prompt_logprobs; make sure of ${hint}`,
          }
        : { name: 'interleaving', verdict: 'no', detail: `the server drops the images (the prompt has as many tokens with them as without); fix with ${hint}` };
    }
    return { name: 'interleaving', verdict: 'unknown', detail: `not observable on this server; make sure of ${hint}` };
  } catch (error) {
    return { name: 'interleaving', verdict: 'unknown', detail: `the probe failed: ${(error as Error).message}` };
  }
}

/** Prompt tokens from the one spelling "alpha" to the one spelling "omega"; undefined without prompt_logprobs. */
function tokensBetween(promptLogprobs: unknown): number | undefined {
  if (!Array.isArray(promptLogprobs)) return undefined;
  const tokens = promptLogprobs.map((entry) => String(Object.values((entry as Record<string, { decoded_token?: string }>) ?? {})[0]?.decoded_token ?? ''));
  const at = (word: string) => {
    let spelled = '';
    for (let i = 0; i < tokens.length; i++) {
      spelled += tokens[i];
      if (spelled.includes(word)) return i;
    }
    return -1;
  };
  const [a, b] = [at('alpha'), at('omega')];
  return a >= 0 && b > a ? b - a : undefined;
}
