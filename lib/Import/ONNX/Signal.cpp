//===- Signal.cpp - DFT, STFT and MelWeightMatrix -------------------------===//
//
// The signal-processing ops of opset 17 (DFT also in its opset 20 form).
// Lengths are known at compile time, so a DFT is one matrix product: the
// signal's interleaved (real, imaginary) values times a constant matrix of
// cosines and sines whose columns are the output's interleaved values. Zero
// padding and truncation to dft_length become zero rows, a onesided result
// fewer columns, and STFT's constant window a scaling of the rows.
// MelWeightMatrix is a constant.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cmath>

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

namespace {
/// The largest DFT matrix built (elements): 64 MiB of f32.
constexpr int64_t kMaxDFTMatrix = int64_t{1} << 24;
} // namespace

/// The DFT of `x` ([..., L, c] with c = 1 real or 2 complex values, L at
/// `axis`) with `len` points: [..., M, 2], M = len or len / 2 + 1 when
/// `onesided`. `window` (L values, or empty) scales the signal first.
FailureOr<Value> Importer::buildDFT(const NodeProto &n, Value x, int64_t axis, int64_t len,
                                    bool inverse, bool onesided, ArrayRef<double> window) {
  auto xt = rtt(x);
  int64_t r = xt.getRank();
  if (!xt.hasStaticShape())
    return nodeError(n) << "needs a static input shape, got " << xt << " (use --input-shape)";
  if (r < 2 || (xt.getDimSize(r - 1) != 1 && xt.getDimSize(r - 1) != 2))
    return nodeError(n) << "the input's last dimension must hold 1 (real) or 2 (complex) "
                        << "values, got " << xt;
  if (axis < 0 || axis > r - 2)
    return nodeError(n) << "axis " << axis << " is not a signal axis of rank " << r
                        << " (0 to " << r - 2 << ")";
  int64_t c = xt.getDimSize(r - 1);
  if (onesided && (inverse || c == 2))
    return nodeError(n) << "onesided is supported for the forward transform of a real signal only";
  if (len < 1)
    return nodeError(n) << "dft_length must be positive, got " << len;
  int64_t L = xt.getDimSize(axis), M = onesided ? len / 2 + 1 : len;
  if (L > kMaxDFTMatrix || M > kMaxDFTMatrix || L * c * M * 2 > kMaxDFTMatrix)
    return nodeError(n) << "a DFT of " << L << " to " << M << " points is too large to compile "
                        << "(as a " << L * c << " x " << 2 * (uint64_t)M << " matrix)";
  Type el = xt.getElementType();
  // The signal axis next to the last one.
  SmallVector<int64_t> perm, moved;
  for (int64_t d = 0; d < r - 1; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.append({axis, r - 1});
  bool permute = axis != r - 2;
  for (int64_t d : perm)
    moved.push_back(xt.getDimSize(d));
  Value v = x;
  if (permute) {
    auto t = make<TransposeOp>(n, xt.clone(moved), x, b.getDenseI64ArrayAttr(perm));
    if (failed(t))
      return failure();
    v = *t;
  }
  int64_t rows = 1;
  for (int64_t d = 0; d < r - 2; ++d)
    rows *= moved[d];
  auto flat = buildReshape(n, v, {rows, L * c}, false);
  if (failed(flat))
    return failure();
  // W[(j, p), (k, q)]: row j of the signal (p = 0 real, 1 imaginary), column
  // k of the output (q likewise). Forward: e^{-i theta}; inverse: e^{+i
  // theta} / len.
  ConstTensor w;
  w.isFloat = true;
  w.shape = {L * c, 2 * M};
  w.f.assign(L * c * 2 * M, 0.0);
  double sgn = inverse ? 1.0 : -1.0, scale = inverse ? 1.0 / (double)len : 1.0;
  for (int64_t j = 0; j < std::min(L, len); ++j) {
    double wj = window.empty() ? 1.0 : window[j];
    for (int64_t k = 0; k < M; ++k) {
      double theta = 2.0 * M_PI * (double)((j * k) % len) / (double)len;
      double co = std::cos(theta) * scale * wj, si = sgn * std::sin(theta) * scale * wj;
      // (re + i im)(co + i si) = re co - im si + i (re si + im co)
      w.f[(j * c) * 2 * M + 2 * k] = co;
      w.f[(j * c) * 2 * M + 2 * k + 1] = si;
      if (c == 2) {
        w.f[(j * c + 1) * 2 * M + 2 * k] = -si;
        w.f[(j * c + 1) * 2 * M + 2 * k + 1] = co;
      }
    }
  }
  auto wt = RankedTensorType::get({L * c, 2 * M}, el);
  auto prod = buildMatMul(n, *flat, createConstant(w.write(wt), wt, ""), el);
  if (failed(prod))
    return failure();
  SmallVector<int64_t> outMoved(moved.begin(), moved.end() - 2);
  outMoved.append({M, 2});
  auto y = buildReshape(n, *prod, outMoved, false);
  if (failed(y) || !permute)
    return y;
  SmallVector<int64_t> inv(r), outShape(r);
  for (int64_t d = 0; d < r; ++d)
    inv[perm[d]] = d;
  for (int64_t d = 0; d < r; ++d)
    outShape[d] = outMoved[inv[d]];
  return make<TransposeOp>(n, RankedTensorType::get(outShape, el), *y,
                           b.getDenseI64ArrayAttr(inv));
}

FailureOr<int64_t> Importer::constScalarInt(const NodeProto &n, int k, StringRef what) {
  auto v = constInts(n, k, what);
  if (failed(v))
    return failure();
  if (v->size() != 1)
    return nodeError(n) << what << " (input #" << k << ") must be one value";
  return (*v)[0];
}

/// DFT: opset 17 (axis attribute, default 1) and 20 (axis input, default
/// -2); dft_length and axis must be constants.
LogicalResult Importer::onDFT(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(fx))
    return failure();
  int64_t r = rtt(*fx).getRank();
  int64_t axis = attrInt(n, "axis", 1);
  if (opset >= 20) {
    axis = -2;
    if (input(n, 2)) {
      auto a = constScalarInt(n, 2, "axis");
      if (failed(a))
        return failure();
      axis = *a;
    }
  }
  if (axis < 0)
    axis += r;
  int64_t len = axis >= 0 && axis < r ? rtt(*fx).getDimSize(axis) : 0;
  if (input(n, 1)) {
    auto l = constScalarInt(n, 1, "dft_length");
    if (failed(l))
      return failure();
    len = *l;
  }
  return defineResult(n, buildDFT(n, *fx, axis, len, attrInt(n, "inverse", 0) != 0,
                                  attrInt(n, "onesided", 0) != 0, {}));
}

