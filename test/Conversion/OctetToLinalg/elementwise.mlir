// Generic lowering of the elementwise ops: binary arithmetic with broadcasting, quantized sub and mul, unary and parametric activations, clamp, compare, where, mod and cast.
// RUN: octet-opt %s --convert-octet-to-linalg -split-input-file | FileCheck %s

// Numpy broadcasting: the [3] operand is read through (d0, d1) -> (d1).
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @add_float_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[R:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
func.func @add_float_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = octet.add %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Signed integer shape arithmetic: a rank-0 operand reads () and the
// division is signed.
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func @div_i64_scalar
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[SCALAR]], #{{.*}}]
// CHECK: arith.divsi %{{.*}}, %{{.*}} : i64
// CHECK-LABEL: func @mul_i64
// CHECK: arith.muli %{{.*}}, %{{.*}} : i64
func.func @div_i64_scalar(%a: tensor<2xi64>, %b: tensor<i64>) -> tensor<2xi64> {
  %0 = octet.div %a, %b : tensor<2xi64>, tensor<i64> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}
func.func @mul_i64(%a: tensor<2xi64>, %b: tensor<2xi64>) -> tensor<2xi64> {
  %0 = octet.mul %a, %b : tensor<2xi64>, tensor<2xi64> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8b = !quant.uniform<u8:f32, 0.1:3>

// Quantized sub: dequantize both operands, subtract in f32, quantize.
// CHECK-LABEL: func @sub_quantized_through_float
// CHECK: ^bb0(%[[A:.*]]: i8, %[[B:.*]]: i8, %{{.*}}: i8):
// CHECK: arith.extui %[[A]] : i8 to i32
// CHECK: %[[FA:.*]] = arith.mulf
// CHECK: arith.extui %[[B]] : i8 to i32
// CHECK: %[[FB:.*]] = arith.mulf
// CHECK: %[[D:.*]] = arith.subf %[[FA]], %[[FB]] : f32
// CHECK: %[[S:.*]] = arith.constant 1.000000e-01 : f32
// CHECK: arith.divf %[[D]], %[[S]] : f32
// CHECK: math.roundeven
// CHECK: arith.constant 3.000000e+00 : f32
// CHECK: arith.trunci %{{.*}} : i32 to i8
func.func @sub_quantized_through_float(%a: tensor<4x!u8>, %b: tensor<4x!u8>) -> tensor<4x!u8b> {
  %0 = octet.sub %a, %b : tensor<4x!u8>, tensor<4x!u8> -> tensor<4x!u8b>
  return %0 : tensor<4x!u8b>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8b = !quant.uniform<u8:f32, 0.1:3>

// Quantized mul as ONNX Runtime's QLinearMul: the integer product of the
// debiased inputs, times float32(0.05 * 0.1 / 0.1), plus zp_c, then
// rounded half to even and saturated (the zero point added before rounding).
// CHECK-LABEL: func @mul_quantized_qlinearmul
// CHECK-NEXT: tensor.empty
// CHECK-NEXT: linalg.generic
// CHECK-NEXT: ^bb0(%[[A:.*]]: i8, %[[B:.*]]: i8, %{{.*}}: i8):
// CHECK-NEXT: %[[A32:.*]] = arith.extui %[[A]] : i8 to i32
// CHECK-NEXT: %[[ZA:.*]] = arith.constant 128 : i32
// CHECK-NEXT: %[[DA:.*]] = arith.subi %[[A32]], %[[ZA]] : i32
// CHECK-NEXT: %[[B32:.*]] = arith.extui %[[B]] : i8 to i32
// CHECK-NEXT: %[[ZB:.*]] = arith.constant 3 : i32
// CHECK-NEXT: %[[DB:.*]] = arith.subi %[[B32]], %[[ZB]] : i32
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[DA]], %[[DB]] : i32
// CHECK-NEXT: %[[PF:.*]] = arith.sitofp %[[P]] : i32 to f32
// CHECK-NEXT: %[[R:.*]] = arith.constant 0.0500000045 : f32
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[PF]], %[[R]] : f32
// CHECK-NEXT: %[[ZC:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-NEXT: %[[Y:.*]] = arith.addf %[[M]], %[[ZC]] : f32
// CHECK-NEXT: math.roundeven %[[Y]] : f32
// CHECK-NEXT: arith.constant 0.000000e+00 : f32
// CHECK-NEXT: arith.maximumf
// CHECK-NEXT: arith.constant 2.550000e+02 : f32
// CHECK-NEXT: arith.minimumf
// CHECK-NEXT: arith.fptosi
// CHECK-NEXT: arith.trunci
func.func @mul_quantized_qlinearmul(%a: tensor<4x!u8>, %b: tensor<4x!u8b>) -> tensor<4x!u8b> {
  %0 = octet.mul %a, %b : tensor<4x!u8>, tensor<4x!u8b> -> tensor<4x!u8b>
  return %0 : tensor<4x!u8b>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.05:128>
!u8b = !quant.uniform<u8:f32, 0.1:3>

// Sigmoid in f32: 1 / (1 + exp(-x)), with x clamped to [-88.3, 87.33]
// by selects that keep a NaN, exp(-x) as 2^n (n + 127 rounded into the
// low bits of a sum with 1.5 * 2^23 + 127, then shifted into the exponent
// field) times a polynomial in x + n ln 2 (ln 2 in two parts). A
// quantized tanh goes through f32: dequantize, math.tanh, quantize.
// CHECK-LABEL: func @sigmoid_float
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[HI:.*]] = arith.constant 8.733000e+01 : f32
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[X:.*]], %[[HI]] : f32
// CHECK: %[[X1:.*]] = arith.select %[[GT]], %[[HI]], %[[X]] : f32
// CHECK: %[[LO:.*]] = arith.constant -8.830000e+01 : f32
// CHECK: %[[LT:.*]] = arith.cmpf olt, %[[X1]], %[[LO]] : f32
// CHECK: %[[X2:.*]] = arith.select %[[LT]], %[[LO]], %[[X1]] : f32
// CHECK: %[[M:.*]] = arith.mulf %[[X2]], %{{.*}} fastmath<contract> : f32
// CHECK: %[[SUM:.*]] = arith.addf %[[M]], %[[MAGIC:.*]] fastmath<contract> : f32
// CHECK: %[[BITS:.*]] = arith.bitcast %[[SUM]] : f32 to i32
// CHECK: %[[SH:.*]] = arith.shli %[[BITS]], %{{.*}} : i32
// CHECK: %[[P2:.*]] = arith.bitcast %[[SH]] : i32 to f32
// CHECK: %[[N:.*]] = arith.subf %[[SUM]], %[[MAGIC]] : f32
// CHECK-COUNT-7: arith.addf {{.*}} fastmath<contract> : f32
// CHECK: %[[E:.*]] = arith.mulf %[[P2]], %{{.*}} : f32
// CHECK: %[[D:.*]] = arith.addf %[[E]], %[[ONE]] : f32
// CHECK: arith.divf %[[ONE]], %[[D]] : f32
// CHECK-LABEL: func @tanh_quantized
// CHECK: %[[F:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: %[[T:.*]] = math.tanh %[[F]] : f32
// CHECK: arith.constant 1.000000e-01 : f32
// CHECK: arith.divf %[[T]], %{{.*}} : f32
// CHECK: math.roundeven
// CHECK: arith.trunci %{{.*}} : i32 to i8
func.func @sigmoid_float(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = octet.sigmoid %a : tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @tanh_quantized(%a: tensor<4x!u8>) -> tensor<4x!u8b> {
  %0 = octet.tanh %a : tensor<4x!u8> -> tensor<4x!u8b>
  return %0 : tensor<4x!u8b>
}

// -----

// leaky_relu: x < 0 ? alpha * x : x. A float clamp: max then min.
// CHECK-LABEL: func @leaky_relu
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[NEG:.*]] = arith.cmpf olt, %[[X]], %[[Z]] : f32
// CHECK: %[[AL:.*]] = arith.constant 1.000000e-01 : f32
// CHECK: %[[S:.*]] = arith.mulf %[[X]], %[[AL]] : f32
// CHECK: arith.select %[[NEG]], %[[S]], %[[X]] : f32
// CHECK-LABEL: func @clamp_float
// CHECK: %[[LO:.*]] = arith.constant -1.000000e+00 : f32
// CHECK: %[[M:.*]] = arith.maximumf %{{.*}}, %[[LO]] : f32
// CHECK: %[[HI:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: arith.minimumf %[[M]], %[[HI]] : f32
func.func @leaky_relu(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = octet.leaky_relu %a {alpha = 0.1 : f32} : tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @clamp_float(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = octet.clamp %a {min = -1.0 : f32, max = 2.0 : f32} : tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Compare: unsigned integers use unsigned predicates, floats ordered ones;
// where is a select with a broadcast rank-0 operand.
// CHECK-LABEL: func @compare_unsigned_lt
// CHECK: arith.cmpi ult, %{{.*}}, %{{.*}} : i8
// CHECK-LABEL: func @compare_float_ge
// CHECK: arith.cmpf oge, %{{.*}}, %{{.*}} : f32
// CHECK-LABEL: func @where_broadcast
// CHECK: ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>)
// CHECK-NEXT: ^bb0(%[[C:.*]]: i1, %[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.select %[[C]], %[[A]], %[[B]] : f32
func.func @compare_unsigned_lt(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xi1> {
  %0 = octet.compare %a, %b {predicate = "lt"} : tensor<4xui8>, tensor<4xui8> -> tensor<4xi1>
  return %0 : tensor<4xi1>
}
func.func @compare_float_ge(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xi1> {
  %0 = octet.compare %a, %b {predicate = "ge"} : tensor<4xf32>, tensor<4xf32> -> tensor<4xi1>
  return %0 : tensor<4xi1>
}
func.func @where_broadcast(%c: tensor<2x3xi1>, %a: tensor<2x3xf32>, %b: tensor<f32>) -> tensor<2x3xf32> {
  %0 = octet.where %c, %a, %b : tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Integer mod takes the divisor's sign (Python's %): the remainder plus the
// divisor where it is non-zero and the signs differ. fmod is arith.remf.
// CHECK-LABEL: func @mod_integer_python_sign
// CHECK: ^bb0(%[[A:.*]]: i64, %[[B:.*]]: i64, %{{.*}}: i64):
// CHECK: %[[R:.*]] = arith.remsi %[[A]], %[[B]] : i64
// CHECK: %[[Z:.*]] = arith.constant 0 : i64
// CHECK: %[[NZ:.*]] = arith.cmpi ne, %[[R]], %[[Z]] : i64
// CHECK: %[[RN:.*]] = arith.cmpi slt, %[[R]], %[[Z]] : i64
// CHECK: %[[DN:.*]] = arith.cmpi slt, %[[B]], %[[Z]] : i64
// CHECK: %[[X:.*]] = arith.xori %[[RN]], %[[DN]] : i1
// CHECK: %[[FIX:.*]] = arith.andi %[[NZ]], %[[X]] : i1
// CHECK: %[[ADJ:.*]] = arith.addi %[[R]], %[[B]] : i64
// CHECK: arith.select %[[FIX]], %[[ADJ]], %[[R]] : i64
// CHECK-LABEL: func @mod_float_fmod
// CHECK: arith.remf %{{.*}}, %{{.*}} : f32
func.func @mod_integer_python_sign(%a: tensor<4xi64>, %b: tensor<i64>) -> tensor<4xi64> {
  %0 = octet.mod %a, %b {fmod = false} : tensor<4xi64>, tensor<i64> -> tensor<4xi64>
  return %0 : tensor<4xi64>
}
func.func @mod_float_fmod(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = octet.mod %a, %b {fmod = true} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Cast: unsigned sources convert and extend without sign, float to int
// truncates toward zero, a cast to i1 compares with zero.
// CHECK-LABEL: func @casts
// CHECK: arith.uitofp %{{.*}} : i8 to f32
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: %[[Z:.*]] = arith.constant 0 : i64
// CHECK-NEXT: arith.cmpi ne, %{{.*}}, %[[Z]] : i64
// CHECK: arith.extui %{{.*}} : i8 to i64
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @casts(%a: tensor<4xui8>, %b: tensor<4xf32>, %c: tensor<4xi64>, %d: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>, tensor<4xi1>, tensor<4xi64>, tensor<4xi64>, tensor<4xf16>) {
  %0 = octet.cast %a : tensor<4xui8> -> tensor<4xf32>
  %1 = octet.cast %b : tensor<4xf32> -> tensor<4xi32>
  %2 = octet.cast %c : tensor<4xi64> -> tensor<4xi1>
  %3 = octet.cast %a : tensor<4xui8> -> tensor<4xi64>
  %4 = octet.cast %d : tensor<4xi32> -> tensor<4xi64>
  %5 = octet.cast %b : tensor<4xf32> -> tensor<4xf16>
  return %0, %1, %2, %3, %4, %5 : tensor<4xf32>, tensor<4xi32>, tensor<4xi1>, tensor<4xi64>, tensor<4xi64>, tensor<4xf16>
}
