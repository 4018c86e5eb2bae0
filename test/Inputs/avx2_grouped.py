"""Grouped QLinearConv models for the direct int8 kernel without AVX-512
(AVX2: one pixel vector per tile and the exact vpmaddubsw form the weights
allow), with an integer reference computed here (numpy, independently of
Octet).

usage: avx2_grouped.py FORM XTYPE STRIDE SEED OUTDIR
  FORM    pairs:  weights in [-64, 64] (every channel pair fits vpmaddubsw)
          sign:   weights in [-127, 127], many at +-127 (s8 activations with
                  the signs moved: the pad byte and its corrections in s8)
          neg128: as sign, plus -128 pairs in the middle tap row and single
                  -128s in corner taps (-127 plus a residual of -1, run for
                  the tiles and taps that have one)
  XTYPE   u8 or s8 activations (half at the extremes), a random zero point
          (so the same padding's masked lanes need their corrections)
  STRIDE  1 (same-padded rows) or 2 (space-to-depth)
Writes OUTDIR/m.onnx, OUTDIR/x.npy and OUTDIR/ref.npy (the exact result).
Scales are powers of two: y = clamp(rint(acc / 256) + yz), acc = sum over
the window of (x - xz) w, padding at xz.
"""
import sys

import numpy as np

from qlinear_case import activations, save

form, xtype, stride, seed, out = (sys.argv[1], sys.argv[2], int(sys.argv[3]),
                                  int(sys.argv[4]), sys.argv[5])
rng = np.random.default_rng(seed)
# Rows of 20 pixels: the first and last pixel vectors lie in one output row,
# so their taps in the top or bottom padding are skipped.
N, C, H, W, F, G, K = 1, 16, 13, 20, 24, 2, 3  # 8 input channels per group
cg, fg = C // G, F // G

if form == "pairs":
    w = rng.integers(-64, 65, (F, cg, K, K))
elif form in ("sign", "neg128"):
    w = rng.integers(-127, 128, (F, cg, K, K))
    w[rng.random(w.shape) < 0.3] = 127
    w[rng.random(w.shape) < 0.2] = -127
    if form == "neg128":
        w[::5, 0:2, 1, :] = -128
        w[1::7, 3, 0, 0] = -128
        w[2::7, 5, 2, 2] = -128
else:
    sys.exit("unknown form " + form)
w = w.astype(np.int8)

x, xz, xt, yz, lo, hi = activations(rng, xtype, (N, C, H, W), 1)

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

save(out, "grouped_" + form, "QLinearConv",
     dict(group=G, kernel_shape=[K, K], pads=[1, 1, 1, 1], strides=[stride, stride]),
     x, xt, xz, w, yz, ref)
