// Generic lowering of reshape, transpose, slice, concat, pad (constant, reflect, edge), resize, broadcast, tile, gather, gather_nd, gather_elements and scatter.
// RUN: octet-opt %s --convert-octet-to-linalg -split-input-file | FileCheck %s

!u8 = !quant.uniform<u8:f32, 0.5:10>

// A quantized reshape is a tensor.reshape of the i8 storage.
// CHECK-LABEL: func @reshape_quantized
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi8>) -> tensor<6xi8>
// CHECK: %[[S:.*]] = arith.constant dense<6> : tensor<1xi64>
// CHECK: tensor.reshape %[[X]](%[[S]]) : (tensor<2x3xi8>, tensor<1xi64>) -> tensor<6xi8>
func.func @reshape_quantized(%x: tensor<2x3x!u8>) -> tensor<6x!u8> {
  %y = octet.reshape %x : (tensor<2x3x!u8>) -> tensor<6x!u8>
  return %y : tensor<6x!u8>
}

// -----

// Result dimension i is input dimension perm[i]: the input is read as
// (d1, d2, d0) over the output's iteration space.
// CHECK-DAG: #[[PERM:.*]] = affine_map<(d0, d1, d2) -> (d1, d2, d0)>
// CHECK-LABEL: func @transpose_rotate
// CHECK: linalg.generic {indexing_maps = [#[[PERM]], #{{.*}}]{{.*}} ins(%{{.*}} : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
func.func @transpose_rotate(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %y = octet.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %y : tensor<4x2x3xf32>
}

// -----

