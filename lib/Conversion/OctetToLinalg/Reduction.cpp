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

/// Set by the importer (a discardable attribute) on float sums and means that
/// stand for a sum inside one of ONNX Runtime's fused kernels that adds the
/// elements in sequence (com.microsoft SkipSimplifiedLayerNormalization).
constexpr llvm::StringLiteral kSequentialAttr = "octet.sequential";
/// Set by the importer on the mean of squares of an RMS normalization
/// (SimplifiedLayerNormalization, RMSNormalization): see ortLaneSumSquares.
constexpr llvm::StringLiteral kOrtRmsAttr = "octet.ort_rms";

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


/// The lanes of a vector register summed as SIMD code reduces them: lane i
/// plus lane i + half, halving until one is left.
Value halvePairwise(OpBuilder &b, Location loc, SmallVector<Value> lanes) {
  while (lanes.size() > 1) {
    size_t h = lanes.size() / 2;
    SmallVector<Value> half;
    for (size_t i = 0; i < h; ++i)
      half.push_back(arith::AddFOp::create(b, loc, lanes[i], lanes[i + h]));
    lanes = half;
  }
  return lanes.front();
}

/// Rows and row length of `t` reduced over `axes` when those are its
/// trailing axes (the reductions ONNX Runtime runs row by row).
struct Rows {
  int64_t rows = 1, n = 1;
};
std::optional<Rows> trailingRows(RankedTensorType t, ArrayRef<int64_t> axes) {
  if (axes.empty())
    return std::nullopt;
  SmallVector<int64_t> sorted(axes);
  llvm::sort(sorted);
  int64_t rank = t.getRank(), first = sorted.front();
  if (sorted.back() != rank - 1 || (int64_t)sorted.size() != rank - first)
    return std::nullopt;
  Rows r;
  for (int64_t d = 0; d < rank; ++d)
    (d < first ? r.rows : r.n) *= t.getDimSize(d);
  if (r.rows <= 0 || r.n <= 0)
    return std::nullopt;
  return r;
}

/// A [rows] tensor of `el` from one parallel linalg.generic whose body
/// (`body`, which yields) computes row linalg.index 0's value.
static Value perRow(OpBuilder &b, Location loc, int64_t rows, Type el,
                    function_ref<void(OpBuilder &, Location)> body) {
  Value out = emptyLike(b, loc, {rows}, el);
  auto g = linalg::GenericOp::create(
      b, loc, TypeRange{out.getType()}, ValueRange{}, ValueRange{out},
      SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(1, b.getContext())}, parallel(1),
      [&](OpBuilder &nb, Location l, ValueRange) { body(nb, l); });
  return g.getResult(0);
}

