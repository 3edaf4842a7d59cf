"""Falcon-7B style (modeling_falcon.py, eager, rotary, multi_query, parallel attention): one K/V head of shape
[B, 1, S, D] that the Q·Kᵀ and probs·V MatMuls broadcast over the 4 query heads (no repeat_kv), scores divided by
√d after the MatMul, additive mask."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from families.common import DenseH4HMLP, additive, allowed_mask, full_vocab, init_family
from modeling import GPT2_VOCAB, LlamaRotaryEmbedding, apply_rotary_pos_emb


class FalconAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.hidden_size, self.num_heads, self.head_dim = hidden, heads, hidden // heads
        self.query_key_value = nn.Linear(hidden, hidden + 2 * self.head_dim, bias=False)  # multi_query
        self.dense = nn.Linear(hidden, hidden, bias=False)

    def forward(self, hidden_states, cos, sin, attention_mask):
        batch_size, query_length, _ = hidden_states.shape
        fused_qkv = self.query_key_value(hidden_states).view(batch_size, query_length, self.num_heads + 2, self.head_dim)
        query_layer, key_layer, value_layer = fused_qkv[..., :-2, :], fused_qkv[..., [-2], :], fused_qkv[..., [-1], :]
        query_layer = query_layer.transpose(1, 2).reshape(batch_size, self.num_heads, query_length, self.head_dim)
        key_layer = key_layer.transpose(1, 2).reshape(batch_size, 1, query_length, self.head_dim)
        value_layer = value_layer.transpose(1, 2).reshape(batch_size, 1, query_length, self.head_dim)
        query_layer, key_layer = apply_rotary_pos_emb(query_layer, key_layer, cos, sin)
        attention_scores = query_layer @ key_layer.transpose(-1, -2)  # [B, H, S, D] @ [B, 1, D, S]: broadcast
        attention_scores /= math.sqrt(self.head_dim)
        attention_scores = F.softmax(attention_scores + attention_mask, dim=-1, dtype=hidden_states.dtype)
        attn_output = attention_scores @ value_layer
        attn_output = attn_output.view(batch_size, self.num_heads, query_length, self.head_dim).permute(0, 2, 1, 3)
        return self.dense(attn_output.reshape(batch_size, query_length, self.num_heads * self.head_dim))


class FalconDecoderLayer(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.input_layernorm = nn.LayerNorm(hidden)
        self.self_attention = FalconAttention(hidden, heads)
        self.mlp = DenseH4HMLP(hidden, 4 * hidden, approximate="none")

    def forward(self, x, cos, sin, mask):
        normed = self.input_layernorm(x)  # parallel_attn: attention and MLP read the same normed input
        return x + self.self_attention(normed, cos, sin, mask) + self.mlp(normed)


class FalconModel(nn.Module):
    def __init__(self, n_rows, hidden, heads, layers):
        super().__init__()
        self.word_embeddings = nn.Embedding(n_rows, hidden)
        self.h = nn.ModuleList([FalconDecoderLayer(hidden, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(hidden)
        self.rotary_emb = LlamaRotaryEmbedding(hidden // heads)

    def forward(self, rows, attention_mask):
        x = self.word_embeddings(rows)
        cos, sin = self.rotary_emb(torch.arange(rows.size(1), dtype=torch.long).unsqueeze(0))
        mask = additive(allowed_mask(attention_mask, causal=True))
        for layer in self.h:
            x = layer(x, cos, sin, mask)
        return self.ln_f(x)


class FalconForCausalLM(nn.Module):
    """Takes real GPT-2 ids (row = id % n_rows), returns logits over all 50257 GPT-2 ids (tied lm_head)."""

    def __init__(self, n_rows, hidden, heads, layers):
        super().__init__()
        self.n_rows = n_rows
        self.transformer = FalconModel(n_rows, hidden, heads, layers)
        init_family(self, ["query_key_value"])

    def forward(self, input_ids, attention_mask):
        h = self.transformer(input_ids % self.n_rows, attention_mask)
        return full_vocab(F.linear(h, self.transformer.word_embeddings.weight), self.n_rows)


def falcon_config(hidden, heads, layers, max_pos):
    return {
        "architectures": ["FalconForCausalLM"], "model_type": "falcon", "vocab_size": GPT2_VOCAB,
        "hidden_size": hidden, "num_attention_heads": heads, "num_hidden_layers": layers, "multi_query": True,
        "new_decoder_architecture": False, "parallel_attn": True, "alibi": False, "bias": False,
        "rope_theta": 10000.0, "max_position_embeddings": max_pos, "layer_norm_epsilon": 1e-5,
        "bos_token_id": 50256, "eos_token_id": 50256, "use_cache": False,
    }
