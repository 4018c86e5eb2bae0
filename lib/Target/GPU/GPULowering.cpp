//===- GPULowering.cpp - octet graph to launched gpu kernels ---------------===//
//
// The GPU targets' shared part. The graph goes through the same
// target-independent linalg lowering as the CPU backend's generic path (so
// the integer rules are the same code), is bufferized as on the CPU, and
// every top-level loop nest of @main becomes one kernel: a gpu.launch whose
// threads take the nest's parallel iterations in order (one iteration per
// thread, the index delinearized), each running the nest's inner loops
// (reductions) itself. Then the kernels are outlined; what remains in @main
// is buffers, views of them and launches: the schedule.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/GPU.h"

#include "octet/Target/CPU.h"

#include "octet/Conversion/Passes.h"
#include "octet/Target/CPU/Passes.h"
#include "octet/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace octet {
namespace {

/// Ops that stay on the host: buffers, views, constants.
bool isHostOp(Operation *op) {
  return isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp, memref::GetGlobalOp,
             memref::SubViewOp, memref::CollapseShapeOp, memref::ExpandShapeOp,
             memref::ReshapeOp, memref::CastOp, memref::ReinterpretCastOp, memref::ViewOp,
             arith::ConstantOp, func::ReturnOp, gpu::LaunchOp>(op);
}

/// An scf.parallel inside a kernel (a parallel dimension nested under a
/// reduction) as nested scf.for loops: each thread runs it in order.
LogicalResult serializeParallel(scf::ParallelOp par) {
  if (par.getNumReductions())
    return par.emitError() << "a GPU kernel cannot run a nested parallel reduction yet";
  OpBuilder b(par);
  Location loc = par.getLoc();
  IRMapping map;
  for (auto [lb, ub, st, iv] : llvm::zip(par.getLowerBound(), par.getUpperBound(), par.getStep(),
                                         par.getInductionVars())) {
    auto loop = scf::ForOp::create(b, loc, lb, ub, st);
    map.map(iv, loop.getInductionVar());
    b.setInsertionPoint(loop.getBody()->getTerminator());
  }
  for (Operation &inner : par.getBody()->without_terminator())
    b.clone(inner, map);
  par.erase();
  return success();
}

} // namespace

Value gpuRootBuffer(Value v) {
  while (Operation *d = v.getDefiningOp()) {
    if (!isa<memref::SubViewOp, memref::CollapseShapeOp, memref::ExpandShapeOp,
             memref::ReshapeOp, memref::CastOp, memref::ReinterpretCastOp>(d))
      break;
    v = d->getOperand(0);
  }
  return v;
}

