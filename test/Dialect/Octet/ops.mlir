// Round-trips every octet op through the custom and the generic form.
// RUN: octet-opt %s | octet-opt | FileCheck %s
// RUN: octet-opt %s --mlir-print-op-generic | octet-opt | FileCheck %s

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8b = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8:f32:0, {0.1, 0.2}>
!b = !quant.uniform<i32:f32:0, {0.005, 0.01}>

// CHECK-LABEL: func @quant_ops
func.func @quant_ops(%x: tensor<2x3xf32>, %r: tensor<2x3xui8>) -> (tensor<2x3xf32>, tensor<2x3x!u8b>, tensor<2x3xui8>) {
  // CHECK: octet.quantize %{{.*}} : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32, 5.000000e-02:128>>
  %q = octet.quantize %x : tensor<2x3xf32> -> tensor<2x3x!u8>
  // CHECK: octet.dequantize
  %d = octet.dequantize %q : tensor<2x3x!u8> -> tensor<2x3xf32>
  // CHECK: octet.requantize
  %rq = octet.requantize %q : tensor<2x3x!u8> -> tensor<2x3x!u8b>
  // CHECK: octet.storage_cast %{{.*}} : tensor<2x3xui8> -> tensor<2x3x!quant.uniform<u8:f32, 5.000000e-02:128>>
  %s = octet.storage_cast %r : tensor<2x3xui8> -> tensor<2x3x!u8>
  // CHECK: octet.storage_cast %{{.*}} -> tensor<2x3xui8>
  %back = octet.storage_cast %s : tensor<2x3x!u8> -> tensor<2x3xui8>
  return %d, %rq, %back : tensor<2x3xf32>, tensor<2x3x!u8b>, tensor<2x3xui8>
}

// CHECK-LABEL: func @constant_and_dynamic
func.func @constant_and_dynamic(%x: tensor<4x8xf32>) -> (tensor<2x!w>, tensor<4x8xui8>, tensor<f32>, tensor<ui8>) {
  // CHECK: octet.constant dense<[1, -2]> : tensor<2xi8> : tensor<2x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01}>>
  %c = octet.constant dense<[1, -2]> : tensor<2xi8> : tensor<2x!w>
  // CHECK: octet.dynamic_quantize %{{.*}} : tensor<4x8xf32> -> tensor<4x8xui8>, tensor<f32>, tensor<ui8>
  %y, %s, %z = octet.dynamic_quantize %x : tensor<4x8xf32> -> tensor<4x8xui8>, tensor<f32>, tensor<ui8>
  return %c, %y, %s, %z : tensor<2x!w>, tensor<4x8xui8>, tensor<f32>, tensor<ui8>
}

// CHECK-LABEL: func @conv_float
func.func @conv_float(%x: tensor<?x3x8x8xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16xf32>, %dw: tensor<3x1x3x3xf32>) -> (tensor<?x16x4x8xf32>, tensor<?x3x6x6xf32>) {
  // CHECK: octet.conv2d %{{.*}}, %{{.*}}, %{{.*}} {activation = "relu6", dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 1>}
  %y = octet.conv2d %x, %w, %b {strides = array<i64: 2, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, activation = "relu6"} : (tensor<?x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<?x16x4x8xf32>
  // CHECK: octet.conv2d {{.*}}clamp_max = 2.000000e+00 : f32, clamp_min = -1.000000e+00 : f32{{.*}}group = 3
  %d = octet.conv2d %x, %dw {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 3, activation = "clamp", clamp_min = -1.0 : f32, clamp_max = 2.0 : f32} : (tensor<?x3x8x8xf32>, tensor<3x1x3x3xf32>) -> tensor<?x3x6x6xf32>
  return %y, %d : tensor<?x16x4x8xf32>, tensor<?x3x6x6xf32>
}

// CHECK-LABEL: func @conv_quantized
func.func @conv_quantized(%x: tensor<1x3x4x4x!u8>, %w: tensor<2x3x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, %b: tensor<2x!b>) -> (tensor<1x2x4x4x!u8b>, tensor<1x2x4x4xf32>) {
  // CHECK: octet.conv2d {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 1.000000e-01:3>>
  %y = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x4x4x!u8>, tensor<2x3x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<2x!b>) -> tensor<1x2x4x4x!u8b>
  // CHECK: octet.conv2d {{.*}} -> tensor<1x2x4x4xf32>
  %f = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x4x4x!u8>, tensor<2x3x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<1x2x4x4xf32>
  return %y, %f : tensor<1x2x4x4x!u8b>, tensor<1x2x4x4xf32>
}

