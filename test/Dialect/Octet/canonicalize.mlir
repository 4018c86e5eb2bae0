// Folders of the octet ops under the upstream canonicalizer.
// RUN: octet-opt %s --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>
// CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
func.func @identities(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %r = octet.reshape %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %t = octet.transpose %x {perm = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %s = octet.slice %x {starts = array<i64: 0>, ends = array<i64: 100>, axes = array<i64: 1>, steps = array<i64: 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %c = octet.concat %x {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %k = octet.cast %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %r, %t, %s, %c, %k : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @reshape_chain
// CHECK: %[[R:.*]] = octet.reshape %arg0 : (tensor<2x3x4xf32>) -> tensor<24xf32>
// CHECK: return %[[R]]
func.func @reshape_chain(%x: tensor<2x3x4xf32>) -> tensor<24xf32> {
  %a = octet.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %b = octet.reshape %a : (tensor<6x4xf32>) -> tensor<24xf32>
  return %b : tensor<24xf32>
}

// -----

// A slice that moves elements is not an identity even with the same type.
// CHECK-LABEL: func @reversing_slice
// CHECK: octet.slice
func.func @reversing_slice(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = octet.slice %x {starts = array<i64: -1>, ends = array<i64: -100>, axes = array<i64: 0>, steps = array<i64: -1>} : tensor<4xf32> -> tensor<4xf32>
  return %s : tensor<4xf32>
}
