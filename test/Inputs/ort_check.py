#!/usr/bin/python3
"""Runs a model with Octet (octetc + octet-run) and with ONNX Runtime
(onnxruntime-node, test/ort) on the same random input and compares.

usage: ort_check.py MODEL WORKDIR [--input-shape NAME=DxD] [--seed N]
                    [--exact] [--quanta N] [--rtol X] [--requant=MODE]
                    [--input-range LO HI] [--ort-no-opt]
--quanta counts in units of the output's quantization scale (the scale of
the DequantizeLinear that produces the graph output)."""
import argparse
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

ORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ort", "ort_run.js")

p = argparse.ArgumentParser()
p.add_argument("model")
p.add_argument("work")
p.add_argument("--input-shape", action="append", default=[])
p.add_argument("--seed", type=int, default=0)
p.add_argument("--exact", action="store_true")
p.add_argument("--ort-no-opt", action="store_true",
               help="ONNX Runtime runs the graph unoptimized, as its quantizer's calibration does")
p.add_argument("--quanta", type=float)
p.add_argument("--rtol", type=float, default=1e-4)
p.add_argument("--requant", default="onnx")
p.add_argument("--octetc-arg", action="append", default=[],
               help="an extra octetc argument, e.g. --vnni=off")
p.add_argument("--input-range", type=float, nargs=2, default=(0.0, 1.0),
               metavar=("LO", "HI"), help="float inputs are uniform in [LO, HI); int32/int64 inputs lie in {0, 1, 2}, bools are fair coins")
a = p.parse_args()
os.makedirs(a.work, exist_ok=True)

m = onnx.load(a.model)
inits = {t.name: t for t in m.graph.initializer}
# Constant values the graph computes (torch exports Constant -> Cast chains).
# (Only the types this onnx package knows: not the 4-bit and 8-bit floats.)
consts = {k: numpy_helper.to_array(v) for k, v in inits.items()
          if v.data_type in onnx.mapping.TENSOR_TYPE_TO_NP_TYPE}
for n in m.graph.node:
    if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value":
        consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    elif n.op_type in ("Cast", "Identity") and n.input[0] in consts:
        consts[n.output[0]] = consts[n.input[0]]
fixed = dict(s.split("=") for s in a.input_shape)
rng = np.random.default_rng(a.seed)
NP = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32,
      7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32, 13: np.uint64}
feeds = []
for i in m.graph.input:
    if i.name in inits:
        continue
    tt = i.type.tensor_type
    shape = [int(v) for v in fixed[i.name].split("x")] if i.name in fixed else \
        [d.dim_value for d in tt.shape.dim]
    dt = NP[tt.elem_type]
    lo, hi = a.input_range
    if dt in (np.float32, np.float16, np.float64):
        x = (lo + (hi - lo) * rng.random(shape)).astype(dt)
    elif dt == np.bool_:
        x = rng.random(shape) < 0.5
    elif dt in (np.int32, np.int64):  # masks and indices: small values
        x = rng.integers(0, 3, shape).astype(dt)
    elif dt == np.uint64:  # the whole range, past 2^63 too
        x = rng.integers(0, np.iinfo(dt).max, shape, dtype=dt, endpoint=True)
    else:
        x = rng.integers(np.iinfo(dt).min, np.iinfo(dt).max + 1, shape).astype(dt)
    path = os.path.join(a.work, i.name + ".npy")
    np.save(path, x)
    feeds.append((i.name, path))

so = os.path.join(a.work, "m.so")
cmd = ["octetc", a.model, "--target=cpu", "--emit=shared-lib", "-o", so, "--requant=" + a.requant]
cmd += a.octetc_arg
for s in a.input_shape:
    cmd += ["--input-shape", s]
subprocess.run(cmd, check=True)
outs = [o.name for o in m.graph.output]
run = ["octet-run", so]
for n, path in feeds:
    run += ["--input", "%s=@%s" % (n, path)]
for o in outs:
    run += ["--output", "%s=@%s" % (o, os.path.join(a.work, "octet." + o.replace("/", "_") + ".npy"))]
subprocess.run(run, check=True)


