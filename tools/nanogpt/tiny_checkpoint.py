"""A tiny checkpoint in nanoGPT's exact format, for tests: our own minimal module with nanoGPT's parameter names and
shapes (nn.Linear [out, in], optional biases, tied lm_head), random weights, saved as nanoGPT's train.py saves it."""
import pickle

import torch
import torch.nn as nn

# tiny-shakespeare's 65 characters, in nanoGPT's data/shakespeare_char/prepare.py order (sorted).
SHAKESPEARE_CHARS = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class _LayerNorm(nn.Module):
    def __init__(self, n, bias):
        super().__init__()
        self.weight = nn.Parameter(1.0 + 0.1 * torch.randn(n))
        self.bias = nn.Parameter(0.1 * torch.randn(n)) if bias else None


class _Block(nn.Module):
    def __init__(self, n_embd, bias):
        super().__init__()
        self.ln_1 = _LayerNorm(n_embd, bias)
        self.attn = nn.Module()
        self.attn.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=bias)
        self.attn.c_proj = nn.Linear(n_embd, n_embd, bias=bias)
        self.ln_2 = _LayerNorm(n_embd, bias)
        self.mlp = nn.Module()
        self.mlp.c_fc = nn.Linear(n_embd, 4 * n_embd, bias=bias)
        self.mlp.c_proj = nn.Linear(4 * n_embd, n_embd, bias=bias)


class TinyNanoGpt(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd, bias, tied):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd), wpe=nn.Embedding(block_size, n_embd),
            h=nn.ModuleList([_Block(n_embd, bias) for _ in range(n_layer)]), ln_f=_LayerNorm(n_embd, bias)))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        if tied:
            self.lm_head.weight = self.transformer.wte.weight
        for p in self.parameters():  # large enough that attention is far from uniform
            if p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.3)


def save_tiny_checkpoint(path, seed, vocab_size, block_size=64, n_layer=2, n_head=4, n_embd=32, bias=True,
                         tied=True, compiled=False):
    torch.manual_seed(seed)
    model = TinyNanoGpt(vocab_size, block_size, n_layer, n_head, n_embd, bias, tied)
    state = model.state_dict()
    if compiled:  # what torch.compile's OptimizedModule saves
        state = {"_orig_mod." + k: v for k, v in state.items()}
    model_args = dict(n_layer=n_layer, n_head=n_head, n_embd=n_embd, block_size=block_size, bias=bias,
                      vocab_size=vocab_size, dropout=0.0)
    torch.save({"model": state, "optimizer": {}, "model_args": model_args, "iter_num": 0,
                "best_val_loss": torch.tensor(4.17), "config": {"dataset": "tiny"}}, path)


def save_shakespeare_meta(path):
    stoi = {ch: i for i, ch in enumerate(SHAKESPEARE_CHARS)}
    itos = {i: ch for ch, i in stoi.items()}
    with open(path, "wb") as f:
        pickle.dump({"vocab_size": len(stoi), "itos": itos, "stoi": stoi}, f)
