"""The checkpoint's weights in our GPT-2 modeling code (tools/modeling.py, Hugging Face attribute names), exported to
ONNX the way optimum exports GPT-2 (input_ids, attention_mask → logits), so QKV Scope finds attention as in any GPT-2.

nanoGPT uses nn.Linear ([out, in]) where Hugging Face's GPT-2 uses Conv1D ([in, out]): the weights transpose.
nanoGPT's MLP uses exact GELU (nn.GELU()), not GPT-2's tanh approximation; bias=False checkpoints get zero biases.
"""
import inspect
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from modeling import OPSET, GPT2Model  # noqa: E402


class ExactGeluMLP(nn.Module):
    """GPT2MLP's parameters (c_fc, c_proj) with nanoGPT's exact GELU."""

    def __init__(self, mlp):
        super().__init__()
        self.c_fc, self.c_proj = mlp.c_fc, mlp.c_proj

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x)))


class NanoGptForOnnx(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.args = args
        self.transformer = GPT2Model(args.vocab_size, args.n_embd, args.n_head, args.n_layer, args.block_size)
        for block in self.transformer.h:
            block.mlp = ExactGeluMLP(block.mlp)
        self.lm_head = None if args.tied else nn.Linear(args.n_embd, args.vocab_size, bias=False)

    def forward(self, input_ids, attention_mask):
        h, _, _ = self.transformer(input_ids, attention_mask)
        head = self.transformer.wte.weight if self.lm_head is None else self.lm_head.weight
        return F.linear(h, head)


def _conv1d_from_linear(conv, state, name):
    conv.weight.copy_(state[name + ".weight"].t())
    conv.bias.copy_(state.get(name + ".bias", torch.zeros_like(conv.bias)))


def _layer_norm_from(ln, state, name):
    ln.weight.copy_(state[name + ".weight"])
    ln.bias.copy_(state.get(name + ".bias", torch.zeros_like(ln.bias)))


@torch.no_grad()
def build_module(state, args):
    model = NanoGptForOnnx(args).eval()
    t = model.transformer
    t.wte.weight.copy_(state["transformer.wte.weight"])
    t.wpe.weight.copy_(state["transformer.wpe.weight"])
    for i, block in enumerate(t.h):
        h = f"transformer.h.{i}."
        _layer_norm_from(block.ln_1, state, h + "ln_1")
        _conv1d_from_linear(block.attn.c_attn, state, h + "attn.c_attn")
        _conv1d_from_linear(block.attn.c_proj, state, h + "attn.c_proj")
        _layer_norm_from(block.ln_2, state, h + "ln_2")
        _conv1d_from_linear(block.mlp.c_fc, state, h + "mlp.c_fc")
        _conv1d_from_linear(block.mlp.c_proj, state, h + "mlp.c_proj")
    _layer_norm_from(t.ln_f, state, "transformer.ln_f")
    if model.lm_head is not None:
        model.lm_head.weight.copy_(state["lm_head.weight"])
    return model


@torch.no_grad()
def export_onnx(model, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ids = torch.arange(3, dtype=torch.long).unsqueeze(0) % model.args.vocab_size
    mask = torch.ones_like(ids)
    dyn = {"input_ids": {0: "batch_size", 1: "sequence_length"},
           "attention_mask": {0: "batch_size", 1: "sequence_length"},
           "logits": {0: "batch_size", 1: "sequence_length"}}
    # torch ≥ 2.9 defaults to the dynamo exporter (which needs onnxscript); the TorchScript one is what we test.
    legacy = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(model, (ids, mask), path, input_names=["input_ids", "attention_mask"],
                      output_names=["logits"], dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True, **legacy)


def hf_config(args):
    """config.json in GPT-2's keys, so transformers.js and QKV Scope read it as any GPT-2."""
    return {
        "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
        "vocab_size": args.vocab_size, "n_positions": args.block_size, "n_ctx": args.block_size,
        "n_embd": args.n_embd, "n_layer": args.n_layer, "n_head": args.n_head, "n_inner": None,
        "activation_function": "gelu", "layer_norm_epsilon": 1e-5, "bias": args.bias,
        "tie_word_embeddings": args.tied, "use_cache": False,
    }
