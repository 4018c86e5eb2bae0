//===- Patterns.cpp - the CPU kernel pattern set ---------------------------===//

#include "Kernels.h"

void mlir::octet::cpu::populateCPUKernelPatterns(const TypeConverter &converter,
                                                 RewritePatternSet &patterns,
                                                 const CPUKernelOptions &options) {
  populateConvKernelPatterns(converter, patterns, options);
  populateLinearKernelPatterns(converter, patterns, options);
  populatePoolingKernelPatterns(converter, patterns, options);
}
