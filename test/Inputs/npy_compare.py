#!/usr/bin/python3
"""Compares two .npy files: npy_compare.py GOT WANT [--exact] [--atol X] [--labels Y.npy]
Prints how many values agree and, with --labels, the argmax accuracy of GOT.
Exits non-zero when the comparison fails."""
import argparse
import sys

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("got")
p.add_argument("want")
p.add_argument("--exact", action="store_true")
p.add_argument("--atol", type=float, default=0.0)
p.add_argument("--labels")
a = p.parse_args()
got, want = np.load(a.got), np.load(a.want)
if got.shape != want.shape or got.dtype != want.dtype:
    print("mismatch: %s %s vs %s %s" % (got.shape, got.dtype, want.shape, want.dtype))
    sys.exit(1)
same = int(np.sum(got == want))
diff = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))) if got.size else 0.0
print("bit-exact: %d of %d" % (same, got.size))
print("max abs diff: %g" % diff)
if a.labels:
    y = np.load(a.labels)
    print("accuracy: %.2f%%" % (100.0 * np.mean(got.argmax(axis=1) == y)))
ok = same == got.size if a.exact else diff <= a.atol
sys.exit(0 if ok else 1)
