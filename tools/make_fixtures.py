#!/usr/bin/python3
"""Write the tiny random test models into test/fixtures/models/<name>/ (deterministic, fixed seed).

Usage: /usr/bin/python3 tools/make_fixtures.py [--out test/fixtures/models]

Each folder: config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx.
  tiny-bert           BERT, bidirectional; own small WordPiece vocabulary
  tiny-gpt2           GPT-2 layout (fused c_attn Gemm + Split, past_key_values, Where causal mask)
  tiny-sdpa           LLaMA-like decoder in the torch-2 SDPA export pattern (Mul(Q,√s), Mul(Kᵀ,√s))
  tiny-llama          Llama: rotary embeddings on q and k, grouped-query attention (4 query heads share
                      2 K/V heads through repeat_kv), RMSNorm; optimum inputs incl. position_ids and
                      past_key_values.N.key/value with the K/V heads
  tiny-distilbert     DistilBERT: Q divided by √d before Q·Kᵀ, padding masked with masked_fill (Where)
  tiny-roberta        RoBERTa: BERT encoder, positions from padding_idx + 1, byte-level BPE with <s> </s>
  tiny-gpt2-quantized tiny-gpt2 dynamically quantized like onnxruntime's quantize_dynamic,
                      including the activation x activation MatMuls (Q·Kᵀ, probs·V)
  no-attention        embedding + MLP, no Softmax at all
  fused-attention     com.microsoft Attention contrib op, opened up into standard operators before the run
  fused-unsupported   the same with do_rotary=1, which QKV Scope refuses (names the attribute)
  tiny-opt, tiny-bloom, tiny-bart, tiny-t5, tiny-gpt-neox, tiny-gpt-neo, tiny-gemma2, tiny-gpt-bigcode,
                      tiny-mpt, tiny-falcon, tiny-deberta-v2
                      one per attention family whose eager code differs (tools/families/): 3-D scores,
                      ALiBi, scale on q, no scale + relative bias, partial rotary, no scale + local layers,
                      soft-capping + sliding window, multi-query with heads on axis 2, ALiBi from a
                      constant table, one K/V head broadcast by the MatMuls, disentangled attention
The GPT-2-tokenizer models use real GPT-2 ids: row = input_ids % 512 inside the graph, and logits
come out over all 50257 ids (Tile + Slice), so the real GPT-2 tokenizer works with them.
"""
import argparse
import collections
import functools
import json
import os
import re
import shutil
import string
import sys
import unicodedata

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402
import modeling  # noqa: E402
from families import bloom, common, deberta_v2, falcon, gemma2, gpt_bigcode, gpt_neo, gpt_neox, mpt, opt_bart, t5  # noqa: E402
from build_gpt2_tokenizer import build_tokenizer as build_gpt2_tokenizer  # noqa: E402
from build_gpt2_tokenizer import write_tokenizer as write_gpt2_tokenizer  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 1234
ROWS = 512  # embedding rows of the GPT-2-tokenizer fixtures (row = GPT-2 id % ROWS)
TINY = dict(n_embd=32, n_head=4, n_layer=2, n_positions=128)
# As many heads as BERT-base and GPT-2 small, and 512 positions: for timing the panel at 32, 128 and 512 tokens.
WIDE = dict(n_embd=96, n_head=12, n_layer=2, n_positions=512)


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def model_dir(out, name):
    d = os.path.join(out, name)
    torch.manual_seed(SEED)  # per fixture, so each one is reproducible on its own
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "onnx"))
    return d


# ----------------------------------------------------------------------------------------------
# WordPiece tokenizer (tiny-bert and the benchmark model)
# ----------------------------------------------------------------------------------------------
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _bert_normalize(text):
    # What BertNormalizer(lowercase, strip_accents) does: lowercase, NFD, drop combining marks.
    text = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def wordpiece_vocab(size=1500):
    """[PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, single characters and their ##-forms, then the most
    frequent lower-cased corpus words (ties broken alphabetically, so the list is deterministic)."""
    chars = list(string.ascii_lowercase + string.digits + string.punctuation)
    vocab = SPECIALS + chars + ["##" + c for c in chars]
    counts = collections.Counter()
    for doc in corpus.kjv_chapters() + corpus.fortunes():
        counts.update(w for w in re.findall(r"[a-z]+", _bert_normalize(doc)) if len(w) > 1)
    seen = set(vocab)
    for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(vocab) >= size:
            break
        if w not in seen:
            vocab.append(w)
            seen.add(w)
    return vocab