namespace {

Value rootBuffer(Value v) { return gpuRootBuffer(v); }

/// A reduction loop as linalg's lowering writes it loads and stores its
/// accumulator in memory at every step (out[i] = out[i] + a[i, k] * b[k]):
/// in a GPU kernel that is a global load and store per product. Where the
/// accumulator's indices do not change in the loop and nothing else in the
/// loop touches its buffer, it is loaded once before the loop, carried in a
/// register (an iter_arg) and stored once after: the same operations in the
/// same order, so the same results.
void promoteAccumulators(Operation *root) {
  SmallVector<scf::ForOp> loops;
  // Innermost first; loops at the top of the function stay (the host code
  // around a kernel is not one).
  root->walk([&](scf::ForOp f) {
    // Loops of kernels built already (octet-gpu-contractions) stay as
    // they are.
    if (!isa<func::FuncOp>(f->getParentOp()) && !f->getParentOfType<gpu::LaunchOp>())
      loops.push_back(f);
  });
  for (scf::ForOp loop : loops) {
    bool changed = true;
    while (changed) {
      changed = false;
      for (auto st : llvm::make_early_inc_range(loop.getBody()->getOps<memref::StoreOp>())) {
        Value mem = st.getMemref();
        if (!llvm::all_of(st.getIndices(),
                          [&](Value i) { return loop.isDefinedOutsideOfLoop(i); }) ||
            !loop.isDefinedOutsideOfLoop(mem))
          continue;
        memref::LoadOp load;
        bool clean = true;
        Value buffer = rootBuffer(mem);
        loop.getBody()->walk([&](Operation *op) {
          if (op == st.getOperation())
            return;
          for (Value v : op->getOperands()) {
            if (!isa<MemRefType>(v.getType()) || rootBuffer(v) != buffer)
              continue;
            auto ld = dyn_cast<memref::LoadOp>(op);
            if (ld && !load && ld->getBlock() == loop.getBody() && ld.getMemref() == mem &&
                ld.getIndices() == st.getIndices() && ld->isBeforeInBlock(st))
              load = ld;
            else
              clean = false;
          }
        });
        if (!clean || !load)
          continue;
        IRRewriter rewriter(loop.getContext());
        rewriter.setInsertionPoint(loop);
        Value init = memref::LoadOp::create(rewriter, loop.getLoc(), mem, st.getIndices());
        Value stored = st.getValueToStore();
        auto grown = loop.replaceWithAdditionalYields(
            rewriter, ValueRange{init}, /*replaceInitOperandUsesInLoop=*/false,
            [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
              return SmallVector<Value>{stored};
            });
        if (failed(grown))
          continue;
        auto newLoop = cast<scf::ForOp>(grown->getOperation());
        load.replaceAllUsesWith(newLoop.getRegionIterArgs().back());
        load.erase();
        rewriter.setInsertionPointAfter(newLoop);
        memref::StoreOp::create(rewriter, newLoop.getLoc(), newLoop.getResults().back(), mem,
                                st.getIndices());
        st.erase();
        loop = newLoop;
        changed = true;
        break;
      }
    }
  }
}

struct GPUMapLoops : PassWrapper<GPUMapLoops, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(GPUMapLoops)
  StringRef getArgument() const override { return "octet-gpu-map-loops"; }
  StringRef getDescription() const override {
    return "Wrap each top-level loop nest of @main in a gpu.launch (threads over its "
           "parallel iterations)";
  }
  void getDependentDialects(DialectRegistry &r) const override {
    r.insert<gpu::GPUDialect, scf::SCFDialect, arith::ArithDialect>();
  }

  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      // Accumulators into registers first (this replaces loops, top-level
      // ones too), then the nests into kernels.
      promoteAccumulators(fn);
      // Each parallel nest is a kernel; the other device work (loads,
      // stores, serial loops: what is left of single-element nests once
      // canonicalization unrolled them) runs in single-thread kernels, one
      // per run of consecutive such ops with the pure ops computing on
      // their results.
      SmallVector<SmallVector<Operation *>> work;
      llvm::SmallPtrSet<Operation *, 8> inRun;
      bool open = false;
      for (Operation &op : fn.getBody().front()) {
        auto par = dyn_cast<scf::ParallelOp>(&op);
        bool pure = isMemoryEffectFree(&op) && op.getNumRegions() == 0;
        bool feeds = llvm::any_of(op.getOperands(), [&](Value v) {
          return v.getDefiningOp() && inRun.contains(v.getDefiningOp());
        });
        if (isHostOp(&op)) {
          open = false;
          continue;
        }
        if (pure && !feeds)
          continue; // stays on the host (the kernel takes its value)
        if (par && par.getNumReductions() == 0) {
          work.push_back({&op});
          open = false;
          continue;
        }
        if (!open) {
          work.push_back({});
          inRun.clear();
          open = true;
        }
        work.back().push_back(&op);
        inRun.insert(&op);
      }
      for (auto &ops : work)
        if (failed(ops.size() == 1 && isa<scf::ParallelOp>(ops[0]) ? map(ops[0]) : serial(ops)))
          return signalPassFailure();
      // Parallel loops left inside the kernels run serially in each thread.
      SmallVector<scf::ParallelOp> nested;
      fn.walk([&](scf::ParallelOp p) { nested.push_back(p); });
      for (scf::ParallelOp p : llvm::reverse(nested))
        if (failed(serializeParallel(p)))
          return signalPassFailure();
      rankOneScalarViews(fn);
    }
  }

  /// A kernel reading or writing a rank-0 view at an offset into its buffer
  /// (one element of a larger tensor, collapsed) would lose the offset in
  /// the SPIR-V conversion, which addresses rank-0 memrefs at element 0:
  /// such views become one-element rank-1 views at the same offset.
  void rankOneScalarViews(func::FuncOp fn) {
    llvm::DenseMap<Value, Value> widened;
    fn.walk([&](gpu::LaunchOp launch) {
      launch.getBody().walk([&](Operation *op) {
        Value mem;
        if (auto ld = dyn_cast<memref::LoadOp>(op))
          mem = ld.getMemref();
        else if (auto st = dyn_cast<memref::StoreOp>(op))
          mem = st.getMemref();
        else
          return;
        auto mt = cast<MemRefType>(mem.getType());
        if (mt.getRank() != 0 || launch->isAncestor(mem.getParentRegion()->getParentOp()))
          return;
        SmallVector<int64_t> strides;
        int64_t offset = 0;
        if (failed(mt.getStridesAndOffset(strides, offset)) || offset == 0 ||
            ShapedType::isDynamic(offset))
          return;
        Value &w = widened[mem];
        if (!w) {
          OpBuilder hb(launch);
          auto wt = MemRefType::get({1}, mt.getElementType(),
                                    StridedLayoutAttr::get(mt.getContext(), offset, {1}),
                                    mt.getMemorySpace());
          w = memref::ReinterpretCastOp::create(hb, launch.getLoc(), wt, mem, offset,
                                                ArrayRef<int64_t>{1}, ArrayRef<int64_t>{1});
        }
        OpBuilder b(op);
        Value zero = arith::ConstantIndexOp::create(b, op->getLoc(), 0);
        if (auto ld = dyn_cast<memref::LoadOp>(op)) {
          auto nl = memref::LoadOp::create(b, ld.getLoc(), w, ValueRange{zero});
          ld.replaceAllUsesWith(nl.getResult());
          ld.erase();
        } else {
          auto st = cast<memref::StoreOp>(op);
          memref::StoreOp::create(b, st.getLoc(), st.getValue(), w, ValueRange{zero});
          st.erase();
        }
      });
    });
  }

  Value cst(OpBuilder &b, Location loc, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }

  LogicalResult map(Operation *op) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    auto par = dyn_cast<scf::ParallelOp>(op);
    if (par && par.getNumReductions() == 0) {
      SmallVector<int64_t> lbs, steps, trips;
      int64_t total = 1;
      for (auto [lb, ub, st] :
           llvm::zip(par.getLowerBound(), par.getUpperBound(), par.getStep())) {
        auto l = getConstantIntValue(lb), u = getConstantIntValue(ub), s = getConstantIntValue(st);
        if (!l || !u || !s || *s <= 0)
          return op->emitError() << "a GPU kernel needs static loop bounds";
        int64_t trip = *u > *l ? (*u - *l + *s - 1) / *s : 0;
        lbs.push_back(*l);
        steps.push_back(*s);
        trips.push_back(trip);
        total *= trip;
      }
      if (total == 0) {
        op->erase();
        return success();
      }
      int64_t threads = std::min<int64_t>(total, kGPUWorkgroupSize);
      int64_t groups = (total + threads - 1) / threads;
      int64_t gx = std::min<int64_t>(groups, 65535), gy = (groups + gx - 1) / gx;
      Value one = cst(b, loc, 1);
      auto launch = gpu::LaunchOp::create(b, loc, cst(b, loc, gx), cst(b, loc, gy), one,
                                          cst(b, loc, threads), one, one);
      Block &body = launch.getBody().front();
      b.setInsertionPointToStart(&body);
      Value group = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, launch.getBlockIds().y, cst(b, loc, gx)),
          launch.getBlockIds().x);
      Value id = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, group, cst(b, loc, threads)),
          launch.getThreadIds().x);
      Value in = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, id, cst(b, loc, total));
      auto guard = scf::IfOp::create(b, loc, in, /*withElseRegion=*/false);
      gpu::TerminatorOp::create(b, loc);
      b.setInsertionPointToStart(&guard.getThenRegion().front());
      // The iteration `id` in row-major order of the nest's dimensions.
      IRMapping map;
      Value rest = id;
      SmallVector<Value> ivs(trips.size());
      for (int64_t d = (int64_t)trips.size() - 1; d >= 0; --d) {
        Value pos = d == 0 ? rest : arith::RemUIOp::create(b, loc, rest, cst(b, loc, trips[d]));
        if (d > 0)
          rest = arith::DivUIOp::create(b, loc, rest, cst(b, loc, trips[d]));
        ivs[d] = arith::AddIOp::create(
            b, loc, cst(b, loc, lbs[d]), arith::MulIOp::create(b, loc, pos, cst(b, loc, steps[d])));
      }
      for (auto [iv, v] : llvm::zip(par.getInductionVars(), ivs))
        map.map(iv, v);
      for (Operation &inner : par.getBody()->without_terminator())
        b.clone(inner, map);
      op->erase();
      return success();
    }
    return serial({op});
  }

  /// Ops one thread runs, in order, in one kernel.
  LogicalResult serial(ArrayRef<Operation *> ops) {
    llvm::SmallPtrSet<Operation *, 8> set(ops.begin(), ops.end());
    for (Operation *op : ops)
      for (Operation *user : op->getUsers())
        if (!set.contains(user))
          return op->emitError() << "a GPU kernel cannot return a value to the host";
    // At the last op: what the ops take from the host is defined by then.
    OpBuilder b(ops.back());
    Location loc = ops.front()->getLoc();
    Value one = cst(b, loc, 1);
    auto launch = gpu::LaunchOp::create(b, loc, one, one, one, one, one, one);
    Block &body = launch.getBody().front();
    b.setInsertionPointToStart(&body);
    IRMapping map;
    for (Operation *op : ops)
      b.clone(*op, map);
    gpu::TerminatorOp::create(b, loc);
    for (Operation *op : llvm::reverse(ops))
      op->erase();
    return success();
  }
};

} // namespace

