//===- PoolPatterns.cpp - pooling kernels of the CPU target ----------------===//
//
// octet.max_pool2d along output rows with explicit 16-lane vectors: per
// window element one read of 16 * stride contiguous inputs and a shuffle
// that keeps every stride-th, then the max. (LLVM left the strided
// elementwise form scalar for bytes: resnet18's 3x3/2 pool on 112x112x64
// took 9% of the model.) Larger windows and strides use the generic forms.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::octet;
using namespace mlir::octet::cpu;

namespace {

struct MaxPoolKernel : CPUKernelPattern<MaxPool2DOp> {
  using CPUKernelPattern::CPUKernelPattern;
  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    if (!(op.getKernel()[0] * op.getKernel()[1] <= 16 && op.getStrides()[1] <= 4))
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
    // Rows of 16+ outputs take whole vectors only, the last one of a row
    // starting at ow - 16 (overlapping, same values): AVX2 has no masked
    // byte loads, and the masked reads of resnet18's 3x3/2 pool were a
    // tenth of the model there. Its reads run up to stride - 1 elements
    // past the last window (lanes the shuffle drops): padding covers them.
    bool whole = outShape[3] >= 16;
    if (whole)
      extra[1] = std::max<int64_t>(
          extra[1], (outShape[3] * s[1] + d[1] * (k[1] - 1)) -
                        (inShape[3] + pads[1] + pads[3]));
    // f32 planes other than the small ones below: read as they are, lanes
    // in the padding taking -inf (f32Windows), no padded copy (resnet50's
    // 3x3/2 pool after its stem: the copy of its 64 112x112 planes took
    // 0.22 ms, the pool 0.30 ms).
    // The padded planes; small ones take the whole-plane form below.
    int64_t hp = inShape[2] + pads[0] + pads[2] + extra[0],
            wp = inShape[3] + pads[1] + pads[3] + extra[1];
    bool smallPlanes = !whole && hp * wp <= 256 && outShape[2] * outShape[3] <= 64;
    if (el.isF32() && !smallPlanes && f32WindowsFit(s, outShape)) {
      WindowFns fns;
      fns.plane = [](OpBuilder &, Location, Value) { return SmallVector<Value>(); };
      fns.tap = [](OpBuilder &tb, Location l, Value acc, Value v, int64_t, ArrayRef<Value>) {
        return arith::MaximumFOp::create(tb, l, acc, v).getResult();
      };
      fns.finish = [](OpBuilder &, Location, Value acc, ArrayRef<Value>) { return acc; };
      rewriter.replaceOp(op, f32Windows(rewriter, loc, adaptor.getInput(), pads, s, d, k[0], k[1],
                                        outShape, -std::numeric_limits<float>::infinity(), fns));
      return success();
    }
    Value xp = padPlanes(rewriter, loc, adaptor.getInput(), pads, extra[0], extra[1], lowest);
    auto maxOf = [&](OpBuilder &b, Location l, Value p, Value q) -> Value {
      if (isFloat)
        return arith::MaximumFOp::create(b, l, p, q);
      if (x.isSigned)
        return arith::MaxSIOp::create(b, l, p, q);
      return arith::MaxUIOp::create(b, l, p, q);
    };
    // Explicit vectors along each output row: per window element one read
    // of 16 * stride contiguous input elements and a shuffle that keeps
    // every stride-th, then the max. (LLVM left the strided form scalar for
    // bytes: resnet18's 3x3/2 pool on 112x112x64 took 9% of the model.)
    // Rows of fewer than 16 outputs on small images (the digits model's
    // 2x2/2 pool of 8x8 planes): a whole padded plane is one vector read in
    // bounds, each window element a constant shuffle of it into the output
    // plane's order, and the output plane one store (the row-wise form
    // below reads and writes such rows with masks, byte by byte on AVX2).
    if (smallPlanes) {
      int64_t nN = outShape[0], cN = outShape[1], oh = outShape[2], ow = outShape[3];
      auto planeIn = VectorType::get({hp * wp}, el);
      Value xflat = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({nN, cN, hp * wp}, el), xp,
          SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
      Value out = emptyLike(rewriter, loc, {nN, cN, oh * ow}, el);
      auto minor = AffineMapAttr::get(AffineMap::getMinorIdentityMap(3, 1, ctx));
      auto ploop = constParallelLoop;
      Value res = ploop(rewriter, loc, 0, nN, 1, ValueRange{out}, [&](OpBuilder &b0, Location l0,
                                                                      Value n, ValueRange a0) {
        return ploop(b0, l0, 0, cN, 1, a0, [&](OpBuilder &b, Location l, Value c,
                                               ValueRange a1) {
          Value zero = cstIndex(b, l, 0);
          Value plane = vector::TransferReadOp::create(b, l, planeIn, xflat,
                                                       ValueRange{n, c, zero}, minor, lowest,
                                                       Value(), b.getBoolArrayAttr({true}));
          Value m;
          for (int64_t i = 0; i < k[0]; ++i)
            for (int64_t j = 0; j < k[1]; ++j) {
              SmallVector<int64_t> pick;
              for (int64_t y = 0; y < oh; ++y)
                for (int64_t xo = 0; xo < ow; ++xo)
                  pick.push_back((y * s[0] + i * d[0]) * wp + xo * s[1] + j * d[1]);
              Value v = vector::ShuffleOp::create(b, l, plane, plane, pick);
              m = m ? maxOf(b, l, m, v) : v;
            }
          return SmallVector<Value>{
              vector::TransferWriteOp::create(b, l, m, a1[0], ValueRange{n, c, zero}, minor,
                                              Value(), b.getBoolArrayAttr({true}))
                  .getResult()};
        });
      })[0];
      rewriter.replaceOp(op, tensor::ExpandShapeOp::create(
                                 rewriter, loc, RankedTensorType::get(outShape, el), res,
                                 SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}}));
      return success();
    }
    if (k[0] * k[1] <= 16 && s[1] <= 4) {
      int64_t nN = outShape[0], cN = outShape[1], oh = outShape[2], ow = outShape[3];
      auto vIn = VectorType::get({16 * s[1]}, el);
      SmallVector<int64_t> pick;
      for (int64_t l = 0; l < 16; ++l)
        pick.push_back(l * s[1]);
      auto minor = AffineMapAttr::get(AffineMap::getMinorIdentityMap(4, 1, ctx));
      Value out = emptyLike(rewriter, loc, outShape, el);
      auto idx = cstIndex;
      auto loop = constLoop;
      // Every output row on its own.
      auto ploop = constParallelLoop;
      Value res = ploop(rewriter, loc, 0, nN, 1, ValueRange{out}, [&](OpBuilder &b0, Location l0,
                                                                      Value n, ValueRange a0) {
        return ploop(b0, l0, 0, cN, 1, a0, [&](OpBuilder &b1, Location l1, Value c,
                                                ValueRange a1) {
          return ploop(b1, l1, 0, oh, 1, a1, [&](OpBuilder &b2, Location l2, Value y,
                                                 ValueRange a2) {
            return loop(b2, l2, 0, ow, 16, a2, [&](OpBuilder &b, Location l, Value x0,
                                                    ValueRange a3) {
              if (whole)
                x0 = arith::MinUIOp::create(b, l, x0, idx(b, l, ow - 16));
              Value m;
              for (int64_t i = 0; i < k[0]; ++i)
                for (int64_t j = 0; j < k[1]; ++j) {
                  Value row = arith::AddIOp::create(
                      b, l, arith::MulIOp::create(b, l, y, idx(b, l, s[0])),
                      idx(b, l, i * d[0]));
                  Value col = arith::AddIOp::create(
                      b, l, arith::MulIOp::create(b, l, x0, idx(b, l, s[1])),
                      idx(b, l, j * d[1]));
                  Value v = vector::TransferReadOp::create(
                      b, l, vIn, xp, ValueRange{n, c, row, col}, minor, lowest, Value(),
                      b.getBoolArrayAttr({whole}));
                  if (s[1] != 1)
                    v = vector::ShuffleOp::create(b, l, v, v, pick);
                  m = m ? maxOf(b, l, m, v) : v;
                }
              // Lanes past the row's end are not written.
              return SmallVector<Value>{
                  vector::TransferWriteOp::create(b, l, m, a3[0], ValueRange{n, c, y, x0},
                                                  minor, Value(), b.getBoolArrayAttr({whole}))
                      .getResult()};
            });
          });
        });
      })[0];
      rewriter.replaceOp(op, res);
      return success();
    }
    return failure();
  }
};

