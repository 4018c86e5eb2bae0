//===- DataMovement.cpp - data movement -------------------------------------===//
//
// Lowerings of ops that move or select elements: reshape, transpose, slice,
// concat, pad, resize, broadcast, tile, gather, gather_nd, gather_elements
// and scatter.
//
//===----------------------------------------------------------------------===//

#include "octet/Conversion/OctetToLinalg/IntegerRules.h"
#include "octet/Conversion/OctetToLinalg/LoweringUtils.h"
#include "octet/Conversion/OctetToLinalg/OctetToLinalg.h"
#include "octet/Dialect/Octet/OctetDialect.h"
#include "octet/Support/Resize.h"

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

struct ReshapeLowering : OctetPattern<ReshapeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto t = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    SmallVector<int64_t> dims(t.getShape());
    auto st = RankedTensorType::get({(int64_t)dims.size()}, rewriter.getI64Type());
    Value shape = arith::ConstantOp::create(rewriter, loc, st,
                                            DenseIntElementsAttr::get(st, dims));
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, t, adaptor.getInput(), shape);
    return success();
  }
};


struct PadLowering : OctetPattern<PadOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value x = adaptor.getInput();
    auto in = rtt(x).getShape();
    int64_t r = in.size();
    ArrayRef<int64_t> pads = op.getPads();
    Type el = outT.getElementType();
    if (op.getMode() == "constant") {
      QInfo q = qinfo(op.getInput().getType());
      double v = op.getValue().convertToDouble();
      TypedAttr fill;
      if (q.quantized)
        fill = rewriter.getIntegerAttr(el, quantizeHost(q, v));
      else if (isa<FloatType>(el))
        fill = rewriter.getFloatAttr(el, v);
      else
        fill = rewriter.getIntegerAttr(el, (int64_t)v);
      Value c = arith::ConstantOp::create(rewriter, loc, fill);
      SmallVector<OpFoldResult> lo, hi;
      for (int64_t d = 0; d < r; ++d) {
        lo.push_back(rewriter.getIndexAttr(pads[d]));
        hi.push_back(rewriter.getIndexAttr(pads[d + r]));
      }
      rewriter.replaceOp(op, tensor::PadOp::create(rewriter, loc, outT, x, lo, hi, c));
      return success();
    }
    // Reflect, edge and wrap: each output index maps to one input index.
    bool reflect = op.getMode() == "reflect", wrap = op.getMode() == "wrap";
    SmallVector<Value> tables;
    SmallVector<int64_t> dims;
    for (int64_t d = 0; d < r; ++d) {
      SmallVector<int32_t> idx;
      for (int64_t o = 0; o < outT.getDimSize(d); ++o) {
        int64_t i = o - pads[d];
        if (wrap && in[d] > 0)
          i = ((i % in[d]) + in[d]) % in[d];
        if (reflect) {
          if (i < 0)
            i = -i;
          if (i >= in[d])
            i = 2 * (in[d] - 1) - i;
        }
        idx.push_back((int32_t)std::clamp<int64_t>(i, 0, in[d] - 1));
      }
      tables.push_back(i32Table(rewriter, loc, idx));
      dims.push_back(d);
    }
    Value out = tableGeneric(rewriter, loc, outT.getShape(), el, tables, dims,
                             [&](OpBuilder &b, Location l, ValueRange t) -> Value {
                               SmallVector<Value> ix;
                               for (Value v : t)
                                 ix.push_back(arith::IndexCastOp::create(
                                     b, l, b.getIndexType(), v));
                               return tensor::ExtractOp::create(b, l, x, ix);
                             });
    rewriter.replaceOp(op, out);
    return success();
  }
};

using ::octet::resizeCoordinate;

int64_t resizeNearest(StringRef mode, float x) {
  if (mode == "floor")
    return (int64_t)std::floor(x);
  if (mode == "ceil")
    return (int64_t)std::ceil(x);
  if (mode == "round_prefer_ceil")
    return (int64_t)std::round(x);
  // round_prefer_floor
  if (x == (float)(int64_t)x + 0.5f)
    return (int64_t)std::floor(x);
  return (int64_t)std::round(x);
}

