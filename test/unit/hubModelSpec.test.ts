// What a model setting names (embedded, a folder, a hub id with a revision), which ONNX file is chosen,
// and what the cache holds: pure functions, no network.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { defaultModelCacheDir } from '../../src/model/hub/cacheDir';
import { graphCandidates } from '../../src/model/graphFile';
import { deleteCachedModel, hubModelDir, isHubModelCached, listCachedModels } from '../../src/model/hub/hubCache';
import { fileUrl, hubEndpoint } from '../../src/model/hub/hubModel';
import { parseModelSpec } from '../../src/model/modelSpec';
import { resolveModelFolder } from '../../src/model/modelSource';
import { fixtureDir } from './support';

describe('model specs', () => {
  const base = fixtureDir('');
  it('tells embedded, folders and hub ids apart', () => {
    assert.deepEqual(parseModelSpec('', base), { kind: 'embedded' });
    assert.deepEqual(parseModelSpec(' embedded ', base), { kind: 'embedded' });
    assert.deepEqual(parseModelSpec('Xenova/gpt2', base), { kind: 'hub', repo: 'Xenova/gpt2', revision: 'main' });
    assert.deepEqual(parseModelSpec('onnx-community/SmolLM2-135M-ONNX@refs/pr/1', base),
      { kind: 'hub', repo: 'onnx-community/SmolLM2-135M-ONNX', revision: 'refs/pr/1' });
    assert.deepEqual(parseModelSpec('tiny-gpt2', base), { kind: 'folder', dir: fixtureDir('tiny-gpt2') });
    assert.deepEqual(parseModelSpec('/abs/model', base), { kind: 'folder', dir: '/abs/model' });
    assert.deepEqual(parseModelSpec('./owner/name', base), { kind: 'folder', dir: path.join(base, 'owner', 'name') });
    assert.deepEqual(parseModelSpec('~/models/x', base), { kind: 'folder', dir: path.join(os.homedir(), 'models', 'x') });
  });

  it('treats an existing folder named like a hub id as the folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-spec-'));
    fs.mkdirSync(path.join(dir, 'Xenova', 'gpt2'), { recursive: true });
    assert.deepEqual(parseModelSpec('Xenova/gpt2', dir), { kind: 'folder', dir: path.join(dir, 'Xenova', 'gpt2') });
    fs.rmSync(dir, { recursive: true });
  });

  it('never sends a bare word or a malformed id to the network', () => {
    for (const value of ['gpt2', 'a/b/c', 'a/../b', 'a--b/c', 'owner/na me']) {
      assert.equal(parseModelSpec(value, base).kind, 'folder', value);
    }
  });
});

describe('ONNX file choice', () => {
  it('prefers unfused full-precision graphs, never a merged decoder', () => {
    const full = graphCandidates('full');
    assert.deepEqual(full.slice(0, 2), ['onnx/model.onnx', 'onnx/decoder_model.onnx']);
    assert.ok(full.every((f) => !f.includes('merged')));
    assert.deepEqual(graphCandidates('quantized').slice(0, 2), ['onnx/model_quantized.onnx', 'onnx/decoder_model_quantized.onnx']);
  });

  it('picks the quantized graph of a local folder when asked, and falls back to what is there', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-graph-'));
    for (const f of ['config.json', 'tokenizer.json']) fs.copyFileSync(path.join(fixtureDir('tiny-gpt2'), f), path.join(dir, f));
    fs.mkdirSync(path.join(dir, 'onnx'));
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), '');
    assert.equal(resolveModelFolder(dir, '/', 'quantized').graphFile, 'onnx/model.onnx');
    fs.writeFileSync(path.join(dir, 'onnx', 'model_quantized.onnx'), '');
    assert.equal(resolveModelFolder(dir, '/', 'quantized').graphFile, 'onnx/model_quantized.onnx');
    assert.equal(resolveModelFolder(dir, '/', 'full').graphFile, 'onnx/model.onnx');
    fs.rmSync(dir, { recursive: true });
  });
});

describe('hub endpoint and cache', () => {
  it('uses the setting, then HF_ENDPOINT, then the Hugging Face Hub', () => {
    const saved = process.env.HF_ENDPOINT;
    try {
      delete process.env.HF_ENDPOINT;
      assert.equal(hubEndpoint(), 'https://huggingface.co');
      process.env.HF_ENDPOINT = 'https://hf-mirror.com/';
      assert.equal(hubEndpoint(), 'https://hf-mirror.com');
      assert.equal(hubEndpoint(' http://127.0.0.1:8080 '), 'http://127.0.0.1:8080');
    } finally {
      if (saved === undefined) delete process.env.HF_ENDPOINT;
      else process.env.HF_ENDPOINT = saved;
    }
  });

  it("builds URLs in transformers.js's hub layout", () => {
    assert.equal(fileUrl('https://huggingface.co', { repo: 'Xenova/gpt2', revision: 'main' }, 'onnx/model.onnx'),
      'https://huggingface.co/Xenova/gpt2/resolve/main/onnx/model.onnx');
    assert.equal(fileUrl('http://m', { repo: 'a/b', revision: 'refs/pr/1' }, 'config.json'), 'http://m/a/b/resolve/refs%2Fpr%2F1/config.json');
  });

  it('puts the CLI cache in the user cache folder', () => {
    assert.equal(defaultModelCacheDir({ XDG_CACHE_HOME: '/xdg' }), '/xdg/qkv-scope/models');
    assert.equal(defaultModelCacheDir({}), path.join(os.homedir(), '.cache', 'qkv-scope', 'models'));
  });

  it('lists, checks and deletes cached models; partial files never count', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-cache-'));
    const dir = hubModelDir(cache, 'Xenova/gpt2', 'main');
    fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) fs.writeFileSync(path.join(dir, f), '{}');
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx.part-1-abcd'), 'half');
    assert.equal(isHubModelCached(cache, 'Xenova/gpt2', 'main', 'full'), false);
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), 'whole');
    assert.equal(isHubModelCached(cache, 'Xenova/gpt2', 'main', 'full'), true);
    fs.mkdirSync(hubModelDir(cache, 'Xenova/gpt2', 'v2'), { recursive: true });
    fs.writeFileSync(path.join(hubModelDir(cache, 'Xenova/gpt2', 'v2'), 'config.json'), '{}');
    const listed = listCachedModels(cache);
    assert.deepEqual(listed.map((m) => m.name), ['Xenova/gpt2', 'Xenova/gpt2@v2']);
    assert.equal(listed[0].bytes, 3 * 2 + 4 + 5);
    await deleteCachedModel(cache, listed[0]);
    assert.deepEqual(listCachedModels(cache).map((m) => m.name), ['Xenova/gpt2@v2']);
    await deleteCachedModel(cache, listCachedModels(cache)[0]);
    assert.deepEqual(fs.readdirSync(cache), [], 'empty owner and name folders are removed too');
    fs.rmSync(cache, { recursive: true });
  });
});
