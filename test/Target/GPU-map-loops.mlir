// RUN: octet-opt %s --convert-linalg-to-parallel-loops --lower-affine --canonicalize --octet-gpu-map-loops | FileCheck %s

// Each top-level loop nest becomes a gpu.launch of 256-thread workgroups over
// its parallel iterations (here 4 x 10 = 40: one workgroup of 40 threads),
// and the reduction keeps its accumulator in a register: one load before
// the K loop, an iter_arg, one store after.
// CHECK-LABEL: func.func @main
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads({{.*}}) in ({{.*}} = %c40
// CHECK: scf.if
// CHECK: %[[INIT:.*]] = memref.load %arg2
// CHECK: %[[SUM:.*]] = scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (i32)
// CHECK-NOT: memref.store
// CHECK: arith.addi %[[ACC]]
// CHECK: scf.yield
// CHECK: memref.store %[[SUM]], %arg2
// CHECK: gpu.terminator
func.func @main(%a: memref<4x512xi8>, %w: memref<10x512xi8>, %out: memref<4x10xi32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<4x512xi8>, memref<10x512xi8>) outs(%out : memref<4x10xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %y : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}
