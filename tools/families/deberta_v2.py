"""DeBERTa-v2/v3 (modeling_deberta_v2.py, DisentangledSelfAttention): scores on 3-D [B·H, S, S] with Kᵀ divided by
√(d·3), plus two disentangled terms, content→position (q_i · Kr[δ]) and position→content (k_j · Qr[δ]) for
δ = i − j + span, where Qr and Kr are the query and key projections of the LayerNormed relative embeddings
(share_att_key); masked_fill, Softmax on 4-D, bmm with V on 3-D."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from families.common import NEG, init_family


def build_relative_position(length):
    """[1, S, S] of i − j. (HF log-buckets distances beyond position_buckets / 2; the fixture stays below that.)"""
    ids = torch.arange(length, dtype=torch.long)
    return (ids[:, None] - ids[None, :]).unsqueeze(0)


class DisentangledSelfAttention(nn.Module):
    def __init__(self, hidden, heads, position_buckets):
        super().__init__()
        self.num_attention_heads, self.attention_head_size = heads, hidden // heads
        self.query_proj = nn.Linear(hidden, hidden)
        self.key_proj = nn.Linear(hidden, hidden)
        self.value_proj = nn.Linear(hidden, hidden)
        self.pos_ebd_size = position_buckets
        self.scale_factor = 3  # 1 + len(["p2c", "c2p"])

    def transpose_for_scores(self, x):
        x = x.view(x.size()[:-1] + (self.num_attention_heads, -1))
        return x.permute(0, 2, 1, 3).contiguous().view(-1, x.size(1), x.size(-1))  # [B·H, S, D]

    def forward(self, hidden_states, attention_mask, rel_embeddings):
        query_layer = self.transpose_for_scores(self.query_proj(hidden_states))
        key_layer = self.transpose_for_scores(self.key_proj(hidden_states))
        value_layer = self.transpose_for_scores(self.value_proj(hidden_states))
        scale = torch.sqrt(torch.tensor(query_layer.size(-1), dtype=torch.float) * self.scale_factor)
        attention_scores = torch.bmm(query_layer, key_layer.transpose(-1, -2) / scale)
        attention_scores = attention_scores + self.disentangled_attention_bias(query_layer, key_layer, rel_embeddings)
        attention_scores = attention_scores.view(-1, self.num_attention_heads, attention_scores.size(-2),
                                                 attention_scores.size(-1))
        attention_scores = attention_scores.masked_fill(~attention_mask, NEG)
        attention_probs = F.softmax(attention_scores, dim=-1)
        context = torch.bmm(attention_probs.view(-1, attention_probs.size(-2), attention_probs.size(-1)), value_layer)
        context = context.view(-1, self.num_attention_heads, context.size(-2), context.size(-1)).permute(0, 2, 1, 3)
        return context.contiguous().view(context.size(0), context.size(1), -1)

    def disentangled_attention_bias(self, query_layer, key_layer, rel_embeddings):
        relative_pos = build_relative_position(query_layer.size(-2))
        att_span = self.pos_ebd_size
        rel_embeddings = rel_embeddings[0: att_span * 2, :].unsqueeze(0)
        batch = query_layer.size(0) // self.num_attention_heads
        pos_query_layer = self.transpose_for_scores(self.query_proj(rel_embeddings)).repeat(batch, 1, 1)
        pos_key_layer = self.transpose_for_scores(self.key_proj(rel_embeddings)).repeat(batch, 1, 1)
        scale = torch.sqrt(torch.tensor(pos_key_layer.size(-1), dtype=torch.float) * self.scale_factor)
        # content -> position
        c2p_att = torch.bmm(query_layer, pos_key_layer.transpose(-1, -2))
        c2p_pos = torch.clamp(relative_pos + att_span, 0, att_span * 2 - 1)
        c2p_att = torch.gather(c2p_att, dim=-1, index=c2p_pos.squeeze(0).expand(
            [query_layer.size(0), query_layer.size(1), relative_pos.size(-1)]))
        score = c2p_att / scale
        # position -> content
        p2c_pos = torch.clamp(-relative_pos + att_span, 0, att_span * 2 - 1)
        p2c_att = torch.bmm(key_layer, pos_query_layer.transpose(-1, -2))
        p2c_att = torch.gather(p2c_att, dim=-1, index=p2c_pos.squeeze(0).expand(
            [query_layer.size(0), key_layer.size(-2), key_layer.size(-2)])).transpose(-1, -2)
        return score + p2c_att / scale


class DebertaV2SelfOutput(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-7)

    def forward(self, h, residual):
        return self.LayerNorm(self.dense(h) + residual)


class DebertaV2Attention(nn.Module):
    def __init__(self, hidden, heads, position_buckets):
        super().__init__()
        self.self = DisentangledSelfAttention(hidden, heads, position_buckets)
        self.output = DebertaV2SelfOutput(hidden)

    def forward(self, x, mask, rel_embeddings):
        return self.output(self.self(x, mask, rel_embeddings), x)


class DebertaV2Intermediate(nn.Module):
    def __init__(self, hidden, inner):
        super().__init__()
        self.dense = nn.Linear(hidden, inner)

    def forward(self, x):
        return F.gelu(self.dense(x))


class DebertaV2Output(nn.Module):
    def __init__(self, hidden, inner):
        super().__init__()
        self.dense = nn.Linear(inner, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-7)

    def forward(self, h, residual):
        return self.LayerNorm(self.dense(h) + residual)


class DebertaV2Layer(nn.Module):
    def __init__(self, hidden, heads, inner, position_buckets):
        super().__init__()
        self.attention = DebertaV2Attention(hidden, heads, position_buckets)
        self.intermediate = DebertaV2Intermediate(hidden, inner)
        self.output = DebertaV2Output(hidden, inner)

    def forward(self, x, mask, rel_embeddings):
        a = self.attention(x, mask, rel_embeddings)
        return self.output(self.intermediate(a), a)


class DebertaV2Encoder(nn.Module):
    def __init__(self, hidden, heads, layers, inner, position_buckets):
        super().__init__()
        self.layer = nn.ModuleList([DebertaV2Layer(hidden, heads, inner, position_buckets) for _ in range(layers)])
        self.rel_embeddings = nn.Embedding(position_buckets * 2, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-7, elementwise_affine=True)  # norm_rel_ebd "layer_norm"

    def forward(self, x, attention_mask):
        mask = attention_mask[:, None, None, :].bool() & attention_mask[:, None, :, None].bool()  # get_attention_mask
        rel_embeddings = self.LayerNorm(self.rel_embeddings.weight)
        for layer in self.layer:
            x = layer(x, mask, rel_embeddings)
        return x


class DebertaV2Embeddings(nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-7)

    def forward(self, input_ids, attention_mask):
        # position_biased_input false: no absolute positions, only the relative terms
        return self.LayerNorm(self.word_embeddings(input_ids)) * attention_mask.unsqueeze(-1).float()


class DebertaV2Model(nn.Module):
    def __init__(self, vocab, hidden, heads, layers, inner, position_buckets):
        super().__init__()
        self.embeddings = DebertaV2Embeddings(vocab, hidden)
        self.encoder = DebertaV2Encoder(hidden, heads, layers, inner, position_buckets)
        init_family(self, ["query_proj", "key_proj"])
        with torch.no_grad():  # the relative table at std 1 so the disentangled terms are visible
            nn.init.normal_(self.encoder.rel_embeddings.weight, 0.0, 1.0)
            # Biases and norm parameters away from 0 and 1: the exporter merges equal initializers, and the test reads
            # these by their HF names.
            for name, p in self.named_parameters():
                if name.endswith(".bias"):
                    nn.init.normal_(p, 0.0, 0.02)
                elif "LayerNorm.weight" in name:
                    nn.init.normal_(p, 1.0, 0.1)

    def forward(self, input_ids, attention_mask):
        return self.encoder(self.embeddings(input_ids, attention_mask), attention_mask)


def deberta_v2_config(vocab, hidden, heads, layers, inner, position_buckets):
    return {
        "architectures": ["DebertaV2Model"], "model_type": "deberta-v2", "vocab_size": vocab, "hidden_size": hidden,
        "num_hidden_layers": layers, "num_attention_heads": heads, "intermediate_size": inner, "hidden_act": "gelu",
        "max_position_embeddings": 512, "position_buckets": position_buckets, "max_relative_positions": -1,
        "relative_attention": True, "pos_att_type": ["p2c", "c2p"], "share_att_key": True,
        "norm_rel_ebd": "layer_norm", "position_biased_input": False, "type_vocab_size": 0, "layer_norm_eps": 1e-7,
        "pad_token_id": 0,
    }
