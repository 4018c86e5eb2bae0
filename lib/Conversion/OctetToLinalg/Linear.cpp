//===- Linear.cpp - matrix products -----------------------------------------===//
//
// Generic lowerings of octet.gemm, octet.matmul, octet.matmul_integer and
// octet.conv_integer as linalg products with int32 accumulators.
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

/// Shared by gemm and 2-D/batched matmul: out[b..., m, n] = sum_k a * b.
struct LinearParts {
  Value a, b, bias;
  bool zpFolded = false; // bias already holds -x_zp * sum(w)
  AffineMap aMap, bMap, biasMap;
  SmallVector<int64_t> outShape;
  unsigned rank;        // iteration rank (output rank + 1)
  unsigned nDim;        // output column dim
};

Value linearProduct(ConversionPatternRewriter &rewriter, Location loc,
                    const LinearParts &p, const QInfo &x, const QInfo &w,
                    bool quant, int64_t wAxisChannels, Type accEl) {
  MLIRContext *ctx = rewriter.getContext();
  unsigned outRank = p.outShape.size();
  Value acc;
  // Float sums start from zero and take the bias after the reduction (ONNX
  // Runtime's MatMul + Add order); integer sums are exact in any order.
  if (p.bias && quant) {
    SmallVector<AffineExpr> e = {getAffineDimExpr(outRank - 1, ctx)};
    acc = elementwise(rewriter, loc, p.outShape, accEl, {p.bias},
                      [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                      {AffineMap::get(outRank, 0, e, ctx)});
  } else {
    Value zero = quant ? cstInt(rewriter, loc, 0, accEl)
                       : (Value)arith::ConstantOp::create(rewriter, loc,
                                                           rewriter.getFloatAttr(accEl, 0.0));
    acc = linalg::FillOp::create(rewriter, loc, zero,
                                 emptyLike(rewriter, loc, p.outShape, accEl))
              .getResult(0);
  }
  SmallVector<utils::IteratorType> iters = parallel(outRank);
  iters.push_back(utils::IteratorType::reduction);
  SmallVector<Value> ins = {p.a, p.b};
  SmallVector<AffineMap> maps = {p.aMap, p.bMap};
  bool wzp = quant && !w.allZeroPointsZero();
  if (wzp) {
    SmallVector<int32_t> zps;
    for (int64_t k = 0; k < wAxisChannels; ++k)
      zps.push_back((int32_t)w.zp(k));
    ins.push_back(vectorConstI32(rewriter, loc, zps));
    maps.push_back(AffineMap::get(outRank + 1, 0, {getAffineDimExpr(p.nDim, ctx)}, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(outRank + 1, ctx).dropResult(outRank));
  auto g = linalg::GenericOp::create(
      rewriter, loc, TypeRange{acc.getType()}, ins, ValueRange{acc}, maps, iters,
      [&](OpBuilder &b, Location l, ValueRange a) {
        macBody(b, l, a, x, w, quant, p.zpFolded, wzp);
      });
  if (quant || !p.bias)
    return g.getResult(0);
  SmallVector<AffineExpr> e = {getAffineDimExpr(outRank - 1, ctx)};
  return elementwise(rewriter, loc, p.outShape, accEl, {g.getResult(0), p.bias},
                     [](OpBuilder &b, Location l, ValueRange a) -> Value {
                       return arith::AddFOp::create(b, l, a[0], a[1]);
                     },
                     {AffineMap::getMultiDimIdentityMap(outRank, ctx),
                      AffineMap::get(outRank, 0, e, ctx)});
}

} // namespace

Value mlir::octet::finishGemm(OpBuilder &rewriter, Location loc, GemmOp op, Value acc, Value c,
                              bool fixedPoint) {
  QInfo x = qinfo(op.getA().getType()), w = qinfo(op.getB().getType());
  bool quant = x.quantized;
  SmallVector<int64_t> outShape(rtt(op.getResult()).getShape());
  Type accEl = rtt(acc).getElementType();
    auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
    StringRef act = op.getActivation();
    Value result;
    if (quant) {
      result = requantizeEpilogue(rewriter, loc, acc, outShape, 1, x, w, op.getType(),
                                  act, lo, hi, fixedPoint);
    } else {
      float alpha = op.getAlpha().convertToFloat(), beta = op.getBeta().convertToFloat();
      SmallVector<Value> ins = {acc};
      if (c)
        ins.push_back(c);
      result = elementwise(rewriter, loc, outShape, accEl, ins,
                           [&](OpBuilder &b, Location l, ValueRange a) {
                             Value v = a[0];
                             if (alpha != 1.0f)
                               v = arith::MulFOp::create(b, l, v, cstF32(b, l, alpha));
                             if (a.size() > 1) {
                               Value cv = a[1];
                               if (beta != 1.0f)
                                 cv = arith::MulFOp::create(b, l, cv, cstF32(b, l, beta));
                               v = arith::AddFOp::create(b, l, v, cv);
                             }
                             return floatActivation(b, l, v, act, lo, hi);
                           });
    }
  return result;
}

namespace {

struct GemmLowering : OctetPattern<GemmOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    QInfo x = qinfo(op.getA().getType()), w = qinfo(op.getB().getType());
    bool quant = x.quantized;
    if (quant && op.getAlpha().convertToDouble() != 1.0)
      return rewriter.notifyMatchFailure(op, "quantized gemm with alpha != 1");
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    LinearParts p;
    p.a = adaptor.getA();
    p.b = adaptor.getB();
    p.aMap = AffineMap::get(3, 0, op.getTransA() ? ArrayRef<AffineExpr>{k, m}
                                                 : ArrayRef<AffineExpr>{m, k}, ctx);
    p.bMap = AffineMap::get(3, 0, op.getTransB() ? ArrayRef<AffineExpr>{n, k}
                                                 : ArrayRef<AffineExpr>{k, n}, ctx);
    p.outShape.assign(rtt(op.getResult()).getShape().begin(),
                      rtt(op.getResult()).getShape().end());
    p.nDim = 1;
    Type accEl = quant ? (Type)rewriter.getI32Type() : rtt(op.getA()).getElementType();
    Value c = adaptor.getC();
    bool biasVector = c && rtt(c).getRank() == 1 && rtt(c).getDimSize(0) == p.outShape[1];
    if (quant) {
      if (c && !biasVector)
        return rewriter.notifyMatchFailure(op, "quantized gemm bias must be a vector");
      p.bias = c;
      if (auto fb = foldedBias(rewriter, loc, op.getB(), op.getC(), x, w, p.outShape[1],
                               /*channelInner=*/!op.getTransB())) {
        p.bias = *fb;
        p.zpFolded = true;
      }
    }
    Value acc = linearProduct(rewriter, loc, p, x, w, quant, p.outShape[1], accEl);
    rewriter.replaceOp(op, finishGemm(rewriter, loc, op, acc, c, fixedPoint));
    return success();
  }
};

struct MatMulLowering : OctetPattern<MatMulOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto aT = rtt(op.getLhs()), bT = rtt(op.getRhs());
    if (aT.getRank() < 2 || bT.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "vector operands not lowered yet");
    QInfo x = qinfo(aT), w = qinfo(bT);
    bool quant = x.quantized;
    auto outShape = rtt(op.getResult()).getShape();
    unsigned outRank = outShape.size(), rank = outRank + 1;
    // Iteration space: (batch..., m, n, k).
    auto operandMap = [&](RankedTensorType t, bool isLhs) {
      SmallVector<AffineExpr> e;
      int64_t batch = t.getRank() - 2, off = (outRank - 2) - batch;
      for (int64_t i = 0; i < batch; ++i)
        e.push_back(t.getDimSize(i) == 1 && outShape[i + off] != 1
                        ? getAffineConstantExpr(0, ctx)
                        : getAffineDimExpr(i + off, ctx));
      AffineExpr mm = getAffineDimExpr(outRank - 2, ctx), nn = getAffineDimExpr(outRank - 1, ctx),
                 kk = getAffineDimExpr(outRank, ctx);
      if (isLhs) {
        e.push_back(mm);
        e.push_back(kk);
      } else {
        e.push_back(kk);
        e.push_back(nn);
      }
      return AffineMap::get(rank, 0, e, ctx);
    };
    LinearParts p;
    p.a = adaptor.getLhs();
    p.b = adaptor.getRhs();
    p.aMap = operandMap(aT, true);
    p.bMap = operandMap(bT, false);
    p.outShape.assign(outShape.begin(), outShape.end());
    p.nDim = outRank - 1;
    p.bias = adaptor.getBias();
    if (quant && bT.getRank() == 2)
      if (auto fb = foldedBias(rewriter, loc, op.getRhs(), op.getBias(), x, w,
                               outShape.back(), /*channelInner=*/true)) {
        p.bias = *fb;
        p.zpFolded = true;
      }
    Type accEl = quant ? (Type)rewriter.getI32Type() : aT.getElementType();
    Value acc = linearProduct(rewriter, loc, p, x, w, quant, outShape.back(), accEl);
    if (quant)
      acc = requantizeEpilogue(rewriter, loc, acc, p.outShape, outRank - 1, x, w,
                               op.getType(), "none", std::nullopt, std::nullopt,
                               fixedPoint);
    rewriter.replaceOp(op, acc);
    return success();
  }
};


