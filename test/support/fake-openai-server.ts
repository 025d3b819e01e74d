// A loopback HTTP server speaking enough of the OpenAI-compatible API for the openai backend's tests and bench:
// GET /v1/models, POST /v1/chat/completions (generation, and vLLM's prompt_logprobs) and POST /v1/completions (echo +
// logprobs). It records every request, and can be told to fail the next requests (HTTP status with Retry-After,
// connection reset, a stall, garbage), to wait a fixed latency, or to answer like a server without log-probabilities.
// It stops by itself after `idleMs` without a request, so a test that forgets close() does not keep node alive.
//
// `kind` makes it behave as a real server does, as read in that server's code:
// - `vllm`: /v1/models says owned_by "vllm", GET /version answers; echoed completions start with the BOS token
//   "<s>" and count text_offset over the decoded tokens, BOS included (so offsets are shifted by 3 characters);
//   prompt_logprobs start with the BOS too; `use_beam_search` with `n` returns n choices, best first, and (as vLLM's
//   beam search does) ignores `stop`; `maxImages` refuses more images with vLLM's 400 "At most N image(s)".
// - `sglang`: owned_by "sglang", GET /get_server_info (enable_beam_search as `beamSearch`); every text_offset is -1;
//   chat ignores prompt_logprobs.
// - `tgi`: /v1/models lists the model id as owned_by; GET /info (router "text-generation-router",
//   max_client_batch_size 4); completions never carry logprobs, and more than 4 prompts are refused with HTTP 422;
//   bodies over `payloadLimit` (2,000,000 bytes) are refused with HTTP 413; a top_p outside (0, 1) with HTTP 422.
// - `generic` (default): the OpenAI shape, offsets from the tokens, no BOS.
//
// Its "model": text is split into tokens by WORD below (a word with its leading spaces, or a run of trailing
// spaces); a token's log-probability is -(its length)/10, so expected scores are easy to work out by hand.
// Generation answers `reply(text)` (default: "answer <n>" with n the prompt's token count), cut at the first stop
// sequence and at max_tokens tokens, as servers do.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  | { kind: 'reset' }
  | { kind: 'stall' }
  | { kind: 'garbage' };

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body: any;
  /** The raw request text (headers and body), to check what went over the wire. */
  raw: string;
}

export type FakeKind = 'vllm' | 'sglang' | 'tgi' | 'generic';

export interface FakeServerOptions {
  /** Which server to behave as (see the header); default `generic`. */
  kind?: FakeKind;
  /** SGLang: launched with --enable-beam-search. */
  beamSearch?: boolean;
  /** Prompts per completions request before an HTTP 422 (TGI: 4). */
  maxPromptsPerRequest?: number;
  /** Images per prompt before vLLM's 400. */
  maxImages?: number;
  /** Request bodies larger than this are refused with HTTP 413 (TGI: 2,000,000). */
  payloadLimit?: number;
  /** A secret the server echoes everywhere it can: error bodies, headers, model names, answers. */
  echoKey?: string;
  /** Answer every request with a 307 to this URL + the request's path (`<origin>/moved/` is served here as `/`). */
  redirectTo?: string;
  /** Generation ignores max_tokens (a misbehaving server). */
  ignoreMaxTokens?: boolean;
  /** Add this many bytes of padding to every answer body. */
  padBytes?: number;
  /** Where images go in the prompt the model reads: where they are (default), all first (vLLM with a string-format
   * chat template), or nowhere (SGLang with one). */
  interleave?: 'keep' | 'first' | 'drop';
  /** The model id /v1/models lists. */
  model?: string;
  /** Milliseconds before each answer. */
  latencyMs?: number;
  /** Answer generation requests with this text (before stop / max_tokens). */
  reply?(promptText: string, body: any): string;
  /** Completions answers carry `logprobs: null` and chat answers no prompt_logprobs (like Ollama). */
  noLogprobs?: boolean;
  /** /v1/models answers 404 (like servers without it). */
  noModels?: boolean;
  /** Stop after this long without a request (default 30 s). */
  idleMs?: number;
  /** Keep no request bodies (for the bench: fewer allocations). */
  record?: boolean;
}

export interface FakeServer {
  /** The API root, `http://127.0.0.1:<port>/v1`. */
  url: string;
  requests: RecordedRequest[];
  /** The next requests fail as given, one fault per request, in order. */
  failNext(...faults: Fault[]): void;
  /** Every request fails with this fault until cleared (undefined). */
  failAlways(fault: Fault | undefined): void;
  /** After `answers` more requests are answered, every request fails with `fault` (failAlways from then on). */
  failAfter(answers: number, fault: Fault): void;
  options: FakeServerOptions;
  /** Requests being answered now, and the most at once so far. */
  load: { inFlight: number; most: number };
  close(): Promise<void>;
}

// An image is its own token, "<image>".
const WORD = /<image>|\s*(?:(?!<image>)\S)+|\s+/g;

export function tokens(text: string): string[] {
  return text.match(WORD) ?? [];
}

