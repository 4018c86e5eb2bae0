//===- ConvertOctetToLinalg.cpp - octet graph ops to linalg on integers ----===//
//
// Lowers octet ops to linalg.generic, tensor and arith/math ops. Quantized
// tensors become tensors of their signless storage integers; quantized
// convolutions and matrix products accumulate in int32 with the zero points
// subtracted in the loop body and finish with a requantize epilogue:
//   onnx mode:        clamp(rint(float32(acc) * M) + y_zp), M = float32(s_x * s_w) / s_y
//   fixed-point mode: gemmlowp's rounding doubling high multiply and rounding shift
//
//===----------------------------------------------------------------------===//

#include "octet/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace mlir::octet {
#define GEN_PASS_DEF_CONVERTOCTETTOLINALG
#include "octet/Transforms/Passes.h.inc"
} // namespace mlir::octet

using namespace mlir;
using namespace mlir::octet;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// What a (possibly quantized) tensor type says about its elements.
struct QInfo {
  bool quantized = false;
  bool isSigned = true;
  unsigned width = 32;
  SmallVector<double> scales;
  SmallVector<int64_t> zps;
  std::optional<int32_t> axis;
  int64_t qmin = 0, qmax = 0;

  double scale(int64_t k) const { return scales[scales.size() == 1 ? 0 : k]; }
  int64_t zp(int64_t k) const { return zps[zps.size() == 1 ? 0 : k]; }
  bool allZeroPointsZero() const {
    return llvm::all_of(zps, [](int64_t z) { return z == 0; });
  }
};

QInfo qinfo(Type t) {
  QInfo q;
  if (auto qt = getQuantElementType(t)) {
    q.quantized = true;
    q.isSigned = qt.isSigned();
    q.width = qt.getStorageTypeIntegralWidth();
    q.scales = getQuantScales(t);
    q.zps = getQuantZeroPoints(t);
    q.axis = getQuantAxis(t);
    q.qmin = qt.getStorageTypeMin();
    q.qmax = qt.getStorageTypeMax();
    return q;
  }
  if (auto it = dyn_cast<IntegerType>(cast<ShapedType>(t).getElementType())) {
    q.isSigned = !it.isUnsigned();
    q.width = it.getWidth();
  }
  return q;
}

RankedTensorType rtt(Value v) { return cast<RankedTensorType>(v.getType()); }

Value cstF32(OpBuilder &b, Location loc, double v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr((float)v));
}
Value cstInt(OpBuilder &b, Location loc, int64_t v, Type t) {
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, v));
}

/// Extends a storage integer to i32 with its signedness.
Value toI32(OpBuilder &b, Location loc, Value v, bool isSigned) {
  auto it = cast<IntegerType>(v.getType());
  if (it.getWidth() == 32)
    return v;
  if (it.getWidth() > 32)
    return arith::TruncIOp::create(b, loc, b.getI32Type(), v);
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, b.getI32Type(), v);
  return arith::ExtUIOp::create(b, loc, b.getI32Type(), v);
}

/// Clamps a float to [lo, hi] and converts it to the integer type `to`.
Value clampToInt(OpBuilder &b, Location loc, Value f, double lo, double hi,
                 Type to) {
  f = arith::MaximumFOp::create(b, loc, f, cstF32(b, loc, lo));
  f = arith::MinimumFOp::create(b, loc, f, cstF32(b, loc, hi));
  Value i = arith::FPToSIOp::create(b, loc, b.getI32Type(), f);
  if (cast<IntegerType>(to).getWidth() < 32)
    i = arith::TruncIOp::create(b, loc, to, i);
  return i;
}

/// ONNX QuantizeLinear on one float: saturate(rint(x / scale) + zp).
/// saturate(rint(x / scale) + zp) with an i32 zero point value.
Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value scale, Value zpI32,
                     int64_t lo, int64_t hi, Type storage) {
  Value q = arith::DivFOp::create(b, loc, x, scale);
  q = math::RoundEvenOp::create(b, loc, q);
  q = arith::AddFOp::create(b, loc, q, arith::SIToFPOp::create(b, loc, b.getF32Type(), zpI32));
  return clampToInt(b, loc, q, (double)lo, (double)hi, storage);
}
Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value scale,
                     int64_t zp, int64_t lo, int64_t hi, Type storage) {
  Value q = arith::DivFOp::create(b, loc, x, scale);
  q = math::RoundEvenOp::create(b, loc, q);
  q = arith::AddFOp::create(b, loc, q, cstF32(b, loc, (double)zp));
  return clampToInt(b, loc, q, (double)lo, (double)hi, storage);
}

/// ONNX DequantizeLinear on one stored integer: float(q - zp) * scale.
Value dequantizeScalar(OpBuilder &b, Location loc, Value q, bool isSigned,
                       Value zp, Value scale) {
  Value i = toI32(b, loc, q, isSigned);
  i = arith::SubIOp::create(b, loc, i, zp);
  Value f = arith::SIToFPOp::create(b, loc, b.getF32Type(), i);
  return arith::MulFOp::create(b, loc, f, scale);
}

/// A 1-D f32 or i32 constant tensor.
Value vectorConstF32(OpBuilder &b, Location loc, ArrayRef<float> values) {
  auto t = RankedTensorType::get({(int64_t)values.size()}, b.getF32Type());
  return arith::ConstantOp::create(b, loc, t, DenseElementsAttr::get(t, values));
}
Value vectorConstI32(OpBuilder &b, Location loc, ArrayRef<int32_t> values) {
  auto t = RankedTensorType::get({(int64_t)values.size()}, b.getI32Type());
  return arith::ConstantOp::create(b, loc, t, DenseElementsAttr::get(t, values));
}

SmallVector<utils::IteratorType> parallel(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

/// Map from the result's iteration space to a broadcast operand of `shape`
/// (numpy rules: trailing alignment, size-1 dims read index 0).
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> shape,
                       ArrayRef<int64_t> out) {
  SmallVector<AffineExpr> exprs;
  int64_t off = out.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    exprs.push_back(shape[i] == 1 && out[i + off] != 1
                        ? getAffineConstantExpr(0, ctx)
                        : getAffineDimExpr(i + off, ctx));
  return AffineMap::get(out.size(), 0, exprs, ctx);
}

/// Map to a vector indexed by dimension `dim` of a rank-`rank` space.
AffineMap channelMap(MLIRContext *ctx, unsigned rank, unsigned dim) {
  return AffineMap::get(rank, 0, {getAffineDimExpr(dim, ctx)}, ctx);
}

Value emptyLike(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type el) {
  return tensor::EmptyOp::create(b, loc, shape, el);
}

/// Elementwise linalg.generic over `out` with broadcast inputs.
Value elementwise(OpBuilder &b, Location loc, ArrayRef<int64_t> outShape,
                  Type outEl, ValueRange inputs,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> body,
                  ArrayRef<AffineMap> extraMaps = {}) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  size_t plain = inputs.size() - extraMaps.size();
  for (size_t k = 0; k < plain; ++k)
    maps.push_back(broadcastMap(ctx, rtt(inputs[k]).getShape(), outShape));
  maps.append(extraMaps.begin(), extraMaps.end());
  maps.push_back(AffineMap::getMultiDimIdentityMap(outShape.size(), ctx));
  Value init = emptyLike(b, loc, outShape, outEl);
  auto g = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      parallel(outShape.size()),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value r = body(nb, nl, args.drop_back());
        linalg::YieldOp::create(nb, nl, r);
      });
  return g.getResult(0);
}

/// The per-channel (or per-tensor) scale as a tensor input and its map for
/// an elementwise op over `shape`; per-tensor scales become constants.
struct ScaleOperand {
  Value tensor;      // null for per-tensor
  AffineMap map;     // valid when tensor is set
  float scalar = 0;  // per-tensor scale
  int64_t zpScalar = 0;
  Value zpTensor;    // i32 zero points, per-axis only
};

ScaleOperand scaleOperand(OpBuilder &b, Location loc, const QInfo &q,
                          unsigned rank) {
  ScaleOperand s;
  if (!q.axis) {
    s.scalar = (float)q.scales[0];
    s.zpScalar = q.zps[0];
    return s;
  }
  SmallVector<float> scales(q.scales.begin(), q.scales.end());
  SmallVector<int32_t> zps(q.zps.begin(), q.zps.end());
  s.tensor = vectorConstF32(b, loc, scales);
  s.zpTensor = vectorConstI32(b, loc, zps);
  s.map = channelMap(b.getContext(), rank, *q.axis);
  return s;
}

/// Low and high pads for the spatial dims of an NCHW tensor.
Value padNCHW(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
              int64_t extraH, int64_t extraW, Value padValue) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }) && !extraH && !extraW)
    return x;
  auto t = rtt(x);
  SmallVector<int64_t> shape(t.getShape());
  shape[2] += pads[0] + pads[2] + extraH;
  shape[3] += pads[1] + pads[3] + extraW;
  SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(0),
                                   b.getIndexAttr(pads[0]), b.getIndexAttr(pads[1])};
  SmallVector<OpFoldResult> high = {b.getIndexAttr(0), b.getIndexAttr(0),
                                    b.getIndexAttr(pads[2] + extraH),
                                    b.getIndexAttr(pads[3] + extraW)};
  return tensor::PadOp::create(b, loc, t.clone(shape), x, low, high, padValue);
}

LogicalResult requireStatic(Operation *op, PatternRewriter &rewriter) {
  for (Type t : llvm::concat<const Type>(op->getOperandTypes(), op->getResultTypes()))
    if (auto st = dyn_cast<ShapedType>(t); st && !st.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes need --input-shape");
  return success();
}

/// Activation bounds on the quantized grid of the result.
void quantActivationBounds(StringRef act, std::optional<float> lo,
                           std::optional<float> hi, const QInfo &y,
                           double &qlo, double &qhi) {
  qlo = y.qmin;
  qhi = y.qmax;
  auto q = [&](double v) {
    return std::nearbyint((float)v / (float)y.scales[0]) + (double)y.zps[0];
  };
  if (act == "relu" || act == "relu6")
    qlo = std::max(qlo, q(0.0));
  if (act == "relu6")
    qhi = std::min(qhi, q(6.0));
  if (act == "clamp") {
    if (lo)
      qlo = std::max(qlo, q(*lo));
    if (hi)
      qhi = std::min(qhi, q(*hi));
  }
}

/// Applies a float activation.
Value floatActivation(OpBuilder &b, Location loc, Value v, StringRef act,
                      std::optional<float> lo, std::optional<float> hi) {
  if (act == "relu" || act == "relu6")
    v = arith::MaximumFOp::create(b, loc, v, cstF32(b, loc, 0.0));
  if (act == "relu6")
    v = arith::MinimumFOp::create(b, loc, v, cstF32(b, loc, 6.0));
  if (act == "clamp") {
    if (lo)
      v = arith::MaximumFOp::create(b, loc, v, cstF32(b, loc, *lo));
    if (hi)
      v = arith::MinimumFOp::create(b, loc, v, cstF32(b, loc, *hi));
  }
  return v;
}

std::optional<float> optF(std::optional<APFloat> a) {
  if (!a)
    return std::nullopt;
  return a->convertToFloat();
}

/// Fixed-point requantization parameters per channel: M = m0 * 2^-shift
/// with m0 a Q31 multiplier in [2^30, 2^31) (shift < 0 is a left shift).
void fixedPointParams(const QInfo &x, const QInfo &w, const QInfo &y, int64_t channels,
                      SmallVectorImpl<int32_t> &mult, SmallVectorImpl<int32_t> &shift) {
  for (int64_t k = 0; k < channels; ++k) {
    double real = x.scales[0] * w.scale(k) / y.scales[0];
    int exp = 0;
    double frac = std::frexp(real, &exp); // real = frac * 2^exp, frac in [0.5, 1)
    int64_t q = (int64_t)std::llround(frac * (double)(1ll << 31));
    if (q == (1ll << 31)) {
      q /= 2;
      ++exp;
    }
    mult.push_back((int32_t)q);
    shift.push_back(-exp);
  }
}

/// gemmlowp/TFLite requantization of int32 `acc` (a scalar or a vector, with
/// `m0` and `sh` of the same shape): RoundingDivideByPOT(
/// SaturatingRoundingDoublingHighMul(acc << left, m0), right) + zp, clamped
/// to [lo, hi]; the result is int32. Without `anyLeft` (`anyRight`) no
/// shift is negative (positive), and that step is left out.
Value fixedPointRequant(OpBuilder &nb, Location nl, Value accv, Value m0, Value sh, int64_t zp,
                        double lo, double hi, bool anyLeft, bool anyRight,
                        bool addZpAndClamp = true, bool roundByAdd = false) {
  Type t32 = accv.getType();
  Type i64 = nb.getI64Type(), t64 = i64;
  if (auto vt = dyn_cast<VectorType>(t32))
    t64 = VectorType::get(vt.getShape(), i64);
  auto c = [&](int64_t v, Type t) -> Value {
    Type el = getElementTypeOrSelf(t);
    if (auto vt = dyn_cast<VectorType>(t))
      return arith::ConstantOp::create(
          nb, nl, vt, DenseElementsAttr::get(vt, nb.getIntegerAttr(el, v)));
    return cstInt(nb, nl, v, t);
  };
  // Left shifts (shift < 0, multipliers of 1 and more) are applied to the
  // accumulator first, saturating to int32 (gemmlowp's int32 shift would
  // wrap around, which is undefined behaviour in C).
  Value zero = c(0, t32), one = c(1, t32);
  if (anyLeft) {
    Value left = arith::MaxSIOp::create(nb, nl, arith::SubIOp::create(nb, nl, zero, sh), zero);
    left = arith::MinSIOp::create(nb, nl, left, c(32, t32));
    Value a64 = arith::ShLIOp::create(nb, nl, arith::ExtSIOp::create(nb, nl, t64, accv),
                                      arith::ExtSIOp::create(nb, nl, t64, left));
    a64 = arith::MaxSIOp::create(nb, nl, a64, c(INT32_MIN, t64));
    a64 = arith::MinSIOp::create(nb, nl, a64, c(INT32_MAX, t64));
    accv = arith::TruncIOp::create(nb, nl, t32, a64);
  }
  // SaturatingRoundingDoublingHighMul(acc, m0): gemmlowp adds 2^30 (1 - 2^30
  // for a negative product) and divides by 2^31 toward zero, which is
  // (p + 2^30) >> 31 with an arithmetic shift in both cases (for p < 0,
  // trunc((p + 1 - 2^30) / 2^31) = floor((p + 2^30) / 2^31)). m0 > 0, so
  // the saturating case (both INT32_MIN) cannot occur.
  Value h32;
  auto vt32 = dyn_cast<VectorType>(t32);
  if (vt32 && vt32.getRank() == 1 && vt32.getDimSize(0) % 2 == 0) {
    // Vectors: the even and odd lanes as the two halves of 64-bit lanes,
    // each a 32 x 32 -> 64-bit signed product (vpmuldq, instead of
    // widening every lane), rounded and shifted so that the even results
    // land in the low and the odd ones in the high halves, then merged.
    int64_t half = vt32.getDimSize(0) / 2;
    auto v64 = VectorType::get({half}, i64);
    auto lo32 = [&](Value v) -> Value { // sign-extended low halves
      Value w = vector::BitCastOp::create(nb, nl, v64, v);
      return arith::ShRSIOp::create(nb, nl, arith::ShLIOp::create(nb, nl, w, c(32, v64)),
                                    c(32, v64));
    };
    auto hi32 = [&](Value v) -> Value { // sign-extended high halves
      return arith::ShRSIOp::create(nb, nl, vector::BitCastOp::create(nb, nl, v64, v),
                                    c(32, v64));
    };
    Value rnd = c(1ll << 30, v64);
    Value pe = arith::AddIOp::create(
        nb, nl, arith::MulIOp::create(nb, nl, lo32(accv), lo32(m0)), rnd);
    Value po = arith::AddIOp::create(
        nb, nl, arith::MulIOp::create(nb, nl, hi32(accv), hi32(m0)), rnd);
    // (p + 2^30) >> 31 in the low half (even lanes), in the high half by a
    // left shift of 1 (odd lanes); only those 32 bits are kept.
    Value he = vector::BitCastOp::create(nb, nl, t32,
                                         arith::ShRUIOp::create(nb, nl, pe, c(31, v64)));
    Value ho = vector::BitCastOp::create(nb, nl, t32,
                                         arith::ShLIOp::create(nb, nl, po, c(1, v64)));
    SmallVector<int64_t> pick;
    for (int64_t l = 0; l < 2 * half; ++l)
      pick.push_back(l % 2 ? 2 * half + l : l);
    h32 = vector::ShuffleOp::create(nb, nl, he, ho, pick);
  } else {
    Value p = arith::MulIOp::create(nb, nl, arith::ExtSIOp::create(nb, nl, t64, accv),
                                    arith::ExtSIOp::create(nb, nl, t64, m0));
    Value hv = arith::ShRSIOp::create(
        nb, nl, arith::AddIOp::create(nb, nl, p, c(1ll << 30, t64)), c(31, t64));
    h32 = arith::TruncIOp::create(nb, nl, t32, hv);
  }
  // RoundingDivideByPOT(h32, right).
  Value r = h32;
  if (anyRight && roundByAdd) {
    // Every shift is at least 1 and |h| + 2^(shift - 1) fits in int32 (the
    // caller bounds the accumulators): RoundingDivideByPOT as one rounding
    // addition, (h + 2^(shift - 1) - (h < 0)) >> shift, which rounds half
    // away from zero as gemmlowp's remainder test does.
    Value halfUp = arith::ShLIOp::create(nb, nl, one, arith::SubIOp::create(nb, nl, sh, one));
    Value negm = arith::ShRSIOp::create(nb, nl, h32, c(31, t32)); // -1 where h < 0
    Value t = arith::AddIOp::create(nb, nl, arith::AddIOp::create(nb, nl, h32, halfUp), negm);
    r = arith::ShRSIOp::create(nb, nl, t, sh);
  } else if (anyRight) {
    Value right = arith::MaxSIOp::create(nb, nl, sh, zero);
    Value mask = arith::SubIOp::create(nb, nl, arith::ShLIOp::create(nb, nl, one, right), one);
    Value rem = arith::AndIOp::create(nb, nl, h32, mask);
    Value half = arith::ShRSIOp::create(nb, nl, mask, one);
    Value negH = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt, h32, zero);
    Value thr = arith::AddIOp::create(nb, nl, half, arith::ExtUIOp::create(nb, nl, t32, negH));
    Value shifted = arith::ShRSIOp::create(nb, nl, h32, right);
    Value up = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::sgt, rem, thr);
    r = arith::AddIOp::create(nb, nl, shifted, arith::ExtUIOp::create(nb, nl, t32, up));
  }
  if (!addZpAndClamp)
    return r;
  r = arith::AddIOp::create(nb, nl, r, c(zp, t32));
  r = arith::MaxSIOp::create(nb, nl, r, c((int64_t)lo, t32));
  return arith::MinSIOp::create(nb, nl, r, c((int64_t)hi, t32));
}

/// The requantize epilogue of a quantized conv or matrix product: `acc` is
/// the int32 accumulator (bias included), indexed by `outShape`, with the
/// output channel at dimension `chDim`.
Value requantizeEpilogue(OpBuilder &b, Location loc, Value acc,
                         ArrayRef<int64_t> outShape, unsigned chDim,
                         const QInfo &x, const QInfo &w, Type resultType,
                         StringRef act, std::optional<float> lo,
                         std::optional<float> hi, bool fixedPoint,
                         AffineMap accMap = {}) {
  MLIRContext *ctx = b.getContext();
  // Reads of the accumulator: identity, or `accMap` from a differently
  // laid out accumulator (the VNNI kernel's [pixels, channels]).
  auto run = [&](Type el, SmallVector<Value> ins, SmallVector<AffineMap> maps,
                 function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
    if (!accMap)
      return elementwise(b, loc, outShape, el, ins, body, maps);
    maps.insert(maps.begin(), accMap);
    return elementwise(b, loc, outShape, el, ins, body, maps);
  };
  int64_t channels = outShape[chDim];
  QInfo y = qinfo(resultType);
  auto resultEl = cast<RankedTensorType>(resultType).getElementType();
  // Dequantizing product: float(acc) * s_x * s_w[k].
  if (!y.quantized) {
    SmallVector<float> m;
    for (int64_t k = 0; k < channels; ++k)
      m.push_back((float)x.scales[0] * (float)w.scale(k));
    Value mt = vectorConstF32(b, loc, m);
    return run(
        resultEl, {acc, mt}, {channelMap(ctx, outShape.size(), chDim)},
        [&](OpBuilder &nb, Location nl, ValueRange a) {
          Value f = arith::SIToFPOp::create(nb, nl, nb.getF32Type(), a[0]);
          f = arith::MulFOp::create(nb, nl, f, a[1]);
          return floatActivation(nb, nl, f, act, lo, hi);
        });
  }
  double qlo, qhi;
  quantActivationBounds(act, lo, hi, y, qlo, qhi);
  Type storage = IntegerType::get(ctx, y.width);
  if (!fixedPoint) {
    SmallVector<float> m;
    for (int64_t k = 0; k < channels; ++k)
      m.push_back((float)((float)x.scales[0] * (float)w.scale(k)) / (float)y.scales[0]);
    Value mt = vectorConstF32(b, loc, m);
    return run(
        storage, {acc, mt}, {channelMap(ctx, outShape.size(), chDim)},
        [&](OpBuilder &nb, Location nl, ValueRange a) {
          Value f = arith::SIToFPOp::create(nb, nl, nb.getF32Type(), a[0]);
          f = arith::MulFOp::create(nb, nl, f, a[1]);
          f = math::RoundEvenOp::create(nb, nl, f);
          f = arith::AddFOp::create(nb, nl, f, cstF32(nb, nl, (double)y.zps[0]));
          return clampToInt(nb, nl, f, qlo, qhi, storage);
        });
  }
  SmallVector<int32_t> mult, shift;
  fixedPointParams(x, w, y, channels, mult, shift);
  bool anyLeft = llvm::any_of(shift, [](int32_t v) { return v < 0; });
  bool anyRight = llvm::any_of(shift, [](int32_t v) { return v > 0; });
  Value mt = vectorConstI32(b, loc, mult), st = vectorConstI32(b, loc, shift);
  auto chMap = channelMap(ctx, outShape.size(), chDim);
  return run(storage, {acc, mt, st}, {chMap, chMap},
             [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
               Value r = fixedPointRequant(nb, nl, a[0], a[1], a[2], y.zps[0], qlo, qhi,
                                           anyLeft, anyRight);
               if (y.width < 32)
                 r = arith::TruncIOp::create(nb, nl, storage, r);
               return r;
             });
}

/// The weight's zero points are per tensor, or one per output channel along
/// the channel axis (the last with `channelInner`, else the first).
static bool weightZpsPerChannel(Value weight, const QInfo &w, int64_t channels,
                                bool channelInner) {
  if (w.zps.size() == 1 || w.allZeroPointsZero())
    return true;
  int64_t rank = cast<RankedTensorType>(weight.getType()).getRank();
  return (int64_t)w.zps.size() == channels && w.axis &&
         *w.axis == (channelInner ? rank - 1 : 0);
}

/// With a constant weight whose zero points are all 0, the input zero point
/// comes out of the loop: sum (x - x_zp) w = sum x w - x_zp sum w. The
/// correction folds into the int32 bias, so the hot loop multiplies raw
/// u8/s8 values (what VNNI's vpdpbusd computes). `perChannel` elements of
/// the weight, in its layout, belong to channel k at [k * perChannel, ...)
/// unless `channelStride` says otherwise.
static std::optional<SmallVector<int32_t>>
foldedBiasValues(Value weight, Value bias, const QInfo &x, const QInfo &w, int64_t channels,
                 bool channelInner, int64_t extraZp = 0) {
  if (!x.quantized || !weightZpsPerChannel(weight, w, channels, channelInner))
    return std::nullopt;
  auto c = readConstant(weight);
  if (!c || c->isFloat)
    return std::nullopt;
  // Sums of the weight minus its zero points: sum (x - x_zp)(w - w_zp) =
  // sum x (w - w_zp) - x_zp sum (w - w_zp).
  std::vector<int64_t> sums(channels, 0);
  int64_t n = c->numElements();
  for (int64_t i = 0; i < n; ++i) {
    int64_t k = channelInner ? i % channels : i / (n / channels);
    sums[k] += c->i[i] - w.zp(k);
  }
  std::vector<int64_t> biasVals(channels, 0);
  if (bias) {
    auto bc = readConstant(bias);
    if (!bc || bc->isFloat)
      return std::nullopt;
    for (int64_t k = 0; k < channels; ++k)
      biasVals[k] = bc->i[bc->numElements() == 1 ? 0 : k];
  }
  SmallVector<int32_t> out;
  for (int64_t k = 0; k < channels; ++k) {
    int64_t v = biasVals[k] - (x.zps[0] + extraZp) * sums[k];
    if (v < INT32_MIN || v > INT32_MAX)
      return std::nullopt;
    out.push_back((int32_t)v);
  }
  return out;
}

static std::optional<Value> foldedBias(OpBuilder &b, Location loc, Value weight,
                                       Value bias, const QInfo &x, const QInfo &w,
                                       int64_t channels, bool channelInner,
                                       int64_t extraZp = 0) {
  auto v = foldedBiasValues(weight, bias, x, w, channels, channelInner, extraZp);
  if (!v)
    return std::nullopt;
  return vectorConstI32(b, loc, *v);
}

//===----------------------------------------------------------------------===//
// AVX-512 VNNI matrix product
//===----------------------------------------------------------------------===//

/// The body of a multiply-accumulate generic: acc += x * w, on int32 with
/// the input zero point (unless folded into the bias) and per-channel weight
/// zero points (`a[2]`, when `wzp`) subtracted, or on floats.
void macBody(OpBuilder &b, Location l, ValueRange a, const QInfo &x, const QInfo &w,
             bool quant, bool zpFolded, bool wzp) {
  if (quant) {
    Value xi = toI32(b, l, a[0], x.isSigned);
    if (!zpFolded)
      xi = arith::SubIOp::create(b, l, xi, cstInt(b, l, x.zps[0], b.getI32Type()));
    Value wi = toI32(b, l, a[1], w.isSigned);
    if (wzp)
      wi = arith::SubIOp::create(b, l, wi, a[2]);
    Value prod = arith::MulIOp::create(b, l, xi, wi);
    linalg::YieldOp::create(b, l, arith::AddIOp::create(b, l, a.back(), prod).getResult());
    return;
  }
  // Float sums may be reassociated so that the reduction vectorizes (the
  // tests hold float models to 1e-4 of ONNX Runtime, not bit-exactness).
  auto fm = arith::FastMathFlagsAttr::get(
      b.getContext(), arith::FastMathFlags::reassoc | arith::FastMathFlags::contract);
  Value prod = arith::MulFOp::create(b, l, a[0], a[1], fm);
  linalg::YieldOp::create(b, l, arith::AddFOp::create(b, l, a.back(), prod, fm).getResult());
}

/// Requantization fused into the VNNI kernel (ONNX Runtime's rule):
/// out = clamp(rint(float32(acc) * mult[n]) + zp, lo, hi) in the 8-bit
/// storage type, computed on the accumulators in registers.
struct VnniEpilogue {
  std::vector<float> mult;
  double zp = 0, lo = 0, hi = 0;
  /// Whether the 8-bit result is signed (lo and hi are in its storage range).
  bool outSigned = true;
  /// gemmlowp fixed point instead: Q31 multipliers and shifts per channel.
  bool fixedPoint = false;
  SmallVector<int32_t> m0, shift;

  /// The per-channel parameter tensors (f32 multipliers, or i32 m0 and shift),
  /// padded with zeros to `channels`.
  SmallVector<Value> constants(OpBuilder &b, Location loc, int64_t channels) const {
    if (!fixedPoint) {
      SmallVector<float> m(mult.begin(), mult.end());
      m.resize(channels, 0.0f);
      return {vectorConstF32(b, loc, m)};
    }
    SmallVector<int32_t> a(m0), s(shift);
    a.resize(channels, 0);
    s.resize(channels, 0);
    return {vectorConstI32(b, loc, a), vectorConstI32(b, loc, s)};
  }
  /// The 16-lane parameter vectors of channels [c, c + 16) (`perLane`) or of
  /// channel c broadcast.
  SmallVector<Value> vectors(OpBuilder &b, Location loc, ArrayRef<Value> consts, Value c,
                             bool perLane) const {
    SmallVector<Value> out;
    for (Value t : consts) {
      Type el = rtt(t).getElementType();
      auto vt = VectorType::get({16}, el);
      if (perLane) {
        Value pad = isa<FloatType>(el)
                        ? (Value)arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f))
                        : cstInt(b, loc, 0, el);
        out.push_back(vector::TransferReadOp::create(b, loc, vt, t, ValueRange{c}, pad,
                                                     ArrayRef<bool>{true}));
      } else {
        out.push_back(vector::BroadcastOp::create(
            b, loc, vt, tensor::ExtractOp::create(b, loc, t, ValueRange{c})));
      }
    }
    return out;
  }
};

Value cstIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// scf.for over constant bounds [lo, hi) carrying `init`; `body` gets the
/// induction variable and the carried values and returns the next ones.
SmallVector<Value>
constLoop(OpBuilder &b, Location loc, int64_t lo, int64_t hi, int64_t step, ValueRange init,
          function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)> body) {
  auto f = scf::ForOp::create(b, loc, cstIndex(b, loc, lo), cstIndex(b, loc, hi),
                              cstIndex(b, loc, step), init,
                              [&](OpBuilder &ib, Location il, Value iv, ValueRange args) {
                                scf::YieldOp::create(ib, il, body(ib, il, iv, args));
                              });
  return SmallVector<Value>(f.getResults());
}

/// Requantization of 16 int32 accumulators with per-lane parameters
/// (`params` from VnniEpilogue::vectors) as 16 bytes: ONNX's
/// clamp(rint(acc * mult) + zp), or gemmlowp's fixed point.
Value vnniRequant(OpBuilder &b, Location loc, Value acc, ArrayRef<Value> params,
                  const VnniEpilogue &e) {
  if (e.fixedPoint) {
    Value r = fixedPointRequant(b, loc, acc, params[0], params[1], (int64_t)e.zp, e.lo, e.hi,
                                llvm::any_of(e.shift, [](int32_t v) { return v < 0; }),
                                llvm::any_of(e.shift, [](int32_t v) { return v > 0; }));
    return arith::TruncIOp::create(b, loc, VectorType::get({16}, b.getI8Type()), r);
  }
  Value mult = params[0];
  auto f16 = VectorType::get({16}, b.getF32Type());
  auto splat = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc, f16, DenseElementsAttr::get(f16, (float)v));
  };
  Value f = arith::SIToFPOp::create(b, loc, f16, acc);
  f = arith::MulFOp::create(b, loc, f, mult);
  f = math::RoundEvenOp::create(b, loc, f);
  f = arith::AddFOp::create(b, loc, f, splat(e.zp));
  // acc * mult is finite (int32 times a finite float), so the clamp needs no
  // NaN handling: plain vmaxps / vminps.
  auto nnan = arith::FastMathFlagsAttr::get(b.getContext(), arith::FastMathFlags::nnan);
  f = arith::MaximumFOp::create(b, loc, f, splat(e.lo), nnan);
  f = arith::MinimumFOp::create(b, loc, f, splat(e.hi), nnan);
  Value i = arith::FPToSIOp::create(b, loc, VectorType::get({16}, b.getI32Type()), f);
  return arith::TruncIOp::create(b, loc, VectorType::get({16}, b.getI8Type()), i);
}

/// A bound on |acc| for output channel f of a product over k values of u8
/// inputs with weights w[f * k ..] (w - w_zp) and int32 bias:
/// |bias| + 255 * sum |w|.
static double accumulatorBound(ArrayRef<int64_t> w, int64_t f, int64_t k,
                               ArrayRef<int32_t> bias) {
  double sum = 0;
  for (int64_t kk = 0; kk < k; ++kk)
    sum += std::abs((double)w[f * k + kk]);
  return std::abs((double)bias[f]) + 255.0 * sum;
}

