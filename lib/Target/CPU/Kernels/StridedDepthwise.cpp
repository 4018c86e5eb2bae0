//===- StridedDepthwise.cpp - f32 windows read from the input planes ------===//
//
// Per-channel f32 windows read straight from the NCHW input (f32Windows):
// no padded copy and no space-to-depth regrouping. Vectors of 16 output
// pixels along a row; each tap reads 16 x stride consecutive input
// elements and one shuffle keeps the ones its lanes need, taking the pad
// value for the lanes whose tap falls in the padding. Strided depthwise
// convolutions (EfficientNet's and MobileNet's 3x3/2 and 5x5/2 layers) and
// f32 MaxPool (PoolPatterns.cpp) run on it.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::octet;

namespace mlir::octet::cpu {

bool f32WindowsFit(ArrayRef<int64_t> strides, ArrayRef<int64_t> outShape) {
  // One shuffle of one to four vectors per tap; rows of at most 16 output
  // vectors (each row's vectors are unrolled).
  return strides[1] <= 4 && (outShape[3] + 15) / 16 <= 16;
}

bool floatDepthwiseStridedFits(ArrayRef<int64_t> strides, ArrayRef<int64_t> outShape) {
  // Also without AVX-512 (a vector as two halves): efficientnet_b0 float
  // as x86-64-v3 code on a Zen 4, 16.23 -> 15.50 ms; mobilenet_v2 10.23 ->
  // 9.49 ms.
  return (strides[0] > 1 || strides[1] > 1) && f32WindowsFit(strides, outShape);
}

/// The plane of each (image, channel) is a parallel task. Its output rows
/// whose taps all lie in the input run in a loop; the rows above and below
/// (some taps in the padding, or reads that could run past the plane's
/// end) are unrolled with those taps left out or their reads masked. In a
/// row, output vector j's lane l at tap (i, k) reads column
/// sw (16 j + l) + k dw - pl: one read of 16 sw elements from the first
/// lane's column (from 0 where that is in the left padding), and a shuffle
/// that takes each lane's element or the pad value where its column lies
/// outside the row. `fns` combine the taps from the pad value in (i, k)
/// order and finish each vector before its store (masked past the row's
/// end).
Value f32Windows(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                 ArrayRef<int64_t> strides, ArrayRef<int64_t> dil, int64_t kh, int64_t kw,
                 ArrayRef<int64_t> outShape, float padValue, const WindowFns &fns) {
  Type f32 = b.getF32Type();
  auto f16 = VectorType::get({16}, f32);
  auto xs = rtt(x).getShape();
  int64_t nN = xs[0], cN = xs[1], ih = xs[2], iw = xs[3], plane = ih * iw;
  int64_t oh = outShape[2], ow = outShape[3];
  int64_t sh = strides[0], sw = strides[1], dh = dil[0], dw = dil[1];
  int64_t pt = pads[0], pl = pads[1];
  int64_t vecs = (ow + 15) / 16, span = 16 * sw;
  auto wide = VectorType::get({span}, f32);

  Value xf = tensor::CollapseShapeOp::create(b, loc, RankedTensorType::get({nN, cN, plane}, f32), x,
                                             SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  Value padS = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(padValue));
  auto idx = cstIndex;
  auto minor = AffineMapAttr::get(AffineMap::getMinorIdentityMap(3, 1, b.getContext()));

  // The input rows of output row oy's taps, and whether all are inside.
  auto rowOf = [&](int64_t oy, int64_t i) { return oy * sh + i * dh - pt; };
  auto rowInside = [&](int64_t oy) { return rowOf(oy, 0) >= 0 && rowOf(oy, kh - 1) < ih; };
  // Whether a read of `span` elements from column `col` of input row `r`
  // stays in the plane.
  auto readInPlane = [&](int64_t r, int64_t col) { return r * iw + col + span <= plane; };
  // Rows [top, bottom) in the loop: all taps inside and every read in the
  // plane (checked on the loop's last row, whose reads reach furthest).
  int64_t top = 0;
  while (top < oh && !rowInside(top))
    ++top;
  int64_t bottom = oh;
  auto rowReadsIn = [&](int64_t oy) {
    for (int64_t i = 0; i < kh; ++i)
      for (int64_t j = 0; j < vecs; ++j)
        for (int64_t k = 0; k < kw; ++k)
          if (!readInPlane(rowOf(oy, i), std::max<int64_t>(0, sw * 16 * j + k * dw - pl)))
            return false;
    return true;
  };
  while (bottom > top && !(rowInside(bottom - 1) && rowReadsIn(bottom - 1)))
    --bottom;

  // One output row: `oy` is its index when the row is unrolled (taps in
  // the padding left out), else `oyv` is the loop's row index.
  auto row = [&](OpBuilder &rb, Location l, Value n, Value c, std::optional<int64_t> oy, Value oyv,
                 ArrayRef<Value> state, Value cur) -> Value {
    Value oyIdx = oy ? idx(rb, l, *oy) : oyv;
    Value rowBase = arith::SubIOp::create(
        rb, l, arith::MulIOp::create(rb, l, oyIdx, idx(rb, l, sh * iw)), idx(rb, l, pt * iw));
    Value padV = arith::ConstantOp::create(rb, l, wide, DenseElementsAttr::get(wide, padValue));
    for (int64_t j = 0; j < vecs; ++j) {
      Value acc = arith::ConstantOp::create(rb, l, f16, DenseElementsAttr::get(f16, padValue));
      for (int64_t i = 0; i < kh; ++i) {
        if (oy && (rowOf(*oy, i) < 0 || rowOf(*oy, i) >= ih))
          continue;
        for (int64_t k = 0; k < kw; ++k) {
          int64_t c0 = sw * 16 * j + k * dw - pl, r0 = std::max<int64_t>(0, c0);
          // Each lane's element of the read, or span (the pad value).
          SmallVector<int64_t> pick;
          bool any = false, plain = r0 == c0 && sw == 1;
          for (int64_t t = 0; t < 16; ++t) {
            int64_t col = c0 + sw * t;
            bool live = 16 * j + t < ow && col >= 0 && col < iw;
            pick.push_back(live ? col - r0 : span);
            any |= live;
            plain &= live || 16 * j + t >= ow;
          }
          if (!any)
            continue;
          bool in = oy ? readInPlane(rowOf(*oy, i), r0) : true;
          Value at = arith::AddIOp::create(rb, l, rowBase, idx(rb, l, i * dh * iw + r0));
          Value v = vector::TransferReadOp::create(rb, l, wide, xf, ValueRange{n, c, at}, minor,
                                                   padS, Value(), rb.getBoolArrayAttr({in}));
          if (!plain)
            v = vector::ShuffleOp::create(rb, l, v, padV, pick);
          acc = fns.tap(rb, l, acc, v, i * kw + k, state);
        }
      }
      Value y = fns.finish(rb, l, acc, state);
      Value p = arith::AddIOp::create(rb, l, arith::MulIOp::create(rb, l, oyIdx, idx(rb, l, ow)),
                                      idx(rb, l, 16 * j));
      bool whole = 16 * (j + 1) <= ow;
      Value mask;
      if (!whole) {
        SmallVector<bool> m;
        for (int64_t t = 0; t < 16; ++t)
          m.push_back(16 * j + t < ow);
        auto mt = VectorType::get({16}, rb.getI1Type());
        mask = arith::ConstantOp::create(rb, l, mt, DenseElementsAttr::get(mt, ArrayRef<bool>(m)));
      }
      cur = vector::TransferWriteOp::create(rb, l, y, cur, ValueRange{n, c, p}, minor, mask,
                                            rb.getBoolArrayAttr({whole}))
                .getResult();
    }
    return cur;
  };

  Value out = emptyLike(b, loc, {nN, cN, oh * ow}, f32);
  out = constParallelLoop(
      b, loc, 0, nN * cN, 1, ValueRange{out},
      [&](OpBuilder &pb, Location l, Value nc, ValueRange a) {
        Value n = arith::DivUIOp::create(pb, l, nc, idx(pb, l, cN));
        Value c = arith::RemUIOp::create(pb, l, nc, idx(pb, l, cN));
        SmallVector<Value> state = fns.plane(pb, l, c);
        Value cur = a[0];
        for (int64_t oy = 0; oy < top; ++oy)
          cur = row(pb, l, n, c, oy, Value(), state, cur);
        if (top < bottom)
          cur = constLoop(pb, l, top, bottom, 1, ValueRange{cur},
                          [&](OpBuilder &yb, Location yl, Value oyv, ValueRange a1) {
                            return SmallVector<Value>{
                                row(yb, yl, n, c, std::nullopt, oyv, state, a1[0])};
                          })[0];
        for (int64_t oy = std::max(top, bottom); oy < oh; ++oy)
          cur = row(pb, l, n, c, oy, Value(), state, cur);
        return SmallVector<Value>{cur};
      })[0];
  return tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get({nN, cN, oh, ow}, f32), out,
                                       SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

/// f32Windows with the taps' products summed from zero (FMAs with the
/// plane's weights broadcast), then the bias and the activation.
Value floatDepthwiseStrided(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                            ArrayRef<int64_t> strides, ArrayRef<int64_t> dil,
                            const std::vector<double> &w, ArrayRef<int64_t> wShape,
                            ArrayRef<int64_t> outShape, ArrayRef<float> bias, StringRef act,
                            std::optional<float> lo, std::optional<float> hi) {
  auto f16 = VectorType::get({16}, b.getF32Type());
  int64_t cN = rtt(x).getDimSize(1), kh = wShape[2], kw = wShape[3];
  assert(wShape[0] == cN && wShape[1] == 1 && "depthwise: one input channel per output");
  std::vector<float> wf(w.begin(), w.end());
  Value wT = vectorConstF32(b, loc, wf); // [C KH KW]
  SmallVector<float> bv(bias.begin(), bias.end());
  bv.resize(cN, 0.0f);
  Value biasT = vectorConstF32(b, loc, bv);
  auto idx = cstIndex;
  WindowFns fns;
  // The plane's KH x KW weights, then its bias, broadcast.
  fns.plane = [&](OpBuilder &pb, Location l, Value c) {
    SmallVector<Value> st;
    Value w0 = arith::MulIOp::create(pb, l, c, idx(pb, l, kh * kw));
    for (int64_t t = 0; t < kh * kw; ++t)
      st.push_back(vector::BroadcastOp::create(
          pb, l, f16,
          tensor::ExtractOp::create(pb, l, wT,
                                    ValueRange{arith::AddIOp::create(pb, l, w0, idx(pb, l, t))})));
    st.push_back(vector::BroadcastOp::create(
        pb, l, f16, tensor::ExtractOp::create(pb, l, biasT, ValueRange{c})));
    return st;
  };
  fns.tap = [&](OpBuilder &tb, Location l, Value acc, Value v, int64_t tap, ArrayRef<Value> st) {
    return vector::FMAOp::create(tb, l, v, st[tap], acc).getResult();
  };
  fns.finish = [&](OpBuilder &fb, Location l, Value acc, ArrayRef<Value> st) {
    return floatActivation(fb, l, arith::AddFOp::create(fb, l, acc, st.back()), act, lo, hi);
  };
  return f32Windows(b, loc, x, pads, strides, dil, kh, kw, outShape, 0.0f, fns);
}

} // namespace mlir::octet::cpu
