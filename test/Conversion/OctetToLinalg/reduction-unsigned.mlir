// Expected generic lowering of reductions over unsigned integer tensors.
// Known bug, so the file is expected to fail: ReduceLowering reshapes its i8
// result to the unconverted ui8 result type, and the module fails to verify
// ("'tensor.reshape' op element types of source and destination tensor types
// should be the same"). Remove the XFAIL line once it is fixed.
// RUN: octet-opt %s --convert-octet-to-linalg -split-input-file | FileCheck %s

// Max over both axes: starts from 0, unsigned max, stays i8.
// CHECK-LABEL: func @reduce_max_u8
// CHECK-SAME: -> tensor<1x1xi8>
// CHECK: %[[Z:.*]] = arith.constant 0 : i8
// CHECK: linalg.fill ins(%[[Z]] : i8)
// CHECK: arith.maxui %{{.*}}, %{{.*}} : i8
// CHECK-NOT: tensor.reshape
// CHECK: return %{{.*}} : tensor<1x1xi8>
func.func @reduce_max_u8(%x: tensor<2x3xui8>) -> tensor<1x1xui8> {
  %y = octet.reduce_max %x {axes = array<i64: 0, 1>, keepdims = true} : tensor<2x3xui8> -> tensor<1x1xui8>
  return %y : tensor<1x1xui8>
}

// -----

// Sum without keepdims: the [2, 1] i8 sum is reshaped to [2] i8.
// CHECK-LABEL: func @reduce_sum_u8_drop_axis
// CHECK: arith.addi %{{.*}}, %{{.*}} : i8
// CHECK: tensor.reshape %{{.*}}(%{{.*}}) : (tensor<2x1xi8>, tensor<1xi64>) -> tensor<2xi8>
func.func @reduce_sum_u8_drop_axis(%x: tensor<2x3xui8>) -> tensor<2xui8> {
  %y = octet.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : tensor<2x3xui8> -> tensor<2xui8>
  return %y : tensor<2xui8>
}
