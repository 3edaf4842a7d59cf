"""The T5 encoder (modeling_t5.py, T5EncoderModel): no 1/√d scale, bucketed relative position bias."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from families.common import NEG, init_family
from modeling import LlamaRMSNorm
from modeling_t5_seq2seq import relative_position_bucket as seq2seq_bucket


# ----------------------------------------------------------------------------------------------
# T5 encoder (T5EncoderModel, google-t5/t5-*): no 1/√d scale, relative position bias from layer 0
# ----------------------------------------------------------------------------------------------
def relative_position_bucket(relative_position, num_buckets=32, max_distance=128):
    """T5's bidirectional bucketing (the encoder's): half the buckets per direction, exact below num_buckets/4,
    log-spaced above."""
    return seq2seq_bucket(relative_position, True, num_buckets, max_distance)


class T5Attention(nn.Module):
    def __init__(self, d_model, d_kv, n_heads, has_relative_attention_bias, num_buckets, max_distance):
        super().__init__()
        self.n_heads, self.key_value_proj_dim, self.inner_dim = n_heads, d_kv, n_heads * d_kv
        self.num_buckets, self.max_distance = num_buckets, max_distance
        self.q = nn.Linear(d_model, self.inner_dim, bias=False)
        self.k = nn.Linear(d_model, self.inner_dim, bias=False)
        self.v = nn.Linear(d_model, self.inner_dim, bias=False)
        self.o = nn.Linear(self.inner_dim, d_model, bias=False)
        if has_relative_attention_bias:
            self.relative_attention_bias = nn.Embedding(num_buckets, n_heads)

    def compute_bias(self, length):
        context_position = torch.arange(length, dtype=torch.long)[:, None]
        memory_position = torch.arange(length, dtype=torch.long)[None, :]
        buckets = relative_position_bucket(memory_position - context_position, self.num_buckets, self.max_distance)
        return self.relative_attention_bias(buckets).permute([2, 0, 1]).unsqueeze(0)  # [1, H, q, k]

    def forward(self, hidden_states, mask, position_bias=None):
        B, S, _ = hidden_states.shape
        shape = lambda t: t.view(B, -1, self.n_heads, self.key_value_proj_dim).transpose(1, 2)  # noqa: E731
        q, k, v = shape(self.q(hidden_states)), shape(self.k(hidden_states)), shape(self.v(hidden_states))
        scores = torch.matmul(q, k.transpose(3, 2))  # no 1/√d: T5 folds it into the initialisation of q
        if position_bias is None:
            position_bias = self.compute_bias(S) + mask
        scores = scores + position_bias
        attn_weights = F.softmax(scores.float(), dim=-1).type_as(scores)
        out = torch.matmul(attn_weights, v).transpose(1, 2).contiguous().view(B, -1, self.inner_dim)
        return self.o(out), position_bias


class T5LayerNorm(LlamaRMSNorm):
    """RMS norm without mean subtraction or bias: the norm Llama later took from T5."""


class T5LayerSelfAttention(nn.Module):
    def __init__(self, d_model, d_kv, n_heads, has_bias, buckets, max_distance):
        super().__init__()
        self.SelfAttention = T5Attention(d_model, d_kv, n_heads, has_bias, buckets, max_distance)
        self.layer_norm = T5LayerNorm(d_model)

    def forward(self, x, mask, position_bias):
        a, position_bias = self.SelfAttention(self.layer_norm(x), mask, position_bias)
        return x + a, position_bias


class T5DenseActDense(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.wi = nn.Linear(d_model, d_ff, bias=False)
        self.wo = nn.Linear(d_ff, d_model, bias=False)

    def forward(self, x):
        return self.wo(F.relu(self.wi(x)))


class T5LayerFF(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.DenseReluDense = T5DenseActDense(d_model, d_ff)
        self.layer_norm = T5LayerNorm(d_model)

    def forward(self, x):
        return x + self.DenseReluDense(self.layer_norm(x))


class T5Block(nn.Module):
    def __init__(self, d_model, d_kv, n_heads, d_ff, has_bias, buckets, max_distance):
        super().__init__()
        self.layer = nn.ModuleList([T5LayerSelfAttention(d_model, d_kv, n_heads, has_bias, buckets, max_distance),
                                    T5LayerFF(d_model, d_ff)])

    def forward(self, x, mask, position_bias):
        x, position_bias = self.layer[0](x, mask, position_bias)
        return self.layer[1](x), position_bias


class T5Stack(nn.Module):
    def __init__(self, embed_tokens, d_model, d_kv, n_heads, d_ff, layers, buckets, max_distance):
        super().__init__()
        self.embed_tokens = embed_tokens
        self.block = nn.ModuleList([T5Block(d_model, d_kv, n_heads, d_ff, i == 0, buckets, max_distance)
                                    for i in range(layers)])
        self.final_layer_norm = T5LayerNorm(d_model)

    def forward(self, input_ids, attention_mask):
        x = self.embed_tokens(input_ids)
        mask = (1.0 - attention_mask[:, None, None, :].float()) * NEG
        position_bias = None  # computed by block 0 (the only one with a bias table), then passed down
        for block in self.block:
            x, position_bias = block(x, mask, position_bias)
        return self.final_layer_norm(x)


class T5EncoderModel(nn.Module):
    def __init__(self, vocab, d_model, d_kv, n_heads, d_ff, layers, buckets=32, max_distance=128):
        super().__init__()
        self.shared = nn.Embedding(vocab, d_model)
        self.encoder = T5Stack(self.shared, d_model, d_kv, n_heads, d_ff, layers, buckets, max_distance)
        init_family(self, ["SelfAttention.q", "SelfAttention.k"])
        with torch.no_grad():  # embeddings at std 1 like HF T5; the bias table too, so its term is visible
            nn.init.normal_(self.shared.weight, 0.0, 1.0)
            nn.init.normal_(self.encoder.block[0].layer[0].SelfAttention.relative_attention_bias.weight, 0.0, 1.0)

    def forward(self, input_ids, attention_mask):
        return self.encoder(input_ids, attention_mask)


def t5_config(vocab, d_model, d_kv, n_heads, d_ff, layers, buckets=32, max_distance=128):
    return {
        "architectures": ["T5EncoderModel"], "model_type": "t5", "vocab_size": vocab, "d_model": d_model,
        "d_kv": d_kv, "num_heads": n_heads, "d_ff": d_ff, "num_layers": layers, "num_decoder_layers": layers,
        "relative_attention_num_buckets": buckets, "relative_attention_max_distance": max_distance,
        "feed_forward_proj": "relu", "layer_norm_epsilon": 1e-6, "is_encoder_decoder": True,
        "pad_token_id": 0, "eos_token_id": 1, "decoder_start_token_id": 0, "use_cache": False,
    }
