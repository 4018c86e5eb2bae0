// The AVX2 int8 product (isa=avx2) picks, from the constant weights, the
// exact form with the fewest instructions (docs/cpu-backend.md, "Int8 kernels
// on each ISA"): vpmaddubsw on u8 ("pairs") where adjacent weight pairs keep
// |w0| + |w1| <= 128, s8 activations with the signs moved ("sign") for
// weights in [-127, 127], and either of them with the weights it cannot take
// in a residual: a CSR table per column block of 16 (offsets, K quads) and
// the residual slices, run by a second loop after the main one.
// RUN: octet-opt %s --convert-octet-to-cpu=isa=avx2 -split-input-file | FileCheck %s

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!wg = !quant.uniform<i8:f32, 0.1>

// Every pair fits: the pairs form, no residual.
// CHECK-LABEL: func @pairs_only
// CHECK-NOT: tensor<2xi32>
// CHECK-COUNT-4: octet_cpu.dot4 {{.*}} {octet_cpu.avx2 = "pairs"}
// CHECK-NOT: tensor.extract
// CHECK-NOT: octet_cpu.dot4
// CHECK: return
func.func @pairs_only(%a: tensor<4x32x!u8>) -> tensor<4x16x!u8o> {
  %w = octet.constant dense<1> : tensor<16x32xi8> : tensor<16x32x!wg>
  %y = octet.gemm %a, %w {trans_b = true} : (tensor<4x32x!u8>, tensor<16x32x!wg>) -> tensor<4x16x!u8o>
  return %y : tensor<4x16x!u8o>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!wg = !quant.uniform<i8:f32, 0.1>

// One pair of 100s in 8 quads of K: pairs, with the halves 50 + 50 (K quad
// 2, column block 0) in the residual, cheaper than the sign form.
// CHECK-LABEL: func @pairs_residual
// CHECK-DAG: %[[OFF:.*]] = arith.constant dense<[0, 1]> : tensor<2xi32>
// CHECK-DAG: %[[QUADS:.*]] = arith.constant dense<2> : tensor<1xi32>
// CHECK: octet_cpu.dot4 {{.*}} {octet_cpu.avx2 = "pairs"}
// CHECK: tensor.extract %[[OFF]]
// CHECK: tensor.extract %[[OFF]]
// CHECK: scf.for
// CHECK: tensor.extract %[[QUADS]]
// CHECK: octet_cpu.dot4 {{.*}} {octet_cpu.avx2 = "pairs"}
// CHECK-NOT: "sign"
// CHECK: return
func.func @pairs_residual(%a: tensor<4x32x!u8>) -> tensor<4x16x!u8o> {
  %w = octet.constant dense<[[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 100, 100, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]> : tensor<16x32xi8> : tensor<16x32x!wg>
  %y = octet.gemm %a, %w {trans_b = true} : (tensor<4x32x!u8>, tensor<16x32x!wg>) -> tensor<4x16x!u8o>
  return %y : tensor<4x16x!u8o>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!wg = !quant.uniform<i8:f32, 0.1>

// Pairs of 127s everywhere and one -128: the sign form, -128 = -127 + -1
// with the -1 in the residual (K quad 3).
// CHECK-LABEL: func @sign_residual
// CHECK-DAG: %[[OFF:.*]] = arith.constant dense<[0, 1]> : tensor<2xi32>
// CHECK-DAG: arith.constant dense<3> : tensor<1xi32>
// CHECK: octet_cpu.dot4 {{.*}} {octet_cpu.avx2 = "sign"}
// CHECK: scf.for
// CHECK: octet_cpu.dot4 {{.*}} {octet_cpu.avx2 = "sign"}
// CHECK-NOT: "pairs"
// CHECK: return
func.func @sign_residual(%a: tensor<4x32x!u8>) -> tensor<4x16x!u8o> {
  %w = octet.constant dense<[[127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, -128, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127]]> : tensor<16x32xi8> : tensor<16x32x!wg>
  %y = octet.gemm %a, %w {trans_b = true} : (tensor<4x32x!u8>, tensor<16x32x!wg>) -> tensor<4x16x!u8o>
  return %y : tensor<4x16x!u8o>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!wg = !quant.uniform<i8:f32, 0.1>

// All 127: the sign form, no residual.
// CHECK-LABEL: func @sign_only
// CHECK-NOT: tensor<2xi32>
// CHECK-COUNT-4: octet_cpu.dot4 {{.*}} {octet_cpu.avx2 = "sign"}
// CHECK-NOT: tensor.extract
// CHECK-NOT: octet_cpu.dot4
// CHECK: return
func.func @sign_only(%a: tensor<4x32x!u8>) -> tensor<4x16x!u8o> {
  %w = octet.constant dense<127> : tensor<16x32xi8> : tensor<16x32x!wg>
  %y = octet.gemm %a, %w {trans_b = true} : (tensor<4x32x!u8>, tensor<16x32x!wg>) -> tensor<4x16x!u8o>
  return %y : tensor<4x16x!u8o>
}
