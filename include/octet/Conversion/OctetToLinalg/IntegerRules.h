//===- IntegerRules.h - integer rules of quantized arithmetic ---*- C++ -*-===//
//
// The rules by which Octet computes on quantized tensors, in one place for
// every backend. The builders work on a scalar or on a vector of lanes (the
// operands share one shape), so a generic linalg body, a CPU register kernel
// and a GPU kernel apply the same arithmetic; the compile-time helpers fold
// constants (zero points into the bias, requantization parameters, bounds).
//
//   ONNX (default): clamp(rint(float32(acc) * M) + y_zp), M = float32(s_x * s_w) / s_y,
//                   round half to even, as ONNX Runtime computes it;
//   fixed point:    gemmlowp's SaturatingRoundingDoublingHighMul by a Q31
//                   multiplier and RoundingDivideByPOT (TFLite, TOSA).
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_CONVERSION_OCTETTOLINALG_INTEGERRULES_H
#define OCTET_CONVERSION_OCTETTOLINALG_INTEGERRULES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <utility>

namespace mlir::octet {

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

/// The quantization of a tensor type's elements (a plain integer type gives
/// its signedness and width, quantized = false).
QInfo qinfo(Type t);

//===----------------------------------------------------------------------===//
// Builders on scalars or vectors
//===----------------------------------------------------------------------===//

/// An integer constant of type `t` (a scalar, or a vector splat).
Value splatInt(OpBuilder &b, Location loc, int64_t v, Type t);

/// Extends (or truncates) a storage integer to i32 with its signedness.
Value toI32(OpBuilder &b, Location loc, Value v, bool isSigned);

/// Clamps a float to [lo, hi] and converts it to the integer type `to`.
Value clampToInt(OpBuilder &b, Location loc, Value f, double lo, double hi, Type to);

/// ONNX QuantizeLinear: saturate(rint(x / scale) + zp), with an i32 zero
/// point value or a constant one.
Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value scale, Value zpI32, int64_t lo,
                     int64_t hi, Type storage);
Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value scale, int64_t zp, int64_t lo,
                     int64_t hi, Type storage);

/// ONNX DequantizeLinear: float(q - zp) * scale.
Value dequantizeScalar(OpBuilder &b, Location loc, Value q, bool isSigned, Value zp, Value scale);

/// 1 / (1 + exp(-v)) on floats. For f32 (scalars or vectors): exp(-v) as
/// 2^n times a polynomial, 2^n built in the exponent bits, with v first
/// clamped to [-88.3, 87.33] (a NaN stays a NaN), then one division: within
/// 2.4e-7 relative where the result is a normal float. Other float types:
/// math.exp and the division.
Value sigmoidFloat(OpBuilder &b, Location loc, Value v);

/// A fused activation ("none", "relu", "relu6", "clamp"; "silu" y * sigmoid(y) and
/// "silu_rev" sigmoid(y) * y, as the elementwise ops compute them) on floats.
Value floatActivation(OpBuilder &b, Location loc, Value v, StringRef act, std::optional<float> lo,
                      std::optional<float> hi);

/// gemmlowp's SaturatingRoundingDoublingHighMul(acc, m0) on i32 values:
/// the generic form widens each lane to 64 bits. A backend may pass its own
/// (the CPU kernels multiply even and odd lanes with vpmuldq).
Value doublingHighMul(OpBuilder &b, Location loc, Value acc, Value m0);
using DoublingHighMulFn = function_ref<Value(OpBuilder &, Location, Value, Value)>;

/// gemmlowp/TFLite requantization of int32 `acc` (a scalar or a vector, with
/// `m0` and `sh` of the same shape): RoundingDivideByPOT(
/// SaturatingRoundingDoublingHighMul(acc << left, m0), right) + zp, clamped
/// to [lo, hi]; the result is int32. Without `anyLeft` (`anyRight`) no
/// shift is negative (positive), and that step is left out. `roundByAdd`:
/// every shift is at least 1 and |acc| + 2^(shift-1) < 2^31 (the caller
/// proves it with accumulatorBound), so the rounding shift is one addition.
Value fixedPointRequant(OpBuilder &b, Location loc, Value acc, Value m0, Value sh, int64_t zp,
                        double lo, double hi, bool anyLeft, bool anyRight,
                        bool addZpAndClamp = true, bool roundByAdd = false,
                        DoublingHighMulFn highMul = nullptr);

