// Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages ended by NUL
// on fds 3 and 4), for tests that look at a page as a user would: console messages, script errors, the DOM, a
// screenshot. No port is opened and the profile is a fresh temporary folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome'];

/** The Chromium executable on PATH, or undefined. */
export function findChromium(): string | undefined {
  return CANDIDATES.find((name) => spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0);
}

export interface PageMessages {
  /** Console messages, uncaught exceptions and browser log entries (CSP violations among them). */
  messages: string[];
}

export class Browser {
  private readonly pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  private readonly listeners: ((method: string, params: any, sessionId?: string) => void)[] = [];
  private nextId = 1;
  private buffer = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const output = child.stdio[4] as Readable;
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 1);
        if (message.id !== undefined) {
          const waiter = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.error) waiter?.reject(new Error(`${message.error.message} (${message.error.code})`));
          else waiter?.resolve(message.result);
        } else {
          for (const listen of this.listeners) listen(message.method, message.params, message.sessionId);
        }
      }
    });
  }

  static launch(executable: string, width = 1280, height = 1800): Browser {
    const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    const child = spawn(
      executable,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        `--user-data-dir=${profile}`,
        `--window-size=${width},${height}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    return new Browser(child, profile);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<any> {
    const id = this.nextId++;
    const promise = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    (this.child.stdio[3] as Writable).write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return promise;
  }

  /** Opens `url` in a new page, waits for its load event, and returns the page with what it logged so far (and later). */
  async open(url: string): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId);
    this.listeners.push((method, params, from) => {
      if (from !== sessionId) return;
      if (method === 'Runtime.consoleAPICalled') {
        page.messages.push(`console.${params.type}: ${params.args.map((a: any) => a.value ?? a.description).join(' ')}`);
      } else if (method === 'Runtime.exceptionThrown') {
        page.messages.push(`exception: ${params.exceptionDetails.exception?.description ?? params.exceptionDetails.text}`);
      } else if (method === 'Log.entryAdded') {
        page.messages.push(`log ${params.entry.level}: ${params.entry.text}`);
      } else if (method === 'Page.loadEventFired') {
        page.loaded();
      }
    });
    await Promise.all(['Runtime.enable', 'Log.enable', 'Page.enable'].map((m) => this.send(m, {}, sessionId)));
    const loaded = page.nextLoad();
    await this.send('Page.navigate', { url }, sessionId);
    await loaded;
    return page;
  }

  async close(): Promise<void> {
    await this.send('Browser.close').catch(() => {});
    await new Promise((resolve) => (this.child.exitCode !== null ? resolve(null) : this.child.once('exit', resolve)));
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export class Page implements PageMessages {
  readonly messages: string[] = [];
  private onLoad: (() => void) | undefined;

  constructor(
    private readonly browser: Browser,
    private readonly sessionId: string,
  ) {}

  nextLoad(): Promise<void> {
    return new Promise((resolve) => (this.onLoad = resolve));
  }

  loaded(): void {
    this.onLoad?.();
  }

  /** The value of a JavaScript expression evaluated in the page (returned by value). */
  async evaluate<T>(expression: string): Promise<T> {
    const result = await this.browser.send('Runtime.evaluate', { expression, returnByValue: true }, this.sessionId);
    if (result.exceptionDetails) throw new Error(`in the page: ${result.exceptionDetails.exception?.description}`);
    return result.result.value as T;
  }

  /** A PNG of the whole page. */
  async screenshot(): Promise<Buffer> {
    const { data } = await this.browser.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true }, this.sessionId);
    return Buffer.from(data, 'base64');
  }
}
