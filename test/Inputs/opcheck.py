#!/usr/bin/python3
"""Per-op numerical checks of compiled Octet code against a plain numpy
reference of ONNX Runtime's integer rules (written separately from the
compiler, from the rules in TOOLCHAIN.md):

  QuantizeLinear:   saturate(rint(x / s) + zp), float32 true division
  DequantizeLinear: float32(q - zp) * s
  QLinearConv / QLinearMatMul / QGemm:
      acc = sum (x - x_zp)(w - w_zp) + bias            (int32)
      y   = saturate(rint(float32(acc) * M) + y_zp),   M = float32(s_x*s_w) / s_y
  fixed-point requantization (gemmlowp): Q31 multiplier, rounding shifts

usage: opcheck.py CASE SEED WORKDIR [--requant=onnx|fixed-point]
Builds a model, compiles it with octetc, runs it with octet-run and compares.
Prints "PASS <case> ..." or "FAIL <case> ..." and exits non-zero on failure.
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh

BIN = os.environ.get("OCTET_BIN", "")


def tool(name):
    return os.path.join(BIN, name) if BIN else name


F32 = np.float32
NP2ONNX = {np.uint8: TP.UINT8, np.int8: TP.INT8, np.float32: TP.FLOAT, np.int32: TP.INT32}


# ----- the reference -------------------------------------------------------------
def qrange(dt):
    return (0, 255) if dt == np.uint8 else (-128, 127)


def quantize(x, s, zp, dt):
    lo, hi = qrange(dt)
    q = np.rint(x.astype(F32) / F32(s)) + F32(zp)
    return np.clip(q, lo, hi).astype(dt)


def dequantize(q, s, zp):
    return (q.astype(np.int32) - np.int32(zp)).astype(F32) * F32(s)


def requant_onnx(acc, xs, ws, ys, yzp, dt, axis_len=None):
    ws = np.atleast_1d(np.asarray(ws, F32))
    m = (F32(xs) * ws).astype(F32) / F32(ys)
    m = m.astype(F32)
    lo, hi = qrange(dt)
    return m


def requantize(acc, m, yzp, dt, ch_axis):
    """acc int32 with channels on ch_axis; m float32 per channel."""
    lo, hi = qrange(dt)
    shape = [1] * acc.ndim
    shape[ch_axis] = -1
    r = np.rint(acc.astype(F32) * m.reshape(shape)) + F32(yzp)
    return np.clip(r, lo, hi).astype(dt)


def requantize_fixed(acc, real, yzp, dt, ch_axis):
    """gemmlowp: SaturatingRoundingDoublingHighMul then RoundingDivideByPOT."""
    lo, hi = qrange(dt)
    shape = [1] * acc.ndim
    shape[ch_axis] = -1
    out = np.empty(acc.shape, np.int64)
    accs = np.moveaxis(acc.astype(np.int64), ch_axis, 0)
    outs = np.moveaxis(out, ch_axis, 0)
    reals = np.broadcast_to(np.atleast_1d(real), (accs.shape[0],))
    for k, r in enumerate(reals):
        frac, exp = np.frexp(np.float64(r))
        q = int(round(float(frac) * (1 << 31)))
        if q == (1 << 31):
            q //= 2
            exp += 1
        shift = -int(exp)
        # Left shifts saturate to int32 (Octet's choice where gemmlowp's
        # int32 shift would overflow).
        a = np.clip(accs[k] << min(32, max(0, -shift)), -(1 << 31), (1 << 31) - 1)
        p = a * q
        nudge = np.where(p >= 0, 1 << 30, 1 - (1 << 30))
        hi32 = (p + nudge)
        hi32 = np.where(hi32 >= 0, hi32 // (1 << 31), -((-hi32) // (1 << 31)))
        right = max(0, shift)
        mask = (1 << right) - 1
        rem = hi32 & mask
        thr = (mask >> 1) + (hi32 < 0)
        outs[k] = (hi32 >> right) + (rem > thr)
    return np.clip(out + yzp, lo, hi).astype(dt)


def conv_acc(x, w, xzp, wzp, stride, pads, dil, group):
    """int32 NCHW convolution of (x - xzp) and (w - wzp[k])."""
    n, c, hgt, wid = x.shape
    m, cg, kh, kw = w.shape
    xi = x.astype(np.int64) - xzp
    xi = np.pad(xi, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    wi = w.astype(np.int64) - np.asarray(wzp).reshape(-1, 1, 1, 1)
    oh = (hgt + pads[0] + pads[2] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wid + pads[1] + pads[3] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, m, oh, ow), np.int64)
    mg = m // group
    for f in range(m):
        g = f // mg
        for i in range(kh):
            for j in range(kw):
                patch = xi[:, g * cg:(g + 1) * cg,
                           i * dil[0]: i * dil[0] + stride[0] * (oh - 1) + 1: stride[0],
                           j * dil[1]: j * dil[1] + stride[1] * (ow - 1) + 1: stride[1]]
                out[:, f] += np.einsum("nchw,c->nhw", patch, wi[f, :, i, j])
    return out.astype(np.int32)


# ----- model building ----------------------------------------------------------
def const(name, value):
    return nh.from_array(np.asarray(value), name)


def save(nodes, inputs, outputs, inits, path, ms=False, opset=13):
    g = h.make_graph(nodes, "g", [h.make_tensor_value_info(n, NP2ONNX[d], s) for n, d, s in inputs],
                     [h.make_tensor_value_info(n, NP2ONNX[d], None) for n, d in outputs],
                     initializer=inits)
    ops = [h.make_opsetid("", opset)] + ([h.make_opsetid("com.microsoft", 1)] if ms else [])
    m = h.make_model(g, opset_imports=ops)
    m.ir_version = 8
    onnx.save(m, path)


EXTRA_FLAGS = []


def compile_and_run(model, feeds, outputs, work, requant, extra=()):
    so = os.path.join(work, "m.so")
    subprocess.run([tool("octetc"), model, "--target=cpu", "--emit=shared-lib", "-o", so,
                    "--name", "m", "--requant=" + requant, *EXTRA_FLAGS, *extra], check=True)
    args = [tool("octet-run"), so]
    for name, arr in feeds.items():
        p = os.path.join(work, name + ".in.npy")
        np.save(p, arr)
        args += ["--input", "%s=@%s" % (name, p)]
    for name in outputs:
        args += ["--output", "%s=@%s" % (name, os.path.join(work, name + ".out.npy"))]
    subprocess.run(args, check=True)
    return [np.load(os.path.join(work, n + ".out.npy")) for n in outputs]


def report(case, got, want, exact=True, atol=0.0):
    if got.shape != want.shape or got.dtype != want.dtype:
        print("FAIL %s: shape/dtype %s %s vs %s %s" % (case, got.shape, got.dtype, want.shape, want.dtype))
        return 1
    if exact:
        bad = int(np.sum(got != want))
    else:
        bad = int(np.sum(np.abs(got.astype(np.float64) - want.astype(np.float64)) > atol))
    if bad:
        diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
        print("FAIL %s: %d of %d differ (max %g)" % (case, bad, got.size, diff.max()))
        return 1
    print("PASS %s: %d values %s" % (case, got.size, "bit-exact" if exact else "within %g" % atol))
    return 0


# ----- cases ---------------------------------------------------------------------
def rand_q(rng, shape, dt):
    lo, hi = qrange(dt)
    return rng.integers(lo, hi + 1, shape).astype(dt)


def case_qconv(rng, work, requant, params=None):
    p = params or {}
    xdt = p.get("xdt", rng.choice([np.uint8, np.int8]))
    group = p.get("group", int(rng.choice([1, 1, 2])))
    n = p.get("n", int(rng.integers(1, 3)))
    cg = p.get("cg", int(rng.integers(1, 5)))
    mg = p.get("mg", int(rng.integers(1, 5)))
    k = p.get("k", (int(rng.integers(1, 4)), int(rng.integers(1, 4))))
    stride = p.get("stride", (int(rng.integers(1, 3)), int(rng.integers(1, 3))))
    dil = p.get("dil", (int(rng.integers(1, 3)), int(rng.integers(1, 3))))
    pads = p.get("pads", [int(v) for v in rng.integers(0, 3, 4)])
    hw = p.get("hw", (int(rng.integers(5, 10)), int(rng.integers(5, 10))))
    per_channel = p.get("per_channel", bool(rng.integers(0, 2)))
    c, m = cg * group, mg * group
    x = rand_q(rng, (n, c) + tuple(hw), xdt)
    w = rng.integers(-127, 128, (m, cg) + tuple(k)).astype(np.int8)
    wzp = np.zeros(m if per_channel else 1, np.int8)
    if p.get("wzp") == "u8":  # uint8 weights around zero points of 120-135
        wzp = rng.integers(120, 136, m if per_channel else 1).astype(np.uint8)
        z = wzp.astype(np.int64).reshape(-1, 1, 1, 1)
        w = np.clip(rng.integers(0, 256, w.shape), z - 128, z + 127)
        w = np.clip(w, 0, 255).astype(np.uint8)
    elif p.get("wgauss"):  # trained-like: small weights, a few at the extremes
        w = np.clip(np.rint(rng.normal(0, 22, w.shape)), -128, 127)
        hot = rng.random(w.shape) < 0.02
        w[hot] = rng.choice([-128, -127, 127], int(hot.sum()))
        w = w.astype(np.int8)
    elif p.get("wzp") == "s8":  # int8 weights with non-zero zero points
        wzp = rng.integers(-20, 21, m if per_channel else 1).astype(np.int8)
        w = rng.integers(-100, 101, w.shape).astype(np.int8)
    lo, hi = qrange(xdt)
    xzp = p.get("xzp", int(rng.choice([lo, hi, (lo + hi) // 2, int(rng.integers(lo, hi + 1))])))
    xs = F32(p.get("xs", rng.uniform(0.001, 0.1)))
    ws = (rng.uniform(0.001, 0.05, m) if per_channel else np.array([rng.uniform(0.001, 0.05)])).astype(F32)
    ydt = p.get("ydt", xdt)
    ylo, yhi = qrange(ydt)
    yzp = p.get("yzp", int(rng.integers(ylo, yhi + 1)))
    ys = F32(p.get("ys", rng.uniform(0.01, 2.0)))
    bias = rng.integers(-20000, 20000, m).astype(np.int32)
    model = os.path.join(work, "m.onnx")
    save([h.make_node("QLinearConv", ["x", "xs", "xzp", "w", "ws", "wzp", "ys", "yzp", "b"],
                      ["y"], name="qconv", strides=list(stride), pads=pads,
                      dilations=list(dil), group=group, kernel_shape=list(k))],
         [("x", xdt, list(x.shape))], [("y", ydt)],
         [const("xs", xs), const("xzp", np.asarray(xzp, xdt)), const("w", w),
          const("ws", ws if per_channel else ws[0]),
          const("wzp", wzp if per_channel else wzp[0]), const("ys", ys),
          const("yzp", np.asarray(yzp, ydt)), const("b", bias)], model)
    acc = conv_acc(x, w, xzp, np.broadcast_to(wzp.astype(np.int64), (m,)), stride, pads, dil,
                   group) + bias.reshape(1, -1, 1, 1)
    wsf = np.broadcast_to(ws, (m,))
    if requant == "fixed-point":
        real = np.float64(xs) * wsf.astype(np.float64) / np.float64(ys)
        want = requantize_fixed(acc, real, yzp, ydt, 1)
    else:
        want = requantize(acc, ((xs * wsf).astype(F32) / ys).astype(F32), yzp, ydt, 1)
    (got,) = compile_and_run(model, {"x": x}, ["y"], work, requant)
    return report("qconv", got, want)


def case_qmatmul(rng, work, requant, params=None):
    p = params or {}
    adt = p.get("adt", rng.choice([np.uint8, np.int8]))
    batch = p.get("batch", [int(v) for v in rng.integers(1, 3, int(rng.integers(0, 3)))])
    mm, kk, nn = p.get("mkn", tuple(int(v) for v in rng.integers(1, 17, 3)))
    a = rand_q(rng, tuple(batch) + (mm, kk), adt)
    b = rng.integers(-128, 128, (kk, nn)).astype(np.int8)
    lo, hi = qrange(adt)
    azp = int(rng.integers(lo, hi + 1))
    bzp = int(rng.integers(*p.get("bzp_range", (-128, 128))))
    as_, bs, ys = F32(rng.uniform(0.001, 0.1)), F32(rng.uniform(0.001, 0.05)), F32(rng.uniform(0.01, 1))
    ys = F32(p.get("ys", ys))
    yzp = int(rng.integers(lo, hi + 1))
    model = os.path.join(work, "m.onnx")
    save([h.make_node("QLinearMatMul", ["a", "as", "azp", "b", "bs", "bzp", "ys", "yzp"], ["y"],
                      name="qmm")],
         [("a", adt, list(a.shape))], [("y", adt)],
         [const("as", as_), const("azp", np.asarray(azp, adt)), const("b", b), const("bs", bs),
          const("bzp", np.int8(bzp)), const("ys", ys), const("yzp", np.asarray(yzp, adt))], model)
    acc = np.matmul(a.astype(np.int64) - azp, b.astype(np.int64) - bzp).astype(np.int32)
    if requant == "fixed-point":
        want = requantize_fixed(acc, np.float64(as_) * np.float64(bs) / np.float64(ys), yzp, adt,
                                acc.ndim - 1)
    else:
        m = np.array([(as_ * bs).astype(F32) / ys], F32)
        want = requantize(acc, m, yzp, adt, acc.ndim - 1)
    (got,) = compile_and_run(model, {"a": a}, ["y"], work, requant)
    return report("qmatmul", got, want)


def case_qgemm(rng, work, requant, params=None):
    mm, kk, nn = (int(v) for v in rng.integers(1, 33, 3))
    a = rand_q(rng, (mm, kk), np.uint8)
    b = rng.integers(-127, 128, (nn, kk)).astype(np.int8)
    azp = int(rng.integers(0, 256))
    as_, ys = F32(rng.uniform(0.001, 0.1)), F32(rng.uniform(0.01, 1))
    bs = rng.uniform(0.001, 0.05, nn).astype(F32)
    bias = rng.integers(-5000, 5000, nn).astype(np.int32)
    yzp = int(rng.integers(0, 256))
    model = os.path.join(work, "m.onnx")
    save([h.make_node("QGemm", ["a", "as", "azp", "b", "bs", "bzp", "c", "ys", "yzp"], ["y"],
                      name="qgemm", domain="com.microsoft", transB=1)],
         [("a", np.uint8, [mm, kk])], [("y", np.uint8)],
         [const("as", as_), const("azp", np.uint8(azp)), const("b", b), const("bs", bs),
          const("bzp", np.zeros(nn, np.int8)), const("c", bias), const("ys", ys),
          const("yzp", np.uint8(yzp))], model, ms=True)
    acc = ((a.astype(np.int64) - azp) @ b.astype(np.int64).T + bias).astype(np.int32)
    if requant == "fixed-point":
        want = requantize_fixed(acc, np.float64(as_) * bs.astype(np.float64) / np.float64(ys), yzp,
                                np.uint8, 1)
    else:
        want = requantize(acc, ((as_ * bs).astype(F32) / ys).astype(F32), yzp, np.uint8, 1)
    (got,) = compile_and_run(model, {"a": a}, ["y"], work, requant)
    return report("qgemm", got, want)


def same_pads(rng, kw, dil_w):
    """Pads that keep a stride-1 output row as wide as the input: left and
    right share (kw - 1) * dilation; top and bottom 0-2."""
    span = (kw - 1) * dil_w
    pl = int(rng.integers(0, span + 1))
    return [int(rng.integers(0, 3)), pl, int(rng.integers(0, 3)), span - pl]


def case_qconv_same(rng, work, requant, params=None):
    """Stride-1 convolutions whose output rows are as wide as the input
    (left + right pad = (kw - 1) * dilation, 8+ pixels): the direct VNNI
    kernel's flat layout, where taps in the side padding are masked lanes
    and the padding's zero-point share is added back. Output scales now and
    then tiny enough to saturate everything (1e-7 also needs the rounding
    conversion's overflow guard)."""
    kh, kw = int(rng.integers(1, 6)), int(rng.choice([1, 3, 5]))
    dil = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    pads = same_pads(rng, kw, dil[1])
    hgt = max(int(rng.integers(2, 8)), (kh - 1) * dil[0] + 1 - pads[0] - pads[2])
    ys = float(rng.choice([rng.uniform(0.01, 2.0), rng.uniform(0.01, 2.0), 1e-4, 1e-7]))
    return case_qconv(rng, work, requant, {
        "group": 1, "stride": (1, 1), "k": (kh, kw), "dil": dil, "pads": pads, "ys": ys,
        "cg": int(rng.integers(1, 13)), "mg": int(rng.integers(1, 10)),
        "hw": (hgt, int(rng.integers(8, 71)))})


def case_qconv_pad_rows(rng, work, requant, params=None):
    """Stride-1 convolutions on rows of 33-100 pixels with 1-3 pad rows above
    and below: the direct kernel leaves a tap row out of a 16-pixel vector
    when it reads only padding for all of the vector's pixels, and adds the
    pad bytes' share back per lane (non-zero input zero points). Same-padded
    rows (masked side taps) or rows with pad columns, dilations 1-2."""
    kh, kw = int(rng.integers(2, 6)), int(rng.choice([1, 2, 3, 5]))
    dil = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    pads = same_pads(rng, kw, dil[1]) if rng.integers(0, 2) else \
        [int(v) for v in rng.integers(0, 3, 4)]
    pads[0], pads[2] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    hgt = max(int(rng.integers(2, 7)), (kh - 1) * dil[0] + 1 - pads[0] - pads[2])
    xdt = rng.choice([np.uint8, np.int8])
    lo, hi = qrange(xdt)
    return case_qconv(rng, work, requant, {
        "group": 1, "stride": (1, 1), "k": (kh, kw), "dil": dil, "pads": pads, "xdt": xdt,
        "xzp": int(rng.choice([lo, hi, int(rng.integers(lo, hi + 1))])),
        "cg": int(rng.integers(1, 13)), "mg": int(rng.integers(1, 10)),
        "hw": (hgt, int(rng.integers(33, 101)))})


def case_qconv_dw_direct(rng, work, requant, params=None):
    """Depthwise convolutions with stride 1 and rows of 8+ pixels: the direct
    kernel's depthwise mode (a byte per pixel slot, int32 products per tap,
    requantization in registers), on same-padded rows (masked side taps and
    zero-point corrections) or rows with pad columns; 1-40 channels, zero
    points at the range ends now and then, tiny output scales."""
    kh, kw = int(rng.integers(1, 6)), int(rng.choice([1, 3, 5]))
    dil = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    if rng.integers(0, 2):
        pads = same_pads(rng, kw, dil[1])
    else:
        pads = [int(v) for v in rng.integers(0, 3, 4)]
    hgt = max(int(rng.integers(2, 8)), (kh - 1) * dil[0] + 1 - pads[0] - pads[2])
    # `narrow`: output rows of 4-7 pixels (EfficientNet's 7x7 layers).
    w0 = 4 if params and params.get("narrow") else 8
    wid = max(int(rng.integers(w0, 8 if w0 == 4 else 60)), (kw - 1) * dil[1] + w0 - pads[1] - pads[3])
    ys = float(rng.choice([rng.uniform(0.01, 2.0), rng.uniform(0.01, 2.0), 1e-4]))
    return case_qconv(rng, work, requant, {
        "group": int(rng.integers(1, 41)), "cg": 1, "mg": 1, "stride": (1, 1), "k": (kh, kw),
        "dil": dil, "pads": pads, "ys": ys, "hw": (hgt, wid)})


def case_qconv_dw_strided(rng, work, requant, params=None):
    """Strided depthwise convolutions (strides 1-3 per axis, not both 1;
    kernels 1-5, pads up to the kernel size - 1, output rows of 8+ pixels):
    space-to-depth by the stride, then the direct kernel's depthwise mode
    reading each channel's sh * sw phases and leaving out the taps past the
    kernel. 1-40 channels, random zero points and output scales."""
    while True:
        sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        if sh > 1 or sw > 1:
            break
    kh, kw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    pads = [int(rng.integers(0, kh)), int(rng.integers(0, kw)),
            int(rng.integers(0, kh)), int(rng.integers(0, kw))]
    narrow = bool(params and params.get("narrow"))  # output rows of 4-7 pixels
    oh, ow = int(rng.integers(1, 7)), int(rng.integers(4, 8) if narrow else rng.integers(8, 40))
    hgt = max((oh - 1) * sh + kh - pads[0] - pads[2] + int(rng.integers(0, sh)), 1)
    wid = (ow - 1) * sw + kw - pads[1] - pads[3] + int(rng.integers(0, sw))
    ys = float(rng.choice([rng.uniform(0.01, 2.0), rng.uniform(0.01, 2.0), 1e-4]))
    return case_qconv(rng, work, requant, {
        "group": int(rng.integers(1, 41)), "cg": 1, "mg": 1, "stride": (sh, sw),
        "k": (kh, kw), "dil": (1, 1), "pads": pads, "ys": ys, "hw": (hgt, wid)})


def case_qconv_grouped(rng, work, requant, params=None):
    """Grouped convolutions (2-8 groups of 1-16 input and 1-8 output
    channels: ResNeXt and RegNet layers), output rows of 1-39 pixels: the
    direct kernel with each tile in one group (stride 1, any dilation, when
    a group's channels make whole quads), through space-to-depth when
    strided (dilation 1), the loop nest otherwise. Random kernels, pads,
    zero points and output scales."""
    strided = bool(rng.integers(0, 2))
    sh, sw = (int(rng.integers(1, 3)), int(rng.integers(1, 3))) if strided else (1, 1)
    dil = (1, 1) if strided else (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    pads = [int(rng.integers(0, kh)), int(rng.integers(0, kw)),
            int(rng.integers(0, kh)), int(rng.integers(0, kw))]
    oh, ow = int(rng.integers(1, 8)), int(rng.choice([rng.integers(1, 8), rng.integers(8, 40)]))
    hgt = max((oh - 1) * sh + (kh - 1) * dil[0] + 1 - pads[0] - pads[2] + int(rng.integers(0, sh)), 1)
    wid = max((ow - 1) * sw + (kw - 1) * dil[1] + 1 - pads[1] - pads[3] + int(rng.integers(0, sw)), 1)
    ys = float(rng.choice([rng.uniform(0.01, 2.0), rng.uniform(0.01, 2.0), 1e-4]))
    cg = int(rng.choice([4, 8, 12, 16, int(rng.integers(1, 17))]))
    return case_qconv(rng, work, requant, {
        "group": int(rng.integers(2, 9)), "cg": cg, "mg": int(rng.integers(1, 9)),
        "stride": (sh, sw), "k": (kh, kw), "dil": dil, "pads": pads, "ys": ys,
        "hw": (hgt, wid)})


def case_float_math(rng, work, requant, params=None):
    """Exp, Tanh, Erf, Sigmoid (polynomial approximations) and Log (libm)
    on 40,000 points of [-100, 100] and [-5, 5] plus zeros, tiny and huge
    values, infinities and NaN (Log on their magnitudes, subnormals
    included), against float64 numpy: relative error at most 1e-6 where the
    result is a normal float, the same infinities and NaNs; results below
    the smallest normal float may be flushed to 0 (the approximation of exp
    does, as vectorized math libraries do), so there the error is at most
    that float (1.2e-38)."""
    import math
    x = np.concatenate([np.linspace(-100, 100, 20001), np.linspace(-5, 5, 20001),
                        [0.0, -0.0, 1e-30, -1e-30, 1e-8, 88.7, 89.0, -87.3, -104.0, -200, 200,
                         1e30, -1e30, np.inf, -np.inf, np.nan]]).astype(F32)
    xp = np.concatenate([np.abs(x) + F32(1e-30),
                         [0.0, np.inf, 1e-38, 1e-45, 3.4e38]]).astype(F32)
    rc = 0
    for op, inp, ref in [("Exp", x, np.exp), ("Tanh", x, np.tanh),
                         ("Erf", x, np.vectorize(math.erf)), ("Log", xp, np.log),
                         ("Sigmoid", x, lambda v: 1 / (1 + np.exp(-v)))]:
        model = os.path.join(work, op + ".onnx")
        save([h.make_node(op, ["x"], ["y"], name=op.lower())], [("x", np.float32, [len(inp)])],
             [("y", np.float32)], [], model)
        (got,) = compile_and_run(model, {"x": inp}, ["y"], work, requant)
        with np.errstate(all="ignore"):
            want = ref(inp.astype(np.float64))
            want32 = want.astype(F32)
        special = ~np.isfinite(want32) | ~np.isfinite(got)
        bad = int(np.sum(special & ~((got == want32) | (np.isnan(got) & np.isnan(want32)))))
        fin = ~special
        normal = fin & (np.abs(want32) >= np.finfo(F32).tiny)
        err = np.abs(got[fin].astype(np.float64) - want[fin])
        rel = err[normal[fin]] / np.abs(want[normal])
        bad += int(np.sum(rel > 1e-6)) + int(np.sum(err[~normal[fin]] > np.finfo(F32).tiny))
        if bad:
            print("FAIL float_math %s: %d of %d values (max relative error %g)"
                  % (op, bad, len(inp), rel.max()))
            rc = 1
        else:
            print("PASS float_math %s: %d values, max relative error %.2g"
                  % (op, len(inp), rel.max()))
    return rc


def s2d_kernel(rng):
    """(kh, sh), (kw, sw) and pads of a strided kernel with at most 40% zero
    taps once each dimension is rounded up to whole stride blocks."""
    choices = [(7, 2), (2, 2), (4, 4), (4, 2), (3, 3), (6, 3), (6, 2), (8, 4), (1, 1),
               (3, 1), (5, 1)]
    while True:
        (kh, sh), (kw, sw) = (choices[int(v)] for v in rng.integers(0, len(choices), 2))
        kh2, kw2 = -(-kh // sh), -(-kw // sw)
        if (sh > 1 or sw > 1) and kh2 * sh * kw2 * sw * 5 <= kh * kw * 7:
            break
    pads = [int(rng.integers(0, kh)), int(rng.integers(0, kw)),
            int(rng.integers(0, kh)), int(rng.integers(0, kw))]
    return (kh, sh), (kw, sw), pads


def case_qconv_s2d(rng, work, requant, params=None):
    """Strided convolutions whose kernel covers whole stride blocks (at most
    40% zero taps after rounding each kernel dimension up to a multiple of
    its stride: 7x7/2 stems, 2x2/2, 4x4/4, 3x3/3, 6x6/3, kx1 with stride 1
    on one axis) and rows of 8+ output pixels: space-to-depth by the stride
    and the stride-1 direct kernel. Random pads (up to the kernel size - 1),
    zero points, channel counts and output scales."""
    (kh, sh), (kw, sw), pads = s2d_kernel(rng)
    cin = int(rng.integers(1, 9))
    ow = int(rng.integers(16, 41)) if rng.integers(0, 2) or cin * sh * sw > 64 \
        else int(rng.integers(8, 16))
    oh = int(rng.integers(1, 6))
    hgt = (oh - 1) * sh + kh - pads[0] - pads[2] + int(rng.integers(0, sh))
    wid = (ow - 1) * sw + kw - pads[1] - pads[3] + int(rng.integers(0, sw))
    ys = float(rng.choice([rng.uniform(0.01, 2.0), rng.uniform(0.01, 2.0), 1e-4]))
    return case_qconv(rng, work, requant, {
        "group": 1, "cg": cin, "mg": int(rng.integers(1, 21)), "stride": (sh, sw),
        "k": (kh, kw), "dil": (1, 1), "pads": pads, "ys": ys, "hw": (max(hgt, 1), wid)})


def case_qconv_rows(rng, work, requant, params=None):
    """One-group convolutions whose im2col rows the product reads in place
    from the channels-last input (a window row of kw * C bytes in whole K
    quads; 1-3 channels padded to 4, with their 16-pixel interleave on rows
    of 16+ pixels): 1-6 or 16-40 input channels, kernels up to 7x7, strides
    1-3, row dilations 1-2, random pads, rows of 5-60 pixels, 1-2 images."""
    cin = int(rng.choice([1, 2, 3, 4, 5, 6, 16, 24, 40]))
    kh, kw = int(rng.integers(1, 8)), int(rng.integers(1, 8))
    stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    dil = (int(rng.integers(1, 3)), 1)
    pads = [int(rng.integers(0, kh)), int(rng.integers(0, kw)), int(rng.integers(0, kh)),
            int(rng.integers(0, kw))]
    hgt = int(rng.integers(kh * dil[0], kh * dil[0] + 6))
    wid = int(rng.choice([int(rng.integers(max(kw, 5), 16)), int(rng.integers(16, 61))]))
    return case_qconv(rng, work, requant, {
        "group": 1, "cg": cin, "mg": int(rng.integers(1, 70)), "k": (kh, kw),
        "stride": stride, "dil": dil, "pads": pads, "hw": (hgt, wid)})


def case_maxpool_rows(rng, work, requant, params=None):
    """MaxPool on 8-bit graph inputs with output rows of 16+ pixels (whole
    16-lane vectors, the last one overlapping) or fewer: windows up to 4x4,
    strides 1-4, dilations 1-2, random pads and ceil_mode, against numpy.
    `float`: on f32 planes (f32Windows: read as they are, -inf in the
    padding), with rows of 1-16 vectors and some -inf inputs; exact."""
    p = params or {}
    dt = np.float32 if p.get("float") else rng.choice([np.uint8, np.int8])
    info = np.finfo(dt) if p.get("float") else np.iinfo(dt)
    kh, kw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    sh, sw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    dh, dw = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    pads = [int(rng.integers(0, kh)), int(rng.integers(0, kw)), int(rng.integers(0, kh)),
            int(rng.integers(0, kw))]
    ceil = int(rng.integers(0, 2))
    hgt = int(rng.integers(dh * (kh - 1) + 1, 12))
    wid = int(rng.integers(dw * (kw - 1) + 16 * sw, dw * (kw - 1) + 70 * sw))
    if params and params.get("small"):
        # Small planes (rows under 16 outputs, at most 256 padded pixels):
        # the whole plane is one vector, each window element a shuffle.
        hgt = int(rng.integers(dh * (kh - 1) + 1, 10))
        wid = int(rng.integers(dw * (kw - 1) + 1, 14))
    if p.get("float"):
        wid = int(rng.integers(1, 16 * 16 * sw)) + dw * (kw - 1)
        x = rng.standard_normal((2, 3, hgt, wid)).astype(dt)
        x[0, 0, 0, :] = -np.inf
    else:
        x = rng.integers(info.min, info.max + 1, (2, 3, hgt, wid)).astype(dt)
        x[0, 0, 0, :] = info.min
    model = os.path.join(work, "m.onnx")
    save([h.make_node("MaxPool", ["x"], ["y"], name="mp", kernel_shape=[kh, kw],
                      strides=[sh, sw], dilations=[dh, dw], pads=pads, ceil_mode=ceil)],
         [("x", dt, list(x.shape))], [("y", dt)], [], model)

    # (Every window holds an input element: pads are smaller than the kernel.)
    want = maxpool_ref(x.astype(np.float64), (kh, kw), (sh, sw), (dh, dw), pads, ceil)
    (got,) = compile_and_run(model, {"x": x}, ["y"], work, requant)
    return report("maxpool_rows", got, want.astype(dt))


def case_qdq(rng, work, requant, params=None):
    """QuantizeLinear/DequantizeLinear round trip with saturation, float in and out."""
    dt = rng.choice([np.uint8, np.int8])
    lo, hi = qrange(dt)
    s, zp = F32(rng.uniform(0.01, 0.5)), int(rng.integers(lo, hi + 1))
    x = (rng.standard_normal((3, 37)) * 40).astype(F32)
    x[0, :4] = [1e9, -1e9, F32(s) * 0.5, -F32(s) * 2.5]  # saturation and ties
    model = os.path.join(work, "m.onnx")
    save([h.make_node("QuantizeLinear", ["x", "s", "zp"], ["q"], name="q"),
          h.make_node("DequantizeLinear", ["q", "s", "zp"], ["y"], name="dq")],
         [("x", np.float32, [3, 37])], [("y", np.float32)],
         [const("s", s), const("zp", np.asarray(zp, dt))], model)
    want = dequantize(quantize(x, s, zp, dt), s, zp)
    (got,) = compile_and_run(model, {"x": x}, ["y"], work, requant)
    return report("qdq", got, want)


def case_maxpool_u8(rng, work, requant, params=None):
    """MaxPool on uint8 with asymmetric pads and ceil_mode."""
    x = rand_q(rng, (1, 3, 7, 7), np.uint8)
    model = os.path.join(work, "m.onnx")
    save([h.make_node("QLinearConv", ["x", "s", "z", "w", "s", "wz", "s", "z"], ["c"], name="id"),
          h.make_node("MaxPool", ["c"], ["y"], name="mp", kernel_shape=[3, 2], strides=[2, 2],
                      pads=[1, 0, 1, 1], ceil_mode=1)],
         [("x", np.uint8, [1, 3, 7, 7])], [("y", np.uint8)],
         [const("s", F32(1.0)), const("z", np.uint8(0)),
          const("w", np.eye(3, dtype=np.int8).reshape(3, 3, 1, 1)), const("wz", np.int8(0))],
         model)
    xp = np.pad(x.astype(np.int32), ((0, 0), (0, 0), (1, 1), (0, 1)), constant_values=-1)
    out = np.zeros((1, 3, 4, 4), np.int32)
    for i in range(4):
        for j in range(4):
            out[:, :, i, j] = xp[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 2].max(axis=(2, 3))
    want = out.astype(np.uint8)
    (got,) = compile_and_run(model, {"x": x}, ["y"], work, requant)
    rc = report("maxpool_u8", got, want)
    # MaxPool straight on 8-bit graph inputs (no quantization on them), as
    # ONNX allows for int8 and uint8: unsigned and signed comparisons, and
    # padding that never wins.
    for dt in (np.uint8, np.int8):
        info = np.iinfo(dt)
        x = rng.integers(info.min, info.max + 1, (2, 3, 9, 8)).astype(dt)
        x[0, 0, 0, :] = info.min
        save([h.make_node("MaxPool", ["x"], ["y"], name="mp", kernel_shape=[3, 3],
                          strides=[2, 1], pads=[1, 1, 1, 1])],
             [("x", dt, [2, 3, 9, 8])], [("y", dt)], [], model)
        xp = np.pad(x.astype(np.int32), ((0, 0), (0, 0), (1, 1), (1, 1)),
                    constant_values=int(info.min) - 1)
        out = np.zeros((2, 3, 5, 8), np.int32)
        for i in range(5):
            for j in range(8):
                out[:, :, i, j] = xp[:, :, 2 * i:2 * i + 3, j:j + 3].max(axis=(2, 3))
        (got,) = compile_and_run(model, {"x": x}, ["y"], work, requant)
        rc |= report("maxpool_raw_%s" % np.dtype(dt).name, got, out.astype(dt))
    return rc


def case_float_ops(rng, work, requant, params=None):
    """Float conv (groups, dilation, pads) + relu6 + gemm path, against numpy."""
    x = rng.standard_normal((2, 4, 9, 8)).astype(F32)
    w = rng.standard_normal((6, 2, 3, 2)).astype(F32)
    b = rng.standard_normal(6).astype(F32)
    model = os.path.join(work, "m.onnx")
    save([h.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", group=2, pads=[1, 0, 2, 1],
                      strides=[2, 1], dilations=[1, 2]),
          h.make_node("Clip", ["c", "lo", "hi"], ["y"], name="relu6")],
         [("x", np.float32, list(x.shape))], [("y", np.float32)],
         [const("w", w), const("b", b), const("lo", F32(0)), const("hi", F32(6))], model)
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 2), (0, 1)))
    oh = (9 + 3 - 3) // 2 + 1
    ow = (8 + 1 - (2 * 1 + 1))
    ow = ow // 1 + 1
    out = np.zeros((2, 6, oh, ow))
    for f in range(6):
        g = f // 3
        for i in range(3):
            for j in range(2):
                patch = xp[:, 2 * g:2 * g + 2, i: i + 2 * (oh - 1) + 1: 2, 2 * j: 2 * j + ow]
                out[:, f] += np.einsum("nchw,c->nhw", patch, w[f, :, i, j])
        out[:, f] += b[f]
    want = np.clip(out, 0, 6).astype(F32)
    (got,) = compile_and_run(model, {"x": x}, ["y"], work, requant)
    return report("float_ops", got, want, exact=False, atol=1e-4)