/// Quantized Add the way ONNX Runtime's x86 QLinearAdd kernel computes it
/// (see the definition); `scalarSide` from spanScalarSide.
Value qlinearAdd(OpBuilder &b, Location l, Value va, Value vb, const QInfo &a, const QInfo &bq,
                 const QInfo &y, int scalarSide, Type outEl);

/// Quantized Mul as ONNX Runtime's QLinearMul: the integer product of the
/// debiased inputs, times float32(s_a * s_b / s_c), plus zp_c, rounded half
/// to even and saturated.
Value qlinearMul(OpBuilder &b, Location l, Value va, Value vb, const QInfo &a, const QInfo &bq,
                 const QInfo &y, Type outEl);

//===----------------------------------------------------------------------===//
// Compile-time rules
//===----------------------------------------------------------------------===//

/// Activation bounds on the quantized grid of the result `y`.
void quantActivationBounds(StringRef act, std::optional<float> lo, std::optional<float> hi,
                           const QInfo &y, double &qlo, double &qhi);

/// ONNX requantization multipliers per channel: float32(float32(s_x) *
/// float32(s_w[k])) / float32(s_y).
SmallVector<float> onnxRequantMultipliers(const QInfo &x, const QInfo &w, const QInfo &y,
                                          int64_t channels);

/// Fixed-point requantization parameters per channel: M = m0 * 2^-shift
/// with m0 a Q31 multiplier in [2^30, 2^31) (shift < 0 is a left shift).
void fixedPointParams(const QInfo &x, const QInfo &w, const QInfo &y, int64_t channels,
                      SmallVectorImpl<int32_t> &mult, SmallVectorImpl<int32_t> &shift);

/// Whether the weight's zero points are per tensor, or one per output
/// channel along the channel axis (the last with `channelInner`, else the
/// first).
bool weightZpsPerChannel(Value weight, const QInfo &w, int64_t channels, bool channelInner);

/// Zero-point folding: with a constant weight whose zero points are per
/// channel, sum (x - x_zp)(w - w_zp) = sum x (w - w_zp) - x_zp sum (w - w_zp),
/// so the input zero point (plus `extraZp`, a kernel's own input shift)
/// folds into the int32 bias. The folded bias per channel, or nothing when
/// the weight or bias is not constant or a value leaves int32.
std::optional<SmallVector<int32_t>> foldedBiasValues(Value weight, Value bias, const QInfo &x,
                                                     const QInfo &w, int64_t channels,
                                                     bool channelInner, int64_t extraZp = 0);

/// A bound on |acc| for output channel f of a product over k values of u8
/// inputs with weights w[f * k ..] (w - w_zp) and int32 bias:
/// |bias| + 255 * sum |w|.
double accumulatorBound(ArrayRef<int64_t> w, int64_t f, int64_t k, ArrayRef<int32_t> bias);

/// When a quantized clamp keeps its input's quantization, the bounds {A, B}
/// such that quantize(clamp(dequantize(q))) = clamp(q, A, B) for every
/// stored q (checked value by value), or nothing.
std::optional<std::pair<int64_t, int64_t>> integerClampBounds(const QInfo &x, const QInfo &y,
                                                              std::optional<float> lo,
                                                              std::optional<float> hi);

/// Which operand of a broadcasting binary op ONNX Runtime's broadcaster
/// hands to its kernels as a scalar (0 lhs, 1 rhs, -1 neither).
int spanScalarSide(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs, ArrayRef<int64_t> out);

/// QuantizeLinear of one value at compile time.
int64_t quantizeHost(const QInfo &q, double v);

} // namespace mlir::octet

#endif // OCTET_CONVERSION_OCTETTOLINALG_INTEGERRULES_H