export function tokenLogprob(token: string): number {
  return -token.length / 10;
}

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const model = options.model ?? 'fake-vlm-7b';
  const kind = options.kind ?? 'generic';
  const queue: Fault[] = [];
  let always: Fault | undefined;
  let countdown: { answers: number; fault: Fault } | undefined;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const stalled = new Set<ServerResponse>();
  let idle: NodeJS.Timeout | undefined;
  const load = { inFlight: 0, most: 0 };

  const server: Server = createServer((req, res) => {
    armIdle();
    load.inFlight++;
    load.most = Math.max(load.most, load.inFlight);
    let counted = true;
    const done = () => {
      if (counted) load.inFlight--;
      counted = false;
    };
    res.on('finish', done); // the answer is handed to the socket: the client may send its next request now
    res.on('close', done); // a reset or a stall ended by close()
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => void close(), options.idleMs ?? 30_000);
    idle.unref();
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let path = (req.url ?? '').replace(/\?.*$/, '');
    // Where `redirectTo` sends requests on its own origin: served as if at the root.
    const moved = path.startsWith('/moved/');
    if (moved) path = path.slice('/moved'.length);
    if (options.record !== false) {
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const head = Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\n');
      requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body, raw: `${head}\n\n${text}` });
    }
    if (countdown && countdown.answers-- <= 0) {
      always = countdown.fault;
      countdown = undefined;
    }
    const fault = queue.shift() ?? always;
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    if (fault) return applyFault(fault, req, res);
    if (options.redirectTo && !moved) {
      res.writeHead(307, { location: new URL(`.${req.url ?? '/'}`, options.redirectTo).href });
      return void res.end();
    }
    const payloadLimit = options.payloadLimit ?? (kind === 'tgi' ? 2_000_000 : undefined);
    if (payloadLimit !== undefined && Buffer.byteLength(text) > payloadLimit) {
      res.writeHead(413, { 'content-type': 'text/plain' });
      return void res.end('Failed to buffer the request body: length limit exceeded');
    }
    const body = text === '' ? {} : JSON.parse(text);
    const key = options.echoKey;
    if (req.method === 'GET' && path === '/v1/models') {
      if (options.noModels) return send(res, 404, { error: { message: 'Not Found' } });
      const ownedBy = kind === 'vllm' || kind === 'sglang' ? kind : kind === 'tgi' ? model : 'organization-owner';
      const cards: unknown[] = [{ id: model, object: 'model', owned_by: ownedBy, ...(kind === 'tgi' ? {} : { max_model_len: 4096 }) }];
      if (key) cards.push({ id: `model-of-${key}`, object: 'model', owned_by: key });
      return send(res, 200, { object: 'list', data: cards });
    }
    if (req.method === 'GET' && path === '/version' && kind === 'vllm') return send(res, 200, { version: '0.11.0' });
    if (req.method === 'GET' && path === '/get_server_info' && kind === 'sglang') {
      return send(res, 200, { version: '0.5.4', enable_beam_search: options.beamSearch === true, model_path: model });
    }
    if (req.method === 'GET' && path === '/info' && kind === 'tgi') {
      return send(res, 200, {
        model_id: model,
        router: 'text-generation-router',
        version: '3.3.6',
        max_client_batch_size: options.maxPromptsPerRequest ?? 4,
        max_input_tokens: 4095,
        max_total_tokens: 4096,
      });
    }
    if (req.method === 'POST' && body.model !== model) {
      return send(res, 404, { error: { message: `The model \`${body.model}\` does not exist.${key ? ` (key ${key})` : ''}` } });
    }
    if (req.method === 'POST' && kind === 'tgi' && typeof body.top_p === 'number' && (body.top_p <= 0 || body.top_p >= 1)) {
      return send(res, 422, { error: 'Input validation error: `top_p` must be > 0.0 and < 1.0', error_type: 'validation' });
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const images = (body.messages as any[]).flatMap((m) => (Array.isArray(m.content) ? m.content : [])).filter((p: any) => p.type === 'image_url').length;
      if (options.maxImages !== undefined && images > options.maxImages) {
        return send(res, 400, {
          error: { message: `At most ${options.maxImages} image(s) may be provided in one prompt.${key ? ` key=${key}` : ''}`, type: 'BadRequestError', code: 400 },
        });
      }
      return send(res, 200, chat(body));
    }
    if (req.method === 'POST' && path === '/v1/completions') {
      const count = Array.isArray(body.prompt) ? body.prompt.length : 1;
      const limit = options.maxPromptsPerRequest ?? (kind === 'tgi' ? 4 : undefined);
      if (limit !== undefined && count > limit) {
        return send(res, 422, {
          error: `Number of prompts exceeds the maximum allowed batch size of ${limit}${key ? ` (${key})` : ''}`,
          error_type: 'batch size exceeded',
        });
      }
      return send(res, 200, completions(body));
    }
    return send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
  }

  function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): void {
    if (fault.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'stall') {
      stalled.add(res); // answered never; close() ends it
      return;
    }
    if (fault.kind === 'garbage') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
    if (options.echoKey) headers['x-echo'] = options.echoKey;
    res.writeHead(fault.status, headers);
    res.end(fault.body ?? JSON.stringify({ error: { message: `simulated HTTP ${fault.status}` } }));
  }

  function promptText(body: any): string {
    const messages: any[] = body.messages ?? [];
    const text = messages
      .map((message) =>
        typeof message.content === 'string'
          ? message.content
          : (message.content as any[]).map((part) => (part.type === 'text' ? part.text : '<image>')).join(''),
      )
      .join('');
    if (options.interleave === 'drop') return text.split('<image>').join('');
    if (options.interleave === 'first') return '<image>'.repeat(text.split('<image>').length - 1) + text.split('<image>').join('');
    return text;
  }

  function generated(prompt: string, body: any): string {
    let out = options.reply ? options.reply(prompt, body) : `answer ${tokens(prompt).length}`;
    if (options.echoKey) out += ` ${options.echoKey}`;
    // vLLM's beam search ends beams only at the end-of-sequence token: it does not apply `stop`.
    const beamSearch = body.use_beam_search === true && (kind === 'vllm' || (kind === 'sglang' && options.beamSearch));
    for (const stop of beamSearch ? [] : ((body.stop as string[] | undefined) ?? [])) {
      const at = out.indexOf(stop);
      if (at >= 0) out = out.slice(0, at);
    }
    if (typeof body.max_tokens === 'number' && !options.ignoreMaxTokens) out = tokens(out).slice(0, body.max_tokens).join('');
    return out;
  }

  function chat(body: any): unknown {
    const prompt = promptText(body);
    const beamSearch = body.use_beam_search === true && (kind === 'vllm' || (kind === 'sglang' && options.beamSearch));
    const n = typeof body.n === 'number' ? body.n : 1;
    const best = generated(prompt, body);
    // Beam search answers its n beams, best first; the others here are the best one with a tag.
    const texts = beamSearch ? Array.from({ length: n }, (_, i) => (i === 0 ? best : `${best} (beam ${i})`)) : [best];
    const answer: Record<string, unknown> = {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      model: options.echoKey ? `${model} ${options.echoKey}` : model,
      choices: texts.map((content, index) => ({ index, message: { role: 'assistant', content }, finish_reason: 'stop' })),
      usage: { prompt_tokens: tokens(prompt).length + 63 * (prompt.split('<image>').length - 1), completion_tokens: 1 },
      ...(options.padBytes ? { padding: 'x'.repeat(options.padBytes) } : {}),
    };
    if (body.prompt_logprobs !== undefined && !options.noLogprobs && kind !== 'sglang' && kind !== 'tgi') {
      // vLLM's form: one entry per prompt token, the first null, each {token id: {logprob, rank, decoded_token}}.
      const all = kind === 'vllm' ? ['<s>', ...tokens(prompt)] : tokens(prompt);
      answer.prompt_logprobs = all.map((token, i) =>
        i === 0 ? null : { [String(1000 + i)]: { logprob: tokenLogprob(token), rank: 1, decoded_token: token } },
      );
    }
    return answer;
  }

  function completions(body: any): unknown {
    const prompts: string[] = Array.isArray(body.prompt) ? body.prompt : [body.prompt];
    return {
      id: 'cmpl-fake',
      object: 'text_completion',
      model,
      choices: prompts.map((prompt, index) => {
        const out = generated(prompt, body);
        if (!body.echo || body.logprobs === undefined || options.noLogprobs || kind === 'tgi') {
          return { index, text: body.echo && kind !== 'tgi' ? prompt + out : out, logprobs: null, finish_reason: 'length' };
        }
        // vLLM echoes the BOS token and counts offsets over the decoded tokens, BOS included; SGLang gives -1.
        const all = [...(kind === 'vllm' ? ['<s>'] : []), ...tokens(prompt), ...tokens(out)];
        const offsets: number[] = [];
        let at = 0;
        for (const token of all) {
          offsets.push(kind === 'sglang' ? -1 : at);
          at += token.length;
        }
        return {
          index,
          text: prompt + out,
          logprobs: {
            tokens: all,
            token_logprobs: all.map((token, i) => (i === 0 ? null : tokenLogprob(token))),
            text_offset: offsets,
            top_logprobs: all.map((token, i) => (i === 0 ? null : { [token]: tokenLogprob(token) })),
          },
          finish_reason: 'length',
        };
      }),
    };
  }

  function send(res: ServerResponse, status: number, value: unknown): void {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.echoKey) headers['x-echo'] = options.echoKey;
    res.writeHead(status, headers);
    res.end(JSON.stringify(value));
  }

  async function close(): Promise<void> {
    clearTimeout(idle);
    for (const res of stalled) res.destroy();
    stalled.clear();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  armIdle();
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (...faults) => queue.push(...faults),
    failAlways: (fault) => (always = fault),
    failAfter: (answers, fault) => (countdown = { answers, fault }),
    options,
    load,
    close,
  };
}
