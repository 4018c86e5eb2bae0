// RUN: octet-opt %s --octet-fold-batch-norm --split-input-file | FileCheck %s

// s = gamma / sqrt(var + eps) = [2/2, 1/2]; W' = W * s = [1, 1];
// b' = (b - mean) * s + beta = [(1-1)*1+3, (0-2)*0.5+0] = [3, -1].
// CHECK-LABEL: func @conv_bn
// CHECK-DAG: %[[W:.*]] = arith.constant dense<1.000000e+00> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[3.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = octet.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: octet.batch_norm
// CHECK: return %[[Y]]
func.func @conv_bn(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %gamma = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = arith.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 3.0]> : tensor<2xf32>
  %c = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = octet.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Without a conv bias the folded bias is (0 - mean) * s + beta.
// CHECK-LABEL: func @conv_no_bias
// CHECK: arith.constant dense<-3.500000e+00> : tensor<1xf32>
// CHECK: octet.conv2d
// CHECK-NOT: octet.batch_norm
func.func @conv_no_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %one = arith.constant dense<1.0> : tensor<1xf32>
  %half = arith.constant dense<-0.5> : tensor<1xf32>
  %mean = arith.constant dense<3.0> : tensor<1xf32>
  %var = arith.constant dense<0.0> : tensor<1xf32>
  %c = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %y = octet.batch_norm %c, %one, %half, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x1x4x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Statistics that are not constants stay a batch_norm.
// CHECK-LABEL: func @dynamic_stats
// CHECK: octet.conv2d
// CHECK: octet.batch_norm
func.func @dynamic_stats(%x: tensor<1x1x4x4xf32>, %mean: tensor<1xf32>) -> tensor<1x1x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %one = arith.constant dense<1.0> : tensor<1xf32>
  %c = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %y = octet.batch_norm %c, %one, %one, %mean, %one {epsilon = 1.0e-5 : f32} : (tensor<1x1x4x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// A conv whose result has another user is kept.
// CHECK-LABEL: func @conv_two_uses
// CHECK: octet.batch_norm
func.func @conv_two_uses(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %one = arith.constant dense<1.0> : tensor<1xf32>
  %c = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %y = octet.batch_norm %c, %one, %one, %one, %one {epsilon = 1.0e-5 : f32} : (tensor<1x1x4x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4x4xf32>
  return %y, %c : tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>
}
