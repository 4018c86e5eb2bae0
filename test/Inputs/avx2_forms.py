"""QLinearMatMul models for the AVX2 int8 kernel's three exact forms, with
an integer reference computed here (numpy, independently of Octet).

usage: avx2_forms.py FORM XTYPE SEED OUTDIR [K]
  FORM   pairs:  weights in [-64, 64] (every adjacent pair has
                 255 (|w0| + |w1|) <= 32767: vpmaddubsw cannot saturate)
         sign:   weights in [-127, 127], many at +-127 (pairs that would
                 saturate; s8 activations with their signs moved onto the
                 weights are exact)
         neg128: as sign, plus adjacent pairs of -128 (the sign form with
                 the -128s split into -127 + -1, the -1s in a residual)
         opposite: pairs at the extremes that fit because their signs
                 differ or their sum stays within 128 (127 next to -128,
                 -128 next to 0 or 1, 64 + 64, -64 + -64): the pairs form
                 with no residual (255 x -128 = -32640 and 255 x 128 = 32640)
         sparse: weights in [-40, 40] with a few pairs that saturate
                 (+-127 next to each other, -128 next to -1..-128): the
                 pairs form with those pairs halved, the other halves in a
                 residual
  XTYPE  u8 or s8 activations, half of them at the extremes (0/255 or
         -128/127)
K (default 70) is the reduction length: past 384 the kernel takes 4 x 16
tiles instead of 1 x 64 (a 64-column panel no longer fits a 32 KB L1).
Writes OUTDIR/m.onnx, OUTDIR/x.npy and OUTDIR/ref.npy (the exact result).
The scales are powers of two, so the requantization is exact in float32:
y = clamp(rint(acc / 256) + yz) with acc = sum((x - xz) w).
"""
import sys

import numpy as np

from qlinear_case import activations, save

form, xtype, seed, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(seed)
M, K, N = 37, 70, 40  # odd rows, K not a multiple of 4, N not of 16
if len(sys.argv) > 5:
    K = int(sys.argv[5])

if form == "pairs":
    w = rng.integers(-64, 65, (K, N))
    w[0, :] = 64
    w[1, :] = 64  # 255 * 128 = 32640: the largest pair that fits
elif form in ("sign", "neg128"):
    w = rng.integers(-127, 128, (K, N))
    w[rng.random((K, N)) < 0.3] = 127
    w[rng.random((K, N)) < 0.2] = -127
    if form == "neg128":
        w[2:6, ::3] = -128  # adjacent -128 pairs: 2 * 255 * 128 > 32767
elif form == "opposite":
    extremes = np.array([(127, -128), (-128, 127), (-128, 0), (0, -128), (-128, 1),
                         (64, 64), (-64, -64), (127, -1), (-127, 1)])
    w = extremes[rng.integers(0, len(extremes), (K // 2, N))].transpose(0, 2, 1)
    w = w.reshape(K, N)
elif form == "sparse":
    w = rng.integers(-40, 41, (K, N))
    w[0:2, 5] = -128  # the worst pair: 255 * 256
    w[10:12, 17] = (-1, -128)  # one past the negative limit
    w[68:70, 39] = 127  # the last pair, in the last (partial) column block
    for _ in range(6):
        w[rng.integers(0, K // 2) * 2 + rng.integers(0, 2), rng.integers(0, N)] = \
            rng.choice([-128, -127, 127])
else:
    sys.exit("unknown form " + form)
w = w.astype(np.int8)

x, xz, xt, yz, lo, hi = activations(rng, xtype, (M, K), 0)
acc = (x.astype(np.int64) - np.int64(xz)) @ w.astype(np.int64)
ref = np.clip(np.rint(acc / 256.0) + int(yz), lo, hi).astype(x.dtype)
save(out, "avx2_" + form, "QLinearMatMul", {}, x, xt, xz, w, yz, ref)
