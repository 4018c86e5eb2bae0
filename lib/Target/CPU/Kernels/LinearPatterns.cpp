//===- LinearPatterns.cpp - matrix-product kernels of the CPU target -------===//
//
// octet.gemm, octet.matmul, octet.matmul_integer and octet.conv_integer with
// constant weights on the register-tiled products (int8 on octet_cpu.dot4,
// f32 with FMAs), requantized in registers where the result is 8-bit.
// Products that do not fit are left to the generic lowering.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"

#include <type_traits>

using namespace mlir;
using namespace mlir::octet;
using namespace mlir::octet::cpu;

namespace {

struct GemmKernel : CPUKernelPattern<GemmOp> {
  using CPUKernelPattern::CPUKernelPattern;
  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    QInfo x = qinfo(op.getA().getType()), w = qinfo(op.getB().getType());
    bool quant = x.quantized;
    if (quant && op.getAlpha().convertToDouble() != 1.0)
      return rewriter.notifyMatchFailure(op, "quantized gemm with alpha != 1");
    SmallVector<int64_t> outShape(rtt(op.getResult()).getShape());
    Type accEl = quant ? (Type)rewriter.getI32Type() : rtt(op.getA()).getElementType();
    Value c = adaptor.getC();
    bool biasVector = c && rtt(c).getRank() == 1 && rtt(c).getDimSize(0) == outShape[1];
    if (quant && c && !biasVector)
      return rewriter.notifyMatchFailure(op, "quantized gemm bias must be a vector");
    Value acc;
    int64_t kdim = rtt(op.getA()).getDimSize(op.getTransA() ? 0 : 1);
    std::optional<std::vector<int64_t>> wv;
    std::optional<SmallVector<int32_t>> vb;
    if (product.int8 != Int8ISA::None && quant && !op.getTransA() && x.width == 8 &&
        (wv = vnniWeight(op.getB(), w, outShape[1], kdim, op.getTransB())) &&
        (vb = foldedBiasValues(op.getB(), op.getC(), x, w, outShape[1], !op.getTransB(),
                               x.isSigned ? 128 : 0))) {
      auto epi = vnniEpilogue(x, w, op.getType(), outShape[1], op.getActivation(),
                              optF(op.getClampMin()), optF(op.getClampMax()), fixedPoint);
      acc = vnniMatmul(rewriter, loc, adaptor.getA(), x.isSigned, *wv, outShape[1], kdim,
                       *vb, epi ? &*epi : nullptr, product);
      if (epi) {
        rewriter.replaceOp(op, acc);
        return success();
      }
    } else if (auto fw = floatWeight(op.getB(), outShape[1], kdim, op.getTransB());
               fw && !quant && !op.getTransA() && accEl.isF32()) {
      // Float with a constant weight: the register-tiled FMA kernel. A
      // constant bias vector with alpha = beta = 1 starts the sums, before
      // the blocks of K, as in ONNX Runtime's Gemm (C copied into Y, then
      // Y += A B one packed block of K at a time).
      SmallVector<float> fb(outShape[1], 0.0f);
      bool biasFirst = false;
      if (c && biasVector && op.getAlpha().convertToDouble() == 1.0 &&
          op.getBeta().convertToDouble() == 1.0)
        if (auto cc = readConstant(op.getC()); cc && cc->isFloat) {
          for (int64_t j = 0; j < outShape[1]; ++j)
            fb[j] = (float)cc->f[j];
          biasFirst = true;
          c = Value();
        }
      acc = floatMatmul(rewriter, loc, adaptor.getA(), *fw, outShape[1], kdim, fb, product.zmm,
                        biasFirst);
    } else {
      return failure();
    }
    rewriter.replaceOp(op, finishGemm(rewriter, loc, op, acc, c, fixedPoint));
    return success();
  }
};

