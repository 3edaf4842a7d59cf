#!/usr/bin/python3
"""Runs in Python (Debian /usr/bin/python3): trains the small GPT-2 embedded in the extension.

    /usr/bin/python3 tools/train_embedded.py                 # the documented command (fixed seed, CPU)
    /usr/bin/python3 tools/train_embedded.py --device cuda   # the same run on a GPU
    /usr/bin/python3 tools/train_embedded.py --export-only   # write models/ from the last checkpoint

Corpus: English and French text from Debian packages (tools/corpus.py, tools/embedded_data.py), tokenized with
the real GPT-2 tokenizer. The model is GPT-2 (tools/modeling.py) with a compact vocabulary: GPT-2 ids seen at
least --min-count times in training get their own row, all others share row 0 ("unk"); the id -> row table
is a constant inside the ONNX graph, so the model takes and returns real GPT-2 ids.

Training mixes window lengths (most 128 tokens for speed, some 512 and 1024 so that long-range attention is
trained, not only the position table) and repeated random token sequences ([r1..rT, r1..rT...], loss only on
the repeats), which make previous-token and induction heads form quickly. A checkpoint is written every
--ckpt-every seconds to tools/.cache/embedded-ckpt.pt, so a run cut short can still be exported.

Then `tools/measure_embedded.py` measures the model and writes models/training-report.json and models/README.md.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import embedded_data as ed  # noqa: E402
import embedded_eval as ev  # noqa: E402
import embedded_models as em  # noqa: E402
import modeling  # noqa: E402
import onnx_half  # noqa: E402
from build_gpt2_tokenizer import write_tokenizer  # noqa: E402

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TOOLS)
CKPT = os.path.join(ed.CACHE, "embedded-ckpt.pt")
TOKENIZER_DIR = os.path.join(ed.CACHE, "gpt2-tokenizer")
# (name, probability, window length, sequences per batch): small steps, so that a CPU shared with other
# work still makes many updates.
WINDOW_MIX = [("text128", 0.26, 128, 8), ("text512", 0.10, 512, 1), ("text1024", 0.04, 1024, 1),
              ("repeat96", 0.60, 96, 24)]
REPEATS = WINDOW_MIX[-1]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "models"))
    ap.add_argument("--device", default="cpu", help="cpu or cuda (the same run; a GPU only makes it faster)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--n-layer", type=int, default=2)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=64)
    ap.add_argument("--n-positions", type=int, default=1024)
    ap.add_argument("--steps", type=int, default=9000, help="optimizer steps (the LR schedule spans them)")
    ap.add_argument("--minutes", type=float, default=38.0, help="wall-clock cap; training stops early if hit")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--min-count", type=int, default=16, help="train-split count for an id to get its own row")
    ap.add_argument("--french-share", type=float, default=0.3, help="share of text windows drawn from French")
    ap.add_argument("--loss-share", type=float, default=1.0,
                    help="share of text positions whose next-token loss is computed (sampled positions are unbiased)")
    ap.add_argument("--text-negatives", type=int, default=4096,
                    help="text windows are scored against their batch's own target rows (frequent words, as often as "
                         "they occur) plus this many random rows: the 32k-row output layer would otherwise take most "
                         "of the CPU time (0 = full softmax)")
    ap.add_argument("--repeat-loss-share", type=float, default=1.0, help="the same for repeated-sequence positions")
    ap.add_argument("--repeat-negatives", type=int, default=512,
                    help="repeated sequences are scored against their batch's own rows plus this many random rows, "
                         "not all rows: copying the right earlier token is what trains induction, and it costs "
                         "a small part of a full softmax (0 = full softmax)")
    ap.add_argument("--repeats-first", type=int, default=1500,
                    help="the first steps train on repeated sequences alone: the previous-token and induction heads "
                         "form there within about a thousand steps, where mixed with text from the start they had not "
                         "formed after 4,000 (the text's gradients keep attention on other patterns)")
    ap.add_argument("--eval-every", type=float, default=300.0, help="seconds between progress evaluations")
    ap.add_argument("--ckpt-every", type=float, default=120.0, help="seconds between checkpoints")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--init-from", default="none",
                    help="git revision whose models/ starts the run (its layers, the rows of the ids it knows, its "
                         "256 positions); 'none' starts from random weights")
    ap.add_argument("--export-only", action="store_true", help="write OUT from the last checkpoint")
    return ap.parse_args()


class Batches:
    """Random training batches of compact rows: text windows (English or French) and repeated random sequences."""

    def __init__(self, train_rows, n_rows, n_positions, french_share, gen):
        self.train, self.n_rows, self.n_pos, self.fr, self.gen = train_rows, n_rows, n_positions, french_share, gen

    def _rand(self, hi):
        return int(torch.randint(0, hi, (), generator=self.gen))

    def text(self, block, batch):
        seqs = []
        for _ in range(batch):
            lang = "fr" if torch.rand((), generator=self.gen).item() < self.fr else "en"
            src = self.train[lang]
            s = self._rand(len(src) - block - 1)
            seqs.append(src[s:s + block + 1])
        xy = torch.stack(seqs)
        return xy[:, :-1], xy[:, 1:].clone()

    def repeats(self, block, batch):
        """[r1..rT] repeated to fill the window, T in 6..block/2 (so at least two copies); targets only where the next
        token is a repeat. Short windows give many sequences per step: each is one more example of copying."""
        xs, ys = [], []
        for _ in range(batch):
            T = 6 + self._rand(block // 2 - 5)
            r = torch.randint(1, self.n_rows, (T,), generator=self.gen)
            seq = r.repeat(block // T + 2)[:block + 1]
            y = seq[1:].clone()
            y[:T - 1] = -100  # the first copy is unpredictable
            xs.append(seq[:-1])
            ys.append(y)
        return torch.stack(xs), torch.stack(ys)

    def offset(self, block):
        """Half of the windows start at position 0 (as real inputs do), the others anywhere in the table."""
        if self.n_pos > block and torch.rand((), generator=self.gen).item() < 0.5:
            return self._rand(self.n_pos - block + 1)
        return 0


def lr_at(step, args):
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    t = min(1.0, (step - args.warmup) / max(1, args.steps - args.warmup))
    return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t)))  # cosine down to 10%


def sinusoid(n_pos, d, scale):
    pos = torch.arange(n_pos, dtype=torch.float32)[:, None]
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe = torch.zeros(n_pos, d)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe * scale


def prepare(args):
    write_tokenizer(TOKENIZER_DIR)
    data = ed.load(TOKENIZER_DIR)
    train_ids = {lang: np.concatenate([ed.stream(v["train"]) for v in data.values() if v["lang"] == lang])
                 for lang in ("en", "fr")}
    held_ids = {lang: np.concatenate([ed.stream(v["held"]) for v in data.values() if v["lang"] == lang])
                for lang in ("en", "fr")}
    id_map, n_rows = ed.build_id_map(np.concatenate(list(train_ids.values())), args.min_count)
    return data, train_ids, held_ids, id_map, n_rows


def new_model(args, id_map, n_rows):
    model = modeling.GPT2LMHeadModel(n_rows, args.n_embd, args.n_head, args.n_layer, args.n_positions,
                                     id_map=torch.from_numpy(id_map), unk_row=ed.UNK_ROW)
    with torch.no_grad():  # sinusoid start, sized like the token embeddings (std 0.02 per dim)
        model.transformer.wpe.weight.copy_(sinusoid(args.n_positions, args.n_embd, 0.02 * math.sqrt(2)))
    return model


def warm_start(model, id_map, rev):
    """Copies the previous embedded model (read back from its ONNX graph at git revision rev) into model:
    the layers it has, ln_f, the embedding rows of the GPT-2 ids both vocabularies know, and its positions."""
    old_dir = em.folder_from_git(rev, os.path.join(ed.CACHE, f"baseline-{rev}"))
    old, old_map, _ = em.load_folder(old_dir)
    new_sd, old_sd = model.state_dict(), old.state_dict()
    copied = 0
    with torch.no_grad():
        for k, v in old_sd.items():
            if k.startswith("transformer.h.") or k.startswith("transformer.ln_f."):
                if k in new_sd and new_sd[k].shape == v.shape and not k.endswith("attn.bias"):
                    new_sd[k].copy_(v)
                    copied += v.numel()
        both = np.nonzero((id_map != ed.UNK_ROW) & (old_map != 0))[0]
        new_sd["transformer.wte.weight"][torch.from_numpy(id_map[both])] = old_sd["transformer.wte.weight"][torch.from_numpy(old_map[both])]
        new_sd["transformer.wte.weight"][ed.UNK_ROW] = old_sd["transformer.wte.weight"][0]
        n_old_pos = old_sd["transformer.wpe.weight"].shape[0]
        new_sd["transformer.wpe.weight"][:n_old_pos] = old_sd["transformer.wpe.weight"]
    return {"revision": rev, "layer_parameters": copied, "rows": int(len(both)) + 1, "positions": n_old_pos}


def train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    dev = torch.device(args.device)
    t_setup = time.time()
    data, train_ids, held_ids, id_map, n_rows = prepare(args)
    train_rows = {k: torch.from_numpy(id_map[v]) for k, v in train_ids.items()}
    held_rows = {k: id_map[v] for k, v in held_ids.items()}
    model = new_model(args, id_map, n_rows)
    start = warm_start(model, id_map, args.init_from) if args.init_from != "none" else None
    model.to(dev)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "wpe" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "wpe" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": rest, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.95))
    gen = torch.Generator().manual_seed(args.seed)
    batches = Batches(train_rows, n_rows, args.n_positions, args.french_share, gen)
    probes = [held_rows["en"][s:s + 64] for s in range(0, 64 * 20, 64)]
    kinds, weights = [k for k in WINDOW_MIX], torch.tensor([k[1] for k in WINDOW_MIX])
    print(json.dumps({"rows": n_rows, "warm_start": start, "params": sum(p.numel() for p in model.parameters()),
                      "train_tokens": {k: len(v) for k, v in train_ids.items()},
                      "setup_s": round(time.time() - t_setup, 1)}), flush=True)
    log, step, tokens, t0 = [], 0, 0, time.time()
    eval_s, last_eval, last_ckpt = 0.0, t0, t0
    while step < args.steps:
        name, _, block, batch = kinds[int(torch.multinomial(weights, 1, generator=gen))]
        if step < args.repeats_first:
            name, _, block, batch = REPEATS
        x, y = batches.repeats(block, batch) if name.startswith("repeat") else batches.text(block, batch)
        share = args.repeat_loss_share if name.startswith("repeat") else args.loss_share
        if share < 1:
            keep = torch.rand(y.shape, generator=gen) < share
            y[~keep] = -100
        # Repeats stay at position 0, as the induction measure and a learner's text do; text windows move about the
        # table so that every one of its positions is trained.
        off = 0 if name.startswith("repeat") else batches.offset(block)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args)
        x, y = x.to(dev), y.to(dev)
        h, _, _ = model.transformer(x, pos_offset=off)
        sel = y.reshape(-1) != -100
        loss = next_token_loss(model, h.reshape(-1, h.size(-1))[sel], y.reshape(-1)[sel],
                               args.repeat_negatives if name.startswith("repeat") else args.text_negatives, n_rows, gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tokens += x.numel()
        now = time.time()
        train_s = now - t0 - eval_s
        done = step == args.steps or train_s > args.minutes * 60
        if now - last_eval > args.eval_every or done:
            model_cpu = model if args.device == "cpu" else model.cpu()
            entry = {"step": step, "minutes": round(train_s / 60, 2), "tokens": tokens, "lr": round(lr_at(step, args), 6),
                     "loss_en_2k": round(ev.stream_loss(model_cpu, held_rows["en"], 128, 2000), 4),
                     "loss_fr_2k": round(ev.stream_loss(model_cpu, held_rows["fr"], 128, 2000), 4),
                     "best_prev": ev.best(ev.head_stats(model_cpu, probes)["prev"]),
                     "best_induction": ev.best(ev.induction_stats(model_cpu, n_rows, count=5))}
            model.to(dev)
            log.append(entry)
            print(json.dumps(entry), flush=True)
            eval_s += time.time() - now
            last_eval = time.time()
        if time.time() - last_ckpt > args.ckpt_every or done:
            save_ckpt(model, args, id_map, n_rows, step, tokens, time.time() - t0 - eval_s, log, start)
            last_ckpt = time.time()
        if done:
            break
    return model


def next_token_loss(model, h, targets, negatives, n_rows, gen):
    """Cross-entropy over all rows, or (negatives > 0) over the targets' rows plus `negatives` random rows."""
    if negatives <= 0:
        return F.cross_entropy(model.compact_logits(h), targets)
    extra = torch.randint(1, n_rows, (negatives,), generator=gen).to(targets.device)
    cands, index = torch.unique(torch.cat([targets, extra]), return_inverse=True)
    logits = F.linear(h, model.transformer.wte.weight[cands])
    return F.cross_entropy(logits, index[:len(targets)])


