#!/usr/bin/python3
"""ONNX's own operator test cases (onnx.backend.test, the node cases of the
installed onnx package, with the outputs of its reference implementation)
through octetc and octet-run on the CPU.

usage: onnx_node_suite.py [--write-passing=FILE] WORKDIR EXPECTED.txt [CASE-SUBSTRING...]

Writes the cases into WORKDIR (onnx's own generator), compiles and runs each,
and compares every output with the reference (floats within 1e-3 relative
plus 1e-5 absolute, NaN equal to NaN; other types exactly). Operator
parameters that the cases feed as graph inputs (int64 tensors, scalars, and
small tensors after the first input: axes, pads, scales, sizes, zero points)
become initializers first, as an ahead-of-time compiler is given them.
Every case named in EXPECTED.txt must pass; the others are counted. Prints
one line per failure and a summary; exits non-zero if an expected case
fails or is missing."""
import glob
import os
import runpy
import subprocess
import sys
import warnings

import numpy as np

# onnx 1.12's generators use numpy aliases that numpy 1.24 removed.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for alias, t in (("float", float), ("int", int), ("bool", bool), ("object", object),
                     ("complex", complex)):
        if not hasattr(np, alias):
            setattr(np, alias, t)
import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402

args = sys.argv[1:]
write_passing = None
if args and args[0].startswith("--write-passing="):
    # (To refresh the list: the cases that pass here, one a line.)
    write_passing = args.pop(0).split("=", 1)[1]
work, expected_path = args[0], args[1]
only = args[2:]
data = os.path.join(work, "data")
if not os.path.isdir(os.path.join(data, "node")):
    argv = sys.argv
    sys.argv = ["cmd_tools", "generate-data", "-o", data]
    runpy.run_module("onnx.backend.test.cmd_tools", run_name="__main__")
    sys.argv = argv
root = os.path.join(data, "node")
expected, made_with = set(), None
for line in open(expected_path):
    if line.startswith("# onnx "):
        made_with = line.split()[2]
    line = line.split("#")[0].strip()
    if line:
        expected.add(line)


def tensors(ds, kind):
    paths = glob.glob(os.path.join(ds, kind + "_*.pb"))
    paths.sort(key=lambda p: int(p.rsplit("_", 1)[1][:-3]))
    return [numpy_helper.to_array(onnx.load_tensor(p)) for p in paths]


def run_case(case):
    d = os.path.join(root, case)
    w = os.path.join(work, "run", case)
    os.makedirs(w, exist_ok=True)
    m = onnx.load(os.path.join(d, "model.onnx"))
    ds = os.path.join(d, "test_data_set_0")
    try:
        ins, outs = tensors(ds, "input"), tensors(ds, "output")
    except Exception as e:  # sequences, optionals: not tensors
        return "data: %s" % str(e)[:80]
    init = {t.name for t in m.graph.initializer}
    names = [i.name for i in m.graph.input if i.name not in init]
    feeds = []
    for k, (n, a) in enumerate(zip(names, ins)):
        if a.dtype == np.int64 or a.ndim == 0 or (k > 0 and a.size <= 8):
            m.graph.initializer.append(numpy_helper.from_array(a, n))
        else:
            feeds.append((n, a))
    consts = {t.name for t in m.graph.initializer}
    kept = [i for i in m.graph.input if i.name not in consts or i.name in init]
    del m.graph.input[:]
    m.graph.input.extend(kept)
    path = os.path.join(w, "model.onnx")
    onnx.save(m, path)
    so = os.path.join(w, "m.so")
    r = subprocess.run(["octetc", path, "--target=cpu", "--emit=shared-lib", "-o", so],
                       capture_output=True, text=True)
    if r.returncode:
        return "compile: " + (r.stderr.strip().splitlines() or ["?"])[-1][:200]
    cmd = ["octet-run", so, "--threads=1"]
    for n, a in feeds:
        p = os.path.join(w, "in_%d.npy" % len(cmd))
        np.save(p, a)
        cmd += ["--input", "%s=@%s" % (n, p)]
    onames = [o.name for o in m.graph.output]
    for k, n in enumerate(onames):
        cmd += ["--output", "%s=@%s" % (n, os.path.join(w, "out_%d.npy" % k))]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        return "run: " + (r.stderr.strip().splitlines() or ["?"])[-1][:200]
    for k, (n, want) in enumerate(zip(onames, outs)):
        got = np.load(os.path.join(w, "out_%d.npy" % k))
        if got.shape != want.shape:
            return "output %s: shape %s, reference %s" % (n, got.shape, want.shape)
        if want.dtype.kind == "f":
            ok = np.allclose(got.astype(np.float64), want.astype(np.float64), rtol=1e-3,
                             atol=1e-5, equal_nan=True)
        else:
            ok = got.dtype == want.dtype and np.array_equal(got, want)
        if not ok:
            return "output %s: differs from the reference" % n
    return None


cases = sorted(os.listdir(root))
if only:
    cases = [c for c in cases if any(s in c for s in only)]
passed, bad, passing = 0, [], []
for case in cases:
    why = run_case(case)
    if why is None:
        passed += 1
        passing.append(case)
    elif case in expected:
        bad.append(case)
        print("FAILED %s: %s" % (case, why))
# (Another onnx version has other cases: the list names those of its own.)
if write_passing:
    with open(write_passing, "w") as f:
        f.write("# onnx %s\n" % onnx.__version__)
        f.writelines(c + "\n" for c in passing)
missing = [] if only or made_with != onnx.__version__ else sorted(expected - set(cases))
for case in missing:
    print("MISSING %s" % case)
print("onnx %s node cases: %d of %d pass; %d expected to pass, %d of them failed" %
      (onnx.__version__, passed, len(cases), len(expected & set(cases)), len(bad)))
sys.exit(1 if bad or missing else 0)
