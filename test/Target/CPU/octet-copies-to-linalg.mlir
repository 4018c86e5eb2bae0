// octet-copies-to-linalg: every ranked memref.copy (strided, dynamic, nested) becomes a linalg.copy of the same operands.
// RUN: octet-opt %s --octet-copies-to-linalg -split-input-file | FileCheck %s

// A copy into a strided subview (a padded buffer's interior).
// CHECK-LABEL: func @copy_into_strided_subview
// CHECK-SAME: (%[[SRC:.*]]: memref<4x4xf32>, %[[DST:.*]]: memref<6x6xf32>)
// CHECK: %[[V:.*]] = memref.subview %[[DST]][1, 1] [4, 4] [1, 1]
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%[[SRC]] : memref<4x4xf32>) outs(%[[V]] : memref<4x4xf32, strided<[6, 1], offset: 7>>)
// CHECK-NOT: memref.copy
// CHECK: return
func.func @copy_into_strided_subview(%src: memref<4x4xf32>, %dst: memref<6x6xf32>) {
  %v = memref.subview %dst[1, 1] [4, 4] [1, 1] : memref<6x6xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
  memref.copy %src, %v : memref<4x4xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
  return
}

// -----

// Dynamic sizes are fine for linalg.copy, and copies in nested regions are
// rewritten in place.
// CHECK-LABEL: func @copy_dynamic
// CHECK-NEXT: linalg.copy ins(%{{.*}} : memref<?xi8>) outs(%{{.*}} : memref<?xi8>)
// CHECK-NEXT: return
// CHECK-LABEL: func @copy_in_region
// CHECK: scf.if
// CHECK-NEXT: linalg.copy ins(%{{.*}} : memref<4xf32>) outs(%{{.*}} : memref<4xf32>)
// CHECK-NOT: memref.copy
func.func @copy_dynamic(%src: memref<?xi8>, %dst: memref<?xi8>) {
  memref.copy %src, %dst : memref<?xi8> to memref<?xi8>
  return
}
func.func @copy_in_region(%src: memref<4xf32>, %dst: memref<4xf32>, %c: i1) {
  scf.if %c {
    memref.copy %src, %dst : memref<4xf32> to memref<4xf32>
  }
  return
}

// -----

// Nothing else changes: an existing linalg.copy and other memref ops stay.
// CHECK-LABEL: func @no_memref_copy
// CHECK-NEXT: memref.alloc() : memref<4xf32>
// CHECK-NEXT: linalg.copy ins(%{{.*}} : memref<4xf32>) outs(%{{.*}} : memref<4xf32>)
// CHECK-NEXT: memref.dealloc
// CHECK-NEXT: return
func.func @no_memref_copy(%src: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  linalg.copy ins(%src : memref<4xf32>) outs(%a : memref<4xf32>)
  memref.dealloc %a : memref<4xf32>
  return
}
