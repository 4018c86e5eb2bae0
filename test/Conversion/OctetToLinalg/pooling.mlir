// Generic lowering of octet.max_pool2d (window slices, reduction form for large windows, ceil_mode), avg_pool2d and global_avg_pool2d (float and quantized).
// RUN: octet-opt %s --convert-octet-to-linalg -split-input-file | FileCheck %s

// A 2x2/2 window (at most 16 elements): one strided slice per window
// element and an elementwise max over them, without padding.
// CHECK-LABEL: func @max_pool_small_window
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [1, 1, 2, 2] [1, 1, 2, 2]
// CHECK: %[[S1:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 1] [1, 1, 2, 2] [1, 1, 2, 2]
// CHECK: %[[S2:.*]] = tensor.extract_slice %[[X]][0, 0, 1, 0] [1, 1, 2, 2] [1, 1, 2, 2]
// CHECK: %[[S3:.*]] = tensor.extract_slice %[[X]][0, 0, 1, 1] [1, 1, 2, 2] [1, 1, 2, 2]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[S0]], %[[S1]], %[[S2]], %[[S3]] :
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %[[C:.*]]: f32, %[[D:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[M0:.*]] = arith.maximumf %[[A]], %[[B]] : f32
// CHECK-NEXT: %[[M1:.*]] = arith.maximumf %[[M0]], %[[C]] : f32
// CHECK-NEXT: %[[M2:.*]] = arith.maximumf %[[M1]], %[[D]] : f32
// CHECK-NEXT: linalg.yield %[[M2]] : f32
func.func @max_pool_small_window(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %m = octet.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  return %m : tensor<1x1x2x2xf32>
}

// -----

!s8 = !quant.uniform<i8:f32, 0.05:-1>

// Quantized int8 keeps its type: padded with the storage minimum (-128,
// not the zero point) and a signed max over nine slices.
// CHECK-LABEL: func @max_pool_quantized_s8_padded
// CHECK: %[[LOW:.*]] = arith.constant -128 : i8
// CHECK: %[[XP:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[LOW]] : i8
// CHECK: tensor.extract_slice %[[XP]][0, 0, 2, 2] [1, 1, 3, 3] [1, 1, 2, 2] : tensor<1x1x7x7xi8> to tensor<1x1x3x3xi8>
// CHECK: linalg.generic
// CHECK-COUNT-8: arith.maxsi
// CHECK-NOT: arith.maxsi
// CHECK: linalg.yield
func.func @max_pool_quantized_s8_padded(%x: tensor<1x1x5x5x!s8>) -> tensor<1x1x3x3x!s8> {
  %m = octet.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x1x5x5x!s8> -> tensor<1x1x3x3x!s8>
  return %m : tensor<1x1x3x3x!s8>
}

// -----

// ceil_mode: the last window runs past the input, so the input is padded
// at the end with -inf.
// CHECK-LABEL: func @max_pool_ceil_mode
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NINF]] : f32
// CHECK: } : tensor<1x1x4x4xf32> to tensor<1x1x5x5xf32>
func.func @max_pool_ceil_mode(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %m = octet.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  return %m : tensor<1x1x2x2xf32>
}

// -----

