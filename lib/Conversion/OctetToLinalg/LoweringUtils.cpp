//===- LoweringUtils.cpp - helpers shared by the octet lowerings ------------===//
//
// Builders of linalg elementwise ops, broadcast and channel maps, constants,
// padding, the tensor-level requantize epilogue and the multiply-accumulate
// body of the generic products.
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

namespace mlir::octet {

RankedTensorType rtt(Value v) { return cast<RankedTensorType>(v.getType()); }

Value cstF32(OpBuilder &b, Location loc, double v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr((float)v));
}
Value cstInt(OpBuilder &b, Location loc, int64_t v, Type t) {
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, v));
}


/// A 1-D f32 or i32 constant tensor.
Value vectorConstF32(OpBuilder &b, Location loc, ArrayRef<float> values) {
  auto t = RankedTensorType::get({(int64_t)values.size()}, b.getF32Type());
  return arith::ConstantOp::create(b, loc, t, DenseElementsAttr::get(t, values));
}
Value vectorConstI32(OpBuilder &b, Location loc, ArrayRef<int32_t> values) {
  auto t = RankedTensorType::get({(int64_t)values.size()}, b.getI32Type());
  return arith::ConstantOp::create(b, loc, t, DenseElementsAttr::get(t, values));
}

SmallVector<utils::IteratorType> parallel(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

/// Map from the result's iteration space to a broadcast operand of `shape`
/// (numpy rules: trailing alignment, size-1 dims read index 0).
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> shape,
                       ArrayRef<int64_t> out) {
  SmallVector<AffineExpr> exprs;
  int64_t off = out.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    exprs.push_back(shape[i] == 1 && out[i + off] != 1
                        ? getAffineConstantExpr(0, ctx)
                        : getAffineDimExpr(i + off, ctx));
  return AffineMap::get(out.size(), 0, exprs, ctx);
}

/// Map to a vector indexed by dimension `dim` of a rank-`rank` space.
AffineMap channelMap(MLIRContext *ctx, unsigned rank, unsigned dim) {
  return AffineMap::get(rank, 0, {getAffineDimExpr(dim, ctx)}, ctx);
}

Value emptyLike(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type el) {
  return tensor::EmptyOp::create(b, loc, shape, el);
}

/// Elementwise linalg.generic over `out` with broadcast inputs.
Value elementwise(OpBuilder &b, Location loc, ArrayRef<int64_t> outShape,
                  Type outEl, ValueRange inputs,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> body,
                  ArrayRef<AffineMap> extraMaps) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  size_t plain = inputs.size() - extraMaps.size();
  for (size_t k = 0; k < plain; ++k)
    maps.push_back(broadcastMap(ctx, rtt(inputs[k]).getShape(), outShape));
  maps.append(extraMaps.begin(), extraMaps.end());
  maps.push_back(AffineMap::getMultiDimIdentityMap(outShape.size(), ctx));
  Value init = emptyLike(b, loc, outShape, outEl);
  auto g = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      parallel(outShape.size()),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value r = body(nb, nl, args.drop_back());
        linalg::YieldOp::create(nb, nl, r);
      });
  return g.getResult(0);
}


ScaleOperand scaleOperand(OpBuilder &b, Location loc, const QInfo &q,
                          unsigned rank) {
  ScaleOperand s;
  if (!q.axis) {
    s.scalar = (float)q.scales[0];
    s.zpScalar = q.zps[0];
    return s;
  }
  SmallVector<float> scales(q.scales.begin(), q.scales.end());
  SmallVector<int32_t> zps(q.zps.begin(), q.zps.end());
  s.tensor = vectorConstF32(b, loc, scales);
  s.zpTensor = vectorConstI32(b, loc, zps);
  s.map = channelMap(b.getContext(), rank, *q.axis);
  return s;
}

