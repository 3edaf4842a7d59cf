"""Tokenizers for the encoder-decoder fixtures (tools/make_seq2seq_fixtures.py), written as Hugging Face
tokenizer.json files that transformers.js reads, each in its family's real form but with a vocabulary made from the
fixture's corpus:

- SentencePiece-style Unigram with Metaspace "▁" (T5, M2M100, NLLB, as Marian in make_marian_fixture.py): one piece
  per corpus word, the full stop, then single characters so that any ASCII text still encodes;
- byte-level BPE (BART, whose tokenizer is RoBERTa's/GPT-2's): the 256 byte symbols and merges learned on the corpus
  until every corpus word is one token, with RobertaProcessing (<s> X </s>).
"""
import collections
import json
import os
import re
import string


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


# ----------------------------------------------------------------------------------------------
# SentencePiece-style Unigram
# ----------------------------------------------------------------------------------------------
def split_words(text):
    """What the Unigram model makes of the corpus: "▁word" per word, and the full stop as its own piece."""
    pieces = []
    for word in text.split():
        pieces.append("▁" + word.rstrip("."))
        if word.endswith("."):
            pieces.append(".")
    return pieces


def unigram_pieces(texts):
    """[piece, score] for the corpus words, the full stop, "▁", and every ASCII character alone and after "▁"."""
    words = sorted({p for text in texts for p in split_words(text) if p != "."})
    chars = list(string.ascii_letters + string.digits + string.punctuation)
    pieces = [[w, -2.0 - i / 1000] for i, w in enumerate(words)] + [[".", -3.0]]
    pieces += [["▁", -8.0]] + [[c, -10.0] for c in chars if c != "."] + [["▁" + c, -9.0] for c in chars]
    return pieces


def unigram_tokenizer(vocab, specials, unk, single):
    """tokenizer.json: vocab [[piece, score]] with the special tokens at their ids (`specials`: piece -> id), the
    post-processor template `single` (a list of "A" and special pieces, e.g. ["__en__", "A", "</s>"])."""
    metaspace = {"type": "Metaspace", "replacement": "▁", "add_prefix_space": True, "prepend_scheme": "always", "split": True}
    template = [{"Sequence": {"id": "A", "type_id": 0}} if x == "A" else {"SpecialToken": {"id": x, "type_id": 0}} for x in single]
    used = [x for x in single if x != "A"]
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for t, i in sorted(specials.items(), key=lambda x: x[1])],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, metaspace]},
        "post_processor": {"type": "TemplateProcessing", "single": template, "pair": template[:-1] + [
            {"Sequence": {"id": "B", "type_id": 0}}, template[-1]],
            "special_tokens": {t: {"id": t, "ids": [specials[t]], "tokens": [t]} for t in used}},
        "decoder": metaspace,
        "model": {"type": "Unigram", "unk_id": specials[unk], "vocab": vocab, "byte_fallback": False},
    }


def unigram_ids(vocab, text, unk_id):
    """The corpus's ids as the Unigram tokenizer makes them (every corpus word is one piece), without specials."""
    index = {p: i for i, (p, _) in enumerate(vocab)}
    return [index.get(p, unk_id) for p in split_words(text)]


# ----------------------------------------------------------------------------------------------
# Byte-level BPE (GPT-2 / RoBERTa / BART)
# ----------------------------------------------------------------------------------------------
def bytes_to_unicode():
    """GPT-2's printable stand-in for each byte (space -> "Ġ")."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE = bytes_to_unicode()
# GPT-2's pre-tokenizer pattern, with Python's [^\W\d_] for \p{L} (letters).
PRETOKEN = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+(?!\S)|\s+""")


def byte_pieces(text):
    return ["".join(BYTE[b] for b in piece.encode("utf-8")) for piece in PRETOKEN.findall(text)]


def learn_bpe(texts):
    """Merges learned on the corpus's pre-tokens, most frequent pair first (ties by the pair itself), until every
    pre-token is one symbol."""
    words = collections.Counter(tuple(p) for text in texts for p in byte_pieces(text))
    merges = []
    while True:
        pairs = collections.Counter()
        for word, count in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += count
        if not pairs:
            return merges
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merges.append(best)
        merged = {}
        for word, count in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + count
        words = merged


def bpe_vocab(texts, specials):
    """piece -> id: the special tokens first (in order), the 256 byte symbols, then one token per merge."""
    merges = learn_bpe(texts)
    vocab = {t: i for i, t in enumerate(specials)}
    for ch in sorted(BYTE.values()):
        vocab.setdefault(ch, len(vocab))
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    return vocab, merges


def bpe_tokenizer(vocab, merges, bos, eos, unk, pad):
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": True, "special": True} for t in (bos, pad, eos, unk)],
        "normalizer": None,
        "pre_tokenizer": byte_level,
        "post_processor": {"type": "RobertaProcessing", "sep": [eos, vocab[eos]], "cls": [bos, vocab[bos]],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": byte_level,
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": [f"{a} {b}" for a, b in merges]},
    }


def bpe_ids(vocab, merges, text):
    """Ids of the text (no specials) by applying the merges in order to each pre-token."""
    rank = {m: i for i, m in enumerate(merges)}
    ids = []
    for piece in byte_pieces(text):
        word = list(piece)
        while len(word) > 1:
            pairs = [(rank.get((a, b), len(rank)), i) for i, (a, b) in enumerate(zip(word, word[1:]))]
            r, i = min(pairs)
            if r == len(rank):
                break
            word[i:i + 2] = [word[i] + word[i + 1]]
        ids += [vocab[w] for w in word]
    return ids


def write_tokenizer(d, tokenizer_json, config):
    write_json(os.path.join(d, "tokenizer.json"), tokenizer_json)
    write_json(os.path.join(d, "tokenizer_config.json"), config)
