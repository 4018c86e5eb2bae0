//===- FoldQDQ.cpp - dequantize -> float op -> quantize to quantized op ----===//

#include "octet/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include <cmath>

namespace mlir::octet {
#define GEN_PASS_DEF_OCTETFOLDQDQ
#include "octet/Transforms/Passes.h.inc"
} // namespace mlir::octet

using namespace mlir;
using namespace mlir::octet;

/// The quantized value behind `v` when it is a dequantize, else null.
static Value dequantized(Value v) {
  if (auto dq = v.getDefiningOp<DequantizeOp>())
    return dq.getInput();
  return {};
}

/// The int32 quantized bias for a convolution or matrix product, or null
/// when it cannot be formed. `weightAxis` is the weight's output dimension.
static Value quantizedBias(PatternRewriter &rewriter, Location loc, Value bias,
                           Value input, Value weight) {
  double is = getQuantScales(input.getType())[0];
  SmallVector<double> ws = getQuantScales(weight.getType());
  auto bt = cast<RankedTensorType>(bias.getType());
  if (bt.getRank() != 1 || !bt.hasStaticShape())
    return {};
  int64_t n = bt.getDimSize(0);
  if (ws.size() != 1 && (int64_t)ws.size() != n)
    return {};
  // Scales as ONNX Runtime forms them: the float32 product.
  SmallVector<double> bs;
  for (int64_t k = 0; k < n; ++k)
    bs.push_back((double)((float)is * (float)ws[ws.size() == 1 ? 0 : k]));
  if (Value qb = dequantized(bias)) {
    SmallVector<double> have = getQuantScales(qb.getType());
    auto q = getQuantElementType(qb.getType());
    if (q.getStorageTypeIntegralWidth() != 32 || !q.isSigned())
      return {};
    for (int64_t k = 0; k < n; ++k)
      if (!scalesClose(have[have.size() == 1 ? 0 : k], bs[k]))
        return {};
    if (llvm::any_of(getQuantZeroPoints(qb.getType()), [](int64_t z) { return z; }))
      return {};
    return qb;
  }
  auto c = readConstant(bias);
  if (!c || !c->isFloat)
    return {};
  ConstTensor qc;
  qc.shape = c->shape;
  for (int64_t k = 0; k < n; ++k) {
    double v = std::nearbyint((float)c->f[k] / (float)bs[k]);
    // A NaN bias (or 0/0) has no int32 value: the float op stays (found by
    // the fuzzer: the conversion of NaN to int64 is undefined).
    if (std::isnan(v))
      return {};
    qc.i.push_back((int64_t)std::clamp<double>(v, INT32_MIN, INT32_MAX));
  }
  SmallVector<int64_t> zps(n, 0);
  auto qt = ws.size() > 1
                ? makeQuantType(rewriter.getContext(), true, 32, bs, zps, 0)
                : makeQuantType(rewriter.getContext(), true, 32, {bs[0]}, {0},
                                std::nullopt);
  auto storage = RankedTensorType::get(
      c->shape, IntegerType::get(rewriter.getContext(), 32));
  return ConstantOp::create(rewriter, loc, bt.clone(qt), qc.write(storage));
}

