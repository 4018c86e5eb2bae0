//===- Pooling.cpp - pooling op handlers ----------------------------------===//
//
// Handlers of MaxPool, AveragePool (1-D and 2-D), GlobalAveragePool and
// GlobalMaxPool. The com.microsoft QLinear pools are in Microsoft.cpp.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

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
  if (!isMax && dl[0] != 1)
    return nodeError(n) << "unsupported attribute value: dilated average pooling";
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
  if (isMax)
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

LogicalResult Importer::onPool(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  if (n.output_size() > 1 && !n.output(1).empty())
    return nodeError(n) << "the Indices output is not supported";
  Value x = input(n, 0);
  if (rtt(x).getRank() == 3)
    return pool1D(n, x);
  if (rtt(x).getRank() != 4)
    return nodeError(n) << "only 1-D and 2-D pooling is supported (input rank "
                        << rtt(x).getRank() << ")";
  auto kernel = attrInts(n, "kernel_shape");
  if (!kernel || kernel->size() != 2)
    return nodeError(n) << "kernel_shape must have 2 entries";
  if (attrInt(n, "storage_order", 0) != 0)
    return nodeError(n) << "unsupported attribute value storage_order="
                        << attrInt(n, "storage_order", 0);
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(convAttrs(n, rtt(x).getShape(), *kernel, strides, pads, dilations)))
    return failure();
  bool ceil = attrInt(n, "ceil_mode", 0);
  bool isMax = n.op_type() == "MaxPool";
  if (!isMax && (dilations[0] != 1 || dilations[1] != 1))
    return nodeError(n) << "unsupported attribute value: dilated average pooling";
  if (!isMax && isQuantTensor(x.getType()))
    x = asPlain(x);
  std::string why;
  auto shape = inferPool2DShape(rtt(x).getShape(), *kernel, strides, pads,
                                dilations, ceil, why);
  if (failed(shape))
    return nodeError(n) << why;
  auto t = rtt(x).clone(*shape);
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

/// LpPool (2-D): (sum over the window of |x|^p)^(1/p), padding counting as
/// zeros: |x|^p (|x|, x * x or a power), an average pool counting the
/// padding, times the window's size, then the root (sqrt for p = 2).
LogicalResult Importer::onLpPool(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(fx))
    return failure();
  Value x = *fx;
  if (rtt(x).getRank() != 4)
    return nodeError(n) << "only 2-D LpPool is supported (input rank " << rtt(x).getRank() << ")";
  auto kernel = attrInts(n, "kernel_shape");
  if (!kernel || kernel->size() != 2)
    return nodeError(n) << "kernel_shape must have 2 entries";
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(convAttrs(n, rtt(x).getShape(), *kernel, strides, pads, dilations)))
    return failure();
  if (dilations[0] != 1 || dilations[1] != 1)
    return nodeError(n) << "unsupported attribute value: dilated LpPool";
  if (attrInt(n, "ceil_mode", 0))
    return nodeError(n) << "unsupported attribute value ceil_mode=1";
  int64_t p = attrInt(n, "p", 2);
  if (p < 1)
    return nodeError(n) << "p must be at least 1, got " << p;
  Type el = rtt(x).getElementType();
  FailureOr<Value> v = p == 1   ? make<AbsOp>(n, x.getType(), x)
                       : p == 2 ? buildBinary(n, "Mul", x, x, el)
                                : FailureOr<Value>(failure());
  if (p > 2) {
    auto a = make<AbsOp>(n, x.getType(), x);
    if (failed(a))
      return failure();
    v = buildBinary(n, "Pow", *a, scalarConst(el, (double)p), el);
  }
  if (failed(v))
    return failure();
  std::string why;
  auto shape = inferPool2DShape(rtt(x).getShape(), *kernel, strides, pads, dilations, false, why);
  if (failed(shape))
    return nodeError(n) << why;
  auto t = rtt(x).clone(*shape);
  v = make<AvgPool2DOp>(n, t, *v, b.getDenseI64ArrayAttr(*kernel), b.getDenseI64ArrayAttr(strides),
                        b.getDenseI64ArrayAttr(pads), b.getBoolAttr(false), b.getBoolAttr(true));
  if (succeeded(v))
    v = buildBinary(n, "Mul", *v, scalarConst(el, (double)((*kernel)[0] * (*kernel)[1])), el);
  if (succeeded(v) && p == 2)
    v = make<SqrtOp>(n, t, *v);
  else if (succeeded(v) && p > 2)
    v = buildBinary(n, "Pow", *v, scalarConst(el, 1.0 / (double)p), el);
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
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

LogicalResult Importer::onGlobalAvgPool(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  int64_t rank = rtt(*x).getRank();
  if (rank != 3 && rank != 4)
    return nodeError(n) << "only 1-D and 2-D pooling is supported (input rank " << rank << ")";
  auto s = rtt(*x).getShape();
  Value in = *x;
  if (rank == 3) {
    auto r = buildReshape(n, in, {s[0], s[1], 1, s[2]}, false);
    if (failed(r))
      return failure();
    in = *r;
  }
  auto v = make<GlobalAvgPool2DOp>(n, rtt(in).clone({s[0], s[1], 1, 1}), in);
  if (succeeded(v) && rank == 3)
    v = buildReshape(n, *v, {s[0], s[1], 1}, false);
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
