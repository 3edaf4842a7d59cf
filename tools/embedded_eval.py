"""Runs in Python (Debian /usr/bin/python3): head and loss measures of the embedded GPT-2, shared by
train_embedded.py (progress log) and measure_embedded.py (the model card's figures).

All measures run on compact rows (GPT-2 id -> row through the model's id table).
* prev: mean attention from token i to i-1 (query positions i >= 1), on held-out text, no BOS prepended.
* first: mean attention from token i to position 0 (the "sink"), same text.
* induction (Olsson et al. 2022): on [r1..rT, r1..rT] of T random known tokens, mean attention from the
  second copy's token T+j to j+1, the token that followed its earlier copy.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F


@torch.no_grad()
def stream_loss(model, rows, block, max_tokens=None, batch=16):
    """Mean next-token cross-entropy (nats) over non-overlapping block windows of a held-out row stream."""
    model.eval()
    n = len(rows) - 1 if max_tokens is None else min(len(rows) - 1, max_tokens)
    total, count = 0.0, 0
    starts = list(range(0, n, block))
    for i in range(0, len(starts), batch):
        full = [s for s in starts[i:i + batch] if s + block <= n]
        tail = [s for s in starts[i:i + batch] if s + block > n]
        for group, e in ((full, block), (tail, None)):
            for g in ([group] if e else [[s] for s in group]):
                if not g:
                    continue
                w = e or n - g[0]
                x = torch.stack([torch.from_numpy(rows[b:b + w]) for b in g])
                y = torch.stack([torch.from_numpy(rows[b + 1:b + w + 1]) for b in g])
                h, _, _ = model.transformer(x)
                total += F.cross_entropy(model.compact_logits(h).flatten(0, 1), y.flatten(), reduction="sum").item()
                count += y.numel()
    model.train()
    return total / count


def unigram_loss(train_rows, targets, n_rows):
    """Cross-entropy of the train split's row frequencies (add-one) on held-out target rows."""
    counts = np.bincount(train_rows, minlength=n_rows).astype(np.float64) + 1.0
    logp = np.log(counts / counts.sum())
    return float(-logp[targets].mean())


def bigram_loss(train_rows, prev, targets, n_rows, alpha=0.1):
    """Cross-entropy of an interpolated bigram model of the train split on held-out (prev, target) pairs:
    p(b|a) = (c(a,b) + alpha * n_rows * p_uni(b)) / (c(a) + alpha * n_rows), p_uni add-one."""
    uni = np.bincount(train_rows, minlength=n_rows).astype(np.float64) + 1.0
    p_uni = uni / uni.sum()
    pair = train_rows[:-1].astype(np.int64) * n_rows + train_rows[1:]
    keys, counts = np.unique(pair, return_counts=True)
    ctx = np.bincount(train_rows[:-1], minlength=n_rows).astype(np.float64)
    a, b = prev.astype(np.int64), targets.astype(np.int64)
    q = a * n_rows + b
    pos = np.searchsorted(keys, q)
    pos_c = np.minimum(pos, len(keys) - 1)
    c_ab = np.where(keys[pos_c] == q, counts[pos_c], 0).astype(np.float64)
    lam = alpha * n_rows
    p = (c_ab + lam * p_uni[b]) / (ctx[a] + lam)
    return float(-np.log(p).mean())


@torch.no_grad()
def attention_of(model, rows):
    """Attention probabilities per layer, [H, S, S] each, for one sequence of compact rows."""
    model.eval()
    _, _, probs = model.transformer(torch.as_tensor(rows)[None], need_weights=True)
    model.train()
    return [p[0].double() for p in probs]


def head_stats(model, sentences):
    """Per layer and head, averaged over query positions i >= 1 of all sentences: prev, first, self, entropy."""
    L, H = model.n_layer, model.n_head
    acc = {k: torch.zeros(L, H, dtype=torch.float64) for k in ("prev", "first", "self", "entropy")}
    n = 0
    for s in sentences:
        S = len(s)
        i = torch.arange(1, S)
        for l, p in enumerate(attention_of(model, s)):
            acc["prev"][l] += p[:, i, i - 1].sum(-1)
            acc["first"][l] += p[:, i, 0].sum(-1)
            acc["self"][l] += p[:, i, i].sum(-1)
            acc["entropy"][l] += (-(p * torch.log(p.clamp_min(1e-30))).sum(-1))[:, 1:].sum(-1)
        n += S - 1
    return {k: (v / n).tolist() for k, v in acc.items()}


def repeated_random(n_rows, T, count, seed, pool=None):
    """count sequences [r1..rT, r1..rT] of T distinct random rows from pool (default: every known row; row 0 is unk)."""
    g = np.random.default_rng(seed)
    pool = np.arange(1, n_rows) if pool is None else pool
    out = []
    for _ in range(count):
        r = g.choice(pool, size=T, replace=False)
        out.append(np.concatenate([r, r]).astype(np.int64))
    return out


def induction_stats(model, n_rows, T=50, count=20, seed=0, pool=None):
    """Per layer and head: mean attention from second-copy token T+j to j+1 (j = 0..T-1)."""
    L, H = model.n_layer, model.n_head
    acc = torch.zeros(L, H, dtype=torch.float64)
    j = torch.arange(0, T)
    for s in repeated_random(n_rows, T, count, seed, pool):
        for l, p in enumerate(attention_of(model, s)):
            acc[l] += p[:, T + j, j + 1].mean(-1)
    return (acc / count).tolist()


def best(table):
    a = np.array(table)
    l, h = np.unravel_index(a.argmax(), a.shape)
    return {"score": round(float(a[l, h]), 4), "layer": int(l), "head": int(h)}


def perplexity(nats):
    return round(math.exp(nats), 2)
