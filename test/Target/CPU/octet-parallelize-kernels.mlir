// octet-parallelize-kernels: kernels with enough work per byte get task
// arguments and run their share of one level of independent loops; the
// public caller gets the octet_call argument and passes task 0 of 1.
// RUN: octet-opt %s --octet-parallelize-kernels="min-work=1000 min-intensity=1" | FileCheck %s
// RUN: octet-opt %s --octet-parallelize-kernels="min-work=100000000" | FileCheck %s --check-prefix=SERIAL
// RUN: octet-opt %s --octet-parallelize-kernels="min-work=1000" | FileCheck %s --check-prefix=EW
// SERIAL-NOT: octet-tasks
// SERIAL-NOT: !llvm.ptr

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>

// A marked loop of 64 iterations: split in granules of 8 (64 / 8 >= 8).
// CHECK-LABEL: func.func private @f_k0
// CHECK-SAME: (%[[A:.*]]: memref<64x64xf32>, %[[B:.*]]: memref<64x64xf32>, %[[T:.*]]: index, %[[N:.*]]: index)
// CHECK-SAME: passthrough = ["noinline", ["octet-tasks", "64"]]
// CHECK-DAG: %[[T1:.*]] = arith.addi %[[T]], %c1
// CHECK-DAG: %[[BM:.*]] = arith.muli %[[T]], %c8
// CHECK-DAG: %[[BD:.*]] = arith.divui %[[BM]], %[[N]]
// CHECK-DAG: %[[LO:.*]] = arith.muli %[[BD]], %c8
// CHECK-DAG: %[[EM:.*]] = arith.muli %[[T1]], %c8
// CHECK-DAG: %[[ED:.*]] = arith.divui %[[EM]], %[[N]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[HI:.*]] step %c1
// CHECK-NEXT: scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c1
func.func private @f_k0(%a: memref<64x64xf32>, %b: memref<64x64xf32>) attributes {octet.kernel, passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c64 step %c1 {
      %x = memref.load %a[%i, %j] : memref<64x64xf32>
      %y = arith.mulf %x, %x : f32
      %z = arith.addf %y, %x : f32
      memref.store %z, %b[%i, %j] : memref<64x64xf32>
    }
  } {octet.parallel}
  return
}

// A matrix product (parallel m, n; reduction k) becomes loops, m and n
// marked; m (32 iterations) is split.
// CHECK-LABEL: func.func private @f_k1
// CHECK-SAME: %{{.*}}: index, %{{.*}}: index) attributes {octet.kernel, passthrough = ["noinline", ["octet-tasks", "32"]]}
// CHECK-NOT: linalg.generic
// CHECK: scf.for {{.*}} {
// CHECK: scf.for {{.*}} = %c0{{.*}} to %c32{{.*}} step
// CHECK: scf.for {{.*}} = %c0{{.*}} to %c16{{.*}} step
// CHECK: } {octet.parallel}
func.func private @f_k1(%a: memref<32x16xf32>, %b: memref<16x32xf32>, %c: memref<32x32xf32>) attributes {octet.kernel, passthrough = ["noinline"]} {
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x16xf32>, memref<16x32xf32>) outs(%c : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// Elementwise (no reduction), 4 units of work per 8 bytes: serial under
// min-intensity=1; split over its rows by default (min-intensity=0).
// CHECK-LABEL: func.func private @f_k2
// CHECK-SAME: (%{{.*}}: memref<256x256xf32>, %{{.*}}: memref<256x256xf32>) attributes {octet.kernel, passthrough = ["noinline"]}
// CHECK: linalg.generic
// EW-LABEL: func.func private @f_k2
// EW-SAME: (%{{.*}}: memref<256x256xf32>, %{{.*}}: memref<256x256xf32>, %{{.*}}: index, %{{.*}}: index) attributes {octet.kernel, passthrough = ["noinline", ["octet-tasks", "256"]]}
// EW-NOT: linalg.generic
// EW: scf.for
// EW: arith.mulf
// EW-LABEL: func.func private @f_k3
func.func private @f_k2(%a: memref<256x256xf32>, %b: memref<256x256xf32>) attributes {octet.kernel, passthrough = ["noinline"]} {
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<256x256xf32>) outs(%b : memref<256x256xf32>) {
  ^bb0(%x: f32, %y: f32):
    %s = arith.mulf %x, %x : f32
    linalg.yield %s : f32
  }
  return
}

