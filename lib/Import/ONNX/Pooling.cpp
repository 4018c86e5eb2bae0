//===- Pooling.cpp - pooling op handlers ----------------------------------===//
//
// Handlers of MaxPool, AveragePool (1-D and 2-D), GlobalAveragePool and
// GlobalMaxPool. The com.microsoft QLinear pools are in Microsoft.cpp.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <limits>

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

/// 1-D MaxPool and AveragePool as 2-D pools over [N, C, 1, L].
LogicalResult Importer::pool1D(const NodeProto &n, Value x) {
  auto xs = rtt(x).getShape();
  auto kernel = attrInts(n, "kernel_shape");
  if (!kernel || kernel->size() != 1)
    return nodeError(n) << "kernel_shape must have 1 entry for a 1-D pool";
  auto st = attrInts(n, "strides").value_or(SmallVector<int64_t>{1});
  auto dl = attrInts(n, "dilations").value_or(SmallVector<int64_t>{1});
  auto pd = attrInts(n, "pads").value_or(SmallVector<int64_t>{0, 0});
  if (st.size() != 1 || dl.size() != 1 || pd.size() != 2)
    return nodeError(n) << "a 1-D pool needs 1 stride, 1 dilation and 2 pads";
  if (failed(autoPads(n, xs.drop_front(2), *kernel, st, dl, pd)))
    return failure();
  bool isMax = n.op_type() == "MaxPool";
  if (!isMax && isQuantTensor(x.getType()))
    x = asPlain(x);
  auto x4 = buildReshape(n, x, {xs[0], xs[1], 1, xs[2]}, false);
  if (failed(x4))
    return failure();
  SmallVector<int64_t> k2 = {1, (*kernel)[0]}, s2 = {1, st[0]}, d2 = {1, dl[0]},
                       p2 = {0, pd[0], 0, pd[1]};
  bool ceil = attrInt(n, "ceil_mode", 0);
  std::string why;
  auto shape = inferPool2DShape(rtt(*x4).getShape(), k2, s2, p2, d2, ceil, why);
  if (failed(shape))
    return nodeError(n) << why;
  auto t = rtt(*x4).clone(*shape);
  FailureOr<Value> v;
  if (!isMax && dl[0] != 1)
    v = dilatedAvgPool(n, *x4, k2, s2, p2, d2, *shape);
  else if (isMax)
    v = make<MaxPool2DOp>(n, t, *x4, b.getDenseI64ArrayAttr(k2), b.getDenseI64ArrayAttr(s2),
                          b.getDenseI64ArrayAttr(p2), b.getDenseI64ArrayAttr(d2),
                          b.getBoolAttr(ceil));
  else
    v = make<AvgPool2DOp>(n, t, *x4, b.getDenseI64ArrayAttr(k2), b.getDenseI64ArrayAttr(s2),
                          b.getDenseI64ArrayAttr(p2), b.getBoolAttr(ceil),
                          b.getBoolAttr(attrInt(n, "count_include_pad", 0)));
  if (failed(v))
    return failure();
  auto r = buildReshape(n, *v, {(*shape)[0], (*shape)[1], (*shape)[3]}, false);
  if (failed(r))
    return failure();
  define(n, 0, *r);
  return success();
}

/// 3-D MaxPool and AveragePool as two 2-D pools: over height x width on
/// [N, C*D, H, W], then over depth on [N, C, D, OH*OW] with a k x 1 window.
/// Both are separable: the maximum over a box is the maximum over depth of
/// the maxima over height x width, and the average divides by a count that
/// is the product of the per-dimension counts (with padding counted or not,
/// ceil_mode windows included), so it is the average over depth of the
/// averages over height x width.
/// `sumPool` (LpPool): an average over the window with the padding counted,
/// whatever the node says (the caller multiplies by the window's volume).
FailureOr<Value> Importer::pool3D(const NodeProto &n, Value x, bool sumPool) {
  auto xt = rtt(x);
  if (!xt.hasStaticShape())
    return nodeError(n) << "a 3-D pool needs a static input shape, got " << xt
                        << " (use --input-shape)";
  auto xs = xt.getShape();
  auto kernel = attrInts(n, "kernel_shape");
  if (!kernel || kernel->size() != 3)
    return nodeError(n) << "kernel_shape must have 3 entries for a 3-D pool";
  auto st = attrInts(n, "strides").value_or(SmallVector<int64_t>{1, 1, 1});
  auto dl = attrInts(n, "dilations").value_or(SmallVector<int64_t>{1, 1, 1});
  auto pd = attrInts(n, "pads").value_or(SmallVector<int64_t>(6, 0));
  if (st.size() != 3 || dl.size() != 3 || pd.size() != 6)
    return nodeError(n) << "a 3-D pool needs 3 strides, 3 dilations and 6 pads";
  if (failed(autoPads(n, xs.drop_front(2), *kernel, st, dl, pd)))
    return failure();
  bool isMax = n.op_type() == "MaxPool" && !sumPool;
  if (!isMax && isQuantTensor(x.getType()))
    x = asPlain(x);
  bool ceil = attrInt(n, "ceil_mode", 0);
  bool includePad = sumPool || attrInt(n, "count_include_pad", 0);
  // Dilated or ceil_mode LpPool windows: true sums (depthwise ones-kernel
  // convolutions) instead of averages with the padding counted.
  bool sums = sumPool && (ceil || dl[0] != 1 || dl[1] != 1 || dl[2] != 1);
  auto pool = [&](Value in, ArrayRef<int64_t> k, ArrayRef<int64_t> s, ArrayRef<int64_t> p,
                  ArrayRef<int64_t> d) -> FailureOr<Value> {
    std::string why;
    auto shape = inferPool2DShape(rtt(in).getShape(), k, s, p, d, ceil, why);
    if (failed(shape))
      return nodeError(n) << why;
    auto t = rtt(in).clone(*shape);
    if (sums)
      return windowSumShaped(n, in, k, s, p, d, *shape);
    if (!isMax && (d[0] != 1 || d[1] != 1))
      return dilatedAvgPool(n, in, k, s, p, d, *shape);
    if (isMax)
      return make<MaxPool2DOp>(n, t, in, b.getDenseI64ArrayAttr(k), b.getDenseI64ArrayAttr(s),
                               b.getDenseI64ArrayAttr(p), b.getDenseI64ArrayAttr(d),
                               b.getBoolAttr(ceil));
    return make<AvgPool2DOp>(n, t, in, b.getDenseI64ArrayAttr(k), b.getDenseI64ArrayAttr(s),
                             b.getDenseI64ArrayAttr(p), b.getBoolAttr(ceil),
                             b.getBoolAttr(includePad));
  };
  auto hw = buildReshape(n, x, {xs[0], xs[1] * xs[2], xs[3], xs[4]}, false);
  if (failed(hw))
    return failure();
  auto p1 = pool(*hw, {(*kernel)[1], (*kernel)[2]}, {st[1], st[2]}, {pd[1], pd[2], pd[4], pd[5]},
                 {dl[1], dl[2]});
  if (failed(p1))
    return failure();
  int64_t oh = rtt(*p1).getDimSize(2), ow = rtt(*p1).getDimSize(3);
  auto depth = buildReshape(n, *p1, {xs[0], xs[1], xs[2], oh * ow}, false);
  if (failed(depth))
    return failure();
  auto p2 = pool(*depth, {(*kernel)[0], 1}, {st[0], 1}, {pd[0], 0, pd[3], 0}, {dl[0], 1});
  if (failed(p2))
    return failure();
  return buildReshape(n, *p2, {xs[0], xs[1], rtt(*p2).getDimSize(2), oh, ow}, false);
}

