#!/usr/bin/python3
"""Writes the benchmark models and inputs: make_models.py OUTDIR
  gemm_MxNxK.onnx  com.microsoft QGemm, u8 activations x s8 weights (transB), u8 out
  conv3x3_64x56x56.onnx  QLinearConv 64->64, 3x3, pad 1, per-channel weights
  gemm_1024x1024x1024_gauss.onnx, conv3x3_64x56x56_gauss.onnx  the same
      layers with Gaussian weights quantized per tensor (max |w| = 127 over
      the tensor, as torch's qnnpack engine quantizes the bench models'
      layers) instead of uniform ones: what the AVX2 kernels' form choice
      sees there (docs/cpu-backend.md, "Int8 kernels on each ISA")
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)


def gauss(shape):
    """Per-tensor symmetric int8 of Gaussian weights: max |w| = 127."""
    w = rng.standard_normal(shape)
    return np.rint(w / np.abs(w).max() * 127).astype(np.int8)


def save(name, node, inp, shape, inits, ms=False):
    g = h.make_graph([node], name, [h.make_tensor_value_info("x", TP.UINT8, shape)],
                     [h.make_tensor_value_info("y", TP.UINT8, None)],
                     [nh.from_array(np.asarray(v), k) for k, v in inits.items()])
    ops = [h.make_opsetid("", 13)] + ([h.make_opsetid("com.microsoft", 1)] if ms else [])
    m = h.make_model(g, opset_imports=ops)
    m.ir_version = 8
    onnx.save(m, os.path.join(out, name + ".onnx"))
    np.save(os.path.join(out, name + ".x.npy"), inp)


for m_, n_, k_, suffix in ((1024, 1024, 1024, ""), (256, 3072, 768, ""),
                           (1024, 1024, 1024, "_gauss")):
    name = "gemm_%dx%dx%d%s" % (m_, n_, k_, suffix)
    save(name, h.make_node("QGemm", ["x", "s", "z", "w", "ws", "wz", "b", "ys", "yz"], ["y"],
                           domain="com.microsoft", transB=1),
         rng.integers(0, 256, (m_, k_)).astype(np.uint8), [m_, k_],
         {"s": np.float32(0.02), "z": np.uint8(128),
          "w": gauss((n_, k_)) if suffix else rng.integers(-127, 128, (n_, k_)).astype(np.int8),
          "ws": rng.uniform(0.001, 0.01, n_).astype(np.float32), "wz": np.zeros(n_, np.int8),
          "b": rng.integers(-1000, 1000, n_).astype(np.int32), "ys": np.float32(4.0),
          "yz": np.uint8(128)}, ms=True)

for suffix in ("", "_gauss"):
    save("conv3x3_64x56x56" + suffix,
         h.make_node("QLinearConv", ["x", "s", "z", "w", "ws", "wz", "ys", "yz", "b"], ["y"],
                     pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
         rng.integers(0, 256, (1, 64, 56, 56)).astype(np.uint8), [1, 64, 56, 56],
         {"s": np.float32(0.02), "z": np.uint8(128),
          "w": gauss((64, 64, 3, 3)) if suffix else
          rng.integers(-127, 128, (64, 64, 3, 3)).astype(np.int8),
          "ws": rng.uniform(0.001, 0.01, 64).astype(np.float32), "wz": np.zeros(64, np.int8),
          "ys": np.float32(4.0), "yz": np.uint8(128),
          "b": rng.integers(-1000, 1000, 64).astype(np.int32)})

# ONNX Runtime's dynamic quantization of a linear layer (quantize_dynamic:
# DynamicQuantizeLinear, MatMulInteger, rescale), float in and out.
g = h.make_graph(
    [h.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
     h.make_node("MatMulInteger", ["xq", "w", "xz", "wz"], ["acc"]),
     h.make_node("Cast", ["acc"], ["accf"], to=TP.FLOAT),
     h.make_node("Mul", ["xs", "ws"], ["s"]),
     h.make_node("Mul", ["accf", "s"], ["y"])],
    "dynamic_linear", [h.make_tensor_value_info("x", TP.FLOAT, [1, 128, 768])],
    [h.make_tensor_value_info("y", TP.FLOAT, None)],
    [nh.from_array(rng.integers(-127, 128, (768, 3072)).astype(np.int8), "w"),
     nh.from_array(np.int8(0), "wz"), nh.from_array(np.float32(0.004), "ws")])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
m.ir_version = 8
onnx.save(m, os.path.join(out, "dynamic_linear.onnx"))
np.save(os.path.join(out, "dynamic_linear.x.npy"),
        rng.standard_normal((1, 128, 768)).astype(np.float32))

# The same for a 3x3 convolution (DynamicQuantizeLinear, ConvInteger).
g = h.make_graph(
    [h.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
     h.make_node("ConvInteger", ["xq", "w", "xz"], ["acc"], pads=[1, 1, 1, 1]),
     h.make_node("Cast", ["acc"], ["accf"], to=TP.FLOAT),
     h.make_node("Mul", ["xs", "ws"], ["s"]),
     h.make_node("Mul", ["accf", "s"], ["y"])],
    "dynamic_conv", [h.make_tensor_value_info("x", TP.FLOAT, [1, 64, 56, 56])],
    [h.make_tensor_value_info("y", TP.FLOAT, None)],
    [nh.from_array(rng.integers(-127, 128, (64, 64, 3, 3)).astype(np.int8), "w"),
     nh.from_array(np.float32(0.004), "ws")])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
m.ir_version = 8
onnx.save(m, os.path.join(out, "dynamic_conv.onnx"))
np.save(os.path.join(out, "dynamic_conv.x.npy"),
        rng.standard_normal((1, 64, 56, 56)).astype(np.float32))
