#!/usr/bin/python3
"""Runs a model through the CPU backend and a GPU backend and compares.

gpu_check.py MODEL.onnx WORKDIR [--target=vulkan|cuda] [--atol X] [--octetc-arg=ARG ...]
    [--gpu-arg=ARG ...]   (--octetc-arg: both compiles; --gpu-arg: the GPU one only)
gpu_check.py --fuzz FIRST LAST WORKDIR [--transformer] [--target=...]   (qdq_fuzz.py seeds)
gpu_check.py --layers FIRST LAST WORKDIR [--target=...]   (gpu_layers.py seeds)

Random inputs (normal floats scaled by 4, so that quantized inputs also
saturate; integers over their range); symbolic dimensions are 1. Prints one
line per model and output, "bit-identical" or the largest difference, and
exits non-zero unless every output is bit-identical (or within --atol).
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import mapping

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), r.stderr))


def check(model_path, work, atol, extra, label, gpu, gpu_extra=(), gpu_wrap=()):
    model = onnx.load(model_path)
    inits = {t.name for t in model.graph.initializer}
    rng = np.random.default_rng(11)
    feeds, shapes = [], []
    for i in model.graph.input:
        if i.name in inits:
            continue
        dims = [d.dim_value if d.HasField("dim_value") else 1 for d in i.type.tensor_type.shape.dim]
        dtype = mapping.TENSOR_TYPE_TO_NP_TYPE[i.type.tensor_type.elem_type]
        if np.issubdtype(dtype, np.integer):
            info = np.iinfo(dtype)
            x = rng.integers(max(info.min, -128), min(info.max, 255) + 1, size=dims).astype(dtype)
        else:
            x = (4 * rng.standard_normal(dims)).astype(dtype)
        path = os.path.join(work, "in_%s.npy" % len(feeds))
        np.save(path, x)
        feeds.append("%s=@%s" % (i.name, path))
        if any(not d.HasField("dim_value") for d in i.type.tensor_type.shape.dim):
            shapes += ["--input-shape", "%s=%s" % (i.name, "x".join(map(str, dims)))]
    ok = True
    outs = {}
    for target in ("cpu", gpu):
        so = os.path.join(work, "m.%s.so" % target)
        run(["octetc", model_path, "--target=" + target, "--emit=shared-lib", "-o", so] + shapes + extra
            + (list(gpu_extra) if target == gpu else []))
        cmd = ["octet-run", so]
        if target == gpu and gpu_wrap:
            # (a wrapper that runs octet-run with another Vulkan stack)
            cmd = list(gpu_wrap) + [shutil.which("octet-run"), so]
        for f in feeds:
            cmd += ["--input", f]
        for k, o in enumerate(model.graph.output):
            cmd += ["--output", "%s=@%s" % (o.name, os.path.join(work, "%s%d.npy" % (target, k)))]
        run(cmd)
    for k, o in enumerate(model.graph.output):
        a = np.load(os.path.join(work, "cpu%d.npy" % k))
        b = np.load(os.path.join(work, "%s%d.npy" % (gpu, k)))
        if a.shape != b.shape or a.dtype != b.dtype:
            print("%s output %s: shapes differ %s %s" % (label, o.name, a.shape, b.shape))
            ok = False
            continue
        if a.tobytes() == b.tobytes():
            print("%s output %s: bit-identical" % (label, o.name))
            continue
        diff = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))
        good = atol > 0 and diff <= atol
        ok &= good
        print("%s output %s: max diff %g%s" % (label, o.name, diff, "" if good else " FAILED"))
    return ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("args", nargs="+")
    p.add_argument("--fuzz", action="store_true")
    p.add_argument("--layers", action="store_true")
    p.add_argument("--transformer", action="store_true")
    p.add_argument("--atol", type=float, default=0.0)
    p.add_argument("--octetc-arg", action="append", default=[])
    p.add_argument("--gpu-arg", action="append", default=[])
    p.add_argument("--target", default="vulkan", choices=["vulkan", "cuda"])
    p.add_argument("--gpu-wrap", default="",
                   help="a command that runs the GPU build's octet-run (e.g. scripts/lavapipe-coopmat.sh)")
    a = p.parse_args()
    wrap = shlex.split(a.gpu_wrap)
    ok = True
    if a.layers:
        first, last, work = int(a.args[0]), int(a.args[1]), a.args[2]
        os.makedirs(work, exist_ok=True)
        for seed in range(first, last + 1):
            path = os.path.join(work, "layer%d.onnx" % seed)
            r = subprocess.run([sys.executable, os.path.join(HERE, "gpu_layers.py"), str(seed), path],
                               capture_output=True, text=True, check=True)
            ok &= check(path, work, a.atol, a.octetc_arg,
                        "layer %d (%s)" % (seed, r.stdout.strip()), a.target, a.gpu_arg, wrap)
    elif a.fuzz:
        first, last, work = int(a.args[0]), int(a.args[1]), a.args[2]
        os.makedirs(work, exist_ok=True)
        for seed in range(first, last + 1):
            path = os.path.join(work, "seed%d.onnx" % seed)
            run([sys.executable, os.path.join(HERE, "qdq_fuzz.py")] +
                (["--transformer"] if a.transformer else []) + [str(seed), path])
            ok &= check(path, work, a.atol, a.octetc_arg, "seed %d" % seed, a.target, a.gpu_arg, wrap)
    else:
        model, work = a.args[0], a.args[1]
        os.makedirs(work, exist_ok=True)
        ok = check(model, work, a.atol, a.octetc_arg, os.path.basename(model), a.target,
                   a.gpu_arg, wrap)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
