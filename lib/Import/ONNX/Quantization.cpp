//===- Quantization.cpp - default-domain quantization op handlers ---------===//
//
// Handlers of QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear,
// QLinearConv, QLinearMatMul, MatMulInteger and ConvInteger (the ONNX default
// domain; the com.microsoft QOperator ops are in Microsoft.cpp).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

namespace {
constexpr int kUInt4 = 21, kInt4 = 22; // ONNX TensorProto::DataType (opset 21)
} // namespace

LogicalResult Importer::onQuantizeLinear(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto x = requireFloat(n, input(n, 0), "input");
  if (failed(x))
    return failure();
  int64_t dtype = attrInt(n, "output_dtype", 0);
  Value zp = input(n, 2);
  if (attrInt(n, "block_size", 0) != 0 || dtype == kUInt4 || dtype == kInt4 ||
      (zp && fourBit.count(zp)) || !matchPattern(input(n, 1), m_Constant()) ||
      (zp && !matchPattern(zp, m_Constant())))
    return quantizeInFloat(n, *x);
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
  Value x = input(n, 0), zp = input(n, 2);
  if (x && zp && fourBit.count(x) != fourBit.count(zp))
    return nodeError(n) << "input and zero point must have the same type, got "
                        << (fourBit.count(x) ? "a 4-bit input" : "an 8-bit or wider input")
                        << " and " << (fourBit.count(zp) ? "a 4-bit" : "an 8-bit or wider")
                        << " zero point";
  // 4-bit constants (weights) take the quant types (8-bit storage holding
  // the 4-bit values); 4-bit activations and blocked scales do not.
  if (attrInt(n, "block_size", 0) != 0 ||
      ((fourBit.count(x) || (zp && fourBit.count(zp))) && !matchPattern(x, m_Constant())) ||
      !matchPattern(input(n, 1), m_Constant()) || (zp && !matchPattern(zp, m_Constant())))
    return dequantizeInFloat(n, x);
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

/// What a QuantizeLinear / DequantizeLinear computes with, laid out to
/// broadcast against its data: rank 0 per tensor, 1s but the axis per axis,
/// the data's own shape (each block's entry repeated) for blocked scales.
struct Importer::QDQParams {
  SmallVector<int64_t> shape;
  std::vector<float> scale;
  std::vector<int64_t> zp;
  Type storage;         // the integer element type of the quantized data
  int64_t qmin, qmax;   // its range (4-bit data: [-8, 7] or [0, 15])
  bool four = false;
  bool isSigned = false;
  Value scaleV, zpV;    // run-time scale and zero point (f32), else null
  /// The parameter index of element k of a tensor of shape `full`.
  int64_t at(ArrayRef<int64_t> full, int64_t k) const {
    int64_t idx = 0, stride = 1;
    for (int64_t d = (int64_t)full.size() - 1; d >= 0; --d) {
      int64_t i = k % full[d];
      k /= full[d];
      if (!shape.empty() && shape[d] != 1) {
        idx += i * stride;
        stride *= shape[d];
      }
    }
    return idx;
  }
};

FailureOr<Importer::QDQParams> Importer::qdqParams(const NodeProto &n, Value x,
                                                   bool quantize) {
  QDQParams p;
  Value scaleIn = input(n, 1);
  if (!isa<FloatType>(rtt(scaleIn).getElementType()))
    return nodeError(n) << "quantization scale must be a float tensor, got "
                        << rtt(scaleIn).getElementType();
  auto s = constOf(scaleIn);
  Value zpV = input(n, 2);
  if (zpV && !isa<IntegerType>(rtt(asPlain(zpV)).getElementType()))
    return nodeError(n) << "quantization zero point must be an integer tensor, got "
                        << rtt(zpV).getElementType();
  std::optional<ConstTensor> z;
  if (zpV)
    z = constOf(zpV);
  if (zpV && rtt(zpV).getShape() != rtt(scaleIn).getShape())
    return nodeError(n) << "zero point of shape " << shapeToString(rtt(zpV).getShape())
                        << " does not match the scale's "
                        << shapeToString(rtt(scaleIn).getShape());
  int64_t dtype = attrInt(n, "output_dtype", 0);
  if (quantize) {
    if (zpV) {
      p.storage = rtt(zpV).getElementType();
      p.four = fourBit.count(zpV);
      if (dtype && (dtype == kUInt4 || dtype == kInt4) != p.four)
        return nodeError(n) << "output_dtype " << dtype
                            << " differs from the zero point's type";
    } else if (dtype == kUInt4 || dtype == kInt4) {
      p.four = true;
      p.storage = IntegerType::get(ctx, 8, dtype == kInt4 ? IntegerType::Signless
                                                          : IntegerType::Unsigned);
    } else if (dtype) {
      auto t = elementType(dtype, [&] { return nodeError(n); });
      if (failed(t))
        return failure();
      p.storage = *t;
    } else {
      p.storage = IntegerType::get(ctx, 8, IntegerType::Unsigned);
    }
  } else {
    p.storage = rtt(asPlain(x)).getElementType();
    p.four = fourBit.count(x) || (zpV && fourBit.count(zpV));
  }
  auto it = dyn_cast<IntegerType>(p.storage);
  if (!it || (it.getWidth() != 8 && it.getWidth() != 16 && it.getWidth() != 32))
    return nodeError(n) << "unsupported quantized type " << p.storage
                        << " (int4, uint4, int8, uint8, int16, uint16 and int32 are)";
  p.isSigned = !it.isUnsigned();
  unsigned bits = p.four ? 4 : it.getWidth();
  p.qmin = quant::QuantizedType::getDefaultMinimumForInteger(p.isSigned, bits);
  p.qmax = quant::QuantizedType::getDefaultMaximumForInteger(p.isSigned, bits);
  if (!s || (zpV && !z))
    return runtimeParams(n, x, p);
  for (double sc : s->f)
    if (!(sc > 0.0) || std::isinf(sc))
      return nodeError(n) << "quantization scale " << sc << " must be positive and finite";
  int64_t count = s->numElements();
  SmallVector<int64_t> zps = z ? SmallVector<int64_t>(z->i.begin(), z->i.end())
                               : SmallVector<int64_t>(count, 0);

  auto xt = rtt(x);
  int64_t rank = xt.getRank();
  int64_t block = attrInt(n, "block_size", 0);
  if (block < 0)
    return nodeError(n) << "block_size must not be negative, got " << block;
  auto axis = normAxis(attrInt(n, "axis", 1), rank);
  if (block > 0) {
    if (!axis)
      return nodeError(n) << "quantization axis " << attrInt(n, "axis", 1)
                          << " out of range for rank " << rank;
    if (!xt.hasStaticShape())
      return nodeError(n) << "blocked quantization needs static shapes, got "
                          << shapeToString(xt.getShape());
    if ((int64_t)s->shape.size() != rank)
      return nodeError(n) << "blocked quantization needs a scale of rank " << rank
                          << ", got shape " << shapeToString(s->shape);
    for (int64_t d = 0; d < rank; ++d) {
      int64_t dim = xt.getDimSize(d);
      int64_t want = d == *axis ? dim / block + (dim % block != 0) : dim; // (no overflow)
      if (s->shape[d] != want)
        return nodeError(n) << "blocked quantization with block_size " << block
                            << " on axis " << *axis << " of shape "
                            << shapeToString(xt.getShape()) << " needs a scale of shape "
                            << "with " << want << " in dimension " << d << ", got "
                            << shapeToString(s->shape);
    }
    // The parameters are expanded per element: bounded like other constants
    // Octet builds at import.
    if (xt.getNumElements() > (int64_t{1} << 28))
      return nodeError(n) << "blocked quantization of a " << shapeToString(xt.getShape())
                          << " tensor is too large to expand";
    p.shape.assign(xt.getShape().begin(), xt.getShape().end());
    int64_t total = xt.getNumElements();
    p.scale.resize(total);
    p.zp.resize(total);
    for (int64_t k = 0; k < total; ++k) {
      int64_t rest = k, idx = 0, stride = 1;
      for (int64_t d = rank - 1; d >= 0; --d) {
        int64_t i = rest % p.shape[d];
        rest /= p.shape[d];
        idx += (d == *axis ? i / block : i) * stride;
        stride *= s->shape[d];
      }
      p.scale[k] = (float)s->f[idx];
      p.zp[k] = zps[idx];
    }
    return p;
  }
  if (s->shape.size() > 1)
    return nodeError(n) << "quantization scale must be a scalar or a 1-D tensor "
                           "(without block_size)";
  if (count > 1) {
    if (!axis)
      return nodeError(n) << "quantization axis " << attrInt(n, "axis", 1)
                          << " out of range for rank " << rank;
    int64_t dim = xt.getDimSize(*axis);
    if (dim != kDyn && dim != count)
      return nodeError(n) << "per-axis quantization has " << count
                          << " scales but axis " << *axis << " has size " << dim;
    p.shape.assign(rank, 1);
    p.shape[*axis] = count;
  }
  for (int64_t k = 0; k < count; ++k) {
    p.scale.push_back((float)s->f[k]);
    p.zp.push_back(zps[k]);
  }
  return p;
}

/// The scale and zero point computed at run time (ONNX's expanded
/// DynamicQuantizeLinear, scales fed as inputs): per tensor (one element) or
/// per axis, as f32 tensors that broadcast against x.
FailureOr<Importer::QDQParams> Importer::runtimeParams(const NodeProto &n, Value x,
                                                       QDQParams p) {
  if (attrInt(n, "block_size", 0) != 0)
    return nodeError(n) << "blocked quantization needs constant scales and zero points";
  Value sIn = input(n, 1), zIn = input(n, 2) ? asPlain(input(n, 2)) : Value();
  auto st = rtt(sIn);
  if (st.getRank() > 1 || !st.hasStaticShape())
    return nodeError(n) << "quantization scale must be a scalar or a 1-D tensor of static shape";
  int64_t count = st.getNumElements();
  int64_t rank = rtt(x).getRank();
  SmallVector<int64_t> shape;
  if (count > 1) {
    auto axis = normAxis(attrInt(n, "axis", 1), rank);
    if (!axis)
      return nodeError(n) << "quantization axis " << attrInt(n, "axis", 1)
                          << " out of range for rank " << rank;
    int64_t dim = rtt(x).getDimSize(*axis);
    if (dim != kDyn && dim != count)
      return nodeError(n) << "per-axis quantization has " << count
                          << " scales but axis " << *axis << " has size " << dim;
    shape.assign(rank, 1);
    shape[*axis] = count;
  }
  auto f32 = b.getF32Type();
  auto asF32 = [&](Value v) -> FailureOr<Value> {
    auto r = buildReshape(n, v, shape, false);
    if (failed(r))
      return failure();
    if (rtt(*r).getElementType() == f32)
      return *r;
    return make<CastOp>(n, rtt(*r).clone(f32), *r);
  };
  auto sv = asF32(sIn);
  if (failed(sv))
    return failure();
  p.scaleV = *sv;
  p.shape = shape;
  if (zIn) {
    auto zv = asF32(zIn);
    if (failed(zv))
      return failure();
    p.zpV = *zv;
  } else {
    p.zpV = scalarConst(f32, 0.0);
  }
  return p;
}

LogicalResult Importer::quantizeInFloat(const NodeProto &n, Value x) {
  auto p = qdqParams(n, x, /*quantize=*/true);
  if (failed(p))
    return failure();
  auto outT = rtt(x).clone(p->storage);
  Value result;
  if (auto c = p->scaleV ? std::nullopt : constOf(x); c && outT.hasStaticShape()) {
    ConstTensor q;
    q.shape = c->shape;
    for (int64_t k = 0, e = c->numElements(); k < e; ++k) {
      int64_t j = p->at(c->shape, k);
      float v = std::nearbyintf((float)c->f[k] / p->scale[j]) + (float)p->zp[j];
      q.i.push_back((int64_t)std::clamp(v, (float)p->qmin, (float)p->qmax));
    }
    result = createConstant(q.write(outT), outT, nodeName(n));
  } else {
    auto f32 = b.getF32Type();
    Value xf = x;
    if (rtt(x).getElementType() != f32) {
      auto c = make<CastOp>(n, rtt(x).clone(f32), x);
      if (failed(c))
        return failure();
      xf = *c;
    }
    auto [sv, zv] = paramValues(*p);
    auto d = buildBinary(n, "Div", xf, sv, f32);
    if (failed(d))
      return failure();
    auto r = make<RoundOp>(n, (*d).getType(), *d);
    if (failed(r))
      return failure();
    auto a = buildBinary(n, "Add", *r, zv, f32);
    if (failed(a))
      return failure();
    auto cl = make<ClampOp>(n, (*a).getType(), *a, b.getF32FloatAttr((float)p->qmin),
                            b.getF32FloatAttr((float)p->qmax));
    if (failed(cl))
      return failure();
    auto q = make<CastOp>(n, rtt(*cl).clone(p->storage), *cl);
    if (failed(q))
      return failure();
    result = *q;
  }
  if (p->four)
    fourBit[result] = p->isSigned;
  define(n, 0, result);
  return success();
}

std::pair<Value, Value> Importer::paramValues(const QDQParams &p) {
  if (p.scaleV)
    return {p.scaleV, p.zpV};
  auto pt = RankedTensorType::get(p.shape, b.getF32Type());
  ConstTensor sc, zc;
  sc.isFloat = zc.isFloat = true;
  sc.shape.assign(p.shape.begin(), p.shape.end());
  zc.shape = sc.shape;
  sc.f.assign(p.scale.begin(), p.scale.end());
  zc.f.assign(p.zp.begin(), p.zp.end());
  return {createConstant(sc.write(pt), pt, ""), createConstant(zc.write(pt), pt, "")};
}

LogicalResult Importer::dequantizeInFloat(const NodeProto &n, Value x) {
  x = asPlain(x);
  if (!isa<IntegerType>(rtt(x).getElementType()))
    return nodeError(n) << "input must be an integer tensor, got "
                        << rtt(x).getElementType();
  auto p = qdqParams(n, x, /*quantize=*/false);
  if (failed(p))
    return failure();
  auto f32 = b.getF32Type();
  auto outT = rtt(x).clone(f32);
  if (auto c = p->scaleV ? std::nullopt : constOf(x); c && outT.hasStaticShape()) {
    ConstTensor f;
    f.isFloat = true;
    f.shape = c->shape;
    for (int64_t k = 0, e = c->numElements(); k < e; ++k) {
      int64_t j = p->at(c->shape, k);
      f.f.push_back((float)(c->i[k] - p->zp[j]) * p->scale[j]);
    }
    define(n, 0, createConstant(f.write(outT), outT, nodeName(n)));
    return success();
  }
  auto [sv, zv] = paramValues(*p);
  auto xf = make<CastOp>(n, outT, x);
  if (failed(xf))
    return failure();
  auto d = buildBinary(n, "Sub", *xf, zv, f32);
  if (failed(d))
    return failure();
  return defineResult(n, buildBinary(n, "Mul", *d, sv, f32));
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
  if (rtt(x).getRank() == 5) {
    // 3-D: written out as its QDQ form (dequantized operands, a float 3-D
    // convolution, quantize), which the QDQ folding turns back into one
    // integer convolution, as for an imported QDQ 3-D Conv.
    auto f32 = b.getF32Type();
    auto dx = make<DequantizeOp>(n, withElementType(qx->getType(), f32), *qx);
    auto dw = make<DequantizeOp>(n, withElementType(qw->getType(), f32), *qw);
    FailureOr<Value> db = Value();
    if (bias)
      db = make<DequantizeOp>(n, withElementType(bias.getType(), f32), bias);
    if (failed(dx) || failed(dw) || failed(db))
      return failure();
    auto y = buildConv(n, *dx, *dw, *db, f32);
    if (failed(y))
      return failure();
    return defineResult(n, make<QuantizeOp>(n, withElementType(y->getType(), *yq), *y));
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

/// Zero point input k of MatMulInteger / ConvInteger: absent (0), a scalar,
/// or for the second operand a vector over the output channels (`channels`
/// entries). One-element vectors become scalars.
FailureOr<Value> Importer::integerZeroPoint(const NodeProto &n, int k, Value like,
                                            int64_t channels) {
  Value zp = input(n, k) ? asPlain(input(n, k)) : Value();
  if (!zp)
    return zeroPointOr(b, nodeLoc(n), Value(), like);
  auto t = rtt(zp);
  if (t.getRank() == 1 && t.getDimSize(0) == 1)
    return buildReshape(n, zp, {}, false);
  if (t.getRank() == 0)
    return zp;
  if (t.getRank() == 1 && channels > 0 && t.getDimSize(0) == channels)
    return zp;
  return nodeError(n) << (k == 2 ? "the first" : "the second") << " operand's zero point of shape "
                      << shapeToString(t.getShape()) << " is not supported ("
                      << (channels > 0 ? "a scalar, or one per output channel (" +
                                             std::to_string(channels) + ")"
                                       : std::string("a scalar"))
                      << ")";
}

LogicalResult Importer::onMatMulInteger(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value a = asPlain(input(n, 0)), bb = asPlain(input(n, 1));
  std::string why;
  auto shape = inferMatMulShape(rtt(a).getShape(), rtt(bb).getShape(), why);
  if (failed(shape))
    return nodeError(n) << why;
  // 1-D operands as numpy: [K] is [1, K] on the left, [K, 1] on the right,
  // and the added dimension leaves the result.
  if (rtt(a).getRank() == 1) {
    auto r = buildReshape(n, a, {1, rtt(a).getDimSize(0)}, false);
    if (failed(r))
      return failure();
    a = *r;
  }
  if (rtt(bb).getRank() == 1) {
    auto r = buildReshape(n, bb, {rtt(bb).getDimSize(0), 1}, false);
    if (failed(r))
      return failure();
    bb = *r;
  }
  auto azp = integerZeroPoint(n, 2, a, -1);
  auto bzp = integerZeroPoint(n, 3, bb, rtt(bb).getShape().back());
  if (failed(azp) || failed(bzp))
    return failure();
  auto full = inferMatMulShape(rtt(a).getShape(), rtt(bb).getShape(), why);
  if (failed(full))
    return nodeError(n) << why;
  auto mm = make<MatMulIntegerOp>(n, RankedTensorType::get(*full, b.getI32Type()), a, bb, *azp,
                                  *bzp);
  if (failed(mm))
    return failure();
  if (*full == *shape)
    return defineResult(n, mm);
  return defineResult(n, buildReshape(n, *mm, *shape, false));
}

LogicalResult Importer::onConvInteger(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = asPlain(input(n, 0)), w = asPlain(input(n, 1));
  int64_t xRank = rtt(x).getRank(), wRank = rtt(w).getRank();
  if (!((xRank == 3 && wRank == 3) || (xRank == 4 && wRank == 4)))
    return nodeError(n) << "only 1-D and 2-D convolutions are supported (input rank " << xRank
                        << ", weight rank " << wRank << ")";
  auto xzpOr = integerZeroPoint(n, 2, x, -1);
  auto wzpOr = integerZeroPoint(n, 3, w, rtt(w).getDimSize(0));
  if (failed(xzpOr) || failed(wzpOr))
    return failure();
  Value xzp = *xzpOr, wzp = *wzpOr;
  SmallVector<int64_t> strides, pads, dilations;
  bool oneD = xRank == 3;
  if (oneD) {
    // 1-D (Conv1d quantized by ORT's quantize_dynamic): the 2-D operation
    // over [N, C, 1, L], as for a float Conv1d.
    auto c2 = conv1DAs2D(n, x, w);
    if (failed(c2))
      return failure();
    x = c2->x;
    w = c2->w;
    strides = c2->strides;
    pads = c2->pads;
    dilations = c2->dilations;
  } else if (failed(convAttrs(n, rtt(x).getShape(), rtt(w).getShape().drop_front(2), strides,
                              pads, dilations))) {
    return failure();
  }
  int64_t group = attrInt(n, "group", 1);
  std::string why;
  auto shape = inferConv2DShape(rtt(x).getShape(), rtt(w).getShape(), strides,
                                pads, dilations, group, why);
  if (failed(shape))
    return nodeError(n) << why;
  auto c = make<ConvIntegerOp>(n, RankedTensorType::get(*shape, b.getI32Type()), x, w, xzp, wzp,
                               b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
                               b.getDenseI64ArrayAttr(dilations), b.getI64IntegerAttr(group));
  if (failed(c) || !oneD)
    return defineResult(n, c);
  auto cs = rtt(*c).getShape();
  return defineResult(n, buildReshape(n, *c, {cs[0], cs[1], cs[3]}, false));
}