/// Whether float32(acc) * mult can reach 2^31 for some channel, bounding
/// |acc| by |bias| + 255 * sum |w| (w n-major [N, K]): then the rounding
/// conversion (which gives INT32_MIN past 2^31) needs the product clamped.
static bool productMayOverflow(const VnniEpilogue &e, ArrayRef<int64_t> w, int64_t n,
                               int64_t k, ArrayRef<int32_t> bias) {
  if (e.fixedPoint)
    return false;
  for (int64_t f = 0; f < n; ++f) {
    double bound = accumulatorBound(w, f, k, bias) * std::abs((double)e.mult[f]);
    if (!(bound < 2147483520.0 * 0.999))
      return true;
  }
  return false;
}

/// Whether fixed-point requantization may round its right shift by one
/// addition (fixedPointRequant's roundByAdd): every shift is at least 1 and
/// |acc| + 2^(shift - 1) stays below 2^31 (accumulatorBound; the high
/// multiply by m0 < 2^31 cannot grow it).
static bool fixedPointRoundsByAdd(const VnniEpilogue &e, ArrayRef<int64_t> w, int64_t n,
                                  int64_t k, ArrayRef<int32_t> bias) {
  if (!e.fixedPoint)
    return false;
  for (int64_t f = 0; f < n; ++f) {
    if (e.shift[f] < 1 || e.shift[f] > 31)
      return false;
    double bound = accumulatorBound(w, f, k, bias) + std::ldexp(1.0, e.shift[f] - 1);
    if (!(bound < 2147483647.0 - 2.0))
      return false;
  }
  return true;
}

/// Requantization of four vectors of 16 int32 accumulators (`params[k]`
/// from VnniEpilogue::vectors for accs[k]) as 64 bytes in the order
/// accs[0] .. accs[3]. ONNX's rule runs as vcvtdq2ps, vmulps and a rounding
/// vcvtps2dq (round half to even); then two vpackssdw, the zero point added
/// in int16 with saturation (vpaddsw), a vpackuswb / vpacksswb (whose
/// saturation is the type's clamp) and one vpermd that undoes the packs'
/// interleaving of 128-bit lanes. Narrower activation bounds are applied on
/// the 64 bytes. About half the instructions of four vnniRequant calls.
/// `guard` clamps products that may reach 2^31 (productMayOverflow).
static Value vnniRequant4(OpBuilder &b, Location loc, ArrayRef<Value> accs,
                          ArrayRef<SmallVector<Value>> params, const VnniEpilogue &e,
                          bool guard, bool roundByAdd = false) {
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  auto d16 = VectorType::get({16}, i32), f16 = VectorType::get({16}, b.getF32Type()),
       b64 = VectorType::get({64}, i8);
  SmallVector<Value> ints;
  for (int64_t k = 0; k < 4; ++k) {
    if (e.fixedPoint) { // the zero point is added and [lo, hi] applied below
      ints.push_back(fixedPointRequant(
          b, loc, accs[k], params[k][0], params[k][1], (int64_t)e.zp, e.lo, e.hi,
          llvm::any_of(e.shift, [](int32_t v) { return v < 0; }),
          llvm::any_of(e.shift, [](int32_t v) { return v > 0; }), /*addZpAndClamp=*/false,
          roundByAdd));
      continue;
    }
    Value f = arith::SIToFPOp::create(b, loc, f16, accs[k]);
    f = arith::MulFOp::create(b, loc, f, params[k][0]);
    if (guard)
      f = arith::MinimumFOp::create(
          b, loc, f,
          arith::ConstantOp::create(b, loc, f16, DenseElementsAttr::get(f16, 2147483520.0f)),
          arith::FastMathFlagsAttr::get(b.getContext(), arith::FastMathFlags::nnan));
    ints.push_back(RoundToIntOp::create(b, loc, d16, f));
  }
  Value bytes = NarrowSat4Op::create(b, loc, b64, ints[0], ints[1], ints[2], ints[3],
                                     (int64_t)e.zp, e.outSigned);
  // Bounds outside the storage range (a clamp beyond what the type holds)
  // are pinned to it; max then min, as the float clamp did.
  double tmin = e.outSigned ? -128 : 0, tmax = e.outSigned ? 127 : 255;
  double lo = std::min(std::max(e.lo, tmin), tmax), hi = std::min(std::max(e.hi, tmin), tmax);
  auto splat = [&](double v) -> Value {
    return arith::ConstantOp::create(
        b, loc, b64, DenseElementsAttr::get(b64, b.getIntegerAttr(i8, (int8_t)(int64_t)v)));
  };
  if (lo > tmin)
    bytes = e.outSigned ? (Value)arith::MaxSIOp::create(b, loc, bytes, splat(lo))
                        : (Value)arith::MaxUIOp::create(b, loc, bytes, splat(lo));
  if (hi < tmax)
    bytes = e.outSigned ? (Value)arith::MinSIOp::create(b, loc, bytes, splat(hi))
                        : (Value)arith::MinUIOp::create(b, loc, bytes, splat(hi));
  return bytes;
}

/// The register-tiled product behind vnniMatmul and floatMatmul: int8 with
/// `w`/`bias`, or f32 with `fw`/`fbias` (one FMA per accumulator and element
/// of K, weight packed [N/16][K][16]).
static Value tiledProduct(OpBuilder &b, Location loc, Value a, bool aSigned,
                          const std::vector<int64_t> *w, const std::vector<double> *fw,
                          int64_t n, int64_t k, ArrayRef<int32_t> bias, ArrayRef<float> fbias,
                          const VnniEpilogue *epi) {
  bool isFloat = fw != nullptr;
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
  Type accEl = isFloat ? f32 : i32;
  int64_t m = rtt(a).getDimSize(0);
  int64_t kp = isFloat ? k : (k + 3) / 4 * 4, np = (n + 15) / 16 * 16;
  if (aSigned) // s8 -> u8 by adding 128 (the bias carries the correction)
    a = elementwise(b, loc, rtt(a).getShape(), i8, {a},
                    [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
                      return arith::XOrIOp::create(nb, l, v[0], cstInt(nb, l, -128, i8));
                    });
  if (kp != k) {
    SmallVector<OpFoldResult> lo = {b.getIndexAttr(0), b.getIndexAttr(0)},
                              hi = {b.getIndexAttr(0), b.getIndexAttr(kp - k)};
    a = tensor::PadOp::create(b, loc, RankedTensorType::get({m, kp}, i8), a, lo, hi,
                              cstInt(b, loc, 0, i8));
  }
  // Packed weight, padded bias and multipliers.
  ConstTensor packed;
  Value biasT;
  if (isFloat) {
    packed.isFloat = true;
    packed.shape = {np / 16, k, 16};
    packed.f.assign(np * k, 0.0);
    for (int64_t nn = 0; nn < n; ++nn)
      for (int64_t kk = 0; kk < k; ++kk)
        packed.f[((nn / 16) * k + kk) * 16 + nn % 16] = (*fw)[nn * k + kk];
    SmallVector<float> bp(fbias.begin(), fbias.end());
    bp.resize(np, 0.0f);
    biasT = vectorConstF32(b, loc, bp);
  } else {
    packed.shape = {np / 16, kp / 4, 64};
    packed.i.assign(np * kp, 0);
    for (int64_t nn = 0; nn < n; ++nn)
      for (int64_t kk = 0; kk < k; ++kk)
        packed.i[((nn / 16) * (kp / 4) + kk / 4) * 64 + (nn % 16) * 4 + kk % 4] =
            (*w)[nn * k + kk];
    SmallVector<int32_t> biasPadded(bias.begin(), bias.end());
    biasPadded.resize(np, 0);
    biasT = vectorConstI32(b, loc, biasPadded);
  }
  auto pT = RankedTensorType::get(packed.shape, isFloat ? f32 : i8);
  Value bp = arith::ConstantOp::create(b, loc, pT, cast<TypedAttr>(packed.write(pT)));
  SmallVector<Value> epiT;
  bool guard = false, roundByAdd = false;
  if (epi) {
    epiT = epi->constants(b, loc, np);
    guard = productMayOverflow(*epi, *w, n, k, bias);
    roundByAdd = fixedPointRoundsByAdd(*epi, *w, n, k, bias);
  }
  Type outEl = epi ? i8 : accEl;
  Value c = emptyLike(b, loc, {m, np}, outEl);

  auto idx = cstIndex;
  auto v16 = VectorType::get({16}, accEl), v64 = VectorType::get({64}, i8),
       v4 = VectorType::get({4}, i8), v1 = VectorType::get({1}, i32);
  // Rows [m0, m1) in blocks of `rows`, column blocks [nb0, nb1) of 16 in
  // groups of `cols`: rows x cols accumulators stay in registers.
  auto tileLoop = [&](Value cIn, int64_t m0, int64_t m1, int64_t rows, int64_t nb0,
                      int64_t nb1, int64_t cols) -> Value {
    if (m1 <= m0 || nb1 <= nb0)
      return cIn;
    // The tile at rows [mi, mi + rows) and column blocks [nbi, nbi + cols).
    auto tile = [&](OpBuilder &nb, Location nl, Value mi, Value nbi, Value cTile) -> Value {
      ValueRange nargs(cTile);
      {
        {
                SmallVector<Value> rowIdx, blk, colIdx, accs;
                Value pad32 = isFloat ? (Value)arith::ConstantOp::create(
                                            nb, nl, nb.getF32FloatAttr(0.0f))
                                      : cstInt(nb, nl, 0, i32);
                for (int64_t r = 0; r < rows; ++r)
                  rowIdx.push_back(arith::AddIOp::create(nb, nl, mi, idx(nb, nl, r)));
                for (int64_t j = 0; j < cols; ++j) {
                  blk.push_back(arith::AddIOp::create(nb, nl, nbi, idx(nb, nl, j)));
                  colIdx.push_back(arith::MulIOp::create(nb, nl, blk.back(), idx(nb, nl, 16)));
                }
                SmallVector<Value> biasVecs;
                for (int64_t j = 0; j < cols; ++j)
                  biasVecs.push_back(vector::TransferReadOp::create(
                      nb, nl, v16, biasT, ValueRange{colIdx[j]}, pad32, ArrayRef<bool>{true}));
                for (int64_t r = 0; r < rows; ++r)
                  for (int64_t j = 0; j < cols; ++j)
                    accs.push_back(biasVecs[j]);
                auto kloop = scf::ForOp::create(
                    nb, nl, idx(nb, nl, 0), idx(nb, nl, isFloat ? k : kp / 4), idx(nb, nl, 1),
                    accs, [&](OpBuilder &kb, Location kl, Value kq, ValueRange kargs) {
                      if (isFloat) {
                        // One FMA per accumulator: weight vectors times the
                        // broadcast element a[row][kq].
                        Value padf = arith::ConstantOp::create(kb, kl, kb.getF32FloatAttr(0.0f));
                        SmallVector<Value> wv, next;
                        for (int64_t j = 0; j < cols; ++j)
                          wv.push_back(vector::TransferReadOp::create(
                              kb, kl, v16, bp, ValueRange{blk[j], kq, idx(kb, kl, 0)}, padf,
                              ArrayRef<bool>{true}));
                        for (int64_t r = 0; r < rows; ++r) {
                          Value av = tensor::ExtractOp::create(kb, kl, a, ValueRange{rowIdx[r], kq});
                          Value ab = vector::BroadcastOp::create(kb, kl, v16, av);
                          for (int64_t j = 0; j < cols; ++j)
                            next.push_back(vector::FMAOp::create(kb, kl, ab, wv[j],
                                                                 kargs[r * cols + j]));
                        }
                        scf::YieldOp::create(kb, kl, next);
                        return;
                      }
                      Value pad8 = cstInt(kb, kl, 0, i8);
                      SmallVector<Value> bis;
                      for (int64_t j = 0; j < cols; ++j) {
                        Value bv = vector::TransferReadOp::create(
                            kb, kl, v64, bp, ValueRange{blk[j], kq, idx(kb, kl, 0)}, pad8,
                            ArrayRef<bool>{true});
                        bis.push_back(vector::BitCastOp::create(kb, kl, v16, bv));
                      }
                      Value k4 = arith::MulIOp::create(kb, kl, kq, idx(kb, kl, 4));
                      SmallVector<Value> next;
                      for (int64_t r = 0; r < rows; ++r) {
                        Value a4 = vector::TransferReadOp::create(
                            kb, kl, v4, a, ValueRange{rowIdx[r], k4}, pad8, ArrayRef<bool>{true});
                        Value a1 = vector::BitCastOp::create(kb, kl, v1, a4);
                        Value sc = vector::ExtractOp::create(kb, kl, a1, ArrayRef<int64_t>{0});
                        Value ab = vector::BroadcastOp::create(kb, kl, v16, sc);
                        for (int64_t j = 0; j < cols; ++j)
                          next.push_back(
                              Dot4Op::create(kb, kl, v16, kargs[r * cols + j], ab, bis[j]));
                      }
                      scf::YieldOp::create(kb, kl, next);
                    });
                SmallVector<SmallVector<Value>> params;
                if (epi)
                  for (int64_t j = 0; j < cols; ++j)
                    params.push_back(epi->vectors(nb, nl, epiT, colIdx[j], /*perLane=*/true));
                Value cur = nargs[0];
                if (epi && cols == 4) { // 64 contiguous bytes of each row
                  for (int64_t r = 0; r < rows; ++r) {
                    SmallVector<Value> four;
                    for (int64_t j = 0; j < 4; ++j)
                      four.push_back(kloop.getResult(r * cols + j));
                    Value v = vnniRequant4(nb, nl, four, params, *epi, guard, roundByAdd);
                    cur = vector::TransferWriteOp::create(nb, nl, v, cur,
                                                          ValueRange{rowIdx[r], colIdx[0]},
                                                          ArrayRef<bool>{true})
                              .getResult();
                  }
                  return cur;
                }
                for (int64_t r = 0; r < rows; ++r)
                  for (int64_t j = 0; j < cols; ++j) {
                    Value v = kloop.getResult(r * cols + j);
                    if (epi)
                      v = vnniRequant(nb, nl, v, params[j], *epi);
                    cur = vector::TransferWriteOp::create(nb, nl, v, cur,
                                                          ValueRange{rowIdx[r], colIdx[j]},
                                                          ArrayRef<bool>{true})
                              .getResult();
                  }
                return cur;
        }
      }
    };
    // Rows outer (a row block stays in L1 while the whole weight streams
    // past it) unless the packed weight is larger than half an L2 and the
    // activations are at most 2 MB: then column panels outer, so each
    // weight panel (64 columns x K) is loaded once and reused by every row.
    // Measured on znver4: 256x3072x768 1.51 -> 1.22 ms, 1024^3 unchanged.
    int64_t bytes = isFloat ? 4 : 1;
    bool panelsOuter = np * kp * bytes > (512 << 10) && m * kp * bytes <= (2048 << 10);
    auto loop = [&](OpBuilder &ob, Location l, int64_t lo, int64_t hi, int64_t step, Value init,
                    function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
      return constLoop(ob, l, lo, hi, step, ValueRange{init},
                       [&](OpBuilder &ib, Location il, Value iv, ValueRange args) {
                         return SmallVector<Value>{body(ib, il, iv, args[0])};
                       })[0];
    };
    if (panelsOuter)
      return loop(b, loc, nb0, nb1, cols, cIn, [&](OpBuilder &ob, Location l, Value nbi, Value c0) {
        return loop(ob, l, m0, m1, rows, c0, [&](OpBuilder &ib, Location il, Value mi, Value c1) {
          return tile(ib, il, mi, nbi, c1);
        });
      });
    return loop(b, loc, m0, m1, rows, cIn, [&](OpBuilder &ob, Location l, Value mi, Value c0) {
      return loop(ob, l, nb0, nb1, cols, c0, [&](OpBuilder &ib, Location il, Value nbi, Value c1) {
        return tile(ib, il, mi, nbi, c1);
      });
    });
  };
  // Column groups of 4, 2 and 1 blocks of 16.
  int64_t blocks = np / 16, blocks4 = blocks / 4 * 4, blocks2 = blocks / 2 * 2;
  blocks2 = std::max(blocks2, blocks4);
  // Narrower column groups take more rows, so that a tile still has 12-16
  // accumulators to cover the FMA / vpdpbusd latency (a 4 x 16 tile of a
  // 10-column layer ran at half speed); leftover rows in 4s, then 1s.
  auto colGroup = [&](Value cIn, int64_t nb0, int64_t nb1, int64_t cols) -> Value {
    int64_t rows = cols >= 4 ? 4 : cols == 2 ? 8 : 12;
    int64_t main = m / rows * rows, main4 = main + (m - main) / 4 * 4;
    cIn = tileLoop(cIn, 0, main, rows, nb0, nb1, cols);
    cIn = tileLoop(cIn, main, main4, 4, nb0, nb1, cols);
    return tileLoop(cIn, main4, m, 1, nb0, nb1, cols);
  };
  c = colGroup(c, 0, blocks4, 4);
  c = colGroup(c, blocks4, blocks2, 2);
  c = colGroup(c, blocks2, blocks, 1);
  if (np != n) {
    SmallVector<OpFoldResult> offs = {b.getIndexAttr(0), b.getIndexAttr(0)},
                              sizes = {b.getIndexAttr(m), b.getIndexAttr(n)},
                              strides = {b.getIndexAttr(1), b.getIndexAttr(1)};
    c = tensor::ExtractSliceOp::create(b, loc, RankedTensorType::get({m, n}, outEl), c, offs,
                                       sizes, strides);
  }
  return c;
}

/// C[M, N] = bias + A[M, K] x W^T, where W[N, K] is a constant int8 matrix
/// (`w`, n-major) and A holds u8 (or s8 values, shifted to u8 here; the
/// caller's bias carries the correction). The weight is packed at compile
/// time into [N/16][K/4][16 lanes][4 bytes]. The kernel keeps a 4 x 64 tile
/// of C (16 zmm accumulators, started from the bias) in registers and issues
/// one vpdpbusd (octet.dot4) per accumulator and 4-byte slice of K,
/// broadcasting the activation bytes. With `epi` the requantization runs on
/// the accumulators and C holds 8-bit results; otherwise int32.
Value vnniMatmul(OpBuilder &b, Location loc, Value a, bool aSigned,
                 const std::vector<int64_t> &w, int64_t n, int64_t k,
                 ArrayRef<int32_t> bias, const VnniEpilogue *epi) {
  return tiledProduct(b, loc, a, aSigned, &w, nullptr, n, k, bias, {}, epi);
}

/// C[M, N] = bias + A[M, K] x W^T in f32 for a constant W[N, K] (n-major):
/// a 4 x 64 tile of accumulators in registers, one FMA per accumulator and
/// element of K with the A element broadcast.
Value floatMatmul(OpBuilder &b, Location loc, Value a, const std::vector<double> &w, int64_t n,
                  int64_t k, ArrayRef<float> bias) {
  return tiledProduct(b, loc, a, false, nullptr, &w, n, k, {}, bias, nullptr);
}

/// Direct (implicit-GEMM) VNNI convolution for stride 1, from NCHW to NCHW.
///
/// The input is regrouped once into rows of S = IW + g pixels, where the
/// g = max(left, right pad) columns after each row's data serve as the right
/// padding of that row and the left padding of the next; the top and bottom
/// pad rows and a leading margin of g pixels are whole rows of the pad
/// value. Channels are grouped in quads, so that the layout is
/// [N, C/4, L pixels, 4]: 16 neighbouring pixels of one channel quad are 64
/// contiguous bytes (vpdpbusd's u8 operand). The regrouping reads 16 pixels
/// of four channels and interleaves them in registers.
///
/// Output pixels are computed on the same grid of S columns (pixel
/// p = y * S + x reads input p + i * dh * S + j * dw - left pad), so that
/// vectors of 16 pixels run across row ends and lose only (S - OW) / S of
/// their lanes. The weight dword (4 input channels of one output channel
/// and tap) is broadcast; a tile holds 4 output channels x 4 vectors of 16
/// pixels in 16 accumulators, requantized in registers. With rows of 16 or
/// more pixels the bytes go straight to NCHW with two masked stores per
/// vector (the part of the vector in each output row); narrower rows are
/// written on the grid and sliced.
///
/// Same-padded layers (OW = IW) use rows of IW pixels instead: a tap in the
/// side padding is a masked lane of the vpdpbusd (the padding's share,
/// zp * sum of w over that tap column, added back to those lanes), and each
/// output channel's 4 vectors are 64 contiguous NCHW bytes, requantized and
/// packed together (vnniRequant4). Images of up to 6 vectors are one tile.
///
/// `x` is the unpadded input, `pads` [top, left, bottom, right] and `zp` its
/// storage pad value; the result is [N, F, OH, OW] bytes.
///
/// The same kernel runs f32 convolutions (`DirectConvSpec::isFloat`): one
/// channel per pixel slot instead of a quad, zero padding, an FMA with the
/// weight broadcast, and the activation applied before the stores.
struct DirectConvSpec {
  bool isFloat = false;
  // int8 depthwise (one input channel per output channel): a byte per pixel
  // slot, products widened to int32 per tap instead of vpdpbusd.
  bool depthwise = false;
  // int8 (VNNI): input signedness and zero point, w - w_zp, folded bias and
  // the requantization.
  bool xSigned = false;
  int64_t zp = 0;
  const std::vector<int64_t> *w = nullptr;
  ArrayRef<int32_t> bias;
  const VnniEpilogue *epi = nullptr;
  // f32: weight, bias and the fused activation (none, relu, relu6, clamp).
  const std::vector<double> *fw = nullptr;
  ArrayRef<float> fbias;
  StringRef act = "none";
  std::optional<float> lo, hi;
  // Space-to-depth by (sh, sw): `x` is the padded input [N, C, H' sh, W' sw]
  // and the convolution runs on [N, C sh sw, H', W'] (channel
  // (c sh + a) sw + b = pixel (i sh + a, j sw + b) of channel c), read
  // straight from `x` by the regrouping; `pads` are then all 0.
  int64_t s2dH = 1, s2dW = 1;
  // Grouped (not depthwise): output channel f reads the cg = wShape[1]
  // input channels of its group, f / (F / groups); int8 needs cg % 4 == 0
  // (channel quads within a group).
  int64_t groups = 1;
};

