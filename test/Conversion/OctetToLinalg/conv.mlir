// Generic lowering of octet.conv2d: im2col product (float and quantized), zero-point folding, grouped/depthwise loop nest, both requantize epilogues.
// RUN: octet-opt %s --convert-octet-to-linalg -split-input-file | FileCheck %s --check-prefixes=CHECK,ONNX
// RUN: octet-opt %s --convert-octet-to-linalg=requant=fixed-point -split-input-file | FileCheck %s --check-prefixes=CHECK,FIXED

// Float: zero padding, a zero accumulator, im2col rows [N, OH, OW, C*KH*KW]
// times the [F, C*KH*KW] weight with a reassociable f32 multiply-add, then
// the bias broadcast along channels (after the sum, as ONNX Runtime), then
// relu.
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-DAG: #[[GATHER:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1 + d4, d2 + d5)>
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[WMAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d1, d2)>
// CHECK-LABEL: func @float_conv_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>, %[[W:.*]]: tensor<3x2x3x3xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[XP:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: } : tensor<1x2x4x4xf32> to tensor<1x2x6x6xf32>
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x3x4x4xf32>)
// CHECK: %[[COL:.*]] = linalg.generic {indexing_maps = [#[[GATHER]], {{.*}}]{{.*}} ins(%[[XP]] : tensor<1x2x6x6xf32>) outs(%{{.*}} : tensor<1x4x4x2x3x3xf32>)
// CHECK: %[[ROWSV:.*]] = tensor.collapse_shape %[[COL]] {{\[}}[0], [1], [2], [3, 4, 5]] : tensor<1x4x4x2x3x3xf32> into tensor<1x4x4x18xf32>
// CHECK: %[[WK:.*]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : tensor<3x2x3x3xf32> into tensor<3x18xf32>
// CHECK: %[[PROD:.*]] = linalg.generic {indexing_maps = [#[[ROWS]], #[[WMAP]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[ROWSV]], %[[WK]] : {{.*}}) outs(%[[ACC]] : tensor<1x3x4x4xf32>)
// CHECK: %[[M:.*]] = arith.mulf %{{.*}}, %{{.*}} fastmath<reassoc,contract> : f32
// CHECK: arith.addf %{{.*}}, %[[M]] fastmath<reassoc,contract> : f32
// CHECK: %[[BIASED:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[CH]], #{{.*}}]{{.*}} ins(%[[PROD]], %[[B]] : tensor<1x3x4x4xf32>, tensor<3xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} ins(%[[BIASED]] : tensor<1x3x4x4xf32>)
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK: arith.maximumf
func.func @float_conv_relu(%x: tensor<1x2x4x4xf32>, %w: tensor<3x2x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x3x4x4xf32> {
  %y = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, activation = "relu"} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  return %y : tensor<1x3x4x4xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8:f32:0, {0.1, 0.2}>
!b = !quant.uniform<i32:f32:0, {0.005, 0.01}>

// Constant weight: the input zero point folds into the bias,
// b - 128 * sum(w) per channel (10 - 128 * 6, -20 - 128 * -2), so the
// product multiplies the raw u8 and i8 values. Padding uses the zero point
// (128, stored as -128). Epilogue: ONNX multipliers float32(s_x * s_w[k]) /
// s_y, or Q31 multipliers (0.8 * 2^31) with right shifts 4 and 3.
// CHECK-LABEL: func @quantized_conv_folded_zero_point
// CHECK: %[[PADV:.*]] = arith.constant -128 : i8
// CHECK: %[[XP:.*]] = tensor.pad
// CHECK: tensor.yield %[[PADV]] : i8
// CHECK: } : tensor<1x3x2x2xi8> to tensor<1x3x4x4xi8>
// CHECK: %[[FB:.*]] = arith.constant dense<[-758, 236]> : tensor<2xi32>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[FB]] : tensor<2xi32>) outs(%{{.*}} : tensor<1x2x4x4xi32>)
// CHECK: %[[PROD:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: outs(%[[ACC]] : tensor<1x2x4x4xi32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: i8, %[[WV:.*]]: i8, %[[OUTV:.*]]: i32):
// CHECK-NEXT: %[[XI:.*]] = arith.extui %[[XV]] : i8 to i32
// CHECK-NEXT: %[[WI:.*]] = arith.extsi %[[WV]] : i8 to i32
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[XI]], %[[WI]] : i32
// CHECK-NEXT: %[[S:.*]] = arith.addi %[[OUTV]], %[[P]] : i32
// CHECK-NEXT: linalg.yield %[[S]] : i32
// ONNX: %[[MUL:.*]] = arith.constant dense<[0.0500000045, 0.100000009]> : tensor<2xf32>
// ONNX: linalg.generic {{.*}} ins(%[[PROD]], %[[MUL]] : tensor<1x2x4x4xi32>, tensor<2xf32>) outs(%{{.*}} : tensor<1x2x4x4xi8>)
// ONNX: arith.sitofp
// ONNX: math.roundeven
// ONNX: arith.maximumf
// ONNX: arith.minimumf
// ONNX: arith.fptosi
// ONNX: arith.trunci %{{.*}} : i32 to i8
// FIXED: %[[M0:.*]] = arith.constant dense<1717986918> : tensor<2xi32>
// FIXED: %[[SH:.*]] = arith.constant dense<[4, 3]> : tensor<2xi32>
// FIXED: linalg.generic {{.*}} ins(%[[PROD]], %[[M0]], %[[SH]] : tensor<1x2x4x4xi32>, tensor<2xi32>, tensor<2xi32>) outs(%{{.*}} : tensor<1x2x4x4xi8>)
// FIXED: arith.muli %{{.*}}, %{{.*}} : i64
// FIXED-NOT: arith.sitofp
// FIXED: arith.maxsi
// FIXED: arith.minsi
// FIXED: arith.trunci %{{.*}} : i32 to i8
func.func @quantized_conv_folded_zero_point(%x: tensor<1x3x2x2x!u8>) -> tensor<1x2x4x4x!u8o> {
  %w = octet.constant dense<[[[[1]], [[2]], [[3]]], [[[-1]], [[4]], [[-5]]]]> : tensor<2x3x1x1xi8> : tensor<2x3x1x1x!w>
  %b = octet.constant dense<[10, -20]> : tensor<2xi32> : tensor<2x!b>
  %y = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x3x2x2x!u8>, tensor<2x3x1x1x!w>, tensor<2x!b>) -> tensor<1x2x4x4x!u8o>
  return %y : tensor<1x2x4x4x!u8o>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!wz = !quant.uniform<i8:f32:0, {0.1:1, 0.2:-1}>
