#!/usr/bin/python3
"""Writes a random QDQ model, as ONNX Runtime's quantizer lays them out: every
op between DequantizeLinear and QuantizeLinear nodes (one pair per tensor:
ORT rewrites back-to-back pairs with parameters of its own choosing), int8
or uint8 weights (per-channel or per-tensor, zero points at 0 or not),
uint8 or int8 activations with random scales and zero points. The chain mixes convolutions (strides, pads, dilations,
depthwise, bias, relu), adds and muls (same shape and per-channel), max,
average and global pools, relu6, leaky relu, sigmoid, hard swish, concat,
nearest resize, pad, transpose/reshape, softmax, and ends in
an optional Flatten + Gemm or MatMul head.

With --transformer it writes an encoder layer instead: Q/K/V linears
(MatMul + bias), heads split by Reshape/Transpose, Q.K^T and P.V between two
activations, Div or Mul scaling, softmax, the output linear, a residual Add,
LayerNormalization, and an optional feed-forward block with erf GELU.

usage: qdq_fuzz.py [--transformer] SEED OUT.onnx
       qdq_fuzz.py [--transformer] --check FIRST LAST WORKDIR   (writes seeds
       FIRST..LAST and compares each with ONNX Runtime through
       ort_check.py --exact)"""
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh


class Graph:
    def __init__(self, seed):
        self.r = np.random.default_rng(seed)
        self.s8 = self.r.random() < 0.4
        self.zt = np.int8 if self.s8 else np.uint8
        self.lo, self.hi = (-128, 127) if self.s8 else (0, 255)
        self.nodes, self.inits, self.n = [], [], 0

    def name(self, p):
        self.n += 1
        return "%s%d" % (p, self.n)

    def const(self, value, p="c"):
        k = self.name(p)
        self.inits.append(nh.from_array(np.asarray(value), k))
        return k

    def node(self, op, ins, **attrs):
        k = self.name(op.lower())
        self.nodes.append(h.make_node(op, ins, [k], name=k, **attrs))
        return k

    def qdq(self, x, zmin=False):
        """QuantizeLinear + DequantizeLinear with fresh parameters (with
        `zmin` the zero point is the type's minimum, as quantizers pick it
        for a ReLU's output)."""
        r = self.r
        s = self.const(np.float32(r.uniform(0.01, 0.2)), "s")
        z = self.const(self.zt(self.lo if zmin else r.integers(self.lo + 20, self.hi - 20)), "z")
        return self.node("DequantizeLinear", [self.node("QuantizeLinear", [x, s, z]), s, z])

    def weight(self, shape, axis):
        """Symmetric int8 weights, or (1 in 4) uint8 weights around 128, or
        (1 in 8) int8 weights with non-zero zero points."""
        r = self.r
        kind = r.random()
        u8, asym = kind < 0.25, kind < 0.375
        wt = np.uint8 if u8 else np.int8
        wq = self.const(r.integers(0 if u8 else -127, 256 if u8 else 128, shape).astype(wt), "w")

        def zps(n):
            if u8:
                return r.integers(100, 156, n)
            return r.integers(-20, 20, n) if asym else np.zeros(n, np.int64)
        if r.random() < 0.7:
            ch = shape[axis]
            s = self.const(r.uniform(0.002, 0.03, ch).astype(np.float32), "ws")
            z = self.const(zps(ch).astype(wt), "wz")
            return self.node("DequantizeLinear", [wq, s, z], axis=axis)
        s = self.const(np.float32(r.uniform(0.002, 0.03)), "ws")
        z = self.const(wt(zps(1)[0]), "wz")
        return self.node("DequantizeLinear", [wq, s, z])


