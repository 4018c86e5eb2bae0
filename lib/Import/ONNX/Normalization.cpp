//===- Normalization.cpp - normalizations, reductions and scans -----------===//
//
// Handlers of softmax, the normalization ops (layer, batch, instance, group,
// RMS), the reductions, ArgMax and ArgMin, TopK and CumSum.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <limits>

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

//===----------------------------------------------------------------------===//
// Softmax and normalizations
//===----------------------------------------------------------------------===//

LogicalResult Importer::onSoftmax(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  int64_t rank = rtt(*x).getRank();
  auto axis = normAxis(attrInt(n, "axis", opset < 13 ? 1 : -1), rank);
  if (!axis)
    return nodeError(n) << "axis out of range for rank " << rank;
  bool isLog = n.op_type() == "LogSoftmax";
  if (opset < 13 && *axis != rank - 1) {
    // Before opset 13 the input is seen as 2-D: [d0 * .. * d(axis-1), the rest].
    auto flat = flattenFrom(n, *x, *axis);
    if (failed(flat))
      return failure();
    auto v = make<SoftmaxOp>(n, flat->getType(), *flat, b.getI64IntegerAttr(1),
                             b.getBoolAttr(isLog));
    if (failed(v))
      return failure();
    return defineResult(n, unflatten(n, *v, rtt(*x).getShape()));
  }
  return defineResult(n, make<SoftmaxOp>(n, x->getType(), *x, b.getI64IntegerAttr(*axis),
                           b.getBoolAttr(isLog)));
}

/// The 2-D view [d0 * .. * d(axis-1), d(axis) * ..] that Softmax, LogSoftmax
/// and Hardmax before opset 13 work on; the trailing dimensions must be
/// static and at most one dimension dynamic (so that the view can be undone).
FailureOr<Value> Importer::flattenFrom(const NodeProto &n, Value x, int64_t axis) {
  auto s = rtt(x).getShape();
  int64_t rest = 1;
  for (int64_t d : s.drop_front(axis)) {
    if (ShapedType::isDynamic(d))
      return nodeError(n) << n.op_type() << " before opset 13 needs static dimensions from axis "
                          << axis << ", got " << rtt(x) << " (use --input-shape)";
    rest *= d;
  }
  if (llvm::count(s, kDyn) > 1)
    return nodeError(n) << n.op_type() << " before opset 13 needs at most one dynamic dimension, got "
                        << rtt(x) << " (use --input-shape)";
  return buildReshape(n, x, {-1, rest}, false);
}
FailureOr<Value> Importer::unflatten(const NodeProto &n, Value v, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> target(shape);
  for (int64_t &d : target)
    if (ShapedType::isDynamic(d))
      d = -1;
  return buildReshape(n, v, target, false);
}

LogicalResult Importer::onLayerNorm(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto x = requireFloat(n, input(n, 0), "input");
  if (failed(x))
    return failure();
  auto axis = normAxis(attrInt(n, "axis", -1), rtt(*x).getRank());
  if (!axis)
    return nodeError(n) << "axis out of range";
  float eps = attrFloat(n, "epsilon", 1e-5f);
  if (failed(defineResult(n, make<LayerNormOp>(n, x->getType(), *x, input(n, 1), input(n, 2),
                                               b.getI64IntegerAttr(*axis),
                                               b.getF32FloatAttr(eps)))))
    return failure();
  // The optional Mean and InvStdDev outputs (training graphs and ONNX's own
  // examples keep them): over the normalized axes, kept as 1s.
  bool wantMean = n.output_size() > 1 && !n.output(1).empty();
  bool wantInv = n.output_size() > 2 && !n.output(2).empty();
  if (!wantMean && !wantInv)
    return success();
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < rtt(*x).getRank(); ++d)
    axes.push_back(d);
  auto m = momentsOver(n, *x, axes, eps);
  if (failed(m))
    return failure();
  define(n, 1, m->mean);
  if (!wantInv)
    return success();
  auto inv = make<ReciprocalOp>(n, rtt(m->stdDev), m->stdDev);
  if (failed(inv))
    return failure();
  define(n, 2, *inv);
  return success();
}

