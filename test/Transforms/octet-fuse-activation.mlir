// RUN: octet-opt %s --octet-fuse-activation --split-input-file | FileCheck %s

// CHECK-LABEL: func @conv_relu
// CHECK: %[[Y:.*]] = octet.conv2d {{.*}}activation = "relu"
// CHECK-NOT: octet.clamp
// CHECK: return %[[Y]]
func.func @conv_relu(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %c = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = octet.clamp %c {min = 0.0 : f32} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

// CHECK-LABEL: func @gemm_relu6
// CHECK: octet.gemm {{.*}}activation = "relu6"
// CHECK-NOT: octet.clamp
func.func @gemm_relu6(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %g = octet.gemm %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %r = octet.clamp %g {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x4xf32> -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func @conv_clamp
// CHECK: octet.conv2d {{.*}}activation = "clamp", clamp_max = 1.000000e+00 : f32, clamp_min = -1.000000e+00 : f32
func.func @conv_clamp(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %c = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = octet.clamp %c {min = -1.0 : f32, max = 1.0 : f32} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

!q = !quant.uniform<u8:f32, 0.1:10>

// A clamp that keeps the quantized conv's output type only saturates it.
// CHECK-LABEL: func @quantized_same_type
// CHECK: octet.conv2d {{.*}}activation = "relu6"
// CHECK-NOT: octet.clamp
func.func @quantized_same_type(%x: tensor<1x1x4x4x!q>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x4x4x!q> {
  %c = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4x!q>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x4x4x!q>
  %r = octet.clamp %c {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x2x4x4x!q> -> tensor<1x2x4x4x!q>
  return %r : tensor<1x2x4x4x!q>
}

// -----

// Not fused: the conv has a second user, or already has an activation.
// CHECK-LABEL: func @not_fused
// CHECK: octet.conv2d
// CHECK-SAME: activation = "relu"
// CHECK: octet.clamp
// CHECK: octet.conv2d
// CHECK-NOT: activation
// CHECK: octet.clamp
func.func @not_fused(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %c = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = "relu"} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = octet.clamp %c {max = 2.0 : f32} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %d = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = octet.clamp %d {min = 0.0 : f32} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  return %r, %s, %d : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