LogicalResult Importer::onPool(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  bool wantIndices = n.output_size() > 1 && !n.output(1).empty();
  Value x = input(n, 0);
  if (rtt(x).getRank() == 3) {
    if (wantIndices)
      return nodeError(n) << "the Indices output of a 1-D MaxPool is not supported";
    return pool1D(n, x);
  }
  if (rtt(x).getRank() == 5) {
    if (wantIndices)
      return nodeError(n) << "the Indices output of a 3-D MaxPool is not supported";
    return defineResult(n, pool3D(n, x));
  }
  if (rtt(x).getRank() != 4)
    return nodeError(n) << "only 1-D, 2-D and 3-D pooling is supported (input rank "
                        << rtt(x).getRank() << ")";
  auto kernel = attrInts(n, "kernel_shape");
  if (!kernel || kernel->size() != 2)
    return nodeError(n) << "kernel_shape must have 2 entries";
  int64_t storageOrder = attrInt(n, "storage_order", 0);
  if (storageOrder != 0 && storageOrder != 1)
    return nodeError(n) << "unsupported attribute value storage_order=" << storageOrder;
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(convAttrs(n, rtt(x).getShape(), *kernel, strides, pads, dilations)))
    return failure();
  bool ceil = attrInt(n, "ceil_mode", 0);
  bool isMax = n.op_type() == "MaxPool";
  if (!isMax && isQuantTensor(x.getType()))
    x = asPlain(x);
  std::string why;
  auto shape = inferPool2DShape(rtt(x).getShape(), *kernel, strides, pads,
                                dilations, ceil, why);
  if (failed(shape))
    return nodeError(n) << why;
  if (!isMax && (dilations[0] != 1 || dilations[1] != 1))
    return defineResult(n, dilatedAvgPool(n, x, *kernel, strides, pads, dilations, *shape));
  auto t = rtt(x).clone(*shape);
  if (wantIndices) {
    auto idx = maxPoolIndices(n, x, *kernel, strides, pads, dilations, *shape, storageOrder);
    if (failed(idx))
      return failure();
    define(n, 1, *idx);
  }
  FailureOr<Value> v;
  if (isMax)
    v = make<MaxPool2DOp>(n, t, x, b.getDenseI64ArrayAttr(*kernel),
                          b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
                          b.getDenseI64ArrayAttr(dilations), b.getBoolAttr(ceil));
  else
    v = make<AvgPool2DOp>(n, t, x, b.getDenseI64ArrayAttr(*kernel),
                          b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
                          b.getBoolAttr(ceil),
                          b.getBoolAttr(attrInt(n, "count_include_pad", 0)));
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

/// A dilated AveragePool (opset 19) in 2-D: the window sums as a depthwise
/// convolution with a ones kernel (the end padded as far as ceil_mode's last
/// windows reach), divided by each output's count of taps inside the input
/// (count_include_pad = 0) or inside the padded input (= 1), a constant.
FailureOr<Value> Importer::dilatedAvgPool(const NodeProto &n, Value x, ArrayRef<int64_t> kernel,
                                          ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                          ArrayRef<int64_t> dilations,
                                          ArrayRef<int64_t> outShape) {
  auto fx = requireFloat(n, x, "X");
  if (failed(fx))
    return failure();
  auto xt = rtt(*fx);
  if (!xt.hasStaticShape())
    return nodeError(n) << "dilated average pooling needs a static input shape, got " << xt;
  bool includePad = attrInt(n, "count_include_pad", 0) != 0;
  SmallVector<int64_t> convPads(pads);
  SmallVector<SmallVector<double>> counts(2);
  for (int i = 0; i < 2; ++i) {
    int64_t in = xt.getDimSize(2 + i), out = outShape[2 + i], k = kernel[i], s = strides[i],
            d = dilations[i], pb = pads[i], pe = pads[2 + i];
    int64_t needed = (out - 1) * s + (k - 1) * d + 1;
    convPads[2 + i] = std::max(pe, needed - in - pb);
    int64_t lo = includePad ? -pb : 0, hi = includePad ? in + pe : in;
    for (int64_t o = 0; o < out; ++o) {
      int64_t c = 0;
      for (int64_t t = 0; t < k; ++t) {
        int64_t p = o * s - pb + t * d;
        c += p >= lo && p < hi;
      }
      counts[i].push_back((double)c);
    }
  }
  Type el = xt.getElementType();
  auto sum = windowSum(n, *fx, kernel, strides, convPads, dilations);
  if (failed(sum))
    return failure();
  int64_t oh = outShape[2], ow = outShape[3];
  ConstTensor cnt;
  cnt.isFloat = true;
  cnt.shape = {oh, ow};
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j)
      cnt.f.push_back(counts[0][i] * counts[1][j]);
  auto ct = RankedTensorType::get({oh, ow}, el);
  return buildBinary(n, "Div", *sum, createConstant(cnt.write(ct), ct, ""), el);
}

