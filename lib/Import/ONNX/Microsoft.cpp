//===- Microsoft.cpp - com.microsoft domain op handlers -------------------===//
//
// Handlers of the com.microsoft ops that ONNX Runtime's quantizer and
// fusions emit (QGemm, QLinearAdd/Mul, QLinearSigmoid, QLinearLeakyRelu,
// QLinearSoftmax, QLinearWhere, QLinearConcat, QLinearGlobalAveragePool,
// QLinearAveragePool, MatMulIntegerToFloat, DynamicQuantizeMatMul). They are
// registered as "com.microsoft.Name" in handlers(); com.microsoft Gelu,
// QuantizeLinear and DequantizeLinear share the default-domain handlers.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

//===----------------------------------------------------------------------===//
// Quantized matrix products
//===----------------------------------------------------------------------===//

LogicalResult Importer::onQGemm(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 3, 4, 5})))
    return failure();
  if (attrInt(n, "transA", 0))
    return nodeError(n) << "unsupported attribute value transA=1";
  if (attrFloat(n, "alpha", 1.0f) != 1.0f)
    return nodeError(n) << "unsupported attribute value alpha="
                        << attrFloat(n, "alpha", 1.0f);
  Value a = input(n, 0), bb = input(n, 3);
  bool tb = attrInt(n, "transB", 0);
  auto aq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto bq = quantParams(n, input(n, 4), input(n, 5), tb ? 0 : 1, bb);
  if (failed(aq) || failed(bq))
    return failure();
  auto qa = asQuant(n, a, *aq);
  auto qb = asQuant(n, bb, *bq);
  if (failed(qa) || failed(qb))
    return failure();
  Value bias;
  if (Value cv = input(n, 6)) {
    auto qc = quantBias(n, cv, *qa, *qb);
    if (failed(qc))
      return failure();
    bias = *qc;
  }
  Type resultElem = b.getF32Type();
  if (input(n, 7)) {
    auto yq = quantParams(n, input(n, 7), input(n, 8), 0, Value());
    if (failed(yq))
      return failure();
    resultElem = *yq;
  }
  return defineResult(n, buildGemm(n, *qa, *qb, bias, resultElem));
}

/// com.microsoft MatMulIntegerToFloat and DynamicQuantizeMatMul (ONNX
/// Runtime's fusions of dynamic quantization): an integer matrix product,
/// converted to float, times a_scale * b_scale, plus the bias.
LogicalResult Importer::onMatMulIntegerToFloat(const NodeProto &n) {
  bool dynamic = n.op_type() == "DynamicQuantizeMatMul";
  if (failed(need(n, dynamic ? std::initializer_list<int>{0, 1, 2}
                             : std::initializer_list<int>{0, 1, 2, 3})))
    return failure();
  Location loc = nodeLoc(n);
  Value a, aScale, azp;
  Value bb = asPlain(input(n, 1)), bScale, bzp, bias;
  if (dynamic) {
    auto x = requireFloat(n, input(n, 0), "A");
    if (failed(x))
      return failure();
    auto u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
    auto dq = DynamicQuantizeOp::create(
        b, loc, TypeRange{rtt(*x).clone(u8), RankedTensorType::get({}, b.getF32Type()),
                          RankedTensorType::get({}, u8)},
        *x);
    if (failed(mlir::verify(dq)))
      return failure();
    a = dq->getResult(0);
    aScale = dq->getResult(1);
    azp = dq->getResult(2);
    bScale = input(n, 2);
    bzp = input(n, 3);
    bias = input(n, 4);
  } else {
    a = asPlain(input(n, 0));
    aScale = input(n, 2);
    bScale = input(n, 3);
    azp = input(n, 4);
    bzp = input(n, 5);
    bias = input(n, 6);
  }
  for (Value s : {aScale, bScale})
    if (!isa<FloatType>(rtt(s).getElementType()) || rtt(s).getRank() > 1)
      return nodeError(n) << "scales must be float scalars or vectors";
  azp = zeroPointOr(b, loc, azp ? asPlain(azp) : Value(), a);
  bzp = zeroPointOr(b, loc, bzp ? asPlain(bzp) : Value(), bb);
  std::string why;
  auto shape = inferMatMulShape(rtt(a).getShape(), rtt(bb).getShape(), why);
  if (failed(shape))
    return nodeError(n) << why;
  auto acc = make<MatMulIntegerOp>(n, RankedTensorType::get(*shape, b.getI32Type()), a, bb, azp,
                                   bzp);
  if (failed(acc))
    return failure();
  Type f32 = b.getF32Type();
  auto f = make<CastOp>(n, RankedTensorType::get(*shape, f32), *acc);
  if (failed(f))
    return failure();
  auto scale = buildBinary(n, "Mul", aScale, bScale, f32);
  if (failed(scale))
    return failure();
  auto y = buildBinary(n, "Mul", *f, *scale, f32);
  if (succeeded(y) && bias)
    y = buildBinary(n, "Add", *y, bias, f32);
  if (failed(y))
    return failure();
  define(n, 0, *y);
  return success();
}

