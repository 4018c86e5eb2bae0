// octet-distinct-results: a static, identity-layout buffer returned more than once gets a fresh allocation and a copy per repeat; distinct, dynamic and strided results are left alone.
// RUN: octet-opt %s --octet-distinct-results -split-input-file | FileCheck %s

// Three uses of one allocation: the first keeps it, the second and third
// get their own buffer and a copy, placed before the return.
// CHECK-LABEL: func @same_buffer_three_times
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: memref.copy %[[A]], %[[B]] : memref<4xf32> to memref<4xf32>
// CHECK-NEXT: %[[C:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: memref.copy %[[A]], %[[C]] : memref<4xf32> to memref<4xf32>
// CHECK-NEXT: return %[[A]], %[[B]], %[[C]] : memref<4xf32>, memref<4xf32>, memref<4xf32>
func.func @same_buffer_three_times() -> (memref<4xf32>, memref<4xf32>, memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  return %a, %a, %a : memref<4xf32>, memref<4xf32>, memref<4xf32>
}

// A function argument returned twice (an Identity of a graph output) is
// copied as well; repeated scalars are not buffers and stay. (Kept in the
// module of the previous case: alone, with no memref op to load the memref
// dialect, the pass crashes; see octet-distinct-results-no-memref.mlir.)
// CHECK-LABEL: func @argument_twice_and_scalars
// CHECK-SAME: (%[[M:.*]]: memref<2xi8>, %[[I:.*]]: i32)
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<2xi8>
// CHECK-NEXT: memref.copy %[[M]], %[[B]]
// CHECK-NEXT: return %[[M]], %[[B]], %[[I]], %[[I]] :
func.func @argument_twice_and_scalars(%m: memref<2xi8>, %i: i32) -> (memref<2xi8>, memref<2xi8>, i32, i32) {
  return %m, %m, %i, %i : memref<2xi8>, memref<2xi8>, i32, i32
}

// -----

// Already distinct: nothing to do.
// CHECK-LABEL: func @distinct_buffers
// CHECK-NEXT: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @distinct_buffers() -> (memref<4xf32>, memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  return %a, %b : memref<4xf32>, memref<4xf32>
}

// -----

// A dynamic shape has no static allocation to make: unchanged.
// CHECK-LABEL: func @dynamic_not_copied
// CHECK-NEXT: %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK-NEXT: return %[[A]], %[[A]] : memref<?xf32>, memref<?xf32>
func.func @dynamic_not_copied(%n: index) -> (memref<?xf32>, memref<?xf32>) {
  %a = memref.alloc(%n) : memref<?xf32>
  return %a, %a : memref<?xf32>, memref<?xf32>
}

// -----

// A non-identity layout (a strided view) is not copied either.
// CHECK-LABEL: func @strided_view_not_copied
// CHECK-NEXT: %[[V:.*]] = memref.subview
// CHECK-NEXT: return %[[V]], %[[V]] : memref<4xf32, strided<[2]>>, memref<4xf32, strided<[2]>>
func.func @strided_view_not_copied(%m: memref<8xf32>) -> (memref<4xf32, strided<[2]>>, memref<4xf32, strided<[2]>>) {
  %v = memref.subview %m[0] [4] [2] : memref<8xf32> to memref<4xf32, strided<[2]>>
  return %v, %v : memref<4xf32, strided<[2]>>, memref<4xf32, strided<[2]>>
}
