//===- Normalization.cpp - softmax and normalizations -----------------------===//
//
// Lowerings of octet.softmax (float, and ONNX Runtime's quantized softmax),
// octet.layer_norm and octet.batch_norm.
//
//===----------------------------------------------------------------------===//

#include "octet/Conversion/OctetToLinalg/IntegerRules.h"
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

/// Softmax of 8-bit quantized tensors as ONNX Runtime's QLinearSoftmax: a
/// float32 table of exp((i - 255 + shift) * s_x) for the 256 input steps,
/// indexed by each value's distance to its row maximum, a float32 sum per
/// row in order, then rint(e * floor(1 / s_y) / sum) + zp_y, saturated
/// above at 255 (uint8) or 127 (int8).
Value quantizedSoftmax(OpBuilder &b, Location loc, Value x, int64_t axis, const QInfo &qx,
                       const QInfo &qy) {
  auto t = rtt(x);
  Type i8 = t.getElementType(), i32 = b.getI32Type(), f32 = b.getF32Type();
  int64_t d = t.getDimSize(axis);
  double shift = (double)std::log(std::numeric_limits<float>::max() / (float)d);
  shift = std::max(0.0, shift - 5.0) / (double)(float)qx.scales[0];
  SmallVector<float> table(256);
  for (int i = 0; i < 256; ++i) {
    uint8_t index = (uint8_t)(qx.isSigned ? i - 128 : i);
    table[index] = (float)std::exp(((double)i - 255 + shift) * (double)(float)qx.scales[0]);
  }
  Value tableC = f32Table(b, loc, table);
  float yScale = std::floor(1.0f / (float)qy.scales[0]);
  // Row maxima of the stored values.
  Value init = cstInt(b, loc, qx.isSigned ? -128 : 0, i8);
  Value mx = reduceKeep(b, loc, x, {axis}, init, [&](OpBuilder &nb, Location l, Value a, Value acc) -> Value {
    if (qx.isSigned)
      return arith::MaxSIOp::create(nb, l, a, acc);
    return arith::MaxUIOp::create(nb, l, a, acc);
  });
  // Table entry of each element: u8 index 255 - max + x, s8 (127 - max + x) mod 256.
  Value e = elementwise(b, loc, t.getShape(), f32, {x, mx},
                        [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
                          Value xi = toI32(nb, l, v[0], qx.isSigned);
                          Value mi = toI32(nb, l, v[1], qx.isSigned);
                          Value base = cstInt(nb, l, qx.isSigned ? 127 : 255, i32);
                          Value ix = arith::AddIOp::create(
                              nb, l, arith::SubIOp::create(nb, l, base, mi), xi);
                          if (qx.isSigned)
                            ix = arith::AndIOp::create(nb, l, ix, cstInt(nb, l, 255, i32));
                          Value idx = arith::IndexCastOp::create(nb, l, nb.getIndexType(), ix);
                          return tensor::ExtractOp::create(nb, l, tableC, ValueRange{idx});
                        });
  Value sum = reduceKeep(b, loc, e, {axis}, fconst(b, loc, 0.0, f32),
                         [](OpBuilder &nb, Location l, Value a, Value acc) -> Value {
                           return arith::AddFOp::create(nb, l, acc, a);
                         });
  return elementwise(
      b, loc, t.getShape(), i8, {e, sum}, [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
        Value f = arith::DivFOp::create(nb, l, arith::MulFOp::create(nb, l, v[0], cstF32(nb, l, yScale)),
                                        v[1]);
        f = math::RoundEvenOp::create(nb, l, f);
        Value q = arith::AddIOp::create(nb, l, arith::FPToSIOp::create(nb, l, i32, f),
                                        cstInt(nb, l, qy.zps[0], i32));
        // Saturated above (the value is at least the zero point): 255 for
        // uint8, 127 for int8, as ONNX Runtime 1.30 does (older ORT sources
        // wrapped int8 values from 128 to 255 around).
        int64_t top = qy.isSigned ? 127 : 255;
        Value over = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sgt, q, cstInt(nb, l, top, i32));
        q = arith::SelectOp::create(nb, l, over, cstInt(nb, l, top, i32), q);
        return arith::TruncIOp::create(nb, l, i8, q);
      });
}