def write_wordpiece_tokenizer(d, vocab, model_max_length):
    ids = {t: i for i, t in enumerate(vocab)}
    special = lambda t: {"id": t, "type_id": 0}  # noqa: E731
    tok = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for t in SPECIALS],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": True, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": special("[CLS]")}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": special("[SEP]")}],
            "pair": [{"SpecialToken": special("[CLS]")}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": special("[SEP]")}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": ids},
    }
    write_json(os.path.join(d, "tokenizer.json"), tok)
    write_json(os.path.join(d, "tokenizer_config.json"), {
        "tokenizer_class": "BertTokenizer", "do_lower_case": True, "strip_accents": None,
        "tokenize_chinese_chars": True, "model_max_length": model_max_length,
        "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]",
        "mask_token": "[MASK]", "clean_up_tokenization_spaces": True,
    })


# ----------------------------------------------------------------------------------------------
# Fixtures
# ----------------------------------------------------------------------------------------------
def make_tiny_bert(out, vocab):
    d = model_dir(out, "tiny-bert")
    cfg = dict(vocab=len(vocab), hidden=32, heads=4, layers=2, inner=64, max_pos=128)
    modeling.export_bert(modeling.BertModel(**cfg), os.path.join(d, "onnx", "model.onnx"))
    write_json(os.path.join(d, "config.json"), modeling.bert_config(**cfg))
    write_wordpiece_tokenizer(d, vocab, cfg["max_pos"])


def make_gpt2(out, name, dims):
    d = model_dir(out, name)
    path = os.path.join(d, "onnx", "model.onnx")
    modeling.export_gpt2(modeling.GPT2LMHeadModel(ROWS, **dims), path)
    write_json(os.path.join(d, "config.json"), modeling.gpt2_config(**dims))
    write_gpt2_tokenizer(d, dims["n_positions"])
    return path


def make_tiny_gpt2(out):
    return make_gpt2(out, "tiny-gpt2", TINY)


def make_wide_gpt2(out):
    return make_gpt2(out, "wide-gpt2", WIDE)


def make_tiny_sdpa(out):
    d = model_dir(out, "tiny-sdpa")
    m = modeling.LlamaForCausalLM(ROWS, hidden=32, heads=4, layers=2, inner=64)
    modeling.export_llama(m, os.path.join(d, "onnx", "model.onnx"))
    write_json(os.path.join(d, "config.json"), {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": modeling.GPT2_VOCAB,
        "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
        "num_key_value_heads": 4, "max_position_embeddings": 128, "hidden_act": "silu",
        "rms_norm_eps": 1e-6, "bos_token_id": 50256, "eos_token_id": 50256, "use_cache": False,
    })
    write_gpt2_tokenizer(d, 128)


def make_tiny_llama(out):
    d = model_dir(out, "tiny-llama")
    dims = dict(hidden=32, heads=4, kv_heads=2, layers=2, inner=64)
    modeling.export_llama_gqa(modeling.LlamaGQAForCausalLM(ROWS, **dims), os.path.join(d, "onnx", "model.onnx"))
    write_json(os.path.join(d, "config.json"), modeling.llama_config(**dims, max_pos=128))
    write_gpt2_tokenizer(d, 128)


def make_tiny_distilbert(out):
    vocab = wordpiece_vocab()
    d = model_dir(out, "tiny-distilbert")
    cfg = dict(vocab=len(vocab), dim=32, n_heads=4, hidden_dim=64, n_layers=2, max_pos=128)
    modeling.export_encoder(modeling.DistilBertModel(**cfg), os.path.join(d, "onnx", "model.onnx"), ["input_ids", "attention_mask"])
    write_json(os.path.join(d, "config.json"), modeling.distilbert_config(**cfg))
    write_wordpiece_tokenizer(d, vocab, cfg["max_pos"])