/// The sums of x's 2-D windows (any strides, pads and dilations) as a
/// depthwise convolution with a ones kernel.
FailureOr<Value> Importer::windowSum(const NodeProto &n, Value x, ArrayRef<int64_t> kernel,
                                     ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                     ArrayRef<int64_t> dilations) {
  auto xt = rtt(x);
  int64_t C = xt.getDimSize(1);
  Type el = xt.getElementType();
  SmallVector<int64_t> wShape = {C, 1, kernel[0], kernel[1]};
  if (pastElementLimit(wShape, uint64_t{1} << 26))
    return nodeError(n) << "a window of " << kernel[0] << "x" << kernel[1] << " over " << C
                        << " channels is too large to compile";
  ConstTensor ones;
  ones.isFloat = true;
  ones.shape.assign(wShape.begin(), wShape.end());
  ones.f.assign(C * kernel[0] * kernel[1], 1.0);
  auto wt = RankedTensorType::get(wShape, el);
  return makeConv2D(n, x, createConstant(ones.write(wt), wt, ""), Value(), strides, pads,
                    dilations, C, el);
}

/// windowSum with the result shape `outShape` (a pool's, ceil_mode
/// included): the end padded as far as the last window reaches (padding
/// adds 0), and a window the shape dropped (one starting in the end
/// padding) sliced off.
FailureOr<Value> Importer::windowSumShaped(const NodeProto &n, Value x, ArrayRef<int64_t> kernel,
                                           ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                           ArrayRef<int64_t> dilations,
                                           ArrayRef<int64_t> outShape) {
  auto xt = rtt(x);
  if (!xt.hasStaticShape())
    return nodeError(n) << "a dilated or ceil_mode window sum needs a static input shape, got "
                        << xt << " (use --input-shape)";
  SmallVector<int64_t> convPads(pads);
  for (int i = 0; i < 2; ++i) {
    int64_t needed = (outShape[2 + i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1;
    convPads[2 + i] = std::max(pads[2 + i], needed - xt.getDimSize(2 + i) - pads[i]);
  }
  auto v = windowSum(n, x, kernel, strides, convPads, dilations);
  if (succeeded(v) && rtt(*v).getShape() != outShape) {
    SmallVector<int64_t> starts(4, 0), ends(outShape), axes = {0, 1, 2, 3}, steps(4, 1);
    v = make<SliceOp>(n, rtt(*v).clone(outShape), *v, b.getDenseI64ArrayAttr(starts),
                      b.getDenseI64ArrayAttr(ends), b.getDenseI64ArrayAttr(axes),
                      b.getDenseI64ArrayAttr(steps));
  }
  return v;
}

/// MaxPool's Indices output: for each window the flat index into X
/// ((n * C + c) * H * W + h * W + w; w * H + h with storage_order 1) of its
/// first largest element in row-major window order, as ONNX Runtime picks
/// it. A running arg-max over the kernel offsets: each offset's strided
/// slice of X padded with -inf, a strict compare, and Where on the values
/// and on constant index planes.
FailureOr<Value> Importer::maxPoolIndices(const NodeProto &n, Value x, ArrayRef<int64_t> kernel,
                                          ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                          ArrayRef<int64_t> dilations,
                                          ArrayRef<int64_t> outShape, int64_t storageOrder) {
  auto fx = requireFloat(n, asPlain(x), "input");
  if (failed(fx))
    return failure();
  x = *fx;
  auto xt = rtt(x);
  if (!xt.hasStaticShape())
    return nodeError(n) << "the Indices output needs a static input shape, got " << xt
                        << " (use --input-shape)";
  auto s = xt.getShape();
  int64_t batch = s[0], ch = s[1], hin = s[2], win = s[3], oh = outShape[2], ow = outShape[3];
  if (kernel[0] * kernel[1] > 1024)
    return nodeError(n) << "the Indices output of a " << kernel[0] << "x" << kernel[1]
                        << " window is not supported (at most 1024 elements)";
  // The index planes are constants of oh x ow per kernel offset.
  if (xt.getNumElements() >= (int64_t{1} << 40) || oh * ow > (int64_t{1} << 24) ||
      batch * ch > (int64_t{1} << 24))
    return nodeError(n) << "the input is too large for the Indices output";
  // Pad with -inf so that every window lies inside.
  int64_t needH = (oh - 1) * strides[0] + (kernel[0] - 1) * dilations[0] + 1;
  int64_t needW = (ow - 1) * strides[1] + (kernel[1] - 1) * dilations[1] + 1;
  int64_t bottom = std::max<int64_t>(0, needH - hin - pads[0]);
  int64_t right = std::max<int64_t>(0, needW - win - pads[1]);
  Type el = xt.getElementType();
  int64_t ph = pads[0] + hin + bottom, pw = pads[1] + win + right;
  auto padded = make<PadOp>(
      n, xt.clone({batch, ch, ph, pw}), x,
      b.getDenseI64ArrayAttr({0, 0, pads[0], pads[1], 0, 0, bottom, right}),
      b.getStringAttr("constant"), b.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
  if (failed(padded))
    return failure();
  auto outT = RankedTensorType::get({batch, ch, oh, ow}, el);
  auto planeT = RankedTensorType::get({1, 1, oh, ow}, b.getI64Type());
  Value best, bestIdx;
  for (int64_t i = 0; i < kernel[0]; ++i)
    for (int64_t j = 0; j < kernel[1]; ++j) {
      int64_t h0 = i * dilations[0], w0 = j * dilations[1];
      auto cand = make<SliceOp>(
          n, outT, *padded, b.getDenseI64ArrayAttr({h0, w0}),
          b.getDenseI64ArrayAttr({h0 + (oh - 1) * strides[0] + 1, w0 + (ow - 1) * strides[1] + 1}),
          b.getDenseI64ArrayAttr({2, 3}), b.getDenseI64ArrayAttr({strides[0], strides[1]}));
      if (failed(cand))
        return failure();
      ConstTensor plane;
      plane.shape = {1, 1, oh, ow};
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xo = 0; xo < ow; ++xo) {
          int64_t hh = y * strides[0] - pads[0] + h0, ww = xo * strides[1] - pads[1] + w0;
          plane.i.push_back(storageOrder ? ww * hin + hh : hh * win + ww);
        }
      Value idx = arith::ConstantOp::create(b, nodeLoc(n), planeT,
                                            cast<TypedAttr>(plane.write(planeT)));
      if (!best) {
        best = *cand;
        bestIdx = idx;
        continue;
      }
      auto better = make<CompareOp>(n, outT.clone(b.getI1Type()), *cand, best,
                                    b.getStringAttr("gt"));
      if (failed(better))
        return failure();
      auto nb = buildWhere(n, *better, *cand, best);
      auto ni = buildWhere(n, *better, idx, bestIdx);
      if (failed(nb) || failed(ni))
        return failure();
      best = *nb;
      bestIdx = *ni;
    }
  auto baseT = RankedTensorType::get({batch, ch, 1, 1}, b.getI64Type());
  ConstTensor base;
  base.shape = {batch, ch, 1, 1};
  for (int64_t k = 0; k < batch * ch; ++k)
    base.i.push_back(k * hin * win);
  Value baseV =
      arith::ConstantOp::create(b, nodeLoc(n), baseT, cast<TypedAttr>(base.write(baseT)));
  return buildBinary(n, "Add", bestIdx, baseV, b.getI64Type());
}

/// MaxUnpool (2-D): zeros of the output shape (output_shape's, else
/// (in - 1) * stride - pads + kernel), X's values written at Indices (flat
/// indices into the output, MaxPool's Indices).
LogicalResult Importer::onMaxUnpool(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "X");
  if (failed(fx))
    return failure();
  Value x = *fx, idx = input(n, 1);
  auto xt = rtt(x), it = rtt(idx);
  if (xt.getRank() != 4)
    return nodeError(n) << "only 2-D MaxUnpool is supported (input rank " << xt.getRank() << ")";
  if (!xt.hasStaticShape() || it.getShape() != xt.getShape())
    return nodeError(n) << "X and I must have the same static shape, got " << xt << " and " << it;
  if (it.getElementType() != b.getI64Type())
    return nodeError(n) << "I must be int64, got " << it.getElementType();
  auto kernel = attrInts(n, "kernel_shape");
  if (!kernel || kernel->size() != 2)
    return nodeError(n) << "kernel_shape must have 2 entries";
  auto strides = attrInts(n, "strides").value_or(SmallVector<int64_t>{1, 1});
  auto pads = attrInts(n, "pads").value_or(SmallVector<int64_t>{0, 0, 0, 0});
  if (strides.size() != 2 || pads.size() != 4)
    return nodeError(n) << "strides and pads must have 2 and 4 entries";
  // (Bounded first: the output-size arithmetic would overflow.)
  auto bad = [](int64_t v, int64_t lo) { return v < lo || v > (int64_t{1} << 24); };
  if (llvm::any_of(*kernel, [&](int64_t v) { return bad(v, 1); }) ||
      llvm::any_of(strides, [&](int64_t v) { return bad(v, 1); }) ||
      llvm::any_of(pads, [&](int64_t v) { return bad(v, 0); }))
    return nodeError(n) << "kernel_shape and strides must be in [1, 2^24] and pads in [0, 2^24]";
  auto s = xt.getShape();
  SmallVector<int64_t> out = {s[0], s[1], 0, 0};
  for (int d = 0; d < 2; ++d)
    out[2 + d] = (s[2 + d] - 1) * strides[d] - pads[d] - pads[2 + d] + (*kernel)[d];
  if (Value os = input(n, 2)) {
    auto c = constInts(n, 2, "output_shape");
    if (failed(c))
      return failure();
    if (c->size() != 4 || (*c)[0] != s[0] || (*c)[1] != s[1])
      return nodeError(n) << "output_shape must be [" << s[0] << ", " << s[1]
                          << ", H, W], got " << shapeToString(*c);
    out.assign(c->begin(), c->end());
  }
  for (int64_t d : out)
    if (d < 1 || d > (int64_t{1} << 24))
      return nodeError(n) << "output shape " << shapeToString(out) << " is not supported";
  int64_t total = out[0] * out[1] * out[2] * out[3];
  if (total > (int64_t{1} << 31))
    return nodeError(n) << "output shape " << shapeToString(out) << " is too large";
  Type el = xt.getElementType();
  // One more element than the output: indices outside it (a bad input) are
  // written there and sliced off, never onto a real element.
  auto flatT = RankedTensorType::get({total + 1}, el);
  Value zeros = zerosLike({total + 1}, el);
  auto fi = buildReshape(n, idx, {xt.getNumElements()}, false);
  auto fv = buildReshape(n, x, {xt.getNumElements()}, false);
  if (failed(fi) || failed(fv))
    return failure();
  auto i1 = RankedTensorType::get({xt.getNumElements()}, b.getI1Type());
  auto ge = make<CompareOp>(n, i1, *fi, scalarConst(b.getI64Type(), 0), b.getStringAttr("ge"));
  auto lt = make<CompareOp>(n, i1, *fi, scalarConst(b.getI64Type(), (double)total),
                            b.getStringAttr("lt"));
  if (failed(ge) || failed(lt))
    return failure();
  auto ok = buildBinary(n, "And", *ge, *lt, b.getI1Type());
  if (failed(ok))
    return failure();
  auto safeIdx = buildWhere(n, *ok, *fi, scalarConst(b.getI64Type(), (double)total));
  if (failed(safeIdx))
    return failure();
  auto sc = make<ScatterOp>(n, flatT, zeros, *safeIdx, *fv, b.getI64IntegerAttr(0),
                            b.getBoolAttr(false), b.getStringAttr("none"));
  if (succeeded(sc))
    sc = sliceAxis(n, *sc, 0, 0, total);
  if (failed(sc))
    return failure();
  return defineResult(n, buildReshape(n, *sc, out, false));
}

/// LpPool (2-D): (sum over the window of |x|^p)^(1/p), padding counting as
/// zeros: |x|^p (|x|, x * x or a power), an average pool counting the
/// padding, times the window's size, then the root (sqrt for p = 2).
/// |x|^p (x^2 for p = 2, |x| for 1).
FailureOr<Value> Importer::lpPower(const NodeProto &n, Value x, int64_t p) {
  Type el = rtt(x).getElementType();
  if (p == 1)
    return make<AbsOp>(n, x.getType(), x);
  if (p == 2)
    return buildBinary(n, "Mul", x, x, el);
  auto a = make<AbsOp>(n, x.getType(), x);
  if (failed(a))
    return failure();
  return buildBinary(n, "Pow", *a, scalarConst(el, (double)p), el);
}

/// The p-th root of a window sum: the average with the padding counted
/// times the window's volume.
FailureOr<Value> Importer::lpRoot(const NodeProto &n, Value avg, int64_t volume, int64_t p) {
  Type el = rtt(avg).getElementType();
  auto v = buildBinary(n, "Mul", avg, scalarConst(el, (double)volume), el);
  if (succeeded(v) && p == 2)
    return make<SqrtOp>(n, rtt(*v), *v);
  if (succeeded(v) && p > 2)
    return buildBinary(n, "Pow", *v, scalarConst(el, 1.0 / (double)p), el);
  return v;
}

/// 3-D LpPool: |x|^p, the separable 3-D average pool with the padding
/// counted (pool3D), times the window's volume, the p-th root.
LogicalResult Importer::lpPool3D(const NodeProto &n, Value x) {
  int64_t p = attrInt(n, "p", 2);
  if (p < 1)
    return nodeError(n) << "p must be at least 1, got " << p;
  auto kernel = attrInts(n, "kernel_shape");
  if (!kernel || kernel->size() != 3)
    return nodeError(n) << "kernel_shape must have 3 entries for a 3-D pool";
  auto pw = lpPower(n, x, p);
  if (failed(pw))
    return failure();
  auto avg = pool3D(n, *pw, /*sumPool=*/true);
  if (failed(avg))
    return failure();
  // (Dilated and ceil_mode windows come as sums, see pool3D.)
  auto dl = attrInts(n, "dilations").value_or(SmallVector<int64_t>{1, 1, 1});
  bool sums = attrInt(n, "ceil_mode", 0) || llvm::any_of(dl, [](int64_t d) { return d != 1; });
  int64_t volume = sums ? 1 : (*kernel)[0] * (*kernel)[1] * (*kernel)[2];
  return defineResult(n, lpRoot(n, *avg, volume, p));
}

/// LpPool in 1-D (as 2-D over a height of 1) and 2-D: |x|^p summed over
/// each window, the p-th root. Undilated windows without ceil_mode take the
/// average pool with the padding counted (times the window's volume);
/// dilated ones and ceil_mode a depthwise ones-kernel convolution, the end
/// padded as far as the last window reaches (padding adds 0 to a sum).
LogicalResult Importer::onLpPool(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(fx))
    return failure();
  Value x = *fx;
  int64_t rank = rtt(x).getRank();
  if (rank == 5)
    return lpPool3D(n, x);
  if (rank != 4 && rank != 3)
    return nodeError(n) << "only 1-D, 2-D and 3-D LpPool is supported (input rank " << rank
                        << ")";
  size_t sd = rank - 2;
  auto kernel = attrInts(n, "kernel_shape");
  if (!kernel || kernel->size() != sd)
    return nodeError(n) << "kernel_shape must have " << sd << " entries";
  auto st = attrInts(n, "strides").value_or(SmallVector<int64_t>(sd, 1));
  auto dl = attrInts(n, "dilations").value_or(SmallVector<int64_t>(sd, 1));
  auto pd = attrInts(n, "pads").value_or(SmallVector<int64_t>(2 * sd, 0));
  if (st.size() != sd || dl.size() != sd || pd.size() != 2 * sd)
    return nodeError(n) << "a " << sd << "-D LpPool needs " << sd << " strides, " << sd
                        << " dilations and " << 2 * sd << " pads";
  auto xs = rtt(x).getShape();
  if (failed(autoPads(n, xs.drop_front(2), *kernel, st, dl, pd)))
    return failure();
  int64_t p = attrInt(n, "p", 2);
  if (p < 1)
    return nodeError(n) << "p must be at least 1, got " << p;
  SmallVector<int64_t> k2(*kernel), s2(st), d2(dl), p2(pd);
  Value x4 = x;
  if (sd == 1) {
    auto r = buildReshape(n, x, {xs[0], xs[1], 1, xs[2]}, false);
    if (failed(r))
      return failure();
    x4 = *r;
    k2 = {1, (*kernel)[0]};
    s2 = {1, st[0]};
    d2 = {1, dl[0]};
    p2 = {0, pd[0], 0, pd[1]};
  }
  bool ceil = attrInt(n, "ceil_mode", 0);
  std::string why;
  auto shape = inferPool2DShape(rtt(x4).getShape(), k2, s2, p2, d2, ceil, why);
  if (failed(shape))
    return nodeError(n) << why;
  FailureOr<Value> v = lpPower(n, x4, p);
  if (failed(v))
    return failure();
  if (!ceil && d2[0] == 1 && d2[1] == 1) {
    auto t = rtt(x4).clone(*shape);
    v = make<AvgPool2DOp>(n, t, *v, b.getDenseI64ArrayAttr(k2), b.getDenseI64ArrayAttr(s2),
                          b.getDenseI64ArrayAttr(p2), b.getBoolAttr(false), b.getBoolAttr(true));
    if (succeeded(v))
      v = lpRoot(n, *v, k2[0] * k2[1], p);
  } else {
    if (!rtt(x4).hasStaticShape())
      return nodeError(n) << "a dilated or ceil_mode LpPool needs a static input shape, got "
                          << rtt(x4) << " (use --input-shape)";
    v = windowSumShaped(n, *v, k2, s2, p2, d2, *shape);
    if (succeeded(v))
      v = lpRoot(n, *v, 1, p);
  }
  if (succeeded(v) && sd == 1)
    v = buildReshape(n, *v, {(*shape)[0], (*shape)[1], (*shape)[3]}, false);
  return defineResult(n, v);
}

