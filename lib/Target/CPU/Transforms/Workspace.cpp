//===- Workspace.cpp - intermediate buffers in the caller's workspace -------===//
//
// The octet-workspace pass: the fixed-size buffers an entry point allocates
// at its top level become views of one caller-owned workspace, a new last
// argument, instead of a malloc/free per call (page faults dominated small
// models that way) or static storage (which made the module serve one call
// at a time). The workspace's size is the function's octet.workspace_size,
// which the descriptor carries to the runtime.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::octet::cpu {
#define GEN_PASS_DEF_OCTETWORKSPACE
#include "octet/Target/CPU/Passes.h.inc"
} // namespace mlir::octet::cpu

using namespace mlir;
using namespace mlir::octet::cpu;

namespace {

/// The workspace's alignment: a cache line, and AVX-512's vector width.
constexpr uint64_t kAlignment = 64;

struct WorkspacePass : mlir::octet::cpu::impl::OctetWorkspaceBase<WorkspacePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    DataLayout layout = DataLayout::closest(module);
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal() || !func.isPublic() ||
          !SymbolTable::symbolKnownUseEmpty(func, module))
        continue;
      SmallVector<memref::AllocOp> allocs;
      for (Operation &op : func.getBody().front())
        if (auto a = dyn_cast<memref::AllocOp>(op))
          if (a.getType().hasStaticShape() && a.getType().getLayout().isIdentity() &&
              a.getDynamicSizes().empty() && a.getSymbolOperands().empty() &&
              a.getType().getMemorySpace() == nullptr)
            allocs.push_back(a);
      // Each buffer at its own offset (no two share bytes).
      uint64_t size = 0;
      SmallVector<uint64_t> offsets;
      for (memref::AllocOp a : allocs) {
        MemRefType t = a.getType();
        uint64_t bytes = t.getNumElements() * layout.getTypeSize(t.getElementType()).getFixedValue();
        uint64_t align = std::max<uint64_t>(a.getAlignment().value_or(0), kAlignment);
        size = llvm::alignTo(size, align);
        offsets.push_back(size);
        size += bytes;
      }
      size = llvm::alignTo(size, kAlignment);
      OpBuilder b(func.getContext());
      auto wsType = MemRefType::get({(int64_t)size}, b.getI8Type());
      unsigned index = func.getNumArguments();
      if (failed(func.insertArgument(index, wsType, {}, func.getLoc())))
        return signalPassFailure();
      Value ws = func.getArgument(index);
      b.setInsertionPointToStart(&func.getBody().front());
      if (!allocs.empty())
        ws = memref::AssumeAlignmentOp::create(b, func.getLoc(), ws, kAlignment);
      for (auto [a, offset] : llvm::zip(allocs, offsets)) {
        b.setInsertionPoint(a);
        Value off = arith::ConstantIndexOp::create(b, a.getLoc(), (int64_t)offset);
        Value view = memref::ViewOp::create(b, a.getLoc(), a.getType(), ws, off, ValueRange{});
        for (Operation *user : llvm::make_early_inc_range(a->getUsers()))
          if (isa<memref::DeallocOp>(user))
            user->erase();
        a.replaceAllUsesWith(view);
        a.erase();
      }
      func->setAttr("octet.workspace_size", b.getI64IntegerAttr((int64_t)size));
      func->setAttr("octet.workspace_buffers", b.getI64IntegerAttr((int64_t)allocs.size()));
    }
  }
};
} // namespace