struct ResizeLowering : OctetPattern<ResizeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value x = adaptor.getInput();
    auto in = rtt(x).getShape();
    auto out = outT.getShape();
    int64_t r = in.size();
    ArrayRef<float> scales = op.getScales();
    bool linear = op.getMode() == "linear", cubic = op.getMode() == "cubic";
    StringRef coord = op.getCoordinateMode(), nearest = op.getNearestMode();
    // Taps per resized dimension: 1 (nearest), 2 (linear), 4 (cubic).
    unsigned taps = cubic ? 4 : linear ? 2 : 1;
    float ca = op.getCubicCoeffA().convertToFloat();
    bool excludeOutside = op.getExcludeOutside();
    QInfo qx = qinfo(op.getInput().getType()), qy = qinfo(op.getType());
    Type el = outT.getElementType();
    // Per resized dimension: the input index of each tap and, for linear
    // and cubic, each tap's weight, as constant tables (indices first).
    SmallVector<Value> tables;
    SmallVector<int64_t> dims, resized;
    for (int64_t d = 0; d < r; ++d) {
      bool identity = in[d] == out[d] && scales[d] == 1.0f;
      if (identity)
        continue;
      resized.push_back(d);
      SmallVector<int32_t> i1, i2;
      SmallVector<float> w1, w2;
      SmallVector<SmallVector<int32_t>> ci(4);
      SmallVector<SmallVector<float>> cw(4);
      for (int64_t o = 0; o < out[d]; ++o) {
        float c = resizeCoordinate(coord, (float)o, scales[d], out[d], in[d]);
        if (cubic) {
          // Keys' kernel at the fractional offset s of the coordinate (not
          // clamped: the indices are), as ONNX's reference and ONNX Runtime.
          float f = std::floor(c), s = c - f;
          float s1 = s + 1, s2 = 1 - s, s3 = 2 - s;
          float w[4] = {((ca * s1 - 5 * ca) * s1 + 8 * ca) * s1 - 4 * ca,
                        ((ca + 2) * s - (ca + 3)) * s * s + 1,
                        ((ca + 2) * s2 - (ca + 3)) * s2 * s2 + 1,
                        ((ca * s3 - 5 * ca) * s3 + 8 * ca) * s3 - 4 * ca};
          int64_t base = (int64_t)f - 1;
          if (excludeOutside) {
            float sum = 0;
            for (int t = 0; t < 4; ++t) {
              if (base + t < 0 || base + t >= in[d])
                w[t] = 0;
              sum += w[t];
            }
            for (float &v : w)
              v = sum != 0 ? v / sum : 0;
          }
          for (int t = 0; t < 4; ++t) {
            ci[t].push_back((int32_t)std::clamp<int64_t>(base + t, 0, in[d] - 1));
            cw[t].push_back(w[t]);
          }
          continue;
        }
        if (!linear) {
          i1.push_back((int32_t)std::clamp<int64_t>(resizeNearest(nearest, c), 0, in[d] - 1));
          continue;
        }
        c = std::max(0.0f, std::min(c, (float)(in[d] - 1)));
        int64_t a = std::min<int64_t>((int64_t)c, in[d] - 1);
        int64_t bb = std::min<int64_t>(a + 1, in[d] - 1);
        float wa = std::fabs(c - (float)bb), wb = std::fabs(c - (float)a);
        if (a == bb)
          wa = wb = 0.5f;
        i1.push_back((int32_t)a);
        i2.push_back((int32_t)bb);
        w1.push_back(wa);
        w2.push_back(wb);
      }
      if (cubic) {
        for (int t = 0; t < 4; ++t)
          tables.push_back(i32Table(rewriter, loc, ci[t]));
        for (int t = 0; t < 4; ++t)
          tables.push_back(f32Table(rewriter, loc, cw[t]));
        dims.append(8, d);
        continue;
      }
      tables.push_back(i32Table(rewriter, loc, i1));
      dims.push_back(d);
      if (linear) {
        tables.push_back(i32Table(rewriter, loc, i2));
        tables.push_back(f32Table(rewriter, loc, w1));
        tables.push_back(f32Table(rewriter, loc, w2));
        dims.append({d, d, d});
      }
    }
    unsigned k = resized.size();
    Value res = tableGeneric(
        rewriter, loc, out, el, tables, dims,
        [&](OpBuilder &b, Location l, ValueRange t) -> Value {
          SmallVector<Value> base;
          for (int64_t d = 0; d < r; ++d)
            base.push_back(linalg::IndexOp::create(b, l, d));
          auto idx = [&](Value v) {
            return arith::IndexCastOp::create(b, l, b.getIndexType(), v).getResult();
          };
          if (taps == 1) {
            for (unsigned j = 0; j < k; ++j)
              base[resized[j]] = idx(t[j]);
            return tensor::ExtractOp::create(b, l, x, base);
          }
          // Sum over the taps^k corners, weights multiplied in dimension
          // order (per dimension: taps index tables, then taps weights).
          Value acc;
          unsigned corners = 1;
          for (unsigned j = 0; j < k; ++j)
            corners *= taps;
          for (unsigned corner = 0; corner < corners; ++corner) {
            SmallVector<unsigned> tapOf(k); // the first dimension's tap varies slowest
            for (unsigned j = k, rest = corner; j-- > 0; rest /= taps)
              tapOf[j] = rest % taps;
            SmallVector<Value> ix(base);
            Value w;
            for (unsigned j = 0; j < k; ++j) {
              ix[resized[j]] = idx(t[2 * taps * j + tapOf[j]]);
              Value wj = t[2 * taps * j + taps + tapOf[j]];
              w = w ? arith::MulFOp::create(b, l, w, wj).getResult() : wj;
            }
            Value v = tensor::ExtractOp::create(b, l, x, ix);
            if (qx.quantized)
              v = dequantizeScalar(b, l, v, qx.isSigned,
                                   cstInt(b, l, qx.zps[0], b.getI32Type()),
                                   cstF32(b, l, qx.scales[0]));
            else if (v.getType() != b.getF32Type())
              v = arith::ExtFOp::create(b, l, b.getF32Type(), v);
            Value term = arith::MulFOp::create(b, l, w, v);
            acc = acc ? arith::AddFOp::create(b, l, acc, term).getResult() : term;
          }
          if (qy.quantized)
            return quantizeScalar(b, l, acc, cstF32(b, l, qy.scales[0]), qy.zps[0], qy.qmin,
                                  qy.qmax, el);
          if (el != b.getF32Type())
            return arith::TruncFOp::create(b, l, el, acc);
          return acc;
        });
    rewriter.replaceOp(op, res);
    return success();
  }
};