static Value directConv(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                        ArrayRef<int64_t> wShape, ArrayRef<int64_t> outShape,
                        ArrayRef<int64_t> dil, const DirectConvSpec &spec) {
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
  bool isFloat = spec.isFloat, xSigned = spec.xSigned, dw = spec.depthwise;
  int64_t zp = spec.zp;
  static const std::vector<int64_t> noWeight;
  const std::vector<int64_t> &w = spec.w ? *spec.w : noWeight;
  ArrayRef<int32_t> bias = spec.bias;
  VnniEpilogue noEpi;
  const VnniEpilogue &epi = spec.epi ? *spec.epi : noEpi;
  // Element of the regrouped input and of the result, slots per pixel.
  Type el = isFloat ? f32 : i8;
  int64_t slot = isFloat || dw ? 1 : 4;
  MLIRContext *ctx = b.getContext();
  auto xs = rtt(x).getShape();
  int64_t sh2 = spec.s2dH, sw2 = spec.s2dW, phases = sh2 * sw2;
  bool s2d = phases > 1;
  int64_t nN = xs[0], cin = xs[1] * phases, ih = xs[2] / sh2, iw = xs[3] / sw2;
  int64_t pt = pads[0], pl = pads[1], pr = pads[3];
  int64_t fN = wShape[0], cg = wShape[1], kh = wShape[2], kw = wShape[3];
  int64_t oh = outShape[2], ow = outShape[3];
  // Rows as wide as the output ("same" padding): no pad columns ("flat");
  // lanes whose tap falls in the left or right padding are masked out of
  // the products (their zero-point share added back per channel), and
  // output pixel p is element p of the NCHW plane.
  bool flat = iw == ow && ow >= 4 && !s2d;
  // Otherwise g pad columns after each row: enough for the left and right
  // pads, and for rows at least as wide as the output (pads wider than the
  // kernel's span make OW > IW + max(left, right)).
  int64_t g = flat ? 0 : std::max({pl, pr, ow - iw}), S = iw + g, M = flat ? pl : g;
  int64_t c4 = isFloat || dw ? cin : (cin + 3) / 4; // channel slots
  // Slots of one group's channels, and output channels per group.
  int64_t groups = spec.groups, cgSlots = isFloat || dw ? cg : (cg + 3) / 4;
  int64_t mgPer = fN / groups;

  int64_t pixels = oh * S, vecs = (pixels + 15) / 16, p16 = vecs * 16;
  int64_t hp = pt + ih + pads[2];
  int64_t dataEnd = M + (pt + ih) * S;
  int64_t L = std::max(M + hp * S, M + p16 + (kh - 1) * dil[0] * S + (kw - 1) * dil[1] - pl);
  L = std::max(L, dataEnd);
  L = (L + 15) / 16 * 16;

  auto idx = cstIndex;
  auto loop = constLoop;
  auto v16 = VectorType::get({16}, i32), v64 = VectorType::get({64}, i8),
       v4 = VectorType::get({4}, i8), v1 = VectorType::get({1}, i32),
       b16 = VectorType::get({16}, i8), f16 = VectorType::get({16}, f32);
  // The accumulators, and 16 pixels of the regrouped input.
  VectorType vacc = isFloat ? f16 : v16, vin = isFloat ? f16 : dw ? b16 : v64;
  VectorType rd16 = isFloat ? f16 : b16;
  auto minor = [&](unsigned rank) {
    return AffineMapAttr::get(AffineMap::getMinorIdentityMap(rank, 1, ctx));
  };
  auto inBounds = [&](bool v) { return b.getBoolArrayAttr({v}); };
  // The pad byte as the kernel sees it (s8 shifted to u8).
  int64_t padU = xSigned ? ((zp + 128) & 0xff) : (zp & 0xff);
  auto padVec = [&](OpBuilder &nb, Location l) -> Value {
    if (isFloat)
      return arith::ConstantOp::create(nb, l, f16, DenseElementsAttr::get(f16, 0.0f));
    if (dw)
      return arith::ConstantOp::create(
          nb, l, b16, DenseElementsAttr::get(b16, nb.getIntegerAttr(i8, (int8_t)padU)));
    return arith::ConstantOp::create(
        nb, l, v64, DenseElementsAttr::get(v64, nb.getIntegerAttr(i8, (int8_t)padU)));
  };
  auto padScalar = [&](OpBuilder &nb, Location l) -> Value {
    if (isFloat)
      return arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(0.0f));
    return cstInt(nb, l, zp, i8);
  };

  // Input bytes in the kernel's u8 form: s8 values shifted by 128 (the
  // sign bit flipped).
  auto toU8 = [&](OpBuilder &sb, Location sl, Value v) -> Value {
    if (!xSigned)
      return v;
    auto vt = cast<VectorType>(v.getType());
    return arith::XOrIOp::create(
        sb, sl, v,
        arith::ConstantOp::create(sb, sl, vt,
                                  DenseElementsAttr::get(vt, sb.getIntegerAttr(i8, -128))));
  };
  // 16 pixels of channels 4q .. 4q + 3 (read by `read` for a clamped
  // channel index; channels past C read as padding), interleaved as 64
  // bytes [pixel][channel] in the kernel's u8 form.
  auto quad = [&](OpBuilder &sb, Location sl, Value q,
                  function_ref<Value(OpBuilder &, Location, Value)> read) -> Value {
    if (isFloat) // one channel per slot
      return read(sb, sl, q);
    if (dw) // one channel per slot, in the kernel's u8 form
      return toU8(sb, sl, read(sb, sl, q));
    SmallVector<Value> ch;
    for (int64_t k = 0; k < 4; ++k) {
      Value c = arith::AddIOp::create(
          sb, sl, arith::MulIOp::create(sb, sl, q, idx(sb, sl, 4)), idx(sb, sl, k));
      Value cc = arith::MinSIOp::create(sb, sl, c, idx(sb, sl, cin - 1));
      Value v = read(sb, sl, cc);
      if (cin % 4) {
        Value ok = arith::CmpIOp::create(sb, sl, arith::CmpIPredicate::slt, c,
                                         idx(sb, sl, cin));
        Value pv = arith::ConstantOp::create(
            sb, sl, b16, DenseElementsAttr::get(b16, sb.getIntegerAttr(i8, zp)));
        v = arith::SelectOp::create(sb, sl, ok, v, pv);
      }
      ch.push_back(v);
    }
    SmallVector<int64_t> m2, m4;
    for (int64_t l2 = 0; l2 < 16; ++l2) {
      m2.push_back(l2);
      m2.push_back(16 + l2);
    }
    for (int64_t l2 = 0; l2 < 16; ++l2)
      for (int64_t k : {2 * l2, 2 * l2 + 1, 32 + 2 * l2, 33 + 2 * l2})
        m4.push_back(k);
    Value w01 = vector::ShuffleOp::create(sb, sl, ch[0], ch[1], m2);
    Value w23 = vector::ShuffleOp::create(sb, sl, ch[2], ch[3], m2);
    return toU8(sb, sl, vector::ShuffleOp::create(sb, sl, w01, w23, m4));
  };
  // Writes 16 regrouped pixels at pixel `p` of xf[n][q].
  auto put = [&](OpBuilder &sb, Location sl, Value v, Value xfCur, Value n, Value q,
                 Value p) -> Value {
    Value off = arith::MulIOp::create(sb, sl, p, idx(sb, sl, slot));
    return vector::TransferWriteOp::create(sb, sl, v, xfCur, ValueRange{n, q, off}, minor(3),
                                           Value(), inBounds(false))
        .getResult();
  };
  // With S = IW the image rows are contiguous as in NCHW: one flat copy.
  Value xflat;
  if (flat)
    xflat = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({nN, cin, ih * iw}, el), x,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});

  // Regroup into xf[n][q][L * 4].
  Value xf = emptyLike(b, loc, {nN, c4, L * slot}, el);
  xf = loop(b, loc, 0, nN, 1, ValueRange{xf}, [&](OpBuilder &nb, Location l, Value n,
                                                  ValueRange a0) {
    return SmallVector<Value>(loop(nb, l, 0, c4, 1, a0, [&](OpBuilder &qb, Location ql, Value q,
                                                            ValueRange a1) {
      auto fill = [&](Value cur, int64_t from, int64_t to) -> Value {
        if (to <= from)
          return cur;
        return loop(qb, ql, from, to, 16, ValueRange{cur},
                    [&](OpBuilder &fb, Location fl, Value p, ValueRange a) {
                      return SmallVector<Value>{put(fb, fl, padVec(fb, fl), a[0], n, q, p)};
                    })[0];
      };
      Value cur = fill(a1[0], 0, M + pt * S);
      if (flat) {
        cur = loop(qb, ql, 0, ih * iw, 16, ValueRange{cur}, [&](OpBuilder &sb, Location sl,
                                                                Value p, ValueRange a3) {
          Value padS = padScalar(sb, sl);
          Value v = quad(sb, sl, q, [&](OpBuilder &rb, Location rl, Value cc) -> Value {
            return vector::TransferReadOp::create(rb, rl, rd16, xflat, ValueRange{n, cc, p},
                                                  minor(3), padS, Value(), inBounds(false));
          });
          Value at = arith::AddIOp::create(sb, sl, p, idx(sb, sl, M + pt * S));
          return SmallVector<Value>{put(sb, sl, v, a3[0], n, q, at)};
        })[0];
        return SmallVector<Value>{fill(cur, dataEnd, L)};
      }
      cur = loop(qb, ql, 0, ih, 1, ValueRange{cur}, [&](OpBuilder &rb, Location rl, Value r,
                                                        ValueRange a2) {
        return SmallVector<Value>(loop(rb, rl, 0, S, 16, a2, [&](OpBuilder &sb, Location sl,
                                                                  Value s0, ValueRange a3) {
          Value padS = padScalar(sb, sl);
          Value v = quad(sb, sl, q, [&](OpBuilder &rb2, Location rl2, Value cc) -> Value {
            if (!s2d)
              return vector::TransferReadOp::create(rb2, rl2, rd16, x,
                                                    ValueRange{n, cc, r, s0}, minor(4), padS,
                                                    Value(), inBounds(false));
            // Channel cc = (c sh + a) sw + b: row r sh + a of channel c,
            // every sw-th pixel from column s0 sw + b.
            Value c = arith::DivUIOp::create(rb2, rl2, cc, idx(rb2, rl2, phases));
            Value ph = arith::RemUIOp::create(rb2, rl2, cc, idx(rb2, rl2, phases));
            Value a = arith::DivUIOp::create(rb2, rl2, ph, idx(rb2, rl2, sw2));
            Value bb = arith::RemUIOp::create(rb2, rl2, ph, idx(rb2, rl2, sw2));
            Value row = arith::AddIOp::create(
                rb2, rl2, arith::MulIOp::create(rb2, rl2, r, idx(rb2, rl2, sh2)), a);
            Value col = arith::AddIOp::create(
                rb2, rl2, arith::MulIOp::create(rb2, rl2, s0, idx(rb2, rl2, sw2)), bb);
            auto wide = VectorType::get({16 * sw2}, el);
            Value v = vector::TransferReadOp::create(rb2, rl2, wide, x,
                                                     ValueRange{n, c, row, col}, minor(4), padS,
                                                     Value(), inBounds(false));
            if (sw2 == 1)
              return v;
            SmallVector<int64_t> pick;
            for (int64_t k = 0; k < 16; ++k)
              pick.push_back(k * sw2);
            return vector::ShuffleOp::create(rb2, rl2, v, v, pick);
          });
          Value row = arith::AddIOp::create(sb, sl, r, idx(sb, sl, pt));
          Value p = arith::AddIOp::create(
              sb, sl, arith::MulIOp::create(sb, sl, row, idx(sb, sl, S)), s0);
          p = arith::AddIOp::create(sb, sl, p, idx(sb, sl, M));
          return SmallVector<Value>{put(sb, sl, v, a3[0], n, q, p)};
        }));
      })[0];
      return SmallVector<Value>{fill(cur, dataEnd, L)};
    }));
  })[0];

  // Weight as [F, kh, kw, c4 * 4] bytes (channel-padded with zeros), or
  // [F, kh, kw, C] floats.
  // Depthwise: [F, kh, kw, 1] int32.
  ConstTensor packed;
  packed.isFloat = isFloat;
  // Depthwise: cg input channels per output channel (1, or the sh * sw
  // phases of a space-to-depth regrouping), output channel f reading
  // channels f cg .. f cg + cg - 1.
  int64_t wc4 = dw ? cg : cgSlots;
  packed.shape = {fN, kh, kw, wc4 * slot};
  if (isFloat)
    packed.f.assign(fN * kh * kw * wc4 * slot, 0.0);
  else
    packed.i.assign(fN * kh * kw * wc4 * slot, 0);
  for (int64_t f = 0; f < fN; ++f)
    for (int64_t c = 0; c < cg; ++c)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j) {
          int64_t from = ((f * cg + c) * kh + i) * kw + j,
                  to = ((f * kh + i) * kw + j) * wc4 * slot + c;
          if (isFloat)
            packed.f[to] = (*spec.fw)[from];
          else
            packed.i[to] = w[from];
        }
  // Depthwise taps (phase, i, j) with a non-zero weight for some channel.
  std::vector<bool> tapUsed(cg * kh * kw, true);
  if (dw)
    for (int64_t t = 0; t < cg * kh * kw; ++t) {
      int64_t ph = t / (kh * kw), i = t / kw % kh, j = t % kw;
      bool any = false;
      for (int64_t f = 0; f < fN && !any; ++f) {
        int64_t at = ((f * kh + i) * kw + j) * wc4 + ph;
        any = isFloat ? packed.f[at] != 0.0 : packed.i[at] != 0;
      }
      tapUsed[t] = any;
    }
  auto pT = RankedTensorType::get(packed.shape, dw && !isFloat ? i32 : el);
  Value wc = arith::ConstantOp::create(b, loc, pT, cast<TypedAttr>(packed.write(pT)));
  Value biasT = isFloat ? vectorConstF32(b, loc, spec.fbias) : vectorConstI32(b, loc, bias);
  SmallVector<Value> epiT;
  bool guard = false, roundByAdd = false;
  if (!isFloat) {
    epiT = epi.constants(b, loc, fN);
    guard = productMayOverflow(epi, w, fN, cg * kh * kw, bias);
    roundByAdd = fixedPointRoundsByAdd(epi, w, fN, cg * kh * kw, bias);
  }
  bool direct = ow >= 16 || flat; // NCHW stores (else on the grid, sliced)
  // Masked taps (flat rows with side padding): colSum[f][j] is what the
  // padding would have added through tap column j, padU * sum of
  // w[f][c][i][j] over c and i (int32 with wrap-around, as the sums); none
  // when the pad byte is 0 (uint8 inputs with zero point 0, as after ReLU).
  bool masked = flat && (pl > 0 || pr > 0);
  bool corrected = masked && !isFloat && padU != 0;
  // tapSum[f][i][j]: what the pad byte adds through tap (i, j), padU * sum
  // of w[f][c][i][j] over c (int8 with a non-zero pad byte; the tap-row
  // skip below uses it too).
  std::vector<uint32_t> tapSum;
  if (!isFloat && padU != 0) {
    tapSum.assign(fN * kh * kw, 0);
    for (int64_t f = 0; f < fN; ++f)
      for (int64_t c = 0; c < cg; ++c)
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j)
            tapSum[(f * kh + i) * kw + j] +=
                (uint32_t)(padU * w[((f * cg + c) * kh + i) * kw + j]);
  }
  std::vector<uint32_t> colSum;
  if (corrected) {
    colSum.assign(fN * kw, 0);
    for (int64_t f = 0; f < fN; ++f)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j)
          colSum[f * kw + j] += tapSum[(f * kh + i) * kw + j];
  }
  // The corrections as starting accumulators instead: a vector's lanes have
  // columns (16 v + lane) mod S, which repeat every P = S / gcd(16, S)
  // vectors, so initT[f][v mod P] = bias[f] + the lost columns' colSum
  // (a vector load in place of masked adds after the loop), when the table
  // is at most 256 KB (conv3x3 56x56x64: 0.227-0.238 -> 0.225-0.228 ms).
  int64_t period = S / std::gcd<int64_t>(16, S);
  Value initT, colSumT;
  // The lane masks of unrolled tap columns, maskT[v mod P][j] (bit l: lane
  // l of vector v reads tap column j inside the row), so that a tile loads
  // them instead of computing the lanes' columns.
  Value maskT;
  if (masked && kw <= 5 && period * kw <= 4096) {
    ConstTensor mt;
    mt.shape = {period, kw};
    for (int64_t v = 0; v < period; ++v)
      for (int64_t j = 0; j < kw; ++j) {
        uint32_t bits = 0;
        for (int64_t lane = 0; lane < 16; ++lane) {
          int64_t x = (16 * v + lane) % S, lo = pl - j * dil[1];
          if (x >= lo && x < lo + iw)
            bits |= 1u << lane;
        }
        mt.i.push_back((int16_t)bits);
      }
    auto mtT = RankedTensorType::get(mt.shape, b.getI16Type());
    maskT = arith::ConstantOp::create(b, loc, mtT, cast<TypedAttr>(mt.write(mtT)));
  }
  if (corrected && fN * period * 64 <= (256 << 10)) {
    ConstTensor it;
    it.shape = {fN, period, 16};
    it.i.assign(fN * period * 16, 0);
    for (int64_t f = 0; f < fN; ++f)
      for (int64_t v = 0; v < period; ++v)
        for (int64_t lane = 0; lane < 16; ++lane) {
          int64_t x = (16 * v + lane) % S;
          uint32_t sum = (uint32_t)bias[f];
          for (int64_t j = 0; j < kw; ++j) {
            int64_t lo = pl - j * dil[1];
            if (x < lo || x >= lo + iw)
              sum += colSum[f * kw + j];
          }
          it.i[(f * period + v) * 16 + lane] = (int32_t)sum;
        }
    auto itT = RankedTensorType::get(it.shape, i32);
    initT = arith::ConstantOp::create(b, loc, itT, cast<TypedAttr>(it.write(itT)));
  } else if (corrected) {
    ConstTensor cs;
    cs.shape = {fN, kw};
    for (uint32_t u : colSum) // int32 with wrap-around, as the sums
      cs.i.push_back((int32_t)u);
    auto csT = RankedTensorType::get(cs.shape, i32);
    colSumT = arith::ConstantOp::create(b, loc, csT, cast<TypedAttr>(cs.write(csT)));
  }
  // v mod P for each pixel vector v: a load instead of a division per
  // vector and tile.
  Value patT;
  if (initT || maskT) {
    ConstTensor pt;
    pt.shape = {vecs};
    for (int64_t v = 0; v < vecs; ++v)
      pt.i.push_back(v % period);
    auto ptT = RankedTensorType::get(pt.shape, i32);
    patT = arith::ConstantOp::create(b, loc, ptT, cast<TypedAttr>(pt.write(ptT)));
  }
  // Tap rows that lie wholly in the top or bottom padding for every output
  // pixel of a vector (the first and last vectors of a large image) are
  // left out of that vector's products, as oneDNN skips padding taps
  // (conv3x3 56x56: 1% of the vpdpbusd). The pad bytes they would have
  // read (padU * w, int8) are added back from corrT[f][k] for the k-th
  // such vector, per lane: in same-padded rows a lane whose tap column is
  // masked got no product for it anyway.
  auto rowSkipped = [&](int64_t v, int64_t i) {
    if (dw)
      return false;
    bool anyValid = false;
    for (int64_t lane = 0; lane < 16; ++lane) {
      int64_t p = 16 * v + lane, y = p / S, x = p % S;
      if (y >= oh || x >= ow)
        continue; // not an output pixel
      anyValid = true;
      int64_t in = y + i * dil[0] - pt;
      if (in >= 0 && in < ih)
        return false;
    }
    return anyValid;
  };
  bool skipNeedsCorr = !isFloat && padU != 0;
  std::vector<int64_t> skipVecs; // vectors with a skipped tap row
  for (int64_t v = 0; v < vecs; ++v)
    for (int64_t i = 0; i < kh; ++i)
      if (rowSkipped(v, i)) {
        skipVecs.push_back(v);
        break;
      }
  bool skipRows = !skipVecs.empty() && kh > 1 &&
                  (!skipNeedsCorr || fN * (int64_t)skipVecs.size() * 64 <= (256 << 10));
  Value corrT;
  if (skipRows && skipNeedsCorr) {
    ConstTensor ct;
    int64_t K = skipVecs.size();
    ct.shape = {fN, K, 16};
    ct.i.assign(fN * K * 16, 0);
    for (int64_t k = 0; k < K; ++k) {
      int64_t v = skipVecs[k];
      for (int64_t i = 0; i < kh; ++i) {
        if (!rowSkipped(v, i))
          continue;
        for (int64_t lane = 0; lane < 16; ++lane) {
          int64_t x = (16 * v + lane) % S;
          for (int64_t j = 0; j < kw; ++j) {
            int64_t lo = pl - j * dil[1];
            if (masked && (x < lo || x >= lo + iw))
              continue; // a masked lane: no product to make up for
            for (int64_t f = 0; f < fN; ++f) {
              int64_t at = (f * K + k) * 16 + lane;
              ct.i[at] = (int32_t)((uint32_t)ct.i[at] + tapSum[(f * kh + i) * kw + j]);
            }
          }
        }
      }
    }
    auto ctT = RankedTensorType::get(ct.shape, i32);
    corrT = arith::ConstantOp::create(b, loc, ctT, cast<TypedAttr>(ct.write(ctT)));
  }
  auto tileSkips = [&](int64_t v0, int64_t cols) {
    if (!skipRows)
      return false;
    for (int64_t v : skipVecs)
      if (v >= v0 && v < v0 + cols)
        return true;
    return false;
  };
  Value out = emptyLike(b, loc, {nN, fN, direct ? oh * ow : p16}, el);
  SmallVector<int32_t> iotaV;
  for (int32_t l = 0; l < 16; ++l)
    iotaV.push_back(l);
  Value iota = arith::ConstantOp::create(
      b, loc, v16, DenseElementsAttr::get(v16, ArrayRef<int32_t>(iotaV)));

  // One tile: output channels [f0, f0 + rows), pixel vectors [v0, v0 + cols)
  // of image `n`.
  auto splatI32 = [&](OpBuilder &sb, Location sl, Value v) -> Value {
    if (v.getType().isIndex())
      v = arith::IndexCastOp::create(sb, sl, i32, v);
    return vector::BroadcastOp::create(sb, sl, v16, v);
  };
  // Whether each lane's input column x + j * dw - left pad (x: the lanes'
  // output columns `xcol`) lies in [0, IW), for tap column j.
  auto tapInRow = [&](OpBuilder &sb, Location sl, Value xcol, Value j) -> Value {
    Value lo = arith::SubIOp::create(sb, sl, idx(sb, sl, pl),
                                     arith::MulIOp::create(sb, sl, j, idx(sb, sl, dil[1])));
    Value hi = arith::AddIOp::create(sb, sl, lo, idx(sb, sl, iw));
    return arith::AndIOp::create(
        sb, sl, arith::CmpIOp::create(sb, sl, arith::CmpIPredicate::sge, xcol, splatI32(sb, sl, lo)),
        arith::CmpIOp::create(sb, sl, arith::CmpIPredicate::slt, xcol, splatI32(sb, sl, hi)));
  };
  // The fused activation of a float convolution.
  auto floatAct = [&](OpBuilder &eb, Location el2, Value v) -> Value {
    auto splat = [&](float c) -> Value {
      return arith::ConstantOp::create(eb, el2, f16, DenseElementsAttr::get(f16, c));
    };
    StringRef act = spec.act;
    if (act == "relu" || act == "relu6")
      v = arith::MaximumFOp::create(eb, el2, v, splat(0.0f));
    if (act == "relu6")
      v = arith::MinimumFOp::create(eb, el2, v, splat(6.0f));
    if (act == "clamp") {
      if (spec.lo)
        v = arith::MaximumFOp::create(eb, el2, v, splat(*spec.lo));
      if (spec.hi)
        v = arith::MinimumFOp::create(eb, el2, v, splat(*spec.hi));
    }
    return v;
  };
  // With `full`, the tile's pixel vectors lie inside the output.
  auto tile = [&](OpBuilder &tb, Location l, Value n, Value f0, Value v0,
                  int64_t rows, int64_t cols, bool full, Value cur,
                  std::optional<int64_t> v0c = std::nullopt) -> Value {
    SmallVector<Value> fs, pix, accs;
    // skip[i][c]: tap row i is left out of vector c (tiles at a known v0).
    SmallVector<SmallVector<bool>> skip(kh, SmallVector<bool>(cols, false));
    bool anySkip = false;
    if (v0c && tileSkips(*v0c, cols))
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t c = 0; c < cols; ++c)
          anySkip |= skip[i][c] = rowSkipped(*v0c + c, i);
    Value pad8 = cstInt(tb, l, 0, i8);
    for (int64_t r = 0; r < rows; ++r)
      fs.push_back(arith::AddIOp::create(tb, l, f0, idx(tb, l, r)));
    // The tile's rows are in one group; its channels start at this slot.
    Value groupSlot0;
    if (groups > 1)
      groupSlot0 = arith::MulIOp::create(
          tb, l, arith::DivUIOp::create(tb, l, f0, idx(tb, l, mgPer)), idx(tb, l, cgSlots));
    for (int64_t c = 0; c < cols; ++c)
      pix.push_back(arith::MulIOp::create(
          tb, l, arith::AddIOp::create(tb, l, v0, idx(tb, l, c)), idx(tb, l, 16)));
    // The output column of each lane (a vector wraps at most 15 / S times).
    SmallVector<Value> xcol;
    if (masked && (!maskT || colSumT))
      for (int64_t c = 0; c < cols; ++c) {
        Value x0 = arith::RemUIOp::create(tb, l, pix[c], idx(tb, l, S));
        Value xv = arith::AddIOp::create(tb, l, splatI32(tb, l, x0), iota);
        Value sv = splatI32(tb, l, idx(tb, l, S));
        for (int64_t wrapN = 0; wrapN < (S + 14) / S; ++wrapN) {
          Value wrap = arith::CmpIOp::create(tb, l, arith::CmpIPredicate::sge, xv, sv);
          xv = arith::SelectOp::create(tb, l, wrap, arith::SubIOp::create(tb, l, xv, sv), xv);
        }
        xcol.push_back(xv);
      }
    SmallVector<Value> pat;
    if (initT || maskT)
      for (int64_t c = 0; c < cols; ++c) {
        Value v = arith::AddIOp::create(tb, l, v0, idx(tb, l, c));
        pat.push_back(arith::IndexCastOp::create(
            tb, l, tb.getIndexType(), tensor::ExtractOp::create(tb, l, patT, ValueRange{v})));
      }
    for (int64_t r = 0; r < rows; ++r) {
      if (initT) {
        Value z32 = cstInt(tb, l, 0, i32);
        for (int64_t c = 0; c < cols; ++c)
          accs.push_back(vector::TransferReadOp::create(
              tb, l, v16, initT, ValueRange{fs[r], pat[c], idx(tb, l, 0)}, z32,
              ArrayRef<bool>{true}));
        continue;
      }
      Value bv = tensor::ExtractOp::create(tb, l, biasT, ValueRange{fs[r]});
      Value bs = vector::BroadcastOp::create(tb, l, vacc, bv);
      for (int64_t c = 0; c < cols; ++c)
        accs.push_back(bs);
    }
    if (anySkip && corrT)
      for (int64_t c = 0; c < cols; ++c) {
        auto it = llvm::find(skipVecs, *v0c + c);
        if (it == skipVecs.end())
          continue;
        Value k = idx(tb, l, it - skipVecs.begin()), z32 = cstInt(tb, l, 0, i32);
        for (int64_t r = 0; r < rows; ++r) {
          Value corr = vector::TransferReadOp::create(
              tb, l, v16, corrT, ValueRange{fs[r], k, idx(tb, l, 0)}, z32, ArrayRef<bool>{true});
          accs[r * cols + c] = arith::AddIOp::create(tb, l, accs[r * cols + c], corr);
        }
      }
    auto rowBody = [&](OpBuilder &ib, Location il, Value i, std::optional<int64_t> ic,
                       ValueRange a1) -> SmallVector<Value> {
      Value rowOff = arith::MulIOp::create(ib, il, i, idx(ib, il, dil[0] * S));
      // Tap column j (`jc` when known here): masks only where some output
      // column loses it.
      auto column = [&](OpBuilder &jb, Location jl, Value j, std::optional<int64_t> jc,
                        ValueRange a2) -> SmallVector<Value> {
        Value xoff = arith::AddIOp::create(
            jb, jl, rowOff,
            arith::AddIOp::create(jb, jl, arith::MulIOp::create(jb, jl, j, idx(jb, jl, dil[1])),
                                  idx(jb, jl, M - pl)));
        SmallVector<Value> masks;
        bool useMask = masked && (!jc || pl - *jc * dil[1] > 0 || iw + pl - *jc * dil[1] < ow);
        if (useMask)
          for (int64_t c = 0; c < cols; ++c) {
            if (maskT && jc) {
              Value bits = tensor::ExtractOp::create(jb, jl, maskT,
                                                     ValueRange{pat[c], idx(jb, jl, *jc)});
              Value v1b = vector::BroadcastOp::create(
                  jb, jl, VectorType::get({1}, jb.getI16Type()), bits);
              masks.push_back(vector::BitCastOp::create(
                  jb, jl, VectorType::get({16}, jb.getI1Type()), v1b));
              continue;
            }
            masks.push_back(tapInRow(jb, jl, xcol[c], j));
          }
        if (dw) { // acc += x * w[f][i][j], each row its own channel(s)
          SmallVector<Value> next(a2.begin(), a2.end());
          Value pad0 = padScalar(jb, jl);
          for (int64_t ph = 0; ph < cg; ++ph) {
            // Taps whose weight is 0 for every channel (those past the
            // kernel after space-to-depth) are left out.
            if (ic && jc && !tapUsed[(ph * kh + *ic) * kw + *jc])
              continue;
            for (int64_t r = 0; r < rows; ++r) {
            Value wv = tensor::ExtractOp::create(jb, jl, wc,
                                                 ValueRange{fs[r], i, j, idx(jb, jl, ph)});
            Value wb = vector::BroadcastOp::create(jb, jl, vacc, wv);
            Value ch = fs[r];
            if (cg > 1)
              ch = arith::AddIOp::create(
                  jb, jl, arith::MulIOp::create(jb, jl, fs[r], idx(jb, jl, cg)),
                  idx(jb, jl, ph));
            for (int64_t c = 0; c < cols; ++c) {
              Value px = arith::AddIOp::create(jb, jl, pix[c], xoff);
              Value xv = vector::TransferReadOp::create(jb, jl, vin, xf,
                                                        ValueRange{n, ch, px}, pad0,
                                                        ArrayRef<bool>{true});
              Value acc = next[r * cols + c];
              Value d = isFloat
                            ? (Value)vector::FMAOp::create(jb, jl, xv, wb, acc)
                            : (Value)arith::AddIOp::create(
                                  jb, jl, acc,
                                  arith::MulIOp::create(
                                      jb, jl, arith::ExtUIOp::create(jb, jl, v16, xv), wb));
              if (useMask)
                d = arith::SelectOp::create(jb, jl, masks[c], d, acc);
              next[r * cols + c] = d;
            }
            }
          }
          return next;
        }
        return SmallVector<Value>(loop(jb, jl, 0, cgSlots, 1, a2, [&](OpBuilder &kb,
                                                                       Location kl, Value q,
                                                                       ValueRange a3) {
          SmallVector<Value> acts(cols), next(a3.begin(), a3.end());
          Value padIn = isFloat ? padScalar(kb, kl) : pad8;
          Value qIn = q; // the slot in the regrouped input: in the tile's group
          if (groups > 1)
            qIn = arith::AddIOp::create(kb, kl, groupSlot0, q);
          // Vectors whose products of this tap row are left out.
          auto skipped = [&](int64_t c) { return ic && skip[*ic][c]; };
          for (int64_t c = 0; c < cols; ++c) {
            if (skipped(c))
              continue;
            Value px = arith::AddIOp::create(kb, kl, pix[c], xoff);
            Value off = arith::MulIOp::create(kb, kl, px, idx(kb, kl, slot));
            acts[c] = vector::TransferReadOp::create(kb, kl, vin, xf, ValueRange{n, qIn, off},
                                                     padIn, ArrayRef<bool>{true});
            // Lanes whose tap lies in the side padding read zeros (a
            // zero-masked load shared by the tile's rows; masking each
            // vpdpbusd instead fails to fold when the mask is a constant,
            // as in tiles at a known v0).
            if (useMask) {
              if (isFloat) {
                acts[c] = arith::SelectOp::create(
                    kb, kl, masks[c], acts[c],
                    arith::ConstantOp::create(kb, kl, f16, DenseElementsAttr::get(f16, 0.0f)));
              } else {
                Value d = vector::BitCastOp::create(kb, kl, v16, acts[c]);
                d = arith::SelectOp::create(
                    kb, kl, masks[c], d,
                    arith::ConstantOp::create(kb, kl, v16, DenseElementsAttr::get(v16, 0)));
                acts[c] = vector::BitCastOp::create(kb, kl, vin, d);
              }
            }
          }
          if (isFloat) { // acc += x * w[f][i][j][c], the weight broadcast
            for (int64_t r = 0; r < rows; ++r) {
              Value wv = tensor::ExtractOp::create(kb, kl, wc, ValueRange{fs[r], i, j, q});
              Value wb = vector::BroadcastOp::create(kb, kl, f16, wv);
              for (int64_t c = 0; c < cols; ++c) {
                if (skipped(c))
                  continue;
                Value acc = a3[r * cols + c];
                next[r * cols + c] = vector::FMAOp::create(kb, kl, acts[c], wb, acc);
              }
            }
            return next;
          }
          Value q4 = arith::MulIOp::create(kb, kl, q, idx(kb, kl, 4));
          for (int64_t r = 0; r < rows; ++r) {
            Value w4 = vector::TransferReadOp::create(kb, kl, v4, wc,
                                                      ValueRange{fs[r], i, j, q4}, pad8,
                                                      ArrayRef<bool>{true});
            Value w1 = vector::BitCastOp::create(kb, kl, v1, w4);
            Value sc = vector::ExtractOp::create(kb, kl, w1, ArrayRef<int64_t>{0});
            Value wb = vector::BroadcastOp::create(kb, kl, v16, sc);
            for (int64_t c = 0; c < cols; ++c) {
              if (skipped(c))
                continue;
              Value acc = a3[r * cols + c];
              next[r * cols + c] = Dot4Op::create(
                  kb, kl, v16, acc, vector::BitCastOp::create(kb, kl, v16, acts[c]), wb);
            }
          }
          return next;
        }));
      };
      // Narrow kernels unroll the tap columns, so that the masks are
      // constant per tile and the centre columns go unmasked.
      if (kw <= 5) {
        SmallVector<Value> cur(a1.begin(), a1.end());
        for (int64_t jc = 0; jc < kw; ++jc)
          cur = column(ib, il, idx(ib, il, jc), jc, cur);
        return cur;
      }
      return SmallVector<Value>(loop(ib, il, 0, kw, 1, a1, [&](OpBuilder &jb, Location jl,
                                                                Value j, ValueRange a2) {
        return column(jb, jl, j, std::nullopt, a2);
      }));
    };
    SmallVector<Value> red;
    if ((dw && cg > 1) || anySkip) { // kernel rows unrolled, so that zero or
                                     // skipped taps are known
      red.assign(accs.begin(), accs.end());
      for (int64_t ic = 0; ic < kh; ++ic)
        if (!llvm::all_of(skip[ic], [](bool v) { return v; }))
          red = rowBody(tb, l, idx(tb, l, ic), ic, red);
    } else {
      red = loop(tb, l, 0, kh, 1, accs, [&](OpBuilder &ib, Location il, Value i,
                                            ValueRange a1) {
        return rowBody(ib, il, i, std::nullopt, a1);
      });
    }
    SmallVector<Value> accs2(red.begin(), red.end());
    if (colSumT)
      for (int64_t j = 0; j < kw; ++j) {
        int64_t lo = pl - j * dil[1], hi = lo + iw;
        if (lo <= 0 && hi >= ow)
          continue; // no output column loses tap column j
        for (int64_t c = 0; c < cols; ++c) {
          Value lost = arith::XOrIOp::create(
              tb, l, tapInRow(tb, l, xcol[c], idx(tb, l, j)),
              arith::ConstantOp::create(
                  tb, l, DenseElementsAttr::get(VectorType::get({16}, tb.getI1Type()), true)));
          for (int64_t r = 0; r < rows; ++r) {
            Value cs = tensor::ExtractOp::create(tb, l, colSumT,
                                                 ValueRange{fs[r], idx(tb, l, j)});
            Value &acc = accs2[r * cols + c];
            acc = arith::SelectOp::create(
                tb, l, lost,
                arith::AddIOp::create(tb, l, acc, vector::BroadcastOp::create(tb, l, v16, cs)),
                acc);
          }
        }
      }
    // Where each pixel vector goes in NCHW: the part of it in output row
    // y0 + t (t = 0, 1) is lanes [lo, hi), stored from flat index base.
    struct Part {
      Value base, mask;
    };
    SmallVector<SmallVector<Part, 2>> parts(cols);
    if (direct && !flat)
      for (int64_t c = 0; c < cols; ++c) {
        Value y0 = arith::DivUIOp::create(tb, l, pix[c], idx(tb, l, S));
        for (int64_t t = 0; t < 2; ++t) {
          Value y = arith::AddIOp::create(tb, l, y0, idx(tb, l, t));
          Value start = arith::SubIOp::create(
              tb, l, arith::MulIOp::create(tb, l, y, idx(tb, l, S)), pix[c]);
          Value lo = arith::MaxSIOp::create(tb, l, start, idx(tb, l, 0));
          Value hi = arith::MinSIOp::create(
              tb, l, arith::AddIOp::create(tb, l, start, idx(tb, l, ow)), idx(tb, l, 16));
          // Lanes past the last output row (the tail of the last vector)
          // are not stored: their flat index would land in the next
          // channel's plane.
          Value inside =
              arith::CmpIOp::create(tb, l, arith::CmpIPredicate::slt, y, idx(tb, l, oh));
          hi = arith::SelectOp::create(tb, l, inside, hi, lo);
          auto splat = [&](Value v) -> Value {
            return vector::BroadcastOp::create(
                tb, l, v16, arith::IndexCastOp::create(tb, l, i32, v));
          };
          Value mask = arith::AndIOp::create(
              tb, l,
              arith::CmpIOp::create(tb, l, arith::CmpIPredicate::sge, iota, splat(lo)),
              arith::CmpIOp::create(tb, l, arith::CmpIPredicate::slt, iota, splat(hi)));
          // base = p0 - y * (S - OW) (clamped at 0: only empty parts fall below).
          Value base = arith::SubIOp::create(
              tb, l, pix[c], arith::MulIOp::create(tb, l, y, idx(tb, l, S - ow)));
          base = arith::MaxSIOp::create(tb, l, base, idx(tb, l, 0));
          parts[c].push_back({base, mask});
        }
      }
    for (int64_t r = 0; r < rows; ++r) {
      SmallVector<Value> mv;
      if (!isFloat)
        mv = epi.vectors(tb, l, epiT, fs[r], /*perLane=*/false);
      if (!isFloat && flat && cols == 4 && full) { // 64 contiguous output bytes
        SmallVector<Value> four(accs2.begin() + r * cols, accs2.begin() + r * cols + 4);
        SmallVector<SmallVector<Value>> params(4, mv);
        Value v = vnniRequant4(tb, l, four, params, epi, guard, roundByAdd);
        cur = vector::TransferWriteOp::create(tb, l, v, cur, ValueRange{n, fs[r], pix[0]},
                                              ArrayRef<bool>{true})
                  .getResult();
        continue;
      }
      for (int64_t c = 0; c < cols; ++c) {
        Value v = isFloat ? floatAct(tb, l, accs2[r * cols + c])
                          : vnniRequant(tb, l, accs2[r * cols + c], mv, epi);
        if (flat && full) {
          cur = vector::TransferWriteOp::create(tb, l, v, cur, ValueRange{n, fs[r], pix[c]},
                                                ArrayRef<bool>{true})
                    .getResult();
          continue;
        }
        if (flat) { // pixel p is output element p; the last vector may pass the end
          Value left = arith::SubIOp::create(tb, l, idx(tb, l, oh * ow), pix[c]);
          Value mask = arith::CmpIOp::create(tb, l, arith::CmpIPredicate::slt, iota,
                                             splatI32(tb, l, left));
          cur = vector::TransferWriteOp::create(tb, l, v, cur, ValueRange{n, fs[r], pix[c]},
                                                minor(3), mask, inBounds(false))
                    .getResult();
          continue;
        }
        if (!direct) {
          cur = vector::TransferWriteOp::create(tb, l, v, cur, ValueRange{n, fs[r], pix[c]},
                                                ArrayRef<bool>{true})
                    .getResult();
          continue;
        }
        for (const Part &pt2 : parts[c])
          cur = vector::TransferWriteOp::create(tb, l, v, cur,
                                                ValueRange{n, fs[r], pt2.base}, minor(3),
                                                pt2.mask, inBounds(false))
                    .getResult();
      }
    }
    return cur;
  };
  int64_t fMain = fN / 4 * 4, vMain = vecs / 4 * 4;
  Value res = loop(b, loc, 0, nN, 1, ValueRange{out}, [&](OpBuilder &yb, Location yl, Value n,
                                                          ValueRange a0) {
    Value cur = a0[0];
    auto fLoop = [&](int64_t flo, int64_t fhi, int64_t rows) {
      if (fhi <= flo)
        return;
      cur = loop(yb, yl, flo, fhi, rows, ValueRange{cur}, [&](OpBuilder &fb, Location fl,
                                                               Value f0, ValueRange a2) {
        Value c2 = a2[0];
        auto vLoop = [&](int64_t vlo, int64_t vhi, int64_t cols, bool full) {
          // Tiles with skipped tap rows on their own (constant v0), the
          // runs between them as loops.
          int64_t from = vlo;
          auto run = [&](int64_t to) {
            if (to > from)
              c2 = loop(fb, fl, from, to, cols, ValueRange{c2},
                        [&](OpBuilder &vb, Location vl, Value v0, ValueRange a3) {
                          return SmallVector<Value>{
                              tile(vb, vl, n, f0, v0, rows, cols, full, a3[0])};
                        })[0];
          };
          for (int64_t t = vlo; t < vhi; t += cols) {
            if (!tileSkips(t, cols))
              continue;
            run(t);
            c2 = tile(fb, fl, n, f0, idx(fb, fl, t), rows, cols, full, c2, t);
            from = t + cols;
          }
          run(vhi);
        };
        int64_t v2 = vMain + (vecs - vMain) / 2 * 2;
        // Images of up to 6 vectors (8x8 with a pad column: 5) in one tile:
        // tails of one vector have too few accumulators to hide the FMA /
        // vpdpbusd latency (digits float 1.86 -> 1.71 ms).
        if (vecs <= 6) {
          vLoop(0, vecs, vecs, vecs * 16 <= oh * ow);
          return SmallVector<Value>{c2};
        }
        // Groups of 4 vectors wholly inside the output, then the rest.
        int64_t vFull = flat ? std::min(vMain, oh * ow / 64 * 4) : 0;
        vLoop(0, vFull, 4, true);
        vLoop(vFull, vMain, 4, false);
        vLoop(vMain, v2, 2, false);
        vLoop(v2, vecs, 1, false);
        return SmallVector<Value>{c2};
      })[0];
    };
    if (groups > 1 && mgPer % 4) { // tiles of 4 rows would cross groups
      fLoop(0, fN, 1);
    } else {
      fLoop(0, fMain, 4);
      fLoop(fMain, fN, 1);
    }
    return SmallVector<Value>{cur};
  })[0];
  if (direct)
    return tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get({nN, fN, oh, ow}, el),
                                         res,
                                         SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  // [N, F, p16] -> rows of S -> the first OW pixels of each row.
  if (p16 != pixels)
    res = tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({nN, fN, pixels}, el), res,
        SmallVector<OpFoldResult>(3, b.getIndexAttr(0)),
        SmallVector<OpFoldResult>{b.getIndexAttr(nN), b.getIndexAttr(fN),
                                  b.getIndexAttr(pixels)},
        SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
  res = tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get({nN, fN, oh, S}, el), res,
                                      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  if (S != ow)
    res = tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({nN, fN, oh, ow}, el), res,
        SmallVector<OpFoldResult>(4, b.getIndexAttr(0)),
        SmallVector<OpFoldResult>{b.getIndexAttr(nN), b.getIndexAttr(fN), b.getIndexAttr(oh),
                                  b.getIndexAttr(ow)},
        SmallVector<OpFoldResult>(4, b.getIndexAttr(1)));
  return res;
}

