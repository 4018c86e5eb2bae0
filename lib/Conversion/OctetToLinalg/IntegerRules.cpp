//===- IntegerRules.cpp - integer rules of quantized arithmetic -------------===//
//
// The scalar (or vector) integer rules every backend shares: quantize and
// dequantize as ONNX defines them, both requantization modes, the
// compile-time folding of zero points into the bias, accumulator bounds and
// ONNX Runtime's own rules (QLinearAdd, QLinearMul, the integer clamp).
//
//===----------------------------------------------------------------------===//

#include "octet/Conversion/OctetToLinalg/IntegerRules.h"
#include "octet/Conversion/OctetToLinalg/LoweringUtils.h"
#include "octet/Conversion/OctetToLinalg/OctetToLinalg.h"
#include "octet/Dialect/Octet/OctetDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::octet;

namespace mlir::octet {

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


/// `el` in the shape of `like`: itself for a scalar, a vector of the same
/// lanes for a vector.
static Type shaped(Type like, Type el) {
  if (auto vt = dyn_cast<VectorType>(like))
    return VectorType::get(vt.getShape(), el);
  return el;
}

/// A float constant of the shape of `t` (a scalar f32, or a vector splat).
/// v in t's float element type (f32 unless t is another float type: float
/// activations of f16 and f64 tensors), splat where t is a vector.
static Value splatF32(OpBuilder &b, Location loc, double v, Type t) {
  Type el = getElementTypeOrSelf(t);
  if (!isa<FloatType>(el))
    el = b.getF32Type();
  FloatAttr attr = el.isF32() ? b.getF32FloatAttr((float)v) : b.getFloatAttr(el, v);
  if (auto vt = dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(b, loc, vt,
                                     DenseElementsAttr::get(vt, ArrayRef<Attribute>{attr}));
  return arith::ConstantOp::create(b, loc, attr);
}

Value splatInt(OpBuilder &b, Location loc, int64_t v, Type t) {
  Type el = getElementTypeOrSelf(t);
  if (auto vt = dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(b, loc, vt,
                                     DenseElementsAttr::get(vt, b.getIntegerAttr(el, v)));
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, v));
}

/// Extends a storage integer to i32 with its signedness.
Value toI32(OpBuilder &b, Location loc, Value v, bool isSigned) {
  auto it = cast<IntegerType>(getElementTypeOrSelf(v.getType()));
  Type i32 = shaped(v.getType(), b.getI32Type());
  if (it.getWidth() == 32)
    return v;
  if (it.getWidth() > 32)
    return arith::TruncIOp::create(b, loc, i32, v);
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, i32, v);
  return arith::ExtUIOp::create(b, loc, i32, v);
}

/// Clamps a float to [lo, hi] and converts it to the integer type `to`.
Value clampToInt(OpBuilder &b, Location loc, Value f, double lo, double hi,
                 Type to) {
  f = arith::MaximumFOp::create(b, loc, f, splatF32(b, loc, lo, f.getType()));
  f = arith::MinimumFOp::create(b, loc, f, splatF32(b, loc, hi, f.getType()));
  Value i = arith::FPToSIOp::create(b, loc, shaped(f.getType(), b.getI32Type()), f);
  if (cast<IntegerType>(getElementTypeOrSelf(to)).getWidth() < 32)
    i = arith::TruncIOp::create(b, loc, shaped(f.getType(), getElementTypeOrSelf(to)), i);
  return i;
}

/// ONNX QuantizeLinear on one float: saturate(rint(x / scale) + zp).
/// saturate(rint(x / scale) + zp) with an i32 zero point value.
Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value scale, Value zpI32,
                     int64_t lo, int64_t hi, Type storage) {
  Value q = arith::DivFOp::create(b, loc, x, scale);
  q = math::RoundEvenOp::create(b, loc, q);
  q = arith::AddFOp::create(b, loc, q, arith::SIToFPOp::create(b, loc, shaped(zpI32.getType(), b.getF32Type()), zpI32));
  return clampToInt(b, loc, q, (double)lo, (double)hi, storage);
}
Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value scale,
                     int64_t zp, int64_t lo, int64_t hi, Type storage) {
  Value q = arith::DivFOp::create(b, loc, x, scale);
  q = math::RoundEvenOp::create(b, loc, q);
  q = arith::AddFOp::create(b, loc, q, splatF32(b, loc, (double)zp, q.getType()));
  return clampToInt(b, loc, q, (double)lo, (double)hi, storage);
}

