//===- Passes.h - octet passes ----------------------------------*- C++ -*-===//

#ifndef OCTET_PASSES_PASSES_H
#define OCTET_PASSES_PASSES_H

#include "octet/Dialect/Octet/OctetDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::octet {

#define GEN_PASS_DECL
#include "octet/Transforms/Passes.h.inc"

/// Patterns of octet-fuse-activation.
void populateFuseActivationPatterns(RewritePatternSet &patterns);
/// Patterns of octet-fold-qdq (includes the activation fusion and the
/// quantize/requantize canonicalizations).
void populateFoldQDQPatterns(RewritePatternSet &patterns);
/// Patterns of octet-fold-batch-norm.
void populateFoldBatchNormPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "octet/Transforms/Passes.h.inc"

} // namespace mlir::octet

#endif // OCTET_PASSES_PASSES_H
