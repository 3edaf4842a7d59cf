'use strict';
// Runs every fixture (and models/ if present) in onnxruntime-node with optimum-style inputs, checks the
// output shapes, and checks that the reference attention surgery finds one Softmax per layer with
// probabilities that sum to 1 (and are exactly 0 above the diagonal for causal models).
// Usage: node tools/check_models.js [modelDir ...]
const fs = require('fs');
const path = require('path');
const ort = require('../node_modules/onnxruntime-node');

const REPO = path.join(__dirname, '..');
const FIX = path.join(REPO, 'test', 'fixtures', 'models');
// The reference surgery lives outside the repo; let it resolve onnx-proto from our node_modules.
process.env.NODE_PATH = path.join(REPO, 'node_modules');
require('module').Module._initPaths();
let surgery = null;
// shared/ sits beside the repository (../shared), as it is given to the developers.
try { surgery = require(path.join(REPO, '..', 'shared', 'reference', 'attn-surgery.js')); } catch (e) { console.warn('no attention surgery:', e.message); }

// "The pizza came out of the oven and it tasted good." in GPT-2 ids
const GPT2_IDS = [464, 14256, 1625, 503, 286, 262, 14361, 290, 340, 29187, 922, 13];

function feeds(session, cfg, ids) {
  const t64 = (arr) => new ort.Tensor('int64', BigInt64Array.from(arr.map(BigInt)), [1, arr.length]);
  const f = {};
  for (const name of session.inputNames) {
    if (name === 'input_ids') f[name] = t64(ids);
    else if (name === 'attention_mask') f[name] = t64(ids.map(() => 1));
    else if (name === 'token_type_ids') f[name] = t64(ids.map(() => 0));
    else if (name === 'position_ids') f[name] = t64(ids.map((_, i) => i));
    else if (name.startsWith('past_key_values.')) {
      const H = cfg.n_head, D = cfg.n_embd / cfg.n_head;
      f[name] = new ort.Tensor('float32', new Float32Array(0), [1, H, 0, D]);
    } else throw new Error(`unexpected input ${name}`);
  }
  return f;
}

async function check(dir, { causal, expectAttention = true, run = true } = {}) {
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  const bytes = fs.readFileSync(path.join(dir, 'onnx', 'model.onnx'));
  const name = path.basename(dir);
  let found = [];
  let patched = bytes;
  if (surgery) {
    const r = surgery.exposeAttentionAppend(bytes);
    found = r.found;
    patched = r.bytes;
    if (expectAttention && found.length === 0) throw new Error(`${name}: no attention found`);
    if (!expectAttention && found.length) throw new Error(`${name}: attention found but none expected`);
  }
  if (!run) { console.log(`${name}: decoded, ${found.length} attention sites (not run)`); return null; }
  const session = await ort.InferenceSession.create(patched);
  const ids = cfg.model_type === 'bert' ? [2, 10, 20, 30, 40, 3] : GPT2_IDS;
  const out = await session.run(feeds(session, cfg, ids));
  const main = out.logits || out.last_hidden_state;
  const summary = [`${name}: in=[${session.inputNames.join(', ')}]`, `out=[${session.outputNames.filter((n) => !n.startsWith('attn.')).join(', ')}]`,
    `${out.logits ? 'logits' : 'last_hidden_state'} ${JSON.stringify(main.dims)}`];
  for (const [i, a] of found.entries()) {
    const p = out[`attn.${i}.probs`];
    const [, H, S, K] = p.dims;
    let maxRowErr = 0, maxUpper = 0;
    for (let h = 0; h < H; h++) for (let q = 0; q < S; q++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const v = p.data[((h * S) + q) * K + k];
        sum += v;
        if (k > q) maxUpper = Math.max(maxUpper, v);
      }
      maxRowErr = Math.max(maxRowErr, Math.abs(sum - 1));
    }
    if (maxRowErr > 1e-4) throw new Error(`${name}: probs rows do not sum to 1 (${maxRowErr})`);
    if (causal && maxUpper !== 0) throw new Error(`${name}: causal model attends to the future (${maxUpper})`);
    if (i === 0) summary.push(`attention: ${found.length} x ${JSON.stringify(p.dims)} q ${JSON.stringify(out[`attn.${i}.q`].dims)} k ${JSON.stringify(out[`attn.${i}.k`].dims)} v ${JSON.stringify(out[`attn.${i}.v`].dims)} quantizedScores=${a.quantizedScores} qScaled=${a.qScaled}`);
  }
  console.log(summary.join('  '));
  return main;
}

(async () => {
  const dirs = process.argv.slice(2);
  if (dirs.length) {
    for (const d of dirs) {
      const cfg = JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8'));
      await check(path.resolve(d), { causal: cfg.model_type !== 'bert' });
    }
    return;
  }
  await check(path.join(FIX, 'tiny-bert'), { causal: false });
  const f = await check(path.join(FIX, 'tiny-gpt2'), { causal: true });
  const q = await check(path.join(FIX, 'tiny-gpt2-quantized'), { causal: true });
  let maxDiff = 0, maxAbs = 0;
  for (let i = 0; i < f.data.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(f.data[i] - q.data[i]));
    maxAbs = Math.max(maxAbs, Math.abs(f.data[i]));
  }
  console.log(`  quantized vs float logits: max |diff| ${maxDiff.toExponential(2)} (max |logit| ${maxAbs.toExponential(2)})`);
  if (maxDiff > 0.05 * maxAbs) throw new Error('quantized model too far from float model');
  await check(path.join(FIX, 'tiny-sdpa'), { causal: true });
  await check(path.join(FIX, 'no-attention'), { expectAttention: false });
  await check(path.join(FIX, 'fused-attention'), { expectAttention: false, run: false });
  const models = path.join(REPO, 'models');
  if (fs.existsSync(path.join(models, 'onnx', 'model.onnx'))) await check(models, { causal: true });
})().catch((e) => { console.error(e); process.exit(1); });
