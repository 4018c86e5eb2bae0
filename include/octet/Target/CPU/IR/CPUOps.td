//===- CPUOps.td - ops of the CPU kernels -------------------*- tablegen -*-===//
//
// The `octet_cpu` dialect: the few operations of the CPU target's int8
// kernels that upstream vector and arith lack. They name what the kernels
// need (a 4-way byte dot product, a rounding conversion, a saturating
// narrow), and `convert-octet-cpu-to-llvm` lowers them to x86 intrinsics.
// They never appear in the target-independent lowering.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_TARGET_CPU_CPUOPS_TD
#define OCTET_TARGET_CPU_CPUOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.td"

def OctetCPU_Dialect : Dialect {
  let name = "octet_cpu";
  let cppNamespace = "::mlir::octet::cpu";
  let summary = "Building blocks of Octet's x86 kernels";
  let description = [{
    Vector operations of the CPU backend's register kernels. Each has a
    precise lane semantics that the generic lowering does not rely on; the
    CPU pipeline lowers them to AVX-512 (VNNI) instructions.
  }];
}

class OctetCPU_Op<string mnemonic, list<Trait> traits = []>
    : Op<OctetCPU_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Kernel building blocks of the x86 kernels
//===----------------------------------------------------------------------===//

def OctetCPU_Dot4Op : OctetCPU_Op<"dot4", [Pure, AllTypesMatch<["acc", "lhs", "rhs", "result"]>]> {
  let summary = "4-way u8 x s8 dot product accumulated per 32-bit lane";
  let description = [{
    Each 32-bit lane of `lhs` holds four unsigned bytes and the same lane of
    `rhs` four signed bytes; the result lane is `acc` plus the sum of their
    four products. The int8 kernels of the CPU backend use it; on x86 with
    AVX-512 VNNI it is one `vpdpbusd`.

    Example:
    ```mlir
    %r = octet_cpu.dot4 %acc, %a, %b : vector<16xi32>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [I32]>:$acc,
                       VectorOfRankAndType<[1], [I32]>:$lhs,
                       VectorOfRankAndType<[1], [I32]>:$rhs);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = "$acc `,` $lhs `,` $rhs attr-dict `:` type($result)";
}

def OctetCPU_PrefetchOp : OctetCPU_Op<"prefetch", [
    DeclareOpInterfaceMethods<BufferizableOpInterface,
        ["bufferizesToMemoryRead", "bufferizesToMemoryWrite", "getAliasingValues",
         "bufferize"]>]> {
  let summary = "a hint to bring one element's cache line into L1";
  let description = [{
    Reads nothing and changes nothing: asks the cache to load the line
    that holds `source[indices]` (for reading, into every level). The
    kernels issue it for data they read later in a tile (a residual Add's
    operand, read in the epilogue) while the tile's products run.
    Bufferization turns it into `memref.prefetch` of the tensor's buffer.
    It has no declared memory effects, so that it is neither hoisted nor
    removed.

    Example:
    ```mlir
    octet_cpu.prefetch %t[%n, %c, %p] : tensor<1x256x3136xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$source, Variadic<Index>:$indices);
  let assemblyFormat = "$source `[` $indices `]` attr-dict `:` type($source)";
  let hasVerifier = 1;
}

def OctetCPU_RoundToIntOp : OctetCPU_Op<"round_to_int",
                                   [Pure, AllShapesMatch<["input", "result"]>]> {
  let summary = "float32 to int32, rounding half to even";
  let description = [{
    Each lane of `input` rounded to the nearest integer, ties to even (the
    float32 requantization's `rint` and conversion in one step). Lanes at or
    beyond 2^31 in magnitude, and NaN, give INT32_MIN, as x86's `vcvtps2dq`
    does; the kernels clamp products that could get there. On x86 with
    AVX-512 a 16-lane vector is one `vcvtps2dq` with static rounding.

    Example:
    ```mlir
    %i = octet_cpu.round_to_int %f : vector<16xf32> -> vector<16xi32>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [F32]>:$input);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def OctetCPU_NarrowSat4Op : OctetCPU_Op<"narrow_sat4",
                                   [Pure, AllTypesMatch<["v0", "v1", "v2", "v3"]>]> {
  let summary = "four int32 vectors narrowed with saturation to 64 bytes";
  let description = [{
    The 64 lanes of `v0`, `v1`, `v2` and `v3` (in that order), each
    saturated to int16, plus `zp` (int16 saturating addition), then saturated
    to int8 (`is_signed`) or uint8. The result bytes are the 8-bit values'
    storage. This is the last step of a requantization that stores 64
    contiguous bytes; on x86 it is two `vpackssdw`, two `vpaddsw`, one
    `vpacksswb`/`vpackuswb` and a `vpermd`.

    Example:
    ```mlir
    %b = octet_cpu.narrow_sat4 %a, %b, %c, %d {zp = 3 : i64, is_signed = false}
         : vector<16xi32> -> vector<64xi8>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[16], [I32]>:$v0,
                       VectorOfLengthAndType<[16], [I32]>:$v1,
                       VectorOfLengthAndType<[16], [I32]>:$v2,
                       VectorOfLengthAndType<[16], [I32]>:$v3,
                       I64Attr:$zp, BoolAttr:$is_signed);
  let results = (outs VectorOfLengthAndType<[64], [I8]>:$result);
  let assemblyFormat = [{
    $v0 `,` $v1 `,` $v2 `,` $v3 attr-dict `:` type($v0) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // OCTET_TARGET_CPU_CPUOPS_TD
