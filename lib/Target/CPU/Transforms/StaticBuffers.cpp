//===- StaticBuffers.cpp - buffers as globals -------------------------------===//
//
// The octet-static-buffers pass.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::octet::cpu {
#define GEN_PASS_DEF_OCTETSTATICBUFFERS
#include "octet/Target/CPU/Passes.h.inc"
} // namespace mlir::octet::cpu

using namespace mlir;
using namespace mlir::octet::cpu;

namespace {

/// Gives every fixed-size buffer that a model function allocates at its top
/// level its own zero-initialized (.bss) global instead of a malloc/free per
/// call. Large per-call allocations went through mmap/munmap and page
/// faults dominated small models (digits: 4.6 ms per batch, mostly in the
/// kernel). The price: a module's entry point is not reentrant (the runtime
/// serializes calls on one module) and buffers are not shared between layers.
struct StaticBuffersPass : mlir::octet::cpu::impl::OctetStaticBuffersBase<StaticBuffersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    int counter = 0;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      SmallVector<memref::AllocOp> allocs;
      for (Operation &op : func.getBody().front())
        if (auto a = dyn_cast<memref::AllocOp>(op))
          if (a.getType().hasStaticShape() && a.getType().getLayout().isIdentity() &&
              a.getDynamicSizes().empty() && a.getSymbolOperands().empty())
            allocs.push_back(a);
      for (memref::AllocOp a : allocs) {
        OpBuilder gb = OpBuilder::atBlockBegin(module.getBody());
        auto type = a.getType();
        uint64_t align = std::max<uint64_t>(a.getAlignment().value_or(0), 64);
        auto global = memref::GlobalOp::create(
            gb, a.getLoc(), "__octet_buffer" + std::to_string(counter++),
            gb.getStringAttr("private"), type, gb.getUnitAttr(), /*constant=*/false,
            gb.getI64IntegerAttr(align));
        symbols.insert(global);
        OpBuilder b(a);
        Value g = memref::GetGlobalOp::create(b, a.getLoc(), type, global.getSymName());
        for (Operation *user : llvm::make_early_inc_range(a->getUsers()))
          if (isa<memref::DeallocOp>(user))
            user->erase();
        a.replaceAllUsesWith(g);
        a.erase();
      }
    }
  }
};
} // namespace