/// Whether a strided convolution (dilation 1) is worth running as a
/// stride-1 one after space-to-depth: its kernel, rounded up to whole
/// stride blocks, has at most 40% zero taps (7x7/2 stems, 2x2/2, 4x4/4).
bool spaceToDepthPays(ArrayRef<int64_t> wShape, ArrayRef<int64_t> strides,
                      ArrayRef<int64_t> dil) {
  int64_t kh = wShape[2], kw = wShape[3], sh = strides[0], sw = strides[1];
  if (dil[0] != 1 || dil[1] != 1 || (sh == 1 && sw == 1))
    return false;
  int64_t kh2 = (kh + sh - 1) / sh, kw2 = (kw + sw - 1) / sw;
  return kh2 * sh * kw2 * sw * 5 <= kh * kw * 7;
}

/// A strided convolution as a stride-1 one: the input padded to
/// [N, C, H' sh, W' sw] (padding and the extra rows and columns hold
/// `padValue`), which the direct kernel reads space-to-depth
/// (DirectConvSpec::s2dH/s2dW) as [N, C sh sw, H', W'] with no padding:
/// channel (c sh + a) sw + b holds pixel (i sh + a, j sw + b) of channel c.
/// The kernel becomes ceil(KH / sh) x ceil(KW / sw) taps over those
/// channels (spaceToDepthWeight).
Value spaceToDepthInput(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                        Value padValue, ArrayRef<int64_t> wShape, ArrayRef<int64_t> outShape,
                        ArrayRef<int64_t> strides) {
  auto xs = rtt(x).getShape();
  int64_t ih = xs[2], iw = xs[3];
  int64_t sh = strides[0], sw = strides[1];
  int64_t kh2 = (wShape[2] + sh - 1) / sh, kw2 = (wShape[3] + sw - 1) / sw;
  int64_t h2 = std::max((ih + pads[0] + pads[2] + sh - 1) / sh, outShape[2] + kh2 - 1);
  int64_t w2 = std::max((iw + pads[1] + pads[3] + sw - 1) / sw, outShape[3] + kw2 - 1);
  return padNCHW(b, loc, x, pads, h2 * sh - (ih + pads[0] + pads[2]),
                 w2 * sw - (iw + pads[1] + pads[3]), padValue);
}

/// The kernel [F][C][KH][KW] of spaceToDepthInput's convolution, with the
/// shape [F, C sh sw, ceil(KH / sh), ceil(KW / sw)] in `shape2`; taps past
/// the original kernel are 0 (quantized: w - w_zp, so they add nothing and
/// the folded bias stays as it is).
template <typename T>
std::vector<T> spaceToDepthWeight(const std::vector<T> &w, ArrayRef<int64_t> wShape,
                                  ArrayRef<int64_t> strides, SmallVectorImpl<int64_t> &shape2) {
  int64_t fN = wShape[0], cin = wShape[1], kh = wShape[2], kw = wShape[3];
  int64_t sh = strides[0], sw = strides[1];
  int64_t kh2 = (kh + sh - 1) / sh, kw2 = (kw + sw - 1) / sw, c2 = cin * sh * sw;
  std::vector<T> w2(fN * c2 * kh2 * kw2, T(0));
  for (int64_t f = 0; f < fN; ++f)
    for (int64_t c = 0; c < cin; ++c)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j) {
          int64_t ch = (c * sh + i % sh) * sw + j % sw;
          w2[((f * c2 + ch) * kh2 + i / sh) * kw2 + j / sw] =
              w[((f * cin + c) * kh + i) * kw + j];
        }
  shape2.assign({fN, c2, kh2, kw2});
  return w2;
}

/// How a direct convolution reads its input: depthwise, in groups, and by
/// stride (strided ones run through space-to-depth, dilation 1).
struct DirectLayout {
  bool depthwise = false;
  int64_t groups = 1;
  SmallVector<int64_t, 2> strides = {1, 1};
};

/// Runs directConv with `spec` on `x` as it is, or, when `layout` is
/// strided, on the input regrouped space-to-depth with the kernel split into
/// stride blocks (no padding, dilation 1). `weight` is the spec's field that
/// points to `w`.
template <typename T>
Value directConvLaidOut(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                        Value padValue, const std::vector<T> &w, ArrayRef<int64_t> wShape,
                        ArrayRef<int64_t> outShape, ArrayRef<int64_t> dil, DirectConvSpec spec,
                        const DirectLayout &layout,
                        const std::vector<T> *DirectConvSpec::*weight) {
  spec.depthwise = layout.depthwise;
  spec.groups = layout.groups;
  if (layout.strides[0] == 1 && layout.strides[1] == 1) {
    spec.*weight = &w;
    return directConv(b, loc, x, pads, wShape, outShape, dil, spec);
  }
  SmallVector<int64_t> wShape2, noPads = {0, 0, 0, 0}, one = {1, 1};
  std::vector<T> w2 = spaceToDepthWeight(w, wShape, layout.strides, wShape2);
  Value xs2 = spaceToDepthInput(b, loc, x, pads, padValue, wShape, outShape, layout.strides);
  spec.*weight = &w2;
  spec.s2dH = layout.strides[0];
  spec.s2dW = layout.strides[1];
  return directConv(b, loc, xs2, noPads, wShape2, outShape, one, spec);
}

Value vnniConvDirect(OpBuilder &b, Location loc, Value x, bool xSigned, int64_t zp,
                     ArrayRef<int64_t> pads, const std::vector<int64_t> &w,
                     ArrayRef<int64_t> wShape, ArrayRef<int64_t> outShape,
                     ArrayRef<int64_t> dil, ArrayRef<int32_t> bias, const VnniEpilogue &epi,
                     const DirectLayout &layout = {}) {
  DirectConvSpec spec;
  spec.xSigned = xSigned;
  spec.zp = zp;
  spec.bias = bias;
  spec.epi = &epi;
  Value padValue = cstInt(b, loc, zp, rtt(x).getElementType());
  return directConvLaidOut(b, loc, x, pads, padValue, w, wShape, outShape, dil, spec, layout,
                           &DirectConvSpec::w);
}

/// The direct kernel in f32 (a constant weight; `act` none, relu, relu6 or
/// clamp), for one group, groups or depthwise (groups = C = F).
Value floatConvDirect(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                      const std::vector<double> &w, ArrayRef<int64_t> wShape,
                      ArrayRef<int64_t> outShape, ArrayRef<int64_t> dil, ArrayRef<float> bias,
                      StringRef act, std::optional<float> lo, std::optional<float> hi,
                      const DirectLayout &layout = {}) {
  DirectConvSpec spec;
  spec.isFloat = true;
  spec.fbias = bias;
  spec.act = act;
  spec.lo = lo;
  spec.hi = hi;
  Value padValue = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  return directConvLaidOut(b, loc, x, pads, padValue, w, wShape, outShape, dil, spec, layout,
                           &DirectConvSpec::fw);
}

/// A constant f32 bias (one value or one per channel) as `n` floats; zeros
/// without one.
SmallVector<float> floatBiasValues(const std::optional<ConstTensor> &bias, int64_t n) {
  SmallVector<float> fb(n, 0.0f);
  if (bias)
    for (int64_t k = 0; k < n; ++k)
      fb[k] = (float)bias->f[bias->numElements() == 1 ? 0 : k];
  return fb;
}

/// [N, R, C] -> [N, C, R] in 16 x 16 blocks: 16 row vectors read, one
/// vector.transpose (lowered to shuffles), 16 row vectors written; blocks at
/// the edges use masked transfers. An elementwise op with a transposing
/// index map vectorized into byte-by-byte inserts and extracts.
static Value transposeLast2(OpBuilder &b, Location loc, Value src) {
  auto st = rtt(src);
  int64_t nN = st.getDimSize(0), R = st.getDimSize(1), C = st.getDimSize(2);
  Type el = st.getElementType();
  auto row = VectorType::get({16}, el), blk = VectorType::get({16, 16}, el);
  Value dst = emptyLike(b, loc, {nN, C, R}, el);
  auto idx = cstIndex;
  auto blocks = [&](Value cur, int64_t r0, int64_t r1, int64_t c0, int64_t c1,
                    bool inB) -> Value {
    if (r1 <= r0 || c1 <= c0)
      return cur;
    return constLoop(b, loc, 0, nN, 1, ValueRange{cur}, [&](OpBuilder &nb, Location l, Value n,
                                                            ValueRange a0) {
      return constLoop(nb, l, r0, r1, 16, a0, [&](OpBuilder &rb, Location rl, Value r,
                                                   ValueRange a1) {
        return constLoop(rb, rl, c0, c1, 16, a1, [&](OpBuilder &cb, Location cl, Value c,
                                                      ValueRange a2) {
          Value pad = isa<FloatType>(el)
                          ? (Value)arith::ConstantOp::create(cb, cl, cb.getFloatAttr(el, 0.0))
                          : cstInt(cb, cl, 0, el);
          Value v = arith::ConstantOp::create(
              cb, cl, blk, isa<FloatType>(el) ? DenseElementsAttr::get(blk, cb.getFloatAttr(el, 0.0))
                                              : DenseElementsAttr::get(blk, cb.getIntegerAttr(el, 0)));
          auto minor = AffineMapAttr::get(AffineMap::getMinorIdentityMap(3, 1, cb.getContext()));
          auto inBounds = cb.getBoolArrayAttr({inB});
          for (int64_t k = 0; k < 16; ++k) {
            Value rk = arith::AddIOp::create(cb, cl, r, idx(cb, cl, k));
            if (!inB) // rows past R: clamp (read a valid row; not written)
              rk = arith::MinSIOp::create(cb, cl, rk, idx(cb, cl, R - 1));
            Value rv = vector::TransferReadOp::create(cb, cl, row, src, ValueRange{n, rk, c},
                                                      minor, pad, Value(), inBounds);
            v = vector::InsertOp::create(cb, cl, rv, v, ArrayRef<int64_t>{k});
          }
          Value t = vector::TransposeOp::create(cb, cl, v, ArrayRef<int64_t>{1, 0});
          Value out = a2[0];
          for (int64_t k = 0; k < 16; ++k) {
            Value ck = arith::AddIOp::create(cb, cl, c, idx(cb, cl, k));
            Value tv = vector::ExtractOp::create(cb, cl, t, ArrayRef<int64_t>{k});
            if (inB) {
              out = vector::TransferWriteOp::create(cb, cl, tv, out, ValueRange{n, ck, r},
                                                    ArrayRef<bool>{true})
                        .getResult();
              continue;
            }
            // Columns past C are not written; rows past R are masked off.
            Value ok = arith::CmpIOp::create(cb, cl, arith::CmpIPredicate::slt, ck,
                                             idx(cb, cl, C));
            auto ifOp = scf::IfOp::create(
                cb, cl, ok,
                [&](OpBuilder &tb, Location tl) {
                  Value w = vector::TransferWriteOp::create(tb, tl, tv, out, ValueRange{n, ck, r},
                                                            minor, Value(),
                                                            tb.getBoolArrayAttr({false}))
                                .getResult();
                  scf::YieldOp::create(tb, tl, w);
                },
                [&](OpBuilder &eb, Location el2) { scf::YieldOp::create(eb, el2, out); });
            out = ifOp.getResult(0);
          }
          return SmallVector<Value>{out};
        });
      });
    })[0];
  };
  int64_t rFull = R / 16 * 16, cFull = C / 16 * 16;
  dst = blocks(dst, 0, rFull, 0, cFull, true);
  dst = blocks(dst, rFull, R, 0, C, false);
  dst = blocks(dst, 0, rFull, cFull, C, false);
  return dst;
}

/// [N * OH * OW, F] rows of a product to [N, F, OH, OW].
static Value rowsToNCHW(OpBuilder &b, Location loc, Value rows, ArrayRef<int64_t> outShape) {
  Type el = rtt(rows).getElementType();
  Value v = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({outShape[0], outShape[2] * outShape[3], outShape[1]}, el),
      rows, SmallVector<ReassociationIndices>{{0, 1}, {2}});
  v = transposeLast2(b, loc, v);
  return tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get(outShape, el), v,
                                       SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

/// Channels-last im2col of the padded NCHW input `xp`: the input transposed
/// to NHWC once, then each output pixel's window is kh*kw contiguous runs of
/// C bytes, as rows of [N*OH*OW, kh*kw*C] (K order (i, j, c)).
Value im2colRows(OpBuilder &b, Location loc, Value xp, ArrayRef<int64_t> outShape, int64_t kh,
                 int64_t kw, ArrayRef<int64_t> strides, ArrayRef<int64_t> dil) {
  MLIRContext *ctx = b.getContext();
  Type inEl = rtt(xp).getElementType();
  auto xs = rtt(xp).getShape();
  int64_t cin = xs[1], pixels = outShape[0] * outShape[2] * outShape[3];
  SmallVector<int64_t> nhwc = {xs[0], xs[2], xs[3], xs[1]};
  Value xt = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({xs[0], xs[1], xs[2] * xs[3]}, inEl), xp,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  xt = transposeLast2(b, loc, xt);
  xt = tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get(nhwc, inEl), xt,
                                     SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}});
  if (dil[1] == 1) {
    // A window row is kw * C contiguous elements of the NHWC input: copy
    // it as one run (with 3 channels the (j, c) loops stayed scalar: a
    // quarter of resnet18's time at 224x224 went to its stem's im2col).
    Value xr = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({xs[0], xs[2], xs[3] * cin}, inEl), xt,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    SmallVector<int64_t> colR = {outShape[0], outShape[2], outShape[3], kh, kw * cin};
    AffineExpr r0, r1, r2, r3, r4; // n, oh, ow, i, (j, c)
    bindDims(ctx, r0, r1, r2, r3, r4);
    auto gatherR = AffineMap::get(
        5, 0, {r0, r1 * strides[0] + r3 * dil[0], r2 * (strides[1] * cin) + r4}, ctx);
    Value col = elementwise(b, loc, colR, inEl, {xr},
                            [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                            {gatherR});
    return tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({pixels, kh * kw * cin}, inEl), col,
        SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4}});
  }
  SmallVector<int64_t> colL = {outShape[0], outShape[2], outShape[3], kh, kw, cin};
  AffineExpr q0, q1, q2, q3, q4, q5; // n, oh, ow, i, j, c
  bindDims(ctx, q0, q1, q2, q3, q4, q5);
  auto gatherL = AffineMap::get(
      6, 0, {q0, q1 * strides[0] + q3 * dil[0], q2 * strides[1] + q4 * dil[1], q5}, ctx);
  Value col = elementwise(b, loc, colL, inEl, {xt},
                          [](OpBuilder &, Location, ValueRange a) { return a[0]; }, {gatherL});
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({pixels, kh * kw * cin}, inEl), col,
      SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
}

/// A [F, C, kh, kw] weight (n-major rows of C*kh*kw) with each row's K order
/// changed to (i, j, c), matching im2colRows.
template <typename T>
std::vector<T> weightTapsChannelsLast(const std::vector<T> &w, int64_t f, int64_t cin,
                                      int64_t kh, int64_t kw) {
  int64_t kk = cin * kh * kw;
  std::vector<T> wl(w.size());
  for (int64_t o = 0; o < f; ++o)
    for (int64_t c = 0; c < cin; ++c)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j)
          wl[o * kk + (i * kw + j) * cin + c] = w[o * kk + (c * kh + i) * kw + j];
  return wl;
}

/// The fused epilogue for a quantized product with an 8-bit per-tensor
/// result under ONNX requantization, else nullopt.
std::optional<VnniEpilogue> vnniEpilogue(const QInfo &x, const QInfo &w, Type resultType,
                                         int64_t channels, StringRef act,
                                         std::optional<float> lo, std::optional<float> hi,
                                         bool fixedPoint) {
  QInfo y = qinfo(resultType);
  if (!y.quantized || y.width != 8 || y.axis)
    return std::nullopt;
  VnniEpilogue e;
  e.fixedPoint = fixedPoint;
  if (fixedPoint)
    fixedPointParams(x, w, y, channels, e.m0, e.shift);
  else
    for (int64_t k = 0; k < channels; ++k)
      e.mult.push_back((float)((float)x.scales[0] * (float)w.scale(k)) / (float)y.scales[0]);
  e.zp = (double)y.zps[0];
  e.outSigned = y.isSigned;
  quantActivationBounds(act, lo, hi, y, e.lo, e.hi);
  return e;
}

/// The rows w[n][k] - zp(n) of an integer constant (n-major [N, K] with
/// `nMajor`, else [K, N]) when all fit in int8: what the VNNI kernel
/// multiplies by.
std::optional<std::vector<int64_t>> int8Rows(const ConstTensor &c,
                                             function_ref<int64_t(int64_t)> zp, int64_t n,
                                             int64_t k, bool nMajor) {
  std::vector<int64_t> t(n * k);
  for (int64_t nn = 0; nn < n; ++nn)
    for (int64_t kk = 0; kk < k; ++kk) {
      int64_t v = (nMajor ? c.i[nn * k + kk] : c.i[kk * n + nn]) - zp(nn);
      if (v < -128 || v > 127)
        return std::nullopt;
      t[nn * k + kk] = v;
    }
  return t;
}

/// The weight of a quantized product as an n-major [N, K] int8 matrix of
/// w - w_zp, when it is an 8-bit constant whose values minus their zero
/// points fit in int8 (what the VNNI kernel multiplies by).
std::optional<std::vector<int64_t>> vnniWeight(Value weight, const QInfo &w, int64_t n,
                                               int64_t k, bool nMajor) {
  if (w.width != 8 || !weightZpsPerChannel(weight, w, n, !nMajor))
    return std::nullopt;
  auto c = readConstant(weight);
  if (!c || c->isFloat || c->numElements() != n * k)
    return std::nullopt;
  return int8Rows(*c, [&](int64_t nn) { return w.zp(nn); }, n, k, nMajor);
}
/// A constant f32 weight as an n-major [N, K] matrix (from [N, K] with
/// `nMajor`, else [K, N]), or nullopt.
std::optional<std::vector<double>> floatWeight(Value weight, int64_t n, int64_t k,
                                               bool nMajor) {
  if (!cast<RankedTensorType>(weight.getType()).getElementType().isF32())
    return std::nullopt;
  auto c = readConstant(weight);
  if (!c || !c->isFloat || c->numElements() != n * k)
    return std::nullopt;
  if (nMajor)
    return c->f;
  std::vector<double> t(n * k);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn)
      t[nn * k + kk] = c->f[kk * n + nn];
  return t;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

struct LowerOptions {
  bool fixedPoint = false;
  bool vnni = false;
};

template <typename OpTy>
struct OctetPattern : OpConversionPattern<OpTy> {
  OctetPattern(const TypeConverter &tc, MLIRContext *ctx, LowerOptions opts)
      : OpConversionPattern<OpTy>(tc, ctx), fixedPoint(opts.fixedPoint), vnni(opts.vnni) {}
  bool fixedPoint;
  bool vnni;
};

struct ConstantLowering : OctetPattern<ConstantOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto t = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Attribute value = op.getValue();
    if (auto dense = dyn_cast<DenseElementsAttr>(value))
      value = dense.bitcast(t.getElementType());
    else if (auto res = dyn_cast<DenseResourceElementsAttr>(value))
      value = DenseResourceElementsAttr::get(t, res.getRawHandle());
    else
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, t, cast<TypedAttr>(value));
    return success();
  }
};

/// Plain constants of unsigned integer types become signless.
struct ArithConstantLowering : OctetPattern<arith::ConstantOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto t = dyn_cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    if (!t || t == op.getType())
      return failure();
    Attribute value = op.getValue();
    if (auto dense = dyn_cast<DenseElementsAttr>(value))
      value = dense.bitcast(t.getElementType());
    else if (auto res = dyn_cast<DenseResourceElementsAttr>(value))
      value = DenseResourceElementsAttr::get(t, res.getRawHandle());
    else
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, t, cast<TypedAttr>(value));
    return success();
  }
};