/// Low and high pads for the spatial dims of an NCHW tensor.
Value padNCHW(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
              int64_t extraH, int64_t extraW, Value padValue) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }) && !extraH && !extraW)
    return x;
  auto t = rtt(x);
  SmallVector<int64_t> shape(t.getShape());
  shape[2] += pads[0] + pads[2] + extraH;
  shape[3] += pads[1] + pads[3] + extraW;
  SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(0),
                                   b.getIndexAttr(pads[0]), b.getIndexAttr(pads[1])};
  SmallVector<OpFoldResult> high = {b.getIndexAttr(0), b.getIndexAttr(0),
                                    b.getIndexAttr(pads[2] + extraH),
                                    b.getIndexAttr(pads[3] + extraW)};
  return tensor::PadOp::create(b, loc, t.clone(shape), x, low, high, padValue);
}

LogicalResult requireStatic(Operation *op, PatternRewriter &rewriter) {
  for (Type t : llvm::concat<const Type>(op->getOperandTypes(), op->getResultTypes()))
    if (auto st = dyn_cast<ShapedType>(t); st && !st.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes need --input-shape");
  return success();
}


std::optional<float> optF(std::optional<APFloat> a) {
  if (!a)
    return std::nullopt;
  return a->convertToFloat();
}


/// The requantize epilogue of a quantized conv or matrix product: `acc` is
/// the int32 accumulator (bias included), indexed by `outShape`, with the
/// output channel at dimension `chDim`.
Value requantizeEpilogue(OpBuilder &b, Location loc, Value acc,
                         ArrayRef<int64_t> outShape, unsigned chDim,
                         const QInfo &x, const QInfo &w, Type resultType,
                         StringRef act, std::optional<float> lo,
                         std::optional<float> hi, bool fixedPoint,
                         AffineMap accMap) {
  MLIRContext *ctx = b.getContext();
  // Reads of the accumulator: identity, or `accMap` from a differently
  // laid out accumulator (the VNNI kernel's [pixels, channels]).
  auto run = [&](Type el, SmallVector<Value> ins, SmallVector<AffineMap> maps,
                 function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
    if (!accMap)
      return elementwise(b, loc, outShape, el, ins, body, maps);
    maps.insert(maps.begin(), accMap);
    return elementwise(b, loc, outShape, el, ins, body, maps);
  };
  int64_t channels = outShape[chDim];
  QInfo y = qinfo(resultType);
  auto resultEl = cast<RankedTensorType>(resultType).getElementType();
  // Dequantizing product: float(acc) * s_x * s_w[k].
  if (!y.quantized) {
    SmallVector<float> m;
    for (int64_t k = 0; k < channels; ++k)
      m.push_back((float)x.scales[0] * (float)w.scale(k));
    Value mt = vectorConstF32(b, loc, m);
    return run(
        resultEl, {acc, mt}, {channelMap(ctx, outShape.size(), chDim)},
        [&](OpBuilder &nb, Location nl, ValueRange a) {
          Value f = arith::SIToFPOp::create(nb, nl, nb.getF32Type(), a[0]);
          f = arith::MulFOp::create(nb, nl, f, a[1]);
          return floatActivation(nb, nl, f, act, lo, hi);
        });
  }
  double qlo, qhi;
  quantActivationBounds(act, lo, hi, y, qlo, qhi);
  Type storage = IntegerType::get(ctx, y.width);
  if (!fixedPoint) {
    SmallVector<float> m;
    for (int64_t k = 0; k < channels; ++k)
      m.push_back((float)((float)x.scales[0] * (float)w.scale(k)) / (float)y.scales[0]);
    Value mt = vectorConstF32(b, loc, m);
    return run(
        storage, {acc, mt}, {channelMap(ctx, outShape.size(), chDim)},
        [&](OpBuilder &nb, Location nl, ValueRange a) {
          Value f = arith::SIToFPOp::create(nb, nl, nb.getF32Type(), a[0]);
          f = arith::MulFOp::create(nb, nl, f, a[1]);
          f = math::RoundEvenOp::create(nb, nl, f);
          f = arith::AddFOp::create(nb, nl, f, cstF32(nb, nl, (double)y.zps[0]));
          return clampToInt(nb, nl, f, qlo, qhi, storage);
        });
  }
  SmallVector<int32_t> mult, shift;
  fixedPointParams(x, w, y, channels, mult, shift);
  bool anyLeft = llvm::any_of(shift, [](int32_t v) { return v < 0; });
  bool anyRight = llvm::any_of(shift, [](int32_t v) { return v > 0; });
  Value mt = vectorConstI32(b, loc, mult), st = vectorConstI32(b, loc, shift);
  auto chMap = channelMap(ctx, outShape.size(), chDim);
  return run(storage, {acc, mt, st}, {chMap, chMap},
             [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
               Value r = fixedPointRequant(nb, nl, a[0], a[1], a[2], y.zps[0], qlo, qhi,
                                           anyLeft, anyRight);
               if (y.width < 32)
                 r = arith::TruncIOp::create(nb, nl, storage, r);
               return r;
             });
}


std::optional<Value> foldedBias(OpBuilder &b, Location loc, Value weight,
                                       Value bias, const QInfo &x, const QInfo &w,
                                       int64_t channels, bool channelInner,
                                       int64_t extraZp) {
  auto v = foldedBiasValues(weight, bias, x, w, channels, channelInner, extraZp);
  if (!v)
    return std::nullopt;
  return vectorConstI32(b, loc, *v);
}

//===----------------------------------------------------------------------===//
// AVX-512 VNNI matrix product
//===----------------------------------------------------------------------===//

/// The body of a multiply-accumulate generic: acc += x * w, on int32 with
/// the input zero point (unless folded into the bias) and per-channel weight
/// zero points (`a[2]`, when `wzp`) subtracted, or on floats.
void macBody(OpBuilder &b, Location l, ValueRange a, const QInfo &x, const QInfo &w,
             bool quant, bool zpFolded, bool wzp) {
  if (quant) {
    Value xi = toI32(b, l, a[0], x.isSigned);
    if (!zpFolded)
      xi = arith::SubIOp::create(b, l, xi, cstInt(b, l, x.zps[0], b.getI32Type()));
    Value wi = toI32(b, l, a[1], w.isSigned);
    if (wzp)
      wi = arith::SubIOp::create(b, l, wi, a[2]);
    Value prod = arith::MulIOp::create(b, l, xi, wi);
    linalg::YieldOp::create(b, l, arith::AddIOp::create(b, l, a.back(), prod).getResult());
    return;
  }
  // Float sums may be reassociated so that the reduction vectorizes (the
  // tests hold float models to 1e-4 of ONNX Runtime, not bit-exactness).
  auto fm = arith::FastMathFlagsAttr::get(
      b.getContext(), arith::FastMathFlags::reassoc | arith::FastMathFlags::contract);
  Value prod = arith::MulFOp::create(b, l, a[0], a[1], fm);
  linalg::YieldOp::create(b, l, arith::AddFOp::create(b, l, a.back(), prod, fm).getResult());
}


Value cstIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// scf.for over constant bounds [lo, hi) carrying `init`; `body` gets the
/// induction variable and the carried values and returns the next ones.
SmallVector<Value>
constLoop(OpBuilder &b, Location loc, int64_t lo, int64_t hi, int64_t step, ValueRange init,
          function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)> body) {
  auto f = scf::ForOp::create(b, loc, cstIndex(b, loc, lo), cstIndex(b, loc, hi),
                              cstIndex(b, loc, step), init,
                              [&](OpBuilder &ib, Location il, Value iv, ValueRange args) {
                                scf::YieldOp::create(ib, il, body(ib, il, iv, args));
                              });
  return SmallVector<Value>(f.getResults());
}