struct BroadcastLowering : OctetPattern<BroadcastOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    rewriter.replaceOp(op, elementwise(rewriter, op.getLoc(), outT.getShape(),
                                       outT.getElementType(), {adaptor.getInput()},
                                       [](OpBuilder &, Location, ValueRange a) { return a[0]; }));
    return success();
  }
};

/// Tile: broadcast [d0..] to [r0, d0, r1, d1, ...], then collapse pairs.
struct TileLowering : OctetPattern<TileOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(TileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value x = adaptor.getInput();
    auto in = rtt(x).getShape();
    int64_t r = in.size();
    SmallVector<int64_t> wide;
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < r; ++d) {
      wide.append({op.getRepeats()[d], in[d]});
      exprs.push_back(getAffineDimExpr(2 * d + 1, ctx));
    }
    Value w = elementwise(rewriter, loc, wide, outT.getElementType(), {x},
                          [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                          {AffineMap::get(2 * r, 0, exprs, ctx)});
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, w, outT));
    return success();
  }
};


/// Scatter: a loop nest over the updates, in order, carrying the result.
struct ScatterLowering : OctetPattern<ScatterOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ScatterOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), ind = adaptor.getIndices(), upd = adaptor.getUpdates();
    auto xs = rtt(x).getShape();
    auto us = rtt(upd).getShape();
    Type el = rtt(x).getElementType();
    bool nd = op.getNd(), isFloat = isa<FloatType>(el);
    StringRef red = op.getReduction();
    int64_t axis = op.getAxis(), ir = rtt(ind).getRank();
    int64_t k = nd ? rtt(ind).getShape().back() : 0;
    // A copy of the input to update (the loop writes it in place).
    Value out = linalg::CopyOp::create(rewriter, loc, x, emptyLike(rewriter, loc, xs, el))
                    .getResult(0);
    std::function<Value(OpBuilder &, Location, SmallVector<Value> &, Value)> nest =
        [&](OpBuilder &b, Location l, SmallVector<Value> &ivs, Value cur) -> Value {
      size_t d = ivs.size();
      if (d < us.size())
        return constLoop(b, l, 0, us[d], 1, ValueRange{cur},
                         [&](OpBuilder &ib, Location il, Value iv, ValueRange a) {
                           ivs.push_back(iv);
                           Value r = nest(ib, il, ivs, a[0]);
                           ivs.pop_back();
                           return SmallVector<Value>{r};
                         })[0];
      SmallVector<Value> target;
      if (!nd) {
        target = ivs;
        target[axis] = clampedIndex(b, l, tensor::ExtractOp::create(b, l, ind, ivs), xs[axis]);
      } else {
        SmallVector<Value> q(ivs.begin(), ivs.begin() + (ir - 1));
        for (int64_t j = 0; j < k; ++j) {
          SmallVector<Value> at(q);
          at.push_back(cstIndex(b, l, j));
          target.push_back(clampedIndex(b, l, tensor::ExtractOp::create(b, l, ind, at), xs[j]));
        }
        target.append(ivs.begin() + (ir - 1), ivs.end());
      }
      Value v = tensor::ExtractOp::create(b, l, upd, ivs);
      if (red != "none") {
        Value old = tensor::ExtractOp::create(b, l, cur, target);
        if (red == "add")
          v = isFloat ? (Value)arith::AddFOp::create(b, l, old, v) : arith::AddIOp::create(b, l, old, v);
        else if (red == "mul")
          v = isFloat ? (Value)arith::MulFOp::create(b, l, old, v) : arith::MulIOp::create(b, l, old, v);
        else if (red == "max")
          v = isFloat ? (Value)arith::MaxNumFOp::create(b, l, old, v)
                      : arith::MaxSIOp::create(b, l, old, v);
        else
          v = isFloat ? (Value)arith::MinNumFOp::create(b, l, old, v)
                      : arith::MinSIOp::create(b, l, old, v);
      }
      return tensor::InsertOp::create(b, l, v, cur, target);
    };
    SmallVector<Value> ivs;
    rewriter.replaceOp(op, nest(rewriter, loc, ivs, out));
    return success();
  }
};

