//===- ParallelizeKernels.cpp - outlined kernels as tasks -----------------===//
//
// The octet-parallelize-kernels pass (see Passes.td). A kernel from
// octet-outline-kernels gets two index arguments, `task` and `tasks`, and
// runs its share of the iterations of one level of independent loops; the
// CPU target's translation turns each call into a dispatch through
// octet_call.parallel_for. Iterations are never split inside, so the
// arithmetic of every element is that of the serial kernel.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::octet::cpu {
#define GEN_PASS_DEF_OCTETPARALLELIZEKERNELS
#include "octet/Target/CPU/Passes.h.inc"
} // namespace mlir::octet::cpu

using namespace mlir;

namespace {

constexpr StringLiteral kParallel = "octet.parallel";

/// The constant trip count of a loop marked parallel with constant bounds
/// and no carried values; nothing otherwise.
std::optional<int64_t> parallelTrip(scf::ForOp loop) {
  if (!loop->hasAttr(kParallel) || loop.getNumRegionIterArgs() != 0)
    return std::nullopt;
  auto lb = getConstantIntValue(loop.getLowerBound());
  auto ub = getConstantIntValue(loop.getUpperBound());
  auto step = getConstantIntValue(loop.getStep());
  if (!lb || !ub || !step || *step <= 0)
    return std::nullopt;
  return *ub > *lb ? (*ub - *lb + *step - 1) / *step : 0;
}

/// Ops executed, each counted once per iteration of its enclosing loops
/// (linalg ops: their iteration space times the ops of their body).
int64_t estimateWork(Operation *op) {
  int64_t mult = 1;
  if (auto loop = dyn_cast<scf::ForOp>(op)) {
    auto lb = getConstantIntValue(loop.getLowerBound());
    auto ub = getConstantIntValue(loop.getUpperBound());
    auto step = getConstantIntValue(loop.getStep());
    if (lb && ub && step && *step > 0)
      mult = std::max<int64_t>(0, (*ub - *lb + *step - 1) / *step);
  } else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    for (int64_t r : linalgOp.getStaticLoopRanges())
      mult = ShapedType::isDynamic(r) ? mult : mult * r;
  }
  int64_t inner = 0;
  for (Region &r : op->getRegions())
    for (Block &b : r)
      for (Operation &o : b)
        inner = std::min<int64_t>(inner + estimateWork(&o), int64_t(1) << 50);
  return std::min<int64_t>(1 + mult * std::max<int64_t>(inner, 1), int64_t(1) << 50);
}

/// The loops to split: one level of marked loops whose iterations (and
/// those of each other) are independent.
struct Plan {
  SmallVector<scf::ForOp> loops;
  int64_t maxTrip = 0;
};

