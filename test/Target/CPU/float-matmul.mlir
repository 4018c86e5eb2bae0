// The f32 product with a constant weight (floatMatmul) and its register
// tiles: with AVX-512 (32 registers), 4 rows x 4 column blocks of 16 (16
// accumulators; rows left over go to taller last tiles); with AVX2 (16
// registers of 8 lanes, a 16-lane accumulator in two), 6 rows x 1 column
// block (12 registers, the weight panel of 16 columns read from L1), the
// rows left after the whole 6-row tiles shared with the last one (49: 7 x
// 6, then 4 + 3), not 1 x 64 tiles loading 8 weight vectors per 8 FMAs.
// RUN: octet-opt %s --convert-octet-to-cpu=isa=avx512vnni | FileCheck %s --check-prefixes=CHECK,ZMM
// RUN: octet-opt %s --convert-octet-to-cpu=isa=avx2 | FileCheck %s --check-prefixes=CHECK,YMM

// CHECK-LABEL: func @matmul
// ZMM: scf.for %{{.*}} = %c0 to %c44 step %c4
// ZMM: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// ZMM-COUNT-16: vector.fma
// ZMM: scf.for %{{.*}} = %c44{{.*}} to %c49 step %c5
// YMM: scf.for %{{.*}} = %c0 to %c42 step %c6
// YMM: scf.for %{{.*}} = %{{.*}} to %c4{{.*}} step %c1 iter_args
// YMM: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// YMM-COUNT-6: vector.fma
// YMM-NOT: vector.fma
// YMM: scf.for %{{.*}} = %c42{{.*}} to %c46 step %c4
// YMM-COUNT-4: vector.fma
// YMM-NOT: vector.fma
// YMM: scf.for %{{.*}} = %c46{{.*}} to %c49 step %c3
// YMM-COUNT-3: vector.fma
// YMM-NOT: vector.fma
// CHECK: return
func.func @matmul(%x: tensor<1x49x64xf32>) -> tensor<1x49x64xf32> {
  %w = arith.constant dense<0.5> : tensor<64x64xf32>
  %b = arith.constant dense<0.25> : tensor<64xf32>
  %0 = octet.matmul %x, %w, %b : (tensor<1x49x64xf32>, tensor<64x64xf32>, tensor<64xf32>) -> tensor<1x49x64xf32>
  return %0 : tensor<1x49x64xf32>
}
