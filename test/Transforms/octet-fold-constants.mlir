// RUN: octet-opt %s --octet-fold-constants --split-input-file | FileCheck %s

// The Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain of exporters.
// CHECK-LABEL: func @shape_chain
// CHECK-NOT: octet.shape
// CHECK-NOT: octet.gather
// CHECK-NOT: octet.concat
// CHECK-DAG: %[[C:.*]] = arith.constant dense<[2, -1]> : tensor<2xi64>
// CHECK-DAG: %[[R:.*]] = octet.reshape %arg0 : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
// CHECK: return %[[R]], %[[C]]
func.func @shape_chain(%x: tensor<2x3x4xf32>) -> (tensor<2x12xf32>, tensor<2xi64>) {
  %s = octet.shape %x {start = 0 : i64, end = 3 : i64} : tensor<2x3x4xf32> -> tensor<3xi64>
  %i = arith.constant dense<0> : tensor<i64>
  %d = octet.gather %s, %i {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %u = octet.reshape %d : (tensor<i64>) -> tensor<1xi64>
  %m = arith.constant dense<-1> : tensor<1xi64>
  %t = octet.concat %u, %m {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %r = octet.reshape %x, %t : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
  return %r, %t : tensor<2x12xf32>, tensor<2xi64>
}

// -----

// A dynamic dimension keeps octet.shape, but the static part folds.
// CHECK-LABEL: func @dynamic_shape
// CHECK-DAG: %[[S:.*]] = octet.shape %arg0 {end = 1 : i64, start = 0 : i64}
// CHECK-DAG: %[[C:.*]] = arith.constant dense<4> : tensor<1xi64>
// CHECK: return %[[S]], %[[C]]
func.func @dynamic_shape(%x: tensor<?x4xf32>) -> (tensor<1xi64>, tensor<1xi64>) {
  %a = octet.shape %x {start = 0 : i64, end = 1 : i64} : tensor<?x4xf32> -> tensor<1xi64>
  %b = octet.shape %x {start = 1 : i64, end = 2 : i64} : tensor<?x4xf32> -> tensor<1xi64>
  return %a, %b : tensor<1xi64>, tensor<1xi64>
}

// -----

// Arithmetic with broadcasting; integer division truncates toward zero.
// CHECK-LABEL: func @arith
// CHECK-DAG: arith.constant dense<[-3, 3, 1]> : tensor<3xi64>
// CHECK-DAG: arith.constant dense<[1.500000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-DAG: arith.constant dense<[8, 12, 0]> : tensor<3xi64>
// CHECK-DAG: arith.constant dense<[4.500000e+00, 9.000000e+00]> : tensor<2xf32>
// CHECK-DAG: arith.constant dense<[9.000000e+00, 3.600000e+01]> : tensor<2xf32>
// CHECK-NOT: octet.
func.func @arith() -> (tensor<3xi64>, tensor<2xf32>, tensor<3xi64>, tensor<2xf32>, tensor<2xf32>) {
  %a = arith.constant dense<[-7, 7, 2]> : tensor<3xi64>
  %two = arith.constant dense<2> : tensor<i64>
  %d = octet.div %a, %two : tensor<3xi64>, tensor<i64> -> tensor<3xi64>
  %f = arith.constant dense<[3.0, 6.0]> : tensor<2xf32>
  %h = arith.constant dense<2.0> : tensor<f32>
  %q = octet.div %f, %h : tensor<2xf32>, tensor<f32> -> tensor<2xf32>
  %four = arith.constant dense<[4, 6, 0]> : tensor<3xi64>
  %m = octet.mul %four, %two : tensor<3xi64>, tensor<i64> -> tensor<3xi64>
  %s = octet.sub %f, %q : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  %s2 = octet.add %s, %f : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  %p = octet.pow %f, %h : tensor<2xf32>, tensor<f32> -> tensor<2xf32>
  %one = arith.constant dense<-1.0> : tensor<1xf32>
  %p2 = octet.add %p, %one : tensor<2xf32>, tensor<1xf32> -> tensor<2xf32>
  %p3 = octet.sub %p2, %one : tensor<2xf32>, tensor<1xf32> -> tensor<2xf32>
  return %d, %q, %m, %s2, %p3 : tensor<3xi64>, tensor<2xf32>, tensor<3xi64>, tensor<2xf32>, tensor<2xf32>
}

// -----

// CHECK-LABEL: func @data_movement
// CHECK-DAG: arith.constant dense<{{\[}}[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi64>
// CHECK-DAG: arith.constant dense<[6, 2]> : tensor<2xi64>
// CHECK-DAG: arith.constant dense<[2, 6]> : tensor<2xi64>
// CHECK-DAG: arith.constant dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-DAG: arith.constant dense<7> : tensor<2x3xi32>
// CHECK-DAG: arith.constant dense<[true, false, true]> : tensor<3xi1>
// CHECK-NOT: octet.
func.func @data_movement() -> (tensor<3x2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xf32>, tensor<2x3xi32>, tensor<3xi1>) {
  %c = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %t = octet.transpose %c {perm = array<i64: 1, 0>} : tensor<2x3xi64> -> tensor<3x2xi64>
  %flat = octet.reshape %c : (tensor<2x3xi64>) -> tensor<6xi64>
  %sl = octet.slice %flat {starts = array<i64: -1>, ends = array<i64: -100>, axes = array<i64: 0>, steps = array<i64: -2>} : tensor<6xi64> -> tensor<3xi64>
  %idx = arith.constant dense<[0, 2]> : tensor<2xi64>
  %g = octet.gather %sl, %idx {axis = 0 : i64} : (tensor<3xi64>, tensor<2xi64>) -> tensor<2xi64>
  %i2 = arith.constant dense<[1, -1]> : tensor<2xi64>
  %g2 = octet.gather %flat, %i2 {axis = 0 : i64} : (tensor<6xi64>, tensor<2xi64>) -> tensor<2xi64>
  %ints = arith.constant dense<[2, 3]> : tensor<2xi64>
  %f = octet.cast %ints : tensor<2xi64> -> tensor<2xf32>
  %shape = arith.constant dense<[2, 3]> : tensor<2xi64>
  %fill = octet.constant_of_shape %shape {value = 7 : i32} : (tensor<2xi64>) -> tensor<2x3xi32>
  %fl = arith.constant dense<[0.5, 0.0, -2.0]> : tensor<3xf32>
  %b = octet.cast %fl : tensor<3xf32> -> tensor<3xi1>
  return %t, %g, %g2, %f, %fill, %b : tensor<3x2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xf32>, tensor<2x3xi32>, tensor<3xi1>
}

// -----

// Quantizing a float constant: saturate(rint(x / scale) + zero_point), with
// round half to even (0.25 / 0.5 = 0.5 -> 0, 0.75 / 0.5 = 1.5 -> 2) and
// per-axis parameters along dimension 0.
// CHECK-LABEL: func @quantize_constant
// CHECK: octet.constant dense<[10, 12, 0, 255]> : tensor<4xui8> : tensor<4x!quant.uniform<u8:f32, 5.000000e-01:10>>
// CHECK: octet.constant dense<{{\[}}[2, -2], [1, 127]]> : tensor<2x2xi8> : tensor<2x2x!quant.uniform<i8:f32:0, {5.000000e-01,1.000000e+00}>>
func.func @quantize_constant() -> (tensor<4x!quant.uniform<u8:f32, 0.5:10>>, tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 1.0}>>) {
  %c = arith.constant dense<[0.25, 0.75, -100.0, 1000.0]> : tensor<4xf32>
  %q = octet.quantize %c : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  %w = arith.constant dense<[[0.75, -1.25], [1.0, 500.0]]> : tensor<2x2xf32>
  %wq = octet.quantize %w : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 1.0}>>
  return %q, %wq : tensor<4x!quant.uniform<u8:f32, 0.5:10>>, tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 1.0}>>
}

