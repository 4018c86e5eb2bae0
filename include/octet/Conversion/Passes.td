//===- Passes.td - octet conversion passes ------------------*- tablegen -*-===//
//
// Conversions out of the octet dialect that every target shares.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_CONVERSION_PASSES_TD
#define OCTET_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertOctetToLinalg : Pass<"convert-octet-to-linalg", "ModuleOp"> {
  let summary = "Lower octet ops to linalg, tensor, arith and math on integers";
  let description = [{
    Quantized tensors become tensors of their signless storage integers.
    Quantized convolutions and matrix products accumulate `(x - x_zp) *
    (w - w_zp)` in int32 starting from the int32 bias, then requantize:

    - `requant=onnx`: `clamp(rint(float32(acc) * M) + y_zp)` with
      `M = float32(s_x * s_w[k]) / s_y`, round half to even, as ONNX Runtime;
    - `requant=fixed-point`: a Q31 multiplier and shift with gemmlowp's
      rounding (SaturatingRoundingDoublingHighMul, RoundingDivideByPOT).

    Quantize and dequantize follow ONNX (true division, round half to even,
    zero point added after rounding). Quantized mul and add follow ONNX
    Runtime's QLinearMul and (x86) QLinearAdd kernels; requantize, clamp and
    other elementwise arithmetic on quantized tensors compute dequantize ->
    op -> quantize in float32, as ONNX Runtime evaluates the unfused QDQ
    graph. Shapes must be static (octetc's --input-shape).

    The patterns are target-independent (lib/Conversion/OctetToLinalg, one
    file per op family) and produce no target-specific op; a target adds its
    kernels at a higher benefit (the CPU's in `convert-octet-to-cpu`).
  }];
  let options = [
    Option<"requant", "requant", "std::string", /*default=*/"\"onnx\"",
           "Requantization rule: onnx or fixed-point">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // OCTET_CONVERSION_PASSES_TD
