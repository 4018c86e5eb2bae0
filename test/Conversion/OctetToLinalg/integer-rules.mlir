// The requantize epilogue's integer rules in the generic lowering: ONNX's float rule and gemmlowp's fixed point (right, left and mixed shifts), with activation bounds.
// RUN: octet-opt %s --convert-octet-to-linalg -split-input-file | FileCheck %s --check-prefix=ONNX
// RUN: octet-opt %s --convert-octet-to-linalg=requant=onnx -split-input-file | FileCheck %s --check-prefix=ONNX
// RUN: octet-opt %s --convert-octet-to-linalg=requant=fixed-point -split-input-file | FileCheck %s --check-prefix=FIXED

!u8 = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8:f32, 0.1>
!u8o = !quant.uniform<u8:f32, 0.1:3>

// M = 0.05 * 0.1 / 0.1. The ONNX rule is clamp(rint(float32(acc) * M) + zp) in f32,
// exactly sitofp, mulf, roundeven, addf zp, maximumf, minimumf, fptosi,
// trunci. In fixed point M = 0.8 * 2^-4, so m0 = round(0.8 * 2^31) and a
// right shift of 4: the high multiply widens to i64, adds 2^30 and shifts
// by 31; RoundingDivideByPOT rounds on the remainder; then zp and the
// clamp in i32.
// ONNX-LABEL: func @requant_right_shift_u8
// ONNX: %[[M:.*]] = arith.constant dense<0.0500000045> : tensor<2xf32>
// ONNX: linalg.generic {{.*}} ins(%{{.*}}, %[[M]] : tensor<2x2xi32>, tensor<2xf32>) outs(%{{.*}} : tensor<2x2xi8>)
// ONNX-NEXT: ^bb0(%[[ACC:.*]]: i32, %[[MV:.*]]: f32, %{{.*}}: i8):
// ONNX-NEXT: %[[F:.*]] = arith.sitofp %[[ACC]] : i32 to f32
// ONNX-NEXT: %[[P:.*]] = arith.mulf %[[F]], %[[MV]] : f32
// ONNX-NEXT: %[[R:.*]] = math.roundeven %[[P]] : f32
// ONNX-NEXT: %[[ZP:.*]] = arith.constant 3.000000e+00 : f32
// ONNX-NEXT: %[[Z:.*]] = arith.addf %[[R]], %[[ZP]] : f32
// ONNX-NEXT: %[[LO:.*]] = arith.constant 0.000000e+00 : f32
// ONNX-NEXT: %[[C0:.*]] = arith.maximumf %[[Z]], %[[LO]] : f32
// ONNX-NEXT: %[[HI:.*]] = arith.constant 2.550000e+02 : f32
// ONNX-NEXT: %[[C1:.*]] = arith.minimumf %[[C0]], %[[HI]] : f32
// ONNX-NEXT: %[[I:.*]] = arith.fptosi %[[C1]] : f32 to i32
// ONNX-NEXT: %[[T:.*]] = arith.trunci %[[I]] : i32 to i8
// ONNX-NEXT: linalg.yield %[[T]] : i8
// FIXED-LABEL: func @requant_right_shift_u8
// FIXED: %[[M0:.*]] = arith.constant dense<1717986918> : tensor<2xi32>
// FIXED: %[[SH:.*]] = arith.constant dense<4> : tensor<2xi32>
// FIXED: linalg.generic {{.*}} ins(%{{.*}}, %[[M0]], %[[SH]] : tensor<2x2xi32>, tensor<2xi32>, tensor<2xi32>) outs(%{{.*}} : tensor<2x2xi8>)
// FIXED-NEXT: ^bb0(%[[ACC:.*]]: i32, %[[MV:.*]]: i32, %[[S:.*]]: i32, %{{.*}}: i8):
// FIXED-NEXT: %[[ZERO:.*]] = arith.constant 0 : i32
// FIXED-NEXT: %[[ONE:.*]] = arith.constant 1 : i32
// FIXED-NEXT: %[[A64:.*]] = arith.extsi %[[ACC]] : i32 to i64
// FIXED-NEXT: %[[M64:.*]] = arith.extsi %[[MV]] : i32 to i64
// FIXED-NEXT: %[[P:.*]] = arith.muli %[[A64]], %[[M64]] : i64
// FIXED-NEXT: %[[RND:.*]] = arith.constant 1073741824 : i64
// FIXED-NEXT: %[[PR:.*]] = arith.addi %[[P]], %[[RND]] : i64
// FIXED-NEXT: %[[C31:.*]] = arith.constant 31 : i64
// FIXED-NEXT: %[[H64:.*]] = arith.shrsi %[[PR]], %[[C31]] : i64
// FIXED-NEXT: %[[H:.*]] = arith.trunci %[[H64]] : i64 to i32
// FIXED-NEXT: %[[RIGHT:.*]] = arith.maxsi %[[S]], %[[ZERO]] : i32
// FIXED-NEXT: %[[POW:.*]] = arith.shli %[[ONE]], %[[RIGHT]] : i32
// FIXED-NEXT: %[[MASK:.*]] = arith.subi %[[POW]], %[[ONE]] : i32
// FIXED-NEXT: %[[REM:.*]] = arith.andi %[[H]], %[[MASK]] : i32
// FIXED-NEXT: %[[HALF:.*]] = arith.shrsi %[[MASK]], %[[ONE]] : i32
// FIXED-NEXT: %[[NEG:.*]] = arith.cmpi slt, %[[H]], %[[ZERO]] : i32
// FIXED-NEXT: %[[NEGI:.*]] = arith.extui %[[NEG]] : i1 to i32
// FIXED-NEXT: %[[THR:.*]] = arith.addi %[[HALF]], %[[NEGI]] : i32
// FIXED-NEXT: %[[SHR:.*]] = arith.shrsi %[[H]], %[[RIGHT]] : i32
// FIXED-NEXT: %[[UP:.*]] = arith.cmpi sgt, %[[REM]], %[[THR]] : i32
// FIXED-NEXT: %[[UPI:.*]] = arith.extui %[[UP]] : i1 to i32
// FIXED-NEXT: %[[RD:.*]] = arith.addi %[[SHR]], %[[UPI]] : i32
// FIXED-NEXT: %[[ZP:.*]] = arith.constant 3 : i32
// FIXED-NEXT: %[[Y:.*]] = arith.addi %[[RD]], %[[ZP]] : i32
// FIXED-NEXT: %[[LO:.*]] = arith.constant 0 : i32
// FIXED-NEXT: %[[Y0:.*]] = arith.maxsi %[[Y]], %[[LO]] : i32
// FIXED-NEXT: %[[HI:.*]] = arith.constant 255 : i32
// FIXED-NEXT: %[[Y1:.*]] = arith.minsi %[[Y0]], %[[HI]] : i32
// FIXED-NEXT: %[[T:.*]] = arith.trunci %[[Y1]] : i32 to i8
// FIXED-NEXT: linalg.yield %[[T]] : i8
func.func @requant_right_shift_u8(%a: tensor<2x4x!u8>, %b: tensor<4x2x!w>) -> tensor<2x2x!u8o> {
  %m = octet.matmul %a, %b : (tensor<2x4x!u8>, tensor<4x2x!w>) -> tensor<2x2x!u8o>
  return %m : tensor<2x2x!u8o>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8:f32, 0.1>
!s8o = !quant.uniform<i8:f32, 0.05:-10>

// relu6 on an int8 output (0.05, -10): the bounds are quantized, max at
// the zero point -10 and min at rint(6 / 0.05) - 10 = 110.
// ONNX-LABEL: func @requant_relu6_bounds_s8
// ONNX: math.roundeven
// ONNX-NEXT: arith.constant -1.000000e+01 : f32
// ONNX-NEXT: arith.addf
// ONNX-NEXT: %[[LO:.*]] = arith.constant -1.000000e+01 : f32
// ONNX-NEXT: arith.maximumf %{{.*}}, %[[LO]] : f32
// ONNX-NEXT: %[[HI:.*]] = arith.constant 1.100000e+02 : f32
// ONNX-NEXT: arith.minimumf %{{.*}}, %[[HI]] : f32
// ONNX-NEXT: arith.fptosi
// ONNX-NEXT: arith.trunci %{{.*}} : i32 to i8
// FIXED-LABEL: func @requant_relu6_bounds_s8
// FIXED: arith.constant -10 : i32
// FIXED-NEXT: arith.addi
// FIXED-NEXT: %[[LO:.*]] = arith.constant -10 : i32
// FIXED-NEXT: arith.maxsi %{{.*}}, %[[LO]] : i32
// FIXED-NEXT: %[[HI:.*]] = arith.constant 110 : i32
// FIXED-NEXT: arith.minsi %{{.*}}, %[[HI]] : i32
// FIXED-NEXT: arith.trunci %{{.*}} : i32 to i8
func.func @requant_relu6_bounds_s8(%a: tensor<2x4x!u8>, %b: tensor<2x4x!w>) -> tensor<2x2x!s8o> {
  %m = octet.gemm %a, %b {trans_b = true, activation = "relu6"} : (tensor<2x4x!u8>, tensor<2x4x!w>) -> tensor<2x2x!s8o>
  return %m : tensor<2x2x!s8o>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:128>
!wc = !quant.uniform<i8:f32:1, {1.0, 2.0}>
!u8o = !quant.uniform<u8:f32, 0.1:3>

// Multipliers 5 and 10 (>= 1): ONNX keeps them as floats; fixed point gives
// m0 = 0.625 * 2^31 and shifts -3, -4 (left shifts), applied first to the
// accumulator widened to i64 and saturated to int32, and no rounding right
// shift at all.
// ONNX-LABEL: func @requant_left_shift
// ONNX: arith.constant dense<[5.000000e+00, 1.000000e+01]> : tensor<2xf32>
// FIXED-LABEL: func @requant_left_shift
// FIXED: arith.constant dense<1342177280> : tensor<2xi32>
// FIXED: arith.constant dense<[-3, -4]> : tensor<2xi32>
// FIXED: ^bb0(%[[ACC:.*]]: i32, %[[MV:.*]]: i32, %[[S:.*]]: i32, %{{.*}}: i8):
// FIXED-NEXT: %[[ZERO:.*]] = arith.constant 0 : i32
// FIXED-NEXT: arith.constant 1 : i32
// FIXED-NEXT: %[[NS:.*]] = arith.subi %[[ZERO]], %[[S]] : i32
// FIXED-NEXT: %[[L0:.*]] = arith.maxsi %[[NS]], %[[ZERO]] : i32
// FIXED-NEXT: %[[C32:.*]] = arith.constant 32 : i32
// FIXED-NEXT: %[[L:.*]] = arith.minsi %[[L0]], %[[C32]] : i32
// FIXED-NEXT: %[[A64:.*]] = arith.extsi %[[ACC]] : i32 to i64
// FIXED-NEXT: %[[L64:.*]] = arith.extsi %[[L]] : i32 to i64
// FIXED-NEXT: %[[SH:.*]] = arith.shli %[[A64]], %[[L64]] : i64
// FIXED-NEXT: %[[MIN:.*]] = arith.constant -2147483648 : i64
// FIXED-NEXT: %[[S0:.*]] = arith.maxsi %[[SH]], %[[MIN]] : i64
// FIXED-NEXT: %[[MAX:.*]] = arith.constant 2147483647 : i64
// FIXED-NEXT: %[[S1:.*]] = arith.minsi %[[S0]], %[[MAX]] : i64
// FIXED-NEXT: %[[A:.*]] = arith.trunci %[[S1]] : i64 to i32
// FIXED-NEXT: %[[W:.*]] = arith.extsi %[[A]] : i32 to i64
// FIXED-NEXT: %[[M64:.*]] = arith.extsi %[[MV]] : i32 to i64
// FIXED-NEXT: arith.muli %[[W]], %[[M64]] : i64
// FIXED-NEXT: arith.constant 1073741824 : i64
// FIXED-NEXT: arith.addi
// FIXED-NEXT: arith.constant 31 : i64
// FIXED-NEXT: arith.shrsi
// FIXED-NEXT: %[[H:.*]] = arith.trunci %{{.*}} : i64 to i32
// FIXED-NEXT: arith.constant 3 : i32
// FIXED-NEXT: arith.addi %[[H]], %{{.*}} : i32
// FIXED-NOT: arith.andi
// FIXED: linalg.yield
func.func @requant_left_shift(%a: tensor<2x4x!u8>, %b: tensor<4x2x!wc>) -> tensor<2x2x!u8o> {
  %m = octet.matmul %a, %b : (tensor<2x4x!u8>, tensor<4x2x!wc>) -> tensor<2x2x!u8o>
  return %m : tensor<2x2x!u8o>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:128>
!wc = !quant.uniform<i8:f32:1, {1.0, 0.01}>
!s8o = !quant.uniform<i8:f32, 0.1:-5>

// One left (M = 5) and one right (M = 0.05) shift: both steps, then the
// int8 zero point and range.
// FIXED-LABEL: func @requant_mixed_shifts
// FIXED: arith.constant dense<[1342177280, 1717986918]> : tensor<2xi32>
// FIXED: arith.constant dense<[-3, 4]> : tensor<2xi32>
// FIXED: arith.shli %{{.*}}, %{{.*}} : i64
// FIXED: arith.muli %{{.*}}, %{{.*}} : i64
// FIXED: arith.andi
// FIXED: arith.cmpi sgt
// FIXED: arith.constant -5 : i32
// FIXED: arith.constant -128 : i32
// FIXED: arith.constant 127 : i32
// FIXED: arith.trunci %{{.*}} : i32 to i8
func.func @requant_mixed_shifts(%a: tensor<2x4x!u8>, %b: tensor<4x2x!wc>) -> tensor<2x2x!s8o> {
  %m = octet.matmul %a, %b : (tensor<2x4x!u8>, tensor<4x2x!wc>) -> tensor<2x2x!s8o>
  return %m : tensor<2x2x!s8o>
}
