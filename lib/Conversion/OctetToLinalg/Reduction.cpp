//===- Reduction.cpp - reductions and scans ---------------------------------===//
//
// Lowerings of the reduce ops, argmax/argmin and cumsum.
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

/// CumSum as a loop along the axis carrying the running sum of one slice.
struct CumSumLowering : OctetPattern<CumSumOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto shape = rtt(x).getShape();
    Type el = rtt(x).getElementType();
    int64_t axis = op.getAxis(), len = shape[axis];
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    SmallVector<int64_t> sliceShape(shape);
    sliceShape[axis] = 1;
    auto sliceT = RankedTensorType::get(sliceShape, el);
    Value zero = isa<FloatType>(el)
                     ? (Value)arith::ConstantOp::create(rewriter, loc, rewriter.getFloatAttr(el, 0))
                     : cstInt(rewriter, loc, 0, el);
    Value run0 = linalg::FillOp::create(rewriter, loc, zero, emptyLike(rewriter, loc, sliceShape, el))
                     .getResult(0);
    Value out = emptyLike(rewriter, loc, shape, el);
    auto r = constLoop(
        rewriter, loc, 0, len, 1, ValueRange{out, run0},
        [&](OpBuilder &b, Location l, Value k, ValueRange a) -> SmallVector<Value> {
          Value at = reverse ? (Value)arith::SubIOp::create(b, l, cstIndex(b, l, len - 1), k) : k;
          SmallVector<OpFoldResult> offs(shape.size(), b.getIndexAttr(0)), sizes, strides;
          offs[axis] = at;
          for (int64_t d : sliceShape) {
            sizes.push_back(b.getIndexAttr(d));
            strides.push_back(b.getIndexAttr(1));
          }
          Value xs = tensor::ExtractSliceOp::create(b, l, sliceT, x, offs, sizes, strides);
          // The running sum is updated in place (the loop carries one buffer).
          auto id = AffineMap::getMultiDimIdentityMap(sliceShape.size(), b.getContext());
          auto add = [&](Value run) {
            return linalg::GenericOp::create(
                       b, l, TypeRange{sliceT}, ValueRange{xs}, ValueRange{run},
                       SmallVector<AffineMap>{id, id}, parallel(sliceShape.size()),
                       [&](OpBuilder &nb, Location nl, ValueRange v) {
                         Value r = isa<FloatType>(el)
                                       ? (Value)arith::AddFOp::create(nb, nl, v[1], v[0])
                                       : arith::AddIOp::create(nb, nl, v[1], v[0]);
                         linalg::YieldOp::create(nb, nl, r);
                       })
                .getResult(0);
          };
          if (exclusive) {
            Value o = tensor::InsertSliceOp::create(b, l, a[1], a[0], offs, sizes, strides);
            return {o, add(a[1])};
          }
          Value next = add(a[1]);
          Value o = tensor::InsertSliceOp::create(b, l, next, a[0], offs, sizes, strides);
          return {o, next};
        });
    rewriter.replaceOp(op, r[0]);
    return success();
  }
};


/// ArgMax / ArgMin: one reduction carrying the best value and its index.
template <typename OpTy>
struct ArgReduceLowering : OctetPattern<OpTy> {
  using OctetPattern<OpTy>::OctetPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    constexpr bool isMax = std::is_same<OpTy, ArgMaxOp>::value;
    Value x = adaptor.getInput();
    auto t = rtt(x);
    Type el = t.getElementType();
    Type orig = rtt(op.getInput()).getElementType();
    bool isUnsigned = orig.isUnsignedInteger() || orig.isInteger(1);
    int64_t axis = op.getAxis(), r = t.getRank();
    bool last = op.getSelectLastIndex();
    SmallVector<int64_t> kept(t.getShape());
    kept[axis] = 1;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iters;
    for (int64_t d = 0; d < r; ++d) {
      outExprs.push_back(d == axis ? getAffineConstantExpr(0, ctx) : getAffineDimExpr(d, ctx));
      iters.push_back(d == axis ? utils::IteratorType::reduction : utils::IteratorType::parallel);
    }
    TypedAttr startV;
    if (isa<FloatType>(el)) {
      startV = rewriter.getFloatAttr(el, isMax ? -std::numeric_limits<double>::infinity()
                                               : std::numeric_limits<double>::infinity());
    } else {
      unsigned w = el.getIntOrFloatBitWidth();
      APInt v = isUnsigned ? (isMax ? APInt::getMinValue(w) : APInt::getMaxValue(w))
                           : (isMax ? APInt::getSignedMinValue(w) : APInt::getSignedMaxValue(w));
      startV = rewriter.getIntegerAttr(el, v);
    }
    Value start = arith::ConstantOp::create(rewriter, loc, startV).getResult();
    Value best = linalg::FillOp::create(rewriter, loc, start, emptyLike(rewriter, loc, kept, el))
                     .getResult(0);
    // Index -1 marks "nothing taken yet", so the first element always wins
    // (NaN and infinities included).
    Value idx = linalg::FillOp::create(rewriter, loc, cstInt(rewriter, loc, -1, rewriter.getI64Type()),
                                       emptyLike(rewriter, loc, kept, rewriter.getI64Type()))
                    .getResult(0);
    AffineMap outMap = AffineMap::get(r, 0, outExprs, ctx);
    auto g = linalg::GenericOp::create(
        rewriter, loc, TypeRange{best.getType(), idx.getType()}, ValueRange{x},
        ValueRange{best, idx}, {AffineMap::getMultiDimIdentityMap(r, ctx), outMap, outMap}, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value v = a[0], cur = a[1], ci = a[2];
          Value better;
          if (isa<FloatType>(el)) {
            auto p = isMax ? (last ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT)
                           : (last ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT);
            better = arith::CmpFOp::create(b, l, p, v, cur);
          } else {
            using IP = arith::CmpIPredicate;
            IP p = isMax ? (last ? (isUnsigned ? IP::uge : IP::sge) : (isUnsigned ? IP::ugt : IP::sgt))
                         : (last ? (isUnsigned ? IP::ule : IP::sle) : (isUnsigned ? IP::ult : IP::slt));
            better = arith::CmpIOp::create(b, l, p, v, cur);
          }
          Value first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, ci,
                                              cstInt(b, l, 0, b.getI64Type()));
          better = arith::OrIOp::create(b, l, better, first);
          Value i = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                               linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(b, l, ValueRange{arith::SelectOp::create(b, l, better, v, cur),
                                                   arith::SelectOp::create(b, l, better, i, ci)});
        });
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, g.getResult(1),
                                     cast<RankedTensorType>(op.getType())));
    return success();
  }
};


