// convert-octet-cpu-to-llvm without AVX-512: dot4 in the exact AVX2 form its
// octet_cpu.avx2 attribute names, or as 256-bit vpdpbusd (AVX-VNNI);
// round_to_int as llvm.lrint and narrow_sat4 as saturating arithmetic.
// RUN: octet-opt %s --convert-octet-cpu-to-llvm=isa=avx2 -split-input-file | FileCheck %s
// RUN: octet-opt %s --convert-octet-cpu-to-llvm=isa=avxvnni -split-input-file -verify-diagnostics 2>&1 | FileCheck %s --check-prefix=VNNI256
// RUN: not octet-opt %s --convert-octet-cpu-to-llvm=isa=sse 2>&1 | FileCheck %s --check-prefix=BADISA
// BADISA: unknown isa 'sse' (avx512vnni, avxvnni or avx2)

// pairs: per 32 bytes one vpmaddubsw on the u8 and s8 bytes and one
// vpmaddwd with ones; no sign transfer.
// CHECK-LABEL: func @pairs
// CHECK-NOT: psign
// CHECK-COUNT-2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// CHECK-NOT: psign
// CHECK: arith.addi
// CHECK-NOT: octet_cpu.dot4
// VNNI256-LABEL: func @pairs
// VNNI256-COUNT-2: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"({{.*}}) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
func.func @pairs(%acc: vector<16xi32>, %a: vector<16xi32>, %b: vector<16xi32>) -> vector<16xi32> {
  %r = octet_cpu.dot4 %acc, %a, %b {octet_cpu.avx2 = "pairs"} : vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// sign: vpsignb moves the activations' signs onto the weights, the
// activations' magnitudes (math.absi) are the u8 operand.
// CHECK-LABEL: func @sign
// CHECK: %[[W:.*]] = llvm.call_intrinsic "llvm.x86.avx2.psign.b"(%[[WB:.*]], %[[AB:.*]]) : (vector<32xi8>, vector<32xi8>) -> vector<32xi8>
// CHECK: %[[ABS:.*]] = math.absi %[[AB]] : vector<32xi8>
// CHECK: %[[P:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%[[ABS]], %[[W]])
// CHECK: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[P]], %{{.*}})
func.func @sign(%acc: vector<16xi32>, %a: vector<16xi32>, %b: vector<16xi32>) -> vector<16xi32> {
  // expected-error@+1 {{dot4 in the 'sign' form}}
  %r = octet_cpu.dot4 %acc, %a, %b {octet_cpu.avx2 = "sign"} : vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// wide (and no attribute): 16-bit products, zero-extended u8 times
// sign-extended s8, summed in 32 bits four at a time.
// CHECK-LABEL: func @wide
// CHECK-NOT: pmadd
// CHECK: arith.extui %{{.*}} : vector<64xi8> to vector<64xi16>
// CHECK: arith.extsi %{{.*}} : vector<64xi8> to vector<64xi16>
// CHECK: arith.muli %{{.*}} : vector<64xi16>
// CHECK: arith.extsi %{{.*}} : vector<64xi16> to vector<64xi32>
// CHECK-COUNT-4: vector.shuffle
func.func @wide(%acc: vector<16xi32>, %a: vector<16xi32>, %b: vector<16xi32>) -> vector<16xi32> {
  %r = octet_cpu.dot4 %acc, %a, %b : vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// CHECK-LABEL: func @requant_steps
// CHECK-NOT: avx512
// CHECK: llvm.intr.lrint(%{{.*}}) : (vector<16xf32>) -> vector<16xi32>
// CHECK: arith.maxsi %{{.*}} : vector<16xi32>
// CHECK: arith.minsi %{{.*}} : vector<16xi32>
// CHECK: arith.trunci %{{.*}} : vector<16xi32> to vector<16xi16>
// CHECK: llvm.intr.sadd.sat
// CHECK: arith.trunci %{{.*}} : vector<16xi16> to vector<16xi8>
// CHECK: vector.shuffle
// CHECK-NOT: avx512
func.func @requant_steps(%f: vector<16xf32>, %v: vector<16xi32>) -> vector<64xi8> {
  %i = octet_cpu.round_to_int %f : vector<16xf32> -> vector<16xi32>
  %b = octet_cpu.narrow_sat4 %i, %v, %v, %v {zp = 3 : i64, is_signed = false} : vector<16xi32> -> vector<64xi8>
  return %b : vector<64xi8>
}
