//===- ConvertOctetToLinalg.cpp - the convert-octet-to-linalg pass ---------===//
//
// Type conversion, legality and the pass that applies the generic patterns
// of the op families (Quantize, Conv, Linear, Elementwise, Pooling,
// Normalization, Reduction, DataMovement).
//
//===----------------------------------------------------------------------===//

#include "octet/Conversion/OctetToLinalg/OctetToLinalg.h"
#include "octet/Conversion/Passes.h"
#include "octet/Dialect/Octet/OctetDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::octet {
#define GEN_PASS_DEF_CONVERTOCTETTOLINALG
#include "octet/Conversion/Passes.h.inc"
} // namespace mlir::octet

using namespace mlir;
using namespace mlir::octet;

void mlir::octet::populateOctetToLinalgTypeConversion(TypeConverter &tc) {
  tc.addConversion([](Type t) { return t; });
  tc.addConversion([](RankedTensorType t) -> Type {
    Type el = t.getElementType();
    MLIRContext *ctx = t.getContext();
    if (auto q = dyn_cast<quant::QuantizedType>(el))
      return t.clone(IntegerType::get(ctx, q.getStorageTypeIntegralWidth()));
    if (auto it = dyn_cast<IntegerType>(el); it && !it.isSignless())
      return t.clone(IntegerType::get(ctx, it.getWidth()));
    return t;
  });
  auto cast = [](OpBuilder &b, Type t, ValueRange in, Location loc) -> Value {
    return UnrealizedConversionCastOp::create(b, loc, t, in).getResult(0);
  };
  tc.addSourceMaterialization(cast);
  tc.addTargetMaterialization(cast);
}

void mlir::octet::configureOctetToLinalgTarget(ConversionTarget &target,
                                               const TypeConverter &tc) {
  target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect, arith::ArithDialect,
                         math::MathDialect, scf::SCFDialect>();
  target.addIllegalDialect<OctetDialect>();
  target.addDynamicallyLegalOp<func::FuncOp>([&tc](func::FuncOp f) {
    return tc.isSignatureLegal(f.getFunctionType()) && tc.isLegal(&f.getBody());
  });
  target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
      [&tc](Operation *op) { return tc.isLegal(op); });
  target.addDynamicallyLegalOp<arith::ConstantOp>(
      [&tc](arith::ConstantOp op) { return tc.isLegal(op.getType()); });
}

namespace {
/// An octet op whose results all have a zero-sized dimension computes
/// nothing: its results become tensor.empty, before any lowering (or kernel)
/// sees the empty shapes (a conv on a batch of 0, say).
struct EmptyResultPattern : ConversionPattern {
  EmptyResultPattern(const TypeConverter &tc, MLIRContext *ctx)
      : ConversionPattern(tc, MatchAnyOpTypeTag(), /*benefit=*/100, ctx) {}
  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value>,
                                ConversionPatternRewriter &rewriter) const override {
    if (!isa_and_nonnull<OctetDialect>(op->getDialect()) || op->getNumResults() == 0 ||
        op->getNumRegions() != 0)
      return failure();
    SmallVector<Value> empties;
    for (Type t : op->getResultTypes()) {
      auto rt = dyn_cast<RankedTensorType>(getTypeConverter()->convertType(t));
      if (!rt || !rt.hasStaticShape() || rt.getNumElements() != 0)
        return failure();
      empties.push_back(
          tensor::EmptyOp::create(rewriter, op->getLoc(), rt.getShape(), rt.getElementType()));
    }
    rewriter.replaceOp(op, empties);
    return success();
  }
};
} // namespace

void mlir::octet::populateOctetToLinalgConversionPatterns(const TypeConverter &tc,
                                                          RewritePatternSet &patterns,
                                                          const OctetToLinalgOptions &options) {
  patterns.add<EmptyResultPattern>(tc, patterns.getContext());
  populateQuantizePatterns(tc, patterns, options);
  populateConvPatterns(tc, patterns, options);
  populateLinearPatterns(tc, patterns, options);
  populateElementwisePatterns(tc, patterns, options);
  populatePoolingPatterns(tc, patterns, options);
  populateNormalizationPatterns(tc, patterns, options);
  populateReductionPatterns(tc, patterns, options);
  populateDataMovementPatterns(tc, patterns, options);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns, tc);
  populateReturnOpTypeConversionPattern(patterns, tc);
  populateCallOpTypeConversionPattern(patterns, tc);
}

LogicalResult mlir::octet::parseRequantMode(StringRef mode, OctetToLinalgOptions &options,
                                            Operation *op) {
  if (mode != "onnx" && mode != "fixed-point")
    return op->emitError() << "--requant must be onnx or fixed-point, not '" << mode << "'";
  options.fixedPoint = mode == "fixed-point";
  return success();
}

namespace {
struct ConvertOctetToLinalgPass
    : octet::impl::ConvertOctetToLinalgBase<ConvertOctetToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    OctetToLinalgOptions options;
    if (failed(parseRequantMode(requant, options, getOperation())))
      return signalPassFailure();
    TypeConverter tc;
    populateOctetToLinalgTypeConversion(tc);
    ConversionTarget target(*ctx);
    configureOctetToLinalgTarget(target, tc);
    RewritePatternSet patterns(ctx);
    populateOctetToLinalgConversionPatterns(tc, patterns, options);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
