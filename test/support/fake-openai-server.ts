// A loopback HTTP server speaking enough of the OpenAI-compatible API for the openai backend's tests and bench:
// GET /v1/models, POST /v1/chat/completions (generation, and vLLM's prompt_logprobs) and POST /v1/completions (echo +
// logprobs). It records every request, and can be told to fail the next requests (HTTP status with Retry-After,
// connection reset, a stall, garbage), to wait a fixed latency, or to answer like a server without log-probabilities.
// It stops by itself after `idleMs` without a request, so a test that forgets close() does not keep node alive.
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

export interface FakeServerOptions {
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

const WORD = /\s*\S+|\s+/g;

export function tokens(text: string): string[] {
  return text.match(WORD) ?? [];
}

export function tokenLogprob(token: string): number {
  return -token.length / 10;
}

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const model = options.model ?? 'fake-vlm-7b';
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
    const path = (req.url ?? '').replace(/\?.*$/, '');
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
    const body = text === '' ? {} : JSON.parse(text);
    if (req.method === 'GET' && path === '/v1/models') {
      if (options.noModels) return send(res, 404, { error: { message: 'Not Found' } });
      return send(res, 200, { object: 'list', data: [{ id: model, object: 'model', max_model_len: 4096 }] });
    }
    if (req.method === 'POST' && body.model !== model) {
      return send(res, 404, { error: { message: `The model \`${body.model}\` does not exist.` } });
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') return send(res, 200, chat(body));
    if (req.method === 'POST' && path === '/v1/completions') return send(res, 200, completions(body));
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
    res.writeHead(fault.status, headers);
    res.end(fault.body ?? JSON.stringify({ error: { message: `simulated HTTP ${fault.status}` } }));
  }

  function promptText(body: any): string {
    const messages: any[] = body.messages ?? [];
    return messages
      .map((message) =>
        typeof message.content === 'string'
          ? message.content
          : (message.content as any[]).map((part) => (part.type === 'text' ? part.text : '<image>')).join(''),
      )
      .join('');
  }

  function generated(prompt: string, body: any): string {
    let out = options.reply ? options.reply(prompt, body) : `answer ${tokens(prompt).length}`;
    for (const stop of (body.stop as string[] | undefined) ?? []) {
      const at = out.indexOf(stop);
      if (at >= 0) out = out.slice(0, at);
    }
    if (typeof body.max_tokens === 'number') out = tokens(out).slice(0, body.max_tokens).join('');
    return out;
  }

  function chat(body: any): unknown {
    const prompt = promptText(body);
    const answer: Record<string, unknown> = {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: generated(prompt, body) }, finish_reason: 'stop' }],
    };
    if (body.prompt_logprobs !== undefined && !options.noLogprobs) {
      // vLLM's form: one entry per prompt token, the first null, each {token id: {logprob, rank, decoded_token}}.
      answer.prompt_logprobs = tokens(prompt).map((token, i) =>
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
        if (!body.echo || body.logprobs === undefined || options.noLogprobs) {
          return { index, text: body.echo ? prompt + out : out, logprobs: null, finish_reason: 'length' };
        }
        const all = [...tokens(prompt), ...tokens(out)];
        const offsets: number[] = [];
        let at = 0;
        for (const token of all) {
          offsets.push(at);
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
    res.writeHead(status, { 'content-type': 'application/json' });
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