/// BatchNormalization: octet.batch_norm with the running statistics. With
/// training_mode=1 (opsets 14-15) the batch's own mean and (population)
/// variance over every axis but the channels normalize it, and the optional
/// running_mean and running_var outputs are input_mean * momentum +
/// batch_mean * (1 - momentum), and the same of the variances.
LogicalResult Importer::onBatchNorm(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 3, 4})))
    return failure();
  if (attrInt(n, "training_mode", 0) != 0) {
    auto x = requireFloat(n, input(n, 0), "input");
    if (failed(x))
      return failure();
    auto s = rtt(*x).getShape();
    if (s.size() < 2)
      return nodeError(n) << "input must have rank 2 or more, got " << s.size();
    Type el = rtt(*x).getElementType();
    for (int k = 1; k <= 4; ++k) {
      auto t = rtt(input(n, k));
      if (t.getRank() != 1 || t.getElementType() != el ||
          (!ShapedType::isDynamic(s[1]) && t.getDimSize(0) != s[1]))
        return nodeError(n) << "scale, B, input_mean and input_var must be 1-D of the channel "
                            << "count and the input's element type, got " << t;
    }
    SmallVector<int64_t> axes = {0}, chShape = {s[1]};
    for (int64_t d = 2; d < (int64_t)s.size(); ++d) {
      axes.push_back(d);
      chShape.push_back(1);
    }
    float eps = attrFloat(n, "epsilon", 1e-5f), momentum = attrFloat(n, "momentum", 0.9f);
    auto m = momentsOver(n, *x, axes, eps);
    if (failed(m))
      return failure();
    // y = (x - mean) / sqrt(var + eps) * scale + B
    auto sc = buildReshape(n, input(n, 1), chShape, false);
    auto bi = buildReshape(n, input(n, 2), chShape, false);
    if (failed(sc) || failed(bi))
      return failure();
    auto y = buildBinary(n, "Div", m->centered, m->stdDev, el);
    if (succeeded(y))
      y = buildBinary(n, "Mul", *y, *sc, el);
    if (succeeded(y))
      y = buildBinary(n, "Add", *y, *bi, el);
    if (failed(y))
      return failure();
    define(n, 0, *y);
    // running = input * momentum + batch * (1 - momentum), per channel.
    auto running = [&](int out, int in, Value batchStat) -> LogicalResult {
      if (n.output_size() <= out || n.output(out).empty())
        return success();
      auto flat = buildReshape(n, batchStat, {s[1]}, false);
      if (failed(flat))
        return failure();
      auto a = buildBinary(n, "Mul", input(n, in), scalarConst(el, momentum), el);
      auto c = buildBinary(n, "Mul", *flat, scalarConst(el, 1.0 - (double)momentum), el);
      if (failed(a) || failed(c))
        return failure();
      auto r = buildBinary(n, "Add", *a, *c, el);
      if (failed(r))
        return failure();
      define(n, out, *r);
      return success();
    };
    if (failed(running(1, 3, m->mean)))
      return failure();
    if (n.output_size() > 2 && !n.output(2).empty()) {
      // The population variance: ReduceMean((x - mean)^2).
      auto sq = buildBinary(n, "Mul", m->centered, m->centered, el);
      if (failed(sq))
        return failure();
      auto var = make<ReduceMeanOp>(n, rtt(m->mean), *sq, b.getDenseI64ArrayAttr(axes),
                                    b.getBoolAttr(true));
      if (failed(var) || failed(running(2, 4, *var)))
        return failure();
    }
    return success();
  }
  for (int k = 1; k < n.output_size(); ++k)
    if (!n.output(k).empty())
      return nodeError(n) << "only the first output (Y) is supported";
  auto x = requireFloat(n, input(n, 0), "input");
  if (failed(x))
    return failure();
  return defineResult(n, make<BatchNormOp>(n, x->getType(), *x, input(n, 1), input(n, 2),
                             input(n, 3), input(n, 4),
                             b.getF32FloatAttr(attrFloat(n, "epsilon", 1e-5f))));
}

