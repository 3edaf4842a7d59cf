// Test support (Node): the built webview (dist/webview.js + dist/webview.css) in headless Chromium, in a page of
// the same shape and CSP as the extension's panel, with a fake acquireVsCodeApi playing the extension host.
// The fake host records every message the webview posts, keeps its setState, and answers requestHead from the
// fixture heads it was given (real engine results), the way the extension does: exact-length ArrayBuffers.
// Tensors travel into the page as base64 float32 bytes: exact, and far faster than arrays of numbers.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FromWebview, HeadRef, ResultSummary, ToWebview } from '../../shared/protocol';
import { packageRoot } from '../../src/model/packageRoot';
import type { Theme } from './themes';

/** One head's tensors, exactly as long as their data: probs [n × n], q/k/v [n × headDim]. */
export interface HeadArrays {
  readonly probs: Float32Array;
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  /** The Softmax input [n × n], for models that add more than a scale and a mask. */
  readonly scores?: Float32Array;
}

/** A result as the host holds it: the summary, and every head's tensors by "layer:head". */
export interface Fixture {
  readonly summary: ResultSummary;
  readonly heads: Readonly<Record<string, HeadArrays>>;
  /** probs [heads × n × n] by layer, for requestLayers; made from `heads` when absent. */
  readonly layers?: Readonly<Record<number, Float32Array>>;
  /** The model's position vectors [n × dim]; null when it has none. */
  readonly positions?: { readonly source: string; readonly dim: number; readonly firstRow: number; readonly data: Float32Array } | null;
}

/** A head on its way into the page: each tensor's float32 bytes in base64 (fast to send, exact). */
interface HeadBase64 {
  readonly probs: string;
  readonly q: string;
  readonly k: string;
  readonly v: string;
  readonly scores?: string;
}

const encode = (t: Float32Array) => Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString('base64');

function toBase64(head: HeadArrays): HeadBase64 {
  return { probs: encode(head.probs), q: encode(head.q), k: encode(head.k), v: encode(head.v),
    ...(head.scores ? { scores: encode(head.scores) } : {}) };
}

/** Every layer's probs [heads × n × n] as base64, from the fixture's layers or its heads. */
function layersBase64(fixture: Fixture): Record<number, string> {
  const { layers, heads } = fixture.summary.model;
  const n = fixture.summary.tokens.length;
  const out: Record<number, string> = {};
  for (let layer = 0; layer < layers; layer++) {
    let probs = fixture.layers?.[layer];
    if (!probs) {
      const all = Array.from({ length: heads }, (_, head) => fixture.heads[`${layer}:${head}`]?.probs);
      if (all.some((p) => !p)) continue;
      probs = new Float32Array(heads * n * n);
      all.forEach((p, head) => probs!.set(p!, head * n * n));
    }
    out[layer] = encode(probs);
  }
  return out;
}

export interface Grid {
  readonly x0: number;
  readonly y0: number;
  readonly cell: number;
  readonly n: number;
}

/** What the fake host keeps inside the page. */
interface FakeHost {
  posted: FromWebview[];
  heads: Record<string, HeadBase64>;
  layers: Record<number, string>;
  positions: { source: string; dim: number; firstRow: number; data: string } | null;
  resultId: number;
  autoAnswer: boolean;
  state: unknown;
  acquired: number;
  cspViolations: string[];
  /** The pictures the webview sent (`image`), their bytes in base64. */
  images: { requestId: number; format: string; title: string; base64: string }[];
}

declare global {
  interface Window {
    __host: FakeHost;
  }
}

const DEFAULT_VIEWPORT = { width: 900, height: 900 };

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** A local server for the page and the built bundle, and one browser; open a Panel per test. */
export class Harness {
  private constructor(
    private readonly server: http.Server,
    private readonly browser: Browser,
    private readonly context: BrowserContext,
    readonly origin: string,
  ) {}