// -----

!a = !quant.uniform<u8:f32, 0.05:128>
!b = !quant.uniform<i8:f32, 0.02>

// A requantize chain merges only when its middle step loses nothing: a
// whole scale ratio and a range that fits (u8 0.05:128 -> i16 0.025). A
// middle step that rounds (to 0.3) or saturates stays.
// CHECK-LABEL: func @canonical_quant
// CHECK: %[[R:.*]] = octet.requantize %arg0 : tensor<4x!quant.uniform<u8:f32, 5.000000e-02:128>> -> tensor<4x!quant.uniform<i8:f32, 2.000000e-02>>
// CHECK: %[[L:.*]] = octet.requantize %arg0 : tensor<4x!quant.uniform<u8:f32, 5.000000e-02:128>> -> tensor<4x!quant.uniform<u8:f32, 3.000000e-01:1>>
// CHECK: %[[R2:.*]] = octet.requantize %[[L]] : tensor<4x!quant.uniform<u8:f32, 3.000000e-01:1>> -> tensor<4x!quant.uniform<i8:f32, 2.000000e-02>>
// CHECK: %[[R3:.*]] = octet.requantize %arg0 : tensor<4x!quant.uniform<u8:f32, 5.000000e-02:128>> -> tensor<4x!quant.uniform<i8:f32, 2.000000e-02>>
// CHECK: %[[S:.*]] = octet.requantize %arg0 : tensor<4x!quant.uniform<u8:f32, 5.000000e-02:128>> -> tensor<4x!quant.uniform<i8:f32, 2.500000e-02>>
// CHECK: %[[S2:.*]] = octet.requantize %[[S]]
// CHECK: return %arg0, %[[R]], %arg0, %[[R2]], %[[R3]], %[[S2]]
func.func @canonical_quant(%x: tensor<4x!a>) -> (tensor<4x!a>, tensor<4x!b>, tensor<4x!a>, tensor<4x!b>, tensor<4x!b>, tensor<4x!b>) {
  %d = octet.dequantize %x : tensor<4x!a> -> tensor<4xf32>
  %same = octet.quantize %d : tensor<4xf32> -> tensor<4x!a>
  %other = octet.quantize %d : tensor<4xf32> -> tensor<4x!b>
  %noop = octet.requantize %x : tensor<4x!a> -> tensor<4x!a>
  %r1 = octet.requantize %x : tensor<4x!a> -> tensor<4x!quant.uniform<u8:f32, 0.3:1>>
  %chain = octet.requantize %r1 : tensor<4x!quant.uniform<u8:f32, 0.3:1>> -> tensor<4x!b>
  %l1 = octet.requantize %x : tensor<4x!a> -> tensor<4x!quant.uniform<i16:f32, 0.025>>
  %lossless = octet.requantize %l1 : tensor<4x!quant.uniform<i16:f32, 0.025>> -> tensor<4x!b>
  %s1 = octet.requantize %x : tensor<4x!a> -> tensor<4x!quant.uniform<i8:f32, 0.025>>
  %saturating = octet.requantize %s1 : tensor<4x!quant.uniform<i8:f32, 0.025>> -> tensor<4x!b>
  return %same, %other, %noop, %chain, %lossless, %saturating : tensor<4x!a>, tensor<4x!b>, tensor<4x!a>, tensor<4x!b>, tensor<4x!b>, tensor<4x!b>
}

// -----

// storage_cast round trips and reshapes of quantized constants fold.
// CHECK-LABEL: func @storage
// CHECK: %[[C:.*]] = octet.constant dense<[1, 2, 3, 4]> : tensor<4xi8> : tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>
// CHECK: %[[R:.*]] = octet.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi8> : tensor<2x2x!quant.uniform<i8:f32, 1.000000e-01>>
// CHECK: return %arg0, %[[C]], %[[R]]
func.func @storage(%x: tensor<4xi8>) -> (tensor<4xi8>, tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<2x2x!quant.uniform<i8:f32, 0.1>>) {
  %q = octet.storage_cast %x : tensor<4xi8> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %back = octet.storage_cast %q : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xi8>
  %raw = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi8>
  %c = octet.storage_cast %raw : tensor<4xi8> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %r = octet.reshape %c : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.1>>
  return %back, %c, %r : tensor<4xi8>, tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<2x2x!quant.uniform<i8:f32, 0.1>>
}