struct StorageCastLowering : OctetPattern<StorageCastOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct QuantizeLowering : OctetPattern<QuantizeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    QInfo y = qinfo(op.getType());
    auto shape = rtt(op.getResult()).getShape();
    Type storage = rewriter.getIntegerType(y.width);
    ScaleOperand s = scaleOperand(rewriter, loc, y, shape.size());
    Value r;
    if (!s.tensor) {
      r = elementwise(rewriter, loc, shape, storage, {adaptor.getInput()},
                      [&](OpBuilder &b, Location l, ValueRange a) {
                        return quantizeScalar(b, l, a[0], cstF32(b, l, s.scalar),
                                              s.zpScalar, y.qmin, y.qmax, storage);
                      });
    } else {
      r = elementwise(
          rewriter, loc, shape, storage, {adaptor.getInput(), s.tensor, s.zpTensor},
          [&](OpBuilder &b, Location l, ValueRange a) {
            return quantizeScalar(b, l, a[0], a[1], a[2], y.qmin, y.qmax, storage);
          },
          {s.map, s.map});
    }
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct DequantizeLowering : OctetPattern<DequantizeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    QInfo x = qinfo(op.getInput().getType());
    auto shape = rtt(op.getResult()).getShape();
    ScaleOperand s = scaleOperand(rewriter, loc, x, shape.size());
    Value r;
    if (!s.tensor) {
      r = elementwise(rewriter, loc, shape, rewriter.getF32Type(), {adaptor.getInput()},
                      [&](OpBuilder &b, Location l, ValueRange a) {
                        return dequantizeScalar(
                            b, l, a[0], x.isSigned,
                            cstInt(b, l, s.zpScalar, b.getI32Type()),
                            cstF32(b, l, s.scalar));
                      });
    } else {
      r = elementwise(
          rewriter, loc, shape, rewriter.getF32Type(),
          {adaptor.getInput(), s.tensor, s.zpTensor},
          [&](OpBuilder &b, Location l, ValueRange a) {
            return dequantizeScalar(b, l, a[0], x.isSigned, a[2], a[1]);
          },
          {s.map, s.map});
    }
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct RequantizeLowering : OctetPattern<RequantizeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    QInfo x = qinfo(op.getInput().getType()), y = qinfo(op.getType());
    auto shape = rtt(op.getResult()).getShape();
    Type storage = rewriter.getIntegerType(y.width);
    // As ONNX Runtime evaluates DequantizeLinear -> QuantizeLinear; either
    // side may be per-axis (scale and zero point tensors over its axis).
    ScaleOperand sx = scaleOperand(rewriter, loc, x, shape.size());
    ScaleOperand sy = scaleOperand(rewriter, loc, y, shape.size());
    SmallVector<Value> ins = {adaptor.getInput()};
    SmallVector<AffineMap> maps;
    for (ScaleOperand *so : {&sx, &sy})
      if (so->tensor) {
        ins.append({so->tensor, so->zpTensor});
        maps.append({so->map, so->map});
      }
    Value r = elementwise(
        rewriter, loc, shape, storage, ins,
        [&](OpBuilder &b, Location l, ValueRange a) {
          unsigned k = 1;
          Value xs, xz, ys, yz;
          if (sx.tensor) {
            xs = a[k++];
            xz = a[k++];
          } else {
            xs = cstF32(b, l, sx.scalar);
            xz = cstInt(b, l, sx.zpScalar, b.getI32Type());
          }
          Value f = dequantizeScalar(b, l, a[0], x.isSigned, xz, xs);
          if (!sy.tensor)
            return quantizeScalar(b, l, f, cstF32(b, l, sy.scalar), sy.zpScalar, y.qmin,
                                  y.qmax, storage);
          ys = a[k++];
          yz = a[k++];
          return quantizeScalar(b, l, f, ys, yz, y.qmin, y.qmax, storage);
        },
        maps);
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct Conv2DLowering : OctetPattern<Conv2DOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    QInfo x = qinfo(op.getInput().getType()), w = qinfo(op.getWeight().getType());
    bool quant = x.quantized;
    auto outShape = rtt(op.getResult()).getShape();
    auto wShape = rtt(op.getWeight()).getShape();
    int64_t group = op.getGroup(), mg = wShape[0] / group, cg = wShape[1];
    auto strides = op.getStrides(), dil = op.getDilations();
    Type accEl = quant ? (Type)rewriter.getI32Type() : rtt(op.getInput()).getElementType();

    // Pad with the input zero point (quantized) or 0.
    Value padValue =
        quant ? cstInt(rewriter, loc, x.zps[0], rewriter.getIntegerType(x.width))
              : (Value)arith::ConstantOp::create(rewriter, loc,
                                                  rewriter.getFloatAttr(accEl, 0.0));
    Value xp = padNCHW(rewriter, loc, adaptor.getInput(), op.getPads(), 0, 0, padValue);

    // Accumulator initialized with the bias (with the input zero point's
    // correction folded in when the weight is constant).
    Value acc;
    Value biasInit = adaptor.getBias();
    bool zpFolded = false;
    if (quant)
      if (auto fb = foldedBias(rewriter, loc, op.getWeight(), op.getBias(), x, w,
                               wShape[0], /*channelInner=*/false)) {
        biasInit = *fb;
        zpFolded = true;
      }
    if (Value bias = biasInit) {
      acc = elementwise(rewriter, loc, outShape, accEl, {bias},
                        [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                        {channelMap(ctx, 4, 1)});
    } else {
      Value zero = quant ? cstInt(rewriter, loc, 0, accEl)
                         : (Value)arith::ConstantOp::create(rewriter, loc,
                                                             rewriter.getFloatAttr(accEl, 0.0));
      acc = linalg::FillOp::create(rewriter, loc, zero,
                                   emptyLike(rewriter, loc, outShape, accEl))
                .getResult(0);
    }

    if (group == 1) {
      // im2col: gather the windows into [N, OH, OW, C*KH*KW] rows, then a
      // matrix product whose reduction runs over contiguous memory in both
      // operands (what the vectorizer turns into dot-product instructions).
      Type inEl = rtt(xp).getElementType();
      int64_t kh = wShape[2], kw = wShape[3], cin = wShape[1];
      int64_t kk = cin * kh * kw;
      std::optional<std::vector<int64_t>> wv;
      std::optional<SmallVector<int32_t>> vb;
      if (vnni && quant && x.width == 8 &&
          (wv = vnniWeight(op.getWeight(), w, wShape[0], kk, /*nMajor=*/true)) &&
          (vb = foldedBiasValues(op.getWeight(), op.getBias(), x, w, wShape[0],
                                 /*channelInner=*/false, x.isSigned ? 128 : 0))) {
        auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
        auto epi = vnniEpilogue(x, w, op.getType(), wShape[0], op.getActivation(), lo, hi,
                                fixedPoint);
        // Direct kernel for stride 1 and rows of 16+ pixels, or 8+ with up
        // to 64 input channels. (With pixel vectors confined to one row,
        // rows under 28 pixels were slower than im2col; since vectors span
        // rows, digits 1.29 -> 1.17 ms and resnet18 0.52 -> 0.51 ms with it
        // on 8- and 16-pixel rows. resnet18 at 224x224: its 14x14 layers
        // with 256 channels run 2-3% faster as im2col + GEMM; 7x7 and 4x4
        // rows on the direct kernel were 10-18% slower. 1x1 kernels on rows
        // of 8-15 pixels are faster direct: resnet50's 14x14 1024->256
        // 0.144 -> 0.115 ms, 256->1024 0.127 -> 0.113 ms.)
        if (epi && strides[0] == 1 && strides[1] == 1 &&
            (outShape[3] >= 16 || (outShape[3] >= 8 && (cin <= 64 || kh * kw == 1)))) {
          rewriter.replaceOp(op, vnniConvDirect(rewriter, loc, adaptor.getInput(), x.isSigned,
                                                x.zps[0], op.getPads(), *wv, wShape,
                                                outShape, dil, *vb, *epi));
          return success();
        }
        // Strided kernels whose taps fill whole stride blocks (7x7/2 stems,
        // 2x2/2 and 4x4/4 patchify convs): space-to-depth by the stride
        // turns them into stride-1 convolutions for the direct kernel
        // (resnet18's stem at 224x224: 0.41 -> 0.35 ms).
        int64_t ow = outShape[3];
        if (epi && spaceToDepthPays(wShape, strides, dil) &&
            (ow >= 16 || (ow >= 8 && cin * strides[0] * strides[1] <= 64))) {
          DirectLayout layout;
          layout.strides.assign(strides.begin(), strides.end());
          rewriter.replaceOp(op, vnniConvDirect(rewriter, loc, adaptor.getInput(), x.isSigned,
                                                x.zps[0], op.getPads(), *wv, wShape, outShape,
                                                dil, *vb, *epi, layout));
          return success();
        }
        Value a2 = im2colRows(rewriter, loc, xp, outShape, kh, kw, strides, dil);
        *wv = weightTapsChannelsLast(*wv, wShape[0], cin, kh, kw);
        Value acc2 = vnniMatmul(rewriter, loc, a2, x.isSigned, *wv, wShape[0], kk, *vb,
                                epi ? &*epi : nullptr);
        AffineExpr e0, e1, e2, e3;
        bindDims(ctx, e0, e1, e2, e3);
        auto accMap = AffineMap::get(
            4, 0, {(e0 * outShape[2] + e2) * outShape[3] + e3, e1}, ctx);
        Value result;
        if (epi) // [pixels, channels] bytes to NCHW
          result = rowsToNCHW(rewriter, loc, acc2, outShape);
        else
          result = requantizeEpilogue(rewriter, loc, acc2, outShape, 1, x, w, op.getType(),
                                      op.getActivation(), lo, hi, fixedPoint, accMap);
        rewriter.replaceOp(op, result);
        return success();
      }
      // Float with a constant f32 weight and bias: im2col rows times the
      // weight in the register-tiled FMA kernel, then NCHW with the
      // activation applied on the way.
      auto fwc = readConstant(op.getWeight());
      std::optional<ConstTensor> fbc;
      if (Value bias = op.getBias())
        fbc = readConstant(bias);
      if (!quant && inEl.isF32() && fwc && fwc->isFloat &&
          (!op.getBias() || (fbc && fbc->isFloat))) {
        SmallVector<float> fb = floatBiasValues(fbc, wShape[0]);
        StringRef act = op.getActivation();
        auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
        // Stride 1 with rows of 8+ pixels: the direct kernel, no im2col
        // (digits float: conv2 on 8x8 images, 4.4 -> 1.5 ms).
        if (strides[0] == 1 && strides[1] == 1 && outShape[3] >= 8 &&
            (act == "none" || act == "relu" || act == "relu6" || act == "clamp")) {
          rewriter.replaceOp(op, floatConvDirect(rewriter, loc, adaptor.getInput(),
                                                 op.getPads(), fwc->f, wShape, outShape, dil,
                                                 fb, act, lo, hi));
          return success();
        }
        // Strided kernels covering whole stride blocks: space-to-depth, as
        // for int8.
        if (spaceToDepthPays(wShape, strides, dil) && outShape[3] >= 8 &&
            (act == "none" || act == "relu" || act == "relu6" || act == "clamp")) {
          DirectLayout layout;
          layout.strides.assign(strides.begin(), strides.end());
          rewriter.replaceOp(op, floatConvDirect(rewriter, loc, adaptor.getInput(),
                                                 op.getPads(), fwc->f, wShape, outShape, dil,
                                                 fb, act, lo, hi, layout));
          return success();
        }
        Value a2 = im2colRows(rewriter, loc, xp, outShape, kh, kw, strides, dil);
        std::vector<double> wl =
            weightTapsChannelsLast(fwc->f, wShape[0], cin, kh, kw);
        Value acc2 = floatMatmul(rewriter, loc, a2, wl, wShape[0], kk, fb);
        Value result = rowsToNCHW(rewriter, loc, acc2, outShape);
        if (act != "none")
          result = elementwise(rewriter, loc, outShape, inEl, {result},
                               [&](OpBuilder &b, Location l, ValueRange a) {
                                 return floatActivation(b, l, a[0], act, lo, hi);
                               });
        rewriter.replaceOp(op, result);
        return success();
      }
      // Portable path: im2col from NCHW, then a generic product.
      SmallVector<int64_t> col6 = {outShape[0], outShape[2], outShape[3], cin, kh, kw};
      AffineExpr n, oh, ow, c, i, j;
      bindDims(ctx, n, oh, ow, c, i, j);
      auto gather = AffineMap::get(
          6, 0, {n, c, oh * strides[0] + i * dil[0], ow * strides[1] + j * dil[1]}, ctx);
      Value col = elementwise(rewriter, loc, col6, inEl, {xp},
                              [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                              {gather});
      auto colT = RankedTensorType::get({outShape[0], outShape[2], outShape[3], kk}, inEl);
      Value colK = tensor::CollapseShapeOp::create(
          rewriter, loc, colT, col, SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4, 5}});
      auto wT = RankedTensorType::get({wShape[0], kk}, rtt(adaptor.getWeight()).getElementType());
      Value wK = tensor::CollapseShapeOp::create(
          rewriter, loc, wT, adaptor.getWeight(),
          SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
      // (n, oh, ow, f, k)
      AffineExpr d0, d1, d2, d3, d4;
      bindDims(ctx, d0, d1, d2, d3, d4);
      SmallVector<Value> ins = {colK, wK};
      SmallVector<AffineMap> maps = {AffineMap::get(5, 0, {d0, d1, d2, d4}, ctx),
                                     AffineMap::get(5, 0, {d3, d4}, ctx)};
      bool wzp = quant && !w.allZeroPointsZero();
      if (wzp) {
        SmallVector<int32_t> zps;
        for (int64_t k = 0; k < wShape[0]; ++k)
          zps.push_back((int32_t)w.zp(k));
        ins.push_back(vectorConstI32(rewriter, loc, zps));
        maps.push_back(AffineMap::get(5, 0, {d3}, ctx));
      }
      maps.push_back(AffineMap::get(5, 0, {d0, d3, d1, d2}, ctx));
      SmallVector<utils::IteratorType> iters = parallel(4);
      iters.push_back(utils::IteratorType::reduction);
      auto mm = linalg::GenericOp::create(
          rewriter, loc, TypeRange{acc.getType()}, ins, ValueRange{acc}, maps, iters,
          [&](OpBuilder &b, Location l, ValueRange a) {
            macBody(b, l, a, x, w, quant, zpFolded, wzp);
          });
      Value result = mm.getResult(0);
      auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
      if (quant) {
        result = requantizeEpilogue(rewriter, loc, result, outShape, 1, x, w, op.getType(),
                                    op.getActivation(), lo, hi, fixedPoint);
      } else if (op.getActivation() != "none") {
        StringRef act = op.getActivation();
        result = elementwise(rewriter, loc, outShape, accEl, {result},
                             [&](OpBuilder &b, Location l, ValueRange a) {
                               return floatActivation(b, l, a[0], act, lo, hi);
                             });
      }
      rewriter.replaceOp(op, result);
      return success();
    }

    // Depthwise int8 with stride 1 and rows of 8+ pixels: the direct kernel
    // (one channel per pixel slot, int32 products per tap, the requantization
    // in registers). mobilenet_v2 QDQ at 224x224: 3.66 -> 2.28 ms.
    // Strided (dilation 1): space-to-depth by the stride, the sh * sw phases
    // of channel f read by output channel f, taps past the kernel left out.
    bool dwStrided = (strides[0] > 1 || strides[1] > 1) && dil[0] == 1 && dil[1] == 1;
    if (vnni && quant && x.width == 8 && cg == 1 && mg == 1 &&
        rtt(op.getInput()).getDimSize(1) == group &&
        ((strides[0] == 1 && strides[1] == 1) || dwStrided) && outShape[3] >= 8) {
      int64_t taps = wShape[2] * wShape[3];
      std::optional<std::vector<int64_t>> wv;
      std::optional<SmallVector<int32_t>> vb;
      auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
      std::optional<VnniEpilogue> epi;
      if ((wv = vnniWeight(op.getWeight(), w, wShape[0], taps, /*nMajor=*/true)) &&
          (vb = foldedBiasValues(op.getWeight(), op.getBias(), x, w, wShape[0],
                                 /*channelInner=*/false, x.isSigned ? 128 : 0)) &&
          (epi = vnniEpilogue(x, w, op.getType(), wShape[0], op.getActivation(), lo, hi,
                              fixedPoint))) {
        DirectLayout layout;
        layout.depthwise = true;
        layout.strides.assign(strides.begin(), strides.end());
        rewriter.replaceOp(op, vnniConvDirect(rewriter, loc, adaptor.getInput(), x.isSigned,
                                              x.zps[0], op.getPads(), *wv, wShape, outShape,
                                              dil, *vb, *epi, layout));
        return success();
      }
    }
    // Depthwise f32 with a constant weight: the same kernel with FMAs.
    if (!quant && accEl.isF32() && cg == 1 && mg == 1 &&
        rtt(op.getInput()).getDimSize(1) == group &&
        ((strides[0] == 1 && strides[1] == 1) || dwStrided) && outShape[3] >= 8) {
      StringRef act = op.getActivation();
      auto fwc = readConstant(op.getWeight());
      std::optional<ConstTensor> fbc;
      if (Value bias = op.getBias())
        fbc = readConstant(bias);
      if (fwc && fwc->isFloat && (!op.getBias() || (fbc && fbc->isFloat)) &&
          (act == "none" || act == "relu" || act == "relu6" || act == "clamp")) {
        DirectLayout layout;
        layout.depthwise = true;
        layout.strides.assign(strides.begin(), strides.end());
        rewriter.replaceOp(op, floatConvDirect(rewriter, loc, adaptor.getInput(), op.getPads(),
                                               fwc->f, wShape, outShape, dil,
                                               floatBiasValues(fbc, wShape[0]), act,
                                               optF(op.getClampMin()), optF(op.getClampMax()),
                                               layout));
        return success();
      }
    }
    // Grouped convolutions (neither one group nor depthwise; ResNeXt,
    // RegNet): the direct kernel with each tile's rows in one group,
    // reading that group's channels; strided ones (dilation 1) through
    // space-to-depth, zero taps included. Any row width: the alternative is
    // the scalar loop nest below (regnet_x_400mf QDQ at 224x224: 19 ms
    // there, its 7x7 layers included).
    if (group > 1 && !(cg == 1 && mg == 1)) {
      bool strided = strides[0] > 1 || strides[1] > 1;
      bool viaS2d = strided && dil[0] == 1 && dil[1] == 1;
      int64_t phases = viaS2d ? strides[0] * strides[1] : 1;
      DirectLayout layout;
      layout.groups = group;
      if (viaS2d)
        layout.strides.assign(strides.begin(), strides.end());
      auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
      int64_t taps = wShape[2] * wShape[3];
      std::optional<std::vector<int64_t>> wv;
      std::optional<SmallVector<int32_t>> vb;
      std::optional<VnniEpilogue> epi;
      if ((!strided || viaS2d) && vnni && quant && x.width == 8 && (cg * phases) % 4 == 0 &&
          (wv = vnniWeight(op.getWeight(), w, wShape[0], cg * taps, /*nMajor=*/true)) &&
          (vb = foldedBiasValues(op.getWeight(), op.getBias(), x, w, wShape[0],
                                 /*channelInner=*/false, x.isSigned ? 128 : 0)) &&
          (epi = vnniEpilogue(x, w, op.getType(), wShape[0], op.getActivation(), lo, hi,
                              fixedPoint))) {
        rewriter.replaceOp(op, vnniConvDirect(rewriter, loc, adaptor.getInput(), x.isSigned,
                                              x.zps[0], op.getPads(), *wv, wShape, outShape,
                                              dil, *vb, *epi, layout));
        return success();
      }
      StringRef act = op.getActivation();
      auto fwc = readConstant(op.getWeight());
      std::optional<ConstTensor> fbc;
      if (Value bias = op.getBias())
        fbc = readConstant(bias);
      if ((!strided || viaS2d) && !quant && accEl.isF32() && fwc && fwc->isFloat &&
          (!op.getBias() || (fbc && fbc->isFloat)) &&
          (act == "none" || act == "relu" || act == "relu6" || act == "clamp")) {
        SmallVector<float> fb = floatBiasValues(fbc, wShape[0]);
        rewriter.replaceOp(op, floatConvDirect(rewriter, loc, adaptor.getInput(),
                                               op.getPads(), fwc->f, wShape, outShape, dil, fb,
                                               act, lo, hi, layout));
        return success();
      }
    }
    // Grouped and depthwise: a direct loop nest (n, f, oh, ow, c, kh, kw).
    AffineExpr n, f, oh, ow, c, kh, kw;
    bindDims(ctx, n, f, oh, ow, c, kh, kw);
    AffineExpr inC = group == 1 ? c : f.floorDiv(mg) * cg + c;
    auto xMap = AffineMap::get(7, 0,
                               {n, inC, oh * strides[0] + kh * dil[0],
                                ow * strides[1] + kw * dil[1]},
                               ctx);
    auto wMap = AffineMap::get(7, 0, {f, c, kh, kw}, ctx);
    auto oMap = AffineMap::get(7, 0, {n, f, oh, ow}, ctx);
    SmallVector<utils::IteratorType> iters = parallel(4);
    iters.append(3, utils::IteratorType::reduction);
    SmallVector<Value> ins = {xp, adaptor.getWeight()};
    SmallVector<AffineMap> maps = {xMap, wMap};
    bool wzp = quant && !w.allZeroPointsZero();
    if (wzp) {
      SmallVector<int32_t> zps;
      for (int64_t k = 0; k < wShape[0]; ++k)
        zps.push_back((int32_t)w.zp(k));
      ins.push_back(vectorConstI32(rewriter, loc, zps));
      maps.push_back(AffineMap::get(7, 0, {f}, ctx));
    }
    maps.push_back(oMap);
    auto conv = linalg::GenericOp::create(
        rewriter, loc, TypeRange{acc.getType()}, ins, ValueRange{acc}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          macBody(b, l, a, x, w, quant, zpFolded, wzp);
        });
    Value result = conv.getResult(0);
    auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
    if (quant) {
      result = requantizeEpilogue(rewriter, loc, result, outShape, 1, x, w,
                                  op.getType(), op.getActivation(), lo, hi, fixedPoint);
    } else if (op.getActivation() != "none") {
      StringRef act = op.getActivation();
      result = elementwise(rewriter, loc, outShape, accEl, {result},
                           [&](OpBuilder &b, Location l, ValueRange a) {
                             return floatActivation(b, l, a[0], act, lo, hi);
                           });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Shared by gemm and 2-D/batched matmul: out[b..., m, n] = sum_k a * b.
struct LinearParts {
  Value a, b, bias;
  bool zpFolded = false; // bias already holds -x_zp * sum(w)
  AffineMap aMap, bMap, biasMap;
  SmallVector<int64_t> outShape;
  unsigned rank;        // iteration rank (output rank + 1)
  unsigned nDim;        // output column dim
};

Value linearProduct(ConversionPatternRewriter &rewriter, Location loc,
                    const LinearParts &p, const QInfo &x, const QInfo &w,
                    bool quant, int64_t wAxisChannels, Type accEl) {
  MLIRContext *ctx = rewriter.getContext();
  unsigned outRank = p.outShape.size();
  Value acc;
  if (p.bias) {
    SmallVector<AffineExpr> e = {getAffineDimExpr(outRank - 1, ctx)};
    acc = elementwise(rewriter, loc, p.outShape, accEl, {p.bias},
                      [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                      {AffineMap::get(outRank, 0, e, ctx)});
  } else {
    Value zero = quant ? cstInt(rewriter, loc, 0, accEl)
                       : (Value)arith::ConstantOp::create(rewriter, loc,
                                                           rewriter.getFloatAttr(accEl, 0.0));
    acc = linalg::FillOp::create(rewriter, loc, zero,
                                 emptyLike(rewriter, loc, p.outShape, accEl))
              .getResult(0);
  }
  SmallVector<utils::IteratorType> iters = parallel(outRank);
  iters.push_back(utils::IteratorType::reduction);
  SmallVector<Value> ins = {p.a, p.b};
  SmallVector<AffineMap> maps = {p.aMap, p.bMap};
  bool wzp = quant && !w.allZeroPointsZero();
  if (wzp) {
    SmallVector<int32_t> zps;
    for (int64_t k = 0; k < wAxisChannels; ++k)
      zps.push_back((int32_t)w.zp(k));
    ins.push_back(vectorConstI32(rewriter, loc, zps));
    maps.push_back(AffineMap::get(outRank + 1, 0, {getAffineDimExpr(p.nDim, ctx)}, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(outRank + 1, ctx).dropResult(outRank));
  auto g = linalg::GenericOp::create(
      rewriter, loc, TypeRange{acc.getType()}, ins, ValueRange{acc}, maps, iters,
      [&](OpBuilder &b, Location l, ValueRange a) {
        macBody(b, l, a, x, w, quant, p.zpFolded, wzp);
      });
  return g.getResult(0);
}

struct GemmLowering : OctetPattern<GemmOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    QInfo x = qinfo(op.getA().getType()), w = qinfo(op.getB().getType());
    bool quant = x.quantized;
    if (quant && op.getAlpha().convertToDouble() != 1.0)
      return rewriter.notifyMatchFailure(op, "quantized gemm with alpha != 1");
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    LinearParts p;
    p.a = adaptor.getA();
    p.b = adaptor.getB();
    p.aMap = AffineMap::get(3, 0, op.getTransA() ? ArrayRef<AffineExpr>{k, m}
                                                 : ArrayRef<AffineExpr>{m, k}, ctx);
    p.bMap = AffineMap::get(3, 0, op.getTransB() ? ArrayRef<AffineExpr>{n, k}
                                                 : ArrayRef<AffineExpr>{k, n}, ctx);
    p.outShape.assign(rtt(op.getResult()).getShape().begin(),
                      rtt(op.getResult()).getShape().end());
    p.nDim = 1;
    Type accEl = quant ? (Type)rewriter.getI32Type() : rtt(op.getA()).getElementType();
    Value c = adaptor.getC();
    bool biasVector = c && rtt(c).getRank() == 1 && rtt(c).getDimSize(0) == p.outShape[1];
    if (quant) {
      if (c && !biasVector)
        return rewriter.notifyMatchFailure(op, "quantized gemm bias must be a vector");
      p.bias = c;
      if (auto fb = foldedBias(rewriter, loc, op.getB(), op.getC(), x, w, p.outShape[1],
                               /*channelInner=*/!op.getTransB())) {
        p.bias = *fb;
        p.zpFolded = true;
      }
    }
    Value acc;
    int64_t kdim = rtt(op.getA()).getDimSize(op.getTransA() ? 0 : 1);
    std::optional<std::vector<int64_t>> wv;
    std::optional<SmallVector<int32_t>> vb;
    if (vnni && quant && !op.getTransA() && x.width == 8 &&
        (wv = vnniWeight(op.getB(), w, p.outShape[1], kdim, op.getTransB())) &&
        (vb = foldedBiasValues(op.getB(), op.getC(), x, w, p.outShape[1], !op.getTransB(),
                               x.isSigned ? 128 : 0))) {
      auto epi = vnniEpilogue(x, w, op.getType(), p.outShape[1], op.getActivation(),
                              optF(op.getClampMin()), optF(op.getClampMax()), fixedPoint);
      acc = vnniMatmul(rewriter, loc, adaptor.getA(), x.isSigned, *wv, p.outShape[1], kdim,
                       *vb, epi ? &*epi : nullptr);
      if (epi) {
        rewriter.replaceOp(op, acc);
        return success();
      }
    } else if (auto fw = floatWeight(op.getB(), p.outShape[1], kdim, op.getTransB());
               fw && !quant && !op.getTransA() && accEl.isF32()) {
      // Float with a constant weight: the register-tiled FMA kernel.
      acc = floatMatmul(rewriter, loc, adaptor.getA(), *fw, p.outShape[1], kdim,
                        SmallVector<float>(p.outShape[1], 0.0f));
    } else {
      acc = linearProduct(rewriter, loc, p, x, w, quant, p.outShape[1], accEl);
    }
    auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
    StringRef act = op.getActivation();
    Value result;
    if (quant) {
      result = requantizeEpilogue(rewriter, loc, acc, p.outShape, 1, x, w, op.getType(),
                                  act, lo, hi, fixedPoint);
    } else {
      float alpha = op.getAlpha().convertToFloat(), beta = op.getBeta().convertToFloat();
      SmallVector<Value> ins = {acc};
      if (c)
        ins.push_back(c);
      result = elementwise(rewriter, loc, p.outShape, accEl, ins,
                           [&](OpBuilder &b, Location l, ValueRange a) {
                             Value v = a[0];
                             if (alpha != 1.0f)
                               v = arith::MulFOp::create(b, l, v, cstF32(b, l, alpha));
                             if (a.size() > 1) {
                               Value cv = a[1];
                               if (beta != 1.0f)
                                 cv = arith::MulFOp::create(b, l, cv, cstF32(b, l, beta));
                               v = arith::AddFOp::create(b, l, v, cv);
                             }
                             return floatActivation(b, l, v, act, lo, hi);
                           });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct MatMulLowering : OctetPattern<MatMulOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto aT = rtt(op.getLhs()), bT = rtt(op.getRhs());
    if (aT.getRank() < 2 || bT.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "vector operands not lowered yet");
    QInfo x = qinfo(aT), w = qinfo(bT);
    bool quant = x.quantized;
    auto outShape = rtt(op.getResult()).getShape();
    unsigned outRank = outShape.size(), rank = outRank + 1;
    // Iteration space: (batch..., m, n, k).
    auto operandMap = [&](RankedTensorType t, bool isLhs) {
      SmallVector<AffineExpr> e;
      int64_t batch = t.getRank() - 2, off = (outRank - 2) - batch;
      for (int64_t i = 0; i < batch; ++i)
        e.push_back(t.getDimSize(i) == 1 && outShape[i + off] != 1
                        ? getAffineConstantExpr(0, ctx)
                        : getAffineDimExpr(i + off, ctx));
      AffineExpr mm = getAffineDimExpr(outRank - 2, ctx), nn = getAffineDimExpr(outRank - 1, ctx),
                 kk = getAffineDimExpr(outRank, ctx);
      if (isLhs) {
        e.push_back(mm);
        e.push_back(kk);
      } else {
        e.push_back(kk);
        e.push_back(nn);
      }
      return AffineMap::get(rank, 0, e, ctx);
    };
    LinearParts p;
    p.a = adaptor.getLhs();
    p.b = adaptor.getRhs();
    p.aMap = operandMap(aT, true);
    p.bMap = operandMap(bT, false);
    p.outShape.assign(outShape.begin(), outShape.end());
    p.nDim = outRank - 1;
    p.bias = adaptor.getBias();
    if (quant && bT.getRank() == 2)
      if (auto fb = foldedBias(rewriter, loc, op.getRhs(), op.getBias(), x, w,
                               outShape.back(), /*channelInner=*/true)) {
        p.bias = *fb;
        p.zpFolded = true;
      }
    Type accEl = quant ? (Type)rewriter.getI32Type() : aT.getElementType();
    int64_t kdim = aT.getDimSize(aT.getRank() - 1), ndim = outShape.back();
    std::optional<std::vector<int64_t>> wv;
    std::optional<SmallVector<int32_t>> vb;
    if (vnni && quant && bT.getRank() == 2 && x.width == 8 &&
        (wv = vnniWeight(op.getRhs(), w, ndim, kdim, /*nMajor=*/false)) &&
        (vb = foldedBiasValues(op.getRhs(), op.getBias(), x, w, ndim,
                               /*channelInner=*/true, x.isSigned ? 128 : 0))) {
      int64_t rows = 1;
      for (int64_t d : aT.getShape().drop_back())
        rows *= d;
      Type inEl = rtt(adaptor.getLhs()).getElementType();
      Value a2 = adaptor.getLhs();
      SmallVector<ReassociationIndices> reassoc(1);
      for (int64_t d = 0; d + 1 < aT.getRank(); ++d)
        reassoc[0].push_back(d);
      reassoc.push_back({aT.getRank() - 1});
      if (aT.getRank() != 2)
        a2 = tensor::CollapseShapeOp::create(rewriter, loc,
                                             RankedTensorType::get({rows, kdim}, inEl), a2, reassoc);
      auto epi = vnniEpilogue(x, w, op.getType(), ndim, "none", std::nullopt, std::nullopt,
                              fixedPoint);
      Value acc2 = vnniMatmul(rewriter, loc, a2, x.isSigned, *wv, ndim, kdim, *vb,
                              epi ? &*epi : nullptr);
      Type el = epi ? rewriter.getIntegerType(8) : accEl;
      if ((int64_t)outShape.size() != 2 || outShape[0] != rows) {
        SmallVector<ReassociationIndices> out(1);
        for (int64_t d = 0; d + 1 < (int64_t)outShape.size(); ++d)
          out[0].push_back(d);
        out.push_back({(int64_t)outShape.size() - 1});
        acc2 = tensor::ExpandShapeOp::create(rewriter, loc,
                                             RankedTensorType::get(outShape, el), acc2, out);
      }
      if (!epi)
        acc2 = requantizeEpilogue(rewriter, loc, acc2, p.outShape, outRank - 1, x, w,
                                  op.getType(), "none", std::nullopt, std::nullopt, fixedPoint);
      rewriter.replaceOp(op, acc2);
      return success();
    }
    // Float with a constant [K, N] weight and a constant (or no) bias: the
    // register-tiled FMA kernel over the rows.
    std::optional<ConstTensor> fbc;
    if (op.getBias())
      fbc = readConstant(op.getBias());
    if (!quant && aT.getRank() >= 2 && bT.getRank() == 2 && accEl.isF32() &&
        (!op.getBias() || (fbc && fbc->isFloat && fbc->numElements() == ndim)))
      if (auto fw = floatWeight(op.getRhs(), ndim, kdim, /*nMajor=*/false)) {
        int64_t rows = aT.getNumElements() / kdim;
        Value a2 = adaptor.getLhs();
        if (aT.getRank() != 2) {
          SmallVector<ReassociationIndices> re(1);
          for (int64_t d = 0; d + 1 < aT.getRank(); ++d)
            re[0].push_back(d);
          re.push_back({aT.getRank() - 1});
          a2 = tensor::CollapseShapeOp::create(rewriter, loc, aT.clone({rows, kdim}), a2, re);
        }
        SmallVector<float> fb(ndim, 0.0f);
        if (fbc)
          for (int64_t k = 0; k < ndim; ++k)
            fb[k] = (float)fbc->f[k];
        Value acc2 = floatMatmul(rewriter, loc, a2, *fw, ndim, kdim, fb);
        if (outShape.size() != 2) {
          SmallVector<ReassociationIndices> out(1);
          for (int64_t d = 0; d + 1 < (int64_t)outShape.size(); ++d)
            out[0].push_back(d);
          out.push_back({(int64_t)outShape.size() - 1});
          acc2 = tensor::ExpandShapeOp::create(rewriter, loc,
                                               RankedTensorType::get(outShape, accEl), acc2, out);
        }
        rewriter.replaceOp(op, acc2);
        return success();
      }
    Value acc = linearProduct(rewriter, loc, p, x, w, quant, outShape.back(), accEl);
    if (quant)
      acc = requantizeEpilogue(rewriter, loc, acc, p.outShape, outRank - 1, x, w,
                               op.getType(), "none", std::nullopt, std::nullopt,
                               fixedPoint);
    rewriter.replaceOp(op, acc);
    return success();
  }
};

struct MaxPoolLowering : OctetPattern<MaxPool2DOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    QInfo x = qinfo(op.getInput().getType());
    auto inShape = rtt(op.getInput()).getShape();
    auto outShape = rtt(op.getResult()).getShape();
    auto k = op.getKernel(), s = op.getStrides(), d = op.getDilations(), pads = op.getPads();
    Type el = rtt(adaptor.getInput()).getElementType();
    bool isFloat = isa<FloatType>(el);
    Value lowest =
        isFloat ? (Value)arith::ConstantOp::create(
                      rewriter, loc,
                      rewriter.getFloatAttr(el, -std::numeric_limits<double>::infinity()))
                : cstInt(rewriter, loc, x.isSigned ? APInt::getSignedMinValue(x.width).getSExtValue() : 0, el);
    // Windows that run past the end (ceil_mode) read padding.
    int64_t extra[2];
    for (int i = 0; i < 2; ++i) {
      int64_t need = (outShape[2 + i] - 1) * s[i] + d[i] * (k[i] - 1) + 1;
      extra[i] = std::max<int64_t>(0, need - (inShape[2 + i] + pads[i] + pads[2 + i]));
    }
    Value xp = padNCHW(rewriter, loc, adaptor.getInput(), pads, extra[0], extra[1], lowest);
    auto maxOf = [&](OpBuilder &b, Location l, Value p, Value q) -> Value {
      if (isFloat)
        return arith::MaximumFOp::create(b, l, p, q);
      if (x.isSigned)
        return arith::MaxSIOp::create(b, l, p, q);
      return arith::MaxUIOp::create(b, l, p, q);
    };
    // Small windows: one elementwise op over the output reading every
    // window element as its own input (vectorizes along the row; the
    // reduction form below vectorized into gathers and scatters: digits
    // float's 2x2 pool took a fifth of the model's time).
    // Explicit vectors along each output row: per window element one read
    // of 16 * stride contiguous input elements and a shuffle that keeps
    // every stride-th, then the max. (LLVM left the strided form scalar for
    // bytes: resnet18's 3x3/2 pool on 112x112x64 took 9% of the model.)
    if (k[0] * k[1] <= 16 && s[1] <= 4) {
      int64_t nN = outShape[0], cN = outShape[1], oh = outShape[2], ow = outShape[3];
      auto vIn = VectorType::get({16 * s[1]}, el);
      SmallVector<int64_t> pick;
      for (int64_t l = 0; l < 16; ++l)
        pick.push_back(l * s[1]);
      auto minor = AffineMapAttr::get(AffineMap::getMinorIdentityMap(4, 1, ctx));
      Value out = emptyLike(rewriter, loc, outShape, el);
      auto idx = cstIndex;
      auto loop = constLoop;
      Value res = loop(rewriter, loc, 0, nN, 1, ValueRange{out}, [&](OpBuilder &b0, Location l0,
                                                                     Value n, ValueRange a0) {
        return loop(b0, l0, 0, cN, 1, a0, [&](OpBuilder &b1, Location l1, Value c,
                                               ValueRange a1) {
          return loop(b1, l1, 0, oh, 1, a1, [&](OpBuilder &b2, Location l2, Value y,
                                                 ValueRange a2) {
            return loop(b2, l2, 0, ow, 16, a2, [&](OpBuilder &b, Location l, Value x0,
                                                    ValueRange a3) {
              Value m;
              for (int64_t i = 0; i < k[0]; ++i)
                for (int64_t j = 0; j < k[1]; ++j) {
                  Value row = arith::AddIOp::create(
                      b, l, arith::MulIOp::create(b, l, y, idx(b, l, s[0])),
                      idx(b, l, i * d[0]));
                  Value col = arith::AddIOp::create(
                      b, l, arith::MulIOp::create(b, l, x0, idx(b, l, s[1])),
                      idx(b, l, j * d[1]));
                  Value v = vector::TransferReadOp::create(
                      b, l, vIn, xp, ValueRange{n, c, row, col}, minor, lowest, Value(),
                      b.getBoolArrayAttr({false}));
                  if (s[1] != 1)
                    v = vector::ShuffleOp::create(b, l, v, v, pick);
                  m = m ? maxOf(b, l, m, v) : v;
                }
              // Lanes past the row's end are not written.
              return SmallVector<Value>{
                  vector::TransferWriteOp::create(b, l, m, a3[0], ValueRange{n, c, y, x0},
                                                  minor, Value(), b.getBoolArrayAttr({false}))
                      .getResult()};
            });
          });
        });
      })[0];
      rewriter.replaceOp(op, res);
      return success();
    }
    // Each window element is a strided slice of the output's shape (with
    // shifted index maps instead, linalg would take a loop's size from an
    // input whose map is the identity: stride-1 pools failed to verify).
    if (k[0] * k[1] <= 16) {
      SmallVector<Value> ins;
      auto sliceT = RankedTensorType::get(outShape, el);
      for (int64_t i = 0; i < k[0]; ++i)
        for (int64_t j = 0; j < k[1]; ++j)
          ins.push_back(tensor::ExtractSliceOp::create(
              rewriter, loc, sliceT, xp,
              SmallVector<OpFoldResult>{rewriter.getIndexAttr(0), rewriter.getIndexAttr(0),
                                        rewriter.getIndexAttr(i * d[0]),
                                        rewriter.getIndexAttr(j * d[1])},
              SmallVector<OpFoldResult>{
                  rewriter.getIndexAttr(outShape[0]), rewriter.getIndexAttr(outShape[1]),
                  rewriter.getIndexAttr(outShape[2]), rewriter.getIndexAttr(outShape[3])},
              SmallVector<OpFoldResult>{rewriter.getIndexAttr(1), rewriter.getIndexAttr(1),
                                        rewriter.getIndexAttr(s[0]),
                                        rewriter.getIndexAttr(s[1])}));
      rewriter.replaceOp(op, elementwise(rewriter, loc, outShape, el, ins,
                                         [&](OpBuilder &b, Location l, ValueRange a) {
                                           Value m = a[0];
                                           for (Value v : a.drop_front())
                                             m = maxOf(b, l, m, v);
                                           return m;
                                         }));
      return success();
    }
    Value init = linalg::FillOp::create(rewriter, loc, lowest,
                                        emptyLike(rewriter, loc, outShape, el))
                     .getResult(0);
    Value window = emptyLike(rewriter, loc, {k[0], k[1]}, el);
    AffineExpr n, c, oh, ow, kh, kw;
    bindDims(ctx, n, c, oh, ow, kh, kw);
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0, {n, c, oh * s[0] + kh * d[0], ow * s[1] + kw * d[1]}, ctx),
        AffineMap::get(6, 0, {kh, kw}, ctx), AffineMap::get(6, 0, {n, c, oh, ow}, ctx)};
    SmallVector<utils::IteratorType> iters = parallel(4);
    iters.append(2, utils::IteratorType::reduction);
    auto g = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{xp, window}, ValueRange{init},
        maps, iters, [&](OpBuilder &b, Location l, ValueRange a) {
          linalg::YieldOp::create(b, l, maxOf(b, l, a[0], a[2]));
        });
    rewriter.replaceOp(op, g.getResult(0));
    return success();
  }
};

