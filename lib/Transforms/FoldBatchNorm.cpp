//===- FoldBatchNorm.cpp - fold batch_norm into conv2d ---------------------===//

#include "octet/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include <cmath>

namespace mlir::octet {
#define GEN_PASS_DEF_OCTETFOLDBATCHNORM
#include "octet/Transforms/Passes.h.inc"
} // namespace mlir::octet

using namespace mlir;
using namespace mlir::octet;

namespace {
struct FoldBatchNormIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse() || conv.getActivation() != "none" ||
        isQuantTensor(conv.getType()))
      return rewriter.notifyMatchFailure(bn, "input is not a float conv2d");
    auto w = readConstant(conv.getWeight());
    auto gamma = readConstant(bn.getScale()), beta = readConstant(bn.getBias());
    auto mean = readConstant(bn.getMean()), var = readConstant(bn.getVariance());
    if (!w || !w->isFloat || !gamma || !beta || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "weights or statistics not constant");
    int64_t m = w->shape[0];
    std::vector<double> bias(m, 0.0);
    if (Value b = conv.getBias()) {
      auto bc = readConstant(b);
      if (!bc || !bc->isFloat)
        return rewriter.notifyMatchFailure(bn, "conv bias not constant");
      bias = bc->f;
    }
    if ((int64_t)gamma->f.size() != m || (int64_t)beta->f.size() != m ||
        (int64_t)mean->f.size() != m || (int64_t)var->f.size() != m)
      return failure();
    double eps = bn.getEpsilon().convertToDouble();
    int64_t per = w->numElements() / m;
    ConstTensor nw = *w, nb;
    nb.isFloat = true;
    nb.shape = {m};
    for (int64_t k = 0; k < m; ++k) {
      double s = gamma->f[k] / std::sqrt(var->f[k] + eps);
      for (int64_t j = 0; j < per; ++j)
        nw.f[k * per + j] = w->f[k * per + j] * s;
      nb.f.push_back((bias[k] - mean->f[k]) * s + beta->f[k]);
    }
    auto wt = cast<RankedTensorType>(conv.getWeight().getType());
    auto bt = RankedTensorType::get({m}, wt.getElementType());
    Location loc = rewriter.getFusedLoc({conv.getLoc(), bn.getLoc()});
    Value newW = arith::ConstantOp::create(rewriter, loc, wt, cast<TypedAttr>(nw.write(wt)));
    Value newB = arith::ConstantOp::create(rewriter, loc, bt, cast<TypedAttr>(nb.write(bt)));
    auto newConv = Conv2DOp::create(
        rewriter, loc, bn.getType(), conv.getInput(), newW, newB,
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getGroupAttr(), conv.getActivationAttr(), conv.getClampMinAttr(),
        conv.getClampMaxAttr());
    rewriter.replaceOp(bn, newConv.getResult());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct FoldBatchNormPass
    : octet::impl::OctetFoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::octet::populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldBatchNormIntoConv>(patterns.getContext());
}