/// Float sums of the rows of x2 ([R, N]) in the order of Eigen's vectorized
/// reduction with 16-byte (SSE) packets, which ONNX Runtime's ReduceSum and
/// ReduceMean over trailing axes use (its Eigen is built for SSE whatever
/// the host): the row's elements from the first 16-byte boundary (its data
/// start 64-byte aligned) summed as two packets of lanes at a time, then
/// the odd packet, the lanes halved pairwise, then the elements before the
/// boundary and after the last whole packet one by one. A start of -0.0
/// adds exactly like starting from the first value (all -0.0 sums to -0.0).
Value eigenOrderRowSums(OpBuilder &b, Location loc, Value x2, int64_t rows, int64_t n,
                        Type el) {
  int64_t lanes = 16 / (el.getIntOrFloatBitWidth() / 8);
  return perRow(b, loc, rows, el, [&](OpBuilder &nb, Location l) {
        auto idx = [&](OpBuilder &ib, Location il, int64_t v) { return cstIndex(ib, il, v); };
        Value r = linalg::IndexOp::create(nb, l, 0);
        // The row's first element on a packet boundary (in elements).
        Value a0 = idx(nb, l, 0);
        if (n % lanes) {
          Value mis = arith::RemUIOp::create(
              nb, l, arith::MulIOp::create(nb, l, r, idx(nb, l, n)), idx(nb, l, lanes));
          Value to = arith::RemUIOp::create(
              nb, l, arith::SubIOp::create(nb, l, idx(nb, l, lanes), mis), idx(nb, l, lanes));
          a0 = arith::MinUIOp::create(nb, l, to, idx(nb, l, n));
        }
        Value rem = arith::SubIOp::create(nb, l, idx(nb, l, n), a0);
        auto roundDown = [&](int64_t m) -> Value {
          return arith::MulIOp::create(
              nb, l, arith::DivUIOp::create(nb, l, rem, idx(nb, l, m)), idx(nb, l, m));
        };
        Value end2 = arith::AddIOp::create(nb, l, a0, roundDown(2 * lanes));
        Value end1 = arith::AddIOp::create(nb, l, a0, roundDown(lanes));
        auto at = [&](OpBuilder &ib, Location il, Value k, int64_t off) -> Value {
          Value kk = off ? (Value)arith::AddIOp::create(ib, il, k, idx(ib, il, off)) : k;
          return tensor::ExtractOp::create(ib, il, x2, ValueRange{r, kk});
        };
        auto loop = [&](Value lo, Value hi, int64_t step, ValueRange init,
                        function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
                            body) {
          auto f = scf::ForOp::create(nb, l, lo, hi, idx(nb, l, step), init,
                                      [&](OpBuilder &ib, Location il, Value iv, ValueRange acc) {
                                        scf::YieldOp::create(ib, il, body(ib, il, iv, acc));
                                      });
          return SmallVector<Value>(f.getResults());
        };
        SmallVector<Value> init(2 * lanes, fconst(nb, l, -0.0, el));
        SmallVector<Value> acc = loop(
            a0, end2, 2 * lanes, init,
            [&](OpBuilder &ib, Location il, Value j, ValueRange a) -> SmallVector<Value> {
              SmallVector<Value> next;
              for (int64_t i = 0; i < 2 * lanes; ++i)
                next.push_back(arith::AddFOp::create(ib, il, a[i], at(ib, il, j, i)));
              return next;
            });
        SmallVector<Value> p0;
        for (int64_t i = 0; i < lanes; ++i)
          p0.push_back(arith::AddFOp::create(nb, l, acc[i], acc[lanes + i]));
        p0 = loop(end2, end1, lanes, p0,
                  [&](OpBuilder &ib, Location il, Value j, ValueRange a) -> SmallVector<Value> {
                    SmallVector<Value> next;
                    for (int64_t i = 0; i < lanes; ++i)
                      next.push_back(arith::AddFOp::create(ib, il, a[i], at(ib, il, j, i)));
                    return next;
                  });
        p0 = {halvePairwise(nb, l, p0)};
        auto scalars = [&](OpBuilder &ib, Location il, Value k,
                           ValueRange a) -> SmallVector<Value> {
          return {arith::AddFOp::create(ib, il, a[0], at(ib, il, k, 0))};
        };
        SmallVector<Value> res = loop(idx(nb, l, 0), a0, 1, p0, scalars);
        res = loop(end1, idx(nb, l, n), 1, res, scalars);
        linalg::YieldOp::create(nb, l, res[0]);
      });
}

/// Sums of squares of the rows of a2 ([R, N], N >= 8) as ONNX Runtime's
/// SimplifiedLayerNormalization kernel takes them on x86 (measured): eight
/// lanes from +0.0, each block of eight fused-multiply-added into them,
/// the lanes halved pairwise (i + 4, then i + 2, then 1), then the elements
/// after the last whole block fused-multiply-added one by one.
Value ortLaneSumSquares(OpBuilder &b, Location loc, Value a2, int64_t rows, int64_t n, Type el) {
  return perRow(b, loc, rows, el, [&](OpBuilder &nb, Location l) {
        Value r = linalg::IndexOp::create(nb, l, 0);
        auto sqAdd = [&](OpBuilder &ib, Location il, Value k, Value acc) -> Value {
          Value v = tensor::ExtractOp::create(ib, il, a2, ValueRange{r, k});
          return math::FmaOp::create(ib, il, v, v, acc);
        };
        int64_t blocks = n / 8 * 8;
        SmallVector<Value> acc = constLoop(
            nb, l, 0, blocks, 8, SmallVector<Value>(8, fconst(nb, l, 0.0, el)),
            [&](OpBuilder &ib, Location il, Value j, ValueRange a) -> SmallVector<Value> {
              SmallVector<Value> next;
              for (int64_t i = 0; i < 8; ++i)
                next.push_back(
                    sqAdd(ib, il, arith::AddIOp::create(ib, il, j, cstIndex(ib, il, i)), a[i]));
              return next;
            });
        acc = {halvePairwise(nb, l, acc)};
        SmallVector<Value> s = constLoop(
            nb, l, blocks, n, 1, acc,
            [&](OpBuilder &ib, Location il, Value k, ValueRange a) -> SmallVector<Value> {
              return {sqAdd(ib, il, k, a[0])};
            });
        linalg::YieldOp::create(nb, l, s[0]);
      });
}

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
    // Sums and means over the trailing axes: in ONNX Runtime's order, the
    // mean divided by the count as it does.
    bool isMean = std::is_same<OpTy, ReduceMeanOp>::value;
    bool isSum = std::is_same<OpTy, ReduceSumOp>::value;
    // Reductions the importer marks `octet.sequential` (the sums inside ORT's
    // normalization kernels) add the elements one by one instead.
    bool sequential = op->hasAttr(kSequentialAttr);
    // Row sums [rows] -> the op's result: means divided by the row length.
    auto finishRows = [&](Value sums, const Rows &shape) {
      if (isMean)
        sums = elementwise(rewriter, loc, {shape.rows}, el, {sums},
                           [&](OpBuilder &b, Location l, ValueRange v) -> Value {
                             return arith::DivFOp::create(b, l, v[0],
                                                          fconst(b, l, (double)shape.n, el));
                           });
      rewriter.replaceOp(op, reshapeTo(rewriter, loc, sums,
                                       cast<RankedTensorType>(
                                           this->getTypeConverter()->convertType(op.getType()))));
      return success();
    };
    std::optional<Rows> rowShape = trailingRows(t, axes);
    // The mean of squares inside an RMS normalization (`octet.ort_rms`, set
    // by the importer): ONNX Runtime's order, eight FMA lanes over the
    // squared operand for rows of 16 or more, the rounded squares in
    // sequence for shorter ones.
    if (isMean && op->hasAttr(kOrtRmsAttr) && el.isF32() && rowShape) {
      auto mul = op.getInput().template getDefiningOp<MulOp>();
      if (rowShape->n >= 16 && mul && mul.getLhs() == mul.getRhs()) {
        Value a = rewriter.getRemappedValue(mul.getLhs());
        if (a && isa<RankedTensorType>(a.getType()) && rtt(a).getElementType() == el &&
            rtt(a).getShape() == t.getShape()) {
          Value a2 = reshapeTo(rewriter, loc, a,
                               RankedTensorType::get({rowShape->rows, rowShape->n}, el));
          return finishRows(ortLaneSumSquares(rewriter, loc, a2, rowShape->rows, rowShape->n, el),
                            *rowShape);
        }
      }
      if (rowShape->n < 16)
        sequential = true;
    }
    // Other float sums and means over trailing axes: Eigen's order.
    if ((isMean || isSum) && !sequential && (el.isF32() || el.isF64()) && rowShape) {
      Value x2 = reshapeTo(rewriter, loc, x,
                           RankedTensorType::get({rowShape->rows, rowShape->n}, el));
      return finishRows(eigenOrderRowSums(rewriter, loc, x2, rowShape->rows, rowShape->n, el),
                        *rowShape);
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
      // Divided by the count, as ONNX Runtime's kernels do (not multiplied
      // by its reciprocal, which rounds differently).
      r = elementwise(rewriter, loc, rtt(r).getShape(), el, {r},
                      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                        return arith::DivFOp::create(b, l, a[0], fconst(b, l, (double)count, el));
                      });
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, r,
                                      cast<RankedTensorType>(
                                          this->getTypeConverter()->convertType(op.getType()))));
    return success();
  }
};

} // namespace

