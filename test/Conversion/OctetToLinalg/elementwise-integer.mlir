// Expected generic lowering of elementwise ops on plain integer tensors (pow, prelu, unsigned div/max/min/mod, float to unsigned cast, integer clamp).
// Known bugs, so the file is expected to fail: integer pow and prelu lower to
// arith.muli, unsigned operands get signed ops, float -> ui8 uses fptosi and
// an integer clamp (valid for the verifier) has no lowering. Remove the
// XFAIL line once the lowerings are fixed.
// RUN: octet-opt %s --convert-octet-to-linalg -split-input-file | FileCheck %s

// ONNX Pow on int64: x^y, not x * y.
// CHECK-LABEL: func @pow_i64
// CHECK-NOT: arith.muli
// CHECK: math.ipowi %{{.*}}, %{{.*}} : i64
func.func @pow_i64(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi64> {
  %0 = octet.pow %a, %b : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// ONNX PRelu on int32: x < 0 ? slope * x : x.
// CHECK-LABEL: func @prelu_i32
// CHECK: ^bb0(%[[X:.*]]: i32, %[[S:.*]]: i32, %{{.*}}: i32):
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[X]], %{{.*}} : i32
// CHECK: %[[M:.*]] = arith.muli %[[X]], %[[S]] : i32
// CHECK: arith.select %[[NEG]], %[[M]], %[[X]] : i32
func.func @prelu_i32(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = octet.prelu %a, %b : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// uint8 operands (200 is -56 in the signless storage): unsigned division,
// maximum, minimum and remainder.
// CHECK-LABEL: func @unsigned_binary
// CHECK: arith.divui %{{.*}}, %{{.*}} : i8
// CHECK: arith.maxui %{{.*}}, %{{.*}} : i8
// CHECK: arith.minui %{{.*}}, %{{.*}} : i8
// CHECK: arith.remui %{{.*}}, %{{.*}} : i8
// CHECK-NOT: arith.remsi
func.func @unsigned_binary(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xui8>, tensor<4xui8>, tensor<4xui8>) {
  %0 = octet.div %a, %b : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  %1 = octet.max %a, %b : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  %2 = octet.min %a, %b : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  %3 = octet.mod %a, %b : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  return %0, %1, %2, %3 : tensor<4xui8>, tensor<4xui8>, tensor<4xui8>, tensor<4xui8>
}

// -----

// float -> uint8: 200.0 must give 200; fptosi to i8 is poison above 127.
// CHECK-LABEL: func @cast_float_to_unsigned
// CHECK-NOT: arith.fptosi %{{.*}} : f32 to i8
// CHECK: arith.fptoui %{{.*}} : f32 to i8
func.func @cast_float_to_unsigned(%a: tensor<4xf32>) -> tensor<4xui8> {
  %0 = octet.cast %a : tensor<4xf32> -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// The verifier accepts integer clamps (bounds given as real values).
// CHECK-LABEL: func @clamp_i64
// CHECK-NOT: octet.clamp
// CHECK: arith.maxsi %{{.*}}, %{{.*}} : i64
// CHECK: arith.minsi %{{.*}}, %{{.*}} : i64
func.func @clamp_i64(%a: tensor<4xi64>) -> tensor<4xi64> {
  %0 = octet.clamp %a {min = 0.0 : f32, max = 6.0 : f32} : tensor<4xi64> -> tensor<4xi64>
  return %0 : tensor<4xi64>
}
