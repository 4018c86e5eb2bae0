//===- CPUTarget.cpp - octet module to a CPU object file -------------------===//

#include "octet/Target/CPU.h"
#include "octet/runtime.h"

#include "octet/Dialect/Octet/OctetDialect.h"
#include "octet/Transforms/Passes.h"
#include "octet/Conversion/Passes.h"
#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/InitAllPasses.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

namespace octet {

static int dtypeOf(Type el) {
  if (el.isF32())
    return OCTET_DTYPE_F32;
  if (el.isF64())
    return OCTET_DTYPE_F64;
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
      return u ? 0 : OCTET_DTYPE_I32;
    case 64:
      return u ? 0 : OCTET_DTYPE_I64;
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
      if (llvm::is_contained(rt.getShape(), 0))
        return main.emitError() << (isArg ? "input" : "output") << " '" << name
                                << "' has a zero-sized dimension " << t
                                << "; empty tensors are not supported";
      int dt = dtypeOf(rt.getElementType());
      if (!dt)
        return main.emitError() << (isArg ? "input" : "output") << " '" << name
                                << "' has element type " << rt.getElementType()
                                << ", which the runtime cannot pass";
      out.push_back({name, dt, std::vector<int64_t>(rt.getShape().begin(),
                                                     rt.getShape().end())});
    }
    return success();
  };
  if (failed(collect(main.getArgumentTypes(), sig.inputs, true)) ||
      failed(collect(main.getResultTypes(), sig.outputs, false)))
    return failure();
  return sig;
}

