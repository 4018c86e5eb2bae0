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

// -----

// float -> integer casts fold where the value truncates into the target type;
// NaN, infinities and out-of-range values (poison in arith.fptosi/fptoui) stay
// a cast for run time instead of being converted by undefined C++.
// CHECK-LABEL: func @cast_fold_range
// CHECK-DAG: arith.constant dense<[-2, 127, -128]> : tensor<3xi8>
// CHECK-DAG: arith.constant dense<255> : tensor<1xui8>
// CHECK-COUNT-5: octet.cast
// CHECK-NOT: octet.cast
func.func @cast_fold_range() -> (tensor<3xi8>, tensor<1xui8>, tensor<1xi32>, tensor<1xi32>, tensor<1xi64>, tensor<1xi8>, tensor<1xui8>) {
  %a = arith.constant dense<[-2.9, 127.9, -128.5]> : tensor<3xf32>
  %ca = octet.cast %a : tensor<3xf32> -> tensor<3xi8>
  %b = arith.constant dense<255.5> : tensor<1xf32>
  %cb = octet.cast %b : tensor<1xf32> -> tensor<1xui8>
  %n = arith.constant dense<0x7FC00000> : tensor<1xf32>
  %cn = octet.cast %n : tensor<1xf32> -> tensor<1xi32>
  %i = arith.constant dense<0x7F800000> : tensor<1xf32>
  %ci = octet.cast %i : tensor<1xf32> -> tensor<1xi32>
  %g = arith.constant dense<1.0e30> : tensor<1xf32>
  %cg = octet.cast %g : tensor<1xf32> -> tensor<1xi64>
  %o = arith.constant dense<128.0> : tensor<1xf32>
  %co = octet.cast %o : tensor<1xf32> -> tensor<1xi8>
  %u = arith.constant dense<-1.0> : tensor<1xf32>
  %cu = octet.cast %u : tensor<1xf32> -> tensor<1xui8>
  return %ca, %cb, %cn, %ci, %cg, %co, %cu : tensor<3xi8>, tensor<1xui8>, tensor<1xi32>, tensor<1xi32>, tensor<1xi64>, tensor<1xi8>, tensor<1xui8>
}

// -----

// Floor, ceil, round (ties to even), neg and clamp fold on float constants
// (a Range or Loop trip count written out in float folds to an integer);
// a NaN is left to run time.
// CHECK-LABEL: func @exact_unary_fold
// CHECK-DAG: arith.constant dense<[-3.000000e+00, 2.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: arith.constant dense<[-2.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: arith.constant dense<[-2.000000e+00, 2.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: arith.constant dense<[2.500000e+00, -2.500000e+00, -2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: arith.constant dense<[0.000000e+00, 2.500000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: arith.constant dense<[-1.000000e+00, 1.500000e+00, 1.500000e+00]> : tensor<3xf32>
// CHECK: octet.ceil
// CHECK-NOT: octet.floor
// CHECK-NOT: octet.clamp
func.func @exact_unary_fold() -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<1xf32>) {
  %a = arith.constant dense<[-2.5, 2.5, 2.0]> : tensor<3xf32>
  %f = octet.floor %a : tensor<3xf32> -> tensor<3xf32>
  %c = octet.ceil %a : tensor<3xf32> -> tensor<3xf32>
  %r = octet.round %a : tensor<3xf32> -> tensor<3xf32>
  %n = octet.neg %a : tensor<3xf32> -> tensor<3xf32>
  %relu = octet.clamp %a {min = 0.0 : f32} : tensor<3xf32> -> tensor<3xf32>
  %clip = octet.clamp %a {min = -1.0 : f32, max = 1.5 : f32} : tensor<3xf32> -> tensor<3xf32>
  %nan = arith.constant dense<0x7FC00000> : tensor<1xf32>
  %cn = octet.ceil %nan : tensor<1xf32> -> tensor<1xf32>
  return %f, %c, %r, %n, %relu, %clip, %cn : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<1xf32>
}
