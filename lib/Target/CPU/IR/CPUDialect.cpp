//===- CPUDialect.cpp - the octet_cpu dialect and its verifiers -----------===//

#include "octet/Target/CPU/IR/CPUDialect.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
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

LogicalResult PrefetchOp::verify() {
  if ((int64_t)getIndices().size() != getSource().getType().getRank())
    return emitOpError() << "takes " << getSource().getType().getRank() << " indices, not "
                         << getIndices().size();
  return success();
}

bool PrefetchOp::bufferizesToMemoryRead(OpOperand &, const bufferization::AnalysisState &) {
  return true;
}

bool PrefetchOp::bufferizesToMemoryWrite(OpOperand &, const bufferization::AnalysisState &) {
  return false;
}

bufferization::AliasingValueList
PrefetchOp::getAliasingValues(OpOperand &, const bufferization::AnalysisState &) {
  return {};
}

LogicalResult PrefetchOp::bufferize(RewriterBase &rewriter,
                                    const bufferization::BufferizationOptions &options,
                                    bufferization::BufferizationState &state) {
  FailureOr<Value> buffer = bufferization::getBuffer(rewriter, getSource(), options, state);
  if (failed(buffer))
    return failure();
  memref::PrefetchOp::create(rewriter, getLoc(), *buffer, getIndices(), /*isWrite=*/false,
                             /*localityHint=*/3, /*isDataCache=*/true);
  rewriter.eraseOp(*this);
  return success();
}

#define GET_OP_CLASSES
#include "octet/Target/CPU/IR/CPUOps.cpp.inc"
