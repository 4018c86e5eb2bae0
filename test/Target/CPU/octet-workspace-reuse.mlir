// octet-workspace with reuse (the default): buffers whose uses do not overlap in time share
// workspace bytes; views extend a buffer's time, a use inside a loop counts as the loop, and a
// buffer that may escape keeps bytes of its own for the whole call.
// RUN: octet-opt %s --octet-workspace -split-input-file | FileCheck %s

// %a (256 B) is done before %b (256 B) is first used: both at offset 0;
// %c overlaps %b's time and goes after it.
// CHECK-LABEL: func @sequential
// CHECK-SAME: memref<512xi8>) attributes {octet.workspace_buffers = 3 : i64, octet.workspace_size = 512 : i64}
// CHECK: %[[O0:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %{{.*}}[%[[O0]]][] : memref<512xi8> to memref<64xf32>
// CHECK: %[[O1:.*]] = arith.constant 0 : index
// CHECK: %[[B:.*]] = memref.view %{{.*}}[%[[O1]]][] : memref<512xi8> to memref<64xf32>
// CHECK: %[[O2:.*]] = arith.constant 256 : index
// CHECK: %[[C:.*]] = memref.view %{{.*}}[%[[O2]]][] : memref<512xi8> to memref<64xf32>
func.func @sequential(%x: memref<64xf32>, %y: memref<64xf32>) {
  %a = memref.alloc() : memref<64xf32>
  %b = memref.alloc() : memref<64xf32>
  %c = memref.alloc() : memref<64xf32>
  memref.copy %x, %a : memref<64xf32> to memref<64xf32>
  memref.copy %a, %y : memref<64xf32> to memref<64xf32>
  memref.copy %y, %b : memref<64xf32> to memref<64xf32>
  memref.copy %b, %c : memref<64xf32> to memref<64xf32>
  memref.copy %c, %y : memref<64xf32> to memref<64xf32>
  return
}

// -----

// A reshaped view of %a is read after %b is written: %a's time runs to
// that read, so %b may not take its bytes.
// CHECK-LABEL: func @view_extends_time
// CHECK-SAME: attributes {octet.workspace_buffers = 2 : i64, octet.workspace_size = 512 : i64}
func.func @view_extends_time(%x: memref<64xf32>, %y: memref<8x8xf32>) {
  %a = memref.alloc() : memref<64xf32>
  %b = memref.alloc() : memref<64xf32>
  memref.copy %x, %a : memref<64xf32> to memref<64xf32>
  %v = memref.expand_shape %a [[0, 1]] output_shape [8, 8] : memref<64xf32> into memref<8x8xf32>
  memref.copy %x, %b : memref<64xf32> to memref<64xf32>
  memref.copy %v, %y : memref<8x8xf32> to memref<8x8xf32>
  return
}

// -----

// Uses inside a loop count as the loop: %a (used in the loop) and %b (used
// after it) share bytes, %a and %t (both in the loop) do not.
// CHECK-LABEL: func @loop
// CHECK-SAME: attributes {octet.workspace_buffers = 3 : i64, octet.workspace_size = 512 : i64}
func.func @loop(%x: memref<64xf32>, %y: memref<64xf32>) {
  %a = memref.alloc() : memref<64xf32>
  %t = memref.alloc() : memref<64xf32>
  %b = memref.alloc() : memref<64xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    memref.copy %x, %a : memref<64xf32> to memref<64xf32>
    memref.copy %a, %t : memref<64xf32> to memref<64xf32>
  }
  memref.copy %x, %b : memref<64xf32> to memref<64xf32>
  memref.copy %b, %y : memref<64xf32> to memref<64xf32>
  return
}

// -----

// %a is passed to a call (it may escape): it keeps its own bytes for the
// whole call, so %b, used only after the call, cannot take them.
// CHECK-LABEL: func @escapes
// CHECK-SAME: attributes {octet.workspace_buffers = 2 : i64, octet.workspace_size = 512 : i64}
func.func private @keep(memref<64xf32>)
func.func @escapes(%x: memref<64xf32>, %y: memref<64xf32>) {
  %a = memref.alloc() : memref<64xf32>
  %b = memref.alloc() : memref<64xf32>
  func.call @keep(%a) : (memref<64xf32>) -> ()
  memref.copy %x, %b : memref<64xf32> to memref<64xf32>
  memref.copy %b, %y : memref<64xf32> to memref<64xf32>
  return
}
