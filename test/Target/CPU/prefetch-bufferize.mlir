// octet_cpu.prefetch bufferizes to memref.prefetch of its tensor's buffer
// (a read for every cache level), which the LLVM lowering turns into
// llvm.intr.prefetch; a prefetch is neither removed nor hoisted out of its
// loop by the canonicalizer and CSE (it declares no memory effects).
// RUN: octet-opt %s --canonicalize --cse --one-shot-bufferize="bufferize-function-boundaries" | FileCheck %s
// RUN: octet-opt %s --one-shot-bufferize="bufferize-function-boundaries" --finalize-memref-to-llvm --convert-func-to-llvm --reconcile-unrealized-casts | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func @tile
// CHECK-SAME: (%[[T:.*]]: memref<4x64xf32{{.*}}>
// CHECK: scf.for
// CHECK: memref.prefetch %[[T]][%{{.*}}, %{{.*}}], read, locality<3>, data : memref<4x64xf32{{.*}}>
// CHECK-NOT: octet_cpu.prefetch
// LLVM: llvm.intr.prefetch
func.func @tile(%t: tensor<4x64xf32>, %lo: index, %hi: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %r = scf.for %i = %lo to %hi step %c1 iter_args(%a = %z) -> f32 {
    octet_cpu.prefetch %t[%i, %c0] : tensor<4x64xf32>
    %e = tensor.extract %t[%i, %c1] : tensor<4x64xf32>
    %s = arith.addf %a, %e : f32
    scf.yield %s : f32
  }
  return %r : f32
}
