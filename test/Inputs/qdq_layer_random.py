#!/usr/bin/python3
"""Random QDQ layers with the attributes real models use, each checked bit
for bit against ONNX Runtime (ort_check.py --exact):

  conv:   Conv with random kernel (1-7 x 1-5), strides, dilations, pads,
          groups (depthwise too), channels; uint8 or int8 activations with
          non-zero zero points; int8 weights per channel or per tensor (-128
          included); an int32 bias or none; a ReLU (output zero point at the
          type's minimum, so that ONNX Runtime folds it as well).
  linear: MatMul (with a float bias Add and batch dimensions) or Gemm (with
          an int32 bias); uint8 or int8 activations; int8 weights, or uint8
          weights with zero points, per channel or per tensor; K, M and N
          from 1 to a few hundred.

usage: qdq_layer_random.py KIND FIRST LAST WORKDIR
Prints one line per seed ("PASS seed N ..." or "FAIL seed N ...") and
exits non-zero if any seed fails.
"""
import os
import random
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh

CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ort_check.py")


def c(n, a):
    return nh.from_array(np.asarray(a), n)


def conv(R, rng):
    xs8 = R.random() < 0.4
    g = R.choice([1, 1, 1, 2, 3, "dw"])
    cin = R.choice([1, 2, 3, 4, 8, 16, 24])
    g = cin if g == "dw" else g
    g = 1 if cin % g else g
    cout = g * R.choice([1, 2, 3, 5, 8]) if g > 1 else R.choice([1, 3, 4, 8, 16, 17, 32])
    kh, kw = R.choice([1, 2, 3, 5, 7]), R.choice([1, 2, 3, 5])
    dh, dw = R.choice([1, 1, 2]), R.choice([1, 1, 2])
    H, W = R.randint((kh - 1) * dh + 1, 20), R.randint((kw - 1) * dw + 1, 20)
    attrs = dict(kernel_shape=[kh, kw], strides=[R.choice([1, 2, 3]), R.choice([1, 2])],
                 dilations=[dh, dw], group=g,
                 pads=[R.randint(0, kh - 1), R.randint(0, kw - 1), R.randint(0, kh - 1),
                       R.randint(0, kw - 1)])
    per_ch = R.random() < 0.7
    wq = rng.integers(-128 if R.random() < 0.5 else -127, 128, (cout, cin // g, kh, kw)).astype(np.int8)
    ws = (rng.random(cout) * 0.02 + 0.002).astype(np.float32) if per_ch else np.float32(0.01)
    xt = np.int8 if xs8 else np.uint8
    xz = xt(rng.integers(-20, 20) if xs8 else rng.integers(90, 160))
    relu = R.random() < 0.4
    yz = xt(np.iinfo(xt).min) if relu else xt(rng.integers(-20, 20) if xs8 else rng.integers(0, 40))
    nodes = [h.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             h.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"]),
             h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], axis=0)]
    ins = ["xd", "wd"]
    inits = [c("xs", np.float32(0.03)), c("xz", xz), c("wq", wq), c("ws", ws),
             c("wz", np.zeros(cout, np.int8) if per_ch else np.int8(0)),
             c("ys", np.float32(R.choice([0.05, 0.1, 0.2]))), c("yz", yz)]
    if R.random() < 0.7:
        bs = (np.float32(0.03) * ws).astype(np.float32)
        inits += [c("bq", rng.integers(-3000, 3000, cout).astype(np.int32)),
                  c("bs", bs if per_ch else np.float32(bs))]
        nodes.append(h.make_node("DequantizeLinear", ["bq", "bs"], ["bd"], axis=0))
        ins.append("bd")
    nodes.append(h.make_node("Conv", ins, ["cv"], **attrs))
    last = "cv"
    if relu:
        nodes.append(h.make_node("Relu", ["cv"], ["rl"]))
        last = "rl"
    x = [R.choice([1, 2]), cin, H, W]
    return nodes, inits, last, x


