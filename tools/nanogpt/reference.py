"""nanoGPT's forward pass, written from its model.py over a plain state dict: the ground truth the export is checked
against. It does not share code with the exported module on purpose, so the comparison proves something."""
import math

import torch
import torch.nn.functional as F


def _linear(state, name, x):
    return F.linear(x, state[name + ".weight"], state.get(name + ".bias"))


def _layer_norm(state, name, x):
    w = state[name + ".weight"]
    return F.layer_norm(x, w.shape, w, state.get(name + ".bias"), 1e-5)


def nanogpt_logits(state, args, ids):
    """ids: LongTensor [1, T] → logits [1, T, vocab_size], as GPT.forward(idx, targets) computes them."""
    t = ids.size(1)
    x = state["transformer.wte.weight"][ids] + state["transformer.wpe.weight"][torch.arange(t)]
    hd = args.n_embd // args.n_head
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(args.n_layer):
        h = f"transformer.h.{i}."
        q, k, v = _linear(state, h + "attn.c_attn", _layer_norm(state, h + "ln_1", x)).split(args.n_embd, dim=2)
        q, k, v = (z.view(1, t, args.n_head, hd).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))
        att = att.masked_fill(~causal, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(1, t, args.n_embd)
        x = x + _linear(state, h + "attn.c_proj", y)
        m = _linear(state, h + "mlp.c_fc", _layer_norm(state, h + "ln_2", x))
        x = x + _linear(state, h + "mlp.c_proj", F.gelu(m))
    x = _layer_norm(state, "transformer.ln_f", x)
    head = state["transformer.wte.weight"] if args.tied else state["lm_head.weight"]
    return F.linear(x, head)
