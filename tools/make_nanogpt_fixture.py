#!/usr/bin/env python3
"""Makes test/fixtures/models/nanogpt-char: a tiny nanoGPT-format character checkpoint (tiny-shakespeare's 65
characters, saved with torch.compile's `_orig_mod.` prefixes) converted by tools/from_nanogpt.py.

    /usr/bin/python3 tools/make_nanogpt_fixture.py [--gpt2-out DIR]

--gpt2-out also converts a GPT-2-token checkpoint (vocab 50304 as nanoGPT pads it, bias=False, untied lm_head) into
DIR; it is not committed (its tokenizer alone is 1.5 MB)."""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from from_nanogpt import convert  # noqa: E402
from nanogpt.tiny_checkpoint import SHAKESPEARE_CHARS, save_shakespeare_meta, save_tiny_checkpoint  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(REPO, "test", "fixtures", "models", "nanogpt-char")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gpt2-out", help="also convert a GPT-2-token checkpoint into this folder")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="nanogpt-fixture-") as tmp:
        ckpt, meta = os.path.join(tmp, "ckpt.pt"), os.path.join(tmp, "meta.pkl")
        save_tiny_checkpoint(ckpt, seed=1234, vocab_size=len(SHAKESPEARE_CHARS), compiled=True)
        save_shakespeare_meta(meta)
        convert(ckpt, meta, FIXTURE, force=True)
        if a.gpt2_out:
            save_tiny_checkpoint(ckpt, seed=4321, vocab_size=50304, n_embd=32, bias=False, tied=False)
            convert(ckpt, None, a.gpt2_out, force=True)


if __name__ == "__main__":
    main()
