//===- FuseElementwise.cpp - fuse and flatten elementwise linalg ops ------===//

#include "octet/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::octet {
#define GEN_PASS_DEF_OCTETFUSEELEMENTWISE
#include "octet/Transforms/Passes.h.inc"
} // namespace mlir::octet

using namespace mlir;
using namespace mlir::octet;

namespace {
bool allParallel(linalg::LinalgOp op) {
  return op.getNumLoops() == op.getNumParallelLoops();
}

/// An elementwise generic: all loops parallel, on tensors, and every
/// operand read at loop indices or (size-1 broadcast dimensions) at 0.
bool isPlainElementwise(Operation *op) {
  auto g = dyn_cast<linalg::GenericOp>(op);
  if (!g || !allParallel(g) || !g.hasPureTensorSemantics())
    return false;
  for (AffineMap m : g.getIndexingMapsArray())
    for (AffineExpr e : m.getResults()) {
      if (isa<AffineDimExpr>(e))
        continue;
      auto c = dyn_cast<AffineConstantExpr>(e);
      if (!c || c.getValue() != 0)
        return false;
    }
  return true;
}

/// The most distinct tensors a fused op reads and writes. Each becomes a
/// buffer binding of a GPU kernel, and devices bound them per stage (lavapipe
/// allows 32 storage buffers, and crashed on a 34-buffer kernel of a
/// bicubic GridSample's 16 taps); far below that, fusing more saves little.
constexpr unsigned kMaxFusedOperands = 16;

/// The most operations in a fused op's body. A long chain (an unrolled
/// Loop of 200 x 14 tanh) fused into one body of thousands of
/// instructions made LLVM's code generation superlinear (7 s at 1400 ops,
/// 255 s at 2800); split into kernels of this size, it compiles linearly.
constexpr size_t kMaxFusedBodyOps = 128;

/// Fuse a producer into its consumer only when nothing is computed twice:
/// the producer's result has this one use and the consumer reads it
/// element for element (an identity or permutation map, no broadcast); and
/// only while the fused op keeps to kMaxFusedOperands tensors and
/// kMaxFusedBodyOps operations.
bool fuseWithoutRecompute(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  auto consumer = dyn_cast<linalg::GenericOp>(fused->getOwner());
  if (!producer || !consumer || !producer->hasOneUse())
    return false;
  if (!isPlainElementwise(producer) || !isPlainElementwise(consumer))
    return false;
  if (!consumer.getMatchingIndexingMap(fused).isPermutation())
    return false;
  llvm::SmallPtrSet<Value, 16> tensors;
  for (OpOperand &o : consumer->getOpOperands())
    if (&o != fused)
      tensors.insert(o.get());
  for (Value v : producer->getOperands())
    tensors.insert(v);
  if (tensors.size() > kMaxFusedOperands)
    return false;
  size_t ops = consumer.getBody()->getOperations().size() +
               cast<linalg::GenericOp>(producer).getBody()->getOperations().size();
  return ops <= kMaxFusedBodyOps;
}

/// The widest runs of loop dimensions that every operand reads contiguously
/// (an operand that broadcasts over a run reads none of it).
SmallVector<ReassociationIndices> collapsibleRuns(linalg::LinalgOp op) {
  SmallVector<ReassociationIndices> runs;
  if (!isPlainElementwise(op))
    return runs;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!llvm::all_of(maps, [](AffineMap m) { return m.isProjectedPermutation(); }))
    return runs;
  int64_t n = op.getNumLoops();
  ReassociationIndices cur{0};
  auto flush = [&] {
    if (cur.size() > 1)
      runs.push_back(cur);
  };
  for (int64_t d = 1; d < n; ++d) {
    ReassociationIndices next = cur;
    next.push_back(d);
    if (linalg::areDimSequencesPreserved(maps, {next})) {
      cur = next;
      continue;
    }
    flush();
    cur = {d};
  }
  flush();
  return runs;
}

struct FuseElementwisePass : octet::impl::OctetFuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    {
      RewritePatternSet patterns(ctx);
      linalg::populateElementwiseOpsFusionPatterns(patterns, fuseWithoutRecompute);
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        return signalPassFailure();
    }
    // The later steps rewrite only elementwise generics and the ops they
    // create (the reshapes around them), nothing else in the module.
    auto elementwiseOps = [&] {
      SmallVector<Operation *> ops;
      getOperation()->walk([&](linalg::GenericOp g) {
        if (isPlainElementwise(g))
          ops.push_back(g);
      });
      return ops;
    };
    GreedyRewriteConfig strict;
    strict.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    {
      // Broadcast operands read size-1 dimensions at constant 0; dropping
      // the unit dimensions leaves maps that are projected permutations,
      // which the collapsing needs.
      linalg::ControlDropUnitDims drop;
      drop.controlFn = [](Operation *op) -> SmallVector<unsigned> {
        if (!isPlainElementwise(op))
          return {};
        return llvm::to_vector(
            llvm::seq<unsigned>(0, cast<linalg::GenericOp>(op).getNumLoops()));
      };
      RewritePatternSet patterns(ctx);
      linalg::populateFoldUnitExtentDimsPatterns(patterns, drop);
      if (failed(applyOpPatternsGreedily(elementwiseOps(), std::move(patterns), strict)))
        return signalPassFailure();
    }
    RewritePatternSet patterns(ctx);
    linalg::populateCollapseDimensions(patterns, collapsibleRuns);
    if (failed(applyOpPatternsGreedily(elementwiseOps(), std::move(patterns), strict)))
      return signalPassFailure();
  }
};
} // namespace
