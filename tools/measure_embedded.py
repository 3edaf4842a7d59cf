#!/usr/bin/python3
"""Runs in Python (Debian /usr/bin/python3): measures the embedded model and writes its card.

    /usr/bin/python3 tools/measure_embedded.py                      # models/ against the model at --baseline-rev
    /usr/bin/python3 tools/measure_embedded.py --baseline-rev ca49295

Measures the model as shipped (weights read back from models/onnx/model.onnx) and, side by side on the same
held-out text, the previous embedded model taken from git: unknown rates, held-out loss in English and French
against unigram and bigram baselines, the best previous-token, first-token (sink) and induction heads, every
head's figures, the pizza sentence's strongest key for " it" / " elle", sample generations, and an
onnxruntime-node check. Writes models/training-report.json ("measured", "baseline") and models/README.md.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import embedded_card  # noqa: E402
import embedded_data as ed  # noqa: E402
import embedded_eval as ev  # noqa: E402
import embedded_models as em  # noqa: E402

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TOOLS)
PIZZA = {"en": ("The pizza came out of the oven and it tasted good.", " it"),
         "fr": ("La pizza est sortie du four et elle était délicieuse.", " elle")}
PROMPTS = ["And God said", "The pizza came out of the oven and", "A fool and his money", "The computer", "Love is",
           "La pizza est sortie du four et", "Le paquet", "Pour installer"]
WINDOW = 256  # the old model reads at most 256 positions
WINDOWS_PER_LANGUAGE = 30
PROBE_DOCS = 120
INDUCTION_SEQUENCES = 20
INDUCTION_POOL = 10000
LONG_WINDOWS = 2


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(REPO, "models"))
    ap.add_argument("--baseline-rev", default="ca49295", help="git revision whose models/ is the previous model")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--card-only", action="store_true", help="only re-render README.md from training-report.json")
    return ap.parse_args()


def spread_windows(stream, n, width):
    """n windows of width+1 tokens spread evenly over a held-out stream (every source is represented)."""
    step = (len(stream) - width - 1) // n
    return [stream[i * step:i * step + width + 1] for i in range(n)]


def probe_docs(data, lang, count=PROBE_DOCS, max_len=64):
    """Held-out documents (first <= max_len tokens, no BOS), taken round-robin from the language's sources."""
    per_source = [[d[:max_len] for d in v["held"] if len(d) >= 12] for v in data.values() if v["lang"] == lang]
    out, i = [], 0
    while len(out) < count and any(i < len(s) for s in per_source):
        out += [s[i] for s in per_source if i < len(s)]
        i += 1
    return out[:count]


@torch.no_grad()
def window_losses(model, id_map, windows, shared_known):
    """Loss over the model's rows (unknown ids = the unk row), and loss of the full GPT-2-id distribution the
    user sees on targets both models know (the fair comparison between vocabularies of different sizes)."""
    rows_total, full_total, full_n, n = 0.0, 0.0, 0, 0
    for w in windows:
        rows = torch.from_numpy(id_map[w])
        h, _, _ = model.transformer(rows[None, :-1])
        rows_total += F.cross_entropy(model.compact_logits(h)[0], rows[1:], reduction="sum").item()
        n += len(w) - 1
        tgt = torch.from_numpy(w[1:].astype(np.int64))
        keep = torch.from_numpy(shared_known[w[1:]])
        if keep.any():
            logp = F.log_softmax(model.full_logits(h)[0], -1)
            full_total -= logp[torch.arange(len(tgt)), tgt][keep].sum().item()
            full_n += int(keep.sum())
    return rows_total / n, full_total / max(1, full_n)


def baselines(train_ids, id_map, n_rows, windows):
    """Unigram and bigram cross-entropy on the same (previous, next) pairs as the model's loss."""
    train_rows = id_map[train_ids]
    prev = np.concatenate([id_map[w[:-1]] for w in windows])
    nxt = np.concatenate([id_map[w[1:]] for w in windows])
    return ev.unigram_loss(train_rows, nxt, n_rows), ev.bigram_loss(train_rows, prev, nxt, n_rows)