struct ReshapeLowering : OctetPattern<ReshapeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto t = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    SmallVector<int64_t> dims(t.getShape());
    auto st = RankedTensorType::get({(int64_t)dims.size()}, rewriter.getI64Type());
    Value shape = arith::ConstantOp::create(rewriter, loc, st,
                                            DenseIntElementsAttr::get(st, dims));
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, t, adaptor.getInput(), shape);
    return success();
  }
};

/// When a quantized clamp keeps its input's quantization (8-bit, per
/// tensor), the float rule `quantize(clamp(dequantize(q)))` (f32 as
/// dequantizeScalar, floatActivation and quantizeScalar compute it) is
/// evaluated for every stored value; if it equals clamp(q, A, B) for all of
/// them, returns {A, B} (storage values), else nothing.
std::optional<std::pair<int64_t, int64_t>> integerClampBounds(const QInfo &x, const QInfo &y,
                                                              std::optional<float> lo,
                                                              std::optional<float> hi) {
  if (!x.quantized || !y.quantized || x.axis || y.axis || x.width > 8 ||
      x.width != y.width || x.isSigned != y.isSigned || x.zps[0] != y.zps[0] ||
      (float)x.scales[0] != (float)y.scales[0])
    return std::nullopt;
  float s = (float)x.scales[0];
  int64_t zp = x.zps[0];
  auto rule = [&](int64_t q) -> int64_t {
    volatile float f = (float)(q - zp);
    volatile float d = f * s;
    float c = d;
    if (lo && !(c >= *lo)) // maximumf: NaN cannot occur here
      c = *lo;
    if (hi && !(c <= *hi))
      c = *hi;
    volatile float t = c / s;
    float rnd = std::nearbyint(t); // round half to even (default mode)
    volatile float u = rnd + (float)zp;
    float v = std::max((float)y.qmin, std::min((float)y.qmax, (float)u));
    return (int64_t)v;
  };
  int64_t a = rule(x.qmin), b = rule(x.qmax);
  if (a > b)
    return std::nullopt;
  for (int64_t q = x.qmin; q <= x.qmax; ++q)
    if (rule(q) != std::min(std::max(q, a), b))
      return std::nullopt;
  return std::make_pair(a, b);
}

struct ClampLowering : OctetPattern<ClampOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ClampOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto shape = rtt(op.getResult()).getShape();
    auto lo = optF(op.getMin()), hi = optF(op.getMax());
    QInfo x = qinfo(op.getInput().getType()), y = qinfo(op.getType());
    Value r;
    if (!x.quantized) {
      Type el = rtt(adaptor.getInput()).getElementType();
      if (!isa<FloatType>(el))
        return failure();
      r = elementwise(rewriter, loc, shape, el, {adaptor.getInput()},
                      [&](OpBuilder &b, Location l, ValueRange a) {
                        return floatActivation(b, l, a[0], "clamp", lo, hi);
                      });
    } else if (auto ab = integerClampBounds(x, y, lo, hi)) {
      // The same quantization in and out: dequantize -> clamp -> quantize
      // maps each stored value to itself or to a bound, so it is an integer
      // clamp (checked value by value at compile time with the float rule).
      Type storage = rewriter.getIntegerType(y.width);
      int64_t a = ab->first, bnd = ab->second;
      r = elementwise(rewriter, loc, shape, storage, {adaptor.getInput()},
                      [&](OpBuilder &b, Location l, ValueRange v) -> Value {
                        Value q = v[0];
                        Value ca = cstInt(b, l, a, storage), cb = cstInt(b, l, bnd, storage);
                        if (x.isSigned) {
                          q = arith::MaxSIOp::create(b, l, q, ca);
                          return arith::MinSIOp::create(b, l, q, cb);
                        }
                        q = arith::MaxUIOp::create(b, l, q, ca);
                        return arith::MinUIOp::create(b, l, q, cb);
                      });
    } else {
      // On the quantized grid: dequantize, clamp, quantize to the result.
      Type storage = rewriter.getIntegerType(y.width);
      r = elementwise(
          rewriter, loc, shape, storage, {adaptor.getInput()},
          [&](OpBuilder &b, Location l, ValueRange a) {
            Value f = dequantizeScalar(b, l, a[0], x.isSigned,
                                       cstInt(b, l, x.zps[0], b.getI32Type()),
                                       cstF32(b, l, x.scales[0]));
            f = floatActivation(b, l, f, "clamp", lo, hi);
            return quantizeScalar(b, l, f, cstF32(b, l, y.scales[0]), y.zps[0], y.qmin,
                                  y.qmax, storage);
          });
    }
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Which operand of a broadcasting binary op ONNX Runtime's broadcaster
/// hands to its kernels as a scalar: 0 when the lhs is one element (whole
/// tensor, or per innermost span because its innermost non-unit output
/// dimension is broadcast), 1 likewise for the rhs, -1 when both vary along
/// the span.
int spanScalarSide(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                   ArrayRef<int64_t> out) {
  auto numel = [](ArrayRef<int64_t> s) {
    int64_t n = 1;
    for (int64_t d : s)
      n *= d;
    return n;
  };
  if (numel(lhs) == 1)
    return 0;
  if (numel(rhs) == 1)
    return 1;
  int64_t d = (int64_t)out.size() - 1;
  while (d >= 0 && out[d] == 1)
    --d;
  auto broadcastAt = [&](ArrayRef<int64_t> s) {
    int64_t k = d - ((int64_t)out.size() - (int64_t)s.size());
    return k < 0 || s[k] == 1;
  };
  if (d < 0)
    return 0;
  if (broadcastAt(lhs))
    return 0;
  if (broadcastAt(rhs))
    return 1;
  return -1;
}

/// Quantized Add the way ONNX Runtime's x86 QLinearAdd kernel (MLAS, AVX2)
/// computes it, so that Octet and ORT agree bit for bit: with r_a = s_a/s_c
/// and r_b = s_b/s_c in float32 and the fixed part
/// f = zp_c - fma(r_a, zp_a, r_b*zp_b), the result is
/// round_half_even(fma(a, r_a, fma(b, r_b, f))) saturated. An operand the
/// broadcaster hands over as a scalar is folded into the fixed part
/// (f + s*r_s, two roundings) and the other one is applied with one fma.
Value qlinearAdd(OpBuilder &b, Location l, Value va, Value vb, const QInfo &a,
                 const QInfo &bq, const QInfo &y, int scalarSide, Type outEl) {
  float sc = (float)y.scales[0];
  float ra = (float)a.scales[0] / sc, rb = (float)bq.scales[0] / sc;
  // The fixed part as MLAS's AVX2 kernel gets it from the compiler, which
  // contracts `r_a * zp_a + r_b * zp_b` into fma(r_a, zp_a, r_b * zp_b)
  // (the kernel's file is built with FMA enabled): with two roundings
  // instead, one value of regnet_x_400mf's 19,600 after a 7x7 residual add
  // (exactly 32.5000066) rounded to 32 instead of ONNX Runtime's 33.
  volatile float pb = rb * (float)bq.zps[0];
  volatile float sum = std::fma(ra, (float)a.zps[0], (float)pb);
  float fixed = (float)y.zps[0] - sum;
  Type f32 = b.getF32Type();
  auto toF = [&](Value v, bool isSigned) {
    return arith::SIToFPOp::create(b, l, f32, toI32(b, l, v, isSigned));
  };
  Value fa = toF(va, a.isSigned), fb = toF(vb, bq.isSigned);
  Value cra = cstF32(b, l, ra), crb = cstF32(b, l, rb), cf = cstF32(b, l, fixed);
  Value t;
  if (scalarSide == 0) {
    Value f = arith::AddFOp::create(b, l, cf, arith::MulFOp::create(b, l, fa, cra));
    t = math::FmaOp::create(b, l, fb, crb, f);
  } else if (scalarSide == 1) {
    Value f = arith::AddFOp::create(b, l, cf, arith::MulFOp::create(b, l, fb, crb));
    t = math::FmaOp::create(b, l, fa, cra, f);
  } else {
    t = math::FmaOp::create(b, l, fb, crb, cf);
    t = math::FmaOp::create(b, l, fa, cra, t);
  }
  t = math::RoundEvenOp::create(b, l, t);
  return clampToInt(b, l, t, y.qmin, y.qmax, outEl);
}

/// Elementwise binary ops; quantized operands are computed in float as
/// dequantize -> op -> quantize, except Mul and Add, which follow ONNX
/// Runtime's integer kernels.
template <typename OpTy, typename FOp, typename IOp>
struct BinaryLowering : OctetPattern<OpTy> {
  using OctetPattern<OpTy>::OctetPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto shape = rtt(op.getResult()).getShape();
    QInfo a = qinfo(op.getLhs().getType()), bq = qinfo(op.getRhs().getType()),
          y = qinfo(op.getType());
    Type outEl = cast<RankedTensorType>(
                     this->getTypeConverter()->convertType(op.getType()))
                     .getElementType();
    int scalarSide = spanScalarSide(rtt(op.getLhs()).getShape(),
                                    rtt(op.getRhs()).getShape(), shape);
    Value r = elementwise(
        rewriter, loc, shape, outEl, {adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          if (!y.quantized) {
            if (isa<FloatType>(outEl))
              return FOp::create(b, l, v[0], v[1]);
            return IOp::create(b, l, v[0], v[1]);
          }
          // ORT's integer Mul and Add kernels exist for 8-bit tensors only;
          // wider ones run in float (as ONNX Runtime does).
          bool eightBit = a.width <= 8 && bq.width <= 8 && y.width <= 8;
          if (std::is_same<OpTy, MulOp>::value && eightBit) {
            // ONNX Runtime's QLinearMul on x86 (MLAS): the integer product of
            // the debiased inputs, in float32 times (s_a * s_b) / s_c, plus
            // zp_c, then rounded (half to even) and saturated.
            Type i32 = b.getI32Type();
            Value da = arith::SubIOp::create(b, l, toI32(b, l, v[0], a.isSigned),
                                             cstInt(b, l, a.zps[0], i32));
            Value db = arith::SubIOp::create(b, l, toI32(b, l, v[1], bq.isSigned),
                                             cstInt(b, l, bq.zps[0], i32));
            Value prod = arith::SIToFPOp::create(b, l, b.getF32Type(),
                                                 arith::MulIOp::create(b, l, da, db));
            float ratio = (float)a.scales[0] * (float)bq.scales[0] / (float)y.scales[0];
            Value f = arith::MulFOp::create(b, l, prod, cstF32(b, l, ratio));
            f = arith::AddFOp::create(b, l, f, cstF32(b, l, (double)y.zps[0]));
            f = math::RoundEvenOp::create(b, l, f);
            return clampToInt(b, l, f, y.qmin, y.qmax, outEl);
          }
          if (std::is_same<OpTy, AddOp>::value && eightBit)
            return qlinearAdd(b, l, v[0], v[1], a, bq, y, scalarSide, outEl);
          Value fa = dequantizeScalar(b, l, v[0], a.isSigned,
                                      cstInt(b, l, a.zps[0], b.getI32Type()),
                                      cstF32(b, l, a.scales[0]));
          Value fb = dequantizeScalar(b, l, v[1], bq.isSigned,
                                      cstInt(b, l, bq.zps[0], b.getI32Type()),
                                      cstF32(b, l, bq.scales[0]));
          Value f = FOp::create(b, l, fa, fb);
          return quantizeScalar(b, l, f, cstF32(b, l, y.scales[0]), y.zps[0], y.qmin,
                                y.qmax, outEl);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Reduces `input` over `axes` (keeping them as size-1 dims) with `combine`,
/// starting from `init`.
Value reduceKeep(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
                 Value init, function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *ctx = b.getContext();
  auto t = rtt(input);
  SmallVector<int64_t> outShape(t.getShape());
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  for (int64_t d = 0; d < t.getRank(); ++d) {
    bool red = llvm::is_contained(axes, d);
    if (red)
      outShape[d] = 1;
    outExprs.push_back(red ? getAffineConstantExpr(0, ctx) : getAffineDimExpr(d, ctx));
    iters.push_back(red ? utils::IteratorType::reduction : utils::IteratorType::parallel);
  }
  Value out = linalg::FillOp::create(b, loc, init,
                                     emptyLike(b, loc, outShape, t.getElementType()))
                  .getResult(0);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(t.getRank(), ctx),
                                 AffineMap::get(t.getRank(), 0, outExprs, ctx)};
  auto g = linalg::GenericOp::create(
      b, loc, TypeRange{out.getType()}, ValueRange{input}, ValueRange{out}, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        linalg::YieldOp::create(nb, nl, combine(nb, nl, a[0], a[1]));
      });
  return g.getResult(0);
}

Value reshapeTo(OpBuilder &b, Location loc, Value v, RankedTensorType to) {
  if (v.getType() == to)
    return v;
  auto st = RankedTensorType::get({to.getRank()}, b.getI64Type());
  Value shape = arith::ConstantOp::create(
      b, loc, st, DenseIntElementsAttr::get(st, to.getShape()));
  return tensor::ReshapeOp::create(b, loc, to, v, shape);
}

Value fconst(OpBuilder &b, Location loc, double v, Type t) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(t, v));
}

/// Float elementwise op on float or (through dequantize/quantize) quantized
/// tensors.
template <typename OpTy>
struct UnaryLowering : OctetPattern<OpTy> {
  using OctetPattern<OpTy>::OctetPattern;
  std::function<Value(OpBuilder &, Location, Value)> fn;
  UnaryLowering(const TypeConverter &tc, MLIRContext *ctx, LowerOptions fp,
                std::function<Value(OpBuilder &, Location, Value)> f)
      : OctetPattern<OpTy>(tc, ctx, fp), fn(std::move(f)) {}
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto shape = rtt(op.getResult()).getShape();
    QInfo x = qinfo(op.getInput().getType()), y = qinfo(op.getType());
    Type outEl = cast<RankedTensorType>(this->getTypeConverter()->convertType(op.getType()))
                     .getElementType();
    Value r = elementwise(rewriter, loc, shape, outEl, {adaptor.getInput()},
                          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                            if (!x.quantized)
                              return fn(b, l, a[0]);
                            Value f = dequantizeScalar(b, l, a[0], x.isSigned,
                                                       cstInt(b, l, x.zps[0], b.getI32Type()),
                                                       cstF32(b, l, x.scales[0]));
                            f = fn(b, l, f);
                            return quantizeScalar(b, l, f, cstF32(b, l, y.scales[0]), y.zps[0],
                                                  y.qmin, y.qmax, outEl);
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Elementwise activations with scalar parameters (alpha, beta).
template <typename OpTy>
struct ParamUnaryLowering : OctetPattern<OpTy> {
  using Fn = std::function<Value(OpBuilder &, Location, Value, float, float)>;
  Fn fn;
  ParamUnaryLowering(const TypeConverter &tc, MLIRContext *ctx, LowerOptions fp, Fn f)
      : OctetPattern<OpTy>(tc, ctx, fp), fn(std::move(f)) {}
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    float alpha = op.getAlpha().convertToFloat(), beta = op.getBeta().convertToFloat();
    QInfo x = qinfo(op.getInput().getType()), y = qinfo(op.getType());
    Type outEl = cast<RankedTensorType>(this->getTypeConverter()->convertType(op.getType()))
                     .getElementType();
    Value r = elementwise(
        rewriter, op.getLoc(), rtt(op.getResult()).getShape(), outEl, {adaptor.getInput()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (!x.quantized)
            return fn(b, l, a[0], alpha, beta);
          Value f = dequantizeScalar(b, l, a[0], x.isSigned,
                                     cstInt(b, l, x.zps[0], b.getI32Type()),
                                     cstF32(b, l, x.scales[0]));
          return quantizeScalar(b, l, fn(b, l, f, alpha, beta), cstF32(b, l, y.scales[0]),
                                y.zps[0], y.qmin, y.qmax, outEl);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// PRelu's scalar body for BinaryLowering: x < 0 ? slope * x : x.
struct PReluFOp {
  static Value create(OpBuilder &b, Location l, Value x, Value s) {
    Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x,
                                      fconst(b, l, 0.0, x.getType()));
    return arith::SelectOp::create(b, l, neg, arith::MulFOp::create(b, l, x, s), x);
  }
};

/// A 1-D i32 constant.
Value i32Table(OpBuilder &b, Location loc, ArrayRef<int32_t> v) {
  auto t = RankedTensorType::get({(int64_t)v.size()}, b.getI32Type());
  return arith::ConstantOp::create(b, loc, t, DenseIntElementsAttr::get(t, v));
}
Value f32Table(OpBuilder &b, Location loc, ArrayRef<float> v) {
  auto t = RankedTensorType::get({(int64_t)v.size()}, b.getF32Type());
  return arith::ConstantOp::create(b, loc, t, DenseFPElementsAttr::get(t, v));
}

/// A generic op over `outShape` whose inputs are 1-D tables indexed by one
/// output dimension each (tableDims[k]); the body gets their values.
Value tableGeneric(OpBuilder &b, Location loc, ArrayRef<int64_t> outShape, Type outEl,
                   ArrayRef<Value> tables, ArrayRef<int64_t> tableDims,
                   function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  unsigned r = outShape.size();
  for (int64_t d : tableDims)
    maps.push_back(AffineMap::get(r, 0, {getAffineDimExpr(d, ctx)}, ctx));
  maps.push_back(AffineMap::getMultiDimIdentityMap(r, ctx));
  Value init = emptyLike(b, loc, outShape, outEl);
  auto g = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, tables, ValueRange{init}, maps, parallel(r),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, body(nb, nl, args.drop_back()));
      });
  return g.getResult(0);
}

/// The storage value of real `v` under per-tensor quantization q.
int64_t quantizeHost(const QInfo &q, double v) {
  double r = std::nearbyint((float)v / (float)q.scales[0]) + (double)q.zps[0];
  return (int64_t)std::clamp(r, (double)q.qmin, (double)q.qmax);
}

struct PadLowering : OctetPattern<PadOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value x = adaptor.getInput();
    auto in = rtt(x).getShape();
    int64_t r = in.size();
    ArrayRef<int64_t> pads = op.getPads();
    Type el = outT.getElementType();
    if (op.getMode() == "constant") {
      QInfo q = qinfo(op.getInput().getType());
      double v = op.getValue().convertToDouble();
      TypedAttr fill;
      if (q.quantized)
        fill = rewriter.getIntegerAttr(el, quantizeHost(q, v));
      else if (isa<FloatType>(el))
        fill = rewriter.getFloatAttr(el, v);
      else
        fill = rewriter.getIntegerAttr(el, (int64_t)v);
      Value c = arith::ConstantOp::create(rewriter, loc, fill);
      SmallVector<OpFoldResult> lo, hi;
      for (int64_t d = 0; d < r; ++d) {
        lo.push_back(rewriter.getIndexAttr(pads[d]));
        hi.push_back(rewriter.getIndexAttr(pads[d + r]));
      }
      rewriter.replaceOp(op, tensor::PadOp::create(rewriter, loc, outT, x, lo, hi, c));
      return success();
    }
    // Reflect and edge: each output index maps to one input index.
    bool reflect = op.getMode() == "reflect";
    SmallVector<Value> tables;
    SmallVector<int64_t> dims;
    for (int64_t d = 0; d < r; ++d) {
      SmallVector<int32_t> idx;
      for (int64_t o = 0; o < outT.getDimSize(d); ++o) {
        int64_t i = o - pads[d];
        if (reflect) {
          if (i < 0)
            i = -i;
          if (i >= in[d])
            i = 2 * (in[d] - 1) - i;
        }
        idx.push_back((int32_t)std::clamp<int64_t>(i, 0, in[d] - 1));
      }
      tables.push_back(i32Table(rewriter, loc, idx));
      dims.push_back(d);
    }
    Value out = tableGeneric(rewriter, loc, outT.getShape(), el, tables, dims,
                             [&](OpBuilder &b, Location l, ValueRange t) -> Value {
                               SmallVector<Value> ix;
                               for (Value v : t)
                                 ix.push_back(arith::IndexCastOp::create(
                                     b, l, b.getIndexType(), v));
                               return tensor::ExtractOp::create(b, l, x, ix);
                             });
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// ONNX Resize coordinate transformation, in float32 as ONNX Runtime.
float resizeCoordinate(StringRef mode, float xr, float scale, int64_t outLen, int64_t inLen) {
  if (mode == "half_pixel")
    return (xr + 0.5f) / scale - 0.5f;
  if (mode == "pytorch_half_pixel")
    return outLen > 1 ? (xr + 0.5f) / scale - 0.5f : 0.0f;
  if (mode == "align_corners")
    return outLen == 1 ? 0.0f : xr * (float)(inLen - 1) / (float)(outLen - 1);
  if (mode == "tf_half_pixel_for_nn")
    return (xr + 0.5f) / scale;
  if (mode == "half_pixel_symmetric") {
    float adjustment = (float)outLen / (scale * (float)inLen);
    float center = (float)inLen / 2.0f;
    float offset = center * (1.0f - adjustment);
    return offset + (xr + 0.5f) / scale - 0.5f;
  }
  return xr / scale; // asymmetric
}

int64_t resizeNearest(StringRef mode, float x) {
  if (mode == "floor")
    return (int64_t)std::floor(x);
  if (mode == "ceil")
    return (int64_t)std::ceil(x);
  if (mode == "round_prefer_ceil")
    return (int64_t)std::round(x);
  // round_prefer_floor
  if (x == (float)(int64_t)x + 0.5f)
    return (int64_t)std::floor(x);
  return (int64_t)std::round(x);
}

struct ResizeLowering : OctetPattern<ResizeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value x = adaptor.getInput();
    auto in = rtt(x).getShape();
    auto out = outT.getShape();
    int64_t r = in.size();
    ArrayRef<float> scales = op.getScales();
    bool linear = op.getMode() == "linear";
    StringRef coord = op.getCoordinateMode(), nearest = op.getNearestMode();
    QInfo qx = qinfo(op.getInput().getType()), qy = qinfo(op.getType());
    Type el = outT.getElementType();
    // Per resized dimension: the first input index (and for linear the
    // second one and both weights), as constant tables.
    SmallVector<Value> tables;
    SmallVector<int64_t> dims, resized;
    for (int64_t d = 0; d < r; ++d) {
      bool identity = in[d] == out[d] && scales[d] == 1.0f;
      if (identity)
        continue;
      resized.push_back(d);
      SmallVector<int32_t> i1, i2;
      SmallVector<float> w1, w2;
      for (int64_t o = 0; o < out[d]; ++o) {
        float c = resizeCoordinate(coord, (float)o, scales[d], out[d], in[d]);
        if (!linear) {
          i1.push_back((int32_t)std::clamp<int64_t>(resizeNearest(nearest, c), 0, in[d] - 1));
          continue;
        }
        c = std::max(0.0f, std::min(c, (float)(in[d] - 1)));
        int64_t a = std::min<int64_t>((int64_t)c, in[d] - 1);
        int64_t bb = std::min<int64_t>(a + 1, in[d] - 1);
        float wa = std::fabs(c - (float)bb), wb = std::fabs(c - (float)a);
        if (a == bb)
          wa = wb = 0.5f;
        i1.push_back((int32_t)a);
        i2.push_back((int32_t)bb);
        w1.push_back(wa);
        w2.push_back(wb);
      }
      tables.push_back(i32Table(rewriter, loc, i1));
      dims.push_back(d);
      if (linear) {
        tables.push_back(i32Table(rewriter, loc, i2));
        tables.push_back(f32Table(rewriter, loc, w1));
        tables.push_back(f32Table(rewriter, loc, w2));
        dims.append({d, d, d});
      }
    }
    unsigned k = resized.size();
    Value res = tableGeneric(
        rewriter, loc, out, el, tables, dims,
        [&](OpBuilder &b, Location l, ValueRange t) -> Value {
          SmallVector<Value> base;
          for (int64_t d = 0; d < r; ++d)
            base.push_back(linalg::IndexOp::create(b, l, d));
          auto idx = [&](Value v) {
            return arith::IndexCastOp::create(b, l, b.getIndexType(), v).getResult();
          };
          if (!linear) {
            for (unsigned j = 0; j < k; ++j)
              base[resized[j]] = idx(t[j]);
            return tensor::ExtractOp::create(b, l, x, base);
          }
          // Sum over the 2^k corners, weights multiplied in dimension order.
          Value acc;
          for (unsigned corner = 0; corner < (1u << k); ++corner) {
            SmallVector<Value> ix(base);
            Value w;
            for (unsigned j = 0; j < k; ++j) {
              bool hi = corner >> (k - 1 - j) & 1;
              ix[resized[j]] = idx(t[4 * j + (hi ? 1 : 0)]);
              Value wj = t[4 * j + (hi ? 3 : 2)];
              w = w ? arith::MulFOp::create(b, l, w, wj).getResult() : wj;
            }
            Value v = tensor::ExtractOp::create(b, l, x, ix);
            if (qx.quantized)
              v = dequantizeScalar(b, l, v, qx.isSigned,
                                   cstInt(b, l, qx.zps[0], b.getI32Type()),
                                   cstF32(b, l, qx.scales[0]));
            else if (v.getType() != b.getF32Type())
              v = arith::ExtFOp::create(b, l, b.getF32Type(), v);
            Value term = arith::MulFOp::create(b, l, w, v);
            acc = acc ? arith::AddFOp::create(b, l, acc, term).getResult() : term;
          }
          if (qy.quantized)
            return quantizeScalar(b, l, acc, cstF32(b, l, qy.scales[0]), qy.zps[0], qy.qmin,
                                  qy.qmax, el);
          if (el != b.getF32Type())
            return arith::TruncFOp::create(b, l, el, acc);
          return acc;
        });
    rewriter.replaceOp(op, res);
    return success();
  }
};

struct BroadcastLowering : OctetPattern<BroadcastOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    rewriter.replaceOp(op, elementwise(rewriter, op.getLoc(), outT.getShape(),
                                       outT.getElementType(), {adaptor.getInput()},
                                       [](OpBuilder &, Location, ValueRange a) { return a[0]; }));
    return success();
  }
};

/// Tile: broadcast [d0..] to [r0, d0, r1, d1, ...], then collapse pairs.
struct TileLowering : OctetPattern<TileOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(TileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value x = adaptor.getInput();
    auto in = rtt(x).getShape();
    int64_t r = in.size();
    SmallVector<int64_t> wide;
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < r; ++d) {
      wide.append({op.getRepeats()[d], in[d]});
      exprs.push_back(getAffineDimExpr(2 * d + 1, ctx));
    }
    Value w = elementwise(rewriter, loc, wide, outT.getElementType(), {x},
                          [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                          {AffineMap::get(2 * r, 0, exprs, ctx)});
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, w, outT));
    return success();
  }
};

struct ModLowering : OctetPattern<ModOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ModOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    bool fm = op.getFmod();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value r = elementwise(
        rewriter, op.getLoc(), outT.getShape(), outT.getElementType(),
        {adaptor.getLhs(), adaptor.getRhs()}, [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          if (isa<FloatType>(v[0].getType()))
            return arith::RemFOp::create(b, l, v[0], v[1]);
          Value rem = arith::RemSIOp::create(b, l, v[0], v[1]);
          if (fm)
            return rem;
          // Python's sign rule: add the divisor when the signs differ.
          Value zero = cstInt(b, l, 0, v[0].getType());
          Value nz = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, rem, zero);
          Value rn = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, rem, zero);
          Value dn = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, v[1], zero);
          Value fix = arith::AndIOp::create(
              b, l, nz, arith::XOrIOp::create(b, l, rn, dn));
          return arith::SelectOp::create(b, l, fix, arith::AddIOp::create(b, l, rem, v[1]), rem);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// An i32/i64 index value as an index into a dimension of size `dim`:
/// negative values count from the end, out-of-range ones clamp (rather than
/// read or write outside the buffer).
Value clampedIndex(OpBuilder &b, Location l, Value v, int64_t dim) {
  Value i = arith::IndexCastOp::create(b, l, b.getIndexType(), v);
  Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i, cstIndex(b, l, 0));
  i = arith::SelectOp::create(b, l, neg, arith::AddIOp::create(b, l, i, cstIndex(b, l, dim)), i);
  return arith::MaxSIOp::create(b, l, arith::MinSIOp::create(b, l, i, cstIndex(b, l, dim - 1)),
                                cstIndex(b, l, 0));
}

/// Scatter: a loop nest over the updates, in order, carrying the result.
struct ScatterLowering : OctetPattern<ScatterOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ScatterOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), ind = adaptor.getIndices(), upd = adaptor.getUpdates();
    auto xs = rtt(x).getShape();
    auto us = rtt(upd).getShape();
    Type el = rtt(x).getElementType();
    bool nd = op.getNd(), isFloat = isa<FloatType>(el);
    StringRef red = op.getReduction();
    int64_t axis = op.getAxis(), ir = rtt(ind).getRank();
    int64_t k = nd ? rtt(ind).getShape().back() : 0;
    // A copy of the input to update (the loop writes it in place).
    Value out = linalg::CopyOp::create(rewriter, loc, x, emptyLike(rewriter, loc, xs, el))
                    .getResult(0);
    std::function<Value(OpBuilder &, Location, SmallVector<Value> &, Value)> nest =
        [&](OpBuilder &b, Location l, SmallVector<Value> &ivs, Value cur) -> Value {
      size_t d = ivs.size();
      if (d < us.size())
        return constLoop(b, l, 0, us[d], 1, ValueRange{cur},
                         [&](OpBuilder &ib, Location il, Value iv, ValueRange a) {
                           ivs.push_back(iv);
                           Value r = nest(ib, il, ivs, a[0]);
                           ivs.pop_back();
                           return SmallVector<Value>{r};
                         })[0];
      SmallVector<Value> target;
      if (!nd) {
        target = ivs;
        target[axis] = clampedIndex(b, l, tensor::ExtractOp::create(b, l, ind, ivs), xs[axis]);
      } else {
        SmallVector<Value> q(ivs.begin(), ivs.begin() + (ir - 1));
        for (int64_t j = 0; j < k; ++j) {
          SmallVector<Value> at(q);
          at.push_back(cstIndex(b, l, j));
          target.push_back(clampedIndex(b, l, tensor::ExtractOp::create(b, l, ind, at), xs[j]));
        }
        target.append(ivs.begin() + (ir - 1), ivs.end());
      }
      Value v = tensor::ExtractOp::create(b, l, upd, ivs);
      if (red != "none") {
        Value old = tensor::ExtractOp::create(b, l, cur, target);
        if (red == "add")
          v = isFloat ? (Value)arith::AddFOp::create(b, l, old, v) : arith::AddIOp::create(b, l, old, v);
        else if (red == "mul")
          v = isFloat ? (Value)arith::MulFOp::create(b, l, old, v) : arith::MulIOp::create(b, l, old, v);
        else if (red == "max")
          v = isFloat ? (Value)arith::MaxNumFOp::create(b, l, old, v)
                      : arith::MaxSIOp::create(b, l, old, v);
        else
          v = isFloat ? (Value)arith::MinNumFOp::create(b, l, old, v)
                      : arith::MinSIOp::create(b, l, old, v);
      }
      return tensor::InsertOp::create(b, l, v, cur, target);
    };
    SmallVector<Value> ivs;
    rewriter.replaceOp(op, nest(rewriter, loc, ivs, out));
    return success();
  }
};

