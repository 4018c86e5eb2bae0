//===- CUDA.h - the CUDA target ---------------------------------*- C++ -*-===//

#ifndef OCTET_TARGET_CUDA_H
#define OCTET_TARGET_CUDA_H

#include "octet/Target/Registry.h"

namespace octet {

/// The passes from the quantized octet graph to host code launching
/// gpu.func kernels (before the NVVM conversion); checks --cuda-arch.
mlir::LogicalResult buildCUDAPipeline(mlir::OpPassManager &pm, const TargetOptions &o,
                                      std::string &error);

/// Lowers `module` and compiles its kernels to PTX (octetc --emit=ptx).
mlir::LogicalResult emitCUDAPTX(mlir::ModuleOp module, const TargetOptions &o, std::string &ptx);

} // namespace octet

#endif // OCTET_TARGET_CUDA_H
