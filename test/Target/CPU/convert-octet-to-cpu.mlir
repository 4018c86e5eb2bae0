// The CPU lowering: the int8 kernels on octet_cpu ops with vnni=1, the generic fallback where no kernel fits, the f32 FMA conv kernel and the vector max pool.
// RUN: octet-opt %s --convert-octet-to-cpu=vnni=1 -split-input-file | FileCheck %s --check-prefixes=CHECK,VNNI
// RUN: octet-opt %s --convert-octet-to-cpu -split-input-file | FileCheck %s --check-prefixes=CHECK,NOVNNI
// RUN: octet-opt %s --convert-octet-to-cpu="vnni=1 requant=fixed-point" -split-input-file | FileCheck %s --check-prefix=FIXED
// RUN: not octet-opt %s --convert-octet-to-cpu=requant=bogus -split-input-file 2>&1 | FileCheck %s --check-prefix=BOGUS

// BOGUS: error: --requant must be onnx or fixed-point, not 'bogus'

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2}>
!b = !quant.uniform<i32:f32:0, {0.005, 0.01, 0.005, 0.01}>

// A 3x3 same-padded int8 conv on 8x8 rows (u8 activations, i8 per-channel
// constant weight, i32 bias, u8 output): with vnni the direct kernel, a
// vpdpbusd per accumulator and weight dword, and each channel's 64 output
// bytes requantized in registers (four round_to_int, one narrow_sat4 with
// the output zero point). Without vnni the generic linalg product.
// CHECK-LABEL: func @quantized_conv2d
// VNNI-NOT: linalg.generic
// VNNI-COUNT-16: octet_cpu.dot4 %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi32>
// VNNI: arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// VNNI: octet_cpu.round_to_int %{{.*}} : vector<16xf32> -> vector<16xi32>
// VNNI: octet_cpu.round_to_int
// VNNI: octet_cpu.round_to_int
// VNNI: octet_cpu.round_to_int
// VNNI-NEXT: %[[B:.*]] = octet_cpu.narrow_sat4 %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {is_signed = false, zp = 3 : i64} : vector<16xi32> -> vector<64xi8>
// VNNI-NEXT: vector.transfer_write %[[B]], %{{.*}} : vector<64xi8>, tensor<1x4x64xi8>
// NOVNNI-NOT: octet_cpu.
// NOVNNI: linalg.generic {{.*}}"reduction"]
// NOVNNI: arith.muli %{{.*}}, %{{.*}} : i32
// NOVNNI: math.roundeven
// NOVNNI-NOT: octet_cpu.
// CHECK: return
// FIXED-LABEL: func @quantized_conv2d
// FIXED: octet_cpu.dot4
// FIXED-NOT: octet_cpu.round_to_int
// FIXED: octet_cpu.narrow_sat4
func.func @quantized_conv2d(%x: tensor<1x4x8x8x!u8>) -> tensor<1x4x8x8x!u8o> {
  %w = octet.constant dense<1> : tensor<4x4x3x3xi8> : tensor<4x4x3x3x!w>
  %b = octet.constant dense<[10, -20, 30, -40]> : tensor<4xi32> : tensor<4x!b>
  %y = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8x!u8>, tensor<4x4x3x3x!w>, tensor<4x!b>) -> tensor<1x4x8x8x!u8o>
  return %y : tensor<1x4x8x8x!u8o>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!wg = !quant.uniform<i8:f32, 0.1>