struct SoftmaxLowering : OctetPattern<SoftmaxOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = rtt(x);
    Type el = t.getElementType();
    int64_t axis = op.getAxis();
    QInfo qx = qinfo(op.getInput().getType()), qy = qinfo(op.getType());
    if (qx.quantized) {
      rewriter.replaceOp(op, quantizedSoftmax(rewriter, loc, x, axis, qx, qy));
      return success();
    }
    Value mx = reduceKeep(rewriter, loc, x, {axis},
                          fconst(rewriter, loc, -std::numeric_limits<double>::infinity(), el),
                          [](OpBuilder &b, Location l, Value a, Value acc) -> Value {
                            return arith::MaximumFOp::create(b, l, a, acc);
                          });
    Value e = elementwise(rewriter, loc, t.getShape(), el, {x, mx},
                          [](OpBuilder &b, Location l, ValueRange a) -> Value {
                            return math::ExpOp::create(
                                b, l, arith::SubFOp::create(b, l, a[0], a[1]));
                          });
    Value sum = reduceKeep(rewriter, loc, e, {axis}, fconst(rewriter, loc, 0.0, el),
                           [](OpBuilder &b, Location l, Value a, Value acc) -> Value {
                             return arith::AddFOp::create(b, l, a, acc);
                           });
    bool log = op.getLog();
    Value r = log ? elementwise(rewriter, loc, t.getShape(), el, {x, mx, sum},
                                [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                  return arith::SubFOp::create(
                                      b, l, arith::SubFOp::create(b, l, a[0], a[1]),
                                      math::LogOp::create(b, l, a[2]));
                                })
                  : elementwise(rewriter, loc, t.getShape(), el, {e, sum},
                                [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                  return arith::DivFOp::create(b, l, a[0], a[1]);
                                });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct LayerNormLowering : OctetPattern<LayerNormOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = rtt(x);
    Type el = t.getElementType();
    SmallVector<int64_t> axes;
    int64_t count = 1;
    for (int64_t d = op.getAxis(); d < t.getRank(); ++d) {
      axes.push_back(d);
      count *= t.getDimSize(d);
    }
    auto add = [](OpBuilder &b, Location l, Value a, Value acc) -> Value {
      return arith::AddFOp::create(b, l, a, acc);
    };
    double inv = 1.0 / (double)count;
    Value sum = reduceKeep(rewriter, loc, x, axes, fconst(rewriter, loc, 0.0, el), add);
    Value centered = elementwise(rewriter, loc, t.getShape(), el, {x, sum},
                                 [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                   Value mean = arith::MulFOp::create(b, l, a[1], fconst(b, l, inv, el));
                                   return arith::SubFOp::create(b, l, a[0], mean);
                                 });
    Value sq = elementwise(rewriter, loc, t.getShape(), el, {centered},
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return arith::MulFOp::create(b, l, a[0], a[0]);
                           });
    Value var = reduceKeep(rewriter, loc, sq, axes, fconst(rewriter, loc, 0.0, el), add);
    double eps = op.getEpsilon().convertToDouble();
    SmallVector<Value> ins = {centered, var, adaptor.getScale()};
    if (adaptor.getBias())
      ins.push_back(adaptor.getBias());
    Value r = elementwise(rewriter, loc, t.getShape(), el, ins,
                          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                            Value v = arith::MulFOp::create(b, l, a[1], fconst(b, l, inv, el));
                            v = arith::AddFOp::create(b, l, v, fconst(b, l, eps, el));
                            v = math::RsqrtOp::create(b, l, v);
                            Value y = arith::MulFOp::create(b, l, a[0], v);
                            y = arith::MulFOp::create(b, l, y, a[2]);
                            if (a.size() > 3)
                              y = arith::AddFOp::create(b, l, y, a[3]);
                            return y;
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct BatchNormLowering : OctetPattern<BatchNormOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto t = rtt(adaptor.getInput());
    Type el = t.getElementType();
    double eps = op.getEpsilon().convertToDouble();
    AffineMap ch = channelMap(rewriter.getContext(), t.getRank(), 1);
    Value r = elementwise(
        rewriter, loc, t.getShape(), el,
        {adaptor.getInput(), adaptor.getScale(), adaptor.getBias(), adaptor.getMean(),
         adaptor.getVariance()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value v = arith::AddFOp::create(b, l, a[4], fconst(b, l, eps, el));
          v = math::RsqrtOp::create(b, l, v);
          Value y = arith::SubFOp::create(b, l, a[0], a[3]);
          y = arith::MulFOp::create(b, l, y, v);
          y = arith::MulFOp::create(b, l, y, a[1]);
          return arith::AddFOp::create(b, l, y, a[2]);
        },
        {ch, ch, ch, ch});
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void mlir::octet::populateNormalizationPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                     const OctetToLinalgOptions &options) {
  patterns.add<SoftmaxLowering,
               LayerNormLowering,
               BatchNormLowering>(tc, patterns.getContext(), options);
}
