"""Reads a nanoGPT checkpoint: its state dict (with torch.compile's `_orig_mod.` prefixes stripped) and model args.

nanoGPT (karpathy/nanoGPT, model.py) saves {'model': state_dict, 'model_args': {...}, 'iter_num', 'best_val_loss',
'config', 'optimizer'}; the state dict keys are transformer.wte/wpe, transformer.h.N.{ln_1, attn.c_attn, attn.c_proj,
ln_2, mlp.c_fc, mlp.c_proj}, transformer.ln_f and lm_head, with nn.Linear weights [out, in].
"""
from dataclasses import dataclass

import torch

COMPILE_PREFIX = "_orig_mod."


class CheckpointError(Exception):
    """A checkpoint we cannot convert; the message is one sentence for the user."""


@dataclass
class NanoGptArgs:
    n_layer: int
    n_head: int
    n_embd: int
    block_size: int
    vocab_size: int
    bias: bool
    tied: bool


def _layer_keys(i):
    h = f"transformer.h.{i}."
    return [h + "ln_1.weight", h + "attn.c_attn.weight", h + "attn.c_proj.weight", h + "ln_2.weight",
            h + "mlp.c_fc.weight", h + "mlp.c_proj.weight"]


def load_checkpoint(path):
    """Returns (state_dict of float32 tensors, NanoGptArgs, the raw checkpoint dict)."""
    try:
        ckpt = torch.load(path, map_location="cpu")
    except Exception as e:  # noqa: BLE001 - any unreadable file gets the same one sentence
        raise CheckpointError(f"{path} is not a PyTorch checkpoint torch can read ({type(e).__name__}: {e}).")
    if not isinstance(ckpt, dict):
        raise CheckpointError(f"{path} holds a {type(ckpt).__name__}, not a nanoGPT checkpoint dictionary.")
    raw = ckpt["model"] if isinstance(ckpt.get("model"), dict) else ckpt
    state = {}
    for key, value in raw.items():
        if not torch.is_tensor(value):
            continue
        name = key[len(COMPILE_PREFIX):] if key.startswith(COMPILE_PREFIX) else key
        state[name] = value.detach().to(torch.float32) if value.is_floating_point() else value.detach()
    args = _model_args(ckpt.get("model_args") or {}, state)
    return state, args, ckpt


def _require(state, key):
    if key not in state:
        raise CheckpointError(f"The checkpoint has no \"{key}\": it is not in nanoGPT's GPT layout.")
    return state[key]


def _model_args(model_args, state):
    wte = _require(state, "transformer.wte.weight")
    wpe = _require(state, "transformer.wpe.weight")
    n_layer = 0
    while f"transformer.h.{n_layer}.ln_1.weight" in state:
        n_layer += 1
    if n_layer == 0:
        _require(state, "transformer.h.0.ln_1.weight")
    for i in range(n_layer):
        for key in _layer_keys(i):
            _require(state, key)
    _require(state, "transformer.ln_f.weight")
    n_embd = wte.shape[1]
    n_head = int(model_args.get("n_head", 0))
    if n_head <= 0 or n_embd % n_head:
        raise CheckpointError("The checkpoint's model_args has no usable n_head (nanoGPT saves it in model_args).")
    lm_head = state.get("lm_head.weight")
    tied = lm_head is None or (lm_head.shape == wte.shape and torch.equal(lm_head, wte))
    return NanoGptArgs(
        n_layer=n_layer, n_head=n_head, n_embd=n_embd, block_size=wpe.shape[0], vocab_size=wte.shape[0],
        bias="transformer.h.0.attn.c_attn.bias" in state, tied=tied)
