//===- Pooling.cpp - pooling ------------------------------------------------===//
//
// Lowerings of octet.max_pool2d, octet.avg_pool2d and
// octet.global_avg_pool2d (the latter two follow ONNX Runtime's
// QLinearAveragePool and QLinearGlobalAveragePool for quantized tensors).
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

struct MaxPoolLowering : OctetPattern<MaxPool2DOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    QInfo x = qinfo(op.getInput().getType());
    auto inShape = rtt(op.getInput()).getShape();
    auto outShape = rtt(op.getResult()).getShape();
    auto k = op.getKernel(), s = op.getStrides(), d = op.getDilations(), pads = op.getPads();
    Type el = rtt(adaptor.getInput()).getElementType();
    bool isFloat = isa<FloatType>(el);
    Value lowest =
        isFloat ? (Value)arith::ConstantOp::create(
                      rewriter, loc,
                      rewriter.getFloatAttr(el, -std::numeric_limits<double>::infinity()))
                : cstInt(rewriter, loc, x.isSigned ? APInt::getSignedMinValue(x.width).getSExtValue() : 0, el);
    // Windows that run past the end (ceil_mode) read padding.
    int64_t extra[2];
    for (int i = 0; i < 2; ++i) {
      int64_t need = (outShape[2 + i] - 1) * s[i] + d[i] * (k[i] - 1) + 1;
      extra[i] = std::max<int64_t>(0, need - (inShape[2 + i] + pads[i] + pads[2 + i]));
    }
    Value xp = padNCHW(rewriter, loc, adaptor.getInput(), pads, extra[0], extra[1], lowest);
    auto maxOf = [&](OpBuilder &b, Location l, Value p, Value q) -> Value {
      if (isFloat)
        return arith::MaximumFOp::create(b, l, p, q);
      if (x.isSigned)
        return arith::MaxSIOp::create(b, l, p, q);
      return arith::MaxUIOp::create(b, l, p, q);
    };
    // Small windows: one elementwise op over the output reading every
    // window element as its own input (vectorizes along the row; the
    // reduction form below vectorized into gathers and scatters: digits
    // float's 2x2 pool took a fifth of the model's time).
    // Each window element is a strided slice of the output's shape (with
    // shifted index maps instead, linalg would take a loop's size from an
    // input whose map is the identity: stride-1 pools failed to verify).
    if (k[0] * k[1] <= 16) {
      SmallVector<Value> ins;
      auto sliceT = RankedTensorType::get(outShape, el);
      for (int64_t i = 0; i < k[0]; ++i)
        for (int64_t j = 0; j < k[1]; ++j)
          ins.push_back(tensor::ExtractSliceOp::create(
              rewriter, loc, sliceT, xp,
              SmallVector<OpFoldResult>{rewriter.getIndexAttr(0), rewriter.getIndexAttr(0),
                                        rewriter.getIndexAttr(i * d[0]),
                                        rewriter.getIndexAttr(j * d[1])},
              SmallVector<OpFoldResult>{
                  rewriter.getIndexAttr(outShape[0]), rewriter.getIndexAttr(outShape[1]),
                  rewriter.getIndexAttr(outShape[2]), rewriter.getIndexAttr(outShape[3])},
              SmallVector<OpFoldResult>{rewriter.getIndexAttr(1), rewriter.getIndexAttr(1),
                                        rewriter.getIndexAttr(s[0]),
                                        rewriter.getIndexAttr(s[1])}));
      rewriter.replaceOp(op, elementwise(rewriter, loc, outShape, el, ins,
                                         [&](OpBuilder &b, Location l, ValueRange a) {
                                           Value m = a[0];
                                           for (Value v : a.drop_front())
                                             m = maxOf(b, l, m, v);
                                           return m;
                                         }));
      return success();
    }
    Value init = linalg::FillOp::create(rewriter, loc, lowest,
                                        emptyLike(rewriter, loc, outShape, el))
                     .getResult(0);
    Value window = emptyLike(rewriter, loc, {k[0], k[1]}, el);
    AffineExpr n, c, oh, ow, kh, kw;
    bindDims(ctx, n, c, oh, ow, kh, kw);
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0, {n, c, oh * s[0] + kh * d[0], ow * s[1] + kw * d[1]}, ctx),
        AffineMap::get(6, 0, {kh, kw}, ctx), AffineMap::get(6, 0, {n, c, oh, ow}, ctx)};
    SmallVector<utils::IteratorType> iters = parallel(4);
    iters.append(2, utils::IteratorType::reduction);
    auto g = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{xp, window}, ValueRange{init},
        maps, iters, [&](OpBuilder &b, Location l, ValueRange a) {
          linalg::YieldOp::create(b, l, maxOf(b, l, a[0], a[2]));
        });
    rewriter.replaceOp(op, g.getResult(0));
    return success();
  }
};