// Gemm with 64 output columns: the 4x64 register tile, the broadcast
// activation dword times four packed weight vectors (vector<64xi8> read as
// vector<16xi32>), accumulators starting from the folded bias (0 - 128 *
// 4), then four columns of 16 requantized and narrowed into 64 bytes.
// CHECK-LABEL: func @quantized_gemm_64
// VNNI: arith.constant dense<-512> : tensor<64xi32>
// VNNI: %[[PACKED:.*]] = arith.constant dense<1> : tensor<4x1x64xi8>
// VNNI: %[[WB:.*]] = vector.transfer_read %[[PACKED]]{{.*}} : tensor<4x1x64xi8>, vector<64xi8>
// VNNI: %[[W:.*]] = vector.bitcast %[[WB]] : vector<64xi8> to vector<16xi32>
// VNNI: %[[A4:.*]] = vector.transfer_read %{{.*}} : tensor<2x4xi8>, vector<4xi8>
// VNNI: %[[A1:.*]] = vector.bitcast %[[A4]] : vector<4xi8> to vector<1xi32>
// VNNI: %[[AS:.*]] = vector.extract %[[A1]][0] : i32 from vector<1xi32>
// VNNI: %[[AB:.*]] = vector.broadcast %[[AS]] : i32 to vector<16xi32>
// VNNI: octet_cpu.dot4 %{{.*}}, %[[AB]], %[[W]] : vector<16xi32>
// VNNI-COUNT-3: octet_cpu.dot4 %{{.*}}, %[[AB]], %{{.*}} : vector<16xi32>
// VNNI-COUNT-4: octet_cpu.round_to_int
// VNNI: octet_cpu.narrow_sat4 {{.*}} {is_signed = false, zp = 3 : i64}
// NOVNNI-NOT: octet_cpu.
// NOVNNI: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// NOVNNI-NOT: octet_cpu.
// CHECK: return
// FIXED-LABEL: func @quantized_gemm_64
// FIXED: octet_cpu.dot4
// FIXED: arith.muli %{{.*}}, %{{.*}} : vector<8xi64>
// FIXED: vector.shuffle %{{.*}}, %{{.*}} [0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31] : vector<16xi32>, vector<16xi32>
// FIXED: octet_cpu.narrow_sat4
func.func @quantized_gemm_64(%a: tensor<2x4x!u8>) -> tensor<2x64x!u8o> {
  %w = octet.constant dense<1> : tensor<64x4xi8> : tensor<64x4x!wg>
  %y = octet.gemm %a, %w {trans_b = true} : (tensor<2x4x!u8>, tensor<64x4x!wg>) -> tensor<2x64x!u8o>
  return %y : tensor<2x64x!u8o>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!wg = !quant.uniform<i8:f32, 0.1>

// 16 output columns: one vector per row, requantized lane-wise with
// vector arith (roundeven, the zero point, the clamp) instead of the
// four-vector narrow.
// CHECK-LABEL: func @quantized_gemm_16
// VNNI: octet_cpu.dot4
// VNNI-NOT: octet_cpu.narrow_sat4
// VNNI: %[[F:.*]] = arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// VNNI: %[[M:.*]] = arith.mulf %[[F]], %{{.*}} : vector<16xf32>
// VNNI: %[[R:.*]] = math.roundeven %[[M]] : vector<16xf32>
// VNNI: arith.addf %[[R]], %{{.*}} : vector<16xf32>
// VNNI: arith.maximumf %{{.*}}, %{{.*}} fastmath<nnan> : vector<16xf32>
// VNNI: arith.minimumf %{{.*}}, %{{.*}} fastmath<nnan> : vector<16xf32>
// VNNI: arith.fptosi %{{.*}} : vector<16xf32> to vector<16xi32>
// VNNI: %[[T:.*]] = arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// VNNI: vector.transfer_write %[[T]], %{{.*}} : vector<16xi8>, tensor<2x16xi8>
func.func @quantized_gemm_16(%a: tensor<2x4x!u8>) -> tensor<2x16x!u8o> {
  %w = octet.constant dense<1> : tensor<16x4xi8> : tensor<16x4x!wg>
  %y = octet.gemm %a, %w {trans_b = true} : (tensor<2x4x!u8>, tensor<16x4x!wg>) -> tensor<2x16x!u8o>
  return %y : tensor<2x16x!u8o>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2}>

// A weight that is not a constant fits no kernel, even with vnni: the
// generic pattern lowers the conv.
// CHECK-LABEL: func @quantized_conv2d_runtime_weight
// CHECK-NOT: octet_cpu.
// CHECK-NOT: vector.
// CHECK: linalg.generic {{.*}}"reduction"]
// CHECK: arith.muli %{{.*}}, %{{.*}} : i32
// CHECK: math.roundeven
// CHECK-NOT: octet_cpu.
// CHECK: return
func.func @quantized_conv2d_runtime_weight(%x: tensor<1x4x8x8x!u8>, %w: tensor<4x4x3x3x!w>) -> tensor<1x4x8x8x!u8o> {
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8x!u8>, tensor<4x4x3x3x!w>) -> tensor<1x4x8x8x!u8o>
  return %y : tensor<1x4x8x8x!u8o>
}

