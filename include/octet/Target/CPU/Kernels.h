//===- Kernels.h - the CPU target's kernel patterns -------------*- C++ -*-===//
//
// x86 kernels for octet ops, as conversion patterns at a higher benefit than
// the generic lowering (octet/Conversion/OctetToLinalg): register-tiled
// int8 and f32 products, direct convolutions, vector max pooling, the
// requantization in registers. A pattern that does not apply fails and the
// generic pattern lowers the op. Only the CPU pipeline registers them.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_TARGET_CPU_KERNELS_H
#define OCTET_TARGET_CPU_KERNELS_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::octet::cpu {

struct CPUKernelOptions {
  /// gemmlowp fixed-point requantization instead of ONNX's float rule.
  bool fixedPoint = false;
  /// The int8 kernels built on octet_cpu.dot4 (vpdpbusd: AVX-512 VNNI).
  bool vnni = false;
};

/// The benefit of the kernel patterns (the generic ones have 1).
constexpr unsigned kKernelBenefit = 10;

/// Adds the CPU kernel patterns for octet ops.
void populateCPUKernelPatterns(const TypeConverter &converter, RewritePatternSet &patterns,
                               const CPUKernelOptions &options);

} // namespace mlir::octet::cpu

#endif // OCTET_TARGET_CPU_KERNELS_H
