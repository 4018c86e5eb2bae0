// RUN: octet-opt %s --octet-merge-qdq-pairs --split-input-file | FileCheck %s

// Two pairs in a row become one pair with ONNX Runtime's parameters: the
// intersection of [-5, 7.75] (0.05:100) and [-6, 1.65] (0.03:200), i.e.
// [-5, 1.65], over 255 steps: scale 6.65 / 255, zero point round(5 / scale).
// CHECK-LABEL: func @merge
// CHECK: %[[Q:.*]] = octet.quantize %arg0 : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.02607{{[0-9]*}}:192>>
// CHECK: %[[D:.*]] = octet.dequantize %[[Q]]
// CHECK: return %[[D]]
func.func @merge(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q1 = octet.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.05:100>>
  %d1 = octet.dequantize %q1 : tensor<4x!quant.uniform<u8:f32, 0.05:100>> -> tensor<4xf32>
  %q2 = octet.quantize %d1 : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.03:200>>
  %d2 = octet.dequantize %q2 : tensor<4x!quant.uniform<u8:f32, 0.03:200>> -> tensor<4xf32>
  return %d2 : tensor<4xf32>
}

// -----

// The middle dequantize has a second user, or the storage types differ:
// nothing merges.
// CHECK-LABEL: func @keep
// CHECK-COUNT-3: octet.quantize
// CHECK-COUNT-1: return
func.func @keep(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %q1 = octet.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.0347:168>>
  %d1 = octet.dequantize %q1 : tensor<4x!quant.uniform<u8:f32, 0.0347:168>> -> tensor<4xf32>
  %q2 = octet.quantize %d1 : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1263:133>>
  %d2 = octet.dequantize %q2 : tensor<4x!quant.uniform<u8:f32, 0.1263:133>> -> tensor<4xf32>
  %q3 = octet.quantize %d2 : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.05>>
  %d3 = octet.dequantize %q3 : tensor<4x!quant.uniform<i8:f32, 0.05>> -> tensor<4xf32>
  return %d1, %d2, %d3 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
