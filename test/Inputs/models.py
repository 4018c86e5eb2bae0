#!/usr/bin/python3
"""Writes small ONNX models for the importer tests with onnx.helper.

usage: models.py NAME OUT.onnx     (models.py --list prints the names)
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh

F, I64, U8, I8, I32 = TP.FLOAT, TP.INT64, TP.UINT8, TP.INT8, TP.INT32
rng = np.random.default_rng(0)


def vi(name, elem, shape):
    return h.make_tensor_value_info(name, elem, shape)


def const(name, array):
    return nh.from_array(np.asarray(array), name)


def model(nodes, inputs, outputs, inits=(), opset=13, ms=False):
    g = h.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    ops = [h.make_opsetid("", opset)]
    if ms:
        ops.append(h.make_opsetid("com.microsoft", 1))
    m = h.make_model(g, opset_imports=ops, producer_name="octet-tests")
    m.ir_version = 8
    return m


def w(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def unary(op, shape=(2, 3), **attrs):
    return model([h.make_node(op, ["x"], ["y"], name="n_" + op, **attrs)],
                 [vi("x", F, shape)], [vi("y", F, None)])


def binary(op, a=(2, 3, 4), b=(4,)):
    return model([h.make_node(op, ["a", "b"], ["y"], name="n_" + op)],
                 [vi("a", F, a), vi("b", F, b)], [vi("y", F, None)])


M = {}


def short_tensor():
    """A float initializer of shape [4] carrying 8 bytes instead of 16."""
    t = TP()
    t.name = "c"
    t.data_type = F
    t.dims.extend([4])
    t.raw_data = bytes(8)
    return t

# ----- float ops ---------------------------------------------------------
M["conv"] = lambda: model(
    [h.make_node("Conv", ["x", "w", "b"], ["y"], name="conv1", strides=[2, 1],
                 pads=[1, 0, 1, 2], dilations=[1, 2])],
    [vi("x", F, ["N", 4, 9, 9])], [vi("y", F, None)],
    [const("w", w(8, 4, 3, 3)), const("b", w(8))])
M["conv_depthwise"] = lambda: model(
    [h.make_node("Conv", ["x", "w"], ["y"], name="dw", group=6, auto_pad="SAME_UPPER",
                 kernel_shape=[3, 3], strides=[2, 2])],
    [vi("x", F, [1, 6, 7, 7])], [vi("y", F, None)], [const("w", w(6, 1, 3, 3))])
M["conv_relu_bn"] = lambda: model(
    [h.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
     h.make_node("BatchNormalization", ["c", "s", "bb", "m", "v"], ["n"], name="bn",
                 epsilon=1e-3),
     h.make_node("Clip", ["n", "lo", "hi"], ["y"], name="relu6")],
    [vi("x", F, [1, 3, 5, 5])], [vi("y", F, None)],
    [const("w", w(4, 3, 3, 3)), const("b", w(4)), const("s", w(4)),
     const("bb", w(4)), const("m", w(4)),
     const("v", np.abs(w(4)) + 0.5), const("lo", np.float32(0)),
     const("hi", np.float32(6))])
M["matmul"] = lambda: model(
    [h.make_node("MatMul", ["a", "b"], ["y"], name="mm")],
    [vi("a", F, [2, 1, 4, 8]), vi("b", F, [3, 8, 5])], [vi("y", F, None)])
M["matmul_vec"] = lambda: model(
    [h.make_node("MatMul", ["a", "b"], ["y"], name="mv")],
    [vi("a", F, [4, 8]), vi("b", F, [8])], [vi("y", F, None)])
M["gemm"] = lambda: model(
    [h.make_node("Gemm", ["a", "b", "c"], ["y"], name="fc", transA=1, transB=1,
                 alpha=0.5, beta=2.0)],
    [vi("a", F, [16, 4])], [vi("y", F, None)],
    [const("b", w(10, 16)), const("c", w(10))])
for _op in ["Add", "Sub", "Mul", "Div", "Pow"]:
    M["binary_" + _op.lower()] = (lambda op: lambda: binary(op))(_op)
# Integer Pow: its lowering calls a helper function (math.ipowi).
M["pow_int32"] = lambda: model(
    [h.make_node("Pow", ["a", "b"], ["p"], name="ipow"),
     h.make_node("Add", ["p", "a"], ["y"], name="add")],
    [vi("a", TP.INT32, [4, 64]), vi("b", TP.INT32, [4, 64])],
    [vi("y", TP.INT32, None)])
M["unary"] = lambda: model(
    [h.make_node("Relu", ["x"], ["r"], name="relu"),
     h.make_node("Sigmoid", ["r"], ["s"], name="sig"),
     h.make_node("Tanh", ["s"], ["t"], name="tanh"),
     h.make_node("Erf", ["t"], ["e"], name="erf"),
     h.make_node("Sqrt", ["e"], ["q"], name="sqrt"),
     h.make_node("Exp", ["q"], ["x2"], name="exp"),
     h.make_node("Clip", ["x2", "", "hi"], ["y"], name="clip_max")],
    [vi("x", F, [2, 5])], [vi("y", F, None)], [const("hi", np.float32(3.5))])
M["clip_opset6"] = lambda: model(
    [h.make_node("Clip", ["x"], ["y"], name="clip", min=-1.0, max=1.0)],
    [vi("x", F, [3])], [vi("y", F, None)], opset=6)
M["softmax"] = lambda: unary("Softmax", (2, 3, 7), axis=-2)
M["layernorm"] = lambda: model(
    [h.make_node("LayerNormalization", ["x", "g", "b"], ["y"], name="ln", axis=-1,
                 epsilon=1e-6)],
    [vi("x", F, [2, 4, 8])], [vi("y", F, None)], [const("g", w(8)), const("b", w(8))],
    opset=17)
M["reduce_mean"] = lambda: model(
    [h.make_node("ReduceMean", ["x"], ["y"], name="rm", axes=[-1, 1], keepdims=0)],
    [vi("x", F, [2, 3, 4])], [vi("y", F, None)])
M["reduce_sum"] = lambda: model(
    [h.make_node("ReduceSum", ["x", "axes"], ["y"], name="rs")],
    [vi("x", F, [2, 3, 4])], [vi("y", F, None)], [const("axes", np.array([2], np.int64))])
M["pools"] = lambda: model(
    [h.make_node("MaxPool", ["x"], ["m"], name="mp", kernel_shape=[3, 3], strides=[2, 2],
                 ceil_mode=1),
     h.make_node("AveragePool", ["m"], ["a"], name="ap", kernel_shape=[2, 2],
                 pads=[1, 1, 0, 0], count_include_pad=1),
     h.make_node("GlobalAveragePool", ["a"], ["y"], name="gap")],
    [vi("x", F, [1, 2, 8, 8])], [vi("y", F, None)])
M["shape_ops"] = lambda: model(
    [h.make_node("Flatten", ["x"], ["f"], name="flat", axis=2),
     h.make_node("Reshape", ["f", "shape"], ["r"], name="resh"),
     h.make_node("Transpose", ["r"], ["t"], name="tr", perm=[2, 0, 1]),
     h.make_node("Unsqueeze", ["t", "ax0"], ["u"], name="unsq"),
     h.make_node("Squeeze", ["u", "ax0"], ["s"], name="sq"),
     h.make_node("Concat", ["s", "s"], ["c"], name="cat", axis=-1),
     h.make_node("Split", ["c", "split"], ["p0", "p1"], name="split", axis=0),
     h.make_node("Slice", ["p1", "st", "en", "axs", "steps"], ["y"], name="slice"),
     h.make_node("Identity", ["p0"], ["z"], name="id")],
    [vi("x", F, [2, 3, 4, 5])], [vi("y", F, None), vi("z", F, None)],
    [const("shape", np.array([0, -1, 4], np.int64)), const("ax0", np.array([0], np.int64)),
     const("split", np.array([1, 3], np.int64)),
     const("st", np.array([-1, 0], np.int64)), const("en", np.array([-100, 100], np.int64)),
     const("axs", np.array([2, 0], np.int64)), const("steps", np.array([-2, 1], np.int64))])
M["gather"] = lambda: model(
    [h.make_node("Gather", ["x", "i"], ["y"], name="gather", axis=1)],
    [vi("x", F, [2, 5, 3]), vi("i", I64, [4])], [vi("y", F, None)])
M["shape_arith"] = lambda: model(
    # Shape -> Gather -> Unsqueeze -> Concat -> Reshape, as exporters emit.
    [h.make_node("Shape", ["x"], ["s"], name="shape"),
     h.make_node("Gather", ["s", "i0"], ["d0"], name="g0", axis=0),
     h.make_node("Unsqueeze", ["d0", "ax"], ["u0"], name="u0"),
     h.make_node("Concat", ["u0", "minus1"], ["target"], name="cat", axis=0),
     h.make_node("Reshape", ["x", "target"], ["y"], name="reshape"),
     h.make_node("Cast", ["s"], ["sf"], name="cast", to=F),
     h.make_node("ConstantOfShape", ["s"], ["z"], name="cos",
                 value=h.make_tensor("v", I64, [1], [7]))],
    [vi("x", F, ["B", 3, 4])], [vi("y", F, None), vi("sf", F, None), vi("z", I64, None)],
    [const("i0", np.array(0, np.int64)), const("ax", np.array([0], np.int64)),
     const("minus1", np.array([-1], np.int64))])
M["constants"] = lambda: model(
    [h.make_node("Constant", [], ["c"], name="c", value_floats=[1.0, 2.0]),
     h.make_node("Constant", [], ["k"], name="k",
                 value=nh.from_array(np.arange(600, dtype=np.float32).reshape(300, 2))),
     h.make_node("Add", ["x", "c"], ["a"], name="add"),
     h.make_node("MatMul", ["k", "a"], ["y"], name="mm")],
    [vi("x", F, [2, 2])], [vi("y", F, None)])
M["softmax_opset11"] = lambda: model(
    [h.make_node("Softmax", ["x"], ["y"], name="sm")],
    [vi("x", F, [2, 3])], [vi("y", F, None)], opset=11)
M["dropout"] = lambda: model(
    [h.make_node("Dropout", ["x"], ["y"], name="drop")],
    [vi("x", F, [2, 3])], [vi("y", F, None)])


# Float products in ONNX Runtime's summation order (test/e2e/ort-float-order.test):
# convolutions with K = C*KH*KW <= 128 or too few output pixels to split K
# (MLAS takes K in one block there), grouped and depthwise ones, and Gemm /
# MatMul + Add with K past MLAS's packed block of 256.
def _conv_order(name, c, f, hw, k, group=1, act=None, dil=1):
    nodes = [h.make_node("Conv", ["x", "w", "b"], ["c" if act else "y"], name=name,
                         pads=[k // 2 * dil] * 4, group=group, dilations=[dil, dil])]
    if act:
        nodes.append(h.make_node(act, ["c"], ["y"], name=name + "_act"))
    return model(nodes, [vi("x", F, [2, c, hw, hw])], [vi("y", F, None)],
                 [const("w", w(f, c // group, k, k)), const("b", w(f))])
M["f_order_conv_k108"] = lambda: _conv_order("conv_k108", 12, 16, 12, 3, act="Relu")
M["f_order_conv_k144"] = lambda: _conv_order("conv_k144", 16, 32, 8, 3)
M["f_order_conv_5x5"] = lambda: _conv_order("conv_5x5", 4, 8, 16, 5, dil=2)
M["f_order_grouped"] = lambda: _conv_order("grouped", 8, 8, 10, 3, group=2)
M["f_order_depthwise"] = lambda: _conv_order("depthwise", 6, 6, 10, 3, group=6)
M["f_order_gemm"] = lambda: model(
    [h.make_node("Gemm", ["a", "b", "c"], ["y"], name="fc", transB=1)],
    [vi("a", F, [3, 600])], [vi("y", F, None)],
    [const("b", w(10, 600)), const("c", w(10))])
# GlobalAveragePool: four lanes over whole blocks of four, the lanes halved,
# the tail one by one, divided by H*W (169 = 42 blocks + 1; 15 = 3 + 3).
M["f_order_gap"] = lambda: model(
    [h.make_node("GlobalAveragePool", ["x"], ["y"], name="gap")],
    [vi("x", F, [2, 24, 13, 13])], [vi("y", F, None)])
M["f_order_gap_small"] = lambda: model(
    [h.make_node("GlobalAveragePool", ["x"], ["y"], name="gap")],
    [vi("x", F, [1, 8, 3, 5])], [vi("y", F, None)])
M["f_order_gap_rows"] = lambda: model(
    [h.make_node("GlobalAveragePool", ["x"], ["y"], name="gap")],
    [vi("x", F, [1, 13, 7, 9])], [vi("y", F, None)])
M["f_order_matmul_add"] = lambda: model(
    [h.make_node("MatMul", ["a", "b"], ["m"], name="mm"),
     h.make_node("Add", ["m", "c"], ["y"], name="bias")],
    [vi("a", F, [4, 300])], [vi("y", F, None)],
    [const("b", w(300, 20)), const("c", w(20))])
# 49 rows (AVX2 tiles: 7 x 6, then 4 + 3; AVX-512: 11 x 4, then 5) and
# 40 columns (two blocks of 16 and a part).
M["f_order_matmul_rows"] = lambda: model(
    [h.make_node("MatMul", ["a", "b"], ["m"], name="mm"),
     h.make_node("Add", ["m", "c"], ["y"], name="bias")],
    [vi("a", F, [49, 300])], [vi("y", F, None)],
    [const("b", w(300, 40)), const("c", w(40))])

# ----- quantization ----------------------------------------------------------
def qdq_conv(per_axis=True, act_type=U8):
    azp = np.uint8(128) if act_type == U8 else np.int8(-3)
    wq = rng.integers(-127, 128, (4, 3, 3, 3)).astype(np.int8)
    ws = (np.arange(4, dtype=np.float32) + 1) * 0.01 if per_axis else np.float32(0.02)
    bs = (np.float32(0.05) * ws).astype(np.float32)
    bq = rng.integers(-500, 500, (4,)).astype(np.int32)
    wzp = np.zeros(4, np.int8) if per_axis else np.int8(0)
    bzp = np.zeros(4, np.int32) if per_axis else np.int32(0)
    return model(
        [h.make_node("QuantizeLinear", ["x", "xs", "xzp"], ["xq"], name="q_in"),
         h.make_node("DequantizeLinear", ["xq", "xs", "xzp"], ["xd"], name="dq_in"),
         h.make_node("DequantizeLinear", ["wq", "ws", "wzp"], ["wd"], name="dq_w", axis=0),
         h.make_node("DequantizeLinear", ["bq", "bs", "bzp"], ["bd"], name="dq_b", axis=0),
         h.make_node("Conv", ["xd", "wd", "bd"], ["c"], name="conv", pads=[1, 1, 1, 1]),
         h.make_node("Relu", ["c"], ["r"], name="relu"),
         h.make_node("QuantizeLinear", ["r", "ys", "yzp"], ["yq"], name="q_out"),
         h.make_node("DequantizeLinear", ["yq", "ys", "yzp"], ["y"], name="dq_out")],
        [vi("x", F, [1, 3, 6, 6])], [vi("y", F, None)],
        [const("xs", np.float32(0.05)), const("xzp", azp), const("wq", wq),
         const("ws", ws), const("wzp", wzp), const("bq", bq), const("bs", bs),
         const("bzp", bzp), const("ys", np.float32(0.1)),
         const("yzp", np.uint8(0) if act_type == U8 else np.int8(-128))])


M["qdq_conv"] = lambda: qdq_conv(True, U8)
M["qdq_conv_s8_per_tensor"] = lambda: qdq_conv(False, I8)


def qdq_act(name, zp, scale=0.05, zdtype=np.uint8):
    return [h.make_node("QuantizeLinear", [name, name + "_s", name + "_z"], [name + "_q"],
                        name="q_" + name),
            h.make_node("DequantizeLinear", [name + "_q", name + "_s", name + "_z"],
                        [name + "_d"], name="dq_" + name)], \
        [const(name + "_s", np.float32(scale)), const(name + "_z", zdtype(zp))]


def qdq_graph(kind, xshape=(2, 4, 6, 6), yshape=(2, 4, 6, 6), scales=(0.05, 0.02, 0.1),
              zdtype=np.uint8, opset=13):
    shift = 128 if zdtype == np.int8 else 0
    nx, ix = qdq_act("x", 120 - shift, scales[0], zdtype)
    nodes, inits, inputs = list(nx), list(ix), [vi("x", F, list(xshape))]
    if kind in ("add", "mul"):
        ny, iy = qdq_act("y", 100 - shift, scales[1], zdtype)
        nodes += ny
        inits += iy
        inputs.append(vi("y", F, list(yshape)))
        nodes.append(h.make_node(kind.capitalize(), ["x_d", "y_d"], ["o"], name=kind))
    elif kind == "pool":
        nodes.append(h.make_node("MaxPool", ["x_d"], ["m"], name="mp", kernel_shape=[2, 2],
                                 strides=[2, 2]))
        nm, im = qdq_act("m", 120)
        nodes += nm
        inits += im
        nodes.append(h.make_node("AveragePool", ["m_d"], ["a"], name="ap",
                                 kernel_shape=[3, 3]))
        nodes.append(h.make_node("Flatten", ["a"], ["o"], name="flat"))
    elif kind == "matmul":
        wq = rng.integers(-100, 100, (6, 5)).astype(np.int8)
        nodes += [h.make_node("DequantizeLinear", ["wq", "ws", "wzp"], ["wd"], name="dq_w",
                              axis=1),
                  h.make_node("MatMul", ["x_d", "wd"], ["mm"], name="mm"),
                  h.make_node("Add", ["mm", "bias"], ["o"], name="bias_add")]
        inits += [const("wq", wq), const("ws", np.full(5, 0.01, np.float32)),
                  const("wzp", np.zeros(5, np.int8)), const("bias", w(5))]
    no, io = qdq_act("o", 10 - shift, scales[2], zdtype)
    nodes += no
    inits += io
    return model(nodes, inputs, [vi("o_d", F, None)], inits, opset=opset)


# A max pool's output quantized twice, the first time onto a narrow grid
# that saturates (u8 0.0347:168 keeps [-5.8, 3.0]), then onto a coarser
# one, and both added: the two requantizations must not merge into one.
M["qdq_requant_saturating"] = lambda: model(
    qdq_act("x", 164, 0.12898575)[0] +
    [h.make_node("MaxPool", ["x_d"], ["m"], name="pool", kernel_shape=[2, 2], strides=[2, 2])] +
    qdq_act("m", 168, 0.034745097)[0] +
    [h.make_node("QuantizeLinear", ["m_d", "b_s", "b_z"], ["b_q"], name="q_b"),
     h.make_node("DequantizeLinear", ["b_q", "b_s", "b_z"], ["b_d"], name="dq_b"),
     h.make_node("Add", ["m_d", "b_d"], ["o"], name="add")] + qdq_act("o", 58, 0.041099064)[0],
    [vi("x", F, [2, 3, 4, 6])], [vi("o_d", F, None), vi("b_d", F, None)],
    qdq_act("x", 164, 0.12898575)[1] + qdq_act("m", 168, 0.034745097)[1] +
    qdq_act("o", 58, 0.041099064)[1] +
    [const("b_s", np.float32(0.12631235)), const("b_z", np.uint8(133))])
M["qdq_add"] = lambda: qdq_graph("add")
M["qdq_mul"] = lambda: qdq_graph("mul")
# Graph outputs that share a buffer: a value listed through an Identity, the
# graph input itself and a constant.
M["aliased_outputs"] = lambda: model(
    [h.make_node("Relu", ["x"], ["r"], name="relu"),
     h.make_node("Identity", ["r"], ["r2"], name="id"),
     h.make_node("Add", ["r", "c"], ["s"], name="add")],
    [vi("x", F, [2, 3])],
    [vi("r", F, [2, 3]), vi("r2", F, [2, 3]), vi("s", F, [2, 3]), vi("x", F, [2, 3]),
     vi("c", F, [2, 3])],
    [const("c", np.arange(6, dtype=np.float32).reshape(2, 3))])

# Broadcast Adds: per-channel rhs (a scalar per innermost span in ORT's
# broadcaster), a one-element rhs, a row-broadcast lhs, and awkward scales.
M["qdq_add_bcast_c"] = lambda: qdq_graph("add", yshape=(4, 1, 1))
M["qdq_add_scalar"] = lambda: qdq_graph("add", yshape=(1,))
M["qdq_add_bcast_lhs"] = lambda: qdq_graph("add", xshape=(2, 4, 6, 1), yshape=(4, 1, 6),
                                           scales=(0.0371, 0.0123, 0.0417))
M["qdq_add_odd_scales"] = lambda: qdq_graph("add", scales=(0.0371, 0.0123, 0.0417))
M["qdq_add_s8"] = lambda: qdq_graph("add", yshape=(6,), scales=(0.0371, 0.0123, 0.0417),
                                    zdtype=np.int8)
M["qdq_pool"] = lambda: qdq_graph("pool")
M["qdq_matmul"] = lambda: qdq_graph("matmul")
M["qdq_float_island"] = lambda: model(
    qdq_act("x", 128)[0] + [h.make_node("Softmax", ["x_d"], ["y"], name="softmax")],
    [vi("x", F, [2, 8])], [vi("y", F, None)], qdq_act("x", 128)[1])
M["torch_cast_q"] = lambda: model(
    # torch 1.13's export: QuantizeLinear -> Cast(to storage) -> DequantizeLinear
    # with a ConstantOfShape zero point.
    [h.make_node("ConstantOfShape", ["one"], ["zp64"], name="zp_cos",
                 value=h.make_tensor("v", I64, [1], [0])),
     h.make_node("Cast", ["zp64"], ["zp"], name="zp_cast", to=U8),
     h.make_node("Squeeze", ["zp", "ax"], ["zps"], name="zp_sq"),
     h.make_node("QuantizeLinear", ["x", "s", "zps"], ["q"], name="q"),
     h.make_node("Cast", ["q"], ["qc"], name="q_cast", to=U8),
     h.make_node("DequantizeLinear", ["qc", "s", "zps"], ["y"], name="dq")],
    [vi("x", F, [4])], [vi("y", F, None)],
    [const("one", np.array([1], np.int64)), const("ax", np.array([0], np.int64)),
     const("s", np.float32(0.5))])


# --- Activations, variadic ops, padding, resampling, broadcasting --------
XS = [2, 3, 5, 6]


def fop(op, shape=XS, n_in=1, inits=(), opset=13, extra_inputs=(), **attrs):
    """One float op on inputs x0.. of `shape`, then extra named inputs."""
    names = ["x%d" % k for k in range(n_in)]
    ins = [vi(nm, F, shape if not isinstance(shape[0], list) else shape[k])
           for k, nm in enumerate(names)]
    node = h.make_node(op, names + list(extra_inputs), ["y"], name="n_" + op, **attrs)
    return model([node], ins, [vi("y", F, None)], inits, opset=opset)


for _op, _at in (("LeakyRelu", {"alpha": 0.1}), ("Elu", {"alpha": 0.7}), ("Selu", {}),
                 ("HardSigmoid", {"alpha": 0.3, "beta": 0.4}), ("HardSwish", {}),
                 ("Abs", {}), ("Floor", {}), ("Ceil", {}), ("Round", {}), ("Softplus", {}),
                 ("Softsign", {}), ("Mish", {}), ("Sin", {}), ("Cos", {}), ("Log", {}),
                 ("GlobalMaxPool", {})):
    M["op_" + _op.lower()] = (lambda o, at: lambda: fop(o, opset=18 if o == "Mish" else 14,
                                                          **at))(_op, _at)
for _op, _at in (("Tan", {}), ("Asin", {}), ("Acos", {}), ("Atan", {}), ("Sinh", {}),
                 ("Cosh", {}), ("Asinh", {}), ("Acosh", {}), ("Atanh", {}), ("Sign", {}),
                 ("Celu", {"alpha": 0.6}), ("ThresholdedRelu", {"alpha": 0.3}),
                 ("Shrink", {"lambd": 0.7, "bias": 0.2})):
    M["op_" + _op.lower()] = (lambda o, at: lambda: fop(o, opset=14, **at))(_op, _at)
# LpPool: p = 2 with padding and strides, p = 1, p = 3 with SAME_UPPER.
M["op_lppool2"] = lambda: fop("LpPool", [2, 3, 8, 9], opset=18, kernel_shape=[3, 2],
                              strides=[2, 1], pads=[1, 0, 1, 1])
# LpPool in 1-D (pads, strides, dilations), 2-D dilated, ceil_mode (the last
# window dropped where it would start in the padding), SAME_UPPER; and a
# 1-D dilated AveragePool.
M["op_lppool_more"] = lambda: model(
    [h.make_node("LpPool", ["x1"], ["y1"], name="lp1d", kernel_shape=[3], pads=[1, 2],
                 strides=[2], dilations=[2], p=3),
     h.make_node("LpPool", ["x"], ["y2"], name="lp_dilated", kernel_shape=[2, 3],
                 dilations=[2, 2], pads=[1, 0, 1, 2]),
     h.make_node("LpPool", ["x"], ["y3"], name="lp_ceil", kernel_shape=[3, 2], strides=[2, 3],
                 pads=[0, 1, 1, 1], ceil_mode=1, p=1),
     h.make_node("LpPool", ["x1"], ["y4"], name="lp1d_same", kernel_shape=[4], strides=[3],
                 auto_pad="SAME_UPPER"),
     h.make_node("AveragePool", ["x1"], ["y5"], name="avg1d_dilated", kernel_shape=[2],
                 dilations=[3], pads=[1, 1], count_include_pad=1)],
    [vi("x", F, [2, 3, 8, 9]), vi("x1", F, [2, 3, 11])],
    [vi(o, F, None) for o in ("y1", "y2", "y3", "y4", "y5")], opset=19)
# 3-D pools with dilations (AveragePool with and without the padding
# counted, ceil_mode), 3-D LpPool dilated and with ceil_mode.
M["op_pool3d_dilated"] = lambda: model(
    [h.make_node("AveragePool", ["x"], ["y1"], name="avg3d_dilated", kernel_shape=[2, 2, 3],
                 dilations=[2, 1, 2], pads=[1, 0, 1, 0, 1, 1]),
     h.make_node("AveragePool", ["x"], ["y2"], name="avg3d_dilated_pad_ceil",
                 kernel_shape=[2, 3, 2], dilations=[1, 2, 2], strides=[2, 2, 1],
                 pads=[1, 1, 0, 1, 1, 1], count_include_pad=1, ceil_mode=1),
     h.make_node("MaxPool", ["x"], ["y3"], name="max3d_dilated", kernel_shape=[2, 2, 2],
                 dilations=[2, 2, 1], strides=[1, 2, 1]),
     h.make_node("LpPool", ["x"], ["y4"], name="lp3d_dilated", kernel_shape=[2, 2, 2],
                 dilations=[1, 2, 2], pads=[1, 1, 1, 1, 1, 1]),
     h.make_node("LpPool", ["x"], ["y5"], name="lp3d_ceil", kernel_shape=[3, 2, 2],
                 strides=[2, 2, 3], ceil_mode=1, p=3)],
    [vi("x", F, [2, 3, 6, 7, 8])],
    [vi(o, F, None) for o in ("y1", "y2", "y3", "y4", "y5")], opset=19)
M["op_lppool1"] = lambda: fop("LpPool", [1, 2, 7, 7], opset=18, kernel_shape=[2, 2], p=1)
M["op_lppool3"] = lambda: fop("LpPool", [1, 2, 6, 7], opset=18, kernel_shape=[3, 3], p=3,
                              strides=[2, 2], auto_pad="SAME_UPPER")
# LRN: an odd window, one wider than the channels, an even one (one more
# channel after than before; ONNX Runtime refuses it) and a 3-D input; GlobalLpPool with p = 2 and p = 3.
M["op_lrn"] = lambda: fop("LRN", [2, 7, 4, 5], size=3, alpha=1e-2, beta=0.75, bias=1.5)
M["op_lrn_wide"] = lambda: fop("LRN", [1, 3, 4, 4], size=5, alpha=0.3, beta=0.6)
M["op_lrn_even"] = lambda: fop("LRN", [1, 3, 4, 4], size=4, alpha=0.3, beta=0.6)
M["op_lrn_3d"] = lambda: fop("LRN", [2, 6, 5], size=5, alpha=0.2, beta=1.2, bias=2.0)
M["op_globallppool"] = lambda: fop("GlobalLpPool", [2, 3, 5, 4], opset=2)
M["op_globallppool3"] = lambda: fop("GlobalLpPool", [2, 3, 7], opset=2, p=3)


def _int_op(op, elem, n_in=1, shape=(3, 7), opset=18, inits=(), extra=(), **attrs):
    """One op on integer inputs x0.. of type `elem`."""
    names = ["x%d" % k for k in range(n_in)]
    node = h.make_node(op, names + list(extra), ["y"], name="n_" + op, **attrs)
    return model([node], [vi(nm, elem, list(shape)) for nm in names], [vi("y", elem, None)],
                 inits, opset=opset)


# Integer forms of float ops (int8 inputs cover the whole range, -128 too).
M["op_int_abs"] = lambda: _int_op("Abs", I8)
M["op_int_neg"] = lambda: _int_op("Neg", I8)
M["op_int_sign"] = lambda: _int_op("Sign", I8)
M["op_int_relu"] = lambda: _int_op("Relu", I8)
M["op_uint_abs"] = lambda: _int_op("Abs", U8)
M["op_int_clip"] = lambda: _int_op("Clip", U8, extra=["lo", "hi"],
                                   inits=[const("lo", np.uint8(40)), const("hi", np.uint8(200))])
M["op_int_clip_max"] = lambda: _int_op("Clip", I8, extra=["", "hi"],
                                       inits=[const("hi", np.int8(-3))])
# Clip with a bound computed at run time (an input, not a constant).
M["op_clip_runtime"] = lambda: model(
    [h.make_node("Clip", ["x0", "lo", "hi"], ["y"], name="clip")],
    [vi("x0", F, [2, 3, 5]), vi("lo", F, [])], [vi("y", F, None)],
    [const("hi", np.float32(0.6))])
M["op_bitwise_and"] = lambda: _int_op("BitwiseAnd", U8, 2)
M["op_bitwise_or"] = lambda: _int_op("BitwiseOr", I8, 2)
M["op_bitwise_xor"] = lambda: _int_op("BitwiseXor", I8, 2)
M["op_bitwise_not"] = lambda: _int_op("BitwiseNot", U8)
M["op_bitwise_not_i8"] = lambda: _int_op("BitwiseNot", I8)
# BitShift: uint8 left by constant amounts 0..9 (8 and 9 give 0).
M["op_bitshift_left_u8"] = lambda: _int_op(
    "BitShift", U8, extra=["s"], direction="LEFT",
    inits=[const("s", np.arange(21).reshape(3, 7).astype(np.uint8) % 10)])
# uint32 (from a uint8 input through Cast, shifted up then down by
# a broadcast row of amounts, back to int64).
def _bitshift_wide(elem, up, amounts):
    nodes = [h.make_node("Cast", ["x0"], ["w"], name="cast", to=elem),
             h.make_node("BitShift", ["w", "up"], ["hi"], name="shl", direction="LEFT"),
             h.make_node("BitShift", ["hi", "s"], ["lo"], name="shr", direction="RIGHT"),
             h.make_node("Cast", ["lo"], ["y"], name="back", to=TP.INT64)]
    np_t = np.uint32
    return model(nodes, [vi("x0", U8, [3, len(amounts)])], [vi("y", I64, None)],
                 [const("up", np.array([up], np_t)), const("s", np.array(amounts, np_t))],
                 opset=18)
M["op_bitshift_right_u32"] = lambda: _bitshift_wide(TP.UINT32, 24, [0, 1, 5, 13, 24, 31, 30])
# Bitwise ops and shifts on constants (folded at compile time), added to an
# input: int32 values with high bits set, uint8 shifts past the width.
def _bitwise_consts():
    c = np.array([5, 12, -3, 100, -2147483647, 65535, 7], np.int32)
    d = np.array([3, 10, 7, 1, -1, 255, 0], np.int32)
    nodes = [h.make_node("BitwiseXor", ["c", "d"], ["t0"], name="xor"),
             h.make_node("BitwiseAnd", ["c", "d"], ["t1"], name="and"),
             h.make_node("BitwiseOr", ["c", "d"], ["t2"], name="or"),
             h.make_node("BitwiseNot", ["c"], ["t3"], name="not"),
             h.make_node("Concat", ["t0", "t1", "t2", "t3"], ["t"], name="cat", axis=0),
             h.make_node("Add", ["x0", "t"], ["y"], name="add"),
             h.make_node("BitShift", ["u", "v"], ["w0"], name="shl", direction="LEFT"),
             h.make_node("BitShift", ["u", "v"], ["w1"], name="shr", direction="RIGHT"),
             h.make_node("Concat", ["w0", "w1"], ["w"], name="cat2", axis=0),
             h.make_node("Add", ["x1", "w"], ["z"], name="add2")]
    return model(nodes, [vi("x0", TP.INT32, [28]), vi("x1", U8, [14])],
                 [vi("y", TP.INT32, None), vi("z", U8, None)],
                 [const("c", c), const("d", d),
                  const("u", np.array([1, 3, 128, 255, 17, 9, 200], np.uint8)),
                  const("v", np.array([0, 2, 1, 7, 8, 9, 3], np.uint8))], opset=18)
M["op_bitwise_consts"] = _bitwise_consts
# Size (a float input's element count) and CastLike (to int32 and to float).
M["op_size"] = lambda: model([h.make_node("Size", ["x0"], ["y"], name="size")],
                             [vi("x0", F, [2, 3, 5])], [vi("y", I64, None)])
M["op_castlike"] = lambda: model(
    [h.make_node("CastLike", ["x0", "t"], ["y"], name="castlike"),
     h.make_node("CastLike", ["y", "x0"], ["z"], name="back")],
    [vi("x0", F, [2, 3, 5])], [vi("y", I32, None), vi("z", F, None)],
    [const("t", np.int32(0))], opset=15)
# Float -> bfloat16 / float16 -> float round trips (rounding to nearest even),
# with the narrow value as a second output where the runtime can pass it.
def _cast_round_trip(to, narrow_out):
    outs = [vi("z", F, None)] + ([vi("n", to, None)] if narrow_out else [])
    return model([h.make_node("Cast", ["x"], ["n"], name="narrow", to=to),
                  h.make_node("Cast", ["n"], ["z"], name="widen", to=F)],
                 [vi("x", F, [4, 64])], outs, opset=17)
M["op_cast_bf16"] = lambda: _cast_round_trip(TP.BFLOAT16, False)
M["op_cast_f16"] = lambda: _cast_round_trip(TP.FLOAT16, False)
M["op_cast_bf16_out"] = lambda: _cast_round_trip(TP.BFLOAT16, True)
# Sequences inside the graph (lengths and positions known when compiled).
def _i64(name, v):
    return const(name, np.array(v, np.int64))


M["seq_ops"] = lambda: model(
    [h.make_node("SplitToSequence", ["x", "two"], ["s"], name="split", axis=1),
     h.make_node("SequenceLength", ["s"], ["len"], name="len"),
     h.make_node("SequenceAt", ["s", "m1"], ["last"], name="at"),
     h.make_node("Relu", ["last"], ["r"], name="relu"),
     h.make_node("SequenceInsert", ["s", "r", "zero"], ["s2"], name="insert"),
     h.make_node("SequenceErase", ["s2", "one"], ["s3"], name="erase"),
     h.make_node("SequenceInsert", ["s3", "r"], ["s4"], name="append"),
     h.make_node("SequenceErase", ["s4"], ["s5"], name="pop"),
     h.make_node("ConcatFromSequence", ["s5"], ["y"], name="cat", axis=2),
     h.make_node("ConcatFromSequence", ["s5"], ["z"], name="stack", axis=-1, new_axis=1)],
    [vi("x", F, [2, 8, 4])], [vi("y", F, None), vi("z", F, None), vi("len", I64, None)],
    [_i64("two", 2), _i64("m1", -1), _i64("zero", 0), _i64("one", 1)], opset=17)
M["seq_construct"] = lambda: model(
    [h.make_node("Neg", ["x"], ["nx"], name="neg"),
     h.make_node("Abs", ["x"], ["ex"], name="abs"),
     h.make_node("SequenceConstruct", ["x", "nx", "ex"], ["s"], name="construct"),
     h.make_node("SequenceEmpty", [], ["e"], name="empty", dtype=F),
     h.make_node("SequenceInsert", ["e", "ex"], ["e1"], name="ins"),
     h.make_node("SequenceInsert", ["e1", "x", "zero"], ["e2"], name="ins_front"),
     h.make_node("ConcatFromSequence", ["s"], ["y"], name="stack0", axis=0, new_axis=1),
     h.make_node("ConcatFromSequence", ["e2"], ["z"], name="cat1", axis=1),
     h.make_node("SequenceAt", ["s", "one"], ["w"], name="at1")],
    [vi("x", F, [3, 5])], [vi("y", F, None), vi("z", F, None), vi("w", F, None)],
    [_i64("zero", 0), _i64("one", 1)], opset=17)
M["seq_split_each"] = lambda: model(
    [h.make_node("SplitToSequence", ["x"], ["s"], name="rows", axis=0, keepdims=0),
     h.make_node("SplitToSequence", ["x"], ["k"], name="cols", axis=-1),
     h.make_node("SplitToSequence", ["x", "sizes"], ["u"], name="uneven", axis=1),
     h.make_node("SequenceAt", ["s", "one"], ["r1"], name="row1"),
     h.make_node("SequenceAt", ["u", "one"], ["u1"], name="mid"),
     h.make_node("ConcatFromSequence", ["k"], ["y"], name="back", axis=1),
     h.make_node("ConcatFromSequence", ["s"], ["t"], name="transposed", axis=1, new_axis=1),
     h.make_node("SplitToSequence", ["x", "four"], ["c"], name="chunks", axis=1),
     h.make_node("SequenceAt", ["c", "m1"], ["tail"], name="tail")],
    [vi("x", F, [3, 6])], [vi("r1", F, None), vi("u1", F, None), vi("y", F, None),
                           vi("t", F, None), vi("tail", F, None)],
    [_i64("one", 1), _i64("m1", -1), _i64("four", 4), _i64("sizes", [1, 3, 2])], opset=17)


def _seq_if():
    def branch(pos, name):
        return h.make_graph([h.make_node("SequenceAt", ["s", "p%d" % pos], ["o"], name=name)],
                            name, [], [vi("o", F, None)], initializer=[_i64("p%d" % pos, pos)])
    return model(
        [h.make_node("SplitToSequence", ["x"], ["s"], name="split"),
         h.make_node("ReduceSum", ["x"], ["r"], name="sum", keepdims=0),
         h.make_node("Greater", ["r", "zero"], ["c"], name="positive"),
         h.make_node("If", ["c"], ["y"], name="if", then_branch=branch(0, "first"),
                     else_branch=branch(2, "last"))],
        [vi("x", F, [3, 4])], [vi("y", F, None)], [const("zero", np.float32(0))], opset=17)


M["seq_if"] = _seq_if


def _seq_loop(trip=4):
    """torch.jit.script's list appends: a sequence carried through a Loop,
    one tensor inserted per iteration (beside a carried tensor), then
    concatenated and stacked; an Identity of the sequence."""
    body = h.make_graph(
        [h.make_node("Cast", ["i"], ["fi"], name="fi", to=F),
         h.make_node("Mul", ["x", "fi"], ["t"], name="scale"),
         h.make_node("Add", ["acc_in", "t"], ["acc_out"], name="accumulate"),
         h.make_node("SequenceInsert", ["s_in", "t"], ["s_out"], name="append"),
         h.make_node("Identity", ["c_in"], ["c_out"], name="keep")],
        "body", [vi("i", I64, []), vi("c_in", TP.BOOL, []), vi("acc_in", F, [2, 3]),
                 h.make_tensor_sequence_value_info("s_in", F, None)],
        [vi("c_out", TP.BOOL, []), vi("acc_out", F, [2, 3]),
         h.make_tensor_sequence_value_info("s_out", F, None)])
    return model(
        [h.make_node("SequenceEmpty", [], ["e"], name="empty", dtype=F),
         h.make_node("Loop", ["m", "", "x", "e"], ["acc", "s"], name="loop", body=body),
         h.make_node("Identity", ["s"], ["s2"], name="same"),
         h.make_node("ConcatFromSequence", ["s2"], ["y"], name="cat", axis=0),
         h.make_node("ConcatFromSequence", ["s"], ["z"], name="stack", axis=1, new_axis=1),
         h.make_node("SequenceLength", ["s"], ["len"], name="len")],
        [vi("x", F, [2, 3])], [vi("acc", F, None), vi("y", F, None), vi("z", F, None),
                               vi("len", I64, None)],
        [_i64("m", trip)], opset=17)


M["seq_loop"] = _seq_loop


def _seq_bad(nodes, outputs=("y",), inits=(), shape=(3, 4)):
    return model(nodes, [vi("x", F, list(shape))], [vi(o, F, None) for o in outputs],
                 list(inits), opset=17)


M["bad_seq_output"] = lambda: _seq_bad(
    [h.make_node("SplitToSequence", ["x"], ["y"], name="n0")])
M["bad_seq_position"] = lambda: _seq_bad(
    [h.make_node("SplitToSequence", ["x"], ["s"], name="split"),
     h.make_node("SequenceAt", ["s", "five"], ["y"], name="n0")], inits=[_i64("five", 5)])
M["bad_seq_dynamic_position"] = lambda: model(
    [h.make_node("SplitToSequence", ["x"], ["s"], name="split"),
     h.make_node("SequenceAt", ["s", "p"], ["y"], name="n0")],
    [vi("x", F, [3, 4]), vi("p", I64, [])], [vi("y", F, None)], opset=17)
M["bad_seq_to_tensor_op"] = lambda: _seq_bad(
    [h.make_node("SplitToSequence", ["x"], ["s"], name="split"),
     h.make_node("Relu", ["s"], ["y"], name="n0")])
M["bad_tensor_to_seq_op"] = lambda: _seq_bad(
    [h.make_node("SequenceAt", ["x", "one"], ["y"], name="n0")], inits=[_i64("one", 1)])
M["bad_seq_insert_type"] = lambda: _seq_bad(
    [h.make_node("SequenceEmpty", [], ["e"], name="empty", dtype=I64),
     h.make_node("SequenceInsert", ["e", "x"], ["s"], name="n0"),
     h.make_node("ConcatFromSequence", ["s"], ["y"], name="cat", axis=0)])
M["bad_seq_concat_empty"] = lambda: _seq_bad(
    [h.make_node("SequenceEmpty", [], ["e"], name="empty"),
     h.make_node("ConcatFromSequence", ["e"], ["y"], name="n0", axis=0)])
M["bad_seq_concat_axis"] = lambda: _seq_bad(
    [h.make_node("SplitToSequence", ["x"], ["s"], name="split"),
     h.make_node("ConcatFromSequence", ["s"], ["y"], name="n0")])
M["bad_seq_erase_empty"] = lambda: _seq_bad(
    [h.make_node("SequenceEmpty", [], ["e"], name="empty"),
     h.make_node("SequenceErase", ["e"], ["e2"], name="n0"),
     h.make_node("ConcatFromSequence", ["e2"], ["y"], name="cat", axis=0)])
M["bad_seq_too_long"] = lambda: _seq_bad(
    [h.make_node("SplitToSequence", ["x"], ["s"], name="n0", axis=1),
     h.make_node("ConcatFromSequence", ["s"], ["y"], name="cat", axis=1)], shape=(1, 5000))
M["bad_seq_branch_output"] = lambda: _seq_bad(
    [h.make_node("ReduceSum", ["x"], ["r"], name="sum", keepdims=0),
     h.make_node("Greater", ["r", "zero"], ["c"], name="positive"),
     h.make_node("If", ["c"], ["s"], name="n0",
                 then_branch=h.make_graph([h.make_node("SplitToSequence", ["x"], ["o"],
                                                       name="split")],
                                          "then", [], [vi("o", F, None)]),
                 else_branch=h.make_graph([h.make_node("SplitToSequence", ["x"], ["o"],
                                                       name="split2")],
                                          "else", [], [vi("o", F, None)])),
     h.make_node("ConcatFromSequence", ["s"], ["y"], name="cat", axis=0)],
    inits=[const("zero", np.float32(0))])


def _seq_loop_bad(kind):
    """A sequence carried by a Loop whose condition is a run-time input, or
    whose body returns a tensor in the sequence's place."""
    out = "t" if kind == "kind" else "s_out"
    body = h.make_graph(
        [h.make_node("Identity", ["x"], ["t"], name="t"),
         h.make_node("SequenceInsert", ["s_in", "t"], ["s_out"], name="append"),
         h.make_node("Identity", ["c_in"], ["c_out"], name="keep")],
        "body", [vi("i", I64, []), vi("c_in", TP.BOOL, []),
                 h.make_tensor_sequence_value_info("s_in", F, None)],
        [vi("c_out", TP.BOOL, []), vi(out, F, None) if kind == "kind"
         else h.make_tensor_sequence_value_info(out, F, None)])
    cond = "c" if kind == "cond" else ""
    ins = [vi("x", F, [3, 4])] + ([vi("c", TP.BOOL, [])] if cond else [])
    return model(
        [h.make_node("SequenceEmpty", [], ["e"], name="empty"),
         h.make_node("Loop", ["m", cond, "e"], ["s"], name="n0", body=body),
         h.make_node("ConcatFromSequence", ["s"], ["y"], name="cat", axis=0)],
        ins, [vi("y", F, None)], [_i64("m", 3)], opset=17)


