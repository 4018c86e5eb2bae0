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
/// and the desktop drivers have.
static const char *kTargetEnv =
    "#spirv.target_env<#spirv.vce<v1.3, [Shader, Int8, Int16, Int64, Float64, "
    "StorageBuffer8BitAccess, StorageBuffer16BitAccess], [SPV_KHR_storage_buffer_storage_class, "
    "SPV_KHR_8bit_storage, SPV_KHR_16bit_storage]>, #spirv.resource_limits<>>";

LogicalResult buildVulkanPipeline(OpPassManager &pm, const TargetOptions &o, std::string &error) {
  if (o.requant != "onnx" && o.requant != "fixed-point") {
    error = "--requant must be onnx or fixed-point, not '" + o.requant + "'";
    return failure();
  }
  buildGPUKernelPipeline(pm, o.requant);
  return success();
}

/// From the octet graph to host code with launches and one spirv.module.
static LogicalResult lowerForVulkan(ModuleOp module, const TargetOptions &o) {
  MLIRContext *ctx = module.getContext();
  ctx->loadDialect<gpu::GPUDialect, spirv::SPIRVDialect>();
  if (failed(runGPUKernelPipeline(module, o, buildVulkanPipeline, kKernelModule)))
    return failure();
  Attribute env = parseAttribute(kTargetEnv, ctx);
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
      r = spirv::GLFmaOp::create(b, op->getLoc(), fma.getType(), fma.getA(), fma.getB(),
                                 fma.getC());
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
  OpPassManager &inner = spv.nest<spirv::ModuleOp>();
  inner.addPass(spirv::createSPIRVLowerABIAttributesPass());
  inner.addPass(spirv::createSPIRVUpdateVCEPass());
  if (failed(spv.run(*kernels)))
    return failure();
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
  return writeGPUArtifact(module, *sig, *schedule, exes, "vulkan", "spirv1.3",
                          "int8,int16,int64,float64,storage8,storage16", o, os);
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
