//===- Passes.h - octet conversion passes -----------------------*- C++ -*-===//

#ifndef OCTET_CONVERSION_PASSES_H
#define OCTET_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::octet {

#define GEN_PASS_DECL
#include "octet/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "octet/Conversion/Passes.h.inc"

} // namespace mlir::octet

#endif // OCTET_CONVERSION_PASSES_H
