#!/usr/bin/python3
"""Independent numpy references of the calibrators, on exact data (no
histogram), for a one-input passthrough model calibrated on a Laplace sample.

calib_reference.py data OUT.npy          writes 20000 Laplace(0, 1) values, shape [20000, 1]
calib_reference.py check DATA.npy DIR    compares DIR/{minmax,percentile,entropy,mse}.json
                                         (octetc calibration caches, tensor 'input')

The references: min-max exactly; the 99.9th/0.1th percentiles (numpy,
inverted CDF) within 0.5%; TensorRT's entropy calibration on a 2048-bin
histogram of |x| (threshold within 1% of max|x|); the MSE search over the
same grid of ranges [a min, a max], a = 0.975^k, whose error on the exact
data ours must match within 1%. Quantization: uint8 asymmetric, ONNX
Runtime's scale and zero point."""
import json
import sys

import numpy as np


def scale_zp(lo, hi, qmin=0, qmax=255):
    lo, hi = np.float32(min(lo, 0)), np.float32(max(hi, 0))
    scale = np.float64(np.float32(hi - lo)) / (qmax - qmin)
    if scale < np.finfo(np.float32).tiny:
        return np.float32(1), 0
    return np.float32(scale), int(np.round(qmin - lo / scale))


def fake_quant(x, lo, hi):
    s, z = scale_zp(lo, hi)
    q = np.clip(np.rint(x / s) + z, 0, 255)
    return (q - z) * np.float64(s)


def mse(x, lo, hi):
    return float(np.mean((x.astype(np.float64) - fake_quant(x, lo, hi)) ** 2))


def entropy_threshold(x, levels=128, nbins=2048):
    a = np.abs(x.astype(np.float64))
    amax = a.max()
    hist, _ = np.histogram(a, bins=nbins, range=(0, amax))
    hist = hist.astype(np.float64)
    best, best_kl = nbins, np.inf
    for i in range(levels, nbins + 1):
        p = hist[:i].copy()
        p[i - 1] += hist[i:].sum()
        q = np.zeros(i)
        merge = i / levels
        for j in range(levels):
            s, e = int(np.floor(j * merge)), int(np.floor((j + 1) * merge))
            if j == levels - 1:
                e = i
            nz = p[s:e] != 0
            if nz.sum():
                q[s:e][nz] = hist[s:e].sum() / nz.sum()
        ps, qs = p.sum(), q.sum()
        if ps <= 0 or qs <= 0:
            continue
        m = p > 0
        pk = p[m] / ps
        qk = np.where(q[m] > 0, q[m] / qs, 1e-4 / qs)
        kl = float(np.sum(pk * np.log(pk / qk)))
        if kl < best_kl:
            best_kl, best = kl, i
    return (best + 0.5) * amax / nbins


def main():
    if sys.argv[1] == "data":
        r = np.random.default_rng(11)
        np.save(sys.argv[2], r.laplace(0, 1, (20000, 1)).astype(np.float32))
        return
    x = np.load(sys.argv[2]).ravel()
    d = sys.argv[3]
    got = {c: json.load(open("%s/%s.json" % (d, c)))["tensors"]["input"]
           for c in ("minmax", "percentile", "entropy", "mse")}
    ok = True

    def report(name, good, text):
        nonlocal ok
        ok &= bool(good)
        print("%s: %s (%s)" % (name, "ok" if good else "WRONG", text))

    g = got["minmax"]
    report("minmax", g["min"] == float(x.min()) and g["max"] == float(x.max()),
           "%r %r vs %r %r" % (g["min"], g["max"], float(x.min()), float(x.max())))
    g = got["percentile"]
    lo, hi = np.quantile(x, [0.001, 0.999], method="inverted_cdf")
    report("percentile", abs(g["min"] - lo) <= 0.005 * abs(lo) and abs(g["max"] - hi) <= 0.005 * abs(hi),
           "%.4f %.4f vs numpy %.4f %.4f" % (g["min"], g["max"], lo, hi))
    g = got["entropy"]
    t = entropy_threshold(x)
    amax = float(np.abs(x).max())
    report("entropy", abs(g["max"] - t) <= 0.01 * amax and abs(-g["min"] - t) <= 0.01 * amax,
           "[%.4f, %.4f] vs threshold %.4f" % (g["min"], g["max"], t))
    g = got["mse"]
    errs = [(mse(x, x.min() * 0.975 ** k, x.max() * 0.975 ** k), k) for k in range(128)]
    best, k = min(errs)
    ours = mse(x, g["min"], g["max"])
    report("mse", ours <= best * 1.01 and g["max"] < x.max(),
           "error %.3g vs best %.3g at a = 0.975^%d (range [%.3f, %.3f])" % (ours, best, k, g["min"], g["max"]))
    sys.exit(0 if ok else 1)


main()
