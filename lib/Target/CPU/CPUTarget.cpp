//===- CPUTarget.cpp - octet module to a CPU object file -------------------===//

#include "octet/Target/CPU.h"
#include "octet/Target/Descriptor.h"
#include "octet/Target/Registry.h"
#include "octet/Runtime/octet_abi.h"
#include "octet/Runtime/octet_runtime.h"

#include "octet/Dialect/Octet/OctetDialect.h"
#include "octet/Transforms/Passes.h"
#include "octet/Conversion/Passes.h"
#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/IPO/AlwaysInliner.h"
#include "llvm/Transforms/IPO/GlobalDCE.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/SplitModule.h"

#include <algorithm>
#include <atomic>
#include <thread>

using namespace mlir;

namespace octet {

namespace {
/// bf16 conversions (arith.truncf f32 -> bf16 rounds to nearest even,
/// arith.extf widens) as integer arithmetic. LLVM would call
/// __truncsfbf2 on a CPU without AVX-512 BF16, which neither the shared
/// library nor GCC 12's libgcc provides: an artifact that cast to bf16
/// failed to load. Upstream's patterns, on their own (arith-expand's
/// others would rewrite min/max too).
struct ExpandBF16Conversions : PassWrapper<ExpandBF16Conversions, OperationPass<>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ExpandBF16Conversions)
  StringRef getArgument() const final { return "octet-cpu-expand-bf16"; }
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

static int dtypeOf(Type el) {
  if (auto q = dyn_cast<quant::QuantizedType>(el))
    el = IntegerType::get(el.getContext(), q.getStorageTypeIntegralWidth(),
                          q.isSigned() ? IntegerType::Signless : IntegerType::Unsigned);
  if (el.isF32())
    return OCTET_DTYPE_F32;
  if (el.isF64())
    return OCTET_DTYPE_F64;
  if (el.isF16())
    return OCTET_DTYPE_F16;
  if (el.isBF16())
    return OCTET_DTYPE_BF16;
  if (auto it = dyn_cast<IntegerType>(el)) {
    bool u = it.isUnsigned();
    switch (it.getWidth()) {
    case 1:
      return OCTET_DTYPE_BOOL;
    case 8:
      return u ? OCTET_DTYPE_U8 : OCTET_DTYPE_I8;
    case 16:
      return u ? OCTET_DTYPE_U16 : OCTET_DTYPE_I16;
    case 32:
      return u ? OCTET_DTYPE_U32 : OCTET_DTYPE_I32;
    case 64:
      return u ? OCTET_DTYPE_U64 : OCTET_DTYPE_I64;
    default:
      return 0;
    }
  }
  return 0;
}

FailureOr<ModelSignature> getSignature(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return module.emitError() << "no func.func @main to compile";
  ModelSignature sig;
  auto collect = [&](TypeRange types, std::vector<TensorSignature> &out,
                     bool isArg) -> LogicalResult {
    for (auto [k, t] : llvm::enumerate(types)) {
      auto rt = dyn_cast<RankedTensorType>(t);
      auto nameAttr = isArg ? main.getArgAttrOfType<StringAttr>(k, "octet.name")
                            : main.getResultAttrOfType<StringAttr>(k, "octet.name");
      std::string name = nameAttr ? nameAttr.str()
                                  : (isArg ? "input" : "output") + std::to_string(k);
      if (!rt || !rt.hasStaticShape())
        return main.emitError() << (isArg ? "input" : "output") << " '" << name
                                << "' has a dynamic shape " << t
                                << "; fix it with --input-shape";
      int dt = dtypeOf(rt.getElementType());
      if (!dt)
        return main.emitError() << (isArg ? "input" : "output") << " '" << name
                                << "' has element type " << rt.getElementType()
                                << ", which the runtime cannot pass";
      TensorSignature ts{name, dt, std::vector<int64_t>(rt.getShape().begin(),
                                                        rt.getShape().end()), {}};
      if (auto q = dyn_cast<quant::UniformQuantizedType>(rt.getElementType())) {
        ts.quant.emplace();
        ts.quant->scales = {(float)q.getScale()};
        ts.quant->zeroPoints = {(int32_t)q.getZeroPoint()};
      } else if (auto qa =
                     dyn_cast<quant::UniformQuantizedPerAxisType>(rt.getElementType())) {
        ts.quant.emplace();
        ts.quant->axis = qa.getQuantizedDimension();
        for (double v : qa.getScales())
          ts.quant->scales.push_back((float)v);
        for (int64_t z : qa.getZeroPoints())
          ts.quant->zeroPoints.push_back((int32_t)z);
      }
      out.push_back(std::move(ts));
    }
    return success();
  };
  if (failed(collect(main.getArgumentTypes(), sig.inputs, true)) ||
      failed(collect(main.getResultTypes(), sig.outputs, false)))
    return failure();
  return sig;
}

void buildTensorsToBuffersPasses(OpPassManager &pm) {
  namespace cpu = mlir::octet::cpu;
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(mlir::octet::createOctetFuseElementwise());
  pm.addPass(mlir::octet::createOctetByteTables());
  pm.addPass(mlir::octet::createOctetApproximateMath());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Tensors to buffers; results become the caller's output buffers.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion = bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(cpu::createOctetDistinctResults());
  pm.addPass(cpu::createOctetReturnAllocs());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createCanonicalizerPass());
}

void buildCPULoweringPipeline(OpPassManager &pm, const CPUOptions &options) {
  namespace cpu = mlir::octet::cpu;
  // octet -> linalg with the x86 kernels, fused and simplified on tensors.
  cpu::ConvertOctetToCPUOptions lower;
  lower.requant = options.requant;
  lower.vnni = options.vnni;
  lower.isa = options.int8Isa;
  pm.addPass(cpu::createConvertOctetToCPU(lower));
  // Zero-sized inputs and outputs are not passed (the entry skips them).
  pm.addPass(cpu::createOctetDropEmptyIO());
  // Fused and simplified on tensors, then buffers; the intermediates become
  // views of the caller's workspace.
  buildTensorsToBuffersPasses(pm);
  pm.addPass(cpu::createOctetWorkspace());
  bufferization::buildBufferDeallocationPipeline(pm);
  // Strided copies (padding) would call the MLIR runner library's
  // memrefCopy; as linalg.copy loops the object needs only libc.
  pm.addPass(cpu::createOctetCopiesToLinalg());
  // Each top-level nest a function whose buffers are noalias (the workspace
  // views are disjoint where they are in use together).
  pm.addPass(cpu::createOctetOutlineKernels());
  // Large kernels as tasks over independent iterations (octet_call's
  // parallel_for runs them).
  pm.addPass(cpu::createOctetParallelizeKernels());
  cpu::ConvertOctetCPUToLLVMOptions toLLVM;
  std::string isa = options.int8Isa.empty() ? (options.vnni ? "avx512vnni" : "none")
                                            : options.int8Isa;
  // (With no int8 kernels there is no dot4; round_to_int and narrow_sat4
  // then take the portable forms.)
  toLLVM.isa = isa == "none" ? "avx2" : isa;
  pm.addPass(cpu::createConvertOctetCPUToLLVM(toLLVM));
  // math.ipowi (integer Pow) as a function of its own.
  pm.addPass(createConvertMathToFuncs());

  // Loops and the LLVM dialect. The passes that see one function at a time
  // run on the kernels in parallel (MLIR's context thread pool).
  {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    fpm.addPass(createConvertLinalgToLoopsPass());
    fpm.addPass(createLowerAffinePass());
    fpm.addPass(createSCFToControlFlowPass());
    fpm.addPass(memref::createExpandStridedMetadataPass());
    fpm.addPass(createLowerAffinePass());
    fpm.addPass(std::make_unique<ExpandBF16Conversions>());
    ConvertVectorToLLVMPassOptions vectorToLLVM;
    vectorToLLVM.vectorTransposeLowering = vector::VectorTransposeLowering::Shuffle1D;
    fpm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  }
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addNestedPass<func::FuncOp>(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    fpm.addPass(createArithToLLVMConversionPass());
    fpm.addPass(createConvertIndexToLLVMPass());
  }
  ConvertFuncToLLVMPassOptions funcToLLVM;
  funcToLLVM.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcToLLVM));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

/// The integer expression behind an inttoptr, when it is computed from a
/// single ptrtoint(P) with arithmetic on constants; returns P.
static llvm::Value *soleIntBase(llvm::Value *v, int depth = 0) {
  if (auto *p2i = llvm::dyn_cast<llvm::PtrToIntInst>(v))
    return p2i->getPointerOperand();
  auto *bin = llvm::dyn_cast<llvm::BinaryOperator>(v);
  if (!bin || depth > 8)
    return nullptr;
  llvm::Value *base = nullptr;
  for (llvm::Value *op : bin->operands()) {
    if (llvm::isa<llvm::Constant>(op))
      continue;
    llvm::Value *b = soleIntBase(op, depth + 1);
    if (!b || (base && base != b))
      return nullptr;
    base = b;
  }
  return base;
}

