//===- MergeQDQPairs.cpp - ONNX Runtime's double QDQ pair merge -------------===//

#include "octet/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include <cmath>

namespace mlir::octet {
#define GEN_PASS_DEF_OCTETMERGEQDQPAIRS
#include "octet/Transforms/Passes.h.inc"
} // namespace mlir::octet

using namespace mlir;
using namespace mlir::octet;

namespace {
/// dq2(q2(dq1(q1(x)))) -> dq(q(x)) with the parameters ONNX Runtime picks.
struct MergeQDQPair : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DequantizeOp dq2,
                                PatternRewriter &rewriter) const override {
    auto q2 = dq2.getInput().getDefiningOp<QuantizeOp>();
    auto dq1 = q2 ? q2.getInput().getDefiningOp<DequantizeOp>() : DequantizeOp();
    auto q1 = dq1 ? dq1.getInput().getDefiningOp<QuantizeOp>() : QuantizeOp();
    if (!q1 || !q2->hasOneUse() || !dq1->hasOneUse() || !q1->hasOneUse())
      return failure();
    Type t1 = q1.getType(), t2 = q2.getType();
    if (!isPerTensorQuant(t1) || !isPerTensorQuant(t2))
      return failure();
    auto e1 = getQuantElementType(t1), e2 = getQuantElementType(t2);
    if (e1.getStorageTypeIntegralWidth() != 8 || e2.getStorageTypeIntegralWidth() != 8 ||
        e1.isSigned() != e2.isSigned())
      return failure();
    float s1 = (float)getQuantScales(t1)[0], s2 = (float)getQuantScales(t2)[0];
    int64_t z1 = getQuantZeroPoints(t1)[0], z2 = getQuantZeroPoints(t2)[0];
    Type merged = t2;
    if (!(z1 == z2 && std::fabs(s1 - s2) < 1e-20f)) {
      int64_t qmin = e1.isSigned() ? -128 : 0, qmax = e1.isSigned() ? 127 : 255;
      float lo = std::max((float)(qmin - z1) * s1, (float)(qmin - z2) * s2);
      float hi = std::min((float)(qmax - z1) * s1, (float)(qmax - z2) * s2);
      float scale = (hi - lo) / (float)(qmax - qmin);
      if (!(scale > 0))
        return failure();
      // std::round, then ORT's narrowing cast to the storage type.
      float zpf = std::round((float)qmin - lo / scale);
      if (!(std::fabs(zpf) < 0x1p31f))
        return failure();
      int64_t zp = (int64_t)zpf;
      zp = e1.isSigned() ? (int64_t)(int8_t)zp : (int64_t)(uint8_t)zp;
      merged = withElementType(
          t1, makeQuantType(rewriter.getContext(), e1.isSigned(), 8, {(double)scale}, {zp},
                            std::nullopt, Float32Type::get(rewriter.getContext())));
    }
    Value q = QuantizeOp::create(rewriter, q1.getLoc(), merged, q1.getInput());
    rewriter.replaceOpWithNewOp<DequantizeOp>(dq2, dq2.getType(), q);
    return success();
  }
};

struct MergeQDQPairsPass : octet::impl::OctetMergeQDQPairsBase<MergeQDQPairsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MergeQDQPair>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