SmallVector<Value>
constParallelLoop(OpBuilder &b, Location loc, int64_t lo, int64_t hi, int64_t step,
                  ValueRange init,
                  function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)> body) {
  SmallVector<Value> results = constLoop(b, loc, lo, hi, step, init, body);
  if (!results.empty())
    if (auto f = results.front().getDefiningOp<scf::ForOp>())
      f->setAttr("octet.parallel", b.getUnitAttr());
  return results;
}


/// Reduces `input` over `axes` (keeping them as size-1 dims) with `combine`,
/// starting from `init`.
Value reduceKeep(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
                 Value init, function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *ctx = b.getContext();
  auto t = rtt(input);
  SmallVector<int64_t> outShape(t.getShape());
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  for (int64_t d = 0; d < t.getRank(); ++d) {
    bool red = llvm::is_contained(axes, d);
    if (red)
      outShape[d] = 1;
    outExprs.push_back(red ? getAffineConstantExpr(0, ctx) : getAffineDimExpr(d, ctx));
    iters.push_back(red ? utils::IteratorType::reduction : utils::IteratorType::parallel);
  }
  Value out = linalg::FillOp::create(b, loc, init,
                                     emptyLike(b, loc, outShape, t.getElementType()))
                  .getResult(0);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(t.getRank(), ctx),
                                 AffineMap::get(t.getRank(), 0, outExprs, ctx)};
  auto g = linalg::GenericOp::create(
      b, loc, TypeRange{out.getType()}, ValueRange{input}, ValueRange{out}, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        linalg::YieldOp::create(nb, nl, combine(nb, nl, a[0], a[1]));
      });
  return g.getResult(0);
}