def unshared_for_ort(path, work):
    """The reference ORT runs with session.x64quantprecision=1 (exact int8
    products on hosts without VNNI, docs/onnxruntime-saturation.md). ORT
    1.30's weight transformer for that mode fails on an initializer or
    Constant that several nodes read ("Attempt to replace the existing
    tensor"), so ORT gets a copy of the model with one copy per use: the
    same computation."""
    mm = onnx.load(path)
    g = mm.graph
    init = {t.name: t for t in g.initializer}
    const = {n.output[0]: n for n in g.node if n.op_type == "Constant" and n.output}
    uses = {}
    for n in g.node:
        for i in n.input:
            if i in init or i in const:
                uses[i] = uses.get(i, 0) + 1
    graph_outs = {o.name for o in g.output}
    shared = [k for k, v in uses.items() if v > 1 and k not in graph_outs]
    if not shared:
        return path
    seen = {}
    new_nodes = []
    for n in g.node:
        for k, i in enumerate(n.input):
            if i not in shared:
                continue
            seen[i] = seen.get(i, 0) + 1
            if seen[i] == 1:
                continue
            name = "%s__ort_use%d" % (i, seen[i])
            if i in init:
                t = onnx.TensorProto()
                t.CopyFrom(init[i])
                t.name = name
                g.initializer.append(t)
            else:
                c = onnx.NodeProto()
                c.CopyFrom(const[i])
                c.output[0] = name
                c.name = (c.name or "const") + "__ort_use%d" % seen[i]
                new_nodes.append(c)
            n.input[k] = name
    if new_nodes:
        nodes = list(new_nodes) + list(g.node)
        del g.node[:]
        g.node.extend(nodes)
    out = os.path.join(work, "ort_model.onnx")
    onnx.save(mm, out)
    return out


# OCTET_ORT_CPU=MODEL runs ONNX Runtime under qemu-x86_64 -cpu MODEL (e.g.
# EPYC-Milan-v1, a Zen 3): its kernels then see that CPU's ISA, which checks
# the reference on a host without VNNI (docs/onnxruntime-saturation.md).
# (qemu-user does not search PATH: it gets node's full path.)
emulate = ["qemu-x86_64", "-cpu", os.environ["OCTET_ORT_CPU"]] if os.environ.get("OCTET_ORT_CPU") else []
node = shutil.which("node") or "node" if emulate else "node"
ort = emulate + [node, ORT] + (["--no-graph-opt"] if a.ort_no_opt else []) + [unshared_for_ort(a.model, a.work)] + ["%s=%s" % f for f in feeds] + ["--"] + \
    ["%s=%s" % (o, os.path.join(a.work, "ort." + o.replace("/", "_") + ".npy")) for o in outs]
subprocess.run(ort, check=True)

ok = True
for o in outs:
    got = np.load(os.path.join(a.work, "octet." + o.replace("/", "_") + ".npy"))
    want = np.load(os.path.join(a.work, "ort." + o.replace("/", "_") + ".npy"))
    if got.shape != want.shape:
        print("output %s: shape %s, ONNX Runtime's %s" % (o, got.shape, want.shape))
        ok = False
        continue
    diff = np.abs(got.astype(np.float64) - want.astype(np.float64)).ravel()
    same = int(np.sum(got == want))
    # NaN where ONNX Runtime has NaN (log of a negative) counts as equal
    # whatever its payload; NaN on one side only does not.
    if np.issubdtype(got.dtype, np.floating):
        both = (np.isnan(got) & np.isnan(want)).ravel()
        same += int(np.sum(both))
        diff[both] = 0.0
    dmax = float(diff.max()) if diff.size else 0.0  # zero-sized outputs
    line = "output %s: %d of %d bit-exact, max abs diff %g" % (o, same, got.size, dmax)
    if a.exact:
        ok &= same == got.size
    elif a.quanta is not None:
        producer = [n for n in m.graph.node if o in n.output]
        scale = float(np.asarray(consts[producer[0].input[1]]).max())
        q = dmax / scale
        line += ", %.3g output quanta" % q
        ok &= q <= a.quanta + 1e-6
    else:
        ok &= dmax <= a.rtol * max(1.0, float(np.abs(want).max()) if want.size else 0.0)
    print(line)
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
