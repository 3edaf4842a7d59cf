#!/usr/bin/python3
"""Write the BART, M2M100, NLLB and T5 encoder-decoder fixtures in test/fixtures/models/, in transformers.js's layout
(onnx/encoder_model.onnx, onnx/decoder_model.onnx, config.json, generation_config.json, tokenizer.json,
tokenizer_config.json), each trained on make_marian_fixture.py's sentence pairs so that greedy decoding translates them:

- tiny-bart-en-fr: BART (modeling_seq2seq.py), English -> French, byte-level BPE; decoder starts from </s> (2) and
  generation_config forces <s> (0) as the first generated token (forced_bos_token_id), as facebook/bart-* do;
- tiny-m2m100 and tiny-nllb: one M2M100 model (NLLB is M2M100ForConditionalGeneration) trained both ways,
  English <-> French: the source is [source language] text </s>, the decoder starts from </s> and the first generated
  token is the target language, forced by the caller: `__fr__` / `__en__` (M2M100Tokenizer) and `fra_Latn` /
  `eng_Latn` (NllbTokenizer) name the same two ids;
- tiny-t5-en-fr: T5 (modeling_t5_seq2seq.py) trained both ways with the task prefixes "translate English to French: "
  and "translate French to English: " (config task_specific_params), decoder start = pad (0), </s> = 1.

Usage: /usr/bin/python3 tools/make_seq2seq_fixtures.py [--out test/fixtures/models] [--only bart|m2m100|t5] [--steps N]
Deterministic: seed 1234 per fixture, one torch thread.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modeling_seq2seq as s2s  # noqa: E402
import modeling_t5_seq2seq as t5  # noqa: E402
import seq2seq_tokenizers as tok  # noqa: E402
from make_marian_fixture import PAIRS, teacher_forced_fit  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 1234
DIMS = dict(d=32, heads=4, layers=2, ffn=64, max_pos=64)
T5_PREFIX = {"en": "translate English to French: ", "fr": "translate French to English: "}
EN_FR = [(en, fr, "en", "fr") for en, fr in PAIRS]
BOTH_WAYS = EN_FR + [(fr, en, "fr", "en") for en, fr in PAIRS]


def train(model, examples, pad, steps, lr=3e-3):
    """examples: (source ids, decoder input ids, label ids); teacher-forced cross-entropy, Adam, full batch."""
    width = lambda xs: max(map(len, xs))  # noqa: E731
    src, dec, lab = zip(*examples)
    s_ids = torch.tensor([x + [pad] * (width(src) - len(x)) for x in src])
    d_ids = torch.tensor([x + [pad] * (width(dec) - len(x)) for x in dec])
    labels = torch.tensor([x + [-100] * (width(lab) - len(x)) for x in lab])
    s_mask = (s_ids != pad).long()
    teacher_forced_fit(model, s_ids, s_mask, d_ids, labels, steps, lr)


@torch.no_grad()
def greedy(model, src, start, forced, eos, limit=40):
    """What the engine does: the decoder start, then the forced token if any, then argmax until </s>."""
    hidden = model.encode(torch.tensor([src]), torch.ones(1, len(src), dtype=torch.long))
    out = [start] + ([forced] if forced is not None else [])
    while len(out) < limit and out[-1] != eos:
        logits = model.decode(torch.tensor([out]), torch.ones(1, len(src), dtype=torch.long), hidden)
        out.append(int(logits[0, -1].argmax()))
    return out


def check(model, examples, start, eos, forced_of):
    """Greedy decoding reproduces every training target (after the decoder start)."""
    good = sum(greedy(model, src, start, forced_of(lab), eos) == [start] + lab for src, _, lab in examples)
    print(f"  greedy decoding gives {good} of {len(examples)} training targets")


def fixture_dir(out, name):
    d = os.path.join(out, name)
    os.makedirs(os.path.join(d, "onnx"), exist_ok=True)
    return d


def export(model, d, src, dec):
    s2s.export(model, os.path.join(d, "onnx", "encoder_model.onnx"), os.path.join(d, "onnx", "decoder_model.onnx"), src, dec)


def seq2seq_config(arch, model_type, vocab, extra):
    return {
        "architectures": [arch], "model_type": model_type, "is_encoder_decoder": True, "vocab_size": vocab,
        "d_model": DIMS["d"], "encoder_layers": DIMS["layers"], "decoder_layers": DIMS["layers"],
        "encoder_attention_heads": DIMS["heads"], "decoder_attention_heads": DIMS["heads"],
        "encoder_ffn_dim": DIMS["ffn"], "decoder_ffn_dim": DIMS["ffn"], "max_position_embeddings": DIMS["max_pos"],
        "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2, "decoder_start_token_id": 2, "use_cache": False, **extra,
    }


def make_bart(out, steps):
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    vocab, merges = tok.bpe_vocab([t for pair in PAIRS for t in pair], specials)
    ids = lambda text: tok.bpe_ids(vocab, merges, text)  # noqa: E731
    examples = [([0] + ids(en) + [2], [2, 0] + ids(fr), [0] + ids(fr) + [2]) for en, fr, _, _ in EN_FR]
    model = s2s.Seq2SeqModel("bart", len(vocab), pad_id=1, **DIMS)
    train(model, examples, 1, steps)
    check(model, examples, 2, 2, lambda lab: 0)
    d = fixture_dir(out, "tiny-bart-en-fr")
    export(model, d, examples[0][0], [2, 0, 5])
    tok.write_tokenizer(d, tok.bpe_tokenizer(vocab, merges, "<s>", "</s>", "<unk>", "<pad>"), {
        "tokenizer_class": "BartTokenizer", "model_max_length": DIMS["max_pos"], "bos_token": "<s>", "eos_token": "</s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "add_prefix_space": False, "clean_up_tokenization_spaces": False})
    generation = {"bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1, "decoder_start_token_id": 2,
                  "forced_bos_token_id": 0, "forced_eos_token_id": 2}
    tok.write_json(os.path.join(d, "config.json"), seq2seq_config("BartForConditionalGeneration", "bart", len(vocab), {
        "activation_function": "gelu", "scale_embedding": False, "normalize_before": False, "add_final_layer_norm": False,
        "forced_bos_token_id": 0, "forced_eos_token_id": 2}))
    tok.write_json(os.path.join(d, "generation_config.json"), generation)
    print("written", d)


M2M_CODES = {"en": "__en__", "fr": "__fr__"}
NLLB_CODES = {"en": "eng_Latn", "fr": "fra_Latn"}


def make_m2m100(out, steps):
    body = tok.unigram_pieces([t for pair in PAIRS for t in pair])
    head = [["<s>", 0.0], ["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0]]
    code_id = {"en": len(head) + len(body), "fr": len(head) + len(body) + 1}
    vocab_size = len(head) + len(body) + 2
    ids = lambda text: tok.unigram_ids(head + body, text, 3)  # noqa: E731
    examples = [([code_id[a]] + ids(x) + [2], [2, code_id[b]] + ids(y), [code_id[b]] + ids(y) + [2]) for x, y, a, b in BOTH_WAYS]
    model = s2s.Seq2SeqModel("m2m_100", vocab_size, pad_id=1, **DIMS)
    train(model, examples, 1, steps)
    check(model, examples, 2, 2, lambda lab: lab[0])
    generation = {"bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1, "decoder_start_token_id": 2}
    config = seq2seq_config("M2M100ForConditionalGeneration", "m2m_100", vocab_size, {
        "activation_function": "relu", "scale_embedding": True})
    for name, codes, tokenizer_class in (("tiny-m2m100", M2M_CODES, "M2M100Tokenizer"), ("tiny-nllb", NLLB_CODES, "NllbTokenizer")):
        d = fixture_dir(out, name)
        export(model, d, examples[0][0], [2, code_id["fr"], 5])
        vocab = head + body + [[codes["en"], 0.0], [codes["fr"], 0.0]]
        specials = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, codes["en"]: code_id["en"], codes["fr"]: code_id["fr"]}
        tok.write_tokenizer(d, tok.unigram_tokenizer(vocab, specials, "<unk>", [codes["en"], "A", "</s>"]), {
            "tokenizer_class": tokenizer_class, "model_max_length": DIMS["max_pos"], "bos_token": "<s>", "eos_token": "</s>",
            "unk_token": "<unk>", "pad_token": "<pad>", "src_lang": codes["en"] if name == "tiny-nllb" else "en",
            "additional_special_tokens": [codes["en"], codes["fr"]], "clean_up_tokenization_spaces": False})
        tok.write_json(os.path.join(d, "config.json"), config)
        tok.write_json(os.path.join(d, "generation_config.json"), generation)
        print("written", d)


def make_t5(out, steps):
    texts = [T5_PREFIX[a] + x for x, _, a, _ in BOTH_WAYS] + [t for pair in PAIRS for t in pair]
    vocab = [["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0]] + tok.unigram_pieces(texts)
    ids = lambda text: tok.unigram_ids(vocab, text, 2)  # noqa: E731
    examples = [(ids(T5_PREFIX[a] + x) + [1], [0] + ids(y), ids(y) + [1]) for x, y, a, _ in BOTH_WAYS]
    cfg = {"vocab_size": len(vocab), "d_model": DIMS["d"], "d_kv": DIMS["d"] // DIMS["heads"], "num_heads": DIMS["heads"],
           "d_ff": DIMS["ffn"], "num_layers": DIMS["layers"], "num_decoder_layers": DIMS["layers"],
           "relative_attention_num_buckets": 32, "relative_attention_max_distance": 128}
    model = t5.T5ForConditionalGeneration(cfg)
    train(model, examples, 0, steps)
    check(model, examples, 0, 1, lambda lab: None)
    d = fixture_dir(out, "tiny-t5-en-fr")
    export(model, d, examples[0][0], [0, 5, 6])
    specials = {"<pad>": 0, "</s>": 1, "<unk>": 2}
    tok.write_tokenizer(d, tok.unigram_tokenizer(vocab, specials, "<unk>", ["A", "</s>"]), {
        "tokenizer_class": "T5Tokenizer", "model_max_length": 512, "eos_token": "</s>", "unk_token": "<unk>",
        "pad_token": "<pad>", "extra_ids": 0, "clean_up_tokenization_spaces": False})
    tok.write_json(os.path.join(d, "config.json"), {
        "architectures": ["T5ForConditionalGeneration"], "model_type": "t5", **cfg, "feed_forward_proj": "relu",
        "layer_norm_epsilon": 1e-6, "is_encoder_decoder": True, "tie_word_embeddings": True, "pad_token_id": 0,
        "eos_token_id": 1, "decoder_start_token_id": 0, "use_cache": False,
        "task_specific_params": {"translation_en_to_fr": {"prefix": T5_PREFIX["en"]},
                                 "translation_fr_to_en": {"prefix": T5_PREFIX["fr"]}}})
    tok.write_json(os.path.join(d, "generation_config.json"), {"decoder_start_token_id": 0, "eos_token_id": 1, "pad_token_id": 0})
    print("written", d)


FAMILIES = {"bart": (make_bart, 500), "m2m100": (make_m2m100, 800), "t5": (make_t5, 800)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "test", "fixtures", "models"))
    ap.add_argument("--only", choices=sorted(FAMILIES))
    ap.add_argument("--steps", type=int, help="training steps (default: per family)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    for name, (make, steps) in FAMILIES.items():
        if args.only in (None, name):
            print(name)
            torch.manual_seed(SEED)
            make(args.out, args.steps or steps)


if __name__ == "__main__":
    main()