std::unique_ptr<Pass> createGPUMapLoopsPass() { return std::make_unique<GPUMapLoops>(); }

void registerGPUPasses() {
  PassRegistration<GPUMapLoops>();
  registerGPUContractionsPass();
}

void buildGPUKernelPipeline(OpPassManager &pm, const std::string &requant, GPUDot dot,
                            bool spirv, bool tensorCores, int64_t stages,
                            GPUCoopMatrix coop) {
  namespace cpu = mlir::octet::cpu;
  mlir::octet::ConvertOctetToLinalgOptions lower;
  lower.requant = requant;
  pm.addPass(mlir::octet::createConvertOctetToLinalg(lower));
  // Buffers as on the CPU: results become the caller's output buffers.
  buildTensorsToBuffersPasses(pm);
  pm.addPass(cpu::createOctetCopiesToLinalg());
  // 8-bit products: tiled dot-product kernels.
  pm.addPass(createGPUContractionsPass(dot, spirv, tensorCores, stages, coop));
  // The other loop nests, each one kernel.
  pm.addPass(createConvertLinalgToParallelLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createGPUMapLoopsPass());
  pm.addPass(createGpuLaunchSinkIndexComputationsPass()); // constants into the kernels
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

LogicalResult runGPUKernelPipeline(
    ModuleOp module, const TargetOptions &o,
    LogicalResult (*build)(OpPassManager &, const TargetOptions &, std::string &),
    StringRef kernelModule) {
  std::string error;
  PassManager pm(module.getContext());
  if (failed(build(pm, o, error)))
    return module.emitError() << error;
  if (o.timing)
    pm.enableTiming(*o.timing);
  if (failed(pm.run(module)))
    return failure();
  mergeGPUModules(module, kernelModule);
  return success();
}

OwningOpRef<ModuleOp> cloneKernels(ModuleOp module) {
  OwningOpRef<ModuleOp> kernels = module.clone();
  for (auto fn : llvm::make_early_inc_range(kernels->getOps<func::FuncOp>()))
    fn.erase();
  return kernels;
}

void mergeGPUModules(ModuleOp module, StringRef name) {
  SmallVector<gpu::GPUModuleOp> modules(module.getOps<gpu::GPUModuleOp>());
  if (modules.empty()) {
    // No work on the device (every tensor zero-sized): one empty kernel,
    // never dispatched, so that the device code is a valid module.
    OpBuilder b(module.getContext());
    b.setInsertionPointToEnd(module.getBody());
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(), b.getUnitAttr());
    auto m = gpu::GPUModuleOp::create(b, module.getLoc(), name);
    b.setInsertionPointToStart(m.getBody());
    auto fn = gpu::GPUFuncOp::create(b, module.getLoc(), "octet_empty", b.getFunctionType({}, {}));
    fn->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
    b.setInsertionPointToStart(&fn.getBody().front());
    gpu::ReturnOp::create(b, module.getLoc());
    return;
  }
  OpBuilder b(module.getContext());
  b.setInsertionPoint(modules.front());
  auto merged = gpu::GPUModuleOp::create(b, module.getLoc(), name);
  SymbolTable table(merged);
  for (gpu::GPUModuleOp m : modules) {
    // Outlining names every kernel after its function, each in a module of
    // a unique name: the kernels take their modules' names.
    for (auto fn : llvm::make_early_inc_range(m.getOps<gpu::GPUFuncOp>())) {
      StringAttr old = m.getNameAttr(), fname = fn.getNameAttr();
      StringAttr unique = old;
      if (table.lookup(unique))
        unique = b.getStringAttr(old.str() + "_" + fname.str());
      fn->moveBefore(merged.getBody(), merged.getBody()->end());
      fn.setName(unique);
      table.insert(fn);
      module.walk([&](gpu::LaunchFuncOp launch) {
        if (launch.getKernelModuleName() == old && launch.getKernelName() == fname)
          launch.setKernelAttr(SymbolRefAttr::get(
              b.getContext(), name, {FlatSymbolRefAttr::get(b.getContext(), unique)}));
      });
    }
    m->erase();
  }
}