M["bad_seq_loop_cond"] = lambda: _seq_loop_bad("cond")
M["bad_seq_loop_kind"] = lambda: _seq_loop_bad("kind")
M["bad_seq_split_sum"] = lambda: _seq_bad(
    [h.make_node("SplitToSequence", ["x", "sz"], ["s"], name="n0", axis=1),
     h.make_node("ConcatFromSequence", ["s"], ["y"], name="cat", axis=1)],
    inits=[_i64("sz", [1, 2])])
# Softmax, LogSoftmax and Hardmax before opset 13 work on the 2-D view that
# flattens from `axis` (here not the last axis); a dynamic batch keeps it.
M["op_softmax11"] = lambda: fop("Softmax", opset=11, axis=1)
M["op_softmax11_default"] = lambda: fop("Softmax", [2, 3, 4], opset=11)
M["op_logsoftmax11"] = lambda: fop("LogSoftmax", opset=11, axis=2)
M["op_hardmax11"] = lambda: fop("Hardmax", opset=11, axis=1)
M["op_softmax11_dynamic"] = lambda: fop("Softmax", ["N", 3, 4, 5], opset=11, axis=1)
# ReverseSequence: time-major with constant lengths (one 0, one full), and
# batch-major with the lengths as an input (ort_check feeds int64 0..2).
M["op_reverse_sequence"] = lambda: model(
    [h.make_node("ReverseSequence", ["x0", "l"], ["y"], name="rs")],
    [vi("x0", F, [5, 4, 3])], [vi("y", F, None)], [const("l", np.array([5, 0, 3, 1]))])
M["op_reverse_sequence_batch"] = lambda: model(
    [h.make_node("ReverseSequence", ["x0", "l"], ["y"], name="rs", batch_axis=0, time_axis=1)],
    [vi("x0", F, [3, 4, 2, 2]), vi("l", I64, [3])], [vi("y", F, None)])


def _grid_sample(**attrs):
    return model([h.make_node("GridSample", ["x0", "g"], ["y"], name="gs", **attrs)],
                 [vi("x0", F, [2, 3, 5, 6]), vi("g", F, [2, 4, 7, 2])], [vi("y", F, None)],
                 opset=16)


# GridSample: bilinear and nearest, each padding mode, both align_corners
# (the checks draw grids past [-1, 1], some far past it for reflection).
M["op_grid_sample"] = lambda: _grid_sample()
M["op_grid_sample_border"] = lambda: _grid_sample(padding_mode="border", align_corners=1)
M["op_grid_sample_reflect"] = lambda: _grid_sample(padding_mode="reflection")
M["op_grid_sample_reflect_align"] = lambda: _grid_sample(padding_mode="reflection",
                                                         align_corners=1)
M["op_grid_sample_nearest"] = lambda: _grid_sample(mode="nearest")
M["op_grid_sample_nearest_border"] = lambda: _grid_sample(mode="nearest", padding_mode="border")
M["op_grid_sample_cubic"] = lambda: _grid_sample(mode="bicubic")
M["op_grid_sample_cubic_border"] = lambda: _grid_sample(mode="bicubic", padding_mode="border",
                                                        align_corners=1)
M["op_grid_sample_cubic_border0"] = lambda: _grid_sample(mode="bicubic", padding_mode="border")
M["op_grid_sample_cubic_reflect"] = lambda: _grid_sample(mode="bicubic", padding_mode="reflection")
M["op_grid_sample_cubic_reflect_align"] = lambda: _grid_sample(mode="bicubic",
                                                               padding_mode="reflection",
                                                               align_corners=1)

# GridSample in 3-D (opset 20): linear and nearest, each padding mode, both
# align_corners, in one model.
def _grid_sample3d():
    nodes, outs = [], []
    for mode in ("linear", "nearest"):
        for pad in ("zeros", "border", "reflection"):
            for align in (0, 1):
                name = f"gs3_{mode}_{pad}_{align}"
                nodes.append(h.make_node("GridSample", ["x0", "g"], [name], name=name, mode=mode,
                                         padding_mode=pad, align_corners=align))
                outs.append(vi(name, F, None))
    return model(nodes, [vi("x0", F, [2, 3, 4, 5, 6]), vi("g", F, [2, 3, 4, 2, 3])], outs,
                 opset=20)


M["op_grid_sample3d"] = _grid_sample3d


def _maxpool_indices(xshape=(2, 3, 7, 8), ties=False, unpool=None, **attrs):
    nodes, src = [], "x0"
    if ties:  # integral values: many equal maxima, the first one's index wins
        nodes.append(h.make_node("Round", ["x0"], ["r"], name="round"))
        src = "r"
    nodes.append(h.make_node("MaxPool", [src, ], ["y", "i"], name="mp", **attrs))
    outs = [vi("y", F, None), vi("i", I64, None)]
    inits = []
    if unpool is not None:
        ins = ["y", "i"] + (["os"] if unpool else [])
        if unpool:
            inits.append(const("os", np.array(unpool)))
        nodes.append(h.make_node("MaxUnpool", ins, ["u"], name="unpool",
                                 kernel_shape=attrs["kernel_shape"], strides=attrs["strides"]))
        outs.append(vi("u", F, None))
    return model(nodes, [vi("x0", F, list(xshape))], outs, inits, opset=12)


# MaxPool's Indices output (padding, dilation with ceil_mode, storage_order 1,
# ties) and MaxUnpool of it (the default shape and an explicit odd one).
M["op_maxpool_indices"] = lambda: _maxpool_indices(kernel_shape=[3, 3], strides=[2, 2],
                                                   pads=[1, 1, 1, 1])
M["op_maxpool_indices_dil"] = lambda: _maxpool_indices(kernel_shape=[2, 3], strides=[2, 2],
                                                       dilations=[2, 1], ceil_mode=1)
M["op_maxpool_indices_so1"] = lambda: _maxpool_indices(kernel_shape=[2, 2], strides=[1, 2],
                                                       storage_order=1)
M["op_maxpool_indices_ties"] = lambda: _maxpool_indices(ties=True, kernel_shape=[3, 3],
                                                        strides=[1, 1], pads=[1, 1, 1, 1])
M["op_maxunpool"] = lambda: _maxpool_indices(xshape=(2, 3, 6, 8), unpool=[], kernel_shape=[2, 2],
                                             strides=[2, 2])
M["op_maxunpool_shape"] = lambda: _maxpool_indices(xshape=(1, 2, 7, 7), unpool=[1, 2, 7, 7],
                                                   kernel_shape=[2, 2], strides=[2, 2])


def _ms(op, ins, in_vis, inits=(), outs=("y",), **attrs):
    """One com.microsoft op (ONNX Runtime's fused contrib ops)."""
    return model([h.make_node(op, ins, list(outs), name="n_" + op, domain="com.microsoft",
                              **attrs)],
                 in_vis, [vi(o, F, None) for o in outs if o], list(inits), opset=17, ms=True)


_T8 = [vi("x0", F, [2, 3, 8])]
M["op_gelu_tanh"] = lambda: fop("Gelu", opset=20, approximate="tanh")
M["ms_fast_gelu"] = lambda: _ms("FastGelu", ["x0", "b"], _T8, [const("b", w(8))])
M["ms_bias_gelu"] = lambda: _ms("BiasGelu", ["x0", "b"], _T8, [const("b", w(8))])
M["ms_quick_gelu"] = lambda: _ms("QuickGelu", ["x0"], _T8, alpha=1.5)
M["ms_fused_conv_relu"] = lambda: _ms("FusedConv", ["x0", "w", "b"], [vi("x0", F, [1, 3, 6, 7])],
                                      [const("w", w(4, 3, 3, 3)), const("b", w(4))],
                                      activation="Relu", pads=[1, 1, 1, 1])
M["ms_fused_conv_leaky_sum"] = lambda: _ms(
    "FusedConv", ["x0", "w", "b", "z"], [vi("x0", F, [1, 3, 6, 7]), vi("z", F, [1, 4, 3, 3])],
    [const("w", w(4, 3, 2, 2)), const("b", w(4))], activation="LeakyRelu",
    activation_params=[0.2], strides=[2, 2])
M["ms_fused_conv_clip"] = lambda: _ms("FusedConv", ["x0", "w"], [vi("x0", F, [1, 3, 6, 7])],
                                      [const("w", w(2, 3, 1, 1))], activation="Clip",
                                      activation_params=[-0.5, 0.8])
M["ms_fused_matmul"] = lambda: _ms("FusedMatMul", ["x0", "w"], [vi("x0", F, [2, 4, 3])],
                                   [const("w", w(5, 4))], transA=1, transB=1, alpha=0.5)
M["ms_skip_layernorm"] = lambda: _ms(
    "SkipLayerNormalization", ["x0", "skip", "g", "b", "bias"], _T8 + [vi("skip", F, [2, 3, 8])],
    [const("g", w(8)), const("b", w(8)), const("bias", w(8))], outs=("y", "", "", "sum"),
    epsilon=1e-5)
M["ms_skip_simplified"] = lambda: _ms(
    "SkipSimplifiedLayerNormalization", ["x0", "skip", "g"], _T8 + [vi("skip", F, [2, 3, 8])],
    [const("g", w(8))], epsilon=1e-5)
M["op_simplified_layernorm"] = lambda: model(
    [h.make_node("SimplifiedLayerNormalization", ["x0", "g"], ["y"], name="sln", epsilon=1e-5)],
    _T8, [vi("y", F, None)], [const("g", w(8))], opset=17)
# MaxPool as strided window slices: stride 1 with padding and ceil_mode
# (googlenet's inception branches), dilation, windows running past the end.
M["op_maxpool_s1"] = lambda: fop("MaxPool", [2, 3, 8, 8], opset=13, kernel_shape=[3, 3],
                                 strides=[1, 1], pads=[1, 1, 1, 1], ceil_mode=1)
M["op_maxpool_dil"] = lambda: fop("MaxPool", [2, 3, 7, 9], opset=13, kernel_shape=[2, 2],
                                  strides=[1, 2], pads=[0, 1, 1, 0], dilations=[2, 2])
M["op_maxpool_ceil"] = lambda: fop("MaxPool", [1, 2, 10, 11], opset=13, kernel_shape=[3, 3],
                                   strides=[3, 3], ceil_mode=1)
# Strides over 4 (strided window slices) and windows over 16 elements (the
# reduction form).
M["op_maxpool_s5"] = lambda: fop("MaxPool", [1, 2, 12, 13], opset=13, kernel_shape=[2, 2],
                                 strides=[5, 5])
M["op_maxpool_k5"] = lambda: fop("MaxPool", [1, 2, 9, 9], opset=13, kernel_shape=[5, 5],
                                 strides=[1, 2], pads=[2, 2, 2, 2])
# 3-D pooling (two 2-D pools: height x width, then depth): padding, strides,
# dilations, ceil_mode, count_include_pad both ways, auto_pad, the global
# pools over 3 spatial dimensions (and GlobalAveragePool over 1).
M["op_maxpool3d"] = lambda: fop("MaxPool", [2, 3, 6, 7, 8], opset=13, kernel_shape=[3, 2, 3],
                                strides=[2, 1, 2], pads=[1, 0, 1, 1, 1, 0])
M["op_maxpool3d_dil_ceil"] = lambda: fop("MaxPool", [1, 2, 9, 8, 7], opset=13,
                                         kernel_shape=[2, 3, 2], strides=[3, 2, 2],
                                         dilations=[2, 1, 2], ceil_mode=1)
M["op_avgpool3d"] = lambda: fop("AveragePool", [2, 3, 6, 7, 8], opset=13,
                                kernel_shape=[3, 3, 2], strides=[2, 1, 2],
                                pads=[1, 1, 0, 1, 1, 1])
M["op_avgpool3d_incl_ceil"] = lambda: fop("AveragePool", [1, 2, 7, 8, 9], opset=13,
                                          kernel_shape=[2, 3, 3], strides=[2, 2, 2],
                                          pads=[1, 1, 1, 0, 1, 1], count_include_pad=1,
                                          ceil_mode=1)
M["op_avgpool3d_same"] = lambda: fop("AveragePool", [1, 2, 5, 6, 7], opset=13,
                                     kernel_shape=[3, 2, 3], strides=[2, 2, 1],
                                     auto_pad="SAME_UPPER")
# 3-D convolution (one 2-D convolution with the depth window in the
# channels): padding, strides, dilations, groups, bias, auto_pad; a QDQ one.
def _conv3d(xshape, wshape, bias=True, **attrs):
    ins = ["x0", "w"] + (["b"] if bias else [])
    inits = [const("w", (rng.standard_normal(wshape) * 0.3).astype(np.float32))]
    if bias:
        inits.append(const("b", (rng.standard_normal(wshape[0]) * 0.5).astype(np.float32)))
    return model([h.make_node("Conv", ins, ["y"], name="conv3d", **attrs)],
                 [vi("x0", F, list(xshape))], [vi("y", F, None)], inits, opset=13)
M["op_conv3d"] = lambda: _conv3d([2, 3, 6, 7, 8], [4, 3, 3, 2, 3], pads=[1, 0, 1, 1, 1, 0],
                                 strides=[2, 1, 2])
M["op_conv3d_dil_group"] = lambda: _conv3d([1, 4, 9, 8, 7], [6, 2, 2, 3, 2], bias=False,
                                           dilations=[2, 1, 2], strides=[1, 2, 1], group=2,
                                           pads=[0, 1, 1, 2, 0, 0])
M["op_conv3d_dw_same"] = lambda: _conv3d([1, 3, 5, 6, 7], [3, 1, 3, 3, 3], group=3,
                                         auto_pad="SAME_UPPER", strides=[2, 2, 1])
M["op_lppool3d"] = lambda: fop("LpPool", [1, 2, 6, 7, 8], opset=18, kernel_shape=[2, 3, 2],
                               strides=[2, 1, 2], pads=[1, 0, 1, 0, 1, 1], p=2)
M["op_lppool3d_p3"] = lambda: fop("LpPool", [1, 2, 5, 6, 5], opset=18, kernel_shape=[3, 2, 2],
                                  p=3)
M["op_gap3d"] = lambda: fop("GlobalAveragePool", [2, 3, 4, 5, 6])
M["op_gap1d"] = lambda: fop("GlobalAveragePool", [2, 3, 17])
M["op_gmp3d"] = lambda: fop("GlobalMaxPool", [2, 3, 4, 5, 6])
M["op_group_norm21"] = lambda: fop("GroupNormalization", [2, 6, 5, 4], opset=21,
                                   extra_inputs=["s", "b"], num_groups=3, epsilon=1e-3,
                                   inits=[const("s", w(6)), const("b", w(6))])
M["op_group_norm18"] = lambda: fop("GroupNormalization", [2, 6, 5, 4], opset=18,
                                   extra_inputs=["s", "b"], num_groups=2,
                                   inits=[const("s", w(2)), const("b", w(2))])
M["op_group_norm_1d"] = lambda: fop("GroupNormalization", [2, 8, 7], opset=21,
                                    extra_inputs=["s", "b"], num_groups=4,
                                    inits=[const("s", w(8)), const("b", w(8))])
M["op_trilu_upper"] = lambda: fop("Trilu", [2, 3, 5, 6], opset=14)
M["op_trilu_lower_k"] = lambda: fop("Trilu", [3, 6, 4], extra_inputs=["k"], upper=0, opset=14,
                                    inits=[const("k", np.int64(-1))])
M["op_trilu_upper_k"] = lambda: fop("Trilu", [4, 7], extra_inputs=["k"], opset=14,
                                    inits=[const("k", np.int64(2))])
M["op_trilu_int"] = lambda: model(
    [h.make_node("Trilu", ["x"], ["t"], name="tri", upper=0),
     h.make_node("Cast", ["t"], ["y"], name="c", to=F)],
    [vi("x", TP.INT64, [5, 5])], [vi("y", F, None)], [], opset=14)
M["op_cumsum"] = lambda: fop("CumSum", [2, 3, 7], extra_inputs=["a"], opset=14,
                             inits=[const("a", np.int64(2))])
M["op_cumsum_excl_rev"] = lambda: fop("CumSum", [4, 6, 3], extra_inputs=["a"], opset=14,
                                      exclusive=1, reverse=1, inits=[const("a", np.int32(-2))])
M["op_cumsum_int"] = lambda: model(
    [h.make_node("CumSum", ["x", "a"], ["c"], name="cs", reverse=1),
     h.make_node("Cast", ["c"], ["y"], name="cast", to=F)],
    [vi("x", TP.INT64, [3, 9])], [vi("y", F, None)], [const("a", np.int64(1))], opset=14)
M["op_gather_nd"] = lambda: fop("GatherND", [3, 4, 5], extra_inputs=["i"], opset=13,
                                inits=[const("i", np.array([[0, 1], [2, -1], [1, 3]]))])
M["op_gather_nd_full"] = lambda: fop("GatherND", [3, 4, 5], extra_inputs=["i"], opset=13,
                                     inits=[const("i", np.array([[[0, 1, 4]], [[2, -1, 0]]]))])
M["op_gather_nd_batch"] = lambda: model(
    [h.make_node("GatherND", ["x", "i"], ["y"], name="gnd", batch_dims=1)],
    [vi("x", F, [2, 3, 4]), vi("i", TP.INT64, [2, 5, 1])], [vi("y", F, None)], [], opset=13)
M["op_scatter_elements"] = lambda: model(
    [h.make_node("ScatterElements", ["x", "i", "u"], ["y"], name="se", axis=1)],
    [vi("x", F, [3, 5]), vi("u", F, [3, 3])], [vi("y", F, None)],
    [const("i", np.array([[1, 0, 2], [4, -1, 3], [0, 1, 2]]))], opset=13)
M["op_scatter_elements_add"] = lambda: model(
    [h.make_node("ScatterElements", ["x", "i", "u"], ["y"], name="se", axis=0,
                 reduction="add")],
    [vi("x", F, [4, 3]), vi("u", F, [2, 3])], [vi("y", F, None)],
    [const("i", np.array([[1, 1, 3], [1, 0, 3]]))], opset=16)
M["op_scatter_nd"] = lambda: model(
    [h.make_node("ScatterND", ["x", "i", "u"], ["y"], name="snd")],
    [vi("x", F, [4, 3, 2]), vi("u", F, [2, 3, 2])], [vi("y", F, None)],
    [const("i", np.array([[3], [0]]))], opset=13)
M["op_scatter_nd_mul"] = lambda: model(
    [h.make_node("ScatterND", ["x", "i", "u"], ["y"], name="snd", reduction="mul")],
    [vi("x", F, [4, 3]), vi("u", F, [3])], [vi("y", F, None)],
    [const("i", np.array([[1, 2], [1, 2], [-1, 0]]))], opset=16)
def _bool_op(nodes, shape=(3, 7), opset=13):
    """Nodes from x to b (bool), then b cast to float as the output."""
    return model(nodes + [h.make_node("Cast", ["b"], ["y"], name="cast", to=F)],
                 [vi("x", F, list(shape))], [vi("y", F, None)], [], opset=opset)


M["op_isnan"] = lambda: _bool_op([h.make_node("Log", ["x"], ["l"], name="log"),
                                  h.make_node("IsNaN", ["l"], ["b"], name="isnan")])
M["op_isinf"] = lambda: _bool_op([h.make_node("Sub", ["x", "x"], ["z"], name="sub"),
                                  h.make_node("Div", ["x", "z"], ["d"], name="div"),
                                  h.make_node("IsInf", ["d"], ["b"], name="isinf")], opset=10)
M["op_isinf_pos"] = lambda: _bool_op([h.make_node("Sub", ["x", "x"], ["z"], name="sub"),
                                      h.make_node("Div", ["x", "z"], ["d"], name="div"),
                                      h.make_node("IsInf", ["d"], ["b"], name="isinf",
                                                  detect_negative=0)], opset=10)
M["op_hardmax"] = lambda: fop("Hardmax", [2, 3, 5], opset=13, axis=1)
M["op_lp_norm2"] = lambda: fop("LpNormalization", [2, 3, 5], opset=13, axis=1)
M["op_lp_norm1"] = lambda: fop("LpNormalization", [2, 3, 5], opset=13, p=1)
M["op_mvn"] = lambda: fop("MeanVarianceNormalization", [2, 3, 4, 5], opset=13)
M["op_mvn_axes"] = lambda: fop("MeanVarianceNormalization", [2, 3, 4], opset=13, axes=[1, -1])
M["op_onehot"] = lambda: model(
    [h.make_node("OneHot", ["i", "d", "v"], ["y"], name="oh")],
    [vi("i", TP.INT64, [2, 3])], [vi("y", F, None)],
    [const("d", np.int64(4)), const("v", np.array([0.5, 2.0], np.float32))], opset=11)
M["op_onehot_axis0"] = lambda: model(
    [h.make_node("OneHot", ["i", "d", "v"], ["o"], name="oh", axis=0),
     h.make_node("Add", ["o", "x"], ["y"], name="add")],
    [vi("x", F, [5, 3])], [vi("y", F, None)],
    [const("i", np.array([0, -1, 3])), const("d", np.float32(5)),
     const("v", np.array([-1.0, 1.0], np.float32))], opset=11)
M["op_eyelike"] = lambda: model(
    [h.make_node("EyeLike", ["x"], ["e"], name="eye", k=1),
     h.make_node("Add", ["x", "e"], ["y"], name="add")],
    [vi("x", F, [3, 5])], [vi("y", F, None)], [], opset=13)
# MatMul with vector operands (numpy rules) and the float FMA kernel's edges:
# one output column, K of 1 with a fused bias, transposed Gemm operands, a
# strided, dilated, padded conv with bias and ReLU.
M["op_matmul_vec_lhs"] = lambda: fop("MatMul", [7], extra_inputs=["w"], inits=[const("w", w(7, 5))])
M["op_matmul_vec_rhs"] = lambda: fop("MatMul", [2, 4, 8], extra_inputs=["w"], inits=[const("w", w(8))])
M["op_matmul_vec_both"] = lambda: fop("MatMul", [8], extra_inputs=["w"], inits=[const("w", w(8))])
M["op_matmul_vec_batched"] = lambda: fop("MatMul", [8], extra_inputs=["w"],
                                         inits=[const("w", w(3, 8, 5))])
M["op_matmul_n1"] = lambda: fop("MatMul", [2, 3, 7], extra_inputs=["w"], inits=[const("w", w(7, 1))])
M["op_matmul_k1_bias"] = lambda: model(
    [h.make_node("MatMul", ["x", "w"], ["m"], name="mm"),
     h.make_node("Add", ["m", "b"], ["y"], name="add")],
    [vi("x", F, [5, 1])], [vi("y", F, None)], [const("w", w(1, 33)), const("b", w(33))])
M["op_gemm_transposed"] = lambda: model(
    [h.make_node("Gemm", ["x", "w", "c"], ["y"], name="g", transB=1, alpha=0.5, beta=2.0),
     h.make_node("Gemm", ["x2", "w2"], ["y2"], name="g2", transA=1)],
    [vi("x", F, [3, 9]), vi("x2", F, [9, 3])], [vi("y", F, None), vi("y2", F, None)],
    [const("w", w(17, 9)), const("c", w(3, 17)), const("w2", w(9, 4))])
M["op_conv_bias_relu"] = lambda: model(
    [h.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 0, 1, 2], strides=[2, 1],
                 dilations=[1, 2]),
     h.make_node("Relu", ["c"], ["y"], name="relu")],
    [vi("x", F, [2, 3, 9, 10])], [vi("y", F, None)], [const("w", w(20, 3, 3, 3)), const("b", w(20))])
M["op_max3"] = lambda: fop("Max", [[2, 3, 5, 6], [5, 1], [6]], n_in=3)
M["op_min2"] = lambda: fop("Min", [[2, 3, 5, 6], [3, 1, 1]], n_in=2)
M["op_sum3"] = lambda: fop("Sum", [[2, 3, 5, 6], [6], [1, 5, 6]], n_in=3)
M["op_mean2"] = lambda: fop("Mean", [[2, 3, 5, 6], [2, 3, 5, 6]], n_in=2)
M["op_prelu"] = lambda: fop("PRelu", extra_inputs=["s"], inits=[const("s", w(3, 1, 1))])
M["op_reduce_min"] = lambda: fop("ReduceMin", axes=[1, 3], keepdims=0)
M["op_pad_constant"] = lambda: fop(
    "Pad", extra_inputs=["p", "v"], inits=[const("p", np.array([0, 1, 2, 0, 0, 0, 1, 3])),
                                           const("v", np.float32(1.5))])
