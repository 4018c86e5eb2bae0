//===- Passes.h - passes of the CPU target ----------------------*- C++ -*-===//

#ifndef OCTET_TARGET_CPU_PASSES_H
#define OCTET_TARGET_CPU_PASSES_H

#include "octet/Target/CPU/IR/CPUDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::octet::cpu {

#define GEN_PASS_DECL
#include "octet/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "octet/Target/CPU/Passes.h.inc"

} // namespace mlir::octet::cpu

#endif // OCTET_TARGET_CPU_PASSES_H
