// Expected: octet-distinct-results copies a repeated memref argument in a module that has no memref op yet.
// Known bug, so the file is expected to fail: the pass declares no dependent
// dialects, so when nothing has loaded the memref dialect, creating
// memref.alloc/memref.copy crashes octet-opt (segfault in
// memref::CopyOp::create). Remove the XFAIL line once the pass lists
// memref::MemRefDialect in its dependentDialects.
// RUN: octet-opt %s --octet-distinct-results | FileCheck %s

// CHECK-LABEL: func @argument_twice
// CHECK-SAME: (%[[M:.*]]: memref<2xi8>)
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<2xi8>
// CHECK-NEXT: memref.copy %[[M]], %[[B]] : memref<2xi8> to memref<2xi8>
// CHECK-NEXT: return %[[M]], %[[B]] : memref<2xi8>, memref<2xi8>
func.func @argument_twice(%m: memref<2xi8>) -> (memref<2xi8>, memref<2xi8>) {
  return %m, %m : memref<2xi8>, memref<2xi8>
}
