// f32 direct convolutions that hand their output on in registers or in the
// next kernel's layout: a convolution whose one consumer is a stride-1
// convolution with same-padded rows writes its planes straight into that
// consumer's padded rows (zeros around each plane, the consumer's
// regrouping copy gone); a convolution whose one consumer is a MaxPool, on
// planes of at most 96 pixels with AVX-512, pools them in its epilogue; a
// convolution whose one consumer is a residual Add adds the other operand
// (and applies the ReLU after it) in its epilogue. Also: strided 1x1
// convolutions on a strided copy of their input, 1x1 convolutions over
// large inputs in pixel chunks, SiLU (a sigmoid and the product) applied
// before the stores, 3x3/2 stems over channel vectors or space-to-depth, and convolutions
// on small planes or strided with vectors over output channels.
// RUN: octet-opt %s --convert-octet-to-cpu=isa=avx512vnni -split-input-file | FileCheck %s --check-prefixes=CHECK,ZMM
// RUN: octet-opt %s --convert-octet-to-cpu=isa=avx2 -split-input-file | FileCheck %s --check-prefixes=CHECK,YMM

// The digits model's layers: conv1 (1 -> 4 channels) writes 8x8 planes at
// offset 9 (one pad row of 8 and one pad column) of rows of 112 floats,
// the padding zeroed first; conv2 reads that buffer (no second buffer of
// the layout). With AVX-512, conv2's tile holds whole planes and the 2x2/2
// pool is two row shuffles and two column shuffles of the plane: the
// result is [1, 8, 16] pooled floats, no 8x8 plane stored or read back.
// Without AVX-512 the pool stays a kernel of its own.
// CHECK-LABEL: func @conv_conv_pool
// CHECK: %[[ROWS:.*]] = tensor.empty() : tensor<1x4x112xf32>
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %c0{{.*}}] {in_bounds = [true]} : vector<16xf32>, tensor<1x4x112xf32>
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %c73{{.*}}] {in_bounds = [true]} : vector<16xf32>, tensor<1x4x112xf32>
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %c89{{.*}}] {in_bounds = [true]} : vector<16xf32>, tensor<1x4x112xf32>
// CHECK-NOT: %c96
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 9] [1, 4, 64] [1, 1, 1] {octet_cpu.zero_padded_rows}
// CHECK-NOT: tensor.empty() : tensor<1x4x112xf32>
// ZMM: tensor.empty() : tensor<1x8x16xf32>
// ZMM-NOT: tensor.empty() : tensor<1x8x64xf32>
// ZMM: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23, 32, {{.*}}] : vector<64xf32>, vector<64xf32>
// ZMM: vector.shuffle %{{.*}}, %{{.*}} [8, 9, 10, 11, 12, 13, 14, 15, 24, {{.*}}] : vector<64xf32>, vector<64xf32>
// ZMM: arith.maximumf %{{.*}}, %{{.*}} : vector<32xf32>
// ZMM: vector.shuffle %{{.*}}, %{{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, {{.*}}] : vector<32xf32>, vector<32xf32>
// ZMM: vector.shuffle %{{.*}}, %{{.*}} [1, 3, 5, 7, 9, 11, 13, 15, 17, {{.*}}] : vector<32xf32>, vector<32xf32>
// ZMM: arith.maximumf %{{.*}}, %{{.*}} : vector<16xf32>
// ZMM: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<16xf32>, tensor<1x8x16xf32>
// ZMM-NOT: vector.transfer_read {{.*}} vector<64xf32>
// YMM: tensor.empty() : tensor<1x8x64xf32>
// YMM: vector.transfer_read {{.*}} : tensor<1x8x64xf32>, vector<64xf32>
func.func @conv_conv_pool(%x: tensor<1x1x8x8xf32>) -> tensor<1x8x4x4xf32> {
  %w1 = arith.constant dense<0.5> : tensor<4x1x3x3xf32>
  %b1 = arith.constant dense<0.25> : tensor<4xf32>
  %w2 = arith.constant dense<-0.125> : tensor<8x4x3x3xf32>
  %b2 = arith.constant dense<1.0> : tensor<8xf32>
  %0 = octet.conv2d %x, %w1, %b1 {activation = "relu", dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %1 = octet.conv2d %0, %w2, %b2 {activation = "relu", dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %2 = octet.max_pool2d %1 {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x8x8xf32> -> tensor<1x8x4x4xf32>
  return %2 : tensor<1x8x4x4xf32>
}

// -----

// A second reader of conv1's output (here the function's result): no
// padded rows, each convolution on its own buffers.
// CHECK-LABEL: func @shared_output
// CHECK-NOT: octet_cpu.zero_padded_rows
// CHECK: return
func.func @shared_output(%x: tensor<1x1x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x8x8x8xf32>) {
  %w1 = arith.constant dense<0.5> : tensor<4x1x3x3xf32>
  %b1 = arith.constant dense<0.25> : tensor<4xf32>
  %w2 = arith.constant dense<-0.125> : tensor<8x4x3x3xf32>
  %b2 = arith.constant dense<1.0> : tensor<8xf32>
  %0 = octet.conv2d %x, %w1, %b1 {activation = "relu", dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %1 = octet.conv2d %0, %w2, %b2 {activation = "none", dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  return %0, %1 : tensor<1x4x8x8xf32>, tensor<1x8x8x8xf32>
}

// -----

// A pool on planes of more than 96 pixels (12x12) stays a kernel of its
// own; the convolution stores its planes.
// CHECK-LABEL: func @large_planes
// CHECK: tensor.empty() : tensor<1x4x144xf32>
// CHECK: tensor.empty() : tensor<1x4x36xf32>
func.func @large_planes(%x: tensor<1x2x12x12xf32>) -> tensor<1x4x6x6xf32> {
  %w = arith.constant dense<0.5> : tensor<4x2x3x3xf32>
  %b = arith.constant dense<0.25> : tensor<4xf32>
  %0 = octet.conv2d %x, %w, %b {activation = "relu", dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x12x12xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x12x12xf32>
  %1 = octet.max_pool2d %0 {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x4x12x12xf32> -> tensor<1x4x6x6xf32>
  return %1 : tensor<1x4x6x6xf32>
}

// -----

// A stride-2 3x3 convolution over 5 channels (im2col rows times the weight: a GEMM whose
// [pixels, channels] result is transposed to NCHW) applies its ReLU to each
// transposed vector before it is stored: no elementwise pass of its own.
// CHECK-LABEL: func @strided_relu
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NEXT: vector.transfer_write %{{.*}} : vector<16xf32>, tensor<1x16x64xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @strided_relu(%x: tensor<1x5x16x16xf32>) -> tensor<1x16x8x8xf32> {
  %w = arith.constant dense<0.5> : tensor<16x5x3x3xf32>
  %b = arith.constant dense<0.25> : tensor<16xf32>
  %0 = octet.conv2d %x, %w, %b {activation = "relu", dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x5x16x16xf32>, tensor<16x5x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// A 5x5 depthwise convolution with 7x7 output planes (EfficientNet's last
// stages) runs on the direct kernel (FMAs on 16-lane pixel vectors), not on
// the scalar generic loops.
// CHECK-LABEL: func @depthwise_narrow
// CHECK: vector.fma %{{.*}} : vector<16xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @depthwise_narrow(%x: tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32> {
  %w = arith.constant dense<0.5> : tensor<32x1x5x5xf32>
  %b = arith.constant dense<0.25> : tensor<32xf32>
  %0 = octet.conv2d %x, %w, %b {activation = "none", dilations = array<i64: 1, 1>, group = 32 : i64, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x32x7x7xf32>, tensor<32x1x5x5xf32>, tensor<32xf32>) -> tensor<1x32x7x7xf32>
  return %0 : tensor<1x32x7x7xf32>
}

// -----

// A 1x1 convolution without padding reads its input's planes in place: no
// regrouped copy of them; the last pixel vector of each 14x14 plane (lanes
// 192-207 of 196) is a masked read.
// CHECK-LABEL: func @pointwise
// CHECK-NOT: tensor.empty() : tensor<1x8x224xf32>
// CHECK: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<1x8x196xf32>, vector<16xf32>
// CHECK: vector.transfer_read %{{[a-z_0-9]+}}[%{{.*}}], %{{[a-z_0-9]+}} : tensor<1x8x196xf32>, vector<16xf32>
// CHECK-NOT: tensor.empty() : tensor<1x8x224xf32>
// CHECK: return
func.func @pointwise(%x: tensor<1x8x14x14xf32>) -> tensor<1x16x14x14xf32> {
  %w = arith.constant dense<0.5> : tensor<16x8x1x1xf32>
  %b = arith.constant dense<0.25> : tensor<16xf32>
  %0 = octet.conv2d %x, %w, %b {activation = "none", dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x14x14xf32>, tensor<16x8x1x1xf32>, tensor<16xf32>) -> tensor<1x16x14x14xf32>
  return %0 : tensor<1x16x14x14xf32>
}

// -----

// A convolution whose one reader is an Add (the residual connection), read
// by a ReLU: the kernel adds the Add's other operand (here its left one,
// kept on the left) to each output vector and clamps it before the store;
// no elementwise op is left; the tile asks for the residual's lines
// (octet_cpu.prefetch) before its products. The weight is laid out for
// 4-row tiles, the 4 rows' weights interleaved ([ceil(F / 4), C, KH, KW,
// 4]).
// CHECK-LABEL: func @residual_relu
// CHECK: arith.constant dense<5.000000e-01> : tensor<3x8x1x1x4xf32>
// CHECK: %[[RES:.*]] = tensor.collapse_shape %arg1 {{.*}} into tensor<1x12x256xf32>
// CHECK: octet_cpu.prefetch %[[RES]][{{.*}}] : tensor<1x12x256xf32>
// CHECK: vector.fma
// CHECK: %[[R:.*]] = vector.transfer_read %[[RES]][{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<1x12x256xf32>, vector<16xf32>
// CHECK: %[[S:.*]] = arith.addf %[[R]], %{{.*}} : vector<16xf32>
// CHECK: arith.maximumf %[[S]], %{{.*}} : vector<16xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @residual_relu(%x: tensor<1x8x16x16xf32>, %s: tensor<1x12x16x16xf32>) -> tensor<1x12x16x16xf32> {
  %w = arith.constant dense<0.5> : tensor<12x8x1x1xf32>
  %b = arith.constant dense<0.25> : tensor<12xf32>
  %0 = octet.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x16x16xf32>, tensor<12x8x1x1xf32>, tensor<12xf32>) -> tensor<1x12x16x16xf32>
  %1 = octet.add %s, %0 : tensor<1x12x16x16xf32>, tensor<1x12x16x16xf32> -> tensor<1x12x16x16xf32>
  %2 = octet.clamp %1 {min = 0.0 : f32} : tensor<1x12x16x16xf32> -> tensor<1x12x16x16xf32>
  return %2 : tensor<1x12x16x16xf32>
}

// -----

// The Add's other operand computed after the convolution (a shortcut
// convolution later in the block): not read by the first one, whose result
// the shortcut's kernel adds instead.
// CHECK-LABEL: func @residual_later
// CHECK: %[[Y1:.*]] = tensor.expand_shape %{{.*}} output_shape [1, 12, 16, 16]
// CHECK: tensor.collapse_shape %[[Y1]] {{.*}} into tensor<1x12x256xf32>
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @residual_later(%x: tensor<1x8x16x16xf32>) -> tensor<1x12x16x16xf32> {
  %w = arith.constant dense<0.5> : tensor<12x8x1x1xf32>
  %w2 = arith.constant dense<-0.5> : tensor<12x8x1x1xf32>
  %b = arith.constant dense<0.25> : tensor<12xf32>
  %0 = octet.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x16x16xf32>, tensor<12x8x1x1xf32>, tensor<12xf32>) -> tensor<1x12x16x16xf32>
  %1 = octet.conv2d %x, %w2, %b {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x16x16xf32>, tensor<12x8x1x1xf32>, tensor<12xf32>) -> tensor<1x12x16x16xf32>
  %2 = octet.add %0, %1 : tensor<1x12x16x16xf32>, tensor<1x12x16x16xf32> -> tensor<1x12x16x16xf32>
  return %2 : tensor<1x12x16x16xf32>
}

// -----

// A strided 1x1 convolution without padding: the strided rows and columns
// of its input copied into planes of their own (one generic), then the
// stride-1 kernel; no channels-last transpose for im2col.
// CHECK-LABEL: func @strided_pointwise
// CHECK: linalg.generic {indexing_maps = [#[[PICK:map[0-9]*]], #{{.*}}]{{.*}} ins(%arg0 : tensor<1x8x32x32xf32>) outs(%{{.*}} : tensor<1x8x16x16xf32>)
// CHECK: vector.fma
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @strided_pointwise(%x: tensor<1x8x32x32xf32>) -> tensor<1x16x16x16xf32> {
  %w = arith.constant dense<0.5> : tensor<16x8x1x1xf32>
  %b = arith.constant dense<0.25> : tensor<16xf32>
  %0 = octet.conv2d %x, %w, %b {activation = "relu", dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x8x32x32xf32>, tensor<16x8x1x1xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  return %0 : tensor<1x16x16x16xf32>
}

// -----

// A 1x1 convolution over an input too large for the L2 cache (64 channels
// of 48x48 floats, 594 KB): with AVX-512 its 144 pixel vectors run in 3
// chunks of 48, each chunk's tiles for every block of output channels in
// turn (a parallel loop over the chunks, the vectors of chunk c from 48 c).
// Without AVX-512, blocks of output channels over the whole image.
// CHECK-LABEL: func @chunks
// ZMM: scf.for %[[C:.*]] = %c0{{.*}} to %c3 step %c1
// ZMM: %[[V0:.*]] = arith.muli %[[C]], %c48
// ZMM: scf.for %{{.*}} = %c0{{.*}} to %c8{{.*}} step %c4
// ZMM: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c4
// YMM-NOT: to %c3 step %c1
// CHECK: return
func.func @chunks(%x: tensor<1x64x48x48xf32>) -> tensor<1x8x48x48xf32> {
  %w = arith.constant dense<0.5> : tensor<8x64x1x1xf32>
  %b = arith.constant dense<0.25> : tensor<8xf32>
  %0 = octet.conv2d %x, %w, %b {activation = "relu", dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x64x48x48xf32>, tensor<8x64x1x1xf32>, tensor<8xf32>) -> tensor<1x8x48x48xf32>
  return %0 : tensor<1x8x48x48xf32>
}

// -----

// SiLU after a convolution (its result read only by a sigmoid and by the
// product of the two): 1 / (1 + exp(-y)) (sigmoidFloat: exp(-y) from
// the exponent bits and a polynomial) and y * s on the accumulators before
// the store; no elementwise op is left.
// CHECK-LABEL: func @silu
// CHECK: vector.fma
// CHECK: arith.cmpf ogt, %[[Y:.*]], %{{.*}} : vector<16xf32>
// CHECK: arith.shli %{{.*}} : vector<16xi32>
// CHECK: %[[S:.*]] = arith.divf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: arith.mulf %[[Y]], %[[S]] : vector<16xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @silu(%x: tensor<1x8x16x16xf32>) -> tensor<1x12x16x16xf32> {
  %w = arith.constant dense<0.5> : tensor<12x8x1x1xf32>
  %b = arith.constant dense<0.25> : tensor<12xf32>
  %0 = octet.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x16x16xf32>, tensor<12x8x1x1xf32>, tensor<12xf32>) -> tensor<1x12x16x16xf32>
  %1 = octet.sigmoid %0 : tensor<1x12x16x16xf32> -> tensor<1x12x16x16xf32>
  %2 = octet.mul %0, %1 : tensor<1x12x16x16xf32>, tensor<1x12x16x16xf32> -> tensor<1x12x16x16xf32>
  return %2 : tensor<1x12x16x16xf32>
}

// -----

// A stem's 3x3/2 convolution over 3 channels runs with vectors over its
// output channels (27 products per output, the weight packed [1, 3, 3, 3,
// 16] with AVX-512, [2, 3, 3, 3, 8] with AVX2, the tiles transposed into
// rows). With AVX2, rows of 4 pixels (8 accumulators and a kernel row's
// 6 weight vectors), stored in plain pieces, not under masks. Not as
// im2col rows [pixels, 3, 9] and a product transposed back to NCHW, nor
// through space-to-depth (12 channels, 2x2 taps, 7 of 16 zero).
// CHECK-LABEL: func @stem
// CHECK-NOT: x3x9xf32
// CHECK-NOT: tensor<1x12x
// ZMM: arith.constant dense_resource<octet_const> : tensor<1x3x3x3x16xf32>
// YMM: arith.constant dense_resource<octet_const> : tensor<2x3x3x3x8xf32>
// ZMM: vector.fma %{{.*}} : vector<16xf32>
// YMM: vector.fma %{{.*}} : vector<8xf32>
// CHECK: vector.shuffle
// YMM-NOT: vector<8xi1>
// YMM: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<4xf32>, tensor<1x16x256xf32>
// CHECK-NOT: x3x9xf32
// CHECK: return
func.func @stem(%x: tensor<1x3x32x32xf32>) -> tensor<1x16x16x16xf32> {
  %w = arith.constant dense<0.5> : tensor<16x3x3x3xf32>
  %b = arith.constant dense<0.25> : tensor<16xf32>
  %0 = octet.conv2d %x, %w, %b {activation = "relu", dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  return %0 : tensor<1x16x16x16xf32>
}

// -----

// A 3x3 convolution with 7x7 output planes and 32 output channels (576
// products per output): vectors of 16 output channels (pixel vectors
// would lose 15 of 64 lanes), the weight packed [F/16, C, KH, KW, 16] and
// the 9x9 padded planes' elements broadcast; each tile of 7 pixels by 16
// channels is transposed (shuffles) into rows of 7 pixels, stored under a
// mask of 7 lanes. With AVX2, vectors of 8 channels packed [F/8, C, KH,
// KW, 8], rows of 7 in segments of 4 and 3 pixels, each stored in plain
// pieces of 4, 2 and 1 (a masked store costs far more on AMD cores).
// CHECK-LABEL: func @over_channels
// ZMM: tensor.collapse_shape %{{.*}} into tensor<1x64x81xf32>
// ZMM: arith.constant dense_resource<octet_const> : tensor<2x64x3x3x16xf32>
// ZMM: tensor.extract %{{.*}} : tensor<1x64x81xf32>
// ZMM: vector.fma %{{.*}} : vector<16xf32>
// ZMM: arith.constant dense<[true, true, true, true, true, true, true, false]> : vector<8xi1>
// ZMM: arith.maximumf %{{.*}} : vector<16xf32>
// ZMM: vector.shuffle
// ZMM: vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [8], strides = [1]} : vector<16xf32> to vector<8xf32>
// ZMM: vector.transfer_write %{{.*}}, %{{.*}} : vector<8xf32>, tensor<1x32x49xf32>
// YMM: tensor.collapse_shape %{{.*}} into tensor<1x64x81xf32>
// YMM: arith.constant dense_resource<octet_const> : tensor<4x64x3x3x8xf32>
// YMM: vector.fma %{{.*}} : vector<8xf32>
// YMM: vector.shuffle
// YMM-NOT: vector<8xi1>
// YMM: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<4xf32>, tensor<1x32x49xf32>
// YMM: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<2xf32>, tensor<1x32x49xf32>
// YMM: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<1xf32>, tensor<1x32x49xf32>
// CHECK: return
func.func @over_channels(%x: tensor<1x64x7x7xf32>) -> tensor<1x32x7x7xf32> {
  %w = arith.constant dense<0.5> : tensor<32x64x3x3xf32>
  %b = arith.constant dense<0.25> : tensor<32xf32>
  %0 = octet.conv2d %x, %w, %b {activation = "relu", dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x64x7x7xf32>, tensor<32x64x3x3xf32>, tensor<32xf32>) -> tensor<1x32x7x7xf32>
  return %0 : tensor<1x32x7x7xf32>
}

// -----

// The same kernel at stride 2 (14x14 -> 7x7, no im2col rows): a row of 7
// pixels reads 15 distinct elements per kernel row, too many to keep in
// registers with the accumulators, so the taps run outside the channel
// loop and the weight is packed [F/16, KH, KW, C, 16]. A residual Add (its
// graph input on the right) and a ReLU after it run on the transposed rows:
// masked reads of 7 pixels of the other operand, no elementwise op left.
// CHECK-LABEL: func @over_channels_residual
// ZMM: %[[RES:.*]] = tensor.collapse_shape %arg1 {{.*}} into tensor<1x32x49xf32>
// ZMM: arith.constant dense_resource<octet_const> : tensor<2x3x3x64x16xf32>
// ZMM: octet_cpu.prefetch %[[RES]][{{.*}}] : tensor<1x32x49xf32>
// ZMM: vector.fma %{{.*}} : vector<16xf32>
// ZMM: vector.shuffle
// ZMM: %[[R:.*]] = vector.transfer_read %[[RES]][{{.*}}], %{{.*}}, %{{.*}} : tensor<1x32x49xf32>, vector<8xf32>
// ZMM: %[[S:.*]] = arith.addf %{{.*}}, %[[R]] : vector<8xf32>
// ZMM: arith.maximumf %[[S]], %{{.*}} : vector<8xf32>
// ZMM: vector.transfer_write %{{.*}} : vector<8xf32>, tensor<1x32x49xf32>
// ZMM-NOT: linalg.generic
// CHECK: return
func.func @over_channels_residual(%x: tensor<1x64x14x14xf32>, %s: tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32> {
  %w = arith.constant dense<0.5> : tensor<32x64x3x3xf32>
  %b = arith.constant dense<0.25> : tensor<32xf32>
  %0 = octet.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x64x14x14xf32>, tensor<32x64x3x3xf32>, tensor<32xf32>) -> tensor<1x32x7x7xf32>
  %1 = octet.add %0, %s : tensor<1x32x7x7xf32>, tensor<1x32x7x7xf32> -> tensor<1x32x7x7xf32>
  %2 = octet.clamp %1 {min = 0.0 : f32} : tensor<1x32x7x7xf32> -> tensor<1x32x7x7xf32>
  return %2 : tensor<1x32x7x7xf32>
}

// -----

// A strided depthwise convolution (3x3/2, pads 1) reads its input planes
// as they are: per tap a read of 32 elements and a shuffle
// that keeps every other one (zeros for the taps in the left padding), no
// padded copy and no space-to-depth regrouping; rows of 10 outputs are
// stored under a mask. The same IR without AVX-512 (LLVM splits the
// vectors).
// CHECK-LABEL: func @depthwise_strided
// CHECK: %[[X:.*]] = tensor.collapse_shape %arg0 {{.*}} into tensor<1x8x400xf32>
// CHECK-NOT: tensor<1x8x22x22xf32>
// CHECK-NOT: tensor<1x32x
// CHECK: vector.transfer_read %[[X]][{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<1x8x400xf32>, vector<32xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [32, 1, 3, 5, 7, 9, 11, 13, 15, 17, 32, 32, 32, 32, 32, 32] : vector<32xf32>, vector<32xf32>
// CHECK: vector.fma %{{.*}} : vector<16xf32>
// CHECK: arith.maximumf
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[{{.*}}], %{{.*}} : vector<16xf32>, tensor<1x8x100xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @depthwise_strided(%x: tensor<1x8x20x20xf32>) -> tensor<1x8x10x10xf32> {
  %w = arith.constant dense<0.5> : tensor<8x1x3x3xf32>
  %b = arith.constant dense<0.25> : tensor<8xf32>
  %0 = octet.conv2d %x, %w, %b {activation = "relu", dilations = array<i64: 1, 1>, group = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x20x20xf32>, tensor<8x1x3x3xf32>, tensor<8xf32>) -> tensor<1x8x10x10xf32>
  return %0 : tensor<1x8x10x10xf32>
}

// -----

// A strided grouped convolution whose groups have 16 output channels (a
// RegNet 3x3/2: 2 groups of 16) runs with vectors over each group's output
// channels, one vector per tile, each reading its own group's 16 input
// channels: no space-to-depth copy (tensor<1x128x...>) and no zero taps.
// CHECK-LABEL: func @over_channels_grouped
// ZMM: arith.constant dense_resource<octet_const> : tensor<2x16x3x3x16xf32>
// ZMM-NOT: tensor<1x128x
// ZMM: vector.fma
// ZMM: vector.shuffle
// ZMM: vector.transfer_write %{{.*}} : vector<8xf32>, tensor<1x32x49xf32>
// YMM: arith.constant dense_resource<octet_const> : tensor<4x16x3x3x8xf32>
// CHECK-NOT: tensor<1x128x
// YMM: vector.fma %{{.*}} : vector<8xf32>
// CHECK: return
func.func @over_channels_grouped(%x: tensor<1x32x14x14xf32>) -> tensor<1x32x7x7xf32> {
  %w = arith.constant dense<0.5> : tensor<32x16x3x3xf32>
  %b = arith.constant dense<0.25> : tensor<32xf32>
  %0 = octet.conv2d %x, %w, %b {activation = "relu", dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x32x14x14xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x32x7x7xf32>
  return %0 : tensor<1x32x7x7xf32>
}

// -----

// A 1x1 convolution over 64 channels (64 products per output): with
// AVX-512, the direct kernel (pixel vectors); with AVX2, vectors of 8
// output channels over flat runs of 6 pixels (12 accumulators), the
// plane read as it is (no padded copy: constant offsets across rows too),
// weights packed [F/8, C, 1, 1, 8], rows stored in plain pieces of 4 and 2.
// CHECK-LABEL: func @pointwise
// ZMM-NOT: x1x1x8xf32
// YMM-NOT: tensor.empty() : tensor<1x64x
// YMM: arith.constant dense_resource<octet_const> : tensor<2x64x1x1x8xf32>
// YMM: vector.fma %{{.*}} : vector<8xf32>
// YMM: vector.shuffle
// YMM-NOT: vector<8xi1>
// YMM: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<4xf32>, tensor<1x16x256xf32>
// YMM: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<2xf32>, tensor<1x16x256xf32>
// CHECK: return
func.func @pointwise(%x: tensor<1x64x16x16xf32>) -> tensor<1x16x16x16xf32> {
  %w = arith.constant dense<0.5> : tensor<16x64x1x1xf32>
  %b = arith.constant dense<0.25> : tensor<16xf32>
  %0 = octet.conv2d %x, %w, %b {activation = "relu", dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x64x16x16xf32>, tensor<16x64x1x1xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  return %0 : tensor<1x16x16x16xf32>
}
