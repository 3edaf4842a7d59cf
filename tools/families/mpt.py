"""MPT (modeling_mpt.py): ALiBi on 4-D scores, from a table built once for max_seq_len (a constant in the graph)
and sliced to the last key_length columns, so head h adds slope_h · (j − (n − 1)); fused Wqkv; bias-free LayerNorms."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from families.common import NEG, allowed_mask, full_vocab, init_family
from modeling import GPT2_VOCAB


def build_mpt_alibi_tensor(num_heads, sequence_length, alibi_bias_max=8):
    """[H, 1, S]: slope_h · (1 − S … 0); slopes 1 / 2^(alibi_bias_max · h / H) for h = 1…H (H a power of two)."""
    alibi = torch.arange(1 - sequence_length, 1, dtype=torch.int32).view(1, 1, 1, sequence_length)
    num_heads_power_of_2 = 2 ** math.ceil(math.log2(num_heads))
    base = torch.arange(1, num_heads_power_of_2 + 1, dtype=torch.int64).float() * (alibi_bias_max / num_heads_power_of_2)
    slopes = (1.0 / torch.pow(2, base)).view(1, num_heads_power_of_2, 1, 1)
    if num_heads_power_of_2 != num_heads:
        slopes = torch.concat([slopes[:, 1::2, ...], slopes[:, ::2, ...]], dim=1)[:, :num_heads, ...]
    return (alibi * slopes).squeeze(0)


class MptAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.n_heads, self.head_dim = heads, hidden // heads
        self.softmax_scale = 1 / math.sqrt(self.head_dim)
        self.Wqkv = nn.Linear(hidden, 3 * hidden, bias=False)
        self.out_proj = nn.Linear(hidden, hidden, bias=False)

    def forward(self, hidden_states, position_bias, attention_mask):
        B, S = hidden_states.shape[:2]
        query_states, key_states, value_states = self.Wqkv(hidden_states).chunk(3, dim=2)
        query_states = query_states.reshape(B, S, self.n_heads, self.head_dim).transpose(1, 2)
        key_states = key_states.reshape(B, S, self.n_heads, self.head_dim).transpose(1, 2)
        value_states = value_states.reshape(B, S, self.n_heads, self.head_dim).transpose(1, 2)
        attention_scores = torch.matmul(query_states, key_states.transpose(-1, -2)) * self.softmax_scale
        # the table was built for max_seq_len: keep its last S rows and columns
        position_bias = position_bias[:, max(0, position_bias.size(1) - S):, max(0, position_bias.size(2) - S):]
        attention_scores = attention_scores + position_bias
        attention_scores = attention_scores.masked_fill(attention_mask, NEG)
        attn_weights = F.softmax(attention_scores.float(), dim=-1).to(value_states.dtype)
        context = torch.matmul(attn_weights, value_states).permute(0, 2, 1, 3).contiguous().view(B, S, -1)
        return self.out_proj(context)


class MptMLP(nn.Module):
    def __init__(self, hidden, expansion_ratio):
        super().__init__()
        self.up_proj = nn.Linear(hidden, expansion_ratio * hidden, bias=False)
        self.down_proj = nn.Linear(expansion_ratio * hidden, hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.gelu(self.up_proj(x), approximate="none"))


class BiasFreeLayerNorm(nn.Module):
    """LayerNorm with a weight and no bias (torch 1.13's nn.LayerNorm has no bias=False)."""

    def __init__(self, hidden, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden))
        self.hidden, self.eps = hidden, eps

    def forward(self, x):
        return F.layer_norm(x, (self.hidden,), self.weight, None, self.eps)



class MptBlock(nn.Module):
    def __init__(self, hidden, heads, expansion_ratio):
        super().__init__()
        self.norm_1 = BiasFreeLayerNorm(hidden)
        self.attn = MptAttention(hidden, heads)
        self.norm_2 = BiasFreeLayerNorm(hidden)
        self.ffn = MptMLP(hidden, expansion_ratio)

    def forward(self, x, position_bias, mask):
        x = x + self.attn(self.norm_1(x), position_bias, mask)
        return x + self.ffn(self.norm_2(x))


class MptModel(nn.Module):
    def __init__(self, n_rows, hidden, heads, layers, expansion_ratio, max_seq_len):
        super().__init__()
        self.num_heads, self.max_seq_len = heads, max_seq_len
        self.wte = nn.Embedding(n_rows, hidden)
        self.blocks = nn.ModuleList([MptBlock(hidden, heads, expansion_ratio) for _ in range(layers)])
        self.norm_f = BiasFreeLayerNorm(hidden)

    def forward(self, rows, attention_mask):
        x = self.wte(rows)
        alibi = build_mpt_alibi_tensor(self.num_heads, self.max_seq_len)
        masked = ~allowed_mask(attention_mask, causal=True)
        for block in self.blocks:
            x = block(x, alibi, masked)
        return self.norm_f(x)


class MptForCausalLM(nn.Module):
    """Takes real GPT-2 ids (row = id % n_rows), returns logits over all 50257 GPT-2 ids (tied lm_head)."""

    def __init__(self, n_rows, hidden, heads, layers, expansion_ratio, max_seq_len):
        super().__init__()
        self.n_rows = n_rows
        self.transformer = MptModel(n_rows, hidden, heads, layers, expansion_ratio, max_seq_len)
        init_family(self, ["Wqkv"])

    def forward(self, input_ids, attention_mask):
        h = self.transformer(input_ids % self.n_rows, attention_mask)
        return full_vocab(F.linear(h, self.transformer.wte.weight), self.n_rows)


def mpt_config(hidden, heads, layers, expansion_ratio, max_seq_len):
    return {
        "architectures": ["MptForCausalLM"], "model_type": "mpt", "vocab_size": GPT2_VOCAB, "d_model": hidden,
        "n_heads": heads, "n_layers": layers, "expansion_ratio": expansion_ratio, "max_seq_len": max_seq_len,
        "attn_config": {"alibi": True, "alibi_bias_max": 8, "attn_type": "multihead_attention", "softmax_scale": None,
                        "clip_qkv": None, "qk_ln": False, "prefix_lm": False},
        "no_bias": True, "norm_type": "low_precision_layernorm", "layer_norm_epsilon": 1e-5,
        "bos_token_id": 50256, "eos_token_id": 50256, "use_cache": False,
    }