/// InstanceNormalization from the reduction and elementwise ops.
LogicalResult Importer::onInstanceNorm(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  auto s = rtt(*x).getShape();
  if (s.size() < 3)
    return nodeError(n) << "input must have rank 3 or more, got " << s.size();
  Value scale = input(n, 1), bias = input(n, 2);
  for (Value v : {scale, bias})
    if (rtt(v).getRank() != 1 || rtt(v).getDimSize(0) != s[1] ||
        rtt(v).getElementType() != rtt(*x).getElementType())
      return nodeError(n) << "scale and B must be 1-D of the channel count " << s[1]
                          << " and the input's element type";
  SmallVector<int64_t> axes, chShape = {s[1]};
  for (int64_t d = 2; d < (int64_t)s.size(); ++d) {
    axes.push_back(d);
    chShape.push_back(1);
  }
  Type el = rtt(*x).getElementType();
  auto norm = normalizeOver(n, *x, axes, attrFloat(n, "epsilon", 1e-5f));
  if (failed(norm))
    return failure();
  auto sc = buildReshape(n, scale, chShape, false);
  auto bi = buildReshape(n, bias, chShape, false);
  if (failed(sc) || failed(bi))
    return failure();
  auto y = buildBinary(n, "Mul", *norm, *sc, el);
  if (failed(y))
    return failure();
  y = buildBinary(n, "Add", *y, *bi, el);
  if (failed(y))
    return failure();
  define(n, 0, *y);
  return success();
}

/// GroupNormalization: the channels in num_groups groups, each normalized
/// over its channels and spatial positions, then scaled and shifted per
/// channel (opset 21) or per group (opset 18, where scale and bias have
/// num_groups entries).
LogicalResult Importer::onGroupNorm(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  auto s = rtt(*x).getShape();
  if (s.size() < 3)
    return nodeError(n) << "input must have rank 3 or more, got " << s.size();
  int64_t g = attrInt(n, "num_groups", -1), c = s[1];
  if (g == -1)
    return nodeError(n) << "missing attribute num_groups";
  if (g <= 0 || c % g)
    return nodeError(n) << "num_groups " << g << " does not divide the " << c << " channels";
  if (!rtt(*x).hasStaticShape())
    return nodeError(n) << "needs a static input shape, got " << rtt(*x)
                        << " (fix the model's inputs with --input-shape)";
  bool perGroup = opset < 21;
  int64_t params = perGroup ? g : c;
  Type el = rtt(*x).getElementType();
  Value scale = input(n, 1), bias = input(n, 2);
  for (Value v : {scale, bias})
    if (rtt(v).getRank() != 1 || rtt(v).getDimSize(0) != params ||
        rtt(v).getElementType() != el)
      return nodeError(n) << "scale and bias must be 1-D of " << params
                          << (perGroup ? " (num_groups, opset 18)" : " (channels)")
                          << " and the input's element type";
  int64_t inner = c / g;
  for (size_t d = 2; d < s.size(); ++d)
    inner *= s[d];
  auto xg = buildReshape(n, *x, {s[0], g, inner}, false);
  if (failed(xg))
    return failure();
  auto norm = normalizeOver(n, *xg, {2}, attrFloat(n, "epsilon", 1e-5f));
  if (failed(norm))
    return failure();
  auto apply = [&](Value v, ArrayRef<int64_t> pShape) -> FailureOr<Value> {
    auto sc = buildReshape(n, scale, pShape, false);
    auto bi = buildReshape(n, bias, pShape, false);
    if (failed(sc) || failed(bi))
      return failure();
    auto y = buildBinary(n, "Mul", v, *sc, el);
    if (failed(y))
      return failure();
    return buildBinary(n, "Add", *y, *bi, el);
  };
  FailureOr<Value> y = *norm;
  if (perGroup)
    y = apply(*y, {g, 1});
  if (failed(y))
    return failure();
  y = buildReshape(n, *y, SmallVector<int64_t>(s.begin(), s.end()), false);
  if (failed(y))
    return failure();
  if (!perGroup) {
    SmallVector<int64_t> chShape = {c};
    chShape.append(s.size() - 2, 1);
    y = apply(*y, chShape);
    if (failed(y))
      return failure();
  }
  define(n, 0, *y);
  return success();
}

