"""Attention families whose eager code differs from GPT-2/BERT/Llama, each written after Hugging Face's own
modeling file and keeping its attribute names (so torch.onnx names nodes the way optimum exports do):

  OPT      modeling_opt.py      q scaled before Q·Kᵀ, 3-D [B·H, S, S] bmm, Softmax on 3-D scores
  BLOOM    modeling_bloom.py    ALiBi bias, baddbmm(alibi, q, kᵀ, beta=1, alpha=1/√d) on 3-D, Kᵀ made 3-D directly
  BART     modeling_bart.py     encoder self-attention: q scaled before Q·Kᵀ, 3-D bmm, Softmax on 3-D scores
  T5       modeling_t5.py       encoder: no 1/√d scale, bucketed relative position bias (layer 0's table, shared)
  GPT-NeoX modeling_gpt_neox.py partial rotary (first rotary_pct of each head), fused interleaved QKV, baddbmm
  Gemma 2  modeling_gemma2.py   scale = query_pre_attn_scalar^-0.5, tanh soft-capping, sliding window on even layers

Every class here is inference-only and small; the fixture makers in make_fixtures.py export them.
Run with Debian's /usr/bin/python3 (torch 1.13, onnx 1.12).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from modeling import GPT2_VOCAB, OPSET, LlamaRMSNorm, _init_weights, repeat_kv, rotate_half

# Random weights at std 0.02 give near-uniform attention; the Q and K projections get this std instead so every
# head has visible structure and the scale and the additive terms change the probabilities measurably.
QK_STD = 0.25
NEG = torch.finfo(torch.float32).min


def init_family(model, qk_names):
    """HF-style init (std 0.02, zero bias), then QK_STD for the weights whose name ends with one of qk_names."""
    model.apply(_init_weights)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if any(name.endswith(n + ".weight") for n in qk_names):
                nn.init.normal_(p, 0.0, QK_STD)


def full_vocab(logits, n_rows):
    """Compact-table logits -> logits over all 50257 GPT-2 ids (id j gets row j % n_rows), as the other fixtures."""
    return logits.repeat(1, 1, -(-GPT2_VOCAB // n_rows))[:, :, :GPT2_VOCAB]


def allowed_mask(attention_mask, causal):
    """[B, 1, S, S] bool: key j visible from query i (padding from attention_mask; j ≤ i when causal)."""
    S = attention_mask.size(1)
    allowed = attention_mask[:, None, None, :].bool()
    if causal:
        allowed = allowed & torch.tril(torch.ones(S, S, dtype=torch.bool))[None, None]
    return allowed


def additive(allowed):
    """HF's 4-D additive mask: 0 where visible, finfo.min where not."""
    return torch.where(allowed, torch.tensor(0.0), torch.tensor(NEG))


def export_lm(model, path, seq=5, input_names=("input_ids", "attention_mask"), output="logits"):
    """optimum-style export without a cache: input_ids, attention_mask [batch, sequence] -> logits/last_hidden_state."""
    model.eval()
    ids = torch.arange(seq, dtype=torch.long).unsqueeze(0) + 464
    axes = {0: "batch_size", 1: "sequence_length"}
    with torch.no_grad():
        torch.onnx.export(model, (ids, torch.ones_like(ids)), path, input_names=list(input_names), output_names=[output],
                          dynamic_axes={n: axes for n in [*input_names, output]}, opset_version=OPSET,
                          do_constant_folding=True)


