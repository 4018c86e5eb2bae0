// RUN: octet-opt %s --octet-byte-tables --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s

#id1 = affine_map<(d0) -> (d0)>

// A quantized SiLU (u8 in, u8 out, the float work in between): the body runs
// once over the 256 byte values, and each element looks its byte up.
// CHECK-LABEL: func @silu
// CHECK: %[[ALL:.*]] = arith.constant dense<[0, 1, 2, {{.*}}, 127, -128, -127, {{.*}}, -1]> : tensor<256xi8>
// CHECK: %[[T:.*]] = linalg.generic {{.*}} ins(%[[ALL]] : tensor<256xi8>)
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: } -> tensor<256xi8>
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<4096xi8>)
// CHECK-NEXT: ^bb0(%[[B:.*]]: i8, %{{.*}}: i8):
// CHECK-NEXT: %[[W:.*]] = arith.extui %[[B]] : i8 to i32
// CHECK-NEXT: %[[I:.*]] = arith.index_cast %[[W]] : i32 to index
// CHECK-NEXT: %[[V:.*]] = tensor.extract %[[T]][%[[I]]] : tensor<256xi8>
// CHECK-NEXT: linalg.yield %[[V]] : i8
// CHECK-NOT: math.exp
func.func @silu(%x: tensor<4096xi8>) -> tensor<4096xi8> {
  %e = tensor.empty() : tensor<4096xi8>
  %scale = arith.constant 0.05 : f32
  %zp = arith.constant 128 : i32
  %one = arith.constant 1.0 : f32
  %lo = arith.constant 0.0 : f32
  %hi = arith.constant 255.0 : f32
  %r = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%x : tensor<4096xi8>) outs(%e : tensor<4096xi8>) {
  ^bb0(%b: i8, %o: i8):
    %w = arith.extui %b : i8 to i32
    %c = arith.subi %w, %zp : i32
    %f = arith.sitofp %c : i32 to f32
    %v = arith.mulf %f, %scale : f32
    %n = arith.negf %v : f32
    %ex = math.exp %n : f32
    %d = arith.addf %ex, %one : f32
    %s = arith.divf %v, %d : f32
    %q = arith.divf %s, %scale : f32
    %rq = math.roundeven %q : f32
    %z = arith.sitofp %zp : i32 to f32
    %a = arith.addf %rq, %z : f32
    %m = arith.maximumf %a, %lo : f32
    %mm = arith.minimumf %m, %hi : f32
    %i = arith.fptoui %mm : f32 to i8
    linalg.yield %i : i8
  } -> tensor<4096xi8>
  return %r : tensor<4096xi8>
}

// Left alone: a tensor of fewer than 1024 elements (the table would cost
// more), a body that reads the init value, a body with the element's
// position (linalg.index), a cheap integer body, and two tensor inputs.
// CHECK-LABEL: func @small
// CHECK-NOT: tensor<256xi8>
// CHECK: math.exp
func.func @small(%x: tensor<512xi8>) -> tensor<512xi8> {
  %e = tensor.empty() : tensor<512xi8>
  %r = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%x : tensor<512xi8>) outs(%e : tensor<512xi8>) {
  ^bb0(%b: i8, %o: i8):
    %f = arith.uitofp %b : i8 to f32
    %ex = math.exp %f : f32
    %i = arith.fptoui %ex : f32 to i8
    linalg.yield %i : i8
  } -> tensor<512xi8>
  return %r : tensor<512xi8>
}

// CHECK-LABEL: func @reads_init
// CHECK-NOT: tensor<256xi8>
// CHECK: math.exp
func.func @reads_init(%x: tensor<4096xi8>, %e: tensor<4096xi8>) -> tensor<4096xi8> {
  %r = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%x : tensor<4096xi8>) outs(%e : tensor<4096xi8>) {
  ^bb0(%b: i8, %o: i8):
    %f = arith.uitofp %b : i8 to f32
    %ex = math.exp %f : f32
    %i = arith.fptoui %ex : f32 to i8
    %s = arith.addi %i, %o : i8
    linalg.yield %s : i8
  } -> tensor<4096xi8>
  return %r : tensor<4096xi8>
}

// CHECK-LABEL: func @positional
// CHECK-NOT: tensor<256xi8>
// CHECK: math.exp
func.func @positional(%x: tensor<4096xi8>) -> tensor<4096xi8> {
  %e = tensor.empty() : tensor<4096xi8>
  %r = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%x : tensor<4096xi8>) outs(%e : tensor<4096xi8>) {
  ^bb0(%b: i8, %o: i8):
    %p = linalg.index 0 : index
    %pi = arith.index_cast %p : index to i32
    %pf = arith.sitofp %pi : i32 to f32
    %f = arith.uitofp %b : i8 to f32
    %g = arith.addf %f, %pf : f32
    %ex = math.exp %g : f32
    %i = arith.fptoui %ex : f32 to i8
    linalg.yield %i : i8
  } -> tensor<4096xi8>
  return %r : tensor<4096xi8>
}

// CHECK-LABEL: func @cheap
// CHECK-NOT: tensor<256xi8>
// CHECK: arith.maxui
func.func @cheap(%x: tensor<4096xi8>) -> tensor<4096xi8> {
  %e = tensor.empty() : tensor<4096xi8>
  %c = arith.constant 7 : i8
  %r = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%x : tensor<4096xi8>) outs(%e : tensor<4096xi8>) {
  ^bb0(%b: i8, %o: i8):
    %m = arith.maxui %b, %c : i8
    linalg.yield %m : i8
  } -> tensor<4096xi8>
  return %r : tensor<4096xi8>
}

// CHECK-LABEL: func @two_inputs
// CHECK-NOT: tensor<256xi8>
// CHECK: math.exp
func.func @two_inputs(%x: tensor<4096xi8>, %y: tensor<4096xi8>) -> tensor<4096xi8> {
  %e = tensor.empty() : tensor<4096xi8>
  %r = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%x, %y : tensor<4096xi8>, tensor<4096xi8>) outs(%e : tensor<4096xi8>) {
  ^bb0(%a: i8, %b: i8, %o: i8):
    %s = arith.addi %a, %b : i8
    %f = arith.uitofp %s : i8 to f32
    %ex = math.exp %f : f32
    %i = arith.fptoui %ex : f32 to i8
    linalg.yield %i : i8
  } -> tensor<4096xi8>
  return %r : tensor<4096xi8>
}
