// One case per diagnostic of the octet verifiers.
// RUN: octet-opt %s -split-input-file -verify-diagnostics

//===--- quant types --------------------------------------------------------===//

func.func @any_quant(%x: tensor<2xf32>) {
  // expected-error @+1 {{result #0 must use a uniform quant type}}
  %q = octet.quantize %x : tensor<2xf32> -> tensor<2x!quant.any<i8<-8:7>:f32>>
  return
}

// -----

func.func @zero_point_range(%x: tensor<2xf32>) {
  // expected-error @+1 {{result #0 has zero point 300 outside the storage range [0, 255]}}
  %q = octet.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<u8:f32, 0.1:300>>
  return
}

// -----

func.func @axis_beyond_rank(%x: tensor<2xf32>) {
  // expected-error @+1 {{result #0 is quantized on axis 1 but has rank 1}}
  %q = octet.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return
}

// -----

func.func @axis_size(%x: tensor<3xf32>) {
  // expected-error @+1 {{result #0 has 2 scales for dimension 0 of size 3}}
  %q = octet.quantize %x : tensor<3xf32> -> tensor<3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

//===--- quantize / dequantize / requantize ----------------------------------===//

// -----

func.func @quantize_int_input(%x: tensor<2xi32>) {
  // expected-error @+1 {{input must be a float tensor}}
  %q = octet.quantize %x : tensor<2xi32> -> tensor<2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @quantize_float_result(%x: tensor<2xf32>) {
  // expected-error @+1 {{result must be a quantized tensor}}
  %q = octet.quantize %x : tensor<2xf32> -> tensor<2xf32>
  return
}

// -----

func.func @quantize_expressed(%x: tensor<2xf16>) {
  // expected-error @+1 {{quant expressed type 'f32' differs from the float type 'f16'}}
  %q = octet.quantize %x : tensor<2xf16> -> tensor<2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @dequantize_shape(%x: tensor<2x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{input and result shapes differ}}
  %d = octet.dequantize %x : tensor<2x!quant.uniform<i8:f32, 0.1>> -> tensor<3xf32>
  return
}

// -----

func.func @requantize_float(%x: tensor<2xf32>) {
  // expected-error @+1 {{input and result must be quantized}}
  %r = octet.requantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @requantize_shape(%x: tensor<2x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{input and result shapes differ}}
  %r = octet.requantize %x : tensor<2x!quant.uniform<i8:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @requantize_float(%x: tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{input and result must be quantized}}
  %r = octet.requantize %x : tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<2xf32>
  return
}

//===--- constant / storage_cast / dynamic_quantize ---------------------------===//

// -----

func.func @constant_float() {
  // expected-error @+1 {{result must be quantized (use arith.constant otherwise)}}
  %c = octet.constant dense<1> : tensor<2xi8> : tensor<2xi8>
  return
}

// -----

func.func @constant_width() {
  // expected-error @+1 {{value must hold 8-bit integers, got 'i32'}}
  %c = octet.constant dense<1> : tensor<2xi32> : tensor<2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @constant_shape() {
  // expected-error @+1 {{value shape 3 differs from result shape 2}}
  %c = octet.constant dense<1> : tensor<3xi8> : tensor<2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @constant_range() {
  // expected-error @+1 {{value -128 outside the storage range [-127, 127]}}
  %c = octet.constant dense<-128> : tensor<2xi8> : tensor<2x!quant.uniform<i8<-127:127>:f32, 0.1>>
  return
}

// -----

func.func @storage_cast_both_int(%x: tensor<2xi8>) {
  // expected-error @+1 {{exactly one side must be quantized}}
  %c = octet.storage_cast %x : tensor<2xi8> -> tensor<2xui8>
  return
}

// -----

func.func @storage_cast_width(%x: tensor<2xi16>) {
  // expected-error @+1 {{integer width must equal the storage width 8}}
  %c = octet.storage_cast %x : tensor<2xi16> -> tensor<2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @storage_cast_shape(%x: tensor<2xi8>) {
  // expected-error @+1 {{input and result shapes differ}}
  %c = octet.storage_cast %x : tensor<2xi8> -> tensor<3x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @dynq_input(%x: tensor<2xi32>) {
  // expected-error @+1 {{input must be a float tensor}}
  %y, %s, %z = octet.dynamic_quantize %x : tensor<2xi32> -> tensor<2xui8>, tensor<f32>, tensor<ui8>
  return
}

// -----

func.func @dynq_output(%x: tensor<2xf32>) {
  // expected-error @+1 {{output must be a ui8 tensor of the input's shape}}
  %y, %s, %z = octet.dynamic_quantize %x : tensor<2xf32> -> tensor<2xi8>, tensor<f32>, tensor<ui8>
  return
}

// -----

func.func @dynq_scale(%x: tensor<2xf32>) {
  // expected-error @+1 {{scale must be tensor<f32>}}
  %y, %s, %z = octet.dynamic_quantize %x : tensor<2xf32> -> tensor<2xui8>, tensor<1xf32>, tensor<ui8>
  return
}

// -----

func.func @dynq_zp(%x: tensor<2xf32>) {
  // expected-error @+1 {{zero point must be tensor<ui8>}}
  %y, %s, %z = octet.dynamic_quantize %x : tensor<2xf32> -> tensor<2xui8>, tensor<f32>, tensor<i8>
  return
}

//===--- conv2d -----------------------------------------------------------------===//

// -----

func.func @conv_result_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{result shape 1x4x8x8 does not match the inferred shape 1x4x6x6}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_attr_sizes(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects 2 strides, 4 pads and 2 dilations}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_stride_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{strides and dilations must be positive}}
  %y = octet.conv2d %x, %w {strides = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_negative_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{pads must be non-negative}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: -1, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects a rank-4 input and weight, got 3x8x8 and 4x3x3x3}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_group_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{group must be at least 1}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 0} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_group_divides(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error @+1 {{output channels 3 are not divisible by group 2}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2} : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{input has 3 channels but weight expects 2}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_kernel_too_big(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{kernel larger than the padded input}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @conv_bias_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{bias must have shape [4], got 5}}
  %y = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<5xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_mixed(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{with a float input, weight, bias and result must be float}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_int_input(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>) {
  // expected-error @+1 {{input must be float or per-tensor quantized}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi8>
  return
}

// -----

func.func @conv_float_weight(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.1>>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{a quantized input needs a quantized weight}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.1>>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_wide_storage(%x: tensor<1x3x8x8x!quant.uniform<i32:f32, 0.1>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{quantized input and weight must have 8- or 16-bit storage}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8x!quant.uniform<i32:f32, 0.1>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_weight_axis(%x: tensor<1x2x8x8x!quant.uniform<u8:f32, 0.1>>, %w: tensor<2x2x3x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) {
  // expected-error @+1 {{weight must be quantized per-axis on its output-channel dimension 0, not 1}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x8x8x!quant.uniform<u8:f32, 0.1>>, tensor<2x2x3x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) -> tensor<1x2x6x6xf32>
  return
}

// -----

func.func @conv_int_result(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.1>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{result of a quantized op must be per-tensor quantized or float}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.1>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x4x6x6xi32>
  return
}

// -----

func.func @conv_bias_i8(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.1>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{bias of a quantized op must be int32 quantized}}
  %y = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.1>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_bias_zp(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.1>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4x!quant.uniform<i32:f32, 0.01:5>>) {
  // expected-error @+1 {{bias zero point must be 0}}
  %y = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.1>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i32:f32, 0.01:5>>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_bias_scale(%x: tensor<1x3x8x8x!quant.uniform<u8:f32, 0.1>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, %b: tensor<2x!quant.uniform<i32:f32:0, {0.01, 0.03}>>) {
  // expected-error @+1 {{bias scale 3.000000e-02 of channel 1 must equal input_scale * weight_scale = 2.000000e-02}}
  %y = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.1>>, tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<2x!quant.uniform<i32:f32:0, {0.01, 0.03}>>) -> tensor<1x2x6x6xf32>
  return
}

// -----

func.func @conv_activation_attrs(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{clamp_min/clamp_max are only allowed with activation "clamp"}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = "relu", clamp_min = 0.0 : f32} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_clamp_bounds(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{activation "clamp" needs clamp_min or clamp_max}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = "clamp"} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_clamp_order(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{clamp_min must not exceed clamp_max}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = "clamp", clamp_min = 2.0 : f32, clamp_max = 1.0 : f32} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_unknown_activation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{unknown activation "swish" (expected none, relu, relu6 or clamp)}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = "swish"} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

//===--- matmul / gemm / integer ops ------------------------------------------===//

// -----

func.func @matmul_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{contraction dimensions differ: 2x3 x 4x5}}
  %y = octet.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{matmul operands must have rank at least 1}}
  %y = octet.matmul %a, %b : (tensor<f32>, tensor<4x5xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<5x4x6xf32>) {
  // expected-error @+1 {{shapes 2 and 5 do not broadcast}}
  %y = octet.matmul %a, %b : (tensor<2x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x3x6xf32>
  return
}

// -----

func.func @matmul_float_int(%a: tensor<2x3xf32>, %b: tensor<3x4xi8>) {
  // expected-error @+1 {{operands must be both float or both quantized}}
  %y = octet.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xi8>) -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_bias(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<3xf32>) {
  // expected-error @+1 {{bias must be a vector over the 4 output columns, got 3}}
  %y = octet.matmul %a, %b, %c : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @gemm_rank(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{gemm expects rank-2 operands, got 2x3x4 and 4x5}}
  %y = octet.gemm %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @gemm_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{contraction dimensions differ: 3 vs 4}}
  %y = octet.gemm %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @gemm_bias(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>, %c: tensor<4xf32>) {
  // expected-error @+1 {{bias of shape 4 does not broadcast to 2x5}}
  %y = octet.gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x5xf32>, tensor<4xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @gemm_trans_a(%a: tensor<3x2x!quant.uniform<u8:f32, 0.1>>, %b: tensor<3x5x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{quantized gemm does not support trans_a}}
  %y = octet.gemm %a, %b {trans_a = true} : (tensor<3x2x!quant.uniform<u8:f32, 0.1>>, tensor<3x5x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_integer_width(%a: tensor<2x3xi16>, %b: tensor<3x4xi8>, %az: tensor<i16>, %bz: tensor<i8>) {
  // expected-error @+1 {{operands must be 8-bit integer tensors}}
  %y = octet.matmul_integer %a, %b, %az, %bz : (tensor<2x3xi16>, tensor<3x4xi8>, tensor<i16>, tensor<i8>) -> tensor<2x4xi32>
  return
}

// -----

func.func @matmul_integer_zp_type(%a: tensor<2x3xui8>, %b: tensor<3x4xi8>, %az: tensor<i8>, %bz: tensor<i8>) {
  // expected-error @+1 {{zero points must have their operand's element type}}
  %y = octet.matmul_integer %a, %b, %az, %bz : (tensor<2x3xui8>, tensor<3x4xi8>, tensor<i8>, tensor<i8>) -> tensor<2x4xi32>
  return
}

// -----

func.func @matmul_integer_zp_rank(%a: tensor<2x3xui8>, %b: tensor<3x4xi8>, %az: tensor<1x1xui8>, %bz: tensor<i8>) {
  // expected-error @+1 {{zero points must be scalars or vectors}}
  %y = octet.matmul_integer %a, %b, %az, %bz : (tensor<2x3xui8>, tensor<3x4xi8>, tensor<1x1xui8>, tensor<i8>) -> tensor<2x4xi32>
  return
}

// -----

func.func @conv_integer_result(%x: tensor<1x1x4x4xui8>, %w: tensor<2x1x3x3xui8>, %z: tensor<ui8>) {
  // expected-error @+1 {{result must be a 32-bit integer tensor}}
  %y = octet.conv_integer %x, %w, %z, %z {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xui8>, tensor<2x1x3x3xui8>, tensor<ui8>, tensor<ui8>) -> tensor<1x2x2x2xi64>
  return
}

//===--- elementwise ----------------------------------------------------------===//

// -----

func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{shapes 2x3 and 4 do not broadcast}}
  %y = octet.add %a, %b : tensor<2x3xf32>, tensor<4xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @div_quantized(%a: tensor<2x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{does not take quantized tensors}}
  %y = octet.div %a, %a : tensor<2x!quant.uniform<u8:f32, 0.1>>, tensor<2x!quant.uniform<u8:f32, 0.1>> -> tensor<2x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

func.func @add_half_quantized(%a: tensor<2x!quant.uniform<u8:f32, 0.1>>, %b: tensor<2xf32>) {
  // expected-error @+1 {{quantized operands and result must all be per-tensor quantized}}
  %y = octet.add %a, %b : tensor<2x!quant.uniform<u8:f32, 0.1>>, tensor<2xf32> -> tensor<2x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

func.func @add_types(%a: tensor<2xf32>, %b: tensor<2xi64>) {
  // expected-error @+1 {{operand and result element types must match, got 'f32', 'i64' -> 'f32'}}
  %y = octet.add %a, %b : tensor<2xf32>, tensor<2xi64> -> tensor<2xf32>
  return
}

// -----

func.func @unary_shape(%x: tensor<2xf32>) {
  // expected-error @+1 {{result shape 3 differs from input shape 2}}
  %y = octet.sigmoid %x : tensor<2xf32> -> tensor<3xf32>
  return
}

// -----

func.func @erf_quantized(%x: tensor<2x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{does not take quantized tensors (a float island)}}
  %y = octet.erf %x : tensor<2x!quant.uniform<u8:f32, 0.1>> -> tensor<2x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

func.func @sigmoid_half_quantized(%x: tensor<2x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{quantized input and result must both be per-tensor quantized}}
  %y = octet.sigmoid %x : tensor<2x!quant.uniform<u8:f32, 0.1>> -> tensor<2xf32>
  return
}

// -----

func.func @unary_types(%x: tensor<2xf32>) {
  // expected-error @+1 {{input and result element types differ}}
  %y = octet.tanh %x : tensor<2xf32> -> tensor<2xf16>
  return
}

// -----

func.func @sqrt_int(%x: tensor<2xi32>) {
  // expected-error @+1 {{expects float tensors}}
  %y = octet.sqrt %x : tensor<2xi32> -> tensor<2xi32>
  return
}

// -----

func.func @clamp_order(%x: tensor<2xf32>) {
  // expected-error @+1 {{min must not exceed max}}
  %y = octet.clamp %x {min = 3.0 : f32, max = 1.0 : f32} : tensor<2xf32> -> tensor<2xf32>
  return
}

//===--- pooling -----------------------------------------------------------------===//

// -----

func.func @pool_rank(%x: tensor<4x8x8xf32>) {
  // expected-error @+1 {{expects a rank-4 input, got 4x8x8}}
  %y = octet.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<4x8x8xf32> -> tensor<4x4x4xf32>
  return
}

// -----

func.func @pool_kernel(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{expects 2 positive kernel sizes}}
  %y = octet.max_pool2d %x {kernel = array<i64: 0, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return
}

// -----

func.func @pool_pad(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{padding must be smaller than the kernel}}
  %y = octet.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>} : tensor<1x4x8x8xf32> -> tensor<1x4x5x4xf32>
  return
}

// -----

func.func @pool_too_small(%x: tensor<1x4x2x2xf32>) {
  // expected-error @+1 {{kernel larger than the padded input}}
  %y = octet.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x2x2xf32> -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @pool_per_axis(%x: tensor<1x2x4x4x!quant.uniform<u8:f32:1, {0.1, 0.2}>>) {
  // expected-error @+1 {{quantized input and result must both be per-tensor quantized}}
  %y = octet.global_avg_pool2d %x : tensor<1x2x4x4x!quant.uniform<u8:f32:1, {0.1, 0.2}>> -> tensor<1x2x1x1x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

func.func @maxpool_requant(%x: tensor<1x4x8x8x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{max pooling keeps the quantization: result element type must equal the input's}}
  %y = octet.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8x!quant.uniform<u8:f32, 0.1>> -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.2>>
  return
}

// -----

func.func @pool_int(%x: tensor<1x4x8x8xi32>) {
  // expected-error @+1 {{expects float tensors of one element type}}
  %y = octet.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x8x8xi32> -> tensor<1x4x4x4xi32>
  return
}

// -----

func.func @maxpool_i32(%x: tensor<1x4x8x8xi32>) {
  // expected-error @+1 {{expects float or 8-bit integer tensors of one element type}}
  %y = octet.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xi32> -> tensor<1x4x4x4xi32>
  return
}

// -----

func.func @gap_rank(%x: tensor<4x8x8xf32>) {
  // expected-error @+1 {{expects a rank-4 input}}
  %y = octet.global_avg_pool2d %x : tensor<4x8x8xf32> -> tensor<4x1x1xf32>
  return
}

//===--- float islands ----------------------------------------------------------===//

// -----

func.func @softmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %y = octet.softmax %x {axis = 2 : i64} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<2x3xf32>, %g: tensor<3xf32>) {
  // expected-error @+1 {{axis 5 out of range for rank 2}}
  %y = octet.layer_norm %x, %g {axis = 5 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @layer_norm_scale_type(%x: tensor<2x3xf32>, %g: tensor<3xi32>) {
  // expected-error @+1 {{scale and bias must be float}}
  %y = octet.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<3xi32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @layer_norm_scale_shape(%x: tensor<2x3xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{scale/bias shape 4 does not match the normalized shape 3}}
  %y = octet.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @batch_norm_rank(%x: tensor<4xf32>, %c: tensor<4xf32>) {
  // expected-error @+1 {{expects rank at least 2}}
  %y = octet.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-5 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @batch_norm_params(%x: tensor<1x4x2x2xf32>, %c: tensor<4xf32>, %d: tensor<3xf32>) {
  // expected-error @+1 {{scale, bias, mean and variance must be float vectors of the channel count 4}}
  %y = octet.batch_norm %x, %c, %c, %d, %c {epsilon = 1.0e-5 : f32} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

func.func @reduce_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{reduction axis 2 out of range for rank 2}}
  %y = octet.reduce_mean %x {axes = array<i64: 2>} : tensor<2x3xf32> -> tensor<2x3x1xf32>
  return
}

// -----

func.func @reduce_sorted(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{reduction axes must be sorted and unique}}
  %y = octet.reduce_sum %x {axes = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<1x1xf32>
  return
}

// -----

func.func @reduce_quantized(%x: tensor<2x3x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{does not take quantized tensors (a float island)}}
  %y = octet.reduce_max %x {axes = array<i64: 1>} : tensor<2x3x!quant.uniform<u8:f32, 0.1>> -> tensor<2x1x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

func.func @reduce_types(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{input and result element types differ}}
  %y = octet.reduce_mean %x {axes = array<i64: 1>} : tensor<2x3xf32> -> tensor<2x1xf16>
  return
}

//===--- shape ops ----------------------------------------------------------------===//

// -----

func.func @reshape_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result element type 'f16' differs from input element type 'f32'}}
  %y = octet.reshape %x : (tensor<2x3xf32>) -> tensor<6xf16>
  return
}

// -----

func.func @reshape_per_axis(%x: tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{cannot reshape a per-axis quantized tensor}}
  %y = octet.reshape %x : (tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @reshape_shape_operand(%x: tensor<2x3xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{shape operand must be a 1-D integer tensor}}
  %y = octet.reshape %x, %s : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @reshape_shape_length(%x: tensor<2x3xf32>, %s: tensor<3xi64>) {
  // expected-error @+1 {{shape operand has 3 entries for a rank-2 result}}
  %y = octet.reshape %x, %s : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot reshape 2x3 (6 elements) to 7 (7 elements)}}
  %y = octet.reshape %x : (tensor<2x3xf32>) -> tensor<7xf32>
  return
}

// -----

func.func @transpose_perm_length(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{permutation has 3 entries for rank 2}}
  %y = octet.transpose %x {perm = array<i64: 0, 1, 2>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{perm is not a permutation of 0..1}}
  %y = octet.transpose %x {perm = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @transpose_per_axis(%x: tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{cannot transpose a per-axis quantized tensor}}
  %y = octet.transpose %x {perm = array<i64: 1, 0>} : tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @concat_empty() {
  // expected-error @+1 {{concat needs at least one operand}}
  %y = octet.concat {axis = 0 : i64} : () -> tensor<2xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2xf32>) {
  // expected-error @+1 {{axis 1 out of range for rank 1}}
  %y = octet.concat %a, %a {axis = 1 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @concat_ranks(%a: tensor<2xf32>, %b: tensor<2x1xf32>) {
  // expected-error @+1 {{operands have different ranks}}
  %y = octet.concat %a, %b {axis = 0 : i64} : (tensor<2xf32>, tensor<2x1xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @concat_shapes(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+1 {{operand shapes 2x3 and 2x4 differ outside the concat axis}}
  %y = octet.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_types(%a: tensor<2xf32>, %b: tensor<2xi32>) {
  // expected-error @+1 {{result element type 'f32' differs from input element type 'i32'}}
  %y = octet.concat %a, %b {axis = 0 : i64} : (tensor<2xf32>, tensor<2xi32>) -> tensor<4xf32>
  return
}

// -----

func.func @concat_per_axis(%a: tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{result #0 has 2 scales for dimension 0 of size 4}}
  %y = octet.concat %a, %a {axis = 0 : i64} : (tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @concat_per_axis_kept(%a: tensor<2x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{cannot concatenate per-axis quantized tensors}}
  %y = octet.concat %a, %a {axis = 1 : i64} : (tensor<2x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<2x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @slice_lengths(%x: tensor<4xf32>) {
  // expected-error @+1 {{starts, ends, axes and steps must have the same length}}
  %y = octet.slice %x {starts = array<i64: 0, 1>, ends = array<i64: 2>, axes = array<i64: 0>, steps = array<i64: 1>} : tensor<4xf32> -> tensor<2xf32>
  return
}

// -----

func.func @slice_axes(%x: tensor<4xf32>) {
  // expected-error @+1 {{slice axes must be unique and in [0, rank)}}
  %y = octet.slice %x {starts = array<i64: 0>, ends = array<i64: 2>, axes = array<i64: 1>, steps = array<i64: 1>} : tensor<4xf32> -> tensor<2xf32>
  return
}

// -----

func.func @slice_step(%x: tensor<4xf32>) {
  // expected-error @+1 {{slice step must not be zero}}
  %y = octet.slice %x {starts = array<i64: 0>, ends = array<i64: 2>, axes = array<i64: 0>, steps = array<i64: 0>} : tensor<4xf32> -> tensor<2xf32>
  return
}

// -----

func.func @slice_per_axis(%x: tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{cannot slice a per-axis quantized tensor}}
  %y = octet.slice %x {starts = array<i64: 0>, ends = array<i64: 2>, axes = array<i64: 1>, steps = array<i64: 1>} : tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @gather_indices(%x: tensor<4xf32>, %i: tensor<2xf32>) {
  // expected-error @+1 {{indices must be i32 or i64}}
  %y = octet.gather %x, %i {axis = 0 : i64} : (tensor<4xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<4xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{axis 1 out of range for rank 1}}
  %y = octet.gather %x, %i {axis = 1 : i64} : (tensor<4xf32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_per_axis(%x: tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, %i: tensor<2xi64>) {
  // expected-error @+1 {{cannot gather from a per-axis quantized tensor}}
  %y = octet.gather %x, %i {axis = 1 : i64} : (tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<2xi64>) -> tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @shape_range(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{needs 0 <= start <= end <= rank (2), got start 1, end 3}}
  %y = octet.shape %x {start = 1 : i64, end = 3 : i64} : tensor<2x3xf32> -> tensor<2xi64>
  return
}

// -----

func.func @shape_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result must be tensor<2xi64>}}
  %y = octet.shape %x {start = 0 : i64, end = 2 : i64} : tensor<2x3xf32> -> tensor<2xi32>
  return
}

// -----

func.func @cast_quantized(%x: tensor<2x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{does not convert quantized tensors; use quantize, dequantize or storage_cast}}
  %y = octet.cast %x : tensor<2x!quant.uniform<u8:f32, 0.1>> -> tensor<2xf32>
  return
}

// -----

func.func @cast_shape(%x: tensor<2xi64>) {
  // expected-error @+1 {{input and result shapes differ}}
  %y = octet.cast %x : tensor<2xi64> -> tensor<3xf32>
  return
}

// -----

func.func @cos_shape_type(%s: tensor<2xf32>) {
  // expected-error @+1 {{shape must be a 1-D integer tensor}}
  %y = octet.constant_of_shape %s {value = 0.0 : f32} : (tensor<2xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @cos_rank(%s: tensor<2xi64>) {
  // expected-error @+1 {{shape has 2 entries for a rank-3 result}}
  %y = octet.constant_of_shape %s {value = 0.0 : f32} : (tensor<2xi64>) -> tensor<?x?x?xf32>
  return
}

// -----

func.func @cos_value(%s: tensor<2xi64>) {
  // expected-error @+1 {{value type 'i64' differs from the result element type 'f32'}}
  %y = octet.constant_of_shape %s {value = 0 : i64} : (tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @pad_mode(%x: tensor<4xf32>) {
  // expected-error @+1 {{mode must be constant, reflect, edge or wrap, not 'circular'}}
  %y = octet.pad %x {pads = array<i64: 1, 1>, mode = "circular"} : tensor<4xf32> -> tensor<6xf32>
  return
}

// -----

func.func @pad_shape(%x: tensor<4xf32>) {
  // expected-error @+1 {{result shape 5 does not match the inferred shape 6}}
  %y = octet.pad %x {pads = array<i64: 1, 1>} : tensor<4xf32> -> tensor<5xf32>
  return
}

// -----

func.func @pad_count(%x: tensor<4xf32>) {
  // expected-error @+1 {{pads has 1 entries for a rank-1 input (expected 2)}}
  %y = octet.pad %x {pads = array<i64: 1>} : tensor<4xf32> -> tensor<5xf32>
  return
}

// -----

func.func @pad_negative(%x: tensor<4xf32>) {
  // expected-error @+1 {{negative pads are not supported}}
  %y = octet.pad %x {pads = array<i64: -1, 0>} : tensor<4xf32> -> tensor<3xf32>
  return
}

// -----

func.func @pad_reflect(%x: tensor<2xf32>) {
  // expected-error @+1 {{reflect pads of dimension 0 must be smaller than its size 2}}
  %y = octet.pad %x {pads = array<i64: 2, 0>, mode = "reflect"} : tensor<2xf32> -> tensor<4xf32>
  return
}

// -----

func.func @pad_edge_empty(%x: tensor<0xf32>) {
  // expected-error @+1 {{edge padding of an empty dimension}}
  %y = octet.pad %x {pads = array<i64: 1, 0>, mode = "edge"} : tensor<0xf32> -> tensor<1xf32>
  return
}

// -----

func.func @pad_per_axis(%x: tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{cannot pad a per-axis quantized tensor}}
  %y = octet.pad %x {pads = array<i64: 0, 0, 0, 1>} : tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @pad_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{result element type 'f16' differs from input element type 'f32'}}
  %y = octet.pad %x {pads = array<i64: 1, 1>} : tensor<4xf32> -> tensor<6xf16>
  return
}

// -----

func.func @resize_rank(%x: tensor<4xf32>) {
  // expected-error @+1 {{input, result and scales must have the same rank}}
  %y = octet.resize %x {mode = "nearest", coordinate_mode = "asymmetric", scales = array<f32: 2.0, 1.0>} : tensor<4xf32> -> tensor<8xf32>
  return
}

// -----

func.func @resize_scale(%x: tensor<4xf32>) {
  // expected-error @+1 {{scales must be positive}}
  %y = octet.resize %x {mode = "nearest", coordinate_mode = "asymmetric", scales = array<f32: 0.0>} : tensor<4xf32> -> tensor<8xf32>
  return
}

// -----

func.func @resize_mode(%x: tensor<4xf32>) {
  // expected-error @+1 {{mode must be nearest, linear or cubic, not 'area'}}
  %y = octet.resize %x {mode = "area", coordinate_mode = "asymmetric", scales = array<f32: 2.0>} : tensor<4xf32> -> tensor<8xf32>
  return
}

// -----

func.func @resize_coordinate(%x: tensor<4xf32>) {
  // expected-error @+1 {{unsupported coordinate_mode 'tf_crop_and_resize'}}
  %y = octet.resize %x {mode = "linear", coordinate_mode = "tf_crop_and_resize", scales = array<f32: 2.0>} : tensor<4xf32> -> tensor<8xf32>
  return
}

// -----

func.func @resize_nearest_mode(%x: tensor<4xf32>) {
  // expected-error @+1 {{unsupported nearest_mode 'simple'}}
  %y = octet.resize %x {mode = "nearest", coordinate_mode = "asymmetric", nearest_mode = "simple", scales = array<f32: 2.0>} : tensor<4xf32> -> tensor<8xf32>
  return
}

// -----

func.func @resize_per_axis(%x: tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{cannot resize a per-axis quantized tensor}}
  %y = octet.resize %x {mode = "nearest", coordinate_mode = "asymmetric", scales = array<f32: 1.0>} : tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @resize_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{result element type 'f16' differs from input element type 'f32'}}
  %y = octet.resize %x {mode = "nearest", coordinate_mode = "asymmetric", scales = array<f32: 2.0>} : tensor<4xf32> -> tensor<8xf16>
  return
}

// -----

func.func @broadcast_shape(%x: tensor<3xf32>) {
  // expected-error @+1 {{cannot broadcast 3 to 2x4}}
  %y = octet.broadcast %x : tensor<3xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @broadcast_per_axis(%x: tensor<2x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{cannot broadcast a per-axis quantized tensor}}
  %y = octet.broadcast %x : tensor<2x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @broadcast_type(%x: tensor<3xf32>) {
  // expected-error @+1 {{result element type 'f16' differs from input element type 'f32'}}
  %y = octet.broadcast %x : tensor<3xf32> -> tensor<2x3xf16>
  return
}

// -----

func.func @tile_count(%x: tensor<3xf32>) {
  // expected-error @+1 {{repeats has 2 entries for a rank-1 input}}
  %y = octet.tile %x {repeats = array<i64: 1, 2>} : tensor<3xf32> -> tensor<6xf32>
  return
}

// -----

func.func @tile_zero(%x: tensor<3xf32>) {
  // expected-error @+1 {{repeats must be at least 1, got 0}}
  %y = octet.tile %x {repeats = array<i64: 0>} : tensor<3xf32> -> tensor<0xf32>
  return
}

// -----

func.func @tile_per_axis(%x: tensor<2x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{cannot tile a per-axis quantized tensor}}
  %y = octet.tile %x {repeats = array<i64: 1, 2>} : tensor<2x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @tile_type(%x: tensor<3xf32>) {
  // expected-error @+1 {{result element type 'f16' differs from input element type 'f32'}}
  %y = octet.tile %x {repeats = array<i64: 2>} : tensor<3xf32> -> tensor<6xf16>
  return
}

// -----

func.func @leaky_relu_float(%x: tensor<3xi32>) {
  // expected-error @+1 {{expects float tensors}}
  %y = octet.leaky_relu %x {alpha = 0.1 : f32} : tensor<3xi32> -> tensor<3xi32>
  return
}

// -----

func.func @log_quant(%x: tensor<3x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{does not take quantized tensors (a float island)}}
  %y = octet.log %x : tensor<3x!quant.uniform<u8:f32, 0.1>> -> tensor<3x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

func.func @prelu_quant(%x: tensor<3x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{does not take quantized tensors}}
  %y = octet.prelu %x, %x : tensor<3x!quant.uniform<u8:f32, 0.1>>, tensor<3x!quant.uniform<u8:f32, 0.1>> -> tensor<3x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

func.func @compare_quant(%x: tensor<3x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{does not take quantized tensors}}
  %y = octet.compare %x, %x {predicate = "eq"} : tensor<3x!quant.uniform<u8:f32, 0.1>>, tensor<3x!quant.uniform<u8:f32, 0.1>> -> tensor<3xi1>
  return
}

// -----

func.func @compare_types(%x: tensor<3xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{operand element types differ: 'f32' and 'i64'}}
  %y = octet.compare %x, %i {predicate = "eq"} : tensor<3xf32>, tensor<3xi64> -> tensor<3xi1>
  return
}

// -----

func.func @compare_result(%x: tensor<3xf32>) {
  // expected-error @+1 {{result must be an i1 tensor}}
  %y = octet.compare %x, %x {predicate = "eq"} : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @compare_predicate(%x: tensor<3xf32>) {
  // expected-error @+1 {{predicate must be eq, lt, le, gt or ge, not 'ne'}}
  %y = octet.compare %x, %x {predicate = "ne"} : tensor<3xf32>, tensor<3xf32> -> tensor<3xi1>
  return
}

// -----

func.func @compare_shape(%x: tensor<3xf32>, %z: tensor<4xf32>) {
  // expected-error @+1 {{do not broadcast}}
  %y = octet.compare %x, %z {predicate = "lt"} : tensor<3xf32>, tensor<4xf32> -> tensor<4xi1>
  return
}

// -----

func.func @where_cond(%x: tensor<3xf32>) {
  // expected-error @+1 {{condition must be an i1 tensor}}
  %y = octet.where %x, %x, %x : tensor<3xf32>, tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @where_types(%c: tensor<3xi1>, %x: tensor<3xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{value and result element types must match, got 'f32', 'i64' -> 'f32'}}
  %y = octet.where %c, %x, %i : tensor<3xi1>, tensor<3xf32>, tensor<3xi64> -> tensor<3xf32>
  return
}

// -----

func.func @where_quant(%c: tensor<3xi1>, %x: tensor<3x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{does not take quantized tensors}}
  %y = octet.where %c, %x, %x : tensor<3xi1>, tensor<3x!quant.uniform<u8:f32, 0.1>>, tensor<3x!quant.uniform<u8:f32, 0.1>> -> tensor<3x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

func.func @where_shape(%c: tensor<2xi1>, %x: tensor<3xf32>) {
  // expected-error @+1 {{do not broadcast}}
  %y = octet.where %c, %x, %x : tensor<2xi1>, tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @argmax_axis(%x: tensor<3xf32>) {
  // expected-error @+1 {{axis 1 out of range for rank 1}}
  %y = octet.argmax %x {axis = 1 : i64} : tensor<3xf32> -> tensor<1xi64>
  return
}

// -----

func.func @argmax_quant(%x: tensor<3x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{does not take quantized tensors}}
  %y = octet.argmax %x {axis = 0 : i64} : tensor<3x!quant.uniform<u8:f32, 0.1>> -> tensor<1xi64>
  return
}

// -----

func.func @argmin_result(%x: tensor<3xf32>) {
  // expected-error @+1 {{result must be an i64 tensor}}
  %y = octet.argmin %x {axis = 0 : i64} : tensor<3xf32> -> tensor<1xi32>
  return
}

// -----

func.func @argmin_shape(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{result shape 3x1 does not match the inferred shape 3}}
  %y = octet.argmin %x {axis = 1 : i64, keepdims = false} : tensor<3x4xf32> -> tensor<3x1xi64>
  return
}

// -----

func.func @gather_elements_indices(%x: tensor<3x4xf32>, %i: tensor<3x2xf32>) {
  // expected-error @+1 {{indices must be i32 or i64}}
  %y = octet.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @gather_elements_axis(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>) {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %y = octet.gather_elements %x, %i {axis = 2 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  return
}

// -----

func.func @gather_elements_rank(%x: tensor<3x4xf32>, %i: tensor<6xi64>) {
  // expected-error @+1 {{indices must have the input's rank 2}}
  %y = octet.gather_elements %x, %i {axis = 0 : i64} : (tensor<3x4xf32>, tensor<6xi64>) -> tensor<6xf32>
  return
}

// -----

func.func @gather_elements_dims(%x: tensor<3x4xf32>, %i: tensor<5x2xi64>) {
  // expected-error @+1 {{indices dimension 0 (5) exceeds the input's (3)}}
  %y = octet.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<5x2xi64>) -> tensor<5x2xf32>
  return
}

// -----

func.func @gather_elements_shape(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>) {
  // expected-error @+1 {{result shape 3x3 differs from the indices' shape 3x2}}
  %y = octet.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x3xf32>
  return
}

// -----

func.func @gather_elements_per_axis(%x: tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, %i: tensor<2x1xi64>) {
  // expected-error @+1 {{cannot gather from a per-axis quantized tensor}}
  %y = octet.gather_elements %x, %i {axis = 1 : i64} : (tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<2x1xi64>) -> tensor<2x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @cumsum_type(%x: tensor<2x3xi8>) {
  // expected-error @+1 {{input must be float, i32 or i64, got 'i8'}}
  %y = octet.cumsum %x {axis = 1 : i64, exclusive = false, reverse = false} : tensor<2x3xi8> -> tensor<2x3xi8>
  return
}

// -----

func.func @cumsum_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %y = octet.cumsum %x {axis = 2 : i64, exclusive = false, reverse = false} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @cumsum_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result type 'tensor<2x3xi32>' differs from the input's 'tensor<2x3xf32>'}}
  %y = octet.cumsum %x {axis = 1 : i64, exclusive = false, reverse = false} : tensor<2x3xf32> -> tensor<2x3xi32>
  return
}

// -----

func.func @gather_nd_indices(%x: tensor<3x4xf32>, %i: tensor<2x1xf32>) {
  // expected-error @+1 {{indices must be i32 or i64}}
  %y = octet.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<3x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @gather_nd_batch(%x: tensor<3x4xf32>, %i: tensor<3x1xi64>) {
  // expected-error @+1 {{batch_dims 2 must be below both ranks}}
  %y = octet.gather_nd %x, %i {batch_dims = 2 : i64} : (tensor<3x4xf32>, tensor<3x1xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @gather_nd_tuple(%x: tensor<3x4xf32>, %i: tensor<2x3xi64>) {
  // expected-error @+1 {{index tuples of 3 do not fit the input's rank 2 after 0 batch dimension(s)}}
  %y = octet.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<3x4xf32>, tensor<2x3xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_nd_batch_dim(%x: tensor<3x4xf32>, %i: tensor<2x1xi64>) {
  // expected-error @+1 {{batch dimension 0 differs: 3 and 2}}
  %y = octet.gather_nd %x, %i {batch_dims = 1 : i64} : (tensor<3x4xf32>, tensor<2x1xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_nd_result(%x: tensor<3x4xf32>, %i: tensor<2x1xi64>) {
  // expected-error @+1 {{result shape 2x3 should be 2x4}}
  %y = octet.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<3x4xf32>, tensor<2x1xi64>) -> tensor<2x3xf32>
  return
}

// -----

func.func @scatter_quant(%x: tensor<3x!quant.uniform<u8:f32, 0.1>>, %i: tensor<2xi64>, %u: tensor<2x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{quantized scatter is not supported}}
  %y = octet.scatter %x, %i, %u {axis = 0 : i64, nd = false, reduction = "none"} : (tensor<3x!quant.uniform<u8:f32, 0.1>>, tensor<2xi64>, tensor<2x!quant.uniform<u8:f32, 0.1>>) -> tensor<3x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

func.func @scatter_indices(%x: tensor<3xf32>, %i: tensor<2xf32>, %u: tensor<2xf32>) {
  // expected-error @+1 {{indices must be i32 or i64}}
  %y = octet.scatter %x, %i, %u {axis = 0 : i64, nd = false, reduction = "none"} : (tensor<3xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @scatter_types(%x: tensor<3xf32>, %i: tensor<2xi64>, %u: tensor<2xi32>) {
  // expected-error @+1 {{updates and result must have the input's element type and the result its type}}
  %y = octet.scatter %x, %i, %u {axis = 0 : i64, nd = false, reduction = "none"} : (tensor<3xf32>, tensor<2xi64>, tensor<2xi32>) -> tensor<3xf32>
  return
}

// -----

func.func @scatter_reduction(%x: tensor<3xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) {
  // expected-error @+1 {{unknown reduction 'avg'}}
  %y = octet.scatter %x, %i, %u {axis = 0 : i64, nd = false, reduction = "avg"} : (tensor<3xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @scatter_axis(%x: tensor<3xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) {
  // expected-error @+1 {{axis 1 out of range for rank 1}}
  %y = octet.scatter %x, %i, %u {axis = 1 : i64, nd = false, reduction = "none"} : (tensor<3xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @scatter_shapes(%x: tensor<3xf32>, %i: tensor<2xi64>, %u: tensor<3xf32>) {
  // expected-error @+1 {{indices and updates must have one shape of the input's rank}}
  %y = octet.scatter %x, %i, %u {axis = 0 : i64, nd = false, reduction = "none"} : (tensor<3xf32>, tensor<2xi64>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @scatter_nd_depth(%x: tensor<3x4xf32>, %i: tensor<2x3xi64>, %u: tensor<2xf32>) {
  // expected-error @+1 {{indices must end in a dimension of 1 to 2}}
  %y = octet.scatter %x, %i, %u {axis = 0 : i64, nd = true, reduction = "none"} : (tensor<3x4xf32>, tensor<2x3xi64>, tensor<2xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_nd_updates(%x: tensor<3x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) {
  // expected-error @+1 {{updates shape 2x3 should be 2x4}}
  %y = octet.scatter %x, %i, %u {axis = 0 : i64, nd = true, reduction = "none"} : (tensor<3x4xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<3x4xf32>
  return
}

//===--- sizes past 2^40 (no int64_t overflow in the shape inference) --------===//

func.func @conv_huge_pads(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error @+1 {{sizes 9223372036854775000x1x1x1 are past 2^40, too large to compile}}
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 9223372036854775000, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @pool_huge_dilation(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{sizes 4611686018427387904x1 are past 2^40, too large to compile}}
  %y = octet.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 4611686018427387904, 1>} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @concat_huge(%x: tensor<1099511627776xf32>) {
  // expected-error @+1 {{the concatenated dimension is past 2^40, too large to compile}}
  %y = octet.concat %x, %x {axis = 0 : i64} : (tensor<1099511627776xf32>, tensor<1099511627776xf32>) -> tensor<2199023255552xf32>
  return
}

// -----

func.func @pad_huge(%x: tensor<2xf32>) {
  // expected-error @+1 {{sizes 9223372036854775000x1 are past 2^40, too large to compile}}
  %y = octet.pad %x {pads = array<i64: 9223372036854775000, 1>} : tensor<2xf32> -> tensor<3xf32>
  return
}