M["op_pad_reflect"] = lambda: fop(
    "Pad", extra_inputs=["p"], mode="reflect",
    inits=[const("p", np.array([0, 0, 2, 1, 0, 0, 4, 5]))])
M["op_pad_edge"] = lambda: fop(
    "Pad", extra_inputs=["p"], mode="edge", inits=[const("p", np.array([1, 0, 3, 2, 0, 2, 1, 4]))])
# wrap (opset 19), with pads past the dimension's size (5 and 8 along W = 6).
M["op_pad_wrap"] = lambda: fop(
    "Pad", opset=19, extra_inputs=["p"], mode="wrap",
    inits=[const("p", np.array([0, 1, 2, 5, 1, 0, 7, 8]))])
M["op_pad_opset2"] = lambda: fop("Pad", opset=2, pads=[0, 0, 1, 1, 0, 0, 1, 1], value=-0.5)
M["op_pad_axes"] = lambda: fop("Pad", opset=18, extra_inputs=["p", "", "ax"],
                               inits=[const("p", np.array([2, 1, 0, 3])),
                                      const("ax", np.array([-1, 1]))])


def resize(opset=13, scales=None, sizes=None, **attrs):
    inputs = ["x0", "", "sc", "sz"] if opset >= 11 else ["x0", "sc"]
    inits = [const("sc", np.array(scales if scales else [], np.float32))]
    if sizes:
        inits.append(const("sz", np.array(sizes, np.int64)))
    else:
        inputs = inputs[:3]
    return model([h.make_node("Resize", inputs, ["y"], name="rs", **attrs)],
                 [vi("x0", F, [1, 2, 5, 6])], [vi("y", F, None)], inits, opset=opset)


M["op_resize_nearest_2x"] = lambda: resize(scales=[1, 1, 2, 2], mode="nearest",
                                           coordinate_transformation_mode="asymmetric",
                                           nearest_mode="floor")
M["op_resize_nearest_sizes"] = lambda: resize(sizes=[1, 2, 7, 9], mode="nearest")
M["op_resize_nearest_ceil"] = lambda: resize(sizes=[1, 2, 3, 11], mode="nearest",
                                             coordinate_transformation_mode="align_corners",
                                             nearest_mode="round_prefer_ceil")
M["op_resize_nearest_tf"] = lambda: resize(scales=[1, 1, 1.5, 0.5], mode="nearest",
                                           coordinate_transformation_mode="tf_half_pixel_for_nn",
                                           nearest_mode="ceil")
M["op_resize_linear_2x"] = lambda: resize(scales=[1, 1, 2, 2], mode="linear")
M["op_resize_linear_align"] = lambda: resize(sizes=[1, 2, 9, 4], mode="linear",
                                             coordinate_transformation_mode="align_corners")
M["op_resize_linear_pytorch"] = lambda: resize(scales=[1, 1, 0.6, 1.7], mode="linear",
                                               coordinate_transformation_mode="pytorch_half_pixel")
M["op_resize_linear_asym"] = lambda: resize(scales=[1, 1, 3, 1], mode="linear",
                                            coordinate_transformation_mode="asymmetric")
# Antialiased Resize (opset 18): linear and cubic, downsampling by scales
# and by sizes, exclude_outside, align_corners, mixed down/up, a channels-
# last input. (ONNX Runtime refuses antialias with nearest, which Octet
# ignores as ONNX defines it.)
def _aa(name, xshape, mode, scales=None, sizes=None, **attrs):
    ins = ["x", "", name + "_sc"] + ([name + "_sz"] if sizes else [])
    inits = [const(name + "_sc", np.array(scales or [], np.float32))]
    if sizes:
        inits.append(const(name + "_sz", np.array(sizes, np.int64)))
    node = h.make_node("Resize", ins, [name], name=name, mode=mode, antialias=1, **attrs)
    return node, inits


def _antialias_model():
    cases = [_aa("lin_down", None, "linear", scales=[1, 1, 0.6, 0.6]),
             _aa("cub_down", None, "cubic", scales=[1, 1, 0.4, 0.7]),
             _aa("lin_sizes", None, "linear", sizes=[2, 3, 5, 3]),
             _aa("cub_sizes_excl", None, "cubic", sizes=[2, 3, 4, 6], exclude_outside=1,
                 cubic_coeff_a=-0.5),
             _aa("lin_align", None, "linear", scales=[1, 1, 0.5, 0.35],
                 coordinate_transformation_mode="align_corners"),
             _aa("lin_mixed", None, "linear", scales=[1, 1, 0.45, 1.6],
                 coordinate_transformation_mode="pytorch_half_pixel")]
    nodes = [c[0] for c in cases]
    inits = [i for c in cases for i in c[1]]
    nhwc, nhwc_inits = _aa("lin_nhwc", None, "linear", scales=[1, 0.5, 0.6, 1])
    nhwc.input[0] = "xl"
    return model(nodes + [nhwc], [vi("x", F, [2, 3, 11, 9]), vi("xl", F, [2, 10, 8, 3])],
                 [vi(c[0].output[0], F, None) for c in cases] + [vi("lin_nhwc", F, None)],
                 inits + nhwc_inits, opset=18)


M["op_resize_antialias"] = _antialias_model
# Cubic: upsampling (half_pixel, a = -0.75), downsampling with
# exclude_outside (pytorch_half_pixel, a = -0.5), align_corners by sizes,
# asymmetric along one dimension.
M["op_resize_cubic_2x"] = lambda: resize(scales=[1, 1, 2, 2], mode="cubic")
M["op_resize_cubic_excl"] = lambda: resize(scales=[1, 1, 0.6, 1.7], mode="cubic",
                                           coordinate_transformation_mode="pytorch_half_pixel",
                                           cubic_coeff_a=-0.5, exclude_outside=1)
M["op_resize_cubic_align"] = lambda: resize(sizes=[1, 2, 9, 4], mode="cubic",
                                            coordinate_transformation_mode="align_corners")
M["op_resize_cubic_asym"] = lambda: resize(scales=[1, 1, 1, 2.5], mode="cubic",
                                           coordinate_transformation_mode="asymmetric",
                                           exclude_outside=1)
M["op_resize_opset10"] = lambda: resize(opset=10, scales=[1, 1, 2, 3], mode="linear")
M["op_resize_axes"] = lambda: model(
    [h.make_node("Resize", ["x0", "", "sc"], ["y"], name="rs", axes=[3, 2], mode="linear")],
    [vi("x0", F, [1, 2, 5, 6])], [vi("y", F, None)],
    [const("sc", np.array([2.0, 1.5], np.float32))], opset=18)
M["op_upsample"] = lambda: model(
    [h.make_node("Upsample", ["x0", "sc"], ["y"], name="up", mode="nearest")],
    [vi("x0", F, [1, 2, 5, 6])], [vi("y", F, None)],
    [const("sc", np.array([1, 1, 2, 2], np.float32))], opset=9)
M["op_expand"] = lambda: fop("Expand", [3, 1, 6], extra_inputs=["s"],
                             inits=[const("s", np.array([2, 1, 4, 1]))])
M["op_tile"] = lambda: fop("Tile", [2, 3, 4], extra_inputs=["r"],
                           inits=[const("r", np.array([2, 1, 3]))])
M["op_depth_to_space_dcr"] = lambda: fop("DepthToSpace", [1, 8, 3, 4], blocksize=2)
M["op_depth_to_space_crd"] = lambda: fop("DepthToSpace", [1, 8, 3, 4], blocksize=2, mode="CRD")
M["op_space_to_depth"] = lambda: fop("SpaceToDepth", [1, 2, 4, 6], blocksize=2)
M["op_instance_norm"] = lambda: fop("InstanceNormalization", extra_inputs=["sc", "b"],
                                    inits=[const("sc", w(3)), const("b", w(3))], epsilon=1e-3)

B1 = TP.BOOL
# Attention-mask arithmetic: comparisons, logical ops, Where and bool casts.
M["op_mask_where"] = lambda: model(
    [h.make_node("Equal", ["m", "zero"], ["e"], name="eq"),
     h.make_node("Unsqueeze", ["e", "ax1"], ["eu"], name="unsq"),
     h.make_node("Where", ["eu", "neg", "x"], ["masked"], name="where"),
     h.make_node("Softmax", ["masked"], ["y"], name="softmax", axis=-1),
     h.make_node("Not", ["e"], ["ne"], name="not"),
     h.make_node("Less", ["x", "half"], ["lt"], name="lt"),
     h.make_node("GreaterOrEqual", ["m", "one"], ["ge"], name="ge"),
     h.make_node("Or", ["ne", "ge"], ["or_"], name="or"),
     h.make_node("Xor", ["or_", "b"], ["xo"], name="xor"),
     h.make_node("Unsqueeze", ["xo", "ax1"], ["xu"], name="unsq2"),
     h.make_node("And", ["xu", "lt"], ["an"], name="and"),
     h.make_node("Cast", ["an"], ["anf"], name="cast", to=F),
     h.make_node("Greater", ["x", "anf"], ["gt"], name="gt"),
     h.make_node("LessOrEqual", ["m", "b64"], ["le"], name="le"),
     h.make_node("Cast", ["le"], ["lei"], name="cast_i", to=TP.INT32)],
    [vi("x", F, [2, 3, 5]), vi("m", I64, [2, 5]), vi("b", B1, [2, 5])],
    [vi("y", F, None), vi("anf", F, None), vi("gt", B1, None), vi("lei", TP.INT32, None)],
    [const("zero", np.array(0, np.int64)), const("one", np.array(1, np.int64)),
     const("ax1", np.array([1])), const("neg", np.float32(-1e4)),
     const("half", np.float32(0.5)), const("b64", np.array([[1], [0]], np.int64))])
# A reshape target computed with Where/Equal on constants (torch exports).
M["op_where_shape"] = lambda: model(
    [h.make_node("Equal", ["t", "m1"], ["e"], name="eq"),
     h.make_node("Where", ["e", "ones", "t"], ["s"], name="where"),
     h.make_node("Expand", ["x", "s"], ["y"], name="expand")],
    [vi("x", F, [3, 1])], [vi("y", F, None)],
    [const("t", np.array([2, -1, 4], np.int64)), const("m1", np.array(-1, np.int64)),
     const("ones", np.ones(3, np.int64))])

M["op_log_softmax"] = lambda: fop("LogSoftmax", axis=1)
M["op_argmax"] = lambda: model([h.make_node("ArgMax", ["x0"], ["y"], name="am", axis=1,
                                            keepdims=0)],
                               [vi("x0", F, XS)], [vi("y", I64, None)])
# Ties (rounded inputs) exercise the first/last index rule.
M["op_argmin_last"] = lambda: model(
    [h.make_node("Round", ["x0"], ["r"], name="round"),
     h.make_node("ArgMin", ["r"], ["y"], name="am", axis=-1, select_last_index=1),
     h.make_node("ArgMax", ["r"], ["y2"], name="am2", axis=2)],
    [vi("x0", F, XS)], [vi("y", I64, None), vi("y2", I64, None)], opset=13)
M["op_argmax_int"] = lambda: model(
    [h.make_node("ArgMax", ["m"], ["y"], name="am", axis=0)],
    [vi("m", I64, [4, 5])], [vi("y", I64, None)])
M["op_reduce_prod"] = lambda: fop("ReduceProd", axes=[2])
M["op_reduce_l1"] = lambda: fop("ReduceL1", axes=[1, 2], keepdims=0)
M["op_reduce_l2"] = lambda: fop("ReduceL2", axes=[3])
M["op_reduce_sum_square"] = lambda: fop("ReduceSumSquare", keepdims=0)
M["op_reduce_log_sum_exp"] = lambda: fop("ReduceLogSumExp", axes=[-1], keepdims=0)
# noop_with_empty_axes=1 and no axes: nothing reduced, but each element
# still mapped (x^2, |x|, sqrt(x^2), log x, x), as ONNX Runtime does.
M["op_reduce_noop"] = lambda: model(
    [h.make_node(op, ["x0"], ["y%d" % i], name="r%d" % i, noop_with_empty_axes=1)
     for i, op in enumerate(["ReduceSumSquare", "ReduceL1", "ReduceL2", "ReduceLogSum",
                             "ReduceLogSumExp", "ReduceSum"])],
    [vi("x0", F, XS)], [vi("y%d" % i, F, None) for i in range(6)], opset=18)
# Negative pads crop (constant mode, and edge mode padding what is left).
M["op_pad_negative"] = lambda: model(
    [h.make_node("Pad", ["x0", "p"], ["y0"], name="pc", mode="constant"),
     h.make_node("Pad", ["x0", "q"], ["y1"], name="pe", mode="edge")],
    [vi("x0", F, XS)], [vi("y0", F, None), vi("y1", F, None)],
    [const("p", np.array([0, -1, 2, -1, 0, 1, -1, 3])),
     const("q", np.array([0, 1, -2, 0, 0, -1, 1, -1]))], opset=13)
M["op_reduce_log_sum"] = lambda: model(
    [h.make_node("Abs", ["x0"], ["a"], name="abs"),
     h.make_node("ReduceLogSum", ["a"], ["y"], name="rls", axes=[1])],
    [vi("x0", F, XS)], [vi("y", F, None)])


def convt(c=4, f=3, k=(3, 3), group=1, bias=True, xshape=(1, 4, 5, 6), **attrs):
    ins = ["x0", "w"] + (["b"] if bias else [])
    inits = [const("w", w(c, f // group if False else f, *k))] + ([const("b", w(f * group))]
                                                               if bias else [])
    return model([h.make_node("ConvTranspose", ins, ["y"], name="ct", group=group, **attrs)],
                 [vi("x0", F, list(xshape))], [vi("y", F, None)], inits)


M["op_convt_s2"] = lambda: convt(strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])
M["op_convt_s1"] = lambda: convt(bias=False)
M["op_convt_group_dil"] = lambda: convt(k=(2, 3), group=2, strides=[2, 3], dilations=[2, 1],
                                        pads=[0, 1, 1, 0])
M["op_convt_same"] = lambda: convt(k=(4, 4), strides=[2, 2], auto_pad="SAME_UPPER")
# SAME_LOWER with a 1-wide kernel and stride 2 along W: input x stride is
# past what the kernel reaches (no padding; ORT's output is 1 narrower).
M["op_convt_same_short"] = lambda: convt(k=(3, 1), strides=[2, 2], auto_pad="SAME_LOWER")
M["op_convt_output_shape"] = lambda: convt(k=(3, 3), strides=[2, 2], output_shape=[10, 12])
M["op_convt_depthwise"] = lambda: convt(c=4, f=1, k=(4, 4), group=4, strides=[2, 2],
                                        pads=[1, 1, 1, 1])
# 1-D: strides, dilation, groups, output_padding, SAME_LOWER, output_shape.
M["op_convt1d"] = lambda: convt(c=4, f=2, k=(3,), group=2, strides=[3], dilations=[2],
                                pads=[1, 2], output_padding=[1], xshape=(2, 4, 7))
M["op_convt1d_same"] = lambda: convt(k=(4,), strides=[2], auto_pad="SAME_LOWER",
                                     xshape=(1, 4, 6))
M["op_convt1d_output_shape"] = lambda: convt(k=(3,), strides=[2], output_shape=[12],
                                             bias=False, xshape=(1, 4, 6))
M["op_convt_crop"] = lambda: convt(k=(2, 2), pads=[2, 1, 0, 3])
# 3-D: strides, pads and output_padding; groups with dilations; SAME_UPPER;
# output_shape; cropping pads.
M["op_convt3d_s2"] = lambda: convt(k=(3, 3, 2), strides=[2, 2, 3], pads=[1, 0, 1, 1, 1, 0],
                                   output_padding=[1, 0, 2], xshape=(2, 4, 3, 4, 5))
M["op_convt3d_group_dil"] = lambda: convt(c=4, f=2, k=(2, 3, 2), group=2, strides=[1, 2, 2],
                                          dilations=[2, 1, 2], xshape=(1, 4, 4, 3, 5))
M["op_convt3d_same"] = lambda: convt(k=(4, 3, 4), strides=[2, 1, 2], auto_pad="SAME_UPPER",
                                     bias=False, xshape=(1, 4, 3, 3, 4))
M["op_convt3d_output_shape"] = lambda: convt(k=(3, 3, 3), strides=[2, 2, 2],
                                             output_shape=[8, 7, 8], xshape=(1, 4, 3, 3, 3))
M["op_convt3d_crop"] = lambda: convt(k=(2, 2, 2), pads=[2, 0, 1, 0, 3, 1], xshape=(1, 4, 5, 4, 6))


def _qdq_convt(one_d=False, three_d=False):
    nx, ix = qdq_act("x", 120, 0.05)
    no, io = qdq_act("o", 100, 0.08)
    wshape = (4, 3, 3) if one_d else (4, 3, 3, 2, 3) if three_d else (4, 3, 3, 3)
    wq = rng.integers(-100, 100, wshape).astype(np.int8)
    win = dict(strides=[2], pads=[1, 1], output_padding=[1]) if one_d else \
        dict(strides=[2, 1, 2], pads=[1, 0, 1, 1, 1, 0], output_padding=[1, 0, 0]) if three_d \
        else dict(strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])
    xshape = [1, 4, 7] if one_d else [1, 4, 3, 4, 5] if three_d else [1, 4, 5, 6]
    nodes = nx + [h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], name="dq_w",
                              axis=1),
                  h.make_node("ConvTranspose", ["x_d", "wd", "b"], ["o"], name="ct",
                              **win)] + no
    return model(nodes, [vi("x", F, xshape)], [vi("o_d", F, None)],
                 ix + io + [const("wq", wq), const("ws", np.array([0.01, 0.02, 0.015], np.float32)),
                            const("wz", np.zeros(3, np.int8)), const("b", w(3))])


M["qdq_op_convt"] = _qdq_convt
M["qdq_op_convt1d"] = lambda: _qdq_convt(one_d=True)
M["qdq_op_convt3d"] = lambda: _qdq_convt(three_d=True)

# Slices: a prefix of one axis (start 0, shorter end), a reversed axis and a
# strided window.
M["op_slices"] = lambda: model(
    [h.make_node("Slice", ["x0", "s1", "e1", "a1"], ["y1"], name="prefix"),
     h.make_node("Slice", ["x0", "s2", "e2", "a2", "st2"], ["y2"], name="reverse"),
     h.make_node("Slice", ["x0", "s3", "e3", "a3", "st3"], ["y3"], name="strided")],
    [vi("x0", F, XS)], [vi("y1", F, None), vi("y2", F, None), vi("y3", F, None)],
    [const("s1", np.array([0])), const("e1", np.array([4])), const("a1", np.array([3])),
     const("s2", np.array([-1, 4])), const("e2", np.array([-100, 0])),
     const("a2", np.array([3, 2])), const("st2", np.array([-1, -2])),
     const("s3", np.array([1, 0])), const("e3", np.array([5, 6])), const("a3", np.array([2, 3])),
     const("st3", np.array([2, 3]))])

# Mod (Python and C sign rules, integers and floats) and a constant Range.
M["op_mod_range"] = lambda: model(
    [h.make_node("Sub", ["m", "one"], ["ms"], name="shift"),
     h.make_node("Mod", ["ms", "d"], ["y"], name="mod"),
     h.make_node("Mod", ["ms", "d"], ["y2"], name="fmod_int", fmod=1),
     h.make_node("Mod", ["x0", "fd"], ["y3"], name="fmod", fmod=1),
     h.make_node("Range", ["r0", "r1", "r2"], ["rg"], name="range"),
     h.make_node("Add", ["x0", "rg"], ["y4"], name="add")],
    [vi("m", I64, [4, 6]), vi("x0", F, [4, 6])],
    [vi("y", I64, None), vi("y2", I64, None), vi("y3", F, None), vi("y4", F, None)],
    [const("one", np.array(1, np.int64)), const("d", np.array([2, -2, 3, -3, 5, -1], np.int64)),
     const("fd", np.array([0.7, -0.7, 1.5, -1.5, 0.3, 2.0], np.float32)),
     const("r0", np.float32(0.5)), const("r1", np.float32(3.4)), const("r2", np.float32(0.5))])

M["op_dropout_mask"] = lambda: model(
    [h.make_node("Dropout", ["x0"], ["y", "mask"], name="drop")],
    [vi("x0", F, [2, 5])], [vi("y", F, None), vi("mask", TP.BOOL, None)])

# Integer reductions (int64 and int32 inputs in {0, 1, 2}, shifted to -1..1).
M["op_reduce_int"] = lambda: model(
    [h.make_node("Sub", ["m", "one"], ["ms"], name="shift"),
     h.make_node("ReduceMax", ["ms"], ["y1"], name="rmax", axes=[1]),
     h.make_node("ReduceMin", ["ms"], ["y2"], name="rmin", axes=[0, 2], keepdims=0),
     h.make_node("ReduceSum", ["ms", "ax"], ["y3"], name="rsum"),
     h.make_node("ReduceProd", ["ms"], ["y4"], name="rprod", axes=[2]),
     h.make_node("ReduceSum", ["k"], ["y5"], name="rsum32", keepdims=0)],
    [vi("m", I64, [3, 4, 5]), vi("k", I32, [6, 7])],
    [vi("y1", I64, None), vi("y2", I64, None), vi("y3", I64, None), vi("y4", I64, None),
     vi("y5", I32, None)],
    [const("one", np.array(1, np.int64)), const("ax", np.array([-1]))])


def _conv1d(**attrs):
    return model([h.make_node("Conv", ["x0", "w", "b"], ["y"], name="c1d", **attrs)],
                 [vi("x0", F, [2, 4, 19])], [vi("y", F, None)],
                 [const("w", w(6, 4 // attrs.get("group", 1), 3)), const("b", w(6))])


M["op_conv1d"] = lambda: _conv1d(pads=[1, 2], strides=[2])
M["op_conv1d_same"] = lambda: _conv1d(auto_pad="SAME_LOWER", strides=[3], group=2)
M["op_conv1d_dilated"] = lambda: _conv1d(dilations=[3], pads=[0, 4], group=2)


def _qdq_conv1d():
    nx, ix = qdq_act("x", 120, 0.05)
    no, io = qdq_act("o", 100, 0.08)
    nodes = nx + [h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], name="dq_w", axis=0),
                  h.make_node("Conv", ["x_d", "wd", "b"], ["o"], name="c1d", pads=[2, 2],
                              kernel_shape=[5])] + no
    return model(nodes, [vi("x", F, [2, 8, 30])], [vi("o_d", F, None)],
                 ix + io + [const("wq", rng.integers(-100, 100, (16, 8, 5)).astype(np.int8)),
                            const("ws", rng.uniform(0.005, 0.02, 16).astype(np.float32)),
                            const("wz", np.zeros(16, np.int8)), const("b", w(16))])


M["qdq_op_conv1d"] = _qdq_conv1d
M["op_pool1d"] = lambda: model(
    [h.make_node("MaxPool", ["x0"], ["m"], name="mp", kernel_shape=[3], strides=[2],
                 pads=[1, 1]),
     h.make_node("AveragePool", ["m"], ["a"], name="ap", kernel_shape=[2], auto_pad="SAME_UPPER"),
     h.make_node("GlobalAveragePool", ["a"], ["y"], name="gap")],
    [vi("x0", F, [2, 3, 17])], [vi("y", F, None), vi("a", F, None)])


def _qdq_pool1d():
    nx, ix = qdq_act("x", 120, 0.05)
    nm, im = qdq_act("m", 120, 0.05)
    na, ia = qdq_act("a", 110, 0.04)
    no, io = qdq_act("o", 100, 0.03)
    return model(nx + [h.make_node("MaxPool", ["x_d"], ["m"], name="mp", kernel_shape=[2],
                                   strides=[2])] + nm +
                 [h.make_node("AveragePool", ["m_d"], ["a"], name="ap", kernel_shape=[3],
                              pads=[1, 1])] + na +
                 [h.make_node("GlobalAveragePool", ["a_d"], ["o"], name="gap")] + no,
                 [vi("x", F, [2, 4, 20])], [vi("o_d", F, None)], ix + im + ia + io)


M["qdq_op_pool1d"] = _qdq_pool1d
def _qdq_conv3d():
    nx, ix = qdq_act("x", 120, 0.05)
    no, io = qdq_act("o", 110, 0.08)
    wq = rng.integers(-100, 100, (4, 3, 2, 3, 3)).astype(np.int8)
    ws = rng.uniform(0.005, 0.02, 4).astype(np.float32)
    nodes = nx + [h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], name="dqw", axis=0),
                  h.make_node("Conv", ["x_d", "w", "b"], ["o"], name="c3", pads=[1, 1, 1, 0, 1, 1])]
    return model(nodes + no, [vi("x", F, [1, 3, 5, 6, 7])], [vi("o_d", F, None)],
                 ix + io + [const("wq", wq), const("ws", ws), const("wz", np.zeros(4, np.int8)),
                            const("b", rng.standard_normal(4).astype(np.float32))])
M["qdq_op_conv3d"] = _qdq_conv3d
# A quantized 3-D MaxPool (the quant type kept: bit-exact).
M["qdq_op_maxpool3d"] = lambda: qdq_one("MaxPool", xshape=(2, 3, 5, 6, 7), oscale=0.05,
                                        ozp=120, kernel_shape=[2, 3, 2], strides=[2, 2, 1],
                                        pads=[0, 1, 1, 1, 0, 0])
