// Hub models, for real: the engine downloads from a local HTTP server in the Hub's URL layout into a cache
// folder, shows progress, reuses the cache with no request, and never leaves a partial file that looks complete.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AttentionEngine, type DownloadProgress, type RunRequest } from '../../src/attention/attentionEngine';
import { hubModelDir, PARTIAL_INFIX } from '../../src/model/hub/hubCache';
import { QkvError, type QkvErrorCode } from '../../shared/errors';
import { repoFromFolder, startHubServer, type HubServer } from './hubServer';
import { fixtureDir, PIZZA } from './support';

const GPT2 = 'Xenova/gpt2';
/** tiny-gpt2 in Xenova/gpt2's layout: unfused model.onnx, a merged decoder we must not pick, and a quantized graph. */
const gpt2Repo = () => repoFromFolder(fixtureDir('tiny-gpt2'), {
  'onnx/decoder_model_merged.onnx': path.join(fixtureDir('tiny-gpt2'), 'onnx', 'model.onnx'),
  'onnx/model_quantized.onnx': path.join(fixtureDir('tiny-gpt2-quantized'), 'onnx', 'model.onnx'),
});

let server: HubServer;
const engine = new AttentionEngine();
before(async () => {
  server = await startHubServer({
    [GPT2]: gpt2Repo(),
    'test/bert': repoFromFolder(fixtureDir('tiny-bert')),
    // A translator in Xenova/opus-mt-en-fr's layout: onnx/encoder_model.onnx beside onnx/decoder_model.onnx.
    'test/opus-mt-en-fr': repoFromFolder(fixtureDir('tiny-marian-en-fr')),
    // A translator with generation_config.json (decoder start, forced first token) and language codes.
    'test/nllb': repoFromFolder(fixtureDir('tiny-nllb')),
    'test/fused': repoFromFolder(fixtureDir('fused-unsupported')),
    // Only a merged decoder besides decoder_model.onnx: the unmerged one must be chosen.
    'test/decoder-only': {
      'config.json': path.join(fixtureDir('tiny-gpt2'), 'config.json'),
      'tokenizer.json': path.join(fixtureDir('tiny-gpt2'), 'tokenizer.json'),
      'tokenizer_config.json': path.join(fixtureDir('tiny-gpt2'), 'tokenizer_config.json'),
      'onnx/decoder_model.onnx': path.join(fixtureDir('tiny-gpt2'), 'onnx', 'model.onnx'),
      'onnx/decoder_model_merged.onnx': path.join(fixtureDir('tiny-gpt2'), 'onnx', 'model.onnx'),
    },
    'test/merged-only': {
      'config.json': path.join(fixtureDir('tiny-gpt2'), 'config.json'),
      'tokenizer.json': path.join(fixtureDir('tiny-gpt2'), 'tokenizer.json'),
      'tokenizer_config.json': path.join(fixtureDir('tiny-gpt2'), 'tokenizer_config.json'),
      'onnx/decoder_model_merged.onnx': path.join(fixtureDir('tiny-gpt2'), 'onnx', 'model.onnx'),
    },
  });
});
const caches: string[] = [];
after(async () => {
  await engine.dispose();
  await server.close();
  for (const dir of caches) fs.rmSync(dir, { recursive: true, force: true });
});

function freshCache(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-hub-'));
  caches.push(dir);
  return dir;
}

function request(model: string, cacheDir: string, extra: Partial<RunRequest> = {}, hub: RunRequest['hub'] = {}): RunRequest {
  return { text: PIZZA, model, maxTokens: 512, ...extra, hub: { cacheDir, endpoint: server.endpoint, ...hub } };
}

/** Every file under a folder, relative, sorted. */
function filesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => f.split(path.sep).join('/')).sort();
}