ROBERTA_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]  # ids 0-3, as in roberta-base; <mask> comes last


def write_roberta_tokenizer(d, model_max_length):
    """GPT-2's byte-level BPE with RoBERTa's special tokens: GPT-2 ids shifted up by 4 (no real RoBERTa
    vocabulary can be had offline), <s> ... </s> around every text by RobertaProcessing."""
    tok = build_gpt2_tokenizer()
    shift = len(ROBERTA_SPECIALS)
    vocab = {t: i + shift for t, i in tok["model"]["vocab"].items() if t != "<|endoftext|>"}
    specials = {t: i for i, t in enumerate(ROBERTA_SPECIALS)}
    specials["<mask>"] = max(vocab.values()) + 1
    vocab.update(specials)
    tok["model"]["vocab"] = vocab
    tok["added_tokens"] = [{"id": i, "content": t, "single_word": False, "lstrip": t == "<mask>", "rstrip": False,
                            "normalized": False, "special": True} for t, i in specials.items()]
    tok["post_processor"] = {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                             "trim_offsets": True, "add_prefix_space": False}
    with open(os.path.join(d, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    write_json(os.path.join(d, "tokenizer_config.json"), {
        "tokenizer_class": "RobertaTokenizer", "add_prefix_space": False, "model_max_length": model_max_length,
        "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>", "unk_token": "<unk>",
        "pad_token": "<pad>", "mask_token": "<mask>", "clean_up_tokenization_spaces": False,
    })
    return len(vocab)


def make_tiny_roberta(out):
    d = model_dir(out, "tiny-roberta")
    cfg = dict(hidden=32, heads=4, layers=2, inner=64, max_pos=128)
    modeling.export_encoder(modeling.RobertaModel(ROWS, **cfg), os.path.join(d, "onnx", "model.onnx"), ["input_ids", "attention_mask"])
    vocab_size = write_roberta_tokenizer(d, cfg["max_pos"])
    write_json(os.path.join(d, "config.json"), modeling.roberta_config(vocab_size, **cfg))


# ----------------------------------------------------------------------------------------------
# Attention families (tools/families/): 2 layers × 4 heads × head_dim 8, hidden 32, 128 positions
# ----------------------------------------------------------------------------------------------
FAMILY = dict(hidden=32, heads=4, layers=2)


def write_opt_tokenizer(d, model_max_length):
    """OPT's vocabulary is RoBERTa's (same byte-level BPE, <s> <pad> </s> <unk> first); its tokenizer puts </s>
    before the text as BOS and adds nothing after it."""
    vocab_size = write_roberta_tokenizer(d, model_max_length)
    path = os.path.join(d, "tokenizer.json")
    with open(path, encoding="utf-8") as f:
        tok = json.load(f)
    bos = {"SpecialToken": {"id": "</s>", "type_id": 0}}
    tok["post_processor"] = {
        "type": "TemplateProcessing",
        "single": [bos, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [bos, {"Sequence": {"id": "A", "type_id": 0}}, bos, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {"</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}},
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    write_json(os.path.join(d, "tokenizer_config.json"), {
        "tokenizer_class": "GPT2Tokenizer", "add_bos_token": True, "add_prefix_space": False,
        "model_max_length": model_max_length, "bos_token": "</s>", "eos_token": "</s>", "unk_token": "</s>",
        "pad_token": "<pad>", "clean_up_tokenization_spaces": False,
    })
    return vocab_size


T5_SPECIALS = ["<pad>", "</s>", "<unk>"]  # ids 0-2, as in t5-small


def write_t5_tokenizer(d, model_max_length):
    """A SentencePiece-style Unigram vocabulary (Metaspace ▁, </s> appended, like t5-small's tokenizer.json) built
    from tiny-bert's corpus words, lower-case and capitalised, plus single characters so any ASCII text encodes."""
    words = [w for w in wordpiece_vocab() if w not in SPECIALS and not w.startswith("##") and len(w) > 1]
    chars = list(string.ascii_letters + string.digits + string.punctuation)
    pieces = [[t, 0.0] for t in T5_SPECIALS]
    pieces += [["▁" + w, -5.0 - i / 1000] for i, w in enumerate(words)]
    pieces += [["▁" + w.capitalize(), -6.0 - i / 1000] for i, w in enumerate(words)]
    pieces += [["▁", -8.0]] + [[c, -10.0] for c in chars] + [["▁" + c, -9.0] for c in chars]
    metaspace = {"type": "Metaspace", "replacement": "▁", "add_prefix_space": True, "prepend_scheme": "always",
                 "split": True}
    eos = {"SpecialToken": {"id": "</s>", "type_id": 0}}
    tok = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for i, t in enumerate(T5_SPECIALS)],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, metaspace]},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"Sequence": {"id": "A", "type_id": 0}}, eos],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, eos, {"Sequence": {"id": "B", "type_id": 0}}, eos],
            "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}},
        },
        "decoder": metaspace,
        "model": {"type": "Unigram", "unk_id": 2, "vocab": pieces, "byte_fallback": False},
    }
    write_json(os.path.join(d, "tokenizer.json"), tok)
    write_json(os.path.join(d, "tokenizer_config.json"), {
        "tokenizer_class": "T5Tokenizer", "model_max_length": model_max_length, "eos_token": "</s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "extra_ids": 0, "additional_special_tokens": [],
        "clean_up_tokenization_spaces": True,
    })
    return len(pieces)


