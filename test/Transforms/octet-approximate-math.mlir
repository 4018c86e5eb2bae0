// RUN: octet-opt %s --octet-approximate-math | FileCheck %s

// exp, tanh and erf become arithmetic (no libm call left); log stays.
// CHECK-LABEL: func @f
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK: math.log
// CHECK-NOT: math.exp
func.func @f(%x: f32) -> f32 {
  %e = math.exp %x : f32
  %t = math.tanh %e : f32
  %r = math.erf %t : f32
  %l = math.log %r : f32
  return %l : f32
}