def fconv_ref(x, w, b, pads, dil, st=(1, 1), grp=1):
    """float64 NCHW convolution (pads [top, left, bottom, right]) plus bias."""
    n, c, hgt, wid = x.shape
    m, _, kh, kw = w.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (hgt + pads[0] + pads[2] - dil[0] * (kh - 1) - 1) // st[0] + 1
    ow = (wid + pads[1] + pads[3] - dil[1] * (kw - 1) - 1) // st[1] + 1
    out = np.zeros((n, m, oh, ow)) + b.astype(np.float64).reshape(1, -1, 1, 1)
    cg, mg = c // grp, m // grp
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i * dil[0]: i * dil[0] + (oh - 1) * st[0] + 1: st[0],
                       j * dil[1]: j * dil[1] + (ow - 1) * st[1] + 1: st[1]]
            for g in range(grp):
                out[:, g * mg:(g + 1) * mg] += np.einsum(
                    "nchw,fc->nfhw", patch[:, g * cg:(g + 1) * cg],
                    w[g * mg:(g + 1) * mg, :, i, j].astype(np.float64))
    return out


def act_ref(out, act):
    if act.startswith("silu"):
        return out / (1 + np.exp(-out))
    if act == "relu":
        return np.maximum(out, 0)
    if act == "clip":
        return np.clip(out, -0.5, 1.5)
    return out


