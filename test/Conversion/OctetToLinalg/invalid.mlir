// Errors of --convert-octet-to-linalg: a bad requant option, and ops that no generic pattern lowers (dynamic shapes, 1-D matmul, quantized gemm with alpha != 1).
// RUN: not octet-opt %s --convert-octet-to-linalg=requant=bogus 2>&1 | FileCheck %s --check-prefix=REQUANT
// RUN: octet-opt %s --convert-octet-to-linalg -split-input-file -verify-diagnostics

// The option is checked before anything is converted.
// REQUANT: error: --requant must be onnx or fixed-point, not 'bogus'
// REQUANT-NOT: linalg.generic

// Dynamic shapes need --input-shape: the op stays illegal.
func.func @dynamic_shape(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{failed to legalize operation 'octet.sigmoid' that was explicitly marked illegal}}
  %0 = octet.sigmoid %a : tensor<?x4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// A vector operand of matmul (ONNX's 1-D promotion) is not lowered.
func.func @matmul_vector_lhs(%a: tensor<4xf32>, %b: tensor<4x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{failed to legalize operation 'octet.matmul' that was explicitly marked illegal}}
  %0 = octet.matmul %a, %b : (tensor<4xf32>, tensor<4x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8:f32, 0.1>

// A quantized gemm requantizes alpha * acc only with alpha = 1.
func.func @quantized_gemm_alpha(%a: tensor<2x4x!u8>, %b: tensor<3x4x!w>) -> tensor<2x3x!u8o> {
  // expected-error @+1 {{failed to legalize operation 'octet.gemm' that was explicitly marked illegal}}
  %y = octet.gemm %a, %b {trans_b = true, alpha = 0.5 : f32} : (tensor<2x4x!u8>, tensor<3x4x!w>) -> tensor<2x3x!u8o>
  return %y : tensor<2x3x!u8o>
}
