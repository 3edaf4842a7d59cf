"""Runs in Python (Debian /usr/bin/python3): stores an ONNX graph's weights as float16, cast back inside the graph.

Every float32 initializer with at least MIN_ELEMENTS values becomes a float16 initializer `NAME.f16` and a
Cast(to=float32) node whose output keeps the original NAME, so every node (and Q, K, V, attention) still
computes in float32: the model's values are its float16-rounded weights, computed exactly in float32.
Scalars (the 1/sqrt(d) scale, finfo.min masks) stay float32: float16 would turn finfo.min into -inf.
Identical boolean initializers (the per-layer causal mask tables) are stored once.
"""
import hashlib

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

MIN_ELEMENTS = 64


def round_like_export(model):
    """Rounds a torch model's weights the way store_half stores them (for measuring what ships)."""
    with torch.no_grad():
        for p in model.parameters():
            if p.numel() >= MIN_ELEMENTS:
                p.copy_(p.half().float())
    return model


def _dedupe(graph):
    seen, rename, keep = {}, {}, []
    for init in graph.initializer:
        if init.data_type != onnx.TensorProto.BOOL:
            keep.append(init)
            continue
        key = (init.data_type, tuple(init.dims), hashlib.sha256(init.raw_data or init.SerializeToString()).hexdigest())
        if key in seen:
            rename[init.name] = seen[key]
        else:
            seen[key] = init.name
            keep.append(init)
    if rename:
        del graph.initializer[:]
        graph.initializer.extend(keep)
        for node in graph.node:
            for i, name in enumerate(node.input):
                if name in rename:
                    node.input[i] = rename[name]


def store_half(path):
    m = onnx.load(path)
    g = m.graph
    _dedupe(g)
    casts, inits = [], []
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        if init.data_type == onnx.TensorProto.FLOAT and arr.size >= MIN_ELEMENTS:
            inits.append(numpy_helper.from_array(arr.astype(np.float16), init.name + ".f16"))
            casts.append(helper.make_node("Cast", [init.name + ".f16"], [init.name], to=onnx.TensorProto.FLOAT,
                                          name=f"/weights/{init.name}/Cast"))
        else:
            inits.append(init)
    del g.initializer[:]
    g.initializer.extend(inits)
    nodes = casts + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, path)