M["qop_conv1d"] = lambda: model(
    [h.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"], name="q"),
     h.make_node("QLinearConv", ["xq", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"], ["yq"],
                 name="qc1d", strides=[2], pads=[1, 1]),
     h.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"], name="dq")],
    [vi("x", F, [1, 6, 25])], [vi("y", F, None)],
    [const("xs", np.float32(0.05)), const("xz", np.uint8(128)),
     const("w", rng.integers(-100, 100, (8, 6, 3)).astype(np.int8)),
     const("ws", rng.uniform(0.005, 0.02, 8).astype(np.float32)), const("wz", np.zeros(8, np.int8)),
     const("ys", np.float32(0.07)), const("yz", np.uint8(120)),
     const("b", rng.integers(-500, 500, 8).astype(np.int32))])
# QLinearConv in 3-D (per-channel weights, int32 bias, strides and pads):
# written out as its QDQ form, which folds into one integer convolution.
M["qop_conv3d"] = lambda: model(
    [h.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"], name="q"),
     h.make_node("QLinearConv", ["xq", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"], ["yq"],
                 name="qc3d", strides=[1, 2, 1], pads=[1, 0, 1, 0, 1, 0]),
     h.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"], name="dq")],
    [vi("x", F, [1, 3, 5, 6, 4])], [vi("y", F, None)],
    [const("xs", np.float32(0.05)), const("xz", np.uint8(128)),
     const("w", rng.integers(-100, 100, (4, 3, 2, 3, 2)).astype(np.int8)),
     const("ws", rng.uniform(0.005, 0.02, 4).astype(np.float32)), const("wz", np.zeros(4, np.int8)),
     const("ys", np.float32(0.07)), const("yz", np.uint8(120)),
     const("b", rng.integers(-500, 500, 4).astype(np.int32))])

# Opsets 22-24: Conv at 22, RMSNormalization (23), Swish (24).
M["op_opset24"] = lambda: model(
    [h.make_node("Conv", ["x0", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
     h.make_node("Swish", ["c"], ["s"], name="swish", alpha=0.7),
     h.make_node("RMSNormalization", ["s", "g"], ["y"], name="rms", axis=2, epsilon=1e-4)],
    [vi("x0", F, [1, 2, 5, 6])], [vi("y", F, None)],
    [const("w", w(3, 2, 3, 3)), const("g", w(5, 6))], opset=24)


def _einsum(eq, *shapes):
    names = ["x%d" % k for k in range(len(shapes))]
    return model([h.make_node("Einsum", names, ["y"], name="ein", equation=eq)],
                 [vi(nm, F, list(sh)) for nm, sh in zip(names, shapes)], [vi("y", F, None)],
                 opset=12)


M["op_einsum_attention"] = lambda: _einsum("bhqd,bhkd->bhqk", (2, 3, 4, 5), (2, 3, 6, 5))
M["op_einsum_implicit"] = lambda: _einsum("ij,jk", (3, 4), (4, 5))
M["op_einsum_mixed"] = lambda: _einsum("abc,cd->dba", (2, 3, 4), (4, 5))
M["op_einsum_rowdot"] = lambda: _einsum("ij,ij->i", (3, 7), (3, 7))
M["op_einsum_outer"] = lambda: _einsum("i,j->ij", (4,), (5,))
M["op_einsum_sum"] = lambda: _einsum("abc,bd->ad", (2, 3, 4), (3, 5))
# Ellipses: broadcast batch dimensions (one operand with fewer, size-1
# ones), the implicit output (ellipsis first), one in the middle of a term.
M["op_einsum_ellipsis"] = lambda: _einsum("...ij,...jk->...ik", (2, 3, 4, 5), (2, 3, 5, 6))
M["op_einsum_ellipsis_bcast"] = lambda: _einsum("...ij,...jk", (2, 1, 4, 5), (1, 3, 5, 6))
M["op_einsum_ellipsis_mid"] = lambda: _einsum("b...d,d->...b", (2, 3, 4, 5), (5,))
M["op_einsum_unary"] = lambda: _einsum("abc->ca", (2, 3, 4))
M["op_einsum_broadcast"] = lambda: _einsum("bij,bjk->bik", (1, 3, 4), (2, 4, 5))

M["op_gather_elements"] = lambda: model(
    [h.make_node("GatherElements", ["x0", "i"], ["y"], name="ge", axis=1),
     h.make_node("GatherElements", ["x0", "c"], ["y2"], name="ge2", axis=-1)],
    [vi("x0", F, [3, 4, 5]), vi("i", I64, [3, 2, 5])], [vi("y", F, None), vi("y2", F, None)],
    [const("c", np.array([[[-1, 0], [4, -5]], [[2, 2], [1, -2]]], np.int64))])

# TopK: largest along the last axis with ties (rounded inputs), smallest
# along axis 0, K as an attribute (opset 9).
M["op_topk"] = lambda: model(
    [h.make_node("Round", ["x0"], ["r"], name="round"),
     h.make_node("TopK", ["r", "k3"], ["v", "i"], name="top3", axis=-1),
     h.make_node("TopK", ["x0", "k2"], ["v2", "i2"], name="bottom2", axis=0, largest=0)],
    [vi("x0", F, [4, 3, 10])],
    [vi("v", F, None), vi("i", I64, None), vi("v2", F, None), vi("i2", I64, None)],
    [const("k3", np.array([3], np.int64)), const("k2", np.array([2], np.int64))], opset=11)
M["op_topk_opset9"] = lambda: model(
    [h.make_node("TopK", ["x0"], ["v", "i"], name="top", axis=1, k=4)],
    [vi("x0", F, [2, 6])], [vi("v", F, None), vi("i", I64, None)], opset=9)



def _lstm(direction="forward", seq=5, batch=2, inp=3, hid=4, peep=False, init=False, **attrs):
    dirs = 2 if direction == "bidirectional" else 1
    ins = ["x0", "W", "R", "B", "", "h0" if init else "", "c0" if init else "",
           "P" if peep else ""]
    while ins and ins[-1] == "":
        ins.pop()
    inits = [const("W", (w(dirs, 4 * hid, inp) * 0.5).astype(np.float32)),
             const("R", (w(dirs, 4 * hid, hid) * 0.5).astype(np.float32)),
             const("B", (w(dirs, 8 * hid) * 0.3).astype(np.float32))]
    if peep:
        inits.append(const("P", (w(dirs, 3 * hid) * 0.3).astype(np.float32)))
    bm = attrs.get("layout", 0) == 1  # batch-major
    in_vis = [vi("x0", F, [batch, seq, inp] if bm else [seq, batch, inp])]
    if init:
        hs = [batch, dirs, hid] if bm else [dirs, batch, hid]
        in_vis += [vi("h0", F, hs), vi("c0", F, hs)]
    return model([h.make_node("LSTM", ins, ["y", "yh", "yc"], name="lstm", hidden_size=hid,
                              direction=direction, **attrs)],
                 in_vis, [vi("y", F, None), vi("yh", F, None), vi("yc", F, None)], inits,
                 opset=14)


def _gru(direction="forward", seq=5, batch=2, inp=3, hid=4, init=False, **attrs):
    dirs = 2 if direction == "bidirectional" else 1
    ins = ["x0", "W", "R", "B"] + (["", "h0"] if init else [])
    bm = attrs.get("layout", 0) == 1  # batch-major
    in_vis = [vi("x0", F, [batch, seq, inp] if bm else [seq, batch, inp])] + \
        ([vi("h0", F, [batch, dirs, hid] if bm else [dirs, batch, hid])] if init else [])
    return model([h.make_node("GRU", ins, ["y", "yh"], name="gru", hidden_size=hid,
                              direction=direction, **attrs)],
                 in_vis, [vi("y", F, None), vi("yh", F, None)],
                 [const("W", (w(dirs, 3 * hid, inp) * 0.5).astype(np.float32)),
                  const("R", (w(dirs, 3 * hid, hid) * 0.5).astype(np.float32)),
                  const("B", (w(dirs, 6 * hid) * 0.3).astype(np.float32))], opset=14)


def _rnn(direction="forward", seq=5, batch=2, inp=3, hid=4, init=False, bias=True, **attrs):
    dirs = 2 if direction == "bidirectional" else 1
    ins = ["x0", "W", "R", "B" if bias else ""] + (["", "h0"] if init else [])
    bm = attrs.get("layout", 0) == 1  # batch-major
    in_vis = [vi("x0", F, [batch, seq, inp] if bm else [seq, batch, inp])] + \
        ([vi("h0", F, [batch, dirs, hid] if bm else [dirs, batch, hid])] if init else [])
    inits = [const("W", (w(dirs, hid, inp) * 0.5).astype(np.float32)),
             const("R", (w(dirs, hid, hid) * 0.5).astype(np.float32))]
    if bias:
        inits.append(const("B", (w(dirs, 2 * hid) * 0.3).astype(np.float32)))
    return model([h.make_node("RNN", ins, ["y", "yh"], name="rnn", hidden_size=hid,
                              direction=direction, **attrs)],
                 in_vis, [vi("y", F, None), vi("yh", F, None)], inits, opset=14)


M["op_rnn"] = lambda: _rnn()
M["op_rnn_reverse_relu"] = lambda: _rnn("reverse", init=True, activations=["Relu"])
M["op_rnn_bidirectional"] = lambda: _rnn("bidirectional", seq=4, batch=3, init=True,
                                         bias=False, activations=["Sigmoid", "Tanh"])
M["op_gru"] = lambda: _gru()
M["op_gru_reverse_lbr"] = lambda: _gru("reverse", init=True, linear_before_reset=1)
M["op_gru_bidirectional"] = lambda: _gru("bidirectional", seq=4, batch=3, init=True)

M["op_lstm"] = lambda: _lstm()
# Recurrent ops with other activation functions (alphas and betas taken in
# order, defaults past the lists' end; a lower-case name, which ONNX
# Runtime's LSTM and GRU take but not its RNN) and clip.
M["op_lstm_acts"] = lambda: _lstm("bidirectional", init=True, clip=1.5,
                                  activations=["HardSigmoid", "LeakyRelu", "Softsign",
                                               "Sigmoid", "ScaledTanh", "Elu"],
                                  activation_alpha=[0.3, 0.05, 0.8, 1.2],
                                  activation_beta=[0.4, 0.9])
M["op_gru_acts"] = lambda: _gru("bidirectional", init=True, clip=0.7, linear_before_reset=1,
                                activations=["Affine", "ThresholdedRelu", "HardSigmoid",
                                             "Softplus"],
                                activation_alpha=[0.5, 0.1], activation_beta=[0.2])
M["op_gru_acts_default"] = lambda: _gru("forward", activations=["leakyrelu", "Elu"], clip=2.0)
M["op_rnn_acts"] = lambda: _rnn("bidirectional", init=True, clip=0.5,
                                activations=["Softsign", "Affine"], activation_alpha=[2.0],
                                activation_beta=[-0.1])
# Recurrent ops over an empty sequence: Y empty, Y_h (Y_c) zeros as in ONNX
# Runtime, whatever the initial states.
M["op_lstm_empty"] = lambda: _lstm("bidirectional", seq=0, init=True)
M["op_gru_empty"] = lambda: _gru("forward", seq=0, init=True)
M["op_rnn_empty"] = lambda: _rnn("reverse", seq=0, init=True)
# A batch of 0 (ONNX Runtime runs it for RNN; its LSTM and GRU abort).
M["op_rnn_batch0"] = lambda: _rnn("bidirectional", batch=0)
M["op_lstm_reverse_peep"] = lambda: _lstm("reverse", peep=True, init=True, clip=0.9)
M["op_lstm_bidirectional"] = lambda: _lstm("bidirectional", seq=4, batch=3, init=True)
# float16 and uint32 graph inputs and outputs: half-precision arithmetic
# and casts, 32-bit unsigned shifts and maxima.
M["io_float16"] = lambda: model(
    [h.make_node("Mul", ["x", "k"], ["m"], name="mul16"),
     h.make_node("Add", ["m", "x"], ["a"], name="add16"),
     h.make_node("Relu", ["a"], ["y16"], name="relu16"),
     h.make_node("Cast", ["a"], ["y32"], name="cast32", to=F),
     h.make_node("Cast", ["f"], ["f16"], name="cast16", to=TP.FLOAT16)],
    [vi("x", TP.FLOAT16, [2, 3, 4]), vi("f", F, [5])],
    [vi("y16", TP.FLOAT16, None), vi("y32", F, None), vi("f16", TP.FLOAT16, None)],
    [const("k", (w(4) * 2).astype(np.float16))], opset=13)
M["io_uint32"] = lambda: model(
    [h.make_node("BitShift", ["x", "s"], ["y"], name="shl32", direction="LEFT"),
     h.make_node("Max", ["y", "x"], ["z"], name="max32")],
    [vi("x", TP.UINT32, [3, 4]), vi("s", TP.UINT32, [4])],
    [vi("y", TP.UINT32, None), vi("z", TP.UINT32, None)], opset=13)
# If. A condition known at compile time (a Constant compared with a
# Constant) imports only its branch: the other holds an op Octet does not
# take (NonZero). A condition known only at run time imports both branches
# (which read outer values and have their own initializers) and selects.
def _if_model(runtime):
    then_g = h.make_graph([h.make_node("Mul", ["x", "two"], ["t"], name="then_mul"),
                           h.make_node("Add", ["t", "bias"], ["t_out"], name="then_add")],
                          "then", [], [vi("t_out", F, [2, 3])],
                          initializer=[const("two", np.float32(2.0))])
    else_nodes = [h.make_node("Sub", ["x", "bias"], ["e_out"], name="else_sub")]
    if not runtime:
        else_nodes.append(h.make_node("NonZero", ["x"], ["nz"], name="else_nonzero"))
    else_g = h.make_graph(else_nodes, "else", [], [vi("e_out", F, [2, 3])])
    nodes = []
    if not runtime:
        nodes += [h.make_node("Constant", [], ["a"], name="ca", value=const("a", np.float32(3))),
                  h.make_node("Constant", [], ["b"], name="cb", value=const("b", np.float32(1))),
                  h.make_node("Greater", ["a", "b"], ["cond"], name="gt")]
    nodes.append(h.make_node("If", ["cond"], ["y"], name="if", then_branch=then_g,
                             else_branch=else_g))
    nodes.append(h.make_node("Relu", ["y"], ["r"], name="relu"))
    ins = [vi("x", F, [2, 3])] + ([vi("cond", TP.BOOL, [1])] if runtime else [])
    return model(nodes, ins, [vi("r", F, None)], [const("bias", w(3))], opset=13)


# Loop and Scan, unrolled at import.
def _loop_known():
    # M = 6, but the body's condition (iteration < 3, folded per iteration)
    # stops it after 4 iterations; y carried, two scan outputs, a body
    # initializer and outer values (x, rows) read inside; a nested Loop
    # (M = 2) in the body.
    inner = h.make_graph(
        [h.make_node("Identity", ["ic"], ["ic_out"], name="in_id"),
         h.make_node("Mul", ["iy", "half"], ["iy2"], name="in_mul"),
         h.make_node("Add", ["iy2", "x"], ["iy_out"], name="in_add")],
        "inner", [vi("ii", I64, []), vi("ic", TP.BOOL, []), vi("iy", F, [2, 3])],
        [vi("ic_out", TP.BOOL, []), vi("iy_out", F, [2, 3])])
    body = h.make_graph(
        [h.make_node("Less", ["i", "three"], ["c_out"], name="less"),
         h.make_node("Gather", ["rows", "i"], ["row"], name="gather", axis=0),
         h.make_node("Add", ["y", "row"], ["y1"], name="add_row"),
         h.make_node("Loop", ["two", "", "y1"], ["y_out"], name="inner_loop", body=inner),
         h.make_node("Cast", ["i"], ["fi"], name="cast_i", to=TP.FLOAT),
         h.make_node("Mul", ["y_out", "fi"], ["scaled"], name="scale")],
        "body", [vi("i", I64, []), vi("c", TP.BOOL, []), vi("y", F, [2, 3])],
        [vi("c_out", TP.BOOL, []), vi("y_out", F, [2, 3]), vi("scaled", F, [2, 3]),
         vi("row", F, [3])],
        initializer=[const("three", np.int64(3)), const("two", np.int64(2)),
                     const("half", np.float32(0.5))])
    return model([h.make_node("Loop", ["m", "t", "x"], ["y", "ys", "rs"], name="loop", body=body)],
                 [vi("x", F, [2, 3]), vi("rows", F, [6, 3])],
                 [vi("y", F, None), vi("ys", F, None), vi("rs", F, None)],
                 [const("m", np.int64(6)), const("t", np.array(True))], opset=13)


def _loop_runtime():
    # The condition depends on the data: M = 5 iterations are unrolled and
    # those after the condition turns false are discarded (y and a counter).
    body = h.make_graph(
        [h.make_node("Tanh", ["y"], ["t"], name="tanh"),
         h.make_node("Add", ["t", "x"], ["y_out"], name="add"),
         h.make_node("ReduceSum", ["y_out"], ["s"], name="sum", keepdims=0),
         h.make_node("Less", ["s", "lim"], ["c_out"], name="less"),
         h.make_node("Add", ["k", "one"], ["k_out"], name="count")],
        "body", [vi("i", I64, []), vi("c", TP.BOOL, []), vi("y", F, [2, 3]), vi("k", I64, [])],
        [vi("c_out", TP.BOOL, []), vi("y_out", F, [2, 3]), vi("k_out", I64, [])],
        initializer=[const("lim", np.float32(4.5)), const("one", np.int64(1))])
    return model([h.make_node("Loop", ["m", "c0", "x", "k0"], ["y", "k"], name="loop", body=body)],
                 [vi("x", F, [2, 3]), vi("c0", TP.BOOL, [])],
                 [vi("y", F, None), vi("k", I64, None)],
                 [const("m", np.int64(5)), const("k0", np.int64(0))], opset=13)


def _loop_runtime_quant():
    # A quantized carried value (uint8 from QuantizeLinear) under a run-time
    # condition: dequantize, add, requantize in each iteration.
    body = h.make_graph(
        [h.make_node("DequantizeLinear", ["q", "s", "z"], ["f"], name="dq"),
         h.make_node("Add", ["f", "x"], ["g"], name="add"),
         h.make_node("QuantizeLinear", ["g", "s", "z"], ["q_out"], name="q"),
         h.make_node("ReduceMax", ["g"], ["mx"], name="max", keepdims=0),
         h.make_node("Less", ["mx", "lim"], ["c_out"], name="less")],
        "body", [vi("i", I64, []), vi("c", TP.BOOL, []), vi("q", U8, [2, 3])],
        [vi("c_out", TP.BOOL, []), vi("q_out", U8, [2, 3])],
        initializer=[const("lim", np.float32(1.5))])
    return model([h.make_node("QuantizeLinear", ["x", "s", "z"], ["q0"], name="q0"),
                  h.make_node("Loop", ["m", "", "q0"], ["q"], name="loop", body=body),
                  h.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dq_y")],
                 [vi("x", F, [2, 3])], [vi("y", F, None)],
                 [const("m", np.int64(6)), const("s", np.float32(0.02)),
                  const("z", np.uint8(100))], opset=13)


def _loop_zero(counter_shape=()):
    # No iteration (M = 0): the carried value passes through and the scan
    # output is empty. `counter_shape` [1]: the body declares its iteration
    # number and condition as one-element tensors.
    cs = list(counter_shape)
    body = h.make_graph([h.make_node("Identity", ["c"], ["c_out"], name="id"),
                         h.make_node("Neg", ["y"], ["y_out"], name="neg"),
                         h.make_node("Identity", ["y_out"], ["y_scan"], name="id2")],
                        "body", [vi("i", I64, cs), vi("c", TP.BOOL, cs), vi("y", F, [2, 3])],
                        [vi("c_out", TP.BOOL, cs), vi("y_out", F, [2, 3]),
                         vi("y_scan", F, [2, 3])])
    return model([h.make_node("Loop", ["m", "", "x"], ["y", "ys"], name="loop", body=body)],
                 [vi("x", F, [2, 3])], [vi("y", F, None), vi("ys", F, None)],
                 [const("m", np.int64(0))], opset=13)


def _scan(opset):
    # Two states, two scan inputs (the second reversed, along axis 1), two
    # scan outputs (the first reversed, the second along axis 1).
    body = h.make_graph(
        [h.make_node("MatMul", ["xa", "wm"], ["p"], name="mm"),
         h.make_node("Add", ["h", "p"], ["hp"], name="add_h"),
         h.make_node("Add", ["hp", "xb"], ["hq"], name="add_b"),
         h.make_node("Tanh", ["hq"], ["h_out"], name="tanh"),
         h.make_node("Add", ["acc", "h_out"], ["acc_out"], name="acc"),
         h.make_node("Mul", ["h_out", "xb"], ["z"], name="mul"),
         h.make_node("Identity", ["h_out"], ["h_scan"], name="id")],
        "body", [vi("h", F, [4]), vi("acc", F, [4]), vi("xa", F, [3]), vi("xb", F, [4])],
        [vi("h_out", F, [4]), vi("acc_out", F, [4]), vi("h_scan", F, [4]), vi("z", F, [4])],
        initializer=[const("wm", w(3, 4))])
    return model([h.make_node("Scan", ["h0", "a0", "xs", "bs"], ["h", "acc", "hs", "zs"],
                              name="scan", body=body, num_scan_inputs=2,
                              scan_input_axes=[0, 1], scan_input_directions=[0, 1],
                              scan_output_axes=[0, -1], scan_output_directions=[1, 0])],
                 [vi("h0", F, [4]), vi("a0", F, [4]), vi("xs", F, [5, 3]), vi("bs", F, [4, 5])],
                 [vi(o, F, None) for o in ("h", "acc", "hs", "zs")], opset=opset)


def _scan8():
    # Opset 8: a batch axis on every input (and no sequence_lens).
    body = h.make_graph(
        [h.make_node("Add", ["s", "x"], ["s_out"], name="add"),
         h.make_node("Mul", ["s_out", "x"], ["y"], name="mul")],
        "body", [vi("s", F, [3]), vi("x", F, [3])], [vi("s_out", F, [3]), vi("y", F, [3])])
    return model([h.make_node("Scan", ["", "s0", "xs"], ["s", "ys"], name="scan", body=body,
                              num_scan_inputs=1, directions=[1])],
                 [vi("s0", F, [2, 3]), vi("xs", F, [2, 4, 3])],
                 [vi("s", F, None), vi("ys", F, None)], opset=8)


# A graph out of order: the Loop comes before the node whose output its
# body reads (only through the body; the node sort must see that).
M["loop_unsorted"] = lambda: model(
    [h.make_node("Loop", ["m", "", "x"], ["y"], name="loop", body=h.make_graph(
        [h.make_node("Identity", ["c"], ["c_out"], name="id"),
         h.make_node("Add", ["y", "x2"], ["y_out"], name="add")],
        "body", [vi("i", I64, []), vi("c", TP.BOOL, []), vi("y", F, [2, 3])],
        [vi("c_out", TP.BOOL, []), vi("y_out", F, [2, 3])])),
     h.make_node("Mul", ["x", "x"], ["x2"], name="square")],
    [vi("x", F, [2, 3])], [vi("y", F, None)], [const("m", np.int64(3))], opset=13)
M["loop_known"] = _loop_known
M["loop_runtime"] = _loop_runtime
M["loop_zero"] = _loop_zero
M["loop_zero_counter1"] = lambda: _loop_zero((1,))
M["loop_runtime_quant"] = _loop_runtime_quant
M["scan11"] = lambda: _scan(11)
M["scan9"] = lambda: _scan(9)
M["scan8"] = _scan8


def _scan8_lens(direction):
    # Opset 8 with sequence_lens: batch entries of 4, 2 and 3 steps (a
    # reversed input starts at its last valid step); ONNX Runtime zero-fills
    # the scan outputs past each length.
    body = h.make_graph(
        [h.make_node("Add", ["s", "x"], ["s_out"], name="add"),
         h.make_node("Tanh", ["s_out"], ["y"], name="tanh")],
        "body", [vi("s", F, [3]), vi("x", F, [3])], [vi("s_out", F, [3]), vi("y", F, [3])])
    return model([h.make_node("Scan", ["lens", "s0", "xs"], ["s", "ys"], name="scan", body=body,
                              num_scan_inputs=1, directions=[direction])],
                 [vi("s0", F, [3, 3]), vi("xs", F, [3, 4, 3])],
                 [vi("s", F, None), vi("ys", F, None)],
                 [const("lens", np.array([4, 2, 3], np.int64))], opset=8)


# Opset 8 over an empty batch: empty final states and scan outputs.
M["scan8_empty_batch"] = lambda: model(
    [h.make_node("Scan", ["", "s0", "xs"], ["s", "ys"], name="scan", num_scan_inputs=1,
                 body=h.make_graph(
                     [h.make_node("Add", ["s", "x"], ["s_out"], name="add"),
                      h.make_node("Mul", ["s_out", "x"], ["y"], name="mul")],
                     "body", [vi("s", F, [3]), vi("x", F, [3])],
                     [vi("s_out", F, [3]), vi("y", F, [3])]))],
    [vi("s0", F, [0, 3]), vi("xs", F, [0, 4, 3])], [vi("s", F, None), vi("ys", F, None)],
    opset=8)
M["scan8_lens"] = lambda: _scan8_lens(0)
M["scan8_lens_reverse"] = lambda: _scan8_lens(1)
# A Scan over an empty sequence: the states pass through; the scan outputs
# (float, bool and quantized) are empty.
M["scan_empty"] = lambda: model(
    [h.make_node("Scan", ["s0", "xs"], ["s", "ys", "bs", "qs"], name="scan", num_scan_inputs=1,
                 body=h.make_graph(
                     [h.make_node("Add", ["s", "x"], ["s_out"], name="add"),
                      h.make_node("Identity", ["s_out"], ["y"], name="id"),
                      h.make_node("Less", ["s", "x"], ["b"], name="less"),
                      h.make_node("QuantizeLinear", ["x", "qs_", "qz_"], ["q"], name="q")],
                     "body", [vi("s", F, [3]), vi("x", F, [3])],
                     [vi("s_out", F, [3]), vi("y", F, [3]), vi("b", TP.BOOL, [3]),
                      vi("q", U8, [3])],
                     initializer=[const("qs_", np.float32(0.1)), const("qz_", np.uint8(128))]))],
    [vi("s0", F, [3]), vi("xs", F, [0, 3])],
    [vi("s", F, None), vi("ys", F, None), vi("bs", TP.BOOL, None), vi("qs", U8, None)],
    opset=11)
M["if_const"] = lambda: _if_model(False)
M["if_runtime"] = lambda: _if_model(True)
# NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (targets are inputs:
# the checks draw them in [0, 3)): weights, ignore_index, the three
# reductions, extra dimensions, and the log_prob output.
M["op_losses"] = lambda: model(
    [h.make_node("NegativeLogLikelihoodLoss", ["x", "t", "wt"], ["l_mean"], name="nll_mean",
                 ignore_index=1),
     h.make_node("NegativeLogLikelihoodLoss", ["x2", "t2"], ["l_none"], name="nll_none",
                 reduction="none"),
     h.make_node("SoftmaxCrossEntropyLoss", ["s", "t3"], ["l_sum", "logp"], name="sce_sum",
                 reduction="sum"),
     h.make_node("SoftmaxCrossEntropyLoss", ["s", "t3", "ws"], ["l_sce_mean"], name="sce_mean",
                 ignore_index=0)],
    [vi("x", F, [3, 5, 2]), vi("t", I64, [3, 2]), vi("x2", F, [4, 6]), vi("t2", I64, [4]),
     vi("s", F, [3, 4, 2, 2]), vi("t3", I64, [3, 2, 2])],
    [vi(o, F, None) for o in ("l_mean", "l_none", "l_sum", "logp", "l_sce_mean")],
    [const("wt", np.abs(w(5))), const("ws", np.abs(w(4)))], opset=13)
# The window functions of opset 17, periodic and symmetric.
M["op_windows"] = lambda: model(
    [h.make_node("HannWindow", ["n"], ["hann"], name="hann"),
     h.make_node("HammingWindow", ["n"], ["hamming"], name="hamming", periodic=0),
     h.make_node("BlackmanWindow", ["n"], ["blackman"], name="blackman"),
     h.make_node("Add", ["x", "hann"], ["y"], name="add")],
    [vi("x", F, [10])], [vi(o, F, None) for o in ("hann", "hamming", "blackman", "y")],
    [const("n", np.int64(10))], opset=17)
# ConvTranspose with weights given at run time: strides, pads and
# output_padding, and a grouped one.
M["convtranspose_runtime_w"] = lambda: model(
    [h.make_node("ConvTranspose", ["x", "w"], ["y"], name="ct", strides=[2, 2],
                 pads=[1, 1, 1, 1], output_padding=[1, 1]),
     h.make_node("ConvTranspose", ["x2", "w2", "b2"], ["y2"], name="ct_group", group=2,
                 strides=[1, 2])],
    [vi("x", F, [1, 4, 5, 5]), vi("w", F, [4, 3, 3, 3]), vi("x2", F, [1, 4, 4, 4]),
     vi("w2", F, [4, 2, 3, 2])], [vi("y", F, None), vi("y2", F, None)], [const("b2", w(4))])
M["convtranspose3d_runtime_w"] = lambda: model(
    [h.make_node("ConvTranspose", ["x", "w", "b"], ["y"], name="ct3", group=2,
                 strides=[2, 1, 2], pads=[0, 1, 1, 0, 0, 1])],
    [vi("x", F, [1, 4, 3, 4, 3]), vi("w", F, [4, 2, 2, 3, 2])], [vi("y", F, None)],
    [const("b", w(4))])
# ConvTranspose with an output_shape past what the kernel reaches, by less
# than the stride (ONNX's own example: 1 extra row and column; then 2 extra
# rows, both at the end as ORT puts them, getting only the bias).
M["convtranspose_output_shape_big"] = lambda: model(
    [h.make_node("ConvTranspose", ["x", "w"], ["y"], name="ct_os", strides=[3, 2],
                 output_shape=[10, 8]),
     h.make_node("ConvTranspose", ["x", "w", "b"], ["y2"], name="ct_os2", strides=[3, 2],
                 output_shape=[11, 8])],
    [vi("x", F, [1, 1, 3, 3])], [vi("y", F, None), vi("y2", F, None)],
    [const("w", w(1, 2, 3, 3)), const("b", w(2))])
# Signal ops: DFT (opset 17 axis attribute; real, complex, inverse,
# dft_length padding and truncating, onesided), DFT opset 20 (axis input),
# STFT with a run-time and a constant window and without one, MelWeightMatrix.
M["op_dft17"] = lambda: model(
    [h.make_node("DFT", ["x"], ["y"], name="dft_axis1", axis=1),
     h.make_node("DFT", ["x"], ["y2"], name="dft_axis2_onesided", axis=2, onesided=1),
     h.make_node("DFT", ["xc", "len_pad"], ["y3"], name="dft_pad", axis=1),
     h.make_node("DFT", ["xc", "len_cut"], ["y4"], name="dft_inverse_cut", axis=2, inverse=1),
     h.make_node("DFT", ["x4"], ["y5"], name="dft_neg_axis", axis=-3)],
    [vi("x", F, [2, 6, 5, 1]), vi("xc", F, [1, 7, 4, 2]), vi("x4", F, [3, 4, 2, 2])],
    [vi(o, F, None) for o in ("y", "y2", "y3", "y4", "y5")],
    [const("len_pad", np.int64(9)), const("len_cut", np.array(3, np.int32))], opset=17)
M["op_dft20"] = lambda: model(
    [h.make_node("DFT", ["x"], ["y"], name="dft_default_axis"),
     h.make_node("DFT", ["x", "len", "axis"], ["y2"], name="dft_axis_input", inverse=1)],
    [vi("x", F, [2, 5, 6, 2])], [vi("y", F, None), vi("y2", F, None)],
    [const("len", np.int64(4)), const("axis", np.int64(1))], opset=20)
M["op_stft"] = lambda: model(
    [h.make_node("STFT", ["x", "step", "", "flen"], ["y"], name="stft_plain"),
     h.make_node("STFT", ["x", "step", "win"], ["y2"], name="stft_window"),
     h.make_node("STFT", ["x", "step3", "hann"], ["y3"], name="stft_const_window", onesided=0),
     h.make_node("STFT", ["xc", "step", "", "flen"], ["y4"], name="stft_complex", onesided=0)],
    [vi("x", F, [2, 40, 1]), vi("win", F, [10]), vi("xc", F, [1, 30, 2])],
    [vi(o, F, None) for o in ("y", "y2", "y3", "y4")],
    [const("step", np.int64(4)), const("step3", np.int64(3)), const("flen", np.int64(10)),
     const("hann", (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(8) / 8)).astype(np.float32))],
    opset=17)
M["op_mel_weight_matrix"] = lambda: model(
    [h.make_node("MelWeightMatrix", ["bins", "dft", "rate", "lo", "hi"], ["m"], name="mel"),
     h.make_node("MelWeightMatrix", ["bins2", "dft2", "rate2", "lo2", "hi2"], ["m2"],
                 name="mel_whisper_like"),
     h.make_node("Add", ["x", "m"], ["y"], name="use")],
    [vi("x", F, [9, 8])], [vi("y", F, None), vi("m2", F, None)],
    [const("bins", np.int32(8)), const("dft", np.int32(16)), const("rate", np.int32(8192)),
     const("lo", np.float32(0)), const("hi", np.float32(4096)),
     const("bins2", np.int64(20)), const("dft2", np.int64(400)), const("rate2", np.int64(16000)),
     const("lo2", np.float32(30)), const("hi2", np.float32(7600))], opset=17)
# CenterCropPad (crop, pad, both, odd excess, negative axes), AffineGrid
# (2-D and 3-D, align_corners 0 and 1), Col2Im (2-D with strides, dilations
# and pads; 1-D; 3-D).
M["op_center_crop_pad"] = lambda: model(
    [h.make_node("CenterCropPad", ["x", "s"], ["y"], name="ccp_all"),
     h.make_node("CenterCropPad", ["x", "s2"], ["y2"], name="ccp_axes", axes=[-1, 1])],
    [vi("x", F, [2, 7, 6])], [vi("y", F, None), vi("y2", F, None)],
    [const("s", np.array([2, 4, 9], np.int64)), const("s2", np.array([3, 10], np.int64))],
    opset=18)
M["op_affine_grid"] = lambda: model(
    [h.make_node("AffineGrid", ["t", "size"], ["g"], name="grid2d"),
     h.make_node("AffineGrid", ["t", "size"], ["g2"], name="grid2d_align", align_corners=1),
     h.make_node("AffineGrid", ["t3", "size3"], ["g3"], name="grid3d"),
     h.make_node("AffineGrid", ["t3", "size3"], ["g4"], name="grid3d_align", align_corners=1)],
    [vi("t", F, [2, 2, 3]), vi("t3", F, [2, 3, 4])],
    [vi(o, F, None) for o in ("g", "g2", "g3", "g4")],
    [const("size", np.array([2, 3, 5, 4], np.int64)),
     const("size3", np.array([2, 1, 3, 4, 5], np.int64))], opset=20)
M["op_col2im"] = lambda: model(
    [h.make_node("Col2Im", ["x", "img", "blk"], ["y"], name="col2im_2d", strides=[2, 1],
                 dilations=[1, 2], pads=[1, 0, 2, 1]),
     h.make_node("Col2Im", ["x1", "img1", "blk1"], ["y1"], name="col2im_1d", strides=[3]),
     h.make_node("Col2Im", ["x3", "img3", "blk3"], ["y3"], name="col2im_3d")],
    [vi("x", F, [2, 12, 8]), vi("x1", F, [1, 6, 3]), vi("x3", F, [1, 16, 12])],
    [vi(o, F, None) for o in ("y", "y1", "y3")],
    [const("img", np.array([5, 5], np.int64)), const("blk", np.array([2, 3], np.int64)),
     const("img1", np.array([10], np.int64)), const("blk1", np.array([3], np.int64)),
     const("img3", np.array([3, 4, 3], np.int64)), const("blk3", np.array([2, 2, 2], np.int64))],
    opset=18)
# Einsum with repeated letters (diagonals): a trace, a batched diagonal, a
# letter repeated three times, and a diagonal times a matrix.
M["op_einsum_diagonal"] = lambda: model(
    [h.make_node("Einsum", ["a"], ["trace"], name="trace", equation="ii"),
     h.make_node("Einsum", ["b"], ["bdiag"], name="batch_diag", equation="bii->bi"),
     h.make_node("Einsum", ["c"], ["c3"], name="triple", equation="iji i->j".replace(" ", "")),
     h.make_node("Einsum", ["a", "m"], ["am"], name="diag_matmul", equation="ii,ij->ij")],
    [vi("a", F, [4, 4]), vi("b", F, [2, 3, 3]), vi("c", F, [3, 2, 3, 3]), vi("m", F, [4, 5])],
    [vi(o, F, None) for o in ("trace", "bdiag", "c3", "am")], [], opset=12)
# Compress with constant conditions: along an axis, a negative axis with a
# shorter condition, and over the flattened input.
M["op_compress"] = lambda: model(
    [h.make_node("Compress", ["x", "c0"], ["y"], name="compress_axis0", axis=0),
     h.make_node("Compress", ["x", "c1"], ["y2"], name="compress_neg_axis", axis=-1),
     h.make_node("Compress", ["x", "c2"], ["y3"], name="compress_flat")],
    [vi("x", F, [3, 4])], [vi(o, F, None) for o in ("y", "y2", "y3")],
    [const("c0", np.array([True, False, True])), const("c1", np.array([False, True, True])),
     const("c2", np.array([1, 0, 0, 1, 1, 0, 0, 0, 1, 1], np.bool_))], opset=11)
# uint64 tensors across the whole range (past 2^63): comparisons, Max/Min,
# Mod, Div, shifts, wrapping arithmetic, casts, Concat.
_U64 = TP.UINT64
M["op_uint64"] = lambda: model(
    [h.make_node("Max", ["a", "b"], ["max"], name="max"),
     h.make_node("Min", ["a", "b"], ["min"], name="min"),
     h.make_node("Mod", ["a", "b"], ["mod"], name="mod"),
     h.make_node("Div", ["a", "b"], ["div"], name="div"),
     h.make_node("Greater", ["a", "b"], ["gt"], name="gt"),
     h.make_node("Less", ["a", "big"], ["lt"], name="lt_const"),
     h.make_node("BitShift", ["a", "sh"], ["shr"], name="shr", direction="RIGHT"),
     h.make_node("BitShift", ["a", "sh"], ["shl"], name="shl", direction="LEFT"),
     h.make_node("Add", ["a", "b"], ["add"], name="add"),
     h.make_node("Sub", ["a", "b"], ["sub"], name="sub"),
     h.make_node("Mul", ["a", "b"], ["mul"], name="mul"),
     h.make_node("Cast", ["a"], ["f"], name="to_float", to=TP.FLOAT),
     h.make_node("Cast", ["a"], ["d"], name="to_double", to=TP.DOUBLE),
     h.make_node("Cast", ["a"], ["i"], name="to_int64", to=TP.INT64),
     h.make_node("Concat", ["a", "b"], ["cat"], name="concat", axis=0)],
    [vi("a", _U64, [3, 5]), vi("b", _U64, [3, 5])],
    [vi(o, _U64, None) for o in ("max", "min", "mod", "div", "shr", "shl", "add", "sub", "mul",
                                 "cat")] +
    [vi("gt", TP.BOOL, None), vi("lt", TP.BOOL, None), vi("f", F, None),
     vi("d", TP.DOUBLE, None), vi("i", I64, None)],
    [const("big", np.array([1 << 63, (1 << 64) - 1, 5, 0, 1 << 62], np.uint64)),
     const("sh", np.array([0, 1, 7, 63, 33], np.uint64))], opset=13)
# Det: a matrix, batches of them, 1 x 1, and (as constants times the
# input's sign pattern) a singular matrix and one whose first pivot is 0.
M["op_det"] = lambda: model(
    [h.make_node("Det", ["x"], ["d"], name="det_2d"),
     h.make_node("Det", ["y"], ["dy"], name="det_batched"),
     h.make_node("Det", ["z"], ["dz"], name="det_1x1"),
     h.make_node("Mul", ["sing", "s"], ["sm"], name="scale_singular"),
     h.make_node("Det", ["sm"], ["ds"], name="det_singular"),
     h.make_node("Mul", ["perm", "s"], ["pm"], name="scale_pivot"),
     h.make_node("Det", ["pm"], ["dp"], name="det_zero_pivot")],
    [vi("x", F, [4, 4]), vi("y", F, [2, 3, 5, 5]), vi("z", F, [3, 1, 1]), vi("s", F, [1])],
    [vi(o, F, None) for o in ("d", "dy", "dz", "ds", "dp")],
    [const("sing", np.array([[1, 2, 3], [2, 4, 6], [0, 1, 1]], np.float32)),
     const("perm", np.array([[0, 2, 1], [3, 0, 1], [1, 1, 0]], np.float32))], opset=11)
# Resize's keep_aspect_ratio_policy (opset 18): not_larger and not_smaller
# over the spatial axes (in either order), linear and nearest.
M["op_resize_keep_aspect"] = lambda: model(
    [h.make_node("Resize", ["x", "", "", "sz"], ["y"], name="not_larger_nearest", axes=[2, 3],
                 keep_aspect_ratio_policy="not_larger"),
     h.make_node("Resize", ["x", "", "", "sz"], ["y2"], name="not_smaller_linear", axes=[2, 3],
                 mode="linear", keep_aspect_ratio_policy="not_smaller"),
     h.make_node("Resize", ["x", "", "", "sz2"], ["y3"], name="axes_not_larger", axes=[2, 3],
                 mode="linear", keep_aspect_ratio_policy="not_larger"),
     h.make_node("Resize", ["x", "", "", "sz3"], ["y4"], name="axes_not_smaller", axes=[3, 2],
                 keep_aspect_ratio_policy="not_smaller")],
    [vi("x", F, [1, 2, 6, 9])], [vi(o, F, None) for o in ("y", "y2", "y3", "y4")],
    [const("sz", np.array([4, 4], np.int64)), const("sz2", np.array([13, 10], np.int64)),
     const("sz3", np.array([5, 3], np.int64))], opset=18)
# Dilated AveragePool (opset 19): pads with and without counting them,
# strides, ceil_mode.
M["op_avgpool_dilated"] = lambda: model(
    [h.make_node("AveragePool", ["x"], ["y"], name="dil", kernel_shape=[2, 3],
                 dilations=[2, 2]),
     h.make_node("AveragePool", ["x"], ["y2"], name="dil_pads", kernel_shape=[3, 3],
                 dilations=[2, 1], pads=[1, 2, 2, 1], strides=[2, 1]),
     h.make_node("AveragePool", ["x"], ["y3"], name="dil_pads_counted", kernel_shape=[3, 3],
                 dilations=[2, 1], pads=[1, 2, 2, 1], strides=[2, 1], count_include_pad=1),
     h.make_node("AveragePool", ["x"], ["y4"], name="dil_ceil", kernel_shape=[2, 2],
                 dilations=[2, 3], strides=[2, 2], ceil_mode=1),
     h.make_node("AveragePool", ["x"], ["y5"], name="dil_ceil_counted", kernel_shape=[2, 2],
                 dilations=[2, 2], strides=[3, 2], pads=[1, 1, 1, 1], ceil_mode=1,
                 count_include_pad=1)],
    [vi("x", F, [2, 3, 9, 10])], [vi(o, F, None) for o in ("y", "y2", "y3", "y4", "y5")],
    opset=19)
# Attention (opset 23): 4-D multi-head; 3-D grouped-query heads with a
# bool mask; causal with past keys/values (present outputs) and a float
# mask; scale, softcap and the softmax output (qk_matmul_output_mode 3).
M["op_attention23"] = lambda: model(
    [h.make_node("Attention", ["q", "k", "v"], ["y"], name="mha"),
     h.make_node("Attention", ["q3", "k3", "v3", "bm"], ["y2"], name="gqa_3d_bool_mask",
                 q_num_heads=4, kv_num_heads=2),
     h.make_node("Attention", ["q", "k", "v", "", "pk", "pv"], ["y3", "pres_k", "pres_v"],
                 name="causal_past", is_causal=1),
     h.make_node("Attention", ["q", "k", "v", "fm"], ["y4", "", "", "qk"],
                 name="softcap_scale", scale=0.3, softcap=2.0, qk_matmul_output_mode=3),
     h.make_node("Attention", ["q", "k", "v", "fm"], ["y5", "", "", "qk0"],
                 name="qk_raw", qk_matmul_output_mode=1),
     h.make_node("Attention", ["q", "k", "v", "fm"], ["y6", "", "", "qk2"],
                 name="qk_masked", qk_matmul_output_mode=2, softcap=3.0)],
    [vi("q", F, [2, 3, 4, 8]), vi("k", F, [2, 3, 5, 8]), vi("v", F, [2, 3, 5, 6]),
     vi("q3", F, [2, 4, 16]), vi("k3", F, [2, 6, 8]), vi("v3", F, [2, 6, 10]),
     vi("bm", TP.BOOL, [4, 6]), vi("pk", F, [2, 3, 2, 8]), vi("pv", F, [2, 3, 2, 6]),
     vi("fm", F, [2, 1, 4, 5])],
    [vi(o, F, None) for o in ("y", "y2", "y3", "pres_k", "pres_v", "y4", "qk", "y5", "qk0",
                              "y6", "qk2")],
    opset=23)
# Attention opset 24 with nonpad_kv_seqlen (run-time counts in {0, 1, 2}
# of 5 keys; a count of 0 masks a whole row), alone and with a float mask
# and softcap, 3-D grouped-query.
M["op_attention24"] = lambda: model(
    [h.make_node("Attention", ["q", "k", "v", "", "", "", "np"], ["y"], name="nonpad"),
     h.make_node("Attention", ["q", "k", "v", "fm", "", "", "np"], ["y2"], name="nonpad_mask",
                 softcap=2.0),
     h.make_node("Attention", ["q3", "k3", "v3", "", "", "", "np"], ["y3"], name="nonpad_gqa",
                 q_num_heads=4, kv_num_heads=2)],
    [vi("q", F, [2, 3, 4, 8]), vi("k", F, [2, 3, 5, 8]), vi("v", F, [2, 3, 5, 6]),
     vi("fm", F, [2, 1, 4, 5]), vi("np", I64, [2]),
     vi("q3", F, [2, 4, 16]), vi("k3", F, [2, 5, 8]), vi("v3", F, [2, 5, 10])],
    [vi(o, F, None) for o in ("y", "y2", "y3")], opset=24)
# RotaryEmbedding (opset 23): 4-D with position ids, 3-D interleaved with
# per-position caches, and a partial rotation.
M["op_rotary_embedding"] = lambda: model(
    [h.make_node("RotaryEmbedding", ["x", "cos", "sin", "pos"], ["y"], name="rope_4d"),
     h.make_node("RotaryEmbedding", ["x3", "cos3", "sin3"], ["y2"], name="rope_3d_interleaved",
                 num_heads=2, interleaved=1),
     h.make_node("RotaryEmbedding", ["x", "cosp", "sinp", "pos"], ["y3"], name="rope_partial",
                 rotary_embedding_dim=4)],
    [vi("x", F, [2, 3, 5, 8]), vi("x3", F, [2, 5, 12]), vi("cos3", F, [2, 5, 3]),
     vi("sin3", F, [2, 5, 3])],
    [vi(o, F, None) for o in ("y", "y2", "y3")],
    [const("cos", np.cos(np.outer(np.arange(16), np.arange(1, 5))).astype(np.float32)),
     const("sin", np.sin(np.outer(np.arange(16), np.arange(1, 5))).astype(np.float32)),
     const("cosp", np.cos(np.outer(np.arange(16), [0.5, 1.5])).astype(np.float32)),
     const("sinp", np.sin(np.outer(np.arange(16), [0.5, 1.5])).astype(np.float32)),
     const("pos", np.array([[0, 1, 2, 3, 4], [7, 3, 15, 0, 9]], np.int64))], opset=23)
# One element of a tensor at an offset, broadcast against a column of it:
# a rank-0 view at an offset in the GPU kernels (lost by the SPIR-V
# conversion before it became a one-element rank-1 view).
M["op_scalar_view"] = lambda: model(
    [h.make_node("Slice", ["x", "s1", "e1", "a1"], ["piv"], name="element"),
     h.make_node("Slice", ["x", "s2", "e2", "a2"], ["col"], name="column"),
     h.make_node("Add", ["col", "piv"], ["y"], name="add"),
     h.make_node("Div", ["col", "piv"], ["y2"], name="div")],
    [vi("x", F, [1, 3, 3])], [vi("y", F, None), vi("y2", F, None)],
    [const("s1", np.array([1, 1])), const("e1", np.array([2, 2])), const("a1", np.array([1, 2])),
     const("s2", np.array([1])), const("e2", np.array([2])), const("a2", np.array([2]))])
# Resize tf_crop_and_resize: linear and nearest (each rounding), crops
# reaching past the input (extrapolation_value), a one-point output, sizes,
# and opset 18 axes. (ORT's nearest mode copies an axis whose size does not
# change, ignoring its roi; ONNX crops it, as Octet does: the nearest cases
# here change every resized axis' size.)
def _crop(mode, roi, out=None, scales=None, **kw):
    ins = ["x", "roi", "sc" if scales is not None else "", "sz" if out is not None else ""]
    inits = [const("roi", np.array(roi, np.float32))]
    if scales is not None:
        inits.append(const("sc", np.array(scales, np.float32)))
    if out is not None:
        inits.append(const("sz", np.array(out, np.int64)))
    return ins, inits


def _crop_model():
    nodes, inits = [], []
    cases = [("linear", [0, 0, 0.2, 0.1, 1, 1, 0.8, 0.9], [1, 2, 5, 7], None, {}),
             ("linear", [0, 0, -0.3, 0.4, 1, 1, 1.2, 1.5], None, [1, 1, 1.5, 0.8],
              {"extrapolation_value": 7.5}),
             ("nearest", [0, 0, 0.1, 0.0, 1, 1, 0.9, 0.7], [1, 2, 7, 4], None, {}),
             ("nearest", [0, 0, 0.3, 0.2, 1, 1, 0.6, 1.3], [1, 2, 5, 6], None,
              {"nearest_mode": "round_prefer_ceil", "extrapolation_value": -1.0}),
             ("nearest", [0, 0, 0.1, 0.1, 1, 1, 0.9, 0.9], [1, 2, 4, 4], None,
              {"nearest_mode": "floor"}),
             ("linear", [0, 0, 0.5, 0.25, 1, 1, 0.5, 0.75], [1, 2, 1, 3], None, {})]
    outs = []
    for k, (mode, roi, out, scales, kw) in enumerate(cases):
        ins, ini = _crop(mode, roi, out, scales)
        ren = {i.name: i.name + str(k) for i in ini}
        for i in ini:
            i.name = ren[i.name]
        nodes.append(h.make_node("Resize", [ren.get(v, v) for v in ins], ["y%d" % k],
                                 name="crop%d" % k, mode=mode,
                                 coordinate_transformation_mode="tf_crop_and_resize", **kw))
        inits += ini
        outs.append(vi("y%d" % k, F, None))
    nodes.append(h.make_node("Resize", ["x", "roi_ax", "", "sz_ax"], ["y_axes"], name="crop_axes",
                             mode="linear", coordinate_transformation_mode="tf_crop_and_resize",
                             axes=[3, 2]))
    inits += [const("roi_ax", np.array([0.1, 0.2, 0.8, 0.9], np.float32)),
              const("sz_ax", np.array([6, 3], np.int64))]
    outs.append(vi("y_axes", F, None))
    return model(nodes, [vi("x", F, [1, 2, 6, 5])], outs, inits, opset=18)


M["op_resize_crop"] = _crop_model
# DeformConv (opset 19): offsets in [-2, 2) move taps past the image's
# edges; padding, strides, dilations, groups, offset groups, mask, bias.
M["op_deform_conv"] = lambda: model(
    [h.make_node("DeformConv", ["x", "w", "off"], ["y"], name="deform_basic"),
     h.make_node("DeformConv", ["x", "w", "offp", "b"], ["yp"], name="deform_pad_stride",
                 pads=[1, 2, 0, 1], strides=[2, 1], kernel_shape=[3, 3]),
     h.make_node("DeformConv", ["x4", "wg", "offg", "bg", "mask"], ["yg"], name="deform_groups",
                 group=2, offset_group=2, dilations=[2, 1], pads=[1, 1, 1, 1])],
    [vi("x", F, [2, 3, 6, 7]), vi("off", F, [2, 18, 4, 5]), vi("offp", F, [2, 18, 3, 8]),
     vi("x4", F, [1, 4, 7, 6]), vi("offg", F, [1, 16, 7, 7]), vi("mask", F, [1, 8, 7, 7])],
    [vi(o, F, None) for o in ("y", "yp", "yg")],
    [const("w", w(5, 3, 3, 3)), const("b", w(5)), const("wg", w(6, 2, 2, 2)), const("bg", w(6))],
    opset=19)
# RoiAlign: constant regions (adaptive and fixed grids, both coordinate
# modes, max), and run-time regions and batch indices (inputs in [-2, 2) and
# {0, 1, 2}: regions flipped, empty and past the map's edges).
_ROIS = np.array([[0.5, 1.0, 6.5, 5.0], [2.0, 0.0, 3.0, 7.5], [-1.0, -2.0, 9.0, 8.0],
                  [4.0, 3.0, 4.2, 3.1]], np.float32)
M["op_roi_align"] = lambda: model(
    [h.make_node("RoiAlign", ["x", "rois", "bi"], ["y_avg"], name="roi_adaptive",
                 output_height=3, output_width=2),
     h.make_node("RoiAlign", ["x", "rois", "bi"], ["y_out"], name="roi_output_half_pixel",
                 output_height=2, output_width=3, sampling_ratio=2, spatial_scale=0.5,
                 coordinate_transformation_mode="output_half_pixel"),
     h.make_node("RoiAlign", ["x", "rois", "bi"], ["y_max"], name="roi_max", mode="max",
                 output_height=2, output_width=2, sampling_ratio=3),
     h.make_node("RoiAlign", ["x", "rr", "rb"], ["y_rt"], name="roi_runtime",
                 output_height=2, output_width=3, spatial_scale=1.5, sampling_ratio=2),
     # (ONNX Runtime fails on flipped regions with adaptive grids: corners
     # sorted.)
     h.make_node("RoiAlign", ["x", "rs", "rb"], ["y_rta"], name="roi_runtime_adaptive",
                 output_height=2, output_width=3, spatial_scale=1.5),
     h.make_node("Slice", ["rr", "s0", "s2", "s1"], ["ra"], name="lo_corner"),
     h.make_node("Slice", ["rr", "s2", "s4", "s1"], ["rz"], name="hi_corner"),
     h.make_node("Min", ["ra", "rz"], ["rmin"], name="rmin"),
     h.make_node("Max", ["ra", "rz"], ["rmax"], name="rmax"),
     h.make_node("Concat", ["rmin", "rmax"], ["rs"], name="sorted", axis=1),
     h.make_node("RoiAlign", ["x", "rs", "rb"], ["y_rtmax"], name="roi_runtime_max",
                 mode="max", output_height=3, output_width=2, spatial_scale=2.0)],
    [vi("x", F, [3, 2, 8, 7]), vi("rr", F, [5, 4]), vi("rb", I64, [5])],
    [vi(o, F, None) for o in ("y_avg", "y_out", "y_max", "y_rt", "y_rta", "y_rtmax")],
    [const("rois", _ROIS), const("bi", np.array([0, 2, 1, 2], np.int64)),
     const("s0", np.array([0], np.int64)), const("s1", np.array([1], np.int64)),
     const("s2", np.array([2], np.int64)), const("s4", np.array([4], np.int64))], opset=16)
M["op_roi_align10"] = lambda: model(
    [h.make_node("RoiAlign", ["x", "rois", "bi"], ["y"], name="roi10", output_height=2,
                 output_width=2)],
    [vi("x", F, [3, 2, 8, 7])], [vi("y", F, None)],
    [const("rois", _ROIS), const("bi", np.array([0, 2, 1, 2], np.int64))], opset=10)
# TensorScatter (opset 24): write indices at run time (in {0, 1, 2}), linear
# and circular, the default axis and another one; without indices.
M["op_tensor_scatter"] = lambda: model(
    [h.make_node("TensorScatter", ["p", "u", "wi"], ["y"], name="scatter_linear"),
     h.make_node("TensorScatter", ["p3", "u3", "wi"], ["y3"], name="scatter_circular",
                 mode="circular", axis=1),
     h.make_node("TensorScatter", ["p", "u"], ["y0"], name="scatter_no_indices")],
    [vi("p", F, [3, 2, 5, 4]), vi("u", F, [3, 2, 3, 4]), vi("wi", I64, [3]),
     vi("p3", F, [3, 4, 2]), vi("u3", F, [3, 3, 2])],
    [vi(o, F, None) for o in ("y", "y3", "y0")], opset=24)
# Batch-major tensors (layout = 1).
M["op_lstm_batch_major"] = lambda: _lstm("bidirectional", seq=4, batch=3, init=True, layout=1)
M["op_gru_batch_major"] = lambda: _gru("reverse", seq=3, batch=2, init=True, layout=1)
M["op_rnn_batch_major"] = lambda: _rnn("forward", seq=5, batch=3, layout=1)
# LayerNormalization with its Mean and InvStdDev outputs, over the last two
# axes of a 3-D input.
M["op_layer_norm_stats"] = lambda: model(
    [h.make_node("LayerNormalization", ["x", "g", "b"], ["y", "mean", "inv"], name="ln",
                 axis=-2, epsilon=1e-3)],
    [vi("x", F, [2, 3, 5])], [vi("y", F, None), vi("mean", F, None), vi("inv", F, None)],
    [const("g", w(3, 5)), const("b", w(3, 5))], opset=17)


def qdq_one(op, extra=(), inits=(), xshape=(2, 4, 6, 6), oscale=0.06, ozp=100, opset=18,
            **attrs):
    """dq(q(x)) -> op -> q -> dq, ONNX Runtime's QDQ form of one op."""
    nx, ix = qdq_act("x", 120, 0.05)
    no, io = qdq_act("o", ozp, oscale)
    node = h.make_node(op, ["x_d"] + list(extra), ["o"], name="n_" + op, **attrs)
    return model(nx + [node] + no, [vi("x", F, list(xshape))], [vi("o_d", F, None)],
                 ix + io + list(inits), opset=opset)


M["qdq_op_leaky_relu"] = lambda: qdq_one("LeakyRelu", alpha=0.2)
M["qdq_op_hard_swish"] = lambda: qdq_one("HardSwish")
M["qdq_op_hard_sigmoid"] = lambda: qdq_one("HardSigmoid", oscale=1 / 255., ozp=0)
M["qdq_op_global_max_pool"] = lambda: qdq_one("GlobalMaxPool", oscale=0.05, ozp=120)
M["qdq_op_gather_nd"] = lambda: qdq_one("GatherND", extra=["i"], oscale=0.05, ozp=120,
                                        inits=[const("i", np.array([[1, 2], [0, -1]]))])
M["qdq_op_pad"] = lambda: qdq_one("Pad", extra=["p"], oscale=0.05, ozp=120,
                                  inits=[const("p", np.array([0, 0, 1, 2, 0, 0, 2, 1]))])
M["qdq_op_pad_reflect"] = lambda: qdq_one("Pad", extra=["p"], oscale=0.05, ozp=120,
                                          mode="reflect",
                                          inits=[const("p", np.array([0, 0, 1, 2, 0, 0, 2, 1]))])
M["qdq_op_pad_wrap"] = lambda: qdq_one("Pad", extra=["p"], oscale=0.05, ozp=120, opset=19,
                                       mode="wrap",
                                       inits=[const("p", np.array([0, 0, 1, 2, 0, 0, 2, 1]))])
M["qdq_op_resize_nearest"] = lambda: qdq_one("Resize", extra=["", "sc"], oscale=0.05, ozp=120,
                                             mode="nearest",
                                             inits=[const("sc", np.array([1, 1, 2, 2], np.float32))])
M["qdq_op_resize_linear"] = lambda: qdq_one("Resize", extra=["", "sc"], oscale=0.05, ozp=120,
                                            mode="linear",
                                            inits=[const("sc", np.array([1, 1, 2, 2], np.float32))])
def _qdq_softmax(zdtype, axis, oscale, ozp, shape=(2, 3, 10)):
    nx, ix = qdq_act("x", 20 if zdtype == np.int8 else 120, 0.06, zdtype)
    no, io = qdq_act("o", ozp, oscale, zdtype)
    return model(nx + [h.make_node("Softmax", ["x_d"], ["o"], name="softmax", axis=axis)] + no,
                 [vi("x", F, list(shape))], [vi("o_d", F, None)], ix + io)


# QDQ softmax runs as ORT's QLinearSoftmax: uint8 and int8, the last and a
# middle axis, the usual 1/256 output scale and an arbitrary one.
M["qdq_op_softmax"] = lambda: _qdq_softmax(np.uint8, -1, 1 / 256., 0)
M["qdq_op_softmax_axis1"] = lambda: _qdq_softmax(np.uint8, 1, 0.0371, 12)
M["qdq_op_softmax_s8"] = lambda: _qdq_softmax(np.int8, -1, 1 / 256., -128)
M["qdq_op_softmax_s8_odd"] = lambda: _qdq_softmax(np.int8, 2, 0.013, -100)
# int8 outputs whose rule passes 127 (zero point 86, floor(1 / 0.0118) = 84):
# ONNX Runtime saturates them at 127.
M["qdq_op_softmax_s8_sat"] = lambda: _qdq_softmax(np.int8, -1, 0.0118, 86)

M["qdq_op_gather_elements"] = lambda: qdq_one(
    "GatherElements", extra=["gi"], oscale=0.05, ozp=120, axis=2,
    inits=[const("gi", rng.integers(-6, 6, (2, 4, 3, 6)).astype(np.int64))])
M["qdq_op_max"] = lambda: model(
    qdq_act("x", 120, 0.05)[0] + qdq_act("y", 90, 0.03)[0] +
    [h.make_node("Max", ["x_d", "y_d"], ["o"], name="max")] + qdq_act("o", 100, 0.06)[0],
    [vi("x", F, [2, 4, 6, 6]), vi("y", F, [4, 1, 6])], [vi("o_d", F, None)],
    qdq_act("x", 120, 0.05)[1] + qdq_act("y", 90, 0.03)[1] + qdq_act("o", 100, 0.06)[1])


def qop_in(name, zp, scale):
    """QuantizeLinear of float input `name`: uint8 `name`_q and its params."""
    return (h.make_node("QuantizeLinear", [name, name + "_s", name + "_z"], [name + "_q"],
                        name="q_" + name),
            [const(name + "_s", np.float32(scale)), const(name + "_z", np.uint8(zp))])


def qop_model(nodes, inits, inputs, out, oscale, ozp):
    nodes = nodes + [h.make_node("DequantizeLinear", [out, "o_s", "o_z"], ["y"], name="dq_y")]
    inits = inits + [const("o_s", np.float32(oscale)), const("o_z", np.uint8(ozp))]
    return model(nodes, inputs, [vi("y", F, None)], inits, ms=True)


def _qop_concat():
    qa, ia = qop_in("a", 120, 0.05)
    qb, ib = qop_in("b", 30, 0.02)
    qc, ic = qop_in("c", 128, 0.07)
    n = h.make_node("QLinearConcat", ["o_s", "o_z", "a_q", "a_s", "a_z", "b_q", "b_s", "b_z",
                                      "c_q", "o_s", "o_z"], ["o"], name="qcat",
                    domain="com.microsoft", axis=1)
    return qop_model([qa, qb, qc, n], ia + ib + ic, [vi("a", F, [2, 3, 4]), vi("b", F, [2, 2, 4]),
                                                     vi("c", F, [2, 1, 4])], "o", 0.07, 128)


def _qop_unary(op, oscale, ozp, shape=(2, 4, 6, 6), **attrs):
    qx, ix = qop_in("x", 120, 0.05)
    n = h.make_node(op, ["x_q", "x_s", "x_z", "o_s", "o_z"], ["o"], name="n_" + op,
                    domain="com.microsoft", **attrs)
    return qop_model([qx, n], ix, [vi("x", F, list(shape))], "o", oscale, ozp)


# ONNX Runtime's fused dynamic-quantization ops.
M["qop_dynamic_matmul"] = lambda: model(
    [h.make_node("DynamicQuantizeMatMul", ["x", "b", "bs", "bz", "bias"], ["y"], name="dqmm",
                 domain="com.microsoft"),
     h.make_node("DynamicQuantizeMatMul", ["x", "b2", "bs2"], ["y2"], name="dqmm2",
                 domain="com.microsoft")],
    [vi("x", F, [2, 3, 8])], [vi("y", F, None), vi("y2", F, None)],
    [const("b", rng.integers(-128, 128, (8, 5)).astype(np.int8)),
     const("bs", rng.uniform(0.01, 0.03, 5).astype(np.float32)),
     const("bz", np.zeros(5, np.int8)), const("bias", w(5)),
     const("b2", rng.integers(0, 256, (8, 4)).astype(np.uint8)),
     const("bs2", np.float32(0.02))], ms=True)
M["qop_matmul_integer_to_float"] = lambda: model(
    [h.make_node("MatMulIntegerToFloat", ["a", "b", "as", "bs", "az", "bz", "bias"], ["y"],
                 name="mitf", domain="com.microsoft")],
    [vi("a", U8, [3, 8])], [vi("y", F, None)],
    [const("b", rng.integers(-128, 128, (8, 6)).astype(np.int8)),
     const("as", np.float32(0.05)), const("bs", rng.uniform(0.01, 0.03, 6).astype(np.float32)),
     const("az", np.uint8(120)), const("bz", np.zeros(6, np.int8)), const("bias", w(6))],
    ms=True)
M["qop_concat"] = _qop_concat


def _qop_where(same):
    """QLinearWhere with a broadcast condition (x > 0.5, from a float input);
    with `same` X and Z share parameters (ONNX Runtime copies those bytes)."""
    qa, ia = qop_in("a", 120, 0.05)
    qb, ib = qop_in("b", 30, 0.02)
    cond = h.make_node("Greater", ["c", "half"], ["cb"], name="gt")
    n = h.make_node("QLinearWhere", ["cb", "a_q", "a_s", "a_z", "b_q", "b_s", "b_z", "o_s", "o_z"],
                    ["o"], name="qwhere", domain="com.microsoft")
    return qop_model([qa, qb, cond, n], ia + ib + [const("half", np.float32(0.5))],
                     [vi("a", F, [2, 3, 4]), vi("b", F, [1, 4]), vi("c", F, [3, 1])], "o",
                     0.05 if same else 0.03, 120 if same else 100)


M["qop_where"] = lambda: _qop_where(False)
M["qop_where_same"] = lambda: _qop_where(True)
M["qop_leaky_relu"] = lambda: _qop_unary("QLinearLeakyRelu", 0.04, 110, alpha=0.15)
M["qop_avg_pool"] = lambda: _qop_unary("QLinearAveragePool", 0.03, 100, kernel_shape=[3, 3],
                                       strides=[2, 2], pads=[1, 1, 1, 1])
M["qop_avg_pool_incl"] = lambda: _qop_unary("QLinearAveragePool", 0.03, 100, kernel_shape=[2, 3],
                                            pads=[1, 0, 1, 1], count_include_pad=1)
M["qop_softmax"] = lambda: _qop_unary("QLinearSoftmax", 1 / 256., 0, shape=(2, 3, 10), axis=-1,
                                      opset=13)


def qlinear_conv():
    return model(
        [h.make_node("QuantizeLinear", ["x", "xs", "xzp"], ["xq"], name="q"),
         h.make_node("QLinearConv", ["xq", "xs", "xzp", "wq", "ws", "wzp", "ys", "yzp", "b"],
                     ["yq"], name="qconv", pads=[1, 1, 1, 1], group=2),
         h.make_node("QLinearMatMul", ["yq", "ys", "yzp", "mq", "ms", "mzp", "zs", "zzp"],
                     ["zq"], name="qmm"),
         h.make_node("DequantizeLinear", ["zq", "zs", "zzp"], ["y"], name="dq")],
        [vi("x", F, [1, 4, 5, 5])], [vi("y", F, None)],
        [const("xs", np.float32(0.02)), const("xzp", np.uint8(128)),
         const("wq", rng.integers(-127, 127, (6, 2, 3, 3)).astype(np.int8)),
         const("ws", np.linspace(0.01, 0.02, 6).astype(np.float32)),
         const("wzp", np.zeros(6, np.int8)),
         const("b", rng.integers(-100, 100, (6,)).astype(np.int32)),
         const("ys", np.float32(0.03)), const("yzp", np.uint8(5)),
         const("mq", rng.integers(-127, 127, (5, 3)).astype(np.int8)),
         const("ms", np.float32(0.004)), const("mzp", np.int8(0)),
         const("zs", np.float32(0.07)), const("zzp", np.uint8(128))])


M["qlinear_conv_matmul"] = qlinear_conv
# ONNX Runtime's u8 x s8 saturation on hosts without VNNI (docs/onnxruntime-
# saturation.md): x = 255 (4 values) times w = -128: the exact result is
# 200 + rint(-130560 / 1000) = 69; vpmaddubsw's int16 pair sums give 134.
M["qlinear_matmul_saturate"] = lambda: model(
    [h.make_node("QLinearMatMul", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["y"],
                 name="qmm")],
    [vi("x", U8, [1, 4])], [vi("y", U8, None)],
    [const("xs", np.float32(1.0)), const("xz", np.uint8(0)),
     const("w", np.full((4, 1), -128, np.int8)), const("ws", np.float32(1.0)),
     const("wz", np.int8(0)), const("ys", np.float32(1000.0)), const("yz", np.uint8(200))])
M["qop_ms"] = lambda: model(
    [h.make_node("QuantizeLinear", ["x", "s", "z"], ["xq"], name="q"),
     h.make_node("QLinearAdd", ["xq", "s", "z", "xq", "s", "z", "s2", "z"], ["a"],
                 name="qadd", domain="com.microsoft"),
     h.make_node("QLinearMul", ["a", "s2", "z", "xq", "s", "z", "s3", "z"], ["m"],
                 name="qmul", domain="com.microsoft"),
     h.make_node("QLinearSigmoid", ["m", "s3", "z", "s4", "z0"], ["sg"], name="qsig",
                 domain="com.microsoft"),
     h.make_node("QLinearGlobalAveragePool", ["sg", "s4", "z0", "s4", "z0"], ["g"],
                 name="qgap", domain="com.microsoft"),
     h.make_node("Flatten", ["g"], ["f"], name="flat"),
     h.make_node("QGemm", ["f", "s4", "z0", "gw", "gs", "gz", "gb", "s", "z"], ["o"],
                 name="qgemm", domain="com.microsoft", transB=1),
     h.make_node("DequantizeLinear", ["o", "s", "z"], ["y"], name="dq")],
    [vi("x", F, [1, 3, 4, 4])], [vi("y", F, None)],
    [const("s", np.float32(0.1)), const("z", np.uint8(128)), const("s2", np.float32(0.2)),
     const("s3", np.float32(0.3)), const("s4", np.float32(1.0 / 256)),
     const("z0", np.uint8(0)),
     const("gw", rng.integers(-127, 127, (2, 3)).astype(np.int8)),
     const("gs", np.float32(0.01)), const("gz", np.int8(0)),
     const("gb", np.array([5, -5], np.int32))], ms=True)
M["integer_ops"] = lambda: model(
    [h.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="dql"),
     h.make_node("MatMulInteger", ["xq", "w", "xz", "wz"], ["acc"], name="mmi"),
     h.make_node("Cast", ["acc"], ["accf"], name="cast", to=F),
     h.make_node("Mul", ["accf", "xs"], ["y"], name="rescale"),
     h.make_node("ConvInteger", ["img", "k"], ["cy"], name="convi")],
    [vi("x", F, [3, 4]), vi("img", U8, [1, 1, 5, 5])], [vi("y", F, None), vi("cy", I32, None)],
    [const("w", rng.integers(-100, 100, (4, 2)).astype(np.int8)), const("wz", np.int8(0)),
     const("k", rng.integers(0, 255, (2, 1, 3, 3)).astype(np.uint8))])
M["dynamic_linear"] = lambda: model(
    # ONNX Runtime's quantize_dynamic pattern for a linear layer.
    [h.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="dql"),
     h.make_node("MatMulInteger", ["xq", "w", "xz", "wz"], ["acc"], name="mmi"),
     h.make_node("Cast", ["acc"], ["accf"], name="cast", to=F),
     h.make_node("Mul", ["xs", "ws"], ["s"], name="scale"),
     h.make_node("Mul", ["accf", "s"], ["r"], name="rescale"),
     h.make_node("Add", ["r", "b"], ["y"], name="bias")],
    [vi("x", F, [2, 8, 64])], [vi("y", F, None)],
    [const("w", rng.integers(-127, 128, (64, 96)).astype(np.int8)), const("wz", np.int8(0)),
     const("ws", np.float32(0.004)), const("b", w(96))])
M["convinteger_grouped"] = lambda: model(
    # Grouped (3 groups of 2 input -> 2 output channels) and depthwise
    # ConvInteger with run-time input zero points, as quantize_dynamic emits.
    [h.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="dql"),
     h.make_node("ConvInteger", ["xq", "k", "xz", "kz"], ["y"], name="convi_g", group=3,
                 pads=[1, 1, 1, 1]),
     h.make_node("ConvInteger", ["xq", "kd", "xz"], ["yd"], name="convi_dw", group=6,
                 strides=[2, 1], dilations=[1, 2])],
    [vi("x", F, [2, 6, 7, 9])], [vi("y", I32, None), vi("yd", I32, None)],
    [const("k", rng.integers(0, 255, (6, 2, 3, 3)).astype(np.uint8)),
     const("kz", np.uint8(131)),
     const("kd", rng.integers(0, 255, (6, 1, 2, 3)).astype(np.uint8))])
M["convinteger_fast"] = lambda: model(
    # ConvInteger with constant weights on the im2col + integer-product path:
    # int8 weights (pads, strides, dilations) and uint8 weights around a zero
    # point of 128, run-time input zero point.
    [h.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="dql"),
     h.make_node("ConvInteger", ["xq", "k", "xz"], ["y"], name="convi_s8", pads=[1, 0, 2, 1],
                 strides=[1, 2], dilations=[2, 1]),
     h.make_node("ConvInteger", ["xq", "ku", "xz", "kz"], ["y2"], name="convi_u8",
                 pads=[1, 1, 1, 1])],
    [vi("x", F, [2, 5, 9, 11])], [vi("y", I32, None), vi("y2", I32, None)],
    [const("k", rng.integers(-127, 128, (7, 5, 3, 2)).astype(np.int8)),
     const("ku", rng.integers(1, 256, (6, 5, 3, 3)).astype(np.uint8)),
     const("kz", np.uint8(128))])
M["convinteger_1d"] = lambda: model(
    # 1-D ConvInteger (a Conv1d under quantize_dynamic): int8 weights with
    # pads, stride and dilation; grouped uint8 weights with a zero point and
    # SAME_UPPER padding; run-time input zero point.
    [h.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="dql"),
     h.make_node("ConvInteger", ["xq", "k", "xz"], ["y"], name="convi_1d", pads=[2, 1],
                 strides=[2], dilations=[2]),
     h.make_node("ConvInteger", ["xq", "ku", "xz", "kz"], ["y2"], name="convi_1d_g",
                 group=2, auto_pad="SAME_UPPER")],
    [vi("x", F, [2, 6, 23])], [vi("y", I32, None), vi("y2", I32, None)],
    [const("k", rng.integers(-127, 128, (5, 6, 3)).astype(np.int8)),
     const("ku", rng.integers(0, 256, (4, 3, 4)).astype(np.uint8)),
     const("kz", np.uint8(127))])
M["matmulinteger_batched_b"] = lambda: model(
    [h.make_node("MatMulInteger", ["a", "b"], ["y"], name="mmi_b3")],
    [vi("a", U8, [2, 3, 4])], [vi("y", I32, None)],
    [const("b", rng.integers(0, 255, (2, 4, 5)).astype(np.uint8))])
# Both operands at run time, batch dimensions broadcast (attention scores
# under dynamic quantization): [2,3,4,6] x [3,6,5] and [1,4,6] x [2,1,6,5].
M["matmulinteger_batched"] = lambda: model(
    [h.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["y"], name="mmi_bb"),
     h.make_node("MatMulInteger", ["c", "d", "az"], ["y2"], name="mmi_bc")],
    [vi("a", U8, [2, 3, 4, 6]), vi("b", U8, [3, 6, 5]), vi("c", U8, [1, 4, 6]),
     vi("d", U8, [2, 1, 6, 5])], [vi("y", I32, None), vi("y2", I32, None)],
    [const("az", np.uint8(131)), const("bz", np.uint8(7))])
