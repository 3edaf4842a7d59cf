#!/usr/bin/python3
"""Write one tiny graph per fused attention operator and attribute set into test/fixtures/fused/ (fixed seed).

Usage: /usr/bin/python3 tools/make_fused_fixtures.py [--out test/fixtures/fused]

Each graph is a single fused node between graph inputs and outputs, with every shape fixed, so a test can feed
random floats of the declared shapes. Integer and boolean inputs (masks, sequence lengths) are not random: their
values are stored in the model's metadata under "qkv_scope.feeds" as JSON {name: [flat values]}.
The attributes follow onnxruntime's ContribOperators.md and the ONNX Attention spec (opset 23):
  attention-past-causal       com.microsoft.Attention: packed QKV weights + bias, 2-D mask_index with padding,
                              past [2, B, H, 0, D] → present, unidirectional, mask_filter_value = lowest float
  attention-sizes-bias        com.microsoft.Attention: qkv_hidden_sizes 8/8/12, 3-D mask_index, attention_bias, scale
  mha-bias-padding            com.microsoft.MultiHeadAttention: Q, K, V apart, bias, key_padding_mask, attention_bias,
                              scale, past_key/past_value → present
  mha-fp16-causal             MultiHeadAttention in float16, unidirectional, past → present (the model builder's way)
  gqa-packed-rotary           com.microsoft.GroupQueryAttention: packed QKV, 4 query heads on 2 K/V heads,
                              do_rotary (rotate_half) with cos/sin caches, past → present
  gqa-interleaved-window      GroupQueryAttention: Q, K, V apart, rotary_interleaved, local_window_size, softcap, scale
  gqa-fp16-rotary             gqa-packed-rotary in float16
  onnx-attention-3d-gqa       ONNX Attention (opset 23): [B, S, hidden] with q_num_heads 4 / kv_num_heads 2,
                              is_causal, softcap, scale
  onnx-attention-4d-mask      ONNX Attention: per-head [B, H, S, D], boolean attn_mask, past → present
  onnx-attention-fp16-float-mask  ONNX Attention in float16 with a float (additive) attn_mask
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 1234
F32, F16, I32, BOOL = TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.INT32, TensorProto.BOOL
LOWEST = float(np.finfo(np.float32).min)


def value(name, elem, dims):
    return helper.make_tensor_value_info(name, elem, dims)


def save(out, name, node, inputs, outputs, inits=(), feeds=None, opset=14, ir=8):
    graph = helper.make_graph([node], name, inputs, outputs, list(inits))
    imports = [helper.make_opsetid("", opset), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, producer_name="qkv-scope-fused-fixtures", opset_imports=imports)
    model.ir_version = ir
    if feeds:
        helper.set_model_props(model, {"qkv_scope.feeds": json.dumps({k: np.asarray(v).ravel().tolist() for k, v in feeds.items()})})
    onnx.save(model, os.path.join(out, f"{name}.onnx"))


def rotary_caches(rng_positions, half, dtype):
    inv = 1.0 / (10000 ** (np.arange(half, dtype=np.float64) / half))
    angles = np.outer(np.arange(rng_positions, dtype=np.float64), inv)
    return np.cos(angles).astype(dtype), np.sin(angles).astype(dtype)


def contrib(op, inputs, outputs, **attrs):
    return helper.make_node(op, inputs, outputs, name=f"/model/layers.0/attn/{op}", domain="com.microsoft", **attrs)


def attention_past_causal(out, rng):
    b, s, hidden, heads = 2, 5, 16, 4
    mask = np.ones((b, s), np.int32)
    mask[1, -2:] = 0
    node = contrib("Attention", ["input", "weights", "bias", "mask_index", "past"], ["output", "present"],
                   num_heads=heads, unidirectional=1, mask_filter_value=LOWEST)
    inits = [numpy_helper.from_array((rng.standard_normal((hidden, 3 * hidden)) * 0.3).astype(np.float32), "weights"),
             numpy_helper.from_array((rng.standard_normal(3 * hidden) * 0.1).astype(np.float32), "bias")]
    save(out, "attention-past-causal", node,
         [value("input", F32, [b, s, hidden]), value("mask_index", I32, [b, s]), value("past", F32, [2, b, heads, 0, hidden // heads])],
         [value("output", F32, [b, s, hidden]), value("present", F32, [2, b, heads, s, hidden // heads])], inits, {"mask_index": mask})


def attention_sizes_bias(out, rng):
    b, s, hidden, heads = 2, 5, 16, 2
    mask = np.ones((b, s, s), np.int32)
    mask[0, :, 1] = 0
    node = contrib("Attention", ["input", "weights", "bias", "mask_index", "", "attention_bias"], ["output"],
                   num_heads=heads, qkv_hidden_sizes=[8, 8, 12], scale=0.3)
    inits = [numpy_helper.from_array((rng.standard_normal((hidden, 28)) * 0.3).astype(np.float32), "weights"),
             numpy_helper.from_array((rng.standard_normal(28) * 0.1).astype(np.float32), "bias")]
    save(out, "attention-sizes-bias", node,
         [value("input", F32, [b, s, hidden]), value("mask_index", I32, [b, s, s]), value("attention_bias", F32, [1, heads, s, s])],
         [value("output", F32, [b, s, 12])], inits, {"mask_index": mask})


def mha_bias_padding(out, rng):
    b, s, hidden, heads = 2, 5, 16, 4
    mask = np.ones((b, s), np.int32)
    mask[1, -2:] = 0
    node = contrib("MultiHeadAttention", ["query", "key", "value", "bias", "key_padding_mask", "attention_bias", "past_key", "past_value"],
                   ["output", "present_key", "present_value"], num_heads=heads, scale=0.2)
    inits = [numpy_helper.from_array((rng.standard_normal(3 * hidden) * 0.1).astype(np.float32), "bias")]
    d = hidden // heads
    save(out, "mha-bias-padding", node,
         [value("query", F32, [b, s, hidden]), value("key", F32, [b, s, hidden]), value("value", F32, [b, s, hidden]),
          value("key_padding_mask", I32, [b, s]), value("attention_bias", F32, [b, heads, s, s]),
          value("past_key", F32, [b, heads, 0, d]), value("past_value", F32, [b, heads, 0, d])],
         [value("output", F32, [b, s, hidden]), value("present_key", F32, [b, heads, s, d]), value("present_value", F32, [b, heads, s, d])],
         inits, {"key_padding_mask": mask})


def mha_fp16_causal(out, rng):
    b, s, hidden, heads = 1, 6, 16, 2
    d = hidden // heads
    node = contrib("MultiHeadAttention", ["query", "key", "value", "", "", "", "past_key", "past_value"],
                   ["output", "present_key", "present_value"], num_heads=heads, unidirectional=1)
    save(out, "mha-fp16-causal", node,
         [value("query", F16, [b, s, hidden]), value("key", F16, [b, s, hidden]), value("value", F16, [b, s, hidden]),
          value("past_key", F16, [b, heads, 0, d]), value("past_value", F16, [b, heads, 0, d])],
         [value("output", F16, [b, s, hidden]), value("present_key", F16, [b, heads, s, d]), value("present_value", F16, [b, heads, s, d])])


def gqa_packed(out, name, dtype, elem):
    b, s, heads, kv, d = 1, 6, 4, 2, 16  # onnxruntime's CPU kernel wants head_size % 16 == 0
    cos, sin = rotary_caches(32, d // 2, dtype)
    node = contrib("GroupQueryAttention", ["query", "", "", "past_key", "past_value", "seqlens_k", "total_sequence_length",
                                           "cos_cache", "sin_cache"], ["output", "present_key", "present_value"],
                   num_heads=heads, kv_num_heads=kv, do_rotary=1, rotary_interleaved=0)
    save(out, name, node,
         [value("query", elem, [b, s, (heads + 2 * kv) * d]), value("past_key", elem, [b, kv, 0, d]), value("past_value", elem, [b, kv, 0, d]),
          value("seqlens_k", I32, [b]), value("total_sequence_length", I32, [])],
         [value("output", elem, [b, s, heads * d]), value("present_key", elem, [b, kv, s, d]), value("present_value", elem, [b, kv, s, d])],
         [numpy_helper.from_array(cos, "cos_cache"), numpy_helper.from_array(sin, "sin_cache")],
         {"seqlens_k": np.array([s - 1], np.int32), "total_sequence_length": np.array(s, np.int32)})


def gqa_interleaved_window(out, rng):
    b, s, heads, kv, d = 1, 7, 4, 2, 16
    cos, sin = rotary_caches(32, d // 2, np.float32)
    node = contrib("GroupQueryAttention", ["query", "key", "value", "", "", "seqlens_k", "total_sequence_length", "cos_cache", "sin_cache"],
                   ["output"], num_heads=heads, kv_num_heads=kv, do_rotary=1, rotary_interleaved=1, local_window_size=3,
                   softcap=2.0, scale=0.5)
    save(out, "gqa-interleaved-window", node,
         [value("query", F32, [b, s, heads * d]), value("key", F32, [b, s, kv * d]), value("value", F32, [b, s, kv * d]),
          value("seqlens_k", I32, [b]), value("total_sequence_length", I32, [])],
         [value("output", F32, [b, s, heads * d])],
         [numpy_helper.from_array(cos, "cos_cache"), numpy_helper.from_array(sin, "sin_cache")],
         {"seqlens_k": np.array([s - 1], np.int32), "total_sequence_length": np.array(s, np.int32)})


def onnx_attention(name, inputs, outputs, **attrs):
    return helper.make_node("Attention", inputs, outputs, name=f"/model/layers.0/attn/{name}", **attrs)


def onnx_attention_3d_gqa(out, rng):
    b, s, heads, kv, d = 2, 5, 4, 2, 8
    node = onnx_attention("Attention", ["Q", "K", "V"], ["Y"], q_num_heads=heads, kv_num_heads=kv, is_causal=1, softcap=3.0, scale=0.4)
    save(out, "onnx-attention-3d-gqa", node,
         [value("Q", F32, [b, s, heads * d]), value("K", F32, [b, s, kv * d]), value("V", F32, [b, s, kv * d])],
         [value("Y", F32, [b, s, heads * d])], opset=23, ir=10)


def onnx_attention_4d_mask(out, rng):
    b, h, s, d = 2, 2, 5, 8
    mask = np.ones((b, 1, s, s), bool)
    mask[1, :, :, -2:] = False
    node = onnx_attention("Attention", ["Q", "K", "V", "attn_mask", "past_key", "past_value"], ["Y", "present_key", "present_value"])
    save(out, "onnx-attention-4d-mask", node,
         [value("Q", F32, [b, h, s, d]), value("K", F32, [b, h, s, d]), value("V", F32, [b, h, s, d]), value("attn_mask", BOOL, [b, 1, s, s]),
          value("past_key", F32, [b, h, 0, d]), value("past_value", F32, [b, h, 0, d])],
         [value("Y", F32, [b, h, s, d]), value("present_key", F32, [b, h, s, d]), value("present_value", F32, [b, h, s, d])],
         feeds={"attn_mask": mask.astype(np.int32)}, opset=23, ir=10)


def onnx_attention_fp16_float_mask(out, rng):
    b, s, heads, d = 1, 6, 2, 8
    node = onnx_attention("Attention", ["Q", "K", "V", "attn_mask"], ["Y"], q_num_heads=heads, kv_num_heads=heads)
    save(out, "onnx-attention-fp16-float-mask", node,
         [value("Q", F16, [b, s, heads * d]), value("K", F16, [b, s, heads * d]), value("V", F16, [b, s, heads * d]),
          value("attn_mask", F16, [1, 1, s, s])],
         [value("Y", F16, [b, s, heads * d])], opset=23, ir=10)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "test", "fixtures", "fused"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(SEED)
    attention_past_causal(args.out, rng)
    attention_sizes_bias(args.out, rng)
    mha_bias_padding(args.out, rng)
    mha_fp16_causal(args.out, rng)
    gqa_packed(args.out, "gqa-packed-rotary", np.float32, F32)
    gqa_interleaved_window(args.out, rng)
    gqa_packed(args.out, "gqa-fp16-rotary", np.float16, F16)
    onnx_attention_3d_gqa(args.out, rng)
    onnx_attention_4d_mask(args.out, rng)
    onnx_attention_fp16_float_mask(args.out, rng)
    print("fused fixtures written to", args.out)


if __name__ == "__main__":
    main()