def make_tiny_opt(out):
    d = model_dir(out, "tiny-opt")
    dims = dict(**FAMILY, ffn=64, max_pos=128)
    common.export_lm(opt_bart.OPTForCausalLM(ROWS, **dims), os.path.join(d, "onnx", "model.onnx"))
    vocab_size = write_opt_tokenizer(d, dims["max_pos"])
    write_json(os.path.join(d, "config.json"), opt_bart.opt_config(vocab_size, **dims))


def make_tiny_bart(out):
    d = model_dir(out, "tiny-bart")
    dims = dict(**FAMILY, ffn=64, max_pos=128)
    common.export_lm(opt_bart.BartEncoderModel(ROWS, **dims), os.path.join(d, "onnx", "model.onnx"),
                       output="last_hidden_state")
    vocab_size = write_roberta_tokenizer(d, dims["max_pos"])  # BART's tokenizer is RoBERTa's
    write_json(os.path.join(d, "config.json"), opt_bart.bart_config(vocab_size, **dims))


def make_tiny_t5(out):
    d = model_dir(out, "tiny-t5")
    vocab_size = write_t5_tokenizer(d, 512)
    dims = dict(d_model=32, d_kv=8, n_heads=4, d_ff=64, layers=2)
    common.export_lm(t5.T5EncoderModel(vocab_size, **dims), os.path.join(d, "onnx", "model.onnx"),
                       output="last_hidden_state")
    write_json(os.path.join(d, "config.json"), t5.t5_config(vocab_size, **dims))


# query_pre_attn_scalar 16 ≠ head_dim 8, so a 1/√head_dim guess is visibly wrong; soft-cap 5 (Gemma 2 uses 50) so
# tanh bends these scores; a window of 4 keys on layer 0.
GEMMA2 = dict(hidden=32, heads=4, kv_heads=2, head_dim=8, layers=2, inner=64, scalar=16, softcap=5.0, window=4,
              final_softcap=30.0)


def make_tiny_deberta_v2(out):
    vocab = wordpiece_vocab()
    d = model_dir(out, "tiny-deberta-v2")
    dims = dict(vocab=len(vocab), hidden=32, heads=4, layers=2, inner=64, position_buckets=256)
    # No constant folding: the relative embeddings and the projections keep their HF names (the test reads them).
    common.export_lm(deberta_v2.DebertaV2Model(**dims), os.path.join(d, "onnx", "model.onnx"),
                     output="last_hidden_state", fold=False)
    write_json(os.path.join(d, "config.json"), deberta_v2.deberta_v2_config(**dims))
    write_wordpiece_tokenizer(d, vocab, 512)


