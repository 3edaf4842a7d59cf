"""Small PyTorch transformers that keep Hugging Face attribute names, plus optimum-style ONNX export.

Keeping HF names (transformer.h.0.attn.c_attn, encoder.layer.0.attention.self.query, ...) makes
torch.onnx.export name nodes the way optimum exports do (`/transformer/h.0/attn/c_attn/Gemm`,
`/encoder/layer.0/attention/self/Softmax`), so fixtures look like real hub models.

Shared by make_fixtures.py, make_bench_model.py and train_embedded.py.
Run with Debian's /usr/bin/python3 (torch 1.13, onnx 1.12).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

GPT2_VOCAB = 50257
OPSET = 14


# ----------------------------------------------------------------------------------------------
# GPT-2
# ----------------------------------------------------------------------------------------------
class Conv1D(nn.Module):
    """HF GPT-2's Conv1D: a Linear with transposed weight [in, out]; addmm exports as Gemm."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.randn(nx, nf) * 0.02)
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


class GPT2Attention(nn.Module):
    def __init__(self, n_embd, n_head, n_positions):
        super().__init__()
        self.n_head = n_head
        self.head_dim = n_embd // n_head
        # Same lower-triangular bool buffer as HF GPT-2 (exported as a constant, sliced per call).
        self.register_buffer(
            "bias", torch.tril(torch.ones(n_positions, n_positions, dtype=torch.bool)).view(1, 1, n_positions, n_positions),
            persistent=False)
        self.c_attn = Conv1D(3 * n_embd, n_embd)
        self.c_proj = Conv1D(n_embd, n_embd)

    def _split_heads(self, x):
        return x.view(x.size()[:-1] + (self.n_head, self.head_dim)).permute(0, 2, 1, 3)  # [B,H,S,D]

    def forward(self, x, ext_mask, layer_past=None, need_weights=False):
        query, key, value = self.c_attn(x).split(self.head_dim * self.n_head, dim=2)
        query, key, value = self._split_heads(query), self._split_heads(key), self._split_heads(value)
        if layer_past is not None:
            key = torch.cat((layer_past[0], key), dim=-2)
            value = torch.cat((layer_past[1], value), dim=-2)
        present = (key, value)

        w = torch.matmul(query, key.transpose(-1, -2))
        w = w / torch.full([], value.size(-1) ** 0.5, dtype=w.dtype)
        q_len, k_len = query.size(-2), key.size(-2)
        causal = self.bias[:, :, k_len - q_len:k_len, :k_len]
        w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
        w = w + ext_mask
        probs = F.softmax(w, dim=-1)
        out = torch.matmul(probs, value)
        out = out.permute(0, 2, 1, 3).contiguous()
        out = out.view(out.size()[:-2] + (self.n_head * self.head_dim,))
        out = self.c_proj(out)
        return out, present, (probs if need_weights else None)


class GPT2MLP(nn.Module):
    def __init__(self, n_embd, n_inner):
        super().__init__()
        self.c_fc = Conv1D(n_inner, n_embd)
        self.c_proj = Conv1D(n_embd, n_inner)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class GPT2Block(nn.Module):
    def __init__(self, n_embd, n_head, n_positions):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = GPT2Attention(n_embd, n_head, n_positions)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = GPT2MLP(n_embd, 4 * n_embd)

    def forward(self, x, ext_mask, layer_past=None, need_weights=False):
        a, present, probs = self.attn(self.ln_1(x), ext_mask, layer_past, need_weights)
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return x, present, probs


