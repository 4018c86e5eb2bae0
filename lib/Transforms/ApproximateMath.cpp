//===- ApproximateMath.cpp - polynomial f32 transcendental functions ------===//

#include "octet/Transforms/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::octet {
#define GEN_PASS_DEF_OCTETAPPROXIMATEMATH
#include "octet/Transforms/Passes.h.inc"
} // namespace mlir::octet

using namespace mlir;

namespace {
struct ApproximateMathPass
    : octet::impl::OctetApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      // Not log / log1p: MLIR's approximation is off by up to 16 for
      // subnormal inputs (log(1e-45) came out as -87.3), libm is exact.
      return llvm::is_contained({"math.exp", "math.tanh", "math.erf"}, name);
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