def strongest_keys(model, id_map, ids, query_token, decode):
    """For each head: the key that the query word's last token (" elle" is " el" + "le") gives most attention to."""
    q = next(i for i in range(len(ids)) if decode(ids[:i + 1]).endswith(query_token))
    out = []
    for layer, p in enumerate(ev.attention_of(model, id_map[np.array(ids)])):
        for head in range(p.shape[0]):
            row = p[head, q, :q + 1]
            k = int(row.argmax())
            out.append({"layer": layer, "head": head, "key": decode([ids[k]]), "key_index": k,
                        "weight": round(float(row[k]), 4)})
    return {"query_index": q, "tokens": [decode([t]) for t in ids], "heads": out}


def measure(model, id_map, cfg, data, streams, other_id_map, decode, tok_dir):
    torch.manual_seed(0)
    n_rows = int(id_map.max()) + 1
    known = id_map != 0
    shared_known = known & (other_id_map != 0)
    res = {"rows": n_rows, "n_positions": cfg["n_positions"], "unk_rate": {}, "loss": {}, "heads": {}}
    for lang in ("en", "fr"):
        held, train = streams[lang]
        res["unk_rate"][lang] = round(float((~known[held]).mean()), 5)
        windows = spread_windows(held, WINDOWS_PER_LANGUAGE, min(WINDOW, cfg["n_positions"]))
        rows_loss, full_loss = window_losses(model, id_map, windows, shared_known)
        uni, bi = baselines(train, id_map, n_rows, windows)
        res["loss"][lang] = {"model": round(rows_loss, 4), "unigram": round(uni, 4), "bigram": round(bi, 4),
                             "model_on_shared_known": round(full_loss, 4),
                             "tokens": int(sum(len(w) - 1 for w in windows))}
        st = ev.head_stats(model, [id_map[d] for d in probe_docs(data, lang)])
        res["heads"][lang] = [{"layer": l, "head": h, **{k: round(st[k][l][h], 4) for k in st}}
                              for l in range(cfg["n_layer"]) for h in range(cfg["n_head"])]
        res.setdefault("best", {})[f"previous_token_{lang}"] = ev.best(st["prev"])
        res["best"][f"sink_{lang}"] = ev.best(st["first"])
    # Random tokens from the model's INDUCTION_POOL most frequent training rows: the rarest rows have barely been
    # trained, and a learner's text is made of common tokens (Olsson et al. likewise draw from common tokens).
    counts = np.bincount(id_map[np.concatenate([streams[k][1] for k in streams])], minlength=n_rows)
    counts[0] = counts[id_map[ed.EOS]] = 0
    pool = np.argsort(-counts)[:INDUCTION_POOL]
    ind = ev.induction_stats(model, n_rows, T=50, count=INDUCTION_SEQUENCES, seed=1, pool=pool)
    res["induction"] = [{"layer": l, "head": h, "score": round(ind[l][h], 4)}
                        for l in range(cfg["n_layer"]) for h in range(cfg["n_head"])]
    res["best"]["induction"] = ev.best(ind)
    long_probe = [id_map[w[:-1]] for w in spread_windows(streams["en"][0], LONG_WINDOWS, min(1024, cfg["n_positions"]))]
    res["best"]["previous_token_long"] = ev.best(ev.head_stats(model, long_probe)["prev"])
    res["best"]["previous_token_long"]["tokens"] = len(long_probe[0])
    res["probe"] = {"windows_per_language": WINDOWS_PER_LANGUAGE, "window": WINDOW, "probe_documents": PROBE_DOCS,
                    "induction_sequences": INDUCTION_SEQUENCES, "induction_pool": INDUCTION_POOL, "long_windows": LONG_WINDOWS}
    res["pizza"] = {}
    for lang, (sentence, query) in PIZZA.items():
        ids = ed.encode_docs([sentence], tok_dir)[0]
        res["pizza"][lang] = {"sentence": sentence, "query": query, **strongest_keys(model, id_map, ids, query, decode)}
    return res


