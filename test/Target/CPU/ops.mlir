// Round-trips every octet_cpu op through the custom and the generic form.
// RUN: octet-opt %s | octet-opt | FileCheck %s
// RUN: octet-opt %s --mlir-print-op-generic | octet-opt | FileCheck %s

// CHECK-LABEL: func @dot4
// CHECK: octet_cpu.dot4 %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi32>
func.func @dot4(%acc: vector<16xi32>, %a: vector<16xi32>, %b: vector<16xi32>) -> vector<16xi32> {
  %r = octet_cpu.dot4 %acc, %a, %b : vector<16xi32>
  return %r : vector<16xi32>
}

// CHECK-LABEL: func @requant_steps
// CHECK: octet_cpu.round_to_int %{{.*}} : vector<16xf32> -> vector<16xi32>
// CHECK: octet_cpu.narrow_sat4 %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {is_signed = false, zp = 3 : i64} : vector<16xi32> -> vector<64xi8>
func.func @requant_steps(%f: vector<16xf32>, %a: vector<16xi32>) -> (vector<16xi32>, vector<64xi8>) {
  %i = octet_cpu.round_to_int %f : vector<16xf32> -> vector<16xi32>
  %b = octet_cpu.narrow_sat4 %i, %a, %a, %a {zp = 3 : i64, is_signed = false} : vector<16xi32> -> vector<64xi8>
  return %i, %b : vector<16xi32>, vector<64xi8>
}

// CHECK-LABEL: func @prefetch
// CHECK: octet_cpu.prefetch %{{.*}}[%{{.*}}, %{{.*}}] : tensor<4x64xf32>
func.func @prefetch(%t: tensor<4x64xf32>, %i: index) {
  octet_cpu.prefetch %t[%i, %i] : tensor<4x64xf32>
  return
}
