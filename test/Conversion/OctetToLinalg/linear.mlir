// Generic lowering of octet.gemm, octet.matmul (2-D and batched), octet.matmul_integer and octet.conv_integer as int32/f32 linalg products.
// RUN: octet-opt %s --convert-octet-to-linalg -split-input-file | FileCheck %s

// Float gemm with trans_b, alpha and beta: a zero-filled [M, N] product
// reading B as (n, k), then alpha * acc + beta * C.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func @float_gemm_trans_b_alpha_beta
// CHECK-SAME: (%[[A0:.*]]: tensor<2x3xf32>, %[[B0:.*]]: tensor<4x3xf32>, %[[C0:.*]]: tensor<4xf32>)
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[A]], #[[BT]], #[[O]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[A0]], %[[B0]] : tensor<2x3xf32>, tensor<4x3xf32>) outs(%[[FILL]] : tensor<2x4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[P]], %[[C0]] : tensor<2x4xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: f32, %[[C:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[AL:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[X:.*]] = arith.mulf %[[ACC]], %[[AL]] : f32
// CHECK-NEXT: %[[BE:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT: %[[Y:.*]] = arith.mulf %[[C]], %[[BE]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
func.func @float_gemm_trans_b_alpha_beta(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %y = octet.gemm %a, %b, %c {trans_b = true, alpha = 0.5 : f32, beta = 2.0 : f32} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!w0 = !quant.uniform<i8:f32:0, {0.1, 0.2}>
!b = !quant.uniform<i32:f32:0, {0.005, 0.01}>

// Quantized gemm with a constant weight: the input zero point is not folded
// when the bias is a run-time value (the folded bias needs a constant), so
// the body subtracts 128; relu clamps at the output zero point (3).
// CHECK-LABEL: func @quantized_gemm_relu_runtime_bias
// CHECK-SAME: (%[[A0:.*]]: tensor<3x4xi8>, %[[B0:.*]]: tensor<2xi32>)
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[1, 2, 3, 4], [-1, -2, 5, 6]]> : tensor<2x4xi8>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[B0]] : tensor<2xi32>) outs(%{{.*}} : tensor<3x2xi32>)
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%[[A0]], %[[W]] : tensor<3x4xi8>, tensor<2x4xi8>) outs(%[[ACC]] : tensor<3x2xi32>)
// CHECK: arith.extui
// CHECK: arith.constant 128 : i32
// CHECK: arith.subi
// CHECK: arith.extsi
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: linalg.generic {{.*}} ins(%[[P]], %{{.*}} : tensor<3x2xi32>, tensor<2xf32>) outs(%{{.*}} : tensor<3x2xi8>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.sitofp
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: math.roundeven
// CHECK-NEXT: %[[ZP:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-NEXT: %[[Y:.*]] = arith.addf %{{.*}}, %[[ZP]] : f32
// CHECK-NEXT: %[[LO:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-NEXT: %[[M0:.*]] = arith.maximumf %[[Y]], %[[LO]] : f32
// CHECK-NEXT: %[[HI:.*]] = arith.constant 2.550000e+02 : f32
// CHECK-NEXT: %[[M1:.*]] = arith.minimumf %[[M0]], %[[HI]] : f32
// CHECK-NEXT: arith.fptosi %[[M1]] : f32 to i32
func.func @quantized_gemm_relu_runtime_bias(%a: tensor<3x4x!u8>, %bias: tensor<2x!b>) -> tensor<3x2x!u8o> {
  %w = octet.constant dense<[[1, 2, 3, 4], [-1, -2, 5, 6]]> : tensor<2x4xi8> : tensor<2x4x!w0>
  %y = octet.gemm %a, %w, %bias {trans_b = true, activation = "relu"} : (tensor<3x4x!u8>, tensor<2x4x!w0>, tensor<2x!b>) -> tensor<3x2x!u8o>
  return %y : tensor<3x2x!u8o>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!w0 = !quant.uniform<i8:f32:0, {0.1, 0.2}>
!b = !quant.uniform<i32:f32:0, {0.005, 0.01}>

// Constant weight and bias, B not transposed ([K, N], channel inner): the
// zero point folds column by column (7 - 128 * 4, -7 - 128 * 2).
// CHECK-LABEL: func @quantized_gemm_folded_bias
// CHECK: %[[FB:.*]] = arith.constant dense<[-505, -263]> : tensor<2xi32>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[FB]] : tensor<2xi32>)
// CHECK: linalg.generic {{.*}} outs(%[[ACC]] : tensor<3x2xi32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.extui
// CHECK-NEXT: arith.extsi
// CHECK-NEXT: arith.muli
// CHECK-NEXT: arith.addi
func.func @quantized_gemm_folded_bias(%a: tensor<3x2x!u8>) -> tensor<3x2x!u8o> {
  %w = octet.constant dense<[[1, 2], [3, 0]]> : tensor<2x2xi8> : tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  %bias = octet.constant dense<[7, -7]> : tensor<2xi32> : tensor<2x!b>
  %y = octet.gemm %a, %w, %bias : (tensor<3x2x!u8>, tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>, tensor<2x!b>) -> tensor<3x2x!u8o>
  return %y : tensor<3x2x!u8o>
}

// -----

// 2-D float matmul: A as (m, k), B as (k, n), no bias.
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-LABEL: func @float_matmul
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[B]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}{{.*}}outs(%[[FILL]] : tensor<2x4xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @float_matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %y = octet.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Batched matmul with a broadcast batch of 1 on the right: the rhs map
// reads batch index 0.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d3, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func @batched_matmul_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x2x3xf32>, tensor<1x3x4xf32>) outs(%{{.*}} : tensor<2x2x4xf32>)
func.func @batched_matmul_broadcast(%a: tensor<2x2x3xf32>, %b: tensor<1x3x4xf32>) -> tensor<2x2x4xf32> {
  %y = octet.matmul %a, %b : (tensor<2x2x3xf32>, tensor<1x3x4xf32>) -> tensor<2x2x4xf32>
  return %y : tensor<2x2x4xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!wc = !quant.uniform<i8:f32:1, {0.1, 0.2}>
!b = !quant.uniform<i32:f32:0, {0.005, 0.01}>

// Quantized matmul with a per-column weight and a bias: int32 product from
// the bias, requantized per output column (the last dimension).
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @quantized_matmul_per_column
// CHECK-SAME: (%{{.*}}: tensor<3x4xi8>, %{{.*}}: tensor<4x2xi8>, %[[B0:.*]]: tensor<2xi32>) -> tensor<3x2xi8>
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[COL]], {{.*}}]{{.*}} ins(%[[B0]] : tensor<2xi32>)
// CHECK: %[[P:.*]] = linalg.generic {{.*}} outs(%[[ACC]] : tensor<3x2xi32>)
// CHECK: arith.muli %{{.*}}, %{{.*}} : i32
// CHECK: %[[M:.*]] = arith.constant dense<[0.0500000045, 0.100000009]> : tensor<2xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[COL]], #{{.*}}]{{.*}} ins(%[[P]], %[[M]] : tensor<3x2xi32>, tensor<2xf32>) outs(%{{.*}} : tensor<3x2xi8>)
func.func @quantized_matmul_per_column(%a: tensor<3x4x!u8>, %b: tensor<4x2x!wc>, %bias: tensor<2x!b>) -> tensor<3x2x!u8o> {
  %m = octet.matmul %a, %b, %bias : (tensor<3x4x!u8>, tensor<4x2x!wc>, tensor<2x!b>) -> tensor<3x2x!u8o>
  return %m : tensor<3x2x!u8o>
}

// -----

// ONNX MatMulInteger: (a - a_zp)(b - b_zp) in int32 with a scalar u8 zero
// point and one i8 zero point per output column, read through their maps.
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-DAG: #[[PERCOL:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func @matmul_integer_per_column_zero_points
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xi8>, %[[B:.*]]: tensor<8x3xi8>, %[[AZ:.*]]: tensor<i8>, %[[BZ:.*]]: tensor<3xi8>)
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #[[SCALAR]], #[[PERCOL]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[A]], %[[B]], %[[AZ]], %[[BZ]] : tensor<4x8xi8>, tensor<8x3xi8>, tensor<i8>, tensor<3xi8>) outs(%[[FILL]] : tensor<4x3xi32>)
// CHECK-NEXT: ^bb0(%[[AV:.*]]: i8, %[[BV:.*]]: i8, %[[AZV:.*]]: i8, %[[BZV:.*]]: i8, %[[O:.*]]: i32):
// CHECK-NEXT: %[[A32:.*]] = arith.extui %[[AV]] : i8 to i32
// CHECK-NEXT: %[[AZ32:.*]] = arith.extui %[[AZV]] : i8 to i32
// CHECK-NEXT: %[[AD:.*]] = arith.subi %[[A32]], %[[AZ32]] : i32
// CHECK-NEXT: %[[B32:.*]] = arith.extsi %[[BV]] : i8 to i32
// CHECK-NEXT: %[[BZ32:.*]] = arith.extsi %[[BZV]] : i8 to i32
// CHECK-NEXT: %[[BD:.*]] = arith.subi %[[B32]], %[[BZ32]] : i32
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[AD]], %[[BD]] : i32
// CHECK-NEXT: %[[S:.*]] = arith.addi %[[O]], %[[P]] : i32
// CHECK-NEXT: linalg.yield %[[S]] : i32
func.func @matmul_integer_per_column_zero_points(%a: tensor<4x8xui8>, %b: tensor<8x3xi8>, %az: tensor<ui8>, %bz: tensor<3xi8>) -> tensor<4x3xi32> {
  %m = octet.matmul_integer %a, %b, %az, %bz : (tensor<4x8xui8>, tensor<8x3xi8>, tensor<ui8>, tensor<3xi8>) -> tensor<4x3xi32>
  return %m : tensor<4x3xi32>
}