/// A float GlobalAveragePool in MLAS's order (mlasOrderRowMeans: four
/// lanes from +0.0, each whole block of four added in, the lanes halved
/// pairwise, the rest added one by one, the sum divided by H W), with the
/// lanes as a vector<4xf32> and 8 planes at a time: 8 independent chains of
/// adds, not one chain of scalar adds per plane (efficientnet_b0's pools
/// over 112x112 and 56x56 planes ran at 19 GB/s).
struct GlobalAvgPoolKernel : CPUKernelPattern<GlobalAvgPool2DOp> {
  using CPUKernelPattern::CPUKernelPattern;
  LogicalResult matchAndRewrite(GlobalAvgPool2DOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    auto inShape = rtt(op.getInput()).getShape();
    Type el = rtt(adaptor.getInput()).getElementType();
    if (qinfo(op.getInput().getType()).quantized || !el.isF32() || inShape[0] * inShape[1] == 0 ||
        inShape[2] * inShape[3] < 4)
      return failure();
    Location loc = op.getLoc();
    int64_t rows = inShape[0] * inShape[1], n = inShape[2] * inShape[3], whole = n / 4 * 4;
    auto v4 = VectorType::get({4}, el);
    Value x2 = tensor::CollapseShapeOp::create(rewriter, loc, RankedTensorType::get({rows, n}, el),
                                               adaptor.getInput(),
                                               SmallVector<ReassociationIndices>{{0, 1}, {2, 3}});
    auto idx = cstIndex;
    Value zero = arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(0.0f));
    // Rows r0 .. r0 + g - 1 into `out`.
    auto group = [&](OpBuilder &gb, Location l, Value r0, int64_t g, Value out) -> Value {
      SmallVector<Value> rowIdx;
      for (int64_t r = 0; r < g; ++r)
        rowIdx.push_back(arith::AddIOp::create(gb, l, r0, idx(gb, l, r)));
      Value z4 = arith::ConstantOp::create(gb, l, v4, DenseElementsAttr::get(v4, 0.0f));
      SmallVector<Value> acc =
          constLoop(gb, l, 0, whole, 4, SmallVector<Value>(g, z4),
                    [&](OpBuilder &lb, Location ll, Value j, ValueRange a) {
                      SmallVector<Value> next;
                      for (int64_t r = 0; r < g; ++r)
                        next.push_back(arith::AddFOp::create(
                            lb, ll, a[r],
                            vector::TransferReadOp::create(lb, ll, v4, x2, ValueRange{rowIdx[r], j},
                                                           zero, ArrayRef<bool>{true})));
                      return next;
                    });
      for (int64_t r = 0; r < g; ++r) {
        SmallVector<Value> lanes;
        for (int64_t t = 0; t < 4; ++t)
          lanes.push_back(vector::ExtractOp::create(gb, l, acc[r], ArrayRef<int64_t>{t}));
        Value sum = arith::AddFOp::create(gb, l, arith::AddFOp::create(gb, l, lanes[0], lanes[2]),
                                          arith::AddFOp::create(gb, l, lanes[1], lanes[3]));
        for (int64_t k = whole; k < n; ++k)
          sum = arith::AddFOp::create(
              gb, l, sum,
              tensor::ExtractOp::create(gb, l, x2, ValueRange{rowIdx[r], idx(gb, l, k)}));
        Value mean = arith::DivFOp::create(
            gb, l, sum, arith::ConstantOp::create(gb, l, gb.getF32FloatAttr((float)n)));
        out = tensor::InsertOp::create(gb, l, mean, out, ValueRange{rowIdx[r]});
      }
      return out;
    };
    Value out = emptyLike(rewriter, loc, {rows}, el);
    int64_t groups = rows / 8;
    if (groups)
      out = constParallelLoop(rewriter, loc, 0, groups, 1, ValueRange{out},
                              [&](OpBuilder &pb, Location l, Value t, ValueRange a) {
                                Value r0 = arith::MulIOp::create(pb, l, t, idx(pb, l, 8));
                                return SmallVector<Value>{group(pb, l, r0, 8, a[0])};
                              })[0];
    if (rows % 8)
      out = group(rewriter, loc, idx(rewriter, loc, groups * 8), rows % 8, out);
    rewriter.replaceOp(
        op, tensor::ExpandShapeOp::create(rewriter, loc,
                                          RankedTensorType::get(rtt(op.getResult()).getShape(), el),
                                          out, SmallVector<ReassociationIndices>{{0, 1, 2, 3}}));
    return success();
  }
};

} // namespace

void mlir::octet::cpu::populatePoolingKernelPatterns(const TypeConverter &tc,
                                                     RewritePatternSet &patterns,
                                                     const CPUKernelOptions &options) {
  patterns.add<MaxPoolKernel, GlobalAvgPoolKernel>(tc, patterns.getContext(), options);
}