// A marked loop of 1 iteration around two marked sibling loops: each task
// runs the outer loop whole and its share of both inner ones.
// CHECK-LABEL: func.func private @f_k3
// CHECK-SAME: passthrough = ["noinline", ["octet-tasks", "48"]]
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c1{{.*}} step
// CHECK: scf.for %{{.*}} = %{{[0-9]+}} to %{{[0-9]+}} step %c2
// CHECK: scf.for %{{.*}} = %{{[0-9]+}} to %{{[0-9]+}} step %c1
func.func private @f_k3(%a: memref<96x64xf32>, %b: memref<48x64xf32>) attributes {octet.kernel, passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c48 = arith.constant 48 : index
  %c64 = arith.constant 64 : index
  %c96 = arith.constant 96 : index
  %f = arith.constant 2.0 : f32
  scf.for %n = %c0 to %c1 step %c1 {
    scf.for %i = %c0 to %c96 step %c2 {
      scf.for %j = %c0 to %c64 step %c1 {
        memref.store %f, %a[%i, %j] : memref<96x64xf32>
        %x = memref.load %a[%i, %j] : memref<96x64xf32>
        %y = arith.mulf %x, %x : f32
        memref.store %y, %a[%i, %j] : memref<96x64xf32>
      }
    } {octet.parallel}
    scf.for %i = %c0 to %c48 step %c1 {
      scf.for %j = %c0 to %c64 step %c1 {
        %x = memref.load %b[%i, %j] : memref<48x64xf32>
        %y = arith.mulf %x, %x : f32
        memref.store %y, %b[%i, %j] : memref<48x64xf32>
      }
    } {octet.parallel}
  } {octet.parallel}
  return
}

// An unmarked loop (its iterations may depend on each other): serial.
// CHECK-LABEL: func.func private @f_k4
// CHECK-SAME: (%{{.*}}: memref<4096xf32>) attributes {octet.kernel, passthrough = ["noinline"]}
func.func private @f_k4(%a: memref<4096xf32>) attributes {octet.kernel, passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4096 = arith.constant 4096 : index
  scf.for %i = %c1 to %c4096 step %c1 {
    %p = arith.subi %i, %c1 : index
    %x = memref.load %a[%p] : memref<4096xf32>
    %y = arith.mulf %x, %x : f32
    memref.store %y, %a[%i] : memref<4096xf32>
  }
  return
}

// The caller: an !llvm.ptr (the octet_call) last, and task 0 of 1 for the
// split kernels only.
// CHECK-LABEL: func.func @f(
// CHECK-SAME: %{{.*}}: !llvm.ptr) attributes {octet.call_argument}
// CHECK: call @f_k0(%{{.*}}, %{{.*}}, %c0{{.*}}, %c1{{.*}})
// CHECK: call @f_k1(%{{.*}}, %{{.*}}, %{{.*}}, %c0{{.*}}, %c1{{.*}})
// CHECK: call @f_k2(%{{.*}}, %{{.*}}) :
// CHECK: call @f_k3(%{{.*}}, %{{.*}}, %c0{{.*}}, %c1{{.*}})
// CHECK: call @f_k4(%{{.*}}) :
func.func @f(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %m: memref<32x16xf32>, %n: memref<16x32xf32>, %o: memref<32x32xf32>, %e: memref<256x256xf32>, %e2: memref<256x256xf32>, %p: memref<96x64xf32>, %q: memref<48x64xf32>, %r: memref<4096xf32>) {
  call @f_k0(%a, %b) : (memref<64x64xf32>, memref<64x64xf32>) -> ()
  call @f_k1(%m, %n, %o) : (memref<32x16xf32>, memref<16x32xf32>, memref<32x32xf32>) -> ()
  call @f_k2(%e, %e2) : (memref<256x256xf32>, memref<256x256xf32>) -> ()
  call @f_k3(%p, %q) : (memref<96x64xf32>, memref<48x64xf32>) -> ()
  call @f_k4(%r) : (memref<4096xf32>) -> ()
  return
}