!b = !quant.uniform<i32:f32:0, {0.005, 0.01}>

// A weight that is an argument: nothing folds. The body subtracts the input
// zero point and the per-channel weight zero points (a constant vector read
// along the output channel), and the accumulator starts from the bias.
// CHECK-DAG: #[[FMAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d3)>
// CHECK-LABEL: func @quantized_conv_runtime_weight
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x4x4xi8>, %[[W:.*]]: tensor<2x3x1x1xi8>, %[[B:.*]]: tensor<2xi32>)
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<2xi32>)
// CHECK: %[[WZP:.*]] = arith.constant dense<[1, -1]> : tensor<2xi32>
// CHECK: linalg.generic {indexing_maps = [{{.*}}, {{.*}}, #[[FMAP]], {{.*}}]
// CHECK-SAME: ins(%{{.*}}, %{{.*}}, %[[WZP]] : tensor<1x4x4x3xi8>, tensor<2x3xi8>, tensor<2xi32>) outs(%[[ACC]] : tensor<1x2x4x4xi32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: i8, %[[WV:.*]]: i8, %[[ZV:.*]]: i32, %[[OUTV:.*]]: i32):
// CHECK-NEXT: %[[XI:.*]] = arith.extui %[[XV]] : i8 to i32
// CHECK-NEXT: %[[XZ:.*]] = arith.constant 128 : i32
// CHECK-NEXT: %[[XD:.*]] = arith.subi %[[XI]], %[[XZ]] : i32
// CHECK-NEXT: %[[WI:.*]] = arith.extsi %[[WV]] : i8 to i32
// CHECK-NEXT: %[[WD:.*]] = arith.subi %[[WI]], %[[ZV]] : i32
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[XD]], %[[WD]] : i32
// CHECK-NEXT: arith.addi %[[OUTV]], %[[P]] : i32
func.func @quantized_conv_runtime_weight(%x: tensor<1x3x4x4x!u8>, %w: tensor<2x3x1x1x!wz>, %b: tensor<2x!b>) -> tensor<1x2x4x4x!u8o> {
  %y = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x4x4x!u8>, tensor<2x3x1x1x!wz>, tensor<2x!b>) -> tensor<1x2x4x4x!u8o>
  return %y : tensor<1x2x4x4x!u8o>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8:f32:0, {0.1, 0.2}>

