//===- Quantize.cpp - quantize, dequantize, requantize and constants --------===//
//
// Lowerings of octet.constant, octet.storage_cast, octet.quantize,
// octet.dequantize, octet.requantize and octet.dynamic_quantize.
//
//===----------------------------------------------------------------------===//

#include "octet/Conversion/OctetToLinalg/IntegerRules.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "octet/Conversion/OctetToLinalg/LoweringUtils.h"
#include "octet/Conversion/OctetToLinalg/OctetToLinalg.h"
#include "octet/Dialect/Octet/OctetDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::octet;

namespace {

struct ConstantLowering : OctetPattern<ConstantOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto t = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Attribute value = op.getValue();
    if (auto dense = dyn_cast<DenseElementsAttr>(value))
      value = dense.bitcast(t.getElementType());
    else if (auto res = dyn_cast<DenseResourceElementsAttr>(value))
      value = DenseResourceElementsAttr::get(t, res.getRawHandle());
    else
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, t, cast<TypedAttr>(value));
    return success();
  }
};

/// Plain constants of unsigned integer types become signless.
struct ArithConstantLowering : OctetPattern<arith::ConstantOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto t = dyn_cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    if (!t || t == op.getType())
      return failure();
    Attribute value = op.getValue();
    if (auto dense = dyn_cast<DenseElementsAttr>(value))
      value = dense.bitcast(t.getElementType());
    else if (auto res = dyn_cast<DenseResourceElementsAttr>(value))
      value = DenseResourceElementsAttr::get(t, res.getRawHandle());
    else
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, t, cast<TypedAttr>(value));
    return success();
  }
};

struct StorageCastLowering : OctetPattern<StorageCastOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct QuantizeLowering : OctetPattern<QuantizeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    QInfo y = qinfo(op.getType());
    auto shape = rtt(op.getResult()).getShape();
    Type storage = rewriter.getIntegerType(y.width);
    ScaleOperand s = scaleOperand(rewriter, loc, y, shape.size());
    Value r;
    if (!s.tensor) {
      r = elementwise(rewriter, loc, shape, storage, {adaptor.getInput()},
                      [&](OpBuilder &b, Location l, ValueRange a) {
                        return quantizeScalar(b, l, a[0], cstF32(b, l, s.scalar),
                                              s.zpScalar, y.qmin, y.qmax, storage);
                      });
    } else {
      r = elementwise(
          rewriter, loc, shape, storage, {adaptor.getInput(), s.tensor, s.zpTensor},
          [&](OpBuilder &b, Location l, ValueRange a) {
            return quantizeScalar(b, l, a[0], a[1], a[2], y.qmin, y.qmax, storage);
          },
          {s.map, s.map});
    }
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct DequantizeLowering : OctetPattern<DequantizeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    QInfo x = qinfo(op.getInput().getType());
    auto shape = rtt(op.getResult()).getShape();
    ScaleOperand s = scaleOperand(rewriter, loc, x, shape.size());
    Value r;
    if (!s.tensor) {
      r = elementwise(rewriter, loc, shape, rewriter.getF32Type(), {adaptor.getInput()},
                      [&](OpBuilder &b, Location l, ValueRange a) {
                        return dequantizeScalar(
                            b, l, a[0], x.isSigned,
                            cstInt(b, l, s.zpScalar, b.getI32Type()),
                            cstF32(b, l, s.scalar));
                      });
    } else {
      r = elementwise(
          rewriter, loc, shape, rewriter.getF32Type(),
          {adaptor.getInput(), s.tensor, s.zpTensor},
          [&](OpBuilder &b, Location l, ValueRange a) {
            return dequantizeScalar(b, l, a[0], x.isSigned, a[2], a[1]);
          },
          {s.map, s.map});
    }
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct RequantizeLowering : OctetPattern<RequantizeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    QInfo x = qinfo(op.getInput().getType()), y = qinfo(op.getType());
    auto shape = rtt(op.getResult()).getShape();
    Type storage = rewriter.getIntegerType(y.width);
    // As ONNX Runtime evaluates DequantizeLinear -> QuantizeLinear; either
    // side may be per-axis (scale and zero point tensors over its axis).
    ScaleOperand sx = scaleOperand(rewriter, loc, x, shape.size());
    ScaleOperand sy = scaleOperand(rewriter, loc, y, shape.size());
    SmallVector<Value> ins = {adaptor.getInput()};
    SmallVector<AffineMap> maps;
    for (ScaleOperand *so : {&sx, &sy})
      if (so->tensor) {
        ins.append({so->tensor, so->zpTensor});
        maps.append({so->map, so->map});
      }
    Value r = elementwise(
        rewriter, loc, shape, storage, ins,
        [&](OpBuilder &b, Location l, ValueRange a) {
          unsigned k = 1;
          Value xs, xz, ys, yz;
          if (sx.tensor) {
            xs = a[k++];
            xz = a[k++];
          } else {
            xs = cstF32(b, l, sx.scalar);
            xz = cstInt(b, l, sx.zpScalar, b.getI32Type());
          }
          Value f = dequantizeScalar(b, l, a[0], x.isSigned, xz, xs);
          if (!sy.tensor)
            return quantizeScalar(b, l, f, cstF32(b, l, sy.scalar), sy.zpScalar, y.qmin,
                                  y.qmax, storage);
          ys = a[k++];
          yz = a[k++];
          return quantizeScalar(b, l, f, ys, yz, y.qmin, y.qmax, storage);
        },
        maps);
    rewriter.replaceOp(op, r);
    return success();
  }
};


