#!/usr/bin/python3
"""Small float models and data for the quantizer's tests (onnx and numpy).

quant_models.py DIR writes:
  passthrough.onnx   input [N, 1] -> Flatten -> output (the worked example)
  passthrough_calib.npy  [[0], [10]]; passthrough_x.npy  [[3.14]]
  twoin.onnx         a + b with two inputs (a directory of NAME.npy)
  a.npy, b.npy       its calibration data
  opset11.onnx       Conv at opset 11 (per-channel weights need opset 13)
  conv_bn.onnx       Conv -> BatchNormalization -> Relu, and conv_bn_calib.npy
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)


def save(model, name):
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, name))


def vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


g = helper.make_graph([helper.make_node("Flatten", ["input"], ["output"], name="flat")], "p",
                      [vi("input", ["N", 1])], [vi("output", ["N", 1])])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), "passthrough.onnx")
np.save(os.path.join(out, "passthrough_calib.npy"), np.array([[0.0], [10.0]], np.float32))
np.save(os.path.join(out, "passthrough_x.npy"), np.array([[3.14]], np.float32))

g = helper.make_graph([helper.make_node("Add", ["a", "b"], ["y"], name="add")], "t",
                      [vi("a", ["N", 4]), vi("b", ["N", 4])], [vi("y", ["N", 4])])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), "twoin.onnx")
np.save(os.path.join(out, "a.npy"), rng.standard_normal((8, 4)).astype(np.float32))
np.save(os.path.join(out, "b.npy"), rng.standard_normal((8, 4)).astype(np.float32))
np.save(os.path.join(out, "b_short.npy"), rng.standard_normal((5, 4)).astype(np.float32))

w = numpy_helper.from_array(rng.standard_normal((4, 1, 3, 3)).astype(np.float32), "w")
g = helper.make_graph([helper.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[1, 1, 1, 1])],
                      "o", [vi("x", ["N", 1, 6, 6])], [vi("y", ["N", 4, 6, 6])], [w])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 11)]), "opset11.onnx")

c = 8
inits = [numpy_helper.from_array(rng.standard_normal((c, 3, 3, 3)).astype(np.float32) * 0.3, "w"),
         numpy_helper.from_array(rng.standard_normal(c).astype(np.float32) * 0.1, "b"),
         numpy_helper.from_array(rng.uniform(0.5, 1.5, c).astype(np.float32), "gamma"),
         numpy_helper.from_array(rng.uniform(-0.2, 0.2, c).astype(np.float32), "beta"),
         numpy_helper.from_array(rng.uniform(-0.3, 0.3, c).astype(np.float32), "mean"),
         numpy_helper.from_array(rng.uniform(0.5, 2.0, c).astype(np.float32), "var")]
nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
         helper.make_node("BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["n"], name="bn"),
         helper.make_node("Relu", ["n"], ["y"], name="relu")]
g = helper.make_graph(nodes, "cb", [vi("x", ["N", 3, 10, 10])], [vi("y", ["N", c, 10, 10])], inits)
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), "conv_bn.onnx")
np.save(os.path.join(out, "conv_bn_calib.npy"), rng.uniform(0, 1, (16, 3, 10, 10)).astype(np.float32))
