"""Shared by avx2_forms.py and avx2_grouped.py: adversarial 8-bit
activations, and a one-node QLinear model with power-of-two scales
(xs = ws = 1, ys = 256) written with its input and exact reference."""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper as h, numpy_helper


def activations(rng, xtype, shape, zero_point_lo):
    """u8 or s8 values, half of them at the extremes, with a random zero
    point (at least `zero_point_lo` above the type's minimum). Returns x,
    xz, the ONNX type, the output zero point and the output range."""
    if xtype == "u8":
        x = rng.integers(0, 256, shape)
        x[rng.random(shape) < 0.25] = 255
        x[rng.random(shape) < 0.1] = 0
        return (x.astype(np.uint8), np.uint8(rng.integers(zero_point_lo, 256)),
                TensorProto.UINT8, np.uint8(128), 0, 255)
    if xtype == "s8":
        x = rng.integers(-128, 128, shape)
        x[rng.random(shape) < 0.2] = -128
        x[rng.random(shape) < 0.1] = 127
        return (x.astype(np.int8), np.int8(rng.integers(-128 + zero_point_lo, 128)),
                TensorProto.INT8, np.int8(0), -128, 127)
    raise SystemExit("unknown activation type " + xtype)


def save(out, name, op, attrs, x, xt, xz, w, yz, ref):
    """Writes OUT/m.onnx (one `op` node: x, xs, xz, w, ws, wz, ys, yz),
    OUT/x.npy and OUT/ref.npy."""
    inits = [numpy_helper.from_array(np.array(1.0, np.float32), "xs"),
             numpy_helper.from_array(np.array(xz), "xz"),
             numpy_helper.from_array(w, "w"),
             numpy_helper.from_array(np.array(1.0, np.float32), "ws"),
             numpy_helper.from_array(np.array(0, np.int8), "wz"),
             numpy_helper.from_array(np.array(256.0, np.float32), "ys"),
             numpy_helper.from_array(np.array(yz), "yz")]
    node = h.make_node(op, ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["y"], name=name,
                       **attrs)
    g = h.make_graph([node], name, [h.make_tensor_value_info("x", xt, list(x.shape))],
                     [h.make_tensor_value_info("y", xt, list(ref.shape))], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
    m.ir_version = 8
    os.makedirs(out, exist_ok=True)
    onnx.save(m, os.path.join(out, "m.onnx"))
    np.save(os.path.join(out, "x.npy"), x)
    np.save(os.path.join(out, "ref.npy"), ref)
