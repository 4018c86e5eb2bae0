//===- Passes.td - octet passes -----------------------------*- tablegen -*-===//

#ifndef OCTET_PASSES_TD
#define OCTET_PASSES_TD

include "mlir/Pass/PassBase.td"

def OctetFoldQDQ : Pass<"octet-fold-qdq"> {
  let summary = "Fold dequantize -> float op -> quantize into quantized ops";
  let description = [{
    Rewrites `quantize(op(dequantize(x), ...))` into `op(x, ...)` with the
    quantize's result type, for conv2d, matmul, gemm, add, sub, mul, clamp,
    max/avg/global-avg pooling, sigmoid and tanh. Float biases of
    convolutions and matrix products are quantized to int32 with scale
    `input_scale * weight_scale`. Data-movement ops (reshape, transpose,
    slice, gather, concat, max pooling) are moved onto the quantized values,
    with a requantize when the output parameters differ. A clamp feeding the
    quantize is first fused into the producing conv2d or gemm. Float ops
    whose operands are not all dequantized stay float (float islands).
    Also applies the quantize/requantize canonicalizations.

    Example:
    ```mlir
    %x = octet.dequantize %q : tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>> -> tensor<1x3x8x8xf32>
    %y = octet.conv2d %x, %w ... -> tensor<1x16x8x8xf32>
    %r = octet.quantize %y : ... -> tensor<1x16x8x8x!quant.uniform<u8:f32, 0.05:0>>
    // becomes
    %r = octet.conv2d %q, %wq, %bq ... -> tensor<1x16x8x8x!quant.uniform<u8:f32, 0.05:0>>
    ```
  }];
  let dependentDialects = ["::mlir::octet::OctetDialect"];
}

def OctetFoldConstants : Pass<"octet-fold-constants"> {
  let summary = "Fold shape arithmetic and other constant subgraphs";
  let description = [{
    Runs the folders and canonicalization patterns of the octet ops to a
    fixed point: `shape` of a static tensor, `gather`, `concat`, `slice`,
    `reshape`, `cast`, elementwise arithmetic on constants and
    `constant_of_shape` become constants, so the Shape -> Gather ->
    Unsqueeze -> Concat -> Reshape chains that exporters emit disappear.
    Quantize of a float constant becomes a quantized `octet.constant`, and
    quantize/dequantize/requantize chains simplify.
  }];
  let dependentDialects = ["::mlir::octet::OctetDialect",
                           "::mlir::arith::ArithDialect"];
}

def OctetMergeQDQPairs : Pass<"octet-merge-qdq-pairs"> {
  let summary = "Merge back-to-back quantize/dequantize pairs as ONNX Runtime does";
  let description = [{
    `dequantize(quantize(dequantize(quantize(x, A)), B))`, each value used only
    by the next op, becomes `dequantize(quantize(x, C))` with C covering the
    intersection of A's and B's real ranges: `s_C = (max - min) / (q_max -
    q_min)`, `zp_C = round(q_min - min / s_C)` in float32, for 8-bit
    per-tensor pairs of one storage type. This is ONNX Runtime's
    DoubleQDQPairsRemover; following it keeps results bit-exact with ONNX
    Runtime on such graphs (ONNX semantics would round twice).
  }];
}

def OctetFoldBatchNorm : Pass<"octet-fold-batch-norm"> {
  let summary = "Fold inference batch normalization into the preceding conv2d";
  let description = [{
    `batch_norm(conv2d(x, W, b))` with constant weights and statistics
    becomes `conv2d(x, W', b')` with `W'[k] = W[k] * s[k]` and
    `b'[k] = (b[k] - mean[k]) * s[k] + beta[k]`, where
    `s = gamma / sqrt(var + epsilon)`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def OctetFuseActivation : Pass<"octet-fuse-activation"> {
  let summary = "Fuse relu, relu6 and clamp into conv2d and gemm";
  let description = [{
    A `clamp` whose only input is a conv2d or gemm without an activation,
    of the same result type (float, or the same quantization), becomes that
    op's `activation` attribute: `min = 0` is relu,
    `[0, 6]` is relu6, anything else is clamp with bounds.
  }];
}

def OctetFuseElementwise : Pass<"octet-fuse-elementwise"> {
  let summary = "Fuse chains of elementwise linalg.generic ops and collapse their dimensions";
  let description = [{
    Runs after convert-octet-to-linalg. An elementwise `linalg.generic`
    whose result has one use, by another elementwise generic that reads it
    without broadcasting, is fused into that consumer (one pass over memory
    instead of two, for example a quantized add and the ReLU after it).
    Then each elementwise generic's loop dimensions that stay contiguous in
    every operand are collapsed into one, so that the innermost loop the
    LLVM vectorizer sees is as long as possible (a 256x14x14 add runs as
    one loop of 50176 elements, not 3584 loops of 14).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def OctetByteTables : Pass<"octet-byte-tables"> {
  let summary = "Elementwise float islands from one 8-bit tensor to another as 256-entry tables";
  let description = [{
    Runs after octet-fuse-elementwise. An elementwise `linalg.generic` that
    reads one 8-bit tensor (and nothing else but values defined outside it)
    and writes an 8-bit tensor is a function of the input byte alone: a
    quantized SiLU, sigmoid, GELU or hard-swish (dequantize, the float ops,
    quantize) computed per element. When its body does float work worth
    more than a table lookup (a division, a math op, or 16+ ops) and the
    tensor has 1024+ elements, the same body is run on the 256 byte values
    (a generic over a constant 0..255 tensor, computed at run time by the
    same code, so the table is bit-for-bit what the per-element code gives)
    and the result becomes a lookup of that table per element.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def OctetApproximateMath : Pass<"octet-approximate-math"> {
  let summary = "f32 exp, tanh and erf as polynomial approximations";
  let description = [{
    Runs after convert-octet-to-linalg. The f32 `math.exp`, `math.tanh` and
    `math.erf` of the float islands (sigmoid, SiLU, softmax, GELU, ...)
    become MLIR's polynomial approximations (upstream
    populateMathPolynomialApproximationPatterns): plain arithmetic that LLVM
    vectorizes, instead of a scalar libm call per element. Measured against
    float64 over [-100, 100] and special values: at most 2.7e-7 relative
    error (4 ulp for tanh and erf), infinities and NaNs as libm; exp flushes
    results below the smallest normal float (x < -87.3) to 0, as vectorized
    math libraries do. Logarithms keep libm (the approximation is wrong for
    subnormal inputs).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::LLVM::LLVMDialect"];
}


#endif // OCTET_PASSES_TD