Value reshapeTo(OpBuilder &b, Location loc, Value v, RankedTensorType to) {
  if (v.getType() == to)
    return v;
  auto st = RankedTensorType::get({to.getRank()}, b.getI64Type());
  Value shape = arith::ConstantOp::create(
      b, loc, st, DenseIntElementsAttr::get(st, to.getShape()));
  return tensor::ReshapeOp::create(b, loc, to, v, shape);
}

Value fconst(OpBuilder &b, Location loc, double v, Type t) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(t, v));
}


/// A 1-D i32 constant.
Value i32Table(OpBuilder &b, Location loc, ArrayRef<int32_t> v) {
  auto t = RankedTensorType::get({(int64_t)v.size()}, b.getI32Type());
  return arith::ConstantOp::create(b, loc, t, DenseIntElementsAttr::get(t, v));
}
Value f32Table(OpBuilder &b, Location loc, ArrayRef<float> v) {
  auto t = RankedTensorType::get({(int64_t)v.size()}, b.getF32Type());
  return arith::ConstantOp::create(b, loc, t, DenseFPElementsAttr::get(t, v));
}

/// A generic op over `outShape` whose inputs are 1-D tables indexed by one
/// output dimension each (tableDims[k]); the body gets their values.
Value tableGeneric(OpBuilder &b, Location loc, ArrayRef<int64_t> outShape, Type outEl,
                   ArrayRef<Value> tables, ArrayRef<int64_t> tableDims,
                   function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  unsigned r = outShape.size();
  for (int64_t d : tableDims)
    maps.push_back(AffineMap::get(r, 0, {getAffineDimExpr(d, ctx)}, ctx));
  maps.push_back(AffineMap::getMultiDimIdentityMap(r, ctx));
  Value init = emptyLike(b, loc, outShape, outEl);
  auto g = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, tables, ValueRange{init}, maps, parallel(r),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, body(nb, nl, args.drop_back()));
      });
  return g.getResult(0);
}


/// An i32/i64 index value as an index into a dimension of size `dim`:
/// negative values count from the end, out-of-range ones clamp (rather than
/// read or write outside the buffer).
Value clampedIndex(OpBuilder &b, Location l, Value v, int64_t dim) {
  Value i = arith::IndexCastOp::create(b, l, b.getIndexType(), v);
  Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i, cstIndex(b, l, 0));
  i = arith::SelectOp::create(b, l, neg, arith::AddIOp::create(b, l, i, cstIndex(b, l, dim)), i);
  return arith::MaxSIOp::create(b, l, arith::MinSIOp::create(b, l, i, cstIndex(b, l, dim - 1)),
                                cstIndex(b, l, 0));
}

} // namespace mlir::octet