def make_decoder_family(out, name, model_class, config_fn, dims, config_extra):
    """A decoder family that reads GPT-2 ids (row = id % 512), with GPT-2's tokenizer and 128 positions."""
    d = model_dir(out, name)
    common.export_lm(model_class(ROWS, **dims), os.path.join(d, "onnx", "model.onnx"))
    write_json(os.path.join(d, "config.json"), config_fn(**dims, **config_extra))
    write_gpt2_tokenizer(d, 128)


POSITIONS = dict(max_pos=128)
# name: (model class, config writer, model dims, config-only keys)
DECODER_FAMILIES = {
    "tiny-bloom": (bloom.BloomForCausalLM, bloom.bloom_config, FAMILY, POSITIONS),
    "tiny-mpt": (mpt.MptForCausalLM, mpt.mpt_config, dict(**FAMILY, expansion_ratio=2, max_seq_len=128), {}),
    # Pythia's rotary_pct: 2 of 8 dims rotate
    "tiny-gpt-neox": (gpt_neox.GPTNeoXForCausalLM, gpt_neox.gpt_neox_config,
                      dict(**FAMILY, inner=64, rotary_pct=0.25, max_pos=128), {}),
    "tiny-gpt-neo": (gpt_neo.GPTNeoForCausalLM, gpt_neo.gpt_neo_config,
                     dict(hidden=32, heads=4, inner=64, max_pos=128, attention_layers=["global", "local"], window_size=4), {}),
    "tiny-gemma2": (gemma2.Gemma2ForCausalLM, gemma2.gemma2_config, GEMMA2, POSITIONS),
    "tiny-falcon": (falcon.FalconForCausalLM, falcon.falcon_config, FAMILY, POSITIONS),
    "tiny-gpt-bigcode": (gpt_bigcode.GPTBigCodeForCausalLM, gpt_bigcode.gpt_bigcode_config,
                         dict(**FAMILY, inner=64, max_pos=128), {}),
}

FAMILIES = {"tiny-opt": make_tiny_opt, "tiny-bart": make_tiny_bart, "tiny-t5": make_tiny_t5,
            "tiny-deberta-v2": make_tiny_deberta_v2,
            **{name: functools.partial(make_decoder_family, name=name, model_class=m, config_fn=c, dims=d, config_extra=x)
               for name, (m, c, d, x) in DECODER_FAMILIES.items()}}