def save_ckpt(model, args, id_map, n_rows, step, tokens, train_s, log, start):
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    tmp = CKPT + ".tmp"
    torch.save({"state": state, "args": vars(args), "id_map": id_map, "n_rows": n_rows, "step": step,
                "tokens": tokens, "train_seconds": train_s, "log": log, "torch": torch.__version__,
                "argv": sys.argv[1:], "where": where(args), "warm_start": start}, tmp)
    os.replace(tmp, CKPT)


def where(args):
    if args.device.startswith("cuda"):
        return f"a GPU ({torch.cuda.get_device_name(0)}), torch {torch.__version__}"
    return (f"this project's build machine's CPU (2 cores shared with other work, {args.threads} torch "
            f"threads, torch {torch.__version__} with OpenBLAS)")


def load_ckpt(path=CKPT):
    ck = torch.load(path)
    a = argparse.Namespace(**ck["args"])
    model = new_model(a, ck["id_map"], ck["n_rows"])
    model.load_state_dict(ck["state"])
    model.eval()
    return model, ck


def export(out, path=CKPT):
    """models/: onnx/model.onnx (weights stored as float16, cast to float32 inside the graph), config, tokenizer."""
    model, ck = load_ckpt(path)
    a = ck["args"]
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    onnx_path = os.path.join(out, "onnx", "model.onnx")
    modeling.export_gpt2(model, onnx_path)
    onnx_half.store_half(onnx_path)
    write_tokenizer(out, a["n_positions"])
    cfg = modeling.gpt2_config(a["n_embd"], a["n_head"], a["n_layer"], a["n_positions"],
                               qkv_scope={"compact_rows": ck["n_rows"], "unk_row": ed.UNK_ROW, "min_count": a["min_count"],
                                          "weights": "float16, cast to float32 inside the graph"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    argv = ck.get("argv", [])
    training = {
        "hyperparameters": {k: v for k, v in a.items() if k not in ("out", "export_only")}, "parameters": sum(p.numel() for p in model.parameters()), "steps_done": ck["step"],
        "tokens": ck["tokens"], "training_minutes": round(ck["train_seconds"] / 60, 1),
        "tokens_per_second": round(ck["tokens"] / max(1.0, ck["train_seconds"])), "log": ck["log"],
        "warm_start": ck.get("warm_start"), "window_mix": WINDOW_MIX, "where": ck.get("where") or where(argparse.Namespace(**a)), "torch": ck["torch"],
        "command": "/usr/bin/python3 tools/train_embedded.py" + (" " + " ".join(argv) if argv else ""),
    }
    with open(os.path.join(out, "training-report.json"), "w", encoding="utf-8") as f:
        json.dump({"training": training}, f, indent=2, ensure_ascii=False)
    print("wrote", out, os.path.getsize(onnx_path), "bytes", flush=True)


def main():
    args = parse_args()
    if not args.export_only:
        train(args)
    export(args.out)


if __name__ == "__main__":
    main()
