//===- CUDATarget.cpp - octet module to PTX, a cubin and a schedule --------===//
//
// --target=cuda --cuda-arch=sm_XX: the GPU targets' shared lowering
// (lib/Target/GPU) makes the gpu.func kernels and the host schedule; the
// kernels go through convert-gpu-to-nvvm (bare-pointer buffers) and LLVM's
// NVPTX backend in-process (gpu-module-to-binary, format=isa) into PTX. No
// nvcc runs; where the CUDA toolkit's ptxas is found it assembles the PTX
// into a cubin for the arch, which the artifact carries beside the PTX
// (the PTX stays for newer GPUs, JIT-compiled by the driver).
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU.h"
#include "octet/Target/CUDA.h"
#include "octet/Target/GPU.h"
#include "octet/Target/Registry.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/FileSystem.h"
#include <cstdlib>
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace octet {

static const char *kKernelModule = "octet_kernels";

static const char *const kArchs[] = {"sm_61", "sm_70", "sm_75", "sm_80",
                                     "sm_86", "sm_89", "sm_90"};

static bool knownArch(llvm::StringRef arch) { return llvm::is_contained(kArchs, arch); }

static std::string archList() {
  std::string s;
  for (const char *a : kArchs)
    s += (s.empty() ? "" : ", ") + std::string(a);
  return s;
}

LogicalResult buildCUDAPipeline(OpPassManager &pm, const TargetOptions &o, std::string &error) {
  if (o.requant != "onnx" && o.requant != "fixed-point") {
    error = "--requant must be onnx or fixed-point, not '" + o.requant + "'";
    return failure();
  }
  if (!knownArch(o.cudaArch)) {
    error = "unknown --cuda-arch '" + o.cudaArch + "' (one of " + archList() + ")";
    return failure();
  }
  // Every listed arch (sm_61 and up) has dp4a; sm_80 and up have
  // mma.sync m16n8k32 for 8-bit integers.
  int sm = std::atoi(o.cudaArch.c_str() + 3);
  buildGPUKernelPipeline(pm, o.requant, GPUDot::NVVM, /*spirv=*/false, sm >= 80, o.gpuStages);
  return success();
}

/// The CUDA toolkit's libdevice bitcode ($CUDA_HOME, then /usr/local/cuda),
/// or "".
static std::string findLibdevice() {
  std::vector<std::string> roots;
  if (const char *home = std::getenv("CUDA_HOME"))
    roots.push_back(home);
  roots.push_back("/usr/local/cuda");
  for (const std::string &r : roots) {
    std::string p = r + "/nvvm/libdevice/libdevice.10.bc";
    if (llvm::sys::fs::exists(p))
      return p;
  }
  return "";
}

/// From the octet graph to host code with launches, and the kernels' PTX.
static LogicalResult lowerForCUDA(ModuleOp module, const TargetOptions &o, std::string &ptx) {
  MLIRContext *ctx = module.getContext();
  DialectRegistry registry;
  registerAllExtensions(registry);
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  ctx->appendDialectRegistry(registry);
  ctx->loadDialect<gpu::GPUDialect, NVVM::NVVMDialect, LLVM::LLVMDialect>();
  if (failed(runGPUKernelPipeline(module, o, buildCUDAPipeline, kKernelModule)))
    return failure();
  // The kernels are compiled in a copy without the host code (whose
  // launches keep the schedule's memref types).
  OwningOpRef<ModuleOp> kernels = cloneKernels(module);
  // Workgroup (shared) buffers 16-byte aligned: ldmatrix reads 16-byte rows.
  kernels->walk([&](gpu::GPUFuncOp fn) {
    unsigned n = fn.getNumWorkgroupAttributions();
    if (!n)
      return;
    Builder b(ctx);
    SmallVector<Attribute> attrs(
        n, b.getDictionaryAttr(b.getNamedAttr("llvm.align", b.getI64IntegerAttr(16))));
    fn.setWorkgroupAttribAttrsAttr(b.getArrayAttr(attrs));
  });
  PassManager nv(ctx);
  GpuNVVMAttachTargetOptions target;
  target.chip = o.cudaArch;
  target.optLevel = 3;
  // convert-gpu-to-nvvm calls libdevice for math (__nv_rintf for ONNX's
  // rounding, __nv_fmaf, __nv_floorf): it is linked in and inlined, so the
  // PTX calls nothing.
  std::string libdevice = findLibdevice();
  if (!libdevice.empty())
    target.linkLibs.push_back(libdevice);
  nv.addPass(createGpuNVVMAttachTarget(target));
  ConvertGpuOpsToNVVMOpsOptions toNVVM;
  toNVVM.useBarePtrCallConv = true; // one device pointer per buffer
  toNVVM.indexBitwidth = 64;
  nv.nest<gpu::GPUModuleOp>().addPass(createConvertNVGPUToNVVMPass()); // ldmatrix
  nv.nest<gpu::GPUModuleOp>().addPass(createSCFToControlFlowPass());
  nv.nest<gpu::GPUModuleOp>().addPass(createConvertGpuOpsToNVVMOps(toNVVM));
  nv.nest<gpu::GPUModuleOp>().addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa"; // PTX, from LLVM's NVPTX backend
  nv.addPass(createGpuModuleToBinaryPass(binary));
  if (failed(nv.run(*kernels)))
    return failure();
  bool found = false;
  for (auto bin : llvm::make_early_inc_range(kernels->getOps<gpu::BinaryOp>())) {
    for (Attribute a : bin.getObjects())
      if (auto obj = dyn_cast<gpu::ObjectAttr>(a)) {
        ptx = obj.getObject().str();
        found = true;
      }
    bin->moveBefore(module.getBody(), module.getBody()->end());
  }
  if (!found)
    return module.emitError() << "the NVPTX backend produced no PTX";
  if (libdevice.empty() && ptx.find("__nv_") != std::string::npos)
    return module.emitError() << "the kernels need libdevice (CUDA toolkit's "
                                 "nvvm/libdevice/libdevice.10.bc), which was not found; set "
                                 "CUDA_HOME or install the toolkit";
  return success();
}

LogicalResult emitCUDAPTX(ModuleOp module, const TargetOptions &o, std::string &ptx) {
  return lowerForCUDA(module, o, ptx);
}

/// ptxas from the CUDA toolkit (PATH, then /usr/local/cuda/bin), or "".
static std::string findPtxas() {
  if (auto p = llvm::sys::findProgramByName("ptxas"))
    return *p;
  for (const char *p : {"/usr/local/cuda/bin/ptxas"})
    if (llvm::sys::fs::can_execute(p))
      return p;
  return "";
}

/// Assembles `ptx` for `arch` with ptxas into `cubin`; false with a message.
static bool assemble(const std::string &ptxas, const std::string &ptx, const std::string &arch,
                     std::vector<char> &cubin, std::string &error) {
  llvm::SmallString<128> in, out, log;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("octet", "ptx", fd, in)) {
    error = "cannot create a temporary file for ptxas";
    return false;
  }
  llvm::FileRemover removeIn(in);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << ptx;
  }
  llvm::sys::fs::createTemporaryFile("octet", "cubin", out);
  llvm::sys::fs::createTemporaryFile("octet", "log", log);
  llvm::FileRemover removeOut(out), removeLog(log);
  std::string archArg = "-arch=" + arch;
  llvm::SmallVector<llvm::StringRef> args = {ptxas, archArg, "-O3", in, "-o", out};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.str(), log.str()};
  std::string msg;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects, 0, 0, &msg);
  if (rc != 0) {
    auto text = llvm::MemoryBuffer::getFile(log);
    error = "ptxas failed on the generated PTX" +
            (text ? ": " + (*text)->getBuffer().trim().str() : msg.empty() ? "" : ": " + msg);
    return false;
  }
  auto buf = llvm::MemoryBuffer::getFile(out, /*IsText=*/false);
  if (!buf) {
    error = "cannot read ptxas's cubin";
    return false;
  }
  cubin.assign((*buf)->getBufferStart(), (*buf)->getBufferEnd());
  return true;
}