class NoAttention(nn.Module):
    def __init__(self, rows, hidden):
        super().__init__()
        self.rows = rows
        self.embed_tokens = nn.Embedding(rows, hidden)
        self.fc_in = nn.Linear(hidden, 4 * hidden)
        self.fc_out = nn.Linear(4 * hidden, hidden)
        self.lm_head = nn.Linear(hidden, rows)

    def forward(self, input_ids, attention_mask):
        x = self.embed_tokens(input_ids % self.rows) * attention_mask.unsqueeze(-1).float()
        x = x + self.fc_out(F.gelu(self.fc_in(x)))
        logits = self.lm_head(x)
        return logits.repeat(1, 1, -(-modeling.GPT2_VOCAB // self.rows))[:, :, :modeling.GPT2_VOCAB]


def make_no_attention(out):
    d = model_dir(out, "no-attention")
    m = NoAttention(ROWS, 32).eval()
    ids = torch.tensor([[464, 14256, 1625]])
    axes = {0: "batch_size", 1: "sequence_length"}
    with torch.no_grad():
        torch.onnx.export(m, (ids, torch.ones_like(ids)), os.path.join(d, "onnx", "model.onnx"),
                          input_names=["input_ids", "attention_mask"], output_names=["logits"],
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": axes},
                          opset_version=modeling.OPSET)
    write_json(os.path.join(d, "config.json"), {
        "architectures": ["NoAttentionLM"], "model_type": "no-attention", "vocab_size": modeling.GPT2_VOCAB,
        "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 0, "max_position_embeddings": 128,
    })
    write_gpt2_tokenizer(d, 128)


def make_fused_attention(out, name="fused-attention", **extra):
    """Hand-built graph: Mod -> Gather -> com.microsoft Attention (unidirectional, 4 heads) -> lm head."""
    d = model_dir(out, name)
    rng = np.random.default_rng(SEED)
    hid, heads = 32, 4
    f32 = lambda *s: (rng.standard_normal(s) * 0.02).astype(np.float32)  # noqa: E731
    inits = [
        numpy_helper.from_array(np.array(ROWS, dtype=np.int64), "rows"),
        numpy_helper.from_array(f32(ROWS, hid), "transformer.wte.weight"),
        numpy_helper.from_array(f32(hid, 3 * hid), "transformer.h.0.attn.qkv_weight"),
        numpy_helper.from_array(np.zeros(3 * hid, np.float32), "transformer.h.0.attn.qkv_bias"),
        numpy_helper.from_array(f32(hid, ROWS), "lm_head.weight"),
        numpy_helper.from_array(np.array([1, 1, -(-modeling.GPT2_VOCAB // ROWS)], dtype=np.int64), "tile_reps"),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "slice_start"),
        numpy_helper.from_array(np.array([modeling.GPT2_VOCAB], dtype=np.int64), "slice_end"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "slice_axis"),
    ]
    nodes = [
        helper.make_node("Mod", ["input_ids", "rows"], ["row_ids"], name="/transformer/Mod"),
        helper.make_node("Gather", ["transformer.wte.weight", "row_ids"], ["embeds"], name="/transformer/wte/Gather"),
        helper.make_node("Cast", ["attention_mask"], ["mask_index"], name="/transformer/Cast", to=TensorProto.INT32),
        helper.make_node("Attention", ["embeds", "transformer.h.0.attn.qkv_weight", "transformer.h.0.attn.qkv_bias",
                                       "mask_index"], ["attn_out"], name="/transformer/h.0/attn/Attention",
                         domain="com.microsoft", num_heads=heads, unidirectional=1, **extra),
        helper.make_node("MatMul", ["attn_out", "lm_head.weight"], ["row_logits"], name="/lm_head/MatMul"),
        helper.make_node("Tile", ["row_logits", "tile_reps"], ["tiled"], name="/Tile"),
        helper.make_node("Slice", ["tiled", "slice_start", "slice_end", "slice_axis"], ["logits"], name="/Slice"),
    ]
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "sequence_length"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "sequence_length", modeling.GPT2_VOCAB])],
        inits)
    model = helper.make_model(graph, producer_name="qkv-scope-fixtures",
                              opset_imports=[helper.make_opsetid("", modeling.OPSET), helper.make_opsetid("com.microsoft", 1)])
    onnx.save(model, os.path.join(d, "onnx", "model.onnx"))
    write_json(os.path.join(d, "config.json"), modeling.gpt2_config(n_embd=hid, n_head=heads, n_layer=1, n_positions=128,
                                                                   use_cache=False))
    write_gpt2_tokenizer(d, 128)


def make_fused_unsupported(out):
    """fused-attention with do_rotary=1, a combination QKV Scope does not open up: the refusal example."""
    make_fused_attention(out, "fused-unsupported", do_rotary=1)


# ----------------------------------------------------------------------------------------------
# Dynamic quantization, the way onnxruntime.quantization.quantize_dynamic lays it out
# ----------------------------------------------------------------------------------------------
def quantize_dynamic(src, dst):
    """Every MatMul/Gemm: DynamicQuantizeLinear(activation) -> MatMulInteger -> Cast -> Mul(scale product)
    [-> Add bias for Gemm]. Weights: per-tensor symmetric int8 initializers (zero point 0).
    MatMuls of two activations (Q·Kᵀ, probs·V) get a DynamicQuantizeLinear on *both* inputs (uint8)."""
    model = onnx.load(src)
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    new_nodes, new_inits, used_weights = [], [], set()

    def dql(x, base):
        outs = [f"{x}_quantized", f"{x}_scale", f"{x}_zero_point"]
        if not any(n.output[0] == outs[0] for n in new_nodes):
            new_nodes.append(helper.make_node("DynamicQuantizeLinear", [x], outs, name=f"{base}_{len(new_nodes)}_QuantizeLinear"))
        return outs

    for n in g.node:
        is_gemm = n.op_type == "Gemm"
        if n.op_type not in ("MatMul", "Gemm"):
            new_nodes.append(n)
            continue
        a, b = n.input[0], n.input[1]
        if is_gemm:
            attrs = {at.name: helper.get_attribute_value(at) for at in n.attribute}
            assert attrs.get("transA", 0) == 0 and attrs.get("transB", 0) == 0
            assert attrs.get("alpha", 1.0) == 1.0 and attrs.get("beta", 1.0) == 1.0 and b in inits
        aq, a_scale, a_zp = dql(a, n.name)
        if b in inits:  # weight: quantize offline
            w = numpy_helper.to_array(inits[b])
            scale = np.float32(max(np.abs(w).max(), 1e-8) / 127.0)
            new_inits += [
                numpy_helper.from_array(np.clip(np.round(w / scale), -127, 127).astype(np.int8), f"{b}_quantized"),
                numpy_helper.from_array(np.array(scale, np.float32), f"{b}_scale"),
                numpy_helper.from_array(np.array(0, np.int8), f"{b}_zero_point"),
            ]
            used_weights.add(b)
            bq, b_scale, b_zp = f"{b}_quantized", f"{b}_scale", f"{b}_zero_point"
        else:  # activation x activation (attention scores / context)
            bq, b_scale, b_zp = dql(b, n.name)
        out = n.output[0]
        prod = f"{out}_MatMulInteger"
        scaled = out if not is_gemm else f"{out}_no_bias"
        new_nodes += [
            helper.make_node("MatMulInteger", [aq, bq, a_zp, b_zp], [prod], name=f"{n.name}_quant"),
            helper.make_node("Cast", [prod], [f"{prod}_cast"], name=f"{n.name}_quant_output_cast", to=TensorProto.FLOAT),
            helper.make_node("Mul", [a_scale, b_scale], [f"{out}_scales"], name=f"{n.name}_quant_scales_mul"),
            helper.make_node("Mul", [f"{prod}_cast", f"{out}_scales"], [scaled], name=f"{n.name}_quant_output_scale_mul"),
        ]
        if is_gemm:
            new_nodes.append(helper.make_node("Add", [scaled, n.input[2]], [out], name=f"{n.name}_quant_bias_add"))

    still_used = {i for n in new_nodes for i in n.input}
    keep = [t for t in g.initializer if t.name not in used_weights or t.name in still_used]
    del g.node[:]
    g.node.extend(new_nodes)
    del g.initializer[:]
    g.initializer.extend(keep + new_inits)
    onnx.checker.check_model(model)
    onnx.save(model, dst)


def make_tiny_gpt2_quantized(out, float_path):
    d = model_dir(out, "tiny-gpt2-quantized")
    quantize_dynamic(float_path, os.path.join(d, "onnx", "model.onnx"))
    src = os.path.dirname(os.path.dirname(float_path))
    for f in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(src, f), os.path.join(d, f))

# Fixtures that can be (re)written alone with --only NAME, leaving every other fixture byte-identical.
ONLY = {"fused-attention": make_fused_attention, "fused-unsupported": make_fused_unsupported,
        "wide-gpt2": make_wide_gpt2, "tiny-llama": make_tiny_llama, "tiny-distilbert": make_tiny_distilbert,
        "tiny-roberta": make_tiny_roberta, **FAMILIES}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "test", "fixtures", "models"))
    ap.add_argument("--only", choices=sorted(ONLY), help="write just this fixture")
    args = ap.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    if args.only:
        ONLY[args.only](args.out)
        return
    make_tiny_bert(args.out, wordpiece_vocab())
    gpt2_path = make_tiny_gpt2(args.out)
    make_tiny_sdpa(args.out)
    make_tiny_gpt2_quantized(args.out, gpt2_path)
    make_no_attention(args.out)
    make_fused_attention(args.out)
    make_fused_unsupported(args.out)
    make_wide_gpt2(args.out)
    make_tiny_llama(args.out)
    make_tiny_distilbert(args.out)
    make_tiny_roberta(args.out)
    for make in FAMILIES.values():
        make(args.out)
    print("fixtures written to", args.out)


if __name__ == "__main__":
    main()