/// LLVM 22's x86 backend miscompiles a masked store whose constant mask has
/// exactly one lane set when the stored vector is a truncation (a <16 x i32>
/// truncated to <16 x i8>, say): it stores the lane's untruncated 4 bytes
/// (`vmovss` / `vextractps`), overwriting the 3 bytes after it. The direct
/// convolution's last pixel vector hits this (one pixel left in the last
/// output row). Such stores become an extractelement and a scalar store,
/// which the backend compiles correctly: before the optimizer, and again as
/// its last step (a mask that only becomes constant through unrolling or
/// constant propagation).
static bool scalarizeOneLaneMaskedStores(llvm::Function &f) {
  llvm::SmallVector<llvm::CallInst *> stores;
  for (llvm::Instruction &i : llvm::instructions(f))
    if (auto *c = llvm::dyn_cast<llvm::CallInst>(&i))
      if (c->getIntrinsicID() == llvm::Intrinsic::masked_store)
        stores.push_back(c);
  bool changed = false;
  for (llvm::CallInst *c : stores) {
    // masked.store(value, ptr, mask) (older LLVMs had the alignment before
    // the mask): the mask is last.
    llvm::Value *value = c->getArgOperand(0), *ptr = c->getArgOperand(1);
    auto *mask = llvm::dyn_cast<llvm::Constant>(c->getArgOperand(c->arg_size() - 1));
    auto *vt = llvm::dyn_cast<llvm::FixedVectorType>(value->getType());
    // Whole-byte elements only (sub-byte vectors are bit-packed in memory).
    if (!mask || !vt || vt->getScalarSizeInBits() % 8)
      continue;
    int lane = -1;
    bool one = true;
    for (unsigned k = 0; k < vt->getNumElements() && one; ++k) {
      llvm::Constant *e = mask->getAggregateElement(k);
      if (!e || !llvm::isa<llvm::ConstantInt>(e)) {
        one = false;
        break;
      }
      if (llvm::cast<llvm::ConstantInt>(e)->isOne()) {
        if (lane >= 0)
          one = false;
        lane = (int)k;
      }
    }
    if (!one || lane < 0)
      continue;
    llvm::IRBuilder<> b(c);
    llvm::Type *el = vt->getElementType();
    llvm::Value *at = b.CreateConstInBoundsGEP1_64(el, ptr, (uint64_t)lane);
    llvm::Value *scalar = b.CreateExtractElement(value, (uint64_t)lane);
    b.CreateAlignedStore(scalar, at, llvm::Align(1));
    c->eraseFromParent();
    changed = true;
  }
  return changed;
}

/// The same as a pass at the end of LLVM's optimizer.
struct ScalarizeOneLaneMaskedStoresPass
    : llvm::PassInfoMixin<ScalarizeOneLaneMaskedStoresPass> {
  llvm::PreservedAnalyses run(llvm::Function &f, llvm::FunctionAnalysisManager &) {
    return scalarizeOneLaneMaskedStores(f) ? llvm::PreservedAnalyses::none()
                                           : llvm::PreservedAnalyses::all();
  }
};

/// memref-to-llvm aligns malloc'd buffers with ptrtoint / arithmetic /
/// inttoptr, which hides from alias analysis that the aligned pointer still
/// points into its own allocation: LLVM then assumes any two buffers may
/// overlap and leaves copies between them byte by byte. Re-derive each such
/// pointer as a byte offset (a GEP) from the original one: the same address,
/// with its provenance.
static void restorePointerProvenance(llvm::Module &m) {
  for (llvm::Function &f : m) {
    llvm::SmallVector<llvm::IntToPtrInst *> casts;
    for (llvm::Instruction &i : llvm::instructions(f))
      if (auto *c = llvm::dyn_cast<llvm::IntToPtrInst>(&i))
        casts.push_back(c);
    for (llvm::IntToPtrInst *c : casts) {
      llvm::Value *base = soleIntBase(c->getOperand(0));
      if (!base || base->getType() != c->getType())
        continue;
      llvm::IRBuilder<> b(c);
      llvm::Value *baseInt = b.CreatePtrToInt(base, c->getOperand(0)->getType());
      llvm::Value *offset = b.CreateSub(c->getOperand(0), baseInt);
      llvm::Value *gep = b.CreateGEP(b.getInt8Ty(), base, offset, c->getName());
      c->replaceAllUsesWith(gep);
      c->eraseFromParent();
    }
  }
}

/// Whether the host has each feature of `features` (octet_abi.h's names),
/// computed at run time by `b` in `fn` with cpuid and xgetbv: one i1 per
/// feature this code knows, in `features`' order (unknown ones are left out).
static std::vector<std::pair<std::string, llvm::Value *>>
emitHostFeatures(llvm::IRBuilder<> &b, llvm::Function *fn, llvm::ArrayRef<llvm::StringRef> features) {
  llvm::LLVMContext &ctx = fn->getContext();
  llvm::Type *i32 = llvm::Type::getInt32Ty(ctx);
  llvm::Function *entry = fn;
  auto *regsTy = llvm::StructType::get(ctx, {i32, i32, i32, i32});
  auto *cpuidTy = llvm::FunctionType::get(regsTy, {i32, i32}, false);
  auto *cpuid = llvm::InlineAsm::get(
      cpuidTy, "cpuid", "={ax},={bx},={cx},={dx},{ax},{cx},~{dirflag},~{fpsr},~{flags}", true);
  auto c32 = [&](uint32_t v) { return llvm::ConstantInt::get(i32, v); };
  auto leaf = [&](uint32_t l, uint32_t sub) {
    return b.CreateCall(cpuidTy, cpuid, {c32(l), c32(sub)});
  };
  auto reg = [&](llvm::Value *regs, unsigned k) { return b.CreateExtractValue(regs, k); };
  llvm::Value *maxLeaf = reg(leaf(0, 0), 0);
  llvm::Value *l1 = leaf(1, 0);
  llvm::Value *has7 = b.CreateICmpUGE(maxLeaf, c32(7));
  llvm::Value *l7 = leaf(7, 0);
  llvm::Value *l71 = leaf(7, 1);
  llvm::Value *has71 = b.CreateAnd(has7, b.CreateICmpUGE(reg(l7, 0), c32(1)));
  auto masked = [&](llvm::Value *v, llvm::Value *valid) {
    return b.CreateSelect(valid, v, c32(0));
  };
  llvm::Value *ecx1 = reg(l1, 2);
  llvm::Value *ebx7 = masked(reg(l7, 1), has7), *ecx7 = masked(reg(l7, 2), has7);
  llvm::Value *eax71 = masked(reg(l71, 0), has71);
  // XCR0 (the register state the OS saves) only where OSXSAVE says
  // xgetbv exists.
  llvm::Value *osxsave = b.CreateICmpNE(b.CreateAnd(ecx1, c32(1u << 27)), c32(0));
  auto *xg = llvm::BasicBlock::Create(ctx, "isa.xgetbv", entry);
  auto *xgDone = llvm::BasicBlock::Create(ctx, "isa.xgetbv.done", entry);
  llvm::BasicBlock *before = b.GetInsertBlock();
  b.CreateCondBr(osxsave, xg, xgDone);
  b.SetInsertPoint(xg);
  auto *xgetbvTy = llvm::FunctionType::get(llvm::StructType::get(ctx, {i32, i32}), {i32}, false);
  auto *xgetbv = llvm::InlineAsm::get(xgetbvTy, "xgetbv", "={ax},={dx},{cx}", true);
  llvm::Value *xcr0Read = b.CreateExtractValue(b.CreateCall(xgetbvTy, xgetbv, {c32(0)}), 0);
  b.CreateBr(xgDone);
  b.SetInsertPoint(xgDone);
  llvm::PHINode *xcr0 = b.CreatePHI(i32, 2);
  xcr0->addIncoming(c32(0), before);
  xcr0->addIncoming(xcr0Read, xg);
  llvm::Value *avxState = b.CreateICmpEQ(b.CreateAnd(xcr0, c32(0x6)), c32(0x6));
  llvm::Value *avx512State = b.CreateICmpEQ(b.CreateAnd(xcr0, c32(0xe6)), c32(0xe6));
  struct Bit {
    const char *name;
    llvm::Value *reg;
    unsigned bit;
    llvm::Value *state;
  };
  const Bit bits[] = {
      {"sse4.2", ecx1, 20, nullptr},        {"avx", ecx1, 28, avxState},
      {"fma", ecx1, 12, avxState},          {"f16c", ecx1, 29, avxState},
      {"avx2", ebx7, 5, avxState},          {"bmi", ebx7, 3, nullptr},
      {"bmi2", ebx7, 8, nullptr},           {"avx512f", ebx7, 16, avx512State},
      {"avx512dq", ebx7, 17, avx512State},  {"avx512cd", ebx7, 28, avx512State},
      {"avx512bw", ebx7, 30, avx512State},  {"avx512vl", ebx7, 31, avx512State},
      {"avx512vnni", ecx7, 11, avx512State}, {"avx512bf16", eax71, 5, avx512State},
      {"avxvnni", eax71, 4, avxState}};
  std::vector<std::pair<std::string, llvm::Value *>> out;
  for (llvm::StringRef name : features)
    for (const Bit &f : bits)
      if (name == f.name) {
        llvm::Value *ok = b.CreateICmpNE(b.CreateAnd(f.reg, c32(1u << f.bit)), c32(0));
        if (f.state)
          ok = b.CreateAnd(ok, f.state);
        out.push_back({f.name, ok});
      }
  return out;
}

