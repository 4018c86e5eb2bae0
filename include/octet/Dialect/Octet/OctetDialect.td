//===- OctetDialect.td - the octet graph dialect ------------*- tablegen -*-===//
//
// Declares the `octet` dialect: graph-level ops on f32 tensors or tensors of
// upstream `!quant.uniform` types.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_DIALECT_TD
#define OCTET_DIALECT_TD

include "mlir/IR/OpBase.td"

def Octet_Dialect : Dialect {
  let name = "octet";
  let cppNamespace = "::mlir::octet";
  let summary = "Graph-level ops for INT8 model compilation";
  let description = [{
    The `octet` dialect holds the graph of an imported model. Ops take tensors
    whose element type is a float type or an upstream quant type
    (`!quant.uniform<i8:f32, 0.02:-3>`, per-tensor or per-axis). Quantizing a
    model changes the element types of the values, not the ops: a quantized
    convolution is an `octet.conv2d` whose operands are quantized tensors.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect",
                           "::mlir::arith::ArithDialect"];
  let hasConstantMaterializer = 1;
}

class Octet_Op<string mnemonic, list<Trait> traits = []>
    : Op<Octet_Dialect, mnemonic, traits>;

#endif // OCTET_DIALECT_TD
