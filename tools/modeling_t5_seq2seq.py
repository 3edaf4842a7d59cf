"""A tiny T5 encoder-decoder (T5ForConditionalGeneration) in torch, after transformers' modeling_t5.py, for the
encoder-decoder fixture: no 1/√d scale (T5 folds it into the initialisation of q), a relative position bias held by
block 0 of each stack and added in every layer (bidirectional buckets in the encoder, unidirectional in the decoder's
causal self-attention; none in cross-attention, whose position_bias is zeros + the mask), RMS layer norms without
bias, ReLU feed-forward, tied embeddings with the decoder output scaled by d_model^-½ before the lm_head.
Exported in transformers.js's layout by modeling_seq2seq.export."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from modeling_marian import padding_mask, NEG


def relative_position_bucket(relative_position, bidirectional, num_buckets, max_distance):
    """T5Attention._relative_position_bucket."""
    relative_buckets = 0
    if bidirectional:
        num_buckets //= 2
        relative_buckets += (relative_position > 0).to(torch.long) * num_buckets
        relative_position = torch.abs(relative_position)
    else:
        relative_position = -torch.min(relative_position, torch.zeros_like(relative_position))
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    if_large = max_exact + (torch.log(relative_position.float() / max_exact) / math.log(max_distance / max_exact)
                            * (num_buckets - max_exact)).to(torch.long)
    if_large = torch.min(if_large, torch.full_like(if_large, num_buckets - 1))
    return relative_buckets + torch.where(is_small, relative_position, if_large)


class T5Attention(nn.Module):
    def __init__(self, cfg, has_relative_attention_bias, is_decoder):
        super().__init__()
        self.n_heads, self.d_kv = cfg["num_heads"], cfg["d_kv"]
        self.bidirectional = not is_decoder
        self.num_buckets, self.max_distance = cfg["relative_attention_num_buckets"], cfg["relative_attention_max_distance"]
        inner = self.n_heads * self.d_kv
        self.q, self.k, self.v = (nn.Linear(cfg["d_model"], inner, bias=False) for _ in range(3))
        self.o = nn.Linear(inner, cfg["d_model"], bias=False)
        self.has_relative_attention_bias = has_relative_attention_bias
        if has_relative_attention_bias:
            self.relative_attention_bias = nn.Embedding(self.num_buckets, self.n_heads)

    def compute_bias(self, query_length, key_length):
        context_position = torch.arange(query_length, dtype=torch.long)[:, None]
        memory_position = torch.arange(key_length, dtype=torch.long)[None, :]
        buckets = relative_position_bucket(memory_position - context_position, self.bidirectional, self.num_buckets,
                                           self.max_distance)
        return self.relative_attention_bias(buckets).permute([2, 0, 1]).unsqueeze(0)  # [1, H, q, k]

    def forward(self, x, kv, mask, position_bias):
        B = x.shape[0]
        shape = lambda t: t.view(B, -1, self.n_heads, self.d_kv).transpose(1, 2)  # noqa: E731
        q, k, v = shape(self.q(x)), shape(self.k(kv)), shape(self.v(kv))
        scores = torch.matmul(q, k.transpose(3, 2))
        if position_bias is None:
            if self.has_relative_attention_bias:
                position_bias = self.compute_bias(q.shape[2], k.shape[2])
            else:  # cross-attention: no position term, only the mask
                position_bias = torch.zeros((1, self.n_heads, q.shape[2], k.shape[2]), dtype=scores.dtype)
            position_bias = position_bias + mask
        attn = F.softmax((scores + position_bias).float(), dim=-1).type_as(scores)
        out = torch.matmul(attn, v).transpose(1, 2).contiguous().view(B, -1, self.n_heads * self.d_kv)
        return self.o(out), position_bias


class T5LayerNorm(nn.Module):
    """RMS norm without mean subtraction or bias."""

    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.weight, self.variance_epsilon = nn.Parameter(torch.ones(d)), eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.variance_epsilon))


class T5LayerAttention(nn.Module):
    """T5LayerSelfAttention (`SelfAttention`) or T5LayerCrossAttention (`EncDecAttention`): pre-norm, residual."""

    def __init__(self, cfg, has_bias, is_decoder, name):
        super().__init__()
        self.name = name
        setattr(self, name, T5Attention(cfg, has_bias, is_decoder))
        self.layer_norm = T5LayerNorm(cfg["d_model"])

    def forward(self, x, kv, mask, position_bias):
        h = self.layer_norm(x)
        a, position_bias = getattr(self, self.name)(h, h if kv is None else kv, mask, position_bias)
        return x + a, position_bias


class T5LayerFF(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.wi = nn.Linear(cfg["d_model"], cfg["d_ff"], bias=False)
        self.wo = nn.Linear(cfg["d_ff"], cfg["d_model"], bias=False)
        self.layer_norm = T5LayerNorm(cfg["d_model"])

    def forward(self, x):
        return x + self.wo(F.relu(self.wi(self.layer_norm(x))))


class T5Block(nn.Module):
    def __init__(self, cfg, has_bias, is_decoder):
        super().__init__()
        parts = [T5LayerAttention(cfg, has_bias, is_decoder, "SelfAttention")]
        if is_decoder:
            parts.append(T5LayerAttention(cfg, False, True, "EncDecAttention"))
        self.layer = nn.ModuleList(parts + [T5LayerFF(cfg)])

    def forward(self, x, mask, bias, enc=None, cross_mask=None, cross_bias=None):
        x, bias = self.layer[0](x, None, mask, bias)
        if enc is not None:
            x, cross_bias = self.layer[1](x, enc, cross_mask, cross_bias)
        return self.layer[-1](x), bias, cross_bias


class T5Stack(nn.Module):
    def __init__(self, cfg, is_decoder):
        super().__init__()
        n = cfg["num_decoder_layers"] if is_decoder else cfg["num_layers"]
        self.block = nn.ModuleList(T5Block(cfg, i == 0, is_decoder) for i in range(n))
        self.final_layer_norm = T5LayerNorm(cfg["d_model"])


class T5ForConditionalGeneration(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.model_dim = cfg["d_model"]
        self.shared = nn.Embedding(cfg["vocab_size"], cfg["d_model"])
        self.encoder, self.decoder = T5Stack(cfg, False), T5Stack(cfg, True)
        self._init_weights(cfg)

    def _init_weights(self, cfg):
        """T5PreTrainedModel._init_weights (factor 1)."""
        d, kv, h = cfg["d_model"], cfg["d_kv"], cfg["num_heads"]
        with torch.no_grad():
            nn.init.normal_(self.shared.weight, 0.0, 1.0)
            for m in self.modules():
                if isinstance(m, T5Attention):
                    nn.init.normal_(m.q.weight, 0.0, (d * kv) ** -0.5)
                    nn.init.normal_(m.k.weight, 0.0, d ** -0.5)
                    nn.init.normal_(m.v.weight, 0.0, d ** -0.5)
                    nn.init.normal_(m.o.weight, 0.0, (h * kv) ** -0.5)
                    if m.has_relative_attention_bias:
                        nn.init.normal_(m.relative_attention_bias.weight, 0.0, d ** -0.5)
                elif isinstance(m, T5LayerFF):
                    nn.init.normal_(m.wi.weight, 0.0, d ** -0.5)
                    nn.init.normal_(m.wo.weight, 0.0, cfg["d_ff"] ** -0.5)

    def encode(self, input_ids, attention_mask):
        x, mask, bias = self.shared(input_ids), padding_mask(attention_mask), None
        for block in self.encoder.block:
            x, bias, _ = block(x, mask, bias)  # block 0 computes the bias (+ mask); the others reuse it
        return self.encoder.final_layer_norm(x)

    def decode(self, input_ids, encoder_attention_mask, encoder_hidden_states):
        t = input_ids.shape[1]
        causal = torch.triu(torch.full((t, t), NEG), diagonal=1)[None, None]
        x, cross_mask, bias, cross_bias = self.shared(input_ids), padding_mask(encoder_attention_mask), None, None
        for block in self.decoder.block:
            x, bias, cross_bias = block(x, causal, bias, encoder_hidden_states, cross_mask, cross_bias)
        x = self.decoder.final_layer_norm(x) * (self.model_dim ** -0.5)  # tied lm_head
        return F.linear(x, self.shared.weight)