/// Turns each call of a kernel split by octet-parallelize-kernels (LLVM
/// attribute "octet-tasks": the largest trip of its split level) in `model`
/// into a dispatch: with octet_call.parallel_for set and more than one
/// thread, min(kTasksPerThread * num_threads, trip) tasks run `kernel.task(args, i)`, which
/// calls the kernel as task i of them; otherwise the kernel runs as task 0
/// of 1 on the calling thread. `model`'s last argument is the octet_call.
static constexpr uint64_t kTasksPerThread = 1;

static void dispatchTasks(llvm::Module &m, llvm::Function *model, llvm::StructType *callTy) {
  llvm::LLVMContext &ctx = m.getContext();
  llvm::Type *i32 = llvm::Type::getInt32Ty(ctx), *i64 = llvm::Type::getInt64Ty(ctx);
  llvm::PointerType *ptr = llvm::PointerType::get(ctx, 0);
  // A null octet_call (the typed C function) runs every kernel serially:
  // its fields are read from a zeroed one instead.
  llvm::Value *call = model->getArg(model->arg_size() - 1);
  {
    auto *zeroCall = new llvm::GlobalVariable(m, callTy, true, llvm::GlobalValue::PrivateLinkage,
                                              llvm::Constant::getNullValue(callTy),
                                              model->getName() + ".serial_call");
    llvm::IRBuilder<> b(&model->getEntryBlock(), model->getEntryBlock().begin());
    call = b.CreateSelect(b.CreateICmpEQ(call, llvm::ConstantPointerNull::get(ptr)), zeroCall,
                          call, "call");
  }
  llvm::SmallVector<llvm::CallInst *> sites;
  for (llvm::Instruction &inst : llvm::instructions(*model))
    if (auto *ci = llvm::dyn_cast<llvm::CallInst>(&inst))
      if (llvm::Function *f = ci->getCalledFunction())
        if (f->hasFnAttribute("octet-tasks"))
          sites.push_back(ci);
  llvm::DenseMap<llvm::Function *, llvm::Function *> trampolines;
  auto *taskFnTy = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr, i64}, false);
  auto *parallelForTy =
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr, i64, ptr, ptr}, false);
  for (llvm::CallInst *site : sites) {
    llvm::Function *kernel = site->getCalledFunction();
    uint64_t trip = 1;
    kernel->getFnAttribute("octet-tasks").getValueAsString().getAsInteger(10, trip);
    unsigned nargs = kernel->arg_size() - 2; // the buffers and scalars
    // The arguments as a struct: the kernel's, then the task count.
    llvm::SmallVector<llvm::Type *> fields;
    for (unsigned k = 0; k < nargs; ++k)
      fields.push_back(kernel->getArg(k)->getType());
    fields.push_back(i64);
    auto *argsTy = llvm::StructType::get(ctx, fields);
    llvm::Function *&tramp = trampolines[kernel];
    if (!tramp) {
      tramp = llvm::Function::Create(taskFnTy, llvm::GlobalValue::InternalLinkage,
                                     kernel->getName() + ".task", m);
      llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", tramp));
      llvm::SmallVector<llvm::Value *> args;
      for (unsigned k = 0; k <= nargs; ++k)
        args.push_back(
            b.CreateLoad(fields[k], b.CreateStructGEP(argsTy, tramp->getArg(0), k)));
      llvm::Value *count = args.pop_back_val();
      args.push_back(tramp->getArg(1));
      args.push_back(count);
      b.CreateCall(kernel, args);
      b.CreateRetVoid();
    }
    llvm::IRBuilder<> b(site);
    llvm::Value *threads =
        b.CreateSExt(b.CreateLoad(i32, b.CreateStructGEP(callTy, call, 8)), i64);
    llvm::Value *parallelFor = b.CreateLoad(ptr, b.CreateStructGEP(callTy, call, 10));
    llvm::Value *pool = b.CreateLoad(ptr, b.CreateStructGEP(callTy, call, 11));
    // Four tasks per thread where the level has the iterations: threads
    // claim them as they finish, which evens out uneven tasks.
    llvm::Value *want = b.CreateMul(threads, llvm::ConstantInt::get(i64, kTasksPerThread));
    llvm::Value *count = b.CreateSelect(
        b.CreateICmpULT(want, llvm::ConstantInt::get(i64, trip)), want,
        llvm::ConstantInt::get(i64, trip));
    llvm::Value *parallel =
        b.CreateAnd(b.CreateICmpNE(parallelFor, llvm::ConstantPointerNull::get(ptr)),
                    b.CreateICmpSGT(count, llvm::ConstantInt::get(i64, 1)));
    llvm::Instruction *thenTerm = nullptr, *elseTerm = nullptr;
    llvm::SplitBlockAndInsertIfThenElse(parallel, site->getIterator(), &thenTerm, &elseTerm);
    {
      llvm::IRBuilder<> entryB(&model->getEntryBlock(), model->getEntryBlock().begin());
      llvm::AllocaInst *slot = entryB.CreateAlloca(argsTy);
      llvm::IRBuilder<> tb(thenTerm);
      for (unsigned k = 0; k < nargs; ++k)
        tb.CreateStore(site->getArgOperand(k), tb.CreateStructGEP(argsTy, slot, k));
      tb.CreateStore(count, tb.CreateStructGEP(argsTy, slot, nargs));
      tb.CreateCall(parallelForTy, parallelFor, {pool, count, tramp, slot});
    }
    site->removeFromParent();
    site->insertBefore(elseTerm->getIterator());
  }
}

