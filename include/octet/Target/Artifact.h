//===- Artifact.h - what a target's compilation produces --------*- C++ -*-===//
//
// The contents of a compiled module's descriptor (octet/Runtime/octet_abi.h)
// as the compiler sees them: the signature of the entry point, the
// workspace a call needs and the ISA features the code uses. Every target
// fills one in.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_TARGET_ARTIFACT_H
#define OCTET_TARGET_ARTIFACT_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace octet {

/// One input or output of the compiled entry point.
struct TensorSignature {
  std::string name;
  int dtype;                 // octet_dtype (octet/Runtime/octet_abi.h); storage type if quantized
  std::vector<int64_t> dims; // static
  struct Quant {
    int32_t axis = -1;
    std::vector<float> scales;
    std::vector<int32_t> zeroPoints;
  };
  std::optional<Quant> quant; // a quantized tensor's parameters
};

struct ModelSignature {
  std::vector<TensorSignature> inputs, outputs;
};

/// A model compiled for any batch size in [min, max]: the leading dimension
/// of its batched inputs and of every output is the call's batch (dims[0]
/// == -1 in the descriptor). The code runs a batch as pieces: kernels
/// specialised for some sizes, the batch-1 kernels for the rest.
struct DynamicBatch {
  int64_t min = 0, max = 0;
  /// Input k takes the batch as its leading dimension.
  std::vector<bool> batchedInputs;
  /// The sizes with kernels of their own (1 included), largest first.
  std::vector<int64_t> sizes;
};

/// What compileToObject produced: the descriptor's contents.
struct CompiledModule {
  ModelSignature signature;
  /// Bytes of caller-owned workspace a call needs (64-byte aligned).
  uint64_t workspaceSize = 0;
  /// The CPU features the code needs, comma-separated ("avx2,fma,...").
  std::string features;
  /// Set for a dynamic batch; the signature then holds batch-1 shapes.
  std::optional<DynamicBatch> batch;
};

} // namespace octet

#endif // OCTET_TARGET_ARTIFACT_H