/// Average pooling (windows or global). Quantized global pooling
/// accumulates (x - x_zp) in int32 and requantizes with (s_x / s_y) /
/// count; quantized windows sum dequantized values in float32.
template <typename OpTy>
struct AvgPoolLowering : OctetPattern<OpTy> {
  using OctetPattern<OpTy>::OctetPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    QInfo x = qinfo(op.getInput().getType()), y = qinfo(op.getType());
    auto inShape = rtt(op.getInput()).getShape();
    auto outShape = rtt(op.getResult()).getShape();
    SmallVector<int64_t> k, s, pads;
    bool countPad = false;
    if constexpr (std::is_same<OpTy, AvgPool2DOp>::value) {
      k.assign(op.getKernel().begin(), op.getKernel().end());
      s.assign(op.getStrides().begin(), op.getStrides().end());
      pads.assign(op.getPads().begin(), op.getPads().end());
      countPad = op.getCountIncludePad();
    } else {
      k = {inShape[2], inShape[3]};
      s = {1, 1};
      pads = {0, 0, 0, 0};
    }
    Type inEl = rtt(adaptor.getInput()).getElementType();
    // A float global pool: each plane's mean in ONNX Runtime's order.
    if (std::is_same<OpTy, GlobalAvgPool2DOp>::value && !x.quantized && inEl.isF32() &&
        inShape[2] * inShape[3] > 0) {
      int64_t rows = inShape[0] * inShape[1], n = inShape[2] * inShape[3];
      Value x2 = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({rows, n}, inEl), adaptor.getInput(),
          SmallVector<ReassociationIndices>{{0, 1}, {2, 3}});
      Value means = mlasOrderRowMeans(rewriter, loc, x2, rows, n, inEl);
      rewriter.replaceOp(op, tensor::ExpandShapeOp::create(
                                 rewriter, loc, RankedTensorType::get(outShape, inEl), means,
                                 SmallVector<ReassociationIndices>{{0, 1, 2, 3}}));
      return success();
    }
    // Windowed quantized pooling follows ONNX Runtime's QLinearAveragePool:
    // a float32 sum of the dequantized values in window order, divided by
    // the count, then quantized. The global pool sums integers (MLAS).
    bool floatQ = x.quantized && (std::is_same<OpTy, AvgPool2DOp>::value || x.width > 8);
    Type accEl = floatQ ? (Type)rewriter.getF32Type()
                        : x.quantized ? (Type)rewriter.getI32Type() : inEl;
    // Pad with the zero point (counts as 0) and precompute window counts.
    Value padValue = x.quantized ? cstInt(rewriter, loc, x.zps[0], inEl)
                                 : fconst(rewriter, loc, 0.0, inEl);
    int64_t extra[2];
    for (int i = 0; i < 2; ++i) {
      int64_t need = (outShape[2 + i] - 1) * s[i] + k[i];
      extra[i] = std::max<int64_t>(0, need - (inShape[2 + i] + pads[i] + pads[2 + i]));
    }
    Value xp = padNCHW(rewriter, loc, adaptor.getInput(), pads, extra[0], extra[1], padValue);
    SmallVector<float> inv;
    for (int64_t i = 0; i < outShape[2]; ++i)
      for (int64_t j = 0; j < outShape[3]; ++j) {
        int64_t h0 = i * s[0] - pads[0], w0 = j * s[1] - pads[1];
        int64_t h1 = h0 + k[0], w1 = w0 + k[1];
        int64_t cnt;
        if (countPad) {
          int64_t hEnd = std::min(h1, inShape[2] + pads[2]);
          int64_t wEnd = std::min(w1, inShape[3] + pads[3]);
          cnt = (hEnd - h0) * (wEnd - w0);
        } else {
          cnt = (std::min(h1, inShape[2]) - std::max<int64_t>(h0, 0)) *
                (std::min(w1, inShape[3]) - std::max<int64_t>(w0, 0));
        }
        cnt = std::max<int64_t>(cnt, 1);
        inv.push_back(floatQ ? (float)cnt : 1.0f / (float)cnt);
      }
    auto invT = RankedTensorType::get({outShape[2], outShape[3]}, rewriter.getF32Type());
    Value invC = arith::ConstantOp::create(rewriter, loc, invT, DenseElementsAttr::get(invT, ArrayRef<float>(inv)));
    Value zero = isa<IntegerType>(accEl) ? cstInt(rewriter, loc, 0, accEl)
                                         : fconst(rewriter, loc, 0.0, accEl);
    Value init = linalg::FillOp::create(rewriter, loc, zero,
                                        emptyLike(rewriter, loc, outShape, accEl))
                     .getResult(0);
    Value window = emptyLike(rewriter, loc, {k[0], k[1]}, inEl);
    AffineExpr n, c, oh, ow, kh, kw;
    bindDims(ctx, n, c, oh, ow, kh, kw);
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0, {n, c, oh * s[0] + kh, ow * s[1] + kw}, ctx),
        AffineMap::get(6, 0, {kh, kw}, ctx), AffineMap::get(6, 0, {n, c, oh, ow}, ctx)};
    SmallVector<utils::IteratorType> iters = parallel(4);
    iters.append(2, utils::IteratorType::reduction);
    auto g = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{xp, window}, ValueRange{init},
        maps, iters, [&](OpBuilder &b, Location l, ValueRange a) {
          Value v;
          if (floatQ)
            v = arith::AddFOp::create(
                b, l, a[2],
                dequantizeScalar(b, l, a[0], x.isSigned, cstInt(b, l, x.zps[0], b.getI32Type()),
                                 cstF32(b, l, x.scales[0])));
          else if (x.quantized)
            v = arith::AddIOp::create(
                b, l, a[2],
                arith::SubIOp::create(b, l, toI32(b, l, a[0], x.isSigned),
                                      cstInt(b, l, x.zps[0], b.getI32Type())));
          else
            v = arith::AddFOp::create(b, l, a[2], a[0]);
          linalg::YieldOp::create(b, l, v);
        });
    Value sum = g.getResult(0);
    AffineMap invMap = AffineMap::get(4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx);
    Type outEl = cast<RankedTensorType>(this->getTypeConverter()->convertType(op.getType()))
                     .getElementType();
    Value r = elementwise(
        rewriter, loc, outShape, outEl, {sum, invC},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (!x.quantized)
            return arith::MulFOp::create(b, l, a[0], a[1]);
          if (floatQ) {
            Value f = arith::DivFOp::create(b, l, a[0], a[1]);
            f = arith::DivFOp::create(b, l, f, cstF32(b, l, y.scales[0]));
            f = arith::AddFOp::create(b, l, f, cstF32(b, l, (double)y.zps[0]));
            f = math::RoundEvenOp::create(b, l, f);
            return clampToInt(b, l, f, y.qmin, y.qmax, outEl);
          }
          Value f = arith::SIToFPOp::create(b, l, b.getF32Type(), a[0]);
          f = arith::MulFOp::create(b, l, f, a[1]);
          f = arith::MulFOp::create(b, l, f, cstF32(b, l, (float)x.scales[0] / (float)y.scales[0]));
          f = math::RoundEvenOp::create(b, l, f);
          f = arith::AddFOp::create(b, l, f, cstF32(b, l, (double)y.zps[0]));
          return clampToInt(b, l, f, y.qmin, y.qmax, outEl);
        },
        {invMap});
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void mlir::octet::populatePoolingPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                     const OctetToLinalgOptions &options) {
  patterns.add<MaxPoolLowering,
               AvgPoolLowering<AvgPool2DOp>,
               AvgPoolLowering<GlobalAvgPool2DOp>>(tc, patterns.getContext(), options);
}