def _mmi_vnni():
    """int8 rows x uint8 weights with per-column zero points (the VNNI
    kernel takes b - b_zp), batched rows, a constant row zero point."""
    bz = rng.integers(120, 136, 24).astype(np.uint8)
    b = np.clip(rng.integers(0, 256, (32, 24)), bz.astype(np.int64) - 128,
                bz.astype(np.int64) + 127).clip(0, 255).astype(np.uint8)
    return model([h.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["y"], name="mmi_v8")],
                 [vi("a", TP.INT8, [2, 3, 32])], [vi("y", I32, None)],
                 [const("b", b), const("az", np.int8(-3)), const("bz", bz)])


M["matmulinteger_vnni"] = _mmi_vnni
M["matmulinteger_vector_a"] = lambda: model(
    [h.make_node("MatMulInteger", ["a", "b"], ["y"], name="mmi_v")],
    [vi("a", U8, [4])], [vi("y", I32, None)],
    [const("b", rng.integers(0, 255, (4, 5)).astype(np.uint8))])
# One-element zero points of shape [1] (ONNX's own MatMulInteger example)
# with both operands at run time, and 1-D operands on either side with a
# per-column zero point of the weights.
M["matmulinteger_zp1"] = lambda: model(
    [h.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["y"], name="mmi_zp1"),
     h.make_node("MatMulInteger", ["v", "b", "az", "bz"], ["y2"], name="mmi_1d_a"),
     h.make_node("MatMulInteger", ["a", "u", "az"], ["y3"], name="mmi_1d_b"),
     h.make_node("MatMulInteger", ["v", "k", "az", "kz"], ["y4"], name="mmi_1d_k")],
    [vi("a", U8, [4, 3]), vi("b", U8, [3, 2]), vi("v", U8, [3]), vi("u", U8, [3])],
    [vi("y", I32, None), vi("y2", I32, None), vi("y3", I32, None), vi("y4", I32, None)],
    [const("az", np.array([12], np.uint8)), const("bz", np.array([200], np.uint8)),
     const("k", rng.integers(0, 255, (3, 5)).astype(np.uint8)),
     const("kz", rng.integers(0, 255, 5).astype(np.uint8))])
# An input with a zero-sized dimension (octetc refuses it by name).
M["zero_dim_input"] = lambda: model(
    [h.make_node("Relu", ["x"], ["y"], name="relu")], [vi("x", F, [2, 0])], [vi("y", F, [2, 0])])
M["uint8_input_dq"] = lambda: model(
    [h.make_node("DequantizeLinear", ["x", "s", "z"], ["y"], name="dq")],
    [vi("x", U8, [2, 2])], [vi("y", F, None)],
    [const("s", np.float32(0.25)), const("z", np.uint8(7))])
