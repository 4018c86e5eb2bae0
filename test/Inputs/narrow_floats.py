"""Inputs for cast-narrow-floats.test, and the check of a bf16 output's bits.

usage: narrow_floats.py X.npy
       narrow_floats.py --check X.npy Z.npy N.npy"""
import sys

import numpy as np

if sys.argv[1] == "--check":
    x, z, n = (np.load(p) for p in sys.argv[2:5])
    assert n.dtype.itemsize == 2, n.dtype
    bits = n.view(np.uint16).astype(np.uint32) << 16
    assert np.array_equal(bits.view(np.float32), z), "the widening is not exact"
    # Round to nearest even on the top 16 bits of each float.
    u = x.view(np.uint32).astype(np.uint64)
    want = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    assert np.array_equal(n.view(np.uint16), want), "not rounded to nearest even"
    print("bf16 bits OK")
    sys.exit(0)
r = np.random.RandomState(1)
bits = r.randint(0, 2**32, size=256, dtype=np.uint64).astype(np.uint32)
bits[:32] = (bits[:32] & 0xFFFF0000) | 0x8000  # bf16 ties
bits[32:40] = (bits[32:40] & 0xFFFF0000) | 0x7FFF  # just below
bits[40:48] = (bits[40:48] & 0xFFFFE000) | 0x1000  # float16 ties
x = bits.view(np.float32).copy()
x[48:60] = [np.inf, -np.inf, 0.0, -0.0, 65504.0, 65520.0, 65519.99, 1e-8, 3.4e38, -3.4e38,
            1.0e-40, -6e-8]
# (NaN payloads differ between implementations: none here.)
x[np.isnan(x)] = 1.5
np.save(sys.argv[1], x.reshape(4, 64))
