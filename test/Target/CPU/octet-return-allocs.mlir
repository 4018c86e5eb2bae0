// octet-return-allocs: a returned expand_shape/collapse_shape view of a static allocation becomes an allocation of the result type, which the original uses view; dynamic, non-identity, argument, cross-block and plain results stay.
// RUN: octet-opt %s --octet-return-allocs -split-input-file | FileCheck %s

// NCHW result as an expand_shape of [N, C, H * W]: the function allocates
// the 4-D buffer (keeping the alignment), the 3-D one becomes its
// collapse_shape, and the buffer itself is returned.
// CHECK-LABEL: func @return_expanded_view
// CHECK-NEXT: %[[OWN:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x2x2xf32>
// CHECK-NEXT: %[[OLD:.*]] = memref.collapse_shape %[[OWN]] {{\[}}[0], [1], [2, 3]] : memref<1x4x2x2xf32> into memref<1x4x4xf32>
// CHECK-NOT: memref.alloc
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[OLD]] : memref<1x4x4xf32>)
// CHECK: return %[[OWN]] : memref<1x4x2x2xf32>
func.func @return_expanded_view() -> memref<1x4x2x2xf32> {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x4x4xf32>
  %c = arith.constant 1.0 : f32
  linalg.fill ins(%c : f32) outs(%a : memref<1x4x4xf32>)
  %e = memref.expand_shape %a [[0], [1], [2, 3]] output_shape [1, 4, 2, 2] : memref<1x4x4xf32> into memref<1x4x2x2xf32>
  return %e : memref<1x4x2x2xf32>
}

// -----

// A collapsed view: the original becomes an expand_shape of the new
// allocation.
// CHECK-LABEL: func @return_collapsed_view
// CHECK-NEXT: %[[OWN:.*]] = memref.alloc() : memref<8xf32>
// CHECK-NEXT: memref.expand_shape %[[OWN]] {{\[}}[0, 1]] output_shape [2, 4] : memref<8xf32> into memref<2x4xf32>
// CHECK: return %[[OWN]] : memref<8xf32>
func.func @return_collapsed_view() -> memref<8xf32> {
  %a = memref.alloc() : memref<2x4xf32>
  %c = memref.collapse_shape %a [[0, 1]] : memref<2x4xf32> into memref<8xf32>
  return %c : memref<8xf32>
}

// -----

// An allocation returned as it is needs nothing.
// CHECK-LABEL: func @return_alloc_directly
// CHECK-NEXT: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: return %[[A]]
func.func @return_alloc_directly() -> memref<4xf32> {
  %a = memref.alloc() : memref<4xf32>
  return %a : memref<4xf32>
}

// -----

// A dynamic allocation is left as it is.
// CHECK-LABEL: func @dynamic_alloc_unchanged
// CHECK-NEXT: %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK-NEXT: %[[E:.*]] = memref.expand_shape %[[A]]
// CHECK-NEXT: return %[[E]] : memref<?x2xf32>
func.func @dynamic_alloc_unchanged(%n: index) -> memref<?x2xf32> {
  %a = memref.alloc(%n) : memref<?xf32>
  %e = memref.expand_shape %a [[0, 1]] output_shape [%n, 2] : memref<?xf32> into memref<?x2xf32>
  return %e : memref<?x2xf32>
}

// -----

// A non-identity layout (rows padded to 8) is left as it is.
// CHECK-LABEL: func @strided_alloc_unchanged
// CHECK-NEXT: %[[A:.*]] = memref.alloc() : memref<2x4xf32, strided<[8, 1]>>
// CHECK-NEXT: %[[E:.*]] = memref.expand_shape %[[A]]
// CHECK-NEXT: return %[[E]] : memref<2x2x2xf32, strided<[8, 2, 1]>>
func.func @strided_alloc_unchanged() -> memref<2x2x2xf32, strided<[8, 2, 1]>> {
  %a = memref.alloc() : memref<2x4xf32, strided<[8, 1]>>
  %e = memref.expand_shape %a [[0], [1, 2]] output_shape [2, 2, 2] : memref<2x4xf32, strided<[8, 1]>> into memref<2x2x2xf32, strided<[8, 2, 1]>>
  return %e : memref<2x2x2xf32, strided<[8, 2, 1]>>
}

// -----

// A view of an argument (not an allocation) and an allocation in another
// block than the return are left alone.
// CHECK-LABEL: func @view_of_argument_unchanged
// CHECK-NEXT: %[[C:.*]] = memref.collapse_shape %{{.*}} {{\[}}[0, 1]]
// CHECK-NEXT: return %[[C]] : memref<8xf32>
// CHECK-LABEL: func @alloc_in_other_block_unchanged
// CHECK-NEXT: %[[A:.*]] = memref.alloc() : memref<2x4xf32>
// CHECK: ^bb1:
// CHECK-NEXT: %[[C:.*]] = memref.collapse_shape %[[A]]
// CHECK-NEXT: return %[[C]] : memref<8xf32>
func.func @view_of_argument_unchanged(%a: memref<2x4xf32>) -> memref<8xf32> {
  %c = memref.collapse_shape %a [[0, 1]] : memref<2x4xf32> into memref<8xf32>
  return %c : memref<8xf32>
}
func.func @alloc_in_other_block_unchanged(%b: i1) -> memref<8xf32> {
  %a = memref.alloc() : memref<2x4xf32>
  cf.cond_br %b, ^bb1, ^bb1
^bb1:
  %c = memref.collapse_shape %a [[0, 1]] : memref<2x4xf32> into memref<8xf32>
  return %c : memref<8xf32>
}
