//===- Registry.h - the code generation targets -----------------*- C++ -*-===//
//
// A registry of targets by name: what `octetc --target=<name>` reads. Each
// target provides a typed builder of its lowering pipeline (octet graph ->
// its last MLIR form), a compiler to an artifact, and its own options
// parsing. A new target (CUDA, Vulkan) adds lib/Target/<Name>/, a
// runtime driver in runtime/drivers/<name>/, and one registerXTarget() call
// in registerAllTargets().
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_TARGET_REGISTRY_H
#define OCTET_TARGET_REGISTRY_H

#include "octet/Target/Artifact.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <string>
#include <vector>

namespace octet {

/// Options that octetc passes to every target; each target checks the ones
/// it reads (and rejects values it does not know).
struct TargetOptions {
  /// C identifier of the entry point (and prefix of the other symbols).
  std::string name = "model";
  /// The device to compile for: an LLVM CPU name or "native" for the CPU.
  std::string cpu = "native";
  /// Requantization rule: "onnx" or "fixed-point".
  std::string requant = "onnx";
  /// The int8 dot-product kernels: "auto" (from the device), "on", "off".
  std::string vnni = "auto";
  /// The NVIDIA GPU architecture for --target=cuda ("sm_80", ...).
  std::string cudaArch = "sm_80";
  /// The device capabilities --target=vulkan compiles for: a preset
  /// (lavapipe, nvidia, amd, intel, generic) or a list
  /// (int8,int-dot,coopmat:16x16x32,subgroup=32); "" is any Vulkan 1.3
  /// device (int8,int-dot).
  std::string vulkanCaps;
  /// GPU targets: steps of K in flight in the 8-bit product kernels (2 to
  /// 4); 0: chosen per kernel (3 where cp.async copies, else 2).
  int64_t gpuStages = 0;
  /// Also export the `octet_module` symbol that a loadable module needs.
  bool sharedLibrary = false;
  /// Threads for the CPU target's LLVM code generation (the module split
  /// into that many parts); 0: the CPUs this process may use (at most 8).
  unsigned compileThreads = 0;
  /// Verify the IR after each lowering pass (octetc --verify-each), not
  /// only once after the pipeline.
  bool verifyEachPass = false;
  /// Where the target's phase timers nest (octetc --timing); null: not timed.
  mlir::TimingScope *timing = nullptr;
  /// A dynamic batch: the module compiled is the model at batch 1, and
  /// `batchModules` holds it at each other size of `batch->sizes` (their
  /// kernels run pieces of that size). Unset: a static model.
  std::optional<DynamicBatch> batch;
  std::vector<std::pair<int64_t, mlir::ModuleOp>> batchModules;
};

struct Target {
  std::string name;
  std::string description;
  /// Adds the passes from the quantized octet graph to the target's last
  /// MLIR form (fails with a diagnostic on options it cannot take).
  std::function<mlir::LogicalResult(mlir::OpPassManager &, const TargetOptions &,
                                    std::string &error)>
      buildPipeline;
  /// Lowers `module` to the target's last MLIR form (octetc --emit=lowered).
  std::function<mlir::LogicalResult(mlir::ModuleOp, const TargetOptions &)> lower;
  /// Compiles `module` into an object file with the descriptor.
  std::function<mlir::FailureOr<CompiledModule>(mlir::ModuleOp, const TargetOptions &,
                                                llvm::raw_pwrite_stream &)>
      compile;
  /// The C header of a compiled module (octetc --header).
  std::function<std::string(const CompiledModule &, const TargetOptions &, llvm::StringRef)>
      header;
};

/// Adds a target; a second target of the same name replaces nothing and is
/// ignored (returns false).
bool registerTarget(Target target);
/// The target called `name`, or null.
const Target *lookupTarget(llvm::StringRef name);
/// Every registered target, in registration order.
std::vector<const Target *> registeredTargets();

/// The CPU target (lib/Target/CPU).
void registerCPUTarget();
/// The Vulkan target (lib/Target/Vulkan).
void registerVulkanTarget();
/// The CUDA target (lib/Target/CUDA).
void registerCUDATarget();
/// Every target built into this binary.
void registerAllTargets();

} // namespace octet

#endif // OCTET_TARGET_REGISTRY_H