//===----------------------------------------------------------------------===//
// Quantized elementwise ops and concat
//===----------------------------------------------------------------------===//

LogicalResult Importer::onQLinearBinary(const NodeProto &n) {
  if (failed(need(n, {0, 1, 3, 4, 6})))
    return failure();
  Value l = input(n, 0), r = input(n, 3);
  auto lq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto rq = quantParams(n, input(n, 4), input(n, 5), 0, Value());
  auto yq = quantParams(n, input(n, 6), input(n, 7), 0, Value());
  if (failed(lq) || failed(rq) || failed(yq))
    return failure();
  auto ql = asQuant(n, l, *lq);
  auto qr = asQuant(n, r, *rq);
  if (failed(ql) || failed(qr))
    return failure();
  return defineResult(
      n, buildBinary(n, n.op_type() == "QLinearAdd" ? "Add" : "Mul", *ql, *qr, *yq));
}

LogicalResult Importer::onQLinearSigmoid(const NodeProto &n) {
  if (failed(need(n, {0, 1, 3})))
    return failure();
  Value x = input(n, 0);
  auto xq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto yq = quantParams(n, input(n, 3), input(n, 4), 0, Value());
  if (failed(xq) || failed(yq))
    return failure();
  auto qx = asQuant(n, x, *xq);
  if (failed(qx))
    return failure();
  return defineResult(n, make<SigmoidOp>(n, withElementType(qx->getType(), *yq), *qx));
}

/// QLinearLeakyRelu and QLinearSoftmax: (X, X_scale, X_zp, Y_scale, Y_zp).
LogicalResult Importer::onQLinearUnary(const NodeProto &n) {
  if (failed(need(n, {0, 1, 3})))
    return failure();
  auto xq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto yq = quantParams(n, input(n, 3), input(n, 4), 0, Value());
  if (failed(xq) || failed(yq))
    return failure();
  auto qx = asQuant(n, input(n, 0), *xq);
  if (failed(qx))
    return failure();
  Type yt = withElementType(qx->getType(), *yq);
  FailureOr<Value> v;
  if (n.op_type() == "QLinearLeakyRelu") {
    v = make<LeakyReluOp>(n, yt, *qx, b.getF32FloatAttr(attrFloat(n, "alpha", 0.01f)),
                          b.getF32FloatAttr(0));
  } else {
    int64_t rank = rtt(*qx).getRank();
    auto axis = normAxis(attrInt(n, "axis", -1), rank);
    if (!axis)
      return nodeError(n) << "axis out of range";
    if (attrInt(n, "opset", 13) < 13 && *axis != rank - 1)
      return nodeError(n) << "QLinearSoftmax before opset 13 flattens from axis " << *axis
                          << "; only the last axis is supported";
    v = make<SoftmaxOp>(n, yt, *qx, b.getI64IntegerAttr(*axis), b.getBoolAttr(false));
  }
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

/// com.microsoft QLinearWhere(condition, X, x_scale, x_zp, Y, y_scale, y_zp,
/// z_scale, z_zp): X and Y requantized to Z's parameters (as ONNX Runtime's
/// lookup tables do: dequantize, then quantize), then a select on the bytes.
LogicalResult Importer::onQLinearWhere(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 4, 5, 7})))
    return failure();
  auto xq = quantParams(n, input(n, 2), input(n, 3), 0, Value());
  auto yq = quantParams(n, input(n, 5), input(n, 6), 0, Value());
  auto zq = quantParams(n, input(n, 7), input(n, 8), 0, Value());
  if (failed(xq) || failed(yq) || failed(zq))
    return failure();
  SmallVector<Value, 2> vals;
  for (auto [k, q] : {std::pair<int, quant::QuantizedType>{1, *xq}, {4, *yq}}) {
    auto v = asQuant(n, input(n, k), q);
    if (failed(v))
      return failure();
    if (q != *zq) {
      v = make<RequantizeOp>(n, withElementType(v->getType(), *zq), *v);
      if (failed(v))
        return failure();
    }
    vals.push_back(asPlain(*v));
  }
  auto w = buildWhere(n, input(n, 0), vals[0], vals[1]);
  if (failed(w))
    return failure();
  return defineResult(n, asQuant(n, *w, *zq));
}

