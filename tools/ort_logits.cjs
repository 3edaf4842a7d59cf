// Runs in Node (called by tools/from_nanogpt.py): runs an ONNX language model once in onnxruntime-node and prints its
// logits, so the Python converter can compare them with torch without a Python onnxruntime.
// Usage: node tools/ort_logits.cjs MODEL.onnx ID,ID,... OUT.f32  → OUT.f32: the logits as raw float32 (little-endian);
// stdout: their dims as JSON.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

async function main() {
  const [modelPath, idList, outPath] = process.argv.slice(2);
  // Resolved from the repository (or the installed extension) that holds this script.
  const ort = require(require.resolve('onnxruntime-node', { paths: [path.join(__dirname, '..')] }));
  const ids = idList.split(',').map((s) => BigInt(s));
  const session = await ort.InferenceSession.create(modelPath);
  const feeds = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids), [1, ids.length]),
    attention_mask: new ort.Tensor('int64', BigInt64Array.from(ids, () => 1n), [1, ids.length]),
  };
  const out = await session.run(feeds, ['logits']);
  const data = out.logits.data;
  fs.writeFileSync(outPath, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  process.stdout.write(JSON.stringify(out.logits.dims));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
