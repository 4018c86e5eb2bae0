#!/usr/bin/python3
"""Compiles models for --target=cuda at each arch and assembles the PTX with
ptxas -v: prints one line per model and arch with the number of kernels and
the bytes spilled, and exits non-zero on a ptxas error or any spill.

ptxas_check.py PTXAS WORKDIR --archs sm_75,sm_80 MODEL.onnx ...
"""
import argparse
import os
import re
import subprocess
import sys

p = argparse.ArgumentParser()
p.add_argument("ptxas")
p.add_argument("work")
p.add_argument("--archs", required=True)
p.add_argument("models", nargs="+")
a = p.parse_args()
os.makedirs(a.work, exist_ok=True)
ok = True
for model in a.models:
    for arch in a.archs.split(","):
        ptx = os.path.join(a.work, "%s.%s.ptx" % (os.path.basename(model), arch))
        r = subprocess.run(["octetc", model, "--target=cuda", "--cuda-arch=" + arch, "--emit=ptx",
                            "-o", ptx], capture_output=True, text=True)
        if r.returncode:
            print("%s %s: octetc failed: %s" % (os.path.basename(model), arch, r.stderr.strip()))
            ok = False
            continue
        r = subprocess.run([a.ptxas, "-v", "-arch=" + arch, ptx, "-o", ptx + ".cubin"],
                           capture_output=True, text=True)
        spills = sum(int(n) for n in re.findall(r"(\d+) bytes spill (?:stores|loads)", r.stderr))
        kernels = len(re.findall(r"Compiling entry function", r.stderr))
        good = r.returncode == 0 and spills == 0 and kernels > 0
        ok &= good
        print("%s %s: %d kernels, %d bytes spilled%s" % (os.path.basename(model), arch, kernels,
                                                         spills, "" if good else " FAILED"))
sys.exit(0 if ok else 1)