/// GatherND: each output element reads its index tuple from `indices`
/// (negative entries count from the end, out-of-range ones clamp).
struct GatherNDLowering : OctetPattern<GatherNDOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value x = adaptor.getInput(), ind = adaptor.getIndices();
    auto xs = rtt(x).getShape();
    int64_t bd = op.getBatchDims(), ir = rtt(ind).getRank(), k = rtt(ind).getShape().back();
    Value r = elementwise(
        rewriter, op.getLoc(), outT.getShape(), outT.getElementType(), {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          SmallVector<Value> lead, ix;
          for (int64_t d = 0; d < ir - 1; ++d)
            lead.push_back(linalg::IndexOp::create(b, l, d));
          for (int64_t d = 0; d < bd; ++d)
            ix.push_back(lead[d]);
          for (int64_t j = 0; j < k; ++j) {
            SmallVector<Value> at(lead);
            at.push_back(cstIndex(b, l, j));
            Value v = tensor::ExtractOp::create(b, l, ind, at);
            ix.push_back(clampedIndex(b, l, v, xs[bd + j]));
          }
          for (int64_t d = ir - 1; d < outT.getRank(); ++d)
            ix.push_back(linalg::IndexOp::create(b, l, d));
          return tensor::ExtractOp::create(b, l, x, ix);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// CumSum as a loop along the axis carrying the running sum of one slice.
struct CumSumLowering : OctetPattern<CumSumOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto shape = rtt(x).getShape();
    Type el = rtt(x).getElementType();
    int64_t axis = op.getAxis(), len = shape[axis];
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    SmallVector<int64_t> sliceShape(shape);
    sliceShape[axis] = 1;
    auto sliceT = RankedTensorType::get(sliceShape, el);
    Value zero = isa<FloatType>(el)
                     ? (Value)arith::ConstantOp::create(rewriter, loc, rewriter.getFloatAttr(el, 0))
                     : cstInt(rewriter, loc, 0, el);
    Value run0 = linalg::FillOp::create(rewriter, loc, zero, emptyLike(rewriter, loc, sliceShape, el))
                     .getResult(0);
    Value out = emptyLike(rewriter, loc, shape, el);
    auto r = constLoop(
        rewriter, loc, 0, len, 1, ValueRange{out, run0},
        [&](OpBuilder &b, Location l, Value k, ValueRange a) -> SmallVector<Value> {
          Value at = reverse ? (Value)arith::SubIOp::create(b, l, cstIndex(b, l, len - 1), k) : k;
          SmallVector<OpFoldResult> offs(shape.size(), b.getIndexAttr(0)), sizes, strides;
          offs[axis] = at;
          for (int64_t d : sliceShape) {
            sizes.push_back(b.getIndexAttr(d));
            strides.push_back(b.getIndexAttr(1));
          }
          Value xs = tensor::ExtractSliceOp::create(b, l, sliceT, x, offs, sizes, strides);
          // The running sum is updated in place (the loop carries one buffer).
          auto id = AffineMap::getMultiDimIdentityMap(sliceShape.size(), b.getContext());
          auto add = [&](Value run) {
            return linalg::GenericOp::create(
                       b, l, TypeRange{sliceT}, ValueRange{xs}, ValueRange{run},
                       SmallVector<AffineMap>{id, id}, parallel(sliceShape.size()),
                       [&](OpBuilder &nb, Location nl, ValueRange v) {
                         Value r = isa<FloatType>(el)
                                       ? (Value)arith::AddFOp::create(nb, nl, v[1], v[0])
                                       : arith::AddIOp::create(nb, nl, v[1], v[0]);
                         linalg::YieldOp::create(nb, nl, r);
                       })
                .getResult(0);
          };
          if (exclusive) {
            Value o = tensor::InsertSliceOp::create(b, l, a[1], a[0], offs, sizes, strides);
            return {o, add(a[1])};
          }
          Value next = add(a[1]);
          Value o = tensor::InsertSliceOp::create(b, l, next, a[0], offs, sizes, strides);
          return {o, next};
        });
    rewriter.replaceOp(op, r[0]);
    return success();
  }
};

struct GatherElementsLowering : OctetPattern<GatherElementsOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value x = adaptor.getInput();
    int64_t axis = op.getAxis(), dim = rtt(x).getDimSize(axis);
    Value r = elementwise(
        rewriter, op.getLoc(), outT.getShape(), outT.getElementType(), {adaptor.getIndices()},
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          // Negative indices count from the end; out-of-range ones clamp
          // rather than read outside the buffer.
          Value i = clampedIndex(b, l, v[0], dim);
          SmallVector<Value> ix;
          for (int64_t d = 0; d < outT.getRank(); ++d)
            ix.push_back(d == axis ? i : (Value)linalg::IndexOp::create(b, l, d));
          return tensor::ExtractOp::create(b, l, x, ix);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct CompareLowering : OctetPattern<CompareOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(CompareOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    StringRef p = op.getPredicate();
    Type orig = rtt(op.getLhs()).getElementType();
    bool isUnsigned = orig.isUnsignedInteger() || orig.isInteger(1);
    Value r = elementwise(
        rewriter, op.getLoc(), rtt(op.getResult()).getShape(), rewriter.getI1Type(),
        {adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          if (isa<FloatType>(v[0].getType())) {
            auto fp = p == "eq"   ? arith::CmpFPredicate::OEQ
                      : p == "lt" ? arith::CmpFPredicate::OLT
                      : p == "le" ? arith::CmpFPredicate::OLE
                      : p == "gt" ? arith::CmpFPredicate::OGT
                                  : arith::CmpFPredicate::OGE;
            return arith::CmpFOp::create(b, l, fp, v[0], v[1]);
          }
          using IP = arith::CmpIPredicate;
          auto ip = p == "eq"   ? IP::eq
                    : p == "lt" ? (isUnsigned ? IP::ult : IP::slt)
                    : p == "le" ? (isUnsigned ? IP::ule : IP::sle)
                    : p == "gt" ? (isUnsigned ? IP::ugt : IP::sgt)
                                : (isUnsigned ? IP::uge : IP::sge);
          return arith::CmpIOp::create(b, l, ip, v[0], v[1]);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct WhereLowering : OctetPattern<WhereOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(WhereOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value r = elementwise(rewriter, op.getLoc(), outT.getShape(), outT.getElementType(),
                          {adaptor.getCondition(), adaptor.getLhs(), adaptor.getRhs()},
                          [&](OpBuilder &b, Location l, ValueRange v) -> Value {
                            return arith::SelectOp::create(b, l, v[0], v[1], v[2]);
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// ArgMax / ArgMin: one reduction carrying the best value and its index.
template <typename OpTy>
struct ArgReduceLowering : OctetPattern<OpTy> {
  using OctetPattern<OpTy>::OctetPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    constexpr bool isMax = std::is_same<OpTy, ArgMaxOp>::value;
    Value x = adaptor.getInput();
    auto t = rtt(x);
    Type el = t.getElementType();
    Type orig = rtt(op.getInput()).getElementType();
    bool isUnsigned = orig.isUnsignedInteger() || orig.isInteger(1);
    int64_t axis = op.getAxis(), r = t.getRank();
    bool last = op.getSelectLastIndex();
    SmallVector<int64_t> kept(t.getShape());
    kept[axis] = 1;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iters;
    for (int64_t d = 0; d < r; ++d) {
      outExprs.push_back(d == axis ? getAffineConstantExpr(0, ctx) : getAffineDimExpr(d, ctx));
      iters.push_back(d == axis ? utils::IteratorType::reduction : utils::IteratorType::parallel);
    }
    TypedAttr startV;
    if (isa<FloatType>(el)) {
      startV = rewriter.getFloatAttr(el, isMax ? -std::numeric_limits<double>::infinity()
                                               : std::numeric_limits<double>::infinity());
    } else {
      unsigned w = el.getIntOrFloatBitWidth();
      APInt v = isUnsigned ? (isMax ? APInt::getMinValue(w) : APInt::getMaxValue(w))
                           : (isMax ? APInt::getSignedMinValue(w) : APInt::getSignedMaxValue(w));
      startV = rewriter.getIntegerAttr(el, v);
    }
    Value start = arith::ConstantOp::create(rewriter, loc, startV).getResult();
    Value best = linalg::FillOp::create(rewriter, loc, start, emptyLike(rewriter, loc, kept, el))
                     .getResult(0);
    // Index -1 marks "nothing taken yet", so the first element always wins
    // (NaN and infinities included).
    Value idx = linalg::FillOp::create(rewriter, loc, cstInt(rewriter, loc, -1, rewriter.getI64Type()),
                                       emptyLike(rewriter, loc, kept, rewriter.getI64Type()))
                    .getResult(0);
    AffineMap outMap = AffineMap::get(r, 0, outExprs, ctx);
    auto g = linalg::GenericOp::create(
        rewriter, loc, TypeRange{best.getType(), idx.getType()}, ValueRange{x},
        ValueRange{best, idx}, {AffineMap::getMultiDimIdentityMap(r, ctx), outMap, outMap}, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value v = a[0], cur = a[1], ci = a[2];
          Value better;
          if (isa<FloatType>(el)) {
            auto p = isMax ? (last ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT)
                           : (last ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT);
            better = arith::CmpFOp::create(b, l, p, v, cur);
          } else {
            using IP = arith::CmpIPredicate;
            IP p = isMax ? (last ? (isUnsigned ? IP::uge : IP::sge) : (isUnsigned ? IP::ugt : IP::sgt))
                         : (last ? (isUnsigned ? IP::ule : IP::sle) : (isUnsigned ? IP::ult : IP::slt));
            better = arith::CmpIOp::create(b, l, p, v, cur);
          }
          Value first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, ci,
                                              cstInt(b, l, 0, b.getI64Type()));
          better = arith::OrIOp::create(b, l, better, first);
          Value i = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                               linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(b, l, ValueRange{arith::SelectOp::create(b, l, better, v, cur),
                                                   arith::SelectOp::create(b, l, better, i, ci)});
        });
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, g.getResult(1),
                                     cast<RankedTensorType>(op.getType())));
    return success();
  }
};

/// Softmax of 8-bit quantized tensors as ONNX Runtime's QLinearSoftmax: a
/// float32 table of exp((i - 255 + shift) * s_x) for the 256 input steps,
/// indexed by each value's distance to its row maximum, a float32 sum per
/// row in order, then rint(e * floor(1 / s_y) / sum) + zp_y, saturated
/// above at 255 (uint8) or 127 (int8).
Value quantizedSoftmax(OpBuilder &b, Location loc, Value x, int64_t axis, const QInfo &qx,
                       const QInfo &qy) {
  auto t = rtt(x);
  Type i8 = t.getElementType(), i32 = b.getI32Type(), f32 = b.getF32Type();
  int64_t d = t.getDimSize(axis);
  double shift = (double)std::log(std::numeric_limits<float>::max() / (float)d);
  shift = std::max(0.0, shift - 5.0) / (double)(float)qx.scales[0];
  SmallVector<float> table(256);
  for (int i = 0; i < 256; ++i) {
    uint8_t index = (uint8_t)(qx.isSigned ? i - 128 : i);
    table[index] = (float)std::exp(((double)i - 255 + shift) * (double)(float)qx.scales[0]);
  }
  Value tableC = f32Table(b, loc, table);
  float yScale = std::floor(1.0f / (float)qy.scales[0]);
  // Row maxima of the stored values.
  Value init = cstInt(b, loc, qx.isSigned ? -128 : 0, i8);
  Value mx = reduceKeep(b, loc, x, {axis}, init, [&](OpBuilder &nb, Location l, Value a, Value acc) -> Value {
    if (qx.isSigned)
      return arith::MaxSIOp::create(nb, l, a, acc);
    return arith::MaxUIOp::create(nb, l, a, acc);
  });
  // Table entry of each element: u8 index 255 - max + x, s8 (127 - max + x) mod 256.
  Value e = elementwise(b, loc, t.getShape(), f32, {x, mx},
                        [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
                          Value xi = toI32(nb, l, v[0], qx.isSigned);
                          Value mi = toI32(nb, l, v[1], qx.isSigned);
                          Value base = cstInt(nb, l, qx.isSigned ? 127 : 255, i32);
                          Value ix = arith::AddIOp::create(
                              nb, l, arith::SubIOp::create(nb, l, base, mi), xi);
                          if (qx.isSigned)
                            ix = arith::AndIOp::create(nb, l, ix, cstInt(nb, l, 255, i32));
                          Value idx = arith::IndexCastOp::create(nb, l, nb.getIndexType(), ix);
                          return tensor::ExtractOp::create(nb, l, tableC, ValueRange{idx});
                        });
  Value sum = reduceKeep(b, loc, e, {axis}, fconst(b, loc, 0.0, f32),
                         [](OpBuilder &nb, Location l, Value a, Value acc) -> Value {
                           return arith::AddFOp::create(nb, l, acc, a);
                         });
  return elementwise(
      b, loc, t.getShape(), i8, {e, sum}, [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
        Value f = arith::DivFOp::create(nb, l, arith::MulFOp::create(nb, l, v[0], cstF32(nb, l, yScale)),
                                        v[1]);
        f = math::RoundEvenOp::create(nb, l, f);
        Value q = arith::AddIOp::create(nb, l, arith::FPToSIOp::create(nb, l, i32, f),
                                        cstInt(nb, l, qy.zps[0], i32));
        // Saturated above (the value is at least the zero point): 255 for
        // uint8, 127 for int8, as ONNX Runtime 1.30 does (older ORT sources
        // wrapped int8 values from 128 to 255 around).
        int64_t top = qy.isSigned ? 127 : 255;
        Value over = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sgt, q, cstInt(nb, l, top, i32));
        q = arith::SelectOp::create(nb, l, over, cstInt(nb, l, top, i32), q);
        return arith::TruncIOp::create(nb, l, i8, q);
      });
}

struct SoftmaxLowering : OctetPattern<SoftmaxOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = rtt(x);
    Type el = t.getElementType();
    int64_t axis = op.getAxis();
    QInfo qx = qinfo(op.getInput().getType()), qy = qinfo(op.getType());
    if (qx.quantized) {
      rewriter.replaceOp(op, quantizedSoftmax(rewriter, loc, x, axis, qx, qy));
      return success();
    }
    Value mx = reduceKeep(rewriter, loc, x, {axis},
                          fconst(rewriter, loc, -std::numeric_limits<double>::infinity(), el),
                          [](OpBuilder &b, Location l, Value a, Value acc) -> Value {
                            return arith::MaximumFOp::create(b, l, a, acc);
                          });
    Value e = elementwise(rewriter, loc, t.getShape(), el, {x, mx},
                          [](OpBuilder &b, Location l, ValueRange a) -> Value {
                            return math::ExpOp::create(
                                b, l, arith::SubFOp::create(b, l, a[0], a[1]));
                          });
    Value sum = reduceKeep(rewriter, loc, e, {axis}, fconst(rewriter, loc, 0.0, el),
                           [](OpBuilder &b, Location l, Value a, Value acc) -> Value {
                             return arith::AddFOp::create(b, l, a, acc);
                           });
    bool log = op.getLog();
    Value r = log ? elementwise(rewriter, loc, t.getShape(), el, {x, mx, sum},
                                [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                  return arith::SubFOp::create(
                                      b, l, arith::SubFOp::create(b, l, a[0], a[1]),
                                      math::LogOp::create(b, l, a[2]));
                                })
                  : elementwise(rewriter, loc, t.getShape(), el, {e, sum},
                                [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                  return arith::DivFOp::create(b, l, a[0], a[1]);
                                });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct LayerNormLowering : OctetPattern<LayerNormOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = rtt(x);
    Type el = t.getElementType();
    SmallVector<int64_t> axes;
    int64_t count = 1;
    for (int64_t d = op.getAxis(); d < t.getRank(); ++d) {
      axes.push_back(d);
      count *= t.getDimSize(d);
    }
    auto add = [](OpBuilder &b, Location l, Value a, Value acc) -> Value {
      return arith::AddFOp::create(b, l, a, acc);
    };
    double inv = 1.0 / (double)count;
    Value sum = reduceKeep(rewriter, loc, x, axes, fconst(rewriter, loc, 0.0, el), add);
    Value centered = elementwise(rewriter, loc, t.getShape(), el, {x, sum},
                                 [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                   Value mean = arith::MulFOp::create(b, l, a[1], fconst(b, l, inv, el));
                                   return arith::SubFOp::create(b, l, a[0], mean);
                                 });
    Value sq = elementwise(rewriter, loc, t.getShape(), el, {centered},
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return arith::MulFOp::create(b, l, a[0], a[0]);
                           });
    Value var = reduceKeep(rewriter, loc, sq, axes, fconst(rewriter, loc, 0.0, el), add);
    double eps = op.getEpsilon().convertToDouble();
    SmallVector<Value> ins = {centered, var, adaptor.getScale()};
    if (adaptor.getBias())
      ins.push_back(adaptor.getBias());
    Value r = elementwise(rewriter, loc, t.getShape(), el, ins,
                          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                            Value v = arith::MulFOp::create(b, l, a[1], fconst(b, l, inv, el));
                            v = arith::AddFOp::create(b, l, v, fconst(b, l, eps, el));
                            v = math::RsqrtOp::create(b, l, v);
                            Value y = arith::MulFOp::create(b, l, a[0], v);
                            y = arith::MulFOp::create(b, l, y, a[2]);
                            if (a.size() > 3)
                              y = arith::AddFOp::create(b, l, y, a[3]);
                            return y;
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct BatchNormLowering : OctetPattern<BatchNormOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto t = rtt(adaptor.getInput());
    Type el = t.getElementType();
    double eps = op.getEpsilon().convertToDouble();
    AffineMap ch = channelMap(rewriter.getContext(), t.getRank(), 1);
    Value r = elementwise(
        rewriter, loc, t.getShape(), el,
        {adaptor.getInput(), adaptor.getScale(), adaptor.getBias(), adaptor.getMean(),
         adaptor.getVariance()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value v = arith::AddFOp::create(b, l, a[4], fconst(b, l, eps, el));
          v = math::RsqrtOp::create(b, l, v);
          Value y = arith::SubFOp::create(b, l, a[0], a[3]);
          y = arith::MulFOp::create(b, l, y, v);
          y = arith::MulFOp::create(b, l, y, a[1]);
          return arith::AddFOp::create(b, l, y, a[2]);
        },
        {ch, ch, ch, ch});
    rewriter.replaceOp(op, r);
    return success();
  }
};

template <typename OpTy>
struct ReduceLowering : OctetPattern<OpTy> {
  using OctetPattern<OpTy>::OctetPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = rtt(x);
    Type el = t.getElementType();
    ArrayRef<int64_t> axes = op.getAxes();
    bool isMax = std::is_same<OpTy, ReduceMaxOp>::value;
    bool isMin = std::is_same<OpTy, ReduceMinOp>::value;
    bool isProd = std::is_same<OpTy, ReduceProdOp>::value;
    if (auto it = dyn_cast<IntegerType>(el)) {
      // Integer reductions (shape arithmetic, masks, indices); the mean
      // truncates toward zero.
      Type orig = rtt(op.getInput()).getElementType();
      bool u = orig.isUnsignedInteger() || orig.isInteger(1);
      unsigned w = it.getWidth();
      APInt start = isMax ? (u ? APInt::getMinValue(w) : APInt::getSignedMinValue(w))
                    : isMin ? (u ? APInt::getMaxValue(w) : APInt::getSignedMaxValue(w))
                            : APInt(w, isProd ? 1 : 0);
      Value init = arith::ConstantOp::create(rewriter, loc, rewriter.getIntegerAttr(el, start));
      Value r = reduceKeep(rewriter, loc, x, axes, init,
                           [&](OpBuilder &b, Location l, Value a, Value acc) -> Value {
                             if (isMax)
                               return u ? (Value)arith::MaxUIOp::create(b, l, a, acc)
                                        : (Value)arith::MaxSIOp::create(b, l, a, acc);
                             if (isMin)
                               return u ? (Value)arith::MinUIOp::create(b, l, a, acc)
                                        : (Value)arith::MinSIOp::create(b, l, a, acc);
                             if (isProd)
                               return arith::MulIOp::create(b, l, a, acc);
                             return arith::AddIOp::create(b, l, a, acc);
                           });
      if (std::is_same<OpTy, ReduceMeanOp>::value) {
        int64_t count = 1;
        for (int64_t d : axes)
          count *= t.getDimSize(d);
        r = elementwise(rewriter, loc, rtt(r).getShape(), el, {r},
                        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                          Value c = cstInt(b, l, count, el);
                          return u ? (Value)arith::DivUIOp::create(b, l, a[0], c)
                                   : (Value)arith::DivSIOp::create(b, l, a[0], c);
                        });
      }
      rewriter.replaceOp(op, reshapeTo(rewriter, loc, r, rtt(op.getResult())));
      return success();
    }
    double inf = std::numeric_limits<double>::infinity();
    Value init = fconst(rewriter, loc, isMax ? -inf : isMin ? inf : isProd ? 1.0 : 0.0, el);
    Value r = reduceKeep(rewriter, loc, x, axes, init,
                         [&](OpBuilder &b, Location l, Value a, Value acc) -> Value {
                           if (isMax)
                             return arith::MaximumFOp::create(b, l, a, acc);
                           if (isMin)
                             return arith::MinimumFOp::create(b, l, a, acc);
                           if (isProd)
                             return arith::MulFOp::create(b, l, a, acc);
                           return arith::AddFOp::create(b, l, a, acc);
                         });
    if (std::is_same<OpTy, ReduceMeanOp>::value) {
      int64_t count = 1;
      for (int64_t d : axes)
        count *= t.getDimSize(d);
      double inv = 1.0 / (double)count;
      r = elementwise(rewriter, loc, rtt(r).getShape(), el, {r},
                      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                        return arith::MulFOp::create(b, l, a[0], fconst(b, l, inv, el));
                      });
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, r, rtt(op.getResult())));
    return success();
  }
};

/// Average pooling (windows or global). Quantized global pooling
/// accumulates (x - x_zp) in int32 and requantizes with (s_x / s_y) /
/// count; quantized windows sum dequantized values in float32.
template <typename OpTy>
struct AvgPoolLowering : OctetPattern<OpTy> {
  using OctetPattern<OpTy>::OctetPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    QInfo x = qinfo(op.getInput().getType()), y = qinfo(op.getType());
    auto inShape = rtt(op.getInput()).getShape();
    auto outShape = rtt(op.getResult()).getShape();
    SmallVector<int64_t> k, s, pads;
    bool countPad = false;
    if constexpr (std::is_same<OpTy, AvgPool2DOp>::value) {
      k.assign(op.getKernel().begin(), op.getKernel().end());
      s.assign(op.getStrides().begin(), op.getStrides().end());
      pads.assign(op.getPads().begin(), op.getPads().end());
      countPad = op.getCountIncludePad();
    } else {
      k = {inShape[2], inShape[3]};
      s = {1, 1};
      pads = {0, 0, 0, 0};
    }
    Type inEl = rtt(adaptor.getInput()).getElementType();
    // Windowed quantized pooling follows ONNX Runtime's QLinearAveragePool:
    // a float32 sum of the dequantized values in window order, divided by
    // the count, then quantized. The global pool sums integers (MLAS).
    bool floatQ = x.quantized && (std::is_same<OpTy, AvgPool2DOp>::value || x.width > 8);
    Type accEl = floatQ ? (Type)rewriter.getF32Type()
                        : x.quantized ? (Type)rewriter.getI32Type() : inEl;
    // Pad with the zero point (counts as 0) and precompute window counts.
    Value padValue = x.quantized ? cstInt(rewriter, loc, x.zps[0], inEl)
                                 : fconst(rewriter, loc, 0.0, inEl);
    int64_t extra[2];
    for (int i = 0; i < 2; ++i) {
      int64_t need = (outShape[2 + i] - 1) * s[i] + k[i];
      extra[i] = std::max<int64_t>(0, need - (inShape[2 + i] + pads[i] + pads[2 + i]));
    }
    Value xp = padNCHW(rewriter, loc, adaptor.getInput(), pads, extra[0], extra[1], padValue);
    SmallVector<float> inv;
    for (int64_t i = 0; i < outShape[2]; ++i)
      for (int64_t j = 0; j < outShape[3]; ++j) {
        int64_t h0 = i * s[0] - pads[0], w0 = j * s[1] - pads[1];
        int64_t h1 = h0 + k[0], w1 = w0 + k[1];
        int64_t cnt;
        if (countPad) {
          int64_t hEnd = std::min(h1, inShape[2] + pads[2]);
          int64_t wEnd = std::min(w1, inShape[3] + pads[3]);
          cnt = (hEnd - h0) * (wEnd - w0);
        } else {
          cnt = (std::min(h1, inShape[2]) - std::max<int64_t>(h0, 0)) *
                (std::min(w1, inShape[3]) - std::max<int64_t>(w0, 0));
        }
        cnt = std::max<int64_t>(cnt, 1);
        inv.push_back(floatQ ? (float)cnt : 1.0f / (float)cnt);
      }
    auto invT = RankedTensorType::get({outShape[2], outShape[3]}, rewriter.getF32Type());
    Value invC = arith::ConstantOp::create(rewriter, loc, invT, DenseElementsAttr::get(invT, ArrayRef<float>(inv)));
    Value zero = isa<IntegerType>(accEl) ? cstInt(rewriter, loc, 0, accEl)
                                         : fconst(rewriter, loc, 0.0, accEl);
    Value init = linalg::FillOp::create(rewriter, loc, zero,
                                        emptyLike(rewriter, loc, outShape, accEl))
                     .getResult(0);
    Value window = emptyLike(rewriter, loc, {k[0], k[1]}, inEl);
    AffineExpr n, c, oh, ow, kh, kw;
    bindDims(ctx, n, c, oh, ow, kh, kw);
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0, {n, c, oh * s[0] + kh, ow * s[1] + kw}, ctx),
        AffineMap::get(6, 0, {kh, kw}, ctx), AffineMap::get(6, 0, {n, c, oh, ow}, ctx)};
    SmallVector<utils::IteratorType> iters = parallel(4);
    iters.append(2, utils::IteratorType::reduction);
    auto g = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{xp, window}, ValueRange{init},
        maps, iters, [&](OpBuilder &b, Location l, ValueRange a) {
          Value v;
          if (floatQ)
            v = arith::AddFOp::create(
                b, l, a[2],
                dequantizeScalar(b, l, a[0], x.isSigned, cstInt(b, l, x.zps[0], b.getI32Type()),
                                 cstF32(b, l, x.scales[0])));
          else if (x.quantized)
            v = arith::AddIOp::create(
                b, l, a[2],
                arith::SubIOp::create(b, l, toI32(b, l, a[0], x.isSigned),
                                      cstInt(b, l, x.zps[0], b.getI32Type())));
          else
            v = arith::AddFOp::create(b, l, a[2], a[0]);
          linalg::YieldOp::create(b, l, v);
        });
    Value sum = g.getResult(0);
    AffineMap invMap = AffineMap::get(4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx);
    Type outEl = cast<RankedTensorType>(this->getTypeConverter()->convertType(op.getType()))
                     .getElementType();
    Value r = elementwise(
        rewriter, loc, outShape, outEl, {sum, invC},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (!x.quantized)
            return arith::MulFOp::create(b, l, a[0], a[1]);
          if (floatQ) {
            Value f = arith::DivFOp::create(b, l, a[0], a[1]);
            f = arith::DivFOp::create(b, l, f, cstF32(b, l, y.scales[0]));
            f = arith::AddFOp::create(b, l, f, cstF32(b, l, (double)y.zps[0]));
            f = math::RoundEvenOp::create(b, l, f);
            return clampToInt(b, l, f, y.qmin, y.qmax, outEl);
          }
          Value f = arith::SIToFPOp::create(b, l, b.getF32Type(), a[0]);
          f = arith::MulFOp::create(b, l, f, a[1]);
          f = arith::MulFOp::create(b, l, f, cstF32(b, l, (float)x.scales[0] / (float)y.scales[0]));
          f = math::RoundEvenOp::create(b, l, f);
          f = arith::AddFOp::create(b, l, f, cstF32(b, l, (double)y.zps[0]));
          return clampToInt(b, l, f, y.qmin, y.qmax, outEl);
        },
        {invMap});
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct TransposeLowering : OctetPattern<TransposeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    ArrayRef<int64_t> perm = op.getPerm();
    SmallVector<AffineExpr> in(perm.size());
    for (size_t i = 0; i < perm.size(); ++i)
      in[perm[i]] = getAffineDimExpr(i, ctx);
    Value r = elementwise(rewriter, loc, outT.getShape(), outT.getElementType(),
                          {adaptor.getInput()},
                          [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                          {AffineMap::get(perm.size(), 0, in, ctx)});
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct SliceLowering : OctetPattern<SliceOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inShape = rtt(op.getInput()).getShape();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t rank = inShape.size();
    SmallVector<int64_t> offs(rank, 0), sizes(inShape), steps(rank, 1);
    for (size_t k = 0; k < op.getAxes().size(); ++k) {
      int64_t a = op.getAxes()[k], first, count;
      normalizeSliceDim(inShape[a], op.getStarts()[k], op.getEnds()[k], op.getSteps()[k],
                        first, count);
      offs[a] = first;
      sizes[a] = count;
      steps[a] = op.getSteps()[k];
    }
    Value r0;
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      r0 = tensor::ExtractSliceOp::create(
          rewriter, loc, outT, adaptor.getInput(), ValueRange{}, ValueRange{}, ValueRange{},
          rewriter.getDenseI64ArrayAttr(offs), rewriter.getDenseI64ArrayAttr(sizes),
          rewriter.getDenseI64ArrayAttr(steps));
    } else {
      // Negative steps: the output walks the input backwards. An identity
      // output map drives the loop bounds; the input map is affine.
      Value x = adaptor.getInput();
      Value init = emptyLike(rewriter, loc, outT.getShape(), outT.getElementType());
      auto g = linalg::GenericOp::create(
          rewriter, loc, TypeRange{outT}, ValueRange{}, ValueRange{init},
          {AffineMap::getMultiDimIdentityMap(rank, ctx)}, parallel(rank),
          [&](OpBuilder &b, Location l, ValueRange) {
            SmallVector<Value> ix;
            for (int64_t d = 0; d < rank; ++d) {
              Value i = linalg::IndexOp::create(b, l, d);
              i = arith::MulIOp::create(b, l, i, cstIndex(b, l, steps[d]));
              ix.push_back(arith::AddIOp::create(b, l, i, cstIndex(b, l, offs[d])));
            }
            linalg::YieldOp::create(b, l, tensor::ExtractOp::create(b, l, x, ix).getResult());
          });
      r0 = g.getResult(0);
    }
    Value r = r0;
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct ConcatLowering : OctetPattern<ConcatOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value acc = emptyLike(rewriter, loc, outT.getShape(), outT.getElementType());
    int64_t offset = 0, axis = op.getAxis();
    for (Value in : adaptor.getInputs()) {
      auto t = rtt(in);
      SmallVector<OpFoldResult> offs(t.getRank(), rewriter.getIndexAttr(0)), sizes, strides(t.getRank(), rewriter.getIndexAttr(1));
      for (int64_t d : t.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      offs[axis] = rewriter.getIndexAttr(offset);
      acc = tensor::InsertSliceOp::create(rewriter, loc, in, acc, offs, sizes, strides);
      offset += t.getDimSize(axis);
    }
    rewriter.replaceOp(op, acc);
    return success();
  }
};

