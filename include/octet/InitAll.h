//===- InitAll.h - register every octet dialect and pass --------*- C++ -*-===//

#ifndef OCTET_INITALL_H
#define OCTET_INITALL_H

#include "dialects/Octet/OctetDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace octet {

/// The octet dialect and the upstream dialects its pipelines use.
inline void registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::octet::OctetDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect, mlir::quant::QuantDialect,
                  mlir::tensor::TensorDialect>();
}

/// Every octet pass plus the upstream canonicalize and CSE passes.
inline void registerAllPasses() {
  mlir::octet::registerOctetPasses();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
}

} // namespace octet

#endif // OCTET_INITALL_H
