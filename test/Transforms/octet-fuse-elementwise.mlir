// RUN: octet-opt %s --octet-fuse-elementwise --canonicalize | FileCheck %s

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch4 = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row2 = affine_map<(d0, d1) -> (d0, 0)>

// An add and the clamp after it: one generic, one loop over all elements.
// CHECK-LABEL: func @add_relu
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2, 3]] : tensor<1x8x7x7xi32> into tensor<392xi32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel"]
// CHECK: arith.addi
// CHECK: arith.maxsi
// CHECK-NOT: linalg.generic
// CHECK: tensor.expand_shape %{{.*}} output_shape [1, 8, 7, 7]
func.func @add_relu(%a: tensor<1x8x7x7xi32>, %b: tensor<1x8x7x7xi32>) -> tensor<1x8x7x7xi32> {
  %e = tensor.empty() : tensor<1x8x7x7xi32>
  %s = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a, %b : tensor<1x8x7x7xi32>, tensor<1x8x7x7xi32>) outs(%e : tensor<1x8x7x7xi32>) {
  ^bb0(%x: i32, %y: i32, %o: i32):
    %t = arith.addi %x, %y : i32
    linalg.yield %t : i32
  } -> tensor<1x8x7x7xi32>
  %z = arith.constant 0 : i32
  %e2 = tensor.empty() : tensor<1x8x7x7xi32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s : tensor<1x8x7x7xi32>) outs(%e2 : tensor<1x8x7x7xi32>) {
  ^bb0(%x: i32, %o: i32):
    %t = arith.maxsi %x, %z : i32
    linalg.yield %t : i32
  } -> tensor<1x8x7x7xi32>
  return %r : tensor<1x8x7x7xi32>
}

// A per-channel operand ([1, C, 1, 1]): the image dimensions collapse into
// one loop of 49, the channel stays a loop of its own.
// CHECK-LABEL: func @per_channel
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2, 3]] : tensor<1x8x7x7xf32> into tensor<8x49xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: tensor<8x49xf32>, tensor<8xf32>
// CHECK: arith.mulf
func.func @per_channel(%a: tensor<1x8x7x7xf32>, %s: tensor<1x8x1x1xf32>) -> tensor<1x8x7x7xf32> {
  %e = tensor.empty() : tensor<1x8x7x7xf32>
  %r = linalg.generic {indexing_maps = [#id4, #ch4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a, %s : tensor<1x8x7x7xf32>, tensor<1x8x1x1xf32>) outs(%e : tensor<1x8x7x7xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %t = arith.mulf %x, %y : f32
    linalg.yield %t : f32
  } -> tensor<1x8x7x7xf32>
  return %r : tensor<1x8x7x7xf32>
}

// A producer with two uses is not fused (it would be computed twice), and
// neither is one that its consumer broadcasts.
// CHECK-LABEL: func @no_recompute
// CHECK: linalg.generic
// CHECK: arith.negf
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: arith.negf
// CHECK: linalg.generic
// CHECK: arith.mulf
func.func @no_recompute(%a: tensor<4x16xf32>, %c: tensor<4x1xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>) {
  %e = tensor.empty() : tensor<4x16xf32>
  %n = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %t = arith.negf %x : f32
    linalg.yield %t : f32
  } -> tensor<4x16xf32>
  %d = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%n, %a : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %t = arith.addf %x, %y : f32
    linalg.yield %t : f32
  } -> tensor<4x16xf32>
  %e1 = tensor.empty() : tensor<4x1xf32>
  %nc = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%c : tensor<4x1xf32>) outs(%e1 : tensor<4x1xf32>) {
  ^bb0(%x: f32, %o: f32):
    %t = arith.negf %x : f32
    linalg.yield %t : f32
  } -> tensor<4x1xf32>
  %m = linalg.generic {indexing_maps = [#id2, #row2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a, %nc : tensor<4x16xf32>, tensor<4x1xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %t = arith.mulf %x, %y : f32
    linalg.yield %t : f32
  } -> tensor<4x16xf32>
  return %n, %d, %m : tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>
}

// A generic that is not elementwise (strided reads, as im2col) is left as
// it is.
// CHECK-LABEL: func @strided_copy
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: outs(%{{.*}} : tensor<2x4x1xi8>)
#strided = affine_map<(d0, d1, d2) -> (d0, d1 * 2 + d2)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @strided_copy(%a: tensor<2x8xi8>) -> tensor<2x4x1xi8> {
  %e = tensor.empty() : tensor<2x4x1xi8>
  %r = linalg.generic {indexing_maps = [#strided, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a : tensor<2x8xi8>) outs(%e : tensor<2x4x1xi8>) {
  ^bb0(%x: i8, %o: i8):
    linalg.yield %x : i8
  } -> tensor<2x4x1xi8>
  return %r : tensor<2x4x1xi8>
}