struct MatMulKernel : CPUKernelPattern<MatMulOp> {
  using CPUKernelPattern::CPUKernelPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto aT = rtt(op.getLhs()), bT = rtt(op.getRhs());
    if (aT.getRank() < 2 || bT.getRank() < 2)
      return failure();
    QInfo x = qinfo(aT), w = qinfo(bT);
    bool quant = x.quantized;
    auto outShape = rtt(op.getResult()).getShape();
    unsigned outRank = outShape.size();
    Type accEl = quant ? (Type)rewriter.getI32Type() : aT.getElementType();
    int64_t kdim = aT.getDimSize(aT.getRank() - 1), ndim = outShape.back();
    std::optional<std::vector<int64_t>> wv;
    std::optional<SmallVector<int32_t>> vb;
    if (product.int8 != Int8ISA::None && quant && bT.getRank() == 2 && x.width == 8 &&
        (wv = vnniWeight(op.getRhs(), w, ndim, kdim, /*nMajor=*/false)) &&
        (vb = foldedBiasValues(op.getRhs(), op.getBias(), x, w, ndim,
                               /*channelInner=*/true, x.isSigned ? 128 : 0))) {
      int64_t rows = 1;
      for (int64_t d : aT.getShape().drop_back())
        rows *= d;
      Type inEl = rtt(adaptor.getLhs()).getElementType();
      Value a2 = adaptor.getLhs();
      SmallVector<ReassociationIndices> reassoc(1);
      for (int64_t d = 0; d + 1 < aT.getRank(); ++d)
        reassoc[0].push_back(d);
      reassoc.push_back({aT.getRank() - 1});
      if (aT.getRank() != 2)
        a2 = tensor::CollapseShapeOp::create(rewriter, loc,
                                             RankedTensorType::get({rows, kdim}, inEl), a2, reassoc);
      auto epi = vnniEpilogue(x, w, op.getType(), ndim, "none", std::nullopt, std::nullopt,
                              fixedPoint);
      Value acc2 = vnniMatmul(rewriter, loc, a2, x.isSigned, *wv, ndim, kdim, *vb,
                              epi ? &*epi : nullptr, product);
      Type el = epi ? rewriter.getIntegerType(8) : accEl;
      if ((int64_t)outShape.size() != 2 || outShape[0] != rows) {
        SmallVector<ReassociationIndices> out(1);
        for (int64_t d = 0; d + 1 < (int64_t)outShape.size(); ++d)
          out[0].push_back(d);
        out.push_back({(int64_t)outShape.size() - 1});
        acc2 = tensor::ExpandShapeOp::create(rewriter, loc,
                                             RankedTensorType::get(outShape, el), acc2, out);
      }
      if (!epi)
        acc2 = requantizeEpilogue(rewriter, loc, acc2, outShape, outRank - 1, x, w,
                                  op.getType(), "none", std::nullopt, std::nullopt, fixedPoint);
      rewriter.replaceOp(op, acc2);
      return success();
    }
    // Float with a constant [K, N] weight and a constant (or no) bias: the
    // register-tiled FMA kernel over the rows.
    std::optional<ConstTensor> fbc;
    if (op.getBias())
      fbc = readConstant(op.getBias());
    if (!quant && aT.getRank() >= 2 && bT.getRank() == 2 && accEl.isF32() &&
        (!op.getBias() || (fbc && fbc->isFloat && fbc->numElements() == ndim)))
      if (auto fw = floatWeight(op.getRhs(), ndim, kdim, /*nMajor=*/false)) {
        int64_t rows = aT.getNumElements() / kdim;
        Value a2 = adaptor.getLhs();
        if (aT.getRank() != 2) {
          SmallVector<ReassociationIndices> re(1);
          for (int64_t d = 0; d + 1 < aT.getRank(); ++d)
            re[0].push_back(d);
          re.push_back({aT.getRank() - 1});
          a2 = tensor::CollapseShapeOp::create(rewriter, loc, aT.clone({rows, kdim}), a2, re);
        }
        SmallVector<float> fb(ndim, 0.0f);
        if (fbc)
          for (int64_t k = 0; k < ndim; ++k)
            fb[k] = (float)fbc->f[k];
        Value acc2 = floatMatmul(rewriter, loc, a2, *fw, ndim, kdim, fb, product.zmm);
        if (outShape.size() != 2) {
          SmallVector<ReassociationIndices> out(1);
          for (int64_t d = 0; d + 1 < (int64_t)outShape.size(); ++d)
            out[0].push_back(d);
          out.push_back({(int64_t)outShape.size() - 1});
          acc2 = tensor::ExpandShapeOp::create(rewriter, loc,
                                               RankedTensorType::get(outShape, accEl), acc2, out);
        }
        rewriter.replaceOp(op, acc2);
        return success();
      }
    return failure();
  }
};

