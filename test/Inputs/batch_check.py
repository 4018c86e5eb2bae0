#!/usr/bin/python3
"""Checks a dynamic-batch module against fixed-shape builds of the same model.

batch_check.py MODEL.onnx DYN.so --batches 1,3,5 [--octetc-arg=ARG ...] [--inputs X.npy]

For each batch size n: random inputs of shape [n, ...] (the model's other
dims; or the first n rows of --inputs), run through DYN.so with octet-run,
and through a module octetc builds with --input-shape NAME=nx... for every
input whose leading dimension is symbolic. Prints one line per batch size
and exits non-zero unless every output is bit-identical.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import mapping

p = argparse.ArgumentParser()
p.add_argument("model")
p.add_argument("dyn")
p.add_argument("--batches", required=True)
p.add_argument("--octetc-arg", action="append", default=[])
p.add_argument("--inputs")
a = p.parse_args()

model = onnx.load(a.model)
inits = {t.name for t in model.graph.initializer}
graph_inputs = [i for i in model.graph.input if i.name not in inits]
outputs = [o.name for o in model.graph.output]
rng = np.random.default_rng(7)
ok = True
with tempfile.TemporaryDirectory() as tmp:
    for n in [int(b) for b in a.batches.split(",")]:
        run_dyn = ["octet-run", a.dyn]
        build = ["octetc", a.model, "--target=cpu", "--emit=shared-lib",
                 "-o", os.path.join(tmp, "fixed.so")] + a.octetc_arg
        run_fixed = ["octet-run", os.path.join(tmp, "fixed.so")]
        for i in graph_inputs:
            dims = [d.dim_value if d.HasField("dim_value") else None
                    for d in i.type.tensor_type.shape.dim]
            dtype = mapping.TENSOR_TYPE_TO_NP_TYPE[i.type.tensor_type.elem_type]
            batched = dims[0] is None
            shape = [n] + dims[1:] if batched else dims
            if a.inputs and batched:
                x = np.load(a.inputs)[:n]
            elif np.issubdtype(dtype, np.integer):
                info = np.iinfo(dtype)
                x = rng.integers(max(info.min, -128), min(info.max, 255) + 1, size=shape).astype(dtype)
            else:
                x = rng.standard_normal(shape).astype(dtype)
            path = os.path.join(tmp, "%s_%d.npy" % (i.name, n))
            np.save(path, x)
            run_dyn += ["--input", "%s=@%s" % (i.name, path)]
            run_fixed += ["--input", "%s=@%s" % (i.name, path)]
            if batched:
                build += ["--input-shape", "%s=%s" % (i.name, "x".join(str(d) for d in shape))]
        for k, o in enumerate(outputs):
            run_dyn += ["--output", "%s=@%s" % (o, os.path.join(tmp, "dyn%d.npy" % k))]
            run_fixed += ["--output", "%s=@%s" % (o, os.path.join(tmp, "fix%d.npy" % k))]
        for cmd in (run_dyn, build, run_fixed):
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode:
                sys.exit("failed: %s\n%s" % (" ".join(cmd), r.stderr))
        for k, o in enumerate(outputs):
            got = np.load(os.path.join(tmp, "dyn%d.npy" % k))
            want = np.load(os.path.join(tmp, "fix%d.npy" % k))
            same = got.shape == want.shape and got.dtype == want.dtype and \
                got.tobytes() == want.tobytes()
            ok &= same
            print("batch %d output %s %s: %s" % (n, o, "x".join(map(str, got.shape)),
                                                 "bit-identical" if same else "DIFFERENT"))
sys.exit(0 if ok else 1)
