"""ONNX models with zero-sized tensors, as ONNX Runtime runs them.

usage: empty_models.py NAME OUT.onnx
  elementwise  x [2, 0] -> Relu(x + x) [2, 0]; z [2, 3] -> Sigmoid(z) [2, 3]
  concat       Concat(x [1, 0, 4], y [1, 3, 4], axis 1) [1, 3, 4], and x * 2
  matmul       MatMul(a [3, 0], b [0, 5]) [3, 5] (zeros) + c [3, 5]
  reduce       ReduceSum(x [2, 0, 3], axis 1, keepdims) [2, 1, 3] (zeros),
               ReduceMax(x, axis 2) [2, 0]
  conv         Conv(x [0, 2, 5, 5], w [4, 2, 3, 3]) [0, 4, 3, 3], and MaxPool
  qdq          QuantizeLinear -> DequantizeLinear on x [0, 8], Gemm of y [2, 8]
  sampling     RoiAlign(x [1, 2, 6, 6], no regions) [0, 2, 2, 2], DeformConv of an
               empty batch [0, 3, 3, 3] (opset 19)
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper as h, numpy_helper

F = TensorProto.FLOAT
name, out = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)
vi = h.make_tensor_value_info


def const(n, a):
    return numpy_helper.from_array(np.asarray(a), n)


if name == "elementwise":
    nodes = [h.make_node("Add", ["x", "x"], ["s"], name="add"),
             h.make_node("Relu", ["s"], ["y"], name="relu"),
             h.make_node("Sigmoid", ["z"], ["w"], name="sig")]
    ins, outs, inits = [vi("x", F, [2, 0]), vi("z", F, [2, 3])], [vi("y", F, [2, 0]),
                                                                   vi("w", F, [2, 3])], []
elif name == "concat":
    nodes = [h.make_node("Concat", ["x", "y"], ["c"], name="cat", axis=1),
             h.make_node("Mul", ["x", "two"], ["d"], name="mul")]
    ins = [vi("x", F, [1, 0, 4]), vi("y", F, [1, 3, 4])]
    outs = [vi("c", F, [1, 3, 4]), vi("d", F, [1, 0, 4])]
    inits = [const("two", np.float32(2.0))]
elif name == "matmul":
    nodes = [h.make_node("MatMul", ["a", "b"], ["m"], name="mm"),
             h.make_node("Add", ["m", "c"], ["y"], name="add")]
    ins = [vi("a", F, [3, 0]), vi("b", F, [0, 5]), vi("c", F, [3, 5])]
    outs, inits = [vi("y", F, [3, 5])], []
elif name == "reduce":
    nodes = [h.make_node("ReduceSum", ["x", "axes"], ["s"], name="sum", keepdims=1),
             h.make_node("ReduceMax", ["x"], ["m"], name="max", axes=[2], keepdims=0)]
    ins = [vi("x", F, [2, 0, 3])]
    outs = [vi("s", F, [2, 1, 3]), vi("m", F, [2, 0])]
    inits = [const("axes", np.array([1], np.int64))]
elif name == "conv":
    nodes = [h.make_node("Conv", ["x", "w", "b"], ["c"], name="conv"),
             h.make_node("MaxPool", ["c"], ["p"], name="pool", kernel_shape=[2, 2]),
             h.make_node("Relu", ["z"], ["r"], name="relu")]
    ins = [vi("x", F, [0, 2, 5, 5]), vi("z", F, [1, 4])]
    outs = [vi("p", F, [0, 4, 2, 2]), vi("r", F, [1, 4])]
    inits = [const("w", rng.standard_normal((4, 2, 3, 3)).astype(np.float32)),
             const("b", rng.standard_normal(4).astype(np.float32))]
elif name == "qdq":
    nodes = [h.make_node("QuantizeLinear", ["x", "s", "zp"], ["q"], name="q"),
             h.make_node("DequantizeLinear", ["q", "s", "zp"], ["dq"], name="dq"),
             h.make_node("Gemm", ["y", "w"], ["g"], name="gemm", transB=1)]
    ins = [vi("x", F, [0, 8]), vi("y", F, [2, 8])]
    outs = [vi("dq", F, [0, 8]), vi("g", F, [2, 3])]
    inits = [const("s", np.float32(0.05)), const("zp", np.uint8(128)),
             const("w", rng.standard_normal((3, 8)).astype(np.float32))]
elif name == "sampling":
    nodes = [h.make_node("RoiAlign", ["x", "rois", "bi"], ["r"], name="roi", output_height=2,
                         output_width=2),
             h.make_node("DeformConv", ["e", "w", "off"], ["d"], name="deform"),
             h.make_node("Relu", ["x"], ["xr"], name="relu")]
    ins = [vi("x", F, [1, 2, 6, 6]), vi("rois", F, [0, 4]),
           vi("bi", TensorProto.INT64, [0]), vi("e", F, [0, 2, 5, 5]),
           vi("off", F, [0, 18, 3, 3])]
    outs = [vi("r", F, [0, 2, 2, 2]), vi("d", F, [0, 3, 3, 3]), vi("xr", F, [1, 2, 6, 6])]
    inits = [const("w", rng.standard_normal((3, 2, 3, 3)).astype(np.float32))]
    opset = 19
else:
    sys.exit("unknown model " + name)

g = h.make_graph(nodes, name, ins, outs, inits)
m = h.make_model(g, opset_imports=[h.make_opsetid("", globals().get("opset", 13))])
m.ir_version = 8
if globals().get("opset", 13) <= 17:  # (this onnx's checker stops at opset 17)
    onnx.checker.check_model(m)
onnx.save(m, out)