static FailureOr<CompiledModule> compileCUDA(ModuleOp module, const TargetOptions &o,
                                             llvm::raw_pwrite_stream &os) {
  auto sig = getSignature(module);
  if (failed(sig))
    return failure();
  if (failed(checkGPUSignature(module, *sig, o, "cuda")))
    return failure();
  std::string ptx;
  if (failed(lowerForCUDA(module, o, ptx)))
    return failure();
  auto schedule = extractGPUSchedule(module, sig->inputs.size());
  if (failed(schedule))
    return failure();
  std::vector<GPUExecutable> exes(1);
  exes[0].format = "ptx";
  exes[0].name = kKernelModule;
  exes[0].bytes.assign(ptx.begin(), ptx.end());
  std::string ptxas = findPtxas();
  if (!ptxas.empty()) {
    GPUExecutable cubin;
    cubin.format = "cubin";
    cubin.name = kKernelModule;
    std::string error;
    if (assemble(ptxas, ptx, o.cudaArch, cubin.bytes, error))
      exes.push_back(std::move(cubin));
    else if (error.find("is not defined for option 'gpu-name'") != std::string::npos)
      // A toolkit too new for the arch (CUDA 13 dropped sm_61 and sm_70):
      // the driver JIT-compiles the PTX.
      module.emitWarning() << "this CUDA toolkit's ptxas cannot assemble for " << o.cudaArch
                           << "; the artifact carries the PTX only (the driver compiles it)";
    else
      return module.emitError() << error;
  }
  return writeGPUArtifact(module, *sig, *schedule, exes, "cuda", o.cudaArch, "", o, os);
}

void registerCUDATarget() {
  Target t;
  t.name = "cuda";
  t.description = "NVIDIA GPUs (--cuda-arch=sm_61..sm_90): PTX from LLVM's NVPTX backend, a "
                  "cubin through ptxas where the CUDA toolkit is installed";
  t.buildPipeline = buildCUDAPipeline;
  t.lower = [](ModuleOp m, const TargetOptions &o) -> LogicalResult {
    if (failed(getSignature(m)))
      return failure();
    std::string ptx;
    return lowerForCUDA(m, o, ptx);
  };
  t.compile = compileCUDA;
  t.header = [](const CompiledModule &, const TargetOptions &o, llvm::StringRef source) {
    return "/* " + o.name + ": generated by octetc from " + source.str() +
           " for --target=cuda. Do not edit. */\n#include \"octet/Runtime/octet_runtime.h\"\n"
           "/* Load with octet_module_wrap(&" + o.name +
           "_descriptor, cuda_device, &module). */\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n"
           "extern const octet_module_desc " + o.name +
           "_descriptor;\n#ifdef __cplusplus\n}\n#endif\n";
  };
  registerTarget(std::move(t));
}

} // namespace octet
