// RUN: octet-opt %s --convert-octet-to-linalg | FileCheck %s

// Quantized Add follows ONNX Runtime's QLinearAdd (MLAS AVX2): with
// r = s_in / s_out and the fixed part zp_c - fma(r_a, zp_a, r_b*zp_b)
// (10 - (0.5*120 + 0.2*100) = -70), fma(a, r_a, fma(b, r_b, fixed)).
// CHECK-LABEL: func @add
// CHECK-DAG: %[[RA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[RB:.*]] = arith.constant 0.199999988 : f32
// CHECK-DAG: %[[F:.*]] = arith.constant -7.000000e+01 : f32
// CHECK: %[[T:.*]] = math.fma %{{.*}}, %[[RB]], %[[F]] : f32
// CHECK: %[[U:.*]] = math.fma %{{.*}}, %[[RA]], %[[T]] : f32
// CHECK: math.roundeven %[[U]]
// CHECK: arith.constant 0.000000e+00
// CHECK: arith.maximumf
// CHECK: arith.constant 2.550000e+02
// CHECK: arith.minimumf
func.func @add(%a: tensor<2x3x!quant.uniform<u8:f32, 0.05:120>>, %b: tensor<2x3x!quant.uniform<u8:f32, 0.02:100>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:10>> {
  %r = octet.add %a, %b : tensor<2x3x!quant.uniform<u8:f32, 0.05:120>>, tensor<2x3x!quant.uniform<u8:f32, 0.02:100>> -> tensor<2x3x!quant.uniform<u8:f32, 0.1:10>>
  return %r : tensor<2x3x!quant.uniform<u8:f32, 0.1:10>>
}

// A rhs broadcast along the innermost dimension is a scalar per span in
// ORT's broadcaster: it is folded into the fixed part with a separate
// multiply and add (two roundings), and the lhs is applied with one fma.
// CHECK-LABEL: func @add_bcast
// CHECK-DAG: %[[RA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[RB:.*]] = arith.constant 0.199999988 : f32
// CHECK-DAG: %[[F:.*]] = arith.constant 1.400000e+01 : f32
// CHECK: %[[M:.*]] = arith.mulf %{{.*}}, %[[RB]] : f32
// CHECK: %[[S:.*]] = arith.addf %[[F]], %[[M]] : f32
// CHECK: %[[U:.*]] = math.fma %{{.*}}, %[[RA]], %[[S]] : f32
// CHECK: math.roundeven %[[U]]
// CHECK: arith.constant -1.280000e+02
// CHECK: arith.maximumf
func.func @add_bcast(%a: tensor<2x3x!quant.uniform<i8:f32, 0.05:-8>>, %b: tensor<2x1x!quant.uniform<i8:f32, 0.02>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1:10>> {
  %r = octet.add %a, %b : tensor<2x3x!quant.uniform<i8:f32, 0.05:-8>>, tensor<2x1x!quant.uniform<i8:f32, 0.02>> -> tensor<2x3x!quant.uniform<i8:f32, 0.1:10>>
  return %r : tensor<2x3x!quant.uniform<i8:f32, 0.1:10>>
}

// The fixed part's r_a * zp_a is fused with the add (as the compiler builds
// MLAS's AVX2 kernel): regnet_x_400mf's 7x7 residual add, whose unfused
// fixed part -248.409576 rounded a value of exactly 32.5000066 to 32 where
// ONNX Runtime gives 33.
// CHECK-LABEL: func @add_fused_fixed
// CHECK-DAG: arith.constant -248.409561 : f32
func.func @add_fused_fixed(%a: tensor<4x!quant.uniform<u8:f32, 0.008501223288476467:115>>, %b: tensor<4x!quant.uniform<u8:f32, 0.0015635861782357097:129>>) -> tensor<4x!quant.uniform<u8:f32, 0.004747576080262661>> {
  %r = octet.add %a, %b : tensor<4x!quant.uniform<u8:f32, 0.008501223288476467:115>>, tensor<4x!quant.uniform<u8:f32, 0.0015635861782357097:129>> -> tensor<4x!quant.uniform<u8:f32, 0.004747576080262661>>
  return %r : tensor<4x!quant.uniform<u8:f32, 0.004747576080262661>>
}
