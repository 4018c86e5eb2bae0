//===- VulkanTarget.cpp - octet module to SPIR-V and a dispatch schedule ---===//
//
// --target=vulkan: the GPU targets' shared lowering (lib/Target/GPU) makes
// gpu.func kernels and the host schedule; the kernels go through
// convert-gpu-to-spirv into one spirv.module (every kernel an entry point),
// serialized in-process. The artifact is a host object like the CPU one:
// the ABI v2 descriptor (target "vulkan") whose executables are the SPIR-V
// binary and the schedule, which the runtime's Vulkan driver runs.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU.h"
#include "octet/Target/Descriptor.h"
#include "octet/Target/GPU.h"
#include "octet/Target/Registry.h"
#include "octet/Target/Vulkan.h"
#include "octet/Runtime/octet_abi.h"

#include "mlir/Conversion/GPUToSPIRV/GPUToSPIRVPass.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"
#include "mlir/Dialect/SPIRV/Transforms/Passes.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/AsmState.h"
#include "mlir/Target/SPIRV/Serialization.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

namespace octet {

static const char *kKernelModule = "octet_kernels";

/// The SPIR-V environment the kernels are written for: Vulkan 1.1-level
/// SPIR-V 1.3 with 8- and 16-bit storage and 64-bit integers, which lavapipe
/// and the desktop drivers have; with int-dot, the packed 4x8-bit integer
/// dot products of SPV_KHR_integer_dot_product (core in Vulkan 1.3).
static std::string targetEnv(const VulkanCaps &caps, bool dotProducts, bool coopMatrices) {
  std::string capsList = "Shader, Int8, Int16, Int64, Float64, StorageBuffer8BitAccess, "
                         "StorageBuffer16BitAccess";
  std::string exts = "SPV_KHR_storage_buffer_storage_class, SPV_KHR_8bit_storage, "
                     "SPV_KHR_16bit_storage";
  std::string version = "v1.3";
  if (caps.intDot && dotProducts) {
    // MLIR gives the dot-product ops SPIR-V 1.6 (Vulkan 1.3), where they
    // are core.
    version = "v1.6";
    capsList += ", DotProduct, DotProductInput4x8BitPacked";
    exts += ", SPV_KHR_integer_dot_product";
  }
  if (coopMatrices) {
    // SPV_KHR_cooperative_matrix asks for the Vulkan memory model; the
    // kernel finds its subgroup by SubgroupId (GroupNonUniform).
    version = "v1.6";
    capsList += ", CooperativeMatrixKHR, VulkanMemoryModel, GroupNonUniform";
    exts += ", SPV_KHR_cooperative_matrix, SPV_KHR_vulkan_memory_model";
  }
  return "#spirv.target_env<#spirv.vce<" + version + ", [" + capsList + "], [" + exts +
         "]>, #spirv.resource_limits<>>";
}

FailureOr<VulkanCaps> parseVulkanCaps(llvm::StringRef text, std::string &error) {
  std::string list = text.str();
  if (list.empty())
    list = "int8,int-dot";
  else if (list == "lavapipe")
    list = "int8,int-dot,subgroup=8";
  else if (list == "nvidia")
    list = "int8,int-dot,coopmat:16x16x32,subgroup=32";
  else if (list == "amd")
    list = "int8,int-dot,subgroup=64";
  else if (list == "intel")
    list = "int8,int-dot,subgroup=16";
  else if (list == "generic")
    list = "int8";
  VulkanCaps caps;
  bool int8 = false;
  llvm::SmallVector<llvm::StringRef> items;
  llvm::StringRef(list).split(items, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : items) {
    item = item.trim();
    if (item == "int8") {
      int8 = true;
    } else if (item == "int-dot") {
      caps.intDot = true;
    } else if (item.consume_front("coopmat:")) {
      llvm::SmallVector<llvm::StringRef> mnk;
      item.split(mnk, 'x');
      if (mnk.size() != 3 || mnk[0].getAsInteger(10, caps.coopmat[0]) ||
          mnk[1].getAsInteger(10, caps.coopmat[1]) || mnk[2].getAsInteger(10, caps.coopmat[2]) ||
          caps.coopmat[0] <= 0 || caps.coopmat[1] <= 0 || caps.coopmat[2] <= 0) {
        error = "--vulkan-caps: 'coopmat:" + item.str() + "' is not coopmat:MxNxK";
        return failure();
      }
    } else if (item.consume_front("subgroup=")) {
      if (item.getAsInteger(10, caps.subgroup) || caps.subgroup < 1 || caps.subgroup > 128 ||
          (caps.subgroup & (caps.subgroup - 1))) {
        error = "--vulkan-caps: subgroup=" + item.str() + " is not a power of two from 1 to 128";
        return failure();
      }
    } else {
      error = "--vulkan-caps: unknown capability '" + item.str() +
              "' (presets: lavapipe, nvidia, amd, intel, generic; capabilities: int8, int-dot, "
              "coopmat:MxNxK, subgroup=N)";
      return failure();
    }
  }
  if (!int8) {
    error = "--vulkan-caps must include int8: Octet's kernels keep 8-bit tensors in 8-bit "
            "storage buffers";
    return failure();
  }
  if (caps.coopmat[0]) {
    // The kernel stages K 32 bytes a step as 32-bit words, and tiles the
    // workgroup as 8 subgroups of the device's size.
    const int64_t *c = caps.coopmat;
    if (c[0] > 64 || c[1] > 64 || c[2] % 4 || 32 % c[2]) {
      error = "--vulkan-caps: coopmat:" + std::to_string(c[0]) + "x" + std::to_string(c[1]) +
              "x" + std::to_string(c[2]) +
              " is not a fragment Octet's kernel takes (M and N at most 64; K 4, 8, 16 or 32)";
      return failure();
    }
    if (!caps.subgroup) {
      error = "--vulkan-caps: coopmat needs the device's subgroup size (subgroup=N): the "
              "cooperative-matrix kernel tiles each workgroup as 8 subgroups";
      return failure();
    }
  }
  return caps;
}

LogicalResult buildVulkanPipeline(OpPassManager &pm, const TargetOptions &o, std::string &error) {
  if (o.requant != "onnx" && o.requant != "fixed-point") {
    error = "--requant must be onnx or fixed-point, not '" + o.requant + "'";
    return failure();
  }
  auto caps = parseVulkanCaps(o.vulkanCaps, error);
  if (failed(caps))
    return failure();
  GPUCoopMatrix coop;
  if (caps->coopmat[0])
    coop = {caps->coopmat[0], caps->coopmat[1], caps->coopmat[2], caps->subgroup};
  buildGPUKernelPipeline(pm, o.requant, caps->intDot ? GPUDot::SPIRV : GPUDot::Scalar,
                         /*spirv=*/true, /*tensorCores=*/false, o.gpuStages, coop);
  return success();
}

/// The kernels take packed 8-bit dot products (SPV_KHR_integer_dot_product).
static bool usesDotProducts(Operation *root) {
  bool found = false;
  root->walk([&](Operation *op) {
    if (isa<spirv::SDotAccSatOp, spirv::UDotAccSatOp, spirv::SUDotAccSatOp, spirv::SDotOp,
            spirv::UDotOp, spirv::SUDotOp>(op))
      found = true;
  });
  return found;
}

/// The kernels multiply cooperative matrices (SPV_KHR_cooperative_matrix).
static bool usesCoopMatrices(Operation *root) {
  bool found = false;
  root->walk([&](Operation *op) {
    if (isa<gpu::SubgroupMmaComputeOp, spirv::KHRCooperativeMatrixMulAddOp>(op))
      found = true;
  });
  return found;
}

/// fma(a, b, c) on f32 with one rounding, as on the CPU. GLSL's Fma (what
/// SPIR-V has for Vulkan) may round twice: lavapipe's does, and a residual
/// add of resnet50 then differed from the CPU by one code. In f64 the
/// product is exact; the sum is rounded to odd (the round-to-nearest sum,
/// moved one ulp toward the exact value where it is inexact and even,
/// from its error by TwoSum), which then rounds to f32 as the exact value
/// would (Boldo and Melquiond: 53 >= 24 + 2 bits).
static Value exactFma(OpBuilder &b, Location loc, Value a, Value x, Value c) {
  Type f64 = b.getF64Type(), i64 = b.getI64Type();
  if (!a.getType().isF32())
    return spirv::GLFmaOp::create(b, loc, a.getType(), a, x, c);
  Value A = arith::ExtFOp::create(b, loc, f64, a), X = arith::ExtFOp::create(b, loc, f64, x),
        C = arith::ExtFOp::create(b, loc, f64, c);
  Value p = arith::MulFOp::create(b, loc, A, X); // exact: 24 + 24 bits
  Value sum = arith::AddFOp::create(b, loc, p, C);
  Value bv = arith::SubFOp::create(b, loc, sum, p);
  Value av = arith::SubFOp::create(b, loc, sum, bv);
  Value err = arith::AddFOp::create(b, loc, arith::SubFOp::create(b, loc, p, av),
                                    arith::SubFOp::create(b, loc, C, bv));
  Value bits = arith::BitcastOp::create(b, loc, i64, sum);
  Value zero64 = arith::ConstantOp::create(b, loc, b.getF64FloatAttr(0.0));
  Value one = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(1));
  Value even = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                     arith::AndIOp::create(b, loc, bits, one),
                                     arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0)));
  Value inexact = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, err, zero64);
  Value sameSign = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, sum, zero64),
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, err, zero64));
  Value moved = arith::SelectOp::create(b, loc, sameSign, arith::AddIOp::create(b, loc, bits, one),
                                        arith::SubIOp::create(b, loc, bits, one));
  Value odd = arith::SelectOp::create(b, loc, arith::AndIOp::create(b, loc, inexact, even), moved,
                                      bits);
  return arith::TruncFOp::create(b, loc, a.getType(),
                                 arith::BitcastOp::create(b, loc, f64, odd));
}