/// ONNX DynamicQuantizeLinear: scale = (max(0, max x) - min(0, min x)) / 255,
/// zp = saturate(rint(-min(0, min x) / scale)), y = saturate(rint(x / scale) + zp).
struct DynamicQuantizeLowering : OctetPattern<DynamicQuantizeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(DynamicQuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = rtt(x);
    Type f32 = rewriter.getF32Type(), i8 = rewriter.getI8Type();
    SmallVector<int64_t> all;
    for (int64_t d = 0; d < t.getRank(); ++d)
      all.push_back(d);
    auto scalarT = RankedTensorType::get({}, f32);
    Value mn = reduceKeep(rewriter, loc, x, all, fconst(rewriter, loc, 0.0, f32),
                          [](OpBuilder &b, Location l, Value a, Value acc) -> Value {
                            return arith::MinimumFOp::create(b, l, a, acc);
                          });
    Value mx = reduceKeep(rewriter, loc, x, all, fconst(rewriter, loc, 0.0, f32),
                          [](OpBuilder &b, Location l, Value a, Value acc) -> Value {
                            return arith::MaximumFOp::create(b, l, a, acc);
                          });
    mn = reshapeTo(rewriter, loc, mn, scalarT);
    mx = reshapeTo(rewriter, loc, mx, scalarT);
    Value scale = elementwise(rewriter, loc, {}, f32, {mn, mx},
                              [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                Value d = arith::SubFOp::create(b, l, a[1], a[0]);
                                return arith::DivFOp::create(b, l, d, cstF32(b, l, 255.0));
                              });
    Value zp = elementwise(rewriter, loc, {}, i8, {mn, scale},
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             Value z = arith::DivFOp::create(
                                 b, l, arith::NegFOp::create(b, l, a[0]), a[1]);
                             z = math::RoundEvenOp::create(b, l, z);
                             return clampToInt(b, l, z, 0, 255, b.getI8Type());
                           });
    Value y = elementwise(
        rewriter, loc, t.getShape(), i8, {x, scale, zp},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value q = arith::DivFOp::create(b, l, a[0], a[1]);
          q = math::RoundEvenOp::create(b, l, q);
          Value z = arith::UIToFPOp::create(b, l, b.getF32Type(), a[2]);
          q = arith::AddFOp::create(b, l, q, z);
          return clampToInt(b, l, q, 0, 255, b.getI8Type());
        });
    rewriter.replaceOp(op, {y, scale, zp});
    return success();
  }
};

} // namespace

void mlir::octet::populateQuantizePatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                     const OctetToLinalgOptions &options) {
  patterns.add<ConstantLowering,
               ArithConstantLowering,
               StorageCastLowering,
               QuantizeLowering,
               DequantizeLowering,
               RequantizeLowering,
               DynamicQuantizeLowering>(tc, patterns.getContext(), options);
}