M["qdq_int16"] = lambda: model(
    [h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q16"),
     h.make_node("DequantizeLinear", ["q", "s", "z"], ["d"], name="dq16"),
     h.make_node("Relu", ["d"], ["r"], name="relu"),
     h.make_node("QuantizeLinear", ["r", "s", "z"], ["q2"], name="q16b"),
     h.make_node("DequantizeLinear", ["q2", "s", "z"], ["y"], name="dq16b")],
    [vi("x", F, [2, 3])], [vi("y", F, None)],
    [const("s", np.float32(0.001)), const("z", np.int16(0))], opset=21)
def int4(name, values, signed=True, typed=False):
    """An INT4 (22) or UINT4 (21) initializer, two values a byte, the first in
    the low nibble (ONNX 1.16; this onnx package predates the types): in
    raw_data, or with typed=True one packed byte per int32_data entry."""
    v = np.asarray(values).astype(np.int64)
    flat = v.ravel() & 0xF
    if flat.size % 2:
        flat = np.append(flat, 0)
    packed = (flat[0::2] | (flat[1::2] << 4)).astype(np.uint8)
    t = TP()
    t.name = name
    t.data_type = 22 if signed else 21
    t.dims.extend(v.shape)
    if typed:
        t.int32_data.extend(int(b) for b in packed)
    else:
        t.raw_data = packed.tobytes()
    return t


def _int4_blocked_matmul():
    # Weight-only 4-bit MatMul as ONNX Runtime's 4-bit quantizer writes it in
    # QDQ form: int4 weights, scales and zero points per block of 16 rows
    # (K = 40: the last block is partial).
    wq = rng.integers(-8, 8, (40, 24))
    nodes = [h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], name="dq_w",
                         axis=0, block_size=16),
             h.make_node("MatMul", ["x", "wd"], ["y"], name="mm")]
    return model(nodes, [vi("x", F, [2, 5, 40])], [vi("y", F, None)],
                 [int4("wq", wq), const("ws", rng.uniform(0.01, 0.05, (3, 24)).astype(np.float32)),
                  int4("wz", rng.integers(-2, 3, (3, 24)))], opset=21)


def _uint4_blocked_gemm():
    # uint4 weights in int32_data, blocks of 32 along axis 1 (70 = 2 x 32 + 6),
    # Gemm with transB and a bias.
    wq = rng.integers(0, 16, (24, 70))
    nodes = [h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], name="dq_w",
                         axis=1, block_size=32),
             h.make_node("Gemm", ["x", "wd", "bias"], ["y"], name="gemm", transB=1)]
    return model(nodes, [vi("x", F, [3, 70])], [vi("y", F, None)],
                 [int4("wq", wq, signed=False, typed=True),
                  const("ws", rng.uniform(0.01, 0.05, (24, 3)).astype(np.float32)),
                  int4("wz", rng.integers(6, 11, (24, 3)), signed=False), const("bias", w(24))],
                 opset=21)


def _int4_activations():
    # int4 activations (saturating: inputs in [-2, 2] at scale 0.05 cover
    # [-40, 40] before the clamp to [-8, 7]) into a convolution with int4
    # per-channel weights, then a uint4 QDQ pair with a zero point and a
    # per-channel int4 one.
    wq = rng.integers(-8, 8, (4, 3, 3, 3))
    nodes = [h.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"], name="q_x"),
             h.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"], name="dq_x"),
             h.make_node("DequantizeLinear", ["wq", "wsc"], ["wd"], name="dq_w", axis=0),
             h.make_node("Conv", ["xd", "wd"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             h.make_node("QuantizeLinear", ["c", "cs", "cz"], ["cq"], name="q_c"),
             h.make_node("DequantizeLinear", ["cq", "cs", "cz"], ["cd"], name="dq_c"),
             h.make_node("QuantizeLinear", ["cd", "ps", "pz"], ["pq"], name="q_p", axis=1),
             h.make_node("DequantizeLinear", ["pq", "ps", "pz"], ["y"], name="dq_p", axis=1)]
    return model(nodes, [vi("x", F, [2, 3, 6, 6])], [vi("y", F, None)],
                 [const("xs", np.float32(0.05)), int4("xz", np.int64(-1)), int4("wq", wq),
                  const("wsc", rng.uniform(0.02, 0.04, 4).astype(np.float32)),
                  const("cs", np.float32(0.01)), int4("cz", np.int64(8), signed=False),
                  const("ps", rng.uniform(0.005, 0.01, 4).astype(np.float32)),
                  int4("pz", rng.integers(-2, 2, 4))], opset=21)


def _int8_blocked_activations():
    # Blocked int8 QuantizeLinear -> DequantizeLinear on an activation: blocks
    # of 4 along the last axis (10 = 2 x 4 + 2), zero points per block.
    return model([h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q_b", axis=-1,
                              block_size=4),
                  h.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dq_b", axis=-1,
                              block_size=4)],
                 [vi("x", F, [2, 6, 10])], [vi("y", F, None)],
                 [const("s", rng.uniform(0.005, 0.02, (2, 6, 3)).astype(np.float32)),
                  const("z", rng.integers(-20, 20, (2, 6, 3)).astype(np.int8))], opset=21)


def _int4_conv_qdq():
    # A QDQ convolution (uint8 activations) whose weights are int4 per
    # channel: the integer path, with the 4-bit values in 8-bit storage.
    nx, ix = qdq_act("x", 120, 0.02)
    no, io = qdq_act("o", 100, 0.05)
    wq = rng.integers(-8, 8, (6, 4, 3, 3))
    nodes = nx + [h.make_node("DequantizeLinear", ["wq", "ws"], ["wd"], name="dq_w", axis=0),
                  h.make_node("Conv", ["x_d", "wd"], ["o"], name="conv", pads=[1, 1, 1, 1])] + no
    return model(nodes, [vi("x", F, [1, 4, 7, 7])], [vi("o_d", F, None)],
                 ix + io + [int4("wq", wq),
                            const("ws", rng.uniform(0.01, 0.03, 6).astype(np.float32))], opset=21)


M["qdq_int4_blocked_matmul"] = _int4_blocked_matmul
M["qdq_uint4_blocked_gemm"] = _uint4_blocked_gemm
M["qdq_int4_activations"] = _int4_activations
M["qdq_int8_blocked_activations"] = _int8_blocked_activations
M["qdq_int4_conv"] = _int4_conv_qdq


def _qdq_conv16(dt, zp, ozp):
    # A 16-bit QDQ convolution with a long reduction (512 x 3 x 3) on inputs
    # that saturate: int32 accumulation of 16-bit products would overflow.
    nx, ix = qdq_act("x", zp, 0.0005, dt)
    no, io = qdq_act("o", ozp, 0.05, dt)
    wq = np.full((8, 512, 3, 3), 127, np.int8)
    wq[1::2] = -128
    nodes = nx + [h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], name="dq_w", axis=0),
                  h.make_node("Conv", ["x_d", "wd"], ["o"], name="conv", pads=[1, 1, 1, 1])] + no
    return model(nodes, [vi("x", F, [1, 512, 4, 4])], [vi("o_d", F, None)],
                 ix + io + [const("wq", wq), const("ws", np.full(8, 0.01, np.float32)),
                            const("wz", np.zeros(8, np.int8))], opset=21)


M["qdq_conv_int16_deep"] = lambda: _qdq_conv16(np.int16, 0, 0)
M["qdq_conv_uint16_deep"] = lambda: _qdq_conv16(np.uint16, 32768, 32768)

# 16-bit QDQ Add, Mul and global average pooling run in float.
M["qdq_add_int16"] = lambda: qdq_graph("add", yshape=(4, 1, 1), scales=(0.0005, 0.0003, 0.0007),
                                       zdtype=np.int16, opset=21)
M["qdq_mul_uint16"] = lambda: qdq_graph("mul", scales=(0.0005, 0.0003, 0.0007), zdtype=np.uint16,
                                        opset=21)


def _qdq_gap16():
    nx, ix = qdq_act("x", 30000, 0.0005, np.uint16)
    no, io = qdq_act("o", 100, 0.0004, np.uint16)
    return model(nx + [h.make_node("GlobalAveragePool", ["x_d"], ["o"], name="gap")] + no,
                 [vi("x", F, [1, 3, 160, 160])], [vi("o_d", F, None)], ix + io, opset=21)


M["qdq_gap_uint16"] = _qdq_gap16
# Per-channel activations: per-axis -> per-tensor and per-tensor -> per-axis
# requantization (DequantizeLinear -> QuantizeLinear with other parameters).
M["qdq_requant_per_axis"] = lambda: model(
    [h.make_node("QuantizeLinear", ["x", "cs", "cz"], ["q1"], name="q_axis", axis=1),
     h.make_node("DequantizeLinear", ["q1", "cs", "cz"], ["d1"], name="dq_axis", axis=1),
     h.make_node("QuantizeLinear", ["d1", "ts", "tz"], ["q2"], name="q_tensor"),
     h.make_node("DequantizeLinear", ["q2", "ts", "tz"], ["y"], name="dq_tensor"),
     h.make_node("QuantizeLinear", ["x", "ts", "tz"], ["q3"], name="q_tensor2"),
     h.make_node("DequantizeLinear", ["q3", "ts", "tz"], ["d3"], name="dq_tensor2"),
     h.make_node("QuantizeLinear", ["d3", "cs", "cz"], ["q4"], name="q_axis2", axis=1),
     h.make_node("DequantizeLinear", ["q4", "cs", "cz"], ["y2"], name="dq_axis2", axis=1),
     h.make_node("QuantizeLinear", ["d1", "cs2", "cz2"], ["q5"], name="q_axis3", axis=1),
     h.make_node("DequantizeLinear", ["q5", "cs2", "cz2"], ["y3"], name="dq_axis3", axis=1)],
    [vi("x", F, [2, 3, 5])], [vi("y", F, None), vi("y2", F, None), vi("y3", F, None)],
    [const("cs", np.array([0.02, 0.05, 0.011], np.float32)),
     const("cz", np.array([10, 128, 250], np.uint8)),
     const("ts", np.float32(0.031)), const("tz", np.uint8(100)),
     const("cs2", np.array([0.07, 0.013, 0.03], np.float32)),
     const("cz2", np.array([0, 60, 200], np.uint8))])
# Back-to-back Q/DQ pairs, which ONNX Runtime merges into one pair with
# parameters of its own (DoubleQDQPairsRemover): uint8 and int8.
def _double_pair(zt, z1, z2):
    return model([h.make_node("QuantizeLinear", ["x", "s1", "z1"], ["q1"], name="q1"),
                  h.make_node("DequantizeLinear", ["q1", "s1", "z1"], ["d1"], name="dq1"),
                  h.make_node("QuantizeLinear", ["d1", "s2", "z2"], ["q2"], name="q2"),
                  h.make_node("DequantizeLinear", ["q2", "s2", "z2"], ["d2"], name="dq2"),
                  h.make_node("Relu", ["d2"], ["y"], name="relu")],
                 [vi("x", F, [4, 50])], [vi("y", F, None)],
                 [const("s1", np.float32(0.0347)), const("z1", zt(z1)),
                  const("s2", np.float32(0.1263)), const("z2", zt(z2))])


M["qdq_double_pair"] = lambda: _double_pair(np.uint8, 168, 133)
M["qdq_double_pair_s8"] = lambda: _double_pair(np.int8, 40, -5)
def _qdq_embedding(unsorted=False):
    """A quantized embedding table and position table, gathered and added
    (int8, as ORT's quantizer writes transformer inputs); optionally with
    its nodes out of topological order (ONNX Runtime accepts that)."""
    ng, ig = qdq_act("g", 0, 0.05, np.int8)
    no, io = qdq_act("o", 3, 0.07, np.int8)
    nodes = [h.make_node("DequantizeLinear", ["pq", "ps", "pz"], ["pos_d"], name="dq_pos"),
             h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], name="dq_w"),
             h.make_node("Gather", ["wd", "ids"], ["g"], name="gather", axis=0)] + ng + \
        [h.make_node("Add", ["g_d", "pos_d"], ["o"], name="add")] + no
    if unsorted:
        nodes = nodes[::-1]
    return model(nodes, [vi("ids", I64, [2, 5])], [vi("o_d", F, None)],
                 [const("wq", rng.integers(-128, 128, (10, 6)).astype(np.int8)),
                  const("ws", np.float32(0.05)), const("wz", np.int8(0)),
                  const("pq", rng.integers(-128, 128, (5, 6)).astype(np.int8)),
                  const("ps", np.float32(0.03)), const("pz", np.int8(0))] + ig + io)


M["qdq_embedding"] = _qdq_embedding
M["qdq_embedding_unsorted"] = lambda: _qdq_embedding(True)

M["qop_uint8_io"] = lambda: model(
    # A QOperator graph whose input and output are raw uint8 tensors.
    [h.make_node("QLinearConv", ["x", "s", "z", "w", "ws", "wz", "ys", "yz"], ["y"],
                 name="qconv")],
    [vi("x", U8, [1, 1, 4, 4])], [vi("y", U8, None)],
    [const("s", np.float32(0.1)), const("z", np.uint8(3)),
     const("w", np.ones((2, 1, 3, 3), np.int8)), const("ws", np.float32(0.05)),
     const("wz", np.int8(0)), const("ys", np.float32(0.2)), const("yz", np.uint8(7))])
M["qdq_requant_chain"] = lambda: model(
    # DequantizeLinear -> QuantizeLinear with other parameters.
    [h.make_node("QuantizeLinear", ["x", "s1", "z1"], ["a"], name="qa"),
     h.make_node("DequantizeLinear", ["a", "s1", "z1"], ["b"], name="dqa"),
     h.make_node("QuantizeLinear", ["b", "s2", "z2"], ["c"], name="qb"),
     h.make_node("DequantizeLinear", ["c", "s2", "z2"], ["y"], name="dqb")],
    [vi("x", F, [4])], [vi("y", F, None)],
    [const("s1", np.float32(0.1)), const("z1", np.uint8(128)),
     const("s2", np.float32(0.05)), const("z2", np.int8(0))])


def external_weights(out):
    """A MatMul whose weight lives in a file beside the model."""
    import os
    wt = np.arange(12, dtype=np.float32).reshape(3, 4)
    t = nh.from_array(wt, "w")
    t.ClearField("raw_data")
    t.data_location = TP.EXTERNAL
    for k, v in (("location", "weights.bin"), ("offset", "16"), ("length", "48")):
        e = t.external_data.add()
        e.key, e.value = k, v
    with open(os.path.join(os.path.dirname(os.path.abspath(out)), "weights.bin"), "wb") as f:
        f.write(bytes(16) + wt.tobytes())
    return model([h.make_node("MatMul", ["x", "w"], ["y"], name="mm")], [vi("x", F, [2, 3])],
                 [vi("y", F, None)], [t])


# ----- bad input -------------------------------------------------------------
M["bad_unsupported_op"] = lambda: model(
    [h.make_node("NonMaxSuppression", ["x"], ["r"], name="nms0"),
     h.make_node("Relu", ["r"], ["t"], name="relu"),
     h.make_node("Frobnicate", ["t"], ["y"], name="frob", domain="com.example")],
    [vi("x", F, [1, 1, 2, 2])], [vi("y", F, None)])
M["bad_attr_storage_order"] = lambda: model(
    [h.make_node("MaxPool", ["x"], ["y"], name="pool0", kernel_shape=[2, 2], storage_order=2)],
    [vi("x", F, [1, 1, 4, 4])], [vi("y", F, None)])
M["bad_attr_auto_pad"] = lambda: model(
    [h.make_node("Conv", ["x", "w"], ["y"], name="conv0", auto_pad="DIAGONAL")],
    [vi("x", F, [1, 1, 4, 4])], [vi("y", F, None)], [const("w", w(1, 1, 3, 3))])
# 4-D convolutions are not supported; 3-D ones with a dynamic input, a
# wrong stride count, channels that do not match the group, a kernel deeper
# than the padded input.
M["bad_conv4d"] = lambda: model(
    [h.make_node("Conv", ["x", "w"], ["y"], name="conv4d")],
    [vi("x", F, [1, 1, 4, 4, 4, 4])], [vi("y", F, None)], [const("w", w(1, 1, 3, 3, 3, 3))])
M["bad_conv3d_dynamic"] = lambda: model(
    [h.make_node("Conv", ["x", "w"], ["y"], name="conv3d")],
    [vi("x", F, [1, 1, "d", 4, 4])], [vi("y", F, None)], [const("w", w(1, 1, 3, 3, 3))])
M["bad_conv3d_strides"] = lambda: model(
    [h.make_node("Conv", ["x", "w"], ["y"], name="conv3d", strides=[1, 1])],
    [vi("x", F, [1, 1, 4, 4, 4])], [vi("y", F, None)], [const("w", w(1, 1, 3, 3, 3))])
M["bad_conv3d_group"] = lambda: model(
    [h.make_node("Conv", ["x", "w"], ["y"], name="conv3d", group=2)],
    [vi("x", F, [1, 3, 4, 4, 4])], [vi("y", F, None)], [const("w", w(2, 1, 3, 3, 3))])
M["bad_conv3d_depth"] = lambda: model(
    [h.make_node("Conv", ["x", "w"], ["y"], name="conv3d")],
    [vi("x", F, [1, 1, 2, 4, 4])], [vi("y", F, None)], [const("w", w(1, 1, 3, 3, 3))])
M["bad_opset"] = lambda: unary("Relu", opset=99) if False else model(
    [h.make_node("Relu", ["x"], ["y"], name="relu")], [vi("x", F, [2])],
    [vi("y", F, None)], opset=99)
M["bad_shapes"] = lambda: binary("Add", a=(2, 3), b=(4, 5))
M["bad_conv_channels"] = lambda: model(
    [h.make_node("Conv", ["x", "w"], ["y"], name="conv_ch")],
    [vi("x", F, [1, 3, 8, 8])], [vi("y", F, None)], [const("w", w(4, 2, 3, 3))])
M["bad_reshape"] = lambda: model(
    [h.make_node("Reshape", ["x", "s"], ["y"], name="resh")],
    [vi("x", F, [2, 3])], [vi("y", F, None)], [const("s", np.array([4, 2], np.int64))])
M["bad_scale"] = lambda: model(
    [h.make_node("QuantizeLinear", ["x", "s", "z"], ["y"], name="q_neg")],
    [vi("x", F, [2])], [vi("y", U8, None)],
    [const("s", np.float32(-0.5)), const("z", np.uint8(0))])
