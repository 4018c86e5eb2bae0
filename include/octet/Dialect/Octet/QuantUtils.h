//===- QuantUtils.h - helpers for quant element types -----------*- C++ -*-===//
//
// Read and build upstream quant types (per-tensor and per-axis) uniformly.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_DIALECT_QUANTUTILS_H
#define OCTET_DIALECT_QUANTUTILS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include <optional>

namespace mlir::octet {

/// The quant element type of a tensor (or a quant type itself), else null.
quant::QuantizedType getQuantElementType(Type t);
inline bool isQuantTensor(Type t) { return bool(getQuantElementType(t)); }
bool isPerTensorQuant(Type t);
/// Quantized dimension of a per-axis type, nullopt for per-tensor.
std::optional<int32_t> getQuantAxis(Type t);
/// Scales and zero points; one entry for a per-tensor type.
SmallVector<double> getQuantScales(Type t);
SmallVector<int64_t> getQuantZeroPoints(Type t);

/// Builds a uniform quant type: per-tensor when `axis` is empty, else
/// per-axis with one scale and zero point per slice.
quant::QuantizedType makeQuantType(MLIRContext *ctx, bool isSigned,
                                   unsigned width, ArrayRef<double> scales,
                                   ArrayRef<int64_t> zeroPoints,
                                   std::optional<int32_t> axis,
                                   Type expressed = {});

/// Checks a (possibly quantized) tensor type: zero points within the storage
/// range, a quantized dimension inside the rank whose size matches the
/// number of scales.
LogicalResult verifyQuantTensorType(function_ref<InFlightDiagnostic()> emitError,
                                    Type t, StringRef what);

/// `tensorType` with its element type replaced.
RankedTensorType withElementType(Type tensorType, Type element);
/// The integer type that stores a quant type (signed or unsigned, not
/// signless: i8 for signed, ui8 for unsigned).
IntegerType getStorageIntegerType(quant::QuantizedType q);

/// Relative closeness of two scales, used where one scale is a product of
/// others computed in float32 by an exporter.
bool scalesClose(double a, double b);

} // namespace mlir::octet

#endif // OCTET_DIALECT_QUANTUTILS_H
