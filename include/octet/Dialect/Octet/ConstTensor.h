//===- ConstTensor.h - constant tensors as flat vectors ---------*- C++ -*-===//
//
// A small value type for constant folding: reads dense and dense-resource
// elements attributes into flat double or int64 vectors and writes them back,
// choosing a dense resource for large tensors so the IR stays fast.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_DIALECT_CONSTTENSOR_H
#define OCTET_DIALECT_CONSTTENSOR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include <optional>
#include <vector>

namespace mlir::octet {

/// Tensors with more elements than this are stored as dense resources.
constexpr int64_t kResourceThreshold = 256;

struct ConstTensor {
  SmallVector<int64_t, 4> shape;
  bool isFloat = false;
  std::vector<double> f;  // values when isFloat
  std::vector<int64_t> i; // values otherwise

  int64_t numElements() const;
  double asDouble(int64_t k) const { return isFloat ? f[k] : (double)i[k]; }

  /// Reads an ElementsAttr (dense or dense resource); nullopt when it is
  /// not a supported kind or has more than maxElements elements.
  static std::optional<ConstTensor> read(Attribute attr,
                                         int64_t maxElements = INT64_MAX);
  /// Builds an attribute of `type` (float or integer elements) from the
  /// values, which are converted to the type's element type.
  ElementsAttr write(RankedTensorType type) const;

  /// The tensor with its dimensions permuted: result dim i is dim perm[i].
  ConstTensor transposed(ArrayRef<int64_t> perm) const;
};

/// Reads the constant behind `v`, if it is one.
std::optional<ConstTensor> readConstant(Value v,
                                        int64_t maxElements = INT64_MAX);

} // namespace mlir::octet

#endif // OCTET_DIALECT_CONSTTENSOR_H