M["bad_zp_count"] = lambda: model(
    [h.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dq_axis", axis=0)],
    [vi("q", I8, [3, 2])], [vi("y", F, None)],
    [const("s", np.array([0.1, 0.2, 0.3], np.float32)), const("z", np.zeros(2, np.int8))])
M["bad_axis_scales"] = lambda: model(
    [h.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dq_axis", axis=1)],
    [vi("q", I8, [3, 2])], [vi("y", F, None)],
    [const("s", np.array([0.1, 0.2, 0.3], np.float32)), const("z", np.zeros(3, np.int8))])
# Scales and zero points given at run time: per tensor and per axis, and
# DynamicQuantizeLinear written out as ONNX defines it (its scale and zero
# point computed from the data).
M["qdq_runtime_params"] = lambda: model(
    [h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q_rt"),
     h.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dq_rt"),
     h.make_node("QuantizeLinear", ["x", "s3", "z3"], ["q3"], name="q_rt_axis", axis=1),
     h.make_node("DequantizeLinear", ["q3", "s3", "z3"], ["y3"], name="dq_rt_axis", axis=1),
     h.make_node("QuantizeLinear", ["x", "s"], ["qd"], name="q_rt_default")],
    [vi("x", F, [2, 3, 4]), vi("s", F, []), vi("z", U8, []), vi("s3", F, [3]),
     vi("z3", I8, [3])], [vi("y", F, None), vi("y3", F, None), vi("qd", U8, None)], opset=13)


def _dql_expanded():
    c = lambda name, v: h.make_node("Constant", [], [name], name="c_" + name,
                                    value=nh.from_array(np.array(v, np.float32), name))
    nodes = [c("zero", 0.0), c("qmax", 255.0),
             h.make_node("ReduceMin", ["x"], ["mn0"], name="rmin", keepdims=0),
             h.make_node("ReduceMax", ["x"], ["mx0"], name="rmax", keepdims=0),
             h.make_node("Min", ["mn0", "zero"], ["mn"], name="min0"),
             h.make_node("Max", ["mx0", "zero"], ["mx"], name="max0"),
             h.make_node("Sub", ["mx", "mn"], ["rng"], name="range"),
             h.make_node("Div", ["rng", "qmax"], ["scale"], name="scale"),
             h.make_node("Div", ["mn", "scale"], ["mns"], name="mn_s"),
             h.make_node("Sub", ["zero", "mns"], ["zpf"], name="zp_f"),
             h.make_node("Clip", ["zpf", "zero", "qmax"], ["zpc"], name="zp_clip"),
             h.make_node("Round", ["zpc"], ["zpr"], name="zp_round"),
             h.make_node("Cast", ["zpr"], ["zp"], name="zp_cast", to=U8),
             h.make_node("QuantizeLinear", ["x", "scale", "zp"], ["y"], name="q"),
             h.make_node("DequantizeLinear", ["y", "scale", "zp"], ["yd"], name="dq")]
    return model(nodes, [vi("x", F, [3, 7])], [vi("y", U8, None), vi("yd", F, None)], opset=13)


M["dynamic_quantize_expanded"] = _dql_expanded
M["bad_dynamic_scale"] = lambda: model(
    [h.make_node("QuantizeLinear", ["x", "s"], ["y"], name="q_dyn", axis=1, block_size=2)],
    [vi("x", F, [2, 4]), vi("s", F, [2, 2])], [vi("y", U8, None)], opset=21)
M["bad_undefined_input"] = lambda: model(
    [h.make_node("Relu", ["nowhere"], ["y"], name="relu_orphan")],
    [vi("x", F, [2])], [vi("y", F, None)])
M["bad_initializer_size"] = lambda: model(
    [h.make_node("Add", ["x", "c"], ["y"], name="add")],
    [vi("x", F, [4])], [vi("y", F, None)],
    [short_tensor()])
M["bad_bias_type"] = lambda: model(
    [h.make_node("QLinearConv", ["x", "s", "z", "w", "s", "wz", "s", "z", "b"], ["y"],
                 name="qconv_fbias")],
    [vi("x", U8, [1, 1, 3, 3])], [vi("y", U8, None)],
    [const("s", np.float32(0.1)), const("z", np.uint8(0)),
     const("w", np.ones((1, 1, 1, 1), np.int8)), const("wz", np.int8(0)),
     const("b", np.ones(1, np.float32))])
M["bad_uint8_weight_sign"] = lambda: model(
    [h.make_node("QLinearMatMul", ["a", "s", "z", "b", "s", "z", "s", "z"], ["y"],
                 name="qmm_sign")],
    [vi("a", U8, [2, 2]), vi("b", I8, [2, 2])], [vi("y", U8, None)],
    [const("s", np.float32(0.1)), const("z", np.uint8(0))])


# ----- more bad input: one generator per importer diagnostic ------------------
def one(op, inputs, outputs=("y",), inits=(), in_vis=None, opset=13, ms=False, **attrs):
    node = h.make_node(op, list(inputs), list(outputs), name="n0",
                       domain="com.microsoft" if ms else "", **attrs)
    return model([node], in_vis or [], [vi(o, F, None) for o in outputs if o], inits,
                 opset=opset, ms=ms)


def _int4_short():
    t = int4("q", np.array([1, 2, 3, 4, 5]))
    t.raw_data = t.raw_data[:2]
    return one("DequantizeLinear", ["q", "s"], inits=[t, const("s", np.float32(0.1))], opset=21)


def ext_data(location, length):
    t = TP()
    t.name = "c"
    t.data_type = F
    t.dims.extend([4])
    t.data_location = TP.EXTERNAL
    for k, v in (("location", location), ("offset", "0"), ("length", str(length))):
        e = t.external_data.add()
        e.key, e.value = k, v
    return model([h.make_node("Add", ["x", "c"], ["y"], name="add")], [vi("x", F, [4])],
                 [vi("y", F, None)], [t])


def typed_mismatch():
    t = TP()
    t.name = "c"
    t.data_type = F
    t.dims.extend([4])
    t.float_data.extend([1.0, 2.0])
    return model([h.make_node("Add", ["x", "c"], ["y"], name="add")], [vi("x", F, [4])],
                 [vi("y", F, None)], [t])


def negative_dim():
    t = TP()
    t.name = "c"
    t.data_type = F
    t.dims.extend([-2])
    return model([h.make_node("Add", ["x", "c"], ["y"], name="add")], [vi("x", F, [4])],
                 [vi("y", F, None)], [t])


X4 = [vi("x", F, [1, 2, 4, 4])]
B = {
    "ext_missing": lambda: ext_data("no_such_weights.bin", 16),
    "ext_short": lambda: ext_data("short_weights.bin", 16),
    "typed_count": typed_mismatch,
    "negative_dim": negative_dim,
    "no_shape": lambda: model([h.make_node("Relu", ["x"], ["y"], name="relu")],
                              [h.make_tensor_value_info("x", F, None)], [vi("y", F, None)]),
    "sequence_input": lambda: model(
        [h.make_node("Identity", ["x"], ["y"], name="id")],
        [h.make_tensor_sequence_value_info("x", F, [2])], [vi("y", F, None)]),
    "string_input": lambda: model([h.make_node("Identity", ["x"], ["y"], name="id")],
                                  [vi("x", TP.STRING, [2])], [vi("y", F, None)]),
    "missing_output": lambda: model([h.make_node("Relu", ["x"], ["y"], name="relu")],
                                    [vi("x", F, [2])], [vi("nothing", F, None)]),
    "softmax_axis_opset11": lambda: one("Softmax", ["x"], in_vis=[vi("x", F, [2, "C", 4])],
                                        opset=11, axis=1),
    "softmax_axis_range": lambda: one("Softmax", ["x"], in_vis=[vi("x", F, [2, 3])], axis=5),
    "reshape_dynamic_len": lambda: one("Reshape", ["x", "s"],
                                       in_vis=[vi("x", F, [2, 3]), vi("s", I64, ["n"])]),
    "reshape_float_shape": lambda: one("Reshape", ["x", "s"], in_vis=[vi("x", F, [2, 3])],
                                       inits=[const("s", np.array([6.0], np.float32))]),
    "split_even_dynamic": lambda: one("Split", ["x"], ("a", "b"),
                                      in_vis=[vi("x", F, ["n", 3])], axis=0),
    "split_count": lambda: one("Split", ["x", "sp"], ("a", "b"), in_vis=[vi("x", F, [4])],
                               inits=[const("sp", np.array([1, 1, 2], np.int64))]),
    "split_sum": lambda: one("Split", ["x", "sp"], ("a", "b"), in_vis=[vi("x", F, [4])],
                             inits=[const("sp", np.array([1, 1], np.int64))]),
    "split_dynamic_sizes": lambda: one("Split", ["x", "sp"], ("a", "b"),
                                       in_vis=[vi("x", F, [4]), vi("sp", I64, [2])]),
    "split_axis": lambda: one("Split", ["x"], ("a", "b"), in_vis=[vi("x", F, [4])], axis=3),
    "split_opset18": lambda: one("Split", ["x"], ("a", "b", "c"), in_vis=[vi("x", F, [7, 2])],
                                 opset=18, num_outputs=3),
    "autopad_dynamic": lambda: one("Conv", ["x", "w"], in_vis=[vi("x", F, [1, 1, "h", 4])],
                                   inits=[const("w", w(1, 1, 3, 3))], auto_pad="SAME_UPPER"),
    "unsqueeze_dynamic_axes": lambda: one("Unsqueeze", ["x", "a"],
                                          in_vis=[vi("x", F, [2]), vi("a", I64, [1])]),
    "unsqueeze_axis": lambda: one("Unsqueeze", ["x", "a"], in_vis=[vi("x", F, [2])],
                                  inits=[const("a", np.array([5], np.int64))]),
    "squeeze_not_one": lambda: one("Squeeze", ["x", "a"], in_vis=[vi("x", F, [2, 3])],
                                   inits=[const("a", np.array([1], np.int64))]),
    "squeeze_axis": lambda: one("Squeeze", ["x", "a"], in_vis=[vi("x", F, [2, 1])],
                                inits=[const("a", np.array([4], np.int64))]),
    "squeeze_dynamic": lambda: one("Squeeze", ["x"], in_vis=[vi("x", F, ["n", 1])]),
    "flatten_axis": lambda: one("Flatten", ["x"], in_vis=[vi("x", F, [2, 3])], axis=4),
    "flatten_dynamic": lambda: one("Flatten", ["x"], in_vis=[vi("x", F, ["a", 3, "b"])], axis=1),
    "layernorm_axis": lambda: one("LayerNormalization", ["x", "g"], in_vis=[vi("x", F, [2, 3])],
                                  inits=[const("g", w(3))], opset=17, axis=2),
    "batchnorm_training_rank": lambda: one("BatchNormalization", ["x", "s", "b", "m", "v"],
                                           in_vis=[vi("x", F, [3])],
                                           inits=[const(k, w(3)) for k in "sbmv"],
                                           opset=14, training_mode=1),
    "batchnorm_training_params": lambda: one("BatchNormalization", ["x", "s", "b", "m", "v"],
                                             in_vis=X4,
                                             inits=[const("s", w(3))] +
                                             [const(k, w(2)) for k in "bmv"],
                                             opset=14, training_mode=1),
    "batchnorm_outputs": lambda: one("BatchNormalization", ["x", "s", "b", "m", "v"],
                                     ("y", "rm"), in_vis=X4,
                                     inits=[const(k, w(2)) for k in "sbmv"], opset=9),
    "concat_axis": lambda: one("Concat", ["x", "x"], in_vis=[vi("x", F, [2])], axis=2),
    "concat_types": lambda: one("Concat", ["x", "i"], in_vis=[vi("x", F, [2]), vi("i", I64, [2])],
                                axis=0),
    "concat_empty": lambda: one("Concat", [], axis=0),
    "gather_axis": lambda: one("Gather", ["x", "i"], in_vis=[vi("x", F, [2]), vi("i", I64, [1])],
                               axis=1),
    "clip_vector_const": lambda: one("Clip", ["x", "lo"], in_vis=[vi("x", F, [2])],
                                     inits=[const("lo", np.zeros(2, np.float32))]),
    "constant_two_attrs": lambda: model(
        [h.make_node("Constant", [], ["y"], name="n0", value_float=1.0, value_int=2)], [],
        [vi("y", F, None)]),
    "constant_sparse": lambda: model(
        [h.make_node("Constant", [], ["y"], name="n0",
                     sparse_value=h.make_sparse_tensor(
                         h.make_tensor("v", F, [1], [1.0]), h.make_tensor("i", I64, [1], [0]),
                         [2]))], [], [vi("y", F, None)]),
    "cos_negative": lambda: one("ConstantOfShape", ["s"],
                                inits=[const("s", np.array([2, -3], np.int64))]),
    "cos_dynamic_len": lambda: one("ConstantOfShape", ["s"], in_vis=[vi("s", I64, ["n"])]),
    "cos_value": lambda: one("ConstantOfShape", ["s"],
                             inits=[const("s", np.array([2], np.int64))],
                             value=h.make_tensor("v", F, [2], [1.0, 2.0])),
    "missing_input": lambda: one("Conv", ["x"], in_vis=X4),
    "conv_int_input": lambda: one("Conv", ["x", "w"], in_vis=[vi("x", I32, [1, 1, 4, 4])],
                                  inits=[const("w", w(1, 1, 3, 3))]),
    "conv_strides": lambda: one("Conv", ["x", "w"], in_vis=X4,
                                inits=[const("w", w(1, 2, 3, 3))], strides=[1]),
    "conv_kernel_shape": lambda: one("Conv", ["x", "w"], in_vis=X4,
                                     inits=[const("w", w(1, 2, 3, 3))], kernel_shape=[3]),
    "add_types": lambda: one("Add", ["x", "i"], in_vis=[vi("x", F, [2]), vi("i", I64, [2])]),
    "pool_rank": lambda: one("MaxPool", ["x"], in_vis=[vi("x", F, [1, 2, 4, 4, 4, 4])],
                             kernel_shape=[2, 2, 2, 2]),
    "pool3d_kernel": lambda: one("AveragePool", ["x"], in_vis=[vi("x", F, [1, 2, 4, 4, 4])],
                                 kernel_shape=[2, 2]),
    "pool3d_dynamic": lambda: one("MaxPool", ["x"], in_vis=[vi("x", F, [1, 2, "d", 4, 4])],
                                  kernel_shape=[2, 2, 2]),
    "pool3d_indices": lambda: one("MaxPool", ["x"], ("y", "idx"),
                                  in_vis=[vi("x", F, [1, 2, 4, 4, 4])], kernel_shape=[2, 2, 2]),
    "pool_kernel": lambda: one("MaxPool", ["x"], in_vis=X4, kernel_shape=[2, 2, 2]),
    "pool_indices": lambda: one("MaxPool", ["x"], ("y", "idx"), in_vis=[vi("x", F, [1, 2, 4])],
                                kernel_shape=[2]),
    "pool_indices_dynamic": lambda: one("MaxPool", ["x"], ("y", "idx"),
                                        in_vis=[vi("x", F, ["N", 2, 4, 4])], kernel_shape=[2, 2]),
    "maxunpool_rank": lambda: one("MaxUnpool", ["x", "i"], kernel_shape=[2],
                                  in_vis=[vi("x", F, [1, 2, 4]), vi("i", I64, [1, 2, 4])]),
    "maxunpool_shapes": lambda: one("MaxUnpool", ["x", "i"], kernel_shape=[2, 2], in_vis=X4 +
                                    [vi("i", I64, [1, 2, 4, 3])]),
    "maxunpool_int32": lambda: one("MaxUnpool", ["x", "i"], kernel_shape=[2, 2],
                                   in_vis=X4 + [vi("i", I32, [1, 2, 4, 4])]),
    "maxunpool_no_kernel": lambda: one("MaxUnpool", ["x", "i"],
                                       in_vis=X4 + [vi("i", I64, [1, 2, 4, 4])]),
    "maxunpool_output_shape": lambda: one("MaxUnpool", ["x", "i", "os"], kernel_shape=[2, 2],
                                          in_vis=X4 + [vi("i", I64, [1, 2, 4, 4])],
                                          inits=[const("os", np.array([1, 3, 8, 8]))]),
    "avgpool_dilations": lambda: one("AveragePool", ["x"], in_vis=[vi("x", F, ["n", 2, 6, 6])],
                                     opset=19,
                                     kernel_shape=[2, 2], dilations=[2, 2]),
    "gap_rank": lambda: one("GlobalAveragePool", ["x"], in_vis=[vi("x", F, [1, 2])]),
    "gap3d_dynamic": lambda: one("GlobalAveragePool", ["x"], in_vis=[vi("x", F, [1, 2, 3, "h", 4])]),
    "dropout_mask": lambda: one("Dropout", ["x"], ("y", "mask"), in_vis=[vi("x", F, ["n"])]),
    "gelu_approx": lambda: one("Gelu", ["x"], in_vis=[vi("x", F, [2])], opset=20,
                               approximate="sigmoid"),
    "fused_conv_act": lambda: one("FusedConv", ["x", "w"], in_vis=X4, ms=True, activation="Elu",
                                  inits=[const("w", w(3, 2, 1, 1))]),
    "fused_conv_clip": lambda: one("FusedConv", ["x", "w"], in_vis=X4, ms=True, activation="Clip",
                                   activation_params=[0.0], inits=[const("w", w(3, 2, 1, 1))]),
    "fused_matmul_batch": lambda: one("FusedMatMul", ["x", "x"], in_vis=X4, ms=True,
                                      transBatchA=1),
    "skip_ln_mean": lambda: one("SkipLayerNormalization", ["x", "x", "g"], ("y", "mean"), ms=True,
                                in_vis=X4, inits=[const("g", w(4))]),
    "skip_ln_broadcast": lambda: one("SkipLayerNormalization", ["s", "x", "g"], ms=True,
                                     in_vis=[vi("s", F, [4])] + X4, inits=[const("g", w(4))]),
    "gelu_opset20": lambda: one("Gelu", ["x"], in_vis=[vi("x", F, [2])], opset=20),
    "reduce_dynamic_axes": lambda: one("ReduceSum", ["x", "a"],
                                       in_vis=[vi("x", F, [2, 3]), vi("a", I64, [1])]),
    "reduce_axis": lambda: one("ReduceMean", ["x"], in_vis=[vi("x", F, [2, 3])], axes=[3]),
    "reduce_mean_opset18": lambda: one("ReduceMean", ["x", "a"], in_vis=[vi("x", F, [2, 3])],
                                       inits=[const("a", np.array([-1], np.int64))], opset=18,
                                       keepdims=0),
    "slice_dynamic": lambda: one("Slice", ["x", "s", "e"],
                                 in_vis=[vi("x", F, [4]), vi("s", I64, [1])],
                                 inits=[const("e", np.array([3], np.int64))]),
    "slice_axis": lambda: one("Slice", ["x", "s", "e", "a"], in_vis=[vi("x", F, [4])],
                              inits=[const("s", np.array([0], np.int64)),
                                     const("e", np.array([3], np.int64)),
                                     const("a", np.array([2], np.int64))]),
    "q_block_size": lambda: one("QuantizeLinear", ["x", "s"], in_vis=[vi("x", F, [4])],
                                inits=[const("s", np.float32(0.1))], opset=21, block_size=2),
    "q_block_negative": lambda: one("QuantizeLinear", ["x", "s"], in_vis=[vi("x", F, [4])],
                                    inits=[const("s", np.full(2, 0.1, np.float32))], opset=21,
                                    axis=0, block_size=-2),
    "dq_block_scale_shape": lambda: one("DequantizeLinear", ["q", "s"],
                                        in_vis=[vi("q", I8, [4, 6])],
                                        inits=[const("s", np.full((4, 2), 0.1, np.float32))],
                                        opset=21, axis=1, block_size=2),
    "dq_block_dynamic": lambda: one("DequantizeLinear", ["q", "s"],
                                    in_vis=[vi("q", I8, ["n", 6])],
                                    inits=[const("s", np.full((1, 3), 0.1, np.float32))],
                                    opset=21, axis=1, block_size=2),
    "int4_packed_size": lambda: _int4_short(),
    "int4_zp_type": lambda: one("DequantizeLinear", ["q", "s", "z"],
                                 inits=[int4("q", np.array([1, -3, 7])),
                                        const("s", np.float32(0.1)), const("z", np.int8(100))],
                                 opset=21),
    "q_int4_dtype": lambda: one("QuantizeLinear", ["x", "s", "z"], in_vis=[vi("x", F, [4])],
                                inits=[const("s", np.float32(0.1)), const("z", np.int8(0))],
                                opset=21, output_dtype=22),
    "matmulinteger_row_zp": lambda: one("MatMulInteger", ["a", "b", "az"],
                                        in_vis=[vi("a", U8, [4, 3]), vi("b", U8, [3, 2])],
                                        inits=[const("az", np.zeros(4, np.uint8))]),
    "if_shapes": lambda: model(
        [h.make_node("If", ["c"], ["y"], name="n0",
                     then_branch=h.make_graph([h.make_node("Identity", ["x"], ["t"])], "t", [],
                                              [vi("t", F, [2])]),
                     else_branch=h.make_graph([h.make_node("Concat", ["x", "x"], ["e"], axis=0)],
                                              "e", [], [vi("e", F, [4])]))],
        [vi("x", F, [2]), vi("c", TP.BOOL, [])], [vi("y", F, None)]),
    "if_no_branches": lambda: one("If", ["c"], in_vis=[vi("c", TP.BOOL, [])]),
    "window_size": lambda: one("HannWindow", ["n"], in_vis=[vi("n", I64, [])], opset=17),
    "loss_target": lambda: one("NegativeLogLikelihoodLoss", ["x", "t"],
                               in_vis=[vi("x", F, [3, 5]), vi("t", I64, [4])]),
    "loss_reduction": lambda: one("SoftmaxCrossEntropyLoss", ["x", "t"],
                                  in_vis=[vi("x", F, [3, 5]), vi("t", I64, [3])],
                                  reduction="max"),
    "int4_input": lambda: one("DequantizeLinear", ["q", "s"], in_vis=[vi("q", 22, [4])],
                              inits=[const("s", np.float32(0.1))], opset=21),
    "q_axis": lambda: one("DequantizeLinear", ["q", "s", "z"], in_vis=[vi("q", I8, [2, 2])],
                          inits=[const("s", np.array([0.1, 0.2], np.float32)),
                                 const("z", np.zeros(2, np.int8))], axis=5),
    "q_scale_2d": lambda: one("DequantizeLinear", ["q", "s"], in_vis=[vi("q", I8, [2, 2])],
                              inits=[const("s", np.full((2, 2), 0.1, np.float32))]),
    "q_dynamic_zp": lambda: one("QuantizeLinear", ["x", "s", "z"],
                                in_vis=[vi("x", F, [2]), vi("z", F, [])],
                                inits=[const("s", np.float32(0.1))]),
    "q_int_scale": lambda: one("QuantizeLinear", ["x", "s"], in_vis=[vi("x", F, [2])],
                               inits=[const("s", np.int32(2))]),
    "q_runtime_scale_2d": lambda: one("DequantizeLinear", ["q", "s"],
                                      in_vis=[vi("q", I8, [2, 2]), vi("s", F, [2, 2])]),
    "q_int64_zp": lambda: one("QuantizeLinear", ["x", "s", "z"], in_vis=[vi("x", F, [2])],
                              inits=[const("s", np.float32(0.1)), const("z", np.int64(0))]),
    "qlinearconv_per_axis_x": lambda: one(
        "QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"],
        in_vis=[vi("x", U8, [1, 2, 3, 3])],
        inits=[const("xs", np.array([0.1, 0.2], np.float32)), const("xz", np.zeros(2, np.uint8)),
               const("w", np.ones((1, 2, 1, 1), np.int8)), const("ws", np.float32(0.1)),
               const("wz", np.int8(0)), const("ys", np.float32(0.1)),
               const("yz", np.uint8(0))]),
    "qlinearconv_bias_rank": lambda: one(
        "QLinearConv", ["x", "s", "z", "w", "ws", "wz", "s", "z", "b"],
        in_vis=[vi("x", U8, [1, 1, 3, 3])],
        inits=[const("s", np.float32(0.1)), const("z", np.uint8(0)),
               const("w", np.ones((1, 1, 1, 1), np.int8)), const("ws", np.float32(0.1)),
               const("wz", np.int8(0)), const("b", np.ones((1, 1), np.int32))]),
    "qlinearmatmul_per_axis_a": lambda: one(
        "QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "s", "z"],
        in_vis=[vi("a", U8, [2, 2]), vi("b", I8, [2, 2])],
        inits=[const("as", np.array([0.1, 0.2], np.float32)), const("az", np.zeros(2, np.uint8)),
               const("bs", np.float32(0.1)), const("bz", np.int8(0)),
               const("s", np.float32(0.1)), const("z", np.uint8(0))]),
    "qgemm_alpha": lambda: one("QGemm", ["a", "s", "z", "b", "s", "bz"], ms=True,
                               in_vis=[vi("a", U8, [2, 2]), vi("b", I8, [2, 2])],
                               inits=[const("s", np.float32(0.1)), const("z", np.uint8(0)),
                                      const("bz", np.int8(0))], alpha=2.0),
    "qgemm_trans_a": lambda: one("QGemm", ["a", "s", "z", "b", "s", "bz"], ms=True,
                                 in_vis=[vi("a", U8, [2, 2]), vi("b", I8, [2, 2])],
                                 inits=[const("s", np.float32(0.1)), const("z", np.uint8(0)),
                                        const("bz", np.int8(0))], transA=1),
    "qadd_per_axis": lambda: one("QLinearAdd", ["a", "as", "az", "a", "s", "z", "s", "z"],
                                 ms=True, in_vis=[vi("a", U8, [2])],
                                 inits=[const("as", np.array([0.1, 0.2], np.float32)),
                                        const("az", np.zeros(2, np.uint8)),
                                        const("s", np.float32(0.1)), const("z", np.uint8(0))]),
    "qgap_channels_last": lambda: one("QLinearGlobalAveragePool", ["x", "s", "z", "s", "z"],
                                      ms=True, in_vis=[vi("x", U8, [1, 4, 4, 2])],
                                      inits=[const("s", np.float32(0.1)),
                                             const("z", np.uint8(0))], channels_last=1),
    "qgap_rank": lambda: one("QLinearGlobalAveragePool", ["x", "s", "z", "s", "z"],
                             ms=True, in_vis=[vi("x", U8, [1, 4, 4])],
                             inits=[const("s", np.float32(0.1)), const("z", np.uint8(0))]),
    "convinteger_rank": lambda: one("ConvInteger", ["x", "w"],
                                    in_vis=[vi("x", U8, [1, 1, 2, 4, 4]),
                                            vi("w", U8, [1, 1, 1, 3, 3])]),
}
# Errors of the activation, padding, resampling and layout ops.
_X = [vi("x", F, [1, 4, 4, 6])]

def _bad_rnn(wrong_w=False, seq_lens=False, **attrs):
    ins = ["x", "W", "R"] + (["", "sl"] if seq_lens else [])
    inits = [const("W", np.zeros((1, 4, 2 if wrong_w else 3), np.float32)),
             const("R", np.zeros((1, 4, 4), np.float32))]
    if seq_lens:
        inits.append(const("sl", np.array([5, 2], np.int32)))
    return one("RNN", ins, in_vis=[vi("x", F, [5, 2, 3])], inits=inits, hidden_size=4,
               outputs=("y", "yh"), **attrs)

_Q = [vi("x", U8, [1, 4, 4, 6])]
_QI = [const("s", np.float32(0.1)), const("z", np.uint8(0))]
B.update({
    "variadic_types": lambda: one("Max", ["x", "i"], in_vis=[vi("x", F, [2]), vi("i", I64, [2])]),
    "sum_int": lambda: one("Sum", ["i", "i"], in_vis=[vi("i", I64, [2])]),
    "variadic_empty": lambda: one("Min", [], in_vis=[]),
    "gmp_rank": lambda: one("GlobalMaxPool", ["x"], in_vis=[vi("x", F, ["n", 4])]),
    "pad_mode": lambda: one("Pad", ["x", "p"], in_vis=_X, opset=19, mode="circular",
                            inits=[const("p", np.zeros(8, np.int64))]),
    "pad_dynamic": lambda: one("Pad", ["x", "p"], in_vis=_X + [vi("p", I64, [8])]),
    "pad_count": lambda: one("Pad", ["x", "p"], in_vis=_X, inits=[const("p", np.ones(6, np.int64))]),
    "pad_negative_dynamic": lambda: one("Pad", ["x", "p"], in_vis=[vi("x", F, [1, 4, "h", 6])],
                                        inits=[const("p", np.array([0, 0, -1, 0, 0, 0, 0, 0]))]),
    "lppool_ceil": lambda: one("LpPool", ["x"], in_vis=[vi("x", F, ["N", 4, 6, 6])], opset=18,
                               kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1),
    "lppool_dilated": lambda: one("LpPool", ["x"], in_vis=_X, opset=18, kernel_shape=[2, 2],
                                  dilations=[2]),
    "lppool_p0": lambda: one("LpPool", ["x"], in_vis=_X, kernel_shape=[2, 2], p=0),
    "lppool_1d": lambda: one("LpPool", ["x"], in_vis=[vi("x", F, [1, 4, 6, 2, 2, 2])],
                             kernel_shape=[2]),
    "lppool_kernel": lambda: one("LpPool", ["x"], in_vis=[vi("x", F, [1, 4, 6])],
                                 kernel_shape=[2, 2]),
    "lrn_no_size": lambda: one("LRN", ["x"], in_vis=_X),
    "lrn_size0": lambda: one("LRN", ["x"], in_vis=_X, size=0),
    "lrn_rank2": lambda: one("LRN", ["x"], in_vis=[vi("x", F, [4, 6])], size=3),
    "lrn_dynamic": lambda: one("LRN", ["x"], in_vis=[vi("x", F, ["N", 4, 6])], size=3),
    "glppool_p0": lambda: one("GlobalLpPool", ["x"], in_vis=_X, p=0),
    "glppool_rank2": lambda: one("GlobalLpPool", ["x"], in_vis=[vi("x", F, [4, 6])]),
    "rnn_activation": lambda: _bad_rnn(activations=["Swish"]),
    "rnn_activation_count": lambda: _bad_rnn(activations=["Tanh", "Tanh"]),
    "rnn_w_shape": lambda: _bad_rnn(wrong_w=True),
    "rnn_layout": lambda: _bad_rnn(layout=2),
    "rnn_seq_lens": lambda: _bad_rnn(seq_lens=True),
    "bitwise_float": lambda: one("BitwiseAnd", ["x", "x"], in_vis=_X, opset=18),
    "bitwise_mixed": lambda: one("BitwiseOr", ["a", "b"], opset=18,
                                 in_vis=[vi("a", I8, [3]), vi("b", U8, [3])]),
    "bitwise_bool": lambda: one("BitwiseNot", ["a"], opset=18,
                                in_vis=[vi("a", TP.BOOL, [3])]),
    "bitshift_signed": lambda: one("BitShift", ["a", "a"], opset=18, direction="LEFT",
                                   in_vis=[vi("a", I8, [3])]),
    "bitshift_mixed": lambda: one("BitShift", ["a", "b"], opset=18, direction="RIGHT",
                                  in_vis=[vi("a", U8, [3]), vi("b", TP.UINT32, [3])]),
    "bitshift_direction": lambda: one("BitShift", ["a", "a"], opset=18, direction="UP",
                                      in_vis=[vi("a", U8, [3])]),
    "neg_unsigned": lambda: one("Neg", ["a"], in_vis=[vi("a", U8, [3])]),
    "abs_bool": lambda: one("Abs", ["a"], in_vis=[vi("a", TP.BOOL, [3])]),
    "clip_int_bound_type": lambda: one("Clip", ["a", "lo"], in_vis=[vi("a", I8, [3])],
                                       inits=[const("lo", np.int32(1))]),
    "clip_bound_vector": lambda: one("Clip", ["x", "lo"], in_vis=_X + [vi("lo", F, [2])]),
    "clip_int_opset6": lambda: one("Clip", ["a"], in_vis=[vi("a", I8, [3])], opset=6, min=1.0),
    "castlike_no_target": lambda: one("CastLike", ["x"], in_vis=_X, opset=15),
    "revseq_axes": lambda: one("ReverseSequence", ["x", "l"], in_vis=_X, batch_axis=2,
                               inits=[const("l", np.ones(1))]),
    "revseq_long": lambda: one("ReverseSequence", ["x", "l"], in_vis=[vi("x", F, [1 << 25, 1])],
                               inits=[const("l", np.ones(1, np.int64))]),
    "pool_indices_huge": lambda: one("MaxPool", ["x"], ("y", "idx"), kernel_shape=[1, 1],
                                     in_vis=[vi("x", F, [1, 1, 1 << 13, 1 << 12])]),
    "revseq_lens": lambda: one("ReverseSequence", ["x", "l"], in_vis=_X,
                               inits=[const("l", np.ones(3, np.int64))]),
    "grid_sample_mode": lambda: one("GridSample", ["x", "g"], opset=16, mode="area",
                                     in_vis=_X + [vi("g", F, [1, 2, 2, 2])]),
    "grid_sample_padding": lambda: one("GridSample", ["x", "g"], opset=16, padding_mode="wrap",
                                       in_vis=_X + [vi("g", F, [1, 2, 2, 2])]),
    "grid_sample_grid": lambda: one("GridSample", ["x", "g"], opset=16,
                                    in_vis=_X + [vi("g", F, [1, 2, 2, 3])]),
    "grid_sample_3d": lambda: one("GridSample", ["x", "g"], opset=20,
                                  in_vis=[vi("x", F, [1, 2, 3, 4, 5, 2]),
                                          vi("g", F, [1, 2, 2, 2, 2, 4])]),
    "grid_sample_cubic3d": lambda: one("GridSample", ["x", "g"], opset=20, mode="cubic",
                                       in_vis=[vi("x", F, [1, 2, 3, 4, 5]),
                                               vi("g", F, [1, 2, 2, 2, 3])]),
    "grid_sample_grid3d": lambda: one("GridSample", ["x", "g"], opset=20,
                                      in_vis=[vi("x", F, [1, 2, 3, 4, 5]),
                                              vi("g", F, [1, 2, 2, 2, 2])]),
    "grid_sample_dynamic": lambda: one("GridSample", ["x", "g"], opset=16,
                                       in_vis=_X + [vi("g", F, [1, "H", 2, 2])]),
    "pad_negative": lambda: one("Pad", ["x", "p"], in_vis=_X,
                                inits=[const("p", np.array([0, 0, -3, 0, 0, 0, -2, 0]))]),
    "pad_value_dynamic": lambda: one("Pad", ["x", "p", "v"], in_vis=_X + [vi("v", F, [])],
                                     inits=[const("p", np.ones(8, np.int64))]),
    "pad_axes_count": lambda: one("Pad", ["x", "p", "", "ax"], in_vis=_X, opset=18,
                                  inits=[const("p", np.ones(4, np.int64)),
                                         const("ax", np.array([1]))]),
    "pad_axis_range": lambda: one("Pad", ["x", "p", "", "ax"], in_vis=_X, opset=18,
                                  inits=[const("p", np.ones(2, np.int64)),
                                         const("ax", np.array([7]))]),
    "pad_reflect_size": lambda: one("Pad", ["x", "p"], in_vis=_X, mode="reflect",
                                    inits=[const("p", np.array([0, 0, 4, 0, 0, 0, 0, 0]))]),
    "resize_cubic3d": lambda: one("Resize", ["x", "", "sc"], in_vis=_X, mode="cubic",
                                  inits=[const("sc", np.array([1, 2, 2, 2], np.float32))]),
    "resize_crop": lambda: one("Resize", ["x", "", "sc"], in_vis=_X,
                               coordinate_transformation_mode="tf_crop_and_resize",
                               inits=[const("sc", np.array([1, 1, 2, 2], np.float32))]),
    "resize_huge_sizes": lambda: one("Resize", ["x", "", "", "sz"], in_vis=_X,
                                     inits=[const("sz", np.array([1, 1, 1 << 40, 2], np.int64))]),
    "resize_crop_huge": lambda: one("Resize", ["x", "r", "", "sz"], in_vis=_X,
                                    coordinate_transformation_mode="tf_crop_and_resize",
                                    inits=[const("sz", np.array([1, 1, 1 << 22, 128], np.int64)),
                                           const("r", np.array([0, 0, 0, 0, 1, 1, 1, 1],
                                                               np.float32))]),
    "resize_crop_cubic": lambda: one("Resize", ["x", "r", "sc"], in_vis=_X, mode="cubic",
                                     coordinate_transformation_mode="tf_crop_and_resize",
                                     inits=[const("sc", np.array([1, 1, 2, 2], np.float32)),
                                            const("r", np.array([0, 0, 0, 0, 1, 1, 1, 1],
                                                                np.float32))]),
    "resize_antialias": lambda: one("Resize", ["x", "r", "sc"], in_vis=_X, opset=18, antialias=1,
                                    mode="linear",
                                    coordinate_transformation_mode="tf_crop_and_resize",
                                    inits=[const("sc", np.array([1, 1, 0.5, 0.5], np.float32)),
                                           const("r", np.array([0, 0, 0, 0, 1, 1, 1, 1],
                                                               np.float32))]),
    "resize_antialias_large": lambda: one("Resize", ["x", "", "", "sz"], opset=18, antialias=1,
                                          mode="linear", in_vis=[vi("x", F, [1, 1, 16384, 4])],
                                          inits=[const("sz", np.array([1, 1, 8192, 4]))]),
    "resize_policy": lambda: one("Resize", ["x", "", "", "sz"], in_vis=_X, opset=18,
                                 keep_aspect_ratio_policy="fit",
                                 inits=[const("sz", np.array([1, 4, 8, 8]))]),
    # not_smaller over an empty axis: the ratio 4 / 0 is infinite.
    "resize_policy_empty": lambda: one("Resize", ["x", "", "", "sz"], opset=18,
                                       keep_aspect_ratio_policy="not_smaller", axes=[2, 3],
                                       in_vis=[vi("x", F, [1, 1, 0, 4])],
                                       inits=[const("sz", np.array([4, 4]))]),
    "resize_dynamic_scales": lambda: one("Resize", ["x", "", "sc"],
                                         in_vis=_X + [vi("sc", F, [4])]),
    "resize_both": lambda: one("Resize", ["x", "", "sc", "sz"], in_vis=_X,
                               inits=[const("sc", np.array([1, 1, 2, 2], np.float32)),
                                      const("sz", np.array([1, 4, 8, 8]))]),
    "resize_neither": lambda: one("Resize", ["x", ""], in_vis=_X),
    "resize_count": lambda: one("Resize", ["x", "", "sc"], in_vis=_X,
                                inits=[const("sc", np.array([2, 2], np.float32))]),
    "resize_scale_zero": lambda: one("Resize", ["x", "", "sc"], in_vis=_X,
                                     inits=[const("sc", np.array([1, 1, 0, 2], np.float32))]),
    "resize_size_zero": lambda: one("Resize", ["x", "", "", "sz"], in_vis=_X,
                                    inits=[const("sz", np.array([1, 4, 0, 8]))]),
    "resize_axis_range": lambda: one("Resize", ["x", "", "sc"], in_vis=_X, opset=18, axes=[9],
                                     inits=[const("sc", np.array([2], np.float32))]),
    "resize_linear_4d": lambda: one("Resize", ["x", "", "sc"], in_vis=_X, mode="linear",
                                    inits=[const("sc", np.array([2, 2, 2, 2], np.float32))]),
    "resize_dynamic_input": lambda: one("Resize", ["x", "", "sc"], in_vis=[vi("x", F, ["n", 4])],
                                        inits=[const("sc", np.array([1, 2], np.float32))]),
    "upsample_no_scales": lambda: one("Upsample", ["x"], in_vis=_X, opset=7),
    "expand_dynamic": lambda: one("Expand", ["x", "s"], in_vis=_X + [vi("s", I64, [4])]),
    "expand_shape": lambda: one("Expand", ["x", "s"], in_vis=_X,
                                inits=[const("s", np.array([1, 4, 3, 6]))]),
    "tile_count": lambda: one("Tile", ["x", "r"], in_vis=_X, inits=[const("r", np.array([2, 2]))]),
    "tile_zero": lambda: one("Tile", ["x", "r"], in_vis=_X,
                             inits=[const("r", np.array([1, 0, 1, 1]))]),
    "d2s_blocksize": lambda: one("DepthToSpace", ["x"], in_vis=_X),
    "d2s_channels": lambda: one("DepthToSpace", ["x"], in_vis=_X, blocksize=3),
    "d2s_mode": lambda: one("DepthToSpace", ["x"], in_vis=_X, blocksize=2, mode="XYZ"),
    "s2d_size": lambda: one("SpaceToDepth", ["x"], in_vis=_X, blocksize=4),
    "d2s_rank": lambda: one("DepthToSpace", ["x"], in_vis=[vi("x", F, [4, 4, 4])], blocksize=2),
    "instnorm_rank": lambda: one("InstanceNormalization", ["x", "sc", "b"],
                                 in_vis=[vi("x", F, [2, 3])],
                                 inits=[const("sc", w(3)), const("b", w(3))]),
    "instnorm_scale": lambda: one("InstanceNormalization", ["x", "sc", "b"], in_vis=_X,
                                  inits=[const("sc", w(3)), const("b", w(3))]),
    "qconcat_inputs": lambda: one("QLinearConcat", ["s", "z", "x", "s"], ms=True, in_vis=_Q,
                                  inits=_QI),
    "qconcat_shapes": lambda: one("QLinearConcat", ["s", "z", "x", "s", "z", "y", "s", "z"],
                                  ms=True, in_vis=_Q + [vi("y", U8, [1, 4, 5, 5])], inits=_QI,
                                  axis=1),
    "qsoftmax_opset": lambda: model(
        [h.make_node("QLinearSoftmax", ["x", "s", "z", "s", "z"], ["y"], name="n0",
                     domain="com.microsoft", axis=1, opset=12)],
        _Q, [vi("y", U8, None)], _QI, ms=True),
    "qavgpool_nhwc": lambda: one("QLinearAveragePool", ["x", "s", "z", "s", "z"], ms=True,
                                 in_vis=_Q, inits=_QI, kernel_shape=[2, 2], channels_last=1),
    "qavgpool_kernel": lambda: one("QLinearAveragePool", ["x", "s", "z", "s", "z"], ms=True,
                                   in_vis=_Q, inits=_QI, kernel_shape=[2]),
    "qpad_value": lambda: model(
        [h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q"),
         h.make_node("Pad", ["q", "p", "v"], ["y"], name="pad")],
        _X, [vi("y", U8, None)],
        _QI + [const("p", np.ones(8, np.int64)), const("v", np.uint8(3))]),
})

B.update({
    "compare_types": lambda: one("Less", ["x", "i"], in_vis=[vi("x", F, [2]), vi("i", I64, [2])]),
    "where_cond": lambda: one("Where", ["x", "x", "x"], in_vis=[vi("x", F, [2])]),
    "where_types": lambda: one("Where", ["c", "x", "i"],
                               in_vis=[vi("c", TP.BOOL, [2]), vi("x", F, [2]), vi("i", I64, [2])]),
    "logical_types": lambda: one("And", ["x", "x"], in_vis=[vi("x", F, [2])]),
    "not_types": lambda: one("Not", ["x"], in_vis=[vi("x", I64, [2])]),
})
B.update({
    "argmax_axis": lambda: one("ArgMax", ["x"], in_vis=[vi("x", F, [2, 3])], axis=2),
    "logsoftmax_axis_opset11": lambda: one("LogSoftmax", ["x"],
                                           in_vis=[vi("x", F, ["A", "B", 3, 4])], opset=11, axis=2),
    "reduce_l2_int": lambda: one("ReduceL2", ["x"], in_vis=[vi("x", I64, [2, 3])]),
})
_SIG = [vi("x", F, [1, 8, 1])]
B.update({
    "dft_onesided_inverse": lambda: one("DFT", ["x"], in_vis=_SIG, opset=17, inverse=1,
                                        onesided=1),
    "dft_last_dim": lambda: one("DFT", ["x"], in_vis=[vi("x", F, [1, 8, 3])], opset=17),
    "dft_axis": lambda: one("DFT", ["x"], in_vis=_SIG, opset=17, axis=2),
    "dft_length": lambda: one("DFT", ["x", "l"], in_vis=_SIG + [vi("l", I64, [])], opset=17),
    "dft_length_zero": lambda: one("DFT", ["x", "l"], in_vis=_SIG, opset=17,
                                   inits=[const("l", np.int64(0))]),
    "dft_too_large": lambda: one("DFT", ["x", "l"], in_vis=_SIG, opset=17,
                                 inits=[const("l", np.int64(1 << 30))]),
    "stft_no_length": lambda: one("STFT", ["x", "s"], in_vis=_SIG, opset=17,
                                  inits=[const("s", np.int64(2))]),
    "stft_length_mismatch": lambda: one("STFT", ["x", "s", "w", "l"], in_vis=_SIG, opset=17,
                                        inits=[const("s", np.int64(2)), const("w", w(4)),
                                               const("l", np.int64(5))]),
    "stft_long_frame": lambda: one("STFT", ["x", "s", "", "l"], in_vis=_SIG, opset=17,
                                   inits=[const("s", np.int64(2)), const("l", np.int64(9))]),
    "stft_rank": lambda: one("STFT", ["x", "s", "", "l"], in_vis=[vi("x", F, [8, 1])], opset=17,
                             inits=[const("s", np.int64(2)), const("l", np.int64(4))]),
    "mel_edges": lambda: one("MelWeightMatrix", ["b", "d", "r", "lo", "hi"], opset=17,
                             inits=[const("b", np.int64(8)), const("d", np.int64(16)),
                                    const("r", np.int64(8000)), const("lo", np.float32(100)),
                                    const("hi", np.float32(5000))]),
    "mel_runtime": lambda: one("MelWeightMatrix", ["b", "d", "r", "lo", "hi"], opset=17,
                               in_vis=[vi("hi", F, [])],
                               inits=[const("b", np.int64(8)), const("d", np.int64(16)),
                                      const("r", np.int64(8000)), const("lo", np.float32(100))]),
})
_I64 = lambda name, v: const(name, np.array(v, np.int64))
B.update({
    "ccp_count": lambda: one("CenterCropPad", ["x", "s"], in_vis=[vi("x", F, [2, 3])], opset=18,
                             inits=[_I64("s", [1])]),
    "ccp_axis": lambda: one("CenterCropPad", ["x", "s"], in_vis=[vi("x", F, [2, 3])], opset=18,
                            inits=[_I64("s", [1])], axes=[2]),
    "ccp_axis_twice": lambda: one("CenterCropPad", ["x", "s"], in_vis=[vi("x", F, [2, 3])],
                                  opset=18, inits=[_I64("s", [1, 1])], axes=[1, -1]),
    "ccp_dynamic": lambda: one("CenterCropPad", ["x", "s"], in_vis=[vi("x", F, ["n", 3])],
                               opset=18, inits=[_I64("s", [1, 1])]),
    "affine_grid_theta": lambda: one("AffineGrid", ["t", "s"], in_vis=[vi("t", F, [2, 3, 3])],
                                     opset=20, inits=[_I64("s", [2, 1, 4, 4])]),
    "affine_grid_size": lambda: one("AffineGrid", ["t", "s"],
                                    in_vis=[vi("t", F, [2, 2, 3]), vi("s", I64, [4])], opset=20),
    "affine_grid_zero": lambda: one("AffineGrid", ["t", "s"], in_vis=[vi("t", F, [2, 2, 3])],
                                    opset=20, inits=[_I64("s", [2, 1, 0, 4])]),
    "col2im_rows": lambda: one("Col2Im", ["x", "i", "b"], in_vis=[vi("x", F, [1, 5, 9])],
                               opset=18, inits=[_I64("i", [4, 4]), _I64("b", [2, 2])]),
    "col2im_block": lambda: one("Col2Im", ["x", "i", "b"], in_vis=[vi("x", F, [1, 5, 9])],
                                opset=18, inits=[_I64("i", [4, 4]), _I64("b", [5, 2])]),
    "col2im_dims": lambda: one("Col2Im", ["x", "i", "b"], in_vis=[vi("x", F, [1, 4, 9])],
                               opset=18, inits=[_I64("i", [4, 4]), _I64("b", [2])]),
    "col2im_strides": lambda: one("Col2Im", ["x", "i", "b"], in_vis=[vi("x", F, [1, 4, 9])],
                                  opset=18, inits=[_I64("i", [4, 4]), _I64("b", [2, 2])],
                                  strides=[1]),
})
B.update({
    "compress_runtime": lambda: one("Compress", ["x", "c"], opset=11,
                                    in_vis=[vi("x", F, [3]), vi("c", TP.BOOL, [3])]),
    "compress_long": lambda: one("Compress", ["x", "c"], in_vis=[vi("x", F, [2])], opset=11,
                                 inits=[const("c", np.array([True, True, True]))], axis=0),
    "compress_axis": lambda: one("Compress", ["x", "c"], in_vis=[vi("x", F, [2])], opset=11,
                                 inits=[const("c", np.array([True]))], axis=1),
})
B.update({
    "det_square": lambda: one("Det", ["x"], in_vis=[vi("x", F, [2, 3, 4])], opset=11),
    "det_large": lambda: one("Det", ["x"], in_vis=[vi("x", F, [65, 65])], opset=11),
})
_QKV = [vi("q", F, [1, 2, 3, 4]), vi("k", F, [1, 2, 3, 4]), vi("v", F, [1, 2, 3, 4])]
B.update({
    "attention_heads": lambda: one("Attention", ["q", "k", "v"], opset=23, q_num_heads=3,
                                   kv_num_heads=2,
                                   in_vis=[vi("q", F, [1, 3, 8]), vi("k", F, [1, 3, 8]),
                                           vi("v", F, [1, 3, 8])]),
    "attention_shapes": lambda: one("Attention", ["q", "k", "v"], opset=23,
                                    in_vis=_QKV[:2] + [vi("v", F, [1, 2, 5, 4])]),
    "attention_past": lambda: one("Attention", ["q", "k", "v", "", "pk"], opset=23,
                                  in_vis=_QKV + [vi("pk", F, [1, 2, 1, 4])]),
    "attention_mask": lambda: one("Attention", ["q", "k", "v", "m"], opset=23,
                                  in_vis=_QKV + [vi("m", I64, [3, 3])]),
    "attention_mask_long": lambda: one("Attention", ["q", "k", "v", "m"], opset=23,
                                       in_vis=_QKV + [vi("m", F, [3, 4])]),
    "attention_mode": lambda: one("Attention", ["q", "k", "v"], opset=23,
                                  in_vis=_QKV, qk_matmul_output_mode=4),
    "attention_nonpad": lambda: one("Attention", ["q", "k", "v", "", "", "", "s"], opset=24,
                                    in_vis=_QKV + [vi("s", I64, [2])]),
    "attention_nonpad_past": lambda: one("Attention", ["q", "k", "v", "", "pk", "pv", "s"],
                                         opset=24, in_vis=_QKV + [vi("pk", F, [1, 2, 1, 4]),
                                                                  vi("pv", F, [1, 2, 1, 4]),
                                                                  vi("s", I64, [1])]),
})
_ROPE = [vi("x", F, [1, 2, 3, 4]), vi("c", F, [1, 3, 2]), vi("s", F, [1, 3, 2])]
B.update({
    "rope_heads": lambda: one("RotaryEmbedding", ["x", "c", "s"], opset=23, num_heads=3,
                              in_vis=[vi("x", F, [1, 3, 8]), vi("c", F, [1, 3, 2]),
                                      vi("s", F, [1, 3, 2])]),
    "rope_dim": lambda: one("RotaryEmbedding", ["x", "c", "s"], opset=23, in_vis=_ROPE,
                            rotary_embedding_dim=3),
    "rope_cache": lambda: one("RotaryEmbedding", ["x", "c", "s"], opset=23,
                              in_vis=_ROPE[:2] + [vi("s", F, [1, 3, 3])]),
    "rope_positions": lambda: one("RotaryEmbedding", ["x", "c", "s", "p"], opset=23,
                                  in_vis=_ROPE + [vi("p", I64, [1, 3])]),
})
_CT = [vi("x", F, [1, 4, 5, 5])]
def _ctw():
    return [const("w", w(4, 2, 3, 3))]


B.update({
    "convt_rank": lambda: one("ConvTranspose", ["x", "w"], in_vis=[vi("x", F, [1, 4, 3, 3, 3, 3])],
                              inits=[const("w", w(4, 2, 2, 2, 2, 2))]),
    "convt3d_strides": lambda: one("ConvTranspose", ["x", "w"], in_vis=[vi("x", F, [1, 4, 3, 3, 3])],
                                   inits=[const("w", w(4, 2, 2, 2, 2))], strides=[2, 2]),
    "convt_kernel_shape": lambda: one("ConvTranspose", ["x", "w"], in_vis=[vi("x", F, [1, 4, 3, 3, 3])],
                                      inits=[const("w", w(4, 2, 2, 2, 2))], kernel_shape=[2, 2, 3]),
    "convt1d_strides": lambda: one("ConvTranspose", ["x", "w"], in_vis=[vi("x", F, [1, 4, 5])],
                                   inits=[const("w", w(4, 2, 3))], strides=[2, 2]),
    "convt_dynamic": lambda: one("ConvTranspose", ["x", "w"], in_vis=[vi("x", F, ["n", 4, 5, 5])],
                                 inits=_ctw()),
    "convt_group": lambda: one("ConvTranspose", ["x", "w"], in_vis=_CT, inits=_ctw(), group=3),
    "convt_output_padding": lambda: one("ConvTranspose", ["x", "w"], in_vis=_CT, inits=_ctw(),
                                        strides=[2, 2], output_padding=[2, 0]),
    "convt_autopad": lambda: one("ConvTranspose", ["x", "w"], in_vis=_CT, inits=_ctw(),
                                 auto_pad="SAME_MIDDLE"),
    "convt_output_shape": lambda: one("ConvTranspose", ["x", "w"], in_vis=_CT, inits=_ctw(),
                                      output_shape=[100, 100]),
    "convt_output_shape_len": lambda: one("ConvTranspose", ["x", "w"], in_vis=_CT, inits=_ctw(),
                                          output_shape=[7]),
    "convt_weights": lambda: one("ConvTranspose", ["x", "w"],
                                 in_vis=_CT + [vi("w", I8, [4, 2, 3, 3])]),
    "convt_empty": lambda: one("ConvTranspose", ["x", "w"], in_vis=_CT, inits=_ctw(),
                               pads=[5, 0, 5, 0]),
    "convt_qaxis": lambda: model(
        [h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], name="dq_w", axis=0),
         h.make_node("ConvTranspose", ["x", "wd"], ["y"], name="n0")],
        _CT, [vi("y", F, None)],
        [const("wq", np.ones((4, 2, 3, 3), np.int8)), const("ws", np.full(4, 0.1, np.float32)),
         const("wz", np.zeros(4, np.int8))]),
})
B.update({
    "expand_huge": lambda: one("Expand", ["x", "s"], in_vis=[vi("x", F, [1])],
                               inits=[const("s", np.array([100000, 100000, 100], np.int64))]),
    "tile_overflow": lambda: one("Tile", ["x", "r"], in_vis=[vi("x", F, [2, 3])],
                                 inits=[const("r", np.array([2**62, 4], np.int64))]),
})
B.update({
    "einsum_ellipsis": lambda: one("Einsum", ["x", "x"], in_vis=[vi("x", F, [2, 3])],
                                   equation="...i...,i->i", opset=12),
    "einsum_ellipsis_rank": lambda: one("Einsum", ["x", "x"], in_vis=[vi("x", F, [2, 3])],
                                        equation="...ijk,i->i", opset=12),
    "einsum_operands": lambda: one("Einsum", ["x"], in_vis=[vi("x", F, [2, 3])],
                                   equation="ij,jk->ik", opset=12),
    "einsum_diagonal": lambda: one("Einsum", ["x"], in_vis=[vi("x", F, [3, 4])],
                                   equation="ii->i", opset=12),
    "einsum_rank": lambda: one("Einsum", ["x"], in_vis=[vi("x", F, [3, 3])],
                               equation="ijk->k", opset=12),
    "einsum_output": lambda: one("Einsum", ["x"], in_vis=[vi("x", F, [3, 3])],
                                 equation="ij->z", opset=12),
    "einsum_sizes": lambda: one("Einsum", ["x", "z"], in_vis=[vi("x", F, [3, 4]), vi("z", F, [5, 2])],
                                equation="ij,jk->ik", opset=12),
    "einsum_int": lambda: one("Einsum", ["i"], in_vis=[vi("i", I64, [3])], equation="i->i",
                              opset=12),
})
B["gather_elements_axis"] = lambda: one("GatherElements", ["x", "i"],
                                         in_vis=[vi("x", F, [2, 3]), vi("i", I64, [2, 3])], axis=2)