// Two groups of two channels: a direct 7-D loop nest (n, f, oh, ow, c, kh,
// kw) where output channel f reads input channel f * 2 + c; no bias, so
// the accumulator is a zero fill.
// CHECK-DAG: #[[XG:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 * 2 + d4, d2 + d5, d3 + d6)>
// CHECK-DAG: #[[WG:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
// CHECK-DAG: #[[OG:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func @grouped_conv_loop_nest
// CHECK: %[[Z:.*]] = arith.constant 0 : i32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[Z]] : i32) outs(%{{.*}} : tensor<1x2x2x2xi32>)
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[XG]], #[[WG]], #[[OG]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: outs(%[[INIT]] : tensor<1x2x2x2xi32>)
// CHECK: arith.subi
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: linalg.generic {{.*}} ins(%[[ACC]], %{{.*}} : tensor<1x2x2x2xi32>, {{.*}}) outs(%{{.*}} : tensor<1x2x2x2xi8>)
func.func @grouped_conv_loop_nest(%x: tensor<1x4x3x3x!u8>, %w: tensor<2x2x2x2x!w>) -> tensor<1x2x2x2x!u8o> {
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2} : (tensor<1x4x3x3x!u8>, tensor<2x2x2x2x!w>) -> tensor<1x2x2x2x!u8o>
  return %y : tensor<1x2x2x2x!u8o>
}

// -----

// Depthwise with stride 2 and dilation 2: output channel f reads input
// channel f, rows oh * 2 + kh * 2.
// CHECK-DAG: #[[XD:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 + d4, d2 * 2 + d5 * 2, d3 * 2 + d6 * 2)>
// CHECK-LABEL: func @depthwise_conv_strided_dilated
// CHECK: linalg.generic {indexing_maps = [#[[XD]], {{.*}}]{{.*}}"reduction", "reduction", "reduction"]
// CHECK: arith.mulf {{.*}} fastmath<reassoc,contract> : f32
// CHECK: arith.addf {{.*}} fastmath<reassoc,contract> : f32
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @depthwise_conv_strided_dilated(%x: tensor<1x2x7x7xf32>, %w: tensor<2x1x2x2xf32>) -> tensor<1x2x3x3xf32> {
  %y = octet.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>, group = 2} : (tensor<1x2x7x7xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8:f32:0, {0.1, 0.2}>

// A float result (a dequantizing conv): float(acc) * s_x * s_w[k] in either
// requantization mode.
// CHECK-LABEL: func @dequantizing_conv
// CHECK: %[[SC:.*]] = arith.constant dense<[0.00500000035, 0.0100000007]> : tensor<2xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[SC]] : tensor<1x2x4x4xi32>, tensor<2xf32>) outs(%{{.*}} : tensor<1x2x4x4xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: i32, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[A]] : i32 to f32
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[F]], %[[S]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
func.func @dequantizing_conv(%x: tensor<1x3x4x4x!u8>, %w: tensor<2x3x1x1x!w>) -> tensor<1x2x4x4xf32> {
  %f = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x4x4x!u8>, tensor<2x3x1x1x!w>) -> tensor<1x2x4x4xf32>
  return %f : tensor<1x2x4x4xf32>
}