# ----------------------------------------------------------------------------------------------
# OPT (facebook/opt-*): decoder, pre-LayerNorm, learned positions offset by 2
# ----------------------------------------------------------------------------------------------
class OPTAttention(nn.Module):
    def __init__(self, embed_dim, num_heads):
        super().__init__()
        self.embed_dim, self.num_heads, self.head_dim = embed_dim, num_heads, embed_dim // num_heads
        self.scaling = self.head_dim ** -0.5
        self.k_proj = nn.Linear(embed_dim, embed_dim)
        self.v_proj = nn.Linear(embed_dim, embed_dim)
        self.q_proj = nn.Linear(embed_dim, embed_dim)
        self.out_proj = nn.Linear(embed_dim, embed_dim)

    def _shape(self, t, seq_len, bsz):
        return t.view(bsz, seq_len, self.num_heads, self.head_dim).transpose(1, 2).contiguous()

    def forward(self, hidden_states, attention_mask):
        bsz, tgt_len, _ = hidden_states.size()
        query_states = self.q_proj(hidden_states) * self.scaling
        key_states = self._shape(self.k_proj(hidden_states), -1, bsz)
        value_states = self._shape(self.v_proj(hidden_states), -1, bsz)
        proj_shape = (bsz * self.num_heads, -1, self.head_dim)
        query_states = self._shape(query_states, tgt_len, bsz).view(*proj_shape)
        key_states = key_states.view(*proj_shape)
        value_states = value_states.view(*proj_shape)
        src_len = key_states.size(1)
        attn_weights = torch.bmm(query_states, key_states.transpose(1, 2))
        attn_weights = attn_weights.view(bsz, self.num_heads, tgt_len, src_len) + attention_mask
        attn_weights = torch.max(attn_weights, torch.tensor(NEG))
        attn_weights = attn_weights.view(bsz * self.num_heads, tgt_len, src_len)
        attn_weights = F.softmax(attn_weights, dim=-1)
        attn_output = torch.bmm(attn_weights, value_states)
        attn_output = attn_output.view(bsz, self.num_heads, tgt_len, self.head_dim).transpose(1, 2)
        return self.out_proj(attn_output.reshape(bsz, tgt_len, self.embed_dim))


class OPTDecoderLayer(nn.Module):
    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.self_attn = OPTAttention(hidden, heads)
        self.self_attn_layer_norm = nn.LayerNorm(hidden)
        self.fc1 = nn.Linear(hidden, ffn)
        self.fc2 = nn.Linear(ffn, hidden)
        self.final_layer_norm = nn.LayerNorm(hidden)

    def forward(self, x, mask):
        x = x + self.self_attn(self.self_attn_layer_norm(x), mask)
        return x + self.fc2(F.relu(self.fc1(self.final_layer_norm(x))))


class OPTLearnedPositionalEmbedding(nn.Embedding):
    """Positions count attended tokens (cumsum of the mask) and start at row 2."""
    offset = 2

    def __init__(self, num_embeddings, embedding_dim):
        super().__init__(num_embeddings + self.offset, embedding_dim)

    def forward(self, attention_mask):
        positions = (torch.cumsum(attention_mask, dim=1).type_as(attention_mask) * attention_mask).long() - 1
        return super().forward(positions + self.offset)


class OPTDecoder(nn.Module):
    def __init__(self, n_rows, hidden, heads, layers, ffn, max_pos):
        super().__init__()
        self.embed_tokens = nn.Embedding(n_rows, hidden)
        self.embed_positions = OPTLearnedPositionalEmbedding(max_pos, hidden)
        self.layers = nn.ModuleList([OPTDecoderLayer(hidden, heads, ffn) for _ in range(layers)])
        self.final_layer_norm = nn.LayerNorm(hidden)

    def forward(self, rows, attention_mask):
        x = self.embed_tokens(rows) + self.embed_positions(attention_mask)
        mask = additive(allowed_mask(attention_mask, causal=True))
        for layer in self.layers:
            x = layer(x, mask)
        return self.final_layer_norm(x)


class OPTModel(nn.Module):
    def __init__(self, *args):
        super().__init__()
        self.decoder = OPTDecoder(*args)

    def forward(self, rows, attention_mask):
        return self.decoder(rows, attention_mask)


class OPTForCausalLM(nn.Module):
    """Ids are RoBERTa/OPT byte-level BPE ids; embedding row = id % n_rows."""

    def __init__(self, n_rows, hidden, heads, layers, ffn, max_pos):
        super().__init__()
        self.n_rows = n_rows
        self.model = OPTModel(n_rows, hidden, heads, layers, ffn, max_pos)
        init_family(self, ["q_proj", "k_proj"])

    def forward(self, input_ids, attention_mask):
        h = self.model(input_ids % self.n_rows, attention_mask)
        return full_vocab(F.linear(h, self.model.decoder.embed_tokens.weight), self.n_rows)  # tied lm_head


