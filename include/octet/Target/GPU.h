//===- GPU.h - the GPU targets' shared lowering -----------------*- C++ -*-===//
//
// What the GPU targets (Vulkan now, CUDA next) share: the passes from the
// quantized octet graph to host code launching gpu.func kernels (through
// the target-independent linalg lowering, so the integer rules are the
// CPU backend's), and the host schedule read from that code: the buffers a
// call needs and the kernel dispatches in order. Each target then converts
// the kernels (gpu -> spirv, gpu -> nvvm) and writes the schedule and the
// device code into its artifact.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_TARGET_GPU_H
#define OCTET_TARGET_GPU_H

#include "octet/Target/Artifact.h"
#include "octet/Target/Registry.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace octet {

/// Threads per workgroup of the elementwise-mapped kernels.
constexpr int64_t kGPUWorkgroupSize = 256;

/// How a kernel takes the dot product of four packed 8-bit values: SPIR-V's
/// OpSDot/UDot/SUDot(AccSat) (Vulkan with shaderIntegerDotProduct), NVVM's
/// dp4a (sm_61+), or four multiplies (any device).
enum class GPUDot { Scalar, SPIRV, NVVM };
llvm::StringRef gpuDotName(GPUDot d);
std::optional<GPUDot> parseGPUDot(llvm::StringRef s);

/// SPIR-V cooperative matrices (VK_KHR_cooperative_matrix) for the 8-bit
/// products: the device's s8 x s8 -> s32 fragment shape m x n x k at
/// subgroup scope, and its subgroup size. m == 0: none.
struct GPUCoopMatrix {
  int64_t m = 0, n = 0, k = 0, subgroup = 0;
};

/// octet graph -> linalg -> buffers -> 8-bit matrix products as tiled
/// dot-product kernels (octet-gpu-contractions, with `dot`), then one
/// gpu.launch per remaining top-level loop nest (threads over the parallel
/// iterations, delinearized) -> outlined gpu.func kernels in gpu.modules,
/// launched from func @main.
/// `spirv`: the kernels go to SPIR-V (workgroup memory as memory space 3
/// allocations), else to NVVM (workgroup attributions).
/// `tensorCores` (NVVM, sm_80+): the products that fill an m16n8 fragment
/// on mma.sync m16n8k32. `stages`: steps of K in flight in the product
/// kernels (2 to 4; 0: chosen per kernel). `coop` (SPIR-V): the products
/// that fill the tile on cooperative matrices.
void buildGPUKernelPipeline(mlir::OpPassManager &pm, const std::string &requant,
                            GPUDot dot = GPUDot::Scalar, bool spirv = false,
                            bool tensorCores = false, int64_t stages = 0,
                            GPUCoopMatrix coop = {});

/// The pass that turns each 8-bit matrix product (a linalg.generic on
/// buffers) into a workgroup-tiled kernel on 4-way dot products, with the
/// accumulator's initialization and its elementwise consumer fused in
/// (octet-gpu-contractions).
std::unique_ptr<mlir::Pass> createGPUContractionsPass(GPUDot dot, bool spirv,
                                                      bool tensorCores = false,
                                                      int64_t stages = 0,
                                                      GPUCoopMatrix coop = {});
void registerGPUContractionsPass();

/// The buffer a memref views (through subviews, reshapes and casts).
mlir::Value gpuRootBuffer(mlir::Value v);

/// The pass that wraps each top-level loop nest of @main in a gpu.launch
/// (octet-gpu-map-loops).
std::unique_ptr<mlir::Pass> createGPUMapLoopsPass();
/// Registers octet-gpu-map-loops with the pass registry (octet-opt).
void registerGPUPasses();

/// The buffers and dispatches of one call, read from @main after outlining.
struct GPUSchedule {
  enum Kind { Input = 0, Output = 1, Intermediate = 2, Constant = 3 };
  struct Buffer {
    Kind kind;
    int32_t index = 0; // input or output number
    uint64_t size = 0; // bytes
    std::vector<char> data; // a constant's bytes
  };
  struct Dispatch {
    std::string kernel; // entry point name
    uint32_t grid[3] = {1, 1, 1};
    uint32_t block[3] = {1, 1, 1};
    std::vector<int32_t> args; // buffer numbers, in the kernel's argument order
  };
  std::vector<Buffer> buffers;
  std::vector<Dispatch> dispatches;
};

/// Reads the schedule of @main (after gpu-kernel-outlining; its first
/// `numInputs` arguments are the inputs, the rest the outputs); fails with a
/// diagnostic on host code it cannot express.
mlir::FailureOr<GPUSchedule> extractGPUSchedule(mlir::ModuleOp module, unsigned numInputs);

/// Runs a GPU target's kernel pipeline (`build`, which checks the options)
/// on `module` and gathers the kernels into one gpu.module `kernelModule`.
mlir::LogicalResult runGPUKernelPipeline(
    mlir::ModuleOp module, const TargetOptions &o,
    mlir::LogicalResult (*build)(mlir::OpPassManager &, const TargetOptions &, std::string &),
    llvm::StringRef kernelModule);

/// A copy of `module` without its host functions: the kernels, to convert
/// to the device's dialect without touching the launches (the schedule).
mlir::OwningOpRef<mlir::ModuleOp> cloneKernels(mlir::ModuleOp module);

/// Moves every gpu.func into one gpu.module named `name` (launches renamed).
void mergeGPUModules(mlir::ModuleOp module, llvm::StringRef name);

/// Refuses what the GPU targets do not take yet (zero-sized tensors, a
/// dynamic batch), naming --target=`target`.
mlir::LogicalResult checkGPUSignature(mlir::ModuleOp module, const ModelSignature &sig,
                                      const TargetOptions &o, llvm::StringRef target);

/// Device code for the artifact: format ("spirv", "ptx", "cubin"), name, bytes.
struct GPUExecutable {
  std::string format, name;
  std::vector<char> bytes;
};

/// Writes the host object of a GPU module: the ABI v2 descriptor (target
/// `target`, arch `arch`) whose executables are `executables`, then the
/// schedule.
mlir::FailureOr<CompiledModule>
writeGPUArtifact(mlir::ModuleOp module, const ModelSignature &sig, const GPUSchedule &schedule,
                 llvm::ArrayRef<GPUExecutable> executables, llvm::StringRef target,
                 llvm::StringRef arch, llvm::StringRef features, const TargetOptions &o,
                 llvm::raw_pwrite_stream &os);

} // namespace octet

#endif // OCTET_TARGET_GPU_H