class GPT2Model(nn.Module):
    def __init__(self, n_rows, n_embd, n_head, n_layer, n_positions):
        super().__init__()
        self.wte = nn.Embedding(n_rows, n_embd)
        self.wpe = nn.Embedding(n_positions, n_embd)
        self.h = nn.ModuleList([GPT2Block(n_embd, n_head, n_positions) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)

    def forward(self, rows, attention_mask=None, past=None, need_weights=False, pos_offset=0):
        """rows: compact ids [B,S]. Returns (hidden, presents, probs per layer).
        pos_offset (training only) shifts positions so that positions beyond the training block get trained."""
        past_len = 0 if past is None else past[0][0].size(-2)
        start = past_len + pos_offset
        pos = torch.arange(start, start + rows.size(1), dtype=torch.long).unsqueeze(0)
        x = self.wte(rows) + self.wpe(pos)
        if attention_mask is None:
            ext = torch.zeros((), dtype=x.dtype)
        else:  # HF GPT-2: [B,1,1,K], 0 where attended, finfo.min where padded
            ext = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        presents, probs = [], []
        for i, block in enumerate(self.h):
            x, present, p = block(x, ext, None if past is None else past[i], need_weights)
            presents.append(present)
            probs.append(p)
        return self.ln_f(x), presents, probs


class GPT2LMHeadModel(nn.Module):
    """GPT-2 with a compact embedding table addressed by real GPT-2 ids.

    Real GPT-2 id -> embedding row, inside the graph:
      * id_map=None: `input_ids % n_rows` (random fixtures: any GPT-2 id is valid, weights stay tiny);
      * id_map=LongTensor[50257]: Gather from a constant table (trained model: ids the corpus uses get
        their own row, all others share an unk row).
    Logits always come out over the full GPT-2 vocabulary [B, S, 50257], so the model is a drop-in
    GPT-2 for decoding: id j gets the logit of its row; ids without a row of their own get finfo.min.
    """

    def __init__(self, n_rows, n_embd, n_head, n_layer, n_positions, id_map=None, unk_row=None):
        super().__init__()
        self.n_layer, self.n_head, self.head_dim = n_layer, n_head, n_embd // n_head
        self.n_rows = n_rows
        self.transformer = GPT2Model(n_rows, n_embd, n_head, n_layer, n_positions)
        if id_map is not None:
            self.register_buffer("id_map", id_map.long())
            self.unk_row = unk_row
        else:
            self.id_map = None
        self.apply(_init_weights)
        for n, p in self.named_parameters():  # GPT-2's scaled init of residual projections
            if n.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * n_layer))

    def rows(self, input_ids):
        if self.id_map is None:
            return input_ids % self.n_rows
        return self.id_map[input_ids]

    def compact_logits(self, h):
        return F.linear(h, self.transformer.wte.weight)  # tied embeddings, like GPT-2

    def full_logits(self, h):
        logits = self.compact_logits(h)
        if self.id_map is None:
            # id j -> row j % n_rows, without a 50257-entry table: Tile then Slice.
            reps = -(-GPT2_VOCAB // self.n_rows)
            return logits.repeat(1, 1, reps)[:, :, :GPT2_VOCAB]
        full = logits[:, :, self.id_map]  # Gather(axis=-1) with the same constant table
        has_row = self.id_map != self.unk_row
        return torch.where(has_row, full, torch.tensor(torch.finfo(full.dtype).min, dtype=full.dtype))

    def forward(self, input_ids, attention_mask, *past_flat):
        past = None
        if past_flat:
            past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(self.n_layer)]
        h, presents, _ = self.transformer(self.rows(input_ids), attention_mask, past)
        out = [self.full_logits(h)]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


def _init_weights(m):
    if isinstance(m, (nn.Linear, nn.Embedding)):
        nn.init.normal_(m.weight, 0.0, 0.02)
    if isinstance(m, nn.Linear) and m.bias is not None:
        nn.init.zeros_(m.bias)