/// One Workgroup variable for the whole module instead of one per
/// allocation of each kernel: every kernel's arrays of 32-bit words become
/// ranges of one array as large as the largest kernel needs (a workgroup
/// has its own copy, and a dispatch runs one kernel, so the ranges of
/// different kernels may overlap). Validation layers add up every Workgroup
/// variable of a module against maxComputeSharedMemorySize, whichever
/// entry point uses it: a model of many product kernels, each within 16 KiB,
/// was refused. Leaves the module as it is where a variable is not such an
/// array or is used other than through a two-index access chain.
static void shareWorkgroupMemory(spirv::ModuleOp m) {
  MLIRContext *ctx = m.getContext();
  Type i32 = IntegerType::get(ctx, 32);
  auto wordsOf = [&](spirv::GlobalVariableOp v) -> int64_t {
    auto ptr = dyn_cast<spirv::PointerType>(v.getType());
    if (!ptr || ptr.getStorageClass() != spirv::StorageClass::Workgroup)
      return -1;
    auto st = dyn_cast<spirv::StructType>(ptr.getPointeeType());
    if (!st || st.getNumElements() != 1)
      return -1;
    auto arr = dyn_cast<spirv::ArrayType>(st.getElementType(0));
    if (!arr || arr.getElementType() != i32 || arr.getArrayStride())
      return -1;
    return arr.getNumElements();
  };
  llvm::DenseMap<StringRef, spirv::GlobalVariableOp> vars;
  for (auto v : m.getOps<spirv::GlobalVariableOp>()) {
    auto ptr = dyn_cast<spirv::PointerType>(v.getType());
    if (!ptr || ptr.getStorageClass() != spirv::StorageClass::Workgroup)
      continue;
    if (wordsOf(v) < 0)
      return;
    vars[v.getSymName()] = v;
  }
  if (vars.size() < 2)
    return;
  // Each kernel's variables, in order of first use, at 16-byte aligned
  // offsets; every use an access chain [0, i].
  struct Use {
    spirv::AddressOfOp addr;
    int64_t offset;
  };
  SmallVector<Use> uses;
  int64_t largest = 0;
  for (auto fn : m.getOps<spirv::FuncOp>()) {
    llvm::DenseMap<StringRef, int64_t> offsets;
    int64_t total = 0;
    bool ok = true;
    fn.walk([&](spirv::AddressOfOp a) {
      auto it = vars.find(a.getVariable());
      if (it == vars.end())
        return;
      for (Operation *u : a->getUsers()) {
        auto chain = dyn_cast<spirv::AccessChainOp>(u);
        if (!chain || chain.getBasePtr() != a.getResult() || chain.getIndices().size() != 2)
          ok = false;
      }
      auto [at, fresh] = offsets.try_emplace(a.getVariable(), total);
      if (fresh)
        total += (wordsOf(it->second) + 3) / 4 * 4;
      uses.push_back({a, at->second});
    });
    if (!ok)
      return;
    largest = std::max(largest, total);
  }
  OpBuilder b(ctx);
  b.setInsertionPoint(vars.begin()->second);
  auto type = spirv::PointerType::get(
      spirv::StructType::get({spirv::ArrayType::get(i32, largest)}),
      spirv::StorageClass::Workgroup);
  auto shared = spirv::GlobalVariableOp::create(b, vars.begin()->second.getLoc(), type,
                                                "__octet_workgroup_memory", nullptr);
  for (Use &u : uses) {
    b.setInsertionPoint(u.addr);
    Location loc = u.addr.getLoc();
    Value base = spirv::AddressOfOp::create(b, loc, shared);
    for (Operation *user : llvm::make_early_inc_range(u.addr->getUsers())) {
      auto chain = cast<spirv::AccessChainOp>(user);
      b.setInsertionPoint(chain);
      Value idx = chain.getIndices()[1];
      Value off = spirv::ConstantOp::create(b, loc, idx.getType(),
                                            b.getIntegerAttr(idx.getType(), u.offset));
      Value at = spirv::IAddOp::create(b, loc, idx, off);
      Value repl = spirv::AccessChainOp::create(b, chain.getLoc(), base,
                                                ValueRange{chain.getIndices()[0], at});
      chain.getResult().replaceAllUsesWith(repl);
      chain.erase();
    }
    u.addr.erase();
  }
  for (auto &[name, v] : vars)
    v.erase();
}