/// GlobalLpPool: (sum over the spatial dimensions of |x|^p)^(1/p), any
/// rank >= 3, any integer p >= 1.
LogicalResult Importer::onGlobalLpPool(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(fx))
    return failure();
  Value x = *fx;
  auto s = rtt(x).getShape();
  if (s.size() < 3)
    return nodeError(n) << "input must have rank 3 or more, got " << s.size();
  int64_t p = attrInt(n, "p", 2);
  if (p < 1)
    return nodeError(n) << "p must be at least 1, got " << p;
  Type el = rtt(x).getElementType();
  FailureOr<Value> v = p == 2 ? buildBinary(n, "Mul", x, x, el) : make<AbsOp>(n, x.getType(), x);
  if (succeeded(v) && p > 2)
    v = buildBinary(n, "Pow", *v, scalarConst(el, (double)p), el);
  if (failed(v))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < (int64_t)s.size(); ++d)
    axes.push_back(d);
  std::string why;
  auto shape = inferReduceShape(s, axes, true, why);
  if (failed(shape))
    return nodeError(n) << why;
  auto t = rtt(x).clone(*shape);
  v = make<ReduceSumOp>(n, t, *v, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(true));
  if (succeeded(v) && p == 2)
    v = make<SqrtOp>(n, t, *v);
  else if (succeeded(v) && p > 2)
    v = buildBinary(n, "Pow", *v, scalarConst(el, 1.0 / (double)p), el);
  return defineResult(n, v);
}

