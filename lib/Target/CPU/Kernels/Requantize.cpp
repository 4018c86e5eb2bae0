//===- Requantize.cpp - requantization in registers -------------------------===//
//
// The requantize epilogue of the CPU kernels on 16 int32 lanes at a time:
// ONNX Runtime's float rule with a rounding conversion and saturating packs,
// or gemmlowp's fixed point with 32 x 32 -> 64-bit products on even and odd
// lanes (vpmuldq).
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
#include "Kernels.h"

using namespace mlir;
using namespace mlir::octet;

namespace mlir::octet::cpu {

SmallVector<Value> VnniEpilogue::constants(OpBuilder &b, Location loc, int64_t channels) const {
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

SmallVector<Value> VnniEpilogue::vectors(OpBuilder &b, Location loc, ArrayRef<Value> consts, Value c,
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



Value evenOddDoublingHighMul(OpBuilder &nb, Location nl, Value accv, Value m0) {
  // The even and odd lanes as the two halves of 64-bit lanes, each a
  // 32 x 32 -> 64-bit signed product (vpmuldq, instead of widening every
  // lane), rounded and shifted so that the even results land in the low and
  // the odd ones in the high halves, then merged.
  Type t32 = accv.getType();
  auto vt32 = cast<VectorType>(t32);
  Type i64 = nb.getI64Type();
  auto c = [&](int64_t v, Type t) { return splatInt(nb, nl, v, t); };
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
  Value pe = arith::AddIOp::create(nb, nl, arith::MulIOp::create(nb, nl, lo32(accv), lo32(m0)),
                                   rnd);
  Value po = arith::AddIOp::create(nb, nl, arith::MulIOp::create(nb, nl, hi32(accv), hi32(m0)),
                                   rnd);
  // (p + 2^30) >> 31 in the low half (even lanes), in the high half by a
  // left shift of 1 (odd lanes); only those 32 bits are kept.
  Value he =
      vector::BitCastOp::create(nb, nl, t32, arith::ShRUIOp::create(nb, nl, pe, c(31, v64)));
  Value ho =
      vector::BitCastOp::create(nb, nl, t32, arith::ShLIOp::create(nb, nl, po, c(1, v64)));
  SmallVector<int64_t> pick;
  for (int64_t l = 0; l < 2 * half; ++l)
    pick.push_back(l % 2 ? 2 * half + l : l);
  return vector::ShuffleOp::create(nb, nl, he, ho, pick);
}

/// Requantization of 16 int32 accumulators with per-lane parameters
/// (`params` from VnniEpilogue::vectors) as 16 bytes: ONNX's
/// clamp(rint(acc * mult) + zp), or gemmlowp's fixed point.
Value vnniRequant(OpBuilder &b, Location loc, Value acc, ArrayRef<Value> params,
                  const VnniEpilogue &e) {
  if (e.fixedPoint) {
    Value r = fixedPointRequant(b, loc, acc, params[0], params[1], (int64_t)e.zp, e.lo, e.hi,
                                llvm::any_of(e.shift, [](int32_t v) { return v < 0; }),
                                llvm::any_of(e.shift, [](int32_t v) { return v > 0; }),
                                /*addZpAndClamp=*/true, /*roundByAdd=*/false,
                                evenOddDoublingHighMul);
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


/// Whether float32(acc) * mult can reach 2^31 for some channel, bounding
/// |acc| by |bias| + 255 * sum |w| (w n-major [N, K]): then the rounding
/// conversion (which gives INT32_MIN past 2^31) needs the product clamped.
bool productMayOverflow(const VnniEpilogue &e, ArrayRef<int64_t> w, int64_t n,
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
bool fixedPointRoundsByAdd(const VnniEpilogue &e, ArrayRef<int64_t> w, int64_t n,
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
Value vnniRequant4(OpBuilder &b, Location loc, ArrayRef<Value> accs,
                          ArrayRef<SmallVector<Value>> params, const VnniEpilogue &e,
                          bool guard, bool roundByAdd) {
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
          roundByAdd, evenOddDoublingHighMul));
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

} // namespace mlir::octet::cpu