/// Adds the ABI v2 descriptor, the entry point `NAME_entry(octet_call *)`
/// and (for shared libraries) the `octet_module` alias to the translated
/// module. `entry` is the lowered model function (inputs, outputs,
/// workspace), `features` the CPU features the code needs.
static void addDescriptor(llvm::Module &m, const ModelSignature &sig, const CPUOptions &options,
                          uint64_t workspaceSize, const std::string &requiredFeatures) {
  llvm::LLVMContext &ctx = m.getContext();
  llvm::Type *i32 = llvm::Type::getInt32Ty(ctx), *i64 = llvm::Type::getInt64Ty(ctx);
  llvm::PointerType *ptr = llvm::PointerType::get(ctx, 0);
  auto str = [&](const std::string &s, const std::string &sym) {
    return privateConstant(m, llvm::ConstantDataArray::getString(ctx, s), sym);
  };
  const std::optional<DynamicBatch> &batch = options.batch;

  // int32_t NAME_entry(octet_call *call): checks the call, then runs the
  // model function on its buffers and workspace.
  auto *callTy = llvm::StructType::create(
      ctx, {i32, i32, ptr, ptr, ptr, i64, ptr, ptr, i32, i32, ptr, ptr, ptr, i64}, "octet_call");
  llvm::Function *model = m.getFunction(options.name);
  auto *entryTy = llvm::FunctionType::get(i32, {ptr}, false);
  auto *entry = llvm::Function::Create(entryTy, llvm::GlobalValue::ExternalLinkage,
                                       options.name + "_entry", m);
  llvm::Value *call = entry->getArg(0);
  auto *bb = llvm::BasicBlock::Create(ctx, "entry", entry);
  llvm::IRBuilder<> b(bb);
  auto fail = [&](llvm::Value *bad, int32_t code, const char *message, const char *label) {
    auto *err = llvm::BasicBlock::Create(ctx, std::string(label) + ".error", entry);
    auto *ok = llvm::BasicBlock::Create(ctx, std::string(label) + ".ok", entry);
    b.CreateCondBr(bad, err, ok);
    b.SetInsertPoint(err);
    if (message)
      b.CreateStore(str(message, options.name + "." + label + ".message"),
                    b.CreateStructGEP(callTy, call, 12));
    b.CreateRet(llvm::ConstantInt::get(i32, code));
    b.SetInsertPoint(ok);
  };
  fail(b.CreateICmpEQ(call, llvm::ConstantPointerNull::get(ptr)), OCTET_INVALID_ARGUMENT, nullptr,
       "null");
  llvm::Value *size = b.CreateLoad(i32, b.CreateStructGEP(callTy, call, 0));
  const llvm::DataLayout &dl = m.getDataLayout();
  // A static module reads the fields before `batch` (callers built before
  // it was added pass the smaller struct); a dynamic batch needs it.
  uint64_t callSize = batch ? dl.getTypeAllocSize(callTy)
                            : dl.getStructLayout(callTy)->getElementOffset(13);
  fail(b.CreateICmpULT(size, llvm::ConstantInt::get(i32, callSize)), OCTET_INVALID_ARGUMENT,
       nullptr, "size");
  // The host's ISA, unless the caller checked it (OCTET_CALL_ISA_CHECKED: the
  // runtime checks at load): cpuid and xgetbv, so that code built for
  // features the host lacks returns OCTET_UNSUPPORTED instead of SIGILL.
  if (!requiredFeatures.empty()) {
    llvm::Value *flags = b.CreateLoad(i32, b.CreateStructGEP(callTy, call, 1));
    auto *check = llvm::BasicBlock::Create(ctx, "isa.check", entry);
    auto *done = llvm::BasicBlock::Create(ctx, "isa.done", entry);
    b.CreateCondBr(b.CreateICmpNE(b.CreateAnd(flags, OCTET_CALL_ISA_CHECKED),
                                  llvm::ConstantInt::get(i32, 0)),
                   done, check);
    b.SetInsertPoint(check);
    llvm::SmallVector<llvm::StringRef> needed;
    llvm::StringRef(requiredFeatures).split(needed, ',', -1, false);
    for (auto &[name, ok] : emitHostFeatures(b, entry, needed)) {
      std::string message = "the host CPU lacks " + name +
                            ", which this module was compiled for (it needs " +
                            requiredFeatures + "; compile with a --cpu this host has)";
      fail(b.CreateNot(ok), OCTET_UNSUPPORTED, message.c_str(), ("isa." + name).c_str());
    }
    b.CreateBr(done);
    b.SetInsertPoint(done);
  }
  llvm::Value *ws = b.CreateLoad(ptr, b.CreateStructGEP(callTy, call, 4));
  if (workspaceSize) {
    llvm::Value *wsSize = b.CreateLoad(i64, b.CreateStructGEP(callTy, call, 5));
    fail(b.CreateOr(b.CreateICmpEQ(ws, llvm::ConstantPointerNull::get(ptr)),
                    b.CreateICmpULT(wsSize, llvm::ConstantInt::get(i64, workspaceSize))),
         OCTET_INVALID_ARGUMENT, "the workspace is missing or smaller than the module needs",
         "workspace");
    fail(b.CreateICmpNE(b.CreateAnd(b.CreatePtrToInt(ws, i64), llvm::ConstantInt::get(i64, 63)),
                        llvm::ConstantInt::get(i64, 0)),
         OCTET_INVALID_ARGUMENT, "the workspace is not 64-byte aligned", "alignment");
  }
  std::vector<llvm::Value *> args;
  llvm::Value *batchSize = nullptr;
  if (batch) {
    // The call's batch, within the range the module was compiled for.
    batchSize = b.CreateLoad(i64, b.CreateStructGEP(callTy, call, 13));
    fail(b.CreateOr(b.CreateICmpSLT(batchSize, llvm::ConstantInt::get(i64, batch->min)),
                    b.CreateICmpSGT(batchSize, llvm::ConstantInt::get(i64, batch->max))),
         OCTET_INVALID_ARGUMENT,
         "the batch size is outside the range the module was compiled for", "batch");
    args.push_back(batchSize);
  }
  // Zero-sized tensors are not passed (octet-drop-empty-io).
  auto load = [&](unsigned field, const std::vector<TensorSignature> &list) {
    llvm::Value *base = b.CreateLoad(ptr, b.CreateStructGEP(callTy, call, field));
    for (size_t k = 0; k < list.size(); ++k)
      if (!llvm::is_contained(list[k].dims, 0))
        args.push_back(b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, base, k)));
  };
  load(2, sig.inputs);
  load(3, sig.outputs);
  args.push_back(ws);
  if (batch) {
    // NAME.batched(batch, buffers, workspace, call) runs the pieces; the
    // typed C function is int32_t NAME(int64_t batch, buffers, workspace).
    llvm::Function *batched = m.getFunction(options.name + ".batched");
    args.push_back(call);
    b.CreateCall(batched, args);
    b.CreateRet(llvm::ConstantInt::get(i32, OCTET_OK));
    llvm::SmallVector<llvm::Type *> typed;
    for (unsigned k = 0; k + 1 < batched->arg_size(); ++k)
      typed.push_back(batched->getArg(k)->getType());
    auto *wrapper = llvm::Function::Create(llvm::FunctionType::get(i32, typed, false),
                                           llvm::GlobalValue::ExternalLinkage, options.name, m);
    llvm::IRBuilder<> wb(llvm::BasicBlock::Create(ctx, "entry", wrapper));
    llvm::Value *n = wrapper->getArg(0);
    auto *bad = llvm::BasicBlock::Create(ctx, "batch.error", wrapper);
    auto *ok = llvm::BasicBlock::Create(ctx, "batch.ok", wrapper);
    wb.CreateCondBr(wb.CreateOr(wb.CreateICmpSLT(n, llvm::ConstantInt::get(i64, batch->min)),
                                wb.CreateICmpSGT(n, llvm::ConstantInt::get(i64, batch->max))),
                    bad, ok);
    wb.SetInsertPoint(bad);
    wb.CreateRet(llvm::ConstantInt::get(i32, OCTET_INVALID_ARGUMENT));
    wb.SetInsertPoint(ok);
    llvm::SmallVector<llvm::Value *> wargs;
    for (llvm::Argument &a : wrapper->args())
      wargs.push_back(&a);
    wargs.push_back(llvm::ConstantPointerNull::get(ptr));
    wb.CreateCall(batched, wargs);
    wb.CreateRet(llvm::ConstantInt::get(i32, OCTET_OK));
  } else {
  // octet-parallelize-kernels gave the model the octet_call, for its tasks;
  // the typed C function NAME(inputs, outputs, workspace) of the header
  // passes none (its kernels run on the calling thread).
  if (model->arg_size() == args.size() + 1) {
    dispatchTasks(m, model, callTy);
    std::string name = model->getName().str();
    model->setName(name + ".tasks");
    model->setLinkage(llvm::GlobalValue::InternalLinkage);
    llvm::SmallVector<llvm::Type *> typed;
    for (unsigned k = 0; k + 1 < model->arg_size(); ++k)
      typed.push_back(model->getArg(k)->getType());
    auto *wrapper = llvm::Function::Create(
        llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), typed, false),
        llvm::GlobalValue::ExternalLinkage, name, m);
    llvm::IRBuilder<> wb(llvm::BasicBlock::Create(ctx, "entry", wrapper));
    llvm::SmallVector<llvm::Value *> wargs;
    for (llvm::Argument &a : wrapper->args())
      wargs.push_back(&a);
    wargs.push_back(llvm::ConstantPointerNull::get(ptr));
    wb.CreateCall(model, wargs);
    wb.CreateRetVoid();
    args.push_back(call);
  }
  b.CreateCall(model, args);
  b.CreateRet(llvm::ConstantInt::get(i32, OCTET_OK));
  }

  DescriptorFields f;
  f.name = options.name;
  f.target = "cpu";
  f.arch = "x86-64";
  f.features = requiredFeatures;
  f.workspaceSize = workspaceSize;
  f.batch = &options.batch;
  f.entry = entry;
  f.exportModuleSymbol = options.sharedLibrary;
  emitModuleDescriptor(m, sig, f);
}

/// The ISA features of `sti` that compiled code may use and the runtime
/// checks at load (the names octet_abi.h's `features` lists).
static std::string requiredFeatures(const llvm::MCSubtargetInfo &sti) {
  static const char *const known[] = {"sse4.2",   "avx",      "avx2",     "fma",
                                      "f16c",     "bmi",      "bmi2",     "avx512f",
                                      "avx512bw", "avx512dq", "avx512vl", "avx512cd",
                                      "avx512vnni", "avx512bf16", "avxvnni"};
  std::string out;
  for (const char *f : known)
    if (sti.checkFeatures(std::string("+") + f))
      out += (out.empty() ? "" : ",") + std::string(f);
  return out;
}

/// The LLVM CPU name and feature string for --cpu.
static void resolveCPU(const std::string &requested, std::string &cpu, std::string &features) {
  cpu = requested;
  features.clear();
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures f;
    for (auto &kv : llvm::sys::getHostCPUFeatures())
      f.AddFeature(kv.getKey(), kv.getValue());
    features = f.getString();
  }
}

std::string cpuInt8Isa(const std::string &cpu, const std::string &vnni) {
  if (vnni == "on" || (vnni == "auto" && cpuHasFeature(cpu, "avx512vnni") &&
                       cpuHasFeature(cpu, "avx512bw")))
    return "avx512vnni";
  if (vnni == "auto" && cpuHasFeature(cpu, "avxvnni") && cpuHasFeature(cpu, "avx2"))
    return "avxvnni";
  if (cpuHasFeature(cpu, "avx2"))
    return "avx2";
  return "none";
}

bool cpuHasFeature(const std::string &requested, const std::string &feature) {
  std::string cpu, features;
  resolveCPU(requested, cpu, features);
  if (!features.empty())
    return ("," + features + ",").find(",+" + feature + ",") != std::string::npos;
  llvm::InitializeNativeTarget();
  std::string error;
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return false;
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(triple, cpu, ""));
  return sti && sti->isCPUStringValid(cpu) && sti->checkFeatures("+" + feature);
}

LogicalResult lowerToLLVMDialect(ModuleOp module, const CPUOptions &options) {
  MLIRContext *ctx = module.getContext();
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return module.emitError() << "no func.func @main to compile";
  for (const char *reserved : {"malloc", "free", "memcpy", "memset", "memmove", "octet_module"})
    if (options.name == reserved)
      return module.emitError() << "--name '" << options.name
                                << "' collides with a symbol the object uses";
  if (options.name != "main" &&
      failed(SymbolTable::replaceAllSymbolUses(main, StringAttr::get(ctx, options.name),
                                               module)))
    return failure();
  SymbolTable::setSymbolName(main, options.name);
  main.setPublic();

  for (unsigned k = 0; k < main.getNumArguments(); ++k)
    main.removeArgAttr(k, "octet.name");
  for (unsigned k = 0; k < main.getNumResults(); ++k)
    main.removeResultAttr(k, StringAttr::get(ctx, "octet.name"));

  PassManager pm(ctx);
  buildCPULoweringPipeline(pm, options);
  // The IR is verified once, after the whole pipeline, not after each of
  // its ~50 passes (a sixth of the lowering's time on resnet50; octet-opt,
  // which the tests drive the passes with, still verifies after each).
  pm.enableVerifier(options.verifyEachPass);
  std::optional<TimingScope> scope;
  if (options.timing) {
    scope = options.timing->nest("lowering to the LLVM dialect");
    pm.enableTiming(*scope);
  }
  if (failed(pm.run(module)))
    return failure();
  if (!options.verifyEachPass && failed(verify(module)))
    return module.emitError() << "the lowered module does not verify (a compiler bug)";

  return success();
}