/// RMSNormalization (opset 23): x / sqrt(mean(x^2 over axis..) + epsilon) * scale.
LogicalResult Importer::onRMSNorm(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  if (attr(n, "stash_type") && attrInt(n, "stash_type", 1) != 1)
    return nodeError(n) << "unsupported attribute value stash_type="
                        << attrInt(n, "stash_type", 1);
  int64_t rank = rtt(*x).getRank();
  auto axis = normAxis(attrInt(n, "axis", -1), rank);
  if (!axis)
    return nodeError(n) << "axis out of range for rank " << rank;
  Type el = rtt(*x).getElementType();
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < rank; ++d)
    axes.push_back(d);
  std::string why;
  auto rt = rtt(*x).clone(*inferReduceShape(rtt(*x).getShape(), axes, true, why));
  auto sq = buildBinary(n, "Mul", *x, *x, el);
  if (failed(sq))
    return failure();
  auto ms = make<ReduceMeanOp>(n, rt, *sq, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(true));
  if (failed(ms))
    return failure();
  // ONNX Runtime's kernel (measured, docs/cpu-backend.md): rows of 16 or
  // more floats sum the squares in eight FMA lanes and multiply by the
  // reciprocal of the root; shorter rows add the rounded squares in
  // sequence and divide. The lowering takes the order from the mark.
  int64_t count = 1;
  for (int64_t d : axes)
    count = ShapedType::isDynamic(rtt(*x).getDimSize(d)) || count < 0
                ? -1
                : count * rtt(*x).getDimSize(d);
  bool lanes = count >= 16 && el.isF32();
  if (Operation *def = ms->getDefiningOp(); def && count > 0 && el.isF32())
    def->setAttr("octet.ort_rms", b.getUnitAttr());
  auto ve = buildBinary(n, "Add", *ms, scalarConst(el, attrFloat(n, "epsilon", 1e-5f)), el);
  if (failed(ve))
    return failure();
  auto sd = make<SqrtOp>(n, rt, *ve);
  if (failed(sd))
    return failure();
  FailureOr<Value> y = failure();
  if (lanes) {
    auto inv = make<ReciprocalOp>(n, rt, *sd);
    if (failed(inv))
      return failure();
    y = buildBinary(n, "Mul", *x, *inv, el);
  } else {
    y = buildBinary(n, "Div", *x, *sd, el);
  }
  if (succeeded(y))
    y = buildBinary(n, "Mul", *y, input(n, 1), el);
  if (failed(y))
    return failure();
  define(n, 0, *y);
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions, scans and selection along an axis
//===----------------------------------------------------------------------===//

