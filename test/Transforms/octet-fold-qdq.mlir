// RUN: octet-opt %s --octet-fold-qdq --split-input-file | FileCheck %s

!x = !quant.uniform<u8:f32, 0.05:128>
!y = !quant.uniform<u8:f32, 0.1>
!w = !quant.uniform<i8:f32:0, {0.1, 0.2}>
!b = !quant.uniform<i32:f32:0, {0.005, 0.01}>

// The ONNX Runtime QDQ form: int32 bias behind a dequantize.
// CHECK-LABEL: func @conv_int32_bias
// CHECK-NOT: octet.dequantize
// CHECK: %[[Y:.*]] = octet.conv2d %arg0, %{{.*}}, %{{.*}} {{.*}}activation = "relu"{{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 1.000000e-01>>
// CHECK-NOT: octet.quantize
// CHECK: return %[[Y]]
func.func @conv_int32_bias(%xq: tensor<1x3x4x4x!x>) -> tensor<1x2x4x4x!y> {
  %wq = octet.constant dense<1> : tensor<2x3x1x1xi8> : tensor<2x3x1x1x!w>
  %bq = octet.constant dense<[10, -10]> : tensor<2xi32> : tensor<2x!b>
  %x = octet.dequantize %xq : tensor<1x3x4x4x!x> -> tensor<1x3x4x4xf32>
  %w = octet.dequantize %wq : tensor<2x3x1x1x!w> -> tensor<2x3x1x1xf32>
  %b = octet.dequantize %bq : tensor<2x!b> -> tensor<2xf32>
  %c = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = octet.clamp %c {min = 0.0 : f32} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %q = octet.quantize %r : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!y>
  return %q : tensor<1x2x4x4x!y>
}

// -----

!x = !quant.uniform<u8:f32, 0.05:128>
!y = !quant.uniform<u8:f32, 0.1>
!w = !quant.uniform<i8:f32:0, {0.1, 0.2}>

// A float bias is quantized to int32 with scale input_scale * weight_scale:
// 0.5 / 0.005 = 100 and -0.5 / 0.01 = -50.
// CHECK-LABEL: func @conv_float_bias
// CHECK: %[[B:.*]] = octet.constant dense<[100, -50]> : tensor<2xi32> : tensor<2x!quant.uniform<i32:f32:0, {0.0{{0*}}5{{[0-9]*}},0.01{{[0-9]*}}}>>
// CHECK: octet.conv2d %arg0, %{{.*}}, %[[B]]
func.func @conv_float_bias(%xq: tensor<1x3x4x4x!x>) -> tensor<1x2x4x4x!y> {
  %wq = octet.constant dense<1> : tensor<2x3x1x1xi8> : tensor<2x3x1x1x!w>
  %b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %x = octet.dequantize %xq : tensor<1x3x4x4x!x> -> tensor<1x3x4x4xf32>
  %w = octet.dequantize %wq : tensor<2x3x1x1x!w> -> tensor<2x3x1x1xf32>
  %c = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %q = octet.quantize %c : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!y>
  return %q : tensor<1x2x4x4x!y>
}

// -----

!x = !quant.uniform<u8:f32, 0.05:128>
!y = !quant.uniform<u8:f32, 0.1>

// A weight quantized on its input-channel axis cannot feed an int8
// convolution: the conv stays float.
// CHECK-LABEL: func @conv_wrong_axis
// CHECK: octet.conv2d {{.*}} -> tensor<1x3x4x4xf32>
// CHECK: octet.quantize
func.func @conv_wrong_axis(%xq: tensor<1x3x4x4x!x>) -> tensor<1x3x4x4x!y> {
  %wq = octet.constant dense<1> : tensor<3x3x1x1xi8> : tensor<3x3x1x1x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>
  %x = octet.dequantize %xq : tensor<1x3x4x4x!x> -> tensor<1x3x4x4xf32>
  %w = octet.dequantize %wq : tensor<3x3x1x1x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>> -> tensor<3x3x1x1xf32>
  %c = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x4x4xf32>, tensor<3x3x1x1xf32>) -> tensor<1x3x4x4xf32>
  %q = octet.quantize %c : tensor<1x3x4x4xf32> -> tensor<1x3x4x4x!y>
  return %q : tensor<1x3x4x4x!y>
}

// -----

!x = !quant.uniform<u8:f32, 0.05:128>
!y = !quant.uniform<i8:f32, 0.1:-3>