/// LRN: x / (bias + alpha / size * sum of x^2 over the `size` channels
/// around each one)^beta. The channel window is an average pool of x^2
/// viewed as [N, 1, C, rest] (padding counted, so average = sum / size).
LogicalResult Importer::onLRN(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(fx))
    return failure();
  Value x = *fx;
  auto xt = rtt(x);
  if (xt.getRank() < 3)
    return nodeError(n) << "input must have rank 3 or more, got " << xt.getRank();
  if (!xt.hasStaticShape())
    return nodeError(n) << "needs a static input shape, got " << xt
                        << " (fix the model's inputs with --input-shape)";
  if (!attr(n, "size"))
    return nodeError(n) << "missing required attribute 'size'";
  int64_t size = attrInt(n, "size", 0);
  auto s = xt.getShape();
  if (size < 1 || size > (int64_t{1} << 20))
    return nodeError(n) << "size must be between 1 and 2^20, got " << size;
  float alpha = attrFloat(n, "alpha", 1e-4f), beta = attrFloat(n, "beta", 0.75f),
        bias = attrFloat(n, "bias", 1.0f);
  int64_t rest = 1;
  for (int64_t d : s.drop_front(2))
    rest *= d;
  Type el = xt.getElementType();
  auto sq = buildBinary(n, "Mul", x, x, el);
  if (failed(sq))
    return failure();
  auto r = buildReshape(n, *sq, {s[0], 1, s[1], rest}, false);
  if (failed(r))
    return failure();
  int64_t lo = (size - 1) / 2, hi = size - 1 - lo;
  auto pooledT = rtt(*r);
  FailureOr<Value> v = make<AvgPool2DOp>(
      n, pooledT, *r, b.getDenseI64ArrayAttr({size, 1}), b.getDenseI64ArrayAttr({1, 1}),
      b.getDenseI64ArrayAttr({lo, 0, hi, 0}), b.getBoolAttr(false), b.getBoolAttr(true));
  if (succeeded(v))
    v = buildReshape(n, *v, s, false);
  if (succeeded(v))
    v = buildBinary(n, "Mul", *v, scalarConst(el, alpha), el);
  if (succeeded(v))
    v = buildBinary(n, "Add", *v, scalarConst(el, bias), el);
  if (succeeded(v))
    v = buildBinary(n, "Pow", *v, scalarConst(el, -beta), el);
  if (succeeded(v))
    v = buildBinary(n, "Mul", x, *v, el);
  return defineResult(n, v);
}