// A 5x5 window (25 elements): a reduction over a window-shaped operand
// starting from -inf.
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
// CHECK-LABEL: func @max_pool_large_window
// CHECK-NOT: tensor.extract_slice
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NINF]] : f32)
// CHECK: linalg.generic {indexing_maps = [#[[WIN]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x1x5x5xf32>, tensor<5x5xf32>) outs(%[[INIT]] : tensor<1x1x1x1xf32>)
// CHECK: arith.maximumf
func.func @max_pool_large_window(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x1x1xf32> {
  %m = octet.max_pool2d %x {kernel = array<i64: 5, 5>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x1x5x5xf32> -> tensor<1x1x1x1xf32>
  return %m : tensor<1x1x1x1xf32>
}

// -----

// Float average without counting the padding: a window sum, times a
// constant table of 1 / count per output position (2x2 windows, windows
// past the bottom/right edge count 2 or 1 elements).
// CHECK-DAG: #[[HW:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func @avg_pool_exclude_pad
// CHECK: %[[INV:.*]] = arith.constant dense<{{\[}}[2.500000e-01, 2.500000e-01, 5.000000e-01], [2.500000e-01, 2.500000e-01, 5.000000e-01], [5.000000e-01, 5.000000e-01, 1.000000e+00]]> : tensor<3x3xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}"reduction", "reduction"]
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[HW]], #{{.*}}]{{.*}} ins(%[[SUM]], %[[INV]] : tensor<1x1x3x3xf32>, tensor<3x3xf32>)
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %[[I:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.mulf %[[S]], %[[I]] : f32
func.func @avg_pool_exclude_pad(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %a = octet.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 1, 1>, count_include_pad = false} : tensor<1x1x3x3xf32> -> tensor<1x1x3x3xf32>
  return %a : tensor<1x1x3x3xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8b = !quant.uniform<u8:f32, 0.1:3>

// Quantized windows follow ORT's QLinearAveragePool: an f32 sum of the
// dequantized values, divided by the count (a table of counts, 4), by
// s_y, plus zp_y, then rounded.
// CHECK-LABEL: func @avg_pool_quantized_float_sum
// CHECK: %[[CNT:.*]] = arith.constant dense<4.000000e+00> : tensor<1x1xf32>
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: linalg.fill ins(%[[Z]] : f32) outs(%{{.*}} : tensor<1x1x1x1xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK: arith.subi
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[CNT]] : tensor<1x1x1x1xf32>, tensor<1x1xf32>) outs(%{{.*}} : tensor<1x1x1x1xi8>)
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %[[C:.*]]: f32, %{{.*}}: i8):
// CHECK-NEXT: %[[AVG:.*]] = arith.divf %[[S]], %[[C]] : f32
// CHECK-NEXT: %[[SY:.*]] = arith.constant 1.000000e-01 : f32
// CHECK-NEXT: %[[Q:.*]] = arith.divf %[[AVG]], %[[SY]] : f32
// CHECK-NEXT: %[[ZY:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-NEXT: %[[QZ:.*]] = arith.addf %[[Q]], %[[ZY]] : f32
// CHECK-NEXT: math.roundeven %[[QZ]] : f32
// CHECK-NEXT: arith.constant 0.000000e+00 : f32
// CHECK-NEXT: arith.maximumf
// CHECK-NEXT: arith.constant 2.550000e+02 : f32
// CHECK-NEXT: arith.minimumf
// CHECK-NEXT: arith.fptosi
// CHECK-NEXT: arith.trunci %{{.*}} : i32 to i8
func.func @avg_pool_quantized_float_sum(%x: tensor<1x1x2x2x!u8>) -> tensor<1x1x1x1x!u8b> {
  %a = octet.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x1x2x2x!u8> -> tensor<1x1x1x1x!u8b>
  return %a : tensor<1x1x1x1x!u8b>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8b = !quant.uniform<u8:f32, 0.1:3>

// Quantized global pooling sums x - x_zp in int32, then requantizes with
// 1 / count and s_x / s_y (0.5), rounding before the zero point is added.
// CHECK-LABEL: func @global_avg_pool_quantized_int_sum
// CHECK: %[[INV:.*]] = arith.constant dense<2.500000e-01> : tensor<1x1xf32>
// CHECK: %[[Z:.*]] = arith.constant 0 : i32
// CHECK: linalg.fill ins(%[[Z]] : i32) outs(%{{.*}} : tensor<1x2x1x1xi32>)
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK: arith.extui
// CHECK: arith.constant 128 : i32
// CHECK: arith.subi
// CHECK: arith.addi
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[INV]] : tensor<1x2x1x1xi32>, tensor<1x1xf32>) outs(%{{.*}} : tensor<1x2x1x1xi8>)
// CHECK-NEXT: ^bb0(%[[S:.*]]: i32, %[[I:.*]]: f32, %{{.*}}: i8):
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[S]] : i32 to f32
// CHECK-NEXT: %[[A:.*]] = arith.mulf %[[F]], %[[I]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[B:.*]] = arith.mulf %[[A]], %[[R]] : f32
// CHECK-NEXT: %[[RND:.*]] = math.roundeven %[[B]] : f32
// CHECK-NEXT: %[[ZY:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-NEXT: arith.addf %[[RND]], %[[ZY]] : f32
func.func @global_avg_pool_quantized_int_sum(%x: tensor<1x2x2x2x!u8>) -> tensor<1x2x1x1x!u8b> {
  %g = octet.global_avg_pool2d %x : tensor<1x2x2x2x!u8> -> tensor<1x2x1x1x!u8b>
  return %g : tensor<1x2x1x1x!u8b>
}