LogicalResult Importer::onReduce(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = asPlain(input(n, 0));
  int64_t rank = rtt(x).getRank();
  SmallVector<int64_t> axes;
  if (auto a = attrInts(n, "axes")) {
    axes = *a;
  } else if (Value av = input(n, 1)) {
    auto c = constOf(av);
    if (!c || c->isFloat)
      return nodeError(n) << "reduction axes must be an integer constant";
    axes.assign(c->i.begin(), c->i.end());
  }
  if (axes.empty()) {
    if (attrInt(n, "noop_with_empty_axes", 0)) {
      // Nothing is reduced, but each element still goes through the
      // reduction's own map (as ONNX Runtime and the ONNX reference do):
      // x^2, |x|, sqrt(x^2), log x; LogSumExp's log(exp(x - x)) + x is x.
      StringRef k = n.op_type();
      FailureOr<Value> v = x;
      if (k == "ReduceL1" || k == "ReduceL2" || k == "ReduceSumSquare" || k == "ReduceLogSum") {
        auto fx = requireFloat(n, x, "input");
        if (failed(fx))
          return failure();
        Type el = rtt(x).getElementType();
        if (k == "ReduceL1")
          v = make<AbsOp>(n, x.getType(), x);
        else if (k == "ReduceLogSum")
          v = make<LogOp>(n, x.getType(), x);
        else
          v = buildBinary(n, "Mul", x, x, el);
        if (succeeded(v) && k == "ReduceL2")
          v = make<SqrtOp>(n, x.getType(), *v);
        if (failed(v))
          return failure();
      }
      define(n, 0, *v);
      return success();
    }
    for (int64_t k = 0; k < rank; ++k)
      axes.push_back(k);
  }
  for (int64_t &a : axes) {
    auto na = normAxis(a, rank);
    if (!na)
      return nodeError(n) << "reduction axis " << a << " out of range for rank " << rank;
    a = *na;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  bool keep = attrInt(n, "keepdims", 1);
  std::string why;
  auto shape = inferReduceShape(rtt(x).getShape(), axes, keep, why);
  if (failed(shape))
    return nodeError(n) << why;
  auto t = rtt(x).clone(*shape);
  FailureOr<Value> v;
  StringRef k = n.op_type();
  if (k == "ReduceL1" || k == "ReduceL2" || k == "ReduceSumSquare" || k == "ReduceLogSum" ||
      k == "ReduceLogSumExp") {
    // Composed from elementwise ops and a sum, kept dimensions until the end.
    auto fx = requireFloat(n, x, "input");
    if (failed(fx))
      return failure();
    Type el = rtt(x).getElementType();
    auto keptT = rtt(x).clone(*inferReduceShape(rtt(x).getShape(), axes, true, why));
    auto ax = b.getDenseI64ArrayAttr(axes);
    Value mx;
    if (k == "ReduceL1")
      v = make<AbsOp>(n, x.getType(), x);
    else if (k == "ReduceL2" || k == "ReduceSumSquare")
      v = buildBinary(n, "Mul", x, x, el);
    else if (k == "ReduceLogSumExp") {
      auto m = make<ReduceMaxOp>(n, keptT, x, ax, b.getBoolAttr(true));
      if (failed(m))
        return failure();
      mx = *m;
      auto d = buildBinary(n, "Sub", x, mx, el);
      if (failed(d))
        return failure();
      v = make<ExpOp>(n, x.getType(), *d);
    } else
      v = x;
    if (failed(v))
      return failure();
    v = make<ReduceSumOp>(n, keptT, *v, ax, b.getBoolAttr(true));
    if (failed(v))
      return failure();
    if (k == "ReduceL2")
      v = make<SqrtOp>(n, keptT, *v);
    else if (k == "ReduceLogSum" || k == "ReduceLogSumExp")
      v = make<LogOp>(n, keptT, *v);
    if (succeeded(v) && mx)
      v = buildBinary(n, "Add", *v, mx, el);
    if (succeeded(v) && !keep)
      v = buildReshape(n, *v, *shape, false);
    if (failed(v))
      return failure();
    define(n, 0, *v);
    return success();
  }
  if (k == "ReduceProd")
    v = make<ReduceProdOp>(n, t, x, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keep));
  else if (n.op_type() == "ReduceMean")
    v = make<ReduceMeanOp>(n, t, x, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keep));
  else if (n.op_type() == "ReduceSum")
    v = make<ReduceSumOp>(n, t, x, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keep));
  else if (n.op_type() == "ReduceMin")
    v = make<ReduceMinOp>(n, t, x, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keep));
  else
    v = make<ReduceMaxOp>(n, t, x, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keep));
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

