// octet-outline-kernels: each top-level nest of a public function moves into a
// private function; its root buffers are arguments, noalias where the
// workspace gives them disjoint bytes; views, constants and globals are cloned.
// RUN: octet-opt %s --octet-outline-kernels -split-input-file | FileCheck %s
// RUN: octet-opt %s --octet-outline-kernels=noinline=0 -split-input-file | FileCheck %s --check-prefix=INLINE
// INLINE-NOT: passthrough

#id = affine_map<(d0) -> (d0)>
memref.global "private" constant @bias : memref<16xf32> = dense<1.0>

// Two views of the workspace at disjoint offsets and an entry argument: all
// noalias; the view at offset 64 keeps its 64-byte alignment; the subview and
// the global are cloned, not passed.
// CHECK-LABEL: func.func private @f_k0
// CHECK-SAME: (%[[X:.*]]: memref<16xf32> {llvm.noalias}, %[[A:.*]]: memref<16xf32> {llvm.noalias}) attributes {octet.kernel, passthrough = ["noinline"]}
// CHECK-NEXT: %[[AA:.*]] = memref.assume_alignment %[[A]], 64
// CHECK-NEXT: %[[G:.*]] = memref.get_global @bias
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[X]], %[[G]] : {{.*}}) outs(%[[AA]] :
// CHECK: return
// CHECK-LABEL: func.func private @f_k1
// CHECK-SAME: (%[[A1:.*]]: memref<16xf32> {llvm.noalias}, %[[B1:.*]]: memref<16xf32> {llvm.noalias}, %[[O1:.*]]: memref<8xf32> {llvm.noalias})
// CHECK-NEXT: %[[AL1:.*]] = memref.assume_alignment %[[A1]], 64
// CHECK-NEXT: %[[BL1:.*]] = memref.assume_alignment %[[B1]], 64
// CHECK-NEXT: %[[SA:.*]] = memref.subview %[[AL1]][0] [8] [1]
// CHECK-NEXT: %[[SB:.*]] = memref.subview %[[BL1]][8] [8] [1]
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[SA]], %[[SB]] : {{.*}}) outs(%[[O1]] :
// CHECK-LABEL: func.func @f
// CHECK: %[[VA:.*]] = memref.view {{.*}}[%c0]
// CHECK: %[[VB:.*]] = memref.view {{.*}}[%c64]
// CHECK: call @f_k0(%arg0, %[[VA]]) : (memref<16xf32>, memref<16xf32>) -> ()
// CHECK: call @f_k1(%[[VA]], %[[VB]], %arg1) : (memref<16xf32>, memref<16xf32>, memref<8xf32>) -> ()
// CHECK-NOT: linalg.generic
func.func @f(%x: memref<16xf32>, %out: memref<8xf32>, %ws: memref<128xi8>) attributes {octet.workspace_size = 128 : i64} {
  %al = memref.assume_alignment %ws, 64 : memref<128xi8>
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %a = memref.view %al[%c0][] : memref<128xi8> to memref<16xf32>
  %b = memref.view %al[%c64][] : memref<128xi8> to memref<16xf32>
  %g = memref.get_global @bias : memref<16xf32>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%x, %g : memref<16xf32>, memref<16xf32>) outs(%a : memref<16xf32>) {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  }
  %sa = memref.subview %a[0] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1]>>
  %sb = memref.subview %b[8] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1], offset: 8>>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%sa, %sb : memref<8xf32, strided<[1]>>, memref<8xf32, strided<[1], offset: 8>>) outs(%out : memref<8xf32>) {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %s = arith.mulf %p, %q : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Views whose bytes overlap are not noalias; the workspace itself never is,
// nor are views in a nest that touches the workspace directly. A scalar
// defined outside is passed. An op with results stays.
// CHECK-LABEL: func.func private @g_k0
// CHECK-SAME: (%{{.*}}: index, %{{.*}}: memref<4xf32>, %{{.*}}: memref<4xf32>) attributes
// CHECK-LABEL: func.func private @g_k1
// CHECK-SAME: (%{{.*}}: memref<16xi8>, %{{.*}}: memref<4xf32> {llvm.noalias}) attributes
// CHECK-LABEL: func.func private @g_k2
// CHECK-SAME: (%{{.*}}: memref<16xi8>, %{{.*}}: memref<4xf32>) attributes
// CHECK-LABEL: func.func @g
// CHECK: call @g_k0
// CHECK: call @g_k1
// CHECK: call @g_k2
// CHECK: scf.for {{.*}} iter_args
func.func @g(%ws: memref<16xi8>, %n: index, %y: memref<4xf32>) -> f32 attributes {octet.workspace_size = 16 : i64} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %a = memref.view %ws[%c0][] : memref<16xi8> to memref<4xf32>
  %b = memref.view %ws[%c4][] : memref<16xi8> to memref<4xf32>
  %m = arith.addi %n, %c1 : index
  scf.for %i = %c0 to %m step %c1 {
    %v = memref.load %a[%c0] : memref<4xf32>
    memref.store %v, %b[%c1] : memref<4xf32>
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %ws[%i] : memref<16xi8>
    %f = arith.uitofp %v : i8 to f32
    memref.store %f, %y[%i] : memref<4xf32>
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %ws[%i] : memref<16xi8>
    %f = arith.uitofp %v : i8 to f32
    memref.store %f, %b[%i] : memref<4xf32>
  }
  %zero = arith.constant 0.0 : f32
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %y[%i] : memref<4xf32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  return %r : f32
}