namespace {
/// One CPU's code: its LLVM module (translated, with the descriptor and
/// entry point) and what it needs.
struct Variant {
  std::unique_ptr<llvm::Module> module;
  CompiledModule compiled;
  std::string name, cpu, features; // LLVM CPU and feature string
  std::unique_ptr<llvm::TargetMachine> tm;
};
} // namespace

/// The target machine for --cpu `requested` (one name), or an error.
static std::unique_ptr<llvm::TargetMachine> targetMachine(ModuleOp module,
                                                          const std::string &requested,
                                                          std::string &cpu,
                                                          std::string &features) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::InitializeNativeTargetAsmParser(); // the entry point's cpuid / xgetbv
  std::string error;
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    module.emitError() << "no LLVM target for " << triple.str() << ": " << error;
    return nullptr;
  }
  resolveCPU(requested, cpu, features);
  llvm::TargetOptions to;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, to, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!tm) {
    module.emitError() << "cannot create a target machine for " << cpu;
    return nullptr;
  }
  if (!tm->getMCSubtargetInfo()->isCPUStringValid(cpu)) {
    module.emitError() << "unknown --cpu '" << requested
                       << "' (use native or an LLVM CPU name such as znver4, "
                          "skylake-avx512, x86-64-v3)";
    return nullptr;
  }
  return tm;
}

/// Lowers `module` for one CPU (options.cpu) and translates it to LLVM IR
/// in `llvmCtx`, with its descriptor and entry point.
static FailureOr<Variant> buildVariant(ModuleOp module, const CPUOptions &options,
                                       llvm::LLVMContext &llvmCtx) {
  MLIRContext *ctx = module.getContext();
  Variant v;
  v.name = options.name;
  v.tm = targetMachine(module, options.cpu, v.cpu, v.features);
  if (!v.tm)
    return failure();
  auto sig = getSignature(module);
  if (failed(sig))
    return failure();
  if (failed(lowerToLLVMDialect(module, options)))
    return failure();
  uint64_t workspaceSize = 0;
  if (auto f = module.lookupSymbol<LLVM::LLVMFuncOp>(options.name))
    if (auto a = f->getAttrOfType<IntegerAttr>("octet.workspace_size"))
      workspaceSize = a.getInt();
  TimingScope translating =
      options.timing ? options.timing->nest("translation to LLVM IR") : TimingScope();
  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  v.module = translateModuleToLLVMIR(module, llvmCtx, options.name);
  if (!v.module) {
    module.emitError() << "translation to LLVM IR failed";
    return failure();
  }
  v.module->setDataLayout(v.tm->createDataLayout());
  v.module->setTargetTriple(v.tm->getTargetTriple());
  v.compiled.signature = *sig;
  v.compiled.workspaceSize = workspaceSize;
  v.compiled.features = requiredFeatures(*v.tm->getMCSubtargetInfo());
  addDescriptor(*v.module, *sig, options, workspaceSize, v.compiled.features);
  restorePointerProvenance(*v.module);
  for (llvm::Function &f : *v.module)
    if (!f.isDeclaration())
      scalarizeOneLaneMaskedStores(f);
  for (llvm::Function &f : *v.module) {
    // The entry point stays baseline x86-64: it checks the ISA first.
    if (f.isDeclaration() || f.getName() == options.name + "_entry")
      continue;
    f.addFnAttr("target-cpu", v.cpu);
    if (!v.features.empty())
      f.addFnAttr("target-features", v.features);
  }
  return v;
}

/// Links variant `v`'s module into `linker`'s: only its model function
/// NAME (or NAME.tasks) stays visible, to be called by name.
static LogicalResult linkPart(ModuleOp module, llvm::Linker &linker, Variant &v) {
  for (llvm::GlobalValue &g : v.module->global_values())
    if (!g.isDeclaration() && g.hasExternalLinkage())
      g.setLinkage(llvm::GlobalValue::InternalLinkage);
  llvm::Function *callee = v.module->getFunction(v.name + ".tasks");
  if (!callee)
    callee = v.module->getFunction(v.name);
  if (callee) { // linked by name, not exported from a shared library
    callee->setLinkage(llvm::GlobalValue::ExternalLinkage);
    callee->setVisibility(llvm::GlobalValue::HiddenVisibility);
  }
  if (linker.linkInModule(std::move(v.module)))
    return module.emitError() << "cannot link the code of " << v.name << " for --cpu " << v.cpu;
  return success();
}

/// One module from the variants of several CPUs: each variant's functions
/// keep their own target attributes; NAME (and NAME_entry, the descriptor)
/// run the variant with the most features the host has (cpuid at each
/// call), the variant with the fewest when the host has no other's. The
/// descriptor states the fewest variant's features (what the runtime checks
/// at load) and the largest workspace.
static FailureOr<Variant> linkVariants(ModuleOp module, std::vector<Variant> &variants,
                                       const CPUOptions &options, llvm::LLVMContext &ctx) {
  // Most features first; the last is the fallback.
  std::stable_sort(variants.begin(), variants.end(), [](const Variant &a, const Variant &b) {
    return llvm::count(a.compiled.features, ',') > llvm::count(b.compiled.features, ',');
  });
  Variant out;
  out.name = options.name;
  Variant &base = variants.back();
  out.cpu = base.cpu;
  out.features = base.features;
  out.tm = std::move(base.tm);
  out.compiled = base.compiled;
  for (const Variant &v : variants)
    out.compiled.workspaceSize = std::max(out.compiled.workspaceSize, v.compiled.workspaceSize);
  out.module = std::make_unique<llvm::Module>(options.name, ctx);
  out.module->setDataLayout(out.tm->createDataLayout());
  out.module->setTargetTriple(out.tm->getTargetTriple());
  llvm::Linker linker(*out.module);
  for (Variant &v : variants)
    if (failed(linkPart(module, linker, v)))
      return failure();
  llvm::PointerType *ptr = llvm::PointerType::get(ctx, 0);
  auto passed = [](const std::vector<TensorSignature> &list) {
    return llvm::count_if(list, [](const TensorSignature &t) {
      return !llvm::is_contained(t.dims, 0);
    });
  };
  size_t nargs = passed(out.compiled.signature.inputs) + passed(out.compiled.signature.outputs) + 1;
  llvm::SmallVector<llvm::Type *> types(nargs + 1, ptr); // buffers, workspace, octet_call
  auto *model = llvm::Function::Create(
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), types, false),
      llvm::GlobalValue::ExternalLinkage, options.name, *out.module);
  auto *bb = llvm::BasicBlock::Create(ctx, "entry", model);
  llvm::IRBuilder<> b(bb);
  auto callVariant = [&](const Variant &v) {
    llvm::SmallVector<llvm::Value *> args;
    for (size_t k = 0; k < nargs; ++k)
      args.push_back(model->getArg(k));
    llvm::Function *f = out.module->getFunction(v.name + ".tasks");
    if (f)
      args.push_back(model->getArg(nargs));
    else
      f = out.module->getFunction(v.name);
    b.CreateCall(f, args);
    b.CreateRetVoid();
  };
  for (size_t i = 0; i + 1 < variants.size(); ++i) {
    llvm::SmallVector<llvm::StringRef> needed;
    llvm::StringRef(variants[i].compiled.features).split(needed, ',', -1, false);
    llvm::Value *all = llvm::ConstantInt::getTrue(ctx);
    for (auto &[name, ok] : emitHostFeatures(b, model, needed))
      all = b.CreateAnd(all, ok);
    auto *yes = llvm::BasicBlock::Create(ctx, "cpu." + variants[i].cpu, model);
    auto *no = llvm::BasicBlock::Create(ctx, "not." + variants[i].cpu, model);
    b.CreateCondBr(all, yes, no);
    b.SetInsertPoint(yes);
    callVariant(variants[i]);
    b.SetInsertPoint(no);
  }
  callVariant(variants.back());
  CPUOptions o = options;
  addDescriptor(*out.module, out.compiled.signature, o, out.compiled.workspaceSize,
                out.compiled.features);
  // The dispatcher and typed wrapper hold no vector code: baseline x86-64.
  return out;
}

