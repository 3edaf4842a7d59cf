#!/usr/bin/python3
"""Write test/fixtures/models/tiny-marian-en-fr: a tiny Marian English → French translator in transformers.js's
layout (onnx/encoder_model.onnx, onnx/decoder_model.onnx, config.json, tokenizer.json, tokenizer_config.json).

Usage: /usr/bin/python3 tools/make_marian_fixture.py [--out test/fixtures/models] [--steps 400]

The model (tools/modeling_marian.py: 2 encoder + 2 decoder layers × 4 heads, d_model 32) is trained for a few
hundred steps on the short sentence pairs below, so that greedy decoding of those sentences gives their French.
The vocabulary is shared by both languages, as in opus-mt: a SentencePiece-style Unigram (Metaspace ▁) with
</s> = 0, <unk> = 1, the corpus words, single characters so any ASCII text encodes, and <pad> last, which is
also the decoder start token.
"""
import argparse
import json
import os
import string
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modeling_marian as marian  # noqa: E402
from seq2seq_tokenizers import split_words  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 1234
DIMS = dict(d=32, heads=4, layers=2, ffn=64, max_pos=64)
PAIRS = [
    ("The cat is black.", "Le chat est noir."),
    ("The dog is small.", "Le chien est petit."),
    ("The house is big.", "La maison est grande."),
    ("I see the cat.", "Je vois le chat."),
    ("I see the house.", "Je vois la maison."),
    ("The pizza is good.", "La pizza est bonne."),
    ("The oven is hot.", "Le four est chaud."),
    ("The pizza came out of the oven.", "La pizza est sortie du four."),
    ("The cat came out of the house.", "Le chat est sorti de la maison."),
    ("The dog came out of the house.", "Le chien est sorti de la maison."),
    ("It tasted good.", "Elle était bonne."),
    ("The milk is cold.", "Le lait est froid."),
    ("The book is on the table.", "Le livre est sur la table."),
    ("The cat is on the table.", "Le chat est sur la table."),
    ("I read the book.", "Je lis le livre."),
    ("We eat the pizza.", "Nous mangeons la pizza."),
]


def vocabulary():
    words = sorted({p for pair in PAIRS for text in pair for p in split_words(text) if p != "."})
    chars = list(string.ascii_letters + string.digits + string.punctuation)
    pieces = [["</s>", 0.0], ["<unk>", 0.0]]
    pieces += [[w, -2.0 - i / 1000] for i, w in enumerate(words)] + [[".", -3.0]]
    pieces += [["▁", -8.0]] + [[c, -10.0] for c in chars if c != "."] + [["▁" + c, -9.0] for c in chars]
    pieces += [["<pad>", 0.0]]
    return pieces


def write_tokenizer(d, pieces):
    metaspace = {"type": "Metaspace", "replacement": "▁", "add_prefix_space": True, "prepend_scheme": "always", "split": True}
    specials = {"</s>": 0, "<unk>": 1, "<pad>": len(pieces) - 1}
    eos = {"SpecialToken": {"id": "</s>", "type_id": 0}}
    tok = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for t, i in specials.items()],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, metaspace]},
        "post_processor": {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}, eos],
                           "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}}, eos],
                           "special_tokens": {"</s>": {"id": "</s>", "ids": [0], "tokens": ["</s>"]}}},
        "decoder": metaspace,
        "model": {"type": "Unigram", "unk_id": 1, "vocab": pieces, "byte_fallback": False},
    }
    write_json(os.path.join(d, "tokenizer.json"), tok)
    write_json(os.path.join(d, "tokenizer_config.json"), {
        "tokenizer_class": "MarianTokenizer", "model_max_length": DIMS["max_pos"], "eos_token": "</s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "source_lang": "en", "target_lang": "fr",
        "clean_up_tokenization_spaces": False,
    })


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def encode(pieces, text):
    """The corpus's ids, as the tokenizer makes them, then </s>."""
    index = {p: i for i, (p, _) in enumerate(pieces)}
    return [index.get(p, 1) for p in split_words(text)] + [0]


def teacher_forced_fit(model, s_ids, s_mask, d_ids, labels, steps, lr=3e-3):
    """Teacher-forced cross-entropy, Adam, full batch (every translator fixture is trained this way)."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for step in range(steps):
        logits = model.decode(d_ids, s_mask, model.encode(s_ids, s_mask))
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0 or step == steps - 1:
            print(f"  step {step}: loss {loss.item():.4f}")
    model.eval()


def train(model, pieces, steps):
    pad = len(pieces) - 1
    src = [encode(pieces, en) for en, _ in PAIRS]
    tgt = [encode(pieces, fr) for _, fr in PAIRS]
    width_s, width_t = max(map(len, src)), max(map(len, tgt))
    s_ids = torch.tensor([x + [pad] * (width_s - len(x)) for x in src])
    s_mask = (s_ids != pad).long()
    labels = torch.tensor([y + [-100] * (width_t - len(y)) for y in tgt])
    shifted = labels[:, :-1].masked_fill(labels[:, :-1] == -100, pad)
    dec_in = torch.cat([torch.full((len(PAIRS), 1), pad), shifted], dim=1)
    teacher_forced_fit(model, s_ids, s_mask, dec_in, labels, steps)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "test", "fixtures", "models"))
    ap.add_argument("--steps", type=int, default=400)
    args = ap.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    d = os.path.join(args.out, "tiny-marian-en-fr")
    os.makedirs(os.path.join(d, "onnx"), exist_ok=True)
    pieces = vocabulary()
    pad = len(pieces) - 1
    model = marian.MarianMTModel(len(pieces), pad_id=pad, **DIMS)
    train(model, pieces, args.steps)
    marian.export(model, os.path.join(d, "onnx", "encoder_model.onnx"), os.path.join(d, "onnx", "decoder_model.onnx"))
    write_tokenizer(d, pieces)
    write_json(os.path.join(d, "config.json"), {
        "architectures": ["MarianMTModel"], "model_type": "marian", "is_encoder_decoder": True,
        "vocab_size": len(pieces), "d_model": DIMS["d"], "encoder_layers": DIMS["layers"], "decoder_layers": DIMS["layers"],
        "encoder_attention_heads": DIMS["heads"], "decoder_attention_heads": DIMS["heads"],
        "encoder_ffn_dim": DIMS["ffn"], "decoder_ffn_dim": DIMS["ffn"], "activation_function": "swish",
        "max_position_embeddings": DIMS["max_pos"], "scale_embedding": True, "share_encoder_decoder_embeddings": True,
        "pad_token_id": pad, "eos_token_id": 0, "decoder_start_token_id": pad, "forced_eos_token_id": 0,
        "max_length": DIMS["max_pos"], "num_beams": 1,
    })
    print("written", d)


if __name__ == "__main__":
    main()
