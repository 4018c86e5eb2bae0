// RUN: octet-opt %s -split-input-file -verify-diagnostics

func.func @dot4_types(%acc: vector<16xi32>, %a: vector<8xi32>) {
  // expected-error @+1 {{all of {acc, lhs, rhs, result} have same type}}
  %r = "octet_cpu.dot4"(%acc, %a, %a) : (vector<16xi32>, vector<8xi32>, vector<8xi32>) -> vector<16xi32>
  return
}

// -----

func.func @narrow_sat4_zp(%a: vector<16xi32>) {
  // expected-error @+1 {{zp 40000 is outside int16}}
  %b = octet_cpu.narrow_sat4 %a, %a, %a, %a {zp = 40000 : i64, is_signed = true} : vector<16xi32> -> vector<64xi8>
  return
}

// -----

func.func @narrow_sat4_lanes(%a: vector<16xi32>, %c: vector<8xi32>) {
  // expected-error @+1 {{must be vector of 32-bit signless integer values of length 16}}
  %b = "octet_cpu.narrow_sat4"(%a, %a, %a, %c) {zp = 0 : i64, is_signed = true} : (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<8xi32>) -> vector<64xi8>
  return
}

// -----

func.func @round_to_int_lanes(%f: vector<16xf32>) {
  // expected-error @+1 {{all of {input, result} have same shape}}
  %i = "octet_cpu.round_to_int"(%f) : (vector<16xf32>) -> vector<8xi32>
  return
}

// -----

func.func @prefetch_indices(%t: tensor<4x64xf32>, %i: index) {
  // expected-error @+1 {{takes 2 indices, not 1}}
  octet_cpu.prefetch %t[%i] : tensor<4x64xf32>
  return
}
