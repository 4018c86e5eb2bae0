// Malformed IR is a parse error with a location, not a crash.
// RUN: not octet-opt %s 2>&1 | FileCheck %s
// CHECK: malformed.mlir:[[@LINE+3]]:{{[0-9]+}}: error:
func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  %y = octet.sigmoid %x : tensor<2xf32> -> tensor<2xf32>
  %z = octet.conv2d %y {strides = array<i64: 1
  return %z : tensor<2xf32>
}
