//===- OctetToLinalg.h - octet graph ops to linalg --------------*- C++ -*-===//
//
// The target-independent lowering of the octet dialect: quantized tensors
// become tensors of their signless storage integers, products accumulate in
// int32 and requantize by the rules of IntegerRules.h, everything else is
// linalg, tensor, arith and math. A target adds its own kernel patterns at a
// higher benefit (lib/Target/<target>/Kernels); where none applies, these
// patterns are the fallback and the reference.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_CONVERSION_OCTETTOLINALG_OCTETTOLINALG_H
#define OCTET_CONVERSION_OCTETTOLINALG_OCTETTOLINALG_H

#include "octet/Conversion/OctetToLinalg/LoweringUtils.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::octet {

/// Quantized and unsigned integer tensors to signless storage tensors.
void populateOctetToLinalgTypeConversion(TypeConverter &converter);

/// Legal dialects and ops of the lowering (the octet dialect is illegal).
void configureOctetToLinalgTarget(ConversionTarget &target, const TypeConverter &converter);

/// Every generic pattern, at benefit 1, and the function signature
/// conversions.
void populateOctetToLinalgConversionPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns,
                                             const OctetToLinalgOptions &options);

/// Reads a --requant value ("onnx" or "fixed-point") into `options`;
/// emits an error on `op` otherwise.
LogicalResult parseRequantMode(StringRef mode, OctetToLinalgOptions &options, Operation *op);

// The op families, each in its own file.
void populateQuantizePatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                              const OctetToLinalgOptions &options);
void populateConvPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                          const OctetToLinalgOptions &options);
void populateLinearPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                            const OctetToLinalgOptions &options);
void populateElementwisePatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                                 const OctetToLinalgOptions &options);
void populatePoolingPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                             const OctetToLinalgOptions &options);
void populateNormalizationPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                                   const OctetToLinalgOptions &options);
void populateReductionPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                               const OctetToLinalgOptions &options);
void populateDataMovementPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                                  const OctetToLinalgOptions &options);

} // namespace mlir::octet

#endif // OCTET_CONVERSION_OCTETTOLINALG_OCTETTOLINALG_H
