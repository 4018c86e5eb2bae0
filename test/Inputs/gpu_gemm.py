#!/usr/bin/python3
"""Writes one QDQ MatMul of M x K by K x N (uint8 activations with a
non-zero zero point, int8 weights per output channel, a float bias, uint8
output): a product long enough in K for the GPU kernels' pipelines to wrap
their stages many times.

usage: gpu_gemm.py M K N OUT.onnx [SEED]
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh


def main():
    if len(sys.argv) not in (5, 6):
        raise SystemExit(__doc__)
    m, k, n = (int(v) for v in sys.argv[1:4])
    out = sys.argv[4]
    rng = np.random.default_rng(int(sys.argv[5]) if len(sys.argv) == 6 else 0)
    w = rng.integers(-128, 128, (k, n)).astype(np.int8)
    ws = (rng.random(n) * 0.002 + 0.0005).astype(np.float32)
    bias = (rng.standard_normal(n) * 2).astype(np.float32)
    inits = [
        nh.from_array(np.float32(0.02), "xs"), nh.from_array(np.uint8(117), "xz"),
        nh.from_array(w, "wq"), nh.from_array(ws, "ws"),
        nh.from_array(np.zeros(n, np.int8), "wz"), nh.from_array(bias, "b"),
        nh.from_array(np.float32(0.5 * np.sqrt(k) / 8), "ys"),
        nh.from_array(np.uint8(128), "yz"),
    ]
    nodes = [
        h.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"], name="qx"),
        h.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"], name="dqx"),
        h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], name="dqw", axis=1),
        h.make_node("MatMul", ["xd", "wd"], ["p"], name="matmul"),
        h.make_node("Add", ["p", "b"], ["pb"], name="bias"),
        h.make_node("QuantizeLinear", ["pb", "ys", "yz"], ["yq"], name="qy"),
        h.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"], name="dqy"),
    ]
    g = h.make_graph(nodes, "gpu_gemm", [h.make_tensor_value_info("x", TP.FLOAT, [m, k])],
                     [h.make_tensor_value_info("y", TP.FLOAT, [m, n])], inits)
    model = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out)


if __name__ == "__main__":
    main()