// Positive steps: one strided extract_slice; a negative start counts from
// the end (-5 -> 1) and an end past the size clamps (100 -> 6).
// CHECK-LABEL: func @slice_strided
// CHECK: tensor.extract_slice %{{.*}}[1, 1] [2, 3] [1, 2] : tensor<4x6xf32> to tensor<2x3xf32>
// CHECK-NOT: linalg.generic
func.func @slice_strided(%x: tensor<4x6xf32>) -> tensor<2x3xf32> {
  %y = octet.slice %x {starts = array<i64: 1, -5>, ends = array<i64: 3, 100>, axes = array<i64: 0, 1>, steps = array<i64: 1, 2>} : tensor<4x6xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// A negative step walks backwards: element i reads input 4 - 2 * i.
// CHECK-LABEL: func @slice_negative_step
// CHECK-SAME: (%[[X:.*]]: tensor<5xf32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2xf32>)
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK: %[[STEP:.*]] = arith.constant -2 : index
// CHECK: %[[M:.*]] = arith.muli %[[I]], %[[STEP]] : index
// CHECK: %[[OFF:.*]] = arith.constant 4 : index
// CHECK: %[[AT:.*]] = arith.addi %[[M]], %[[OFF]] : index
// CHECK: tensor.extract %[[X]][%[[AT]]] : tensor<5xf32>
func.func @slice_negative_step(%x: tensor<5xf32>) -> tensor<2xf32> {
  %y = octet.slice %x {starts = array<i64: 4>, ends = array<i64: 0>, axes = array<i64: 0>, steps = array<i64: -2>} : tensor<5xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Concat: insert_slices into an empty tensor at running offsets.
// CHECK-LABEL: func @concat_axis1
// CHECK-SAME: (%[[A:.*]]: tensor<1x2xf32>, %[[B:.*]]: tensor<1x3xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x5xf32>
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [1, 2] [1, 1]
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[B]] into %[[I0]][0, 2] [1, 3] [1, 1]
// CHECK: return %[[I1]]
func.func @concat_axis1(%a: tensor<1x2xf32>, %b: tensor<1x3xf32>) -> tensor<1x5xf32> {
  %y = octet.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  return %y : tensor<1x5xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:10>

// Constant padding of a quantized tensor: the real value 1.0 is quantized
// (1.0 / 0.5 + 10 = 12); pads are all begins then all ends.
// CHECK-LABEL: func @pad_constant_quantized
// CHECK: %[[V:.*]] = arith.constant 12 : i8
// CHECK: tensor.pad %{{.*}} low[0, 1] high[0, 2]
// CHECK: tensor.yield %[[V]] : i8
// CHECK: } : tensor<2x3xi8> to tensor<2x6xi8>
func.func @pad_constant_quantized(%x: tensor<2x3x!u8>) -> tensor<2x6x!u8> {
  %y = octet.pad %x {pads = array<i64: 0, 1, 0, 2>, mode = "constant", value = 1.0 : f32} : tensor<2x3x!u8> -> tensor<2x6x!u8>
  return %y : tensor<2x6x!u8>
}

// -----

// Reflect (without repeating the edge) and edge padding: a constant table
// of source indices per output position, read with tensor.extract.
// CHECK-LABEL: func @pad_reflect
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
// CHECK: %[[T:.*]] = arith.constant dense<[2, 1, 0, 1, 2, 1, 0]> : tensor<7xi32>
// CHECK: linalg.generic {{.*}} ins(%[[T]] : tensor<7xi32>) outs(%{{.*}} : tensor<7xf32>)
// CHECK: %[[I:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK: tensor.extract %[[X]][%[[I]]] : tensor<3xf32>
// CHECK-LABEL: func @pad_edge
// CHECK: arith.constant dense<[0, 0, 1, 2, 2, 2]> : tensor<6xi32>
func.func @pad_reflect(%x: tensor<3xf32>) -> tensor<7xf32> {
  %y = octet.pad %x {pads = array<i64: 2, 2>, mode = "reflect"} : tensor<3xf32> -> tensor<7xf32>
  return %y : tensor<7xf32>
}
func.func @pad_edge(%x: tensor<3xf32>) -> tensor<6xf32> {
  %y = octet.pad %x {pads = array<i64: 1, 2>, mode = "edge"} : tensor<3xf32> -> tensor<6xf32>
  return %y : tensor<6xf32>
}

// -----

// Nearest resize (asymmetric, floor): one index table per resized
// dimension; the unresized dimensions read linalg.index.
// CHECK-DAG: #[[H:.*]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func @resize_nearest
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x2x2xf32>)
// CHECK: %[[TH:.*]] = arith.constant dense<[0, 0, 1, 1]> : tensor<4xi32>
// CHECK: %[[TW:.*]] = arith.constant dense<[0, 0, 1, 1]> : tensor<4xi32>
// CHECK: linalg.generic {indexing_maps = [#[[H]], #[[W]], #{{.*}}]{{.*}} ins(%[[TH]], %[[TW]] :
// CHECK: %[[N:.*]] = linalg.index 0 : index
// CHECK: %[[C:.*]] = linalg.index 1 : index
// CHECK: %[[IH:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK: %[[IW:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK: tensor.extract %[[X]][%[[N]], %[[C]], %[[IH]], %[[IW]]] : tensor<1x1x2x2xf32>
func.func @resize_nearest(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %y = octet.resize %x {mode = "nearest", coordinate_mode = "asymmetric", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Linear resize (half_pixel) of the last dimension 2 -> 4: low and high
// index tables and their weights (a corner of equal indices gets 0.5 and
// 0.5), w_lo * x[lo] + w_hi * x[hi].
// CHECK-LABEL: func @resize_linear_half_pixel
// CHECK: %[[LO:.*]] = arith.constant dense<[0, 0, 0, 1]> : tensor<4xi32>
// CHECK: %[[HI:.*]] = arith.constant dense<1> : tensor<4xi32>
// CHECK: %[[WLO:.*]] = arith.constant dense<[1.000000e+00, 7.500000e-01, 2.500000e-01, 5.000000e-01]> : tensor<4xf32>
// CHECK: %[[WHI:.*]] = arith.constant dense<[0.000000e+00, 2.500000e-01, 7.500000e-01, 5.000000e-01]> : tensor<4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[LO]], %[[HI]], %[[WLO]], %[[WHI]] :
// CHECK-NEXT: ^bb0(%{{.*}}: i32, %{{.*}}: i32, %[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[V0:.*]] = tensor.extract
// CHECK: %[[P0:.*]] = arith.mulf %[[A]], %[[V0]] : f32
// CHECK: %[[V1:.*]] = tensor.extract
// CHECK: %[[P1:.*]] = arith.mulf %[[B]], %[[V1]] : f32
// CHECK: arith.addf %[[P0]], %[[P1]] : f32
func.func @resize_linear_half_pixel(%x: tensor<1x1x2xf32>) -> tensor<1x1x4xf32> {
  %y = octet.resize %x {mode = "linear", coordinate_mode = "half_pixel", scales = array<f32: 1.0, 1.0, 2.0>} : tensor<1x1x2xf32> -> tensor<1x1x4xf32>
  return %y : tensor<1x1x4xf32>
}

// -----

// Broadcast (Expand) reads size-1 dimensions at 0; tile broadcasts to
// [r0, d0, r1, d1] and reshapes.
// CHECK-DAG: #[[EXP:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[TILE:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-LABEL: func @broadcast_expand
// CHECK: linalg.generic {indexing_maps = [#[[EXP]], #{{.*}}]{{.*}} ins(%{{.*}} : tensor<3x1xf32>) outs(%{{.*}} : tensor<2x3x4xf32>)
// CHECK-LABEL: func @tile_rows
// CHECK: %[[W:.*]] = linalg.generic {indexing_maps = [#[[TILE]], #{{.*}}]{{.*}} outs(%{{.*}} : tensor<2x2x1x3xf32>)
// CHECK: tensor.reshape %[[W]](%{{.*}}) : (tensor<2x2x1x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>
func.func @broadcast_expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %y = octet.broadcast %x : tensor<3x1xf32> -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}
func.func @tile_rows(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %y = octet.tile %x {repeats = array<i64: 2, 1>} : tensor<2x3xf32> -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Gather on axis 0: negative indices wrap by the axis size (4).
// CHECK-LABEL: func @gather_axis0
// CHECK-SAME: (%[[X:.*]]: tensor<4x3xf32>, %[[I:.*]]: tensor<2xi64>)
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<2xi64>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK-NEXT: ^bb0(%[[IV:.*]]: i64, %{{.*}}: f32):
// CHECK-NEXT: %[[IX:.*]] = arith.index_cast %[[IV]] : i64 to index
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[NEG:.*]] = arith.cmpi slt, %[[IX]], %[[Z]] : index
// CHECK-NEXT: %[[D:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[W:.*]] = arith.addi %[[IX]], %[[D]] : index
// CHECK-NEXT: %[[SEL:.*]] = arith.select %[[NEG]], %[[W]], %[[IX]] : index
// CHECK-NEXT: %[[J:.*]] = linalg.index 1 : index
// CHECK-NEXT: tensor.extract %[[X]][%[[SEL]], %[[J]]] : tensor<4x3xf32>
func.func @gather_axis0(%x: tensor<4x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  %y = octet.gather %x, %i {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// GatherND and GatherElements: each index wraps when negative and clamps
// to [0, dim - 1].
// CHECK-LABEL: func @gather_nd_clamped
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>, %[[I:.*]]: tensor<2x2xi64>)
// CHECK: tensor.extract %[[I]][%{{.*}}, %{{.*}}] : tensor<2x2xi64>
// CHECK: %[[D0:.*]] = arith.constant 2 : index
// CHECK: %[[R:.*]] = arith.minsi %{{.*}}, %[[D0]] : index
// CHECK: %[[R0:.*]] = arith.maxsi %[[R]], %{{.*}} : index
// CHECK: tensor.extract %[[I]][%{{.*}}, %{{.*}}] : tensor<2x2xi64>
// CHECK: %[[D1:.*]] = arith.constant 3 : index
// CHECK: %[[C:.*]] = arith.minsi %{{.*}}, %[[D1]] : index
// CHECK: %[[C0:.*]] = arith.maxsi %[[C]], %{{.*}} : index
// CHECK: tensor.extract %[[X]][%[[R0]], %[[C0]]] : tensor<3x4xf32>
// CHECK-LABEL: func @gather_elements_axis1
// CHECK: arith.constant 3 : index
// CHECK: %[[A:.*]] = arith.maxsi
// CHECK: %[[ROW:.*]] = linalg.index 0 : index
// CHECK: tensor.extract %{{.*}}[%[[ROW]], %[[A]]] : tensor<3x4xf32>
func.func @gather_nd_clamped(%x: tensor<3x4xf32>, %i: tensor<2x2xi64>) -> tensor<2xf32> {
  %y = octet.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<3x4xf32>, tensor<2x2xi64>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}
func.func @gather_elements_axis1(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>) -> tensor<3x2xf32> {
  %y = octet.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// ScatterElements with add: a copy of the input, then a loop nest over the
// updates in order, reading, adding and inserting at the clamped index.
// CHECK-LABEL: func @scatter_elements_add
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>, %[[I:.*]]: tensor<3x2xi64>, %[[U:.*]]: tensor<3x2xf32>)
// CHECK: %[[COPY:.*]] = linalg.copy ins(%[[X]] : tensor<3x4xf32>)
// CHECK: scf.for %[[R:.*]] = {{.*}} iter_args(%{{.*}} = %[[COPY]])
// CHECK: scf.for %[[K:.*]] = {{.*}} iter_args(%[[CUR:.*]] = %{{.*}})
// CHECK: tensor.extract %[[I]][%[[R]], %[[K]]] : tensor<3x2xi64>
// CHECK: %[[T:.*]] = arith.maxsi
// CHECK: %[[UV:.*]] = tensor.extract %[[U]][%[[R]], %[[K]]] : tensor<3x2xf32>
// CHECK: %[[OLD:.*]] = tensor.extract %[[CUR]][%[[R]], %[[T]]] : tensor<3x4xf32>
// CHECK: %[[NEW:.*]] = arith.addf %[[OLD]], %[[UV]] : f32
// CHECK: tensor.insert %[[NEW]] into %[[CUR]][%[[R]], %[[T]]] : tensor<3x4xf32>
func.func @scatter_elements_add(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x4xf32> {
  %y = octet.scatter %x, %i, %u {axis = 1 : i64, nd = false, reduction = "add"} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}
