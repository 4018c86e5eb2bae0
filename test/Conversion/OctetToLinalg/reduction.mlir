// Generic lowering of the reduce ops (mean, sum, min, prod; float and integer), argmax/argmin and cumsum.
// RUN: octet-opt %s --convert-octet-to-linalg -split-input-file | FileCheck %s

// Mean over the middle axis without keepdims: a sum into [2, 1, 4], divided
// by 3 (as ONNX Runtime divides; times 1/3 rounds differently), then a
// reshape to [2, 4].
// CHECK-DAG: #[[KEEP:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-LABEL: func @reduce_mean_drop_axis
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%{{.*}} : tensor<2x1x4xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[KEEP]]], iterator_types = ["parallel", "reduction", "parallel"]}{{.*}}outs(%[[INIT]] : tensor<2x1x4xf32>)
// CHECK: arith.addf
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x1x4xf32>)
// CHECK: arith.constant 3.000000e+00 : f32
// CHECK: arith.divf
// CHECK: %[[SHAPE:.*]] = arith.constant dense<[2, 4]> : tensor<2xi64>
// CHECK: %[[R:.*]] = tensor.reshape %[[MEAN]](%[[SHAPE]]) : (tensor<2x1x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
// CHECK: return %[[R]]
func.func @reduce_mean_drop_axis(%x: tensor<2x3x4xf32>) -> tensor<2x4xf32> {
  %y = octet.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : tensor<2x3x4xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Float mean over the trailing axis: each row summed in Eigen's SSE order
// (ONNX Runtime's): a generic over the rows whose body starts at the row's
// first 4-float boundary (rows of 6 floats start at 0 or 2: (row * 6) mod
// 4), adds packets two at a time into 8 lanes from -0.0, then the odd
// packet, halves the lanes pairwise, adds the head and tail elements, and
// the mean divides by 6.
// CHECK-LABEL: func @reduce_mean_rows
// CHECK: %[[X2:.*]] = tensor.reshape %{{.*}} : (tensor<3x2x6xf32>, tensor<2xi64>) -> tensor<6x6xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}], iterator_types = ["parallel"]} outs(%{{.*}} : tensor<6xf32>)
// CHECK: %[[ROW:.*]] = linalg.index 0 : index
// CHECK: arith.remui
// CHECK: arith.minui
// CHECK: arith.constant -0.000000e+00 : f32
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c8{{[_0-9]*}} iter_args
// CHECK-COUNT-8: tensor.extract %[[X2]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c4{{[_0-9]*}} iter_args
// CHECK: scf.for %{{.*}} = %c0{{[_0-9]*}} to %{{.*}} step %c1{{[_0-9]*}} iter_args
// CHECK: scf.for %{{.*}} = %{{.*}} to %c6{{[_0-9]*}} step %c1{{[_0-9]*}} iter_args
// CHECK: arith.constant 6.000000e+00 : f32
// CHECK: arith.divf
func.func @reduce_mean_rows(%x: tensor<3x2x6xf32>) -> tensor<3x2x1xf32> {
  %y = octet.reduce_mean %x {axes = array<i64: 2>, keepdims = true} : tensor<3x2x6xf32> -> tensor<3x2x1xf32>
  return %y : tensor<3x2x1xf32>
}

// -----

// Integer sum with keepdims: no reshape. Integer mean truncates (divsi by
// the count). Float min starts from +inf, prod from 1.
// CHECK-LABEL: func @reduce_sum_i64
// CHECK: %[[Z:.*]] = arith.constant 0 : i64
// CHECK: linalg.fill ins(%[[Z]] : i64)
// CHECK: arith.addi %{{.*}}, %{{.*}} : i64
// CHECK-NOT: tensor.reshape
// CHECK-LABEL: func @reduce_mean_i64
// CHECK: arith.addi
// CHECK: %[[N:.*]] = arith.constant 3 : i64
// CHECK: arith.divsi %{{.*}}, %[[N]] : i64
// CHECK-LABEL: func @reduce_min_float
// CHECK: %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK: linalg.fill ins(%[[INF]] : f32)
// CHECK: arith.minimumf
// CHECK-LABEL: func @reduce_prod_float
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: linalg.fill ins(%[[ONE]] : f32)
// CHECK: arith.mulf
func.func @reduce_sum_i64(%x: tensor<2x3xi64>) -> tensor<2x1xi64> {
  %y = octet.reduce_sum %x {axes = array<i64: 1>, keepdims = true} : tensor<2x3xi64> -> tensor<2x1xi64>
  return %y : tensor<2x1xi64>
}
func.func @reduce_mean_i64(%x: tensor<2x3xi64>) -> tensor<2x1xi64> {
  %y = octet.reduce_mean %x {axes = array<i64: 1>, keepdims = true} : tensor<2x3xi64> -> tensor<2x1xi64>
  return %y : tensor<2x1xi64>
}
func.func @reduce_min_float(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %y = octet.reduce_min %x {axes = array<i64: 1>, keepdims = true} : tensor<2x3xf32> -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}
func.func @reduce_prod_float(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %y = octet.reduce_prod %x {axes = array<i64: 1>, keepdims = true} : tensor<2x3xf32> -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// -----

// ArgMax with select_last_index: one reduction carrying the best value
// and its index; ties replace (oge); index -1 marks "nothing yet" so the
// first element always wins; the i64 index comes from linalg.index.
// CHECK-LABEL: func @argmax_last_index
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[BEST:.*]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.*}} : tensor<2x1xf32>)
// CHECK: %[[M1:.*]] = arith.constant -1 : i64
// CHECK: %[[IDX:.*]] = linalg.fill ins(%[[M1]] : i64) outs(%{{.*}} : tensor<2x1xi64>)
// CHECK: %[[G:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<2x5xf32>) outs(%[[BEST]], %[[IDX]] : tensor<2x1xf32>, tensor<2x1xi64>)
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %[[CUR:.*]]: f32, %[[CI:.*]]: i64):
// CHECK-NEXT: %[[BETTER:.*]] = arith.cmpf oge, %[[V]], %[[CUR]] : f32
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : i64
// CHECK-NEXT: %[[FIRST:.*]] = arith.cmpi slt, %[[CI]], %[[Z]] : i64
// CHECK-NEXT: %[[TAKE:.*]] = arith.ori %[[BETTER]], %[[FIRST]] : i1
// CHECK-NEXT: %[[I:.*]] = linalg.index 1 : index
// CHECK-NEXT: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK-NEXT: %[[NV:.*]] = arith.select %[[TAKE]], %[[V]], %[[CUR]] : f32
// CHECK-NEXT: %[[NI:.*]] = arith.select %[[TAKE]], %[[I64]], %[[CI]] : i64
// CHECK-NEXT: linalg.yield %[[NV]], %[[NI]] : f32, i64
// CHECK: tensor.reshape %[[G]]#1(%{{.*}}) : (tensor<2x1xi64>, tensor<1xi64>) -> tensor<2xi64>
func.func @argmax_last_index(%x: tensor<2x5xf32>) -> tensor<2xi64> {
  %i = octet.argmax %x {axis = 1 : i64, keepdims = false, select_last_index = true} : tensor<2x5xf32> -> tensor<2xi64>
  return %i : tensor<2xi64>
}

