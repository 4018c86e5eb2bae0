//===- Quantization.cpp - default-domain quantization op handlers ---------===//
//
// Handlers of QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear,
// QLinearConv, QLinearMatMul, MatMulInteger and ConvInteger (the ONNX default
// domain; the com.microsoft QOperator ops are in Microsoft.cpp).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

LogicalResult Importer::onQuantizeLinear(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  if (attrInt(n, "block_size", 0) != 0)
    return nodeError(n) << "unsupported attribute value block_size="
                        << attrInt(n, "block_size", 0);
  auto x = requireFloat(n, input(n, 0), "input");
  if (failed(x))
    return failure();
  Type storage;
  if (auto *od = attr(n, "output_dtype")) {
    auto t = elementType(od->i(), [&] { return nodeError(n); });
    if (failed(t))
      return failure();
    storage = *t;
  }
  auto q = quantParams(n, input(n, 1), input(n, 2), attrInt(n, "axis", 1),
                       *x, storage);
  if (failed(q))
    return failure();
  return defineResult(n, make<QuantizeOp>(n, withElementType(x->getType(), *q), *x));
}

LogicalResult Importer::onDequantizeLinear(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  if (attrInt(n, "block_size", 0) != 0)
    return nodeError(n) << "unsupported attribute value block_size="
                        << attrInt(n, "block_size", 0);
  Value x = input(n, 0);
  Type storage = rtt(x).getElementType();
  if (auto q = getQuantElementType(x.getType()))
    storage = getStorageIntegerType(q);
  auto q = quantParams(n, input(n, 1), input(n, 2), attrInt(n, "axis", 1),
                       x, storage);
  if (failed(q))
    return failure();
  auto qx = asQuant(n, x, *q);
  if (failed(qx))
    return failure();
  return defineResult(n, make<DequantizeOp>(n, withElementType(x.getType(), b.getF32Type()), *qx));
}

LogicalResult Importer::onDynamicQuantizeLinear(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, input(n, 0), "input");
  if (failed(x))
    return failure();
  auto u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
  auto op = DynamicQuantizeOp::create(
      b, nodeLoc(n), TypeRange{rtt(*x).clone(u8), RankedTensorType::get({}, b.getF32Type()),
                               RankedTensorType::get({}, u8)},
      *x);
  if (failed(mlir::verify(op)))
    return failure();
  for (int k = 0; k < 3; ++k)
    define(n, k, op->getResult(k));
  return success();
}

LogicalResult Importer::onQLinearConv(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 3, 4, 5, 6, 7})))
    return failure();
  Value x = input(n, 0), w = input(n, 3);
  auto xq = quantParams(n, input(n, 1), input(n, 2), 1, x);
  auto wq = quantParams(n, input(n, 4), input(n, 5), 0, w);
  auto yq = quantParams(n, input(n, 6), input(n, 7), 1, Value());
  if (failed(xq) || failed(wq) || failed(yq))
    return failure();
  if (getQuantAxis(withElementType(x.getType(), *xq)) ||
      getQuantAxis(withElementType(x.getType(), *yq)))
    return nodeError(n) << "input and output must be quantized per tensor";
  auto qx = asQuant(n, x, *xq);
  auto qw = asQuant(n, w, *wq);
  if (failed(qx) || failed(qw))
    return failure();
  Value bias;
  if (Value bv = input(n, 8)) {
    auto qb = quantBias(n, bv, *qx, *qw);
    if (failed(qb))
      return failure();
    bias = *qb;
  }
  return defineResult(n, buildConv(n, *qx, *qw, bias, *yq));
}

LogicalResult Importer::onQLinearMatMul(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 3, 4, 5, 6, 7})))
    return failure();
  Value a = input(n, 0), bb = input(n, 3);
  int64_t bRank = rtt(bb).getRank();
  auto aq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto bq = quantParams(n, input(n, 4), input(n, 5), bRank - 1, bb);
  auto yq = quantParams(n, input(n, 6), input(n, 7), 0, Value());
  if (failed(aq) || failed(bq) || failed(yq))
    return failure();
  auto qa = asQuant(n, a, *aq);
  auto qb = asQuant(n, bb, *bq);
  if (failed(qa) || failed(qb))
    return failure();
  return defineResult(n, buildMatMul(n, *qa, *qb, *yq));
}

LogicalResult Importer::onMatMulInteger(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value a = asPlain(input(n, 0)), bb = asPlain(input(n, 1));
  Value azp = zeroPointOr(b, nodeLoc(n), input(n, 2) ? asPlain(input(n, 2)) : Value(), a);
  Value bzp = zeroPointOr(b, nodeLoc(n), input(n, 3) ? asPlain(input(n, 3)) : Value(), bb);
  std::string why;
  auto shape = inferMatMulShape(rtt(a).getShape(), rtt(bb).getShape(), why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(n, make<MatMulIntegerOp>(n, RankedTensorType::get(*shape, b.getI32Type()), a,
                                 bb, azp, bzp));
}

LogicalResult Importer::onConvInteger(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = asPlain(input(n, 0)), w = asPlain(input(n, 1));
  if (rtt(x).getRank() != 4 || rtt(w).getRank() != 4)
    return nodeError(n) << "only 2-D convolution is supported";
  Value xzp = zeroPointOr(b, nodeLoc(n), input(n, 2) ? asPlain(input(n, 2)) : Value(), x);
  Value wzp = zeroPointOr(b, nodeLoc(n), input(n, 3) ? asPlain(input(n, 3)) : Value(), w);
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(convAttrs(n, rtt(x).getShape(), rtt(w).getShape().drop_front(2),
                       strides, pads, dilations)))
    return failure();
  int64_t group = attrInt(n, "group", 1);
  std::string why;
  auto shape = inferConv2DShape(rtt(x).getShape(), rtt(w).getShape(), strides,
                                pads, dilations, group, why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(n, make<ConvIntegerOp>(n, RankedTensorType::get(*shape, b.getI32Type()), x,
                               w, xzp, wzp, b.getDenseI64ArrayAttr(strides),
                               b.getDenseI64ArrayAttr(pads),
                               b.getDenseI64ArrayAttr(dilations),
                               b.getI64IntegerAttr(group)));
}