/// ONNX DequantizeLinear on one stored integer: float(q - zp) * scale.
Value dequantizeScalar(OpBuilder &b, Location loc, Value q, bool isSigned,
                       Value zp, Value scale) {
  Value i = toI32(b, loc, q, isSigned);
  i = arith::SubIOp::create(b, loc, i, zp);
  Value f = arith::SIToFPOp::create(b, loc, shaped(i.getType(), b.getF32Type()), i);
  return arith::MulFOp::create(b, loc, f, scale);
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
Value sigmoidFloat(OpBuilder &b, Location loc, Value v) {
  Type t = v.getType();
  Value one = splatF32(b, loc, 1.0, t);
  if (!getElementTypeOrSelf(t).isF32()) {
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, v));
    return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, e));
  }
  auto contract = arith::FastMathFlagsAttr::get(b.getContext(), arith::FastMathFlags::contract);
  auto mul = [&](Value x, Value y) -> Value {
    return arith::MulFOp::create(b, loc, x, y, contract);
  };
  auto add = [&](Value x, Value y) -> Value {
    return arith::AddFOp::create(b, loc, x, y, contract);
  };
  auto c = [&](double x) { return splatF32(b, loc, x, t); };
  // Selects that keep a NaN (compares with it are false).
  auto atMost = [&](Value x, double hi) -> Value {
    Value h = c(hi);
    return arith::SelectOp::create(
        b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, h), h, x);
  };
  auto atLeast = [&](Value x, double lo) -> Value {
    Value l = c(lo);
    return arith::SelectOp::create(
        b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, l), l, x);
  };
  // e = exp(-x) = 2^n exp(-r) with n = round(-x log2(e)) and r = x + n ln 2
  // (|r| <= ln 2 / 2). x in [-88.3, 87.33] keeps 2^n normal and finite
  // (n in [-126, 127]); beyond, sigmoid is 1 or under the smallest normal
  // float either way.
  Value x = atLeast(atMost(v, 87.33), -88.3);
  // n rounded by adding 1.5 * 2^23 + 127: the sum's low mantissa bits hold
  // n + 127, the exponent field of 2^n once shifted into place.
  Value magic = c(12583039.0);
  Value sum = add(mul(x, c(-1.4426950408889634)), magic);
  Type i32 = b.getI32Type();
  if (auto vt = dyn_cast<VectorType>(t))
    i32 = VectorType::get(vt.getShape(), i32);
  Value pow2 = arith::BitcastOp::create(
      b, loc, t,
      arith::ShLIOp::create(b, loc, arith::BitcastOp::create(b, loc, i32, sum),
                            splatInt(b, loc, 23, i32)));
  Value n = arith::SubFOp::create(b, loc, sum, magic);
  // ln 2 in two parts, the first exact in products with n (Cody and Waite).
  Value r = add(mul(n, c(0.693145751953125)), x);
  r = add(mul(n, c(1.428606765330187e-06)), r);
  // exp(-r) on [-ln 2 / 2, ln 2 / 2]: a degree-5 polynomial, fitted for
  // the least maximum relative error (1.04e-7; sigmoid within 2.4e-7).
  const double coef[] = {-0.008317857049405575, 0.041898176074028015, -0.16667182743549347,
                         0.4999914765357971,    -0.9999998807907104,  1.0};
  Value q = c(coef[0]);
  for (int k = 1; k < 6; ++k)
    q = add(mul(q, r), c(coef[k]));
  Value e = arith::MulFOp::create(b, loc, pow2, q);
  return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, e, one));
}

