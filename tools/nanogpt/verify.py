"""Proof that the exported graph is the checkpoint's model: the same tokens through nanoGPT's forward in torch and
through the ONNX graph in onnxruntime (Node's onnxruntime-node, the runtime QKV Scope itself uses)."""
import json
import os
import subprocess
import tempfile

import numpy as np
import torch

from .reference import nanogpt_logits

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LOGIT_DIFF = 1e-4


class VerifyError(Exception):
    """The check could not run, or failed; the message is one sentence for the user."""


def node_command():
    """QKV_NODE (set by the extension: its own runtime) or `node` on PATH."""
    return os.environ.get("QKV_NODE") or "node"


def onnx_logits(onnx_path, ids):
    with tempfile.TemporaryDirectory(prefix="qkv-nanogpt-") as tmp:
        out = os.path.join(tmp, "logits.f32")
        cmd = [node_command(), os.path.join(TOOLS, "ort_logits.cjs"), onnx_path, ",".join(map(str, ids)), out]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        except FileNotFoundError:
            raise VerifyError(f"Node.js ({cmd[0]}) was not found; it runs the exported graph in onnxruntime-node "
                              "to check it. Install Node.js 20 or later, or set QKV_NODE.")
        if done.returncode != 0:
            raise VerifyError(f"onnxruntime-node could not run the exported graph: {done.stderr.strip()}")
        dims = json.loads(done.stdout)
        return np.fromfile(out, dtype="<f4").reshape(dims)


def max_logit_difference(state, args, onnx_path, ids):
    with torch.no_grad():
        expected = nanogpt_logits(state, args, torch.tensor([ids], dtype=torch.long)).numpy()
    actual = onnx_logits(onnx_path, ids)
    if actual.shape != expected.shape:
        raise VerifyError(f"The exported graph's logits have shape {list(actual.shape)}, nanoGPT's "
                          f"{list(expected.shape)}.")
    return float(np.max(np.abs(actual - expected)))
