//===- Composite.cpp - ops composed from other octet ops ------------------===//
//
// The handler of IsNaN, IsInf, Hardmax, LpNormalization,
// MeanVarianceNormalization, OneHot and EyeLike, each built from other octet
// ops and constants, and the window functions (constants).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cmath>
#include <cstdio>
#include <limits>

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

/// Ops composed from others: IsNaN, IsInf, Hardmax, LpNormalization,
/// MeanVarianceNormalization, OneHot (constant depth and values), EyeLike.
LogicalResult Importer::onComposite(const NodeProto &n) {
  StringRef k = n.op_type();
  if (failed(need(n, k == "OneHot" ? std::initializer_list<int>{0, 1, 2}
                                   : std::initializer_list<int>{0})))
    return failure();
  Value x = asPlain(input(n, 0));
  auto xt = rtt(x);
  Type el = xt.getElementType();
  int64_t rank = xt.getRank();
  if (!xt.hasStaticShape() && k != "IsNaN" && k != "IsInf")
    return nodeError(n) << "needs a static input shape, got " << xt
                        << " (fix the model's inputs with --input-shape)";
  auto cmp = [&](Value l, Value r, StringRef pred, ArrayRef<int64_t> shape) {
    return make<CompareOp>(n, RankedTensorType::get(shape, b.getI1Type()), l, r,
                           b.getStringAttr(pred));
  };
  auto constOfShape = [&](ArrayRef<int64_t> shape, Type t, function_ref<double(int64_t)> f) {
    return constFrom(n, shape, t, f);
  };
  FailureOr<Value> v;
  if (k == "EyeLike") {
    if (rank != 2)
      return nodeError(n) << "input must have rank 2, got " << rank;
    Type out = el;
    if (auto dt = attrInt(n, "dtype", -1); dt != -1) {
      auto t = elementType(dt, [&] { return nodeError(n); });
      if (failed(t))
        return failure();
      out = *t;
    }
    if (xt.getNumElements() > (int64_t(1) << 26))
      return nodeError(n) << "a " << xt << " constant is too large";
    int64_t kk = attrInt(n, "k", 0), cols = xt.getDimSize(1);
    v = constOfShape(xt.getShape(), out, [&](int64_t i) { return i % cols - i / cols == kk; });
  } else if (k == "IsNaN" || k == "IsInf") {
    auto fx = requireFloat(n, x, "input");
    if (failed(fx))
      return failure();
    if (k == "IsNaN") {
      v = cmp(x, x, "eq", xt.getShape());
      if (succeeded(v))
        v = buildBinary(n, "Xor", *v, scalarConst(b.getI1Type(), 1), b.getI1Type());
    } else {
      bool neg = attrInt(n, "detect_negative", 1), pos = attrInt(n, "detect_positive", 1);
      double inf = std::numeric_limits<double>::infinity();
      FailureOr<Value> p = pos ? cmp(x, scalarConst(el, inf), "eq", xt.getShape()) : Value();
      FailureOr<Value> q = neg ? cmp(x, scalarConst(el, -inf), "eq", xt.getShape()) : Value();
      if (failed(p) || failed(q))
        return failure();
      if (*p && *q)
        v = buildBinary(n, "Or", *p, *q, b.getI1Type());
      else if (*p || *q)
        v = *p ? *p : *q;
      else
        v = cmp(x, x, "lt", xt.getShape()); // nothing to detect: all false
    }
  } else if (k == "Hardmax" || k == "LpNormalization") {
    auto fx = requireFloat(n, x, "input");
    if (failed(fx))
      return failure();
    auto axis = normAxis(attrInt(n, "axis", -1), rank);
    if (!axis)
      return nodeError(n) << "axis " << attrInt(n, "axis", -1) << " out of range for rank "
                          << rank;
    std::string why;
    auto kept = xt.clone(*inferReduceShape(xt.getShape(), {*axis}, true, why));
    if (k == "Hardmax") {
      // Before opset 13: on the 2-D view [d0 * .. * d(axis-1), the rest].
      SmallVector<int64_t> origShape(xt.getShape());
      bool flat = opset < 13 && *axis != rank - 1;
      if (flat) {
        auto f = flattenFrom(n, x, *axis);
        if (failed(f))
          return failure();
        x = *f;
        xt = rtt(x);
        rank = 2;
        axis = 1;
        kept = xt.clone(*inferReduceShape(xt.getShape(), {1}, true, why));
      }
      auto am = make<ArgMaxOp>(n, kept.clone(b.getI64Type()), x, b.getI64IntegerAttr(*axis),
                               b.getBoolAttr(true), b.getBoolAttr(false));
      if (failed(am))
        return failure();
      SmallVector<int64_t> iotaShape(rank, 1);
      iotaShape[*axis] = xt.getDimSize(*axis);
      Value iota = constOfShape(iotaShape, b.getI64Type(), [](int64_t i) { return (double)i; });
      v = cmp(iota, *am, "eq", xt.getShape());
      if (succeeded(v))
        v = make<CastOp>(n, xt, *v);
      if (succeeded(v) && flat)
        v = unflatten(n, *v, origShape);
    } else {
      int64_t p = attrInt(n, "p", 2);
      if (p != 1 && p != 2)
        return nodeError(n) << "unsupported attribute value p=" << p << " (1 or 2)";
      auto ax = b.getDenseI64ArrayAttr({*axis});
      FailureOr<Value> t = p == 1 ? make<AbsOp>(n, xt, x) : buildBinary(n, "Mul", x, x, el);
      if (succeeded(t))
        t = make<ReduceSumOp>(n, kept, *t, ax, b.getBoolAttr(true));
      if (succeeded(t) && p == 2)
        t = make<SqrtOp>(n, kept, *t);
      if (failed(t))
        return failure();
      v = buildBinary(n, "Div", x, *t, el);
    }
  } else if (k == "MeanVarianceNormalization") {
    auto fx = requireFloat(n, x, "input");
    if (failed(fx))
      return failure();
    SmallVector<int64_t> axes = {0, 2, 3};
    if (auto a = attrInts(n, "axes"))
      axes.assign(a->begin(), a->end());
    for (int64_t &a : axes) {
      auto na = normAxis(a, rank);
      if (!na)
        return nodeError(n) << "axis " << a << " out of range for rank " << rank;
      a = *na;
    }
    llvm::sort(axes);
    axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
    v = normalizeOver(n, x, axes, 1e-9f);
  } else { // OneHot(indices, depth, values)
    auto depth = constOf(input(n, 1));
    auto vals = constOf(input(n, 2));
    if (!depth || depth->numElements() != 1)
      return nodeError(n) << "depth must be a scalar constant";
    if (!vals || vals->numElements() != 2)
      return nodeError(n) << "values must be a constant [off, on] pair";
    // Checked in double first: NaN or a huge float depth has no int64_t value
    // (found by tools/octet-fuzz-import).
    double dv = depth->asDouble(0);
    auto shown = [](double v) {
      char buf[32];
      if (std::fabs(v) < 0x1p53 && v == std::trunc(v))
        std::snprintf(buf, sizeof buf, "%lld", (long long)v);
      else
        std::snprintf(buf, sizeof buf, "%g", v);
      return std::string(buf);
    };
    if (!(dv >= 1))
      return nodeError(n) << "depth must be positive, got " << shown(dv);
    if (dv > double(1 << 24) || dv * std::max<double>(xt.getNumElements(), 1) > 0x1p32)
      return nodeError(n) << "depth " << shown(dv) << " is too large for " << xt.getNumElements()
                          << " indices";
    int64_t d = (int64_t)dv;
    if (!isa<IntegerType>(el) && !isa<FloatType>(el))
      return nodeError(n) << "indices must be numbers, got " << el;
    auto axis = normAxis(attrInt(n, "axis", -1), rank + 1);
    if (!axis)
      return nodeError(n) << "axis " << attrInt(n, "axis", -1) << " out of range for rank "
                          << rank + 1;
    // Indices as int64 (float indices truncate), negative ones count from the end.
    Value idx = x;
    auto i64T = xt.clone(b.getI64Type());
    if (el != b.getI64Type()) {
      auto c = make<CastOp>(n, i64T, x);
      if (failed(c))
        return failure();
      idx = *c;
    }
    auto isNeg = cmp(idx, scalarConst(b.getI64Type(), 0), "lt", xt.getShape());
    auto wrapped = buildBinary(n, "Add", idx, scalarConst(b.getI64Type(), d), b.getI64Type());
    if (failed(isNeg) || failed(wrapped))
      return failure();
    auto fixed = buildWhere(n, *isNeg, *wrapped, idx);
    if (failed(fixed))
      return failure();
    SmallVector<int64_t> outShape(xt.getShape()), unsq(xt.getShape());
    outShape.insert(outShape.begin() + *axis, d);
    unsq.insert(unsq.begin() + *axis, 1);
    auto u = buildReshape(n, *fixed, unsq, false);
    if (failed(u))
      return failure();
    SmallVector<int64_t> iotaShape(rank + 1, 1);
    iotaShape[*axis] = d;
    Value iota = constOfShape(iotaShape, b.getI64Type(), [](int64_t i) { return (double)i; });
    auto hit = cmp(*u, iota, "eq", outShape);
    if (failed(hit))
      return failure();
    Type vt = rtt(input(n, 2)).getElementType();
    auto on = scalarConst(vt, vals->asDouble(1)), off = scalarConst(vt, vals->asDouble(0));
    v = buildWhere(n, *hit, on, off);
  }
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

/// HannWindow, HammingWindow and BlackmanWindow (opset 17): constants of the
/// (constant) size, periodic (N = size) or symmetric (N = size - 1), in
/// double then rounded to the output type.
LogicalResult Importer::onWindow(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto size = constInts(n, 0, "size");
  if (failed(size))
    return failure();
  if (size->size() != 1 || (*size)[0] < 0 || (*size)[0] > (int64_t{1} << 24))
    return nodeError(n) << "size must be one value in [0, 2^24]";
  int64_t len = (*size)[0];
  auto el = elementType(attrInt(n, "output_datatype", onnx::TensorProto::FLOAT),
                        [&] { return nodeError(n); });
  if (failed(el))
    return failure();
  double N = attrInt(n, "periodic", 1) ? (double)len : (double)len - 1;
  StringRef k = n.op_type();
  ConstTensor c;
  c.shape = {len};
  c.isFloat = isa<FloatType>(*el);
  for (int64_t i = 0; i < len; ++i) {
    double x = 2.0 * M_PI * (double)i / N;
    double v = k == "HannWindow"      ? 0.5 - 0.5 * std::cos(x)
               : k == "HammingWindow" ? 25.0 / 46.0 - 21.0 / 46.0 * std::cos(x)
                                      : 0.42 - 0.5 * std::cos(x) + 0.08 * std::cos(2.0 * x);
    if (c.isFloat)
      c.f.push_back(v);
    else
      c.i.push_back((int64_t)v);
  }
  auto t = RankedTensorType::get({len}, *el);
  define(n, 0, createConstant(c.write(t), t, nodeName(n)));
  return success();
}

/// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (opset 12+): per
/// element -input[n, target, d...] * weight[target] (0 where target is
/// ignore_index), then none, sum or mean (the sum over the sum of the
/// weights taken). SoftmaxCrossEntropyLoss takes it of LogSoftmax over axis
/// 1, which is its optional second output.
LogicalResult Importer::onLoss(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  bool sce = n.op_type() == "SoftmaxCrossEntropyLoss";
  auto fx = requireFloat(n, asPlain(input(n, 0)), sce ? "scores" : "input");
  if (failed(fx))
    return failure();
  Value x = *fx, target = input(n, 1), weight = input(n, 2);
  auto xt = rtt(x);
  if (!xt.hasStaticShape() || xt.getRank() < 2)
    return nodeError(n) << "needs an input of rank 2 or more and static shape, got " << xt;
  Type el = xt.getElementType();
  auto tt = rtt(target);
  SmallVector<int64_t> lossShape = {xt.getDimSize(0)};
  for (int64_t d = 2; d < xt.getRank(); ++d)
    lossShape.push_back(xt.getDimSize(d));
  if (!isa<IntegerType>(tt.getElementType()) || tt.getShape() != ArrayRef<int64_t>(lossShape))
    return nodeError(n) << "target must be an integer tensor of shape "
                        << shapeToString(lossShape) << ", got " << tt;
  int64_t classes = xt.getDimSize(1);
  if (weight && (rtt(weight).getShape() != ArrayRef<int64_t>{classes} ||
                 rtt(weight).getElementType() != el))
    return nodeError(n) << "weight must be a 1-D tensor of " << classes << " " << el
                        << " values";
  std::string reduction = attrString(n, "reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return nodeError(n) << "unsupported attribute value reduction=\"" << reduction << "\"";
  if (sce) {
    auto ls = make<SoftmaxOp>(n, xt, x, b.getI64IntegerAttr(1), b.getBoolAttr(true));
    if (failed(ls))
      return failure();
    x = *ls;
    define(n, 1, x);
  }
  Type i64 = b.getI64Type();
  if (tt.getElementType() != i64) {
    auto c = make<CastOp>(n, tt.clone(i64), target);
    if (failed(c))
      return failure();
    target = *c;
    tt = rtt(target);
  }
  auto lossT = RankedTensorType::get(lossShape, el);
  // Ignored targets read class 0 (any valid one) and weigh 0.
  Value safe = target, keep;
  if (auto ii = attr(n, "ignore_index")) {
    // (Exactly: an int64 index through a double would lose its low bits,
    // and past 2^63 overflow; found by tools/octet-fuzz-import.)
    ConstTensor ic;
    ic.i = {ii->i()};
    auto it = RankedTensorType::get({}, i64);
    auto is = make<CompareOp>(n, tt.clone(b.getI1Type()), target,
                              createConstant(ic.write(it), it, ""), b.getStringAttr("eq"));
    if (failed(is))
      return failure();
    auto s = buildWhere(n, *is, scalarConst(i64, 0), target);
    auto k = buildWhere(n, *is, scalarConst(el, 0.0), scalarConst(el, 1.0));
    if (failed(s) || failed(k))
      return failure();
    safe = *s;
    keep = *k;
  }
  SmallVector<int64_t> idxShape(lossShape);
  idxShape.insert(idxShape.begin() + 1, 1);
  auto idx = buildReshape(n, safe, idxShape, false);
  if (failed(idx))
    return failure();
  auto picked = make<GatherElementsOp>(n, RankedTensorType::get(idxShape, el), x, *idx,
                                       b.getI64IntegerAttr(1));
  if (failed(picked))
    return failure();
  auto flat = buildReshape(n, *picked, lossShape, false);
  if (failed(flat))
    return failure();
  // The weight of each element: weight[target] (1 without weights), times
  // 0 where ignored.
  Value w;
  if (weight) {
    auto g = make<GatherOp>(n, lossT, weight, safe, b.getI64IntegerAttr(0));
    if (failed(g))
      return failure();
    w = *g;
  }
  if (keep)
    w = w ? *buildBinary(n, "Mul", w, keep, el) : keep;
  auto neg = make<NegOp>(n, lossT, *flat);
  if (failed(neg))
    return failure();
  Value loss = *neg;
  if (w) {
    auto m = buildBinary(n, "Mul", loss, w, el);
    if (failed(m))
      return failure();
    loss = *m;
  }
  if (reduction == "none") {
    define(n, 0, loss);
    return success();
  }
  SmallVector<int64_t> all;
  for (int64_t d = 0; d < (int64_t)lossShape.size(); ++d)
    all.push_back(d);
  auto scalarT = RankedTensorType::get({}, el);
  auto sum = make<ReduceSumOp>(n, scalarT, loss, b.getDenseI64ArrayAttr(all),
                               b.getBoolAttr(false));
  if (failed(sum))
    return failure();
  if (reduction == "sum") {
    define(n, 0, *sum);
    return success();
  }
  Value den;
  if (w) {
    auto ws = make<ReduceSumOp>(n, scalarT, w, b.getDenseI64ArrayAttr(all), b.getBoolAttr(false));
    if (failed(ws))
      return failure();
    den = *ws;
  } else {
    den = scalarConst(el, (double)lossT.getNumElements());
  }
  return defineResult(n, buildBinary(n, "Div", *sum, den, el));
}

/// CenterCropPad (opset 18): each listed axis cropped (the excess split with
/// the odd element at the end) or zero-padded (likewise) to its target
/// length: a slice, then a pad.
LogicalResult Importer::onCenterCropPad(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = asPlain(input(n, 0));
  auto xt = rtt(x);
  int64_t rank = xt.getRank();
  auto shape = constInts(n, 1, "shape");
  if (failed(shape))
    return failure();
  SmallVector<int64_t> axes;
  if (auto a = attrInts(n, "axes")) {
    for (int64_t v : *a) {
      auto ax = normAxis(v, rank);
      if (!ax)
        return nodeError(n) << "axis " << v << " out of range for rank " << rank;
      if (llvm::is_contained(axes, *ax))
        return nodeError(n) << "axis " << v << " is listed twice";
      axes.push_back(*ax);
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  if (shape->size() != axes.size())
    return nodeError(n) << "shape has " << shape->size() << " entries for " << axes.size()
                        << " axes";
  SmallVector<int64_t> st, en, sliceAxes, steps, cut(xt.getShape()), pads(2 * rank, 0);
  bool pad = false;
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t d = axes[i], target = (*shape)[i], have = xt.getDimSize(d);
    if (target < 0 || target > (int64_t{1} << 31))
      return nodeError(n) << "target length " << target << " out of range";
    if (ShapedType::isDynamic(have))
      return nodeError(n) << "needs a static dimension " << d << " (use --input-shape)";
    if (have > target) {
      int64_t s0 = (have - target) / 2;
      st.push_back(s0);
      en.push_back(s0 + target);
      sliceAxes.push_back(d);
      steps.push_back(1);
      cut[d] = target;
    } else if (have < target) {
      pads[d] = (target - have) / 2;
      pads[d + rank] = target - have - pads[d];
      pad = true;
    }
  }
  if (!st.empty()) {
    auto sl = make<SliceOp>(n, xt.clone(cut), x, b.getDenseI64ArrayAttr(st),
                            b.getDenseI64ArrayAttr(en), b.getDenseI64ArrayAttr(sliceAxes),
                            b.getDenseI64ArrayAttr(steps));
    if (failed(sl))
      return failure();
    x = *sl;
  }
  if (pad) {
    SmallVector<int64_t> out(cut);
    for (int64_t d = 0; d < rank; ++d)
      out[d] += pads[d] + pads[d + rank];
    auto pd = make<PadOp>(n, xt.clone(out), x, b.getDenseI64ArrayAttr(pads),
                          b.getStringAttr("constant"), b.getF32FloatAttr(0));
    if (failed(pd))
      return failure();
    x = *pd;
  }
  define(n, 0, x);
  return success();
}

/// AffineGrid (opset 20): the normalized sampling grid of each theta
/// ([N, 2, 3] for 2-D, [N, 3, 4] for 3-D) over a constant size: a matmul of
/// theta with the constant base grid (x, y[, z], 1) columns, transposed to
/// [N, (D,) H, W, 2 or 3].
LogicalResult Importer::onAffineGrid(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto ft = requireFloat(n, asPlain(input(n, 0)), "theta");
  if (failed(ft))
    return failure();
  auto tt = rtt(*ft);
  auto size = constInts(n, 1, "size");
  if (failed(size))
    return failure();
  int64_t sd = (int64_t)size->size() - 2;
  if ((sd != 2 && sd != 3) || !tt.hasStaticShape() || tt.getRank() != 3 ||
      tt.getDimSize(1) != sd || tt.getDimSize(2) != sd + 1 || tt.getDimSize(0) != (*size)[0])
    return nodeError(n) << "needs theta [N, 2, 3] with size [N, C, H, W], or [N, 3, 4] with "
                        << "[N, C, D, H, W], got " << tt << " and " << size->size()
                        << " size entries";
  SmallVector<int64_t> spatial(size->begin() + 2, size->end());
  int64_t points = 1;
  for (int64_t s : spatial) {
    if (s < 1 || s > (int64_t{1} << 24))
      return nodeError(n) << "size entries must be in [1, 2^24], got " << s;
    points *= s;
    if (points > (int64_t{1} << 22))
      return nodeError(n) << "the grid is too large to compile";
  }
  bool align = attrInt(n, "align_corners", 0) != 0;
  auto coord = [&](int64_t i, int64_t s) {
    if (align)
      return s == 1 ? -1.0 : -1.0 + 2.0 * (double)i / (double)(s - 1);
    return (2.0 * (double)i + 1.0) / (double)s - 1.0;
  };
  // base[(x, y[, z], 1), point], the points row-major over (D,) H, W.
  Type el = tt.getElementType();
  ConstTensor base;
  base.isFloat = true;
  base.shape = {sd + 1, points};
  base.f.assign((sd + 1) * points, 1.0);
  for (int64_t p = 0; p < points; ++p) {
    int64_t rest = p;
    for (int64_t d = sd - 1; d >= 0; --d) {
      int64_t i = rest % spatial[d];
      rest /= spatial[d];
      // Component 0 is x (the last spatial dimension), 1 is y, 2 is z.
      base.f[(sd - 1 - d) * points + p] = coord(i, spatial[d]);
    }
  }
  auto bt = RankedTensorType::get({sd + 1, points}, el);
  auto prod = buildMatMul(n, *ft, createConstant(base.write(bt), bt, ""), el);
  if (failed(prod))
    return failure();
  int64_t N = tt.getDimSize(0);
  auto tr = make<TransposeOp>(n, RankedTensorType::get({N, points, sd}, el), *prod,
                              b.getDenseI64ArrayAttr({0, 2, 1}));
  if (failed(tr))
    return failure();
  SmallVector<int64_t> out = {N};
  out.append(spatial.begin(), spatial.end());
  out.push_back(sd);
  return defineResult(n, buildReshape(n, *tr, out, false));
}

/// Col2Im (opset 18): the sum of the columns' blocks at their image
/// positions, which is a transposed convolution: the columns [N, C * K, L]
/// as [N, C * K, L1, L2, ...] through a ConvTranspose with C groups whose
/// weight is one-hot at each block tap (K = prod(block_shape)), and an
/// output_padding that brings the result to image_shape.
LogicalResult Importer::onCol2Im(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(fx))
    return failure();
  auto xt = rtt(*fx);
  auto image = constInts(n, 1, "image_shape");
  auto block = constInts(n, 2, "block_shape");
  if (failed(image) || failed(block))
    return failure();
  int64_t sd = (int64_t)image->size();
  if (!xt.hasStaticShape() || xt.getRank() != 3)
    return nodeError(n) << "the input must be [N, C * prod(block_shape), L] with a static shape, "
                        << "got " << xt;
  if (sd < 1 || sd > 3 || (int64_t)block->size() != sd)
    return nodeError(n) << "image_shape and block_shape must have the same 1 to 3 entries, got "
                        << sd << " and " << block->size();
  auto window = [&](StringRef name, int64_t def, int64_t count) {
    return windowInts(n, name, def, count, "Col2Im");
  };
  auto st = window("strides", 1, sd), dl = window("dilations", 1, sd), pd = window("pads", 0, 2 * sd);
  if (failed(st) || failed(dl) || failed(pd))
    return failure();
  int64_t kvol = 1, L = 1;
  SmallVector<int64_t> blocks, outPad;
  for (int64_t i = 0; i < sd; ++i) {
    int64_t img = (*image)[i], k = (*block)[i], s = (*st)[i], d = (*dl)[i];
    int64_t p = (*pd)[i] + (*pd)[sd + i];
    auto bad = [](int64_t v, int64_t lo) { return v < lo || v > (int64_t{1} << 24); };
    if (bad(img, 1) || bad(k, 1) || bad(s, 1) || bad(d, 1) || bad((*pd)[i], 0) ||
        bad((*pd)[sd + i], 0))
      return nodeError(n) << "image and block sizes, strides and dilations must be in [1, 2^24] "
                          << "and pads in [0, 2^24]";
    int64_t span = d * (k - 1) + 1;
    if (img + p < span)
      return nodeError(n) << "block " << k << " (" << span << " with dilation) does not fit image "
                          << "dimension " << img << " with pads " << p;
    int64_t count = (img + p - span) / s + 1;
    blocks.push_back(count);
    outPad.push_back(img + p - ((count - 1) * s + span));
    kvol *= k;
    L *= count;
  }
  int64_t ck = xt.getDimSize(1);
  if (ck % kvol || xt.getDimSize(2) != L)
    return nodeError(n) << "input " << xt << " does not hold C * " << kvol << " rows of " << L
                        << " blocks for image_shape and block_shape";
  int64_t C = ck / kvol;
  SmallVector<int64_t> xs = {xt.getDimSize(0), ck};
  xs.append(blocks.begin(), blocks.end());
  auto x = buildReshape(n, *fx, xs, false);
  if (failed(x))
    return failure();
  // The one-hot weight [C * K, 1, block...].
  SmallVector<int64_t> wshape = {ck, 1};
  wshape.append(block->begin(), block->end());
  ConstTensor w;
  w.isFloat = true;
  w.shape.assign(wshape.begin(), wshape.end());
  w.f.assign(ck * kvol, 0.0);
  for (int64_t r = 0; r < ck; ++r)
    w.f[r * kvol + r % kvol] = 1.0;
  auto wt = RankedTensorType::get(wshape, xt.getElementType());
  // The transposed convolution's node: this one with its window, under the
  // same name (errors name the Col2Im node).
  NodeProto ct = n;
  ct.clear_input();
  ct.clear_attribute();
  std::string prefix = "\x01" + n.name() + "/col2im/";
  values[prefix + "x"] = *x;
  values[prefix + "w"] = createConstant(w.write(wt), wt, "");
  ct.add_input(prefix + "x");
  ct.add_input(prefix + "w");
  auto ints = [&](StringRef name, ArrayRef<int64_t> v) {
    auto *a = ct.add_attribute();
    a->set_name(name.str());
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t e : v)
      a->add_ints(e);
  };
  ints("strides", *st);
  ints("dilations", *dl);
  ints("pads", *pd);
  ints("output_padding", outPad);
  auto *g = ct.add_attribute();
  g->set_name("group");
  g->set_type(onnx::AttributeProto::INT);
  g->set_i(C);
  return onConvTranspose(ct);
}

/// Det: Gaussian elimination with partial pivoting, unrolled over the n
/// columns of [..., n, n] (as LAPACK's getrf, which ONNX Runtime's Eigen LU
/// follows): at step k the row with the largest |a[i][k]| (i >= k) is
/// swapped with row k through one-hot row masks (each swap flips the
/// sign), then the rows below are reduced; a zero pivot leaves its column
/// (the determinant is then 0). The result is the signed product of the
/// diagonal.
LogicalResult Importer::onDet(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "X");
  if (failed(fx))
    return failure();
  auto xt = rtt(*fx);
  int64_t r = xt.getRank();
  if (!xt.hasStaticShape() || r < 2 || xt.getDimSize(r - 1) != xt.getDimSize(r - 2))
    return nodeError(n) << "needs [..., n, n] square matrices of static shape, got " << xt;
  int64_t dim = xt.getDimSize(r - 1);
  if (dim > 64)
    return nodeError(n) << "matrices larger than 64 x 64 are not supported (got " << dim << ")";
  Type el = xt.getElementType(), i1 = b.getI1Type(), i64 = b.getI64Type();
  SmallVector<int64_t> batch(xt.getShape().drop_back(2));
  int64_t P = 1;
  for (int64_t d : batch)
    P *= d;
  SmallVector<int64_t> outShape(batch);
  if (dim == 0 || P == 0) {
    // The determinant of a 0 x 0 matrix is 1.
    ConstTensor one;
    one.isFloat = true;
    one.shape.assign(outShape.begin(), outShape.end());
    one.f.assign(P, 1.0);
    auto t = RankedTensorType::get(outShape, el);
    define(n, 0, createConstant(one.write(t), t, ""));
    return success();
  }
  auto a = buildReshape(n, *fx, {P, dim, dim}, false);
  if (failed(a))
    return failure();
  Value A = *a;
  auto T = [&](ArrayRef<int64_t> s, Type t) { return RankedTensorType::get(s, t); };
  auto constant = [&](ArrayRef<int64_t> s, Type t, function_ref<double(int64_t)> f) {
    ConstTensor c;
    c.isFloat = isa<FloatType>(t);
    c.shape.assign(s.begin(), s.end());
    int64_t count = 1;
    for (int64_t d : s)
      count *= d;
    for (int64_t i = 0; i < count; ++i)
      c.isFloat ? c.f.push_back(f(i)) : c.i.push_back((int64_t)f(i));
    return createConstant(c.write(T(s, t)), T(s, t), "");
  };
  auto slice = [&](Value v, ArrayRef<int64_t> st, ArrayRef<int64_t> en, ArrayRef<int64_t> axes,
                   ArrayRef<int64_t> shape) {
    SmallVector<int64_t> steps(st.size(), 1);
    return make<SliceOp>(n, rtt(v).clone(shape), v, b.getDenseI64ArrayAttr(st),
                         b.getDenseI64ArrayAttr(en), b.getDenseI64ArrayAttr(axes),
                         b.getDenseI64ArrayAttr(steps));
  };
  Value zero = scalarConst(el, 0.0);
  Value rows = constant({1, dim, 1}, i64, [](int64_t i) { return (double)i; });
  Value sign = constant({P, 1, 1}, el, [](int64_t) { return 1.0; });
  for (int64_t k = 0; k < dim; ++k) {
    if (k + 1 < dim) {
      // The pivot row: argmax |a[i][k]| over i >= k (the first on ties).
      auto col = slice(A, {k, k}, {dim, k + 1}, {1, 2}, {P, dim - k, 1});
      if (failed(col))
        return failure();
      auto mag = make<AbsOp>(n, rtt(*col), *col);
      if (failed(mag))
        return failure();
      auto am = make<ArgMaxOp>(n, T({P, 1, 1}, i64), *mag, b.getI64IntegerAttr(1),
                               b.getBoolAttr(true), b.getBoolAttr(false));
      if (failed(am))
        return failure();
      auto piv = buildBinary(n, "Add", *am, scalarConst(i64, (double)k), i64);
      if (failed(piv))
        return failure();
      auto isPiv = make<CompareOp>(n, T({P, dim, 1}, i1), rows, *piv, b.getStringAttr("eq"));
      if (failed(isPiv))
        return failure();
      auto ePiv = make<CastOp>(n, T({P, dim, 1}, el), *isPiv);
      if (failed(ePiv))
        return failure();
      Value eK = constant({1, dim, 1}, el, [&](int64_t i) { return i == k ? 1.0 : 0.0; });
      auto pr = buildBinary(n, "Mul", A, *ePiv, el);
      if (failed(pr))
        return failure();
      auto rowP = make<ReduceSumOp>(n, T({P, 1, dim}, el), *pr, b.getDenseI64ArrayAttr({1}),
                                    b.getBoolAttr(true));
      auto rowK = slice(A, {k}, {k + 1}, {1}, {P, 1, dim});
      if (failed(rowP) || failed(rowK))
        return failure();
      auto diff = buildBinary(n, "Sub", *rowP, *rowK, el);
      if (failed(diff))
        return failure();
      // A + e_k (row_p - row_k) - e_p (row_p - row_k)
      auto ed = buildBinary(n, "Sub", eK, *ePiv, el);
      if (failed(ed))
        return failure();
      auto upd = buildBinary(n, "Mul", *ed, *diff, el);
      if (failed(upd))
        return failure();
      auto sw = buildBinary(n, "Add", A, *upd, el);
      if (failed(sw))
        return failure();
      A = *sw;
      auto same = make<CompareOp>(n, T({P, 1, 1}, i1), *am, scalarConst(i64, 0.0),
                                  b.getStringAttr("eq"));
      if (failed(same))
        return failure();
      auto flip = buildWhere(n, *same, scalarConst(el, 1.0), scalarConst(el, -1.0));
      if (failed(flip))
        return failure();
      auto s2 = buildBinary(n, "Mul", sign, *flip, el);
      if (failed(s2))
        return failure();
      sign = *s2;
      // Reduce the rows below k: a[i] -= a[i][k] / a[k][k] * a[k].
      auto pivot = slice(A, {k, k}, {k + 1, k + 1}, {1, 2}, {P, 1, 1});
      auto colk = slice(A, {k}, {k + 1}, {2}, {P, dim, 1});
      auto rowk = slice(A, {k}, {k + 1}, {1}, {P, 1, dim});
      if (failed(pivot) || failed(colk) || failed(rowk))
        return failure();
      auto isZero = make<CompareOp>(n, T({P, 1, 1}, i1), *pivot, zero, b.getStringAttr("eq"));
      if (failed(isZero))
        return failure();
      auto safe = buildWhere(n, *isZero, scalarConst(el, 1.0), *pivot);
      if (failed(safe))
        return failure();
      Value below = constant({1, dim, 1}, el, [&](int64_t i) { return i > k ? 1.0 : 0.0; });
      auto masked = buildBinary(n, "Mul", *colk, below, el);
      if (failed(masked))
        return failure();
      auto f = buildBinary(n, "Div", *masked, *safe, el);
      if (failed(f))
        return failure();
      auto f0 = buildWhere(n, *isZero, zero, *f);
      if (failed(f0))
        return failure();
      auto red = buildBinary(n, "Mul", *f0, *rowk, el);
      if (failed(red))
        return failure();
      auto next = buildBinary(n, "Sub", A, *red, el);
      if (failed(next))
        return failure();
      A = *next;
    }
  }
  // The diagonal: every (n + 1)-th element of the flattened matrices.
  auto flat = buildReshape(n, A, {P, dim * dim}, false);
  if (failed(flat))
    return failure();
  auto diag = make<SliceOp>(n, T({P, dim}, el), *flat, b.getDenseI64ArrayAttr({0}),
                            b.getDenseI64ArrayAttr({dim * dim}), b.getDenseI64ArrayAttr({1}),
                            b.getDenseI64ArrayAttr({dim + 1}));
  if (failed(diag))
    return failure();
  auto prod = make<ReduceProdOp>(n, T({P}, el), *diag, b.getDenseI64ArrayAttr({1}),
                                 b.getBoolAttr(false));
  auto s1 = buildReshape(n, sign, {P}, false);
  if (failed(prod) || failed(s1))
    return failure();
  auto det = buildBinary(n, "Mul", *prod, *s1, el);
  if (failed(det))
    return failure();
  return defineResult(n, buildReshape(n, *det, outShape, false));
}
