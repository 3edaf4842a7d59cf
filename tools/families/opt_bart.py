"""OPT (modeling_opt.py) and the BART encoder (modeling_bart.py): q scaled before Q·Kᵀ, 3-D [B·H, S, S] scores."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from families.common import NEG, additive, allowed_mask, full_vocab, init_family


# ----------------------------------------------------------------------------------------------
# OPT (facebook/opt-*): decoder, pre-LayerNorm, learned positions offset by 2
# ----------------------------------------------------------------------------------------------
class OPTAttention(nn.Module):
    """OPT copied BartAttention and added a clamp of the masked scores at finfo.min; BartAttention below drops it."""
    clamp_to_min = True

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
        if self.clamp_to_min:
            attn_weights = torch.max(attn_weights, torch.tensor(NEG))
        attn_weights = attn_weights.view(bsz * self.num_heads, tgt_len, src_len)
        attn_weights = F.softmax(attn_weights, dim=-1)
        attn_output = torch.bmm(attn_weights, value_states)
        attn_output = attn_output.view(bsz, self.num_heads, tgt_len, self.head_dim).transpose(1, 2)
        return self.out_proj(attn_output.reshape(bsz, tgt_len, self.embed_dim))


class OPTDecoderLayer(nn.Module):
    """Pre-LayerNorm; BartEncoderLayer (same attribute names) puts the norms after each residual sum."""
    attention_class = OPTAttention

    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.self_attn = self.attention_class(hidden, heads)
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
# BART encoder (facebook/bart-*, and Marian/mBART/M2M100, which share BartAttention): post-LayerNorm
# ----------------------------------------------------------------------------------------------
class BartAttention(OPTAttention):
    clamp_to_min = False


class BartEncoderLayer(OPTDecoderLayer):
    attention_class = BartAttention

    def forward(self, x, mask):
        x = self.self_attn_layer_norm(x + self.self_attn(x, mask))
        return self.final_layer_norm(x + self.fc2(F.gelu(self.fc1(x))))


class BartLearnedPositionalEmbedding(OPTLearnedPositionalEmbedding):
    """The same table with the same offset of 2 (OPT took it from BART), indexed by plain token positions."""

    def forward(self, input_ids):
        positions = torch.arange(input_ids.size(1), dtype=torch.long).unsqueeze(0)
        return nn.Embedding.forward(self, positions + self.offset)


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
