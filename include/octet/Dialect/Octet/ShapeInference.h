//===- ShapeInference.h - result shapes of octet ops ------------*- C++ -*-===//
//
// Shape rules shared by the op verifiers and the ONNX importer. Dimensions
// use ShapedType::kDynamic for unknown sizes. On failure `why` says what is
// inconsistent.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_DIALECT_SHAPEINFERENCE_H
#define OCTET_DIALECT_SHAPEINFERENCE_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include <string>

namespace mlir::octet {

using Shape = llvm::SmallVector<int64_t, 4>;

/// True when two shapes have the same rank and agree on every static dim.
bool shapesCompatible(ArrayRef<int64_t> a, ArrayRef<int64_t> b);
/// Renders a shape as "1x?x8".
std::string shapeToString(ArrayRef<int64_t> shape);

FailureOr<Shape> inferBroadcastShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                                     std::string &why);
FailureOr<Shape> inferConv2DShape(ArrayRef<int64_t> x, ArrayRef<int64_t> w,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations, int64_t group,
                                  std::string &why);
FailureOr<Shape> inferPool2DShape(ArrayRef<int64_t> x, ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations, bool ceilMode,
                                  std::string &why);
FailureOr<Shape> inferMatMulShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                                  std::string &why);
FailureOr<Shape> inferGemmShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                                bool transA, bool transB, std::string &why);
FailureOr<Shape> inferTransposeShape(ArrayRef<int64_t> x,
                                     ArrayRef<int64_t> perm, std::string &why);
FailureOr<Shape> inferConcatShape(ArrayRef<Shape> inputs, int64_t axis,
                                  std::string &why);
/// Slice with ONNX clamping; `axes` must be non-negative.
FailureOr<Shape> inferSliceShape(ArrayRef<int64_t> x, ArrayRef<int64_t> starts,
                                 ArrayRef<int64_t> ends, ArrayRef<int64_t> axes,
                                 ArrayRef<int64_t> steps, std::string &why);
/// The clamped start and element count of one sliced dimension of size dim.
void normalizeSliceDim(int64_t dim, int64_t start, int64_t end, int64_t step,
                       int64_t &first, int64_t &count);
FailureOr<Shape> inferGatherShape(ArrayRef<int64_t> x,
                                  ArrayRef<int64_t> indices, int64_t axis,
                                  std::string &why);
FailureOr<Shape> inferReduceShape(ArrayRef<int64_t> x, ArrayRef<int64_t> axes,
                                  bool keepDims, std::string &why);
/// ONNX Reshape target resolution: 0 copies the input dim (unless
/// allowZero), -1 is inferred from the element count.
FailureOr<Shape> inferReshapeShape(ArrayRef<int64_t> x,
                                   ArrayRef<int64_t> target, bool allowZero,
                                   std::string &why);

/// Pad with non-negative `pads` (all begins, then all ends).
FailureOr<Shape> inferPadShape(ArrayRef<int64_t> x, ArrayRef<int64_t> pads,
                               std::string &why);
/// Tile with `repeats` (one per dimension, each at least 1).
FailureOr<Shape> inferTileShape(ArrayRef<int64_t> x, ArrayRef<int64_t> repeats,
                                std::string &why);
/// ONNX Resize output sizes from scales: floor(x[d] * scales[d]).
FailureOr<Shape> inferResizeShape(ArrayRef<int64_t> x, ArrayRef<float> scales,
                                  std::string &why);

} // namespace mlir::octet

#endif // OCTET_DIALECT_SHAPEINFERENCE_H