async function rejectsWith(promise: Promise<unknown>, code: QkvErrorCode, message: RegExp): Promise<QkvError> {
  let caught: QkvError | undefined;
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof QkvError, `not a QkvError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    caught = error;
    return true;
  });
  return caught!;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs after everything queued in the worker, so its cleanup of an earlier run is finished. */
async function drain(own: AttentionEngine = engine): Promise<void> {
  await own.run({ text: 'x', model: fixtureDir('tiny-gpt2'), maxTokens: 512 });
}

describe('hub models', () => {
  it('downloads a hub model with progress events and shows its attention', async () => {
    const cache = freshCache();
    const events: DownloadProgress[] = [];
    const before = server.requests.length;
    const result = await engine.run(request(GPT2, cache), { onDownload: (p) => events.push(p) });
    assert.equal(result.model.id, GPT2);
    assert.equal(result.model.onnxFile, 'onnx/model.onnx');
    assert.equal(result.model.layers, 2);
    assert.equal(result.tokens.length, 12);
    const files = [...new Set(events.map((e) => e.file))];
    assert.deepEqual(files, ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']);
    const size = fs.statSync(path.join(fixtureDir('tiny-gpt2'), 'onnx', 'model.onnx')).size;
    const graph = events.filter((e) => e.file === 'onnx/model.onnx');
    assert.equal(graph[0].loaded, 0);
    assert.deepEqual(graph.at(-1), { model: GPT2, file: 'onnx/model.onnx', loaded: size, total: size });
    assert.ok(events.every((e) => e.total !== null && e.loaded <= e.total));
    assert.deepEqual(
      server.requests.slice(before).filter((r) => !r.startsWith('/api/')).map((r) => r.replace(`/${GPT2}/resolve/main/`, '')),
      ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']);
    assert.deepEqual(filesIn(hubModelDir(cache, GPT2, 'main')),
      ['config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
  });

  it('serves a second run from the cache with no request, even in a new worker', async () => {
    const cache = freshCache();
    await engine.run(request(GPT2, cache));
    const before = server.requests.length;
    const own = new AttentionEngine();
    try {
      const events: DownloadProgress[] = [];
      const result = await own.run(request(GPT2, cache), { onDownload: (p) => events.push(p) });
      assert.equal(result.model.onnxFile, 'onnx/model.onnx');
      assert.deepEqual(events, []);
      assert.equal(server.requests.length, before);
    } finally {
      await own.dispose();
    }
  });

  it('chooses the quantized graph when asked, even with the full one cached, and says so', async () => {
    const cache = freshCache();
    assert.equal((await engine.run(request(GPT2, cache))).model.onnxFile, 'onnx/model.onnx');
    const result = await engine.run(request(GPT2, cache, { precision: 'quantized' }));
    assert.equal(result.model.onnxFile, 'onnx/model_quantized.onnx');
    assert.equal(result.model.quantizedScores, true);
  });

  it('falls back to the full graph when a repository has no quantized one, and asks only once', async () => {
    const cache = freshCache();
    const first = await engine.run(request('test/bert', cache, { precision: 'quantized' }));
    assert.equal(first.model.onnxFile, 'onnx/model.onnx');
    const before = server.requests.length;
    const second = await engine.run(request('test/bert', cache, { precision: 'quantized' }));
    assert.equal(second.model.onnxFile, 'onnx/model.onnx');
    assert.equal(server.requests.length, before);
  });

  it('prefers decoder_model.onnx over a merged decoder, and refuses a repository with only a merged one', async () => {
    const result = await engine.run(request('test/decoder-only', freshCache()));
    assert.equal(result.model.onnxFile, 'onnx/decoder_model.onnx');
    await rejectsWith(engine.run(request('test/merged-only', freshCache())), 'model-not-found',
      /no ONNX graph .*looked for onnx\/model\.onnx.*decoder_model_merged\.onnx\) are not supported/);
  });

  it('downloads a revision into its own cache folder', async () => {
    const cache = freshCache();
    const before = server.requests.length;
    const result = await engine.run(request(`${GPT2}@v1.0`, cache));
    assert.equal(result.model.id, `${GPT2}@v1.0`);
    assert.ok(server.requests.slice(before).every((r) => r.startsWith(`/${GPT2}/resolve/v1.0/`) ||
      r === `/api/models/${GPT2}/tree/v1.0/onnx`));
    assert.ok(fs.existsSync(path.join(hubModelDir(cache, GPT2, 'v1.0'), 'onnx', 'model.onnx')));
  });

  it('downloads both graphs of an encoder–decoder model and translates', async () => {
    const cacheDir = freshCache();
    const result = await engine.run(request('test/opus-mt-en-fr', cacheDir, { text: 'The milk is cold.' }));
    assert.equal(result.translation?.text, 'Le lait est froid.');
    const dir = hubModelDir(cacheDir, 'test/opus-mt-en-fr', 'main');
    for (const file of ['onnx/encoder_model.onnx', 'onnx/decoder_model.onnx']) assert.ok(fs.existsSync(path.join(dir, file)), file);
  });

  it('downloads a translator\'s generation_config.json beside its graphs, when the repository has one', async () => {
    const cacheDir = freshCache();
    const result = await engine.run(request('test/nllb', cacheDir, { text: 'The milk is cold.', targetLang: 'fra_Latn' }));
    assert.equal(result.translation?.text, 'Le lait est froid.');
    const files = filesIn(hubModelDir(cacheDir, 'test/nllb', 'main'));
    assert.ok(files.includes('generation_config.json'), files.join(', '));
    const before = server.requests.length;
    const offline = request('test/nllb', cacheDir, { text: 'The milk is cold.', targetLang: 'fra_Latn' }, { allowRemote: false });
    const again = await engine.run(offline);
    assert.equal(again.translation?.text, 'Le lait est froid.');
    assert.equal(server.requests.length, before, 'the cached model needs no request');
  });

  it('explains a fused-attention hub model before running it', async () => {
    await rejectsWith(engine.run(request('test/fused', freshCache())), 'no-attention', /"test\/fused".*fused com\.microsoft\.Attention node .* uses do_rotary=1/);
  });

  it('cancels a download and leaves no complete-looking file', async () => {
    const cache = freshCache();
    server.behave(GPT2, 'onnx/model.onnx', 'slow');
    try {
      const controller = new AbortController();
      const run = engine.run(request(GPT2, cache), {
        signal: controller.signal,
        onDownload: (p) => p.file === 'onnx/model.onnx' && p.loaded > 0 && controller.abort(),
      });
      await rejectsWith(run, 'cancelled', /cancelled/);
      await drain();
      const dir = hubModelDir(cache, GPT2, 'main');
      assert.ok(!filesIn(dir).includes('onnx/model.onnx'), 'a cancelled download left a complete-looking file');
      // The download itself stops once no run has wanted it for a moment; then its partial file is gone too.
      await eventually(() => filesIn(dir).every((f) => !f.includes(PARTIAL_INFIX)), 'the partial file was not removed');
      assert.deepEqual(filesIn(dir), ['config.json', 'tokenizer.json', 'tokenizer_config.json']);
    } finally {
      server.behave(GPT2, 'onnx/model.onnx', 'normal');
    }
  });

  it('a run that replaces a cancelled one for the same model continues its download instead of starting over', async () => {
    const cache = freshCache();
    server.behave(GPT2, 'onnx/model.onnx', 'slow');
    try {
      const before = server.requests.length;
      const controller = new AbortController();
      const first = engine.run(request(GPT2, cache), {
        signal: controller.signal,
        onDownload: (p) => p.file === 'onnx/model.onnx' && p.loaded > 0 && controller.abort(),
      });
      await rejectsWith(first, 'cancelled', /cancelled/);
      const events: DownloadProgress[] = [];
      const second = await engine.run(request(GPT2, cache), { onDownload: (p) => events.push(p) });
      assert.equal(second.model.onnxFile, 'onnx/model.onnx');
      const graphRequests = server.requests.slice(before).filter((r) => r.endsWith('/onnx/model.onnx'));
      assert.equal(graphRequests.length, 1, 'the graph was requested again');
      assert.ok(events[0].file === 'onnx/model.onnx' && events[0].loaded > 0, 'the second run starts from the bytes already fetched');
    } finally {
      server.behave(GPT2, 'onnx/model.onnx', 'normal');
    }
  });

  it('removes a partial file a crashed download left a day ago, and keeps a fresh one', async () => {
    const cache = freshCache();
    const onnx = path.join(hubModelDir(cache, GPT2, 'main'), 'onnx');
    fs.mkdirSync(onnx, { recursive: true });
    const stale = path.join(onnx, `model.onnx${PARTIAL_INFIX}1-dead`);
    const fresh = path.join(onnx, `model.onnx${PARTIAL_INFIX}2-busy`);
    fs.writeFileSync(stale, 'half');
    fs.writeFileSync(fresh, 'half');
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    fs.utimesSync(stale, dayAgo, dayAgo);
    await engine.run(request(GPT2, cache));
    assert.deepEqual(fs.readdirSync(onnx).sort(), ['model.onnx', path.basename(fresh)]);
  });

  it('says plainly when a model is not on the hub, and caches nothing', async () => {
    const cache = freshCache();
    await rejectsWith(engine.run(request('nobody/no-such-model', cache)), 'model-not-found',
      /"nobody\/no-such-model" was not found on http:\/\/127\.0\.0\.1:\d+ \(config\.json answered HTTP 404\)/);
    assert.deepEqual(filesIn(cache), []);
  });

  const failures: [string, 'truncate' | 'hang-up' | 'stall', RegExp][] = [
    ['a truncated body (Content-Length larger than the body)', 'truncate', /download of onnx\/model\.onnx (was cut short|stopped after) .*of 347122 bytes/],
    ['a server that stops mid-file', 'hang-up', /download of onnx\/model\.onnx stopped after \d+ of 347122 bytes/],
    ['a server that stalls mid-file', 'stall', /download of onnx\/model\.onnx stalled/],
  ];
  for (const [what, behaviour, message] of failures) {
    it(`reports ${what} clearly and leaves a clean cache`, async () => {
      const cache = freshCache();
      server.behave(GPT2, 'onnx/model.onnx', behaviour);
      try {
        await rejectsWith(engine.run(request(GPT2, cache, {}, { limits: { idleTimeoutMs: 500 } })), 'download-failed', message);
        await drain();
        const files = filesIn(hubModelDir(cache, GPT2, 'main'));
        assert.deepEqual(files, ['config.json', 'tokenizer.json', 'tokenizer_config.json'], 'only complete files remain');
      } finally {
        server.behave(GPT2, 'onnx/model.onnx', 'normal');
      }
      // The next try downloads the file again and works.
      const result = await engine.run(request(GPT2, cache));
      assert.equal(result.model.onnxFile, 'onnx/model.onnx');
    });
  }

  it('says what to check when the hub refuses a file (HTTP 401)', async () => {
    server.behave(GPT2, 'config.json', 'unauthorized');
    try {
      await rejectsWith(engine.run(request(GPT2, freshCache())), 'download-failed',
        /The hub refused config\.json \(HTTP 401\) at http:.*: check the model id; a gated or private model needs HF_TOKEN\./);
    } finally {
      server.behave(GPT2, 'config.json', 'normal');
    }
  });

  it('with allowRemote false, names the missing file and the fix, and makes no request', async () => {
    const cache = freshCache();
    const before = server.requests.length;
    await rejectsWith(engine.run(request(GPT2, cache, {}, { allowRemote: false })), 'model-not-found',
      /"Xenova\/gpt2" is not fully downloaded \(.*config\.json is missing\) and downloads are off .*use "embedded" or a local model folder/);
    assert.equal(server.requests.length, before);
  });

  it('with allowRemote false, runs a cached model with no request', async () => {
    const cache = freshCache();
    await engine.run(request(GPT2, cache));
    const before = server.requests.length;
    const result = await engine.run(request(GPT2, cache, {}, { allowRemote: false }));
    assert.equal(result.model.onnxFile, 'onnx/model.onnx');
    assert.equal(server.requests.length, before);
    // A graph of the other precision that was never downloaded is named in the error.
    fs.rmSync(path.join(hubModelDir(cache, GPT2, 'main'), 'onnx', 'model.onnx'));
    await rejectsWith(engine.run(request(GPT2, cache, {}, { allowRemote: false })), 'model-not-found', /onnx\/model\.onnx is missing/);
  });

  it('says when the hub cannot be reached', async () => {
    const closed = await startHubServer({});
    await closed.close(); // nothing listens on its port any more
    await rejectsWith(engine.run({ text: PIZZA, model: GPT2, maxTokens: 512, hub: { cacheDir: freshCache(), endpoint: closed.endpoint } }),
      'download-failed', /Could not download config\.json from http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. Check the network/);
  });

  it('refuses an endpoint that is not an http URL', async () => {
    await rejectsWith(engine.run({ text: PIZZA, model: GPT2, maxTokens: 512, hub: { cacheDir: freshCache(), endpoint: 'ftp://mirror' } }),
      'bad-argument', /must be an http:\/\/ or https:\/\/ URL/);
  });
});