def export_gpt2(model, path):
    """optimum-style decoder export: input_ids, attention_mask, past_key_values.N.key/value ->
    logits, present.N.key/value. Traced with past length 2 so the past branch is in the graph;
    feed past tensors of shape [B, n_head, 0, head_dim] for a fresh sequence."""
    model.eval()
    B, S, P = 1, 3, 2
    ids = torch.tensor([[464, 14256, 1625]], dtype=torch.long)[:, :S]
    mask = torch.ones(B, P + S, dtype=torch.long)
    past = [torch.zeros(B, model.n_head, P, model.head_dim) for _ in range(2 * model.n_layer)]
    in_names = ["input_ids", "attention_mask"]
    out_names = ["logits"]
    dyn = {"input_ids": {0: "batch_size", 1: "sequence_length"},
           "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
           "logits": {0: "batch_size", 1: "sequence_length"}}
    for i in range(model.n_layer):
        for kv in ("key", "value"):
            n_in, n_out = f"past_key_values.{i}.{kv}", f"present.{i}.{kv}"
            in_names.append(n_in)
            out_names.append(n_out)
            dyn[n_in] = {0: "batch_size", 2: "past_sequence_length"}
            dyn[n_out] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask, *past), path, input_names=in_names, output_names=out_names,
                          dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)


def gpt2_config(n_embd, n_head, n_layer, n_positions, **extra):
    cfg = {
        "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
        "vocab_size": GPT2_VOCAB, "n_positions": n_positions, "n_ctx": n_positions,
        "n_embd": n_embd, "n_layer": n_layer, "n_head": n_head, "n_inner": None,
        "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5,
        "bos_token_id": 50256, "eos_token_id": 50256, "use_cache": True,
    }
    cfg.update(extra)
    return cfg


# ----------------------------------------------------------------------------------------------
# BERT
# ----------------------------------------------------------------------------------------------
class BertEmbeddings(nn.Module):
    def __init__(self, vocab, hidden, max_pos, type_vocab=2):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden)
        self.position_embeddings = nn.Embedding(max_pos, hidden)
        self.token_type_embeddings = nn.Embedding(type_vocab, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, input_ids, token_type_ids):
        pos = torch.arange(input_ids.size(1), dtype=torch.long).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids) + self.position_embeddings(pos)
        return self.LayerNorm(x)


class BertSelfAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.num_attention_heads, self.attention_head_size = heads, hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)

    def _t(self, x):
        return x.view(x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)).permute(0, 2, 1, 3)

    def forward(self, x, ext_mask):
        q, k, v = self._t(self.query(x)), self._t(self.key(x)), self._t(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.attention_head_size)
        probs = F.softmax(scores + ext_mask, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.size()[:-2] + (-1,))


class BertSelfOutput(nn.Module):
    def __init__(self, hidden, inner=None):
        super().__init__()
        self.dense = nn.Linear(inner or hidden, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, h, residual):
        return self.LayerNorm(self.dense(h) + residual)


class BertAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.self = BertSelfAttention(hidden, heads)
        self.output = BertSelfOutput(hidden)

    def forward(self, x, ext_mask):
        return self.output(self.self(x, ext_mask), x)


class BertIntermediate(nn.Module):
    def __init__(self, hidden, inner):
        super().__init__()
        self.dense = nn.Linear(hidden, inner)

    def forward(self, x):
        return F.gelu(self.dense(x))


class BertLayer(nn.Module):
    def __init__(self, hidden, heads, inner):
        super().__init__()
        self.attention = BertAttention(hidden, heads)
        self.intermediate = BertIntermediate(hidden, inner)
        self.output = BertSelfOutput(hidden, inner)

    def forward(self, x, ext_mask):
        a = self.attention(x, ext_mask)
        return self.output(self.intermediate(a), a)


class BertEncoder(nn.Module):
    def __init__(self, hidden, heads, layers, inner):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(hidden, heads, inner) for _ in range(layers)])

    def forward(self, x, ext_mask):
        for layer in self.layer:
            x = layer(x, ext_mask)
        return x


class BertModel(nn.Module):
    def __init__(self, vocab, hidden, heads, layers, inner, max_pos):
        super().__init__()
        self.embeddings = BertEmbeddings(vocab, hidden, max_pos)
        self.encoder = BertEncoder(hidden, heads, layers, inner)
        self.apply(_init_weights)

    def forward(self, input_ids, attention_mask, token_type_ids):
        x = self.embeddings(input_ids, token_type_ids)
        ext = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        return self.encoder(x, ext)


