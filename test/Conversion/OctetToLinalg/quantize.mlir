// Lowering of octet.constant, storage_cast, quantize, dequantize, requantize and dynamic_quantize (per tensor and per axis).
// RUN: octet-opt %s --convert-octet-to-linalg -split-input-file | FileCheck %s

!u8 = !quant.uniform<u8:f32, 0.5:10>

// A quantized constant keeps its stored bits as a signless arith.constant
// (200 as i8 is -56).
// CHECK-LABEL: func @constant_storage_bits
// CHECK-SAME: () -> tensor<2xi8>
// CHECK: %[[C:.*]] = arith.constant dense<[1, -56]> : tensor<2xi8>
// CHECK-NOT: octet.
// CHECK: return %[[C]] : tensor<2xi8>
func.func @constant_storage_bits() -> tensor<2x!u8> {
  %c = octet.constant dense<[1, 200]> : tensor<2xi8> : tensor<2x!u8>
  return %c : tensor<2x!u8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:10>

// storage_cast is a no-op on the signless storage tensor.
// CHECK-LABEL: func @storage_cast_roundtrip
// CHECK-SAME: (%[[X:.*]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK-NEXT: return %[[X]] : tensor<4xi8>
func.func @storage_cast_roundtrip(%x: tensor<4xui8>) -> tensor<4xui8> {
  %q = octet.storage_cast %x : tensor<4xui8> -> tensor<4x!u8>
  %r = octet.storage_cast %q : tensor<4x!u8> -> tensor<4xui8>
  return %r : tensor<4xui8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:10>

// ONNX QuantizeLinear: saturate(rint(x / scale) + zp), true division,
// round half to even, the zero point added after rounding.
// CHECK-LABEL: func @quantize_per_tensor
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<4xf32>) outs(%{{.*}} : tensor<4xi8>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: i8):
// CHECK: %[[S:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[D:.*]] = arith.divf %[[IN]], %[[S]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[D]] : f32
// CHECK: %[[Z:.*]] = arith.constant 1.000000e+01 : f32
// CHECK: %[[A:.*]] = arith.addf %[[R]], %[[Z]] : f32
// CHECK: %[[LO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[M0:.*]] = arith.maximumf %[[A]], %[[LO]] : f32
// CHECK: %[[HI:.*]] = arith.constant 2.550000e+02 : f32
// CHECK: %[[M1:.*]] = arith.minimumf %[[M0]], %[[HI]] : f32
// CHECK: %[[I:.*]] = arith.fptosi %[[M1]] : f32 to i32
// CHECK: %[[T:.*]] = arith.trunci %[[I]] : i32 to i8
// CHECK: linalg.yield %[[T]] : i8
func.func @quantize_per_tensor(%x: tensor<4xf32>) -> tensor<4x!u8> {
  %q = octet.quantize %x : tensor<4xf32> -> tensor<4x!u8>
  return %q : tensor<4x!u8>
}

// -----

!s8ax = !quant.uniform<i8:f32:1, {0.5:1, 0.25:-2}>

// Per-axis: scales and zero points are constant vectors read along the
// quantized dimension (1), clamped to the int8 range.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[AX:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @quantize_per_axis
// CHECK-DAG: %[[SC:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-DAG: %[[ZP:.*]] = arith.constant dense<[1, -2]> : tensor<2xi32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[AX]], #[[AX]], #[[ID]]]
// CHECK-SAME: ins(%{{.*}}, %[[SC]], %[[ZP]] : tensor<3x2xf32>, tensor<2xf32>, tensor<2xi32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[S:.*]]: f32, %[[Z:.*]]: i32, %{{.*}}: i8):
// CHECK: %[[D:.*]] = arith.divf %[[IN]], %[[S]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[D]] : f32
// CHECK: %[[ZF:.*]] = arith.sitofp %[[Z]] : i32 to f32
// CHECK: arith.addf %[[R]], %[[ZF]] : f32
// CHECK: arith.constant -1.280000e+02 : f32
// CHECK: arith.maximumf
// CHECK: arith.constant 1.270000e+02 : f32
// CHECK: arith.minimumf
// CHECK: arith.fptosi
// CHECK: arith.trunci %{{.*}} : i32 to i8
func.func @quantize_per_axis(%x: tensor<3x2xf32>) -> tensor<3x2x!s8ax> {
  %q = octet.quantize %x : tensor<3x2xf32> -> tensor<3x2x!s8ax>
  return %q : tensor<3x2x!s8ax>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:10>

// ONNX DequantizeLinear: float(q - zp) * scale, u8 storage zero-extended.
// CHECK-LABEL: func @dequantize_per_tensor
// CHECK: ^bb0(%[[IN:.*]]: i8, %{{.*}}: f32):
// CHECK-DAG: %[[Z:.*]] = arith.constant 10 : i32
// CHECK-DAG: %[[S:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[E:.*]] = arith.extui %[[IN]] : i8 to i32
// CHECK: %[[D:.*]] = arith.subi %[[E]], %[[Z]] : i32
// CHECK: %[[F:.*]] = arith.sitofp %[[D]] : i32 to f32
// CHECK: %[[M:.*]] = arith.mulf %[[F]], %[[S]] : f32
// CHECK: linalg.yield %[[M]] : f32
func.func @dequantize_per_tensor(%x: tensor<4x!u8>) -> tensor<4xf32> {
  %q = octet.dequantize %x : tensor<4x!u8> -> tensor<4xf32>
  return %q : tensor<4xf32>
}

// -----

!s8ax = !quant.uniform<i8:f32:1, {0.5:1, 0.25:-2}>

// Per-axis dequantize: i8 storage sign-extended, per-channel zero point and
// scale from the constant vectors.
// CHECK-LABEL: func @dequantize_per_axis
// CHECK-DAG: %[[SC:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-DAG: %[[ZP:.*]] = arith.constant dense<[1, -2]> : tensor<2xi32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %[[SC]], %[[ZP]] : tensor<3x2xi8>, tensor<2xf32>, tensor<2xi32>) outs(%{{.*}} : tensor<3x2xf32>)
// CHECK: ^bb0(%[[IN:.*]]: i8, %[[S:.*]]: f32, %[[Z:.*]]: i32, %{{.*}}: f32):
// CHECK: %[[E:.*]] = arith.extsi %[[IN]] : i8 to i32
// CHECK: %[[D:.*]] = arith.subi %[[E]], %[[Z]] : i32
// CHECK: %[[F:.*]] = arith.sitofp %[[D]] : i32 to f32
// CHECK: arith.mulf %[[F]], %[[S]] : f32
func.func @dequantize_per_axis(%x: tensor<3x2x!s8ax>) -> tensor<3x2xf32> {
  %q = octet.dequantize %x : tensor<3x2x!s8ax> -> tensor<3x2xf32>
  return %q : tensor<3x2xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:10>
!s8 = !quant.uniform<i8:f32, 0.25:-3>

// Requantize as ONNX Runtime's DequantizeLinear -> QuantizeLinear in f32:
// dequantize with (10, 0.5), then quantize with (0.25, -3) to int8.
// CHECK-LABEL: func @requantize_per_tensor
// CHECK: ^bb0(%[[IN:.*]]: i8, %{{.*}}: i8):
// CHECK: arith.extui %[[IN]] : i8 to i32
// CHECK: arith.subi
// CHECK: arith.sitofp
// CHECK: %[[F:.*]] = arith.mulf
// CHECK: %[[S:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[D:.*]] = arith.divf %[[F]], %[[S]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[D]] : f32
// CHECK: arith.constant -3.000000e+00 : f32
// CHECK: arith.addf %[[R]]
// CHECK: arith.constant -1.280000e+02 : f32
// CHECK: arith.maximumf
// CHECK: arith.constant 1.270000e+02 : f32
// CHECK: arith.minimumf
// CHECK: arith.fptosi
// CHECK: arith.trunci %{{.*}} : i32 to i8
func.func @requantize_per_tensor(%x: tensor<4x!u8>) -> tensor<4x!s8> {
  %q = octet.requantize %x : tensor<4x!u8> -> tensor<4x!s8>
  return %q : tensor<4x!s8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:10>
!s8ax = !quant.uniform<i8:f32:1, {0.5:1, 0.25:-2}>

// A per-axis input: its scale and zero point come from the channel
// vectors, the per-tensor output parameters are constants.
// CHECK-LABEL: func @requantize_per_axis_input
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<3x2xi8>, tensor<2xf32>, tensor<2xi32>)
// CHECK: ^bb0(%[[IN:.*]]: i8, %[[S:.*]]: f32, %[[Z:.*]]: i32, %{{.*}}: i8):
// CHECK: %[[E:.*]] = arith.extsi %[[IN]] : i8 to i32
// CHECK: arith.subi %[[E]], %[[Z]] : i32
// CHECK: %[[F:.*]] = arith.mulf %{{.*}}, %[[S]] : f32
// CHECK: arith.constant 5.000000e-01 : f32
// CHECK: arith.divf %[[F]]
// CHECK: math.roundeven
// CHECK: arith.constant 1.000000e+01 : f32
// CHECK: arith.constant 2.550000e+02 : f32
func.func @requantize_per_axis_input(%x: tensor<3x2x!s8ax>) -> tensor<3x2x!u8> {
  %q = octet.requantize %x : tensor<3x2x!s8ax> -> tensor<3x2x!u8>
  return %q : tensor<3x2x!u8>
}

// -----

// ONNX DynamicQuantizeLinear: min and max over the whole tensor (both
// including 0), scale = (max - min) / 255, zp = saturate(rint(-min /
// scale)), y = saturate(rint(x / scale) + zp) as u8.
// CHECK-LABEL: func @dynamic_quantize
// CHECK-SAME: -> (tensor<2x3xi8>, tensor<f32>, tensor<i8>)
// CHECK: %[[MIN:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK: arith.minimumf
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK: arith.maximumf
// CHECK: %[[MINS:.*]] = tensor.reshape %[[MIN]]
// CHECK: %[[MAXS:.*]] = tensor.reshape %[[MAX]]
// CHECK: %[[SCALE:.*]] = linalg.generic {{.*}} ins(%[[MINS]], %[[MAXS]] : tensor<f32>, tensor<f32>)
// CHECK: ^bb0(%[[LO:.*]]: f32, %[[HI:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[RANGE:.*]] = arith.subf %[[HI]], %[[LO]] : f32
// CHECK: arith.constant 2.550000e+02 : f32
// CHECK: arith.divf %[[RANGE]]
// CHECK: %[[ZP:.*]] = linalg.generic {{.*}} ins(%[[MINS]], %[[SCALE]] : tensor<f32>, tensor<f32>) outs(%{{.*}} : tensor<i8>)
// CHECK: arith.negf
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[SCALE]], %[[ZP]] : tensor<2x3xf32>, tensor<f32>, tensor<i8>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[S:.*]]: f32, %[[Z:.*]]: i8, %{{.*}}: i8):
// CHECK: %[[Q:.*]] = arith.divf %[[X]], %[[S]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[Q]] : f32
// CHECK: %[[ZF:.*]] = arith.uitofp %[[Z]] : i8 to f32
// CHECK: arith.addf %[[R]], %[[ZF]] : f32
// CHECK: arith.constant 2.550000e+02 : f32
// CHECK: return %[[Y]], %[[SCALE]], %[[ZP]]
func.func @dynamic_quantize(%x: tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) {
  %y, %s, %z = octet.dynamic_quantize %x : tensor<2x3xf32> -> tensor<2x3xui8>, tensor<f32>, tensor<ui8>
  return %y, %s, %z : tensor<2x3xui8>, tensor<f32>, tensor<ui8>
}
