//===- FuseActivation.cpp - fuse clamp into conv2d and gemm ----------------===//

#include "octet/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::octet {
#define GEN_PASS_DEF_OCTETFUSEACTIVATION
#include "octet/Transforms/Passes.h.inc"
} // namespace mlir::octet

using namespace mlir;
using namespace mlir::octet;

namespace {
template <typename OpTy>
struct FuseClampInto : OpRewritePattern<ClampOp> {
  using OpRewritePattern<ClampOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ClampOp clamp,
                                PatternRewriter &rewriter) const override {
    auto producer = clamp.getInput().template getDefiningOp<OpTy>();
    if (!producer || !producer->hasOneUse() || producer.getActivation() != "none")
      return failure();
    // Float, or quantized with the clamp keeping the producer's output
    // quantization: then the clamp only saturates the stored result.
    if (producer.getType() != clamp.getType())
      return failure();
    std::optional<float> lo, hi;
    if (auto a = clamp.getMin())
      lo = a->convertToFloat();
    if (auto a = clamp.getMax())
      hi = a->convertToFloat();
    StringRef act;
    if (lo && *lo == 0.0f && !hi)
      act = "relu";
    else if (lo && *lo == 0.0f && hi && *hi == 6.0f)
      act = "relu6";
    else
      act = "clamp";
    rewriter.modifyOpInPlace(producer, [&] {
      producer.setActivation(act);
      if (act == "clamp") {
        if (lo)
          producer.setClampMinAttr(rewriter.getF32FloatAttr(*lo));
        if (hi)
          producer.setClampMaxAttr(rewriter.getF32FloatAttr(*hi));
      }
      producer->setLoc(rewriter.getFusedLoc({producer->getLoc(), clamp.getLoc()}));
    });
    rewriter.replaceOp(clamp, producer.getResult());
    return success();
  }
};

struct FuseActivationPass
    : octet::impl::OctetFuseActivationBase<FuseActivationPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseActivationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::octet::populateFuseActivationPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseClampInto<Conv2DOp>, FuseClampInto<GemmOp>>(
      patterns.getContext());
}
