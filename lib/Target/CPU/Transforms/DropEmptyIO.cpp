//===- DropEmptyIO.cpp - zero-sized inputs and outputs carry no data -------===//
//
// The octet-drop-empty-io pass: a public function's tensor arguments and
// results with a zero-sized dimension hold no elements, so they are not
// passed at all. The arguments' uses become tensor.empty of their type (an
// op on them computes nothing, or a result whose size does not depend on
// the empty input, as ONNX Runtime does), and zero-sized results are no
// longer returned (there is nothing to write). The CPU target's entry point
// skips their pointers in the same way (octet_call still has a slot for
// each, which the caller may leave null).
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/BitVector.h"

namespace mlir::octet::cpu {
#define GEN_PASS_DEF_OCTETDROPEMPTYIO
#include "octet/Target/CPU/Passes.h.inc"
} // namespace mlir::octet::cpu

using namespace mlir;

namespace {

bool isEmptyTensor(Type t) {
  auto rt = dyn_cast<RankedTensorType>(t);
  return rt && rt.hasStaticShape() && rt.getNumElements() == 0;
}

struct DropEmptyIOPass : mlir::octet::cpu::impl::OctetDropEmptyIOBase<DropEmptyIOPass> {
  void runOnOperation() override {
    for (auto f : getOperation().getOps<func::FuncOp>()) {
      if (!f.isPublic() || f.isExternal())
        continue;
      Block &entry = f.getBody().front();
      OpBuilder b = OpBuilder::atBlockBegin(&entry);
      llvm::BitVector dropArgs(f.getNumArguments());
      for (BlockArgument arg : entry.getArguments()) {
        if (!isEmptyTensor(arg.getType()))
          continue;
        auto rt = cast<RankedTensorType>(arg.getType());
        Value empty = tensor::EmptyOp::create(b, f.getLoc(), rt.getShape(), rt.getElementType());
        arg.replaceAllUsesWith(empty);
        dropArgs.set(arg.getArgNumber());
      }
      llvm::BitVector dropResults(f.getNumResults());
      for (unsigned k = 0; k < f.getNumResults(); ++k)
        if (isEmptyTensor(f.getResultTypes()[k]))
          dropResults.set(k);
      if (dropResults.any())
        f.walk([&](func::ReturnOp ret) {
          for (int k = (int)ret.getNumOperands() - 1; k >= 0; --k)
            if (dropResults.test(k))
              ret->eraseOperand(k);
        });
      if (failed(f.eraseArguments(dropArgs)) || failed(f.eraseResults(dropResults)))
        return signalPassFailure();
    }
  }
};

} // namespace
