//===- CPU.h - compile an octet module to a CPU object ----------*- C++ -*-===//
//
// Lowers a static-shaped octet module to the LLVM dialect, translates it to
// LLVM IR, adds the module descriptor the runtime reads, optimizes it and
// emits an object file in-process through LLVM's TargetMachine.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_TARGET_CPU_H
#define OCTET_TARGET_CPU_H

#include "octet/Target/Artifact.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/raw_ostream.h"
#include <optional>
#include <string>
#include <vector>

namespace octet {

struct CPUOptions {
  /// C identifier of the entry point (and prefix of the other symbols).
  std::string name = "model";
  /// LLVM CPU name, or "native" for the host; a comma-separated list builds
  /// one artifact with code for each, chosen at run time by cpuid.
  std::string cpu = "native";
  /// Requantization rule: "onnx" or "fixed-point".
  std::string requant = "onnx";
  /// Also export the `octet_module` symbol that a loadable module needs.
  bool sharedLibrary = false;
  /// Use the AVX-512 VNNI kernel for int8 products (set from the CPU).
  bool vnni = false;
  /// The int8 kernels' ISA: "avx512vnni", "avxvnni", "avx2" or "none";
  /// empty: from `vnni`.
  std::string int8Isa;
  /// --vnni as given (auto, on, off): resolved again for each CPU of a list.
  std::string vnniMode = "auto";
  /// Threads for LLVM code generation (TargetOptions::compileThreads).
  unsigned compileThreads = 0;
  /// Verify the IR after each lowering pass, not only after the pipeline.
  bool verifyEachPass = false;
  /// Where the phases' timers nest (octetc --timing); null: not timed.
  mlir::TimingScope *timing = nullptr;
  /// A dynamic batch (TargetOptions::batch, batchModules).
  std::optional<DynamicBatch> batch;
  std::vector<std::pair<int64_t, mlir::ModuleOp>> batchModules;
};

/// The passes every target shares after its octet -> linalg conversion:
/// fusion and cleanup on tensors, then one-shot bufferization with results
/// as the caller's output buffers (the GPU targets use it too).
void buildTensorsToBuffersPasses(mlir::OpPassManager &pm);

/// Reads the signature of func.func @main; fails (with a diagnostic) on
/// dynamic shapes or element types the runtime cannot describe.
mlir::FailureOr<ModelSignature> getSignature(mlir::ModuleOp module);

/// Whether --cpu (an LLVM CPU name or "native") has an LLVM feature ("avx2", "avxvnni", ...).
bool cpuHasFeature(const std::string &cpu, const std::string &feature);
/// The int8 kernels for --cpu and --vnni (auto, on, off): avx512vnni where
/// the CPU has AVX-512 VNNI (or --vnni=on), else avxvnni with AVX-VNNI
/// (not with --vnni=off), else avx2 with AVX2, else none.
std::string cpuInt8Isa(const std::string &cpu, const std::string &vnni);

/// Adds the passes from octet ops to the LLVM dialect.
void buildCPULoweringPipeline(mlir::OpPassManager &pm, const CPUOptions &options);

/// Renames @main to the entry point's name and lowers to the LLVM dialect.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module, const CPUOptions &options);

/// Compiles `module` (octet ops, static shapes) into an object file holding
/// the model function, its ABI v2 entry point and descriptor.
mlir::FailureOr<CompiledModule> compileToObject(mlir::ModuleOp module, const CPUOptions &options,
                                                llvm::raw_pwrite_stream &os);

/// The C header declaring the typed function, the workspace size, the entry
/// point and the descriptor.
std::string emitHeader(const CompiledModule &compiled, const CPUOptions &options,
                       llvm::StringRef source);

/// Registers octet-opt's --octet-cpu-pipeline.
void registerCPUPipelines();

/// Links an object into a shared library with ld.lld.
mlir::LogicalResult linkSharedLibrary(llvm::StringRef object, llvm::StringRef output,
                                      std::string &error);

struct Target;
struct TargetOptions;
/// Compiles `module` with `target` (as a loadable module) into a shared
/// library at `output`, through a temporary object. On failure `error` holds
/// a message, or is empty when the target already reported one.
mlir::FailureOr<CompiledModule> compileSharedLibrary(const Target &target, mlir::ModuleOp module,
                                                     const TargetOptions &options,
                                                     llvm::StringRef output, std::string &error);

} // namespace octet

#endif // OCTET_TARGET_CPU_H
