"""Grouped QLinearConv models for the direct int8 kernel without AVX-512
(AVX2: one pixel vector per tile and the exact vpmaddubsw form the weights
allow), with an integer reference computed here (numpy, independently of
Octet).

usage: avx2_grouped.py FORM XTYPE STRIDE SEED OUTDIR
  FORM    pairs:  weights in [-64, 64] (every channel pair fits vpmaddubsw)
          sign:   weights in [-127, 127], many at +-127 (s8 activations with
                  the signs moved: the pad byte and its corrections in s8)
          neg128: as sign, plus -128 pairs (16-bit products)
  XTYPE   u8 or s8 activations (half at the extremes), a random zero point
          (so the same padding's masked lanes need their corrections)
  STRIDE  1 (same-padded rows) or 2 (space-to-depth)
Writes OUTDIR/m.onnx, OUTDIR/x.npy and OUTDIR/ref.npy (the exact result).
Scales are powers of two: y = clamp(rint(acc / 256) + yz), acc = sum over
the window of (x - xz) w, padding at xz.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper as h, numpy_helper

form, xtype, stride, seed, out = (sys.argv[1], sys.argv[2], int(sys.argv[3]),
                                  int(sys.argv[4]), sys.argv[5])
rng = np.random.default_rng(seed)
N, C, H, W, F, G, K = 1, 16, 13, 12, 24, 2, 3  # 8 input channels per group
cg, fg = C // G, F // G

if form == "pairs":
    w = rng.integers(-64, 65, (F, cg, K, K))
elif form in ("sign", "neg128"):
    w = rng.integers(-127, 128, (F, cg, K, K))
    w[rng.random(w.shape) < 0.3] = 127
    w[rng.random(w.shape) < 0.2] = -127
    if form == "neg128":
        w[::5, 0:2, 1, :] = -128
else:
    sys.exit("unknown form " + form)
w = w.astype(np.int8)

if xtype == "u8":
    x = rng.integers(0, 256, (N, C, H, W))
    x[rng.random(x.shape) < 0.25] = 255
    x[rng.random(x.shape) < 0.1] = 0
    x = x.astype(np.uint8)
    xz = np.uint8(rng.integers(1, 256))
    xt, yz, lo, hi = TensorProto.UINT8, np.uint8(128), 0, 255
elif xtype == "s8":
    x = rng.integers(-128, 128, (N, C, H, W))
    x[rng.random(x.shape) < 0.2] = -128
    x[rng.random(x.shape) < 0.1] = 127
    x = x.astype(np.int8)
    xz = np.int8(rng.integers(-127, 128))
    xt, yz, lo, hi = TensorProto.INT8, np.int8(0), -128, 127
else:
    sys.exit("unknown activation type " + xtype)

# Reference: pad with xz, so padded taps add (xz - xz) w = 0.
xp = np.pad(x.astype(np.int64) - int(xz), ((0, 0), (0, 0), (1, 1), (1, 1)))
OH, OW = (H + 2 - K) // stride + 1, (W + 2 - K) // stride + 1
acc = np.zeros((N, F, OH, OW), np.int64)
for f in range(F):
    g = f // fg
    for i in range(K):
        for j in range(K):
            win = xp[:, g * cg:(g + 1) * cg, i:i + stride * OH:stride, j:j + stride * OW:stride]
            acc[:, f] += np.einsum("nchw,c->nhw", win, w[f, :, i, j].astype(np.int64))
ref = np.clip(np.rint(acc / 256.0) + int(yz), lo, hi).astype(x.dtype)

inits = [numpy_helper.from_array(np.array(1.0, np.float32), "xs"),
         numpy_helper.from_array(np.array(xz), "xz"),
         numpy_helper.from_array(w, "w"),
         numpy_helper.from_array(np.array(1.0, np.float32), "ws"),
         numpy_helper.from_array(np.array(0, np.int8), "wz"),
         numpy_helper.from_array(np.array(256.0, np.float32), "ys"),
         numpy_helper.from_array(np.array(yz), "yz")]
node = h.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["y"],
                   name="gconv", group=G, kernel_shape=[K, K], pads=[1, 1, 1, 1],
                   strides=[stride, stride])
g = h.make_graph([node], "grouped_" + form, [h.make_tensor_value_info("x", xt, list(x.shape))],
                 [h.make_tensor_value_info("y", xt, list(ref.shape))], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
m.ir_version = 8
os.makedirs(out, exist_ok=True)
onnx.save(m, os.path.join(out, "m.onnx"))
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "ref.npy"), ref)
