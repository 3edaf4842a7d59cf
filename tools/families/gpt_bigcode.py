"""GPT-BigCode / StarCoder / SantaCoder (modeling_gpt_bigcode.py), multi-query: one K/V head for all query heads,
and the scores computed as [B, S·H, S] by baddbmm, viewed as [B, S, H, S] (heads on axis 2, not 1) around the
Softmax, then bmm with V as [B, S·H, S] x [B, S, D]."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from families.common import NEG, CFcMLP, full_vocab, init_family
from modeling import GPT2_VOCAB


class GPTBigCodeAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.embed_dim, self.num_heads, self.head_dim = hidden, heads, hidden // heads
        self.kv_dim = self.head_dim  # multi_query
        self.scale_factor = self.head_dim ** -0.5
        self.c_attn = nn.Linear(hidden, hidden + 2 * self.kv_dim)
        self.c_proj = nn.Linear(hidden, hidden)

    def forward(self, hidden_states, attention_mask):
        query, key_value = self.c_attn(hidden_states).split((self.embed_dim, 2 * self.kv_dim), dim=2)
        key, value = key_value.split((self.head_dim, self.head_dim), dim=-1)
        key = key.transpose(-1, -2)  # [B, D, S]
        # _attn, multi_query: (B, S, H, D) x (B, D, S) -> (B, S, H, S), as one 3-D baddbmm over S·H rows
        batch_size, query_length = query.shape[0], query.shape[1]
        key_length = key.size(-1)
        attn_shape = (batch_size, query_length, self.num_heads, key_length)
        attn_view = (batch_size, query_length * self.num_heads, key_length)
        query = query.reshape(batch_size, query_length * self.num_heads, self.head_dim)
        attn_weights = torch.zeros(attn_view, dtype=query.dtype)  # HF uses zeros on CPU (pytorch #80588), beta 1
        attn_weights = torch.baddbmm(attn_weights, query, key, beta=1, alpha=self.scale_factor).view(attn_shape)
        attn_weights = torch.where(attention_mask, attn_weights, torch.tensor(NEG))
        attn_weights = F.softmax(attn_weights, dim=-1)
        attn_output = torch.bmm(attn_weights.view(attn_view), value).view(batch_size, query_length, self.embed_dim)
        return self.c_proj(attn_output)


class GPTBigCodeBlock(nn.Module):
    def __init__(self, hidden, heads, inner):
        super().__init__()
        self.ln_1 = nn.LayerNorm(hidden)
        self.attn = GPTBigCodeAttention(hidden, heads)
        self.ln_2 = nn.LayerNorm(hidden)
        self.mlp = CFcMLP(hidden, inner)

    def forward(self, x, mask):
        x = x + self.attn(self.ln_1(x), mask)
        return x + self.mlp(self.ln_2(x))


class GPTBigCodeModel(nn.Module):
    def __init__(self, n_rows, hidden, heads, layers, inner, max_pos):
        super().__init__()
        self.register_buffer("bias", torch.tril(torch.ones(max_pos, max_pos, dtype=torch.bool)), persistent=False)
        self.wte = nn.Embedding(n_rows, hidden)
        self.wpe = nn.Embedding(max_pos, hidden)
        self.h = nn.ModuleList([GPTBigCodeBlock(hidden, heads, inner) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(hidden)

    def forward(self, rows, attention_mask):
        B, S = rows.shape
        pos = torch.arange(S, dtype=torch.long).unsqueeze(0)
        x = self.wte(rows) + self.wpe(pos)
        # [B, S, K] causal and padding, unsqueezed on axis 2 to broadcast over the heads of [B, S, H, K]
        mask = self.bias[None, :S, :S] & attention_mask.view(B, 1, -1).bool()
        mask = mask.unsqueeze(2)
        for block in self.h:
            x = block(x, mask)
        return self.ln_f(x)


class GPTBigCodeForCausalLM(nn.Module):
    """Takes real GPT-2 ids (row = id % n_rows), returns logits over all 50257 GPT-2 ids (tied lm_head)."""

    def __init__(self, n_rows, hidden, heads, layers, inner, max_pos):
        super().__init__()
        self.n_rows = n_rows
        self.transformer = GPTBigCodeModel(n_rows, hidden, heads, layers, inner, max_pos)
        init_family(self, ["c_attn"])

    def forward(self, input_ids, attention_mask):
        h = self.transformer(input_ids % self.n_rows, attention_mask)
        return full_vocab(F.linear(h, self.transformer.wte.weight), self.n_rows)


def gpt_bigcode_config(hidden, heads, layers, inner, max_pos):
    return {
        "architectures": ["GPTBigCodeForCausalLM"], "model_type": "gpt_bigcode", "vocab_size": GPT2_VOCAB,
        "n_embd": hidden, "n_head": heads, "n_layer": layers, "n_inner": inner, "n_positions": max_pos,
        "multi_query": True, "scale_attn_weights": True, "attention_softmax_in_fp32": True,
        "scale_attention_softmax_in_fp32": True, "activation_function": "gelu_pytorch_tanh",
        "layer_norm_epsilon": 1e-5, "bos_token_id": 50256, "eos_token_id": 50256, "use_cache": False,
    }