/// GridSample (2-D: bilinear, bicubic or nearest; 3-D (opset 20): linear or
/// nearest; zeros, border or reflection padding; both align_corners
/// forms): the grid unnormalized to pixel
/// coordinates, border clamping or reflection applied to the coordinates,
/// then each tap a GatherElements over the flattened plane, weighted (taps
/// outside the image weigh 0 with zeros padding, else their index is
/// clamped, as ONNX Runtime reads them).
LogicalResult Importer::onGridSample(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "X");
  auto fg = requireFloat(n, asPlain(input(n, 1)), "grid");
  if (failed(fx) || failed(fg))
    return failure();
  Value x = *fx, grid = *fg;
  auto xt = rtt(x), gt = rtt(grid);
  if (xt.getRank() != 4 && xt.getRank() != 5)
    return nodeError(n) << "only 2-D and 3-D GridSample is supported (input rank "
                        << xt.getRank() << ")";
  int64_t sd = xt.getRank() - 2;
  if (!xt.hasStaticShape() || !gt.hasStaticShape())
    return nodeError(n) << "needs static X and grid shapes, got " << xt << " and " << gt
                        << " (use --input-shape)";
  auto xs = xt.getShape(), gs = gt.getShape();
  if ((int64_t)gs.size() != sd + 2 || gs[0] != xs[0] || gs[sd + 1] != sd)
    return nodeError(n) << "grid must have shape [" << xs[0]
                        << (sd == 2 ? ", H_out, W_out, 2]" : ", D_out, H_out, W_out, 3]")
                        << ", got " << shapeToString(gs);
  if (xt.getElementType() != gt.getElementType())
    return nodeError(n) << "X and grid element types differ: " << xt.getElementType() << " and "
                        << gt.getElementType();
  std::string mode = attrString(n, "mode", opset >= 20 ? "linear" : "bilinear");
  std::string padding = attrString(n, "padding_mode", "zeros");
  bool align = attrInt(n, "align_corners", 0);
  bool linear = mode == "bilinear" || mode == "linear";
  bool cubic = mode == "bicubic" || mode == "cubic";
  if (!linear && !cubic && mode != "nearest")
    return nodeError(n) << "unsupported attribute value mode=\"" << mode << "\"";
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return nodeError(n) << "unsupported attribute value padding_mode=\"" << padding << "\"";
  if (cubic && sd == 3)
    return nodeError(n) << "cubic 3-D GridSample is not supported (ONNX defines it in 2-D)";
  // The spatial sizes by grid component: x over W, y over H, z over D.
  int64_t batch = xs[0], ch = xs[1], pts = 1, plane = 1;
  SmallVector<int64_t> size, stride;
  for (int64_t c = 0; c < sd; ++c) {
    size.push_back(xs[1 + sd - c]);
    stride.push_back(plane);
    plane *= size.back();
    pts *= gs[1 + c];
  }
  if (plane >= (int64_t{1} << 24))
    return nodeError(n) << "an input of " << plane << " spatial elements is too large "
                        << "(indices are computed in float)";
  Type el = xt.getElementType();
  auto c = [&](double v) { return scalarConst(el, v); };
  auto bin = [&](StringRef k, Value l, Value r) { return buildBinary(n, k, l, r, el); };
  auto flatT = RankedTensorType::get({batch, 1, pts}, el);
  auto maskT = flatT.clone(b.getI1Type());
  // Reflection of v into [lo, hi] (-0.5 and size - 0.5 without
  // align_corners): t = (v - lo) mod 2 * range, folded back past range.
  auto reflect = [&](Value v, int64_t size) -> FailureOr<Value> {
    double lo = align ? 0.0 : -0.5, hi = align ? size - 1.0 : size - 0.5, range = hi - lo;
    if (range <= 0)
      return bin("Mul", v, c(0.0)); // a 1-pixel axis with align_corners: always 0
    auto t = bin("Sub", v, c(lo));
    FailureOr<Value> q = succeeded(t) ? bin("Div", *t, c(2 * range)) : t;
    if (succeeded(q))
      q = make<FloorOp>(n, flatT, *q);
    if (succeeded(q))
      q = bin("Mul", *q, c(2 * range));
    if (succeeded(q))
      t = bin("Sub", *t, *q);
    if (failed(t))
      return failure();
    auto past = make<CompareOp>(n, maskT, *t, c(range), b.getStringAttr("gt"));
    auto back = bin("Sub", c(2 * range), *t);
    if (failed(past) || failed(back))
      return failure();
    auto folded = buildWhere(n, *past, *back, *t);
    if (failed(folded))
      return failure();
    return bin("Add", *folded, c(lo));
  };
  // Pixel coordinates of one grid component (0: x over W, 1: y over H).
  auto coord = [&](int64_t comp, int64_t size) -> FailureOr<Value> {
    auto g = sliceAxis(n, grid, sd + 1, comp, 1);
    if (failed(g))
      return failure();
    auto v = buildReshape(n, *g, {batch, 1, pts}, false);
    // align: (g + 1) / 2 * (size - 1); else ((g + 1) * size - 1) / 2.
    if (succeeded(v))
      v = bin("Add", *v, c(1.0));
    if (succeeded(v))
      v = align ? bin("Mul", *v, c((double)(size - 1) / 2.0))
                : bin("Mul", *v, c((double)size / 2.0));
    if (succeeded(v) && !align)
      v = bin("Sub", *v, c(0.5));
    if (failed(v))
      return failure();
    if (padding == "border" && !cubic) { // cubic taps clamp their indices only
      v = bin("Max", *v, c(0.0));
      if (succeeded(v))
        v = bin("Min", *v, c((double)(size - 1)));
    } else if (padding == "reflection") {
      v = reflect(*v, size);
    }
    return v;
  };
  SmallVector<Value> pos;
  for (int64_t c = 0; c < sd; ++c) {
    auto v = coord(c, size[c]);
    if (failed(v))
      return failure();
    pos.push_back(*v);
  }
  Value px = pos[0], py = pos[1];
  auto flatX = buildReshape(n, x, {batch, ch, plane}, false);
  if (failed(flatX))
    return failure();
  auto i64T = RankedTensorType::get({batch, ch, pts}, b.getI64Type());
  // One tap: the element at idx (integral floats, by grid component)
  // times weight w.
  auto tapN = [&](SmallVector<Value> idx, Value w) -> FailureOr<Value> {
    FailureOr<Value> weight = w;
    if (padding == "zeros") {
      FailureOr<Value> ok = failure();
      for (int64_t comp = 0; comp < sd; ++comp) {
        Value v = idx[comp];
        auto ge = make<CompareOp>(n, maskT, v, c(0.0), b.getStringAttr("ge"));
        auto lt = make<CompareOp>(n, maskT, v, c((double)size[comp]), b.getStringAttr("lt"));
        if (failed(ge) || failed(lt))
          return failure();
        auto both = buildBinary(n, "And", *ge, *lt, b.getI1Type());
        if (failed(both))
          return failure();
        ok = succeeded(ok) ? buildBinary(n, "And", *ok, *both, b.getI1Type()) : both;
        if (failed(ok))
          return failure();
      }
      weight = buildWhere(n, *ok, w, c(0.0));
    }
    if (failed(weight))
      return failure();
    FailureOr<Value> flat = failure();
    for (int64_t comp = 0; comp < sd; ++comp) {
      Value v = idx[comp];
      if (padding == "reflection") { // the bicubic taps reach 2 pixels out
        auto r = reflect(v, size[comp]);
        if (failed(r))
          return failure();
        v = *r;
      }
      auto cv = bin("Max", v, c(0.0));
      if (succeeded(cv))
        cv = bin("Min", *cv, c((double)(size[comp] - 1)));
      if (succeeded(cv) && stride[comp] != 1)
        cv = bin("Mul", *cv, c((double)stride[comp]));
      if (failed(cv))
        return failure();
      flat = succeeded(flat) ? bin("Add", *flat, *cv) : cv;
      if (failed(flat))
        return failure();
    }
    auto fi = make<CastOp>(n, flatT.clone(b.getI64Type()), *flat);
    if (succeeded(fi))
      fi = make<BroadcastOp>(n, i64T, *fi);
    if (failed(fi))
      return failure();
    auto g = make<GatherElementsOp>(n, RankedTensorType::get({batch, ch, pts}, el), *flatX, *fi,
                                    b.getI64IntegerAttr(2));
    if (failed(g))
      return failure();
    return bin("Mul", *g, *weight);
  };
  auto tap = [&](Value yi, Value xi, Value w) { return tapN({xi, yi}, w); };
  FailureOr<Value> out = failure();
  // The 4 cubic-convolution weights (A = -0.75) of the taps at floor(v) - 1
  // .. floor(v) + 2, from t = v - floor(v).
  auto cubicWeights = [&](Value t) -> FailureOr<SmallVector<Value>> {
    const double a = -0.75;
    SmallVector<Value> ws;
    // Distances to the taps: t + 1, t, 1 - t, 2 - t.
    auto d0 = bin("Add", t, c(1.0)), d2 = bin("Sub", c(1.0), t), d3 = bin("Sub", c(2.0), t);
    if (failed(d0) || failed(d2) || failed(d3))
      return failure();
    auto outer = [&](Value d) -> FailureOr<Value> { // ((a d - 5a) d + 8a) d - 4a
      auto v = bin("Mul", d, c(a));
      if (succeeded(v))
        v = bin("Sub", *v, c(5 * a));
      if (succeeded(v))
        v = bin("Mul", *v, d);
      if (succeeded(v))
        v = bin("Add", *v, c(8 * a));
      if (succeeded(v))
        v = bin("Mul", *v, d);
      if (succeeded(v))
        v = bin("Sub", *v, c(4 * a));
      return v;
    };
    auto inner = [&](Value d) -> FailureOr<Value> { // ((a + 2) d - (a + 3)) d d + 1
      auto v = bin("Mul", d, c(a + 2));
      if (succeeded(v))
        v = bin("Sub", *v, c(a + 3));
      if (succeeded(v))
        v = bin("Mul", *v, d);
      if (succeeded(v))
        v = bin("Mul", *v, d);
      if (succeeded(v))
        v = bin("Add", *v, c(1.0));
      return v;
    };
    for (auto w : {outer(*d0), inner(t), inner(*d2), outer(*d3)}) {
      if (failed(w))
        return failure();
      ws.push_back(*w);
    }
    return ws;
  };
  if (cubic) {
    auto x0 = make<FloorOp>(n, flatT, px), y0 = make<FloorOp>(n, flatT, py);
    if (failed(x0) || failed(y0))
      return failure();
    auto tx = bin("Sub", px, *x0), ty = bin("Sub", py, *y0);
    if (failed(tx) || failed(ty))
      return failure();
    auto wx = cubicWeights(*tx), wy = cubicWeights(*ty);
    if (failed(wx) || failed(wy))
      return failure();
    for (int i = 0; i < 4; ++i) {
      auto yi = bin("Add", *y0, c(i - 1.0));
      if (failed(yi))
        return failure();
      for (int j = 0; j < 4; ++j) {
        auto xi = bin("Add", *x0, c(j - 1.0));
        FailureOr<Value> w = succeeded(xi) ? bin("Mul", (*wy)[i], (*wx)[j]) : xi;
        FailureOr<Value> t = succeeded(w) ? tap(*yi, *xi, *w) : w;
        if (failed(t))
          return failure();
        out = succeeded(out) ? bin("Add", *out, *t) : t;
        if (failed(out))
          return failure();
      }
    }
  } else if (!linear) {
    SmallVector<Value> r;
    for (Value v : pos) {
      auto rv = make<RoundOp>(n, flatT, v);
      if (failed(rv))
        return failure();
      r.push_back(*rv);
    }
    out = tapN(r, c(1.0));
  } else if (sd == 3) {
    // Trilinear: the 8 corners, weights the products of each axis' own.
    SmallVector<Value> lo, frac, rest;
    for (Value v : pos) {
      auto f = make<FloorOp>(n, flatT, v);
      if (failed(f))
        return failure();
      auto t = bin("Sub", v, *f);
      auto u = succeeded(t) ? bin("Sub", c(1.0), *t) : t;
      if (failed(u))
        return failure();
      lo.push_back(*f);
      frac.push_back(*t);
      rest.push_back(*u);
    }
    for (int corner = 0; corner < 8; ++corner) {
      SmallVector<Value> idx;
      FailureOr<Value> w = failure();
      for (int64_t comp = 0; comp < 3; ++comp) {
        bool up = (corner >> comp) & 1;
        auto i = up ? bin("Add", lo[comp], c(1.0)) : FailureOr<Value>(lo[comp]);
        if (failed(i))
          return failure();
        idx.push_back(*i);
        Value wc = up ? frac[comp] : rest[comp];
        w = succeeded(w) ? bin("Mul", *w, wc) : FailureOr<Value>(wc);
        if (failed(w))
          return failure();
      }
      auto t = tapN(idx, *w);
      if (failed(t))
        return failure();
      out = succeeded(out) ? bin("Add", *out, *t) : t;
      if (failed(out))
        return failure();
    }
  } else {
    auto x0 = make<FloorOp>(n, flatT, px), y0 = make<FloorOp>(n, flatT, py);
    if (failed(x0) || failed(y0))
      return failure();
    auto x1 = bin("Add", *x0, c(1.0)), y1 = bin("Add", *y0, c(1.0));
    auto wx1 = bin("Sub", px, *x0), wy1 = bin("Sub", py, *y0);
    if (failed(x1) || failed(y1) || failed(wx1) || failed(wy1))
      return failure();
    auto wx0 = bin("Sub", c(1.0), *wx1), wy0 = bin("Sub", c(1.0), *wy1);
    if (failed(wx0) || failed(wy0))
      return failure();
    for (auto [yi, wy] : {std::pair<Value, Value>{*y0, *wy0}, {*y1, *wy1}})
      for (auto [xi, wx] : {std::pair<Value, Value>{*x0, *wx0}, {*x1, *wx1}}) {
        auto w = bin("Mul", wy, wx);
        if (failed(w))
          return failure();
        auto t = tap(yi, xi, *w);
        if (failed(t))
          return failure();
        out = succeeded(out) ? bin("Add", *out, *t) : t;
        if (failed(out))
          return failure();
      }
  }
  if (failed(out))
    return failure();
  SmallVector<int64_t> outShape = {batch, ch};
  outShape.append(gs.begin() + 1, gs.end() - 1);
  return defineResult(n, buildReshape(n, *out, outShape, false));
}

