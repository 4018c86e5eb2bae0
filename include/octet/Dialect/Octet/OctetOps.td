//===- OctetOps.td - octet graph ops ------------------------*- tablegen -*-===//
//
// The ops of the `octet` dialect. Every op states its invariants in a C++
// verifier (OctetOps.cpp); shape inference lives in ShapeInference.cpp and is
// shared by the verifiers and the ONNX importer.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_OPS_TD
#define OCTET_OPS_TD

include "OctetDialect.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Octet_Tensor : RankedTensorOf<[AnyType]>;

// An op whose verifier is the shared C++ helper `helper(*this)`.
class Octet_VerifiedOp<string mnemonic, string helper, list<Trait> traits = []>
    : Octet_Op<mnemonic, !listconcat([Pure], traits)> {
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() { return }] # helper # [{(*this); }
  }];
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

def Octet_QuantizeOp : Octet_Op<"quantize", [Pure]> {
  let summary = "float tensor to quantized tensor";
  let description = [{
    Quantizes a float tensor with the parameters of the result's quant type:
    `q = saturate(round_half_even(x / scale) + zero_point)`. Per-axis result
    types quantize each slice along the quantized dimension with its own scale
    and zero point.

    Example:
    ```mlir
    %q = octet.quantize %x : tensor<1x16xf32> -> tensor<1x16x!quant.uniform<u8:f32, 0.05:128>>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Octet_DequantizeOp : Octet_Op<"dequantize", [Pure]> {
  let summary = "quantized tensor to float tensor";
  let description = [{
    Dequantizes with the parameters of the operand's quant type:
    `x = (q - zero_point) * scale`.

    Example:
    ```mlir
    %x = octet.dequantize %q : tensor<16x!quant.uniform<i8:f32, 0.1>> -> tensor<16xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Octet_RequantizeOp : Octet_Op<"requantize", [Pure]> {
  let summary = "change the quantization parameters of a tensor";
  let description = [{
    Maps a quantized tensor to another scale, zero point or storage type:
    `r = saturate(round((q - zp_in) * scale_in / scale_out) + zp_out)`. The
    rounding rule is chosen when the op is lowered. Either side may be
    per-axis (each element then uses the parameters of its slice).

    Example:
    ```mlir
    %r = octet.requantize %q : tensor<8x!quant.uniform<u8:f32, 0.1:128>> -> tensor<8x!quant.uniform<i8:f32, 0.2>>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Octet_ConstantOp : Octet_Op<"constant", [ConstantLike, Pure]> {
  let summary = "constant tensor of quantized values";
  let description = [{
    A constant whose result has a quant element type. `value` holds the
    stored integers; its element type has the width of the quant storage type.
    Float and plain integer constants use `arith.constant`.

    Example:
    ```mlir
    %w = octet.constant dense<[1, -2]> : tensor<2xi8> : tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Octet_StorageCastOp : Octet_Op<"storage_cast", [Pure]> {
  let summary = "reinterpret integers as a quantized tensor or back";
  let description = [{
    Reinterprets a tensor of integers as a tensor of a quant type with the
    same storage width, or the reverse. Unlike `quant.scast` it accepts signed
    and unsigned integer types (ONNX keeps uint8 and int8 apart).

    Example:
    ```mlir
    %q = octet.storage_cast %x : tensor<4xui8> -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Octet_DynamicQuantizeOp : Octet_Op<"dynamic_quantize", [Pure]> {
  let summary = "quantize to uint8 with parameters computed at run time";
  let description = [{
    ONNX DynamicQuantizeLinear: computes `scale = (max(0, max(x)) - min(0, min(x))) / 255`
    and `zero_point = saturate(round(-min(0, min(x)) / scale))` from the data,
    then quantizes `x` to uint8. The parameters are run-time values, so the
    result is a plain `ui8` tensor.

    Example:
    ```mlir
    %y, %s, %zp = octet.dynamic_quantize %x : tensor<4x8xf32> -> tensor<4x8xui8>, tensor<f32>, tensor<ui8>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input);
  let results = (outs Octet_Tensor:$output, Octet_Tensor:$scale,
                      Octet_Tensor:$zero_point);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output) `,` type($scale) `,` type($zero_point)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Compute ops
//===----------------------------------------------------------------------===//

def Octet_Conv2DOp : Octet_VerifiedOp<"conv2d", "verifyConv2D"> {
  let summary = "2-D convolution in ONNX layout (NCHW input, OIHW weight)";
  let description = [{
    A grouped 2-D convolution with optional bias and fused activation.
    `pads` is `[top, left, bottom, right]` as in ONNX. With `group` equal to
    the input channels and one input channel per group it is depthwise.

    Float form: every operand and the result are float tensors. Quantized
    form: input and result are per-tensor quantized, the weight is per-tensor
    or per-axis quantized on dimension 0 (output channels), and the bias is
    int32 quantized with scale `input_scale * weight_scale[k]` and zero point
    0. The result may also be float (a dequantizing convolution).
    `activation` is one of `none`, `relu`, `relu6` or `clamp` (with
    `clamp_min`/`clamp_max` in the real domain).

    Example:
    ```mlir
    %y = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
           dilations = array<i64: 1, 1>, group = 1 : i64, activation = "relu"}
         : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, Octet_Tensor:$weight,
                       Optional<Octet_Tensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$activation,
                       OptionalAttr<F32Attr>:$clamp_min,
                       OptionalAttr<F32Attr>:$clamp_max);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Octet_MatMulOp : Octet_VerifiedOp<"matmul", "verifyMatMul"> {
  let summary = "batched matrix product with ONNX broadcasting";
  let description = [{
    ONNX MatMul: 1-D operands are promoted to matrices, batch dimensions
    broadcast. The optional `bias` (a vector over the output columns) is
    added to every row; ONNX MatMul has none, fusion passes add it. In the
    quantized form `lhs` is per-tensor quantized, `rhs` per-tensor or
    per-axis on its last dimension (the output columns) and `bias` int32
    with scale `lhs_scale * rhs_scale[n]`.

    Example:
    ```mlir
    %y = octet.matmul %a, %b : (tensor<2x4x8xf32>, tensor<8x16xf32>) -> tensor<2x4x16xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$lhs, Octet_Tensor:$rhs,
                       Optional<Octet_Tensor>:$bias);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Octet_GemmOp : Octet_VerifiedOp<"gemm", "verifyGemm"> {
  let summary = "general matrix multiply / fully connected layer";
  let description = [{
    ONNX Gemm: `alpha * op(A) * op(B) + beta * C` with optional transposes,
    optional bias `C` (broadcast to the result) and fused activation. In the
    quantized form `B` is per-tensor or per-axis on its output dimension
    (0 when `trans_b`, else 1) and `C` is int32 with scale
    `a_scale * b_scale[n]`.

    Example:
    ```mlir
    %y = octet.gemm %a, %w, %b {trans_b = true}
         : (tensor<4x512xf32>, tensor<10x512xf32>, tensor<10xf32>) -> tensor<4x10xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$a, Octet_Tensor:$b,
                       Optional<Octet_Tensor>:$c,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b,
                       DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0f">:$beta,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$activation,
                       OptionalAttr<F32Attr>:$clamp_min,
                       OptionalAttr<F32Attr>:$clamp_max);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Octet_MatMulIntegerOp : Octet_VerifiedOp<"matmul_integer", "verifyMatMulInteger"> {
  let summary = "integer matrix product with run-time zero points";
  let description = [{
    ONNX MatMulInteger: `(a - a_zero_point) x (b - b_zero_point)` accumulated
    in int32. Operands are plain 8-bit integer tensors; the zero points are
    scalars (or, for `b`, one per output column) that may be computed at run
    time (for example by `octet.dynamic_quantize`).

    Example:
    ```mlir
    %y = octet.matmul_integer %a, %b, %azp, %bzp
         : (tensor<4x8xui8>, tensor<8x3xi8>, tensor<ui8>, tensor<i8>) -> tensor<4x3xi32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$lhs, Octet_Tensor:$rhs,
                       Octet_Tensor:$lhs_zero_point, Octet_Tensor:$rhs_zero_point);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs `,` $lhs_zero_point `,` $rhs_zero_point attr-dict `:` functional-type(operands, results)
  }];
}

def Octet_ConvIntegerOp : Octet_VerifiedOp<"conv_integer", "verifyConvInteger"> {
  let summary = "integer 2-D convolution with run-time zero points";
  let description = [{
    ONNX ConvInteger: `conv(x - x_zero_point, w - w_zero_point)` accumulated
    in int32, attributes as in `octet.conv2d`.

    Example:
    ```mlir
    %y = octet.conv_integer %x, %w, %xzp, %wzp {strides = array<i64: 1, 1>,
           pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
         : (tensor<1x1x4x4xui8>, tensor<2x1x3x3xui8>, tensor<ui8>, tensor<ui8>) -> tensor<1x2x2x2xi32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, Octet_Tensor:$weight,
                       Octet_Tensor:$input_zero_point, Octet_Tensor:$weight_zero_point,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $input_zero_point `,` $weight_zero_point attr-dict `:` functional-type(operands, results)
  }];
}

// Elementwise binary ops with ONNX (numpy) broadcasting.
class Octet_BinaryOp<string mnemonic, string kind, bit allowQuant>
    : Octet_VerifiedOp<mnemonic, "verifyBinary" # !if(allowQuant, "Quant", "Float")> {
  let summary = "elementwise " # kind # " with broadcasting";
  let description = [{
    Elementwise }] # kind # [{ with ONNX multidirectional broadcasting.
    Operands and result are all float, or all the same plain integer type
    (shape arithmetic), }] # !if(allowQuant,
    [{or all per-tensor quantized, where each operand and the result may have
    their own scale and zero point.}], [{and never quantized.}]) # [{

    Example:
    ```mlir
    %y = octet.}] # mnemonic # [{ %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$lhs, Octet_Tensor:$rhs);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasFolder = 1;
}

def Octet_AddOp : Octet_BinaryOp<"add", "addition", 1>;
def Octet_SubOp : Octet_BinaryOp<"sub", "subtraction", 1>;
def Octet_MulOp : Octet_BinaryOp<"mul", "multiplication", 1>;
def Octet_DivOp : Octet_BinaryOp<"div", "division", 0>;
def Octet_PowOp : Octet_BinaryOp<"pow", "power", 0>;
def Octet_MaxOp : Octet_BinaryOp<"max", "maximum", 1>;
def Octet_MinOp : Octet_BinaryOp<"min", "minimum", 1>;
def Octet_PReluOp : Octet_BinaryOp<"prelu", "parametric ReLU (lhs < 0 ? rhs * lhs : lhs)", 0>;

def Octet_AndOp : Octet_BinaryOp<"and", "logical and (i1)", 0>;
def Octet_OrOp : Octet_BinaryOp<"or", "logical or (i1)", 0>;
def Octet_XorOp : Octet_BinaryOp<"xor", "logical exclusive or (i1)", 0>;
def Octet_ShlOp : Octet_BinaryOp<"shl",
    "left shift of unsigned integers (ONNX BitShift LEFT; by the element width or more: 0)", 0>;
def Octet_ShrOp : Octet_BinaryOp<"shr",
    "logical right shift of unsigned integers (ONNX BitShift RIGHT; by the width or more: 0)", 0>;

def Octet_ModOp : Octet_VerifiedOp<"mod", "verifyBinaryFloat"> {
  let summary = "elementwise remainder with broadcasting";
  let description = [{
    ONNX Mod. With `fmod` the remainder takes the sign of the dividend (C
    fmod, required for floats); without it, integer remainders take the
    sign of the divisor (Python's %).

    Example:
    ```mlir
    %y = octet.mod %a, %b {fmod = false} : tensor<4xi64>, tensor<i64> -> tensor<4xi64>
    ```
  }];
  let arguments = (ins Octet_Tensor:$lhs, Octet_Tensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$fmod);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasFolder = 1;
}

def Octet_CompareOp : Octet_VerifiedOp<"compare", "verifyCompare"> {
  let summary = "elementwise comparison with broadcasting, an i1 result";
  let description = [{
    ONNX Equal, Less, LessOrEqual, Greater and GreaterOrEqual: `predicate` is
    `eq`, `lt`, `le`, `gt` or `ge`. The operands have the same float or
    integer element type (not quantized) and broadcast; the result is i1.

    Example:
    ```mlir
    %m = octet.compare %a, %b {predicate = "eq"} : tensor<2x3xi64>, tensor<3xi64> -> tensor<2x3xi1>
    ```
  }];
  let arguments = (ins Octet_Tensor:$lhs, Octet_Tensor:$rhs, StrAttr:$predicate);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasFolder = 1;
}

def Octet_WhereOp : Octet_VerifiedOp<"where", "verifyWhere"> {
  let summary = "elementwise select with broadcasting";
  let description = [{
    ONNX Where: `condition` (i1) picks `lhs` where true and `rhs` where false.
    The three operands broadcast; `lhs`, `rhs` and the result share one
    float or integer element type.

    Example:
    ```mlir
    %y = octet.where %c, %a, %b : tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$condition, Octet_Tensor:$lhs, Octet_Tensor:$rhs);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $lhs `,` $rhs attr-dict `:` type($condition) `,` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasFolder = 1;
}

def Octet_ClampOp : Octet_VerifiedOp<"clamp", "verifyClamp"> {
  let summary = "clamp to [min, max] (relu, relu6, clip)";
  let description = [{
    Clamps each element to `[min, max]`, given in the real (float) domain;
    either bound may be absent. Relu is `min = 0`. On a quantized tensor the
    bounds are applied to the represented real values and the result may have
    other quantization parameters.

    Example:
    ```mlir
    %y = octet.clamp %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<4xf32> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, OptionalAttr<F32Attr>:$min,
                       OptionalAttr<F32Attr>:$max);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def Octet_MaxPool2DOp : Octet_VerifiedOp<"max_pool2d", "verifyMaxPool"> {
  let summary = "2-D max pooling (NCHW)";
  let description = [{
    Max pooling with ONNX attributes; `pads` is `[top, left, bottom, right]`.
    A quantized input keeps its quant type: the result has the same one.

    Example:
    ```mlir
    %y = octet.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
           pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
         : tensor<1x32x8x8xf32> -> tensor<1x32x4x4xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Octet_AvgPool2DOp : Octet_VerifiedOp<"avg_pool2d", "verifyAvgPool"> {
  let summary = "2-D average pooling (NCHW)";
  let description = [{
    Average pooling with ONNX attributes. A quantized input may map to a
    result with other quantization parameters.

    Example:
    ```mlir
    %y = octet.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>,
           pads = array<i64: 1, 1, 1, 1>, count_include_pad = false}
         : tensor<1x8x6x6xf32> -> tensor<1x8x6x6xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Octet_GlobalAvgPool2DOp : Octet_VerifiedOp<"global_avg_pool2d", "verifyGlobalAvgPool"> {
  let summary = "mean over the spatial dimensions (NCHW)";
  let description = [{
    Averages each channel over H and W, keeping them as size-1 dimensions.

    Example:
    ```mlir
    %y = octet.global_avg_pool2d %x : tensor<1x512x7x7xf32> -> tensor<1x512x1x1xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

//===----------------------------------------------------------------------===//
// Float islands
//===----------------------------------------------------------------------===//

class Octet_UnaryOp<string mnemonic, string what, bit allowQuant>
    : Octet_VerifiedOp<mnemonic, "verifyUnary" # !if(allowQuant, "Quant", "Float")> {
  let summary = "elementwise " # what;
  let description = [{
    Elementwise }] # what # [{ on a float tensor}] # !if(allowQuant,
    [{, or on a per-tensor quantized tensor with a quantized result of the
    same shape (evaluated through a lookup table when lowered)}], "") # [{.

    Example:
    ```mlir
    %y = octet.}] # mnemonic # [{ %x : tensor<2x8xf32> -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Octet_SigmoidOp : Octet_UnaryOp<"sigmoid", "logistic sigmoid", 1>;
def Octet_TanhOp : Octet_UnaryOp<"tanh", "hyperbolic tangent", 1>;
def Octet_GeluOp : Octet_UnaryOp<"gelu", "GELU (erf form)", 0>;
def Octet_ErfOp : Octet_UnaryOp<"erf", "error function", 0>;
def Octet_SqrtOp : Octet_UnaryOp<"sqrt", "square root", 0>;
def Octet_ExpOp : Octet_UnaryOp<"exp", "exponential", 0>;
// Unary ops computed exactly on f32 (the result is the same on every
// target), folded on float constants.
class Octet_ExactUnaryOp<string mnemonic, string what>
    : Octet_UnaryOp<mnemonic, what, 0> {
  let hasFolder = 1;
}
def Octet_NegOp : Octet_ExactUnaryOp<"neg", "negation">;
def Octet_ReciprocalOp : Octet_UnaryOp<"reciprocal", "reciprocal", 0>;
def Octet_HardSwishOp : Octet_UnaryOp<"hard_swish", "hard swish, x * clamp(x / 6 + 1/2, 0, 1)", 1>;
def Octet_AbsOp : Octet_UnaryOp<"abs", "absolute value", 1>;
def Octet_LogOp : Octet_UnaryOp<"log", "natural logarithm", 0>;
def Octet_FloorOp : Octet_ExactUnaryOp<"floor", "rounding down">;
def Octet_CeilOp : Octet_ExactUnaryOp<"ceil", "rounding up">;
def Octet_RoundOp : Octet_ExactUnaryOp<"round", "rounding to nearest, ties to even">;
def Octet_SoftplusOp : Octet_UnaryOp<"softplus", "softplus, log(1 + exp(x))", 1>;
def Octet_SoftsignOp : Octet_UnaryOp<"softsign", "softsign, x / (1 + |x|)", 0>;
def Octet_MishOp : Octet_UnaryOp<"mish", "mish, x * tanh(softplus(x))", 1>;
def Octet_SinOp : Octet_UnaryOp<"sin", "sine", 0>;
def Octet_CosOp : Octet_UnaryOp<"cos", "cosine", 0>;
def Octet_TanOp : Octet_UnaryOp<"tan", "tangent", 0>;
def Octet_AsinOp : Octet_UnaryOp<"asin", "arcsine", 0>;
def Octet_AcosOp : Octet_UnaryOp<"acos", "arccosine", 0>;
def Octet_AtanOp : Octet_UnaryOp<"atan", "arctangent", 0>;
def Octet_SinhOp : Octet_UnaryOp<"sinh", "hyperbolic sine", 0>;
def Octet_CoshOp : Octet_UnaryOp<"cosh", "hyperbolic cosine", 0>;
def Octet_AsinhOp : Octet_UnaryOp<"asinh", "inverse hyperbolic sine", 0>;
def Octet_AcoshOp : Octet_UnaryOp<"acosh", "inverse hyperbolic cosine", 0>;
def Octet_AtanhOp : Octet_UnaryOp<"atanh", "inverse hyperbolic tangent", 0>;
def Octet_SignOp : Octet_UnaryOp<"sign", "sign (-1, 0 or 1; NaN stays NaN)", 0>;

// Elementwise activations with scalar parameters.
class Octet_ParamUnaryOp<string mnemonic, string what, string formula>
    : Octet_VerifiedOp<mnemonic, "verifyUnaryQuant"> {
  let summary = "elementwise " # what;
  let description = [{
    Elementwise }] # what # [{: `}] # formula # [{`, on a float tensor, or on
    a per-tensor quantized tensor with a quantized result of the same shape
    (evaluated in float between dequantize and quantize when lowered).

    Example:
    ```mlir
    %y = octet.}] # mnemonic # [{ %x {alpha = 0.1 : f32, beta = 0.5 : f32} : tensor<2x8xf32> -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, F32Attr:$alpha,
                       DefaultValuedAttr<F32Attr, "0.0f">:$beta);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Octet_LeakyReluOp : Octet_ParamUnaryOp<"leaky_relu", "leaky ReLU",
                                           "x >= 0 ? x : alpha * x">;
def Octet_EluOp : Octet_ParamUnaryOp<"elu", "ELU", "x >= 0 ? x : alpha * (exp(x) - 1)">;
def Octet_SeluOp : Octet_ParamUnaryOp<"selu", "SELU (beta is ONNX's gamma)",
                                      "beta * (x > 0 ? x : alpha * (exp(x) - 1))">;
def Octet_HardSigmoidOp : Octet_ParamUnaryOp<"hard_sigmoid", "hard sigmoid",
                                             "clamp(alpha * x + beta, 0, 1)">;
def Octet_CeluOp : Octet_ParamUnaryOp<"celu", "CELU",
                                      "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))">;
def Octet_ThresholdedReluOp : Octet_ParamUnaryOp<"thresholded_relu", "thresholded ReLU",
                                                 "x > alpha ? x : 0">;
def Octet_ShrinkOp : Octet_ParamUnaryOp<"shrink", "shrink (alpha is ONNX's lambd, beta its bias)",
    "x < -alpha ? x + beta : (x > alpha ? x - beta : 0)">;

def Octet_SoftmaxOp : Octet_VerifiedOp<"softmax", "verifySoftmax"> {
  let summary = "softmax along one axis";
  let description = [{
    `exp(x - max) / sum(exp(x - max))` along `axis` (non-negative), or with
    `log` set its logarithm `(x - max) - log(sum(exp(x - max)))` (ONNX
    LogSoftmax). Computed in f32; softmax (not its log) also takes 8-bit
    per-tensor quantized tensors, lowered as ONNX Runtime's QLinearSoftmax
    (a table of exponentials of the input steps, a float32 sum per row and
    `rint(e * floor(1 / s_y) / sum) + zp_y`).

    Example:
    ```mlir
    %y = octet.softmax %x {axis = 1 : i64} : tensor<2x10xf32> -> tensor<2x10xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$log);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Octet_LayerNormOp : Octet_VerifiedOp<"layer_norm", "verifyLayerNorm"> {
  let summary = "layer normalization over the trailing dimensions";
  let description = [{
    Normalizes over dimensions `axis..rank-1` to zero mean and unit variance,
    then scales and shifts. `scale` and `bias` have the normalized shape. A
    float island.

    Example:
    ```mlir
    %y = octet.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-5 : f32}
         : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, Octet_Tensor:$scale,
                       Optional<Octet_Tensor>:$bias, I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Octet_BatchNormOp : Octet_VerifiedOp<"batch_norm", "verifyBatchNorm"> {
  let summary = "inference batch normalization (NCHW)";
  let description = [{
    `scale * (x - mean) / sqrt(var + epsilon) + bias` per channel (dimension
    1). `octet-fold-batch-norm` folds it into a preceding convolution.

    Example:
    ```mlir
    %y = octet.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-5 : f32}
         : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, Octet_Tensor:$scale, Octet_Tensor:$bias,
                       Octet_Tensor:$mean, Octet_Tensor:$variance, F32Attr:$epsilon);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:` functional-type(operands, results)
  }];
}

class Octet_ReduceOp<string mnemonic, string what>
    : Octet_VerifiedOp<mnemonic, "verifyReduce"> {
  let summary = what # " over the given axes";
  let description = [{
    Reduces (}] # what # [{) over `axes` (sorted, non-negative, unique),
    keeping them as size-1 dimensions when `keepdims` is set.

    Example:
    ```mlir
    %y = octet.}] # mnemonic # [{ %x {axes = array<i64: 2>, keepdims = true} : tensor<1x4x8xf32> -> tensor<1x4x1xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Octet_ReduceMeanOp : Octet_ReduceOp<"reduce_mean", "mean">;
def Octet_ReduceSumOp : Octet_ReduceOp<"reduce_sum", "sum">;
def Octet_ReduceMaxOp : Octet_ReduceOp<"reduce_max", "maximum">;
def Octet_ReduceMinOp : Octet_ReduceOp<"reduce_min", "minimum">;
def Octet_ReduceProdOp : Octet_ReduceOp<"reduce_prod", "product">;

class Octet_ArgReduceOp<string mnemonic, string what>
    : Octet_VerifiedOp<mnemonic, "verifyArgReduce"> {
  let summary = "index of the " # what # " along an axis";
  let description = [{
    ONNX Arg}] # !if(!eq(what, "maximum"), "Max", "Min") # [{: the i64 index of the }] # what # [{ along `axis`
    (non-negative), the first one unless `select_last_index` is set, with
    the axis kept as a size-1 dimension when `keepdims` is set. The input
    is float or integer, not quantized.

    Example:
    ```mlir
    %i = octet.}] # mnemonic # [{ %x {axis = 1 : i64, keepdims = false} : tensor<2x10xf32> -> tensor<2xi64>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Octet_ArgMaxOp : Octet_ArgReduceOp<"argmax", "maximum">;
def Octet_ArgMinOp : Octet_ArgReduceOp<"argmin", "minimum">;

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

def Octet_ReshapeOp : Octet_VerifiedOp<"reshape", "verifyReshape"> {
  let summary = "change the shape, keeping the elements in order";
  let description = [{
    The result type gives the new shape; a dynamic result dimension is
    computed at run time from the element count or, when given, from the
    optional `shape` operand (an i64 vector with one entry per result
    dimension). Element type, quantized or not, is unchanged. ONNX Flatten,
    Squeeze and Unsqueeze import as reshapes.

    Example:
    ```mlir
    %y = octet.reshape %x : (tensor<?x32x4x4xf32>) -> tensor<?x512xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, Optional<Octet_Tensor>:$shape);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $input (`,` $shape^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Octet_TransposeOp : Octet_VerifiedOp<"transpose", "verifyTranspose"> {
  let summary = "permute dimensions";
  let description = [{
    Result dimension `i` is input dimension `perm[i]`.

    Example:
    ```mlir
    %y = octet.transpose %x {perm = array<i64: 0, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Octet_ConcatOp : Octet_VerifiedOp<"concat", "verifyConcat"> {
  let summary = "join tensors along an axis";
  let description = [{
    Concatenates along `axis` (non-negative). All operands and the result
    have the same element type; quantized operands must share their
    parameters (insert `octet.requantize` first).

    Example:
    ```mlir
    %y = octet.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
    ```
  }];
  let arguments = (ins Variadic<Octet_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Octet_SliceOp : Octet_VerifiedOp<"slice", "verifySlice"> {
  let summary = "strided slice with constant bounds";
  let description = [{
    ONNX Slice with constant `starts`, `ends`, `axes` (non-negative) and
    `steps`. Negative starts and ends count from the end, out-of-range
    values are clamped as in ONNX.

    Example:
    ```mlir
    %y = octet.slice %x {starts = array<i64: 1>, ends = array<i64: 3>, axes = array<i64: 0>,
           steps = array<i64: 1>} : tensor<4xf32> -> tensor<2xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$axes,
                       DenseI64ArrayAttr:$steps);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Octet_PadOp : Octet_VerifiedOp<"pad", "verifyPad"> {
  let summary = "pad with a constant, a reflection, the edge values or a wrap";
  let description = [{
    ONNX Pad with constant, non-negative `pads` (all begins, then all ends).
    `mode` is `constant` (fill with `value`, a real value: on a quantized
    tensor it is quantized with the tensor's parameters), `reflect` (mirror
    without repeating the edge), `edge` (repeat the edge) or `wrap` (the
    input repeated cyclically, ONNX opset 19). The importer turns negative
    ONNX pads into a slice first. The result keeps the input's element type.

    Example:
    ```mlir
    %y = octet.pad %x {pads = array<i64: 0, 1, 0, 2>, mode = "constant", value = 0.0 : f32}
           : tensor<2x3xf32> -> tensor<2x6xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<StrAttr, "\"constant\"">:$mode,
                       DefaultValuedAttr<F32Attr, "0.0f">:$value);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Octet_ResizeOp : Octet_VerifiedOp<"resize", "verifyResize"> {
  let summary = "nearest, (multi)linear or (multi)cubic resampling";
  let description = [{
    ONNX Resize. The result's static shape gives the output sizes; `scales`
    (one per dimension) are the factors that map output coordinates back to
    input coordinates. `mode` is `nearest`, `linear` (linear in every
    resized dimension) or `cubic` (Keys' cubic convolution with
    `cubic_coeff_a`, four taps per resized dimension, edge indices clamped,
    taps outside the input dropped and the rest renormalized where
    `exclude_outside`); `coordinate_mode` is ONNX's
    coordinate_transformation_mode (half_pixel, pytorch_half_pixel,
    align_corners, asymmetric, tf_half_pixel_for_nn) and `nearest_mode` its
    rounding rule (round_prefer_floor, round_prefer_ceil, floor, ceil).
    Quantized tensors are resampled in the real domain with the input's
    parameters (nearest mode copies the stored values).

    Example:
    ```mlir
    %y = octet.resize %x {mode = "nearest", coordinate_mode = "asymmetric",
           nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>}
           : tensor<1x8x4x4xf32> -> tensor<1x8x8x8xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, StrAttr:$mode, StrAttr:$coordinate_mode,
                       DefaultValuedAttr<StrAttr, "\"round_prefer_floor\"">:$nearest_mode,
                       DenseF32ArrayAttr:$scales,
                       DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Octet_BroadcastOp : Octet_VerifiedOp<"broadcast", "verifyBroadcast"> {
  let summary = "broadcast to the result shape (ONNX Expand)";
  let description = [{
    Broadcasts the input to the result's shape with ONNX (numpy) rules: the
    input's dimensions align to the right and each is 1 or equal to the
    result's.

    Example:
    ```mlir
    %y = octet.broadcast %x : tensor<3x1xf32> -> tensor<2x3x4xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Octet_TileOp : Octet_VerifiedOp<"tile", "verifyTile"> {
  let summary = "repeat the input along each dimension";
  let description = [{
    ONNX Tile with constant `repeats` (one per dimension, at least 1).

    Example:
    ```mlir
    %y = octet.tile %x {repeats = array<i64: 2, 1>} : tensor<2x3xf32> -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, DenseI64ArrayAttr:$repeats);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Octet_GatherElementsOp : Octet_VerifiedOp<"gather_elements", "verifyGatherElements"> {
  let summary = "gather single elements along an axis (ONNX GatherElements)";
  let description = [{
    `result[i...] = input[i...]` with the index along `axis` (non-negative)
    replaced by `indices[i...]` (negative values count from the end). The
    result has the indices' shape and the input's element type; the other
    dimensions of the indices must not exceed the input's.

    Example:
    ```mlir
    %y = octet.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, Octet_Tensor:$indices, I64Attr:$axis);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
}

def Octet_CumSumOp : Octet_VerifiedOp<"cumsum", "verifyCumSum"> {
  let summary = "cumulative sum along an axis (ONNX CumSum)";
  let description = [{
    `result[..., i, ...]` is the sum of `input[..., j, ...]` for `j <= i`
    along `axis` (non-negative), `j < i` with `exclusive`, and `j >= i`
    (`j > i`) with `reverse`. Float or integer tensors; the result has the
    input's type. Sums run in order along the axis.

    Example:
    ```mlir
    %y = octet.cumsum %x {axis = 1 : i64, exclusive = false, reverse = false} : tensor<2x5xi64> -> tensor<2x5xi64>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, I64Attr:$axis, BoolAttr:$exclusive,
                       BoolAttr:$reverse);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Octet_GatherNDOp : Octet_VerifiedOp<"gather_nd", "verifyGatherND"> {
  let summary = "gather slices by multi-dimensional indices (ONNX GatherND)";
  let description = [{
    The last dimension of `indices` (k entries) indexes the input's
    dimensions `batch_dims` to `batch_dims + k`; the first `batch_dims`
    dimensions of both are batch dimensions. The result shape is
    `indices.shape[:-1] + input.shape[batch_dims + k:]`. Negative indices
    count from the end.

    Example:
    ```mlir
    %y = octet.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<3x4x5xf32>, tensor<2x2xi64>) -> tensor<2x5xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, Octet_Tensor:$indices, I64Attr:$batch_dims);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
}

def Octet_ScatterOp : Octet_VerifiedOp<"scatter", "verifyScatter"> {
  let summary = "scatter updates into a copy of the input (ScatterElements, ScatterND)";
  let description = [{
    The result is `input` with elements replaced by (or, with `reduction`
    add, mul, max or min, combined with) `updates`, in the order of the
    updates. Without `nd` (ONNX ScatterElements) `indices` has the updates'
    shape and replaces the index along `axis` (non-negative); with `nd`
    (ONNX ScatterND) the last dimension of `indices` holds index tuples
    into the leading dimensions and `updates` has shape
    `indices.shape[:-1] + input.shape[k:]`. Negative indices count from the
    end; out-of-range ones clamp.

    Example:
    ```mlir
    %y = octet.scatter %x, %i, %u {axis = 1 : i64, nd = false, reduction = "none"} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, Octet_Tensor:$indices, Octet_Tensor:$updates,
                       I64Attr:$axis, BoolAttr:$nd, StrAttr:$reduction);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)";
}

def Octet_GatherOp : Octet_VerifiedOp<"gather", "verifyGather"> {
  let summary = "gather slices along an axis by index";
  let description = [{
    ONNX Gather: the result shape is `input[:axis] + indices + input[axis+1:]`.
    Indices are i32 or i64; negative indices count from the end.

    Example:
    ```mlir
    %y = octet.gather %x, %i {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, Octet_Tensor:$indices, I64Attr:$axis);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Octet_ShapeOp : Octet_VerifiedOp<"shape", "verifyShape"> {
  let summary = "the shape of a tensor as an i64 vector";
  let description = [{
    ONNX Shape: dimensions `start..end` of the input as a 1-D i64 tensor.
    Folds to a constant when those dimensions are static.

    Example:
    ```mlir
    %s = octet.shape %x {start = 0 : i64, end = 2 : i64} : tensor<?x8xf32> -> tensor<2xi64>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input, I64Attr:$start, I64Attr:$end);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Octet_CastOp : Octet_VerifiedOp<"cast", "verifyCast"> {
  let summary = "convert the element type (not quantized types)";
  let description = [{
    ONNX Cast between float and plain integer types. Float to integer
    truncates toward zero and saturates nothing (as ONNX). Quantized tensors
    use quantize, dequantize or storage_cast instead.

    Example:
    ```mlir
    %y = octet.cast %x : tensor<3xi64> -> tensor<3xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$input);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Octet_ConstantOfShapeOp : Octet_VerifiedOp<"constant_of_shape", "verifyConstantOfShape"> {
  let summary = "a tensor filled with one value, shaped by an operand";
  let description = [{
    ONNX ConstantOfShape. Folds to a splat constant when `shape` is constant.

    Example:
    ```mlir
    %y = octet.constant_of_shape %s {value = 0.0 : f32} : (tensor<2xi64>) -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins Octet_Tensor:$shape, TypedAttrInterface:$value);
  let results = (outs Octet_Tensor:$result);
  let assemblyFormat = "$shape attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

#endif // OCTET_OPS_TD