def build(seed):
    g = Graph(seed)
    r = g.r
    shape = [int(r.integers(1, 3)), int(r.choice([3, 4, 8, 16])), int(r.integers(5, 14)),
             int(r.choice([r.integers(5, 20), r.integers(16, 48)]))]
    in_shape = list(shape)
    x = g.qdq("x")
    for _ in range(int(r.integers(1, 5))):
        # A ReLU after a convolution is quantized from zero up, which lets
        # ONNX Runtime fold it into QLinearConv; with a zero point above the
        # minimum it runs a float convolution instead, whose rounding differs
        # from the exact integer result (test/e2e/conv-relu-exact.test).
        relu = False
        kind = str(r.choice(["conv", "conv", "dw", "add", "mul", "maxpool", "avgpool", "relu6",
                             "leaky", "sigmoid", "hswish", "concat", "resize", "pad", "gap",
                             "transpose"]))
        n, c, hh, ww = shape
        if kind in ("conv", "dw"):
            kh, kw = int(r.choice([1, 3, 5])), int(r.choice([1, 3]))
            st = [int(r.choice([1, 1, 2])), int(r.choice([1, 2]))]
            dl = [int(r.choice([1, 1, 2])), int(r.choice([1, 1, 2]))]
            pads = [int(r.integers(0, kh)), int(r.integers(0, kw)), int(r.integers(0, kh)),
                    int(r.integers(0, kw))]
            if hh + pads[0] + pads[2] < dl[0] * (kh - 1) + 1 or ww + pads[1] + pads[3] < dl[1] * (kw - 1) + 1:
                continue
            grp = c if kind == "dw" else 1
            f = c if kind == "dw" else int(r.choice([4, 8, 16, 32]))
            ins = [x, g.weight([f, c // grp, kh, kw], 0)]
            if r.random() < 0.8:
                ins.append(g.const(r.normal(0, 0.5, f).astype(np.float32), "b"))
            y = g.node("Conv", ins, strides=st, dilations=dl, pads=pads, group=grp)
            if r.random() < 0.5:
                y = g.node("Relu", [y])
                relu = True
            shape = [n, f, (hh + pads[0] + pads[2] - dl[0] * (kh - 1) - 1) // st[0] + 1,
                     (ww + pads[1] + pads[3] - dl[1] * (kw - 1) - 1) // st[1] + 1]
        elif kind in ("add", "mul"):
            if r.random() < 0.5:
                other = g.qdq(x)
            else:
                other = g.qdq(g.const(r.normal(0, 1, (c, 1, 1)).astype(np.float32)))
            y = g.node(kind.capitalize(), [x, other])
        elif kind == "maxpool":
            if hh < 2 or ww < 2:
                continue
            y = g.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
            shape = [n, c, hh // 2, ww // 2]
        elif kind == "avgpool":
            if hh < 3 or ww < 3:
                continue
            y = g.node("AveragePool", [x], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                       count_include_pad=int(r.integers(0, 2)))
        elif kind == "gap":
            y = g.node("GlobalAveragePool", [x])
            shape = [n, c, 1, 1]
        elif kind == "relu6":
            y = g.node("Clip", [x, g.const(np.float32(0)), g.const(np.float32(6))])
        elif kind == "leaky":
            y = g.node("LeakyRelu", [x], alpha=float(r.uniform(0.01, 0.3)))
        elif kind == "sigmoid":
            y = g.node("Sigmoid", [x])
        elif kind == "hswish":
            y = g.node("HardSwish", [x])
        elif kind == "concat":
            y = g.node("Concat", [x, g.qdq(g.node("Relu", [x]))], axis=1)
            shape = [n, 2 * c, hh, ww]
        elif kind == "resize":
            if hh * ww > 200:
                continue
            y = g.node("Resize", [x, "", g.const(np.array([1, 1, 2, 2], np.float32))],
                       mode="nearest")
            shape = [n, c, 2 * hh, 2 * ww]
        elif kind == "pad":
            p = [0, 0, int(r.integers(0, 3)), int(r.integers(0, 3)), 0, 0, int(r.integers(0, 3)),
                 int(r.integers(0, 3))]
            y = g.node("Pad", [x, g.const(np.array(p, np.int64))])
            shape = [n, c, hh + p[2] + p[6], ww + p[3] + p[7]]
        else:  # NHWC, then a reshape back to [n, c, h, w] (a reordering)
            t = g.node("Transpose", [x], perm=[0, 2, 3, 1])
            y = g.node("Reshape", [g.qdq(t), g.const(np.array([n, c, hh, ww], np.int64))])
        x = g.qdq(y, zmin=relu)
    head = r.choice(["none", "gemm", "matmul", "softmax"])
    if head in ("gemm", "matmul"):
        flat = g.qdq(g.node("Flatten", [x]))
        feat = shape[1] * shape[2] * shape[3]
        k = int(r.choice([5, 10, 17]))
        if head == "gemm":
            tb = bool(r.random() < 0.5)
            wd = g.weight([k, feat] if tb else [feat, k], 0 if tb else 1)
            y = g.node("Gemm", [flat, wd, g.const(r.normal(0, 0.5, k).astype(np.float32), "b")],
                       transB=int(tb))
        else:
            y = g.node("MatMul", [flat, g.weight([feat, k], 1)])
        x = g.qdq(y)
    elif head == "softmax":
        x = g.qdq(g.node("Softmax", [x], axis=1))
    graph = h.make_graph(g.nodes, "fuzz", [h.make_tensor_value_info("x", TP.FLOAT, in_shape)],
                         [h.make_tensor_value_info(x, TP.FLOAT, None)], g.inits)
    m = h.make_model(graph, opset_imports=[h.make_opsetid("", 14)],
                     producer_name="octet-qdq-fuzz")
    m.ir_version = 8
    return m


def build_transformer(seed):
    g = Graph(seed)
    r = g.r
    b, s, heads, d = (int(r.integers(1, 3)), int(r.choice([4, 7, 16])), int(r.choice([1, 2, 4])),
                      int(r.choice([4, 8, 16])))
    e = heads * d
    x = g.qdq("x")

    def linear(t, i, o):
        y = g.node("MatMul", [t, g.weight([i, o], 1)])
        return g.qdq(g.node("Add", [y, g.const(r.normal(0, 0.3, o).astype(np.float32), "b")]))

    def split(t, perm):
        t = g.qdq(g.node("Reshape", [t, g.const(np.array([b, s, heads, d], np.int64))]))
        return g.qdq(g.node("Transpose", [t], perm=perm))

    q, k, v = (split(linear(x, e, e), p) for p in ([0, 2, 1, 3], [0, 2, 3, 1], [0, 2, 1, 3]))
    sc = g.qdq(g.node("MatMul", [q, k]))
    if r.random() < 0.5:
        sc = g.qdq(g.node("Div", [sc, g.const(np.float32(np.sqrt(d)))]))
    else:
        sc = g.qdq(g.node("Mul", [sc, g.qdq(g.const(np.float32(1 / np.sqrt(d))))]))
    p = g.qdq(g.node("Softmax", [sc], axis=-1))
    ctx = g.qdq(g.node("Transpose", [g.qdq(g.node("MatMul", [p, v]))], perm=[0, 2, 1, 3]))
    ctx = g.qdq(g.node("Reshape", [ctx, g.const(np.array([b, s, e], np.int64))]))
    res = g.qdq(g.node("Add", [linear(ctx, e, e), x]))
    y = g.qdq(g.node("LayerNormalization",
                     [res, g.const(r.normal(1, 0.1, e).astype(np.float32)),
                      g.const(r.normal(0, 0.1, e).astype(np.float32))], axis=-1, epsilon=1e-5))
    if r.random() < 0.5:
        ff = linear(y, e, 2 * e)
        erf = g.node("Erf", [g.node("Div", [ff, g.const(np.float32(1.4142135))])])
        ff = g.node("Mul", [ff, g.node("Add", [erf, g.const(np.float32(1))])])
        ff = g.qdq(g.node("Mul", [ff, g.const(np.float32(0.5))]))
        y = g.qdq(g.node("Add", [linear(ff, 2 * e, e), y]))
    graph = h.make_graph(g.nodes, "fuzz", [h.make_tensor_value_info("x", TP.FLOAT, [b, s, e])],
                         [h.make_tensor_value_info(y, TP.FLOAT, None)], g.inits)
    m = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)],
                     producer_name="octet-qdq-fuzz")
    m.ir_version = 8
    return m


def check(first, last, work, make=build):
    import os
    import subprocess
    here = os.path.dirname(os.path.abspath(__file__))
    os.makedirs(work, exist_ok=True)
    failed = []
    for seed in range(first, last + 1):
        path = os.path.join(work, "fuzz%d.onnx" % seed)
        onnx.save(make(seed), path)
        r = subprocess.run([sys.executable, os.path.join(here, "ort_check.py"), path,
                            os.path.join(work, "fuzz%d" % seed), "--exact", "--input-range",
                            "-4", "8" if make is build else "3", "--seed", str(seed)],
                           capture_output=True, text=True)
        if r.returncode != 0 or "PASS" not in r.stdout:
            failed.append(seed)
            print("seed %d:\n%s%s" % (seed, r.stdout, r.stderr[-2000:]))
    n = last - first + 1
    print("qdq fuzz: %d of %d models bit-exact" % (n - len(failed), n))
    return 1 if failed else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    make = build
    if args[0] == "--transformer":
        make = build_transformer
        args = args[1:]
    if args[0] == "--check":
        sys.exit(check(int(args[1]), int(args[2]), args[3], make))
    onnx.save(make(int(args[0])), args[1])
