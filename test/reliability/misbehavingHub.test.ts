// A hub that misbehaves (a real node:http server on 127.0.0.1): an endless body, one byte a second, a web page
// with status 200, a redirect loop, a body cut short. Each is stopped with one clear sentence, within the limits,
// and leaves nothing in the cache, so the next run against a healthy hub downloads the model and runs it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AttentionEngine, type HubSettings } from '../../src/attention/attentionEngine';
import { deadlineMs, limitsFor } from '../../src/model/hub/downloadLimits';
import { hubModelDir } from '../../src/model/hub/hubCache';
import { QkvError } from '../../shared/errors';
import { repoFromFolder, startHubServer, type Behaviour, type HubServer } from '../unit/hubServer';
import { fixtureDir, PIZZA } from '../unit/support';

const REPO = 'test/gpt2';
/** Small limits so that each case ends in seconds: 20 MB per file, 2 s below 1 kB/s, 5 s of silence. */
const LIMITS: HubSettings['limits'] = { maxBytes: 20e6, lowSpeedWindowMs: 2_000, idleTimeoutMs: 5_000 };

let server: HubServer;
const engine = new AttentionEngine();
const caches: string[] = [];
before(async () => {
  server = await startHubServer({ [REPO]: repoFromFolder(fixtureDir('tiny-gpt2')) });
});
after(async () => {
  await engine.dispose();
  await server.close();
  for (const dir of caches) fs.rmSync(dir, { recursive: true, force: true });
});

function run(cacheDir: string) {
  return engine.run({ text: PIZZA, model: REPO, maxTokens: 64, hub: { cacheDir, endpoint: server.endpoint, limits: LIMITS } });
}

