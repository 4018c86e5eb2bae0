//===- Vulkan.h - the Vulkan target -----------------------------*- C++ -*-===//

#ifndef OCTET_TARGET_VULKAN_H
#define OCTET_TARGET_VULKAN_H

#include "octet/Target/Registry.h"

#include "llvm/ADT/SmallVector.h"

namespace octet {

/// The passes from the quantized octet graph to host code launching
/// gpu.func kernels (before the SPIR-V conversion).
mlir::LogicalResult buildVulkanPipeline(mlir::OpPassManager &pm, const TargetOptions &o,
                                        std::string &error);

/// Lowers `module` and serializes its kernels: one SPIR-V module, each
/// kernel an entry point (octetc --emit=spirv).
mlir::LogicalResult emitVulkanSPIRV(mlir::ModuleOp module, const TargetOptions &o,
                                    llvm::SmallVectorImpl<uint32_t> &words);

} // namespace octet

#endif // OCTET_TARGET_VULKAN_H
