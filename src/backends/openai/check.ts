// `flamingo-eval check-server`: what a served model can do, found out with a handful of small requests before a long
// run. Each check reports ok / no / unknown with the evidence:
// - server: which server (servers.ts), its version, the model and its context length;
// - decoding: beam search where the server has it (a 2-beam, 2-token request must come back with 2 beams), else
//   whether greedy decoding would stand in (allow-greedy);
// - ranking: a text-only ranking request (completions with echo + logprobs) and one after an image (chat with
//   prompt_logprobs), their candidates located by spelling them back;
// - images per prompt: the most images of 1, 2, 4, ... up to `maxImages` that one prompt may carry (tiny images);
// - interleaving: whether images stay where the prompt puts them (interleave.ts);
// - payload limit: a request of about 4 MB (one large image, about what a 32-shot prompt of 448-pixel images carries)
//   must be accepted; the known limit (TGI's --payload-limit) is named beside it.
import sharp from 'sharp';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Prompt } from '../../core/types.ts';
import type { OpenAIBackend } from './backend.ts';
import { PromptRenderer, type ContentPart } from './content.ts';
import { checkInterleaving, type Check } from './interleave.ts';
import { LIMIT_FLAGS, serverName } from './servers.ts';
import { ARG } from './settings.ts';

export type { Check, Verdict } from './interleave.ts';

export interface CheckReport {
  url: string;
  model: string;
  server: { kind: string; version: string | null; detectedBy: string; contextLength: number };
  checks: Check[];
}

export interface CheckOptions {
  /** The largest image count tried per prompt (default 64). */
  maxImages?: number;
}

