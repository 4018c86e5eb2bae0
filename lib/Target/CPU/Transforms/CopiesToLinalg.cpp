//===- CopiesToLinalg.cpp - memref.copy to linalg.copy ----------------------===//
//
// The octet-copies-to-linalg pass.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::octet::cpu {
#define GEN_PASS_DEF_OCTETCOPIESTOLINALG
#include "octet/Target/CPU/Passes.h.inc"
} // namespace mlir::octet::cpu

using namespace mlir;
using namespace mlir::octet::cpu;

namespace {

struct CopiesToLinalgPass : mlir::octet::cpu::impl::OctetCopiesToLinalgBase<CopiesToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    // Ranked copies only: linalg.copy needs ranked operands (an unranked
    // copy stays a memref.copy).
    getOperation().walk([&](memref::CopyOp op) {
      if (isa<MemRefType>(op.getSource().getType()) && isa<MemRefType>(op.getTarget().getType()))
        copies.push_back(op);
    });
    for (memref::CopyOp op : copies) {
      OpBuilder b(op);
      linalg::CopyOp::create(b, op.getLoc(), op.getSource(), op.getTarget());
      op.erase();
    }
  }
};
} // namespace
