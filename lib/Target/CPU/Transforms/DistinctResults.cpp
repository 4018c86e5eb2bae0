//===- DistinctResults.cpp - one buffer per result --------------------------===//
//
// The octet-distinct-results pass.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::octet::cpu {
#define GEN_PASS_DEF_OCTETDISTINCTRESULTS
#include "octet/Target/CPU/Passes.h.inc"
} // namespace mlir::octet::cpu

using namespace mlir;
using namespace mlir::octet::cpu;

namespace {

/// A function that returns one buffer several times (a graph output listed
/// twice, or an Identity of another output) gets a copy for each repeat, so
/// that every result is its own buffer: buffer-results-to-out-params with
/// hoisted allocations expects that (and crashed without it).
struct DistinctResultsPass : mlir::octet::cpu::impl::OctetDistinctResultsBase<DistinctResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 8> seen;
      OpBuilder b(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value v = operand.get();
        auto type = dyn_cast<MemRefType>(v.getType());
        if (!type || seen.insert(v).second)
          continue;
        if (!type.hasStaticShape() || !type.getLayout().isIdentity())
          continue;
        Value copy = memref::AllocOp::create(b, ret.getLoc(), type);
        memref::CopyOp::create(b, ret.getLoc(), v, copy);
        operand.set(copy);
      }
    });
  }
};
} // namespace