/// From the octet graph to host code with launches and one spirv.module.
static LogicalResult lowerForVulkan(ModuleOp module, const TargetOptions &o) {
  MLIRContext *ctx = module.getContext();
  ctx->loadDialect<gpu::GPUDialect, spirv::SPIRVDialect>();
  std::string error;
  auto caps = parseVulkanCaps(o.vulkanCaps, error);
  if (failed(caps))
    return module.emitError() << error;
  // Half-precision tensors need Float16/16-bit storage, which the kernels
  // do not declare yet: a named error, not a failed legalization.
  WalkResult half = module.walk([&](Operation *op) {
    if (op->getNumOperands() == 0) // constants: reported at their users
      return WalkResult::advance();
    for (Type t : op->getResultTypes())
      if (auto st = dyn_cast<ShapedType>(t); st && (st.getElementType().isF16() ||
                                                     st.getElementType().isBF16())) {
        op->emitError() << "the Vulkan target does not take " << st.getElementType()
                        << " tensors yet (the CPU and CUDA targets do)";
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  if (half.wasInterrupted())
    return failure();
  if (failed(runGPUKernelPipeline(module, o, buildVulkanPipeline, kKernelModule)))
    return failure();
  // SPIR-V 1.6 only where the kernels take dot products or cooperative
  // matrices: a module without them stays at 1.3 (and runs on devices
  // without them).
  bool coopMatrices = usesCoopMatrices(module);
  Attribute env =
      parseAttribute(targetEnv(*caps, usesDotProducts(module), coopMatrices), ctx);
  module->setAttr(spirv::getTargetEnvAttrName(), env);
  // math.roundeven (ONNX's rounding) as GLSL's RoundEven, which the SPIR-V
  // conversion has no pattern for; the op takes f32 as it is.
  // math.fma (the polynomials of octet-approximate-math) as GLSL's Fma:
  // fused, as on the CPU.
  module.walk([&](Operation *op) {
    if (!isa<math::RoundEvenOp, math::FmaOp>(op) || !op->getParentOfType<gpu::GPUFuncOp>())
      return;
    OpBuilder b(op);
    Value r;
    if (auto re = dyn_cast<math::RoundEvenOp>(op))
      r = spirv::GLRoundEvenOp::create(b, op->getLoc(), re.getType(), re.getOperand());
    else if (auto fma = dyn_cast<math::FmaOp>(op))
      r = exactFma(b, op->getLoc(), fma.getA(), fma.getB(), fma.getC());
    op->getResult(0).replaceAllUsesWith(r);
    op->erase();
  });
  module.walk([&](gpu::GPUFuncOp fn) {
    int32_t x = 1;
    if (auto known = fn.getKnownBlockSizeAttr())
      x = known[0];
    fn->setAttr(spirv::getEntryPointABIAttrName(), spirv::getEntryPointABIAttr(ctx, {x, 1, 1}));
  });
  // The kernels are converted in a copy without the host code: the
  // conversion gives the kernels' buffers SPIR-V storage classes, which the
  // host's launches (the schedule) need not carry.
  OwningOpRef<ModuleOp> kernels = cloneKernels(module);
  PassManager spv(ctx);
  // math ops (exp, floor, tanh, ...) first: the GPU conversion has no
  // patterns for them.
  spv.addPass(createConvertMathToSPIRVPass());
  spv.addPass(createConvertGPUToSPIRVPass(/*mapMemorySpace=*/true));
  if (failed(spv.run(*kernels)))
    return failure();
  if (coopMatrices) {
    // The conversion writes the GLSL450 memory model and unsigned-looking
    // products: cooperative matrices need the Vulkan memory model, and the
    // 8-bit fragments (si8) and the accumulator are signed integers, which
    // MulAdd learns from its operands (else it reads them as unsigned).
    kernels->walk([&](spirv::ModuleOp m) {
      m.setMemoryModelAttr(spirv::MemoryModelAttr::get(ctx, spirv::MemoryModel::Vulkan));
    });
    kernels->walk([&](spirv::KHRCooperativeMatrixMulAddOp op) {
      op.setMatrixOperandsAttr(spirv::CooperativeMatrixOperandsKHRAttr::get(
          ctx, spirv::CooperativeMatrixOperandsKHR::ASigned |
                   spirv::CooperativeMatrixOperandsKHR::BSigned |
                   spirv::CooperativeMatrixOperandsKHR::CSigned |
                   spirv::CooperativeMatrixOperandsKHR::ResultSigned));
    });
  }
  kernels->walk([&](spirv::ModuleOp m) { shareWorkgroupMemory(m); });
  PassManager abi(ctx);
  OpPassManager &inner = abi.nest<spirv::ModuleOp>();
  inner.addPass(spirv::createSPIRVLowerABIAttributesPass());
  inner.addPass(spirv::createSPIRVUpdateVCEPass());
  if (failed(abi.run(*kernels)))
    return failure();
  // spirv-update-vce does not derive capabilities from built-ins: the
  // SubgroupId the cooperative-matrix kernel reads needs GroupNonUniform.
  if (coopMatrices)
    kernels->walk([&](spirv::ModuleOp m) {
      auto vce = m.getVceTriple();
      if (!vce)
        return;
      llvm::SmallVector<spirv::Capability> capsV(vce->getCapabilities());
      if (!llvm::is_contained(capsV, spirv::Capability::GroupNonUniform))
        capsV.push_back(spirv::Capability::GroupNonUniform);
      llvm::SmallVector<spirv::Extension> extsV(vce->getExtensions());
      m.setVceTripleAttr(spirv::VerCapExtAttr::get(vce->getVersion(), capsV, extsV, ctx));
    });
  // Float multiplies and adds as written: a Vulkan driver may otherwise
  // contract a multiply and an add into one fma (SPIR-V allows it), which
  // rounds once where the CPU backend rounds twice (QLinearAdd's broadcast
  // form, dequantize-then-add chains). NoContraction forbids it.
  kernels->walk([&](Operation *op) {
    if (isa<spirv::FMulOp, spirv::FAddOp, spirv::FSubOp, spirv::FNegateOp>(op))
      op->setAttr("no_contraction", UnitAttr::get(ctx));
  });
  for (auto m : llvm::make_early_inc_range(kernels->getOps<spirv::ModuleOp>()))
    m->moveBefore(module.getBody(), module.getBody()->end());
  return success();
}

/// The spirv.module lowerForVulkan made.
static spirv::ModuleOp kernelModule(ModuleOp module) {
  spirv::ModuleOp found;
  module.walk([&](spirv::ModuleOp m) { found = m; });
  return found;
}

LogicalResult emitVulkanSPIRV(ModuleOp module, const TargetOptions &o,
                              llvm::SmallVectorImpl<uint32_t> &words) {
  if (failed(lowerForVulkan(module, o)))
    return failure();
  spirv::ModuleOp spv = kernelModule(module);
  if (!spv)
    return module.emitError() << "the model has no kernels to run on the GPU";
  return spirv::serialize(spv, words);
}

static FailureOr<CompiledModule> compileVulkan(ModuleOp module, const TargetOptions &o,
                                               llvm::raw_pwrite_stream &os) {
  auto sig = getSignature(module);
  if (failed(sig))
    return failure();
  if (failed(checkGPUSignature(module, *sig, o, "vulkan")))
    return failure();
  llvm::SmallVector<uint32_t> words;
  if (failed(emitVulkanSPIRV(module, o, words)))
    return failure();
  auto schedule = extractGPUSchedule(module, sig->inputs.size());
  if (failed(schedule))
    return failure();

  std::vector<GPUExecutable> exes(1);
  exes[0].format = "spirv";
  exes[0].name = kKernelModule;
  exes[0].bytes.assign(reinterpret_cast<const char *>(words.data()),
                       reinterpret_cast<const char *>(words.data()) + words.size() * 4);
  std::string features = "int8,int16,int64,float64,storage8,storage16";
  bool dot = usesDotProducts(module), coop = usesCoopMatrices(module);
  if (dot)
    features += ",int-dot";
  if (coop) {
    // What the driver checks the device for: the fragment shape (s8 x s8
    // -> s32 at subgroup scope) and the subgroup size the tiling assumes.
    std::string err;
    auto caps = parseVulkanCaps(o.vulkanCaps, err);
    features += ",coopmat:" + std::to_string(caps->coopmat[0]) + "x" +
                std::to_string(caps->coopmat[1]) + "x" + std::to_string(caps->coopmat[2]) +
                ",subgroup=" + std::to_string(caps->subgroup);
  }
  return writeGPUArtifact(module, *sig, *schedule, exes, "vulkan",
                          dot || coop ? "spirv1.6" : "spirv1.3", features, o, os);
}

void registerVulkanTarget() {
  Target t;
  t.name = "vulkan";
  t.description = "Vulkan 1.1+ GPUs: SPIR-V compute kernels and a dispatch schedule";
  t.buildPipeline = buildVulkanPipeline;
  t.lower = [](ModuleOp m, const TargetOptions &o) -> LogicalResult {
    if (failed(getSignature(m)))
      return failure();
    return lowerForVulkan(m, o);
  };
  t.compile = compileVulkan;
  t.header = [](const CompiledModule &, const TargetOptions &o, llvm::StringRef source) {
    std::string s = "/* " + o.name + ": generated by octetc from " + source.str() +
                    " for --target=vulkan. Do not edit. */\n#include \"octet/Runtime/octet_runtime.h\"\n"
                    "/* Load with octet_module_wrap(&" + o.name +
                    "_descriptor, vulkan_device, &module). */\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n"
                    "extern const octet_module_desc " + o.name + "_descriptor;\n"
                    "#ifdef __cplusplus\n}\n#endif\n";
    return s;
  };
  registerTarget(std::move(t));
}

} // namespace octet
