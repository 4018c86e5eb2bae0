// RUN: octet-opt %s --convert-octet-to-linalg | FileCheck %s

// A clamp that keeps its input's quantization is an integer clamp: the float
// rule quantize(max(dequantize(q), 0)) maps q to max(q, zp) for every stored
// value (checked at compile time), so no float arithmetic is left.
// CHECK-LABEL: func @relu_same
// CHECK: linalg.generic
// CHECK-NOT: arith.divf
// CHECK: arith.maxui %{{.*}}, %c-126_i8 : i8
// CHECK: arith.minui %{{.*}}, %c-1_i8 : i8
func.func @relu_same(%x: tensor<2x8x!quant.uniform<u8:f32, 0.05:130>>) -> tensor<2x8x!quant.uniform<u8:f32, 0.05:130>> {
  %r = octet.clamp %x {min = 0.0 : f32} : tensor<2x8x!quant.uniform<u8:f32, 0.05:130>> -> tensor<2x8x!quant.uniform<u8:f32, 0.05:130>>
  return %r : tensor<2x8x!quant.uniform<u8:f32, 0.05:130>>
}

// int8 relu6 with the same quantization: max(q, zp) and min(q, quantize(6)).
// CHECK-LABEL: func @relu6_s8
// CHECK-NOT: arith.divf
// CHECK: arith.maxsi %{{.*}}, %c-10_i8 : i8
// CHECK: arith.minsi %{{.*}}, %c50_i8 : i8
func.func @relu6_s8(%x: tensor<4x!quant.uniform<i8:f32, 0.1:-10>>) -> tensor<4x!quant.uniform<i8:f32, 0.1:-10>> {
  %r = octet.clamp %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<4x!quant.uniform<i8:f32, 0.1:-10>> -> tensor<4x!quant.uniform<i8:f32, 0.1:-10>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.1:-10>>
}

// A bound between two grid points (0.125 on a 0.1 grid): the float rule
// rounds it to the stored value 1 (1.25 to even), so max(q, 1).
// CHECK-LABEL: func @off_grid
// CHECK-NOT: arith.divf
// CHECK: arith.maxui %{{.*}}, %c1_i8 : i8
func.func @off_grid(%x: tensor<4x!quant.uniform<u8:f32, 0.1:0>>) -> tensor<4x!quant.uniform<u8:f32, 0.1:0>> {
  %r = octet.clamp %x {min = 0.125 : f32} : tensor<4x!quant.uniform<u8:f32, 0.1:0>> -> tensor<4x!quant.uniform<u8:f32, 0.1:0>>
  return %r : tensor<4x!quant.uniform<u8:f32, 0.1:0>>
}

// Another output quantization: dequantize, clamp, quantize in float.
// CHECK-LABEL: func @requant
// CHECK: arith.divf
func.func @requant(%x: tensor<4x!quant.uniform<u8:f32, 0.1:0>>) -> tensor<4x!quant.uniform<u8:f32, 0.2:0>> {
  %r = octet.clamp %x {min = 0.0 : f32} : tensor<4x!quant.uniform<u8:f32, 0.1:0>> -> tensor<4x!quant.uniform<u8:f32, 0.2:0>>
  return %r : tensor<4x!quant.uniform<u8:f32, 0.2:0>>
}
