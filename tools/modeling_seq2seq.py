"""Tiny BART and M2M100/NLLB encoder-decoders in torch, after transformers' modeling_bart.py and
modeling_m2m_100.py (NLLB is M2M100ForConditionalGeneration with another tokenizer), for the encoder-decoder
fixtures. Both use BartAttention (q_proj · head_dim^-½ before a 3-D `bmm`: modeling_marian.MarianAttention is the same
code); they differ around it:

- BART: learned positions offset by 2 (BartLearnedPositionalEmbedding: rows arange(t) + 2), no embedding scale
  (scale_embedding false), `layernorm_embedding` after the embeddings, post-LayerNorm blocks, GELU,
  tied lm_head + final_logits_bias;
- M2M100: sinusoidal positions computed from the ids (M2M100SinusoidalPositionalEmbedding: padding_idx + cumsum of
  the non-padding tokens, so rows start at padding_idx + 1 = 2; the padding row is zero), embeddings scaled by
  √d_model, pre-LayerNorm blocks with a final `layer_norm` per stack, ReLU, tied lm_head without bias.

Exported as transformers.js lays them out: encoder_model.onnx and decoder_model.onnx (no past)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from modeling_marian import MarianAttention as BartAttention, padding_mask, NEG
from modeling_marian import export as marian_export

ACTIVATION = {"bart": F.gelu, "m2m_100": F.relu}


class EncoderLayer(nn.Module):
    def __init__(self, family, d, heads, ffn):
        super().__init__()
        self.pre_norm, self.act = family == "m2m_100", ACTIVATION[family]
        self.self_attn = BartAttention(d, heads)
        self.self_attn_layer_norm, self.final_layer_norm = nn.LayerNorm(d), nn.LayerNorm(d)
        self.fc1, self.fc2 = nn.Linear(d, ffn), nn.Linear(ffn, d)

    def forward(self, x, mask):
        if self.pre_norm:  # M2M100EncoderLayer
            h = self.self_attn_layer_norm(x)
            x = x + self.self_attn(h, h, mask)
            return x + self.fc2(self.act(self.fc1(self.final_layer_norm(x))))
        x = self.self_attn_layer_norm(x + self.self_attn(x, x, mask))  # BartEncoderLayer
        return self.final_layer_norm(x + self.fc2(self.act(self.fc1(x))))


class DecoderLayer(nn.Module):
    def __init__(self, family, d, heads, ffn):
        super().__init__()
        self.pre_norm, self.act = family == "m2m_100", ACTIVATION[family]
        self.self_attn, self.encoder_attn = BartAttention(d, heads), BartAttention(d, heads)
        self.self_attn_layer_norm, self.encoder_attn_layer_norm, self.final_layer_norm = (nn.LayerNorm(d) for _ in range(3))
        self.fc1, self.fc2 = nn.Linear(d, ffn), nn.Linear(ffn, d)

    def forward(self, x, causal, enc, cross_mask):
        if self.pre_norm:  # M2M100DecoderLayer
            h = self.self_attn_layer_norm(x)
            x = x + self.self_attn(h, h, causal)
            x = x + self.encoder_attn(self.encoder_attn_layer_norm(x), enc, cross_mask)
            return x + self.fc2(self.act(self.fc1(self.final_layer_norm(x))))
        x = self.self_attn_layer_norm(x + self.self_attn(x, x, causal))  # BartDecoderLayer
        x = self.encoder_attn_layer_norm(x + self.encoder_attn(x, enc, cross_mask))
        return self.final_layer_norm(x + self.fc2(self.act(self.fc1(x))))


class BartLearnedPositionalEmbedding(nn.Embedding):
    offset = 2

    def __init__(self, num_embeddings, dim):
        super().__init__(num_embeddings + self.offset, dim)

    def forward(self, input_ids):
        positions = torch.arange(input_ids.shape[1], dtype=torch.long)
        return super().forward(positions + self.offset)[None]


class M2M100SinusoidalPositionalEmbedding(nn.Module):
    offset = 2

    def __init__(self, num_positions, dim, padding_idx):
        super().__init__()
        self.padding_idx = padding_idx
        self.register_buffer("weights", self.get_embedding(num_positions + self.offset, dim, padding_idx))

    @staticmethod
    def get_embedding(num_embeddings, dim, padding_idx):
        """fairseq's table: sines in the first half, cosines in the second; the padding row zero."""
        half_dim = dim // 2
        emb = math.log(10000) / (half_dim - 1)
        emb = torch.exp(torch.arange(half_dim, dtype=torch.float) * -emb)
        emb = torch.arange(num_embeddings, dtype=torch.float)[:, None] * emb[None, :]
        emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=1)
        emb[padding_idx, :] = 0
        return emb

    def forward(self, input_ids):
        """create_position_ids_from_input_ids: padding_idx + the count of non-padding tokens so far."""
        mask = input_ids.ne(self.padding_idx).int()
        positions = (torch.cumsum(mask, dim=1).type_as(mask) * mask).long() + self.padding_idx
        return self.weights.index_select(0, positions.view(-1)).view(*input_ids.shape, -1)


