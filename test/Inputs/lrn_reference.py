#!/usr/bin/python3
"""LRN as the ONNX spec defines it, for the window shapes ONNX Runtime
refuses (an even size, an input that is not 4-D), in float64 numpy:

  square_sum[n, c] = sum of x[n, i]^2 for i in
                     [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)]
  y = x / (bias + alpha / size * square_sum) ^ beta

usage: lrn_reference.py MODEL X.npy OUT.npy   (the model's single LRN node)"""
import sys

import numpy as np
import onnx
from onnx import helper

m = onnx.load(sys.argv[1])
(node,) = [n for n in m.graph.node if n.op_type == "LRN"]
a = {at.name: helper.get_attribute_value(at) for at in node.attribute}
size, alpha = a["size"], a.get("alpha", 1e-4)
beta, bias = a.get("beta", 0.75), a.get("bias", 1.0)
x = np.load(sys.argv[2]).astype(np.float64)
ss = np.zeros_like(x)
for c in range(x.shape[1]):
    lo = max(0, c - (size - 1) // 2)
    hi = min(x.shape[1] - 1, c + (size - 1) - (size - 1) // 2)
    ss[:, c] = (x[:, lo:hi + 1] ** 2).sum(axis=1)
np.save(sys.argv[3], (x / (bias + alpha / size * ss) ** beta).astype(np.float32))
