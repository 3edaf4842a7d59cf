"""BLOOM (modeling_bloom.py): ALiBi bias, fused query_key_value, baddbmm on [B·H, S, S]."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from families.common import NEG, DenseH4HMLP, allowed_mask, full_vocab, init_family
from modeling import GPT2_VOCAB


# ----------------------------------------------------------------------------------------------
# BLOOM (bigscience/bloom-*): ALiBi, fused query_key_value, baddbmm on [B·H, S, S]
# ----------------------------------------------------------------------------------------------
def alibi_slopes(n_head):
    """BLOOM's build_alibi_tensor slopes: 2^(-8/n · h) for h = 1…n (n a power of two; interleaved extras otherwise)."""
    closest = 2 ** math.floor(math.log2(n_head))
    base = 2 ** (-(2 ** -(math.log2(closest) - 3)))
    slopes = [base ** p for p in range(1, closest + 1)]
    if closest != n_head:
        extra = 2 ** (-(2 ** -(math.log2(2 * closest) - 3)))
        slopes += [extra ** p for p in range(1, 1 + 2 * min(closest, n_head - closest), 2)]
    return torch.tensor(slopes, dtype=torch.float32)


def build_alibi_tensor(attention_mask, n_head):
    """[B·H, 1, S]: slope_h × (index of key j among the attended tokens). Same for every query row: softmax is
    shift-invariant, so slope·j gives the same probabilities as ALiBi's −slope·(i − j)."""
    batch_size, seq_length = attention_mask.shape
    arange_tensor = ((attention_mask.cumsum(dim=-1) - 1) * attention_mask)[:, None, :]
    alibi = alibi_slopes(n_head)[..., None] * arange_tensor
    return alibi.reshape(batch_size * n_head, 1, seq_length).float()


class BloomAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.hidden_size, self.num_heads, self.head_dim = hidden, heads, hidden // heads
        self.inv_norm_factor = 1.0 / math.sqrt(self.head_dim)
        self.beta = 1.0
        self.query_key_value = nn.Linear(hidden, 3 * hidden)
        self.dense = nn.Linear(hidden, hidden)

    def forward(self, hidden_states, alibi, attention_mask):
        batch_size, q_length, _ = hidden_states.shape
        fused_qkv = self.query_key_value(hidden_states).view(batch_size, q_length, self.num_heads, 3, self.head_dim)
        query_layer, key_layer, value_layer = fused_qkv[..., 0, :], fused_qkv[..., 1, :], fused_qkv[..., 2, :]
        query_layer = query_layer.transpose(1, 2).reshape(batch_size * self.num_heads, q_length, self.head_dim)
        key_layer = key_layer.permute(0, 2, 3, 1).reshape(batch_size * self.num_heads, self.head_dim, q_length)
        value_layer = value_layer.transpose(1, 2).reshape(batch_size * self.num_heads, q_length, self.head_dim)
        matmul_result = alibi.baddbmm(batch1=query_layer, batch2=key_layer, beta=self.beta, alpha=self.inv_norm_factor)
        attention_scores = matmul_result.view(batch_size, self.num_heads, q_length, q_length)
        attn_weights = torch.masked_fill(attention_scores, attention_mask, NEG)
        attention_probs = F.softmax(attn_weights, dim=-1, dtype=torch.float32)
        attention_probs_reshaped = attention_probs.view(batch_size * self.num_heads, q_length, q_length)
        context_layer = torch.bmm(attention_probs_reshaped, value_layer)
        context_layer = context_layer.view(batch_size, self.num_heads, q_length, self.head_dim).permute(0, 2, 1, 3)
        return self.dense(context_layer.reshape(batch_size, q_length, self.hidden_size))


class BloomBlock(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.input_layernorm = nn.LayerNorm(hidden)
        self.self_attention = BloomAttention(hidden, heads)
        self.post_attention_layernorm = nn.LayerNorm(hidden)
        self.mlp = DenseH4HMLP(hidden, 4 * hidden, approximate="tanh")

    def forward(self, x, alibi, mask):
        x = x + self.self_attention(self.input_layernorm(x), alibi, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class BloomModel(nn.Module):
    def __init__(self, n_rows, hidden, heads, layers):
        super().__init__()
        self.num_heads = heads
        self.word_embeddings = nn.Embedding(n_rows, hidden)
        self.word_embeddings_layernorm = nn.LayerNorm(hidden)
        self.h = nn.ModuleList([BloomBlock(hidden, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(hidden)

    def forward(self, rows, attention_mask):
        x = self.word_embeddings_layernorm(self.word_embeddings(rows))
        alibi = build_alibi_tensor(attention_mask, self.num_heads)
        masked = ~allowed_mask(attention_mask, causal=True)  # BLOOM's bool mask: True where masked_fill applies
        for block in self.h:
            x = block(x, alibi, masked)
        return self.ln_f(x)


class BloomForCausalLM(nn.Module):
    """Takes real GPT-2 ids (row = id % n_rows), returns logits over all 50257 GPT-2 ids (tied lm_head)."""

    def __init__(self, n_rows, hidden, heads, layers):
        super().__init__()
        self.n_rows = n_rows
        self.transformer = BloomModel(n_rows, hidden, heads, layers)
        init_family(self, ["query_key_value"])

    def forward(self, input_ids, attention_mask):
        h = self.transformer(input_ids % self.n_rows, attention_mask)
        return full_vocab(F.linear(h, self.transformer.word_embeddings.weight), self.n_rows)


def bloom_config(hidden, heads, layers, max_pos):
    return {
        "architectures": ["BloomForCausalLM"], "model_type": "bloom", "vocab_size": GPT2_VOCAB,
        "hidden_size": hidden, "n_layer": layers, "n_head": heads, "layer_norm_epsilon": 1e-5,
        "apply_residual_connection_post_layernorm": False, "pretraining_tp": 1, "slow_but_exact": False,
        "bos_token_id": 50256, "eos_token_id": 50256, "use_cache": False,
        # BLOOM has no position table (ALiBi); the fixture's tokenizer caps inputs at this length.
        "seq_length": max_pos,
    }
