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

/// The instructions behind the int8 kernels' octet_cpu.dot4.
enum class Int8ISA {
  None,      ///< no int8 kernels: the generic lowering
  AVX2,      ///< vpmaddubsw / vpmaddwd, exact by the weights' bounds
  AVXVNNI,   ///< 256-bit vpdpbusd (AVX-VNNI without AVX-512)
  AVX512VNNI ///< 512-bit vpdpbusd
};

struct CPUKernelOptions {
  /// gemmlowp fixed-point requantization instead of ONNX's float rule.
  bool fixedPoint = false;
  /// The AVX-512 VNNI kernels (int8 products, direct convolutions).
  bool vnni = false;
  /// The int8 register-tiled products: on AVX-512 VNNI, AVX-VNNI or AVX2.
  Int8ISA int8 = Int8ISA::None;
  /// 32 registers of 512 bits (AVX-512); otherwise 16 of 256 bits, and the
  /// register tiles are smaller.
  bool zmm = true;
};

/// The benefit of the kernel patterns (the generic ones have 1).
constexpr unsigned kKernelBenefit = 10;

/// Adds the CPU kernel patterns for octet ops.
void populateCPUKernelPatterns(const TypeConverter &converter, RewritePatternSet &patterns,
                               const CPUKernelOptions &options);

} // namespace mlir::octet::cpu

#endif // OCTET_TARGET_CPU_KERNELS_H