/// QLinearConcat(Y_scale, Y_zero_point, (X, X_scale, X_zero_point)...).
LogicalResult Importer::onQLinearConcat(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  if (n.input_size() < 5 || (n.input_size() - 2) % 3)
    return nodeError(n) << "expects Y_scale, Y_zero_point and (X, X_scale, X_zero_point) "
                           "triples, got "
                        << n.input_size() << " inputs";
  auto yq = quantParams(n, input(n, 0), input(n, 1), 0, Value());
  if (failed(yq))
    return failure();
  SmallVector<Value> ins;
  for (int k = 2; k < n.input_size(); k += 3) {
    if (failed(need(n, {k, k + 1, k + 2})))
      return failure();
    auto xq = quantParams(n, input(n, k + 1), input(n, k + 2), 0, Value());
    if (failed(xq))
      return failure();
    auto qx = asQuant(n, input(n, k), *xq);
    if (failed(qx))
      return failure();
    Value v = *qx;
    if (*xq != *yq) {
      auto r = make<RequantizeOp>(n, withElementType(v.getType(), *yq), v);
      if (failed(r))
        return failure();
      v = *r;
    }
    ins.push_back(v);
  }
  return defineConcat(n, ins);
}

//===----------------------------------------------------------------------===//
// Quantized pooling
//===----------------------------------------------------------------------===//

LogicalResult Importer::onQLinearGlobalAvgPool(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 3, 4})))
    return failure();
  if (attrInt(n, "channels_last", 0))
    return nodeError(n) << "unsupported attribute value channels_last=1";
  Value x = input(n, 0);
  auto xq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto yq = quantParams(n, input(n, 3), input(n, 4), 0, Value());
  if (failed(xq) || failed(yq))
    return failure();
  auto qx = asQuant(n, x, *xq);
  if (failed(qx))
    return failure();
  if (rtt(*qx).getRank() != 4)
    return nodeError(n) << "only 2-D pooling is supported";
  auto s = rtt(*qx).getShape();
  return defineResult(n, make<GlobalAvgPool2DOp>(
      n, RankedTensorType::get({s[0], s[1], 1, 1}, *yq), *qx));
}

/// QLinearAveragePool(X, x_scale, x_zp, y_scale, y_zp), NCHW.
LogicalResult Importer::onQLinearAvgPool(const NodeProto &n) {
  if (failed(need(n, {0, 1, 3})))
    return failure();
  if (attrInt(n, "channels_last", 0))
    return nodeError(n) << "unsupported attribute value channels_last=1";
  auto xq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto yq = quantParams(n, input(n, 3), input(n, 4), 0, Value());
  if (failed(xq) || failed(yq))
    return failure();
  auto qx = asQuant(n, input(n, 0), *xq);
  if (failed(qx))
    return failure();
  Value x = *qx;
  if (rtt(x).getRank() != 4)
    return nodeError(n) << "only 2-D pooling is supported (input rank " << rtt(x).getRank()
                        << ")";
  auto kernel = attrInts(n, "kernel_shape");
  if (!kernel || kernel->size() != 2)
    return nodeError(n) << "kernel_shape must have 2 entries";
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(convAttrs(n, rtt(x).getShape(), *kernel, strides, pads, dilations)))
    return failure();
  if (dilations[0] != 1 || dilations[1] != 1)
    return nodeError(n) << "unsupported attribute value: dilated average pooling";
  bool ceil = attrInt(n, "ceil_mode", 0);
  std::string why;
  auto shape = inferPool2DShape(rtt(x).getShape(), *kernel, strides, pads, dilations, ceil, why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(n, make<AvgPool2DOp>(n, RankedTensorType::get(*shape, *yq), x,
                             b.getDenseI64ArrayAttr(*kernel), b.getDenseI64ArrayAttr(strides),
                             b.getDenseI64ArrayAttr(pads), b.getBoolAttr(ceil),
                             b.getBoolAttr(attrInt(n, "count_include_pad", 0))));
}
