#!/usr/bin/python3
"""Checks of octetc --quantize results (numpy and onnx only; no Octet code).

quant_check.py compare OURS.onnx REF.onnx [--rtol 1e-6]
    Both QDQ models quantize the same float model: every initializer of REF
    exists in OURS with its dtype and shape; integer ones (weights, biases,
    zero points) are equal, float ones (scales) equal within --rtol; the nodes
    (op type, name, inputs, outputs) are the same set.
quant_check.py codes GOT.npy OURS.onnx WANT.npy REF.onnx [--output output]
    Both outputs are DequantizeLinear results: maps each back to its integer
    code with its model's output scale and zero point and requires the codes
    to be equal.
quant_check.py accuracy GOT.npy LABELS.npy --min PCT
quant_check.py example
    The asymmetric min-max mapping of [0, 10] onto int8 [-128, 127], after
    ONNX Runtime's compute_scale_zp, applied to 3.14 by QuantizeLinear's rule.
quant_check.py inits MODEL.onnx NAME=VALUE...
    Scalar initializers of MODEL equal the given values (floats to 1e-7
    relative).
"""
import sys

import numpy as np


def load(path):
    import onnx
    from onnx import numpy_helper as nh
    m = onnx.load(path)
    return m, {t.name: nh.to_array(t) for t in m.graph.initializer}


def compare(ours, ref, rtol):
    mo, io = load(ours)
    mr, ir = load(ref)
    bad = 0
    worst = 0.0
    nfloat = nint = 0
    for name, want in ir.items():
        got = io.get(name)
        if got is None:
            print("missing initializer %s" % name)
            bad += 1
            continue
        if got.dtype != want.dtype or got.shape != want.shape:
            print("%s: %s %s, want %s %s" % (name, got.dtype, got.shape, want.dtype, want.shape))
            bad += 1
            continue
        if want.dtype.kind == "f":
            rel = float(np.max(np.abs(got.astype(np.float64) - want) /
                               np.maximum(np.abs(want.astype(np.float64)), 1e-30))) if want.size else 0.0
            worst = max(worst, rel)
            nfloat += 1
            if rel > rtol:
                print("%s: relative difference %g > %g" % (name, rel, rtol))
                bad += 1
        else:
            nint += 1
            if not np.array_equal(got, want):
                print("%s: %d of %d values differ" % (name, int(np.sum(got != want)), want.size))
                bad += 1
    extra = sorted(set(io) - set(ir))
    if extra:
        print("extra initializers: %s" % extra)
        bad += 1
    key = lambda n: (n.op_type, n.name, tuple(n.input), tuple(n.output))
    no, nr = set(map(key, mo.graph.node)), set(map(key, mr.graph.node))
    if no != nr:
        for n in sorted(no - nr):
            print("extra node %s" % (n,))
        for n in sorted(nr - no):
            print("missing node %s" % (n,))
        bad += 1
    print("nodes: %d, same set: %s" % (len(nr), no == nr))
    print("integer initializers equal: %d" % nint)
    print("float initializers within %g: %d (max relative difference %.1e)" % (rtol, nfloat, worst))
    return bad == 0


def out_params(model, output):
    m, inits = load(model)
    for n in m.graph.node:
        if n.op_type == "DequantizeLinear" and n.output[0] == output:
            return float(inits[n.input[1]]), int(inits[n.input[2]])
    raise SystemExit("%s: no DequantizeLinear writes '%s'" % (model, output))


def main():
    cmd = sys.argv[1]
    args = sys.argv[2:]
    if cmd == "compare":
        rtol = 1e-6
        if "--rtol" in args:
            i = args.index("--rtol")
            rtol = float(args[i + 1])
            del args[i:i + 2]
        sys.exit(0 if compare(args[0], args[1], rtol) else 1)
    if cmd == "codes":
        output = "output"
        if "--output" in args:
            i = args.index("--output")
            output = args[i + 1]
            del args[i:i + 2]
        got, want = np.load(args[0]), np.load(args[2])
        sg, zg = out_params(args[1], output)
        sw, zw = out_params(args[3], output)
        cg = np.rint(got.astype(np.float64) / np.float32(sg)) + zg
        cw = np.rint(want.astype(np.float64) / np.float32(sw)) + zw
        # The codes must be exact integers of each scale, and equal.
        okg = np.allclose((cg - zg) * np.float32(sg), got, rtol=1e-6, atol=0)
        same = int(np.sum(cg == cw))
        print("output codes equal: %d of %d" % (same, cw.size))
        print("output scales: %r vs %r, zero points %d vs %d" % (np.float32(sg), np.float32(sw), zg, zw))
        sys.exit(0 if same == cw.size and okg and zg == zw else 1)
    if cmd == "accuracy":
        got, y = np.load(args[0]), np.load(args[1])
        acc = 100.0 * float(np.mean(got.argmax(axis=1) == y))
        need = float(args[args.index("--min") + 1])
        print("accuracy: %.2f%% (at least %.2f%%: %s)" % (acc, need, acc >= need))
        sys.exit(0 if acc >= need else 1)
    if cmd == "example":
        # compute_scale_zp(0, 10, qmin=-128, qmax=127), then QuantizeLinear.
        rmin, rmax, qmin, qmax = np.float32(0), np.float32(10), -128, 127
        scale = np.float64(rmax - rmin) / (qmax - qmin)
        zp = int(np.round(qmin - rmin / scale))
        s32 = np.float32(scale)
        q = int(np.clip(np.rint(np.float32(3.14) / s32) + zp, qmin, qmax))
        print("scale %r zero_point %d q(3.14) %d" % (s32, zp, q))
        return
    if cmd == "inits":
        _, inits = load(args[0])
        bad = 0
        for spec in args[1:]:
            name, value = spec.split("=")
            got = inits[name]
            if got.dtype.kind == "f":
                ok = abs(float(got) - float(value)) <= 1e-7 * abs(float(value))
            else:
                ok = int(got) == int(value)
            print("%s = %r (want %s): %s" % (name, got.item(), value, "ok" if ok else "WRONG"))
            bad += not ok
        sys.exit(1 if bad else 0)
    raise SystemExit("unknown command " + cmd)


main()