def opt_config(vocab, hidden, heads, layers, ffn, max_pos):
    return {
        "architectures": ["OPTForCausalLM"], "model_type": "opt", "vocab_size": vocab, "hidden_size": hidden,
        "num_hidden_layers": layers, "num_attention_heads": heads, "ffn_dim": ffn, "max_position_embeddings": max_pos,
        "word_embed_proj_dim": hidden, "do_layer_norm_before": True, "activation_function": "relu",
        "enable_bias": True, "layer_norm_elementwise_affine": True, "pad_token_id": 1, "bos_token_id": 2,
        "eos_token_id": 2, "prefix": "</s>", "use_cache": False,
    }


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


class BloomMLP(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.dense_h_to_4h = nn.Linear(hidden, 4 * hidden)
        self.dense_4h_to_h = nn.Linear(4 * hidden, hidden)

    def forward(self, x):
        return self.dense_4h_to_h(F.gelu(self.dense_h_to_4h(x), approximate="tanh"))


class BloomBlock(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.input_layernorm = nn.LayerNorm(hidden)
        self.self_attention = BloomAttention(hidden, heads)
        self.post_attention_layernorm = nn.LayerNorm(hidden)
        self.mlp = BloomMLP(hidden)

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


# ----------------------------------------------------------------------------------------------
# BART encoder (facebook/bart-*, and Marian/mBART/M2M100, which share BartAttention): post-LayerNorm
# ----------------------------------------------------------------------------------------------
class BartAttention(OPTAttention):
    """BartAttention's eager path is OPT's minus the finfo.min clamp (OPT copied it from BART)."""

    def forward(self, hidden_states, attention_mask):
        bsz, tgt_len, _ = hidden_states.size()
        query_states = self.q_proj(hidden_states) * self.scaling
        key_states = self._shape(self.k_proj(hidden_states), -1, bsz)
        value_states = self._shape(self.v_proj(hidden_states), -1, bsz)
        proj_shape = (bsz * self.num_heads, -1, self.head_dim)
        query_states = self._shape(query_states, tgt_len, bsz).view(*proj_shape)
        key_states = key_states.reshape(*proj_shape)
        value_states = value_states.reshape(*proj_shape)
        src_len = key_states.size(1)
        attn_weights = torch.bmm(query_states, key_states.transpose(1, 2))
        attn_weights = attn_weights.view(bsz, self.num_heads, tgt_len, src_len) + attention_mask
        attn_weights = attn_weights.view(bsz * self.num_heads, tgt_len, src_len)
        attn_weights = F.softmax(attn_weights, dim=-1)
        attn_output = torch.bmm(attn_weights, value_states)
        attn_output = attn_output.view(bsz, self.num_heads, tgt_len, self.head_dim).transpose(1, 2)
        return self.out_proj(attn_output.reshape(bsz, tgt_len, self.embed_dim))


class BartEncoderLayer(nn.Module):
    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.self_attn = BartAttention(hidden, heads)
        self.self_attn_layer_norm = nn.LayerNorm(hidden)
        self.fc1 = nn.Linear(hidden, ffn)
        self.fc2 = nn.Linear(ffn, hidden)
        self.final_layer_norm = nn.LayerNorm(hidden)

    def forward(self, x, mask):
        x = self.self_attn_layer_norm(x + self.self_attn(x, mask))
        return self.final_layer_norm(x + self.fc2(F.gelu(self.fc1(x))))


class BartLearnedPositionalEmbedding(nn.Embedding):
    offset = 2

    def __init__(self, num_embeddings, embedding_dim):
        super().__init__(num_embeddings + self.offset, embedding_dim)

    def forward(self, input_ids):
        positions = torch.arange(input_ids.size(1), dtype=torch.long).unsqueeze(0)
        return super().forward(positions + self.offset)


class BartEncoder(nn.Module):
    def __init__(self, n_rows, hidden, heads, layers, ffn, max_pos):
        super().__init__()
        self.n_rows = n_rows
        self.embed_tokens = nn.Embedding(n_rows, hidden)
        self.embed_positions = BartLearnedPositionalEmbedding(max_pos, hidden)
        self.layers = nn.ModuleList([BartEncoderLayer(hidden, heads, ffn) for _ in range(layers)])
        self.layernorm_embedding = nn.LayerNorm(hidden)

    def forward(self, input_ids, attention_mask):
        x = self.layernorm_embedding(self.embed_tokens(input_ids % self.n_rows) + self.embed_positions(input_ids))
        mask = (1.0 - attention_mask[:, None, None, :].float()) * NEG  # _expand_mask, broadcast over queries
        for layer in self.layers:
            x = layer(x, mask)
        return x


class BartEncoderModel(nn.Module):
    """BART's encoder alone (what a feature-extraction export of the encoder holds): ids -> last_hidden_state."""

    def __init__(self, n_rows, hidden, heads, layers, ffn, max_pos):
        super().__init__()
        self.encoder = BartEncoder(n_rows, hidden, heads, layers, ffn, max_pos)
        init_family(self, ["q_proj", "k_proj"])

    def forward(self, input_ids, attention_mask):
        return self.encoder(input_ids, attention_mask)


def bart_config(vocab, hidden, heads, layers, ffn, max_pos):
    return {
        "architectures": ["BartModel"], "model_type": "bart", "vocab_size": vocab, "d_model": hidden,
        "encoder_layers": layers, "decoder_layers": layers, "encoder_attention_heads": heads,
        "decoder_attention_heads": heads, "encoder_ffn_dim": ffn, "decoder_ffn_dim": ffn, "num_hidden_layers": layers,
        "max_position_embeddings": max_pos, "activation_function": "gelu", "scale_embedding": False,
        "normalize_before": False, "is_encoder_decoder": True, "pad_token_id": 1, "bos_token_id": 0,
        "eos_token_id": 2, "decoder_start_token_id": 2, "forced_eos_token_id": 2, "use_cache": False,
    }


# ----------------------------------------------------------------------------------------------
# T5 encoder (T5EncoderModel, google-t5/t5-*): no 1/√d scale, relative position bias from layer 0
# ----------------------------------------------------------------------------------------------
def relative_position_bucket(relative_position, num_buckets=32, max_distance=128):
    """T5's bidirectional bucketing: half the buckets per direction, exact below num_buckets/4, log-spaced above."""
    num_buckets //= 2
    relative_buckets = (relative_position > 0).to(torch.long) * num_buckets
    relative_position = torch.abs(relative_position)
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    if_large = max_exact + (torch.log(relative_position.float() / max_exact) / math.log(max_distance / max_exact)
                            * (num_buckets - max_exact)).to(torch.long)
    if_large = torch.min(if_large, torch.full_like(if_large, num_buckets - 1))
    return relative_buckets + torch.where(is_small, relative_position, if_large)


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


class T5LayerNorm(nn.Module):
    """RMS norm without mean subtraction or bias."""

    def __init__(self, hidden, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden))
        self.variance_epsilon = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.variance_epsilon))


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


class GPTNeoXMLP(nn.Module):
    def __init__(self, hidden, inner):
        super().__init__()
        self.dense_h_to_4h = nn.Linear(hidden, inner)
        self.dense_4h_to_h = nn.Linear(inner, hidden)

    def forward(self, x):
        return self.dense_4h_to_h(F.gelu(self.dense_h_to_4h(x)))


class GPTNeoXLayer(nn.Module):
    def __init__(self, hidden, heads, inner, rotary_pct, max_pos):
        super().__init__()
        self.input_layernorm = nn.LayerNorm(hidden)
        self.post_attention_layernorm = nn.LayerNorm(hidden)
        self.attention = GPTNeoXAttention(hidden, heads, rotary_pct, max_pos)
        self.mlp = GPTNeoXMLP(hidden, inner)

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


class Gemma2MLP(nn.Module):
    def __init__(self, hidden, inner):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, inner, bias=False)
        self.up_proj = nn.Linear(hidden, inner, bias=False)
        self.down_proj = nn.Linear(inner, hidden, bias=False)

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