/// The code of `module` for options.cpu (one CPU, or a list linked into one
/// module that picks by cpuid): a module whose function options.name runs
/// the model.
static FailureOr<Variant> buildForCPUs(ModuleOp module, const CPUOptions &options,
                                       llvm::LLVMContext &llvmCtx) {
  // --cpu=A,B,...: one variant per CPU, linked into one module.
  llvm::SmallVector<llvm::StringRef> cpus;
  llvm::StringRef(options.cpu).split(cpus, ',', -1, /*KeepEmpty=*/true);
  for (size_t i = 0; i < cpus.size(); ++i) {
    if (cpus[i].trim().empty())
      return module.emitError() << "--cpu '" << options.cpu << "' has an empty CPU name";
    for (size_t j = 0; j < i; ++j)
      if (cpus[j].trim() == cpus[i].trim())
        return module.emitError() << "--cpu '" << options.cpu << "' names '" << cpus[i].trim()
                                  << "' twice";
  }
  Variant v;
  if (cpus.size() == 1) {
    auto one = buildVariant(module, options, llvmCtx);
    if (failed(one))
      return failure();
    v = std::move(*one);
  } else {
    std::vector<Variant> variants;
    for (llvm::StringRef c : cpus) {
      CPUOptions o = options;
      o.cpu = c.trim().str();
      std::string suffix;
      for (char ch : o.cpu)
        suffix += llvm::isAlnum(ch) ? ch : '_';
      o.name = options.name + "_" + suffix;
      o.sharedLibrary = false;
      o.int8Isa = cpuInt8Isa(o.cpu, options.vnniMode);
      o.vnni = o.int8Isa == "avx512vnni";
      OwningOpRef<ModuleOp> copy = module.clone();
      auto one = buildVariant(*copy, o, llvmCtx);
      if (failed(one))
        return failure();
      variants.push_back(std::move(*one));
    }
    auto linked = linkVariants(module, variants, options, llvmCtx);
    if (failed(linked))
      return failure();
    v = std::move(*linked);
  }
  return v;
}

/// A dynamic batch: the code of each batch size's module (`parts`, largest
/// first, batch 1 last) linked into one module with NAME.batched(batch,
/// buffers, workspace, call), which runs a batch as pieces: as many pieces
/// of the largest size as fit, then of the next, and the rest one sample at
/// a time with the batch-1 code. The pieces run one after another with one
/// workspace (the largest any size needs); each piece's kernels use the
/// call's threads.
static FailureOr<Variant> linkBatches(ModuleOp module,
                                      std::vector<std::pair<int64_t, Variant>> &parts,
                                      const CPUOptions &options, llvm::LLVMContext &ctx) {
  Variant out;
  Variant &base = parts.back().second;
  out.name = options.name;
  out.cpu = base.cpu;
  out.features = base.features;
  out.tm = std::move(base.tm);
  out.compiled = base.compiled;
  out.compiled.batch = options.batch;
  for (auto &[size, v] : parts)
    out.compiled.workspaceSize = std::max(out.compiled.workspaceSize, v.compiled.workspaceSize);
  const ModelSignature &sig = out.compiled.signature;
  out.module = std::make_unique<llvm::Module>(options.name, ctx);
  out.module->setDataLayout(out.tm->createDataLayout());
  out.module->setTargetTriple(out.tm->getTargetTriple());
  std::vector<std::string> names;
  for (auto &[size, v] : parts)
    names.push_back(v.name);
  {
    llvm::Linker linker(*out.module);
    for (auto &[size, v] : parts)
      if (failed(linkPart(module, linker, v)))
        return failure();
  }
  // The buffers passed (zero-sized ones are not) and the bytes of one
  // sample of each batched one.
  std::vector<uint64_t> sampleBytes;
  auto collect = [&](const std::vector<TensorSignature> &list, bool outputs) {
    for (auto [k, t] : llvm::enumerate(list)) {
      if (llvm::is_contained(t.dims, 0))
        continue;
      bool batched = outputs || options.batch->batchedInputs[k];
      uint64_t bytes = octet_dtype_size(t.dtype);
      for (int64_t d : t.dims)
        bytes *= (uint64_t)d; // batch 1: one sample
      sampleBytes.push_back(batched ? bytes : 0);
    }
  };
  collect(sig.inputs, false);
  collect(sig.outputs, true);
  size_t nbuf = sampleBytes.size();
  llvm::Type *i64 = llvm::Type::getInt64Ty(ctx), *i8 = llvm::Type::getInt8Ty(ctx);
  llvm::PointerType *ptr = llvm::PointerType::get(ctx, 0);
  llvm::SmallVector<llvm::Type *> types = {i64};
  types.append(nbuf + 2, ptr); // buffers, workspace, octet_call
  auto *fn = llvm::Function::Create(
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), types, false),
      llvm::GlobalValue::InternalLinkage, options.name + ".batched", *out.module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  llvm::Value *offset = b.CreateAlloca(i64, nullptr, "offset");
  llvm::Value *rest = b.CreateAlloca(i64, nullptr, "rest");
  b.CreateStore(llvm::ConstantInt::get(i64, 0), offset);
  b.CreateStore(fn->getArg(0), rest);
  for (auto [p, part] : llvm::enumerate(parts)) {
    int64_t size = part.first;
    llvm::Function *f = out.module->getFunction(names[p] + ".tasks");
    if (!f)
      f = out.module->getFunction(names[p]);
    if (!f)
      return module.emitError() << "the code for batch " << size << " has no model function";
    auto *head = llvm::BasicBlock::Create(ctx, "batch" + std::to_string(size), fn);
    auto *body = llvm::BasicBlock::Create(ctx, "batch" + std::to_string(size) + ".run", fn);
    auto *next = llvm::BasicBlock::Create(ctx, "batch" + std::to_string(size) + ".done", fn);
    b.CreateBr(head);
    b.SetInsertPoint(head);
    b.CreateCondBr(b.CreateICmpSGE(b.CreateLoad(i64, rest), llvm::ConstantInt::get(i64, size)),
                   body, next);
    b.SetInsertPoint(body);
    llvm::Value *at = b.CreateLoad(i64, offset);
    llvm::SmallVector<llvm::Value *> args;
    for (size_t k = 0; k < nbuf; ++k) {
      llvm::Value *buf = fn->getArg(1 + k);
      if (sampleBytes[k])
        buf = b.CreateGEP(i8, buf, b.CreateMul(at, llvm::ConstantInt::get(i64, sampleBytes[k])));
      args.push_back(buf);
    }
    args.push_back(fn->getArg(1 + nbuf));
    if (f->arg_size() == nbuf + 2)
      args.push_back(fn->getArg(2 + nbuf));
    b.CreateCall(f, args);
    b.CreateStore(b.CreateAdd(at, llvm::ConstantInt::get(i64, size)), offset);
    b.CreateStore(b.CreateSub(b.CreateLoad(i64, rest), llvm::ConstantInt::get(i64, size)), rest);
    b.CreateBr(head);
    b.SetInsertPoint(next);
  }
  b.CreateRetVoid();
  addDescriptor(*out.module, sig, options, out.compiled.workspaceSize, out.compiled.features);
  return out;
}

/// Threads for code generation: `requested`, or the CPUs this process may
/// use (at most 8).
static unsigned codegenThreads(unsigned requested) {
  if (requested)
    return requested;
  unsigned n = llvm::hardware_concurrency().compute_thread_count();
  return std::clamp(n, 1u, 8u);
}

/// ld.lld, or "" where it is not installed.
static std::string findLld() {
  for (const char *candidate : {"/usr/lib/llvm-22/bin/ld.lld", "ld.lld-22", "ld.lld"}) {
    if (llvm::sys::fs::can_execute(candidate))
      return candidate;
    if (auto found = llvm::sys::findProgramByName(candidate))
      return *found;
  }
  return "";
}

namespace {
/// The new pass manager's analysis managers, registered with `pb` and
/// wired to each other.
struct Analyses {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  explicit Analyses(llvm::PassBuilder &pb) {
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
  }
};
} // namespace

/// LLVM's -O3 pipeline (it vectorizes the loops for the target), with the
/// one-lane masked stores scalarized last.
static void optimizeModule(llvm::Module &m, llvm::TargetMachine *tm) {
  llvm::PassBuilder pb(tm);
  Analyses analyses(pb);
  pb.registerOptimizerLastEPCallback(
      [](llvm::ModulePassManager &m, llvm::OptimizationLevel, llvm::ThinOrFullLTOPhase) {
        m.addPass(llvm::createModuleToFunctionPassAdaptor(ScalarizeOneLaneMaskedStoresPass()));
      });
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  mpm.run(m, analyses.mam);
}

/// Before the module is split for -O3 in parts: the helper functions that
/// only kernels call (math expansions) are inlined into them, as the
/// whole-module inliner would have, so that no such call crosses parts.
static void inlineHelpers(llvm::Module &m) {
  bool any = false;
  for (llvm::Function &f : m) {
    if (f.isDeclaration() || f.hasFnAttribute(llvm::Attribute::NoInline) ||
        !(f.hasLocalLinkage() || f.hasLinkOnceLinkage()))
      continue;
    bool onlyCalled = !f.use_empty() && llvm::all_of(f.uses(), [&](llvm::Use &u) {
      auto *call = llvm::dyn_cast<llvm::CallBase>(u.getUser());
      return call && call->isCallee(&u) &&
             call->getFunction()->hasFnAttribute(llvm::Attribute::NoInline);
    });
    if (!onlyCalled)
      continue;
    f.addFnAttr(llvm::Attribute::AlwaysInline);
    any = true;
  }
  if (!any)
    return;
  llvm::PassBuilder pb;
  Analyses analyses(pb);
  llvm::ModulePassManager mpm;
  mpm.addPass(llvm::AlwaysInlinerPass());
  mpm.addPass(llvm::GlobalDCEPass());
  mpm.run(m, analyses.mam);
}

