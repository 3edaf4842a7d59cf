"""What every family fixture shares: the initialisation, the masks, the logits over GPT-2 ids, the export."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from modeling import GPT2_VOCAB, OPSET, _init_weights


# Random weights at std 0.02 give near-uniform attention; the Q and K projections get this std instead so every
# head has visible structure and the scale and the additive terms change the probabilities measurably.
QK_STD = 0.25
NEG = torch.finfo(torch.float32).min


def init_family(model, qk_names, qk_std=QK_STD):
    """HF-style init (std 0.02, zero bias), then qk_std for the weights whose name ends with one of qk_names."""
    model.apply(_init_weights)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if any(name.endswith(n + ".weight") for n in qk_names):
                nn.init.normal_(p, 0.0, qk_std)


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


def export_lm(model, path, seq=5, input_names=("input_ids", "attention_mask"), output="logits", fold=True):
    """optimum-style export without a cache: input_ids, attention_mask [batch, sequence] -> logits/last_hidden_state."""
    model.eval()
    ids = torch.arange(seq, dtype=torch.long).unsqueeze(0) + 464
    axes = {0: "batch_size", 1: "sequence_length"}
    with torch.no_grad():
        torch.onnx.export(model, (ids, torch.ones_like(ids)), path, input_names=list(input_names), output_names=[output],
                          dynamic_axes={n: axes for n in [*input_names, output]}, opset_version=OPSET,
                          do_constant_folding=fold)



class DenseH4HMLP(nn.Module):
    """BLOOM's and GPT-NeoX's MLP (same attribute names): BLOOM's gelu is the tanh approximation, NeoX's exact."""

    def __init__(self, hidden, inner, approximate):
        super().__init__()
        self.approximate = approximate
        self.dense_h_to_4h = nn.Linear(hidden, inner)
        self.dense_4h_to_h = nn.Linear(inner, hidden)

    def forward(self, x):
        return self.dense_4h_to_h(F.gelu(self.dense_h_to_4h(x), approximate=self.approximate))


class CFcMLP(nn.Module):
    """GPT-Neo's and GPT-BigCode's MLP (same attribute names): c_fc, gelu (tanh approximation), c_proj."""

    def __init__(self, hidden, inner):
        super().__init__()
        self.c_fc = nn.Linear(hidden, inner)
        self.c_proj = nn.Linear(inner, hidden)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))
