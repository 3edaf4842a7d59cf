"""GPT-Neo (modeling_gpt_neo.py): no 1/√d scale at all, and "local" layers that see only the last window_size keys."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from families.common import NEG, CFcMLP, full_vocab, init_family
from modeling import GPT2_VOCAB


class GPTNeoSelfAttention(nn.Module):
    def __init__(self, hidden, heads, max_pos, attention_type, window_size):
        super().__init__()
        bias = torch.tril(torch.ones(max_pos, max_pos, dtype=torch.bool)).view(1, 1, max_pos, max_pos)
        if attention_type == "local":  # keys j with i - window_size < j <= i
            bias = torch.bitwise_xor(bias, torch.tril(bias, -window_size))
        self.register_buffer("bias", bias, persistent=False)
        self.num_heads, self.head_dim = heads, hidden // heads
        self.k_proj = nn.Linear(hidden, hidden, bias=False)
        self.v_proj = nn.Linear(hidden, hidden, bias=False)
        self.q_proj = nn.Linear(hidden, hidden, bias=False)
        self.out_proj = nn.Linear(hidden, hidden)

    def _split_heads(self, t):
        return t.view(t.size()[:-1] + (self.num_heads, self.head_dim)).permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask):
        query = self._split_heads(self.q_proj(hidden_states))
        key = self._split_heads(self.k_proj(hidden_states))
        value = self._split_heads(self.v_proj(hidden_states))
        # _attn: computed in float32, no scaling (GPT-Neo was trained without the 1/√d)
        attn_weights = torch.matmul(query.to(torch.float32), key.to(torch.float32).transpose(-1, -2))
        S = query.size(-2)
        attn_weights = torch.where(self.bias[:, :, :S, :S], attn_weights, torch.tensor(NEG))
        attn_weights = attn_weights + attention_mask
        attn_weights = F.softmax(attn_weights, dim=-1).to(value.dtype)
        out = torch.matmul(attn_weights, value).permute(0, 2, 1, 3).contiguous()
        return self.out_proj(out.view(out.size()[:-2] + (self.num_heads * self.head_dim,)))


class GPTNeoAttention(nn.Module):
    def __init__(self, *args):
        super().__init__()
        self.attention = GPTNeoSelfAttention(*args)

    def forward(self, x, mask):
        return self.attention(x, mask)


class GPTNeoBlock(nn.Module):
    def __init__(self, hidden, heads, inner, max_pos, attention_type, window_size):
        super().__init__()
        self.ln_1 = nn.LayerNorm(hidden)
        self.attn = GPTNeoAttention(hidden, heads, max_pos, attention_type, window_size)
        self.ln_2 = nn.LayerNorm(hidden)
        self.mlp = CFcMLP(hidden, inner)

    def forward(self, x, mask):
        x = x + self.attn(self.ln_1(x), mask)
        return x + self.mlp(self.ln_2(x))


class GPTNeoModel(nn.Module):
    def __init__(self, n_rows, hidden, heads, inner, max_pos, attention_layers, window_size):
        super().__init__()
        self.wte = nn.Embedding(n_rows, hidden)
        self.wpe = nn.Embedding(max_pos, hidden)
        self.h = nn.ModuleList([GPTNeoBlock(hidden, heads, inner, max_pos, kind, window_size) for kind in attention_layers])
        self.ln_f = nn.LayerNorm(hidden)

    def forward(self, rows, attention_mask):
        pos = torch.arange(rows.size(1), dtype=torch.long).unsqueeze(0)
        x = self.wte(rows) + self.wpe(pos)
        mask = (1.0 - attention_mask[:, None, None, :].float()) * NEG
        for block in self.h:
            x = block(x, mask)
        return self.ln_f(x)


class GPTNeoForCausalLM(nn.Module):
    """Takes real GPT-2 ids (row = id % n_rows), returns logits over all 50257 GPT-2 ids (tied lm_head)."""

    def __init__(self, n_rows, hidden, heads, inner, max_pos, attention_layers, window_size):
        super().__init__()
        self.n_rows = n_rows
        self.transformer = GPTNeoModel(n_rows, hidden, heads, inner, max_pos, attention_layers, window_size)
        init_family(self, ["q_proj", "k_proj"], qk_std=0.15)  # unscaled scores: smaller q and k keep heads soft

    def forward(self, input_ids, attention_mask):
        h = self.transformer(input_ids % self.n_rows, attention_mask)
        return full_vocab(F.linear(h, self.transformer.wte.weight), self.n_rows)


def gpt_neo_config(hidden, heads, inner, max_pos, attention_layers, window_size):
    return {
        "architectures": ["GPTNeoForCausalLM"], "model_type": "gpt_neo", "vocab_size": GPT2_VOCAB,
        "hidden_size": hidden, "num_layers": len(attention_layers), "num_heads": heads, "intermediate_size": inner,
        "attention_types": [[["global", "local"], len(attention_layers) // 2]], "attention_layers": attention_layers,
        "window_size": window_size, "max_position_embeddings": max_pos, "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-5, "bos_token_id": 50256, "eos_token_id": 50256, "use_cache": False,
    }
