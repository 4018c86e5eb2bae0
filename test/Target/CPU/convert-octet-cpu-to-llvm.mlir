// octet_cpu ops to x86 intrinsics: dot4 to vpdpbusd, round_to_int to vcvtps2dq {rn-sae} or llvm.lrint, narrow_sat4 to the packs, the saturating zero point and the dword shuffle.
// RUN: octet-opt %s --convert-octet-cpu-to-llvm -split-input-file | FileCheck %s

// The byte operands become vector<64xi8> (the intrinsic's u8 and s8
// vectors), the accumulator stays vector<16xi32>: u8 lhs, s8 rhs.
// CHECK-LABEL: func @dot4_512
// CHECK-SAME: (%[[ACC:.*]]: vector<16xi32>, %[[A:.*]]: vector<16xi32>, %[[B:.*]]: vector<16xi32>)
// CHECK-NEXT: %[[AB:.*]] = vector.bitcast %[[A]] : vector<16xi32> to vector<64xi8>
// CHECK-NEXT: %[[BB:.*]] = vector.bitcast %[[B]] : vector<16xi32> to vector<64xi8>
// CHECK-NEXT: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[ACC]], %[[AB]], %[[BB]]) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK-NEXT: return %[[R]]
// CHECK-NOT: octet_cpu.
func.func @dot4_512(%acc: vector<16xi32>, %a: vector<16xi32>, %b: vector<16xi32>) -> vector<16xi32> {
  %r = octet_cpu.dot4 %acc, %a, %b : vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// The intrinsic's width follows the lanes: 8 x i32 is the 256-bit form.
// CHECK-LABEL: func @dot4_256
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
func.func @dot4_256(%acc: vector<8xi32>, %a: vector<8xi32>, %b: vector<8xi32>) -> vector<8xi32> {
  %r = octet_cpu.dot4 %acc, %a, %b : vector<8xi32>
  return %r : vector<8xi32>
}

// -----

// 16 lanes: vcvtps2dq with a zero pass-through, an all-ones mask and
// rounding mode 8 ({rn-sae}: to nearest even whatever MXCSR holds).
// CHECK-LABEL: func @round_to_int_16
// CHECK-SAME: (%[[F:.*]]: vector<16xf32>)
// CHECK-DAG: %[[PASS:.*]] = arith.constant dense<0> : vector<16xi32>
// CHECK-DAG: %[[MASK:.*]] = arith.constant -1 : i16
// CHECK-DAG: %[[RN:.*]] = arith.constant 8 : i32
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.mask.cvtps2dq.512"(%[[F]], %[[PASS]], %[[MASK]], %[[RN]]) : (vector<16xf32>, vector<16xi32>, i16, i32) -> vector<16xi32>
// CHECK: return %[[R]]
func.func @round_to_int_16(%f: vector<16xf32>) -> vector<16xi32> {
  %i = octet_cpu.round_to_int %f : vector<16xf32> -> vector<16xi32>
  return %i : vector<16xi32>
}

// -----

// Other widths: llvm.lrint in the current rounding mode.
// CHECK-LABEL: func @round_to_int_8
// CHECK-NOT: llvm.call_intrinsic
// CHECK: %[[R:.*]] = llvm.intr.lrint(%{{.*}}) : (vector<8xf32>) -> vector<8xi32>
// CHECK: return %[[R]]
func.func @round_to_int_8(%f: vector<8xf32>) -> vector<8xi32> {
  %i = octet_cpu.round_to_int %f : vector<8xf32> -> vector<8xi32>
  return %i : vector<8xi32>
}

// -----

// Unsigned with zero point 3: two vpackssdw, the zero point added to the
// int16 words with saturation, vpackuswb, then the dword permutation that
// undoes the packs' 128-bit lane interleaving (dword 4k + l from 4l + k).
// CHECK-LABEL: func @narrow_sat4_unsigned_zp
// CHECK-SAME: (%[[A:.*]]: vector<16xi32>, %[[B:.*]]: vector<16xi32>, %[[C:.*]]: vector<16xi32>, %[[D:.*]]: vector<16xi32>)
// CHECK-NEXT: %[[P0:.*]] = llvm.call_intrinsic "llvm.x86.avx512.packssdw.512"(%[[A]], %[[B]]) : (vector<16xi32>, vector<16xi32>) -> vector<32xi16>
// CHECK-NEXT: %[[P1:.*]] = llvm.call_intrinsic "llvm.x86.avx512.packssdw.512"(%[[C]], %[[D]]) : (vector<16xi32>, vector<16xi32>) -> vector<32xi16>
// CHECK-NEXT: %[[ZP:.*]] = arith.constant dense<3> : vector<32xi16>
// CHECK-NEXT: %[[Z0:.*]] = llvm.intr.sadd.sat(%[[P0]], %[[ZP]]) : (vector<32xi16>, vector<32xi16>) -> vector<32xi16>
// CHECK-NEXT: %[[Z1:.*]] = llvm.intr.sadd.sat(%[[P1]], %[[ZP]]) : (vector<32xi16>, vector<32xi16>) -> vector<32xi16>
// CHECK-NEXT: %[[BY:.*]] = llvm.call_intrinsic "llvm.x86.avx512.packuswb.512"(%[[Z0]], %[[Z1]]) : (vector<32xi16>, vector<32xi16>) -> vector<64xi8>
// CHECK-NEXT: %[[DW:.*]] = vector.bitcast %[[BY]] : vector<64xi8> to vector<16xi32>
// CHECK-NEXT: %[[SH:.*]] = vector.shuffle %[[DW]], %[[DW]] [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15] : vector<16xi32>, vector<16xi32>
// CHECK-NEXT: %[[R:.*]] = vector.bitcast %[[SH]] : vector<16xi32> to vector<64xi8>
// CHECK-NEXT: return %[[R]]
func.func @narrow_sat4_unsigned_zp(%a: vector<16xi32>, %b: vector<16xi32>, %c: vector<16xi32>, %d: vector<16xi32>) -> vector<64xi8> {
  %u = octet_cpu.narrow_sat4 %a, %b, %c, %d {zp = 3 : i64, is_signed = false} : vector<16xi32> -> vector<64xi8>
  return %u : vector<64xi8>
}

// -----

// Signed with zero point 0: no saturating add, vpacksswb.
// CHECK-LABEL: func @narrow_sat4_signed_no_zp
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.packssdw.512"
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.packssdw.512"
// CHECK-NOT: llvm.intr.sadd.sat
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.packsswb.512"
// CHECK-NOT: packuswb
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15]
func.func @narrow_sat4_signed_no_zp(%a: vector<16xi32>, %b: vector<16xi32>, %c: vector<16xi32>, %d: vector<16xi32>) -> vector<64xi8> {
  %s = octet_cpu.narrow_sat4 %a, %b, %c, %d {zp = 0 : i64, is_signed = true} : vector<16xi32> -> vector<64xi8>
  return %s : vector<64xi8>
}

// -----

// Ops of other dialects are left alone.
// CHECK-LABEL: func @no_octet_cpu_ops
// CHECK-NEXT: arith.addi
// CHECK-NEXT: return
func.func @no_octet_cpu_ops(%a: vector<16xi32>) -> vector<16xi32> {
  %r = arith.addi %a, %a : vector<16xi32>
  return %r : vector<16xi32>
}