  static async launch(): Promise<Harness> {
    const dist = path.join(packageRoot(), 'dist');
    for (const file of ['webview.js', 'webview.css']) {
      if (!fs.existsSync(path.join(dist, file))) throw new Error(`dist/${file} is missing: run npm run build first`);
    }
    const server = http.createServer((request, response) => serve(dist, `http://${request.headers.host}`, request.url ?? '/', response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { findBrowser } = await import('../../scripts/findBrowser.mjs');
    const browser = await chromium.launch({ executablePath: findBrowser(), headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: DEFAULT_VIEWPORT, deviceScaleFactor: 1 });
    return new Harness(server, browser, context, origin);
  }

  /** A fresh panel page; a viewport or scale other than the default gets a browser context of its own. */
  async open(theme: Theme, viewport?: { width: number; height: number }, deviceScaleFactor?: number, savedState?: unknown): Promise<Panel> {
    const page = viewport || deviceScaleFactor
      ? await this.browser.newPage({ viewport: viewport ?? DEFAULT_VIEWPORT, deviceScaleFactor: deviceScaleFactor ?? 1 })
      : await this.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.addInitScript(installFakeHost, { vars: theme.vars, bodyClass: theme.bodyClass, savedState: savedState ?? null });
    await page.goto(`${this.origin}/`);
    return new Panel(page, errors);
  }

  /** A panel page with `fixture` loaded and the head `show` painted. */
  async openWith(fixture: Fixture, theme: Theme, show: HeadRef = { layer: 0, head: 0 }): Promise<Panel> {
    const panel = await this.open(theme);
    await panel.waitForMessage((m) => m.type === 'ready', 'ready');
    await panel.load(fixture, show);
    await panel.waitForPaint(show, fixture.summary.resultId);
    return panel;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export class Panel {
  constructor(
    readonly page: Page,
    /** Uncaught exceptions and console errors in the page. */
    readonly errors: string[],
  ) {}

  async messages(): Promise<FromWebview[]> {
    return this.page.evaluate(() => window.__host.posted);
  }

  async clearMessages(): Promise<void> {
    await this.page.evaluate(() => {
      window.__host.posted = [];
    });
  }

  /** Waits for a posted message that fits, and returns it. */
  async waitForMessage(fits: (message: FromWebview) => boolean, what: string, timeoutMs = 5000): Promise<FromWebview> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.messages()).find(fits);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; posted: ${JSON.stringify(await this.messages())}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Waits for the webview to say it painted this head. */
  async waitForPaint(ref: HeadRef, resultId?: number): Promise<void> {
    await this.waitForMessage(
      (m) => m.type === 'painted' && m.ref.layer === ref.layer && m.ref.head === ref.head &&
        (resultId === undefined || m.resultId === resultId),
      `painted ${JSON.stringify(ref)}`,
    );
  }

  /** Delivers a message the way VS Code does: a window 'message' event whose data is the message. */
  async post(message: ToWebview): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
  }

  /** Makes `fixture` the host's current result and sends its summary. */
  async load(fixture: Fixture, show: HeadRef = { layer: 0, head: 0 }): Promise<void> {
    const p = fixture.positions;
    await this.page.evaluate(({ heads, layers, positions, resultId }) => {
      window.__host.heads = heads;
      window.__host.layers = layers;
      window.__host.positions = positions;
      window.__host.resultId = resultId;
    }, {
      heads: Object.fromEntries(Object.entries(fixture.heads).map(([key, head]) => [key, toBase64(head)])),
      layers: layersBase64(fixture),
      positions: p ? { source: p.source, dim: p.dim, firstRow: p.firstRow, data: encode(p.data) } : null,
      resultId: fixture.summary.resultId,
    });
    await this.post({ type: 'summary', summary: fixture.summary, show });
  }

  /** With auto-answer off, requestHead is recorded but not answered: use answer() to reply by hand. */
  async setAutoAnswer(on: boolean): Promise<void> {
    await this.page.evaluate((value) => {
      window.__host.autoAnswer = value;
    }, on);
  }

  /** Sends a head reply with these tensors, whatever the current result is. */
  async answer(requestId: number, resultId: number, ref: HeadRef, head: HeadArrays): Promise<void> {
    await this.page.evaluate(({ requestId, resultId, ref, head }) => {
      const buffer = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
      const tensors = { probs: buffer(head.probs), q: buffer(head.q), k: buffer(head.k), v: buffer(head.v),
        ...(head.scores ? { scores: buffer(head.scores) } : {}) };
      window.postMessage({ type: 'head', requestId, resultId, ref, tensors }, '*');
    }, { requestId, resultId, ref, head: toBase64(head) });
  }

  /** Switches theme as VS Code does: new --vscode-* variables on <html>, then the body class. */
  async setTheme(theme: Theme): Promise<void> {
    await this.page.evaluate(({ vars, bodyClass }) => {
      const style = document.documentElement.style;
      for (let i = style.length - 1; i >= 0; i--) if (style[i].startsWith('--vscode-')) style.removeProperty(style[i]);
      for (const [name, value] of Object.entries(vars)) style.setProperty(name, value);
      document.body.className = bodyClass;
    }, { vars: theme.vars as Record<string, string>, bodyClass: theme.bodyClass });
  }

  /** Where the heatmap grid is in its canvas (CSS pixels), as the heatmap records it in data-*. */
  async grid(): Promise<Grid> {
    return this.page.evaluate(() => {
      const { originX, originY, cell, n } = document.querySelector<HTMLCanvasElement>('.qkv-heatmap__canvas')!.dataset;
      return { x0: Number(originX), y0: Number(originY), cell: Number(cell), n: Number(n) };
    });
  }

  /** The [r, g, b] drawn at the centre of a cell. */
  async cellPixel(row: number, col: number): Promise<number[]> {
    return this.page.evaluate(({ row, col }) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.qkv-heatmap__canvas')!;
      const { originX, originY, cell } = canvas.dataset;
      const dpr = canvas.width / Number.parseFloat(canvas.style.width);
      const x = Math.floor((Number(originX) + (col + 0.5) * Number(cell)) * dpr);
      const y = Math.floor((Number(originY) + (row + 0.5) * Number(cell)) * dpr);
      return Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data.slice(0, 3));
    }, { row, col });
  }

