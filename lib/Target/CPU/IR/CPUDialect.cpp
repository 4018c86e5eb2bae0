//===- CPUDialect.cpp - the octet_cpu dialect and its verifiers -----------===//

#include "octet/Target/CPU/IR/CPUDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::octet::cpu;

#include "octet/Target/CPU/IR/CPUDialect.cpp.inc"

void OctetCPUDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "octet/Target/CPU/IR/CPUOps.cpp.inc"
      >();
}

LogicalResult NarrowSat4Op::verify() {
  int64_t zp = (int64_t)getZp();
  if (zp < -32768 || zp > 32767)
    return emitOpError() << "zp " << zp << " is outside int16";
  return success();
}

#define GET_OP_CLASSES
#include "octet/Target/CPU/IR/CPUOps.cpp.inc"