namespace {
/// quantize(conv2d|matmul|gemm(dequantize(x), dequantize(w), bias)).
struct FoldLinear : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    Operation *op = q.getInput().getDefiningOp();
    if (!op || !isa<Conv2DOp, MatMulOp, GemmOp>(op) || !isPerTensorQuant(q.getType()))
      return failure();
    Value x = dequantized(op->getOperand(0));
    Value w = dequantized(op->getOperand(1));
    if (!x || !w || !isPerTensorQuant(x.getType()))
      return rewriter.notifyMatchFailure(q, "operands are not dequantized");
    auto wq = getQuantElementType(w.getType());
    auto xq = getQuantElementType(x.getType());
    // 8-bit operands only: 16-bit products summed over a long reduction can
    // overflow int32, so 16-bit layers stay in float (as in ONNX Runtime).
    if (xq.getStorageTypeIntegralWidth() > 8 || wq.getStorageTypeIntegralWidth() > 8)
      return rewriter.notifyMatchFailure(q, "operands wider than 8 bits");
    int64_t wAxis = 0;
    if (auto mm = dyn_cast<MatMulOp>(op))
      wAxis = cast<RankedTensorType>(w.getType()).getRank() - 1;
    if (auto g = dyn_cast<GemmOp>(op)) {
      if (g.getTransA())
        return failure();
      wAxis = g.getTransB() ? 0 : 1;
    }
    if (auto axis = getQuantAxis(w.getType()); axis && *axis != wAxis)
      return rewriter.notifyMatchFailure(q, "weight quantized on another axis");
    Value bias;
    if (op->getNumOperands() > 2) {
      Value fb = op->getOperand(2);
      // Gemm's C must be a vector over the output columns to become an
      // int32 bias; beta scales it.
      if (auto g = dyn_cast<GemmOp>(op);
          g && g.getBeta().convertToDouble() != 1.0)
        return failure();
      bias = quantizedBias(rewriter, op->getLoc(), fb, x, w);
      if (!bias)
        return rewriter.notifyMatchFailure(q, "bias cannot be quantized");
    }
    Operation *newOp = rewriter.clone(*op);
    newOp->setOperand(0, x);
    newOp->setOperand(1, w);
    if (bias)
      newOp->setOperand(2, bias);
    newOp->getResult(0).setType(q.getType());
    newOp->setLoc(rewriter.getFusedLoc({op->getLoc(), q.getLoc()}));
    rewriter.replaceOp(q, newOp->getResults());
    return success();
  }
};

/// quantize(add|sub|mul|max|min|avg pools|clamp|activations|linear
/// resize(dequantize(...))):
/// arithmetic that re-scales, so the result takes the quantize's type.
struct FoldArithmetic : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    Operation *op = q.getInput().getDefiningOp();
    if (!op || !isPerTensorQuant(q.getType()) ||
        (!isa<AddOp, SubOp, MulOp, MaxOp, MinOp, AvgPool2DOp, GlobalAvgPool2DOp, ClampOp,
              SigmoidOp, TanhOp, SoftmaxOp, HardSwishOp, AbsOp, SoftplusOp, MishOp, LeakyReluOp,
              EluOp, SeluOp, HardSigmoidOp>(op) &&
         !(isa<ResizeOp>(op) && cast<ResizeOp>(op).getMode() == "linear")))
      return failure();
    if (auto sm = dyn_cast<SoftmaxOp>(op)) {
      Value in = dequantized(sm.getInput());
      if (sm.getLog() || !in || getQuantElementType(in.getType()).getStorageTypeIntegralWidth() != 8 ||
          getQuantElementType(q.getType()).getStorageTypeIntegralWidth() != 8)
        return failure();
    }
    SmallVector<Value> operands;
    for (Value v : op->getOperands()) {
      Value x = dequantized(v);
      if (!x || !isPerTensorQuant(x.getType()))
        return rewriter.notifyMatchFailure(q, "operand is not dequantized");
      operands.push_back(x);
    }
    Operation *newOp = rewriter.clone(*op);
    newOp->setOperands(operands);
    newOp->getResult(0).setType(q.getType());
    newOp->setLoc(rewriter.getFusedLoc({op->getLoc(), q.getLoc()}));
    rewriter.replaceOp(q, newOp->getResults());
    return success();
  }
};

/// quantize(reshape|transpose|slice|gather|max_pool|concat|pad|broadcast|
/// tile|nearest resize(dequantize(x))):
/// data movement keeps the quantization of x; a requantize follows when the
/// quantize asks for other parameters.
struct FoldDataMovement : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    Operation *op = q.getInput().getDefiningOp();
    if (!op || !isPerTensorQuant(q.getType()) ||
        (!isa<ReshapeOp, TransposeOp, SliceOp, GatherOp, GatherElementsOp, GatherNDOp,
              MaxPool2DOp, ConcatOp, PadOp, BroadcastOp, TileOp>(op) &&
         !(isa<ResizeOp>(op) && cast<ResizeOp>(op).getMode() == "nearest")))
      return failure();
    unsigned numData = isa<ConcatOp>(op) ? op->getNumOperands() : 1;
    SmallVector<Value> data;
    for (unsigned k = 0; k < numData; ++k) {
      Value x = dequantized(op->getOperand(k));
      if (!x || !isPerTensorQuant(x.getType()))
        return rewriter.notifyMatchFailure(q, "data operand is not dequantized");
      data.push_back(x);
    }
    Type elem = getQuantElementType(data[0].getType());
    if (numData > 1) {
      // Concat of differently quantized operands: bring each to the output
      // parameters first.
      bool same = llvm::all_of(data, [&](Value v) {
        return getQuantElementType(v.getType()) == elem;
      });
      if (!same) {
        elem = getQuantElementType(q.getType());
        for (Value &v : data)
          if (getQuantElementType(v.getType()) != elem)
            v = RequantizeOp::create(rewriter, op->getLoc(),
                                     withElementType(v.getType(), elem), v);
      }
    }
    Operation *newOp = rewriter.clone(*op);
    for (unsigned k = 0; k < numData; ++k)
      newOp->setOperand(k, data[k]);
    Value result = newOp->getResult(0);
    result.setType(withElementType(op->getResult(0).getType(), elem));
    if (result.getType() != q.getType())
      result = RequantizeOp::create(rewriter, q.getLoc(), q.getType(), result);
    rewriter.replaceOp(q, result);
    return success();
  }
};