// -----

// ArgMin over axis 0 of uint8: starts from the unsigned maximum (255,
// printed as -1), strict unsigned less-than (first index wins ties).
// CHECK-LABEL: func @argmin_unsigned_first_index
// CHECK: %[[TOP:.*]] = arith.constant -1 : i8
// CHECK: linalg.fill ins(%[[TOP]] : i8) outs(%{{.*}} : tensor<1x5xi8>)
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK: arith.cmpi ult, %{{.*}}, %{{.*}} : i8
// CHECK: linalg.index 0 : index
// CHECK-NOT: tensor.reshape
func.func @argmin_unsigned_first_index(%x: tensor<2x5xui8>) -> tensor<1x5xi64> {
  %i = octet.argmin %x {axis = 0 : i64} : tensor<2x5xui8> -> tensor<1x5xi64>
  return %i : tensor<1x5xi64>
}

// -----

// Inclusive cumsum along axis 1: an scf.for over the 3 columns carrying the
// output and the running [2, 1] sum; each step adds the column and inserts
// the new sum.
// CHECK-LABEL: func @cumsum_inclusive
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[ACC0:.*]] = linalg.fill
// CHECK: %[[OUT0:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[R:.*]]:2 = scf.for %[[K:.*]] = %[[C0]] to %[[C3]] step %{{.*}} iter_args(%[[OUT:.*]] = %[[OUT0]], %[[ACC:.*]] = %[[ACC0]])
// CHECK: %[[COL:.*]] = tensor.extract_slice %[[X]][0, %[[K]]] [2, 1] [1, 1]
// CHECK: %[[NEXT:.*]] = linalg.generic {{.*}} ins(%[[COL]] : tensor<2x1xf32>) outs(%[[ACC]] : tensor<2x1xf32>)
// CHECK: arith.addf
// CHECK: %[[INS:.*]] = tensor.insert_slice %[[NEXT]] into %[[OUT]][0, %[[K]]] [2, 1] [1, 1]
// CHECK: scf.yield %[[INS]], %[[NEXT]]
// CHECK: return %[[R]]#0
func.func @cumsum_inclusive(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = octet.cumsum %x {axis = 1 : i64, exclusive = false, reverse = false} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Exclusive and reversed: position 3 - k, and the running sum is stored
// before the element is added.
// CHECK-LABEL: func @cumsum_exclusive_reverse
// CHECK: scf.for %[[K:.*]] = {{.*}} iter_args(%[[OUT:.*]] = %{{.*}}, %[[ACC:.*]] = %{{.*}})
// CHECK: %[[LAST:.*]] = arith.constant 3 : index
// CHECK: %[[AT:.*]] = arith.subi %[[LAST]], %[[K]] : index
// CHECK: %[[E:.*]] = tensor.extract_slice %{{.*}}[%[[AT]]] [1] [1]
// CHECK: %[[INS:.*]] = tensor.insert_slice %[[ACC]] into %[[OUT]][%[[AT]]] [1] [1]
// CHECK: %[[NEXT:.*]] = linalg.generic {{.*}} ins(%[[E]] : tensor<1xi64>) outs(%[[ACC]] : tensor<1xi64>)
// CHECK: arith.addi
// CHECK: scf.yield %[[INS]], %[[NEXT]]
func.func @cumsum_exclusive_reverse(%x: tensor<4xi64>) -> tensor<4xi64> {
  %y = octet.cumsum %x {axis = 0 : i64, exclusive = true, reverse = true} : tensor<4xi64> -> tensor<4xi64>
  return %y : tensor<4xi64>
}
