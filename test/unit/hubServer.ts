// Test helper: a real HTTP server on 127.0.0.1 that serves model folders in the Hugging Face Hub's URL layout,
// /{owner}/{name}/resolve/{revision}/{file}, and can misbehave on chosen files the way real networks do.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

/**
 * normal: the whole file. truncate: Content-Length of the whole file, half the body, then a normal close.
 * hang-up: half the body, then the connection is destroyed. stall: half the body, then silence.
 * slow: the whole file in 2 KiB pieces, 20 ms apart (time to cancel; ~3.5 s for tiny-gpt2's graph). unauthorized: HTTP 401, as the Hub
 * answers for gated and private models (and for ids that do not exist).
 */
export type Behaviour = 'normal' | 'truncate' | 'hang-up' | 'stall' | 'slow' | 'unauthorized' | Misbehaviour;

/**
 * What a broken or hostile hub does. endless: 200 with no Content-Length and a body that never ends.
 * trickle: 200, one byte a second. html: 200 with a web page (a captive portal). html-as-binary: the same page
 * labelled application/octet-stream. redirect-loop: a 302 to itself, forever.
 */
export type Misbehaviour = 'endless' | 'trickle' | 'html' | 'html-as-binary' | 'redirect-loop';

export interface HubServer {
  /** e.g. http://127.0.0.1:41234, to use as the hub endpoint. */
  readonly endpoint: string;
  /** Every request path, in order. */
  readonly requests: string[];
  /** Makes `file` of `repo` misbehave from now on ("normal" restores it). */
  behave(repo: string, file: string, behaviour: Behaviour): void;
  /** Makes the tree listing (/api/models/{repo}/tree/{revision}/onnx) state this size for a file; null: its real size. */
  listSize(repo: string, file: string, bytes: number | null): void;
  close(): Promise<void>;
}

/** repo id → (path inside the repository → file on disk). */
export type HubRepos = Record<string, Record<string, string>>;

/** A fixture folder as a repository: every file under it, by its relative path. */
export function repoFromFolder(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else files[rel] = path.join(dir, rel);
    }
  };
  walk('');
  return { ...files, ...extra };
}

export async function startHubServer(repos: HubRepos): Promise<HubServer> {
  const requests: string[] = [];
  const behaviours = new Map<string, Behaviour>();
  const stalled = new Set<http.ServerResponse>();
  const listedSizes = new Map<string, number>();

  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(url);
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/[^/]+\/onnx$/.exec(url);
    if (tree && repos[tree[1]]) {
      const files = Object.entries(repos[tree[1]]).filter(([file]) => file.startsWith('onnx/'));
      const listing = files.map(([file, source]) => ({ type: 'file', path: file,
        size: listedSizes.get(`${tree[1]}/${file}`) ?? fs.statSync(source).size }));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(listing));
      return;
    }
    const match = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url);
    const repo = match ? repos[match[1]] : undefined;
    const source = repo && match ? repo[match[3]] : undefined;
    if (!match || !source) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Entry not found');
      return;
    }
    const body = fs.readFileSync(source);
    const half = body.subarray(0, Math.floor(body.length / 2));
    const behaviour = behaviours.get(`${match[1]}/${match[3]}`) ?? 'normal';
    const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) };
    switch (behaviour) {
      case 'normal':
        res.writeHead(200, headers).end(body);
        return;
      case 'truncate':
        res.writeHead(200, { ...headers, Connection: 'close' });
        res.write(half, () => res.socket?.end());
        return;
      case 'hang-up':
        res.writeHead(200, headers);
        res.write(half, () => res.destroy());
        return;
      case 'stall':
        res.writeHead(200, headers);
        res.write(half);
        stalled.add(res);
        return;
      case 'slow':
        res.writeHead(200, headers);
        void sendSlowly(res, body);
        return;
      case 'endless':
      case 'trickle':
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        void sendForever(res, behaviour === 'endless' ? 1 << 20 : 1, behaviour === 'endless' ? 0 : 1000);
        stalled.add(res);
        return;
      case 'html':
      case 'html-as-binary': {
        const page = '<!DOCTYPE html><html><body>Please log in to the network.</body></html>';
        res.writeHead(200, { 'Content-Type': behaviour === 'html' ? 'text/html; charset=utf-8' : 'application/octet-stream' }).end(page);
        return;
      }
      case 'redirect-loop':
        res.writeHead(302, { Location: req.url }).end();
        return;
      case 'unauthorized':
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"Invalid credentials in Authorization header"}');
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    behave: (repo, file, behaviour) => behaviours.set(`${repo}/${file}`, behaviour),
    listSize: (repo, file, bytes) => (bytes === null ? listedSizes.delete(`${repo}/${file}`) : listedSizes.set(`${repo}/${file}`, bytes)),
    close: async () => {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function sendSlowly(res: http.ServerResponse, body: Buffer): Promise<void> {
  for (let at = 0; at < body.length && !res.destroyed; at += 2048) {
    res.write(body.subarray(at, at + 2048));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  res.end();
}

/** Writes `size`-byte chunks every `everyMs` until the client goes away. */
async function sendForever(res: http.ServerResponse, size: number, everyMs: number): Promise<void> {
  const chunk = Buffer.alloc(size, 0x61);
  while (!res.destroyed && !res.writableEnded) {
    if (!res.write(chunk)) await drainedOrClosed(res);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

function drainedOrClosed(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}
