"""A tiny Marian (Helsinki-NLP opus-mt-*) encoder-decoder in torch, after transformers' modeling_marian.py, for
the encoder-decoder fixture. Same computation and tensor layout as HF's eager code: embeddings scaled by √d_model,
sinusoidal positions (sines in the first half, cosines in the second), post-layer-norm blocks, BART-style
attention (q_proj · head_dim^-½, 3-D [B·H, T, S] scores), SiLU, tied embeddings and final_logits_bias.
Exported the way transformers.js lays Marian out: encoder_model.onnx and decoder_model.onnx (no past)."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

NEG = torch.finfo(torch.float32).min


def sinusoidal_table(n_pos, dim):
    """MarianSinusoidalPositionalEmbedding._init_weight."""
    enc = np.array([[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = np.zeros((n_pos, dim), np.float32)
    half = dim // 2 if dim % 2 == 0 else dim // 2 + 1
    out[:, :half] = np.sin(enc[:, 0::2])
    out[:, half:] = np.cos(enc[:, 1::2])
    return torch.tensor(out)


class MarianAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.head_dim = heads, d // heads
        self.scaling = self.head_dim ** -0.5
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))

    def _shape(self, t, bsz):
        return t.view(bsz, -1, self.heads, self.head_dim).transpose(1, 2).contiguous()

    def forward(self, x, kv, mask):
        """x [B, T, d]; kv [B, S, d] (x itself for self-attention); mask additive [B, 1, T, S]."""
        bsz, tgt, d = x.shape
        q = self._shape(self.q_proj(x) * self.scaling, bsz).view(bsz * self.heads, -1, self.head_dim)
        k = self._shape(self.k_proj(kv), bsz).view(bsz * self.heads, -1, self.head_dim)
        v = self._shape(self.v_proj(kv), bsz).view(bsz * self.heads, -1, self.head_dim)
        src = k.size(1)
        w = torch.bmm(q, k.transpose(1, 2))
        w = (w.view(bsz, self.heads, tgt, src) + mask).view(bsz * self.heads, tgt, src)
        w = F.softmax(w, dim=-1)
        out = torch.bmm(w, v).view(bsz, self.heads, tgt, self.head_dim).transpose(1, 2).reshape(bsz, tgt, d)
        return self.out_proj(out)


class EncoderLayer(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.self_attn = MarianAttention(d, heads)
        self.self_attn_layer_norm, self.final_layer_norm = nn.LayerNorm(d), nn.LayerNorm(d)
        self.fc1, self.fc2 = nn.Linear(d, ffn), nn.Linear(ffn, d)

    def forward(self, x, mask):
        x = self.self_attn_layer_norm(x + self.self_attn(x, x, mask))
        return self.final_layer_norm(x + self.fc2(F.silu(self.fc1(x))))


class DecoderLayer(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.self_attn, self.encoder_attn = MarianAttention(d, heads), MarianAttention(d, heads)
        self.self_attn_layer_norm, self.encoder_attn_layer_norm, self.final_layer_norm = (nn.LayerNorm(d) for _ in range(3))
        self.fc1, self.fc2 = nn.Linear(d, ffn), nn.Linear(ffn, d)

    def forward(self, x, causal, enc, cross_mask):
        x = self.self_attn_layer_norm(x + self.self_attn(x, x, causal))
        x = self.encoder_attn_layer_norm(x + self.encoder_attn(x, enc, cross_mask))
        return self.final_layer_norm(x + self.fc2(F.silu(self.fc1(x))))


def padding_mask(attention_mask):
    """[B, S] of 1/0 → additive [B, 1, 1, S]."""
    return (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * NEG


class MarianMTModel(nn.Module):
    def __init__(self, vocab, d, heads, layers, ffn, max_pos, pad_id):
        super().__init__()
        self.embed_scale = math.sqrt(d)
        self.shared = nn.Embedding(vocab, d, padding_idx=pad_id)
        self.register_buffer("positions", sinusoidal_table(max_pos, d))
        self.encoder_layers = nn.ModuleList(EncoderLayer(d, heads, ffn) for _ in range(layers))
        self.decoder_layers = nn.ModuleList(DecoderLayer(d, heads, ffn) for _ in range(layers))
        self.register_buffer("final_logits_bias", torch.zeros(1, vocab))

    def embed(self, ids):
        return self.shared(ids) * self.embed_scale + self.positions[: ids.shape[1]]

    def encode(self, input_ids, attention_mask):
        x, mask = self.embed(input_ids), padding_mask(attention_mask)
        for layer in self.encoder_layers:
            x = layer(x, mask)
        return x

    def decode(self, input_ids, encoder_attention_mask, encoder_hidden_states):
        t = input_ids.shape[1]
        causal = torch.triu(torch.full((t, t), NEG), diagonal=1)[None, None]
        x, cross = self.embed(input_ids), padding_mask(encoder_attention_mask)
        for layer in self.decoder_layers:
            x = layer(x, causal, encoder_hidden_states, cross)
        return F.linear(x, self.shared.weight) + self.final_logits_bias


class Encoder(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model.encode(input_ids, attention_mask)


class Decoder(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, encoder_attention_mask, input_ids, encoder_hidden_states):
        return self.model.decode(input_ids, encoder_attention_mask, encoder_hidden_states)


def export(model, encoder_path, decoder_path, opset=14, src_ids=(5, 6, 7, 0), dec_ids=None):
    """transformers.js's layout: encoder (input_ids, attention_mask -> last_hidden_state) and decoder
    (encoder_attention_mask, input_ids, encoder_hidden_states -> logits), dynamic batch and lengths. Any model
    with encode() and decode() (BART, M2M100, T5 too); the ids only trace the graphs."""
    model.eval()
    src = torch.tensor([list(src_ids)])
    mask = torch.ones_like(src)
    dec = torch.tensor([list(dec_ids) if dec_ids is not None else [model.shared.padding_idx, 5, 6]])
    b_s = {0: "batch_size", 1: "encoder_sequence_length"}
    with torch.no_grad():
        hidden = model.encode(src, mask)
        torch.onnx.export(Encoder(model), (src, mask), encoder_path, input_names=["input_ids", "attention_mask"],
                          output_names=["last_hidden_state"], opset_version=opset,
                          dynamic_axes={"input_ids": b_s, "attention_mask": b_s, "last_hidden_state": b_s})
        torch.onnx.export(Decoder(model), (mask, dec, hidden), decoder_path,
                          input_names=["encoder_attention_mask", "input_ids", "encoder_hidden_states"],
                          output_names=["logits"], opset_version=opset,
                          dynamic_axes={"encoder_attention_mask": b_s, "encoder_hidden_states": b_s,
                                        "input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                                        "logits": {0: "batch_size", 1: "decoder_sequence_length"}})