/// Means of the rows of x2 ([R, N], N >= 1) as ONNX Runtime's float
/// GlobalAveragePool takes them in its calibration (unoptimized) session
/// (MLAS's NCHW kernel, measured): four lanes from +0.0, each whole block of
/// four from the row's start added into them, the lanes halved pairwise
/// (i + 2, then 1), the elements after the last whole block added one by
/// one, the sum divided by N.
Value mlir::octet::mlasOrderRowMeans(OpBuilder &b, Location loc, Value x2, int64_t rows, int64_t n,
                                     Type el) {
  int64_t whole = n / 4 * 4;
  return perRow(b, loc, rows, el, [&](OpBuilder &nb, Location l) {
    Value r = linalg::IndexOp::create(nb, l, 0);
    auto at = [&](OpBuilder &ib, Location il, Value k, int64_t off) -> Value {
      Value kk = off ? (Value)arith::AddIOp::create(ib, il, k, cstIndex(ib, il, off)) : k;
      return tensor::ExtractOp::create(ib, il, x2, ValueRange{r, kk});
    };
    SmallVector<Value> lanes(4, fconst(nb, l, 0.0, el));
    auto blocks = scf::ForOp::create(
        nb, l, cstIndex(nb, l, 0), cstIndex(nb, l, whole), cstIndex(nb, l, 4), lanes,
        [&](OpBuilder &ib, Location il, Value j, ValueRange acc) {
          SmallVector<Value> next;
          for (int64_t i = 0; i < 4; ++i)
            next.push_back(arith::AddFOp::create(ib, il, acc[i], at(ib, il, j, i)));
          scf::YieldOp::create(ib, il, next);
        });
    Value sum = halvePairwise(nb, l, SmallVector<Value>(blocks.getResults()));
    auto tail = scf::ForOp::create(
        nb, l, cstIndex(nb, l, whole), cstIndex(nb, l, n), cstIndex(nb, l, 1), ValueRange{sum},
        [&](OpBuilder &ib, Location il, Value k, ValueRange acc) {
          scf::YieldOp::create(ib, il,
                               ValueRange{arith::AddFOp::create(ib, il, acc[0], at(ib, il, k, 0))});
        });
    linalg::YieldOp::create(
        nb, l,
        ValueRange{arith::DivFOp::create(nb, l, tail.getResult(0), fconst(nb, l, (double)n, el))});
  });
}

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