// -----

// f32 conv with a constant weight and stride 1 on 8-pixel rows: the direct
// FMA kernel (weight broadcast times pixel vectors), in both modes.
// CHECK-LABEL: func @float_conv2d_constant_weight
// CHECK-NOT: linalg.generic
// CHECK: vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK: vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_write
func.func @float_conv2d_constant_weight(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> {
  %w = arith.constant dense<0.5> : tensor<2x2x3x3xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %y = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, activation = "relu"} : (tensor<1x2x8x8xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x8x8xf32>
  return %y : tensor<1x2x8x8xf32>
}

// -----

// The same conv with a run-time weight stays generic.
// CHECK-LABEL: func @float_conv2d_runtime_weight
// CHECK-NOT: vector.
// CHECK: linalg.generic {{.*}}"reduction"]
// CHECK: arith.mulf {{.*}} fastmath<reassoc,contract> : f32
func.func @float_conv2d_runtime_weight(%x: tensor<1x2x8x8xf32>, %w: tensor<2x2x3x3xf32>) -> tensor<1x2x8x8xf32> {
  %y = octet.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x2x8x8xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x8x8xf32>
  return %y : tensor<1x2x8x8xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>

// A 3x3/2 max pool: per window element one read of 32 contiguous bytes
// (16 lanes times the stride, padded with the u8 minimum) and a shuffle
// keeping every second, then an unsigned max; 9 reads per output vector.
// (Rows of 4 outputs on planes of 33 x 9 = 297 pixels: past the whole-plane
// form's 256.)
// CHECK-LABEL: func @max_pool_3x3_stride2_vector
// CHECK: %[[LOW:.*]] = arith.constant 0 : i8
// CHECK-NOT: linalg.generic
// CHECK: %[[V0:.*]] = vector.transfer_read %{{.*}}, %[[LOW]] : tensor<1x2x33x9xi8>, vector<32xi8>
// CHECK: %[[S0:.*]] = vector.shuffle %[[V0]], %[[V0]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xi8>, vector<32xi8>
// CHECK: %[[V1:.*]] = vector.transfer_read
// CHECK: %[[S1:.*]] = vector.shuffle %[[V1]], %[[V1]]
// CHECK: arith.maxui %[[S0]], %[[S1]] : vector<16xi8>
// CHECK-COUNT-7: vector.transfer_read
// CHECK: vector.transfer_write %{{.*}} : vector<16xi8>, tensor<1x2x16x4xi8>
func.func @max_pool_3x3_stride2_vector(%x: tensor<1x2x33x9x!u8>) -> tensor<1x2x16x4x!u8> {
  %m = octet.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x33x9x!u8> -> tensor<1x2x16x4x!u8>
  return %m : tensor<1x2x16x4x!u8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>

// The same pool on 9 x 9 planes (81 pixels, 16 outputs): the plane is one
// in-bounds read, each of the 9 window taps a constant shuffle of it into
// the 4 x 4 output's order, and the output plane one in-bounds store.
// CHECK-LABEL: func @max_pool_small_plane
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<1x2x9x9xi8> into tensor<1x2x81xi8>
// CHECK: %[[P:.*]] = vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x2x81xi8>, vector<81xi8>
// CHECK: %[[T0:.*]] = vector.shuffle %[[P]], %[[P]] [0, 2, 4, 6, 18, 20, 22, 24, 36, 38, 40, 42, 54, 56, 58, 60] : vector<81xi8>, vector<81xi8>
// CHECK: %[[T1:.*]] = vector.shuffle %[[P]], %[[P]] [1, 3, 5, 7, 19, 21, 23, 25, 37, 39, 41, 43, 55, 57, 59, 61]
// CHECK: arith.maxui %[[T0]], %[[T1]] : vector<16xi8>
// CHECK-COUNT-7: vector.shuffle %[[P]], %[[P]]
// CHECK: vector.transfer_write {{.*}} {in_bounds = [true]} : vector<16xi8>, tensor<1x2x16xi8>
// CHECK: tensor.expand_shape {{.*}} : tensor<1x2x16xi8> into tensor<1x2x4x4xi8>
func.func @max_pool_small_plane(%x: tensor<1x2x9x9x!u8>) -> tensor<1x2x4x4x!u8> {
  %m = octet.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x9x9x!u8> -> tensor<1x2x4x4x!u8>
  return %m : tensor<1x2x4x4x!u8>
}

// -----

// A 5x5 window (25 > 16 elements) has no vector kernel: the generic
// reduction form.
// CHECK-LABEL: func @max_pool_large_window_generic
// CHECK-NOT: vector.
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.maximumf
// CHECK-NOT: vector.
// CHECK: return
func.func @max_pool_large_window_generic(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x1x1xf32> {
  %m = octet.max_pool2d %x {kernel = array<i64: 5, 5>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x1x5x5xf32> -> tensor<1x1x1x1xf32>
  return %m : tensor<1x1x1x1xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8:f32, 0.1>

// A 3x3 stride-2 int8 conv reads its input channels-last: each 16 x 16 byte
// block is transposed by four rounds of unpacking pairs of 16-byte vectors
// (units of 1, 2, 4 and 8 bytes, low and high halves), 64 shuffles that
// stay 16 bytes wide (one punpck each), never a wider one. The last block
// of columns (pixels 320-323 of 324) writes just its 4 columns, without a
// guard per column (tensor-typed scf.if chains made one-shot bufferization
// exponential in their length).
// CHECK-LABEL: func @int8_channels_last_transpose
// VNNI-NOT: vector.shuffle {{.*}} : vector<{{(32|64|128|256)}}xi8>
// VNNI-COUNT-16: vector.shuffle %{{.*}}, %{{.*}} {{\[(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23|8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)\]}} : vector<16xi8>, vector<16xi8>
// VNNI-COUNT-16: vector.shuffle %{{.*}}, %{{.*}} {{\[(0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23|8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31)\]}} : vector<16xi8>, vector<16xi8>
// VNNI-COUNT-16: vector.shuffle %{{.*}}, %{{.*}} {{\[(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23|8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31)\]}} : vector<16xi8>, vector<16xi8>
// VNNI-COUNT-16: vector.shuffle %{{.*}}, %{{.*}} {{\[(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23|8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31)\]}} : vector<16xi8>, vector<16xi8>
// VNNI: vector.transfer_write {{.*}} : vector<16xi8>, tensor<1x324x16xi8>
// VNNI-NOT: vector.shuffle {{.*}} : vector<{{(32|64|128|256)}}xi8>
// VNNI: scf.for %{{.*}} = %c320{{.*}} to %c324
// VNNI-NOT: scf.if
// VNNI-COUNT-4: vector.transfer_write {{.*}} : vector<16xi8>, tensor<1x324x16xi8>
// VNNI-NOT: scf.if
// VNNI-NOT: vector.transfer_write {{.*}} : vector<16xi8>, tensor<1x324x16xi8>
// CHECK: return
func.func @int8_channels_last_transpose(%x: tensor<1x16x16x16x!u8>) -> tensor<1x16x8x8x!u8o> {
  %w = octet.constant dense<1> : tensor<16x16x3x3xi8> : tensor<16x16x3x3x!w>
  %y = octet.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x16x16x16x!u8>, tensor<16x16x3x3x!w>) -> tensor<1x16x8x8x!u8o>
  return %y : tensor<1x16x8x8x!u8o>
}
