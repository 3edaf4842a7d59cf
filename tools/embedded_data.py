"""Runs in Python (Debian /usr/bin/python3): the embedded model's data, shared by training and measuring.

Reads every source of corpus.SOURCES, cuts long documents into ~2,000-character pieces at paragraph breaks,
tokenizes them with transformers.js and our GPT-2 tokenizer.json (exactly what the extension does), and
holds out every 20th piece of each source. The tokenized corpus is cached in tools/.cache/corpus-ids.npz.
"""
import hashlib
import json
import os
import subprocess

import numpy as np

import corpus

TOOLS = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(TOOLS, ".cache")
EOS = 50256
UNK_ROW = 0
GPT2_VOCAB = 50257
PIECE_CHARS = 2000


def encode_docs(docs, tokenizer_dir):
    """Tokenize with transformers.js and our tokenizer.json."""
    r = subprocess.run(["node", os.path.join(TOOLS, "gpt2_encode.mjs")], check=True, capture_output=True,
                       input=json.dumps({"tokenizer_dir": tokenizer_dir, "docs": docs}), text=True)
    return json.loads(r.stdout)


def pieces(doc):
    """Cuts a long document at paragraph breaks into pieces of about PIECE_CHARS characters."""
    if len(doc) <= 2 * PIECE_CHARS:
        return [doc]
    out, cur = [], ""
    for para in doc.split("\n"):
        if cur and len(cur) + len(para) > PIECE_CHARS:
            out.append(cur)
            cur = ""
        cur = f"{cur}\n{para}" if cur else para
    if cur:
        out.append(cur)
    return out


def load(tokenizer_dir):
    """Returns {source name: {"lang", "train": [ids...], "held": [ids...]}} plus per-source sizes."""
    texts = {}
    for name, lang, read, _pkg, _lic in corpus.SOURCES:
        texts[name] = [p for d in read() for p in pieces(d)]
    key = hashlib.sha256(json.dumps(texts, sort_keys=True).encode()).hexdigest()[:16]
    path = os.path.join(CACHE, f"corpus-ids-{key}.npz")
    if not os.path.exists(path):
        names = list(texts)
        flat = [p for n in names for p in texts[n]]
        ids = encode_docs(flat, tokenizer_dir)
        arrays, i = {}, 0
        for n in names:
            k = len(texts[n])
            docs = ids[i:i + k]
            i += k
            arrays[n + ".lens"] = np.array([len(d) for d in docs], dtype=np.int64)
            arrays[n + ".ids"] = np.array([t for d in docs for t in d], dtype=np.int32)
        os.makedirs(CACHE, exist_ok=True)
        np.savez(path + ".tmp.npz", **arrays)
        os.replace(path + ".tmp.npz", path)
    z = np.load(path)
    data = {}
    for name, lang, _read, pkg, lic in corpus.SOURCES:
        lens, flat = z[name + ".lens"], z[name + ".ids"]
        docs = np.split(flat, np.cumsum(lens)[:-1])
        data[name] = {"lang": lang, "package": pkg, "licence": lic, "documents": len(docs),
                      "train": [d for i, d in enumerate(docs) if i % 20 != 7],
                      "held": [d for i, d in enumerate(docs) if i % 20 == 7],
                      "texts_held": [t for i, t in enumerate(texts[name]) if i % 20 == 7]}
    return data


def stream(docs):
    """Documents joined by <|endoftext|> into one int64 token stream."""
    if not docs:
        return np.zeros(0, dtype=np.int64)
    parts = []
    for d in docs:
        parts.append(d.astype(np.int64))
        parts.append(np.array([EOS], dtype=np.int64))
    return np.concatenate(parts)


def build_id_map(train_ids, min_count):
    """GPT-2 id -> compact row: ids seen at least min_count times in training get a row, others share UNK_ROW."""
    counts = np.bincount(train_ids, minlength=GPT2_VOCAB)
    keep = np.union1d(np.nonzero(counts >= min_count)[0], [EOS])
    id_map = np.full(GPT2_VOCAB, UNK_ROW, dtype=np.int64)
    id_map[keep] = np.arange(1, len(keep) + 1)  # row 0 is unk
    return id_map, len(keep) + 1
