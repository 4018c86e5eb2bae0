// Generic lowering of octet.softmax (float, log, and ONNX Runtime's quantized softmax), octet.layer_norm and octet.batch_norm.
// RUN: octet-opt %s --convert-octet-to-linalg -split-input-file | FileCheck %s

// exp(x - max) / sum(exp(x - max)) along axis 1: a max reduction from
// -inf into [2, 1], the shifted exponentials, a sum from 0, a division.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[KEEP:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func @softmax_float
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MI:.*]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.*}} : tensor<2x1xf32>)
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[KEEP]]], iterator_types = ["parallel", "reduction"]} {{.*}} outs(%[[MI]] : tensor<2x1xf32>)
// CHECK: arith.maximumf
// CHECK: %[[E:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[MAX]] : tensor<2x4xf32>, tensor<2x1xf32>)
// CHECK: %[[D:.*]] = arith.subf
// CHECK: math.exp %[[D]] : f32
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[E]] : tensor<2x4xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} ins(%[[E]], %[[SUM]] : tensor<2x4xf32>, tensor<2x1xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.divf %[[A]], %[[B]] : f32
func.func @softmax_float(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %y = octet.softmax %x {axis = 1 : i64} : tensor<2x4xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// LogSoftmax: (x - max) - log(sum), no division.
// CHECK-LABEL: func @log_softmax
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}}"reduction"
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}"reduction"
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[MAX]], %[[SUM]] : tensor<2x4xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[M:.*]]: f32, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[X]], %[[M]] : f32
// CHECK-NEXT: %[[L:.*]] = math.log %[[S]] : f32
// CHECK-NEXT: arith.subf %[[D]], %[[L]] : f32
// CHECK-NOT: arith.divf
func.func @log_softmax(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %y = octet.softmax %x {axis = 1 : i64, log = true} : tensor<2x4xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

!in = !quant.uniform<u8:f32, 0.1:128>
!out = !quant.uniform<u8:f32, 0.00390625>

// ORT's QLinearSoftmax on u8: the row maximum of the stored values, a
// 256-entry f32 table of exponentials indexed by 255 - max + x, an f32
// row sum, then rint(e * floor(1 / s_y) / sum) + zp_y saturated at 255.
// CHECK-LABEL: func @softmax_quantized_u8
// CHECK: %[[TABLE:.*]] = arith.constant dense<"0x{{[0-9A-F]+}}"> : tensor<256xf32>
// CHECK: %[[Z8:.*]] = arith.constant 0 : i8
// CHECK: linalg.fill ins(%[[Z8]] : i8)
// CHECK: %[[MAX:.*]] = linalg.generic
// CHECK: arith.maxui %{{.*}}, %{{.*}} : i8
// CHECK: %[[E:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[MAX]] : tensor<2x4xi8>, tensor<2x1xi8>) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: %[[XI:.*]] = arith.extui
// CHECK: %[[MI:.*]] = arith.extui
// CHECK: %[[C255:.*]] = arith.constant 255 : i32
// CHECK: %[[B:.*]] = arith.subi %[[C255]], %[[MI]] : i32
// CHECK: %[[IX:.*]] = arith.addi %[[B]], %[[XI]] : i32
// CHECK: %[[IDX:.*]] = arith.index_cast %[[IX]] : i32 to index
// CHECK: tensor.extract %[[TABLE]][%[[IDX]]] : tensor<256xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[E]] : tensor<2x4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[E]], %[[SUM]] : tensor<2x4xf32>, tensor<2x1xf32>) outs(%{{.*}} : tensor<2x4xi8>)
// CHECK: arith.constant 2.560000e+02 : f32
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.fptosi
// CHECK: arith.addi
// CHECK: %[[TOP:.*]] = arith.constant 255 : i32
// CHECK: %[[OVER:.*]] = arith.cmpi sgt, %{{.*}}, %[[TOP]] : i32
// CHECK: arith.select %[[OVER]]
// CHECK: arith.trunci %{{.*}} : i32 to i8
func.func @softmax_quantized_u8(%x: tensor<2x4x!in>) -> tensor<2x4x!out> {
  %y = octet.softmax %x {axis = 1 : i64} : tensor<2x4x!in> -> tensor<2x4x!out>
  return %y : tensor<2x4x!out>
}

// -----

!in = !quant.uniform<i8:f32, 0.1:-1>
!out = !quant.uniform<i8:f32, 0.00390625:-128>

// On s8 the row maximum is signed and the table index (127 - max + x)
// wraps modulo 256; results saturate at 127.
// CHECK-LABEL: func @softmax_quantized_s8
// CHECK: arith.constant -128 : i8
// CHECK: arith.maxsi %{{.*}}, %{{.*}} : i8
// CHECK: %[[XI:.*]] = arith.extsi %{{.*}} : i8 to i32
// CHECK: %[[MI:.*]] = arith.extsi %{{.*}} : i8 to i32
// CHECK: %[[C127:.*]] = arith.constant 127 : i32
// CHECK: %[[B:.*]] = arith.subi %[[C127]], %[[MI]] : i32
// CHECK: %[[IX:.*]] = arith.addi %[[B]], %[[XI]] : i32
// CHECK: %[[MASK:.*]] = arith.constant 255 : i32
// CHECK: %[[W:.*]] = arith.andi %[[IX]], %[[MASK]] : i32
// CHECK: arith.index_cast %[[W]] : i32 to index
// CHECK: arith.constant -128 : i32
// CHECK: %[[TOP:.*]] = arith.constant 127 : i32
// CHECK: arith.cmpi sgt, %{{.*}}, %[[TOP]] : i32
func.func @softmax_quantized_s8(%x: tensor<2x4x!in>) -> tensor<2x4x!out> {
  %y = octet.softmax %x {axis = 1 : i64} : tensor<2x4x!in> -> tensor<2x4x!out>
  return %y : tensor<2x4x!out>
}

// -----

// Layer norm over the last axis (4 elements): mean = sum / 4 (times 0.25),
// centered values, variance from the sum of squares, then
// centered * rsqrt(var + eps) * scale + bias.
// CHECK-DAG: #[[VEC:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func @layer_norm
// CHECK-SAME: (%{{.*}}: tensor<1x2x4xf32>, %[[G:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: %[[CEN:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[SUM]] :
// CHECK: arith.constant 2.500000e-01 : f32
// CHECK: arith.subf
// CHECK: %[[SQ:.*]] = linalg.generic {{.*}} ins(%[[CEN]] :
// CHECK: arith.mulf
// CHECK: %[[VAR:.*]] = linalg.generic {{.*}}"reduction"]} ins(%[[SQ]] :
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #[[VEC]], #[[VEC]], #{{.*}}]{{.*}} ins(%[[CEN]], %[[VAR]], %[[G]], %[[B]] :
// CHECK-NEXT: ^bb0(%[[C:.*]]: f32, %[[V:.*]]: f32, %[[GV:.*]]: f32, %[[BV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.constant 2.500000e-01 : f32
// CHECK-NEXT: %[[MV:.*]] = arith.mulf %[[V]], %{{.*}} : f32
// CHECK-NEXT: %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
// CHECK-NEXT: %[[VE:.*]] = arith.addf %[[MV]], %[[EPS]] : f32
// CHECK-NEXT: %[[R:.*]] = math.rsqrt %[[VE]] : f32
// CHECK-NEXT: %[[N:.*]] = arith.mulf %[[C]], %[[R]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.mulf %[[N]], %[[GV]] : f32
// CHECK-NEXT: arith.addf %[[S]], %[[BV]] : f32
func.func @layer_norm(%x: tensor<1x2x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<1x2x4xf32> {
  %y = octet.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<1x2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x2x4xf32>
  return %y : tensor<1x2x4xf32>
}

// -----

// Batch norm: one elementwise op with the four parameter vectors read
// along the channel (dimension 1): (x - mean) * rsqrt(var + eps) * scale + bias.
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func @batch_norm
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x2xf32>, %[[S:.*]]: tensor<2xf32>, %[[B:.*]]: tensor<2xf32>, %[[M:.*]]: tensor<2xf32>, %[[V:.*]]: tensor<2xf32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CH]], #[[CH]], #[[CH]], #[[CH]], #{{.*}}]{{.*}} ins(%[[X]], %[[S]], %[[B]], %[[M]], %[[V]] :
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[SV:.*]]: f32, %[[BV:.*]]: f32, %[[MV:.*]]: f32, %[[VV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
// CHECK-NEXT: %[[VE:.*]] = arith.addf %[[VV]], %[[EPS]] : f32
// CHECK-NEXT: %[[R:.*]] = math.rsqrt %[[VE]] : f32
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[XV]], %[[MV]] : f32
// CHECK-NEXT: %[[N:.*]] = arith.mulf %[[D]], %[[R]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.mulf %[[N]], %[[SV]] : f32
// CHECK-NEXT: arith.addf %[[Y]], %[[BV]] : f32
func.func @batch_norm(%x: tensor<1x2x2x2xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x2x2xf32> {
  %y = octet.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-5 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}