/// MatMulInteger and ConvInteger (dynamic quantization) with a constant
/// 8-bit weight whose values minus their zero points fit in int8.
template <typename OpTy>
struct IntegerProductKernel : CPUKernelPattern<OpTy> {
  using CPUKernelPattern<OpTy>::CPUKernelPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value a = adaptor.getOperands()[0];
    Value azp = adaptor.getOperands()[2];
    QInfo aq = qinfo(op->getOperand(0).getType());
    auto outShape = rtt(op->getResult(0)).getShape();
    if (rtt(azp).getRank() != 0)
      return failure();
    Value v;
    if constexpr (std::is_same<OpTy, MatMulIntegerOp>::value) {
      v = fastMatMulInteger(rewriter, loc, op, a, azp, aq, outShape);
    } else {
      // Groups other than 1 and non-constant weights are left to the
      // generic loop nest.
      auto ws = rtt(op->getOperand(1)).getShape();
      std::vector<int64_t> wt;
      SmallVector<int32_t> sums;
      if (op.getGroup() != 1 || rtt(a).getElementType().getIntOrFloatBitWidth() != 8 ||
          !effectiveWeight(op->getOperand(1), op->getOperand(3), ws[0],
                           ws[1] * ws[2] * ws[3], true, wt, sums))
        return failure();
      Value pad = tensor::ExtractOp::create(rewriter, loc, azp, ValueRange{}).getResult();
      Value ap = padNCHW(rewriter, loc, a, op.getPads(), 0, 0, pad);
      v = fastConvInteger(rewriter, loc, op, ap, azp, aq, outShape);
    }
    if (!v)
      return failure();
    rewriter.replaceOp(op, v);
    return success();
  }

  /// The effective weight w - w_zp of an integer product, n-major [N, K]
  /// (`nMajor`: the constant is [N, ...] rows, else [K, N]), when the weight
  /// and its zero points (scalar or one per N) are constants and it fits in
  /// int8; and its row sums.
  static bool effectiveWeight(Value weight, Value wzp, int64_t n, int64_t k, bool nMajor,
                              std::vector<int64_t> &wt, SmallVector<int32_t> &sums) {
    auto wc = readConstant(weight), zc = readConstant(wzp);
    if (!wc || wc->isFloat || !zc || zc->isFloat || wc->numElements() != n * k ||
        rtt(weight).getElementType().getIntOrFloatBitWidth() != 8 ||
        (zc->numElements() != 1 && zc->numElements() != n))
      return false;
    auto zp = [&](int64_t nn) { return zc->i[zc->numElements() == 1 ? 0 : nn]; };
    auto rows = int8Rows(*wc, zp, n, k, nMajor);
    if (!rows)
      return false;
    wt = std::move(*rows);
    sums.assign(n, 0);
    for (int64_t nn = 0; nn < n; ++nn)
      for (int64_t kk = 0; kk < k; ++kk)
        sums[nn] += (int32_t)wt[nn * k + kk];
    return true;
  }

  /// int32 [M, N] = (a2 - a_zp) x wt^T for 8-bit rows `a2` [M, K], the
  /// effective weight `wt` (n-major) with row sums `sums`, and a scalar
  /// run-time zero point `azp`: the VNNI kernel, or a portable product over
  /// the transposed weight (contiguous along the reduction in both operands,
  /// which LLVM vectorizes), then -a_zp * sums per column.
  Value integerRows(OpBuilder &rewriter, Location loc, Value a2, bool aSigned, Value azp,
                    const std::vector<int64_t> &wt, ArrayRef<int32_t> sums, int64_t n) const {
    int64_t m = rtt(a2).getDimSize(0), k = rtt(a2).getDimSize(1);
    MLIRContext *ctx = rewriter.getContext();
    Type i32 = rewriter.getI32Type();
    AffineExpr d0, d1, d2;
    bindDims(ctx, d0, d1, d2);
    Value c;
    if (this->product.int8 != Int8ISA::None) {
      // s8 rows are shifted to u8 by the kernel: take 128 * sum back out.
      SmallVector<int32_t> bias(n, 0);
      if (aSigned)
        for (int64_t nn = 0; nn < n; ++nn)
          bias[nn] = -128 * sums[nn];
      c = vnniMatmul(rewriter, loc, a2, aSigned, wt, n, k, bias, nullptr, this->product);
    } else {
      ConstTensor wc2;
      wc2.shape = {n, k};
      wc2.i = wt;
      auto wT = RankedTensorType::get({n, k}, rewriter.getI8Type());
      Value wv = arith::ConstantOp::create(rewriter, loc, wT, cast<TypedAttr>(wc2.write(wT)));
      Value init = linalg::FillOp::create(rewriter, loc, cstInt(rewriter, loc, 0, i32),
                                          emptyLike(rewriter, loc, {m, n}, i32))
                       .getResult(0);
      c = linalg::GenericOp::create(
              rewriter, loc, TypeRange{init.getType()}, ValueRange{a2, wv}, ValueRange{init},
              SmallVector<AffineMap>{AffineMap::get(3, 0, {d0, d2}, ctx),
                                     AffineMap::get(3, 0, {d1, d2}, ctx),
                                     AffineMap::get(3, 0, {d0, d1}, ctx)},
              SmallVector<utils::IteratorType>{utils::IteratorType::parallel,
                                               utils::IteratorType::parallel,
                                               utils::IteratorType::reduction},
              [&](OpBuilder &b, Location l, ValueRange v) {
                Value p = arith::MulIOp::create(b, l, toI32(b, l, v[0], aSigned),
                                                toI32(b, l, v[1], true));
                linalg::YieldOp::create(b, l, arith::AddIOp::create(b, l, v[2], p).getResult());
              })
              .getResult(0);
    }
    Value cs = vectorConstI32(rewriter, loc, sums);
    return elementwise(rewriter, loc, {m, n}, i32, {c, cs, azp},
                       [&](OpBuilder &b, Location l, ValueRange v) -> Value {
                         Value z = toI32(b, l, v[2], aSigned);
                         return arith::SubIOp::create(b, l, v[0],
                                                      arith::MulIOp::create(b, l, z, v[1]));
                       },
                       {AffineMap::get(2, 0, {d1}, ctx), AffineMap::get(2, 0, {}, ctx)});
  }

  /// MatMulInteger with a constant 8-bit [K, N] right operand whose values
  /// minus their zero points fit in int8 (dynamic quantization's weights) on
  /// the rows of `a`. Null when it does not apply.
  Value fastMatMulInteger(ConversionPatternRewriter &rewriter, Location loc, OpTy op, Value a,
                          Value azp, const QInfo &aq, ArrayRef<int64_t> outShape) const {
    auto aT = rtt(a);
    if (rtt(op->getOperand(1)).getRank() != 2 || rtt(azp).getRank() != 0 ||
        aT.getRank() < 2 || aT.getElementType().getIntOrFloatBitWidth() != 8)
      return {};
    int64_t k = rtt(op->getOperand(1)).getDimSize(0), n = rtt(op->getOperand(1)).getDimSize(1);
    int64_t m = aT.getNumElements() / k;
    std::vector<int64_t> wt;
    SmallVector<int32_t> sums;
    if (!effectiveWeight(op->getOperand(1), op->getOperand(3), n, k, false, wt, sums))
      return {};
    Value a2 = a;
    if (aT.getRank() != 2) {
      SmallVector<ReassociationIndices> re(1);
      for (int64_t d = 0; d + 1 < aT.getRank(); ++d)
        re[0].push_back(d);
      re.push_back({aT.getRank() - 1});
      a2 = tensor::CollapseShapeOp::create(rewriter, loc, aT.clone({m, k}), a, re);
    }
    Value c = integerRows(rewriter, loc, a2, aq.isSigned, azp, wt, sums, n);
    if (outShape.size() != 2) {
      SmallVector<ReassociationIndices> re(1);
      for (size_t d = 0; d + 1 < outShape.size(); ++d)
        re[0].push_back(d);
      re.push_back({(int64_t)outShape.size() - 1});
      c = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(outShape, rewriter.getI32Type()), c, re);
    }
    return c;
  }

  /// ConvInteger (group 1) with a constant weight as im2col rows times the
  /// effective weight; `ap` is the input padded with its zero point. Null
  /// when it does not apply.
  Value fastConvInteger(ConversionPatternRewriter &rewriter, Location loc, OpTy op, Value ap,
                        Value azp, const QInfo &aq, ArrayRef<int64_t> outShape) const {
    if constexpr (std::is_same<OpTy, ConvIntegerOp>::value) {
      auto ws = rtt(op->getOperand(1)).getShape();
      if (op.getGroup() != 1 || rtt(azp).getRank() != 0 ||
          rtt(ap).getElementType().getIntOrFloatBitWidth() != 8)
        return {};
      int64_t f = ws[0], cin = ws[1], kh = ws[2], kw = ws[3], kk = cin * kh * kw;
      std::vector<int64_t> wt;
      SmallVector<int32_t> sums;
      if (!effectiveWeight(op->getOperand(1), op->getOperand(3), f, kk, true, wt, sums))
        return {};
      Value a2 = im2colRows(rewriter, loc, ap, outShape, kh, kw, op.getStrides(),
                            op.getDilations());
      Value c = integerRows(rewriter, loc, a2, aq.isSigned, azp,
                            weightTapsChannelsLast(wt, f, cin, kh, kw), sums, f);
      return rowsToNCHW(rewriter, loc, c, outShape);
    }
    return {};
  }
};

} // namespace

void mlir::octet::cpu::populateLinearKernelPatterns(const TypeConverter &tc,
                                                    RewritePatternSet &patterns,
                                                    const CPUKernelOptions &options) {
  patterns.add<GemmKernel, MatMulKernel, IntegerProductKernel<MatMulIntegerOp>,
               IntegerProductKernel<ConvIntegerOp>>(tc, patterns.getContext(), options);
}
