//===- Conv.cpp - convolutions ----------------------------------------------===//
//
// The generic lowering of octet.conv2d: im2col and a linalg product for one
// group, a direct loop nest for grouped and depthwise convolutions, then
// the requantize epilogue or the float activation.
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

struct Conv2DLowering : OctetPattern<Conv2DOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    QInfo x = qinfo(op.getInput().getType()), w = qinfo(op.getWeight().getType());
    bool quant = x.quantized;
    auto outShape = rtt(op.getResult()).getShape();
    auto wShape = rtt(op.getWeight()).getShape();
    int64_t group = op.getGroup(), mg = wShape[0] / group, cg = wShape[1];
    auto strides = op.getStrides(), dil = op.getDilations();
    Type accEl = quant ? (Type)rewriter.getI32Type() : rtt(op.getInput()).getElementType();

    // Pad with the input zero point (quantized) or 0.
    Value padValue =
        quant ? cstInt(rewriter, loc, x.zps[0], rewriter.getIntegerType(x.width))
              : (Value)arith::ConstantOp::create(rewriter, loc,
                                                  rewriter.getFloatAttr(accEl, 0.0));
    Value xp = padNCHW(rewriter, loc, adaptor.getInput(), op.getPads(), 0, 0, padValue);

    // Accumulator initialized with the bias (with the input zero point's
    // correction folded in when the weight is constant).
    Value acc;
    Value biasInit = adaptor.getBias();
    bool zpFolded = false;
    if (quant)
      if (auto fb = foldedBias(rewriter, loc, op.getWeight(), op.getBias(), x, w,
                               wShape[0], /*channelInner=*/false)) {
        biasInit = *fb;
        zpFolded = true;
      }
    // Float sums start from zero and take the bias after the reduction, in
    // ONNX Runtime's (MLAS's) order; integer sums are exact in any order.
    Value floatBias = quant ? Value() : biasInit;
    if (!quant)
      biasInit = Value();
    auto addFloatBias = [&](Value r) -> Value {
      if (!floatBias)
        return r;
      return elementwise(rewriter, loc, outShape, accEl, {r, floatBias},
                         [](OpBuilder &b, Location l, ValueRange a) -> Value {
                           return arith::AddFOp::create(b, l, a[0], a[1]);
                         },
                         {AffineMap::getMultiDimIdentityMap(4, ctx), channelMap(ctx, 4, 1)});
    };
    if (Value bias = biasInit) {
      acc = elementwise(rewriter, loc, outShape, accEl, {bias},
                        [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                        {channelMap(ctx, 4, 1)});
    } else {
      Value zero = quant ? cstInt(rewriter, loc, 0, accEl)
                         : (Value)arith::ConstantOp::create(rewriter, loc,
                                                             rewriter.getFloatAttr(accEl, 0.0));
      acc = linalg::FillOp::create(rewriter, loc, zero,
                                   emptyLike(rewriter, loc, outShape, accEl))
                .getResult(0);
    }

    if (group == 1) {
      // im2col: gather the windows into [N, OH, OW, C*KH*KW] rows, then a
      // matrix product whose reduction runs over contiguous memory in both
      // operands (what the vectorizer turns into dot-product instructions).
      Type inEl = rtt(xp).getElementType();
      int64_t kh = wShape[2], kw = wShape[3], cin = wShape[1];
      int64_t kk = cin * kh * kw;
      // Portable path: im2col from NCHW, then a generic product.
      SmallVector<int64_t> col6 = {outShape[0], outShape[2], outShape[3], cin, kh, kw};
      AffineExpr n, oh, ow, c, i, j;
      bindDims(ctx, n, oh, ow, c, i, j);
      auto gather = AffineMap::get(
          6, 0, {n, c, oh * strides[0] + i * dil[0], ow * strides[1] + j * dil[1]}, ctx);
      Value col = elementwise(rewriter, loc, col6, inEl, {xp},
                              [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                              {gather});
      auto colT = RankedTensorType::get({outShape[0], outShape[2], outShape[3], kk}, inEl);
      Value colK = tensor::CollapseShapeOp::create(
          rewriter, loc, colT, col, SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4, 5}});
      auto wT = RankedTensorType::get({wShape[0], kk}, rtt(adaptor.getWeight()).getElementType());
      Value wK = tensor::CollapseShapeOp::create(
          rewriter, loc, wT, adaptor.getWeight(),
          SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
      // (n, oh, ow, f, k)
      AffineExpr d0, d1, d2, d3, d4;
      bindDims(ctx, d0, d1, d2, d3, d4);
      SmallVector<Value> ins = {colK, wK};
      SmallVector<AffineMap> maps = {AffineMap::get(5, 0, {d0, d1, d2, d4}, ctx),
                                     AffineMap::get(5, 0, {d3, d4}, ctx)};
      bool wzp = quant && !w.allZeroPointsZero();
      if (wzp) {
        SmallVector<int32_t> zps;
        for (int64_t k = 0; k < wShape[0]; ++k)
          zps.push_back((int32_t)w.zp(k));
        ins.push_back(vectorConstI32(rewriter, loc, zps));
        maps.push_back(AffineMap::get(5, 0, {d3}, ctx));
      }
      maps.push_back(AffineMap::get(5, 0, {d0, d3, d1, d2}, ctx));
      SmallVector<utils::IteratorType> iters = parallel(4);
      iters.push_back(utils::IteratorType::reduction);
      auto mm = linalg::GenericOp::create(
          rewriter, loc, TypeRange{acc.getType()}, ins, ValueRange{acc}, maps, iters,
          [&](OpBuilder &b, Location l, ValueRange a) {
            macBody(b, l, a, x, w, quant, zpFolded, wzp);
          });
      Value result = mm.getResult(0);
      auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
      if (!quant)
        result = addFloatBias(result);
      if (quant) {
        result = requantizeEpilogue(rewriter, loc, result, outShape, 1, x, w, op.getType(),
                                    op.getActivation(), lo, hi, fixedPoint);
      } else if (op.getActivation() != "none") {
        StringRef act = op.getActivation();
        result = elementwise(rewriter, loc, outShape, accEl, {result},
                             [&](OpBuilder &b, Location l, ValueRange a) {
                               return floatActivation(b, l, a[0], act, lo, hi);
                             });
      }
      rewriter.replaceOp(op, result);
      return success();
    }
    // Grouped and depthwise: a direct loop nest (n, f, oh, ow, c, kh, kw).
    AffineExpr n, f, oh, ow, c, kh, kw;
    bindDims(ctx, n, f, oh, ow, c, kh, kw);
    AffineExpr inC = group == 1 ? c : f.floorDiv(mg) * cg + c;
    auto xMap = AffineMap::get(7, 0,
                               {n, inC, oh * strides[0] + kh * dil[0],
                                ow * strides[1] + kw * dil[1]},
                               ctx);
    auto wMap = AffineMap::get(7, 0, {f, c, kh, kw}, ctx);
    auto oMap = AffineMap::get(7, 0, {n, f, oh, ow}, ctx);
    SmallVector<utils::IteratorType> iters = parallel(4);
    iters.append(3, utils::IteratorType::reduction);
    SmallVector<Value> ins = {xp, adaptor.getWeight()};
    SmallVector<AffineMap> maps = {xMap, wMap};
    bool wzp = quant && !w.allZeroPointsZero();
    if (wzp) {
      SmallVector<int32_t> zps;
      for (int64_t k = 0; k < wShape[0]; ++k)
        zps.push_back((int32_t)w.zp(k));
      ins.push_back(vectorConstI32(rewriter, loc, zps));
      maps.push_back(AffineMap::get(7, 0, {f}, ctx));
    }
    maps.push_back(oMap);
    auto conv = linalg::GenericOp::create(
        rewriter, loc, TypeRange{acc.getType()}, ins, ValueRange{acc}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          macBody(b, l, a, x, w, quant, zpFolded, wzp);
        });
    Value result = conv.getResult(0);
    auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
    if (!quant)
      result = addFloatBias(result);
    if (quant) {
      result = requantizeEpilogue(rewriter, loc, result, outShape, 1, x, w,
                                  op.getType(), op.getActivation(), lo, hi, fixedPoint);
    } else if (op.getActivation() != "none") {
      StringRef act = op.getActivation();
      result = elementwise(rewriter, loc, outShape, accEl, {result},
                           [&](OpBuilder &b, Location l, ValueRange a) {
                             return floatActivation(b, l, a[0], act, lo, hi);
                           });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::octet::populateConvPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                     const OctetToLinalgOptions &options) {
  patterns.add<Conv2DLowering>(tc, patterns.getContext(), options);
}
