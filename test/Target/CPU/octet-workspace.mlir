// octet-workspace: a public function's static, identity-layout top-level allocations become memref.views of a new workspace argument at 64-byte aligned offsets; dynamic, strided, nested and private-function buffers stay.
// RUN: octet-opt %s --octet-workspace=reuse=0 -split-input-file | FileCheck %s

// Two buffers: 16 bytes at offset 0, then 16 bytes at the next multiple of
// their own alignment (128); the total rounds up to 64 (192). The deallocs
// go, the workspace is assumed 64-byte aligned.
// CHECK-LABEL: func @two_buffers
// CHECK-SAME: (%[[X:.*]]: memref<4xf32>, %[[WS:.*]]: memref<192xi8>) attributes {octet.workspace_buffers = 2 : i64, octet.workspace_size = 192 : i64}
// CHECK-NEXT: %[[AL:.*]] = memref.assume_alignment %[[WS]], 64 : memref<192xi8>
// CHECK-NEXT: %[[O0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[A:.*]] = memref.view %[[AL]][%[[O0]]][] : memref<192xi8> to memref<4xf32>
// CHECK-NEXT: %[[O1:.*]] = arith.constant 128 : index
// CHECK-NEXT: %[[B:.*]] = memref.view %[[AL]][%[[O1]]][] : memref<192xi8> to memref<2x8xi8>
// CHECK-NEXT: memref.copy %[[X]], %[[A]] : memref<4xf32> to memref<4xf32>
// CHECK-NEXT: return
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @two_buffers(%x: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() {alignment = 128 : i64} : memref<2x8xi8>
  memref.copy %x, %a : memref<4xf32> to memref<4xf32>
  memref.dealloc %a : memref<4xf32>
  memref.dealloc %b : memref<2x8xi8>
  return
}

// -----

// Nothing to move (a dynamic size, a strided layout, another memory space,
// an allocation inside a region, an alloca): the buffers stay and the
// workspace is empty, but the argument is still added.
// CHECK-LABEL: func @nothing_movable
// CHECK-SAME: %{{.*}}: memref<0xi8>) attributes {octet.workspace_buffers = 0 : i64, octet.workspace_size = 0 : i64}
// CHECK-NOT: memref.assume_alignment
// CHECK-NOT: memref.view
// CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: memref.alloc() : memref<4xf32, strided<[2]>>
// CHECK: memref.alloc() : memref<4xf32, 1>
// CHECK: scf.if
// CHECK-NEXT: memref.alloc() : memref<4xf32>
// CHECK-NEXT: memref.dealloc
// CHECK: memref.alloca() : memref<4xf32>
func.func @nothing_movable(%n: index, %c: i1) {
  %d = memref.alloc(%n) : memref<?xf32>
  %s = memref.alloc() : memref<4xf32, strided<[2]>>
  %m = memref.alloc() : memref<4xf32, 1>
  scf.if %c {
    %i = memref.alloc() : memref<4xf32>
    memref.dealloc %i : memref<4xf32>
  }
  %t = memref.alloca() : memref<4xf32>
  return
}

// -----

// Private and external functions are not entry points: unchanged.
// CHECK-LABEL: func private @private_helper()
// CHECK-NOT: octet.workspace_size
// CHECK-NEXT: memref.alloc() : memref<4xf32>
// CHECK-LABEL: func private @external(memref<4xf32>)
// CHECK-NOT: octet.workspace_size
func.func private @private_helper() {
  %a = memref.alloc() : memref<4xf32>
  return
}
func.func private @external(memref<4xf32>)
