//===- BatchAnalysis.h - does a graph keep the samples of a batch apart? -*- C++ -*-===//
//
// A model compiled for a dynamic batch (octetc with a symbolic leading input
// dimension) runs a batch of n samples as pieces: kernels specialised for
// some batch sizes, and the batch-1 kernels for the rest. That is only right
// when every sample's outputs depend on that sample alone. This check proves
// it on the octet graph.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_DIALECT_OCTET_BATCHANALYSIS_H
#define OCTET_DIALECT_OCTET_BATCHANALYSIS_H

#include "mlir/IR/BuiltinOps.h"

namespace octet {

/// `a` and `b` are one model imported with its batched inputs at two batch
/// sizes `na` != `nb` (both at least 2); an input is batched where its
/// leading dimension is `na` in `a` and `nb` in `b`. Succeeds when the
/// graphs are the same op for op, no constant and no dimension other than
/// a batch axis depends on the batch size, every op that reads a batched
/// value treats the batch axis as one of independent positions (elementwise,
/// the rows of a matmul, the N of a convolution, an axis a softmax or a
/// reduction does not cross, ...), and every output carries the batch as its
/// leading dimension. Otherwise emits an error on the op that mixes samples
/// (its location names the ONNX node) and fails.
mlir::LogicalResult checkBatchIndependence(mlir::ModuleOp a, int64_t na, mlir::ModuleOp b,
                                           int64_t nb);

} // namespace octet

#endif // OCTET_DIALECT_OCTET_BATCHANALYSIS_H