Value floatActivation(OpBuilder &b, Location loc, Value v, StringRef act,
                      std::optional<float> lo, std::optional<float> hi) {
  if (act == "relu" || act == "relu6")
    v = arith::MaximumFOp::create(b, loc, v, splatF32(b, loc, 0.0, v.getType()));
  if (act == "relu6")
    v = arith::MinimumFOp::create(b, loc, v, splatF32(b, loc, 6.0, v.getType()));
  if (act == "clamp") {
    if (lo)
      v = arith::MaximumFOp::create(b, loc, v, splatF32(b, loc, *lo, v.getType()));
    if (hi)
      v = arith::MinimumFOp::create(b, loc, v, splatF32(b, loc, *hi, v.getType()));
  }
  if (act == "silu" || act == "silu_rev") {
    // Sigmoid and Mul as the elementwise lowering computes them
    // (sigmoidFloat), then v * s ("silu_rev": s * v).
    Value sig = sigmoidFloat(b, loc, v);
    v = act == "silu" ? arith::MulFOp::create(b, loc, v, sig)
                      : arith::MulFOp::create(b, loc, sig, v);
  }
  return v;
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

/// SaturatingRoundingDoublingHighMul(acc, m0) with 64-bit products: gemmlowp
/// adds 2^30 (1 - 2^30 for a negative product) and divides by 2^31 toward
/// zero, which is (p + 2^30) >> 31 with an arithmetic shift in both cases
/// (for p < 0, trunc((p + 1 - 2^30) / 2^31) = floor((p + 2^30) / 2^31)).
/// m0 > 0, so the saturating case (both INT32_MIN) cannot occur.
Value doublingHighMul(OpBuilder &nb, Location nl, Value accv, Value m0) {
  Type t32 = accv.getType();
  Type i64 = nb.getI64Type(), t64 = i64;
  if (auto vt = dyn_cast<VectorType>(t32))
    t64 = VectorType::get(vt.getShape(), i64);
  Value p = arith::MulIOp::create(nb, nl, arith::ExtSIOp::create(nb, nl, t64, accv),
                                  arith::ExtSIOp::create(nb, nl, t64, m0));
  Value hv = arith::ShRSIOp::create(nb, nl, arith::AddIOp::create(nb, nl, p, splatInt(nb, nl, 1ll << 30, t64)),
                                    splatInt(nb, nl, 31, t64));
  return arith::TruncIOp::create(nb, nl, t32, hv);
}

/// gemmlowp/TFLite requantization of int32 `acc` (a scalar or a vector, with
/// `m0` and `sh` of the same shape): RoundingDivideByPOT(
/// SaturatingRoundingDoublingHighMul(acc << left, m0), right) + zp, clamped
/// to [lo, hi]; the result is int32. Without `anyLeft` (`anyRight`) no
/// shift is negative (positive), and that step is left out.
Value fixedPointRequant(OpBuilder &nb, Location nl, Value accv, Value m0, Value sh, int64_t zp,
                        double lo, double hi, bool anyLeft, bool anyRight,
                        bool addZpAndClamp, bool roundByAdd, DoublingHighMulFn highMul) {
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
  Value h32 = highMul ? highMul(nb, nl, accv, m0) : doublingHighMul(nb, nl, accv, m0);
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


/// The weight's zero points are per tensor, or one per output channel along
/// the channel axis (the last with `channelInner`, else the first).
bool weightZpsPerChannel(Value weight, const QInfo &w, int64_t channels,
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
std::optional<SmallVector<int32_t>>
foldedBiasValues(Value weight, Value bias, const QInfo &x, const QInfo &w, int64_t channels,
                 bool channelInner, int64_t extraZp) {
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


/// A bound on |acc| for output channel f of a product over k values of u8
/// inputs with weights w[f * k ..] (w - w_zp) and int32 bias:
/// |bias| + 255 * sum |w|.
double accumulatorBound(ArrayRef<int64_t> w, int64_t f, int64_t k,
                               ArrayRef<int32_t> bias) {
  double sum = 0;
  for (int64_t kk = 0; kk < k; ++kk)
    sum += std::abs((double)w[f * k + kk]);
  return std::abs((double)bias[f]) + 255.0 * sum;
}


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
  Type f32 = shaped(va.getType(), b.getF32Type());
  auto toF = [&](Value v, bool isSigned) {
    return arith::SIToFPOp::create(b, l, f32, toI32(b, l, v, isSigned));
  };
  Value fa = toF(va, a.isSigned), fb = toF(vb, bq.isSigned);
  Value cra = splatF32(b, l, ra, f32), crb = splatF32(b, l, rb, f32),
        cf = splatF32(b, l, fixed, f32);
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

Value qlinearMul(OpBuilder &b, Location l, Value va, Value vb, const QInfo &a, const QInfo &bq,
                 const QInfo &y, Type outEl) {
  Type i32 = shaped(va.getType(), b.getI32Type()), f32 = shaped(va.getType(), b.getF32Type());
  Value da = arith::SubIOp::create(b, l, toI32(b, l, va, a.isSigned), splatInt(b, l, a.zps[0], i32));
  Value db =
      arith::SubIOp::create(b, l, toI32(b, l, vb, bq.isSigned), splatInt(b, l, bq.zps[0], i32));
  Value prod = arith::SIToFPOp::create(b, l, f32, arith::MulIOp::create(b, l, da, db));
  float ratio = (float)a.scales[0] * (float)bq.scales[0] / (float)y.scales[0];
  Value f = arith::MulFOp::create(b, l, prod, splatF32(b, l, ratio, f32));
  f = arith::AddFOp::create(b, l, f, splatF32(b, l, (double)y.zps[0], f32));
  f = math::RoundEvenOp::create(b, l, f);
  return clampToInt(b, l, f, y.qmin, y.qmax, outEl);
}

SmallVector<float> onnxRequantMultipliers(const QInfo &x, const QInfo &w, const QInfo &y,
                                          int64_t channels) {
  SmallVector<float> m;
  for (int64_t k = 0; k < channels; ++k)
    m.push_back((float)((float)x.scales[0] * (float)w.scale(k)) / (float)y.scales[0]);
  return m;
}

/// The storage value of real `v` under per-tensor quantization q.
int64_t quantizeHost(const QInfo &q, double v) {
  double r = std::nearbyint((float)v / (float)q.scales[0]) + (double)q.zps[0];
  return (int64_t)std::clamp(r, (double)q.qmin, (double)q.qmax);
}

} // namespace mlir::octet
