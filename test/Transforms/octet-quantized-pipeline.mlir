// RUN: octet-opt %s --octet-quantized-pipeline | FileCheck %s

// Shape arithmetic, an activation and QDQ pairs in one graph; the weight is
// quantized by a QuantizeLinear on a float constant as torch exports it.
// CHECK-LABEL: func @graph
// CHECK: %[[W:.*]] = octet.constant dense<50> : tensor<2x1x1x1xi8> : tensor<2x1x1x1x!quant.uniform<i8:f32:0, {1.000000e-02,2.000000e-02}>>
// CHECK: %[[X:.*]] = octet.quantize %arg0
// CHECK: %[[C:.*]] = octet.conv2d %[[X]], %[[W]] {activation = "relu", {{.*}}} : {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 1.000000e-01>>
// CHECK: %[[R:.*]] = octet.reshape %[[C]] : {{.*}} -> tensor<1x32x!quant.uniform<u8:f32, 1.000000e-01>>
// CHECK: %[[D:.*]] = octet.dequantize %[[R]]
// CHECK: return %[[D]]
func.func @graph(%x: tensor<1x1x4x4xf32>) -> tensor<1x32xf32> {
  %wf = arith.constant dense<[[[[0.5]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>
  %wq = octet.quantize %wf : tensor<2x1x1x1xf32> -> tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>>
  %w = octet.dequantize %wq : tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>> -> tensor<2x1x1x1xf32>
  %xq = octet.quantize %x : tensor<1x1x4x4xf32> -> tensor<1x1x4x4x!quant.uniform<u8:f32, 0.02:128>>
  %xd = octet.dequantize %xq : tensor<1x1x4x4x!quant.uniform<u8:f32, 0.02:128>> -> tensor<1x1x4x4xf32>
  %c = octet.conv2d %xd, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = octet.clamp %c {min = 0.0 : f32} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %s = octet.shape %r {start = 0 : i64, end = 1 : i64} : tensor<1x2x4x4xf32> -> tensor<1xi64>
  %m = arith.constant dense<-1> : tensor<1xi64>
  %t = octet.concat %s, %m {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %f = octet.reshape %r, %t : (tensor<1x2x4x4xf32>, tensor<2xi64>) -> tensor<1x32xf32>
  %q = octet.quantize %f : tensor<1x32xf32> -> tensor<1x32x!quant.uniform<u8:f32, 0.1>>
  %d = octet.dequantize %q : tensor<1x32x!quant.uniform<u8:f32, 0.1>> -> tensor<1x32xf32>
  return %d : tensor<1x32xf32>
}