void buildCPULoweringPipeline(OpPassManager &pm, const CPUOptions &options) {
  // The pipeline is spelled as text; make sure every pass in it is known.
  static bool registered = [] {
    mlir::registerAllPasses();
    mlir::octet::registerOctetPasses();
    mlir::octet::registerOctetConversionPasses();
    mlir::octet::cpu::registerOctetCPUPasses();
    return true;
  }();
  (void)registered;
  std::string front =
      "convert-octet-to-cpu{requant=" + options.requant +
      (options.vnni ? " vnni=1" : "") + "},canonicalize,cse,octet-fuse-elementwise,octet-approximate-math,canonicalize,cse,"
      "one-shot-bufferize{bufferize-function-boundaries=1 "
      "function-boundary-type-conversion=identity-layout-map},canonicalize";
  std::string outParams =
      "buffer-results-to-out-params{hoist-static-allocs=1 modify-public-functions=1},"
      "canonicalize";
  std::string back =
      "convert-linalg-to-loops,lower-affine,"
      "convert-scf-to-cf,expand-strided-metadata,lower-affine,"
      "convert-vector-to-llvm{vector-transpose-lowering=shuffle1d},"
      "finalize-memref-to-llvm,convert-math-to-llvm,convert-math-to-libm,convert-arith-to-llvm,"
      "convert-index-to-llvm,convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},"
      "convert-cf-to-llvm,reconcile-unrealized-casts";
  if (failed(parsePassPipeline(front, pm, llvm::errs())))
    llvm::report_fatal_error("octet: invalid built-in CPU pipeline");
  pm.addPass(mlir::octet::cpu::createOctetDistinctResults());
  pm.addPass(mlir::octet::cpu::createOctetReturnAllocs());
  if (failed(parsePassPipeline(outParams, pm, llvm::errs())))
    llvm::report_fatal_error("octet: invalid built-in CPU pipeline");
  pm.addPass(mlir::octet::cpu::createOctetStaticBuffers());
  if (failed(parsePassPipeline("buffer-deallocation-pipeline", pm, llvm::errs())))
    llvm::report_fatal_error("octet: invalid built-in CPU pipeline");
  // Strided copies (padding) would call the MLIR runner library's memrefCopy;
  // turn them into linalg.copy loops so the object needs only libc.
  pm.addPass(mlir::octet::cpu::createOctetCopiesToLinalg());
  pm.addPass(mlir::octet::cpu::createConvertOctetCPUToLLVM());
  if (failed(parsePassPipeline(back, pm, llvm::errs())))
    llvm::report_fatal_error("octet: invalid built-in CPU pipeline");
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

/// Adds the descriptor, the void** invoke wrapper and (for shared libraries)
/// the `octet_module` alias to the translated module.
static void addDescriptor(llvm::Module &m, const ModelSignature &sig,
                          const CPUOptions &options) {
  llvm::LLVMContext &ctx = m.getContext();
  llvm::Type *i32 = llvm::Type::getInt32Ty(ctx), *i64 = llvm::Type::getInt64Ty(ctx);
  llvm::PointerType *ptr = llvm::PointerType::get(ctx, 0);
  auto *tensorTy = llvm::StructType::create(ctx, {ptr, i32, i32, ptr}, "octet_tensor_desc");
  auto str = [&](const std::string &s, const std::string &sym) {
    auto *init = llvm::ConstantDataArray::getString(ctx, s);
    auto *g = new llvm::GlobalVariable(m, init->getType(), true,
                                       llvm::GlobalValue::PrivateLinkage, init, sym);
    g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    return g;
  };
  auto tensors = [&](const std::vector<TensorSignature> &list, const std::string &kind) {
    std::vector<llvm::Constant *> descs;
    for (auto [k, t] : llvm::enumerate(list)) {
      std::vector<llvm::Constant *> dims;
      for (int64_t d : t.dims)
        dims.push_back(llvm::ConstantInt::get(i64, d));
      auto *dimTy = llvm::ArrayType::get(i64, dims.size());
      auto *dimG = new llvm::GlobalVariable(
          m, dimTy, true, llvm::GlobalValue::PrivateLinkage,
          llvm::ConstantArray::get(dimTy, dims),
          options.name + "." + kind + std::to_string(k) + ".dims");
      descs.push_back(llvm::ConstantStruct::get(
          tensorTy, {str(t.name, options.name + "." + kind + std::to_string(k) + ".name"),
                     llvm::ConstantInt::get(i32, t.dtype),
                     llvm::ConstantInt::get(i32, t.dims.size()), dimG}));
    }
    auto *arrTy = llvm::ArrayType::get(tensorTy, descs.size());
    return new llvm::GlobalVariable(m, arrTy, true, llvm::GlobalValue::PrivateLinkage,
                                    llvm::ConstantArray::get(arrTy, descs),
                                    options.name + "." + kind + "s");
  };
  llvm::GlobalVariable *ins = tensors(sig.inputs, "input");
  llvm::GlobalVariable *outs = tensors(sig.outputs, "output");

  // void NAME_invoke(void **inputs, void **outputs)
  llvm::Function *entry = m.getFunction(options.name);
  auto *invokeTy = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr, ptr}, false);
  auto *invoke = llvm::Function::Create(invokeTy, llvm::GlobalValue::ExternalLinkage,
                                        options.name + "_invoke", m);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", invoke));
  std::vector<llvm::Value *> args;
  auto load = [&](llvm::Value *base, size_t n) {
    for (size_t k = 0; k < n; ++k)
      args.push_back(b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, base, k)));
  };
  load(invoke->getArg(0), sig.inputs.size());
  load(invoke->getArg(1), sig.outputs.size());
  b.CreateCall(entry, args);
  b.CreateRetVoid();

  auto *modTy = llvm::StructType::create(ctx, {i32, i32, ptr, i32, i32, ptr, ptr, ptr},
                                         "octet_module_desc");
  auto *desc = new llvm::GlobalVariable(
      m, modTy, true, llvm::GlobalValue::ExternalLinkage,
      llvm::ConstantStruct::get(
          modTy, {llvm::ConstantInt::get(i32, OCTET_MODULE_MAGIC),
                  llvm::ConstantInt::get(i32, OCTET_MODULE_ABI_VERSION),
                  str(options.name, options.name + ".name"),
                  llvm::ConstantInt::get(i32, sig.inputs.size()),
                  llvm::ConstantInt::get(i32, sig.outputs.size()), ins, outs, invoke}),
      options.name + "_descriptor");
  if (options.sharedLibrary)
    llvm::GlobalAlias::create(modTy, 0, llvm::GlobalValue::ExternalLinkage,
                              "octet_module", desc, &m);
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

bool cpuHasVNNI(const std::string &requested) {
  std::string cpu, features;
  resolveCPU(requested, cpu, features);
  if (!features.empty())
    return features.find("+avx512vnni") != std::string::npos;
  llvm::InitializeNativeTarget();
  std::string error;
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return false;
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(triple, cpu, ""));
  return sti && sti->isCPUStringValid(cpu) && sti->checkFeatures("+avx512vnni");
}

LogicalResult lowerToLLVMDialect(ModuleOp module, const CPUOptions &options) {
  MLIRContext *ctx = module.getContext();
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return module.emitError() << "no func.func @main to compile";
  for (const char *reserved : {"malloc", "free", "memcpy", "memset", "octet_module"})
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
  if (failed(pm.run(module)))
    return failure();

  return success();
}