// Gemm with transB and a per-axis weight on dimension 0.
// CHECK-LABEL: func @gemm
// CHECK: octet.gemm %arg0, %{{.*}}, %{{.*}} {trans_b = true} {{.*}} -> tensor<4x2x!quant.uniform<i8:f32, 1.000000e-01:-3>>
func.func @gemm(%aq: tensor<4x8x!x>) -> tensor<4x2x!y> {
  %wq = octet.constant dense<3> : tensor<2x8xi8> : tensor<2x8x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  %c = arith.constant dense<1.0> : tensor<2xf32>
  %a = octet.dequantize %aq : tensor<4x8x!x> -> tensor<4x8xf32>
  %w = octet.dequantize %wq : tensor<2x8x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<2x8xf32>
  %g = octet.gemm %a, %w, %c {trans_b = true} : (tensor<4x8xf32>, tensor<2x8xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %q = octet.quantize %g : tensor<4x2xf32> -> tensor<4x2x!y>
  return %q : tensor<4x2x!y>
}

// -----

!x = !quant.uniform<u8:f32, 0.05:128>
!y = !quant.uniform<u8:f32, 0.1>

// MatMul + Add(bias) as exporters write a linear layer, with the weight
// transposed at run time: the transpose folds into the quantized constant
// (its quantization axis moves with it) and the add becomes the int32 bias.
// CHECK-LABEL: func @linear
// CHECK: %[[W:.*]] = octet.constant dense<{{\[}}[1, 3], [2, 4]]> : tensor<2x2xi8> : tensor<2x2x!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01}>>
// CHECK: octet.matmul %arg0, %[[W]], %{{.*}} : {{.*}} -> tensor<3x2x!quant.uniform<u8:f32, 1.000000e-01>>
// CHECK-NOT: octet.add
func.func @linear(%aq: tensor<3x2x!x>) -> tensor<3x2x!y> {
  %wq = octet.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8> : tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  %bias = arith.constant dense<[0.25, 0.5]> : tensor<2xf32>
  %a = octet.dequantize %aq : tensor<3x2x!x> -> tensor<3x2xf32>
  %w = octet.dequantize %wq : tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<2x2xf32>
  %wt = octet.transpose %w {perm = array<i64: 1, 0>} : tensor<2x2xf32> -> tensor<2x2xf32>
  %m = octet.matmul %a, %wt : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %s = octet.add %bias, %m : tensor<2xf32>, tensor<3x2xf32> -> tensor<3x2xf32>
  %q = octet.quantize %s : tensor<3x2xf32> -> tensor<3x2x!y>
  return %q : tensor<3x2x!y>
}

// -----

!a = !quant.uniform<u8:f32, 0.05:128>
!b = !quant.uniform<u8:f32, 0.02:100>
!y = !quant.uniform<u8:f32, 0.1:7>

// Residual add + relu: each operand keeps its own scale; the relu stays a
// clamp on the quantized result.
// CHECK-LABEL: func @add_relu
// CHECK: %[[S:.*]] = octet.add %arg0, %arg1 : tensor<8x!quant.uniform<u8:f32, 5.000000e-02:128>>, tensor<8x!quant.uniform<u8:f32, 2.000000e-02:100>> -> tensor<8x!quant.uniform<u8:f32, 1.000000e-01:7>>
// CHECK: %[[R:.*]] = octet.clamp %[[S]] {min = 0.000000e+00 : f32} : tensor<8x!quant.uniform<u8:f32, 1.000000e-01:7>>
// CHECK: return %[[R]]
func.func @add_relu(%aq: tensor<8x!a>, %bq: tensor<8x!b>) -> tensor<8x!y> {
  %a = octet.dequantize %aq : tensor<8x!a> -> tensor<8xf32>
  %b = octet.dequantize %bq : tensor<8x!b> -> tensor<8xf32>
  %s = octet.add %a, %b : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %r = octet.clamp %s {min = 0.0 : f32} : tensor<8xf32> -> tensor<8xf32>
  %q = octet.quantize %r : tensor<8xf32> -> tensor<8x!y>
  return %q : tensor<8x!y>
}

// -----

!a = !quant.uniform<u8:f32, 0.05:128>
!y = !quant.uniform<u8:f32, 0.1:7>

// CHECK-LABEL: func @pools_and_sigmoid
// CHECK: %[[A:.*]] = octet.avg_pool2d %arg0 {{.*}} -> tensor<1x2x2x2x!quant.uniform<u8:f32, 1.000000e-01:7>>
// CHECK: %[[G:.*]] = octet.global_avg_pool2d %arg0 : {{.*}} -> tensor<1x2x1x1x!quant.uniform<u8:f32, 1.000000e-01:7>>
// CHECK: %[[S:.*]] = octet.sigmoid %arg0 : {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 1.000000e-01:7>>
// CHECK: %[[M:.*]] = octet.mul %arg0, %arg0 : {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 1.000000e-01:7>>
// CHECK: return %[[A]], %[[G]], %[[S]], %[[M]]
func.func @pools_and_sigmoid(%xq: tensor<1x2x4x4x!a>) -> (tensor<1x2x2x2x!y>, tensor<1x2x1x1x!y>, tensor<1x2x4x4x!y>, tensor<1x2x4x4x!y>) {
  %x = octet.dequantize %xq : tensor<1x2x4x4x!a> -> tensor<1x2x4x4xf32>
  %a = octet.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %aq = octet.quantize %a : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!y>
  %g = octet.global_avg_pool2d %x : tensor<1x2x4x4xf32> -> tensor<1x2x1x1xf32>
  %gq = octet.quantize %g : tensor<1x2x1x1xf32> -> tensor<1x2x1x1x!y>
  %s = octet.sigmoid %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %sq = octet.quantize %s : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!y>
  %m = octet.mul %x, %x : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %mq = octet.quantize %m : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!y>
  return %aq, %gq, %sq, %mq : tensor<1x2x2x2x!y>, tensor<1x2x1x1x!y>, tensor<1x2x4x4x!y>, tensor<1x2x4x4x!y>
}

// -----

!a = !quant.uniform<u8:f32, 0.05:128>
!y = !quant.uniform<u8:f32, 0.1:7>

// Data movement keeps the input quantization; other output parameters
// become a requantize.
// CHECK-LABEL: func @data_movement
// CHECK: %[[P:.*]] = octet.max_pool2d %arg0 {{.*}} -> tensor<1x2x2x2x!quant.uniform<u8:f32, 5.000000e-02:128>>
// CHECK: %[[R:.*]] = octet.reshape %[[P]] : {{.*}} -> tensor<1x8x!quant.uniform<u8:f32, 5.000000e-02:128>>
// CHECK: %[[T:.*]] = octet.transpose %arg0 {{.*}} -> tensor<1x4x4x2x!quant.uniform<u8:f32, 5.000000e-02:128>>
// CHECK: %[[Q:.*]] = octet.requantize %[[T]] : {{.*}} -> tensor<1x4x4x2x!quant.uniform<u8:f32, 1.000000e-01:7>>
// CHECK: return %[[R]], %[[Q]]
func.func @data_movement(%xq: tensor<1x2x4x4x!a>) -> (tensor<1x8x!a>, tensor<1x4x4x2x!y>) {
  %x = octet.dequantize %xq : tensor<1x2x4x4x!a> -> tensor<1x2x4x4xf32>
  %p = octet.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %pq = octet.quantize %p : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!a>
  %pd = octet.dequantize %pq : tensor<1x2x2x2x!a> -> tensor<1x2x2x2xf32>
  %r = octet.reshape %pd : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %rq = octet.quantize %r : tensor<1x8xf32> -> tensor<1x8x!a>
  %t = octet.transpose %x {perm = array<i64: 0, 2, 3, 1>} : tensor<1x2x4x4xf32> -> tensor<1x4x4x2xf32>
  %tq = octet.quantize %t : tensor<1x4x4x2xf32> -> tensor<1x4x4x2x!y>
  return %rq, %tq : tensor<1x8x!a>, tensor<1x4x4x2x!y>
}

// -----

!a = !quant.uniform<u8:f32, 0.05:128>
!b = !quant.uniform<u8:f32, 0.02:100>
!y = !quant.uniform<u8:f32, 0.1:7>

// Concat of differently quantized operands requantizes them to the output.
// CHECK-LABEL: func @concat
// CHECK-DAG: %[[A:.*]] = octet.requantize %arg0 : {{.*}} -> tensor<2x!quant.uniform<u8:f32, 1.000000e-01:7>>
// CHECK-DAG: %[[B:.*]] = octet.requantize %arg1 : {{.*}} -> tensor<2x!quant.uniform<u8:f32, 1.000000e-01:7>>
// CHECK: %[[C:.*]] = octet.concat %[[A]], %[[B]] {axis = 0 : i64} {{.*}} -> tensor<4x!quant.uniform<u8:f32, 1.000000e-01:7>>
// CHECK: return %[[C]]
func.func @concat(%aq: tensor<2x!a>, %bq: tensor<2x!b>) -> tensor<4x!y> {
  %a = octet.dequantize %aq : tensor<2x!a> -> tensor<2xf32>
  %b = octet.dequantize %bq : tensor<2x!b> -> tensor<2xf32>
  %c = octet.concat %a, %b {axis = 0 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  %q = octet.quantize %c : tensor<4xf32> -> tensor<4x!y>
  return %q : tensor<4x!y>
}

// -----

!a = !quant.uniform<u8:f32, 0.05:128>

// A float island between dequantize and quantize stays float (layer norm);
// softmax on 8-bit values becomes a quantized softmax (ORT's QLinearSoftmax).
// CHECK-LABEL: func @float_island
// CHECK: %[[D:.*]] = octet.dequantize %arg0
// CHECK: %[[L:.*]] = octet.layer_norm %[[D]]
// CHECK: %[[Q:.*]] = octet.quantize %[[L]]
// CHECK: %[[S:.*]] = octet.softmax %arg0 {axis = 1 : i64} : tensor<2x4x!quant.uniform<u8:f32, 5.000000e-02:128>> -> tensor<2x4x!quant.uniform<u8:f32, 5.000000e-02:128>>
// CHECK: return %[[Q]], %[[S]]
func.func @float_island(%xq: tensor<2x4x!a>) -> (tensor<2x4x!a>, tensor<2x4x!a>) {
  %x = octet.dequantize %xq : tensor<2x4x!a> -> tensor<2x4xf32>
  %g = arith.constant dense<1.0> : tensor<4xf32>
  %bb = arith.constant dense<0.0> : tensor<4xf32>
  %l = octet.layer_norm %x, %g, %bb {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %lq = octet.quantize %l : tensor<2x4xf32> -> tensor<2x4x!a>
  %s = octet.softmax %x {axis = 1 : i64} : tensor<2x4xf32> -> tensor<2x4xf32>
  %q = octet.quantize %s : tensor<2x4xf32> -> tensor<2x4x!a>
  return %lq, %q : tensor<2x4x!a>, tensor<2x4x!a>
}

// -----

!a = !quant.uniform<u8:f32, 0.05:128>
!b = !quant.uniform<i8:f32, 0.02>

// CHECK-LABEL: func @qdq_pairs
// CHECK: %[[R:.*]] = octet.requantize %arg0 : tensor<4x!quant.uniform<u8:f32, 5.000000e-02:128>> -> tensor<4x!quant.uniform<i8:f32, 2.000000e-02>>
// CHECK: return %arg0, %[[R]]
func.func @qdq_pairs(%xq: tensor<4x!a>) -> (tensor<4x!a>, tensor<4x!b>) {
  %x = octet.dequantize %xq : tensor<4x!a> -> tensor<4xf32>
  %same = octet.quantize %x : tensor<4xf32> -> tensor<4x!a>
  %other = octet.quantize %x : tensor<4xf32> -> tensor<4x!b>
  return %same, %other : tensor<4x!a>, tensor<4x!b>
}

// -----

// Activations re-scale: the quantized op takes the quantize's parameters.
!x = !quant.uniform<u8:f32, 0.05:128>
!y = !quant.uniform<u8:f32, 0.02:10>
// CHECK-LABEL: func @activations
// CHECK-NOT: octet.dequantize
// CHECK: %[[L:.*]] = octet.leaky_relu %arg0 {alpha = 1.000000e-01 : f32} : tensor<8x!quant.uniform<u8:f32, 5.000000e-02:128>> -> tensor<8x!quant.uniform<u8:f32, 2.000000e-02:10>>
// CHECK: %[[H:.*]] = octet.hard_swish %arg0 : {{.*}} -> tensor<8x!quant.uniform<u8:f32, 2.000000e-02:10>>
// CHECK: %[[M:.*]] = octet.max %arg0, %arg1 : {{.*}} -> tensor<8x!quant.uniform<u8:f32, 2.000000e-02:10>>
// CHECK-NOT: octet.quantize
// CHECK: return %[[L]], %[[H]], %[[M]]
func.func @activations(%xq: tensor<8x!x>, %zq: tensor<8x!y>) -> (tensor<8x!y>, tensor<8x!y>, tensor<8x!y>) {
  %x = octet.dequantize %xq : tensor<8x!x> -> tensor<8xf32>
  %z = octet.dequantize %zq : tensor<8x!y> -> tensor<8xf32>
  %l = octet.leaky_relu %x {alpha = 0.1 : f32} : tensor<8xf32> -> tensor<8xf32>
  %lq = octet.quantize %l : tensor<8xf32> -> tensor<8x!y>
  %h = octet.hard_swish %x : tensor<8xf32> -> tensor<8xf32>
  %hq = octet.quantize %h : tensor<8xf32> -> tensor<8x!y>
  %m = octet.max %x, %z : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %mq = octet.quantize %m : tensor<8xf32> -> tensor<8x!y>
  return %lq, %hq, %mq : tensor<8x!y>, tensor<8x!y>, tensor<8x!y>
}

// -----

// Pad, tile and nearest resizing move data: they keep the input's
// parameters; linear resizing re-scales.
!x = !quant.uniform<u8:f32, 0.05:128>
// CHECK-LABEL: func @pad_tile_resize
// CHECK-NOT: octet.dequantize
// CHECK: %[[P:.*]] = octet.pad %arg0 {{.*}} -> tensor<1x6x!quant.uniform<u8:f32, 5.000000e-02:128>>
// CHECK: %[[T:.*]] = octet.tile %arg0 {{.*}} -> tensor<2x4x!quant.uniform<u8:f32, 5.000000e-02:128>>
// CHECK: %[[N:.*]] = octet.resize %arg0 {{.*}}mode = "nearest"{{.*}} -> tensor<2x8x!quant.uniform<u8:f32, 5.000000e-02:128>>
// CHECK: %[[L:.*]] = octet.resize %arg0 {{.*}}mode = "linear"{{.*}} -> tensor<2x8x!quant.uniform<u8:f32, 5.000000e-02:128>>
// CHECK-NOT: octet.quantize
// CHECK: return %[[P]], %[[T]], %[[N]], %[[L]]
func.func @pad_tile_resize(%xq: tensor<1x4x!x>) -> (tensor<1x6x!x>, tensor<2x4x!x>, tensor<2x8x!x>, tensor<2x8x!x>) {
  %x = octet.dequantize %xq : tensor<1x4x!x> -> tensor<1x4xf32>
  %p = octet.pad %x {pads = array<i64: 0, 1, 0, 1>} : tensor<1x4xf32> -> tensor<1x6xf32>
  %pq = octet.quantize %p : tensor<1x6xf32> -> tensor<1x6x!x>
  %t = octet.tile %x {repeats = array<i64: 2, 1>} : tensor<1x4xf32> -> tensor<2x4xf32>
  %tq = octet.quantize %t : tensor<2x4xf32> -> tensor<2x4x!x>
  %n = octet.resize %x {mode = "nearest", coordinate_mode = "asymmetric", scales = array<f32: 2.0, 2.0>} : tensor<1x4xf32> -> tensor<2x8xf32>
  %nq = octet.quantize %n : tensor<2x8xf32> -> tensor<2x8x!x>
  %l = octet.resize %x {mode = "linear", coordinate_mode = "half_pixel", scales = array<f32: 2.0, 2.0>} : tensor<1x4xf32> -> tensor<2x8xf32>
  %lq = octet.quantize %l : tensor<2x8xf32> -> tensor<2x8x!x>
  return %pq, %tq, %nq, %lq : tensor<1x6x!x>, tensor<2x4x!x>, tensor<2x8x!x>, tensor<2x8x!x>
}

// -----

// Data movement after a dequantize moves the dequantize down: reshape and
// zero padding run on stored values. A non-zero pad value stays in float.
!x = !quant.uniform<u8:f32, 0.05:128>
// CHECK-LABEL: func @hoist_dequantize
// CHECK: %[[R:.*]] = octet.reshape %arg0 : (tensor<2x3x!quant.uniform<u8:f32, 5.000000e-02:128>>) -> tensor<6x!quant.uniform<u8:f32, 5.000000e-02:128>>
// CHECK: %[[D2:.*]] = octet.dequantize %[[R]]
// CHECK: %[[P:.*]] = octet.pad %[[R]] {pads = array<i64: 1, 1>} : {{.*}} -> tensor<8x!quant.uniform<u8:f32, 5.000000e-02:128>>
// CHECK: %[[D:.*]] = octet.dequantize %[[P]]
// CHECK: %[[F:.*]] = octet.pad %[[D2]] {{.*}}value = 1.500000e+00 : f32{{.*}} : tensor<6xf32> -> tensor<8xf32>
// CHECK: return %[[D]], %[[F]]
func.func @hoist_dequantize(%xq: tensor<2x3x!x>) -> (tensor<8xf32>, tensor<8xf32>) {
  %x = octet.dequantize %xq : tensor<2x3x!x> -> tensor<2x3xf32>
  %r = octet.reshape %x : (tensor<2x3xf32>) -> tensor<6xf32>
  %p = octet.pad %r {pads = array<i64: 1, 1>} : tensor<6xf32> -> tensor<8xf32>
  %f = octet.pad %r {pads = array<i64: 1, 1>, value = 1.5 : f32} : tensor<6xf32> -> tensor<8xf32>
  return %p, %f : tensor<8xf32>, tensor<8xf32>
}
