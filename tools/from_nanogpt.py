#!/usr/bin/env python3
"""Converts a nanoGPT checkpoint into a QKV Scope model folder.

    python3 tools/from_nanogpt.py out-shakespeare-char/ckpt.pt --meta data/shakespeare_char/meta.pkl --out my-model

Writes config.json (GPT-2 keys), onnx/model.onnx (exported through tools/modeling.py's GPT-2), tokenizer.json and
tokenizer_config.json (characters from meta.pkl, else GPT-2's byte-level BPE) and README.md (the model card).
Before writing, it runs the checkpoint in torch and the exported graph in onnxruntime on the same tokens and prints
the largest logit difference; over 1e-4 it writes nothing. Needs torch and numpy, and Node.js (QKV_NODE or `node`)
for onnxruntime-node. Exit codes: 0 written, 1 refused (one sentence on stderr), 2 bad arguments, 3 a character
model given without its meta.pkl.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from nanogpt.card import write_card  # noqa: E402
from nanogpt.checkpoint import CheckpointError, load_checkpoint  # noqa: E402
from nanogpt.export import build_module, export_onnx, hf_config  # noqa: E402
from nanogpt.tokenizers import MetaError, load_meta, write_char_tokenizer, write_gpt2_tokenizer  # noqa: E402
from nanogpt.verify import MAX_LOGIT_DIFF, VerifyError, max_logit_difference  # noqa: E402

GPT2_VOCAB = 50257
CHECK_TOKENS = 64


class RefusedError(Exception):
    pass


class NeedsMetaError(RefusedError):
    """A character model without its meta.pkl: exit code 3, so a caller can ask for the file."""


def check_ids(vocab_size, block_size):
    """Fixed pseudo-random ids (seeded) that every row of a small vocabulary can appear in."""
    g = torch.Generator().manual_seed(1234)
    n = min(CHECK_TOKENS, block_size)
    return torch.randint(0, min(vocab_size, GPT2_VOCAB), (n,), generator=g).tolist()


def convert(ckpt_path, meta_path, out_dir, force):
    started = time.monotonic()
    if os.path.exists(out_dir) and os.listdir(out_dir) and not force:
        raise RefusedError(f"{out_dir} exists and is not empty; choose another --out, or pass --force to replace it.")
    state, args, ckpt = load_checkpoint(ckpt_path)
    stoi = load_meta(meta_path, args.vocab_size) if meta_path else None
    if stoi is None and args.vocab_size < GPT2_VOCAB:
        raise NeedsMetaError(f"The model has {args.vocab_size} vocabulary rows, fewer than GPT-2's {GPT2_VOCAB}: "
                           "it was trained on characters, so pass its meta.pkl with --meta.")
    parent = os.path.dirname(os.path.abspath(out_dir))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".nanogpt-", dir=parent)
    os.chmod(tmp, 0o755)  # mkdtemp makes it private; the folder is an ordinary model folder
    try:
        onnx_path = os.path.join(tmp, "onnx", "model.onnx")
        export_onnx(build_module(state, args), onnx_path)
        ids = check_ids(args.vocab_size, args.block_size)
        diff = max_logit_difference(state, args, onnx_path, ids)
        print(f"largest logit difference (torch vs onnxruntime, {len(ids)} tokens): {diff:.3g}")
        if not diff <= MAX_LOGIT_DIFF:
            raise RefusedError(f"The exported graph differs from the checkpoint by {diff:.3g} in the logits "
                               f"(limit {MAX_LOGIT_DIFF:g}); nothing was written.")
        with open(os.path.join(tmp, "config.json"), "w", encoding="utf-8") as f:
            json.dump(hf_config(args), f, indent=1)
            f.write("\n")
        if stoi is None:
            write_gpt2_tokenizer(tmp, args.block_size)
        else:
            write_char_tokenizer(tmp, stoi, args.block_size)
        write_card(tmp, ckpt_path, ckpt, args, "GPT-2 byte-level BPE" if stoi is None else
                   f"characters from {os.path.basename(meta_path)} ({len(stoi)})", diff, len(ids))
        if os.path.exists(out_dir):
            shutil.rmtree(out_dir)
        os.rename(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"wrote {out_dir} ({args.n_layer} layers × {args.n_head} heads, {args.vocab_size} rows) "
          f"in {time.monotonic() - started:.1f} s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ckpt", help="nanoGPT checkpoint (ckpt.pt)")
    ap.add_argument("--meta", help="meta.pkl of a character-level dataset (stoi/itos)")
    ap.add_argument("--out", required=True, help="model folder to write")
    ap.add_argument("--force", action="store_true", help="replace --out if it exists")
    a = ap.parse_args(argv)
    for path in [a.ckpt] + ([a.meta] if a.meta else []):
        if not os.path.isfile(path):
            ap.error(f"{path} is not a file")
    try:
        convert(a.ckpt, a.meta, a.out, a.force)
    except (CheckpointError, MetaError, VerifyError, RefusedError) as e:
        print(f"from_nanogpt: {e}", file=sys.stderr)
        return 3 if isinstance(e, NeedsMetaError) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