/// ONNX MatMulInteger and ConvInteger: int32 sums of (a - a_zp)(b - b_zp)
/// with zero points that may be computed at run time.
template <typename OpTy>
struct IntegerProductLowering : OctetPattern<OpTy> {
  using OctetPattern<OpTy>::OctetPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value a = adaptor.getOperands()[0], w = adaptor.getOperands()[1];
    Value azp = adaptor.getOperands()[2], wzp = adaptor.getOperands()[3];
    QInfo aq = qinfo(op->getOperand(0).getType()), wq = qinfo(op->getOperand(1).getType());
    auto outShape = rtt(op->getResult(0)).getShape();
    unsigned outRank = outShape.size();
    SmallVector<AffineMap> maps;
    SmallVector<Value> ins;
    SmallVector<utils::IteratorType> iters = parallel(outRank);
    unsigned rank;
    int64_t chDim;
    if constexpr (std::is_same<OpTy, MatMulIntegerOp>::value) {
      auto aT = rtt(a), bT = rtt(w);
      if (aT.getRank() < 2 || bT.getRank() < 2)
        return rewriter.notifyMatchFailure(op, "1-D operands are not lowered");
      rank = outRank + 1;
      // Batch dimensions align to the right of the output's and broadcast
      // (numpy rules); then [M, K] x [K, N] with K the last loop.
      auto operandMap = [&](RankedTensorType t, AffineExpr rows, AffineExpr cols) {
        SmallVector<AffineExpr> e;
        int64_t nb = t.getRank() - 2;
        for (int64_t d = 0; d < nb; ++d) {
          int64_t od = (int64_t)outRank - 2 - nb + d;
          e.push_back(t.getDimSize(d) == 1 && outShape[od] != 1
                          ? getAffineConstantExpr(0, ctx)
                          : getAffineDimExpr(od, ctx));
        }
        e.append({rows, cols});
        return AffineMap::get(rank, 0, e, ctx);
      };
      maps.push_back(operandMap(aT, getAffineDimExpr(outRank - 2, ctx),
                                getAffineDimExpr(outRank, ctx)));
      maps.push_back(operandMap(bT, getAffineDimExpr(outRank, ctx),
                                getAffineDimExpr(outRank - 1, ctx)));
      ins = {a, w};
      iters.push_back(utils::IteratorType::reduction);
      chDim = outRank - 1;
    } else {
      auto strides = op.getStrides(), dil = op.getDilations();
      // Groups: output channel f reads input channels
      // [(f / (F / group)) * Cg, ... + Cg), Cg the weight's dimension 1.
      int64_t group = op.getGroup();
      auto wS = rtt(w).getShape();
      int64_t mg = wS[0] / group, cg = wS[1];
      Value pad = tensor::ExtractOp::create(rewriter, loc, azp, ValueRange{}).getResult();
      if (rtt(azp).getRank() != 0)
        return rewriter.notifyMatchFailure(op, "vector zero point for the input");
      a = padNCHW(rewriter, loc, a, op.getPads(), 0, 0, pad);
      rank = 7;
      AffineExpr n, f, oh, ow, c, kh, kw;
      bindDims(ctx, n, f, oh, ow, c, kh, kw);
      AffineExpr inC = group == 1 ? c : f.floorDiv(mg) * cg + c;
      maps.push_back(AffineMap::get(7, 0, {n, inC, oh * strides[0] + kh * dil[0],
                                            ow * strides[1] + kw * dil[1]}, ctx));
      maps.push_back(AffineMap::get(7, 0, {f, c, kh, kw}, ctx));
      ins = {a, w};
      iters.append(3, utils::IteratorType::reduction);
      chDim = 1;
    }
    // Zero points: scalars, or a vector over the output channels for w.
    auto zpMap = [&](Value zp) {
      if (rtt(zp).getRank() == 0)
        return AffineMap::get(rank, 0, {}, ctx);
      return AffineMap::get(rank, 0, {getAffineDimExpr(chDim, ctx)}, ctx);
    };
    if (rtt(azp).getRank() != 0)
      return rewriter.notifyMatchFailure(op, "vector zero point for the input");
    ins.push_back(azp);
    maps.push_back(zpMap(azp));
    ins.push_back(wzp);
    maps.push_back(zpMap(wzp));
    maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx).dropResults(
        llvm::to_vector(llvm::seq<int64_t>(outRank, rank))));
    Type i32 = rewriter.getI32Type();
    Value init = linalg::FillOp::create(rewriter, loc, cstInt(rewriter, loc, 0, i32),
                                        emptyLike(rewriter, loc, outShape, i32))
                     .getResult(0);
    auto g = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ins, ValueRange{init}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange v) {
          Value x = arith::SubIOp::create(b, l, toI32(b, l, v[0], aq.isSigned),
                                          toI32(b, l, v[2], aq.isSigned));
          Value y = arith::SubIOp::create(b, l, toI32(b, l, v[1], wq.isSigned),
                                          toI32(b, l, v[3], wq.isSigned));
          Value p = arith::MulIOp::create(b, l, x, y);
          linalg::YieldOp::create(b, l, arith::AddIOp::create(b, l, v[4], p).getResult());
        });
    rewriter.replaceOp(op, g.getResult(0));
    return success();
  }
};

} // namespace

void mlir::octet::populateLinearPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                     const OctetToLinalgOptions &options) {
  patterns.add<GemmLowering,
               MatMulLowering,
               IntegerProductLowering<MatMulIntegerOp>,
               IntegerProductLowering<ConvIntegerOp>>(tc, patterns.getContext(), options);
}
