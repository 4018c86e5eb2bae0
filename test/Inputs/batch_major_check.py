#!/usr/bin/python3
"""Checks a batch-major recurrent model (LSTM, GRU or RNN with layout = 1),
which ONNX Runtime refuses, against ONNX Runtime on the same node with
layout 0: Octet runs the layout-1 model on random inputs, ORT the layout-0
copy on the transposed inputs, and the outputs, transposed back, must agree
within 1e-4 relative (plus 1e-5 absolute).

usage: batch_major_check.py MODEL WORKDIR"""
import os
import subprocess
import sys

import numpy as np
import onnx

ORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ort", "ort_run.js")
model, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
m = onnx.load(model)
node = m.graph.node[0]
assert node.op_type in ("LSTM", "GRU", "RNN") and \
    any(a.name == "layout" and a.i == 1 for a in node.attribute), "not a layout-1 recurrent node"

# The layout-0 copy: no layout attribute, time-major input shapes.
m0 = onnx.ModelProto()
m0.CopyFrom(m)
n0 = m0.graph.node[0]
keep = [a for a in n0.attribute if a.name != "layout"]
del n0.attribute[:]
n0.attribute.extend(keep)
for i in m0.graph.input:
    d = i.type.tensor_type.shape.dim
    if len(d) == 3:
        d[0].dim_value, d[1].dim_value = d[1].dim_value, d[0].dim_value
for o in m0.graph.output:
    o.type.tensor_type.ClearField("shape")
p0 = os.path.join(work, "layout0.onnx")
onnx.save(m0, p0)

rng = np.random.default_rng(0)
feeds, feeds0 = [], []
for i in m.graph.input:
    shape = [d.dim_value for d in i.type.tensor_type.shape.dim]
    x = rng.uniform(-2, 2, shape).astype(np.float32)
    p, q = os.path.join(work, i.name + ".npy"), os.path.join(work, i.name + ".t.npy")
    np.save(p, x)
    np.save(q, np.ascontiguousarray(x.transpose(1, 0, 2)))
    feeds.append((i.name, p))
    feeds0.append((i.name, q))

so = os.path.join(work, "m.so")
subprocess.run(["octetc", model, "--target=cpu", "--emit=shared-lib", "-o", so], check=True)
outs = [o for o in node.output if o]
run = ["octet-run", so] + sum((["--input", "%s=@%s" % f] for f in feeds), [])
run += sum((["--output", "%s=@%s" % (o, os.path.join(work, "octet.%s.npy" % o))] for o in outs), [])
subprocess.run(run, check=True)
ort = ["node", ORT, p0] + ["%s=%s" % f for f in feeds0] + ["--"]
ort += ["%s=%s" % (o, os.path.join(work, "ort.%s.npy" % o)) for o in outs]
subprocess.run(ort, check=True)

ok = True
for k, o in enumerate(outs):
    got = np.load(os.path.join(work, "octet.%s.npy" % o))
    ref = np.load(os.path.join(work, "ort.%s.npy" % o))
    # Y: [seq, dirs, batch, hidden] -> [batch, seq, dirs, hidden]; the
    # states: [dirs, batch, hidden] -> [batch, dirs, hidden].
    ref = ref.transpose(2, 0, 1, 3) if k == 0 else ref.transpose(1, 0, 2)
    good = got.shape == ref.shape and np.allclose(got, ref, rtol=1e-4, atol=1e-5)
    print("output %s: shape %s, %s" % (o, got.shape, "agrees" if good else "DIFFERS"))
    ok = ok and good
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