// CHECK-LABEL: func @linear
func.func @linear(%a: tensor<2x4x8xf32>, %b: tensor<8x16xf32>, %bias: tensor<16xf32>, %g: tensor<4x512xf32>, %gw: tensor<10x512xf32>, %gb: tensor<10xf32>) -> (tensor<2x4x16xf32>, tensor<2x4x16xf32>, tensor<4x10xf32>) {
  // CHECK: octet.matmul %{{.*}}, %{{.*}} : (tensor<2x4x8xf32>, tensor<8x16xf32>) -> tensor<2x4x16xf32>
  %m = octet.matmul %a, %b : (tensor<2x4x8xf32>, tensor<8x16xf32>) -> tensor<2x4x16xf32>
  // CHECK: octet.matmul %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x4x8xf32>, tensor<8x16xf32>, tensor<16xf32>)
  %mb = octet.matmul %a, %b, %bias : (tensor<2x4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<2x4x16xf32>
  // CHECK: octet.gemm {{.*}} {activation = "relu", alpha = 5.000000e-01 : f32, trans_b = true}
  %y = octet.gemm %g, %gw, %gb {trans_b = true, alpha = 0.5 : f32, activation = "relu"} : (tensor<4x512xf32>, tensor<10x512xf32>, tensor<10xf32>) -> tensor<4x10xf32>
  return %m, %mb, %y : tensor<2x4x16xf32>, tensor<2x4x16xf32>, tensor<4x10xf32>
}

// CHECK-LABEL: func @linear_quantized
func.func @linear_quantized(%a: tensor<3x8x!u8>, %b: tensor<8x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>, %bias: tensor<2x!b>, %g: tensor<2x8x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> (tensor<3x2x!u8b>, tensor<3x2x!u8b>) {
  // CHECK: octet.matmul
  %m = octet.matmul %a, %b, %bias : (tensor<3x8x!u8>, tensor<8x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>, tensor<2x!b>) -> tensor<3x2x!u8b>
  // CHECK: octet.gemm
  %y = octet.gemm %a, %g, %bias {trans_b = true} : (tensor<3x8x!u8>, tensor<2x8x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<2x!b>) -> tensor<3x2x!u8b>
  return %m, %y : tensor<3x2x!u8b>, tensor<3x2x!u8b>
}

// CHECK-LABEL: func @integer_ops
func.func @integer_ops(%a: tensor<4x8xui8>, %b: tensor<8x3xi8>, %az: tensor<ui8>, %bz: tensor<i8>, %x: tensor<1x1x4x4xui8>, %w: tensor<2x1x3x3xui8>) -> (tensor<4x3xi32>, tensor<1x2x2x2xi32>) {
  // CHECK: octet.matmul_integer
  %m = octet.matmul_integer %a, %b, %az, %bz : (tensor<4x8xui8>, tensor<8x3xi8>, tensor<ui8>, tensor<i8>) -> tensor<4x3xi32>
  // CHECK: octet.conv_integer
  %c = octet.conv_integer %x, %w, %az, %az {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xui8>, tensor<2x1x3x3xui8>, tensor<ui8>, tensor<ui8>) -> tensor<1x2x2x2xi32>
  return %m, %c : tensor<4x3xi32>, tensor<1x2x2x2xi32>
}

// CHECK-LABEL: func @elementwise
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %qa: tensor<2x3x!u8>, %qb: tensor<1x3x!u8b>, %i: tensor<2xi64>) -> (tensor<2x3xf32>, tensor<2x3x!u8b>, tensor<2xi64>) {
  // CHECK: octet.add
  %0 = octet.add %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: octet.sub
  %1 = octet.sub %0, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: octet.mul
  %2 = octet.mul %1, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: octet.div
  %3 = octet.div %2, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: octet.pow
  %4 = octet.pow %3, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: octet.clamp %{{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}
  %5 = octet.clamp %4 {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: octet.add {{.*}} -> tensor<2x3x!quant.uniform<u8:f32, 1.000000e-01:3>>
  %q = octet.add %qa, %qb : tensor<2x3x!u8>, tensor<1x3x!u8b> -> tensor<2x3x!u8b>
  // CHECK: octet.mul {{.*}} -> tensor<2x3x!quant.uniform<u8:f32, 1.000000e-01:3>>
  %qm = octet.mul %qa, %q : tensor<2x3x!u8>, tensor<2x3x!u8b> -> tensor<2x3x!u8b>
  // CHECK: octet.clamp {{.*}}min = 0.000000e+00
  %qc = octet.clamp %qm {min = 0.0 : f32} : tensor<2x3x!u8b> -> tensor<2x3x!u8b>
  // CHECK: octet.mul {{.*}} : tensor<2xi64>, tensor<2xi64> -> tensor<2xi64>
  %ii = octet.mul %i, %i : tensor<2xi64>, tensor<2xi64> -> tensor<2xi64>
  return %5, %qc, %ii : tensor<2x3xf32>, tensor<2x3x!u8b>, tensor<2xi64>
}

// CHECK-LABEL: func @pools
func.func @pools(%x: tensor<1x4x8x8xf32>, %q: tensor<1x4x8x8x!u8>) -> (tensor<1x4x4x4xf32>, tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>, tensor<1x4x4x4x!u8>, tensor<1x4x1x1x!u8b>) {
  // CHECK: octet.max_pool2d {{.*}}ceil_mode = true
  %m = octet.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  // CHECK: octet.avg_pool2d {{.*}}count_include_pad = true
  %a = octet.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32>
  // CHECK: octet.global_avg_pool2d
  %g = octet.global_avg_pool2d %x : tensor<1x4x8x8xf32> -> tensor<1x4x1x1xf32>
  // CHECK: octet.max_pool2d {{.*}} -> tensor<1x4x4x4x!quant.uniform<u8:f32, 5.000000e-02:128>>
  %qm = octet.max_pool2d %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8x!u8> -> tensor<1x4x4x4x!u8>
  // CHECK: octet.global_avg_pool2d {{.*}} -> tensor<1x4x1x1x!quant.uniform<u8:f32, 1.000000e-01:3>>
  %qg = octet.global_avg_pool2d %q : tensor<1x4x8x8x!u8> -> tensor<1x4x1x1x!u8b>
  return %m, %a, %g, %qm, %qg : tensor<1x4x4x4xf32>, tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>, tensor<1x4x4x4x!u8>, tensor<1x4x1x1x!u8b>
}

// CHECK-LABEL: func @float_islands
func.func @float_islands(%x: tensor<2x4x8xf32>, %g: tensor<8xf32>, %q: tensor<2x4x8x!u8>, %img: tensor<1x4x2x2xf32>, %c: tensor<4xf32>) -> (tensor<2x4x8xf32>, tensor<2x4x8x!u8b>, tensor<2x1x8xf32>, tensor<2x4xf32>, tensor<1x4x2x2xf32>) {
  // CHECK: octet.sigmoid
  %0 = octet.sigmoid %x : tensor<2x4x8xf32> -> tensor<2x4x8xf32>
  // CHECK: octet.tanh
  %1 = octet.tanh %0 : tensor<2x4x8xf32> -> tensor<2x4x8xf32>
  // CHECK: octet.gelu
  %2 = octet.gelu %1 : tensor<2x4x8xf32> -> tensor<2x4x8xf32>
  // CHECK: octet.erf
  %3 = octet.erf %2 : tensor<2x4x8xf32> -> tensor<2x4x8xf32>
  // CHECK: octet.sqrt
  %4 = octet.sqrt %3 : tensor<2x4x8xf32> -> tensor<2x4x8xf32>
  // CHECK: octet.exp
  %5 = octet.exp %4 : tensor<2x4x8xf32> -> tensor<2x4x8xf32>
  // CHECK: octet.neg
  %6 = octet.neg %5 : tensor<2x4x8xf32> -> tensor<2x4x8xf32>
  // CHECK: octet.reciprocal
  %7 = octet.reciprocal %6 : tensor<2x4x8xf32> -> tensor<2x4x8xf32>
  // CHECK: octet.softmax %{{.*}} {axis = 2 : i64}
  %8 = octet.softmax %7 {axis = 2 : i64} : tensor<2x4x8xf32> -> tensor<2x4x8xf32>
  // CHECK: octet.layer_norm {{.*}} {axis = 2 : i64, epsilon = 9.99999974E-6 : f32}
  %9 = octet.layer_norm %8, %g, %g {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  // CHECK: octet.sigmoid {{.*}} -> tensor<2x4x8x!quant.uniform<u8:f32, 1.000000e-01:3>>
  %qs = octet.sigmoid %q : tensor<2x4x8x!u8> -> tensor<2x4x8x!u8b>
  // CHECK: octet.reduce_mean {{.*}}axes = array<i64: 1>
  %r = octet.reduce_mean %9 {axes = array<i64: 1>} : tensor<2x4x8xf32> -> tensor<2x1x8xf32>
  // CHECK: octet.reduce_sum {{.*}}keepdims = false
  %rs = octet.reduce_sum %9 {axes = array<i64: 2>, keepdims = false} : tensor<2x4x8xf32> -> tensor<2x4xf32>
  // CHECK: octet.reduce_max
  %rm = octet.reduce_max %rs {axes = array<i64: 1>, keepdims = true} : tensor<2x4xf32> -> tensor<2x1xf32>
  // CHECK: octet.batch_norm
  %bn = octet.batch_norm %img, %c, %c, %c, %c {epsilon = 1.0e-5 : f32} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return %9, %qs, %r, %rs, %bn : tensor<2x4x8xf32>, tensor<2x4x8x!u8b>, tensor<2x1x8xf32>, tensor<2x4xf32>, tensor<1x4x2x2xf32>
}

// CHECK-LABEL: func @shape_ops
func.func @shape_ops(%x: tensor<?x32x4x4xf32>, %t: tensor<2x3x4xf32>, %i: tensor<i64>, %s: tensor<3xi64>, %q: tensor<2x3x!u8>) -> (tensor<?x512xf32>, tensor<?x?x?xf32>, tensor<2x4x3xf32>, tensor<2x3x8xf32>, tensor<2x3x2xf32>, tensor<3x4xf32>, tensor<2xi64>, tensor<2x3x4xi32>, tensor<?x4x?xf32>, tensor<3x2x!u8>) {
  // CHECK: octet.reshape %{{.*}} : (tensor<?x32x4x4xf32>) -> tensor<?x512xf32>
  %r = octet.reshape %x : (tensor<?x32x4x4xf32>) -> tensor<?x512xf32>
  // CHECK: octet.reshape %{{.*}}, %{{.*}} : (tensor<?x32x4x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %rd = octet.reshape %x, %s : (tensor<?x32x4x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  // CHECK: octet.transpose %{{.*}} {perm = array<i64: 0, 2, 1>}
  %tr = octet.transpose %t {perm = array<i64: 0, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  // CHECK: octet.concat %{{.*}}, %{{.*}} {axis = 2 : i64}
  %c = octet.concat %t, %t {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x8xf32>
  // CHECK: octet.slice
  %sl = octet.slice %t {starts = array<i64: -1>, ends = array<i64: -100>, axes = array<i64: 2>, steps = array<i64: -2>} : tensor<2x3x4xf32> -> tensor<2x3x2xf32>
  // CHECK: octet.gather
  %g = octet.gather %t, %i {axis = 0 : i64} : (tensor<2x3x4xf32>, tensor<i64>) -> tensor<3x4xf32>
  // CHECK: octet.shape %{{.*}} {end = 2 : i64, start = 0 : i64}
  %sh = octet.shape %x {start = 0 : i64, end = 2 : i64} : tensor<?x32x4x4xf32> -> tensor<2xi64>
  // CHECK: octet.cast %{{.*}} : tensor<2x3x4xf32> -> tensor<2x3x4xi32>
  %ca = octet.cast %t : tensor<2x3x4xf32> -> tensor<2x3x4xi32>
  // CHECK: octet.constant_of_shape %{{.*}} {value = 0.000000e+00 : f32}
  %co = octet.constant_of_shape %s {value = 0.0 : f32} : (tensor<3xi64>) -> tensor<?x4x?xf32>
  // CHECK: octet.transpose {{.*}} -> tensor<3x2x!quant.uniform<u8:f32, 5.000000e-02:128>>
  %qt = octet.transpose %q {perm = array<i64: 1, 0>} : tensor<2x3x!u8> -> tensor<3x2x!u8>
  return %r, %rd, %tr, %c, %sl, %g, %sh, %ca, %co, %qt : tensor<?x512xf32>, tensor<?x?x?xf32>, tensor<2x4x3xf32>, tensor<2x3x8xf32>, tensor<2x3x2xf32>, tensor<3x4xf32>, tensor<2xi64>, tensor<2x3x4xi32>, tensor<?x4x?xf32>, tensor<3x2x!u8>
}

// CHECK-LABEL: func @more_ops
func.func @more_ops(%x: tensor<2x3x4xf32>, %q: tensor<2x3x!u8>, %v: tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x!u8>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x6x7xf32>, tensor<2x5x!u8>, tensor<2x6x8xf32>, tensor<2x3x2xf32>, tensor<3x2x3x4xf32>, tensor<2x6x4xf32>, tensor<2x1x4xf32>) {
  // CHECK: octet.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f32}
  %lr = octet.leaky_relu %x {alpha = 0.1 : f32} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  // CHECK: octet.hard_sigmoid {{.*}} {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32}
  %hs = octet.hard_sigmoid %q {alpha = 0.2 : f32, beta = 0.5 : f32} : tensor<2x3x!u8> -> tensor<2x3x!u8>
  // CHECK: octet.hard_swish
  %sw = octet.hard_swish %x : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  // CHECK: octet.mish
  %mi = octet.mish %sw : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  // CHECK: octet.prelu
  %pr = octet.prelu %x, %v : tensor<2x3x4xf32>, tensor<4xf32> -> tensor<2x3x4xf32>
  // CHECK: octet.pad {{.*}} {mode = "reflect", pads = array<i64: 0, 1, 1, 0, 2, 2>}
  %pd = octet.pad %x {pads = array<i64: 0, 1, 1, 0, 2, 2>, mode = "reflect"} : tensor<2x3x4xf32> -> tensor<2x6x7xf32>
  // CHECK: octet.pad {{.*}} {pads = array<i64: 0, 1, 0, 1>}
  %qp = octet.pad %q {pads = array<i64: 0, 1, 0, 1>} : tensor<2x3x!u8> -> tensor<2x5x!u8>
  // CHECK: octet.resize {{.*}} {coordinate_mode = "half_pixel", mode = "linear", scales = array<f32: 1.000000e+00, 2.000000e+00, 2.000000e+00>}
  %rs = octet.resize %x {mode = "linear", coordinate_mode = "half_pixel", scales = array<f32: 1.0, 2.0, 2.0>} : tensor<2x3x4xf32> -> tensor<2x6x8xf32>
  // CHECK: octet.reduce_min
  %rm = octet.reduce_min %x {axes = array<i64: 2>, keepdims = false} : tensor<2x3x4xf32> -> tensor<2x3xf32>
  // CHECK: octet.max
  %mx = octet.max %rm, %rm : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  %mn = octet.min %mx, %mx : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  %ex = octet.reshape %mn : (tensor<2x3xf32>) -> tensor<2x3x1xf32>
  %e2 = octet.tile %ex {repeats = array<i64: 1, 1, 2>} : tensor<2x3x1xf32> -> tensor<2x3x2xf32>
  // CHECK: octet.broadcast {{.*}} -> tensor<3x2x3x4xf32>
  %bc = octet.broadcast %x : tensor<2x3x4xf32> -> tensor<3x2x3x4xf32>
  // CHECK: octet.tile {{.*}} {repeats = array<i64: 1, 2, 1>}
  %tl = octet.tile %x {repeats = array<i64: 1, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x6x4xf32>
  %gm = octet.reduce_max %x {axes = array<i64: 1>} : tensor<2x3x4xf32> -> tensor<2x1x4xf32>
  return %lr, %hs, %sw, %mi, %pr, %pd, %qp, %rs, %e2, %bc, %tl, %gm : tensor<2x3x4xf32>, tensor<2x3x!u8>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x6x7xf32>, tensor<2x5x!u8>, tensor<2x6x8xf32>, tensor<2x3x2xf32>, tensor<3x2x3x4xf32>, tensor<2x6x4xf32>, tensor<2x1x4xf32>
}

// CHECK-LABEL: func @gather_elements
// CHECK: octet.gather_elements %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
func.func @gather_elements(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>) -> tensor<3x2xf32> {
  %y = octet.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// CHECK-LABEL: func @cumsum
// CHECK: octet.cumsum %{{.*}} {axis = 1 : i64, exclusive = true, reverse = false} : tensor<2x5xi64> -> tensor<2x5xi64>
func.func @cumsum(%x: tensor<2x5xi64>) -> tensor<2x5xi64> {
  %y = octet.cumsum %x {axis = 1 : i64, exclusive = true, reverse = false} : tensor<2x5xi64> -> tensor<2x5xi64>
  return %y : tensor<2x5xi64>
}

// CHECK-LABEL: func @gather_nd
// CHECK: octet.gather_nd %{{.*}}, %{{.*}} {batch_dims = 0 : i64} : (tensor<3x4x5xf32>, tensor<2x2xi64>) -> tensor<2x5xf32>
func.func @gather_nd(%x: tensor<3x4x5xf32>, %i: tensor<2x2xi64>) -> tensor<2x5xf32> {
  %y = octet.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<3x4x5xf32>, tensor<2x2xi64>) -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// CHECK-LABEL: func @scatter
// CHECK: octet.scatter %{{.*}}, %{{.*}}, %{{.*}} {axis = 0 : i64, nd = true, reduction = "add"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
func.func @scatter(%x: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %y = octet.scatter %x, %i, %u {axis = 0 : i64, nd = true, reduction = "add"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// Slice bounds and steps at the ends of int64 (ONNX's INT64_MIN / INT64_MAX
// idioms): the whole axis forward, one element backward.
// CHECK-LABEL: func @slice_extremes
// CHECK: -> tensor<4xf32>
// CHECK: -> tensor<1xf32>
func.func @slice_extremes(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<1xf32>) {
  %a = octet.slice %x {starts = array<i64: -9223372036854775808>, ends = array<i64: 9223372036854775807>, axes = array<i64: 0>, steps = array<i64: 1>} : tensor<4xf32> -> tensor<4xf32>
  %b = octet.slice %x {starts = array<i64: 9223372036854775807>, ends = array<i64: -9223372036854775808>, axes = array<i64: 0>, steps = array<i64: -9223372036854775808>} : tensor<4xf32> -> tensor<1xf32>
  return %a, %b : tensor<4xf32>, tensor<1xf32>
}