/// Bytes of one element of a buffer (i1 is stored as a byte).
static uint64_t elementBytes(Type t) {
  if (t.isIntOrFloat())
    return std::max<uint64_t>(1, t.getIntOrFloatBitWidth() / 8);
  return 0;
}

/// A constant's bytes as the buffer holds them (row-major, i1 as bytes).
static std::optional<std::vector<char>> constantBytes(ElementsAttr value) {
  auto type = cast<ShapedType>(value.getType());
  Type el = type.getElementType();
  uint64_t eb = elementBytes(el);
  if (!eb)
    return std::nullopt;
  std::vector<char> out(type.getNumElements() * eb);
  if (auto res = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != out.size())
      return std::nullopt;
    std::copy(blob->getData().begin(), blob->getData().end(), out.begin());
    return out;
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return std::nullopt;
  if (el.isInteger(1)) {
    size_t k = 0;
    for (bool v : dense.getValues<bool>())
      out[k++] = v;
    return out;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    for (size_t k = 0; k < out.size(); k += eb)
      std::copy(raw.begin(), raw.begin() + eb, out.begin() + k);
  } else {
    if (raw.size() != out.size())
      return std::nullopt;
    std::copy(raw.begin(), raw.end(), out.begin());
  }
  return out;
}

LogicalResult checkGPUSignature(ModuleOp module, const ModelSignature &sig,
                                const TargetOptions &o, StringRef target) {
  // A dynamic batch runs as batch-1 pieces (the module compiled is the
  // model at batch 1); kernels for other sizes are not made yet.
  if (o.batch && llvm::any_of(o.batch->sizes, [](int64_t n) { return n != 1; }))
    return module.emitError() << "--target=" << target
                              << " runs a dynamic batch as batch-1 pieces and takes no "
                                 "--batch-sizes other than 1 yet";
  return success();
}

