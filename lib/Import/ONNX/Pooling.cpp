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