template <typename OpTy>
struct ReduceLowering : OctetPattern<OpTy> {
  using OctetPattern<OpTy>::OctetPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = rtt(x);
    Type el = t.getElementType();
    ArrayRef<int64_t> axes = op.getAxes();
    bool isMax = std::is_same<OpTy, ReduceMaxOp>::value;
    bool isMin = std::is_same<OpTy, ReduceMinOp>::value;
    bool isProd = std::is_same<OpTy, ReduceProdOp>::value;
    if (auto it = dyn_cast<IntegerType>(el)) {
      // Integer reductions (shape arithmetic, masks, indices); the mean
      // truncates toward zero.
      Type orig = rtt(op.getInput()).getElementType();
      bool u = orig.isUnsignedInteger() || orig.isInteger(1);
      unsigned w = it.getWidth();
      APInt start = isMax ? (u ? APInt::getMinValue(w) : APInt::getSignedMinValue(w))
                    : isMin ? (u ? APInt::getMaxValue(w) : APInt::getSignedMaxValue(w))
                            : APInt(w, isProd ? 1 : 0);
      Value init = arith::ConstantOp::create(rewriter, loc, rewriter.getIntegerAttr(el, start));
      Value r = reduceKeep(rewriter, loc, x, axes, init,
                           [&](OpBuilder &b, Location l, Value a, Value acc) -> Value {
                             if (isMax)
                               return u ? (Value)arith::MaxUIOp::create(b, l, a, acc)
                                        : (Value)arith::MaxSIOp::create(b, l, a, acc);
                             if (isMin)
                               return u ? (Value)arith::MinUIOp::create(b, l, a, acc)
                                        : (Value)arith::MinSIOp::create(b, l, a, acc);
                             if (isProd)
                               return arith::MulIOp::create(b, l, a, acc);
                             return arith::AddIOp::create(b, l, a, acc);
                           });
      if (std::is_same<OpTy, ReduceMeanOp>::value) {
        int64_t count = 1;
        for (int64_t d : axes)
          count *= t.getDimSize(d);
        r = elementwise(rewriter, loc, rtt(r).getShape(), el, {r},
                        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                          Value c = cstInt(b, l, count, el);
                          return u ? (Value)arith::DivUIOp::create(b, l, a[0], c)
                                   : (Value)arith::DivSIOp::create(b, l, a[0], c);
                        });
      }
      rewriter.replaceOp(op, reshapeTo(rewriter, loc, r,
                                      cast<RankedTensorType>(
                                          this->getTypeConverter()->convertType(op.getType()))));
      return success();
    }
    double inf = std::numeric_limits<double>::infinity();
    Value init = fconst(rewriter, loc, isMax ? -inf : isMin ? inf : isProd ? 1.0 : 0.0, el);
    Value r = reduceKeep(rewriter, loc, x, axes, init,
                         [&](OpBuilder &b, Location l, Value a, Value acc) -> Value {
                           if (isMax)
                             return arith::MaximumFOp::create(b, l, a, acc);
                           if (isMin)
                             return arith::MinimumFOp::create(b, l, a, acc);
                           if (isProd)
                             return arith::MulFOp::create(b, l, a, acc);
                           return arith::AddFOp::create(b, l, a, acc);
                         });
    if (std::is_same<OpTy, ReduceMeanOp>::value) {
      int64_t count = 1;
      for (int64_t d : axes)
        count *= t.getDimSize(d);
      double inv = 1.0 / (double)count;
      r = elementwise(rewriter, loc, rtt(r).getShape(), el, {r},
                      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                        return arith::MulFOp::create(b, l, a[0], fconst(b, l, inv, el));
                      });
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, r,
                                      cast<RankedTensorType>(
                                          this->getTypeConverter()->convertType(op.getType()))));
    return success();
  }
};

} // namespace

void mlir::octet::populateReductionPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                     const OctetToLinalgOptions &options) {
  patterns.add<CumSumLowering,
               ArgReduceLowering<ArgMaxOp>,
               ArgReduceLowering<ArgMinOp>,
               ReduceLowering<ReduceMeanOp>,
               ReduceLowering<ReduceSumOp>,
               ReduceLowering<ReduceMaxOp>,
               ReduceLowering<ReduceMinOp>,
               ReduceLowering<ReduceProdOp>>(tc, patterns.getContext(), options);
}