  /** Moves the mouse into a cell, scrolling it to the middle of the viewport first. */
  async hoverCell(row: number, col: number): Promise<void> {
    const point = await this.page.evaluate(({ row, col }) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.qkv-heatmap__canvas')!;
      const { originX, originY, cell } = canvas.dataset;
      // Whole pixels: the browser rounds pointer positions, and a cell may be a single pixel wide.
      const middle = Math.floor(Number(cell) / 2);
      const [x, y] = [Number(originX) + col * Number(cell) + middle, Number(originY) + row * Number(cell) + middle];
      window.scrollBy(0, canvas.getBoundingClientRect().top + y - window.innerHeight / 2);
      const rect = canvas.getBoundingClientRect();
      return { x: rect.left + x, y: rect.top + y };
    }, { row, col });
    await this.page.mouse.move(point.x, point.y);
  }

  async text(selector: string): Promise<string> {
    return (await this.page.locator(selector).first().textContent()) ?? '';
  }

  async fakeHost(): Promise<Pick<FakeHost, 'state' | 'acquired' | 'cspViolations'>> {
    return this.page.evaluate(() => ({ state: window.__host.state, acquired: window.__host.acquired,
      cspViolations: window.__host.cspViolations }));
  }

  /** Asks for a picture of the current view, as the host's Export Image does, and returns its bytes. */
  async renderImage(format: 'png' | 'svg', requestId = 1): Promise<{ title: string; bytes: Buffer }> {
    await this.post({ type: 'renderImage', requestId, format });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const image = await this.page.evaluate((id) => window.__host.images.find((i) => i.requestId === id), requestId);
      if (image) return { title: image.title, bytes: Buffer.from(image.base64, 'base64') };
      const failed = (await this.messages()).find((m) => m.type === 'imageFailed' && m.requestId === requestId);
      if (failed) throw new Error(`imageFailed: ${JSON.stringify(failed)}`);
      if (Date.now() > deadline) throw new Error('no image within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}

/** The panel HTML, byte for byte the shape src/panel writes, with the CSP it sets. */
function panelHtml(origin: string): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const csp = `default-src 'none'; style-src ${origin}; img-src ${origin} data:; font-src ${origin}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${origin}/dist/webview.css"><title>QKV Scope</title></head>
<body><main id="app"></main><script nonce="${nonce}" src="${origin}/dist/webview.js"></script></body></html>`;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

function serve(dist: string, origin: string, url: string, response: http.ServerResponse): void {
  const pathname = new URL(url, origin).pathname;
  if (pathname === '/favicon.ico') {
    response.writeHead(204).end(); // a webview has none; Chromium asks anyway
    return;
  }
  if (pathname === '/') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(panelHtml(origin));
    return;
  }
  const file = path.join(dist, path.basename(pathname));
  if (pathname.startsWith('/dist/') && fs.existsSync(file)) {
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
    return;
  }
  response.writeHead(404).end();
}

/**
 * Runs in the page before its scripts (serialised by addInitScript, so it must use nothing from this module):
 * the fake host, and the theme applied as soon as <html> and <body> exist.
 */
function installFakeHost(theme: { vars: Record<string, string>; bodyClass: string; savedState: unknown }): void {
  const host: FakeHost = {
    posted: [], heads: {}, layers: {}, positions: null, resultId: -1, autoAnswer: true, state: theme.savedState ?? undefined, acquired: 0,
    cspViolations: [], images: [],
  };
  window.__host = host;
  const buffer = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
  const send = (message: unknown) => setTimeout(() => window.postMessage(message, '*'), 0);
  const reply = (message: FromWebview) => {
    if (!host.autoAnswer || !('resultId' in message) || message.resultId !== host.resultId) return;
    const { requestId, resultId } = message as { requestId: number; resultId: number };
    if (message.type === 'requestHead') {
      const head = host.heads[`${message.ref.layer}:${message.ref.head}`];
      if (!head) return;
      const tensors = { probs: buffer(head.probs), q: buffer(head.q), k: buffer(head.k), v: buffer(head.v),
        ...(head.scores ? { scores: buffer(head.scores) } : {}) };
      send({ type: 'head', requestId, resultId, ref: message.ref, tensors });
    } else if (message.type === 'requestLayerHeads') {
      // Every head of the layer in one buffer, as src/panel/layerPayload.ts packs it: probs, then q, k, v.
      for (const layer of message.layers) {
        const heads = Object.keys(host.heads).filter((key) => key.startsWith(`${layer}:`)).map((key) => host.heads[key]);
        const count = Object.keys(host.heads).filter((key) => key.startsWith('0:')).length;
        if (heads.length === 0 || heads.length !== count) continue;
        const order = (kind: 'probs' | 'q' | 'k' | 'v') => Array.from({ length: count },
          (_, h) => new Uint8Array(buffer(host.heads[`${layer}:${h}`][kind])));
        const parts = [...order('probs'), ...order('q'), ...order('k'), ...order('v')];
        const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
        let offset = 0;
        for (const part of parts) {
          out.set(part, offset);
          offset += part.length;
        }
        send({ type: 'layerHeads', requestId, resultId, layer, buffer: out.buffer });
      }
    } else if (message.type === 'requestLayers') {
      for (const layer of message.layers) {
        if (host.layers[layer]) send({ type: 'layer', requestId, resultId, layer, probs: buffer(host.layers[layer]) });
      }
    } else if (message.type === 'requestPositions') {
      const p = host.positions;
      send({ type: 'positions', requestId, resultId,
        positions: p && { source: p.source, dim: p.dim, firstRow: p.firstRow, data: buffer(p.data) } });
    }
  };
  (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => {
    host.acquired++;
    if (host.acquired > 1) throw new Error('An instance of the VS Code API has already been acquired');
    return {
      postMessage: (message: FromWebview) => {
        if (message.type === 'image') {
          const bytes = new Uint8Array(message.data);
          let binary = '';
          for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          host.images.push({ requestId: message.requestId, format: message.format, title: message.title, base64: btoa(binary) });
        }
        host.posted.push(JSON.parse(JSON.stringify(message)) as FromWebview);
        reply(message);
      },
      getState: () => host.state,
      setState: (state: unknown) => {
        host.state = JSON.parse(JSON.stringify(state));
      },
    };
  };
  document.addEventListener('securitypolicyviolation',
    (event) => host.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
  const applyTheme = (): boolean => {
    if (!document.documentElement) return false;
    for (const [name, value] of Object.entries(theme.vars)) document.documentElement.style.setProperty(name, value);
    if (!document.body) return false;
    document.body.className = theme.bodyClass;
    return true;
  };
  if (!applyTheme()) {
    const observer = new MutationObserver(() => {
      if (applyTheme()) observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true });
  }
}
