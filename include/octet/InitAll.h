//===- InitAll.h - register every octet dialect and pass --------*- C++ -*-===//

#ifndef OCTET_INITALL_H
#define OCTET_INITALL_H

#include "octet/Dialect/Octet/OctetDialect.h"
#include "octet/Conversion/Passes.h"
#include "octet/Target/CPU/IR/CPUDialect.h"
#include "octet/Target/CPU.h"
#include "octet/Target/GPU.h"
#include "octet/Target/CPU/Passes.h"
#include "octet/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Transforms/Passes.h"

namespace octet {

/// The octet dialect and the upstream dialects (with their interface
/// extensions: bufferization, conversion to LLVM) the pipelines use.
inline void registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::octet::OctetDialect, mlir::octet::cpu::OctetCPUDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
}

/// Every octet pass plus the upstream passes the pipelines use.
inline void registerAllPasses() {
  mlir::octet::registerOctetPasses();
  mlir::octet::registerOctetConversionPasses();
  mlir::octet::cpu::registerOctetCPUPasses();
  octet::registerCPUPipelines();
  octet::registerGPUPasses();
  mlir::registerAllPasses();
}

} // namespace octet

#endif // OCTET_INITALL_H
