//===- CPUDialect.h - the octet_cpu dialect ---------------------*- C++ -*-===//
//
// The ops of the CPU target's kernels (CPUOps.td).
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_TARGET_CPU_IR_CPUDIALECT_H
#define OCTET_TARGET_CPU_IR_CPUDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "octet/Target/CPU/IR/CPUDialect.h.inc"

#define GET_OP_CLASSES
#include "octet/Target/CPU/IR/CPUOps.h.inc"

#endif // OCTET_TARGET_CPU_IR_CPUDIALECT_H
