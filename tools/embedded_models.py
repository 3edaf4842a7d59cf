"""Runs in Python (Debian /usr/bin/python3): loads a models/ folder's GPT-2 ONNX graph back into PyTorch.

Measuring the weights read from onnx/model.onnx (float16 initializers + Cast, or plain float32) measures exactly
what ships, and lets the same script measure an older model from git for the side-by-side.
"""
import json
import os
import subprocess

import numpy as np
import onnx
import torch
from onnx import numpy_helper

import modeling

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TOOLS)


def load_folder(folder):
    """Returns (model, id_map ndarray, config dict) for a models/ folder in the embedded model's layout."""
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    g = onnx.load(os.path.join(folder, "onnx", "model.onnx")).graph
    inits = {}
    for init in g.initializer:
        name = init.name[:-4] if init.name.endswith(".f16") else init.name
        inits[name] = numpy_helper.to_array(init)
    id_map = inits["id_map"].astype(np.int64)
    n_rows = inits["transformer.wte.weight"].shape[0]
    model = modeling.GPT2LMHeadModel(n_rows, cfg["n_embd"], cfg["n_head"], cfg["n_layer"], cfg["n_positions"],
                                     id_map=torch.from_numpy(id_map), unk_row=cfg["qkv_scope"]["unk_row"])
    state = model.state_dict()
    missing = [k for k in state if k.startswith("transformer.") and k not in inits and not k.endswith("attn.bias")]
    if missing:
        raise SystemExit(f"{folder}: weights missing from the graph: {missing[:5]}")
    with torch.no_grad():
        for k, v in state.items():
            if k in inits and k != "id_map":
                v.copy_(torch.from_numpy(inits[k].astype(np.float32)))
    model.eval()
    return model, id_map, cfg


def folder_from_git(rev, dest):
    """Extracts models/ as it was at a git revision (the model before this one) into dest."""
    for rel in ("config.json", "onnx/model.onnx", "training-report.json"):
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        blob = subprocess.run(["git", "-C", REPO, "show", f"{rev}:models/{rel}"], capture_output=True, check=True).stdout
        with open(os.path.join(dest, rel), "wb") as f:
            f.write(blob)
    return dest


def run_in_onnxruntime(folder, ids, n_layer, n_head, head_dim):
    """Logits of the last position from onnxruntime-node (the engine the extension uses), empty past."""
    js = r"""
const ort = require(process.argv[1] + '/node_modules/onnxruntime-node');
(async () => {
  const [dir, idsJson, L, H, D] = process.argv.slice(2);
  const ids = JSON.parse(idsJson);
  const s = await ort.InferenceSession.create(dir + '/onnx/model.onnx');
  const t = (a) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), [1, a.length]);
  const feeds = { input_ids: t(ids), attention_mask: t(ids.map(() => 1)) };
  for (let i = 0; i < +L; i++) for (const kv of ['key', 'value'])
    feeds[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, +H, 0, +D]);
  const o = await s.run(feeds);
  const V = o.logits.dims[2], last = o.logits.data.slice((ids.length - 1) * V, ids.length * V);
  process.stdout.write(JSON.stringify({ dims: o.logits.dims, last: Array.from(last) }));
})().catch((e) => { console.error(e); process.exit(1); });
"""
    r = subprocess.run(["node", "-e", js, REPO, folder, json.dumps(ids), str(n_layer), str(n_head), str(head_dim)],
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)
