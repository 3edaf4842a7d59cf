#!/usr/bin/python3
"""Write a BERT-base-shaped random model to bench/.models/bert-base-random/ (gitignored; for benchmarks).

12 layers x 12 heads, hidden 768, intermediate 3072, max positions 512 (about 86 M parameters,
~340 MB). The vocabulary is the small WordPiece one of the tiny-bert fixture, so only the embedding
is smaller than real BERT-base; every attention tensor has BERT-base's shape.

Usage: /usr/bin/python3 tools/make_bench_model.py [--out DIR]
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modeling  # noqa: E402
from make_fixtures import REPO, SEED, model_dir, wordpiece_vocab, write_json, write_wordpiece_tokenizer  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "bench", ".models"))
    args = ap.parse_args()
    torch.set_num_threads(2)
    d = model_dir(args.out, "bert-base-random")  # also seeds torch
    vocab = wordpiece_vocab()
    cfg = dict(vocab=len(vocab), hidden=768, heads=12, layers=12, inner=3072, max_pos=512)
    modeling.export_bert(modeling.BertModel(**cfg), os.path.join(d, "onnx", "model.onnx"))
    write_json(os.path.join(d, "config.json"), modeling.bert_config(**cfg))
    write_wordpiece_tokenizer(d, vocab, cfg["max_pos"])
    print("wrote", d)


if __name__ == "__main__":
    main()