/// STFT: frames of the signal ([batch, L, c]) every frame_step samples,
/// each (times the window) through a frame_length-point DFT: [batch,
/// frames, bins, 2]. A constant window scales the DFT matrix; one computed
/// at run time multiplies the frames.
LogicalResult Importer::onSTFT(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "signal");
  if (failed(fx))
    return failure();
  auto xt = rtt(*fx);
  if (!xt.hasStaticShape() || xt.getRank() != 3)
    return nodeError(n) << "the signal must be [batch, length, 1 or 2] with a static shape, got "
                        << xt;
  auto step = constScalarInt(n, 1, "frame_step");
  if (failed(step))
    return failure();
  Value window = input(n, 2);
  int64_t fl = -1;
  if (window) {
    auto wt = rtt(window);
    if (wt.getRank() != 1 || !wt.hasStaticShape() || wt.getElementType() != xt.getElementType())
      return nodeError(n) << "window must be a 1-D " << xt.getElementType()
                          << " tensor of static length, got " << wt;
    fl = wt.getDimSize(0);
  }
  if (input(n, 3)) {
    auto l = constScalarInt(n, 3, "frame_length");
    if (failed(l))
      return failure();
    if (window && *l != fl)
      return nodeError(n) << "frame_length " << *l << " differs from the window's length " << fl;
    fl = *l;
  }
  if (fl < 0)
    return nodeError(n) << "needs a window or a frame_length";
  int64_t L = xt.getDimSize(1), c = xt.getDimSize(2);
  if (*step < 1 || fl < 1 || fl > L)
    return nodeError(n) << "frame_step must be positive and frame_length in [1, " << L
                        << "], got " << *step << " and " << fl;
  int64_t frames = (L - fl) / *step + 1;
  if (frames > kMaxDFTMatrix / fl)
    return nodeError(n) << frames << " frames of " << fl << " samples are too many to compile";
  // The frames: a Gather of [frames, fl] sample indices along the length.
  ConstTensor idx;
  idx.shape = {frames, fl};
  for (int64_t f = 0; f < frames; ++f)
    for (int64_t j = 0; j < fl; ++j)
      idx.i.push_back(f * *step + j);
  auto it = RankedTensorType::get({frames, fl}, b.getI64Type());
  Type el = xt.getElementType();
  auto framed = make<GatherOp>(n, RankedTensorType::get({xt.getDimSize(0), frames, fl, c}, el),
                               *fx, createConstant(idx.write(it), it, ""),
                               b.getI64IntegerAttr(1));
  if (failed(framed))
    return failure();
  Value v = *framed;
  SmallVector<double> wv;
  if (window) {
    if (auto wc = constOf(window)) {
      for (int64_t j = 0; j < fl; ++j)
        wv.push_back(wc->asDouble(j));
    } else {
      auto w2 = buildReshape(n, window, {fl, 1}, false);
      if (failed(w2))
        return failure();
      auto m = buildBinary(n, "Mul", v, *w2, el);
      if (failed(m))
        return failure();
      v = *m;
    }
  }
  return defineResult(n, buildDFT(n, v, 2, fl, false, attrInt(n, "onesided", 1) != 0, wv));
}