LogicalResult Importer::onGlobalAvgPool(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  int64_t rank = rtt(*x).getRank();
  if (rank < 3)
    return nodeError(n) << "input must have rank 3 or more, got " << rank;
  auto s = rtt(*x).getShape();
  Value in = *x;
  if (rank != 4) {
    // 1-D and 3-D or more: the spatial dimensions as one column.
    if (llvm::any_of(s.drop_front(2), [](int64_t d) { return d == kDyn; }))
      return nodeError(n) << "a " << rank - 2 << "-D GlobalAveragePool needs static spatial "
                          << "dimensions, got " << rtt(*x) << " (use --input-shape)";
    int64_t plane = 1;
    for (int64_t d : s.drop_front(2))
      plane *= d;
    auto r = buildReshape(n, in, {s[0], s[1], plane, 1}, false);
    if (failed(r))
      return failure();
    in = *r;
  }
  auto v = make<GlobalAvgPool2DOp>(n, rtt(in).clone({s[0], s[1], 1, 1}), in);
  if (succeeded(v) && rank != 4) {
    SmallVector<int64_t> ones(s.begin(), s.begin() + 2);
    ones.append(rank - 2, 1);
    v = buildReshape(n, *v, ones, false);
  }
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

LogicalResult Importer::onGlobalMaxPool(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  auto s = rtt(x).getShape();
  if (s.size() == 4 && s[2] != kDyn && s[3] != kDyn) {
    // A max pool over the whole plane keeps quantized tensors quantized.
    auto v = make<MaxPool2DOp>(n, rtt(x).clone({s[0], s[1], 1, 1}), x,
                               b.getDenseI64ArrayAttr({s[2], s[3]}),
                               b.getDenseI64ArrayAttr({1, 1}),
                               b.getDenseI64ArrayAttr({0, 0, 0, 0}),
                               b.getDenseI64ArrayAttr({1, 1}), b.getBoolAttr(false));
    if (failed(v))
      return failure();
    define(n, 0, *v);
    return success();
  }
  auto fx = requireFloat(n, asPlain(x), "input");
  if (failed(fx))
    return failure();
  if (s.size() < 3)
    return nodeError(n) << "input must have rank 3 or more, got " << s.size();
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < (int64_t)s.size(); ++d)
    axes.push_back(d);
  std::string why;
  auto shape = inferReduceShape(s, axes, true, why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(
      n, make<ReduceMaxOp>(n, rtt(*fx).clone(*shape), *fx, b.getDenseI64ArrayAttr(axes),
                             b.getBoolAttr(true)));
}
