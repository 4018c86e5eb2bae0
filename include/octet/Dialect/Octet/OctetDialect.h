//===- OctetDialect.h - the octet dialect and its ops -----------*- C++ -*-===//
//
// Include this header to use the octet dialect, its ops and its helpers.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_DIALECT_OCTETDIALECT_H
#define OCTET_DIALECT_OCTETDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "octet/Dialect/Octet/OctetDialect.h.inc"

#define GET_OP_CLASSES
#include "octet/Dialect/Octet/OctetOps.h.inc"

#include "octet/Dialect/Octet/ConstTensor.h"
#include "octet/Dialect/Octet/QuantUtils.h"
#include "octet/Dialect/Octet/ShapeInference.h"

#endif // OCTET_DIALECT_OCTETDIALECT_H