/** Every file under the model's cache folder, partial downloads included. */
function cachedFiles(cacheDir: string): string[] {
  const dir = hubModelDir(cacheDir, REPO, 'main');
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

const CASES: [Behaviour, string, RegExp][] = [
  ['endless', 'config.json', /config\.json was stopped: it is larger than 20 MB/],
  // The listing states the graph's real size, so an endless graph is stopped there, long before the 20 MB ceiling.
  ['endless', 'onnx/model.onnx', /model\.onnx was stopped: it is larger than 347 kB/],
  ['trickle', 'onnx/model.onnx', /model\.onnx was stopped: it was too slow/],
  ['html', 'config.json', /answered with a web page \(text\/html\), not the file/],
  ['html-as-binary', 'tokenizer.json', /not tokenizer\.json/],
  ['html-as-binary', 'onnx/model.onnx', /not an ONNX model for onnx\/model\.onnx/],
  ['redirect-loop', 'config.json', /Could not download config\.json .*redirect/],
  ['truncate', 'onnx/model.onnx', /stopped after \d+ of 347122 bytes|cut short/],
  ['hang-up', 'tokenizer.json', /stopped after|cut short/],
];

describe('a misbehaving hub', () => {
  for (const [behaviour, file, message] of CASES) {
    it(`${behaviour} on ${file}: one clear sentence, nothing cached, then a healthy hub works`, async () => {
      const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-badhub-'));
      caches.push(cacheDir);
      server.behave(REPO, file, behaviour);
      const started = Date.now();
      try {
        await assert.rejects(run(cacheDir), (error: unknown) => {
          assert.ok(error instanceof QkvError, String(error));
          assert.equal(error.code, 'download-failed', error.message);
          assert.match(error.message, message);
          assert.doesNotMatch(error.message, /\n/);
          return true;
        });
      } finally {
        server.behave(REPO, file, 'normal');
      }
      assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
      assert.ok(!cachedFiles(cacheDir).includes(file.split('/').join(path.sep)), `${file} was saved`);
      assert.deepEqual(cachedFiles(cacheDir).filter((f) => f.includes('.part-')), [], 'a partial file was left');
      const result = await run(cacheDir);
      assert.equal(result.tokens.length, 12);
    });
  }

  it('a graph larger than the hub listing states is stopped at that size', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-badhub-'));
    caches.push(cacheDir);
    server.listSize(REPO, 'onnx/model.onnx', 100_000);
    try {
      await assert.rejects(run(cacheDir), /model\.onnx was stopped: it is larger than 100 kB, the most this file may be \(the size the hub listing/);
    } finally {
      server.listSize(REPO, 'onnx/model.onnx', null);
    }
    assert.deepEqual(cachedFiles(cacheDir).filter((f) => f.endsWith('.onnx') || f.includes('.part-')), []);
  });

  describe('the overall deadline grows with the listed size', () => {
    // "slow" sends the graph steadily, 2 KiB every 20 ms (~100 kB/s, at least 3.5 s for its 347 kB): never silent,
    // never under the low-speed cutoff, so only the deadline can stop it.
    const GRAPH = 'onnx/model.onnx';
    const runWith = (cacheDir: string, deadline: { deadlineBaseMs: number; deadlineBytesPerSecond: number }) => engine.run({
      text: PIZZA, model: REPO, maxTokens: 64, hub: { cacheDir, endpoint: server.endpoint, limits: { ...LIMITS, ...deadline } },
    });

    it('is what deadlineMs says: the base, plus the size at the slowest allowed speed', () => {
      const limits = { deadlineBaseMs: 500, deadlineBytesPerSecond: 1e6 };
      assert.equal(deadlineMs(347_122, limits), 500 + 348);
      assert.equal(deadlineMs(2 * 347_122, limits), 500 + 695);
      assert.equal(deadlineMs(500e6, limitsFor('onnx/model.onnx', null)), 120_000 + 10_000_000, '500 MB at 50 kB/s, by default');
    });

    it('a slow but steady server is stopped at the deadline its size allows, and nothing is kept', async () => {
      const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-badhub-'));
      caches.push(cacheDir);
      server.behave(REPO, GRAPH, 'slow');
      const started = Date.now();
      try {
        // 0.5 s + 347 kB at 1 MB/s: 0.85 s, well before the 3.5 s the body takes.
        await assert.rejects(runWith(cacheDir, { deadlineBaseMs: 500, deadlineBytesPerSecond: 1e6 }),
          /model\.onnx was stopped: it took too long for its size after \d+ of 347122 bytes/);
      } finally {
        server.behave(REPO, GRAPH, 'normal');
      }
      assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
      assert.deepEqual(cachedFiles(cacheDir).filter((f) => f.endsWith('.onnx') || f.includes('.part-')), []);
    });

    it('the same server within a deadline that allows its speed downloads the graph whole', async () => {
      const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-badhub-'));
      caches.push(cacheDir);
      server.behave(REPO, GRAPH, 'slow');
      try {
        // 0.5 s + 347 kB at 20 kB/s: 17.9 s, five times what the body needs.
        const result = await runWith(cacheDir, { deadlineBaseMs: 500, deadlineBytesPerSecond: 20_000 });
        assert.equal(result.tokens.length, 12);
      } finally {
        server.behave(REPO, GRAPH, 'normal');
      }
      assert.ok(cachedFiles(cacheDir).includes(path.join('onnx', 'model.onnx')));
    });
  });

  it('a damaged model already in the cache names the Delete Cached Model command', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-badhub-'));
    caches.push(cacheDir);
    await run(cacheDir);
    const graph = path.join(hubModelDir(cacheDir, REPO, 'main'), 'onnx', 'model.onnx');
    fs.writeFileSync(graph, '<!DOCTYPE html><html>Please log in</html>');
    const fresh = new AttentionEngine(); // this engine's worker has the good model loaded already
    try {
      const offline = fresh.run({ text: PIZZA, model: REPO, maxTokens: 64, hub: { cacheDir, allowRemote: false } });
      await assert.rejects(offline, /looks damaged: remove it with the "QKV Scope: Delete Cached Model" command/);
    } finally {
      await fresh.dispose();
    }
  });
});
