#!/usr/bin/python3
"""Writes single-node float reduction models for test/e2e/ort-reduce-order.test.

usage: reduce_models.py OUTDIR
Each model reduces its input over trailing axes, the case where ONNX Runtime
sums each row in the order of Eigen's SSE reduction (and ReduceMean divides
by the count): row lengths that are and are not whole 4-float packets, one
to several rows, several trailing axes at once, keepdims 0 and 1, float and
double; com.microsoft SkipSimplifiedLayerNormalization, whose kernel in
ONNX Runtime sums the squares one by one instead; and SimplifiedLayerNormalization
(ORT's RMS norm) over rows of 7 floats (its scalar loop) and of 24 and 64
(eight FMA lanes). Prints one line per model: NAME.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
cases = [
    # name, op, shape, axes, keepdims, element type
    ("mean_96", "ReduceMean", [64, 96], [-1], 1, TensorProto.FLOAT),
    ("mean_7", "ReduceMean", [64, 7], [1], 1, TensorProto.FLOAT),
    ("mean_13", "ReduceMean", [5, 12, 13], [-1], 0, TensorProto.FLOAT),
    ("mean_3_97", "ReduceMean", [2, 3, 97], [1, 2], 1, TensorProto.FLOAT),
    ("mean_1", "ReduceMean", [9, 1], [-1], 1, TensorProto.FLOAT),
    ("mean_all_385", "ReduceMean", [5, 7, 11], [0, 1, 2], 0, TensorProto.FLOAT),
    ("sum_50", "ReduceSum", [33, 50], [-1], 1, TensorProto.FLOAT),
    ("sum_2x8x6", "ReduceSum", [3, 2, 8, 6], [2, 3], 0, TensorProto.FLOAT),
    ("sum_f64_11", "ReduceSum", [16, 11], [-1], 1, TensorProto.DOUBLE),
    ("mean_f64_64", "ReduceMean", [8, 64], [-1], 1, TensorProto.DOUBLE),
]
for name, op, shape, axes, keep, et in cases:
    x = helper.make_tensor_value_info("x", et, shape)
    y = helper.make_tensor_value_info("y", et, None)
    nodes, inits = [], []
    if op == "ReduceSum":  # opset 13: axes as an input
        inits.append(helper.make_tensor("axes", TensorProto.INT64, [len(axes)], axes))
        nodes.append(helper.make_node(op, ["x", "axes"], ["y"], keepdims=keep))
    else:
        nodes.append(helper.make_node(op, ["x"], ["y"], axes=axes, keepdims=keep))
    g = helper.make_graph(nodes, name, [x], [y], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.save(m, os.path.join(out, name + ".onnx"))
    print(name)

# SkipSimplifiedLayerNormalization: (x + skip) / sqrt(mean((x + skip)^2) +
# epsilon) * gamma over the last axis, the mean summed in sequence.
xs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [2, 16, 40]) for n in ("x", "s")]
gamma = numpy_helper.from_array(
    (np.random.default_rng(7).standard_normal(40) * 0.5 + 1).astype(np.float32), "g")
node = helper.make_node("SkipSimplifiedLayerNormalization", ["x", "s", "g"], ["y"],
                        domain="com.microsoft", epsilon=1e-6)
g = helper.make_graph([node], "skip_rms_40", xs,
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [gamma])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17),
                                        helper.make_opsetid("com.microsoft", 1)])
m.ir_version = 8
onnx.save(m, os.path.join(out, "skip_rms_40.onnx"))
print("skip_rms_40")

# SimplifiedLayerNormalization: x / sqrt(mean(x^2) + epsilon) * gamma.
for width in (7, 24, 64):
    name = "rms_%d" % width
    gamma = numpy_helper.from_array(
        (np.random.default_rng(width).standard_normal(width) * 0.5 + 1).astype(np.float32), "g")
    node = helper.make_node("SimplifiedLayerNormalization", ["x", "g"], ["y"], axis=-1,
                            epsilon=1e-6)
    g = helper.make_graph([node], name,
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [48, width])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [gamma])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.save(m, os.path.join(out, name + ".onnx"))
    print(name)
