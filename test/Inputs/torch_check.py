#!/usr/bin/python3
"""Compiles a torch-exported model with octetc, runs it with octet-run on a
random input and compares with torch's own output for the same model.

usage: torch_check.py NAME WORKDIR
Float models must agree to 1e-3 relative; torch-quantized models (whose
rounding differs from ONNX Runtime's) must agree to within a few output
quanta and keep the top-1 class of most rows."""
import os
import subprocess
import sys
import warnings

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models as tm  # noqa: E402

warnings.filterwarnings("ignore")


def main():
    name, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    onnx_path = os.path.join(work, "m.onnx")
    sys.argv = ["torch_models.py", name, onnx_path]
    torch.manual_seed(0)
    model, example = tm.build(name)
    tm.export(model, example, onnx_path, name)
    x = torch.randn_like(example) if "bert" in name else torch.rand_like(example)
    with torch.no_grad():
        want = model(x).numpy()
    np.save(os.path.join(work, "x.npy"), x.numpy())
    so = os.path.join(work, "m.so")
    subprocess.run(["octetc", onnx_path, "--target=cpu", "--emit=shared-lib", "-o", so],
                   check=True)
    subprocess.run(["octet-run", so, "--input", "input=@" + os.path.join(work, "x.npy"),
                    "--output", "output=@" + os.path.join(work, "y.npy")], check=True)
    got = np.load(os.path.join(work, "y.npy"))
    diff = np.abs(got - want).max()
    scale = np.abs(want).max()
    print("max abs diff %g (output range %g)" % (diff, scale))
    if "-" in name:
        agree = np.mean(got.reshape(got.shape[0], -1).argmax(1) == want.reshape(want.shape[0], -1).argmax(1))
        ok = diff <= 0.05 * scale
    else:
        ok = diff <= 1e-3 * max(scale, 1.0)
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
