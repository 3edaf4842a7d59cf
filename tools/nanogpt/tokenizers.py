"""The converted model's tokenizer: a character tokenizer built from nanoGPT's meta.pkl, or GPT-2's byte-level BPE.

The character tokenizer is a BPE model with one entry per character and no merges, no normalizer and no
pre-tokenizer: transformers.js then yields exactly one token per character, so every token's offsets are exact.
"""
import json
import os
import pickle
import shutil

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMBEDDED = os.path.join(REPO, "models")


class MetaError(Exception):
    """A meta.pkl we cannot use; the message is one sentence for the user."""


def load_meta(path, vocab_size):
    try:
        with open(path, "rb") as f:
            meta = pickle.load(f)
    except Exception as e:  # noqa: BLE001
        raise MetaError(f"{path} could not be read as nanoGPT's meta.pkl ({type(e).__name__}: {e}).")
    stoi = meta.get("stoi") if isinstance(meta, dict) else None
    if not isinstance(stoi, dict) or not stoi:
        raise MetaError(f"{path} has no \"stoi\" table: it is not a character-level meta.pkl.")
    bad = [ch for ch, i in stoi.items() if not isinstance(ch, str) or len(ch) != 1 or not 0 <= int(i) < vocab_size]
    if bad:
        raise MetaError(f"{path}: stoi entry {bad[0]!r} is not one character with an id below the model's "
                        f"{vocab_size} rows.")
    return {ch: int(i) for ch, i in stoi.items()}


def char_tokenizer_json(stoi):
    vocab = dict(sorted(stoi.items(), key=lambda kv: kv[1]))
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
        "normalizer": None, "pre_tokenizer": None, "post_processor": None,
        "decoder": {"type": "Fuse"},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": True,
                  "vocab": vocab, "merges": []},
    }


def write_char_tokenizer(out_dir, stoi, block_size):
    _write_json(os.path.join(out_dir, "tokenizer.json"), char_tokenizer_json(stoi))
    _write_json(os.path.join(out_dir, "tokenizer_config.json"), {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": block_size,
        "clean_up_tokenization_spaces": False})


def write_gpt2_tokenizer(out_dir, block_size):
    """GPT-2's real tokenizer, as the embedded model ships it."""
    shutil.copyfile(os.path.join(EMBEDDED, "tokenizer.json"), os.path.join(out_dir, "tokenizer.json"))
    with open(os.path.join(EMBEDDED, "tokenizer_config.json"), encoding="utf-8") as f:
        config = json.load(f)
    config["model_max_length"] = block_size
    _write_json(os.path.join(out_dir, "tokenizer_config.json"), config)


def encode_chars(stoi, text):
    return [stoi[ch] for ch in text if ch in stoi]


def _write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")
