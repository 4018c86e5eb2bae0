//===- ReturnAllocs.cpp - return allocations --------------------------------===//
//
// The octet-return-allocs pass.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::octet::cpu {
#define GEN_PASS_DEF_OCTETRETURNALLOCS
#include "octet/Target/CPU/Passes.h.inc"
} // namespace mlir::octet::cpu

using namespace mlir;
using namespace mlir::octet::cpu;

namespace {

/// A function result that is a reshaped view (memref.expand_shape or
/// collapse_shape) of a static allocation gets an allocation of its own
/// type, which the original becomes a view of: buffer-results-to-out-params
/// then writes the result straight into the caller's buffer instead of
/// copying it there (a whole extra pass over e.g. a convolution's output
/// when its NCHW result is an expand_shape of [N, C, H * W]).
struct ReturnAllocsPass : mlir::octet::cpu::impl::OctetReturnAllocsBase<ReturnAllocsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      for (OpOperand &operand : ret->getOpOperands()) {
        auto rt = dyn_cast<MemRefType>(operand.get().getType());
        if (!rt || !rt.hasStaticShape() || !rt.getLayout().isIdentity())
          continue;
        Operation *view = operand.get().getDefiningOp();
        if (!isa_and_nonnull<memref::ExpandShapeOp, memref::CollapseShapeOp>(view))
          continue;
        auto alloc = view->getOperand(0).getDefiningOp<memref::AllocOp>();
        if (!alloc || alloc->getBlock() != ret->getBlock() ||
            !alloc.getType().hasStaticShape() || !alloc.getType().getLayout().isIdentity() ||
            !alloc.getDynamicSizes().empty() || !alloc.getSymbolOperands().empty())
          continue;
        OpBuilder b(alloc);
        Location loc = alloc.getLoc();
        auto own = memref::AllocOp::create(b, loc, rt, alloc.getAlignmentAttr());
        Value asBefore;
        if (auto e = dyn_cast<memref::ExpandShapeOp>(view))
          asBefore = memref::CollapseShapeOp::create(b, loc, own, e.getReassociationIndices());
        else
          asBefore = memref::ExpandShapeOp::create(
              b, loc, alloc.getType(), own,
              cast<memref::CollapseShapeOp>(view).getReassociationIndices());
        if (asBefore.getType() != alloc.getType()) {
          asBefore.getDefiningOp()->erase();
          own.erase();
          continue;
        }
        alloc.replaceAllUsesWith(asBefore);
        alloc.erase();
        operand.set(own);
      }
    });
  }
};
} // namespace
