"""GPT-NeoX / Pythia (modeling_gpt_neox.py): partial rotary, fused interleaved QKV, baddbmm on [B·H, S, S]."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from families.common import NEG, DenseH4HMLP, full_vocab, init_family
from modeling import GPT2_VOCAB, rotate_half


# ----------------------------------------------------------------------------------------------
# GPT-NeoX / Pythia (EleutherAI/pythia-*): fused QKV interleaved per head, rotary on the first rotary_pct of each
# head only, baddbmm on [B·H, S, S] then 4-D, parallel residual
# ----------------------------------------------------------------------------------------------
class GPTNeoXRotaryEmbedding(nn.Module):
    def __init__(self, dim, max_position_embeddings, base=10000):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))
        t = torch.arange(max_position_embeddings, dtype=torch.float32)
        emb = torch.cat((torch.outer(t, inv_freq),) * 2, dim=-1)
        self.register_buffer("cos_cached", emb.cos(), persistent=False)
        self.register_buffer("sin_cached", emb.sin(), persistent=False)

    def forward(self, seq_len):
        return self.cos_cached[:seq_len], self.sin_cached[:seq_len]


class GPTNeoXAttention(nn.Module):
    def __init__(self, hidden, heads, rotary_pct, max_pos):
        super().__init__()
        self.num_attention_heads, self.head_size = heads, hidden // heads
        self.rotary_ndims = int(self.head_size * rotary_pct)
        self.register_buffer("bias", torch.tril(torch.ones(max_pos, max_pos, dtype=torch.bool)).view(1, 1, max_pos, max_pos),
                             persistent=False)
        self.rotary_emb = GPTNeoXRotaryEmbedding(self.rotary_ndims, max_pos)
        self.norm_factor = self.head_size ** -0.5
        self.query_key_value = nn.Linear(hidden, 3 * hidden)
        self.dense = nn.Linear(hidden, hidden)

    def forward(self, hidden_states, attention_mask, position_ids):
        B, S, _ = hidden_states.shape
        qkv = self.query_key_value(hidden_states).view(B, S, self.num_attention_heads, 3 * self.head_size)
        query = qkv[..., : self.head_size].permute(0, 2, 1, 3)
        key = qkv[..., self.head_size: 2 * self.head_size].permute(0, 2, 1, 3)
        value = qkv[..., 2 * self.head_size:].permute(0, 2, 1, 3)
        cos, sin = self.rotary_emb(S)
        cos, sin = cos[position_ids].unsqueeze(1), sin[position_ids].unsqueeze(1)
        q_rot, q_pass = query[..., : self.rotary_ndims], query[..., self.rotary_ndims:]
        k_rot, k_pass = key[..., : self.rotary_ndims], key[..., self.rotary_ndims:]
        query = torch.cat((q_rot * cos + rotate_half(q_rot) * sin, q_pass), dim=-1)
        key = torch.cat((k_rot * cos + rotate_half(k_rot) * sin, k_pass), dim=-1)
        # _attn: causal mask from the bias buffer, baddbmm on [B·H, S, D] x [B·H, D, S], then back to 4-D.
        causal_mask = self.bias[:, :, :S, :S]
        q3 = query.reshape(B * self.num_attention_heads, S, self.head_size)
        k3 = key.reshape(B * self.num_attention_heads, S, self.head_size)
        attn_scores = torch.zeros(B * self.num_attention_heads, S, S, dtype=q3.dtype)
        attn_scores = torch.baddbmm(attn_scores, q3, k3.transpose(1, 2), beta=1.0, alpha=self.norm_factor)
        attn_scores = attn_scores.view(B, self.num_attention_heads, S, S)
        attn_scores = torch.where(causal_mask, attn_scores, torch.tensor(NEG))
        attn_scores = attn_scores + attention_mask
        attn_weights = F.softmax(attn_scores, dim=-1)
        out = torch.matmul(attn_weights, value).permute(0, 2, 1, 3).contiguous().view(B, S, -1)
        return self.dense(out)


class GPTNeoXLayer(nn.Module):
    def __init__(self, hidden, heads, inner, rotary_pct, max_pos):
        super().__init__()
        self.input_layernorm = nn.LayerNorm(hidden)
        self.post_attention_layernorm = nn.LayerNorm(hidden)
        self.attention = GPTNeoXAttention(hidden, heads, rotary_pct, max_pos)
        self.mlp = DenseH4HMLP(hidden, inner, approximate="none")

    def forward(self, x, mask, position_ids):
        # use_parallel_residual: x + attn(ln1(x)) + mlp(ln2(x))
        return x + self.attention(self.input_layernorm(x), mask, position_ids) + self.mlp(self.post_attention_layernorm(x))


class GPTNeoXModel(nn.Module):
    def __init__(self, n_rows, hidden, heads, layers, inner, rotary_pct, max_pos):
        super().__init__()
        self.embed_in = nn.Embedding(n_rows, hidden)
        self.layers = nn.ModuleList([GPTNeoXLayer(hidden, heads, inner, rotary_pct, max_pos) for _ in range(layers)])
        self.final_layer_norm = nn.LayerNorm(hidden)

    def forward(self, rows, attention_mask):
        x = self.embed_in(rows)
        position_ids = torch.arange(rows.size(1), dtype=torch.long).unsqueeze(0)
        mask = (1.0 - attention_mask[:, None, None, :].float()) * NEG
        for layer in self.layers:
            x = layer(x, mask, position_ids)
        return self.final_layer_norm(x)


class GPTNeoXForCausalLM(nn.Module):
    """Takes real GPT-2 ids (row = id % n_rows), returns logits over all 50257 GPT-2 ids."""

    def __init__(self, n_rows, hidden, heads, layers, inner, rotary_pct, max_pos):
        super().__init__()
        self.n_rows = n_rows
        self.gpt_neox = GPTNeoXModel(n_rows, hidden, heads, layers, inner, rotary_pct, max_pos)
        self.embed_out = nn.Linear(hidden, n_rows, bias=False)
        init_family(self, ["query_key_value"])

    def forward(self, input_ids, attention_mask):
        return full_vocab(self.embed_out(self.gpt_neox(input_ids % self.n_rows, attention_mask)), self.n_rows)


def gpt_neox_config(hidden, heads, layers, inner, rotary_pct, max_pos):
    return {
        "architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox", "vocab_size": GPT2_VOCAB,
        "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads, "intermediate_size": inner,
        "hidden_act": "gelu", "rotary_pct": rotary_pct, "rotary_emb_base": 10000, "max_position_embeddings": max_pos,
        "use_parallel_residual": True, "layer_norm_eps": 1e-5, "tie_word_embeddings": False,
        "bos_token_id": 50256, "eos_token_id": 50256, "use_cache": False,
    }
