//===- LoweringUtils.h - helpers shared by the octet lowerings --*- C++ -*-===//
//
// Builders that the generic conversion (lib/Conversion/OctetToLinalg) and the
// targets' kernel patterns (lib/Target/*/Kernels) share: linalg elementwise
// ops with broadcast maps, constants, padding, the requantize epilogue of a
// product, and the base class of the conversion patterns.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_CONVERSION_OCTETTOLINALG_LOWERINGUTILS_H
#define OCTET_CONVERSION_OCTETTOLINALG_LOWERINGUTILS_H

#include "octet/Conversion/OctetToLinalg/IntegerRules.h"
#include "octet/Dialect/Octet/OctetDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::octet {

/// Options of the generic lowering.
struct OctetToLinalgOptions {
  /// gemmlowp fixed-point requantization instead of ONNX's float rule.
  bool fixedPoint = false;
};

/// Base of the octet conversion patterns: the options and a benefit (the
/// targets' kernel patterns take a higher one than the generic patterns).
template <typename OpTy>
struct OctetPattern : OpConversionPattern<OpTy> {
  OctetPattern(const TypeConverter &tc, MLIRContext *ctx, OctetToLinalgOptions opts,
               PatternBenefit benefit = 1)
      : OpConversionPattern<OpTy>(tc, ctx, benefit), fixedPoint(opts.fixedPoint) {}
  bool fixedPoint;
};

RankedTensorType rtt(Value v);
Value cstF32(OpBuilder &b, Location loc, double v);
Value cstInt(OpBuilder &b, Location loc, int64_t v, Type t);
Value cstIndex(OpBuilder &b, Location loc, int64_t v);
/// A float constant of type `t`.
Value fconst(OpBuilder &b, Location loc, double v, Type t);
/// 1-D f32 or i32 constant tensors.
Value vectorConstF32(OpBuilder &b, Location loc, ArrayRef<float> values);
Value vectorConstI32(OpBuilder &b, Location loc, ArrayRef<int32_t> values);
Value i32Table(OpBuilder &b, Location loc, ArrayRef<int32_t> v);
Value f32Table(OpBuilder &b, Location loc, ArrayRef<float> v);

SmallVector<utils::IteratorType> parallel(unsigned n);
/// Map from the result's iteration space to a broadcast operand of `shape`
/// (numpy rules: trailing alignment, size-1 dims read index 0).
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> shape, ArrayRef<int64_t> out);
/// Map to a vector indexed by dimension `dim` of a rank-`rank` space.
AffineMap channelMap(MLIRContext *ctx, unsigned rank, unsigned dim);
Value emptyLike(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type el);
/// Float means of the rows of x2 ([rows, n], n >= 1) in the order of ONNX
/// Runtime's GlobalAveragePool (Reduction.cpp), as a [rows] tensor.
Value mlasOrderRowMeans(OpBuilder &b, Location loc, Value x2, int64_t rows, int64_t n, Type el);
/// Elementwise linalg.generic over `outShape` with broadcast inputs (the
/// last `extraMaps.size()` inputs take those maps instead).
Value elementwise(OpBuilder &b, Location loc, ArrayRef<int64_t> outShape, Type outEl,
                  ValueRange inputs, function_ref<Value(OpBuilder &, Location, ValueRange)> body,
                  ArrayRef<AffineMap> extraMaps = {});
/// An elementwise op whose body also reads 1-D constant tables of
/// `tableDims` entries.
Value tableGeneric(OpBuilder &b, Location loc, ArrayRef<int64_t> outShape, Type outEl,
                   ArrayRef<Value> tables, ArrayRef<int64_t> tableDims,
                   function_ref<Value(OpBuilder &, Location, ValueRange)> body);
/// Reduces `input` over `axes` (keeping them as size-1 dims) with `combine`,
/// starting from `init`.
Value reduceKeep(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes, Value init,
                 function_ref<Value(OpBuilder &, Location, Value, Value)> combine);
Value reshapeTo(OpBuilder &b, Location loc, Value v, RankedTensorType to);
/// An index value clamped to [0, dim).
Value clampedIndex(OpBuilder &b, Location l, Value v, int64_t dim);

/// scf.for over constant bounds [lo, hi) carrying `init`; `body` gets the
/// induction variable and the carried values and returns the next ones.
SmallVector<Value>
constLoop(OpBuilder &b, Location loc, int64_t lo, int64_t hi, int64_t step, ValueRange init,
          function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)> body);

/// The per-channel (or per-tensor) scale as a tensor input and its map for
/// an elementwise op over `shape`; per-tensor scales become constants.
struct ScaleOperand {
  Value tensor;     // null for per-tensor
  AffineMap map;    // valid when tensor is set
  float scalar = 0; // per-tensor scale
  int64_t zpScalar = 0;
  Value zpTensor; // i32 zero points, per-axis only
};
ScaleOperand scaleOperand(OpBuilder &b, Location loc, const QInfo &q, unsigned rank);

/// Low and high pads (plus `extraH`/`extraW` at the end) for the spatial
/// dims of an NCHW tensor.
Value padNCHW(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads, int64_t extraH,
              int64_t extraW, Value padValue);

/// constLoop whose iterations write disjoint data (and none that another
/// iteration reads), marked `octet.parallel`: the CPU target may split it
/// over threads (octet-parallelize-kernels). Marked loops in one block must
/// also be independent of each other.
SmallVector<Value>
constParallelLoop(OpBuilder &b, Location loc, int64_t lo, int64_t hi, int64_t step,
                  ValueRange init,
                  function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)> body);

/// Fails the match (with a reason) when an operand or result is dynamic.
LogicalResult requireStatic(Operation *op, PatternRewriter &rewriter);
std::optional<float> optF(std::optional<APFloat> a);

/// The requantize epilogue of a quantized conv or matrix product: `acc` is
/// the int32 accumulator (bias included), indexed by `outShape` (or read
/// through `accMap`), with the output channel at dimension `chDim`.
Value requantizeEpilogue(OpBuilder &b, Location loc, Value acc, ArrayRef<int64_t> outShape,
                         unsigned chDim, const QInfo &x, const QInfo &w, Type resultType,
                         StringRef act, std::optional<float> lo, std::optional<float> hi,
                         bool fixedPoint, AffineMap accMap = {});

/// foldedBiasValues as an i32 constant tensor.
std::optional<Value> foldedBias(OpBuilder &b, Location loc, Value weight, Value bias,
                                const QInfo &x, const QInfo &w, int64_t channels,
                                bool channelInner, int64_t extraZp = 0);

/// The body of a multiply-accumulate generic: acc += x * w, on int32 with
/// the input zero point (unless folded into the bias) and per-channel weight
/// zero points (`a[2]`, when `wzp`) subtracted, or on floats.
void macBody(OpBuilder &b, Location l, ValueRange a, const QInfo &x, const QInfo &w, bool quant,
             bool zpFolded, bool wzp);

/// The result of a gemm from its accumulator [M, N] (the product, plus the
/// folded bias when quantized): requantized with the fused activation, or
/// alpha * acc + beta * C (`c`, converted) with it.
Value finishGemm(OpBuilder &b, Location loc, GemmOp op, Value acc, Value c, bool fixedPoint);

} // namespace mlir::octet

#endif // OCTET_CONVERSION_OCTETTOLINALG_LOWERINGUTILS_H