export async function checkServer(backend: OpenAIBackend, options: CheckOptions = {}): Promise<CheckReport> {
  const { profile, client } = backend;
  const model = backend.info().name;
  const dir = mkdtempSync(join(tmpdir(), 'flamingo-check-'));
  const checks: Check[] = [];
  const post = (path: string, body: unknown) => client.post(path, body);
  try {
    const imagePath = join(dir, 'probe.png');
    writeFileSync(imagePath, await sharp({ create: { width: 32, height: 32, channels: 3, background: '#3070b0' } }).png().toBuffer());
    const image = (i: number) => ({ type: 'media' as const, media: { kind: 'image' as const, id: `probe${i}`, path: imagePath } });
    const renderer = new PromptRenderer();

    checks.push({
      name: 'server',
      verdict: profile.kind === 'generic' ? 'unknown' : 'ok',
      detail:
        `${serverName(profile)} (${profile.detectedBy}); model ${model}; context ${profile.contextLength || 'unknown'} tokens` +
        (profile.kind === 'generic' ? '; not vLLM, SGLang or TGI: only OpenAI\'s own request fields are sent' : ''),
    });

    // Decoding.
    if (profile.beamSearch) {
      try {
        const answer = (await post('/chat/completions', {
          model,
          messages: [{ role: 'user', content: 'Say one word.' }],
          max_tokens: 2,
          temperature: 0,
          n: 2,
          use_beam_search: true,
          ...(profile.lengthPenalty ? { length_penalty: 1 } : {}),
        })) as { choices?: unknown[] };
        const beams = Array.isArray(answer?.choices) ? answer.choices.length : 0;
        checks.push(
          beams === 2
            ? { name: 'decoding', verdict: 'ok', detail: `beam search: a 2-beam request came back with 2 beams (${backend.plan.note})` }
            : { name: 'decoding', verdict: 'no', detail: `beam search asked with 2 beams came back with ${beams} choices: the server did not run it` },
        );
      } catch (error) {
        checks.push({ name: 'decoding', verdict: 'no', detail: `beam search refused: ${(error as Error).message}` });
      }
    } else {
      checks.push({
        name: 'decoding',
        verdict: backend.plan.greedyInsteadOfBeams ? 'unknown' : 'no',
        detail:
          `${backend.plan.note}. Open-ended tasks decode with 3 beams in the paper: serve with vLLM for that` +
          (backend.plan.greedyInsteadOfBeams ? '' : `, or set ${ARG.allowGreedy} to accept greedy decoding (marked in records)`),
      });
    }

    // Ranking.
    const text = (value: string) => ({ type: 'text' as const, text: value });
    for (const [name, prompt] of [
      ['ranking (text)', [text('Question: Is the sky blue? Answer:')]],
      ['ranking (image)', [image(0), text('Question: Is this image blue? Answer:')]],
    ] as [string, Prompt][]) {
      try {
        const [result] = await backend.rank([{ prompt, candidates: [' yes', ' no'], lengthNormalize: false }]);
        const [yes, no] = result!.logLikelihoods;
        checks.push({ name, verdict: 'ok', detail: `candidates scored: " yes" ${yes!.toFixed(3)}, " no" ${no!.toFixed(3)}` });
      } catch (error) {
        checks.push({ name, verdict: 'no', detail: (error as Error).message });
      }
    }

    // Images per prompt.
    const limit = options.maxImages ?? 64;
    let accepted = 0;
    let refusal = '';
    for (let count = 1; count <= limit; count *= 2) {
      const content: ContentPart[] = (await renderer.chatContent(Array.from({ length: count }, (_, i) => image(i)))).content;
      content.push({ type: 'text', text: 'How many images?' });
      try {
        await post('/chat/completions', { model, messages: [{ role: 'user', content }], max_tokens: 1, temperature: 0 });
        accepted = count;
      } catch (error) {
        refusal = (error as Error).message;
        break;
      }
    }
    checks.push({
      name: 'images per prompt',
      verdict: accepted === 0 ? 'no' : 'ok',
      detail:
        accepted === 0
          ? `no image accepted: ${refusal}`
          : refusal
            ? `${accepted} accepted, ${accepted * 2} refused (${refusal}); every video frame counts as one image: raise with ${LIMIT_FLAGS[profile.kind].images}, ` +
              `and tell flamingo-eval with ${ARG.maxImages}`
            : `${accepted} accepted (tried up to ${limit}); a 32-shot prompt needs 33, a 32-shot video prompt 33 x the frames per clip`,
    });

    checks.push(await checkInterleaving(client, model, profile));

    checks.push(await payloadCheck(backend));
    return {
      url: client.baseUrl,
      model,
      server: { kind: profile.kind, version: profile.version, detectedBy: profile.detectedBy, contextLength: profile.contextLength },
      checks,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Side of the payload probe's noise image: a PNG of about 3 MB, 4.2 MB as base64 (a 32-shot prompt of 448-pixel JPEGs inlined). */
const PAYLOAD_PROBE_PIXELS = 1024;

async function payloadCheck(backend: OpenAIBackend): Promise<Check> {
  const { profile, client } = backend;
  const known = profile.payloadLimit ? `; ${serverName(profile)} allows ${profile.payloadLimit} bytes unless raised (${LIMIT_FLAGS[profile.kind].payload})` : '';
  // Noise does not compress: a PNG of it is as large as its pixels.
  const noise = Buffer.alloc(PAYLOAD_PROBE_PIXELS * PAYLOAD_PROBE_PIXELS * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (Math.imul(i + 1, 2654435761) >>> 24) & 0xff;
  const png = await sharp(noise, { raw: { width: PAYLOAD_PROBE_PIXELS, height: PAYLOAD_PROBE_PIXELS, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
  const body = {
    model: backend.info().name,
    messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } }, { type: 'text', text: 'Describe.' }] }],
    max_tokens: 1,
    temperature: 0,
  };
  const bytes = Buffer.byteLength(JSON.stringify(body));
  const size = `${(bytes / 1e6).toFixed(1)} MB`;
  try {
    await client.post('/chat/completions', body);
    return { name: 'payload limit', verdict: 'ok', detail: `a ${size} request was accepted${known}` };
  } catch (error) {
    const refused = /HTTP 413/.test((error as Error).message);
    return {
      name: 'payload limit',
      verdict: refused ? 'no' : 'unknown',
      detail: refused
        ? `a ${size} request was refused (HTTP 413): 32-shot prompts with images inlined can be that large; raise the limit with ${LIMIT_FLAGS[profile.kind].payload}, or send smaller images (--model-arg image-size=<px>)${known}`
        : `a ${size} request failed otherwise (${(error as Error).message})${known}`,
    };
  }
}

export function renderCheckReport(report: CheckReport): string {
  const mark = { ok: 'ok     ', no: 'NO     ', unknown: 'unknown' } as const;
  const lines = [`${report.url} (model ${report.model})`];
  for (const check of report.checks) lines.push(`${mark[check.verdict]}  ${check.name}: ${check.detail}`);
  return `${lines.join('\n')}\n`;
}
