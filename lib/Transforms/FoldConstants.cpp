//===- FoldConstants.cpp - fold shape arithmetic and constants -------------===//

#include "octet/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::octet {
#define GEN_PASS_DEF_OCTETFOLDCONSTANTS
#include "octet/Transforms/Passes.h.inc"
} // namespace mlir::octet

using namespace mlir;
using namespace mlir::octet;

namespace {
struct FoldConstantsPass
    : octet::impl::OctetFoldConstantsBase<FoldConstantsPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    for (RegisteredOperationName op : ctx->getRegisteredOperations())
      if (op.getDialectNamespace() == "octet" ||
          op.getDialectNamespace() == "arith")
        op.getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
