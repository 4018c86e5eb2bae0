//===- Vulkan.h - the Vulkan target -----------------------------*- C++ -*-===//

#ifndef OCTET_TARGET_VULKAN_H
#define OCTET_TARGET_VULKAN_H

#include "octet/Target/Registry.h"

#include "llvm/ADT/SmallVector.h"

namespace octet {

/// What --vulkan-caps says the device has.
struct VulkanCaps {
  bool intDot = false;          // shaderIntegerDotProduct (SPV_KHR_integer_dot_product)
  int64_t coopmat[3] = {0, 0, 0}; // VK_KHR_cooperative_matrix s8 x s8 -> s32, M x N x K
  int64_t subgroup = 0;         // the subgroup size (0: unknown)
};

/// Parses --vulkan-caps: a preset (lavapipe, nvidia, amd, intel, generic),
/// a comma-separated list, or "" (int8,int-dot).
mlir::FailureOr<VulkanCaps> parseVulkanCaps(llvm::StringRef text, std::string &error);

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
