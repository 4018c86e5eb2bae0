// octet-drop-empty-io: zero-sized arguments become tensor.empty and are no
// longer parameters; zero-sized results are no longer returned. Private
// functions and non-empty tensors are left alone.
// RUN: octet-opt %s --octet-drop-empty-io | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[Z:.*]]: tensor<1x3xf32>) -> tensor<1x3xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x0xf32>
// CHECK: %[[C:.*]] = tensor.concat dim(1) %[[E]], %[[Z]]
// CHECK: return %[[C]] : tensor<1x3xf32>
func.func @main(%x: tensor<1x0xf32>, %z: tensor<1x3xf32>) -> (tensor<1x0xf32>, tensor<1x3xf32>) {
  %c = tensor.concat dim(1) %x, %z : (tensor<1x0xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
  return %x, %c : tensor<1x0xf32>, tensor<1x3xf32>
}

// CHECK-LABEL: func.func private @helper
// CHECK-SAME: (%{{.*}}: tensor<0x4xi8>) -> tensor<0x4xi8>
func.func private @helper(%x: tensor<0x4xi8>) -> tensor<0x4xi8> {
  return %x : tensor<0x4xi8>
}