LogicalResult compileToObject(ModuleOp module, const CPUOptions &options,
                              llvm::raw_pwrite_stream &os) {
  MLIRContext *ctx = module.getContext();
  auto sig = getSignature(module);
  if (failed(sig))
    return failure();
  if (failed(lowerToLLVMDialect(module, options)))
    return failure();

  // Target machine for the requested CPU.
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string error;
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return module.emitError() << "no LLVM target for " << triple.str() << ": " << error;
  std::string cpu, features;
  resolveCPU(options.cpu, cpu, features);
  llvm::TargetOptions to;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, to, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return module.emitError() << "cannot create a target machine for " << cpu;
  if (!tm->getMCSubtargetInfo()->isCPUStringValid(cpu))
    return module.emitError() << "unknown --cpu '" << options.cpu
                              << "' (use native or an LLVM CPU name such as znver4, "
                                 "skylake-avx512, x86-64-v3)";

  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  llvm::LLVMContext llvmCtx;
  auto llvmModule = translateModuleToLLVMIR(module, llvmCtx, options.name);
  if (!llvmModule)
    return module.emitError() << "translation to LLVM IR failed";
  llvmModule->setDataLayout(tm->createDataLayout());
  llvmModule->setTargetTriple(triple);
  addDescriptor(*llvmModule, *sig, options);
  restorePointerProvenance(*llvmModule);
  for (llvm::Function &f : *llvmModule)
    if (!f.isDeclaration())
      scalarizeOneLaneMaskedStores(f);
  for (llvm::Function &f : *llvmModule) {
    if (f.isDeclaration())
      continue;
    f.addFnAttr("target-cpu", cpu);
    if (!features.empty())
      f.addFnAttr("target-features", features);
  }

  // -O3: vectorizes the loops for the target.
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(tm.get());
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  pb.registerOptimizerLastEPCallback(
      [](llvm::ModulePassManager &m, llvm::OptimizationLevel, llvm::ThinOrFullLTOPhase) {
        m.addPass(llvm::createModuleToFunctionPassAdaptor(ScalarizeOneLaneMaskedStoresPass()));
      });
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  mpm.run(*llvmModule, mam);

  llvm::legacy::PassManager codegen;
  if (tm->addPassesToEmitFile(codegen, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return module.emitError() << "the target cannot emit object files";
  codegen.run(*llvmModule);
  return success();
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
  default:
    return "uint8_t";
  }
}

std::string emitHeader(const ModelSignature &sig, const CPUOptions &options,
                       llvm::StringRef source) {
  std::string guard = "OCTET_MODEL_" + llvm::StringRef(options.name).upper() + "_H";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "/* " << options.name << ": generated by octetc from " << source
     << ". Do not edit. */\n";
  os << "#ifndef " << guard << "\n#define " << guard << "\n\n";
  os << "#include <stdint.h>\n#include \"octet/runtime.h\"\n\n";
  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  auto describe = [&](const char *kind, const TensorSignature &t, size_t k) {
    os << "/* " << kind << " " << k << " \"" << t.name << "\": "
       << octet_dtype_name(t.dtype);
    for (int64_t d : t.dims)
      os << "[" << d << "]";
    os << " */\n";
  };
  for (auto [k, t] : llvm::enumerate(sig.inputs))
    describe("input", t, k);
  for (auto [k, t] : llvm::enumerate(sig.outputs))
    describe("output", t, k);
  os << "void " << options.name << "(";
  bool first = true;
  for (auto [k, t] : llvm::enumerate(sig.inputs)) {
    os << (first ? "" : ", ") << "const " << cType(t.dtype) << " *input" << k;
    first = false;
  }
  for (auto [k, t] : llvm::enumerate(sig.outputs)) {
    os << (first ? "" : ", ") << cType(t.dtype) << " *output" << k;
    first = false;
  }
  os << ");\n\n";
  os << "/* For the runtime: octet_module_wrap(&" << options.name << "_descriptor, ...). */\n";
  os << "extern const octet_module_desc " << options.name << "_descriptor;\n\n";
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return s;
}

LogicalResult linkSharedLibrary(llvm::StringRef object, llvm::StringRef output,
                                std::string &error) {
  std::string lld;
  for (const char *candidate : {"/usr/lib/llvm-22/bin/ld.lld", "ld.lld-22", "ld.lld"}) {
    if (llvm::sys::fs::can_execute(candidate)) {
      lld = candidate;
      break;
    }
    if (auto found = llvm::sys::findProgramByName(candidate)) {
      lld = *found;
      break;
    }
  }
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

} // namespace octet