/// -O3 and code generation in parallel: the module split into `parts`
/// modules (functions spread by size, each internal constant with the
/// functions that use it; functions, and what one part uses from another,
/// become hidden globals renamed with the model's name so that two models'
/// objects link together), each optimized (`optimize`) and compiled to an
/// object on its own thread with its own LLVMContext and target machine,
/// and the objects joined into one relocatable object (ld.lld -r).
/// Instruction selection and register allocation are per function, so each
/// function's code is what one thread would make.
static LogicalResult emitInParts(llvm::Module &m, llvm::TargetMachine &tm, unsigned threads,
                                 unsigned parts, bool optimize, const std::string &lld,
                                 const std::string &name, llvm::raw_pwrite_stream &os,
                                 std::string &error) {
  llvm::StringSet<> local;
  for (llvm::GlobalValue &gv : m.global_values())
    if (gv.hasLocalLinkage()) {
      if (!gv.getName().starts_with(name + "_"))
        gv.setName(name + "_" + (gv.hasName() ? gv.getName().str() : std::string("anon")));
      local.insert(gv.getName());
    }
  // Functions become hidden globals, so that any part may call them; the
  // internal variables (the constants) stay internal, each in the part of
  // the functions that use it (SplitModule keeps a local with its users),
  // so that -O3 in that part still sees their values (loads from uniform
  // constants fold, as in the whole module).
  for (llvm::Function &f : m)
    if (f.hasLocalLinkage() && !f.isDeclaration()) {
      f.setLinkage(llvm::GlobalValue::ExternalLinkage);
      f.setVisibility(llvm::GlobalValue::HiddenVisibility);
    }
  std::vector<llvm::SmallString<0>> bitcode;
  llvm::SplitModule(
      m, parts,
      [&](std::unique_ptr<llvm::Module> part) {
        // What was internal stays out of the shared library's exports.
        for (llvm::GlobalValue &gv : part->global_values())
          if (!gv.hasLocalLinkage() && local.contains(gv.getName()))
            gv.setVisibility(llvm::GlobalValue::HiddenVisibility);
        llvm::SmallString<0> buf;
        llvm::raw_svector_ostream bos(buf);
        llvm::WriteBitcodeToFile(*part, bos);
        bitcode.push_back(std::move(buf));
      },
      /*PreserveLocals=*/true, /*RoundRobin=*/true);
  std::vector<llvm::SmallVector<char, 0>> objects(bitcode.size());
  std::vector<std::string> errors(bitcode.size());
  const llvm::Target &target = tm.getTarget();
  llvm::Triple triple = tm.getTargetTriple();
  std::string cpu = tm.getTargetCPU().str(), features = tm.getTargetFeatureString().str();
  llvm::TargetOptions to = tm.Options;
  auto compile = [&](size_t i) {
    llvm::LLVMContext ctx;
    auto part = llvm::parseBitcodeFile(
        llvm::MemoryBufferRef(llvm::StringRef(bitcode[i].data(), bitcode[i].size()), "part"),
        ctx);
    if (!part) {
      errors[i] = llvm::toString(part.takeError());
      return;
    }
    std::unique_ptr<llvm::TargetMachine> ptm(target.createTargetMachine(
        triple, cpu, features, to, llvm::Reloc::PIC_, std::nullopt,
        llvm::CodeGenOptLevel::Aggressive));
    if (ptm && optimize)
      optimizeModule(**part, ptm.get());
    llvm::raw_svector_ostream out(objects[i]);
    llvm::legacy::PassManager codegen;
    if (!ptm || ptm->addPassesToEmitFile(codegen, out, nullptr, llvm::CodeGenFileType::ObjectFile)) {
      errors[i] = "the target cannot emit object files";
      return;
    }
    codegen.run(**part);
  };
  // More parts than threads, taken in turn, so that the threads finish
  // together whatever the parts' sizes.
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < bitcode.size();)
      compile(i);
  };
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < threads; ++t)
    workers.emplace_back(work);
  work();
  for (std::thread &t : workers)
    t.join();
  for (const std::string &e : errors)
    if (!e.empty()) {
      error = "code generation: " + e;
      return failure();
    }
  // One relocatable object from the parts.
  llvm::SmallVector<llvm::SmallString<128>> paths;
  llvm::scope_exit cleanup([&] {
    for (auto &p : paths)
      llvm::sys::fs::remove(p);
  });
  for (auto &obj : objects) {
    llvm::SmallString<128> path;
    int fd;
    if (auto ec = llvm::sys::fs::createTemporaryFile("octet-part", "o", fd, path)) {
      error = "cannot create a temporary object: " + ec.message();
      return failure();
    }
    paths.push_back(path);
    llvm::raw_fd_ostream f(fd, /*shouldClose=*/true);
    f.write(obj.data(), obj.size());
    f.close();
    if (f.has_error()) {
      error = "cannot write " + path.str().str();
      f.clear_error();
      return failure();
    }
  }
  llvm::SmallString<128> joined;
  int fd;
  if (auto ec = llvm::sys::fs::createTemporaryFile("octet-joined", "o", fd, joined)) {
    error = "cannot create a temporary object: " + ec.message();
    return failure();
  }
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  paths.push_back(joined);
  llvm::SmallVector<llvm::StringRef> args = {lld, "-r", "-o", joined};
  for (size_t i = 0; i + 1 < paths.size(); ++i)
    args.push_back(paths[i]);
  std::string msg;
  if (llvm::sys::ExecuteAndWait(lld, args, std::nullopt, {}, 0, 0, &msg) != 0) {
    error = "ld.lld -r failed" + (msg.empty() ? std::string() : ": " + msg);
    return failure();
  }
  auto buf = llvm::MemoryBuffer::getFile(joined, /*IsText=*/false);
  if (!buf) {
    error = "cannot read " + joined.str().str() + ": " + buf.getError().message();
    return failure();
  }
  os << (*buf)->getBuffer();
  return success();
}

