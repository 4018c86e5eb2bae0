// Acceptance: the generic lowering of a quantized conv2d, gemm and matmul is target-independent linalg/arith (no octet_cpu, vector or llvm op) with the int32 product and the requantize epilogue.
// RUN: octet-opt %s --convert-octet-to-linalg | FileCheck %s
// RUN: octet-opt %s --convert-octet-to-linalg | FileCheck %s --check-prefix=NOTARGET
// RUN: octet-opt %s --convert-octet-to-linalg=requant=fixed-point | FileCheck %s --check-prefix=NOTARGET
// RUN: octet-opt %s --convert-octet-to-linalg=requant=fixed-point | FileCheck %s --check-prefix=FIXED

// Nothing target-specific anywhere in the output (both requant modes).
// NOTARGET-NOT: octet_cpu.
// NOTARGET-NOT: vector.
// NOTARGET-NOT: llvm.
// NOTARGET-NOT: octet.

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8o = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2}>
!b = !quant.uniform<i32:f32:0, {0.005, 0.01, 0.005, 0.01}>
!wg = !quant.uniform<i8:f32, 0.1>
!wm = !quant.uniform<i8:f32:1, {0.1, 0.2}>
!bm = !quant.uniform<i32:f32:0, {0.005, 0.01}>

// u8 activations, i8 per-channel constant weight, i32 constant bias, u8
// output: the folded bias (b - 128 * 36), a linalg.generic product of the
// u8 and i8 storage in int32, then the requantize epilogue.
// CHECK-LABEL: func @quantized_conv2d
// CHECK-SAME: (%{{.*}}: tensor<1x4x8x8xi8>) -> tensor<1x4x8x8xi8>
// CHECK: %[[ZP:.*]] = arith.constant -128 : i8
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZP]] : i8
// CHECK: arith.constant dense<[-4598, -4628, -4578, -4648]> : tensor<4xi32>
// CHECK: linalg.generic {{.*}}"reduction"]} {{.*}} outs(%{{.*}} : tensor<1x4x8x8xi32>)
// CHECK-NEXT: ^bb0(%{{.*}}: i8, %{{.*}}: i8, %{{.*}}: i32):
// CHECK-NEXT: arith.extui %{{.*}} : i8 to i32
// CHECK-NEXT: arith.extsi %{{.*}} : i8 to i32
// CHECK-NEXT: %[[P:.*]] = arith.muli %{{.*}}, %{{.*}} : i32
// CHECK-NEXT: %[[S:.*]] = arith.addi %{{.*}}, %[[P]] : i32
// CHECK-NEXT: linalg.yield %[[S]] : i32
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x4x8x8xi8>)
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: math.roundeven
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.fptosi
// CHECK: arith.trunci %{{.*}} : i32 to i8
// FIXED-LABEL: func @quantized_conv2d
// FIXED: linalg.generic {{.*}}"reduction"]
// FIXED: arith.muli %{{.*}}, %{{.*}} : i32
// FIXED: arith.addi %{{.*}}, %{{.*}} : i32
// FIXED: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x4x8x8xi8>)
// FIXED: arith.muli %{{.*}}, %{{.*}} : i64
// FIXED: arith.trunci %{{.*}} : i32 to i8
func.func @quantized_conv2d(%x: tensor<1x4x8x8x!u8>) -> tensor<1x4x8x8x!u8o> {
  %w = octet.constant dense<1> : tensor<4x4x3x3xi8> : tensor<4x4x3x3x!w>
  %b = octet.constant dense<[10, -20, 30, -40]> : tensor<4xi32> : tensor<4x!b>
  %y = octet.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8x!u8>, tensor<4x4x3x3x!w>, tensor<4x!b>) -> tensor<1x4x8x8x!u8o>
  return %y : tensor<1x4x8x8x!u8o>
}

// The gemm (64 output channels, a size the CPU kernels pack four vectors
// of) is a linalg.generic product plus the epilogue as well.
// CHECK-LABEL: func @quantized_gemm
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} {{.*}} outs(%{{.*}} : tensor<2x64xi32>)
// CHECK: arith.muli %{{.*}}, %{{.*}} : i32
// CHECK-NEXT: arith.addi %{{.*}}, %{{.*}} : i32
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x64xi8>)
// CHECK: math.roundeven
// CHECK: arith.trunci %{{.*}} : i32 to i8
// FIXED-LABEL: func @quantized_gemm
// FIXED: arith.muli %{{.*}}, %{{.*}} : i64
func.func @quantized_gemm(%a: tensor<2x4x!u8>) -> tensor<2x64x!u8o> {
  %w = octet.constant dense<1> : tensor<64x4xi8> : tensor<64x4x!wg>
  %y = octet.gemm %a, %w {trans_b = true} : (tensor<2x4x!u8>, tensor<64x4x!wg>) -> tensor<2x64x!u8o>
  return %y : tensor<2x64x!u8o>
}

// With a run-time bias the zero point is not folded: x - 128 in the body.
// CHECK-LABEL: func @quantized_matmul
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} {{.*}} outs(%{{.*}} : tensor<3x2xi32>)
// CHECK: arith.constant 128 : i32
// CHECK-NEXT: arith.subi
// CHECK: arith.muli %{{.*}}, %{{.*}} : i32
// CHECK-NEXT: arith.addi %{{.*}}, %{{.*}} : i32
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3x2xi8>)
// CHECK: math.roundeven
// FIXED-LABEL: func @quantized_matmul
// FIXED: arith.muli %{{.*}}, %{{.*}} : i64
func.func @quantized_matmul(%a: tensor<3x4x!u8>, %bias: tensor<2x!bm>) -> tensor<3x2x!u8o> {
  %w = octet.constant dense<[[1, -1], [2, -2], [3, -3], [4, -4]]> : tensor<4x2xi8> : tensor<4x2x!wm>
  %m = octet.matmul %a, %w, %bias : (tensor<3x4x!u8>, tensor<4x2x!wm>, tensor<2x!bm>) -> tensor<3x2x!u8o>
  return %m : tensor<3x2x!u8o>
}