struct ParallelizeKernelsPass
    : mlir::octet::cpu::impl::OctetParallelizeKernelsBase<ParallelizeKernelsPass> {
  using OctetParallelizeKernelsBase::OctetParallelizeKernelsBase;

  /// The level to split among `ops` (the ops of one block, terminator
  /// excluded): every op with effects there must be a marked loop.
  std::optional<Plan> plan(ArrayRef<Operation *> ops) {
    Plan here;
    for (Operation *op : ops) {
      if (auto loop = dyn_cast<scf::ForOp>(op)) {
        if (auto trip = parallelTrip(loop)) {
          here.loops.push_back(loop);
          here.maxTrip = std::max(here.maxTrip, *trip);
          continue;
        }
        return std::nullopt;
      }
      if (op->getNumRegions() != 0 || !isMemoryEffectFree(op))
        return std::nullopt;
    }
    if (here.loops.empty())
      return std::nullopt;
    if (here.maxTrip >= minTrip)
      return here;
    // Too few iterations here: every task runs these loops whole and its
    // share of the level below, where that level exists under each of them.
    Plan below;
    bool descends = true;
    for (scf::ForOp loop : here.loops) {
      SmallVector<Operation *> inner;
      for (Operation &op : loop.getBody()->without_terminator())
        inner.push_back(&op);
      std::optional<Plan> p = plan(inner);
      if (!p) {
        descends = false;
        break;
      }
      below.loops.append(p->loops);
      below.maxTrip = std::max(below.maxTrip, p->maxTrip);
    }
    if (descends && below.maxTrip > here.maxTrip)
      return below;
    if (here.maxTrip >= 2)
      return here;
    return std::nullopt;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<func::FuncOp> kernels;
    for (auto f : module.getOps<func::FuncOp>())
      if (f->hasAttr("octet.kernel") && !f.isExternal() && f.getBody().hasOneBlock())
        kernels.push_back(f);
    llvm::DenseMap<Operation *, int64_t> tasks; // split kernel -> largest trip
    for (func::FuncOp k : kernels) {
      Block &body = k.getBody().front();
      Operation *nest = nullptr;
      bool single = true;
      for (Operation &op : body.without_terminator())
        if (op.getNumRegions()) {
          single = single && !nest;
          nest = &op;
        }
      if (!nest || !single || estimateWork(nest) < minWork)
        continue;
      // Kernels with less work per byte than min-intensity stay serial
      // (off by default: split, memory-bound kernels gain too where each
      // thread keeps to its share of the tensors, as the pool arranges).
      int64_t bytes = 0;
      for (Type t : k.getArgumentTypes())
        if (auto m = dyn_cast<MemRefType>(t))
          bytes += m.getNumElements() * ((m.getElementTypeBitWidth() + 7) / 8);
      if (estimateWork(nest) < minIntensity * bytes)
        continue;
      // A linalg op as loops, those of its parallel dimensions marked
      // (elementwise ops, fills and copies too).
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(nest)) {
        if (!linalgOp.hasPureBufferSemantics() || linalgOp.getNumLoops() == 0)
          continue;
        IRRewriter rewriter(ctx);
        rewriter.setInsertionPoint(nest);
        auto iterators = linalgOp.getIteratorTypesArray();
        FailureOr<linalg::LinalgLoops> loops = linalg::linalgOpToLoops(rewriter, linalgOp);
        if (failed(loops) || loops->empty())
          continue;
        for (auto [d, loop] : llvm::enumerate(*loops))
          if (d < iterators.size() && iterators[d] == utils::IteratorType::parallel &&
              isa<scf::ForOp>(loop))
            loop->setAttr(kParallel, UnitAttr::get(ctx));
        rewriter.eraseOp(nest);
        nest = loops->front();
      }
      std::optional<Plan> p = plan({nest});
      if (!p)
        continue;
      split(k, *p);
      tasks[k] = p->maxTrip;
    }
    if (tasks.empty())
      return;

    // Calls pass task 0 of 1; their public functions get the octet_call.
    Type llvmPtr = LLVM::LLVMPointerType::get(ctx);
    SmallVector<func::FuncOp> callers;
    module.walk([&](func::CallOp call) {
      Operation *callee = module.lookupSymbol(call.getCalleeAttr());
      if (!callee || !tasks.count(callee))
        return;
      OpBuilder b(call);
      Value zero = arith::ConstantIndexOp::create(b, call.getLoc(), 0);
      Value one = arith::ConstantIndexOp::create(b, call.getLoc(), 1);
      call->insertOperands(call->getNumOperands(), ValueRange{zero, one});
      auto caller = call->getParentOfType<func::FuncOp>();
      if (caller.isPublic() && !llvm::is_contained(callers, caller))
        callers.push_back(caller);
    });
    for (func::FuncOp f : callers) {
      if (failed(f.insertArgument(f.getNumArguments(), llvmPtr, {}, f.getLoc()))) {
        signalPassFailure();
        return;
      }
      f->setAttr("octet.call_argument", UnitAttr::get(ctx));
    }
    for (auto [k, trip] : tasks) {
      SmallVector<Attribute> pass;
      if (auto old = k->getAttrOfType<ArrayAttr>("passthrough"))
        pass.append(old.begin(), old.end());
      pass.push_back(ArrayAttr::get(
          ctx, {StringAttr::get(ctx, "octet-tasks"), StringAttr::get(ctx, Twine(trip).str())}));
      k->setAttr("passthrough", ArrayAttr::get(ctx, pass));
    }
  }

  /// Gives `k` its task arguments and narrows each loop of the plan to the
  /// task's share of its iterations.
  void split(func::FuncOp k, const Plan &p) {
    MLIRContext *ctx = k.getContext();
    Type index = IndexType::get(ctx);
    unsigned n = k.getNumArguments();
    (void)k.insertArgument(n, index, {}, k.getLoc());
    (void)k.insertArgument(n + 1, index, {}, k.getLoc());
    Block &body = k.getBody().front();
    Value task = body.getArgument(n), count = body.getArgument(n + 1);
    OpBuilder b = OpBuilder::atBlockBegin(&body);
    Location loc = k.getLoc();
    auto cst = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
    Value next = arith::AddIOp::create(b, loc, task, cst(1));
    for (scf::ForOp loop : p.loops) {
      int64_t lb = *getConstantIntValue(loop.getLowerBound());
      int64_t ub = *getConstantIntValue(loop.getUpperBound());
      int64_t step = *getConstantIntValue(loop.getStep());
      int64_t trip = *parallelTrip(loop);
      // [trip * task / tasks, trip * (task + 1) / tasks) of the iterations,
      // in granules of up to 16 iterations that divide the trip count: the
      // bounds then keep the alignment LLVM's unrolled and vectorized loops
      // had with constant ones (a depthwise conv ran 45% slower without).
      int64_t g = 16;
      while (g > 1 && (trip % g || trip / g < 8))
        g /= 2;
      int64_t granules = trip / g;
      Value begin = arith::MulIOp::create(
          b, loc,
          arith::DivUIOp::create(b, loc, arith::MulIOp::create(b, loc, task, cst(granules)),
                                 count),
          cst(g));
      Value end = arith::MulIOp::create(
          b, loc,
          arith::DivUIOp::create(b, loc, arith::MulIOp::create(b, loc, next, cst(granules)),
                                 count),
          cst(g));
      Value lo = arith::AddIOp::create(b, loc, cst(lb),
                                       arith::MulIOp::create(b, loc, begin, cst(step)));
      Value hi = arith::MinSIOp::create(
          b, loc, cst(ub),
          arith::AddIOp::create(b, loc, cst(lb), arith::MulIOp::create(b, loc, end, cst(step))));
      loop.getLowerBoundMutable().assign(lo);
      loop.getUpperBoundMutable().assign(hi);
    }
  }
};

} // namespace