struct GatherLowering : OctetPattern<GatherOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inT = rtt(adaptor.getInput());
    auto idxT = rtt(adaptor.getIndices());
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t axis = op.getAxis(), ir = idxT.getRank(), outRank = outT.getRank();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t d = 0; d < ir; ++d)
      idxExprs.push_back(getAffineDimExpr(axis + d, ctx));
    Value data = adaptor.getInput();
    int64_t dim = inT.getDimSize(axis);
    Value init = emptyLike(rewriter, loc, outT.getShape(), outT.getElementType());
    auto g = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{adaptor.getIndices()},
        ValueRange{init},
        SmallVector<AffineMap>{AffineMap::get(outRank, 0, idxExprs, ctx),
                               AffineMap::getMultiDimIdentityMap(outRank, ctx)},
        parallel(outRank), [&](OpBuilder &b, Location l, ValueRange a) {
          Value idx = arith::IndexCastOp::create(b, l, b.getIndexType(), a[0]);
          Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, idx,
                                            arith::ConstantIndexOp::create(b, l, 0));
          Value wrapped = arith::AddIOp::create(b, l, idx, arith::ConstantIndexOp::create(b, l, dim));
          idx = arith::SelectOp::create(b, l, neg, wrapped, idx);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < inT.getRank(); ++d) {
            if (d < axis)
              coords.push_back(linalg::IndexOp::create(b, l, d));
            else if (d == axis)
              coords.push_back(idx);
            else
              coords.push_back(linalg::IndexOp::create(b, l, d - 1 + ir));
          }
          linalg::YieldOp::create(b, l, tensor::ExtractOp::create(b, l, data, coords).getResult());
        });
    rewriter.replaceOp(op, g.getResult(0));
    return success();
  }
};

struct CastLowering : OctetPattern<CastOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    QInfo x = qinfo(op.getInput().getType());
    // Plain unsigned integers and bools extend with zeros.
    Type origFrom = rtt(op.getInput()).getElementType();
    if (origFrom.isUnsignedInteger() || origFrom.isInteger(1))
      x.isSigned = false;
    Type from = rtt(adaptor.getInput()).getElementType();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type to = outT.getElementType();
    Value r = elementwise(rewriter, loc, outT.getShape(), to, {adaptor.getInput()},
                          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                            Value v = a[0];
                            bool fF = isa<FloatType>(from), tF = isa<FloatType>(to);
                            if (to.isInteger(1)) {
                              if (fF)
                                return arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNE, v,
                                                             fconst(b, l, 0.0, from));
                              return arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, v,
                                                           cstInt(b, l, 0, from));
                            }
                            if (fF && tF)
                              return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
                                         ? (Value)arith::ExtFOp::create(b, l, to, v)
                                         : (Value)arith::TruncFOp::create(b, l, to, v);
                            if (fF)
                              return arith::FPToSIOp::create(b, l, to, v);
                            if (tF)
                              return x.isSigned ? (Value)arith::SIToFPOp::create(b, l, to, v)
                                                : (Value)arith::UIToFPOp::create(b, l, to, v);
                            unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
                            if (fw == tw)
                              return v;
                            if (fw > tw)
                              return arith::TruncIOp::create(b, l, to, v);
                            return x.isSigned ? (Value)arith::ExtSIOp::create(b, l, to, v)
                                              : (Value)arith::ExtUIOp::create(b, l, to, v);
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// ONNX DynamicQuantizeLinear: scale = (max(0, max x) - min(0, min x)) / 255,
/// zp = saturate(rint(-min(0, min x) / scale)), y = saturate(rint(x / scale) + zp).
struct DynamicQuantizeLowering : OctetPattern<DynamicQuantizeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(DynamicQuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = rtt(x);
    Type f32 = rewriter.getF32Type(), i8 = rewriter.getI8Type();
    SmallVector<int64_t> all;
    for (int64_t d = 0; d < t.getRank(); ++d)
      all.push_back(d);
    auto scalarT = RankedTensorType::get({}, f32);
    Value mn = reduceKeep(rewriter, loc, x, all, fconst(rewriter, loc, 0.0, f32),
                          [](OpBuilder &b, Location l, Value a, Value acc) -> Value {
                            return arith::MinimumFOp::create(b, l, a, acc);
                          });
    Value mx = reduceKeep(rewriter, loc, x, all, fconst(rewriter, loc, 0.0, f32),
                          [](OpBuilder &b, Location l, Value a, Value acc) -> Value {
                            return arith::MaximumFOp::create(b, l, a, acc);
                          });
    mn = reshapeTo(rewriter, loc, mn, scalarT);
    mx = reshapeTo(rewriter, loc, mx, scalarT);
    Value scale = elementwise(rewriter, loc, {}, f32, {mn, mx},
                              [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                Value d = arith::SubFOp::create(b, l, a[1], a[0]);
                                return arith::DivFOp::create(b, l, d, cstF32(b, l, 255.0));
                              });
    Value zp = elementwise(rewriter, loc, {}, i8, {mn, scale},
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             Value z = arith::DivFOp::create(
                                 b, l, arith::NegFOp::create(b, l, a[0]), a[1]);
                             z = math::RoundEvenOp::create(b, l, z);
                             return clampToInt(b, l, z, 0, 255, b.getI8Type());
                           });
    Value y = elementwise(
        rewriter, loc, t.getShape(), i8, {x, scale, zp},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value q = arith::DivFOp::create(b, l, a[0], a[1]);
          q = math::RoundEvenOp::create(b, l, q);
          Value z = arith::UIToFPOp::create(b, l, b.getF32Type(), a[2]);
          q = arith::AddFOp::create(b, l, q, z);
          return clampToInt(b, l, q, 0, 255, b.getI8Type());
        });
    rewriter.replaceOp(op, {y, scale, zp});
    return success();
  }
};

/// ONNX MatMulInteger and ConvInteger: int32 sums of (a - a_zp)(b - b_zp)
/// with zero points that may be computed at run time.
template <typename OpTy>
struct IntegerProductLowering : OctetPattern<OpTy> {
  using OctetPattern<OpTy>::OctetPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value a = adaptor.getOperands()[0], w = adaptor.getOperands()[1];
    Value azp = adaptor.getOperands()[2], wzp = adaptor.getOperands()[3];
    QInfo aq = qinfo(op->getOperand(0).getType()), wq = qinfo(op->getOperand(1).getType());
    auto outShape = rtt(op->getResult(0)).getShape();
    unsigned outRank = outShape.size();
    SmallVector<AffineMap> maps;
    SmallVector<Value> ins;
    SmallVector<utils::IteratorType> iters = parallel(outRank);
    unsigned rank;
    int64_t chDim;
    if constexpr (std::is_same<OpTy, MatMulIntegerOp>::value) {
      if (Value v = fastMatMulInteger(rewriter, loc, op, a, azp, aq, outShape)) {
        rewriter.replaceOp(op, v);
        return success();
      }
      auto aT = rtt(a), bT = rtt(w);
      if (aT.getRank() < 2 || bT.getRank() < 2)
        return rewriter.notifyMatchFailure(op, "1-D operands are not lowered");
      rank = outRank + 1;
      // Batch dimensions align to the right of the output's and broadcast
      // (numpy rules); then [M, K] x [K, N] with K the last loop.
      auto operandMap = [&](RankedTensorType t, AffineExpr rows, AffineExpr cols) {
        SmallVector<AffineExpr> e;
        int64_t nb = t.getRank() - 2;
        for (int64_t d = 0; d < nb; ++d) {
          int64_t od = (int64_t)outRank - 2 - nb + d;
          e.push_back(t.getDimSize(d) == 1 && outShape[od] != 1
                          ? getAffineConstantExpr(0, ctx)
                          : getAffineDimExpr(od, ctx));
        }
        e.append({rows, cols});
        return AffineMap::get(rank, 0, e, ctx);
      };
      maps.push_back(operandMap(aT, getAffineDimExpr(outRank - 2, ctx),
                                getAffineDimExpr(outRank, ctx)));
      maps.push_back(operandMap(bT, getAffineDimExpr(outRank, ctx),
                                getAffineDimExpr(outRank - 1, ctx)));
      ins = {a, w};
      iters.push_back(utils::IteratorType::reduction);
      chDim = outRank - 1;
    } else {
      auto strides = op.getStrides(), dil = op.getDilations();
      // Groups: output channel f reads input channels
      // [(f / (F / group)) * Cg, ... + Cg), Cg the weight's dimension 1.
      int64_t group = op.getGroup();
      auto wS = rtt(w).getShape();
      int64_t mg = wS[0] / group, cg = wS[1];
      Value pad = tensor::ExtractOp::create(rewriter, loc, azp, ValueRange{}).getResult();
      if (rtt(azp).getRank() != 0)
        return rewriter.notifyMatchFailure(op, "vector zero point for the input");
      a = padNCHW(rewriter, loc, a, op.getPads(), 0, 0, pad);
      if (Value v = fastConvInteger(rewriter, loc, op, a, azp, aq, outShape)) {
        rewriter.replaceOp(op, v);
        return success();
      }
      rank = 7;
      AffineExpr n, f, oh, ow, c, kh, kw;
      bindDims(ctx, n, f, oh, ow, c, kh, kw);
      AffineExpr inC = group == 1 ? c : f.floorDiv(mg) * cg + c;
      maps.push_back(AffineMap::get(7, 0, {n, inC, oh * strides[0] + kh * dil[0],
                                            ow * strides[1] + kw * dil[1]}, ctx));
      maps.push_back(AffineMap::get(7, 0, {f, c, kh, kw}, ctx));
      ins = {a, w};
      iters.append(3, utils::IteratorType::reduction);
      chDim = 1;
    }
    // Zero points: scalars, or a vector over the output channels for w.
    auto zpMap = [&](Value zp) {
      if (rtt(zp).getRank() == 0)
        return AffineMap::get(rank, 0, {}, ctx);
      return AffineMap::get(rank, 0, {getAffineDimExpr(chDim, ctx)}, ctx);
    };
    if (rtt(azp).getRank() != 0)
      return rewriter.notifyMatchFailure(op, "vector zero point for the input");
    ins.push_back(azp);
    maps.push_back(zpMap(azp));
    ins.push_back(wzp);
    maps.push_back(zpMap(wzp));
    maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx).dropResults(
        llvm::to_vector(llvm::seq<int64_t>(outRank, rank))));
    Type i32 = rewriter.getI32Type();
    Value init = linalg::FillOp::create(rewriter, loc, cstInt(rewriter, loc, 0, i32),
                                        emptyLike(rewriter, loc, outShape, i32))
                     .getResult(0);
    auto g = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ins, ValueRange{init}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange v) {
          Value x = arith::SubIOp::create(b, l, toI32(b, l, v[0], aq.isSigned),
                                          toI32(b, l, v[2], aq.isSigned));
          Value y = arith::SubIOp::create(b, l, toI32(b, l, v[1], wq.isSigned),
                                          toI32(b, l, v[3], wq.isSigned));
          Value p = arith::MulIOp::create(b, l, x, y);
          linalg::YieldOp::create(b, l, arith::AddIOp::create(b, l, v[4], p).getResult());
        });
    rewriter.replaceOp(op, g.getResult(0));
    return success();
  }
  /// The effective weight w - w_zp of an integer product, n-major [N, K]
  /// (`nMajor`: the constant is [N, ...] rows, else [K, N]), when the weight
  /// and its zero points (scalar or one per N) are constants and it fits in
  /// int8; and its row sums.
  static bool effectiveWeight(Value weight, Value wzp, int64_t n, int64_t k, bool nMajor,
                              std::vector<int64_t> &wt, SmallVector<int32_t> &sums) {
    auto wc = readConstant(weight), zc = readConstant(wzp);
    if (!wc || wc->isFloat || !zc || zc->isFloat || wc->numElements() != n * k ||
        rtt(weight).getElementType().getIntOrFloatBitWidth() != 8 ||
        (zc->numElements() != 1 && zc->numElements() != n))
      return false;
    auto zp = [&](int64_t nn) { return zc->i[zc->numElements() == 1 ? 0 : nn]; };
    auto rows = int8Rows(*wc, zp, n, k, nMajor);
    if (!rows)
      return false;
    wt = std::move(*rows);
    sums.assign(n, 0);
    for (int64_t nn = 0; nn < n; ++nn)
      for (int64_t kk = 0; kk < k; ++kk)
        sums[nn] += (int32_t)wt[nn * k + kk];
    return true;
  }

  /// int32 [M, N] = (a2 - a_zp) x wt^T for 8-bit rows `a2` [M, K], the
  /// effective weight `wt` (n-major) with row sums `sums`, and a scalar
  /// run-time zero point `azp`: the VNNI kernel, or a portable product over
  /// the transposed weight (contiguous along the reduction in both operands,
  /// which LLVM vectorizes), then -a_zp * sums per column.
  Value integerRows(OpBuilder &rewriter, Location loc, Value a2, bool aSigned, Value azp,
                    const std::vector<int64_t> &wt, ArrayRef<int32_t> sums, int64_t n) const {
    int64_t m = rtt(a2).getDimSize(0), k = rtt(a2).getDimSize(1);
    MLIRContext *ctx = rewriter.getContext();
    Type i32 = rewriter.getI32Type();
    AffineExpr d0, d1, d2;
    bindDims(ctx, d0, d1, d2);
    Value c;
    if (this->vnni) {
      // s8 rows are shifted to u8 by the kernel: take 128 * sum back out.
      SmallVector<int32_t> bias(n, 0);
      if (aSigned)
        for (int64_t nn = 0; nn < n; ++nn)
          bias[nn] = -128 * sums[nn];
      c = vnniMatmul(rewriter, loc, a2, aSigned, wt, n, k, bias, nullptr);
    } else {
      ConstTensor wc2;
      wc2.shape = {n, k};
      wc2.i = wt;
      auto wT = RankedTensorType::get({n, k}, rewriter.getI8Type());
      Value wv = arith::ConstantOp::create(rewriter, loc, wT, cast<TypedAttr>(wc2.write(wT)));
      Value init = linalg::FillOp::create(rewriter, loc, cstInt(rewriter, loc, 0, i32),
                                          emptyLike(rewriter, loc, {m, n}, i32))
                       .getResult(0);
      c = linalg::GenericOp::create(
              rewriter, loc, TypeRange{init.getType()}, ValueRange{a2, wv}, ValueRange{init},
              SmallVector<AffineMap>{AffineMap::get(3, 0, {d0, d2}, ctx),
                                     AffineMap::get(3, 0, {d1, d2}, ctx),
                                     AffineMap::get(3, 0, {d0, d1}, ctx)},
              SmallVector<utils::IteratorType>{utils::IteratorType::parallel,
                                               utils::IteratorType::parallel,
                                               utils::IteratorType::reduction},
              [&](OpBuilder &b, Location l, ValueRange v) {
                Value p = arith::MulIOp::create(b, l, toI32(b, l, v[0], aSigned),
                                                toI32(b, l, v[1], true));
                linalg::YieldOp::create(b, l, arith::AddIOp::create(b, l, v[2], p).getResult());
              })
              .getResult(0);
    }
    Value cs = vectorConstI32(rewriter, loc, sums);
    return elementwise(rewriter, loc, {m, n}, i32, {c, cs, azp},
                       [&](OpBuilder &b, Location l, ValueRange v) -> Value {
                         Value z = toI32(b, l, v[2], aSigned);
                         return arith::SubIOp::create(b, l, v[0],
                                                      arith::MulIOp::create(b, l, z, v[1]));
                       },
                       {AffineMap::get(2, 0, {d1}, ctx), AffineMap::get(2, 0, {}, ctx)});
  }

  /// MatMulInteger with a constant 8-bit [K, N] right operand whose values
  /// minus their zero points fit in int8 (dynamic quantization's weights) on
  /// the rows of `a`. Null when it does not apply.
  Value fastMatMulInteger(ConversionPatternRewriter &rewriter, Location loc, OpTy op, Value a,
                          Value azp, const QInfo &aq, ArrayRef<int64_t> outShape) const {
    auto aT = rtt(a);
    if (rtt(op->getOperand(1)).getRank() != 2 || rtt(azp).getRank() != 0 ||
        aT.getRank() < 2 || aT.getElementType().getIntOrFloatBitWidth() != 8)
      return {};
    int64_t k = rtt(op->getOperand(1)).getDimSize(0), n = rtt(op->getOperand(1)).getDimSize(1);
    int64_t m = aT.getNumElements() / k;
    std::vector<int64_t> wt;
    SmallVector<int32_t> sums;
    if (!effectiveWeight(op->getOperand(1), op->getOperand(3), n, k, false, wt, sums))
      return {};
    Value a2 = a;
    if (aT.getRank() != 2) {
      SmallVector<ReassociationIndices> re(1);
      for (int64_t d = 0; d + 1 < aT.getRank(); ++d)
        re[0].push_back(d);
      re.push_back({aT.getRank() - 1});
      a2 = tensor::CollapseShapeOp::create(rewriter, loc, aT.clone({m, k}), a, re);
    }
    Value c = integerRows(rewriter, loc, a2, aq.isSigned, azp, wt, sums, n);
    if (outShape.size() != 2) {
      SmallVector<ReassociationIndices> re(1);
      for (size_t d = 0; d + 1 < outShape.size(); ++d)
        re[0].push_back(d);
      re.push_back({(int64_t)outShape.size() - 1});
      c = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(outShape, rewriter.getI32Type()), c, re);
    }
    return c;
  }

  /// ConvInteger (group 1) with a constant weight as im2col rows times the
  /// effective weight; `ap` is the input padded with its zero point. Null
  /// when it does not apply.
  Value fastConvInteger(ConversionPatternRewriter &rewriter, Location loc, OpTy op, Value ap,
                        Value azp, const QInfo &aq, ArrayRef<int64_t> outShape) const {
    if constexpr (std::is_same<OpTy, ConvIntegerOp>::value) {
      auto ws = rtt(op->getOperand(1)).getShape();
      if (op.getGroup() != 1 || rtt(azp).getRank() != 0 ||
          rtt(ap).getElementType().getIntOrFloatBitWidth() != 8)
        return {};
      int64_t f = ws[0], cin = ws[1], kh = ws[2], kw = ws[3], kk = cin * kh * kw;
      std::vector<int64_t> wt;
      SmallVector<int32_t> sums;
      if (!effectiveWeight(op->getOperand(1), op->getOperand(3), f, kk, true, wt, sums))
        return {};
      Value a2 = im2colRows(rewriter, loc, ap, outShape, kh, kw, op.getStrides(),
                            op.getDilations());
      Value c = integerRows(rewriter, loc, a2, aq.isSigned, azp,
                            weightTapsChannelsLast(wt, f, cin, kh, kw), sums, f);
      return rowsToNCHW(rewriter, loc, c, outShape);
    }
    return {};
  }
};

struct ConvertOctetToLinalgPass
    : octet::impl::ConvertOctetToLinalgBase<ConvertOctetToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    TypeConverter tc;
    tc.addConversion([](Type t) { return t; });
    tc.addConversion([ctx](RankedTensorType t) -> Type {
      Type el = t.getElementType();
      if (auto q = dyn_cast<quant::QuantizedType>(el))
        return t.clone(IntegerType::get(ctx, q.getStorageTypeIntegralWidth()));
      if (auto it = dyn_cast<IntegerType>(el); it && !it.isSignless())
        return t.clone(IntegerType::get(ctx, it.getWidth()));
      return t;
    });
    auto cast = [](OpBuilder &b, Type t, ValueRange in, Location loc) -> Value {
      return UnrealizedConversionCastOp::create(b, loc, t, in).getResult(0);
    };
    tc.addSourceMaterialization(cast);
    tc.addTargetMaterialization(cast);

    ConversionTarget target(*ctx);
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect, scf::SCFDialect,
                           vector::VectorDialect, LLVM::LLVMDialect>();
    target.addIllegalDialect<OctetDialect>();
    target.addLegalOp<Dot4Op, RoundToIntOp, NarrowSat4Op>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp f) {
      return tc.isSignatureLegal(f.getFunctionType()) && tc.isLegal(&f.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
        [&](Operation *op) { return tc.isLegal(op); });
    target.addDynamicallyLegalOp<arith::ConstantOp>(
        [&](arith::ConstantOp op) { return tc.isLegal(op.getType()); });

    LowerOptions fp;
    fp.fixedPoint = requant == "fixed-point";
    fp.vnni = vnni;
    if (requant != "onnx" && !fp.fixedPoint) {
      getOperation()->emitError() << "--requant must be onnx or fixed-point, not '"
                                  << requant << "'";
      return signalPassFailure();
    }
    RewritePatternSet patterns(ctx);
    patterns.add<ConstantLowering, ArithConstantLowering, StorageCastLowering, QuantizeLowering,
                 DequantizeLowering, RequantizeLowering, Conv2DLowering, GemmLowering,
                 MatMulLowering, MaxPoolLowering, ReshapeLowering, ClampLowering,
                 BinaryLowering<AddOp, arith::AddFOp, arith::AddIOp>,
                 BinaryLowering<SubOp, arith::SubFOp, arith::SubIOp>,
                 BinaryLowering<MulOp, arith::MulFOp, arith::MulIOp>,
                 BinaryLowering<DivOp, arith::DivFOp, arith::DivSIOp>,
                 BinaryLowering<PowOp, math::PowFOp, arith::MulIOp>,
                 BinaryLowering<MaxOp, arith::MaximumFOp, arith::MaxSIOp>,
                 BinaryLowering<MinOp, arith::MinimumFOp, arith::MinSIOp>,
                 BinaryLowering<PReluOp, PReluFOp, arith::MulIOp>, ReduceLowering<ReduceMinOp>,
                 BinaryLowering<AndOp, arith::AddFOp, arith::AndIOp>,
                 BinaryLowering<OrOp, arith::AddFOp, arith::OrIOp>,
                 BinaryLowering<XorOp, arith::AddFOp, arith::XOrIOp>, CompareLowering, ModLowering,
                 GatherElementsLowering, CumSumLowering, GatherNDLowering, ScatterLowering,
                 WhereLowering, ReduceLowering<ReduceProdOp>, ArgReduceLowering<ArgMaxOp>,
                 ArgReduceLowering<ArgMinOp>,
                 PadLowering, ResizeLowering, BroadcastLowering, TileLowering, SoftmaxLowering,
                 LayerNormLowering, BatchNormLowering, ReduceLowering<ReduceMeanOp>,
                 ReduceLowering<ReduceSumOp>, ReduceLowering<ReduceMaxOp>,
                 AvgPoolLowering<AvgPool2DOp>, AvgPoolLowering<GlobalAvgPool2DOp>,
                 TransposeLowering, SliceLowering, ConcatLowering, GatherLowering,
                 CastLowering, DynamicQuantizeLowering,
                 IntegerProductLowering<MatMulIntegerOp>,
                 IntegerProductLowering<ConvIntegerOp>>(tc, ctx, fp);
    auto unary = [&](auto tag, std::function<Value(OpBuilder &, Location, Value)> f) {
      using OpTy = typename decltype(tag)::type;
      patterns.add<UnaryLowering<OpTy>>(tc, ctx, fp, std::move(f));
    };
    auto one = [](OpBuilder &b, Location l, Value v) { return fconst(b, l, 1.0, v.getType()); };
    unary(llvm::type_identity<SigmoidOp>(), [one](OpBuilder &b, Location l, Value v) -> Value {
      Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, v));
      return arith::DivFOp::create(b, l, one(b, l, v), arith::AddFOp::create(b, l, one(b, l, v), e));
    });
    unary(llvm::type_identity<TanhOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::TanhOp::create(b, l, v); });
    unary(llvm::type_identity<ErfOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::ErfOp::create(b, l, v); });
    unary(llvm::type_identity<SqrtOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::SqrtOp::create(b, l, v); });
    unary(llvm::type_identity<ExpOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::ExpOp::create(b, l, v); });
    unary(llvm::type_identity<NegOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return arith::NegFOp::create(b, l, v); });
    unary(llvm::type_identity<ReciprocalOp>(), [one](OpBuilder &b, Location l, Value v) -> Value {
      return arith::DivFOp::create(b, l, one(b, l, v), v);
    });
    unary(llvm::type_identity<GeluOp>(), [](OpBuilder &b, Location l, Value v) -> Value {
      Type t = v.getType();
      Value e = math::ErfOp::create(b, l, arith::MulFOp::create(b, l, v, fconst(b, l, M_SQRT1_2, t)));
      Value h = arith::MulFOp::create(b, l, v, fconst(b, l, 0.5, t));
      return arith::MulFOp::create(b, l, h, arith::AddFOp::create(b, l, e, fconst(b, l, 1.0, t)));
    });
    auto f = [](OpBuilder &b, Location l, double c, Type t) { return fconst(b, l, c, t); };
    auto softplus = [f](OpBuilder &b, Location l, Value v) -> Value {
      // max(x, 0) + log1p(exp(-|x|)): no overflow for large |x|.
      Type t = v.getType();
      Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, math::AbsFOp::create(b, l, v)));
      return arith::AddFOp::create(b, l, arith::MaximumFOp::create(b, l, v, f(b, l, 0.0, t)),
                                   math::Log1pOp::create(b, l, e));
    };
    unary(llvm::type_identity<HardSwishOp>(), [f](OpBuilder &b, Location l, Value v) -> Value {
      Type t = v.getType();
      Value h = arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, v, f(b, l, 1.0 / 6.0, t)),
                                      f(b, l, 0.5, t));
      h = arith::MinimumFOp::create(b, l, arith::MaximumFOp::create(b, l, h, f(b, l, 0.0, t)),
                                    f(b, l, 1.0, t));
      return arith::MulFOp::create(b, l, v, h);
    });
    unary(llvm::type_identity<AbsOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::AbsFOp::create(b, l, v); });
    unary(llvm::type_identity<LogOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::LogOp::create(b, l, v); });
    unary(llvm::type_identity<FloorOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::FloorOp::create(b, l, v); });
    unary(llvm::type_identity<CeilOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::CeilOp::create(b, l, v); });
    unary(llvm::type_identity<RoundOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::RoundEvenOp::create(b, l, v); });
    unary(llvm::type_identity<SinOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::SinOp::create(b, l, v); });
    unary(llvm::type_identity<CosOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::CosOp::create(b, l, v); });
    unary(llvm::type_identity<TanOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::TanOp::create(b, l, v); });
    unary(llvm::type_identity<AsinOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::AsinOp::create(b, l, v); });
    unary(llvm::type_identity<AcosOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::AcosOp::create(b, l, v); });
    unary(llvm::type_identity<AtanOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::AtanOp::create(b, l, v); });
    unary(llvm::type_identity<SinhOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::SinhOp::create(b, l, v); });
    unary(llvm::type_identity<CoshOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::CoshOp::create(b, l, v); });
    unary(llvm::type_identity<AsinhOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::AsinhOp::create(b, l, v); });
    unary(llvm::type_identity<AcoshOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::AcoshOp::create(b, l, v); });
    unary(llvm::type_identity<AtanhOp>(),
          [](OpBuilder &b, Location l, Value v) -> Value { return math::AtanhOp::create(b, l, v); });
    unary(llvm::type_identity<SignOp>(), [](OpBuilder &b, Location l, Value v) -> Value {
      Type t = v.getType();
      Value zero = fconst(b, l, 0.0, t);
      Value pos = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, zero);
      Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, zero);
      // 0 and NaN map to themselves.
      return arith::SelectOp::create(
          b, l, pos, fconst(b, l, 1.0, t),
          arith::SelectOp::create(b, l, neg, fconst(b, l, -1.0, t), v));
    });
    unary(llvm::type_identity<SoftplusOp>(), softplus);
    unary(llvm::type_identity<SoftsignOp>(), [f](OpBuilder &b, Location l, Value v) -> Value {
      Value d = arith::AddFOp::create(b, l, math::AbsFOp::create(b, l, v), f(b, l, 1.0, v.getType()));
      return arith::DivFOp::create(b, l, v, d);
    });
    unary(llvm::type_identity<MishOp>(), [softplus](OpBuilder &b, Location l, Value v) -> Value {
      return arith::MulFOp::create(b, l, v, math::TanhOp::create(b, l, softplus(b, l, v)));
    });
    using PFn = std::function<Value(OpBuilder &, Location, Value, float, float)>;
    auto elu = [f](OpBuilder &b, Location l, Value v, float alpha) -> Value {
      Type t = v.getType();
      Value em1 = math::ExpM1Op::create(b, l, v);
      Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, f(b, l, 0.0, t));
      return arith::SelectOp::create(b, l, neg,
                                     arith::MulFOp::create(b, l, em1, f(b, l, alpha, t)), v);
    };
    patterns.add<ParamUnaryLowering<LeakyReluOp>>(
        tc, ctx, fp, PFn([f](OpBuilder &b, Location l, Value v, float alpha, float) -> Value {
          Type t = v.getType();
          Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, f(b, l, 0.0, t));
          return arith::SelectOp::create(b, l, neg,
                                         arith::MulFOp::create(b, l, v, f(b, l, alpha, t)), v);
        }));
    patterns.add<ParamUnaryLowering<EluOp>>(
        tc, ctx, fp, PFn([elu](OpBuilder &b, Location l, Value v, float alpha, float) {
          return elu(b, l, v, alpha);
        }));
    patterns.add<ParamUnaryLowering<SeluOp>>(
        tc, ctx, fp,
        PFn([elu, f](OpBuilder &b, Location l, Value v, float alpha, float gamma) -> Value {
          return arith::MulFOp::create(b, l, elu(b, l, v, alpha), f(b, l, gamma, v.getType()));
        }));
    patterns.add<ParamUnaryLowering<HardSigmoidOp>>(
        tc, ctx, fp,
        PFn([f](OpBuilder &b, Location l, Value v, float alpha, float beta) -> Value {
          Type t = v.getType();
          Value h = arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, v, f(b, l, alpha, t)),
                                          f(b, l, beta, t));
          return arith::MinimumFOp::create(
              b, l, arith::MaximumFOp::create(b, l, h, f(b, l, 0.0, t)), f(b, l, 1.0, t));
        }));
    patterns.add<ParamUnaryLowering<CeluOp>>(
        tc, ctx, fp, PFn([elu, f](OpBuilder &b, Location l, Value v, float alpha, float) -> Value {
          // alpha * (exp(x / alpha) - 1) below 0: ELU of x / alpha, scaled.
          Type t = v.getType();
          Value e = elu(b, l, arith::DivFOp::create(b, l, v, f(b, l, alpha, t)), 1.0f);
          return arith::MulFOp::create(b, l, e, f(b, l, alpha, t));
        }));
    patterns.add<ParamUnaryLowering<ThresholdedReluOp>>(
        tc, ctx, fp, PFn([f](OpBuilder &b, Location l, Value v, float alpha, float) -> Value {
          Type t = v.getType();
          Value gt = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, f(b, l, alpha, t));
          return arith::SelectOp::create(b, l, gt, v, f(b, l, 0.0, t));
        }));
    patterns.add<ParamUnaryLowering<ShrinkOp>>(
        tc, ctx, fp,
        PFn([f](OpBuilder &b, Location l, Value v, float lambd, float bias) -> Value {
          Type t = v.getType();
          Value lo = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, f(b, l, -lambd, t));
          Value hi = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, f(b, l, lambd, t));
          Value mid = arith::SelectOp::create(
              b, l, hi, arith::SubFOp::create(b, l, v, f(b, l, bias, t)), f(b, l, 0.0, t));
          return arith::SelectOp::create(b, l, lo, arith::AddFOp::create(b, l, v, f(b, l, bias, t)),
                                         mid);
        }));
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns, tc);
    populateReturnOpTypeConversionPattern(patterns, tc);
    populateCallOpTypeConversionPattern(patterns, tc);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