class Stack(nn.Module):
    """BartEncoder / BartDecoder / M2M100Encoder / M2M100Decoder: embeddings, positions, layers, final norm."""

    def __init__(self, family, layer_class, d, heads, layers, ffn, max_pos, pad_id):
        super().__init__()
        self.family = family
        self.embed_scale = math.sqrt(d) if family == "m2m_100" else 1.0
        if family == "bart":
            self.embed_positions = BartLearnedPositionalEmbedding(max_pos, d)
            self.layernorm_embedding = nn.LayerNorm(d)
        else:
            self.embed_positions = M2M100SinusoidalPositionalEmbedding(max_pos, d, pad_id)
            self.layer_norm = nn.LayerNorm(d)
        self.layers = nn.ModuleList(layer_class(family, d, heads, ffn) for _ in range(layers))

    def embed(self, embed_tokens, input_ids):
        x = embed_tokens(input_ids) * self.embed_scale + self.embed_positions(input_ids)
        return self.layernorm_embedding(x) if self.family == "bart" else x

    def finish(self, x):
        return x if self.family == "bart" else self.layer_norm(x)


class Seq2SeqModel(nn.Module):
    """BartForConditionalGeneration or M2M100ForConditionalGeneration (family "bart" or "m2m_100")."""

    def __init__(self, family, vocab, d, heads, layers, ffn, max_pos, pad_id):
        super().__init__()
        self.family = family
        self.shared = nn.Embedding(vocab, d, padding_idx=pad_id)
        self.encoder = Stack(family, EncoderLayer, d, heads, layers, ffn, max_pos, pad_id)
        self.decoder = Stack(family, DecoderLayer, d, heads, layers, ffn, max_pos, pad_id)
        if family == "bart":
            self.register_buffer("final_logits_bias", torch.zeros(1, vocab))

    def encode(self, input_ids, attention_mask):
        x, mask = self.encoder.embed(self.shared, input_ids), padding_mask(attention_mask)
        for layer in self.encoder.layers:
            x = layer(x, mask)
        return self.encoder.finish(x)

    def decode(self, input_ids, encoder_attention_mask, encoder_hidden_states):
        t = input_ids.shape[1]
        causal = torch.triu(torch.full((t, t), NEG), diagonal=1)[None, None]
        x, cross = self.decoder.embed(self.shared, input_ids), padding_mask(encoder_attention_mask)
        for layer in self.decoder.layers:
            x = layer(x, causal, encoder_hidden_states, cross)
        logits = F.linear(self.decoder.finish(x), self.shared.weight)
        return logits + self.final_logits_bias if self.family == "bart" else logits


def export(model, encoder_path, decoder_path, src_ids, dec_ids, opset=14):
    """transformers.js's two graphs, exported as Marian's are."""
    marian_export(model, encoder_path, decoder_path, opset, src_ids, dec_ids)
