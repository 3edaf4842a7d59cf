"""The converted folder's model card (README.md): where the model came from and how it was checked."""
import datetime
import hashlib
import os


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_card(out_dir, ckpt_path, ckpt, args, tokenizer_kind, diff, n_check):
    iters = ckpt.get("iter_num", "unknown")
    val = ckpt.get("best_val_loss")
    val_text = f"{float(val):.4f}" if val is not None else "unknown"
    lines = [
        f"# {os.path.basename(os.path.dirname(os.path.abspath(ckpt_path)))} (nanoGPT checkpoint)",
        "",
        "Converted for QKV Scope by `tools/from_nanogpt.py` on "
        f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}.",
        "",
        "| | |",
        "|---|---|",
        f"| source | `{os.path.basename(ckpt_path)}` (sha256 `{sha256_of(ckpt_path)[:16]}…`) |",
        f"| training | iteration {iters}, best validation loss {val_text} |",
        f"| shape | {args.n_layer} layers × {args.n_head} heads × {args.n_embd // args.n_head} dims, "
        f"n_embd {args.n_embd}, block_size {args.block_size} |",
        f"| vocabulary | {args.vocab_size} rows; tokenizer: {tokenizer_kind} |",
        f"| biases | {'on' if args.bias else 'off (bias=False)'}; lm_head {'tied to wte' if args.tied else 'separate'} |",
        f"| check | largest logit difference, torch vs onnxruntime on {n_check} tokens: {diff:.3g} (limit 1e-4) |",
        "",
        "The graph is GPT-2's layout (Hugging Face attribute names; nanoGPT's `nn.Linear` weights transposed into",
        "`Conv1D`), with nanoGPT's exact GELU. QKV Scope shows its attention like any GPT-2.",
        "",
    ]
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