def export_bert(model, path, seq=5):
    model.eval()
    ids = torch.arange(seq, dtype=torch.long).unsqueeze(0) + 1
    ones = torch.ones_like(ids)
    axes = {0: "batch_size", 1: "sequence_length"}
    with torch.no_grad():
        torch.onnx.export(model, (ids, ones, torch.zeros_like(ids)), path,
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["last_hidden_state"],
                          dynamic_axes={n: axes for n in ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
                          opset_version=OPSET, do_constant_folding=True)


def bert_config(vocab, hidden, heads, layers, inner, max_pos):
    return {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": vocab,
        "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
        "intermediate_size": inner, "hidden_act": "gelu", "max_position_embeddings": max_pos,
        "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0,
    }


# ----------------------------------------------------------------------------------------------
# LLaMA-like decoder in the torch-2 scaled_dot_product_attention export pattern
# ----------------------------------------------------------------------------------------------
class LlamaRMSNorm(nn.Module):
    def __init__(self, hidden, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


class LlamaAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.num_heads, self.head_dim = heads, hidden // heads
        self.q_proj = nn.Linear(hidden, hidden, bias=False)
        self.k_proj = nn.Linear(hidden, hidden, bias=False)
        self.v_proj = nn.Linear(hidden, hidden, bias=False)
        self.o_proj = nn.Linear(hidden, hidden, bias=False)

    def forward(self, x, add_mask):
        B, S, _ = x.shape
        q = self.q_proj(x).view(B, S, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(B, S, self.num_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(B, S, self.num_heads, self.head_dim).transpose(1, 2)
        # What torch>=2's SDPA symbolic emits: sqrt(scale) multiplied into Q and K^T *before* the
        # MatMul, then an additive float mask, Softmax, MatMul V. (No rotary: irrelevant to the layout.)
        sqrt_scale = math.sqrt(1.0 / math.sqrt(self.head_dim))
        scores = torch.matmul(q * sqrt_scale, k.transpose(-1, -2) * sqrt_scale)
        probs = F.softmax(scores + add_mask, dim=-1)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(B, S, -1)
        return self.o_proj(out)


class LlamaMLP(nn.Module):
    def __init__(self, hidden, inner):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, inner, bias=False)
        self.up_proj = nn.Linear(hidden, inner, bias=False)
        self.down_proj = nn.Linear(inner, hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, hidden, heads, inner):
        super().__init__()
        self.input_layernorm = LlamaRMSNorm(hidden)
        self.self_attn = LlamaAttention(hidden, heads)
        self.post_attention_layernorm = LlamaRMSNorm(hidden)
        self.mlp = LlamaMLP(hidden, inner)

    def forward(self, x, add_mask):
        x = x + self.self_attn(self.input_layernorm(x), add_mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaModel(nn.Module):
    def __init__(self, n_rows, hidden, heads, layers, inner):
        super().__init__()
        self.embed_tokens = nn.Embedding(n_rows, hidden)
        self.layers = nn.ModuleList([LlamaDecoderLayer(hidden, heads, inner) for _ in range(layers)])
        self.norm = LlamaRMSNorm(hidden)

    def forward(self, rows, attention_mask):
        x = self.embed_tokens(rows)
        S = rows.size(1)
        causal = torch.tril(torch.ones(S, S, dtype=torch.bool))[None, None]
        allowed = causal & attention_mask[:, None, None, :].bool()
        # One combined additive mask (0 / finfo.min), so a fully padded row never becomes -inf - -inf.
        add_mask = torch.where(allowed, torch.tensor(0.0), torch.tensor(torch.finfo(torch.float32).min))
        for layer in self.layers:
            x = layer(x, add_mask)
        return self.norm(x)


class LlamaForCausalLM(nn.Module):
    """Takes real GPT-2 ids (row = id % n_rows), returns logits over all 50257 GPT-2 ids."""

    def __init__(self, n_rows, hidden, heads, layers, inner):
        super().__init__()
        self.n_rows = n_rows
        self.model = LlamaModel(n_rows, hidden, heads, layers, inner)
        self.lm_head = nn.Linear(hidden, n_rows, bias=False)
        self.apply(_init_weights)

    def forward(self, input_ids, attention_mask):
        logits = self.lm_head(self.model(input_ids % self.n_rows, attention_mask))
        reps = -(-GPT2_VOCAB // self.n_rows)
        return logits.repeat(1, 1, reps)[:, :, :GPT2_VOCAB]


def export_llama(model, path):
    model.eval()
    ids = torch.tensor([[464, 14256, 1625]], dtype=torch.long)
    axes = {0: "batch_size", 1: "sequence_length"}
    with torch.no_grad():
        torch.onnx.export(model, (ids, torch.ones_like(ids)), path, input_names=["input_ids", "attention_mask"],
                          output_names=["logits"],
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": axes},
                          opset_version=OPSET, do_constant_folding=True)


# ----------------------------------------------------------------------------------------------
# Llama with rotary position embeddings and grouped-query attention, in Hugging Face's eager layout
# (what optimum exports for Llama, SmolLM, Mistral, Qwen2 when attention is not fused)
# ----------------------------------------------------------------------------------------------
class LlamaRotaryEmbedding(nn.Module):
    def __init__(self, head_dim, theta=10000.0):
        super().__init__()
        inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, position_ids):
        """position_ids [B,S] -> cos, sin [B,S,D] (HF: freqs repeated twice along the last axis)."""
        freqs = position_ids[:, :, None].float() * self.inv_freq[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos(), emb.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin):
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)  # [B,1,S,D], broadcast over heads
    return q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin


def repeat_kv(x, n_rep):
    """[B, kv_heads, S, D] -> [B, kv_heads * n_rep, S, D]: query head h reads K/V head h // n_rep."""
    if n_rep == 1:
        return x
    b, kv, s, d = x.shape
    return x[:, :, None, :, :].expand(b, kv, n_rep, s, d).reshape(b, kv * n_rep, s, d)


class LlamaGQAAttention(nn.Module):
    def __init__(self, hidden, heads, kv_heads):
        super().__init__()
        self.num_heads, self.num_key_value_heads, self.head_dim = heads, kv_heads, hidden // heads
        self.q_proj = nn.Linear(hidden, heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(hidden, kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(hidden, kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(heads * self.head_dim, hidden, bias=False)

    def forward(self, x, cos, sin, add_mask, layer_past=None):
        B, S, _ = x.shape
        q = self.q_proj(x).view(B, S, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(B, S, self.num_key_value_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(B, S, self.num_key_value_heads, self.head_dim).transpose(1, 2)
        q, k = apply_rotary_pos_emb(q, k, cos, sin)  # Q and K *after* rotary enter the dot product
        if layer_past is not None:
            k = torch.cat((layer_past[0], k), dim=-2)
            v = torch.cat((layer_past[1], v), dim=-2)
        present = (k, v)  # the cache keeps the kv_heads, like optimum's present.N.key/value
        groups = self.num_heads // self.num_key_value_heads
        k, v = repeat_kv(k, groups), repeat_kv(v, groups)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        probs = F.softmax(scores + add_mask, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(B, S, -1)
        return self.o_proj(out), present


class LlamaGQADecoderLayer(nn.Module):
    def __init__(self, hidden, heads, kv_heads, inner):
        super().__init__()
        self.input_layernorm = LlamaRMSNorm(hidden)
        self.self_attn = LlamaGQAAttention(hidden, heads, kv_heads)
        self.post_attention_layernorm = LlamaRMSNorm(hidden)
        self.mlp = LlamaMLP(hidden, inner)

    def forward(self, x, cos, sin, add_mask, layer_past=None):
        a, present = self.self_attn(self.input_layernorm(x), cos, sin, add_mask, layer_past)
        x = x + a
        return x + self.mlp(self.post_attention_layernorm(x)), present


class LlamaGQAModel(nn.Module):
    def __init__(self, n_rows, hidden, heads, kv_heads, layers, inner):
        super().__init__()
        self.embed_tokens = nn.Embedding(n_rows, hidden)
        self.layers = nn.ModuleList([LlamaGQADecoderLayer(hidden, heads, kv_heads, inner) for _ in range(layers)])
        self.norm = LlamaRMSNorm(hidden)
        self.rotary_emb = LlamaRotaryEmbedding(hidden // heads)

    def forward(self, rows, attention_mask, position_ids, past=None):
        x = self.embed_tokens(rows)
        S = rows.size(1)
        K = attention_mask.size(1)  # past + S
        # Query i (absolute position K - S + i) sees keys 0..K - S + i that the attention mask keeps.
        q_pos = torch.arange(S)[:, None] + (K - S)
        causal = torch.arange(K)[None, :] <= q_pos
        allowed = causal[None, None] & attention_mask[:, None, None, :].bool()
        add_mask = torch.where(allowed, torch.tensor(0.0), torch.tensor(torch.finfo(torch.float32).min))
        cos, sin = self.rotary_emb(position_ids)
        presents = []
        for i, layer in enumerate(self.layers):
            x, present = layer(x, cos, sin, add_mask, None if past is None else past[i])
            presents.append(present)
        return self.norm(x), presents


class LlamaGQAForCausalLM(nn.Module):
    """Takes real GPT-2 ids (row = id % n_rows), returns logits over all 50257 GPT-2 ids and the K/V cache."""

    def __init__(self, n_rows, hidden, heads, kv_heads, layers, inner):
        super().__init__()
        self.n_rows, self.n_layer = n_rows, layers
        self.num_key_value_heads, self.head_dim = kv_heads, hidden // heads
        self.model = LlamaGQAModel(n_rows, hidden, heads, kv_heads, layers, inner)
        self.lm_head = nn.Linear(hidden, n_rows, bias=False)
        self.apply(_init_weights)

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = None
        if past_flat:
            past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(self.n_layer)]
        h, presents = self.model(input_ids % self.n_rows, attention_mask, position_ids, past)
        logits = self.lm_head(h)
        reps = -(-GPT2_VOCAB // self.n_rows)
        out = [logits.repeat(1, 1, reps)[:, :, :GPT2_VOCAB]]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


def export_llama_gqa(model, path):
    """optimum-style Llama export: input_ids, attention_mask, position_ids, past_key_values.N.key/value
    [B, kv_heads, past, head_dim] -> logits, present.N.key/value. Traced with past length 2, so feed past
    tensors of shape [B, kv_heads, 0, head_dim] for a fresh sequence."""
    model.eval()
    B, S, P = 1, 3, 2
    ids = torch.tensor([[464, 14256, 1625]], dtype=torch.long)
    mask = torch.ones(B, P + S, dtype=torch.long)
    pos = torch.arange(P, P + S, dtype=torch.long).unsqueeze(0)
    past = [torch.zeros(B, model.num_key_value_heads, P, model.head_dim) for _ in range(2 * model.n_layer)]
    in_names = ["input_ids", "attention_mask", "position_ids"]
    out_names = ["logits"]
    dyn = {"input_ids": {0: "batch_size", 1: "sequence_length"},
           "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
           "position_ids": {0: "batch_size", 1: "sequence_length"},
           "logits": {0: "batch_size", 1: "sequence_length"}}
    for i in range(model.n_layer):
        for kv in ("key", "value"):
            n_in, n_out = f"past_key_values.{i}.{kv}", f"present.{i}.{kv}"
            in_names.append(n_in)
            out_names.append(n_out)
            dyn[n_in] = {0: "batch_size", 2: "past_sequence_length"}
            dyn[n_out] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask, pos, *past), path, input_names=in_names, output_names=out_names,
                          dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)


def llama_config(hidden, heads, kv_heads, layers, inner, max_pos, **extra):
    cfg = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": GPT2_VOCAB,
        "hidden_size": hidden, "intermediate_size": inner, "num_hidden_layers": layers,
        "num_attention_heads": heads, "num_key_value_heads": kv_heads, "head_dim": hidden // heads,
        "max_position_embeddings": max_pos, "hidden_act": "silu", "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
        "attention_bias": False, "tie_word_embeddings": False, "bos_token_id": 50256, "eos_token_id": 50256,
        "use_cache": True,
    }
    cfg.update(extra)
    return cfg


# ----------------------------------------------------------------------------------------------
# DistilBERT (HF names: embeddings, transformer.layer.N.attention.{q,k,v,out}_lin): Q is divided by √d
# *before* Q·Kᵀ, and padding is masked with masked_fill (Where) rather than an additive mask
# ----------------------------------------------------------------------------------------------
class DistilBertEmbeddings(nn.Module):
    def __init__(self, vocab, dim, max_pos):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, dim)
        self.position_embeddings = nn.Embedding(max_pos, dim)
        self.LayerNorm = nn.LayerNorm(dim, eps=1e-12)

    def forward(self, input_ids):
        pos = torch.arange(input_ids.size(1), dtype=torch.long).unsqueeze(0)
        return self.LayerNorm(self.word_embeddings(input_ids) + self.position_embeddings(pos))


class DistilBertSelfAttention(nn.Module):
    def __init__(self, dim, n_heads):
        super().__init__()
        self.n_heads, self.dim = n_heads, dim
        self.q_lin = nn.Linear(dim, dim)
        self.k_lin = nn.Linear(dim, dim)
        self.v_lin = nn.Linear(dim, dim)
        self.out_lin = nn.Linear(dim, dim)

    def forward(self, x, mask):
        B, S, _ = x.shape
        d = self.dim // self.n_heads
        shape = lambda t: t.view(B, -1, self.n_heads, d).transpose(1, 2)  # noqa: E731
        q, k, v = shape(self.q_lin(x)), shape(self.k_lin(x)), shape(self.v_lin(x))
        q = q / math.sqrt(d)
        scores = torch.matmul(q, k.transpose(2, 3))
        pad = (mask == 0).view(B, 1, 1, S).expand_as(scores)
        scores = scores.masked_fill(pad, torch.tensor(torch.finfo(scores.dtype).min))
        weights = F.softmax(scores, dim=-1)
        context = torch.matmul(weights, v).transpose(1, 2).contiguous().view(B, -1, self.n_heads * d)
        return self.out_lin(context)


class DistilBertFFN(nn.Module):
    def __init__(self, dim, hidden_dim):
        super().__init__()
        self.lin1 = nn.Linear(dim, hidden_dim)
        self.lin2 = nn.Linear(hidden_dim, dim)

    def forward(self, x):
        return self.lin2(F.gelu(self.lin1(x)))


class DistilBertBlock(nn.Module):
    def __init__(self, dim, n_heads, hidden_dim):
        super().__init__()
        self.attention = DistilBertSelfAttention(dim, n_heads)
        self.sa_layer_norm = nn.LayerNorm(dim, eps=1e-12)
        self.ffn = DistilBertFFN(dim, hidden_dim)
        self.output_layer_norm = nn.LayerNorm(dim, eps=1e-12)

    def forward(self, x, mask):
        sa = self.sa_layer_norm(self.attention(x, mask) + x)
        return self.output_layer_norm(self.ffn(sa) + sa)


class DistilBertTransformer(nn.Module):
    def __init__(self, dim, n_heads, hidden_dim, n_layers):
        super().__init__()
        self.layer = nn.ModuleList([DistilBertBlock(dim, n_heads, hidden_dim) for _ in range(n_layers)])

    def forward(self, x, mask):
        for block in self.layer:
            x = block(x, mask)
        return x


class DistilBertModel(nn.Module):
    def __init__(self, vocab, dim, n_heads, hidden_dim, n_layers, max_pos):
        super().__init__()
        self.embeddings = DistilBertEmbeddings(vocab, dim, max_pos)
        self.transformer = DistilBertTransformer(dim, n_heads, hidden_dim, n_layers)
        self.apply(_init_weights)

    def forward(self, input_ids, attention_mask):
        return self.transformer(self.embeddings(input_ids), attention_mask)


def export_encoder(model, path, input_names, seq=5):
    """optimum-style encoder export: the given int64 inputs [batch, sequence] -> last_hidden_state."""
    model.eval()
    ids = torch.arange(seq, dtype=torch.long).unsqueeze(0) + 5
    args = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "token_type_ids": torch.zeros_like(ids)}
    axes = {0: "batch_size", 1: "sequence_length"}
    with torch.no_grad():
        torch.onnx.export(model, tuple(args[n] for n in input_names), path, input_names=input_names,
                          output_names=["last_hidden_state"],
                          dynamic_axes={n: axes for n in [*input_names, "last_hidden_state"]},
                          opset_version=OPSET, do_constant_folding=True)


def distilbert_config(vocab, dim, n_heads, hidden_dim, n_layers, max_pos):
    return {
        "architectures": ["DistilBertModel"], "model_type": "distilbert", "vocab_size": vocab, "dim": dim,
        "n_layers": n_layers, "n_heads": n_heads, "hidden_dim": hidden_dim, "max_position_embeddings": max_pos,
        "activation": "gelu", "sinusoidal_pos_embds": False, "pad_token_id": 0,
    }


# ----------------------------------------------------------------------------------------------
# RoBERTa: BERT's encoder (same HF names) with position ids counted from padding_idx + 1 over non-pad
# tokens, one token type, byte-level BPE ids; inputs input_ids + attention_mask like optimum's export
# ----------------------------------------------------------------------------------------------
class RobertaEmbeddings(nn.Module):
    def __init__(self, n_rows, hidden, max_pos, padding_idx=1):
        super().__init__()
        self.n_rows, self.padding_idx = n_rows, padding_idx
        self.word_embeddings = nn.Embedding(n_rows, hidden)
        self.position_embeddings = nn.Embedding(max_pos + padding_idx + 1, hidden)
        self.token_type_embeddings = nn.Embedding(1, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-5)

    def forward(self, input_ids):
        mask = input_ids.ne(self.padding_idx).int()
        pos = (torch.cumsum(mask, dim=1).type_as(mask) * mask).long() + self.padding_idx
        types = torch.zeros_like(input_ids)
        x = self.word_embeddings(input_ids % self.n_rows) + self.token_type_embeddings(types) + self.position_embeddings(pos)
        return self.LayerNorm(x)


class RobertaModel(nn.Module):
    """Any id is valid: embedding row = id % n_rows inside the graph, so the vocabulary stays tiny."""

    def __init__(self, n_rows, hidden, heads, layers, inner, max_pos):
        super().__init__()
        self.embeddings = RobertaEmbeddings(n_rows, hidden, max_pos)
        self.encoder = BertEncoder(hidden, heads, layers, inner)
        self.apply(_init_weights)

    def forward(self, input_ids, attention_mask):
        x = self.embeddings(input_ids)
        ext = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        return self.encoder(x, ext)


def roberta_config(vocab, hidden, heads, layers, inner, max_pos):
    return {
        "architectures": ["RobertaModel"], "model_type": "roberta", "vocab_size": vocab, "hidden_size": hidden,
        "num_hidden_layers": layers, "num_attention_heads": heads, "intermediate_size": inner, "hidden_act": "gelu",
        "max_position_embeddings": max_pos + 2, "type_vocab_size": 1, "layer_norm_eps": 1e-5,
        "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2,
    }