// -----

// ONNX ConvInteger with padding: the input is padded with its run-time
// zero point (extracted from the scalar tensor), then a 7-D loop nest of
// (x - x_zp)(w - w_zp), both u8.
// CHECK-LABEL: func @conv_integer_padded
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xi8>, %[[W:.*]]: tensor<2x1x3x3xi8>, %[[Z:.*]]: tensor<i8>)
// CHECK: %[[ZV:.*]] = tensor.extract %[[Z]][] : tensor<i8>
// CHECK: %[[XP:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZV]] : i8
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[XP]], %[[W]], %[[Z]], %[[Z]] : tensor<1x1x6x6xi8>, tensor<2x1x3x3xi8>, tensor<i8>, tensor<i8>) outs(%{{.*}} : tensor<1x2x4x4xi32>)
// CHECK: arith.extui
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: arith.extui
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: arith.muli
// CHECK: arith.addi
func.func @conv_integer_padded(%x: tensor<1x1x4x4xui8>, %w: tensor<2x1x3x3xui8>, %z: tensor<ui8>) -> tensor<1x2x4x4xi32> {
  %c = octet.conv_integer %x, %w, %z, %z {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xui8>, tensor<2x1x3x3xui8>, tensor<ui8>, tensor<ui8>) -> tensor<1x2x4x4xi32>
  return %c : tensor<1x2x4x4xi32>
}