FailureOr<GPUSchedule> extractGPUSchedule(ModuleOp module, unsigned numInputs) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return module.emitError() << "no func.func @main";
  GPUSchedule s;
  llvm::DenseMap<Value, int32_t> root; // memref -> buffer number
  auto bytesOf = [](MemRefType t) { return t.getNumElements() * elementBytes(t.getElementType()); };
  auto add = [&](GPUSchedule::Buffer b) {
    s.buffers.push_back(std::move(b));
    return (int32_t)s.buffers.size() - 1;
  };
  // Arguments: the inputs, then the outputs (buffer-results-to-out-params).
  for (auto [k, a] : llvm::enumerate(main.getArguments())) {
    auto mt = dyn_cast<MemRefType>(a.getType());
    if (!mt || !mt.hasStaticShape() || !elementBytes(mt.getElementType()))
      return main.emitError() << "a GPU module needs static, buffer-typed inputs and outputs";
    GPUSchedule::Buffer b;
    b.kind = k < numInputs ? GPUSchedule::Input : GPUSchedule::Output;
    b.index = k < numInputs ? (int32_t)k : (int32_t)(k - numInputs);
    b.size = bytesOf(mt);
    root[a] = add(std::move(b));
  }
  for (Operation &op : main.getBody().front()) {
    if (isa<memref::AllocOp, memref::AllocaOp>(op)) {
      auto mt = cast<MemRefType>(op.getResult(0).getType());
      if (!mt.hasStaticShape() || !mt.getLayout().isIdentity() ||
          !elementBytes(mt.getElementType()))
        return op.emitError() << "a GPU buffer needs a static shape";
      GPUSchedule::Buffer b;
      b.kind = GPUSchedule::Intermediate;
      b.size = bytesOf(mt);
      root[op.getResult(0)] = add(std::move(b));
    } else if (auto g = dyn_cast<memref::GetGlobalOp>(op)) {
      auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(g, g.getNameAttr());
      auto init = global ? dyn_cast_or_null<ElementsAttr>(global.getInitialValueAttr())
                         : ElementsAttr();
      auto bytes = init ? constantBytes(init) : std::nullopt;
      if (!bytes)
        return op.emitError() << "a GPU module cannot hold this constant";
      GPUSchedule::Buffer b;
      b.kind = GPUSchedule::Constant;
      b.size = bytes->size();
      b.data = std::move(*bytes);
      root[g.getResult()] = add(std::move(b));
    } else if (isa<memref::SubViewOp, memref::CollapseShapeOp, memref::ExpandShapeOp,
                   memref::ReshapeOp, memref::CastOp, memref::ReinterpretCastOp>(op)) {
      auto it = root.find(op.getOperand(0));
      if (it == root.end())
        return op.emitError() << "a view of a buffer the GPU schedule does not know";
      root[op.getResult(0)] = it->second;
    } else if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op)) {
      GPUSchedule::Dispatch d;
      d.kernel = launch.getKernelName().str();
      gpu::KernelDim3 grid = launch.getGridSizeOperandValues(),
                      block = launch.getBlockSizeOperandValues();
      Value dims[6] = {grid.x, grid.y, grid.z, block.x, block.y, block.z};
      for (int k = 0; k < 6; ++k) {
        auto v = getConstantIntValue(dims[k]);
        if (!v || *v < 1 || *v > UINT32_MAX)
          return op.emitError() << "a GPU dispatch needs a static grid";
        (k < 3 ? d.grid[k] : d.block[k - 3]) = (uint32_t)*v;
      }
      for (Value a : launch.getKernelOperands()) {
        auto it = root.find(a);
        if (it == root.end())
          return op.emitError() << "a GPU kernel argument that is not a buffer of the schedule";
        d.args.push_back(it->second);
      }
      s.dispatches.push_back(std::move(d));
    } else if (!isa<memref::DeallocOp, arith::ConstantOp, func::ReturnOp>(op)) {
      return op.emitError() << "the GPU schedule cannot run '" << op.getName()
                            << "' on the host";
    }
  }
  return s;
}

} // namespace octet
