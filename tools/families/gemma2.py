"""Gemma 2 (modeling_gemma2.py): query_pre_attn_scalar scale, tanh soft-capping, sliding window on even layers."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from families.common import NEG, additive, allowed_mask, full_vocab, init_family
from modeling import GPT2_VOCAB, LlamaMLP, LlamaRMSNorm, repeat_kv, rotate_half


# ----------------------------------------------------------------------------------------------
# Gemma 2 (google/gemma-2-*): scale query_pre_attn_scalar^-0.5, tanh soft-capping of the scores, a sliding window
# on even layers, grouped K/V heads, rotary, sandwich RMSNorms with (1 + weight)
# ----------------------------------------------------------------------------------------------
class Gemma2RMSNorm(LlamaRMSNorm):
    def __init__(self, hidden, eps=1e-6):
        super().__init__(hidden, eps)
        nn.init.zeros_(self.weight)

    def forward(self, x):
        return (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)) * (1.0 + self.weight)


class Gemma2RotaryEmbedding(nn.Module):
    def __init__(self, dim, base=10000.0):
        super().__init__()
        self.register_buffer("inv_freq", 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim)), persistent=False)

    def forward(self, position_ids):
        freqs = position_ids[:, :, None].float() * self.inv_freq[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().unsqueeze(1), emb.sin().unsqueeze(1)


class Gemma2Attention(nn.Module):
    def __init__(self, hidden, heads, kv_heads, head_dim, query_pre_attn_scalar, softcap, sliding_window):
        super().__init__()
        self.num_heads, self.num_key_value_heads, self.head_dim = heads, kv_heads, head_dim
        self.num_key_value_groups = heads // kv_heads
        self.scaling = query_pre_attn_scalar ** -0.5
        self.attn_logit_softcapping = softcap
        self.sliding_window = sliding_window
        self.q_proj = nn.Linear(hidden, heads * head_dim, bias=False)
        self.k_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.v_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.o_proj = nn.Linear(heads * head_dim, hidden, bias=False)

    def forward(self, x, cos, sin, attention_mask):
        B, S, _ = x.shape
        q = self.q_proj(x).view(B, S, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(B, S, self.num_key_value_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(B, S, self.num_key_value_heads, self.head_dim).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = repeat_kv(k, self.num_key_value_groups), repeat_kv(v, self.num_key_value_groups)
        attn_weights = torch.matmul(q, k.transpose(2, 3)) * self.scaling
        attn_weights = attn_weights / self.attn_logit_softcapping
        attn_weights = torch.tanh(attn_weights)
        attn_weights = attn_weights * self.attn_logit_softcapping
        attn_weights = attn_weights + attention_mask
        attn_weights = F.softmax(attn_weights, dim=-1, dtype=torch.float32)
        out = torch.matmul(attn_weights, v).transpose(1, 2).contiguous().view(B, S, -1)
        return self.o_proj(out)


class Gemma2MLP(LlamaMLP):
    """Llama's gated MLP with gelu (tanh approximation) instead of silu."""

    def forward(self, x):
        return self.down_proj(F.gelu(self.gate_proj(x), approximate="tanh") * self.up_proj(x))


class Gemma2DecoderLayer(nn.Module):
    def __init__(self, layer_idx, hidden, heads, kv_heads, head_dim, inner, scalar, softcap, window):
        super().__init__()
        self.is_sliding = not bool(layer_idx % 2)
        self.sliding_window = window
        self.self_attn = Gemma2Attention(hidden, heads, kv_heads, head_dim, scalar, softcap, window if self.is_sliding else None)
        self.mlp = Gemma2MLP(hidden, inner)
        self.input_layernorm = Gemma2RMSNorm(hidden)
        self.post_attention_layernorm = Gemma2RMSNorm(hidden)
        self.pre_feedforward_layernorm = Gemma2RMSNorm(hidden)
        self.post_feedforward_layernorm = Gemma2RMSNorm(hidden)

    def forward(self, x, cos, sin, attention_mask):
        if self.is_sliding:  # keys more than sliding_window - 1 positions back are hidden: j <= i - window
            far = torch.tril(torch.ones_like(attention_mask, dtype=torch.bool), diagonal=-self.sliding_window)
            attention_mask = torch.where(far, torch.tensor(NEG), attention_mask)
        x = x + self.post_attention_layernorm(self.self_attn(self.input_layernorm(x), cos, sin, attention_mask))
        return x + self.post_feedforward_layernorm(self.mlp(self.pre_feedforward_layernorm(x)))


class Gemma2Model(nn.Module):
    def __init__(self, n_rows, hidden, heads, kv_heads, head_dim, layers, inner, scalar, softcap, window):
        super().__init__()
        self.hidden = hidden
        self.embed_tokens = nn.Embedding(n_rows, hidden)
        self.layers = nn.ModuleList([Gemma2DecoderLayer(i, hidden, heads, kv_heads, head_dim, inner, scalar, softcap, window)
                                     for i in range(layers)])
        self.norm = Gemma2RMSNorm(hidden)
        self.rotary_emb = Gemma2RotaryEmbedding(head_dim)

    def forward(self, rows, attention_mask):
        x = self.embed_tokens(rows) * torch.tensor(self.hidden ** 0.5)  # Gemma's embedding normalizer
        position_ids = torch.arange(rows.size(1), dtype=torch.long).unsqueeze(0)
        cos, sin = self.rotary_emb(position_ids)
        mask = additive(allowed_mask(attention_mask, causal=True))
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.norm(x)


class Gemma2ForCausalLM(nn.Module):
    """Takes real GPT-2 ids (row = id % n_rows), returns soft-capped logits over all 50257 GPT-2 ids (tied lm_head)."""

    def __init__(self, n_rows, hidden, heads, kv_heads, head_dim, layers, inner, scalar, softcap, window, final_softcap):
        super().__init__()
        self.n_rows, self.final_logit_softcapping = n_rows, final_softcap
        self.model = Gemma2Model(n_rows, hidden, heads, kv_heads, head_dim, layers, inner, scalar, softcap, window)
        init_family(self, ["q_proj", "k_proj"])

    def forward(self, input_ids, attention_mask):
        logits = F.linear(self.model(input_ids % self.n_rows, attention_mask), self.model.embed_tokens.weight)
        logits = torch.tanh(logits / self.final_logit_softcapping) * self.final_logit_softcapping
        return full_vocab(logits, self.n_rows)


def gemma2_config(hidden, heads, kv_heads, head_dim, layers, inner, scalar, softcap, window, final_softcap, max_pos):
    return {
        "architectures": ["Gemma2ForCausalLM"], "model_type": "gemma2", "vocab_size": GPT2_VOCAB,
        "hidden_size": hidden, "intermediate_size": inner, "num_hidden_layers": layers, "num_attention_heads": heads,
        "num_key_value_heads": kv_heads, "head_dim": head_dim, "query_pre_attn_scalar": scalar,
        "attn_logit_softcapping": softcap, "final_logit_softcapping": final_softcap, "sliding_window": window,
        "max_position_embeddings": max_pos, "hidden_activation": "gelu_pytorch_tanh", "rms_norm_eps": 1e-6,
        "rope_theta": 10000.0, "attention_bias": False, "tie_word_embeddings": True,
        "bos_token_id": 50256, "eos_token_id": 50256, "pad_token_id": 50256, "use_cache": False,
    }