/// op(dequantize(x)) -> dequantize(op(x)) for data movement that keeps
/// values (reshape, transpose, slice, broadcast, tile, nearest resize, zero
/// or edge padding): the dequantize then reaches the op that consumes it, so
/// chains such as ConvTranspose's zero insertion stay quantized.
struct HoistDequantize : RewritePattern {
  HoistDequantize(MLIRContext *ctx) : RewritePattern(MatchAnyOpTypeTag(), 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (auto cat = dyn_cast<ConcatOp>(op))
      return hoistConcat(cat, rewriter);
    if (!isa<ReshapeOp, TransposeOp, SliceOp, PadOp, BroadcastOp, TileOp, ResizeOp>(op))
      return failure();
    if (auto r = dyn_cast<ResizeOp>(op); r && r.getMode() != "nearest")
      return failure();
    if (auto p = dyn_cast<PadOp>(op); p && p.getMode() == "constant" &&
                                      p.getValue().convertToDouble() != 0.0)
      return failure();
    auto dq = op->getOperand(0).getDefiningOp<DequantizeOp>();
    if (!dq || !isPerTensorQuant(dq.getInput().getType()))
      return failure();
    Type elem = getQuantElementType(dq.getInput().getType());
    Operation *newOp = rewriter.clone(*op);
    newOp->setOperand(0, dq.getInput());
    Type floatT = op->getResult(0).getType();
    newOp->getResult(0).setType(withElementType(floatT, elem));
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, floatT, newOp->getResult(0));
    return success();
  }
  /// A concat of operands dequantized from one per-tensor type (the depth
  /// slices of a 3-D convolution).
  LogicalResult hoistConcat(ConcatOp cat, PatternRewriter &rewriter) const {
    SmallVector<Value> xs;
    Type elem;
    for (Value v : cat.getInputs()) {
      auto dq = v.getDefiningOp<DequantizeOp>();
      if (!dq || !isPerTensorQuant(dq.getInput().getType()))
        return failure();
      Type e = getQuantElementType(dq.getInput().getType());
      if (elem && e != elem)
        return failure();
      elem = e;
      xs.push_back(dq.getInput());
    }
    Type floatT = cat.getType();
    auto q = ConcatOp::create(rewriter, cat.getLoc(), withElementType(floatT, elem), xs,
                              cat.getAxisAttr());
    rewriter.replaceOpWithNewOp<DequantizeOp>(cat, floatT, q.getResult());
    return success();
  }
};

/// quantize(op(y)) -> op(quantize(y)) for ops that commute with a
/// monotonic per-tensor quantization: data movement (reshape, transpose,
/// slice, gather), max pooling, and clamp (whose bounds then apply on the
/// quantized grid). This lets quantize reach the op that produces y (add +
/// relu in residual blocks, average pooling + flatten, ...).
struct SinkQuantize : OpRewritePattern<QuantizeOp> {
  SinkQuantize(MLIRContext *ctx)
      : OpRewritePattern<QuantizeOp>(ctx, /*benefit=*/0) {}
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    Operation *op = q.getInput().getDefiningOp();
    if (!op || !op->hasOneUse() || !isPerTensorQuant(q.getType()) ||
        !isa<ClampOp, ReshapeOp, TransposeOp, SliceOp, GatherOp, MaxPool2DOp>(op))
      return failure();
    Value y = op->getOperand(0);
    Operation *producer = y.getDefiningOp();
    // Leave the cases the other patterns fold better: a dequantized input
    // (FoldDataMovement/FoldArithmetic) and a clamp that fuses into its
    // conv or gemm.
    if (!producer || isa<DequantizeOp>(producer))
      return failure();
    if (isa<ClampOp>(op)) {
      if (auto conv = dyn_cast<Conv2DOp>(producer); conv && conv.getActivation() == "none")
        return failure();
      if (auto gemm = dyn_cast<GemmOp>(producer); gemm && gemm.getActivation() == "none")
        return failure();
    }
    Type elem = getQuantElementType(q.getType());
    auto inner = QuantizeOp::create(rewriter, q.getLoc(),
                                    withElementType(y.getType(), elem), y);
    Operation *moved = rewriter.clone(*op);
    moved->setOperand(0, inner);
    moved->getResult(0).setType(q.getType());
    rewriter.replaceOp(q, moved->getResults());
    return success();
  }
};