B.update({
    "topk_dynamic_k": lambda: one("TopK", ["x", "k"], ("v", "i"),
                                  in_vis=[vi("x", F, [2, 5]), vi("k", I64, [1])], opset=11),
    "topk_range": lambda: one("TopK", ["x", "k"], ("v", "i"), in_vis=[vi("x", F, [2, 5])],
                              inits=[const("k", np.array([6], np.int64))], opset=11),
    "topk_int": lambda: one("TopK", ["x", "k"], ("v", "i"), in_vis=[vi("x", I64, [2, 5])],
                            inits=[const("k", np.array([2], np.int64))], opset=11),
    "topk_dynamic_axis": lambda: one("TopK", ["x", "k"], ("v", "i"), in_vis=[vi("x", F, [2, "n"])],
                                     inits=[const("k", np.array([2], np.int64))], opset=11),
})
def _bad_lstm(xshape=(5, 2, 3), wshape=(1, 16, 3), extra_in=(), extra_vis=(), **attrs):
    return model([h.make_node("LSTM", ["x", "W", "R"] + list(extra_in), ["y"], name="n0",
                              hidden_size=4, **attrs)],
                 [vi("x", F, list(xshape))] + list(extra_vis), [vi("y", F, None)],
                 [const("W", np.zeros(wshape, np.float32)),
                  const("R", np.zeros((1, 16, 4), np.float32))], opset=14)


B.update({
    "lstm_layout": lambda: _bad_lstm(layout=2),
    "lstm_input_forget": lambda: _bad_lstm(input_forget=1),
    "lstm_activation": lambda: _bad_lstm(activations=["Relu", "Gelu", "Tanh"]),
    "lstm_activation_count": lambda: _bad_lstm(activations=["Sigmoid", "Tanh"]),
    "lstm_direction": lambda: _bad_lstm(direction="sideways"),
    "lstm_weights": lambda: _bad_lstm(wshape=(1, 12, 3)),
    "lstm_dynamic": lambda: _bad_lstm(xshape=("s", 2, 3)),
    "lstm_seq_lens": lambda: _bad_lstm(extra_in=["", "sl"], extra_vis=[vi("sl", TP.INT32, [2])]),
})
B.update({
    "gru_activation": lambda: model([h.make_node("GRU", ["x", "W", "R"], ["y"], name="n0",
                                                  hidden_size=4, activations=["Sigmoid", "Mish"])],
                              [vi("x", F, [5, 2, 3])], [vi("y", F, None)],
                              [const("W", np.zeros((1, 12, 3), np.float32)),
                               const("R", np.zeros((1, 12, 4), np.float32))], opset=14),
    "gru_long": lambda: model([h.make_node("GRU", ["x", "W", "R"], ["y"], name="n0",
                                           hidden_size=4)],
                              [vi("x", F, [65535, 2, 3])], [vi("y", F, None)],
                              [const("W", np.zeros((1, 12, 3), np.float32)),
                               const("R", np.zeros((1, 12, 4), np.float32))], opset=14),
    "lstm_long": lambda: model([h.make_node("LSTM", ["x", "W", "R"], ["y"], name="n0",
                                            hidden_size=4)],
                               [vi("x", F, [5000, 1, 3])], [vi("y", F, None)],
                               [const("W", np.zeros((1, 16, 3), np.float32)),
                                const("R", np.zeros((1, 16, 4), np.float32))], opset=14),
    "gru_weights": lambda: model([h.make_node("GRU", ["x", "W", "R"], ["y"], name="n0",
                                               hidden_size=4)],
                                 [vi("x", F, [5, 2, 3])], [vi("y", F, None)],
                                 [const("W", np.zeros((1, 16, 3), np.float32)),
                                  const("R", np.zeros((1, 12, 4), np.float32))], opset=14),
    "qwhere_float": lambda: one("QLinearWhere", ["c", "x", "s", "z", "x", "s", "z", "s", "z"],
                                in_vis=[vi("c", TP.BOOL, [2]), vi("x", F, [2])],
                                inits=[const("s", np.float32(0.1)), const("z", np.uint8(3))],
                                ms=True),
    "qwhere_cond": lambda: one("QLinearWhere", ["c", "x", "s", "z", "x", "s", "z", "s", "z"],
                               in_vis=[vi("c", U8, [2]), vi("x", U8, [2])],
                               inits=[const("s", np.float32(0.1)), const("z", np.uint8(3))],
                               ms=True),
    "group_norm_groups": lambda: one("GroupNormalization", ["x", "s", "b"],
                                     in_vis=[vi("x", F, [1, 6, 4, 4])], opset=21, num_groups=4,
                                     inits=[const("s", np.ones(6, np.float32)),
                                            const("b", np.zeros(6, np.float32))]),
    "group_norm_no_groups": lambda: one("GroupNormalization", ["x", "s", "b"],
                                        in_vis=[vi("x", F, [1, 6, 4, 4])], opset=21,
                                        inits=[const("s", np.ones(6, np.float32)),
                                               const("b", np.zeros(6, np.float32))]),
    "group_norm_scale18": lambda: one("GroupNormalization", ["x", "s", "b"],
                                      in_vis=[vi("x", F, [1, 6, 4, 4])], opset=18, num_groups=3,
                                      inits=[const("s", np.ones(6, np.float32)),
                                             const("b", np.zeros(6, np.float32))]),
    "trilu_rank": lambda: one("Trilu", ["x"], in_vis=[vi("x", F, [6])], opset=14),
    "trilu_k_input": lambda: one("Trilu", ["x", "k"], in_vis=[vi("x", F, [3, 3]),
                                                          vi("k", TP.INT64, [])], opset=14),
    "cumsum_axis": lambda: one("CumSum", ["x", "a"], in_vis=[vi("x", F, [2, 3])], opset=14,
                               inits=[const("a", np.int64(2))]),
    "cumsum_axis_input": lambda: one("CumSum", ["x", "a"], opset=14,
                                     in_vis=[vi("x", F, [2, 3]), vi("a", TP.INT64, [])]),
    "cumsum_axes": lambda: one("CumSum", ["x", "a"], in_vis=[vi("x", F, [2, 3])], opset=14,
                               inits=[const("a", np.array([0, 1], np.int64))]),
    "cumsum_bool": lambda: one("CumSum", ["x", "a"], in_vis=[vi("x", TP.BOOL, [2, 3])],
                               opset=14, inits=[const("a", np.int64(0))]),
    "gather_nd_float_idx": lambda: one("GatherND", ["x", "i"], in_vis=[vi("x", F, [3, 4])],
                                       inits=[const("i", np.zeros((2, 1), np.float32))]),
    "gather_nd_batch": lambda: one("GatherND", ["x", "i"], in_vis=[vi("x", F, [3, 4])],
                                   batch_dims=2, inits=[const("i", np.zeros((3, 1), np.int64))]),
    "gather_nd_tuple": lambda: one("GatherND", ["x", "i"], in_vis=[vi("x", F, [3, 4])],
                                   inits=[const("i", np.zeros((2, 3), np.int64))]),
    "scatter_reduction": lambda: one("ScatterElements", ["x", "i", "u"], opset=18,
                                     in_vis=[vi("x", F, [3]), vi("u", F, [2])],
                                     reduction="avg", inits=[const("i", np.array([0, 1]))]),
    "scatter_float_idx": lambda: one("ScatterElements", ["x", "i", "u"],
                                     in_vis=[vi("x", F, [3]), vi("u", F, [2])],
                                     inits=[const("i", np.array([0, 1], np.float32))]),
    "scatter_types": lambda: one("ScatterElements", ["x", "i", "u"],
                                 in_vis=[vi("x", F, [3]), vi("u", TP.INT64, [2])],
                                 inits=[const("i", np.array([0, 1]))]),
    "scatter_shapes": lambda: one("ScatterElements", ["x", "i", "u"],
                                  in_vis=[vi("x", F, [3]), vi("u", F, [3])],
                                  inits=[const("i", np.array([0, 1]))]),
    "scatter_axis": lambda: one("ScatterElements", ["x", "i", "u"], axis=1,
                                in_vis=[vi("x", F, [3]), vi("u", F, [2])],
                                inits=[const("i", np.array([0, 1]))]),
    "scatter_nd_updates": lambda: one("ScatterND", ["x", "i", "u"],
                                      in_vis=[vi("x", F, [3, 4]), vi("u", F, [2, 3])],
                                      inits=[const("i", np.array([[0], [1]]))]),
    "scatter_nd_depth": lambda: one("ScatterND", ["x", "i", "u"],
                                    in_vis=[vi("x", F, [3, 4]), vi("u", F, [2])],
                                    inits=[const("i", np.zeros((2, 3), np.int64))]),
    "eyelike_rank": lambda: one("EyeLike", ["x"], in_vis=[vi("x", F, [3])]),
    "eyelike_dtype": lambda: one("EyeLike", ["x"], in_vis=[vi("x", F, [3, 3])], dtype=8),
    "isnan_int": lambda: one("IsNaN", ["x"], in_vis=[vi("x", TP.INT32, [3])]),
    "hardmax_axis": lambda: one("Hardmax", ["x"], in_vis=[vi("x", F, [3, 4])], axis=2),
    "lp_norm_p": lambda: one("LpNormalization", ["x"], in_vis=[vi("x", F, [3, 4])], p=3),
    "mvn_axis": lambda: one("MeanVarianceNormalization", ["x"], in_vis=[vi("x", F, [3, 4])],
                            axes=[0, 2]),
    "onehot_depth_input": lambda: one("OneHot", ["i", "d", "v"], opset=11,
                                      in_vis=[vi("i", TP.INT64, [3]), vi("d", TP.INT64, [])],
                                      inits=[const("v", np.array([0, 1], np.float32))]),
    "onehot_values": lambda: one("OneHot", ["i", "d", "v"], opset=11,
                                 in_vis=[vi("i", TP.INT64, [3])],
                                 inits=[const("d", np.int64(3)),
                                        const("v", np.array([0, 1, 2], np.float32))]),
    "onehot_depth_zero": lambda: one("OneHot", ["i", "d", "v"], opset=11,
                                     in_vis=[vi("i", TP.INT64, [3])],
                                     inits=[const("d", np.int64(0)),
                                            const("v", np.array([0, 1], np.float32))]),
    "onehot_axis": lambda: one("OneHot", ["i", "d", "v"], opset=11, axis=3,
                               in_vis=[vi("i", TP.INT64, [3])],
                               inits=[const("d", np.int64(4)),
                                      const("v", np.array([0, 1], np.float32))]),
    "hardmax_dynamic": lambda: one("Hardmax", ["x"], in_vis=[vi("x", F, [2, "N"])]),
    "trilu_dynamic": lambda: one("Trilu", ["x"], in_vis=[vi("x", F, ["N", "M"])], opset=14),
    "eyelike_dynamic": lambda: one("EyeLike", ["x"], in_vis=[vi("x", F, ["N", 4])]),
    "onehot_dynamic": lambda: one("OneHot", ["i", "d", "v"], opset=11,
                                  in_vis=[vi("i", TP.INT64, ["N"])],
                                  inits=[const("d", np.int64(3)),
                                         const("v", np.array([0, 1], np.float32))]),
    "group_norm_dynamic": lambda: one("GroupNormalization", ["x", "s", "b"], opset=21,
                                      in_vis=[vi("x", F, ["N", 4, 3])], num_groups=2,
                                      inits=[const("s", np.ones(4, np.float32)),
                                             const("b", np.zeros(4, np.float32))]),
    "onehot_depth_huge": lambda: one("OneHot", ["i", "d", "v"], opset=11,
                                     in_vis=[vi("i", TP.INT64, [3])],
                                     inits=[const("d", np.int64(2**31 - 1)),
                                            const("v", np.array([0, 1], np.float32))]),
    "trilu_huge": lambda: one("Trilu", ["x"], in_vis=[vi("x", F, [10000, 10000])], opset=14),
    "eyelike_huge": lambda: one("EyeLike", ["x"], in_vis=[vi("x", F, [10000, 10000])]),
    "depth_to_space_huge": lambda: one("DepthToSpace", ["x"], in_vis=[vi("x", F, [1, 8, 2, 2])],
                                       blocksize=2**40),
    "conv_same_stride0": lambda: one("Conv", ["x", "w"], in_vis=[vi("x", F, [1, 1, 5, 5])],
                                     auto_pad="SAME_UPPER", strides=[0, 1],
                                     inits=[const("w", np.ones((1, 1, 3, 3), np.float32))]),
    "split_num_outputs": lambda: one("Split", ["x"], ["y", "z"], in_vis=[vi("x", F, [7, 2])],
                                     opset=18, num_outputs=0),
})
GOOD = ("split_opset18", "gelu_opset20", "reduce_mean_opset18")
_DX = vi("x", F, [1, 2, 5, 5])
_DOFF = vi("off", F, [1, 18, 3, 3])


def _dw():  # (made when a model is, so that the shared rng's draws stay put)
    return const("w", np.ones((3, 2, 3, 3), np.float32))


def _deform(ins=("x", "w", "off"), in_vis=(_DX, _DOFF), inits=None, **attrs):
    return one("DeformConv", list(ins), in_vis=list(in_vis),
               inits=list(inits) if inits is not None else [_dw()], opset=19, **attrs)


_RX = vi("x", F, [2, 3, 6, 6])
_RROIS = const("r", np.array([[0, 0, 4, 4]], np.float32))
_RBI = const("bi", np.array([0], np.int64))


def _roi(ins=("x", "r", "bi"), in_vis=(_RX,), inits=(_RROIS, _RBI), opset=16, **attrs):
    return one("RoiAlign", list(ins), in_vis=list(in_vis), inits=list(inits), opset=opset,
               **attrs)


def _tscatter(p=(2, 5, 4), u=(2, 2, 4), extra=(), ut=F, wi=None, **attrs):
    ins = [vi("p", F, list(p)), vi("u", ut, list(u))] + list(extra)
    return one("TensorScatter", ["p", "u"] + (["wi"] if wi else []), in_vis=ins,
               inits=[wi] if wi else [], opset=24, **attrs)


B.update({
    "deform_rank": lambda: _deform(in_vis=(vi("x", F, [1, 2, 5]), _DOFF)),
    "deform_dynamic": lambda: _deform(in_vis=(vi("x", F, ["N", 2, 5, 5]), _DOFF)),
    "deform_types": lambda: _deform(in_vis=(_DX, vi("off", TP.DOUBLE, [1, 18, 3, 3]))),
    "deform_w_rank": lambda: _deform(inits=(const("w", w(3, 2, 9)),)),
    "deform_kernel_shape": lambda: _deform(kernel_shape=[2, 2]),
    "deform_group": lambda: _deform(group=0),
    "deform_channels": lambda: _deform(group=2),
    "deform_offset_group": lambda: _deform(offset_group=3),
    "deform_window": lambda: _deform(strides=[0, 1]),
    "deform_fit": lambda: _deform(in_vis=(vi("x", F, [1, 2, 2, 5]), _DOFF)),
    "deform_offset_shape": lambda: _deform(in_vis=(_DX, vi("off", F, [1, 9, 3, 3]))),
    "deform_mask_shape": lambda: _deform(ins=("x", "w", "off", "", "m"),
                                         in_vis=(_DX, _DOFF, vi("m", F, [1, 9, 3, 4]))),
    "deform_bias_shape": lambda: _deform(ins=("x", "w", "off", "b"),
                                         inits=(_dw(), const("b", w(4)))),
    "deform_large": lambda: _deform(in_vis=(vi("x", F, [1, 2, 9000, 9000]),
                                            vi("off", F, [1, 18, 8998, 8998]))),
    "deform_zero": lambda: _deform(in_vis=(vi("x", F, [1, 0, 5, 5]), _DOFF),
                                   inits=(const("w", w(3, 0, 3, 3)),)),
    "roi_rank": lambda: _roi(in_vis=(vi("x", F, [2, 3, 6]),)),
    "roi_dynamic": lambda: _roi(in_vis=(vi("x", F, [2, 3, "H", 6]),)),
    "roi_rois_shape": lambda: _roi(inits=(const("r", np.zeros((1, 5), np.float32)), _RBI)),
    "roi_rois_type": lambda: _roi(inits=(const("r", np.zeros((1, 4), np.float64)), _RBI)),
    "roi_indices": lambda: _roi(inits=(_RROIS, const("bi", np.array([0.0], np.float32)))),
    "roi_mode": lambda: _roi(mode="sum"),
    "roi_ctm": lambda: _roi(coordinate_transformation_mode="align_corners"),
    "roi_output": lambda: _roi(output_height=0),
    "roi_sampling": lambda: _roi(sampling_ratio=-1),
    "roi_scale": lambda: _roi(spatial_scale=float("inf")),
    "roi_grid": lambda: _roi(inits=(const("r", np.array([[0, 0, 1000, 4]], np.float32)), _RBI)),
    "roi_large": lambda: _roi(output_height=65536, sampling_ratio=32),
    "roi_zero": lambda: _roi(in_vis=(vi("x", F, [2, 3, 0, 6]),)),
    "gather_empty": lambda: one("Gather", ["x", "i"], in_vis=[vi("x", F, [0, 3])],
                                inits=[const("i", np.array([0, 0], np.int64))]),
    "gather_nd_empty": lambda: one("GatherND", ["x", "i"], in_vis=[vi("x", F, [0, 4, 5])],
                                   inits=[const("i", np.array([[0, 1], [2, 3]], np.int64))]),
    "gather_elements_empty": lambda: one("GatherElements", ["x", "i"], axis=1,
                                         in_vis=[vi("x", F, [2, 0])],
                                         inits=[const("i", np.zeros((2, 3), np.int64))]),
    "tscatter_types": lambda: _tscatter(ut=I64),
    "tscatter_axis": lambda: _tscatter(axis=0),
    "tscatter_mode": lambda: _tscatter(mode="ring"),
    "tscatter_rank": lambda: _tscatter(u=(2, 2)),
    "tscatter_shape": lambda: _tscatter(u=(2, 2, 3)),
    "tscatter_fit": lambda: _tscatter(u=(2, 6, 4)),
    "tscatter_indices": lambda: _tscatter(wi=const("wi", np.array([0, 1, 2], np.int64))),
    "tscatter_dynamic": lambda: _tscatter(p=("B", 5, 4)),
})
M.update({("" if k in GOOD else "bad_") + k: v for k, v in B.items()})

# ----- dynamic batch (test/e2e/dynamic-batch*.test) -------------------------
NB = ["N"]
M["dynamic_width"] = lambda: model(
    [h.make_node("Relu", ["x"], ["y"], name="relu")],
    [vi("x", F, ["N", 4, "W"])], [vi("y", F, None)])
M["batch_two_inputs"] = lambda: model(
    [h.make_node("Add", ["a", "b"], ["s"], name="add_ab"),
     h.make_node("Mul", ["s", "c"], ["y"], name="scale")],
    [vi("a", F, NB + [4]), vi("b", F, NB + [4]), vi("c", F, [4])], [vi("y", F, None)])
M["batch_softmax0"] = lambda: model(
    [h.make_node("Softmax", ["x"], ["y"], name="sm0", axis=0)],
    [vi("x", F, NB + [10])], [vi("y", F, None)])
M["batch_reduce0"] = lambda: model(
    [h.make_node("ReduceMean", ["x"], ["y"], name="mean0", axes=[0], keepdims=1)],
    [vi("x", F, NB + [10])], [vi("y", F, None)])
M["batch_shape_data"] = lambda: model(
    [h.make_node("Shape", ["x"], ["s"], name="shape"),
     h.make_node("Gather", ["s", "zero"], ["n"], name="batch_size", axis=0),
     h.make_node("Cast", ["n"], ["nf"], name="to_float", to=F),
     h.make_node("Div", ["x", "nf"], ["y"], name="per_batch")],
    [vi("x", F, NB + [10])], [vi("y", F, None)], [const("zero", np.int64(0))])
M["batch_transposed_out"] = lambda: model(
    [h.make_node("Transpose", ["x"], ["y"], name="t", perm=[1, 0])],
    [vi("x", F, NB + [4])], [vi("y", F, None)])
M["batch_gram"] = lambda: model(
    [h.make_node("Transpose", ["x"], ["xt"], name="t", perm=[1, 0]),
     h.make_node("MatMul", ["xt", "x"], ["y"], name="gram")],
    [vi("x", F, NB + [4])], [vi("y", F, None)])
M["batch_dynamic_quant"] = lambda: model(
    [h.make_node("DynamicQuantizeLinear", ["x"], ["q", "s", "z"], name="dql"),
     h.make_node("MatMulInteger", ["q", "w", "z"], ["y"], name="mmi")],
    [vi("x", F, NB + [8])], [vi("y", I32, None)],
    [const("w", rng.integers(0, 255, (8, 3)).astype(np.uint8))])
M["batch_flatten_gemm"] = lambda: model(
    [h.make_node("Flatten", ["x"], ["f"], name="flat", axis=1),
     h.make_node("Gemm", ["f", "w", "b"], ["g"], name="fc", transB=1),
     h.make_node("Softmax", ["g"], ["y"], name="probs", axis=-1)],
    [vi("x", F, NB + [2, 3, 3])], [vi("y", F, None)], [const("w", w(5, 18)), const("b", w(5))])


# Loop and Scan errors (test/Import/ONNX/errors/control-flow.test).
def _lbody(nodes=None, ins=None, outs=None, inits=()):
    nodes = nodes if nodes is not None else [
        h.make_node("Identity", ["c"], ["c_out"], name="id"),
        h.make_node("Neg", ["y"], ["y_out"], name="neg")]
    ins = ins if ins is not None else [vi("i", I64, []), vi("c", TP.BOOL, []), vi("y", F, [2])]
    outs = outs if outs is not None else [vi("c_out", TP.BOOL, []), vi("y_out", F, [2])]
    return h.make_graph(nodes, "body", ins, outs, initializer=list(inits))


def _loop(inputs=("m", "", "x"), outputs=("y",), body=None, in_vis=None, inits=None, **attrs):
    if body is not False:
        attrs["body"] = body if body is not None else _lbody()
    return model([h.make_node("Loop", list(inputs), list(outputs), name="loop", **attrs)],
                 in_vis or [vi("x", F, [2])], [vi(o, F, None) for o in outputs],
                 inits if inits is not None else [const("m", np.int64(3))], opset=13)


def _sbody(ins=None, outs=None, nodes=None):
    nodes = nodes if nodes is not None else [
        h.make_node("Add", ["s", "x"], ["s_out"], name="add"),
        h.make_node("Identity", ["s_out"], ["y"], name="id")]
    ins = ins if ins is not None else [vi("s", F, [3]), vi("x", F, [3])]
    outs = outs if outs is not None else [vi("s_out", F, [3]), vi("y", F, [3])]
    return h.make_graph(nodes, "body", ins, outs)


def _scan_bad(inputs=("s0", "xs"), outputs=("s", "ys"), in_vis=None, opset=11, body=None,
              inits=(), **attrs):
    if body is not False:
        attrs["body"] = body if body is not None else _sbody()
    attrs.setdefault("num_scan_inputs", 1)
    return model([h.make_node("Scan", list(inputs), list(outputs), name="scan", **attrs)],
                 in_vis or [vi("s0", F, [3]), vi("xs", F, [4, 3])],
                 [vi(o, F, None) for o in outputs], list(inits), opset=opset)


_CF_BAD = {
    "loop_no_body": lambda: _loop(body=False),
    "loop_one_input": lambda: _loop(inputs=("m",)),
    "loop_body_io": lambda: _loop(body=_lbody(ins=[vi("i", I64, []), vi("y", F, [2])])),
    "loop_outputs": lambda: _loop(outputs=("y", "z")),
    "loop_missing_carried": lambda: _loop(inputs=("m", "", "")),
    "loop_runtime_m": lambda: _loop(in_vis=[vi("x", F, [2]), vi("m", I64, [])], inits=[]),
    "loop_cond_type": lambda: _loop(inputs=("m", "x", "x")),
    "loop_unbounded": lambda: _loop(inputs=("", "c", "x"),
                                    in_vis=[vi("x", F, [2]), vi("c", TP.BOOL, [])], inits=[]),
    "loop_forever": lambda: _loop(inputs=("", "t", "x"), inits=[const("t", np.array(True))]),
    "loop_too_long": lambda: _loop(inits=[const("m", np.int64(5000))]),
    "loop_too_many_nodes": lambda: _loop(
        inits=[const("m", np.int64(1000))],
        body=_lbody(nodes=[h.make_node("Identity", ["c"], ["c_out"], name="id")] +
                    [h.make_node("Neg", ["y" if k == 0 else "n%d" % (k - 1)],
                                 ["y_out" if k == 99 else "n%d" % k], name="neg%d" % k)
                     for k in range(100)])),
    # 100 iterations of a body holding a Loop of 1000 iterations of 2 nodes:
    # each unrolling is in bounds, the product (200100 nodes) is not.
    "loop_nested_too_many": lambda: _loop(
        inits=[const("m", np.int64(100)), const("m2", np.int64(1000))],
        body=_lbody(nodes=[h.make_node("Identity", ["c"], ["c_out"], name="id"),
                           h.make_node("Loop", ["m2", "", "y"], ["y_out"], name="inner",
                                       body=_lbody())])),
    "loop_cond_out_type": lambda: _loop(body=_lbody(
        nodes=[h.make_node("Neg", ["y"], ["y_out"], name="neg")],
        outs=[vi("y_out", F, [2]), vi("y_out", F, [2])])),
    "loop_runtime_shape": lambda: _loop(
        inputs=("m", "c", "x"), in_vis=[vi("x", F, [2]), vi("c", TP.BOOL, [])],
        body=_lbody(nodes=[h.make_node("Identity", ["c"], ["c_out"], name="id"),
                           h.make_node("Concat", ["y", "y"], ["y_out"], name="cat", axis=0)])),
    "loop_runtime_scan": lambda: _loop(
        inputs=("m", "c", "x"), outputs=("y", "ys"),
        in_vis=[vi("x", F, [2]), vi("c", TP.BOOL, [])],
        body=_lbody(nodes=[h.make_node("Identity", ["c"], ["c_out"], name="id"),
                           h.make_node("Neg", ["y"], ["y_out"], name="neg"),
                           h.make_node("Identity", ["y"], ["ys"], name="id2")],
                    outs=[vi("c_out", TP.BOOL, []), vi("y_out", F, [2]), vi("ys", F, [2])])),
    "loop_body_type": lambda: _loop(body=_lbody(
        ins=[vi("i", I64, []), vi("c", TP.BOOL, []), vi("y", I64, [2])])),
    "loop_scan_shapes": lambda: _loop(
        outputs=("y", "ys"),
        body=_lbody(nodes=[h.make_node("Identity", ["c"], ["c_out"], name="id"),
                           h.make_node("Concat", ["y", "y"], ["y_out"], name="cat", axis=0),
                           h.make_node("Identity", ["y"], ["ys"], name="id2")],
                    outs=[vi("c_out", TP.BOOL, []), vi("y_out", F, None), vi("ys", F, None)])),
    "loop_unnamed_input": lambda: _loop(body=_lbody(
        ins=[vi("", I64, []), vi("c", TP.BOOL, []), vi("y", F, [2])])),
    "scan_no_body": lambda: _scan_bad(body=False),
    "scan_num_inputs": lambda: _scan_bad(num_scan_inputs=3),
    "scan_body_io": lambda: _scan_bad(body=_sbody(ins=[vi("s", F, [3])])),
    "scan_outputs": lambda: _scan_bad(outputs=("s", "ys", "zs")),
    "scan_missing_input": lambda: _scan_bad(inputs=("", "xs")),
    "scan_axes_count": lambda: _scan_bad(scan_input_axes=[0, 1]),
    "scan_direction": lambda: _scan_bad(scan_input_directions=[2]),
    "scan8_batch": lambda: _scan_bad(inputs=("", "s0", "xs"), opset=8,
                                     in_vis=[vi("s0", F, [2, 3]), vi("xs", F, [3, 4, 3])]),
    "scan8_dynamic_batch": lambda: _scan_bad(inputs=("", "s0", "xs"), opset=8,
                                             in_vis=[vi("s0", F, ["N", 3]),
                                                     vi("xs", F, ["N", 4, 3])]),
    "scan8_long": lambda: _scan_bad(inputs=("", "s0", "xs"), opset=8,
                                    in_vis=[vi("s0", F, [64, 3]), vi("xs", F, [64, 32, 3])]),
    "scan8_lens": lambda: _scan_bad(inputs=("lens", "s0", "xs"), opset=8,
                                    in_vis=[vi("s0", F, [2, 3]), vi("xs", F, [2, 4, 3])],
                                    inits=[const("lens", np.array([5, 2], np.int32))]),
    "scan8_lens_count": lambda: _scan_bad(inputs=("lens", "s0", "xs"), opset=8,
                                          in_vis=[vi("s0", F, [2, 3]), vi("xs", F, [2, 4, 3])],
                                          inits=[const("lens", np.array([4], np.int32))]),
    "scan_axis": lambda: _scan_bad(scan_input_axes=[2]),
    "scan_dynamic_length": lambda: _scan_bad(in_vis=[vi("s0", F, [3]), vi("xs", F, ["T", 3])]),
    "scan_lengths_differ": lambda: _scan_bad(
        inputs=("s0", "xs", "zs"), num_scan_inputs=2,
        in_vis=[vi("s0", F, [3]), vi("xs", F, [4, 3]), vi("zs", F, [5, 3])],
        body=_sbody(ins=[vi("s", F, [3]), vi("x", F, [3]), vi("z", F, [3])])),
    "scan_output_axis": lambda: _scan_bad(scan_output_axes=[3]),
}
for _k, _f in _CF_BAD.items():
    M["bad_" + _k] = _f

def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(sorted(list(M) + ["external_weights"])))
        return
    name, out = sys.argv[1], sys.argv[2]
    if name == "external_weights":
        onnx.save(external_weights(out), out)
        return
    onnx.save(M[name](), out)


if __name__ == "__main__":
    main()
