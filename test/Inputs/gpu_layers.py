#!/usr/bin/python3
"""Writes one random QDQ layer per seed: the shapes the GPU backends' 8-bit
product kernels must get right.

Seeds cycle through the kinds: a convolution (K = C*KH*KW often not a
multiple of 4), a stride-2 convolution, a depthwise and a grouped
convolution, Gemm (transB or not), MatMul with a 3-D input, and MatMul of
two activations. Shapes run from 1 (M, N or K of 1 to 3) to a few hundred;
activations are uint8 or int8 with non-zero zero points, weights as
qdq_fuzz.Graph makes them (int8 or uint8, per channel or per tensor, zero
points at 0 or not); a bias and a ReLU sometimes.

usage: gpu_layers.py SEED OUT.onnx
"""
import os
import sys

import numpy as np
from onnx import TensorProto as TP
from onnx import helper as h

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qdq_fuzz import Graph  # noqa: E402

KINDS = ["conv", "conv_s2", "dw", "group", "gemm", "matmul", "matmul2"]


def build(seed):
    g = Graph(seed)
    r = g.r
    kind = KINDS[seed % len(KINDS)]
    pick = lambda *v: int(r.choice(v))  # noqa: E731
    inputs = []
    x = g.qdq("x")
    if kind in ("conv", "conv_s2", "dw", "group"):
        n = pick(1, 2)
        c = pick(1, 3, 5, 8, 16, 20) if kind != "group" else pick(4, 8, 12)
        grp = c if kind == "dw" else pick(2, 4) if kind == "group" else 1
        if c % grp:
            grp = c
        kh, kw = pick(1, 3, 5), pick(1, 3)
        st = [2, pick(1, 2)] if kind == "conv_s2" else [1, 1]
        pads = [int(r.integers(0, kh)), int(r.integers(0, kw)), int(r.integers(0, kh)),
                int(r.integers(0, kw))]
        hh = int(r.integers(max(1, kh - pads[0] - pads[2]), 16))
        ww = int(r.integers(max(1, kw - pads[1] - pads[3]), 16))
        f = c if kind == "dw" else pick(1, 2, 3, 8, 33, 64) * (grp if kind == "group" else 1)
        ins = [x, g.weight([f, c // grp, kh, kw], 0)]
        if r.random() < 0.8:
            ins.append(g.const(r.normal(0, 0.5, f).astype(np.float32), "b"))
        y = g.node("Conv", ins, strides=st, pads=pads, group=grp)
        inputs.append(("x", [n, c, hh, ww]))
    elif kind == "gemm":
        m, k, nn = pick(1, 2, 3, 17, 70, 130), pick(1, 3, 5, 31, 33, 100, 600), pick(1, 2, 3, 10, 65)
        trans = r.random() < 0.5
        ins = [x, g.weight([nn, k] if trans else [k, nn], 0 if trans else 1)]
        if r.random() < 0.8:
            ins.append(g.const(r.normal(0, 0.5, nn).astype(np.float32), "b"))
        y = g.node("Gemm", ins, transB=1 if trans else 0)
        inputs.append(("x", [m, k]))
    elif kind == "matmul":
        b, m, k, nn = pick(1, 2, 3), pick(1, 2, 5, 40), pick(2, 7, 64, 130), pick(1, 3, 16, 70)
        y = g.node("MatMul", [x, g.weight([k, nn], 1)])
        inputs.append(("x", [b, m, k]))
    else:
        m, k, nn = pick(1, 3, 9, 40), pick(1, 5, 16, 67), pick(1, 2, 8, 33)
        y = g.node("MatMul", [x, g.qdq("y")])
        inputs += [("x", [m, k]), ("y", [k, nn])]
    if r.random() < 0.4:
        y = g.node("Relu", [y])
    out = g.qdq(y)
    graph = h.make_graph(g.nodes, "gpu-layer-%s" % kind,
                         [h.make_tensor_value_info(name, TP.FLOAT, shape) for name, shape in inputs],
                         [h.make_tensor_value_info(out, TP.FLOAT, None)], g.inits)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 14)],
                         producer_name="octet-gpu-layers")
    model.ir_version = 8
    return model, kind


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    import onnx
    model, kind = build(int(sys.argv[1]))
    onnx.save(model, sys.argv[2])
    print(kind)
