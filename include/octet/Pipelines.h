//===- Pipelines.h - pass pipelines of the octet tools ----------*- C++ -*-===//

#ifndef OCTET_PIPELINES_H
#define OCTET_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace octet {

/// Imported graph to quantized graph: constant folding, batch-norm folding,
/// activation fusion, QDQ folding, then canonicalization and CSE.
void buildQuantizedPipeline(mlir::OpPassManager &pm);

/// Registers the pipelines for octet-opt (`--octet-quantized-pipeline`).
void registerPipelines();

} // namespace octet

#endif // OCTET_PIPELINES_H