/// GatherND: each output element reads its index tuple from `indices`
/// (negative entries count from the end, out-of-range ones clamp).
struct GatherNDLowering : OctetPattern<GatherNDOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value x = adaptor.getInput(), ind = adaptor.getIndices();
    auto xs = rtt(x).getShape();
    int64_t bd = op.getBatchDims(), ir = rtt(ind).getRank(), k = rtt(ind).getShape().back();
    Value r = elementwise(
        rewriter, op.getLoc(), outT.getShape(), outT.getElementType(), {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          SmallVector<Value> lead, ix;
          for (int64_t d = 0; d < ir - 1; ++d)
            lead.push_back(linalg::IndexOp::create(b, l, d));
          for (int64_t d = 0; d < bd; ++d)
            ix.push_back(lead[d]);
          for (int64_t j = 0; j < k; ++j) {
            SmallVector<Value> at(lead);
            at.push_back(cstIndex(b, l, j));
            Value v = tensor::ExtractOp::create(b, l, ind, at);
            ix.push_back(clampedIndex(b, l, v, xs[bd + j]));
          }
          for (int64_t d = ir - 1; d < outT.getRank(); ++d)
            ix.push_back(linalg::IndexOp::create(b, l, d));
          return tensor::ExtractOp::create(b, l, x, ix);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};


struct GatherElementsLowering : OctetPattern<GatherElementsOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value x = adaptor.getInput();
    int64_t axis = op.getAxis(), dim = rtt(x).getDimSize(axis);
    Value r = elementwise(
        rewriter, op.getLoc(), outT.getShape(), outT.getElementType(), {adaptor.getIndices()},
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          // Negative indices count from the end; out-of-range ones clamp
          // rather than read outside the buffer.
          Value i = clampedIndex(b, l, v[0], dim);
          SmallVector<Value> ix;
          for (int64_t d = 0; d < outT.getRank(); ++d)
            ix.push_back(d == axis ? i : (Value)linalg::IndexOp::create(b, l, d));
          return tensor::ExtractOp::create(b, l, x, ix);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};


struct TransposeLowering : OctetPattern<TransposeOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    ArrayRef<int64_t> perm = op.getPerm();
    SmallVector<AffineExpr> in(perm.size());
    for (size_t i = 0; i < perm.size(); ++i)
      in[perm[i]] = getAffineDimExpr(i, ctx);
    Value r = elementwise(rewriter, loc, outT.getShape(), outT.getElementType(),
                          {adaptor.getInput()},
                          [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                          {AffineMap::get(perm.size(), 0, in, ctx)});
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct SliceLowering : OctetPattern<SliceOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inShape = rtt(op.getInput()).getShape();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t rank = inShape.size();
    SmallVector<int64_t> offs(rank, 0), sizes(inShape), steps(rank, 1);
    for (size_t k = 0; k < op.getAxes().size(); ++k) {
      int64_t a = op.getAxes()[k], first, count;
      normalizeSliceDim(inShape[a], op.getStarts()[k], op.getEnds()[k], op.getSteps()[k],
                        first, count);
      offs[a] = first;
      sizes[a] = count;
      steps[a] = op.getSteps()[k];
    }
    Value r0;
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      r0 = tensor::ExtractSliceOp::create(
          rewriter, loc, outT, adaptor.getInput(), ValueRange{}, ValueRange{}, ValueRange{},
          rewriter.getDenseI64ArrayAttr(offs), rewriter.getDenseI64ArrayAttr(sizes),
          rewriter.getDenseI64ArrayAttr(steps));
    } else {
      // Negative steps: the output walks the input backwards. An identity
      // output map drives the loop bounds; the input map is affine.
      Value x = adaptor.getInput();
      Value init = emptyLike(rewriter, loc, outT.getShape(), outT.getElementType());
      auto g = linalg::GenericOp::create(
          rewriter, loc, TypeRange{outT}, ValueRange{}, ValueRange{init},
          {AffineMap::getMultiDimIdentityMap(rank, ctx)}, parallel(rank),
          [&](OpBuilder &b, Location l, ValueRange) {
            SmallVector<Value> ix;
            for (int64_t d = 0; d < rank; ++d) {
              Value i = linalg::IndexOp::create(b, l, d);
              i = arith::MulIOp::create(b, l, i, cstIndex(b, l, steps[d]));
              ix.push_back(arith::AddIOp::create(b, l, i, cstIndex(b, l, offs[d])));
            }
            linalg::YieldOp::create(b, l, tensor::ExtractOp::create(b, l, x, ix).getResult());
          });
      r0 = g.getResult(0);
    }
    Value r = r0;
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct ConcatLowering : OctetPattern<ConcatOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value acc = emptyLike(rewriter, loc, outT.getShape(), outT.getElementType());
    int64_t offset = 0, axis = op.getAxis();
    for (Value in : adaptor.getInputs()) {
      auto t = rtt(in);
      SmallVector<OpFoldResult> offs(t.getRank(), rewriter.getIndexAttr(0)), sizes, strides(t.getRank(), rewriter.getIndexAttr(1));
      for (int64_t d : t.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      offs[axis] = rewriter.getIndexAttr(offset);
      acc = tensor::InsertSliceOp::create(rewriter, loc, in, acc, offs, sizes, strides);
      offset += t.getDimSize(axis);
    }
    rewriter.replaceOp(op, acc);
    return success();
  }
};