@torch.no_grad()
def samples(model, id_map, prompts_ids, decode, seed=1234, n_new=40, temperature=0.8, top_k=40):
    gen = torch.Generator().manual_seed(seed)
    out = []
    for prompt, ids in prompts_ids:
        ids = list(ids)
        for _ in range(n_new):
            h, _, _ = model.transformer(model.rows(torch.tensor(ids[-model.transformer.wpe.num_embeddings:]))[None])
            v, ix = (model.full_logits(h[:, -1:])[0, -1] / temperature).topk(top_k)
            ids.append(ix[torch.multinomial(F.softmax(v, -1), 1, generator=gen)].item())
            if ids[-1] == ed.EOS:
                break
        out.append({"prompt": prompt, "text": decode(ids)})
    return out


def onnx_check(folder, model, cfg, ids, decode):
    res = em.run_in_onnxruntime(folder, ids, cfg["n_layer"], cfg["n_head"], cfg["n_embd"] // cfg["n_head"])
    with torch.no_grad():
        h, _, _ = model.transformer(model.rows(torch.tensor(ids)[None]))
        ref = model.full_logits(h)[0, -1].numpy()
    last = np.array(res.pop("last"), dtype=np.float32)
    seen = ref > -1e30
    return {"input_ids": ids, "dims": res["dims"], "max_abs_diff_vs_torch": float(np.abs(last[seen] - ref[seen]).max()),
            "top5_next": [decode([int(i)]) for i in np.argsort(-last)[:5]]}


def main():
    args = parse_args()
    if args.card_only:
        with open(os.path.join(args.model, "training-report.json"), encoding="utf-8") as f:
            embedded_card.write_card(args.model, json.load(f))
        return
    torch.set_num_threads(args.threads)
    tok_dir = os.path.join(ed.CACHE, "gpt2-tokenizer")
    from build_gpt2_tokenizer import write_tokenizer
    write_tokenizer(tok_dir)
    data = ed.load(tok_dir)
    streams = {lang: (np.concatenate([ed.stream(v["held"]) for v in data.values() if v["lang"] == lang]),
                      np.concatenate([ed.stream(v["train"]) for v in data.values() if v["lang"] == lang]))
               for lang in ("en", "fr")}
    decode = embedded_card.gpt2_decoder()
    model, id_map, cfg = em.load_folder(args.model)
    old_dir = em.folder_from_git(args.baseline_rev, os.path.join(ed.CACHE, f"baseline-{args.baseline_rev}"))
    old, old_map, old_cfg = em.load_folder(old_dir)
    measured = measure(model, id_map, cfg, data, streams, old_map, decode, tok_dir)
    print(json.dumps(measured["best"]), flush=True)
    baseline = measure(old, old_map, old_cfg, data, streams, id_map, decode, tok_dir)
    print(json.dumps(baseline["best"]), flush=True)
    prompts_ids = list(zip(PROMPTS, ed.encode_docs(PROMPTS, tok_dir)))
    measured["samples"] = samples(model, id_map, prompts_ids, decode)
    measured["onnx_check"] = onnx_check(args.model, model, cfg, ed.encode_docs([PIZZA["en"][0]], tok_dir)[0], decode)
    measured["onnx_bytes"] = os.path.getsize(os.path.join(args.model, "onnx", "model.onnx"))
    report_path = os.path.join(args.model, "training-report.json")
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    report["measured"] = measured
    report["baseline"] = {"git_revision": args.baseline_rev, **baseline}
    report["corpus"] = [{"source": n, "language": v["lang"], "package": v["package"], "licence": v["licence"],
                         "documents": v["documents"], "train_tokens": int(sum(len(d) for d in v["train"])),
                         "heldout_tokens": int(sum(len(d) for d in v["held"]))} for n, v in data.items()]
    report["measure_command"] = "/usr/bin/python3 tools/measure_embedded.py" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    with open(report_path, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
    embedded_card.write_card(args.model, report)
    print("wrote", report_path, "and README.md", flush=True)


if __name__ == "__main__":
    main()