def maxpool_ref(x, k, s, d, pads, ceil):
    """MaxPool (NCHW, ONNX's output size and ceil_mode rule) in float64."""
    def out_len(n, kk, ss, dd, p0, p1):
        span = n + p0 + p1 - dd * (kk - 1) - 1
        o = (-(-span // ss) if ceil else span // ss) + 1
        if ceil and (o - 1) * ss >= n + p0:  # the last window must start inside
            o -= 1
        return o
    n, c, hgt, wid = x.shape
    oh = out_len(hgt, k[0], s[0], d[0], pads[0], pads[2])
    ow = out_len(wid, k[1], s[1], d[1], pads[1], pads[3])
    big = np.full((n, c, hgt + pads[0] + pads[2] + s[0] * k[0] * d[0],
                   wid + pads[1] + pads[3] + s[1] * k[1] * d[1]), -np.inf)
    big[:, :, pads[0]:pads[0] + hgt, pads[1]:pads[1] + wid] = x
    want = np.full((n, c, oh, ow), -np.inf)
    for i in range(k[0]):
        for j in range(k[1]):
            want = np.maximum(want, big[:, :, i * d[0]:i * d[0] + (oh - 1) * s[0] + 1:s[0],
                                        j * d[1]:j * d[1] + (ow - 1) * s[1] + 1:s[1]])
    return want


def conv_nodes(name, x, y, w, b, pads, dil, act, inits, group=1):
    """A Conv node and its activation (none, Relu or Clip to [-0.5, 1.5])."""
    inits += [const(name + "_w", w), const(name + "_b", b)]
    c_out = y if act == "none" else name + "_c"
    nodes = [h.make_node("Conv", [x, name + "_w", name + "_b"], [c_out], name=name, pads=pads,
                         dilations=list(dil), kernel_shape=list(w.shape[2:]), strides=[1, 1],
                         group=group)]
    if act == "relu":
        nodes.append(h.make_node("Relu", [c_out], [y], name=name + "_relu"))
    elif act == "clip":
        nodes.append(h.make_node("Clip", [c_out, name + "_lo", name + "_hi"], [y],
                                 name=name + "_clip"))
        inits += [const(name + "_lo", F32(-0.5)), const(name + "_hi", F32(1.5))]
    return nodes


def case_fconv_fused(rng, work, requant, params=None):
    """Stride-1 float convolutions with same-padded rows whose output goes
    straight to another such convolution (`chain`: the first writes its
    planes in the second's padded row layout) or to a MaxPool (`pool`:
    planes of at most 96 pixels, pooled in the convolution's registers),
    random kernels, pads, dilations, activations and pool windows (pads,
    strides, dilations, ceil_mode), against float64 numpy."""
    p = params or {}
    n, c, m = int(rng.integers(1, 4)), int(rng.integers(1, 17)), int(rng.integers(1, 21))

    def same_conv(cin, cout, group=1):
        kh, kw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        dil = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        pads = same_pads(rng, kw, dil[1])
        w = rng.standard_normal((cout, cin // group, kh, kw)).astype(F32)
        return w, rng.standard_normal(cout).astype(F32), pads, dil, str(
            rng.choice(["none", "relu", "clip"]))
    w1, b1, pads1, dil1, act1 = same_conv(c, m)
    kh = w1.shape[2]
    if p.get("pool"):  # output planes of 8-12 columns and at most 96 pixels
        wid = int(rng.integers(8, 13))
        oh = int(rng.integers(1, 96 // wid + 1))
    else:  # at least as many rows as the second kernel needs
        grp2 = m if rng.integers(0, 3) == 0 else 1  # depthwise, a third of the time
        w2, b2, pads2, dil2, act2 = same_conv(m, m if grp2 > 1 else int(rng.integers(1, 21)),
                                              grp2)
        wid = int(rng.integers(8, 41))
        oh = max(int(rng.integers(1, 9)),
                 dil2[0] * (w2.shape[2] - 1) + 1 - pads2[0] - pads2[2])
    hgt = oh - pads1[0] - pads1[2] + dil1[0] * (kh - 1)
    if hgt < 1:  # pads taller than the kernel's span
        pads1[0], pads1[2], hgt = 0, 0, oh + dil1[0] * (kh - 1)
    x = rng.standard_normal((n, c, hgt, wid)).astype(F32)
    inits = []
    y1 = act_ref(fconv_ref(x, w1, b1, pads1, dil1), act1)
    if p.get("pool"):
        nodes = conv_nodes("conv", "x", "c1", w1, b1, pads1, dil1, act1, inits)
        k = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        s = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        d = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        k = (min(k[0], (oh - 1) // d[0] + 1), k[1])  # windows fit the plane
        pads = [int(rng.integers(0, k[0])), int(rng.integers(0, k[1])),
                int(rng.integers(0, k[0])), int(rng.integers(0, k[1]))]
        ceil = int(rng.integers(0, 2))
        nodes.append(h.make_node("MaxPool", ["c1"], ["y"], name="pool", kernel_shape=list(k),
                                 strides=list(s), dilations=list(d), pads=pads, ceil_mode=ceil))
        out = maxpool_ref(y1.astype(F32).astype(np.float64), k, s, d, pads, ceil)
        what = "pool %s/%s dil %s pads %s ceil %d" % (k, s, d, pads, ceil)
    else:
        nodes = (conv_nodes("conv", "x", "c1", w1, b1, pads1, dil1, act1, inits) +
                 conv_nodes("conv2", "c1", "y", w2, b2, pads2, dil2, act2, inits, grp2))
        out = act_ref(fconv_ref(y1, w2, b2, pads2, dil2, grp=grp2), act2)
        what = "conv2 %s group %d pads %s dil %s %s" % (w2.shape, grp2, pads2, dil2, act2)
    model = os.path.join(work, "m.onnx")
    save(nodes, [("x", np.float32, list(x.shape))], [("y", np.float32)], inits, model)
    (got,) = compile_and_run(model, {"x": x}, ["y"], work, requant)
    print("conv %s pads %s dil %s %s on %s, then %s" % (w1.shape, pads1, dil1, act1, x.shape,
                                                     what))
    return report("fconv-fused", got, out.astype(F32), exact=False,
                  atol=1e-4 * max(1.0, float(np.abs(out).max())))


def case_fconv_residual(rng, work, requant, params=None):
    """A float convolution whose one reader is an Add (a residual
    connection), then a Relu, a Clip or nothing: the direct kernel adds the
    Add's other operand (a graph input, or a 1x1 shortcut convolution placed
    before or after it) and applies the clamp before its stores. Same-padded
    stride-1 kernels, strided 1x1 kernels without padding (run on the
    strided rows and columns of the input), and 1x1 kernels over inputs
    large enough to run in pixel chunks (`chunk`). Against float64 numpy."""
    p = params or {}
    n = int(rng.integers(1, 3))
    st = (1, 1)
    if p.get("chunk"):
        c, m = int(rng.integers(64, 97)), int(rng.integers(1, 13))
        kh = kw = 1
        dil, pads = (1, 1), [0, 0, 0, 0]
        hgt, wid = int(rng.integers(40, 49)), int(rng.integers(40, 49))
    elif p.get("strided"):
        c, m = int(rng.integers(1, 33)), int(rng.integers(1, 21))
        kh = kw = 1
        dil, pads = (1, 1), [0, 0, 0, 0]
        st = (int(rng.integers(1, 4)), int(rng.integers(2, 4)))
        oh, ow = int(rng.integers(1, 9)), int(rng.integers(8, 31))
        hgt = (oh - 1) * st[0] + 1 + int(rng.integers(0, st[0]))
        wid = (ow - 1) * st[1] + 1 + int(rng.integers(0, st[1]))
    else:
        c, m = int(rng.integers(1, 33)), int(rng.integers(1, 21))
        kh, kw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        dil = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        pads = same_pads(rng, kw, dil[1])  # and rows: the output is the input's shape
        pt = int(rng.integers(0, (kh - 1) * dil[0] + 1))
        pads[0], pads[2] = pt, (kh - 1) * dil[0] - pt
        wid, hgt = int(rng.integers(8, 41)), int(rng.integers(1, 9))
    x = rng.standard_normal((n, c, hgt, wid)).astype(F32)
    w = rng.standard_normal((m, c, kh, kw)).astype(F32)
    b = rng.standard_normal(m).astype(F32)
    act = str(rng.choice(["none", "relu", "clip"]))
    main = act_ref(fconv_ref(x, w, b, pads, dil, st), act)
    inits = [const("w", w), const("b", b)]
    conv = [h.make_node("Conv", ["x", "w", "b"], ["c0" if act == "none" else "c1"], name="conv",
                        pads=pads, dilations=list(dil), kernel_shape=[kh, kw], strides=list(st))]
    if act == "relu":
        conv.append(h.make_node("Relu", ["c1"], ["c0"], name="conv_relu"))
    elif act == "clip":
        conv.append(h.make_node("Clip", ["c1", "lo", "hi"], ["c0"], name="conv_clip"))
    other = str(rng.choice(["input", "before", "after"]))
    feeds = {"x": x}
    inputs = [("x", np.float32, list(x.shape))]
    if other == "input":
        s = rng.standard_normal(main.shape).astype(F32)
        feeds["s"] = s
        inputs.append(("s", np.float32, list(s.shape)))
        short, nodes = s.astype(np.float64), conv
    else:
        ws = rng.standard_normal((m, c, 1, 1)).astype(F32)
        bs = rng.standard_normal(m).astype(F32)
        inits += [const("ws", ws), const("bs", bs)]
        sc = h.make_node("Conv", ["x", "ws", "bs"], ["s"], name="shortcut", kernel_shape=[1, 1],
                         strides=list(st))
        # The shortcut's output as the kernel stores it (f32).
        short = fconv_ref(x, ws, bs, [0, 0, 0, 0], (1, 1), st).astype(F32).astype(np.float64)
        nodes = [sc] + conv if other == "before" else conv + [sc]
    post = str(rng.choice(["none", "relu", "clip"]))
    nodes.append(h.make_node("Add", ["c0", "s"], ["y" if post == "none" else "a"], name="add"))
    if post == "relu":
        nodes.append(h.make_node("Relu", ["a"], ["y"], name="add_relu"))
    elif post == "clip":
        nodes.append(h.make_node("Clip", ["a", "lo", "hi"], ["y"], name="add_clip"))
    if "clip" in (act, post):
        inits += [const("lo", F32(-0.5)), const("hi", F32(1.5))]
    out = act_ref(main.astype(F32).astype(np.float64) + short, post)
    model = os.path.join(work, "m.onnx")
    save(nodes, inputs, [("y", np.float32)], inits, model)
    (got,) = compile_and_run(model, feeds, ["y"], work, requant)
    print("conv %s pads %s dil %s strides %s %s on %s, + %s, then %s" % (
        w.shape, pads, dil, st, act, x.shape, other, post))
    return report("fconv-residual", got, out.astype(F32), exact=False,
                  atol=1e-4 * max(1.0, float(np.abs(out).max())))


def case_fconv_channels(rng, work, requant, params=None):
    """Float convolutions that run with vectors over 16 output channels
    (floatConvOverChannels, with AVX-512): 16-64 output channels and at
    least 512 products per output at stride 1 (128 strided), on planes under 8 pixels wide (1-3: tiles
    across rows; 4-7: row segments), strided kernels (3x3/2 and random
    strides and dilations), with `lossy` stride-1 planes of 9-15 pixels
    square (whose pixel vectors would lose over 5% of their lanes), with
    `stem` 7x7/2 kernels over 3-4 channels (which space-to-depth would give
    zero taps), `stem3` 3x3/2 kernels over 1-4 channels, `grouped` strided
    kernels in 2-5 groups of 16 or 32 output channels (no residual), with `pointwise` strided 1x1 kernels without padding (run on
    a strided copy of the input), with `flat1x1` stride-1 1x1 kernels over
    64-140 channels to 8-56 output channels on planes of 1-30 x 1-30 pixels
    (with AVX2: vectors of 8 channels over runs of 6 pixels across rows,
    tails of 1-5); random pads, a fused activation (none, Relu, Clip, SiLU)
    and, a third of the time each, a residual Add of a graph input then
    nothing, a Relu or a Clip. Against float64 numpy."""
    p = params or {}
    n = int(rng.integers(1, 3))
    m = int(rng.choice([16, 32, 48, 64]))
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    st = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    dil = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    if rng.integers(0, 2):  # a 3x3/2 with pads 1 (resnet's downsampling)
        kh, kw, st, dil = 3, 3, (2, 2), (1, 1)
    pads = [int(rng.integers(0, kh)), int(rng.integers(0, kw)), int(rng.integers(0, kh)),
            int(rng.integers(0, kw))]
    if p.get("pointwise"):  # strided 1x1 without padding: on a strided copy of the input
        kh = kw = 1
        st, dil, pads = (int(rng.integers(1, 4)), int(rng.integers(2, 4))), (1, 1), [0, 0, 0, 0]
    if p.get("flat1x1"):
        kh = kw = 1
        st, dil, pads = (1, 1), (1, 1), [0, 0, 0, 0]
        m = 8 * int(rng.integers(1, 8))
    if p.get("stem"):  # 7x7/2 over 1-3 channels: space-to-depth would add zero taps
        kh = kw = 7
        st, dil, pads = (2, 2), (1, 1), [3, 3, 3, 3]
    if p.get("stem3"):  # 3x3/2 over 1-4 channels: 9-36 products per output
        kh = kw = 3
        st, dil = (2, 2), (1, 1)
    if p.get("lossy"):
        st = (1, 1)
        oh = ow = int(rng.choice([9, 10, 11, 14, 15]))  # 5.5-16% of the lanes lost
    elif p.get("stem") or p.get("stem3"):
        oh, ow = int(rng.integers(1, 6)), int(rng.integers(8, 30))
    elif p.get("flat1x1"):
        oh, ow = int(rng.integers(1, 31)), int(rng.integers(1, 31))
    else:
        ow = int(rng.choice([1, 2, 3, 4, 5, 6, 7]))
        oh = int(rng.integers(1, 9))
    # Unit-stride kernels take it from 512 products per output, strided ones
    # from 128.
    least = 512 if st == (1, 1) else 128
    c = int(rng.integers(-(-least // (kh * kw)), -(-least // (kh * kw)) + 24))
    if p.get("flat1x1"):
        c = int(rng.integers(64, 141))
    if p.get("stem"):
        c = int(rng.integers(3, 5))  # 147-196 products per output
    if p.get("stem3"):
        c = int(rng.integers(1, 5))
    grp = 1
    if p.get("grouped"):  # 2-5 groups of 16 or 32 output channels, strided
        grp = int(rng.integers(2, 6))
        m = grp * int(rng.choice([16, 32]))
        if st == (1, 1):
            st = (2, int(rng.integers(1, 3)))
        cg = int(rng.integers(-(-128 // (kh * kw)), -(-128 // (kh * kw)) + 8))
        c = grp * cg
    # The input that gives that output (plus up to stride - 1 unused rows).
    hgt = max(1, (oh - 1) * st[0] + dil[0] * (kh - 1) + 1 - pads[0] - pads[2] +
              int(rng.integers(0, st[0])))
    wid = max(1, (ow - 1) * st[1] + dil[1] * (kw - 1) + 1 - pads[1] - pads[3] +
              int(rng.integers(0, st[1])))
    x = rng.standard_normal((n, c, hgt, wid)).astype(F32)
    w = rng.standard_normal((m, c // grp, kh, kw)).astype(F32)
    b = rng.standard_normal(m).astype(F32)
    act = str(rng.choice(["none", "relu", "clip", "silu"]))
    out = act_ref(fconv_ref(x, w, b, pads, dil, st, grp), act)
    inits = [const("w", w), const("b", b), const("lo", F32(-0.5)), const("hi", F32(1.5))]
    nodes = [h.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=pads,
                         dilations=list(dil), kernel_shape=[kh, kw], strides=list(st), group=grp)]
    if act == "silu":
        nodes.append(h.make_node("Sigmoid", ["c"], ["sg"], name="sigmoid"))
        nodes.append(h.make_node("Mul", ["c", "sg"], ["c0"], name="mul"))
    elif act == "relu":
        nodes.append(h.make_node("Relu", ["c"], ["c0"], name="relu"))
    elif act == "clip":
        nodes.append(h.make_node("Clip", ["c", "lo", "hi"], ["c0"], name="clip"))
    else:
        nodes.append(h.make_node("Identity", ["c"], ["c0"], name="same"))
    feeds = {"x": x}
    inputs = [("x", np.float32, list(x.shape))]
    post = "-"
    if act != "silu" and grp == 1 and rng.integers(0, 3) == 0:
        sv = rng.standard_normal(out.shape).astype(F32)
        feeds["s"] = sv
        inputs.append(("s", np.float32, list(sv.shape)))
        post = str(rng.choice(["none", "relu", "clip"]))
        nodes.append(h.make_node("Add", ["s", "c0"] if rng.integers(0, 2) else ["c0", "s"],
                                 ["y" if post == "none" else "a"], name="add"))
        if post == "relu":
            nodes.append(h.make_node("Relu", ["a"], ["y"], name="add_relu"))
        elif post == "clip":
            nodes.append(h.make_node("Clip", ["a", "lo", "hi"], ["y"], name="add_clip"))
        out = act_ref(out.astype(F32).astype(np.float64) + sv, post)
    else:
        nodes[-1].output[0] = "y"
    model = os.path.join(work, "m.onnx")
    save(nodes, inputs, [("y", np.float32)], inits, model)
    (got,) = compile_and_run(model, feeds, ["y"], work, requant)
    print("conv %s groups %d pads %s dil %s strides %s %s on %s, residual %s" % (
        w.shape, grp, pads, dil, st, act, x.shape, post))
    return report("fconv-channels", got, out.astype(F32), exact=False,
                  atol=1e-4 * max(1.0, float(np.abs(out).max())))


def conv_act_model(x, w, b, pads, dil, st, grp, act, work):
    """Saves a float Conv (then Relu, Clip to [-0.5, 1.5], or Sigmoid and Mul
    as `silu` / `silu_rev`) to work/m.onnx; returns its path and the float64
    reference."""
    kh, kw = w.shape[2], w.shape[3]
    nodes = [h.make_node("Conv", ["x", "w", "b"], ["c" if act != "none" else "y"], name="conv",
                         pads=pads, dilations=list(dil), kernel_shape=[kh, kw],
                         strides=list(st), group=grp)]
    inits = [const("w", w), const("b", b)]
    if act.startswith("silu"):
        nodes.append(h.make_node("Sigmoid", ["c"], ["s"], name="sigmoid"))
        nodes.append(h.make_node("Mul", ["c", "s"] if act == "silu" else ["s", "c"], ["y"],
                                 name="mul"))
    elif act == "relu":
        nodes.append(h.make_node("Relu", ["c"], ["y"], name="relu"))
    elif act == "clip":
        nodes.append(h.make_node("Clip", ["c", "lo", "hi"], ["y"], name="clip"))
        inits += [const("lo", F32(-0.5)), const("hi", F32(1.5))]
    model = os.path.join(work, "m.onnx")
    save(nodes, [("x", np.float32, list(x.shape))], [("y", np.float32)], inits, model)
    return model, act_ref(fconv_ref(x, w, b, pads, dil, st, grp), act)


def case_fconv(rng, work, requant, params=None):
    """Stride-1 float convolutions with rows of 8+ pixels (the direct f32
    kernel: same-padded rows with masked side taps, or rows with pad
    columns), with a random fused activation (none, Relu, Clip), against a
    float64 numpy reference (within 1e-4 relative to the output's scale)."""
    p = params or {}
    n, c, m = int(rng.integers(1, 4)), int(rng.integers(1, 21)), int(rng.integers(1, 21))
    kh, kw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    dil = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    if p.get("pointwise"):  # 1x1 without padding: the kernel reads the input's planes
        kh, kw, dil, pads = 1, 1, (1, 1), [0, 0, 0, 0]
    elif p.get("wide_pads"):  # both side pads beyond the kernel's span: OW > IW + pad
        kw, dil = int(rng.integers(1, 3)), (dil[0], 1)
        pads = [int(rng.integers(0, 3)), kw + int(rng.integers(0, 2)), int(rng.integers(0, 3)),
                kw + int(rng.integers(0, 2))]
    elif rng.integers(0, 2):  # same-padded width
        pads = same_pads(rng, kw, dil[1])
    else:
        pads = [int(v) for v in rng.integers(0, 3, 4)]
    hgt = max(int(rng.integers(1, 9)), (kh - 1) * dil[0] + 1 - pads[0] - pads[2])
    # `narrow`: output rows of 4-7 pixels (EfficientNet's 7x7 depthwise layers).
    w0 = 4 if p.get("narrow") else 8
    wid = max(int(rng.integers(w0, 8 if p.get("narrow") else 41)),
              (kw - 1) * dil[1] + w0 - pads[1] - pads[3])
    if p.get("pad_rows"):  # rows of 33-100 pixels and 1-3 pad rows, as qconv-pad-rows
        kh = int(rng.integers(2, 6))
        pads[0], pads[2] = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        wid = int(rng.integers(33, 101))
        hgt = max(int(rng.integers(2, 7)), (kh - 1) * dil[0] + 1 - pads[0] - pads[2])
    st = (1, 1)
    if p.get("strided"):  # 3x3/2 with pads 1 (a stem's shape): im2col rows
        kh, kw, st, dil, pads = 3, 3, (2, 2), (1, 1), [1, 1, 1, 1]
        hgt, wid = int(rng.integers(3, 12)), int(rng.integers(3, 40))
    if p.get("s2d"):  # strided kernels covering whole stride blocks, as qconv-s2d
        (kh, sh), (kw, sw), pads = s2d_kernel(rng)
        st, dil = (sh, sw), (1, 1)
        ow = int(rng.integers(4, 8)) if p.get("narrow") else int(rng.integers(8, 41))
        hgt = (int(rng.integers(1, 6)) - 1) * sh + kh - pads[0] - pads[2] + int(rng.integers(0, sh))
        wid = (ow - 1) * sw + kw - pads[1] - pads[3] + int(rng.integers(0, sw))
        hgt = max(hgt, kh - pads[0] - pads[2])
    dw = bool(p.get("depthwise"))
    if dw:
        m = c
    grp = c if dw else 1
    if p.get("grouped"):  # 2-6 groups of 1-8 input and 1-6 output channels
        grp = int(rng.integers(2, 7))
        c, m = grp * int(rng.integers(1, 9)), grp * int(rng.integers(1, 7))
    if p.get("stem"):  # 1-4 input channels: 3x3/2 through space-to-depth
        c = int(rng.integers(1, 5))
    x = rng.standard_normal((n, c, hgt, wid)).astype(F32)
    w = rng.standard_normal((m, c // grp, kh, kw)).astype(F32)
    b = rng.standard_normal(m).astype(F32)
    act = str(rng.choice(["none", "relu", "clip"]))
    if p.get("silu"):  # Sigmoid and Mul (either order): SiLU in the kernel's epilogue
        act = str(rng.choice(["silu", "silu_rev"]))
    model, out = conv_act_model(x, w, b, pads, dil, st, grp, act, work)
    want = out.astype(F32)
    (got,) = compile_and_run(model, {"x": x}, ["y"], work, requant)
    print("conv %dx%d stride %s dil %s pads %s on %s, %s" % (kh, kw, st, dil, pads, x.shape, act))
    return report("fconv", got, want, exact=False, atol=1e-4 * max(1.0, float(np.abs(out).max())))


def case_fconv_dw_strided(rng, work, requant, params=None):
    """Strided float depthwise convolutions (floatDepthwiseStrided: read
    from the input planes, no padded copy): strides 1-3 by 1-4
    (not both 1), kernels 1-5 by 1-5, dilations 1-2, pads 0-3 per side
    (some past the kernel's span), output rows of 1-7, 8-40 or 60-130
    pixels (1 to 9 vectors; the last one masked), 1-3 images of 1-20
    channels, with a fused activation (none, Relu, Clip, SiLU either way
    round). Against float64 numpy."""
    n, c = int(rng.integers(1, 4)), int(rng.integers(1, 21))
    kh, kw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    st = (int(rng.integers(1, 4)), int(rng.integers(1, 5)))
    if st == (1, 1):
        st = (2, 2)
    dil = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    pads = [int(v) for v in rng.integers(0, 4, 4)]
    ow = int(rng.choice([int(rng.integers(1, 8)), int(rng.integers(8, 41)),
                         int(rng.integers(60, 131))]))
    oh = int(rng.integers(1, 9))
    hgt = max(1, (oh - 1) * st[0] + dil[0] * (kh - 1) + 1 - pads[0] - pads[2] +
              int(rng.integers(0, st[0])))
    wid = max(1, (ow - 1) * st[1] + dil[1] * (kw - 1) + 1 - pads[1] - pads[3] +
              int(rng.integers(0, st[1])))
    x = rng.standard_normal((n, c, hgt, wid)).astype(F32)
    w = rng.standard_normal((c, 1, kh, kw)).astype(F32)
    b = rng.standard_normal(c).astype(F32)
    act = str(rng.choice(["none", "relu", "clip", "silu", "silu_rev"]))
    model, out = conv_act_model(x, w, b, pads, dil, st, c, act, work)
    (got,) = compile_and_run(model, {"x": x}, ["y"], work, requant)
    print("depthwise %dx%d stride %s dil %s pads %s on %s -> %s, %s" % (
        kh, kw, st, dil, pads, x.shape, out.shape, act))
    return report("fconv-dw-strided", got, out.astype(F32), exact=False,
                  atol=1e-4 * max(1.0, float(np.abs(out).max())))


def case_qdq_conv_relu(rng, work, requant, params=None):
    """QDQ Conv -> Relu -> QuantizeLinear with a zero point above the type's
    minimum: ONNX Runtime cannot drop the Relu then, runs this Conv in float,
    and its float sums round some values to the other side of .5 (seen in
    the QDQ fuzz, 1 value in 1584). Octet's integer convolution is held
    to the exact result: rint(sum((qx - zx) sx (qw - zw) sw) / sy) + zy from
    the integer accumulators, outside a 1e-3 band around ties (where the
    float32 multiplier's rounding may decide)."""
    dt = rng.choice([np.uint8, np.int8])
    lo, hi = qrange(dt)
    n, c, hgt, wid, m, kh, kw = 2, 8, 10, 40, 16, 5, 3
    x = rand_q(rng, (n, c, hgt, wid), dt)
    w = rng.integers(-127, 128, (m, c, kh, kw)).astype(np.int8)
    sx, sy = F32(rng.uniform(0.05, 0.15)), F32(rng.uniform(0.03, 0.06))
    sw = rng.uniform(0.002, 0.01, m).astype(F32)
    zx, zy = int(rng.integers(lo + 20, hi - 20)), int(rng.integers(lo + 20, hi - 20))
    pads = [0, 1, 2, 1]
    model = os.path.join(work, "m.onnx")
    save([h.make_node("DequantizeLinear", ["x", "sx", "zx"], ["xf"], name="dqx"),
          h.make_node("DequantizeLinear", ["w", "sw", "zw"], ["wf"], name="dqw", axis=0),
          h.make_node("Conv", ["xf", "wf"], ["c"], name="conv", pads=pads),
          h.make_node("Relu", ["c"], ["r"], name="relu"),
          h.make_node("QuantizeLinear", ["r", "sy", "zy"], ["y"], name="q")],
         [("x", dt, [n, c, hgt, wid])], [("y", dt)],
         [const("sx", sx), const("zx", np.asarray(zx, dt)), const("w", w), const("sw", sw),
          const("zw", np.zeros(m, np.int8)), const("sy", sy), const("zy", np.asarray(zy, dt))],
         model)
    acc = conv_acc(x, w, zx, 0, (1, 1), pads, (1, 1), 1).astype(np.float64)
    v = np.maximum(acc * (np.float64(sx) * sw.astype(np.float64).reshape(1, -1, 1, 1)), 0)
    v /= np.float64(sy)
    want = np.clip(np.rint(v) + zy, lo, hi).astype(dt)
    (got,) = compile_and_run(model, {"x": x}, ["y"], work, requant)
    away = np.abs(v - np.floor(v) - 0.5) > 1e-3
    print("%d of %d values are within 1e-3 of a tie" % (int((~away).sum()), v.size))
    return report("qdq_conv_relu", np.where(away, got, 0).astype(dt),
                  np.where(away, want, 0).astype(dt))


CASES = {
    "qconv": case_qconv,
    "qconv-depthwise": lambda r, w, q: case_qconv(r, w, q, {"group": 3, "cg": 1, "mg": 1,
                                                              "per_channel": True}),
    "qconv-saturate": lambda r, w, q: case_qconv(r, w, q, {"ys": 1e-4, "xdt": np.uint8,
                                                             "xzp": 255}),
    "qconv-s8-extremes": lambda r, w, q: case_qconv(r, w, q, {"xdt": np.int8, "xzp": -128,
                                                                "yzp": 127, "ydt": np.int8}),
    # Stride-1 convolutions wide enough for the direct VNNI kernel: 1-9
    # input channels (quad padding), 1-9 output channels (4-channel tiles and
    # tails), input rows of 32-91 pixels, outputs of 28 or more (16-pixel vectors in groups of 4, 2, 1).
    "qconv-wzp": lambda r, w, q: case_qconv(r, w, q, {
        "wzp": str(r.choice(["u8", "s8"])), "group": 1, "stride": (1, int(r.integers(1, 3))),
        "cg": int(r.integers(1, 10)), "mg": int(r.integers(1, 20)),
        "hw": (int(r.integers(3, 8)), int(r.integers(8, 40)))}),
    "qconv-wide": lambda r, w, q: case_qconv(r, w, q, {
        "group": 1, "stride": (1, 1), "cg": int(r.integers(1, 10)),
        "mg": int(r.integers(1, 10)), "hw": (int(r.integers(3, 8)), int(r.integers(32, 92)))}),
    "qconv-same": case_qconv_same,
    "qconv-pad-rows": case_qconv_pad_rows,
    "qconv-s2d": case_qconv_s2d,
    "qconv-rows": case_qconv_rows,
    # Trained-like weights on 8-64 input channels (multiples of 4): on AVX2
    # the `pairs` form with the input channels reordered so that few pairs
    # hold two large weights of one sign (the rest in the residual).
    "qconv-pairs": lambda r, w, q: case_qconv(r, w, q, {
        "group": 1, "cg": int(r.choice([8, 12, 16, 32, 64])), "mg": int(r.integers(1, 70)),
        "k": (int(r.integers(1, 4)), int(r.integers(1, 4))),
        "stride": (int(r.integers(1, 3)), int(r.integers(1, 3))), "dil": (1, 1),
        "hw": (int(r.integers(3, 9)), int(r.integers(5, 30))), "wgauss": True}),
    "maxpool-rows": case_maxpool_rows,
    "fconv-pool": lambda r, w, q: case_fconv_fused(r, w, q, {"pool": True}),
    "fconv-chain": case_fconv_fused,
    "fconv-residual": case_fconv_residual,
    "fconv-channels": case_fconv_channels,
    "fconv-channels-lossy": lambda r, w, q: case_fconv_channels(r, w, q, {"lossy": True}),
    "fconv-channels-stem": lambda r, w, q: case_fconv_channels(r, w, q, {"stem": True}),
    "fconv-channels-stem3": lambda r, w, q: case_fconv_channels(r, w, q, {"stem3": True}),
    "fconv-channels-grouped": lambda r, w, q: case_fconv_channels(r, w, q, {"grouped": True}),
    "fconv-channels-pointwise": lambda r, w, q: case_fconv_channels(r, w, q, {"pointwise": True}),
    "fconv-channels-flat1x1": lambda r, w, q: case_fconv_channels(r, w, q, {"flat1x1": True}),
    "fconv-residual-strided": lambda r, w, q: case_fconv_residual(r, w, q, {"strided": True}),
    "fconv-residual-chunk": lambda r, w, q: case_fconv_residual(r, w, q, {"chunk": True}),
    "maxpool-small": lambda r, w, q: case_maxpool_rows(r, w, q, {"small": True}),
    "maxpool-float": lambda r, w, q: case_maxpool_rows(r, w, q, {"float": True}),
    # An ImageNet stem in small: 3 channels (padded to 4), 7x7/2, pads 3.
    "qconv-stem": lambda r, w, q: case_qconv(r, w, q, {
        "group": 1, "cg": 3, "mg": 16, "k": (7, 7), "stride": (2, 2), "dil": (1, 1),
        "pads": [3, 3, 3, 3], "hw": (24, 40), "n": 1}),
    "float-math": case_float_math,
    "qconv-grouped": case_qconv_grouped,
    "qconv-dw-strided": case_qconv_dw_strided,
    "qconv-dw-direct": case_qconv_dw_direct,
    "qconv-dw-direct-narrow": lambda r, w, q: case_qconv_dw_direct(r, w, q, {"narrow": True}),
    "qconv-dw-strided-narrow": lambda r, w, q: case_qconv_dw_strided(r, w, q, {"narrow": True}),
    # Same-padded, 128 output channels on odd rows of 65-69 pixels: the lane
    # patterns repeat every 65-69 vectors, too many for the table of
    # starting accumulators, so the corrections are masked adds after the loop.
    "qconv-same-many": lambda r, w, q: case_qconv(r, w, q, {
        "group": 1, "stride": (1, 1), "k": (3, 3), "dil": (1, 1), "pads": [1, 1, 1, 1],
        "cg": int(r.integers(1, 5)), "mg": 128, "per_channel": True,
        "xzp": int(r.integers(1, 255)), "xdt": np.uint8,
        "hw": (int(r.integers(2, 5)), int(r.choice([65, 67, 69])))}),
    "fconv": case_fconv,
    "fconv-wide-pads": lambda r, w, q: case_fconv(r, w, q, {"wide_pads": True}),
    "fconv-pad-rows": lambda r, w, q: case_fconv(r, w, q, {"pad_rows": True}),
    "fconv-dw": lambda r, w, q: case_fconv(r, w, q, {"depthwise": True}),
    "fconv-s2d": lambda r, w, q: case_fconv(r, w, q, {"s2d": True}),
    "fconv-dw-s2d": lambda r, w, q: case_fconv(r, w, q, {"s2d": True, "depthwise": True}),
    "fconv-pointwise": lambda r, w, q: case_fconv(r, w, q, {"pointwise": True}),
    "fconv-silu": lambda r, w, q: case_fconv(r, w, q, {"silu": True}),
    "fconv-silu-pointwise": lambda r, w, q: case_fconv(r, w, q, {"silu": True,
                                                                  "pointwise": True}),
    "fconv-silu-dw": lambda r, w, q: case_fconv(r, w, q, {"silu": True, "depthwise": True}),
    "fconv-silu-dw-s2d": lambda r, w, q: case_fconv(r, w, q, {"silu": True, "depthwise": True,
                                                               "s2d": True}),
    "fconv-silu-strided": lambda r, w, q: case_fconv(r, w, q, {"silu": True, "strided": True}),
    "fconv-stem": lambda r, w, q: case_fconv(r, w, q, {"strided": True, "stem": True}),
    "fconv-silu-stem": lambda r, w, q: case_fconv(r, w, q, {"silu": True, "strided": True,
                                                             "stem": True}),
    "fconv-silu-grouped": lambda r, w, q: case_fconv(r, w, q, {"silu": True, "grouped": True}),
    "fconv-dw-strided": case_fconv_dw_strided,
    "fconv-dw-narrow": lambda r, w, q: case_fconv(r, w, q, {"depthwise": True, "narrow": True}),
    "fconv-dw-s2d-narrow": lambda r, w, q: case_fconv(
        r, w, q, {"s2d": True, "depthwise": True, "narrow": True}),
    "fconv-grouped": lambda r, w, q: case_fconv(r, w, q, {"grouped": True}),
    "fconv-grouped-s2d": lambda r, w, q: case_fconv(r, w, q, {"grouped": True, "s2d": True}),
    # One pixel left in the last output row (6x27 input, 1x2 kernel: 162
    # pixels, the last vector stores one lane): LLVM 22 stored that lane's
    # 4 untruncated bytes over the next channel's first pixels.
    "qconv-one-lane-tail": lambda r, w, q: case_qconv(r, w, q, {
        "group": 1, "cg": int(r.integers(1, 9)), "mg": 4, "stride": (1, 1), "k": (1, 2),
        "dil": (1, 1), "pads": [0, 0, 0, 0], "hw": (6, 27), "n": 2}),
    # The same with the one-lane vector inside the 4-vector loop (19x17
    # input, 2x2 kernel: 306 pixels, 20 vectors), where the mask is only
    # constant if LLVM unrolls the loop (octetc scalarizes after -O3 too).
    "qconv-one-lane-loop": lambda r, w, q: case_qconv(r, w, q, {
        "group": 1, "cg": 4, "mg": 8, "stride": (1, 1), "k": (2, 2),
        "dil": (1, 1), "pads": [0, 0, 0, 0], "hw": (19, 17), "n": 2}),
    "qconv-dw-one-lane-tail": lambda r, w, q: case_qconv(r, w, q, {
        "group": 11, "cg": 1, "mg": 1, "stride": (1, 1), "k": (1, 2),
        "dil": (1, 1), "pads": [0, 0, 0, 0], "hw": (6, 27), "n": 2}),
    # Side pads wider than the kernel's span (a 1x1 conv with pads 1: output
    # rows wider than input row + pad columns) on the direct VNNI kernel.
    "qconv-wide-pads": lambda r, w, q: case_qconv(r, w, q, {
        "group": 1, "stride": (1, 1), "k": (int(r.integers(1, 4)), 1), "dil": (1, 1),
        "pads": [1, int(r.integers(1, 3)), 1, int(r.integers(1, 3))],
        "hw": (int(r.integers(3, 7)), int(r.integers(8, 40)))}),
    "qmatmul": case_qmatmul,
    # 64+ output columns: the VNNI product's 4-block tiles, whose 64
    # requantized bytes per row are packed with saturation in registers
    # (weight zero point 0, so that w - w_zp fits the kernel's int8).
    "qmatmul-wide": lambda r, w, q: case_qmatmul(r, w, q, {"bzp_range": (0, 1),
        "mkn": (int(r.integers(1, 10)), int(r.integers(1, 300)), int(r.integers(64, 200))),
        "ys": float(r.choice([r.uniform(0.01, 1), r.uniform(0.01, 1), 1e-4, 1e-8]))}),
    "qgemm": case_qgemm,
    "qdq": case_qdq,
    "qdq-conv-relu": case_qdq_conv_relu,
    "maxpool-u8": case_maxpool_u8,
    "float-ops": case_float_ops,
}


def main():
    case, seed, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    requant = "onnx"
    for a in sys.argv[4:]:
        if a.startswith("--requant="):
            requant = a.split("=", 1)[1]
        elif a.startswith("--vnni=") or a.startswith("--cpu="):
            EXTRA_FLAGS.append(a)
        else:
            sys.exit("opcheck.py: unknown argument " + a)
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(seed)
    rc = CASES[case](rng, work, requant)
    print("case %s seed %d requant %s" % (case, seed, requant))
    sys.exit(rc)


if __name__ == "__main__":
    main()