struct GatherLowering : OctetPattern<GatherOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inT = rtt(adaptor.getInput());
    auto idxT = rtt(adaptor.getIndices());
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t axis = op.getAxis(), ir = idxT.getRank(), outRank = outT.getRank();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t d = 0; d < ir; ++d)
      idxExprs.push_back(getAffineDimExpr(axis + d, ctx));
    Value data = adaptor.getInput();
    int64_t dim = inT.getDimSize(axis);
    Value init = emptyLike(rewriter, loc, outT.getShape(), outT.getElementType());
    auto g = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{adaptor.getIndices()},
        ValueRange{init},
        SmallVector<AffineMap>{AffineMap::get(outRank, 0, idxExprs, ctx),
                               AffineMap::getMultiDimIdentityMap(outRank, ctx)},
        parallel(outRank), [&](OpBuilder &b, Location l, ValueRange a) {
          Value idx = arith::IndexCastOp::create(b, l, b.getIndexType(), a[0]);
          Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, idx,
                                            arith::ConstantIndexOp::create(b, l, 0));
          Value wrapped = arith::AddIOp::create(b, l, idx, arith::ConstantIndexOp::create(b, l, dim));
          idx = arith::SelectOp::create(b, l, neg, wrapped, idx);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < inT.getRank(); ++d) {
            if (d < axis)
              coords.push_back(linalg::IndexOp::create(b, l, d));
            else if (d == axis)
              coords.push_back(idx);
            else
              coords.push_back(linalg::IndexOp::create(b, l, d - 1 + ir));
          }
          linalg::YieldOp::create(b, l, tensor::ExtractOp::create(b, l, data, coords).getResult());
        });
    rewriter.replaceOp(op, g.getResult(0));
    return success();
  }
};

} // namespace

void mlir::octet::populateDataMovementPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                     const OctetToLinalgOptions &options) {
  patterns.add<ReshapeLowering,
               PadLowering,
               ResizeLowering,
               BroadcastLowering,
               TileLowering,
               ScatterLowering,
               GatherNDLowering,
               GatherElementsLowering,
               TransposeLowering,
               SliceLowering,
               ConcatLowering,
               GatherLowering>(tc, patterns.getContext(), options);
}