LogicalResult Importer::onArgReduce(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = asPlain(input(n, 0));
  int64_t rank = rtt(x).getRank();
  auto axis = normAxis(attrInt(n, "axis", 0), rank);
  if (!axis)
    return nodeError(n) << "axis " << attrInt(n, "axis", 0) << " out of range for rank " << rank;
  bool keep = attrInt(n, "keepdims", 1);
  std::string why;
  auto shape = inferReduceShape(rtt(x).getShape(), {*axis}, keep, why);
  if (failed(shape))
    return nodeError(n) << why;
  auto t = RankedTensorType::get(*shape, b.getI64Type());
  auto ax = b.getI64IntegerAttr(*axis);
  auto last = b.getBoolAttr(attrInt(n, "select_last_index", 0));
  FailureOr<Value> v = n.op_type() == "ArgMax"
                           ? make<ArgMaxOp>(n, t, x, ax, b.getBoolAttr(keep), last)
                           : make<ArgMinOp>(n, t, x, ax, b.getBoolAttr(keep), last);
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

/// TopK with a constant k as k rounds of ArgMax (ArgMin for the smallest):
/// each round takes the first extreme index (ONNX's tie rule: the lower
/// index first), gathers its value and masks it with -inf (+inf). Sorted
/// output; float inputs.
LogicalResult Importer::onTopK(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(fx))
    return failure();
  Value x = *fx;
  auto xt = rtt(x);
  int64_t rank = xt.getRank();
  auto axis = normAxis(attrInt(n, "axis", -1), rank);
  if (!axis)
    return nodeError(n) << "axis out of range for rank " << rank;
  int64_t k;
  if (opset < 10) {
    k = attrInt(n, "k", -1);
  } else {
    auto kv = constInts(n, 1, "K");
    if (failed(kv))
      return failure();
    if (kv->size() != 1)
      return nodeError(n) << "K must hold one value";
    k = (*kv)[0];
  }
  int64_t dim = xt.getDimSize(*axis);
  if (dim == kDyn)
    return nodeError(n) << "the TopK axis needs a static size (use --input-shape)";
  if (k < 1 || k > dim)
    return nodeError(n) << "K = " << k << " must be in [1, " << dim << "]";
  if (k > 256)
    return nodeError(n) << "K = " << k << " is larger than the 256 supported";
  bool largest = attrInt(n, "largest", 1);
  Type el = xt.getElementType();
  // Positions along the axis, shaped to broadcast: [1, .., dim, .., 1].
  SmallVector<int64_t> iotaShape(rank, 1);
  iotaShape[*axis] = dim;
  ConstTensor iota;
  iota.shape.assign(iotaShape.begin(), iotaShape.end());
  for (int64_t i = 0; i < dim; ++i)
    iota.i.push_back(i);
  auto iotaT = RankedTensorType::get(iotaShape, b.getI64Type());
  Value pos = createConstant(iota.write(iotaT), iotaT, "");
  double inf = std::numeric_limits<double>::infinity();
  Value fill = scalarConst(el, largest ? -inf : inf);
  SmallVector<int64_t> keptShape(xt.getShape());
  keptShape[*axis] = 1;
  auto idxT = RankedTensorType::get(keptShape, b.getI64Type());
  auto boolT = RankedTensorType::get(xt.getShape(), b.getI1Type());
  SmallVector<Value> vals, idxs;
  Value cur = x;
  for (int64_t j = 0; j < k; ++j) {
    auto ax = b.getI64IntegerAttr(*axis);
    auto first = b.getBoolAttr(false);
    auto i = largest ? make<ArgMaxOp>(n, idxT, cur, ax, b.getBoolAttr(true), first)
                     : make<ArgMinOp>(n, idxT, cur, ax, b.getBoolAttr(true), first);
    if (failed(i))
      return failure();
    auto v = make<GatherElementsOp>(n, xt.clone(keptShape), x, *i, ax);
    if (failed(v))
      return failure();
    vals.push_back(*v);
    idxs.push_back(*i);
    if (j + 1 == k)
      break;
    auto hit = make<CompareOp>(n, boolT, pos, *i, b.getStringAttr("eq"));
    if (failed(hit))
      return failure();
    auto masked = make<WhereOp>(n, xt, *hit, fill, cur);
    if (failed(masked))
      return failure();
    cur = *masked;
  }
  SmallVector<int64_t> outShape(xt.getShape());
  outShape[*axis] = k;
  auto join = [&](ArrayRef<Value> parts, Type elem) -> FailureOr<Value> {
    if (parts.size() == 1)
      return parts[0];
    return make<ConcatOp>(n, RankedTensorType::get(outShape, elem), parts,
                          b.getI64IntegerAttr(*axis));
  };
  auto values = join(vals, el);
  auto indices = join(idxs, b.getI64Type());
  if (failed(values) || failed(indices))
    return failure();
  define(n, 0, *values);
  define(n, 1, *indices);
  return success();
}

/// CumSum(x, axis) with a constant axis; exclusive and reverse attributes.
LogicalResult Importer::onCumSum(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = asPlain(input(n, 0));
  Type el = rtt(x).getElementType();
  if (!isa<FloatType>(el) && !(isa<IntegerType>(el) && el.getIntOrFloatBitWidth() >= 32))
    return nodeError(n) << "input must be a float, int32 or int64 tensor, got " << el;
  auto ax = constInts(n, 1, "axis");
  if (failed(ax))
    return failure();
  if (ax->size() != 1)
    return nodeError(n) << "axis must be a scalar, got " << ax->size() << " values";
  int64_t rank = rtt(x).getRank();
  auto axis = normAxis((*ax)[0], rank);
  if (!axis)
    return nodeError(n) << "axis " << (*ax)[0] << " out of range for rank " << rank;
  return defineResult(n, make<CumSumOp>(n, x.getType(), x, b.getI64IntegerAttr(*axis),
                          b.getBoolAttr(attrInt(n, "exclusive", 0)),
                          b.getBoolAttr(attrInt(n, "reverse", 0))));
}