FailureOr<CompiledModule> compileToObject(ModuleOp module, const CPUOptions &options,
                                          llvm::raw_pwrite_stream &os) {
  auto phase = [&](StringRef name) {
    return options.timing ? options.timing->nest(name) : TimingScope();
  };
  llvm::LLVMContext llvmCtx;
  Variant v;
  if (!options.batch) {
    auto built = buildForCPUs(module, options, llvmCtx);
    if (failed(built))
      return failure();
    v = std::move(*built);
  } else {
    // One part per batch size, batch 1 (this module) last.
    std::vector<std::pair<int64_t, ModuleOp>> modules = options.batchModules;
    modules.push_back({1, module});
    llvm::sort(modules, [](const auto &x, const auto &y) { return x.first > y.first; });
    std::vector<std::pair<int64_t, Variant>> parts;
    for (auto &[size, m] : modules) {
      CPUOptions o = options;
      o.name = options.name + "_b" + std::to_string(size);
      o.sharedLibrary = false;
      o.batch.reset();
      o.batchModules.clear();
      auto built = buildForCPUs(m, o, llvmCtx);
      if (failed(built))
        return failure();
      parts.push_back({size, std::move(*built)});
    }
    auto linked = linkBatches(module, parts, options, llvmCtx);
    if (failed(linked))
      return failure();
    v = std::move(*linked);
  }
  std::unique_ptr<llvm::Module> llvmModule = std::move(v.module);
  std::unique_ptr<llvm::TargetMachine> tm = std::move(v.tm);
  CompiledModule compiled = v.compiled;

  unsigned threads = codegenThreads(options.compileThreads);
  std::string lld = threads > 1 ? findLld() : std::string();
  if (threads > 1 && !lld.empty() && llvmModule->getFunctionList().size() > 1) {
    // -O3 and code generation per part, on every thread: the kernels are
    // noinline and share nothing but constants, so each part's -O3 makes
    // what the whole module's would (the same code, measured on resnet50).
    TimingScope inlining = phase("LLVM inlining (helpers)");
    inlineHelpers(*llvmModule);
    inlining.stop();
    TimingScope emitting = phase("LLVM -O3 and code generation (" + std::to_string(threads) +
                                 " threads)");
    std::string error;
    if (failed(emitInParts(*llvmModule, *tm, threads, threads * 4, /*optimize=*/true, lld,
                           options.name, os, error)))
      return module.emitError() << error;
    return compiled;
  }
  TimingScope optimizing = phase("LLVM -O3");
  optimizeModule(*llvmModule, tm.get());
  optimizing.stop();

  TimingScope emitting = phase("LLVM code generation");
  llvm::legacy::PassManager codegen;
  if (tm->addPassesToEmitFile(codegen, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return module.emitError() << "the target cannot emit object files";
  codegen.run(*llvmModule);
  return compiled;
}

static std::string cType(int dtype) {
  switch (dtype) {
  case OCTET_DTYPE_F32:
    return "float";
  case OCTET_DTYPE_F64:
    return "double";
  case OCTET_DTYPE_I8:
    return "int8_t";
  case OCTET_DTYPE_U8:
    return "uint8_t";
  case OCTET_DTYPE_I16:
    return "int16_t";
  case OCTET_DTYPE_U16:
    return "uint16_t";
  case OCTET_DTYPE_I32:
    return "int32_t";
  case OCTET_DTYPE_I64:
    return "int64_t";
  case OCTET_DTYPE_U32:
    return "uint32_t";
  case OCTET_DTYPE_U64:
    return "uint64_t";
  case OCTET_DTYPE_F16:
  case OCTET_DTYPE_BF16:
    return "uint16_t"; // the 16 bits
  default:
    return "uint8_t";
  }
}

std::string emitHeader(const CompiledModule &compiled, const CPUOptions &options,
                       llvm::StringRef source) {
  const ModelSignature &sig = compiled.signature;
  std::string upper = llvm::StringRef(options.name).upper();
  std::string guard = "OCTET_MODEL_" + upper + "_H";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "/* " << options.name << ": generated by octetc from " << source
     << ". Do not edit. */\n";
  os << "#ifndef " << guard << "\n#define " << guard << "\n\n";
  os << "#include <stddef.h>\n#include <stdint.h>\n#include \"octet/Runtime/octet_runtime.h\"\n\n";
  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  const std::optional<DynamicBatch> &batch = compiled.batch;
  auto describe = [&](const char *kind, const TensorSignature &t, size_t k, bool batched) {
    os << "/* " << kind << " " << k << " \"" << t.name << "\": "
       << octet_dtype_name(t.dtype);
    for (auto [j, d] : llvm::enumerate(t.dims))
      os << "[" << (batched && j == 0 ? std::string("batch") : std::to_string(d)) << "]";
    os << " */\n";
  };
  for (auto [k, t] : llvm::enumerate(sig.inputs))
    describe("input", t, k, batch && batch->batchedInputs[k]);
  for (auto [k, t] : llvm::enumerate(sig.outputs))
    describe("output", t, k, batch.has_value());
  if (batch)
    os << "\n/* A dynamic batch: any batch from " << batch->min << " to " << batch->max
       << " (the leading\n   dimension [batch] above); " << options.name
       << " returns OCTET_INVALID_ARGUMENT\n   (octet_status_code) for a batch outside it, "
          "else OCTET_OK. */\n";
  os << "\n/* The caller-owned workspace of one call: " << upper << "_WORKSPACE_SIZE bytes\n"
     << "   aligned to " << upper << "_WORKSPACE_ALIGNMENT. Calls on different threads need\n"
     << "   different workspaces; nothing else is shared, so they may run at once. */\n";
  os << "#define " << upper << "_WORKSPACE_SIZE ((size_t)" << compiled.workspaceSize << "u)\n";
  os << "#define " << upper << "_WORKSPACE_ALIGNMENT ((size_t)64u)\n\n";
  auto empty = [](const TensorSignature &t) { return llvm::is_contained(t.dims, 0); };
  if (llvm::any_of(sig.inputs, empty) || llvm::any_of(sig.outputs, empty))
    os << "/* Zero-sized inputs and outputs hold no data and are not parameters. */\n";
  os << (batch ? "int32_t " : "void ") << options.name << "(" << (batch ? "int64_t batch, " : "");
  for (auto [k, t] : llvm::enumerate(sig.inputs))
    if (!empty(t))
      os << "const " << cType(t.dtype) << " *input" << k << ", ";
  for (auto [k, t] : llvm::enumerate(sig.outputs))
    if (!empty(t))
      os << cType(t.dtype) << " *output" << k << ", ";
  os << "void *workspace);\n\n";
  os << "/* The ABI v2 entry point: checks the call (workspace size and alignment)\n"
     << "   and returns an octet_status_code. */\n";
  os << "int32_t " << options.name << "_entry(octet_call *call);\n\n";
  os << "/* For the runtime: octet_module_wrap(&" << options.name << "_descriptor, NULL, ...). */\n";
  os << "extern const octet_module_desc " << options.name << "_descriptor;\n\n";
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return s;
}

LogicalResult linkSharedLibrary(llvm::StringRef object, llvm::StringRef output,
                                std::string &error) {
  std::string lld = findLld();
  if (lld.empty()) {
    error = "cannot find ld.lld to link the shared library (install lld-22)";
    return failure();
  }
  llvm::SmallVector<llvm::StringRef> args = {lld, "-shared", "--as-needed", "-o", output,
                                             object};
  std::string msg;
  int rc = llvm::sys::ExecuteAndWait(lld, args, std::nullopt, {}, 0, 0, &msg);
  if (rc != 0) {
    error = "ld.lld failed" + (msg.empty() ? std::string() : ": " + msg);
    return failure();
  }
  return success();
}

FailureOr<CompiledModule> compileSharedLibrary(const Target &target, ModuleOp module,
                                               const TargetOptions &options,
                                               llvm::StringRef output, std::string &error) {
  llvm::SmallString<128> objPath;
  int fd;
  if (auto ec = llvm::sys::fs::createTemporaryFile("octet", "o", fd, objPath)) {
    error = "cannot create a temporary file: " + ec.message();
    return failure();
  }
  llvm::FileRemover removeObj(objPath);
  FailureOr<CompiledModule> compiled;
  {
    llvm::raw_fd_ostream obj(fd, /*shouldClose=*/true);
    TargetOptions opts = options;
    opts.sharedLibrary = true;
    compiled = target.compile(module, opts, obj);
    if (failed(compiled))
      return failure(); // the target reported it
  }
  std::optional<mlir::TimingScope> linkTimer;
  if (options.timing)
    linkTimer.emplace(options.timing->nest("link (ld.lld -shared)"));
  if (failed(linkSharedLibrary(objPath, output, error)))
    return failure();
  return compiled;
}

} // namespace octet

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

namespace {

/// CPUOptions from the target-independent options, checked.
std::optional<::octet::CPUOptions> cpuOptions(const ::octet::TargetOptions &o, std::string &error) {
  if (o.requant != "onnx" && o.requant != "fixed-point") {
    error = "--requant must be onnx or fixed-point, not '" + o.requant + "'";
    return std::nullopt;
  }
  if (o.vnni != "auto" && o.vnni != "on" && o.vnni != "off") {
    error = "--vnni must be auto, on or off, not '" + o.vnni + "'";
    return std::nullopt;
  }
  ::octet::CPUOptions c;
  c.name = o.name;
  c.cpu = o.cpu;
  c.requant = o.requant;
  c.sharedLibrary = o.sharedLibrary;
  c.vnniMode = o.vnni;
  c.int8Isa = o.cpu.find(',') == std::string::npos ? ::octet::cpuInt8Isa(o.cpu, o.vnni) : "";
  c.vnni = c.int8Isa == "avx512vnni";
  c.timing = o.timing;
  c.compileThreads = o.compileThreads;
  c.verifyEachPass = o.verifyEachPass;
  c.batch = o.batch;
  c.batchModules = o.batchModules;
  return c;
}

/// octet-opt's --octet-cpu-pipeline options.
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  Option<std::string> requant{*this, "requant",
                              llvm::cl::desc("Requantization rule: onnx or fixed-point"),
                              llvm::cl::init("onnx")};
  Option<bool> vnni{*this, "vnni",
                    llvm::cl::desc("Use the int8 kernels on octet_cpu.dot4 (AVX-512 VNNI)"),
                    llvm::cl::init(false)};
  Option<std::string> isa{*this, "isa",
                          llvm::cl::desc("The int8 kernels: avx512vnni, avxvnni, avx2 or none "
                                         "(default: from vnni)"),
                          llvm::cl::init("")};
};

} // namespace

namespace octet {

void registerCPUPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "octet-cpu-pipeline",
      "Lower a quantized octet module to the LLVM dialect for x86-64 CPUs (octetc "
      "--target=cpu --emit=lowered, without renaming @main)",
      [](OpPassManager &pm, const CPUPipelineOptions &o) {
        CPUOptions c;
        c.requant = o.requant;
        c.vnni = o.vnni;
        c.int8Isa = o.isa;
        buildCPULoweringPipeline(pm, c);
      });
}

void registerCPUTarget() {
  Target t;
  t.name = "cpu";
  t.description = "x86-64 CPUs: LLVM, AVX2 / AVX-512 / AVX-512 VNNI kernels";
  t.buildPipeline = [](OpPassManager &pm, const TargetOptions &o,
                       std::string &error) -> LogicalResult {
    auto c = cpuOptions(o, error);
    if (!c)
      return failure();
    buildCPULoweringPipeline(pm, *c);
    return success();
  };
  t.lower = [](ModuleOp m, const TargetOptions &o) -> LogicalResult {
    std::string error;
    auto c = cpuOptions(o, error);
    if (!c)
      return m.emitError() << error;
    if (failed(getSignature(m)))
      return failure();
    return lowerToLLVMDialect(m, *c);
  };
  t.compile = [](ModuleOp m, const TargetOptions &o,
                 llvm::raw_pwrite_stream &os) -> FailureOr<CompiledModule> {
    std::string error;
    auto c = cpuOptions(o, error);
    if (!c)
      return m.emitError() << error;
    return compileToObject(m, *c, os);
  };
  t.header = [](const CompiledModule &compiled, const TargetOptions &o, llvm::StringRef source) {
    CPUOptions c;
    c.name = o.name;
    return emitHeader(compiled, c, source);
  };
  registerTarget(std::move(t));
}

} // namespace octet
