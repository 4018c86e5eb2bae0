//===- QuantUtils.cpp - helpers for quant element types --------------------===//

#include "octet/Dialect/Octet/QuantUtils.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include <cmath>

using namespace mlir;
using namespace mlir::octet;

quant::QuantizedType mlir::octet::getQuantElementType(Type t) {
  if (auto st = dyn_cast_or_null<ShapedType>(t))
    t = st.getElementType();
  return dyn_cast_or_null<quant::QuantizedType>(t);
}

bool mlir::octet::isPerTensorQuant(Type t) {
  return isa_and_nonnull<quant::UniformQuantizedType>(getQuantElementType(t));
}

std::optional<int32_t> mlir::octet::getQuantAxis(Type t) {
  if (auto pa = dyn_cast_or_null<quant::UniformQuantizedPerAxisType>(
          getQuantElementType(t)))
    return pa.getQuantizedDimension();
  return std::nullopt;
}

SmallVector<double> mlir::octet::getQuantScales(Type t) {
  auto q = getQuantElementType(t);
  if (auto u = dyn_cast_or_null<quant::UniformQuantizedType>(q))
    return {u.getScale()};
  if (auto pa = dyn_cast_or_null<quant::UniformQuantizedPerAxisType>(q))
    return SmallVector<double>(pa.getScales());
  return {};
}

SmallVector<int64_t> mlir::octet::getQuantZeroPoints(Type t) {
  auto q = getQuantElementType(t);
  if (auto u = dyn_cast_or_null<quant::UniformQuantizedType>(q))
    return {u.getZeroPoint()};
  if (auto pa = dyn_cast_or_null<quant::UniformQuantizedPerAxisType>(q))
    return SmallVector<int64_t>(pa.getZeroPoints());
  return {};
}

quant::QuantizedType
mlir::octet::makeQuantType(MLIRContext *ctx, bool isSigned, unsigned width,
                           ArrayRef<double> scales, ArrayRef<int64_t> zeroPoints,
                           std::optional<int32_t> axis, Type expressed) {
  if (!expressed)
    expressed = Float32Type::get(ctx);
  Type storage = IntegerType::get(ctx, width);
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  int64_t lo = quant::QuantizedType::getDefaultMinimumForInteger(isSigned, width);
  int64_t hi = quant::QuantizedType::getDefaultMaximumForInteger(isSigned, width);
  if (!axis)
    return quant::UniformQuantizedType::get(flags, storage, expressed,
                                            scales[0], zeroPoints[0], lo, hi);
  return quant::UniformQuantizedPerAxisType::get(
      flags, storage, expressed, scales, zeroPoints, *axis, lo, hi);
}

LogicalResult
mlir::octet::verifyQuantTensorType(function_ref<InFlightDiagnostic()> emitError,
                                   Type t, StringRef what) {
  auto q = getQuantElementType(t);
  if (!q)
    return success();
  if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(q))
    return emitError() << what << " must use a uniform quant type, got " << q;
  int64_t lo = q.getStorageTypeMin(), hi = q.getStorageTypeMax();
  for (int64_t zp : getQuantZeroPoints(t))
    if (zp < lo || zp > hi)
      return emitError() << what << " has zero point " << zp
                         << " outside the storage range [" << lo << ", " << hi
                         << "]";
  if (auto axis = getQuantAxis(t)) {
    auto rt = dyn_cast<RankedTensorType>(t);
    if (!rt)
      return success();
    if (*axis < 0 || *axis >= rt.getRank())
      return emitError() << what << " is quantized on axis " << *axis
                         << " but has rank " << rt.getRank();
    int64_t dim = rt.getDimSize(*axis);
    int64_t n = getQuantScales(t).size();
    if (!ShapedType::isDynamic(dim) && dim != n)
      return emitError() << what << " has " << n << " scales for dimension "
                         << *axis << " of size " << dim;
  }
  return success();
}

RankedTensorType mlir::octet::withElementType(Type tensorType, Type element) {
  return cast<RankedTensorType>(tensorType).clone(element);
}

IntegerType mlir::octet::getStorageIntegerType(quant::QuantizedType q) {
  return IntegerType::get(q.getContext(), q.getStorageTypeIntegralWidth(),
                          q.isSigned() ? IntegerType::Signless
                                       : IntegerType::Unsigned);
}

bool mlir::octet::scalesClose(double a, double b) {
  return std::fabs(a - b) <= 1e-5 * std::max(std::fabs(a), std::fabs(b));
}