/// MelWeightMatrix: [dft_length / 2 + 1, num_mel_bins] triangular filters
/// between mel-spaced frequency bins, as ONNX defines it (num_mel_bins + 2
/// mel steps over [lower, upper] Hz, bins floor((dft_length + 1) hz /
/// sample_rate)).
LogicalResult Importer::onMelWeightMatrix(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 3, 4})))
    return failure();
  auto bins = constScalarInt(n, 0, "num_mel_bins");
  auto dft = constScalarInt(n, 1, "dft_length");
  auto rate = constScalarInt(n, 2, "sample_rate");
  if (failed(bins) || failed(dft) || failed(rate))
    return failure();
  double edge[2];
  for (int k : {3, 4}) {
    auto c = input(n, k) ? constOf(input(n, k)) : std::nullopt;
    if (!c || !c->isFloat || c->numElements() != 1)
      return nodeError(n) << (k == 3 ? "lower_edge_hertz" : "upper_edge_hertz") << " (input #"
                          << k << ") must be one float constant";
    edge[k - 3] = c->f[0];
  }
  if (*bins < 1 || *dft < 1 || *rate < 1 || *bins > (1 << 16) || *dft > (1 << 24))
    return nodeError(n) << "num_mel_bins, dft_length and sample_rate must be positive (at most "
                        << "2^16 bins and 2^24 points)";
  if (!(edge[0] >= 0 && edge[0] < edge[1] && edge[1] <= (double)*rate / 2))
    return nodeError(n) << "needs 0 <= lower_edge_hertz < upper_edge_hertz <= sample_rate / 2, "
                        << "got " << edge[0] << " and " << edge[1];
  auto el = elementType(attrInt(n, "output_datatype", onnx::TensorProto::FLOAT),
                        [&] { return nodeError(n); });
  if (failed(el))
    return failure();
  int64_t spec = *dft / 2 + 1, m = *bins;
  if (spec * m > kMaxDFTMatrix)
    return nodeError(n) << "a " << spec << " x " << m << " mel matrix is too large to compile";
  auto toMel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
  double lo = toMel(edge[0]), step = (toMel(edge[1]) - lo) / (double)(m + 2);
  SmallVector<int64_t> fb;
  for (int64_t i = 0; i < m + 2; ++i) {
    double hz = 700.0 * (std::pow(10.0, (lo + step * (double)i) / 2595.0) - 1.0);
    fb.push_back((int64_t)std::floor((double)(*dft + 1) * hz / (double)*rate));
  }
  ConstTensor c;
  c.shape = {spec, m};
  c.isFloat = isa<FloatType>(*el);
  std::vector<double> out(spec * m, 0.0);
  for (int64_t i = 0; i < m; ++i) {
    int64_t left = fb[i], center = fb[i + 1], right = fb[i + 2];
    auto set = [&](int64_t j, double v) {
      if (j >= 0 && j < spec)
        out[j * m + i] = v;
    };
    if (center == left)
      set(center, 1.0);
    else
      for (int64_t j = left; j <= center; ++j)
        set(j, (double)(j - left) / (double)(center - left));
    for (int64_t j = center; j < right; ++j)
      set(j, (double)(right - j) / (double)(right - center));
  }
  if (c.isFloat)
    c.f = std::move(out);
  else
    for (double v : out)
      c.i.push_back((int64_t)v);
  auto t = RankedTensorType::get({spec, m}, *el);
  define(n, 0, createConstant(c.write(t), t, nodeName(n)));
  return success();
}
