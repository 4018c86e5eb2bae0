// A float GlobalAveragePool in MLAS's order on the CPU: 8 planes at a time
// (a parallel loop over groups of 8, then the 5 planes left), each with its
// four lanes as a vector<4xf32> summed over whole blocks of four, the lanes
// halved pairwise (0 + 2, 1 + 3, then their sum), the 3 elements after the
// last whole block added one by one, the sum divided by H x W = 63.
// RUN: octet-opt %s --convert-octet-to-cpu=isa=avx512vnni | FileCheck %s
// RUN: octet-opt %s --convert-octet-to-cpu=isa=avx2 | FileCheck %s

// CHECK-LABEL: func @gap
// CHECK: %[[X:.*]] = tensor.collapse_shape %arg0 {{.*}} into tensor<13x63xf32>
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c1{{.*}} step %c1{{.*}}
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c60{{.*}} step %c4{{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>) {
// CHECK-COUNT-8: vector.transfer_read %[[X]]{{.*}} : tensor<13x63xf32>, vector<4xf32>
// CHECK: vector.extract %{{.*}}[0] : f32 from vector<4xf32>
// CHECK: arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: } {octet.parallel}
// CHECK: step %c4{{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>) {
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @gap(%x: tensor<1x13x7x9xf32>) -> tensor<1x13x1x1xf32> {
  %0 = octet.global_avg_pool2d %x : tensor<1x13x7x9xf32> -> tensor<1x13x1x1xf32>
  return %0 : tensor<1x13x1x1xf32>
}
