// The qkv-scope command with hub models: HF_ENDPOINT or --hub-endpoint points it at a local server in the Hub's
// URL layout; downloads show as plain progress lines when standard error is not a terminal; --offline uses
// only the cache; the summary names the ONNX file that ran.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DownloadReporter } from '../../src/cli/downloadProgress';
import { packageRoot } from '../../src/model/packageRoot';
import { repoFromFolder, startHubServer, type HubServer } from './hubServer';
import { fixtureDir, PIZZA } from './support';

const BIN = path.join(packageRoot(), 'bin', 'qkv-scope.js');

/** Asynchronous, so the server in this process keeps answering while the command runs. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, HF_ENDPOINT: '', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

let server: HubServer;
let cache: string;
before(async () => {
  server = await startHubServer({ 'Xenova/gpt2': repoFromFolder(fixtureDir('tiny-gpt2')) });
  cache = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-cli-hub-'));
});
after(async () => {
  await server.close();
  fs.rmSync(cache, { recursive: true, force: true });
});

describe('qkv-scope CLI with hub models', () => {
  it('downloads through HF_ENDPOINT with plain progress lines, then runs from the cache with --offline', async () => {
    const first = await cli(['--text', PIZZA, '--model', 'Xenova/gpt2', '--cache-dir', cache], { HF_ENDPOINT: server.endpoint });
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /Model: Xenova\/gpt2 \(gpt2, causal\): 2 layers × 4 heads × 8 dims\nONNX file: onnx\/model\.onnx\n/);
    assert.match(first.err, /^Downloading config\.json: 0 B of 341 B \(0%\)\n/);
    assert.match(first.err, /\nDownloading onnx\/model\.onnx: 347 kB of 347 kB \(100%\)\n$/);
    assert.doesNotMatch(first.err, /\r/, 'no terminal control characters in a pipe');

    const requests = server.requests.length;
    const second = await cli(['--text', PIZZA, '--model', 'Xenova/gpt2', '--cache-dir', cache, '--offline']);
    assert.equal(second.code, 0, second.err);
    assert.equal(second.err, '');
    assert.equal(server.requests.length, requests);
  });

  it('takes --hub-endpoint, and --precision quantized names what it ran', async () => {
    const run = await cli(['--text', PIZZA, '--model', 'Xenova/gpt2', '--cache-dir', cache, '--precision', 'quantized',
      '--hub-endpoint', server.endpoint]);
    // This repository has no quantized graph: the full one is used, and the summary says which.
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /ONNX file: onnx\/model\.onnx/);
  });

  it('with --offline and an empty cache, names the missing file and the fix', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-cli-empty-'));
    const run = await cli(['--text', PIZZA, '--model', 'Xenova/distilgpt2', '--cache-dir', empty, '--offline']);
    assert.equal(run.code, 1);
    assert.match(run.err, /^qkv-scope: Model "Xenova\/distilgpt2" is not fully downloaded \(.*config\.json is missing\).*"embedded" or a local model folder\.\n$/);
    fs.rmSync(empty, { recursive: true });
  });

  it('refuses a bad --precision with the usage', async () => {
    const run = await cli(['--text', 'a', '--precision', 'half']);
    assert.equal(run.code, 2);
    assert.match(run.err, /--precision takes full, quantized, .* not "half"/);
  });
});

describe('download progress display', () => {
  const events = [
    { model: 'm', file: 'a.onnx', loaded: 0, total: 1000 },
    { model: 'm', file: 'a.onnx', loaded: 50, total: 1000 },
    { model: 'm', file: 'a.onnx', loaded: 500, total: 1000 },
    { model: 'm', file: 'a.onnx', loaded: 1000, total: 1000 },
    { model: 'm', file: 'b.json', loaded: 0, total: null },
  ];

  it('draws one bar per file on a terminal', () => {
    let text = '';
    const reporter = new DownloadReporter({ isTTY: true, write: (t: string) => (text += t) });
    for (const e of events) reporter.report(e);
    reporter.finish();
    const lines = text.split('\n');
    assert.equal(lines.length, 3);
    // eslint-disable-next-line no-control-regex -- the terminal's erase-line escape is what this checks
    assert.match(lines[0], /\r\x1b\[2KDownloading \[#{24}\] a\.onnx: 1\.0 kB of 1\.0 kB \(100%\)$/);
    assert.match(lines[1], /Downloading b\.json: 0 B$/);
  });

  it('writes plain lines at each 10% otherwise', () => {
    let text = '';
    const reporter = new DownloadReporter({ isTTY: false, write: (t: string) => (text += t) });
    for (const e of events) reporter.report(e);
    reporter.finish();
    assert.equal(text, [
      'Downloading a.onnx: 0 B of 1.0 kB (0%)',
      'Downloading a.onnx: 500 B of 1.0 kB (50%)',
      'Downloading a.onnx: 1.0 kB of 1.0 kB (100%)',
      'Downloading b.json: 0 B',
      '',
    ].join('\n'));
  });
});