/// add(matmul(a, b), c) with c a vector over the output columns becomes
/// matmul(a, b, c): the bias of a linear layer that exporters write as a
/// separate Add after MatMul.
struct FuseMatMulBias : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    for (int k = 0; k < 2; ++k) {
      auto mm = add->getOperand(k).getDefiningOp<MatMulOp>();
      Value c = add->getOperand(1 - k);
      if (!mm || mm.getBias() || !mm->hasOneUse() || mm.getType() != add.getType() ||
          isQuantTensor(mm.getType()))
        continue;
      auto ct = cast<RankedTensorType>(c.getType());
      auto rt = cast<RankedTensorType>(mm.getRhs().getType());
      if (rt.getRank() < 2 || ct.getRank() != 1 || ct != cast<RankedTensorType>(c.getType()) ||
          ct.getElementType() != mm.getType().getElementType() ||
          ct.getDimSize(0) != rt.getDimSize(rt.getRank() - 1) || ct.isDynamicDim(0))
        continue;
      if (!readConstant(c, 1 << 20) && !dequantized(c))
        continue;
      auto fused = MatMulOp::create(
          rewriter, rewriter.getFusedLoc({mm.getLoc(), add.getLoc()}),
          add.getType(), mm.getLhs(), mm.getRhs(), c);
      rewriter.replaceOp(add, fused.getResult());
      return success();
    }
    return failure();
  }
};

/// transpose(dequantize(constant)) becomes dequantize(constant'): weights
/// that exporters transpose at run time stay quantized constants. A
/// per-axis quantization follows its axis through the permutation.
struct FoldTransposeOfQuantConstant : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto dq = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dq)
      return failure();
    auto cst = dq.getInput().getDefiningOp<ConstantOp>();
    if (!cst)
      return failure();
    auto c = ConstTensor::read(cst.getValue());
    auto outT = cast<RankedTensorType>(op.getType());
    if (!c || !outT.hasStaticShape())
      return failure();
    ArrayRef<int64_t> perm = op.getPerm();
    ConstTensor out = c->transposed(perm);
    Type qt = getQuantElementType(cst.getType());
    if (auto axis = getQuantAxis(cst.getType())) {
      int32_t newAxis = llvm::find(perm, *axis) - perm.begin();
      auto pa = cast<quant::UniformQuantizedPerAxisType>(qt);
      qt = quant::UniformQuantizedPerAxisType::get(
          pa.getFlags(), pa.getStorageType(), pa.getExpressedType(), pa.getScales(),
          pa.getZeroPoints(), newAxis, pa.getStorageTypeMin(), pa.getStorageTypeMax());
    }
    auto storageT = RankedTensorType::get(out.shape, cst.getValue().getShapedType().getElementType());
    auto newCst = ConstantOp::create(rewriter, cst.getLoc(), outT.clone(qt), out.write(storageT));
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, outT, newCst);
    return success();
  }
};

struct FoldQDQPass : octet::impl::OctetFoldQDQBase<FoldQDQPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldQDQPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::octet::populateFoldQDQPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<FoldLinear, FoldArithmetic, FoldDataMovement, SinkQuantize,
               FuseMatMulBias, FoldTransposeOfQuantConstant, HoistDequantize>(ctx);
  populateFuseActivationPatterns(patterns);
  QuantizeOp::getCanonicalizationPatterns(patterns, ctx);
  RequantizeOp::getCanonicalizationPatterns(patterns, ctx);
}