def linear(R, rng):
    xs8, ws8 = R.random() < 0.4, R.random() < 0.8
    gemm = R.random() < 0.5
    K = R.choice([1, 3, 4, 7, 16, 31, 64, 100, 257])
    n = R.choice([1, 2, 5, 16, 17, 33, 64])
    m = R.choice([1, 2, 3, 8, 13, 64])
    batch = [] if gemm else [R.choice([1, 2, 3])] * R.randint(0, 2)
    per_ch = R.random() < 0.6
    wt = np.int8 if ws8 else np.uint8
    wq = rng.integers(-128 if ws8 else 0, 128 if ws8 else 256, (K, n)).astype(wt)
    ws = (rng.random(n) * 0.02 + 0.002).astype(np.float32) if per_ch else np.float32(0.01)
    if per_ch:
        wz = np.zeros(n, wt) if ws8 else rng.integers(100, 150, n).astype(wt)
    else:
        wz = wt(0) if ws8 else wt(128)
    xt = np.int8 if xs8 else np.uint8
    xz = xt(rng.integers(-20, 20) if xs8 else rng.integers(90, 160))
    yz = xt(rng.integers(-20, 20) if xs8 else rng.integers(100, 150))
    ys = np.float32(R.choice([0.05, 0.1, 0.3]) * np.sqrt(K) / 4)
    nodes = [h.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             h.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"]),
             h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], axis=1)]
    inits = [c("xs", np.float32(0.03)), c("xz", xz), c("wq", wq), c("ws", ws), c("wz", wz),
             c("ys", ys), c("yz", yz)]
    bias = R.random() < 0.6
    if not gemm:
        nodes.append(h.make_node("MatMul", ["xd", "wd"], ["p"]))
        last = "p"
        if bias:
            inits.append(c("b", rng.standard_normal(n).astype(np.float32)))
            nodes.append(h.make_node("Add", ["p", "b"], ["pb"]))
            last = "pb"
    else:
        ins = ["xd", "wd"]
        if bias:
            bs = (np.float32(0.03) * ws).astype(np.float32)
            inits += [c("bq", rng.integers(-3000, 3000, n).astype(np.int32)),
                      c("bs", bs if per_ch else np.float32(bs)),
                      c("bz", np.zeros(n, np.int32) if per_ch else np.int32(0))]
            nodes.append(h.make_node("DequantizeLinear", ["bq", "bs", "bz"], ["bd"], axis=0))
            ins.append("bd")
        nodes.append(h.make_node("Gemm", ins, ["p"]))
        last = "p"
    return nodes, inits, last, batch + [m, K]


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("conv", "linear"):
        raise SystemExit(__doc__)
    kind, first, last, work = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    ok = True
    for seed in range(first, last + 1):
        R = random.Random(seed)
        rng = np.random.default_rng(seed)
        nodes, inits, out, xshape = (conv if kind == "conv" else linear)(R, rng)
        nodes += [h.make_node("QuantizeLinear", [out, "ys", "yz"], ["yq"]),
                  h.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"])]
        g = h.make_graph(nodes, "%s%d" % (kind, seed), [h.make_tensor_value_info("x", TP.FLOAT, xshape)],
                         [h.make_tensor_value_info("y", TP.FLOAT, None)], inits)
        model = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
        model.ir_version = 8
        d = os.path.join(work, "%s%d" % (kind, seed))
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "m.onnx")
        onnx.save(model, path)
        r = subprocess.run([sys.executable, CHECK, path, d, "--exact", "--input-range", "-4", "4"],
                           capture_output=True, text=True)
        lines = (r.stdout + r.stderr).strip().splitlines()
        good = r.returncode == 0
        ok &= good
        print("%s seed %d: %s" % ("PASS" if good else "FAIL", seed, " / ".join(lines[-2:])[:300]))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
